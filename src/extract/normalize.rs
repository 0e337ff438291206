//! Text normalisation: a display form (kept in events) and a matching key (never shown).
//!
//! Both are single passes over the characters with a per-character table; no regular
//! expressions. [`display`] keeps the author's spelling; [`match_key`] folds every variant a
//! marker may be written in, so one configured phrase matches them all.

/// How one character is treated by [`match_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyChar {
    /// Invisible or diacritic: removed without a trace (`ً`, tatweel, zero-width, bidi marks).
    Drop,
    /// Punctuation or space: a word boundary.
    Sep,
    /// A letter or digit, already folded (lower case still to be applied).
    Keep(char),
}

/// Folds one character for the matching key.
pub fn key_char(c: char) -> KeyChar {
    key_char_in(c, arabic_table())
}

/// [`key_char`] with the Arabic block table already in hand (hoisted out of loops).
#[inline(always)]
fn key_char_in(c: char, table: &[KeyChar; 256]) -> KeyChar {
    let cp = c as u32;
    if cp < 0x80 {
        return if c.is_ascii_alphanumeric() {
            KeyChar::Keep(c)
        } else {
            KeyChar::Sep
        };
    }
    if (ARABIC_BLOCK..ARABIC_BLOCK + 0x100).contains(&cp) {
        return table[(cp - ARABIC_BLOCK) as usize];
    }
    key_char_other(c)
}

/// [`key_char_general`] for a character outside ASCII and the Arabic block: Latin-1 signs
/// (`«»`, NBSP) and general punctuation (`–`, `“”`, `…`, zero-width marks), common in news
/// text, are looked up in a table built once; the rest take the general rule.
#[inline]
fn key_char_other(c: char) -> KeyChar {
    let cp = c as u32;
    match cp {
        0x80..=0xFF => punctuation_table()[(cp - 0x80) as usize],
        0x2000..=0x207F => punctuation_table()[(cp - 0x2000 + 0x80) as usize],
        _ => key_char_general(c),
    }
}

/// [`key_char_general`] for U+0080..U+00FF (slots 0..128) and U+2000..U+207F (slots 128..256),
/// built once: the generic `is_alphanumeric` lookup costs hundreds of instructions a character.
fn punctuation_table() -> &'static [KeyChar; 256] {
    static TABLE: std::sync::OnceLock<[KeyChar; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [KeyChar::Sep; 256];
        for (i, slot) in table.iter_mut().enumerate() {
            let cp = if i < 0x80 {
                0x80 + i
            } else {
                0x2000 + i - 0x80
            };
            if let Some(c) = char::from_u32(cp as u32) {
                *slot = key_char_general(c);
            }
        }
        table
    })
}

/// First code point of the Arabic block, whose folding is looked up in a table.
const ARABIC_BLOCK: u32 = 0x0600;

/// [`key_char_general`] for every character of the Arabic block (U+0600..U+06FF), built once:
/// the generic `is_alphanumeric` lookup costs hundreds of instructions per Arabic letter.
fn arabic_table() -> &'static [KeyChar; 256] {
    static TABLE: std::sync::OnceLock<[KeyChar; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [KeyChar::Sep; 256];
        for (i, slot) in table.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(ARABIC_BLOCK + i as u32) {
                *slot = key_char_general(c);
            }
        }
        table
    })
}

fn key_char_general(c: char) -> KeyChar {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => KeyChar::Keep('ا'),
        'ى' | 'ی' | 'ې' | 'ۍ' => KeyChar::Keep('ي'),
        'ک' => KeyChar::Keep('ك'),
        'ة' => KeyChar::Keep('ه'),
        '\u{0660}'..='\u{0669}' => KeyChar::Keep(ascii_digit(c as u32 - 0x0660)),
        '\u{06F0}'..='\u{06F9}' => KeyChar::Keep(ascii_digit(c as u32 - 0x06F0)),
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{0640}' => KeyChar::Drop,
        c if is_invisible(c) => KeyChar::Drop,
        c if c.is_alphanumeric() => KeyChar::Keep(c),
        _ => KeyChar::Sep,
    }
}

fn ascii_digit(d: u32) -> char {
    char::from_digit(d, 10).unwrap_or('0')
}

/// Zero-width characters, bidi controls, the BOM and the soft hyphen: never visible text.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{180E}'
    )
}

/// [`char::is_alphabetic`], with ASCII and the Arabic letters (`ء`..`غ`, `ف`..`ي`) answered
/// without the Unicode tables, which cost hundreds of instructions a character.
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        0x0621..=0x063A | 0x0641..=0x064A => true,
        _ => c.is_alphabetic(),
    }
}

/// [`char::is_numeric`], with ASCII and the Arabic block answered without the Unicode tables:
/// there only the Arabic-Indic and the Persian digits are numbers.
#[inline]
pub fn is_numeric(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_digit(),
        0x0600..=0x06FF => matches!(c, '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}'),
        _ => c.is_numeric(),
    }
}

/// Spaces other than the plain one (NBSP, en/em spaces, ideographic space, tab, …).
fn is_odd_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{000B}' | '\u{000C}' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Letters used in Persian and Urdu but never in Arabic; a word holding one is not mapped.
fn is_persian_only(c: char) -> bool {
    matches!(c, 'پ' | 'چ' | 'ژ' | 'گ' | 'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ھ')
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

/// The language of a page's script, as far as display normalisation cares: Arabic pages get
/// their stray Persian letters mapped back, Persian and Urdu pages keep their own letters and
/// the zero-width non-joiner that shapes their words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Script {
    /// Arabic (and any page not detected as Persian or Urdu): `ی`/`ک` inside Arabic words are
    /// code-point mistakes and become `ي`/`ك`; zero-width marks are deleted.
    #[default]
    Arabic,
    /// Persian or Urdu: letters kept as written, ZWNJ and ZWJ kept.
    PersianUrdu,
}

impl Script {
    /// The script convention of a language code (`fa` and `ur` keep their letters).
    pub fn of_lang(lang: Option<&str>) -> Script {
        match lang {
            Some("fa" | "ur") => Script::PersianUrdu,
            _ => Script::Arabic,
        }
    }
}

/// Guesses a page's language from its letters: `ar`, `fa`, `ur` for Arabic-script pages (Persian
/// when its own yeh and keheh outnumber the Arabic ones, Urdu when Urdu-only letters are common
/// too), `en` when Latin letters outnumber the Arabic-script ones twice, `None` without letters.
/// Reads at most the first 20,000 characters.
pub fn detect_lang(text: &str) -> Option<&'static str> {
    let mut end = text.len().min(LANG_SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text.as_bytes()[..end];
    // Counted in chunks of byte-wide lanes, which the compiler turns into vector code.
    let (mut latin, mut arabic_script) = (0usize, 0usize);
    for chunk in sample.chunks(255) {
        let (mut l, mut a) = (0u8, 0u8);
        for &b in chunk {
            l += u8::from((b | 0x20).wrapping_sub(b'a') < 26);
            // Arabic-script letters are two bytes led by D8–DB.
            a += u8::from(b.wrapping_sub(0xD8) < 4);
        }
        latin += usize::from(l);
        arabic_script += usize::from(a);
    }
    if arabic_script == 0 && latin == 0 {
        return None;
    }
    // Arabic letters carry more of a text than Latin ones (short vowels unwritten, words
    // shorter): a page is Latin-script only when its Latin letters outnumber them twice.
    if arabic_script * 2 < latin {
        return Some("en");
    }
    // Persian and Urdu letters (U+0680–06FF) are led by DA or DB: rare on Arabic pages.
    let (mut persian_forms, mut persian_only, mut urdu_only) = (0usize, 0usize, 0usize);
    for at in memchr::memchr2_iter(0xDA, 0xDB, sample) {
        let Some(&next) = sample.get(at + 1) else {
            break;
        };
        match (sample[at], next) {
            (0xDB, 0x8C) | (0xDA, 0xA9) => persian_forms += 1,
            (0xDA, 0x86 | 0x98 | 0xAF) => persian_only += 1,
            (0xDB, 0x92 | 0x81 | 0x93) | (0xDA, 0x88 | 0x91 | 0xBA | 0xBE) => urdu_only += 1,
            _ => {}
        }
    }
    // Persian and Urdu write `ی` and `ک` in most words; an Arabic page holds a few strays, or
    // many when typed on a Persian keyboard, but then without the letters Arabic lacks (`چ`,
    // `ژ`, `گ`; Urdu's own are counted apart).
    let own = persian_forms + urdu_only;
    let foreign_letters = persian_only + urdu_only > 0;
    if !foreign_letters || own < PERSIAN_MIN_FORMS || own * PERSIAN_SHARE_DIVISOR < arabic_script {
        Some("ar")
    } else if urdu_only * 40 >= arabic_script {
        Some("ur")
    } else {
        Some("fa")
    }
}

/// Bytes of a page read to tell its language.
const LANG_SAMPLE_BYTES: usize = 40_000;
/// Fewest Persian or Urdu letter forms that make a page Persian or Urdu.
const PERSIAN_MIN_FORMS: usize = 3;
/// Persian or Urdu letter forms in at least one letter of this many make a page Persian or
/// Urdu (about one letter in ten in those languages; far rarer as strays on Arabic pages).
const PERSIAN_SHARE_DIVISOR: usize = 25;

/// Display normalisation for an Arabic page: see [`display_in`].
pub fn display(text: &str) -> String {
    display_in(text, Script::Arabic)
}

/// Display normalisation: odd spaces to a space, invisible marks removed (inside a word they
/// are deleted, not spaced), spaces tidied per line, blank lines collapsed to one. On Arabic
/// pages Persian yeh/keheh inside Arabic words become ي/ك; Persian and Urdu pages keep their
/// letters and their zero-width (non-)joiners. Keeps diacritics, hamza and the author's
/// spelling.
pub fn display_in(text: &str, script: Script) -> String {
    let mut lines = Vec::new();
    for line in split_lines(text) {
        if has_unicode_break(line.as_bytes()) {
            lines.extend(line.split(['\u{2028}', '\u{2029}', '\u{0085}']));
        } else {
            lines.push(line);
        }
    }
    display_lines(lines.into_iter(), text.len(), script)
}

/// Whether `text`, trimmed, is one link and nothing else (`https://…`, `www.…`): a link left
/// over from an embed or a share bar, or a source given as its address.
pub fn is_link(text: &str) -> bool {
    let t = text.trim();
    !t.contains(char::is_whitespace)
        && (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www."))
}

/// The pieces of `text` between `\n` characters, as `text.split('\n')` gives them (an empty
/// piece after a final `\n`), found with a vectorised search.
pub fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        match ends.next() {
            Some(at) => {
                start = Some(at + 1);
                Some(&text[from..at])
            }
            None => {
                start = None;
                Some(&text[from..])
            }
        }
    })
}

/// Whether a line holds U+0085, U+2028 or U+2029 (`C2 85`, `E2 80 A8`, `E2 80 A9`), found by
/// their lead bytes, rare in Arabic text.
fn has_unicode_break(b: &[u8]) -> bool {
    memchr::memchr2_iter(0xC2, 0xE2, b)
        .any(|at| matches!(&b[at + 1..], [0x85, ..] | [0x80, 0xA8 | 0xA9, ..]))
}

/// [`display_in`] over the page's lines.
fn display_lines<'a>(lines: impl Iterator<Item = &'a str>, len: usize, script: Script) -> String {
    let mut out = String::with_capacity(len);
    let mut buf = String::new();
    let mut word = String::new();
    let mut pending_blank = false;
    for raw in lines {
        let line = clean_line(raw, &mut buf, &mut word, script);
        if line.is_empty() {
            pending_blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if pending_blank {
                out.push('\n');
            }
        }
        pending_blank = false;
        out.push_str(line);
    }
    out
}

/// Display normalisation of a single line: like [`display`] with every line break a space.
pub fn display_line(text: &str) -> String {
    display_line_in(text, Script::Arabic)
}

/// Display normalisation of a single line in a given script convention ([`display_in`]).
pub fn display_line_in(text: &str, script: Script) -> String {
    let mut line = String::new();
    let mut word = String::new();
    clean_line(text, &mut line, &mut word, script).to_string()
}

/// The display form of one line: `raw` itself when it is already clean, else built in `line`.
fn clean_line<'a>(
    raw: &'a str,
    line: &'a mut String,
    word: &mut String,
    script: Script,
) -> &'a str {
    if script == Script::Arabic {
        // Captures indent many lines: spaces at the ends are dropped without a rebuild.
        let trimmed = raw.trim_matches(' ');
        if is_clean_line(trimmed) {
            return trimmed;
        }
    }
    line.clear();
    word.clear();
    let mut run_start = 0;
    for (i, c) in raw.char_indices() {
        if is_plain_visible(c) {
            continue;
        }
        let joiner = script == Script::PersianUrdu && matches!(c, '\u{200C}' | '\u{200D}');
        let space = c == ' ' || is_odd_space(c);
        if space || (is_invisible(c) && !joiner) || c.is_control() {
            word.push_str(&raw[run_start..i]);
            run_start = i + c.len_utf8();
            if space {
                flush_word(word, line, script);
            }
        }
    }
    word.push_str(&raw[run_start..]);
    flush_word(word, line, script);
    line
}

/// A line [`clean_line`] would leave as it is: single spaces between words without odd
/// spaces, invisible marks or control characters, and no Persian yeh or keheh.
fn is_clean_line(raw: &str) -> bool {
    is_clean_arabic_line(raw) || is_clean_line_by_chars(raw)
}

/// [`is_clean_line`] for the common case of lines made of ASCII, the Arabic block and news
/// punctuation (`«»`, `–—`, `“”`, `•`, `…`), judged on the bytes (vectorisable): the Arabic
/// block is lead bytes `D8..DB`; U+061C, `ی` and `ک` are `D8 9C`, `DB 8C`, `DA A9`; Latin-1
/// signs are led by `C2` (but for controls, the no-break space and the soft hyphen, `C2 80..A0`,
/// `C2 AD`); U+2010..U+2027 are `E2 80 90..A7`. False tells nothing.
fn is_clean_arabic_line(raw: &str) -> bool {
    let b = raw.as_bytes();
    let Some((&first, rest)) = b.split_first() else {
        return true;
    };
    if !matches!(first, 0x21..=0x7E | 0xC2 | 0xD8..=0xDB | 0xE2) || b.last() == Some(&b' ') {
        return false;
    }
    let bad = b
        .iter()
        .zip(rest)
        .fold(false, |acc, (&prev, &x)| acc | bad_pair(prev, x));
    !bad
}

fn is_clean_line_by_chars(raw: &str) -> bool {
    if raw.starts_with(' ') || raw.ends_with(' ') {
        return false;
    }
    let mut prev_space = false;
    for c in raw.chars() {
        if c == ' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        let odd = !is_plain_visible(c) && (is_odd_space(c) || is_invisible(c) || c.is_control());
        if odd || c == 'ی' || c == 'ک' {
            return false;
        }
    }
    true
}

fn bad_pair(prev: u8, x: u8) -> bool {
    let allowed = matches!(x, 0x21..=0x7E | 0x80..=0xBF | 0xC2 | 0xD8..=0xDB | 0xE2)
        || (x == b' ' && prev != b' ');
    let continuation = (0x80..=0xBF).contains(&x);
    !allowed
        || (prev == 0xD8 && x == 0x9C)
        || (prev == 0xDB && x == 0x8C)
        || (prev == 0xDA && x == 0xA9)
        || (prev == 0xC2 && (x <= 0xA0 || x == 0xAD))
        || (prev == 0xE2 && x != 0x80)
        // Only `E2 80` puts a continuation byte after `80` (other three-byte leads are refused).
        || (prev == 0x80 && continuation && !(0x90..=0xA7).contains(&x))
}

/// Printable ASCII other than the space, and the Arabic block but for its letter mark
/// (U+061C): characters [`clean_line`] keeps as they are, recognised without the range tables.
fn is_plain_visible(c: char) -> bool {
    matches!(c as u32, 0x21..=0x7E | 0x0600..=0x061B | 0x061D..=0x06FF)
}

fn flush_word(word: &mut String, line: &mut String, script: Script) {
    if word.is_empty() {
        return;
    }
    if !line.is_empty() {
        line.push(' ');
    }
    let needs_map = script == Script::Arabic
        && word.contains(['ی', 'ک'])
        && word.chars().any(is_arabic_letter)
        && !word.chars().any(is_persian_only);
    if needs_map {
        line.extend(word.chars().map(|c| match c {
            'ی' => 'ي',
            'ک' => 'ك',
            other => other,
        }));
    } else {
        line.push_str(word);
    }
    word.clear();
}

/// Incremental builder of a matching key, one character at a time.
#[derive(Debug, Default)]
pub struct KeyBuilder {
    key: String,
    pending_sep: bool,
}

impl KeyBuilder {
    /// An empty builder with room for `bytes` bytes of key.
    pub fn with_capacity(bytes: usize) -> Self {
        KeyBuilder {
            key: String::with_capacity(bytes),
            pending_sep: false,
        }
    }

    /// Adds one character of the source text.
    pub fn push(&mut self, c: char) {
        self.push_folded(key_char(c));
    }

    #[inline(always)]
    fn push_folded(&mut self, folded: KeyChar) {
        match folded {
            KeyChar::Drop => {}
            KeyChar::Sep => self.pending_sep = !self.key.is_empty(),
            KeyChar::Keep(k) => {
                if self.pending_sep {
                    self.key.push(' ');
                    self.pending_sep = false;
                }
                if k.is_ascii() {
                    self.key.push(k.to_ascii_lowercase());
                } else if (ARABIC_BLOCK..ARABIC_BLOCK + 0x100).contains(&(k as u32)) {
                    self.key.push(k);
                } else {
                    self.key.extend(k.to_lowercase());
                }
            }
        }
    }

    /// The key so far (trailing separators not included).
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// The finished key.
    pub fn finish(self) -> String {
        self.key
    }
}

/// The matching key: folded alef, ى→ي, ة→ه, no diacritics or tatweel, ASCII digits, lower case,
/// punctuation dropped and spaces collapsed. Used to compare markers, never shown.
pub fn match_key(text: &str) -> String {
    let bytes = text.as_bytes();
    let table = arabic_table();
    let same = arabic_unchanged();
    let mut out = String::with_capacity(bytes.len());
    let mut pending_sep = false;
    let mut i = 0;
    // ASCII and the Arabic block (two bytes led by D8–DB) are folded without decoding the
    // text character by character; any other character takes the general rule.
    while i < bytes.len() {
        // Runs of characters the key keeps as they are (most Arabic letters, lower-case ASCII
        // letters and digits) are copied whole.
        let end = unchanged_run(bytes, i, same);
        if end > i {
            if pending_sep {
                out.push(' ');
                pending_sep = false;
            }
            out.push_str(&text[i..end]);
            i = end;
            continue;
        }
        let b = bytes[i];
        let folded = if b < 0x80 {
            i += 1;
            if b.is_ascii_alphanumeric() {
                KeyChar::Keep(char::from(b.to_ascii_lowercase()))
            } else {
                KeyChar::Sep
            }
        } else if b.wrapping_sub(0xD8) < 4 && i + 1 < bytes.len() {
            let index = (usize::from(b - 0xD8) << 6) | usize::from(bytes[i + 1] & 0x3F);
            i += 2;
            table[index]
        } else {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            key_char_other(c)
        };
        match folded {
            KeyChar::Drop => {}
            KeyChar::Sep => pending_sep = !out.is_empty(),
            KeyChar::Keep(k) => {
                if pending_sep {
                    out.push(' ');
                    pending_sep = false;
                }
                if k.is_ascii() || (ARABIC_BLOCK..ARABIC_BLOCK + 0x100).contains(&(k as u32)) {
                    out.push(k);
                } else {
                    out.extend(k.to_lowercase());
                }
            }
        }
    }
    out
}

/// Where the run of characters the key keeps unchanged, starting at byte `i`, ends.
#[inline]
fn unchanged_run(bytes: &[u8], mut i: usize, same: &[bool; 256]) -> usize {
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if b.is_ascii_lowercase() || b.is_ascii_digit() {
                i += 1;
                continue;
            }
            break;
        }
        let lead = b.wrapping_sub(0xD8);
        match bytes.get(i + 1) {
            Some(&next)
                if lead < 4 && same[(usize::from(lead) << 6) | usize::from(next & 0x3F)] =>
            {
                i += 2
            }
            _ => break,
        }
    }
    i
}

/// For each character of the Arabic block: does the matching key keep it as it is?
fn arabic_unchanged() -> &'static [bool; 256] {
    static TABLE: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut same = [false; 256];
        for (i, slot) in same.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(ARABIC_BLOCK + i as u32) {
                *slot = key_char_general(c) == KeyChar::Keep(c);
            }
        }
        same
    })
}

/// If `text`'s key starts with `label_key` (a [`match_key`] output), returns the text after the
/// shortest prefix spelling that label, with the label's trailing diacritics and invisible marks
/// consumed too. `اقرأ أيضاً«…»` with the key `اقرا ايضا` gives `«…»`.
pub fn strip_key_prefix<'a>(text: &'a str, label_key: &str) -> Option<&'a str> {
    if label_key.is_empty() {
        return None;
    }
    let mut b = KeyBuilder::default();
    for (i, c) in text.char_indices() {
        b.push(c);
        let key = b.as_str();
        if key.len() >= label_key.len() {
            if key != label_key {
                return None;
            }
            let mut end = i + c.len_utf8();
            for next in text[end..].chars() {
                if key_char(next) == KeyChar::Drop {
                    end += next.len_utf8();
                } else {
                    break;
                }
            }
            return Some(&text[end..]);
        }
        if !label_key.starts_with(key) {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_letter_and_number_tests_agree_with_the_unicode_tables() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "U+{:04X}", c as u32);
            assert_eq!(is_numeric(c), c.is_numeric(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn the_punctuation_table_keys_as_the_general_rule_does() {
        for c in (0x80..=0xFFu32)
            .chain(0x2000..=0x207F)
            .filter_map(char::from_u32)
        {
            assert_eq!(key_char_other(c), key_char_general(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn split_lines_gives_the_pieces_split_on_newlines_gives() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "\na",
            "a\nb",
            "أ\n\nب\n",
            "a\r\nb\n\n",
        ] {
            let ours: Vec<&str> = split_lines(text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn display_breaks_lines_at_every_line_separator() {
        assert_eq!(
            display("أ\u{2028}ب «ج»\u{0085}د\u{2029}هـ\r\nو"),
            "أ\nب «ج»\nد\nهـ\nو"
        );
    }

    #[test]
    fn display_turns_nbsp_and_odd_spaces_into_one_space() {
        assert_eq!(
            display("قال\u{00A0}البيت\u{2009}\u{3000}الأبيض"),
            "قال البيت الأبيض"
        );
    }

    #[test]
    fn display_deletes_zero_width_marks_inside_a_word() {
        assert_eq!(
            display("الول\u{200C}ايات \u{200F}المتحدة\u{200B}"),
            "الولايات المتحدة"
        );
        assert_eq!(display("\u{FEFF}غزة\u{202B}"), "غزة");
    }

    #[test]
    fn display_maps_persian_yeh_and_keheh_inside_arabic_words() {
        assert_eq!(display("الولایات فی غزة"), "الولايات في غزة");
        assert_eq!(display("کتاب"), "كتاب");
    }

    #[test]
    fn display_keeps_persian_yeh_in_persian_words() {
        assert_eq!(display("گفتگوی"), "گفتگوی");
    }

    #[test]
    fn persian_and_urdu_pages_keep_their_letters_and_zwnj() {
        let fa = "می\u{200C}خواهند این کتاب را بخوانند";
        assert_eq!(display_in(fa, Script::PersianUrdu), fa);
        let ur = "پاکستان کے وزیر اعظم نے کہا";
        assert_eq!(display_in(ur, Script::PersianUrdu), ur);
        assert_eq!(
            display_in(" این\u{00A0}کتاب ", Script::PersianUrdu),
            "این کتاب"
        );
    }

    #[test]
    fn language_is_told_by_letter_forms() {
        assert_eq!(
            detect_lang("قال المتحدث في بيان إن الولایات المتحدة"),
            Some("ar")
        );
        assert_eq!(
            detect_lang("وزیر امور خارجه ایران گفت که این کشور آماده گفتگو است"),
            Some("fa")
        );
        assert_eq!(
            detect_lang("پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت یہ فیصلہ کرے گی"),
            Some("ur")
        );
        // Arabic typed on a Persian keyboard: `ی` throughout, but no letter Arabic lacks.
        assert_eq!(
            detect_lang("قال فی بیان إن الولایات المتحدة تدعو إلی وقف"),
            Some("ar")
        );
        assert_eq!(detect_lang("The minister said on Sunday"), Some("en"));
        assert_eq!(detect_lang("123 ..."), None);
    }

    #[test]
    fn display_keeps_diacritics_hamza_and_spelling() {
        let s = "وقفاً شاملاً لإطلاق النار في غزّة، مسؤول";
        assert_eq!(display(s), s);
    }

    #[test]
    fn display_tidies_spaces_per_line_and_collapses_blank_lines() {
        assert_eq!(
            display("  أول   سطر  \r\n\n \u{00A0}\n\n\nثاني\nثالث \n\n"),
            "أول سطر\n\nثاني\nثالث"
        );
    }

    #[test]
    fn display_is_idempotent() {
        let s = " الولایات\u{00A0}\u{200B}المتحدة \n\n\n فی غزة ";
        assert_eq!(display(&display(s)), display(s));
    }

    #[test]
    fn key_folds_alef_forms_yeh_and_teh_marbuta() {
        assert_eq!(match_key("أإآٱ"), "اااا");
        assert_eq!(match_key("على مدينة"), "علي مدينه");
        assert_eq!(match_key("فی"), "في");
    }

    #[test]
    fn key_drops_diacritics_and_tatweel() {
        assert_eq!(match_key("أيضاً"), "ايضا");
        assert_eq!(match_key("غـــزّة"), "غزه");
    }

    #[test]
    fn key_makes_digits_ascii() {
        assert_eq!(match_key("٢٠٢٣ ۱۴۰۲"), "2023 1402");
    }

    #[test]
    fn key_lowercases_drops_punctuation_and_collapses_spaces() {
        assert_eq!(match_key("  CNN:  «حماس»!! "), "cnn حماس");
    }

    #[test]
    fn key_matches_every_read_also_spelling() {
        let k = match_key("اقرأ أيضا");
        for v in ["اقرأ أيضاً", "إقرأ أيضا", "اقرأ ايضا", " اقرأ  أيضاً:"]
        {
            assert_eq!(match_key(v), k, "{v}");
        }
    }

    #[test]
    fn key_char_fast_paths_agree_with_the_general_rule_for_every_char() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(key_char(c), key_char_general(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn plain_visible_chars_are_neither_spaces_nor_invisible_nor_control() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if is_plain_visible(c) {
                assert!(c != ' ' && !is_odd_space(c) && !is_invisible(c) && !c.is_control());
            }
        }
    }

    #[test]
    fn clean_lines_are_returned_unchanged_and_others_rebuilt() {
        let (mut line, mut word) = (String::new(), String::new());
        for raw in [
            "قال المتحدث: نعم.",
            "",
            "a b",
            " a",
            "a  b",
            "a\u{200B}b",
            "فی غزة",
            "قال «نعم» – وأضاف: “لا”… • تم",
            "«نعم»\u{00A0}لا",
            "a\u{00AD}b",
            "a\u{2028}b",
            "a\u{202B}b",
            "   قال «نعم».  ",
            "  ",
        ] {
            let fast = is_clean_line(raw);
            let mut slow = String::new();
            if fast {
                assert_eq!(
                    clean_line(raw, &mut line, &mut word, Script::Arabic),
                    raw,
                    "{raw:?}"
                );
            }
            slow.push_str(&display_line(&format!("{raw}\u{200B}")));
            assert_eq!(
                clean_line(raw, &mut line, &mut word, Script::Arabic),
                slow,
                "{raw:?}"
            );
        }
    }

    #[test]
    fn byte_level_clean_line_check_matches_the_char_rule() {
        let reference = |raw: &str| {
            !raw.starts_with(' ')
                && !raw.ends_with(' ')
                && !raw.contains("  ")
                && raw.chars().all(|c| {
                    let odd = is_odd_space(c) || is_invisible(c) || c.is_control();
                    c == ' ' || !(odd || c == 'ی' || c == 'ک')
                })
        };
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for raw in [format!("{c}"), format!("ب{c}"), format!("a {c}ب")] {
                assert_eq!(is_clean_line(&raw), reference(&raw), "{raw:?}");
                if is_clean_arabic_line(&raw) {
                    assert!(reference(&raw), "{raw:?}");
                }
            }
        }
        assert!(!is_clean_line("a  b") && !is_clean_line(" a") && !is_clean_line("a "));
    }

    #[test]
    fn arabic_block_has_no_case_to_fold() {
        for c in ('\u{0600}'..='\u{06FF}').filter(|c| c.is_alphanumeric()) {
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string());
        }
    }

    #[test]
    fn strip_key_prefix_removes_a_glued_label() {
        let key = match_key("اقرأ أيضا");
        assert_eq!(
            strip_key_prefix("اقرأ أيضاً«الاحتلال» يعلن", &key),
            Some("«الاحتلال» يعلن")
        );
        assert_eq!(
            strip_key_prefix("إعلانوكتب ترامب", &match_key("إعلان")),
            Some("وكتب ترامب")
        );
        assert_eq!(strip_key_prefix("وقال المصدر", &match_key("المصدر")), None);
    }

    /// The matching key as the character-by-character builder makes it (the reference the
    /// byte-table fast path must agree with).
    fn key_by_chars(text: &str) -> String {
        let mut b = KeyBuilder::with_capacity(text.len());
        text.chars().for_each(|c| b.push(c));
        b.finish()
    }

    #[test]
    fn byte_table_key_agrees_with_the_character_rule() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [
                format!("{c}"),
                format!("ب{c}ا"),
                format!("a {c} 1"),
                format!("{c}{c}"),
            ] {
                assert_eq!(match_key(&s), key_by_chars(&s), "{s:?}");
            }
        }
        for s in [
            "  CNN:  «حماس»!! ",
            "الولایات المتحدة ١٢٣ ۴۵",
            "اقرأ أيضاً«الاحتلال»",
            "Ünïcödé ÉTÉ İstanbul ß",
            "\u{200B}غزة\u{FEFF} - 2024",
        ] {
            assert_eq!(match_key(s), key_by_chars(s), "{s:?}");
        }
    }
}

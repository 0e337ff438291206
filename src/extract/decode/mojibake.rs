//! Mojibake repair: UTF-8 Arabic that was once decoded as windows-1256 (`ط§ظ„`) or
//! windows-1252 (`Ø§Ù„`) and saved again, turned back into Arabic.

use std::borrow::Cow;
use std::sync::OnceLock;

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1256};

/// A reverse table: each character of a single-byte encoding's upper half to its byte, sorted
/// by character for binary search.
struct ByteMap {
    table: Vec<(char, u8)>,
}

impl ByteMap {
    fn build(encoding: &'static Encoding) -> ByteMap {
        let mut table = Vec::with_capacity(128);
        for b in 0x80u8..=0xff {
            let byte = [b];
            let (text, _) = encoding.decode_without_bom_handling(&byte);
            let mut chars = text.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if c != '\u{fffd}' {
                    table.push((c, b));
                }
            }
        }
        table.sort_unstable();
        ByteMap { table }
    }

    fn byte(&self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return Some(c as u8);
        }
        self.table
            .binary_search_by_key(&c, |&(k, _)| k)
            .ok()
            .map(|i| self.table[i].1)
    }
}

fn maps() -> &'static [ByteMap; 2] {
    static MAPS: OnceLock<[ByteMap; 2]> = OnceLock::new();
    MAPS.get_or_init(|| [ByteMap::build(WINDOWS_1256), ByteMap::build(WINDOWS_1252)])
}

/// One token that re-encodes to valid UTF-8 text.
struct Candidate {
    start: usize,
    end: usize,
    repaired: String,
    strong: bool,
}

/// Repairs mojibake runs, token by token (tokens split on ASCII whitespace). A token is rewritten
/// only when re-encoding it as windows-1256 (or windows-1252) gives valid UTF-8 whose non-ASCII
/// characters are Arabic or common punctuation; real Arabic never re-encodes to valid UTF-8.
/// Tokens holding a single character's worth of mojibake are rewritten only when the text holds
/// clear mojibake elsewhere.
pub fn repair_mojibake(text: &str) -> Cow<'_, str> {
    if !has_strong_candidate(text) {
        return Cow::Borrowed(text);
    }
    let mut candidates = Vec::new();
    let mut strong = 0usize;
    for (start, token) in tokens(text) {
        if token.is_ascii() {
            continue;
        }
        if let Some(c) = maps().iter().find_map(|m| candidate(m, start, token)) {
            strong += usize::from(c.strong);
            candidates.push(c);
        }
    }
    if strong == 0 {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for c in candidates.into_iter().filter(|c| c.strong || strong >= 2) {
        out.push_str(&text[at..c.start]);
        out.push_str(&c.repaired);
        at = c.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Whether any token is a strong candidate, judged only on tokens holding a lead pair: the
/// repaired text of a strong candidate holds an Arabic character, whose UTF-8 lead byte
/// (`D8..DB`, `EF`) comes from one character and its first continuation byte (`80..BF`) from the
/// next. Real Arabic seldom holds such a pair, so most pages skip the per-token work.
fn has_strong_candidate(text: &str) -> bool {
    let bytes = text.as_bytes();
    // A lead pair in the last three bytes has no two-byte character after it.
    let bulk = bytes.len().saturating_sub(3);
    let mut checked_to = 0;
    let mut from = 0;
    while from < bulk {
        let end = (from + 64).min(bulk);
        let any = bytes[from..end]
            .iter()
            .zip(&bytes[from + 1..end + 1])
            .zip(&bytes[from + 2..end + 2])
            .zip(&bytes[from + 3..end + 3])
            .fold(false, |acc, (((&a, &b), &c), &d)| {
                acc | maybe_pair(a, b, c, d)
            });
        if any {
            for at in from..end {
                if at >= checked_to
                    && maybe_pair(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3])
                    && strong_at(text, at, &mut checked_to)
                {
                    return true;
                }
            }
        }
        from = end;
    }
    false
}

/// A cheap superset of a lead character (bytes `a b`) followed by a character that one of the
/// maps turns into a continuation byte (first bytes `c d`): never ASCII, and among `D8`/`D9`
/// characters only `، ؛ ؟ ٹ پ`.
fn maybe_pair(a: u8, b: u8, c: u8, d: u8) -> bool {
    is_lead_pair(a, b)
        && c >= 0x80
        && (c != 0xd8 || matches!(d, 0x8c | 0x9b | 0x9f))
        && (c != 0xd9 || matches!(d, 0xb9 | 0xbe))
}

/// The UTF-8 encoding of a character windows-1256 or windows-1252 maps to an Arabic lead byte:
/// `D8 B7..BA` (`ط ظ ع غ`), `C3 98..9B` (`Ø Ù Ú Û`) or `C3 AF` (`ï`).
fn is_lead_pair(a: u8, b: u8) -> bool {
    (a == 0xd8 && (0xb7..=0xba).contains(&b)) || (a == 0xc3 && matches!(b, 0x98..=0x9b | 0xaf))
}

/// Whether the lead character at byte `at` is followed by a character mapping to a
/// continuation byte and its token is a strong candidate; `checked_to` is moved past the token.
fn strong_at(text: &str, at: usize, checked_to: &mut usize) -> bool {
    let mut chars = text[at..].chars();
    let (Some(c), Some(next)) = (chars.next(), chars.next()) else {
        return false;
    };
    let pair = maps().iter().any(|m| {
        m.byte(c).is_some_and(|b| matches!(b, 0xd8..=0xdb | 0xef))
            && m.byte(next).is_some_and(|b| matches!(b, 0x80..=0xbf))
    });
    if !pair {
        return false;
    }
    let (start, token) = token_around(text, at);
    *checked_to = start + token.len();
    maps()
        .iter()
        .find_map(|m| candidate(m, start, token))
        .is_some_and(|c| c.strong)
}

/// The ASCII-whitespace-separated token holding byte offset `at`, with its start offset.
fn token_around(text: &str, at: usize) -> (usize, &str) {
    let bytes = text.as_bytes();
    let start = bytes[..at]
        .iter()
        .rposition(u8::is_ascii_whitespace)
        .map_or(0, |p| p + 1);
    let end = bytes[at..]
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(text.len(), |p| at + p);
    (start, &text[start..end])
}

/// Tokens separated by ASCII whitespace, with their byte offsets.
fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .map(move |t| (t.as_ptr() as usize - text.as_ptr() as usize, t))
}

fn candidate(map: &ByteMap, start: usize, token: &str) -> Option<Candidate> {
    let mut bytes = Vec::with_capacity(token.len());
    let mut pending = 0u8;
    for c in token.chars() {
        let b = map.byte(c)?;
        pending = match (pending, b) {
            (0, 0x00..=0x7f) => 0,
            (0, 0xc2..=0xdf) => 1,
            (0, 0xe0..=0xef) => 2,
            (0, 0xf0..=0xf4) => 3,
            (n, 0x80..=0xbf) if n > 0 => n - 1,
            _ => return None,
        };
        bytes.push(b);
    }
    let repaired = String::from_utf8(bytes).ok()?;
    let mut multibyte = 0;
    let mut arabic = false;
    for c in repaired.chars().filter(|c| !c.is_ascii()) {
        if !plausible(c) {
            return None;
        }
        multibyte += 1;
        arabic |= is_arabic(c);
    }
    if multibyte == 0 {
        return None;
    }
    Some(Candidate {
        start,
        end: start + token.len(),
        strong: arabic && multibyte >= 2,
        repaired,
    })
}

/// Arabic letters, marks, digits and punctuation in common use (rare code points excluded, so
/// that odd byte pairs in real text do not pass for repaired Arabic).
fn is_arabic(c: char) -> bool {
    matches!(c, '\u{060c}' | '\u{061b}' | '\u{061f}' | '\u{0621}'..='\u{063a}'
        | '\u{0640}'..='\u{0652}' | '\u{0660}'..='\u{066d}' | '\u{0670}'..='\u{06d3}'
        | '\u{06f0}'..='\u{06f9}' | '\u{fb50}'..='\u{fdff}' | '\u{fe70}'..='\u{fefc}')
}

/// Characters a repaired token may hold: Arabic, Latin-1 letters and signs, general punctuation.
fn plausible(c: char) -> bool {
    is_arabic(c)
        || matches!(c, '\u{00a0}'..='\u{00ff}' | '\u{2000}'..='\u{206f}' | '\u{20a0}'..='\u{20cf}'
            | '\u{2100}'..='\u{2122}')
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    /// Characters that windows-1256 or windows-1252 map to an Arabic UTF-8 lead byte (`D8..DB`,
    /// `EF`): `ط ظ ع غ ï` and `Ø Ù Ú Û`.
    fn is_lead_char(c: char) -> bool {
        matches!(
            c,
            '\u{0637}'..='\u{063a}' | '\u{00d8}'..='\u{00db}' | '\u{00ef}'
        )
    }

    #[test]
    fn continuation_chars_pass_the_next_char_filter() {
        for m in maps() {
            for &(c, b) in &m.table {
                if matches!(b, 0x80..=0xbf) {
                    let mut buf = [0u8; 4];
                    let utf8 = c.encode_utf8(&mut buf).as_bytes();
                    assert!(
                        maybe_pair(0xd8, 0xb9, utf8[0], utf8[1]),
                        "{c:?} maps to {b:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn lead_chars_are_exactly_those_mapping_to_arabic_lead_bytes() {
        for m in maps() {
            for &(c, b) in &m.table {
                if matches!(b, 0xd8..=0xdb | 0xef) {
                    assert!(is_lead_char(c), "{c:?} maps to {b:#x}");
                }
            }
        }
    }

    #[test]
    fn lead_pairs_are_the_utf8_of_the_lead_chars() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let utf8 = c.encode_utf8(&mut buf).as_bytes();
            let pair = utf8.len() == 2 && is_lead_pair(utf8[0], utf8[1]);
            assert_eq!(pair, is_lead_char(c), "{c:?}");
        }
    }

    #[test]
    fn arabic_text_without_lead_pairs_is_returned_borrowed() {
        let text = "قال المتحدث باسم الوزارة إن الاجتماع عقد في العاصمة، وأضاف";
        assert!(matches!(repair_mojibake(text), Cow::Borrowed(_)));
    }

    #[test]
    fn mojibake_after_clean_arabic_is_still_repaired() {
        let text = "قال المتحدث ط§ظ„ط³ظ„ط§ظ…";
        assert_eq!(repair_mojibake(text), "قال المتحدث السلام");
    }
}

//! Which charset a page is in: declared (content type, BOM, `<meta>`), valid UTF-8, or detected.

use encoding_rs::{Encoding, REPLACEMENT, UTF_16BE, UTF_16LE, UTF_8, X_USER_DEFINED};

/// How far into the page the `<meta charset>` prescan looks.
const META_SCAN: usize = 8 * 1024;

/// Where the chosen charset came from (recorded in logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The `charset` parameter of the content type.
    ContentType,
    /// A byte-order mark.
    Bom,
    /// `<meta charset>`, `http-equiv` or an XML declaration.
    Meta,
    /// The bytes are (nearly all) valid UTF-8.
    Utf8,
    /// UTF-16 recognised by its zero-byte pattern, without a BOM.
    Utf16Pattern,
    /// Statistical detection (chardetng).
    Detected,
}

/// The encoding named by the `charset` parameter of a content type, if any and usable.
pub fn from_content_type(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let (_, rest) = lower.split_once("charset")?;
    let rest = rest.trim_start().strip_prefix('=')?;
    usable(Encoding::for_label(label_at(rest.trim_start().as_bytes())?))
}

/// The encoding announced by `<meta charset>`, `<meta http-equiv … content="…charset=…">` or an
/// XML declaration near the start of the page. UTF-16 announced in-page means UTF-8 (WHATWG).
pub fn from_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_SCAN)];
    if head.starts_with(b"<?xml") {
        let end = find(head, b"?>", 0).unwrap_or(head.len());
        if let Some(enc) = attr_label(&head[..end], b"encoding") {
            return Some(in_page(enc));
        }
    }
    let mut from = 0;
    while let Some(start) = find_ci(head, b"<meta", from) {
        let end = find(head, b">", start).unwrap_or(head.len());
        if let Some(enc) = attr_label(&head[start..end], b"charset") {
            return Some(in_page(enc));
        }
        from = end;
    }
    None
}

/// The encoding a byte-order mark announces, with the BOM's length.
pub fn from_bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes)
}

/// UTF-16 without a BOM, recognised by high bytes that are nearly all zero or Arabic-block (0x06).
pub fn utf16_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    let pairs = bytes.len().min(1024) / 2;
    if pairs < 8 {
        return None;
    }
    let check = |high: usize| -> bool {
        let mut plausible = 0;
        let mut strong = 0;
        let mut low_zero = 0;
        for pair in bytes[..pairs * 2].chunks_exact(2) {
            let (hi, lo) = (pair[high], pair[1 - high]);
            if matches!(hi, 0x00 | 0x06) {
                strong += 1;
            }
            if matches!(hi, 0x00 | 0x06 | 0x20 | 0xfb | 0xfe) {
                plausible += 1;
            }
            if lo == 0 {
                low_zero += 1;
            }
        }
        plausible * 100 >= pairs * 95 && strong * 10 >= pairs * 3 && low_zero * 20 < pairs
    };
    if check(1) {
        Some(UTF_16LE)
    } else if check(0) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Statistical detection for bytes that are not UTF-8 and declare nothing usable.
pub fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    detector.guess(None, false)
}

/// Decodes `bytes` with `encoding` and says whether the result is clean: no more than one
/// replacement character per hundred good non-ASCII characters.
pub fn decode_checked(encoding: &'static Encoding, bytes: &[u8]) -> (String, bool) {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    let clean = is_clean(&text);
    (text.into_owned(), clean)
}

/// The cleanliness rule of [`decode_checked`] for text already in hand, counted over bytes:
/// each non-ASCII character has exactly one lead byte (`>= 0xC0`), U+FFFD is `EF BF BD`.
pub fn is_clean(text: &str) -> bool {
    if !text.as_bytes().contains(&0xEF) {
        return true;
    }
    let bad = text.matches('\u{fffd}').count();
    if bad == 0 {
        return true;
    }
    let leads = text.bytes().filter(|&b| b >= 0xC0).count();
    bad * 100 <= leads - bad
}

/// Whether text decoded with a declared single-byte charset looks like the wrong charset: many
/// words mix Arabic and Latin-1 letters (ISO-8859-6 read as windows-1256) or are made mostly of
/// Latin-1 letters (Arabic read as windows-1252: `ÇáÓáÇã`). Real French or German words hold
/// one or two accented letters among ASCII ones and never Arabic.
pub fn looks_misdecoded(text: &str) -> bool {
    let mut words = 0usize;
    let mut odd = 0usize;
    for word in text.split_whitespace().filter(|w| !w.is_ascii()).take(2000) {
        let (mut latin, mut arabic, mut letters) = (0usize, 0usize, 0usize);
        for c in word.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            if matches!(c, '\u{00c0}'..='\u{00ff}') && c != '×' && c != '÷' {
                latin += 1;
            } else if matches!(c, '\u{0600}'..='\u{06ff}') {
                arabic += 1;
            }
        }
        words += 1;
        if (latin > 0 && arabic > 0) || (latin >= 3 && latin * 10 >= letters * 6) {
            odd += 1;
        }
    }
    odd >= 2 && odd * 10 >= words * 3
}

/// Encodings that cannot decode a page are treated as no declaration at all.
fn usable(enc: Option<&'static Encoding>) -> Option<&'static Encoding> {
    enc.filter(|e| *e != REPLACEMENT && *e != X_USER_DEFINED)
}

/// The in-page rule: a page cannot usefully declare UTF-16 about itself once read as ASCII.
fn in_page(enc: &'static Encoding) -> &'static Encoding {
    if enc == UTF_16LE || enc == UTF_16BE {
        UTF_8
    } else {
        enc
    }
}

/// Finds `name` followed by `=` and a (possibly quoted) label inside one tag.
fn attr_label(tag: &[u8], name: &[u8]) -> Option<&'static Encoding> {
    let mut from = 0;
    while let Some(at) = find_ci(tag, name, from) {
        from = at + name.len();
        let rest = skip_space(&tag[from..]);
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        if let Some(enc) = label_at(skip_space(rest)).and_then(Encoding::for_label) {
            return usable(Some(enc));
        }
    }
    None
}

/// The charset label at the start of `s`, quotes stripped.
fn label_at(s: &[u8]) -> Option<&[u8]> {
    let s = match s.first() {
        Some(b'"' | b'\'') => &s[1..],
        _ => s,
    };
    let len = s
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .count();
    (len > 0).then(|| &s[..len])
}

fn skip_space(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let hay = hay.get(from..)?;
    let first = *needle.first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    (0..=last_start)
        .find(|&i| {
            hay[i].eq_ignore_ascii_case(&first)
                && hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
        })
        .map(|p| p + from)
}

//! Sniffing: binary payloads (magic numbers, control characters) and whether text is HTML.

/// Known file signatures of non-text payloads, with a name for the rejection message.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip stream"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "rar archive"),
    (b"\x28\xb5\x2f\xfd", "zstd stream"),
    (b"BZh", "bzip2 stream"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\x00asm", "WebAssembly module"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document"),
];

/// How much of the input the control-character count looks at.
const SAMPLE: usize = 64 * 1024;

/// Names the kind of binary payload `bytes` hold, or `None` when they may be text.
pub fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if let Some((_, name)) = MAGIC.iter().find(|(magic, _)| has_magic(bytes, magic)) {
        return Some(name);
    }
    if bytes.len() >= 12
        && &bytes[..4] == b"RIFF"
        && matches!(&bytes[8..12], b"WEBP" | b"WAVE" | b"AVI " | b"ACON")
    {
        return Some("RIFF media");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Some("MP4 media");
    }
    let sample = &bytes[..bytes.len().min(SAMPLE)];
    let (mut nul, mut control) = (0usize, 0usize);
    for chunk in sample.chunks(255) {
        let (mut n, mut c) = (0u8, 0u8);
        for &b in chunk {
            n += u8::from(b == 0);
            c += u8::from(is_odd_control(b));
        }
        nul += usize::from(n);
        control += usize::from(c);
    }
    let n = sample.len();
    if nul * 1000 > n || control * 100 > n * 5 {
        return Some("control characters");
    }
    None
}

/// A magic number matches at the start; the short, letter-like ones need a longer confirmation.
fn has_magic(bytes: &[u8], magic: &[u8]) -> bool {
    if !bytes.starts_with(magic) {
        return false;
    }
    match magic {
        b"BZh" => bytes.len() >= 10 && bytes[3].is_ascii_digit() && &bytes[4..10] == b"1AY&SY",
        b"MZ" => bytes.len() >= 64 && bytes[2..64].contains(&0),
        b"ID3" => bytes.len() >= 10 && bytes[3] < 0x10 && bytes[5..10].contains(&0),
        _ => true,
    }
}

/// Control bytes that do not occur in text (tab, newlines, form feed and escape excepted).
fn is_odd_control(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f)
}

/// How much of the text the HTML sniffing looks at.
const HEAD: usize = 4096;

/// Tags whose presence marks a document as HTML even without a doctype.
const STRONG: &[&str] = &["<!doctype html", "<html", "<head>", "<head ", "<body"];

/// Common tags; several of them near the start make a fragment HTML.
const COMMON: &[&str] = &[
    "<p>", "<p ", "</p>", "<div", "</div>", "<br", "<a href", "</a>", "<span", "</span>", "<meta",
    "<title>", "<script", "<table", "<li>", "<ul", "<h1", "<h2", "<h3", "<img", "<article",
    "<section", "<link", "<strong>", "<b>", "<i>", "<em>",
];

/// Whether the decoded text is HTML: strong tags near the start, a `text/html` content type with
/// tags present, or several common tags; a plain-text page with a stray `<` is not HTML.
pub fn looks_like_html(text: &str, content_type: Option<&str>) -> bool {
    let mut end = text.len().min(HEAD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text.as_bytes()[..end];
    let mut counts = [0usize; COMMON.len()];
    for at in tag_starts(head) {
        let rest = &head[at..];
        if STRONG.iter().any(|t| starts_with_ci(rest, t)) {
            return true;
        }
        for (count, t) in counts.iter_mut().zip(COMMON) {
            *count += usize::from(starts_with_ci(rest, t));
        }
    }
    let distinct = counts.iter().filter(|&&n| n > 0).count();
    let total: usize = counts.iter().sum();
    match content_type.map(mime_of).as_deref() {
        Some("text/html" | "application/xhtml+xml") => distinct > 0 || has_any_tag(head),
        Some("text/plain") => false,
        _ => distinct >= 2 && total >= 3,
    }
}

/// Offsets of every `<` (each tag pattern starts with one and holds no other, so counting the
/// offsets where a pattern starts counts its non-overlapping matches).
fn tag_starts(head: &[u8]) -> impl Iterator<Item = usize> + '_ {
    head.iter()
        .enumerate()
        .filter(|(_, &b)| b == b'<')
        .map(|(i, _)| i)
}

/// `bytes` starts with the lower-case ASCII `pattern`, ignoring ASCII case.
fn starts_with_ci(bytes: &[u8], pattern: &str) -> bool {
    bytes.len() >= pattern.len() && bytes[..pattern.len()].eq_ignore_ascii_case(pattern.as_bytes())
}

/// The lower-cased media type of a content type (`text/html; charset=x` → `text/html`).
pub(super) fn mime_of(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a `<` followed by a letter, `/` or `!` occurs: something shaped like a tag.
fn has_any_tag(head: &[u8]) -> bool {
    head.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

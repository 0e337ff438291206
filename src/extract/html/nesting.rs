//! A guard against pathologically deep HTML before it reaches the parser.
//!
//! The HTML5 tree builder scans its stack of open elements for many start tags, so a page of
//! 100 000 nested `<div>`s costs time quadratic in its depth (minutes for one page). Browsers cap
//! the depth of the tree (Chrome at 512); [`cap_depth`] does the same on the text: start tags
//! that would open an element deeper than the cap are dropped together with their end tags, and
//! all text is kept. Pages within the cap are returned untouched.

use std::borrow::Cow;

use memchr::{memchr, memchr3, memmem};

/// Deepest element nesting handed to the parser (the depth browsers build at most).
pub const MAX_DEPTH: usize = 512;

/// How a start tag affects the depth of the tree the parser builds.
enum Kind {
    /// Void elements and elements whose end tag is optional: the parser closes them implicitly,
    /// so they never build deep stacks by repetition and are left alone.
    Flat,
    /// Elements whose content is raw text up to their end tag (given lower-case).
    Raw(&'static str),
    /// Everything else opens a level.
    Nests,
}

/// Classifies a tag name case-insensitively without allocating.
fn kind(name: &str) -> Kind {
    let mut buf = [0u8; 10];
    let Some(lower) = buf.get_mut(..name.len()) else {
        return Kind::Nests;
    };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    match &*lower {
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"keygen"
        | b"link" | b"meta" | b"param" | b"source" | b"track" | b"wbr" => Kind::Flat,
        b"p" | b"li" | b"dt" | b"dd" | b"option" | b"optgroup" | b"tr" | b"td" | b"th"
        | b"tbody" | b"thead" | b"tfoot" | b"colgroup" | b"rb" | b"rt" | b"rp" | b"rtc" => {
            Kind::Flat
        }
        b"script" => Kind::Raw("script"),
        b"style" => Kind::Raw("style"),
        b"textarea" => Kind::Raw("textarea"),
        b"title" => Kind::Raw("title"),
        b"xmp" => Kind::Raw("xmp"),
        b"iframe" => Kind::Raw("iframe"),
        b"noembed" => Kind::Raw("noembed"),
        b"noframes" => Kind::Raw("noframes"),
        b"plaintext" => Kind::Raw("plaintext"),
        _ => Kind::Nests,
    }
}

/// Returns `html` with element nesting limited to `max` levels (unchanged when within it).
pub fn cap_depth(html: &str, max: usize) -> Cow<'_, str> {
    if !walk(html, max, None) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    walk(html, max, Some(&mut out));
    Cow::Owned(out)
}

/// Scans the tags of `html`, tracking the open-element depth; with `out`, copies everything
/// except start tags beyond `max` and their end tags. Returns whether any tag was beyond `max`.
fn walk(html: &str, max: usize, mut out: Option<&mut String>) -> bool {
    let bytes = html.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut dropped: Vec<(&str, usize)> = Vec::new();
    let mut beyond = false;
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = memchr(b'<', &bytes[i..]) {
        let start = i + off;
        let rest = &bytes[start..];
        let (end, action) = if rest.starts_with(b"<!--") {
            (find_after(html, start + 4, "-->"), Tag::Other)
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            (after_byte(bytes, start + 2, b'>'), Tag::Other)
        } else if rest.starts_with(b"</") {
            let name = tag_name(&html[start + 2..]);
            (after_byte(bytes, start + 2, b'>'), Tag::End(name))
        } else if rest.len() > 1 && rest[1].is_ascii_alphabetic() {
            let name = tag_name(&html[start + 1..]);
            let end = tag_end(bytes, start + 1);
            let self_closing = end >= 2 && bytes[end - 2] == b'/';
            (end, Tag::Start(name, self_closing))
        } else {
            (start + 1, Tag::Other)
        };
        let mut keep = true;
        let mut next = end;
        match action {
            Tag::Other => {}
            Tag::Start(name, self_closing) => match kind(name) {
                Kind::Raw(raw) => next = find_raw_end(html, end, raw),
                Kind::Flat => {}
                Kind::Nests if self_closing => {}
                Kind::Nests if open.len() >= max => {
                    match dropped
                        .iter_mut()
                        .find(|(d, _)| d.eq_ignore_ascii_case(name))
                    {
                        Some((_, n)) => *n += 1,
                        None => dropped.push((name, 1)),
                    }
                    keep = false;
                    beyond = true;
                }
                Kind::Nests => open.push(name),
            },
            Tag::End(name) => {
                match dropped
                    .iter_mut()
                    .find(|(d, n)| *n > 0 && d.eq_ignore_ascii_case(name))
                {
                    Some((_, n)) => {
                        *n -= 1;
                        keep = false;
                    }
                    None => {
                        if let Some(pos) = open.iter().rposition(|o| o.eq_ignore_ascii_case(name)) {
                            open.truncate(pos);
                        }
                    }
                }
            }
        }
        if let Some(out) = out.as_deref_mut() {
            if !keep {
                out.push_str(&html[copied..start]);
                copied = end;
            }
        }
        i = next.max(start + 1).min(html.len());
        if i >= html.len() {
            break;
        }
    }
    if let Some(out) = out {
        out.push_str(&html[copied..]);
    }
    beyond
}

enum Tag<'a> {
    Start(&'a str, bool),
    End(&'a str),
    Other,
}

fn tag_name(s: &str) -> &str {
    let len = s
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
        .count();
    &s[..len]
}

/// Index just past the `>` closing a start tag that begins at `from`, skipping quoted values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut k = from;
    while let Some(off) = memchr3(b'>', b'"', b'\'', &bytes[k..]) {
        let at = k + off;
        match bytes[at] {
            b'>' => return at + 1,
            q => match memchr(q, &bytes[at + 1..]) {
                Some(close) => k = at + 1 + close + 1,
                None => return bytes.len(),
            },
        }
    }
    bytes.len()
}

/// Index just past the first `b` at or after `from` (the end of the text when there is none).
fn after_byte(bytes: &[u8], from: usize, b: u8) -> usize {
    bytes
        .get(from..)
        .and_then(|s| memchr(b, s))
        .map_or(bytes.len(), |k| from + k + 1)
}

fn find_after(html: &str, from: usize, pat: &str) -> usize {
    html.as_bytes()
        .get(from..)
        .and_then(|s| memmem::find(s, pat.as_bytes()))
        .map_or(html.len(), |k| from + k + pat.len())
}

/// Index past the end tag of a raw-text element (`</script>`), matched case-insensitively.
fn find_raw_end(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut k = from;
    while let Some(off) = bytes.get(k..).and_then(|s| memchr(b'<', s)) {
        let at = k + off;
        let cand = &bytes[at + 1..];
        if cand.len() > name.len()
            && cand[0] == b'/'
            && cand[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return after_byte(bytes, at + 2, b'>');
        }
        k = at + 1;
    }
    html.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_returned_untouched() {
        let page = "<html><body><div class='a>b'><p>one<p>two<br><img src=x></div>\
                    <script>if (a < b) { x = '<div>' }</script><!-- <div> --></body></html>";
        assert!(matches!(cap_depth(page, 4), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_capped_and_every_text_kept() {
        let n = 100_000;
        let page = format!("{}<p>النص</p>{}", "<div>".repeat(n), "</div>".repeat(n));
        let capped = cap_depth(&page, MAX_DEPTH);
        assert_eq!(capped.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(capped.matches("</div>").count(), MAX_DEPTH);
        assert!(capped.contains("<p>النص</p>"));
    }

    #[test]
    fn unclosed_deep_nesting_is_capped_too() {
        let page = format!("<body>{}<p>text</p></body>", "<span><div>".repeat(1000));
        let capped = cap_depth(&page, 100);
        assert!(!walk(&capped, 100, None), "still deeper than the cap");
        assert_eq!(
            capped.matches("<span>").count() + capped.matches("<div>").count(),
            99
        );
        assert!(capped.ends_with("<p>text</p></body>"));
    }

    #[test]
    fn repeated_optional_end_tags_do_not_count_as_depth() {
        let page = "<ul>".to_string() + &"<li>item".repeat(5000) + "</ul>";
        assert!(matches!(cap_depth(&page, 10), Cow::Borrowed(_)));
    }
}

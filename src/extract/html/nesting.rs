//! A guard against pathologically deep HTML before it reaches the parser.
//!
//! The HTML5 tree builder scans its stack of open elements for many start tags, so a page of
//! 100 000 nested `<div>`s costs time quadratic in its depth (minutes for one page). Browsers cap
//! the depth of the tree (Chrome at 512); [`cap_depth`] does the same on the text: start tags
//! that would open an element deeper than the cap are dropped together with their end tags, and
//! all text is kept. Pages within the cap are returned untouched.

use std::borrow::Cow;
use std::collections::HashMap;

/// Deepest element nesting handed to the parser (the depth browsers build at most).
pub const MAX_DEPTH: usize = 512;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];
/// Elements whose end tag is optional: the parser closes them implicitly, so they never build
/// deep stacks by repetition and are left alone.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot",
    "colgroup", "rb", "rt", "rp", "rtc",
];
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Returns `html` with element nesting limited to `max` levels (unchanged when within it).
pub fn cap_depth(html: &str, max: usize) -> Cow<'_, str> {
    if html.bytes().filter(|&b| b == b'<').count() <= max || !walk(html, max, None) {
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
    let mut dropped: HashMap<String, usize> = HashMap::new();
    let mut beyond = false;
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let rest = &html[start..];
        let (end, action) = if rest.starts_with("<!--") {
            (find_after(html, start + 4, "-->"), Tag::Other)
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            (find_after(html, start + 2, ">"), Tag::Other)
        } else if rest.starts_with("</") {
            let name = tag_name(&html[start + 2..]);
            (find_after(html, start + 2, ">"), Tag::End(name))
        } else if rest.len() > 1 && bytes[start + 1].is_ascii_alphabetic() {
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
            Tag::Start(name, self_closing) => {
                let lower = name.to_ascii_lowercase();
                let l = lower.as_str();
                let nests = !(self_closing || VOID.contains(&l) || OPTIONAL_END.contains(&l));
                if RAW_TEXT.contains(&l) {
                    next = find_raw_end(html, end, l);
                } else if nests && open.len() >= max {
                    *dropped.entry(lower).or_default() += 1;
                    keep = false;
                    beyond = true;
                } else if nests {
                    open.push(name);
                }
            }
            Tag::End(name) => {
                let lower = name.to_ascii_lowercase();
                match dropped.get_mut(&lower) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        keep = false;
                    }
                    _ => {
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
    let mut quote = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return k + 1,
            _ => {}
        }
    }
    bytes.len()
}

fn find_after(html: &str, from: usize, pat: &str) -> usize {
    html.get(from..)
        .and_then(|s| s.find(pat))
        .map_or(html.len(), |k| from + k + pat.len())
}

/// Index past the end tag of a raw-text element (`</script>`), matched case-insensitively.
fn find_raw_end(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut k = from;
    while let Some(off) = html.get(k..).and_then(|s| s.find("</")) {
        let at = k + off;
        let cand = &bytes[at + 2..];
        if cand.len() >= name.len() && cand[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return find_after(html, at + 2, ">");
        }
        k = at + 2;
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

//! Labelled link lists anywhere on the page: headlines under a related-news heading go to
//! `related`, links under a tags label (`الكلمات الدلالية:`) give the tags when the page's
//! metadata names none.

use super::super::normalize::{display_line_in, match_key, Script};
use super::super::Draft;
use super::blocks;
use super::dom::{self, Dom};
use super::hints::Hints;

/// Most headlines taken into `related`.
const MAX_RELATED: usize = 20;
/// Most tags taken from a labelled list.
const MAX_TAGS: usize = 30;
/// Most nodes of a block searched for the list under a heading standing in a header of its own.
const MAX_LIST_NODES: usize = 400;
/// Longest text (bytes) looked at as a tags label.
const LABEL_MAX_BYTES: usize = 80;
/// Longest text node (non-space characters) inside an element looked at as a tags label.
const LABEL_MAX_CHARS: u32 = 40;

/// Elements short enough to be a list's label, with the key of their visible text, and the
/// index one past the label's parent (the scope its list lies in).
fn labels<'d>(dom: &'d Dom<'_>) -> impl Iterator<Item = (usize, String, usize)> + 'd {
    dom.nodes.iter().enumerate().filter_map(move |(i, n)| {
        let fits = matches!(
            n.tag(),
            "h2" | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "strong"
                | "b"
                | "span"
                | "div"
                | "p"
                | "dt"
                | "label"
        ) && n.end as usize - i <= 8
            && n.parent != dom::NO_PARENT;
        if !fits {
            return None;
        }
        let text = dom.visible_text(i);
        if text.len() > 120 {
            return None;
        }
        let scope_end = dom.nodes[n.parent as usize].end as usize;
        Some((i, match_key(&text), scope_end))
    })
}

/// The link texts in `from..to`, display-normalised.
fn links_in(dom: &Dom<'_>, from: usize, to: usize, script: Script) -> Vec<String> {
    (from..to)
        .filter(|&j| dom.nodes[j].tag() == "a")
        .map(|j| display_line_in(&dom.visible_text(j), script))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The link texts after the label at `i` and up to `scope_end`.
fn links_after(dom: &Dom<'_>, i: usize, scope_end: usize, script: Script) -> Vec<String> {
    links_in(dom, dom.nodes[i].end as usize, scope_end, script)
}

/// Headlines listed under related-news headings anywhere on the page go to `related`.
pub fn related_from_page(dom: &Dom<'_>, hints: &Hints, script: Script, draft: &mut Draft) {
    for (i, key, scope_end) in labels(dom) {
        if !blocks::is_related_heading(&key, hints) {
            continue;
        }
        let mut headlines = links_after(dom, i, scope_end, script);
        if headlines.is_empty() {
            // The heading in a header of its own (`<header><h2>…</h2></header><ul>…</ul>`):
            // the list is in the block one level up.
            let parent = dom.nodes[i].parent as usize;
            let up = dom.nodes[parent].parent;
            if up != dom::NO_PARENT
                && dom.nodes[up as usize].end as usize - parent <= MAX_LIST_NODES
            {
                headlines = links_after(dom, i, dom.nodes[up as usize].end as usize, script);
            }
        }
        for headline in headlines {
            if headline.chars().count() >= 15 && !draft.related.contains(&headline) {
                draft.related.push(headline);
                if draft.related.len() >= MAX_RELATED {
                    return;
                }
            }
        }
    }
}

/// When the metadata gave no tags: the links of a labelled tags list, the label standing
/// before the list (`<div>الكلمات الدلالية:</div><div><a>…</a></div>`) or inside it
/// (`<div>الوسوم: <a>…</a> <a>…</a></div>`, the label the element's first text).
pub fn tags_from_page(dom: &Dom<'_>, hints: &Hints, script: Script, draft: &mut Draft) {
    if !draft.tags.is_empty() || hints.tags_labels.is_empty() {
        return;
    }
    let is_label = |key: &str| {
        let key = key.trim_end_matches([' ', ':']);
        hints.tags_labels.iter().any(|l| l == key)
    };
    for (i, n) in dom.nodes.iter().enumerate() {
        if n.el.is_none() || n.parent == dom::NO_PARENT || n.end as usize - i > 200 {
            continue;
        }
        let end = n.end as usize;
        let mut found = Vec::new();
        let first = dom
            .nodes
            .get(i + 1)
            .filter(|c| c.parent as usize == i && c.is_text());
        // A label is a few words: longer texts are not keyed at all.
        let short = |t: &str| t.len() <= LABEL_MAX_BYTES;
        if first.is_some_and(|c| short(c.text) && is_label(&match_key(c.text))) {
            found = links_in(dom, i + 1, end, script);
        }
        let small = end - i <= 8 && (i + 1..end).all(|j| dom.nodes[j].chars <= LABEL_MAX_CHARS);
        if found.is_empty() && small && is_label(&match_key(&dom.visible_text(i))) {
            let scope_end = dom.nodes[n.parent as usize].end as usize;
            found = links_after(dom, i, scope_end, script);
        }
        for tag in found {
            if tag.chars().count() <= 50 && !draft.tags.contains(&tag) {
                draft.tags.push(tag);
            }
            if draft.tags.len() >= MAX_TAGS {
                return;
            }
        }
        if !draft.tags.is_empty() {
            return;
        }
    }
}

/// Nodes after the content looked at for a source line printed apart from it.
const SOURCE_REACH: usize = 60;
/// Longest source line (bytes) printed after the content.
const SOURCE_MAX_BYTES: usize = 160;

/// The source line printed just after the content (`<div class="article-source">المصدر :
/// الجزيرة + وكالات</div>`): its names go to `sources`.
pub fn sources_after(dom: &Dom<'_>, from: usize, hints: &Hints, script: Script, draft: &mut Draft) {
    let to = (from + SOURCE_REACH).min(dom.len());
    for i in from..to {
        let n = &dom.nodes[i];
        let end = n.end as usize;
        if !matches!(n.tag(), "div" | "p" | "span" | "section") || end - i > 8 {
            continue;
        }
        let chars: u32 = dom.nodes[i..end].iter().map(|t| t.chars).sum();
        if chars == 0 || chars as usize > SOURCE_MAX_BYTES {
            continue;
        }
        let text = dom.visible_text(i);
        if text.len() > SOURCE_MAX_BYTES {
            continue;
        }
        let line = display_line_in(
            &text.split_whitespace().collect::<Vec<_>>().join(" "),
            script,
        );
        if let Some(src) = blocks::labelled(&line, &hints.source_labels) {
            for name in blocks::split_sources(&src) {
                if !draft.sources.contains(&name) {
                    draft.sources.push(name);
                }
            }
            return;
        }
    }
}

//! Dropping page furniture: scripts and styles always; navigation, headers, footers, sidebars,
//! forms, share/cookie/newsletter boxes by tag, ARIA role and class/id words.

use super::super::{Draft, RemovedKind};
use super::dom::{attr, Dom, NO_PARENT};
use super::hints::{kind_of, ClassVerdict, Hints};
use super::stats::Stats;

/// Tags whose content is never article text.
fn is_never_text(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "button"
            | "select"
            | "input"
            | "textarea"
            | "option"
            | "link"
            | "meta"
            | "head"
            | "title"
            | "video"
            | "audio"
            | "map"
            | "dialog"
    )
}

/// Furniture tags and the kind they are counted as.
fn furniture_tag(tag: &str) -> Option<RemovedKind> {
    Some(match tag {
        "nav" | "menu" => RemovedKind::Nav,
        "aside" => RemovedKind::Sidebar,
        "footer" => RemovedKind::Footer,
        "header" => RemovedKind::Header,
        "form" | "fieldset" => RemovedKind::Form,
        _ => return None,
    })
}

fn furniture_role(role: &str) -> Option<RemovedKind> {
    Some(match role.trim() {
        "navigation" | "menu" | "menubar" | "search" | "tablist" => RemovedKind::Nav,
        "banner" => RemovedKind::Header,
        "contentinfo" => RemovedKind::Footer,
        "complementary" => RemovedKind::Sidebar,
        "dialog" | "alertdialog" | "alert" | "tooltip" => RemovedKind::Furniture,
        "toolbar" => RemovedKind::Share,
        _ => return None,
    })
}

fn is_hidden(style: Option<&str>) -> bool {
    let Some(style) = style else { return false };
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// How aggressively to drop furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Tags, roles and class/id words.
    Full,
    /// Tags that never hold text only (the fallback when the full pass leaves too little).
    Minimal,
}

/// Marks the elements that never hold article text (`true` at the top of each such subtree):
/// the removal every level starts from.
pub fn never_text(dom: &Dom<'_>) -> Vec<bool> {
    dom.nodes
        .iter()
        .map(|node| node.el.is_some() && is_never_text(node.tag()))
        .collect()
}

/// Longest text (non-space characters) of a skip link or of the anchor it jumps to.
const MAX_SKIP_TEXT: u32 = 80;

/// Blocks a reader is invited to jump over: a link to `#id` that opens a block and the element
/// with that id closing it (`<a href="#end-of-twitter-content-1">` … `<div
/// id="end-of-twitter-content-1">`). Embedded posts, podcast promos and recommendation boxes are
/// fenced this way; the block is the smallest one holding both, it has no text before the link
/// and holds a minor part of the page's text (a table of contents or a skip-to-content link
/// fences the article itself, and is left alone).
fn skipped_regions(dom: &Dom<'_>, never: &[bool], raw: &Stats) -> Vec<usize> {
    let page_ptext = raw.ptext[0].max(raw.text[0] / 4);
    let mut regions = Vec::new();
    for (link, n) in dom.nodes.iter().enumerate() {
        if n.tag() != "a" || never[link] || raw.text[link] > MAX_SKIP_TEXT {
            continue;
        }
        let Some(id) = n
            .attr("href")
            .and_then(|h| h.strip_prefix('#'))
            .filter(|id| !id.is_empty())
        else {
            continue;
        };
        // The fenced block is small: the anchor is looked for in the link's ancestors while
        // they hold a minor part of the page.
        let mut a = n.parent;
        while a != NO_PARENT {
            let ai = a as usize;
            let whole_page = matches!(
                dom.nodes[ai].tag(),
                "html" | "body" | "main" | "article" | ""
            );
            if whole_page || raw.ptext[ai] * 3 > page_ptext || raw.text[ai] * 3 > raw.text[0] {
                break;
            }
            let end = dom.nodes[ai].end as usize;
            let anchor = (link + 1..end)
                .find(|&t| raw.text[t] <= MAX_SKIP_TEXT && dom.nodes[t].attr("id") == Some(id));
            if anchor.is_some() {
                let text_before = dom.nodes[ai..link]
                    .iter()
                    .any(|t| t.el.is_none() && t.chars > 0);
                if !text_before {
                    regions.push(ai);
                }
                break;
            }
            a = dom.nodes[ai].parent;
        }
    }
    regions
}

/// Marks removed nodes (`true` at the top of each removed subtree) and counts them by kind,
/// starting from `never` ([`never_text`]) with `raw`, the statistics of the page without it.
pub fn mark(
    dom: &Dom<'_>,
    hints: &Hints,
    verdicts: &[ClassVerdict],
    never: &[bool],
    raw: &Stats,
    draft: &mut Draft,
) -> Vec<bool> {
    let n = dom.len();
    let mut removed = never.to_vec();
    let page_ptext = raw.ptext[0].max(raw.text[0] / 4);
    let guarded = |i: usize| page_ptext >= 200 && raw.ptext[i] * 2 > page_ptext;
    for region in skipped_regions(dom, never, raw) {
        if !removed[region] {
            removed[region] = true;
            draft.count_removed(RemovedKind::Embed);
        }
    }
    let mut i = 0;
    while i < n {
        let node = &dom.nodes[i];
        let Some(el) = node.el else {
            i += 1;
            continue;
        };
        if removed[i] {
            i = node.end as usize;
            continue;
        }
        let tag = el.name();
        // `Some(None)`: removed without being counted (a hidden element).
        let mut kind: Option<Option<RemovedKind>> = furniture_tag(tag).map(Some);
        if kind.is_none() {
            kind = attr(el, "role").and_then(furniture_role).map(Some);
        }
        if kind.is_none()
            && (attr(el, "hidden").is_some()
                || attr(el, "aria-hidden") == Some("true")
                || is_hidden(attr(el, "style")))
        {
            kind = Some(None);
        }
        if kind.is_none() && !matches!(tag, "html" | "body" | "article" | "main") {
            let v = verdicts[i];
            if let (Some(neg), false) = (v.negative, v.positive) {
                kind = Some(Some(kind_of(&hints.negative_name(neg))));
            }
        }
        // A block holding most of the page's paragraph text is kept whatever its class says
        // (layout words like `hidden-print` or `meta` on an article container), unless it
        // names itself a comment area: a long thread outweighs a short article.
        match kind {
            Some(k) if !guarded(i) || k == Some(RemovedKind::Comments) => {
                removed[i] = true;
                if let Some(k) = k {
                    draft.count_removed(k);
                }
                i = node.end as usize;
            }
            _ => i += 1,
        }
    }
    removed
}

//! The article's opening printed apart from its body, and the standfirst that is not part of
//! it.
//!
//! News agencies print the lead (`لید`) of a story in its own element above the text
//! (`<p class="summary introtext">`, `<h3 class="lead">`, `itemprop="description"`), the body
//! going on from it: such a paragraph of prose just before the chosen content opens the body.
//! That is the convention of Arabic-script agencies; an English deck in the same place is a
//! summary. A standfirst is a headline-shaped summary without a sentence's end: it leaves the
//! top of the body.

use super::super::normalize::{display_line_in, match_key, Script};
use super::super::{Draft, RemovedKind};
use super::dom::{Dom, NO_PARENT};
use super::hints::{kind_of, ClassVerdict, Hints};
use super::score::Choice;
use super::stats::Stats;

/// Shortest lead (characters).
const MIN_LEAD_CHARS: usize = 60;
/// Longest lead (characters).
const MAX_LEAD_CHARS: usize = 1200;
/// Levels above the body's first text looked at for a lead-marked block holding it.
const LEAD_LEVELS: usize = 3;
/// Nodes before the content looked at for a lead.
const LEAD_REACH: usize = 400;
/// Paragraphs from the top looked at as a standfirst.
const STANDFIRST_REACH: usize = 2;

/// Whether a text ends like a sentence (closing quotes and brackets aside).
pub fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['»', '"', '”', '’', '\'', ')', ']'])
        .ends_with(['.', '!', '?', '؟', '۔', '…'])
}

/// What the lead search looks at besides the page.
pub struct Context<'c> {
    /// Statistics of the page after cleaning.
    pub stats: &'c Stats,
    /// Removed subtrees (`true` at their tops).
    pub removed: &'c [bool],
    /// Class verdicts of every node.
    pub verdicts: &'c [ClassVerdict],
    /// The compiled hints.
    pub hints: &'c Hints,
}

/// Settles the block printed just before the body's first paragraph with a lead's class
/// (`lead`, `introtext`, `summary`, `itemprop="description"`): a sentence of prose is the lead
/// and opens the body when the page follows the Arabic-script agencies' convention
/// (`lead_opens_body`; English decks are summaries) and the body does not hold it yet; a text
/// without a sentence's end is a standfirst, and a copy of it leaves the top of the body.
pub fn settle(
    dom: &Dom<'_>,
    cx: &Context<'_>,
    choice: &Choice,
    script: Script,
    lead_opens_body: bool,
    draft: &mut Draft,
) {
    let Some(opening) = draft.paragraphs.first() else {
        return;
    };
    let Some(first) = first_text(dom, cx.removed, choice, opening) else {
        return;
    };
    let Some((lead, holds_opening)) = find(dom, cx, first) else {
        return;
    };
    let text = display_line_in(&squashed(&dom.visible_text(lead)), script);
    let key = match_key(&text);
    if key.is_empty() {
        return;
    }
    if !ends_sentence(&text) {
        let reach = draft
            .paragraphs
            .len()
            .saturating_sub(1)
            .min(STANDFIRST_REACH);
        if let Some(idx) = draft.paragraphs[..reach]
            .iter()
            .position(|p| match_key(p) == key)
        {
            draft.paragraphs.remove(idx);
            draft.count_removed(RemovedKind::Standfirst);
        }
        return;
    }
    let chars = text.chars().count();
    if holds_opening || !lead_opens_body || !(MIN_LEAD_CHARS..=MAX_LEAD_CHARS).contains(&chars) {
        return;
    }
    let held = draft
        .paragraphs
        .iter()
        .take(3)
        .any(|p| match_key(p).contains(&key))
        || draft.title.as_deref().is_some_and(|t| match_key(t) == key);
    if !held {
        draft.paragraphs.insert(0, text);
    }
}

/// Bytes of the opening paragraph, and of a text node, compared to find where the body begins.
const OPENING_BYTES: usize = 300;
const NODE_BYTES: usize = 120;

/// The first text node of the chosen content that went into the body's opening paragraph (its
/// first words are found among the paragraph's first ones).
fn first_text(dom: &Dom<'_>, removed: &[bool], choice: &Choice, opening: &str) -> Option<usize> {
    let opening = match_key(head(opening, OPENING_BYTES));
    for &root in &choice.roots {
        let end = dom.nodes[root].end as usize;
        let mut i = root;
        while i < end {
            let n = &dom.nodes[i];
            if removed[i] {
                i = n.end as usize;
                continue;
            }
            if n.el.is_none() && n.chars >= 10 {
                let text = n.text.trim_start();
                let mut key = match_key(head(text, NODE_BYTES));
                if text.len() > NODE_BYTES {
                    // the last word may be cut
                    key.truncate(key.rfind(' ').unwrap_or(key.len()));
                }
                if !key.is_empty() && opening.contains(&key) {
                    return Some(i);
                }
            }
            i += 1;
        }
    }
    None
}

/// The first `bytes` bytes of a text, cut at a character boundary.
fn head(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The lead-marked block holding node `first` (a few levels up; `true` beside it), else the
/// nearest one ending before it, mostly not links, outside list items and removed blocks (the
/// article's header excepted: the lead is printed with the headline).
fn find(dom: &Dom<'_>, cx: &Context<'_>, first: usize) -> Option<(usize, bool)> {
    let (stats, hints) = (cx.stats, cx.hints);
    let mut buf = String::new();
    let mut up = dom.nodes[first].parent;
    for _ in 0..LEAD_LEVELS {
        if up == NO_PARENT {
            break;
        }
        let n = &dom.nodes[up as usize];
        if n.el.is_some_and(|el| hints.is_lead(el, &mut buf)) {
            return Some((up as usize, true));
        }
        up = n.parent;
    }
    let from = first.saturating_sub(LEAD_REACH);
    (from..first)
        .rev()
        .find(|&i| {
            let n = &dom.nodes[i];
            (n.end as usize) <= first
                && matches!(
                    n.tag(),
                    "p" | "div" | "h2" | "h3" | "h4" | "span" | "section"
                )
                && n.el.is_some_and(|el| hints.is_lead(el, &mut buf))
                && stats.text[i] > 0
                && stats.link[i] * 10 < stats.text[i] * 3
                && !hidden_from_body(dom, cx, i, first)
        })
        .map(|i| (i, false))
}

/// Whether node `i` sits in a list item or a removed block (other than a header), up to the
/// block that also holds node `first`.
fn hidden_from_body(dom: &Dom<'_>, cx: &Context<'_>, mut i: usize, first: usize) -> bool {
    while (dom.nodes[i].end as usize) <= first {
        let n = &dom.nodes[i];
        if n.tag() == "li" {
            return true;
        }
        if cx.removed[i] {
            let header = n.tag() == "header"
                || cx.verdicts[i].negative.is_some_and(|neg| {
                    kind_of(&cx.hints.negative_name(neg)) == RemovedKind::Header
                });
            if !header {
                return true;
            }
        }
        let p = n.parent;
        if p == NO_PARENT {
            return false;
        }
        i = p as usize;
    }
    false
}

fn squashed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_with_their_punctuation_even_inside_quotes() {
        assert!(ends_sentence("قال إنه «سيعود قريبا.»"));
        assert!(ends_sentence("یہ فیصلہ کیا گیا۔"));
        assert!(!ends_sentence("المحطة ستزود ثلاثة ملايين نسمة بمياه الشرب"));
    }
}

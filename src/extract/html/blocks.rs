//! Turning the chosen container into paragraphs: widgets inside it (link lists, related boxes,
//! ad labels, captions, forms) are dropped first, then block boundaries become paragraph breaks.

use super::super::normalize::{display_line_in, is_link, match_key, Script};
use super::super::template::SiteHook;
use super::super::{Draft, RemovedKind};
use super::dom::{Dom, NO_PARENT};
use super::hints::{ClassVerdict, Hints};
use super::lines;
use super::score::Choice;
use super::stats::{is_inline, Stats};
use super::title::SiteNames;

/// Longest block (characters of text) that can be a related-list heading.
const MAX_HEADING: u32 = 60;
/// Longest summary-box label (non-space characters).
const MAX_SUMMARY_LABEL: u32 = 20;
/// Longest summary box (characters of text): a label and a few points.
const MAX_SUMMARY: u32 = 800;
/// Longest inline element (characters of text) that can be a button (`انسخ الرابط`).
const MAX_INLINE_WIDGET: u32 = 30;

fn is_cleanable(tag: &str) -> bool {
    matches!(
        tag,
        "div"
            | "section"
            | "table"
            | "ul"
            | "ol"
            | "dl"
            | "form"
            | "fieldset"
            | "aside"
            | "figure"
            | "header"
            | "footer"
            | "nav"
            | "article"
            | "details"
            | "center"
    )
}

fn subtract(stats: &mut Stats, dom: &Dom<'_>, i: usize) {
    let (t, l, c, pt) = (
        stats.text[i],
        stats.link[i],
        stats.commas[i],
        stats.ptext[i],
    );
    let (p, img, li, inp) = (stats.p[i], stats.img[i], stats.li[i], stats.input[i]);
    let blocks = stats.blocks[i];
    let mut a = dom.nodes[i].parent;
    while a != NO_PARENT {
        let ai = a as usize;
        stats.text[ai] = stats.text[ai].saturating_sub(t);
        stats.link[ai] = stats.link[ai].saturating_sub(l);
        stats.commas[ai] = stats.commas[ai].saturating_sub(c);
        stats.ptext[ai] = stats.ptext[ai].saturating_sub(pt);
        stats.p[ai] = stats.p[ai].saturating_sub(p);
        stats.img[ai] = stats.img[ai].saturating_sub(img);
        stats.li[ai] = stats.li[ai].saturating_sub(li);
        stats.input[ai] = stats.input[ai].saturating_sub(inp);
        stats.blocks[ai] = stats.blocks[ai].saturating_sub(blocks);
        a = dom.nodes[ai].parent;
    }
}

/// Whether a short text is the heading of a related-links list.
pub fn is_related_heading(key: &str, hints: &Hints) -> bool {
    let key = key.trim_end_matches([':', ' ', '»', '›', '>', '|']);
    if !hints.may_open_related(key) {
        return false;
    }
    hints.related.iter().any(|m| {
        key == m
            || (key.starts_with(m.as_str())
                && key[m.len()..].starts_with([' ', ':', '|'])
                && key.len() < m.len() + 40)
    })
}

fn is_drop_line(key: &str, hints: &Hints) -> bool {
    let key = key.trim_matches(|c: char| !c.is_alphanumeric());
    !key.is_empty() && hints.drop_lines.iter().any(|m| m == key)
}

fn is_heading(tag: &str) -> bool {
    matches!(tag, "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Whether block `i` is only a wrapper around a subheading (`<div><h2>…</h2></div>`, one
/// wrapper per block as some portals print every paragraph): it is kept like the heading.
fn wraps_heading(dom: &Dom<'_>, removed: &[bool], mut i: usize) -> bool {
    loop {
        let mut only: Option<usize> = None;
        for c in dom.children(i) {
            if removed[c] {
                continue;
            }
            let n = &dom.nodes[c];
            if n.el.is_none() {
                if n.chars > 0 {
                    return false;
                }
                continue;
            }
            if only.replace(c).is_some() {
                return false;
            }
        }
        let Some(c) = only else { return false };
        if is_heading(dom.nodes[c].tag()) {
            return true;
        }
        i = c;
    }
}

/// Whether block `i`'s first text is a summary-box label (`ملخص`, `خلاصه`): with a list of
/// points under it, the block repeats the story in brief.
fn opens_with_summary_label(dom: &Dom<'_>, i: usize, hints: &Hints) -> bool {
    if hints.summaries.is_empty() {
        return false;
    }
    let end = dom.nodes[i].end as usize;
    // The label may be gone already as a short block of its own: it is read all the same.
    let first = dom.nodes[i + 1..end]
        .iter()
        .find(|n| n.el.is_none() && n.chars > 0);
    first.is_some_and(|n| {
        if n.chars > MAX_SUMMARY_LABEL {
            return false;
        }
        let key = match_key(n.text);
        let key = key.trim_end_matches([':', ' ']);
        hints.summaries.iter().any(|l| l == key)
    })
}

/// Decides which nodes inside the chosen roots are widgets, bottom-up (Readability's
/// conditional cleaning, plus related-list headings from the marker file).
fn clean_inside(
    dom: &Dom<'_>,
    stats: &mut Stats,
    removed: &mut [bool],
    choice: &Choice,
    hints: &Hints,
    verdicts: &[ClassVerdict],
    draft: &mut Draft,
) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut dead = vec![false; 0];
    for &root in &choice.roots {
        let end = dom.nodes[root].end as usize;
        dead.clear();
        dead.resize(end - root, false);
        for i in root..end {
            let p = dom.nodes[i].parent;
            dead[i - root] = removed[i]
                || (i > root && p != NO_PARENT && (p as usize) >= root && dead[p as usize - root]);
        }
        for i in (root..end).rev() {
            if dead[i - root] {
                continue;
            }
            let node = &dom.nodes[i];
            let Some(el) = node.el else { continue };
            let tag = el.name();
            // `Some(None)`: removed without being counted (an empty block).
            let mut kind: Option<Option<RemovedKind>> = None;
            if tag == "h1" || tag == "figcaption" {
                kind = Some(Some(if tag == "h1" {
                    RemovedKind::Title
                } else {
                    RemovedKind::Caption
                }));
            } else if is_inline(tag)
                && stats.text[i] > 0
                && stats.text[i] <= MAX_INLINE_WIDGET
                && (node.attr("class").is_some() || node.attr("id").is_some())
                && is_drop_line(&match_key(&dom.raw_text(i)), hints)
            {
                kind = Some(Some(RemovedKind::Widget));
            } else if !is_inline(tag) && stats.text[i] > 0 && stats.text[i] <= MAX_HEADING {
                let key = match_key(&dom.raw_text(i));
                if is_related_heading(&key, hints) {
                    kind = Some(Some(RemovedKind::Related));
                    cuts.push(i);
                } else if is_drop_line(&key, hints) {
                    kind = Some(Some(RemovedKind::Ad));
                }
            }
            if kind.is_none()
                && i != root
                && is_cleanable(tag)
                && stats.li[i] > 0
                && stats.text[i] <= MAX_SUMMARY
                && opens_with_summary_label(dom, i, hints)
            {
                kind = Some(Some(RemovedKind::Summary));
            }
            if kind.is_none() && i != root && is_cleanable(tag) {
                let weight = verdicts[i].weight;
                let score = choice.scores[i];
                let ld = stats.link_density(i);
                let len = stats.text[i];
                let is_list = matches!(tag, "ul" | "ol" | "dl");
                let p = stats.p[i].max(stats.blocks[i]) as u32;
                let (img, inp) = (stats.img[i] as u32, stats.input[i] as u32);
                let remove = if weight < 0 && weight as f32 + score < 0.0 {
                    true
                } else if stats.commas[i] < 10 {
                    (img > 1 && (p as f32) / (img as f32) < 0.5 && tag != "figure" && len < 250)
                        || inp > p / 3
                        || (!is_list
                            && len < 25
                            && (img == 0 || img > 2)
                            && tag != "figure"
                            && !wraps_heading(dom, removed, i))
                        || (weight < 25 && ld > 0.2 && !is_list)
                        || (is_list && ld > 0.5)
                        || (weight >= 25 && ld > 0.5)
                } else {
                    false
                };
                if remove {
                    kind = Some(if len == 0 {
                        None
                    } else if ld > 0.5 {
                        Some(RemovedKind::Links)
                    } else {
                        Some(RemovedKind::Widget)
                    });
                }
            }
            if let Some(k) = kind {
                subtract(stats, dom, i);
                removed[i] = true;
                dead[i - root] = true;
                if let Some(k) = k {
                    draft.count_removed(k);
                }
            }
        }
    }
    cuts.sort_unstable();
    cuts
}

/// Collects the chosen content's paragraphs into the draft (sources and read-also headlines are
/// taken out on the way).
#[allow(clippy::too_many_arguments)]
pub fn collect(
    dom: &Dom<'_>,
    stats: &mut Stats,
    removed: &mut [bool],
    choice: &Choice,
    hints: &Hints,
    verdicts: &[ClassVerdict],
    script: Script,
    site: &SiteNames,
    hook: SiteHook<'_>,
    draft: &mut Draft,
) {
    let cuts = clean_inside(dom, stats, removed, choice, hints, verdicts, draft);
    let mut cut_at: Vec<(usize, u32)> = Vec::new();
    let mut seen_chars = 0u32;
    let mut raw: Vec<Vec<Line>> = Vec::new();
    let mut buf = Para::default();
    // Whether the last thing seen was a `<br>`: a second one ends the paragraph.
    let mut after_br = false;
    for &root in &choice.roots {
        let end = dom.nodes[root].end as usize;
        let mut closes: Vec<usize> = Vec::new();
        let mut link_end = 0usize;
        let mut i = root;
        while i < end {
            while closes.last().is_some_and(|&e| e <= i) {
                closes.pop();
                buf.flush(&mut raw, script);
            }
            let node = &dom.nodes[i];
            if removed[i] {
                if cuts.binary_search(&i).is_ok() {
                    buf.flush(&mut raw, script);
                    cut_at.push((raw.len(), seen_chars));
                }
                i = node.end as usize;
                continue;
            }
            match node.el {
                None => {
                    let line = &mut buf.cur;
                    line.text.push_str(node.text);
                    let chars = stats.text[i];
                    line.chars += chars;
                    seen_chars += chars;
                    if i < link_end {
                        line.link += chars;
                    }
                    after_br &= chars == 0;
                }
                Some(el) => {
                    let tag = el.name();
                    if tag == "br" {
                        if after_br {
                            buf.flush(&mut raw, script);
                        } else {
                            buf.line_break();
                        }
                        after_br = true;
                    } else if tag == "hr" || !is_inline(tag) {
                        buf.flush(&mut raw, script);
                        after_br = false;
                        if tag != "hr" {
                            closes.push(node.end as usize);
                        }
                        if is_heading(tag) {
                            buf.heading = true;
                        }
                    } else if matches!(tag, "img" | "picture") {
                        buf.cur.text.push(' ');
                    } else if tag == "a" {
                        link_end = link_end.max(node.end as usize);
                    }
                }
            }
            i += 1;
        }
        buf.flush(&mut raw, script);
    }
    // A related-list heading late in the article cuts the rest when teasers follow it (links
    // or short lines), not when the article goes on.
    let cut = cut_at.iter().find(|&&(at, before)| {
        let rest = &raw[at.min(raw.len())..];
        let (link, chars) = rest
            .iter()
            .flatten()
            .fold((0u32, 0u32), |(l, c), p| (l + p.link, c + p.chars));
        before as f32 >= 0.6 * seen_chars as f32
            && !rest.is_empty()
            && (link * 100 >= chars * 35 || (chars as usize) < 80 * rest.len())
    });
    if let Some(&(at, _)) = cut {
        draft.count_removed(RemovedKind::Related);
        raw.truncate(at);
    }
    let mut units = Vec::with_capacity(raw.len());
    for para in raw {
        let mut kept_lines = 0;
        for Line {
            text,
            link,
            chars,
            heading,
        } in para
        {
            if !keep_line(&text, link, chars, hints, draft) {
                continue;
            }
            units.push(lines::Unit {
                text,
                joins_prev: kept_lines > 0,
                heading,
            });
            kept_lines += 1;
        }
    }
    let kept = lines::sift(units, hints, site, hook, draft);
    draft.paragraphs.extend(kept);
}

/// Whether one line of the content stays: one-line furniture, lines of links, source lines and
/// inline read-also items leave (sources and headlines are kept in the draft).
fn keep_line(line: &str, link: u32, chars: u32, hints: &Hints, draft: &mut Draft) -> bool {
    let key = match_key(line);
    if is_drop_line(&key, hints) {
        draft.count_removed(RemovedKind::Ad);
        return false;
    }
    if chars <= MAX_HEADING && is_related_heading(&key, hints) {
        draft.count_removed(RemovedKind::Related);
        return false;
    }
    let visible_url = line.starts_with("http") || line.starts_with("www.");
    if chars > 0 && link * 10 >= chars * 9 && !visible_url {
        draft.count_removed(RemovedKind::Links);
        return false;
    }
    if line.chars().count() < 120 {
        if let Some(src) = labelled(line, &hints.source_labels) {
            for name in split_sources(&src) {
                if !draft.sources.contains(&name) {
                    draft.sources.push(name);
                }
            }
            draft.count_removed(RemovedKind::Source);
            return false;
        }
        if let Some(head) = labelled(line, &hints.read_also) {
            if !head.is_empty() {
                draft.related.push(head);
            }
            draft.count_removed(RemovedKind::ReadAlso);
            return false;
        }
    }
    true
}

/// The names of a source line (`"سانا" + RT`, `رويترز، أ ف ب`), each without its quotes. A
/// link given as the source (`المصدر: https://example.com/a/b`) stays whole: `/` separates
/// names only outside links.
pub(super) fn split_sources(src: &str) -> Vec<String> {
    src.split(['+', '،', ',', '|', '؛', ';'])
        .flat_map(|part| {
            let t = part.trim();
            if is_link(t) {
                vec![t]
            } else {
                t.split('/').collect()
            }
        })
        .map(|s| {
            s.trim()
                .trim_matches(|c| matches!(c, '"' | '«' | '»' | '“' | '”' | '\'' | '(' | ')'))
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// If a paragraph opens with one of `labels` followed by `:` or `|`, the text after it.
pub(super) fn labelled(para: &str, labels: &[String]) -> Option<String> {
    let pos = para.find([':', '|', '：'])?;
    let head = match_key(&para[..pos]);
    if !labels.contains(&head) {
        return None;
    }
    let sep_len = para[pos..].chars().next().map_or(1, char::len_utf8);
    let rest = para[pos + sep_len..]
        .trim()
        .trim_matches(|c| matches!(c, '"' | '«' | '»' | '“' | '”'));
    Some(rest.trim().to_string())
}

/// One line of a paragraph (up to a single `<br>`) and how much of it sits in links.
#[derive(Debug, Default)]
struct Line {
    text: String,
    link: u32,
    chars: u32,
    /// Whether the line is (part of) a subheading.
    heading: bool,
}

/// A paragraph being gathered, line by line.
#[derive(Debug, Default)]
struct Para {
    lines: Vec<Line>,
    cur: Line,
    /// Whether the paragraph is a heading element's text.
    heading: bool,
}

impl Para {
    /// Ends the current line (a single `<br>`): the paragraph goes on.
    fn line_break(&mut self) {
        if self.cur.chars == 0 {
            self.cur = Line::default();
        } else {
            self.lines.push(std::mem::take(&mut self.cur));
        }
    }

    /// Moves the gathered lines (whitespace collapsed, display-normalised) into `out`.
    fn flush(&mut self, out: &mut Vec<Vec<Line>>, script: Script) {
        self.line_break();
        if self.lines.is_empty() {
            self.heading = false;
            return;
        }
        let mut lines = std::mem::take(&mut self.lines);
        let heading = std::mem::take(&mut self.heading);
        let mut one_line = String::new();
        for line in &mut lines {
            line.heading = heading;
            one_line.clear();
            for w in line.text.split_whitespace() {
                if !one_line.is_empty() {
                    one_line.push(' ');
                }
                one_line.push_str(w);
            }
            line.text = display_line_in(&one_line, script);
        }
        out.push(lines);
    }
}

#[cfg(test)]
mod tests {
    use super::split_sources;

    #[test]
    fn source_names_split_on_separators_but_links_stay_whole() {
        assert_eq!(split_sources("\"سانا\" + RT"), vec!["سانا", "RT"]);
        assert_eq!(split_sources("رويترز / أ ف ب"), vec!["رويترز", "أ ف ب"]);
        assert_eq!(
            split_sources("https://example.test/news/2023/10/04/x/"),
            vec!["https://example.test/news/2023/10/04/x/"]
        );
        assert_eq!(
            split_sources("وكالات، www.example.test/a/b"),
            vec!["وكالات", "www.example.test/a/b"]
        );
    }
}

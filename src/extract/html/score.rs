//! Content scoring: paragraphs vote for their ancestors (Readability's method, with text
//! density, link density, punctuation and class/id hints); the best container and the siblings
//! that belong to it make the article.

use super::dom::{Dom, NO_PARENT};
use super::hints::ClassVerdict;
use super::stats::{is_inline, Stats};

/// Shortest paragraph (non-whitespace characters) that votes.
const MIN_PARAGRAPH: u32 = 25;
/// Candidates compared with the best one when looking for a shared ancestor.
const TOP_CANDIDATES: usize = 5;
/// Near-best candidates that must share an ancestor for it to take over.
const MIN_ALTERNATIVES: usize = 3;
/// Least share of the best candidate's paragraph votes a near-best candidate must have.
const MIN_ALTERNATIVE_CONTENT: f32 = 0.25;

fn base_score(tag: &str) -> f32 {
    match tag {
        "div" | "article" | "main" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// What one paragraph of `len` characters with `commas` commas gives the blocks above it.
fn vote(len: u32, commas: u32) -> f32 {
    1.0 + commas as f32 + (len as f32 / 100.0).min(3.0)
}

/// The votes of the loose text of block `i`: each run of text and inline elements between
/// `<br>`s or child blocks is a paragraph of its own (a `div` of text cut by `<br><br>` is an
/// article of many paragraphs, not one).
fn loose_votes(dom: &Dom<'_>, stats: &Stats, i: usize) -> f32 {
    let (mut total, mut len, mut commas) = (0.0f32, 0u32, 0u32);
    let close = |len: &mut u32, commas: &mut u32, total: &mut f32| {
        if *len >= MIN_PARAGRAPH {
            *total += vote(*len, *commas);
        }
        (*len, *commas) = (0, 0);
    };
    for c in dom.children(i) {
        let tag = dom.nodes[c].tag();
        if dom.nodes[c].el.is_none() || (is_inline(tag) && tag != "br") {
            len += stats.text[c];
            commas += stats.commas[c];
        } else {
            close(&mut len, &mut commas, &mut total);
        }
    }
    close(&mut len, &mut commas, &mut total);
    total
}

/// The chosen content: the nodes whose subtrees make the article, in document order.
#[derive(Debug)]
pub struct Choice {
    /// Roots of the article's subtrees.
    pub roots: Vec<usize>,
    /// Final score of each node (0 for nodes that are not candidates).
    pub scores: Vec<f32>,
}

/// Scores candidates and picks the article container plus its related siblings.
pub fn choose(
    dom: &Dom<'_>,
    stats: &Stats,
    removed: &[bool],
    verdicts: &[ClassVerdict],
) -> Option<Choice> {
    let n = dom.len();
    let mut scores = vec![0f32; n];
    let mut is_cand = vec![false; n];
    let mut i = 0;
    while i < n {
        let node = &dom.nodes[i];
        if removed[i] {
            i = node.end as usize;
            continue;
        }
        let Some(el) = node.el else {
            i += 1;
            continue;
        };
        let tag = el.name();
        let len = match tag {
            "p" | "pre" | "td" => stats.text[i],
            t if !is_inline(t) => stats.own[i],
            _ => 0,
        };
        if len >= MIN_PARAGRAPH {
            let content = if matches!(tag, "p" | "pre" | "td") {
                vote(len, stats.commas[i])
            } else {
                loose_votes(dom, stats, i)
            };
            let mut anc = node.parent;
            let mut level = 0u32;
            if !matches!(tag, "p" | "pre" | "td") {
                // a block holding loose text votes for itself first
                anc = i as u32;
            }
            while anc != NO_PARENT && level < 5 {
                let a = anc as usize;
                let anode = &dom.nodes[a];
                let Some(ael) = anode.el else { break };
                if !is_cand[a] {
                    is_cand[a] = true;
                    // A heading is never the container, whatever its class or id says
                    // (`<h1 id="content">` is a skip-link target).
                    let weight = if is_heading(ael.name()) {
                        0.0
                    } else {
                        verdicts[a].weight as f32
                    };
                    scores[a] = base_score(ael.name()) + weight;
                }
                let div = match level {
                    0 => 1.0,
                    1 => 2.0,
                    l => l as f32 * 3.0,
                };
                scores[a] += content / div;
                anc = anode.parent;
                level += 1;
            }
        }
        i += 1;
    }
    let mut best: Option<usize> = None;
    let mut body: Option<usize> = None;
    for a in 0..n {
        if !is_cand[a] {
            continue;
        }
        scores[a] *= 1.0 - stats.link_density(a);
        match dom.nodes[a].tag() {
            "body" => body = Some(a),
            "html" => {}
            t if is_heading(t) => {}
            _ if best.is_none_or(|b| scores[a] > scores[b]) => best = Some(a),
            _ => {}
        }
    }
    // Paragraphs set straight in `<body>`, with no block around them: the body is the article.
    let mut top = best.or(body)?;

    // When several near-best candidates share an ancestor, the article is that ancestor (one
    // wrapper per paragraph).
    let mut ranked: Vec<usize> = (0..n)
        .filter(|&a| is_cand[a] && a != top && !matches!(dom.nodes[a].tag(), "html" | "body"))
        .collect();
    ranked.sort_unstable_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    ranked.truncate(TOP_CANDIDATES - 1);
    // What a candidate's paragraphs gave it, without its tag's and class words' share: a
    // block scoring near the best on a content-like class name alone (`td_block_text_with_title`,
    // `vc_column`) is no alternative.
    let content = |a: usize| {
        let tag = dom.nodes[a].tag();
        let weight = if is_heading(tag) {
            0.0
        } else {
            verdicts[a].weight as f32
        };
        scores[a] - (base_score(tag) + weight) * (1.0 - stats.link_density(a))
    };
    let alternatives: Vec<usize> = ranked
        .into_iter()
        .filter(|&a| {
            scores[top] > 0.0
                && scores[a] / scores[top] >= 0.75
                && content(a) >= MIN_ALTERNATIVE_CONTENT * content(top)
        })
        .collect();
    if alternatives.len() >= MIN_ALTERNATIVES {
        let mut p = dom.nodes[top].parent;
        while p != NO_PARENT && !matches!(dom.nodes[p as usize].tag(), "body" | "html" | "") {
            let pi = p as usize;
            let end = dom.nodes[pi].end as usize;
            let inside = alternatives.iter().filter(|&&a| a > pi && a < end).count();
            if inside >= MIN_ALTERNATIVES {
                top = pi;
                break;
            }
            p = dom.nodes[pi].parent;
        }
    }

    // Climb while the parent scores comparably (the article is split over several children).
    let mut last = scores[top];
    let threshold = last / 3.0;
    let mut p = dom.nodes[top].parent;
    while p != NO_PARENT && !matches!(dom.nodes[p as usize].tag(), "body" | "html" | "") {
        let pi = p as usize;
        if !is_cand[pi] {
            p = dom.nodes[pi].parent;
            continue;
        }
        if scores[pi] < threshold {
            break;
        }
        if scores[pi] > last {
            top = pi;
            break;
        }
        last = scores[pi];
        p = dom.nodes[pi].parent;
    }
    // A lone child stands for its parent.
    loop {
        let p = dom.nodes[top].parent;
        if p == NO_PARENT || matches!(dom.nodes[p as usize].tag(), "body" | "html" | "") {
            break;
        }
        let pi = p as usize;
        let element_children = dom
            .children(pi)
            .filter(|&c| dom.nodes[c].el.is_some() && !removed[c])
            .count();
        if element_children != 1 {
            break;
        }
        top = pi;
    }

    let mut roots = Vec::new();
    let parent = dom.nodes[top].parent;
    if parent == NO_PARENT || matches!(dom.nodes[parent as usize].tag(), "html" | "") {
        roots.push(top);
        return Some(Choice { roots, scores });
    }
    let top_score = scores[top];
    let sib_threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.nodes[top].attr("class").unwrap_or("");
    // Subheadings between the article's blocks (an `<h2>`, a short `<p><strong>…`) wait here
    // and are kept once more of the article follows them.
    let mut pending: Vec<usize> = Vec::new();
    for c in dom.children(parent as usize) {
        if removed[c] {
            continue;
        }
        if c == top {
            roots.push(c);
            continue;
        }
        let cn = &dom.nodes[c];
        let Some(cel) = cn.el else { continue };
        let mut bonus = 0.0;
        if !top_class.is_empty() && cel.attr("class") == Some(top_class) {
            bonus = top_score * 0.2;
        }
        let append = if is_cand[c] && scores[c] + bonus >= sib_threshold {
            true
        } else if cel.name() == "p" {
            let len = stats.text[c];
            let ld = stats.link_density(c);
            if len > 80 && ld < 0.25 {
                true
            } else {
                len > 0 && len <= 80 && ld == 0.0 && {
                    let t = dom.raw_text(c);
                    let t = t.trim_end();
                    t.ends_with('.') || t.ends_with('۔')
                }
            }
        } else {
            false
        };
        if append {
            roots.append(&mut pending);
            roots.push(c);
        } else if !roots.is_empty() && is_subheading(dom, stats, c) {
            pending.push(c);
        } else if stats.text[c] > 0 {
            pending.clear();
        }
    }
    Some(Choice { roots, scores })
}

/// A short heading or a short paragraph without links: a subheading when prose follows it.
fn is_subheading(dom: &Dom<'_>, stats: &Stats, c: usize) -> bool {
    let tag = dom.nodes[c].tag();
    let len = stats.text[c];
    let short_heading = is_heading(tag) && len <= 150 && stats.link_density(c) < 0.5;
    let short_para = tag == "p" && len <= 120 && stats.link[c] == 0;
    len > 0 && (short_heading || short_para)
}

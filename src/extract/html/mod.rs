//! HTML pages: strip the furniture, find the main content, read the metadata.
//!
//! The page is parsed once and flattened ([`dom`]); furniture is marked by tag, role and class
//! words ([`clean`]); paragraphs vote for their containers ([`score`]); the winner is cleaned of
//! widgets and cut into paragraphs ([`blocks`]); metadata comes from meta tags and JSON-LD
//! ([`meta`], [`jsonld`]).

pub mod blocks;
pub mod clean;
pub mod dom;
pub mod hints;
pub mod jsonld;
pub mod meta;
pub mod nesting;
pub mod score;
pub mod stats;

use super::normalize::display;
use super::{Draft, Markers, PageMeta, Rejection};
use clean::Level;
use dom::Dom;
use hints::Hints;
use stats::Stats;

/// Bodies shorter than this (characters) send the page through the lenient second pass.
const MIN_BODY_CHARS: usize = 250;

/// Extracts an article draft from an HTML page.
pub fn extract(html: &str, meta: &PageMeta, markers: &Markers) -> Result<Draft, Rejection> {
    let _ = meta;
    let html = nesting::cap_depth(html, nesting::MAX_DEPTH);
    let doc = scraper::Html::parse_document(&html);
    let dom = Dom::new(&doc);
    let hints = Hints::new(&markers.html, &markers.text);
    let info = meta::read(&dom);

    let verdicts = hints.judge_all(&dom);
    let mut draft = body(&dom, &hints, &verdicts, Level::Full);
    if body_chars(&draft) < MIN_BODY_CHARS {
        let lenient = body(&dom, &hints, &verdicts, Level::Minimal);
        if body_chars(&lenient) > body_chars(&draft) * 2 {
            draft = lenient;
        }
    }
    if let Some(ld_body) = info.ld.article_body.as_deref() {
        let ld_paras = json_ld_paragraphs(ld_body);
        let ld_len: usize = ld_paras.iter().map(|p| p.chars().count()).sum();
        if ld_len >= MIN_BODY_CHARS && ld_len * 2 > body_chars(&draft) * 3 {
            draft.paragraphs = ld_paras;
            draft.count_removed("jsonld_body");
        }
    }
    meta::fill(&info, &mut draft);
    if draft.lang.is_none() {
        draft.lang = meta::detect_lang(&draft.paragraphs);
    }
    if draft.paragraphs.is_empty() {
        return Err(Rejection::NoArticle(
            "no content block with article text was found in the HTML".to_string(),
        ));
    }
    Ok(draft)
}

fn body_chars(d: &Draft) -> usize {
    d.paragraphs.iter().map(|p| p.chars().count()).sum()
}

fn body(
    dom: &Dom<'_>,
    hints: &Hints,
    verdicts: &[hints::ClassVerdict],
    level: Level,
) -> Draft {
    let mut draft = Draft::default();
    let mut removed = clean::mark(dom, hints, verdicts, level, &mut draft);
    let mut st = Stats::compute(dom, &removed);
    if let Some(choice) = score::choose(dom, &st, &removed, verdicts) {
        if tracing::enabled!(tracing::Level::DEBUG) {
            let roots: Vec<String> = choice
                .roots
                .iter()
                .map(|&r| {
                    let n = &dom.nodes[r];
                    format!(
                        "{}#{}.{} score={:.1} chars={}",
                        n.tag(),
                        n.attr("id").unwrap_or(""),
                        n.attr("class").unwrap_or(""),
                        choice.scores[r],
                        st.text[r]
                    )
                })
                .collect();
            tracing::debug!(?level, ?roots, "html content chosen");
        }
        if std::env::var_os("AKHBAR_HTML_DEBUG").is_some() { // TEMP-DEBUG
            eprintln!("CHOSEN {level:?} {:?}", choice.roots.iter().map(|&r| { let n = &dom.nodes[r]; format!("{}#{}.{} score={:.1} chars={}", n.tag(), n.attr("id").unwrap_or(""), n.attr("class").unwrap_or(""), choice.scores[r], st.text[r]) }).collect::<Vec<_>>()); // TEMP-DEBUG
        }
        blocks::collect(
            dom,
            &mut st,
            &mut removed,
            &choice,
            hints,
            verdicts,
            &mut draft,
        );
    }
    draft
}

/// Splits a JSON-LD `articleBody` into display paragraphs (markup inside it is stripped).
fn json_ld_paragraphs(body: &str) -> Vec<String> {
    let text = if body.contains('<') {
        let frag = scraper::Html::parse_fragment(body);
        let mut s = String::new();
        for t in frag.root_element().text() {
            s.push_str(t);
        }
        s
    } else {
        body.to_string()
    };
    text.split('\n')
        .map(display)
        .filter(|p| !p.is_empty())
        .collect()
}

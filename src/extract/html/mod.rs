//! HTML pages: strip the furniture, find the main content, read the metadata.
//!
//! The page is parsed once and flattened ([`dom`]); its language and display convention are
//! settled first ([`lang`]); furniture is marked by tag, role and class words ([`clean`]);
//! paragraphs, and runs of loose text between `<br>`s, vote for their containers ([`score`]);
//! the winner is cleaned of widgets and cut into paragraphs ([`blocks`]), whose lines are then
//! judged one by one for captions, credits, bylines and notices ([`lines`]); a lead or a
//! standfirst printed apart from the body is settled ([`lead`]); on Arabic-script pages the
//! paragraphs are then read as the lines of a text page, which drops the masthead, tickers and
//! lists of a page set out as one container's lines ([`flat`]); metadata comes from
//! meta tags and JSON-LD ([`meta`], [`jsonld`]), the headline loses the site's name
//! ([`title`]), and labelled link lists give related headlines and tags ([`lists`]).

pub mod blocks;
pub mod clean;
pub mod dom;
pub mod flat;
pub mod hints;
pub mod jsonld;
pub mod lang;
pub mod lead;
pub mod lines;
pub mod lists;
pub mod meta;
pub mod nesting;
pub mod score;
pub mod stats;
pub mod title;

use super::article::{host_of, site_of};
use super::normalize::{display_in, match_key, Script};
use super::template::{Observation, SiteHook, TemplateSource};
use super::{Draft, Markers, PageMeta, Rejection, RemovedKind};
use clean::Level;
use dom::Dom;
use hints::Hints;
use stats::Stats;

/// Bodies shorter than this (characters) send the page through the lenient second pass.
const MIN_BODY_CHARS: usize = 250;

/// Extracts an article draft from an HTML page. With site memory (`templates`), the lines of
/// the content that the site's template holds leave the body, and the content's lines are
/// reported in the draft (`observed`); `seen` notes the site and the template.
pub fn extract(
    html: &str,
    meta: &PageMeta,
    markers: &Markers,
    templates: Option<&dyn TemplateSource>,
    seen: &mut Observation,
) -> Result<Draft, Rejection> {
    let html = nesting::cap_depth(html, nesting::MAX_DEPTH);
    let doc = scraper::Html::parse_document(&html);
    let dom = Dom::new(&doc);
    let hints = markers.html.compiled(&markers.text);
    let page_lang = lang::resolve(&dom);
    let script = page_lang.script;
    let info = meta::read(&dom, script);
    let host = meta
        .url
        .as_deref()
        .or(info.canonical.as_deref())
        .and_then(host_of);
    let site = info.site_names(host.as_deref());
    let url = meta.url.as_deref().or(info.canonical.as_deref());
    let site_name = site_of(info.own_name().as_deref(), url);
    let template = super::lookup(templates, &site_name, seen);
    let hook = SiteHook {
        template: template.as_deref(),
        observe: seen.site.is_some(),
        texts: seen.site.is_some() && templates.is_some_and(|t| t.wants_texts(&site_name)),
    };

    let verdicts = hints.judge_all(&dom);
    let never = clean::never_text(&dom);
    let raw = Stats::compute(&dom, &never);
    let base = Base {
        dom: &dom,
        hints,
        verdicts: &verdicts,
        never: &never,
        raw: &raw,
        script,
        site: &site,
        lead_opens_body: matches!(page_lang.code.as_deref(), Some("ar" | "fa" | "ur")),
        hook,
    };
    let mut draft = body(&base, Level::Full);
    if body_chars(&draft) < MIN_BODY_CHARS {
        let lenient = body(&base, Level::Minimal);
        if body_chars(&lenient) > body_chars(&draft) * 2 {
            draft = lenient;
        }
    }
    if let Some(ld_body) = info.ld.article_body.as_deref() {
        let ld_paras = json_ld_paragraphs(ld_body, script);
        let ld_len: usize = ld_paras.iter().map(|p| p.chars().count()).sum();
        if ld_len >= MIN_BODY_CHARS
            && ld_len * 2 > body_chars(&draft) * 3
            && tells_the_same_story(&draft.paragraphs, &ld_paras)
        {
            draft.paragraphs = ld_paras;
            draft.count_removed(RemovedKind::JsonldBody);
        }
    }
    let meta_date = meta::fill(&info, &site, &mut draft);
    let flat = base.lead_opens_body && flat::settle(&mut draft, markers, meta_date);
    if draft.published_at.is_none() && !flat {
        date_from_body(&mut draft);
    }
    if draft.published_at.is_none() && !flat {
        draft.published_at = date_from_page(&dom);
    }
    if let Some(title) = draft.title.as_deref() {
        let key = match_key(title);
        let before = draft.paragraphs.len();
        draft
            .paragraphs
            .retain(|p| p.len() > title.len() * 2 || match_key(p) != key);
        if draft.paragraphs.len() < before {
            draft.count_removed(RemovedKind::Title);
        }
    }
    lists::related_from_page(&dom, hints, script, &mut draft);
    lists::tags_from_page(&dom, hints, script, &mut draft);
    draft.lang = page_lang.code;
    if draft.paragraphs.is_empty() {
        return Err(Rejection::NoArticle(
            "no content block with article text was found in the HTML".to_string(),
        ));
    }
    Ok(draft)
}

/// Looks for the date in the first short lines of the body (Arabic portals print it there); a
/// line that is only a date leaves the body.
fn date_from_body(draft: &mut Draft) {
    for idx in 0..draft.paragraphs.len().min(5) {
        let line = &draft.paragraphs[idx];
        if line.chars().count() > 80 {
            continue;
        }
        if let Some(d) = super::dates::parse_date(line) {
            draft.published_at = Some(d);
            draft.paragraphs.remove(idx);
            draft.count_removed(RemovedKind::Date);
            return;
        }
        if let Some(d) = super::dates::find_date(line) {
            draft.published_at = Some(d);
            return;
        }
    }
}

/// The first short text on the page that is a date (a date line outside the content block).
fn date_from_page(dom: &Dom<'_>) -> Option<String> {
    dom.nodes
        .iter()
        .filter(|n| n.chars >= 6 && n.chars <= 60)
        .find_map(|n| super::dates::parse_date(n.text.trim()))
}

/// Share of the visible body's words (three letters or more) a JSON-LD body must hold to be
/// taken for the same article.
const MIN_SHARED_WORDS: f32 = 0.5;

/// Whether a JSON-LD `articleBody` tells the story the page shows: it holds most words of the
/// visible body (a teaser or a cut-off text is held whole), or the page shows none. A CMS that
/// leaves another article's body in its JSON-LD fails this.
fn tells_the_same_story(visible: &[String], ld: &[String]) -> bool {
    let visible = match_key(&visible.join(" "));
    let mut seen: std::collections::HashMap<&str, bool> = visible
        .split(' ')
        .filter(|w| w.chars().count() >= 3)
        .map(|w| (w, false))
        .collect();
    if seen.is_empty() {
        return true;
    }
    let ld = match_key(&ld.join(" "));
    let mut shared = 0usize;
    for w in ld.split(' ') {
        if let Some(found) = seen.get_mut(w) {
            if !*found {
                *found = true;
                shared += 1;
            }
        }
    }
    shared as f32 >= MIN_SHARED_WORDS * seen.len() as f32
}

fn body_chars(d: &Draft) -> usize {
    d.paragraphs.iter().map(|p| p.chars().count()).sum()
}

/// What both cleaning levels start from, computed once per page.
struct Base<'b, 'a> {
    dom: &'b Dom<'a>,
    hints: &'b Hints,
    verdicts: &'b [hints::ClassVerdict],
    /// Elements that never hold text ([`clean::never_text`]).
    never: &'b [bool],
    /// Statistics with only `never` removed.
    raw: &'b Stats,
    /// The display convention of the page's text.
    script: Script,
    /// The names the page's site goes by.
    site: &'b title::SiteNames,
    /// Whether a lead printed apart opens the body (Arabic-script pages, [`lead::settle`]).
    lead_opens_body: bool,
    /// Site memory: the template to apply, whether to report the content's lines.
    hook: SiteHook<'b>,
}

fn body(base: &Base<'_, '_>, level: Level) -> Draft {
    let (dom, hints, verdicts) = (base.dom, base.hints, base.verdicts);
    let mut draft = Draft::default();
    let (mut removed, mut st) = match level {
        Level::Full => {
            let removed = clean::mark(dom, hints, verdicts, base.never, base.raw, &mut draft);
            let st = Stats::compute(dom, &removed);
            (removed, st)
        }
        Level::Minimal => (base.never.to_vec(), base.raw.clone()),
    };
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
        blocks::collect(
            dom,
            &mut st,
            &mut removed,
            &choice,
            hints,
            verdicts,
            base.script,
            base.site,
            base.hook,
            &mut draft,
        );
        let cx = lead::Context {
            stats: &st,
            removed: &removed,
            verdicts,
            hints,
        };
        lead::settle(
            dom,
            &cx,
            &choice,
            base.script,
            base.lead_opens_body,
            &mut draft,
        );
        if draft.sources.is_empty() {
            if let Some(&last) = choice.roots.last() {
                let after = dom.nodes[last].end as usize;
                lists::sources_after(dom, after, hints, base.script, &mut draft);
            }
        }
    }
    draft
}

/// Splits a JSON-LD `articleBody` into display paragraphs (markup inside it is stripped).
fn json_ld_paragraphs(body: &str, script: Script) -> Vec<String> {
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
        .map(|p| display_in(p, script))
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(html: &str) -> Draft {
        extract(
            html,
            &PageMeta::default(),
            &Markers::default(),
            None,
            &mut Observation::default(),
        )
        .expect("an article")
    }

    const PROSE: &str = "The council voted on Tuesday to approve the new budget, which raises \
        spending on schools, roads and clinics across the region by a tenth.";

    #[test]
    fn article_text_is_kept_and_furniture_dropped() {
        let html = format!(
            "<html><body><nav><a href=/>Home</a> <a href=/w>World</a></nav>\
             <div class=\"share-bar\">Share on Facebook</div>\
             <article><h1>Budget approved</h1><p>{PROSE}</p><p>{PROSE}</p>\
             <div class=\"related\"><h3>Related</h3><ul><li><a href=/a>Other story one</a></li>\
             <li><a href=/b>Other story two</a></li></ul></div></article>\
             <footer>Copyright 2024</footer></body></html>"
        );
        let d = run(&html);
        assert_eq!(d.paragraphs, vec![PROSE.to_string(), PROSE.to_string()]);
        assert!(d.removed.contains_key("nav"));
        assert!(d.removed.contains_key("share"));
    }

    #[test]
    fn class_words_match_whole_words_only() {
        let html = format!(
            "<html><body><div class=\"canvas-wrap\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
        );
        assert_eq!(run(&html).paragraphs.len(), 2);
    }

    #[test]
    fn one_wrapper_per_paragraph_still_gives_the_whole_article() {
        let para = |i: usize| {
            format!(
                "<div class=\"card\"><div class=\"card-content\"><p>{i}. {PROSE}</p></div></div>"
            )
        };
        let body: String = (1..=6).map(para).collect();
        let html = format!(
            "<html><body><div id=\"story\">{body}</div><aside><p>{PROSE}</p></aside></body></html>"
        );
        let d = run(&html);
        assert_eq!(d.paragraphs.len(), 6, "{:?}", d.paragraphs);
    }

    #[test]
    fn source_lines_leave_the_body_and_arabic_is_detected() {
        let ar = "قال وزير المالية إن الحكومة ستخفض الضرائب على الشركات الصغيرة، وتزيد الإنفاق على التعليم والصحة في العام المقبل.";
        let more = "وأضاف أن الموازنة الجديدة ستعرض على البرلمان الشهر المقبل بعد استكمال مناقشتها في مجلس الوزراء.";
        let html = format!(
            "<html><body><div class=\"content\"><p>{ar}</p><p>{more}</p><p>المصدر: وكالة الأنباء</p></div></body></html>"
        );
        let d = run(&html);
        assert_eq!(d.paragraphs.len(), 2);
        assert_eq!(d.sources, vec!["وكالة الأنباء".to_string()]);
        assert_eq!(d.lang.as_deref(), Some("ar"));
    }

    #[test]
    fn metadata_comes_from_meta_tags_and_json_ld() {
        let html = format!(
            "<html lang=\"en-GB\"><head><title>Budget approved | The Daily</title>\
             <meta property=\"og:site_name\" content=\"The Daily\">\
             <link rel=\"canonical\" href=\"https://daily.example/budget\">\
             <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Budget approved\",\
             \"datePublished\":\"2024-03-05T10:00:00Z\",\"keywords\":\"budget, council\",}}</script>\
             </head><body><article><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"
        );
        let d = run(&html);
        assert_eq!(d.title.as_deref(), Some("Budget approved"));
        assert_eq!(d.site.as_deref(), Some("The Daily"));
        assert_eq!(
            d.canonical_url.as_deref(),
            Some("https://daily.example/budget")
        );
        assert_eq!(d.lang.as_deref(), Some("en"));
        assert_eq!(d.published_at.as_deref(), Some("2024-03-05T10:00:00Z"));
    }

    #[test]
    fn title_tag_loses_its_site_suffix() {
        let daily = title::SiteNames::new(["The Daily"], None);
        assert_eq!(
            title::strip_site("Budget approved | The Daily", &daily, false),
            "Budget approved"
        );
        assert_eq!(
            title::strip_site(
                "Budget approved - Daily",
                &title::SiteNames::default(),
                true
            ),
            "Budget approved"
        );
    }

    #[test]
    fn a_page_of_only_boilerplate_is_no_article() {
        let html =
            "<html><body><nav><a href=/>Home</a></nav><footer>Copyright</footer></body></html>";
        let err = extract(
            html,
            &PageMeta::default(),
            &Markers::default(),
            None,
            &mut Observation::default(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "no_article");
    }
}

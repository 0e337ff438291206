//! The hand-written HTML fixtures in `tests/fixtures/html/`: each page goes through
//! `akhbar::extract::extract` and must match what a careful reader annotated in
//! `NAME.expected.json` (title, date, tags, sources, sentences present and absent, related
//! headlines, or the rejection code).

use std::path::PathBuf;

use akhbar::extract::{extract, Article, PageMeta};
use serde::Deserialize;

use crate::harness;

/// One fixture's annotation. Fields left out are not checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// What the page exercises (documentation only).
    #[allow(dead_code)]
    about: String,
    url: Option<String>,
    content_type: Option<String>,
    rejection: Option<String>,
    title: Option<String>,
    /// Compared as a prefix: the date part is what the page states.
    published_at: Option<String>,
    site: Option<String>,
    lang: Option<String>,
    tags: Option<Vec<String>>,
    sources: Option<Vec<String>>,
    #[serde(default)]
    body_contains: Vec<String>,
    #[serde(default)]
    body_order: Vec<String>,
    #[serde(default)]
    body_absent: Vec<String>,
    #[serde(default)]
    related_contains: Vec<String>,
    body_paragraphs_at_least: Option<usize>,
}

/// Every fixture in the folder, by name; a new page without a test here fails
/// `every_fixture_page_is_checked`.
const FIXTURES: &[&str] = &[
    "wordpress_portal",
    "cp1256_table",
    "mojibake",
    "jsonld_only",
    "boilerplate_only",
    "iso8859_6",
    "gzip_semantic",
    "br_div_custom_tags",
    "bbc_arabic_style",
    "wordpress_author_notice",
    "title_site_prefix",
    "inbody_subheadings",
    "persian_page",
    "urdu_page",
    "cp1256_noscript_sources",
];

fn dir() -> PathBuf {
    harness::fixtures_dir().join("html")
}

fn page_path(name: &str) -> PathBuf {
    ["html", "html.gz", "htm"]
        .iter()
        .map(|ext| dir().join(format!("{name}.{ext}")))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no page file for fixture {name}"))
}

fn expected(name: &str) -> Expected {
    let path = dir().join(format!("{name}.expected.json"));
    let text = std::fs::read_to_string(&path).expect("expected file");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| squash(s)).collect();
    v.sort();
    v
}

/// Lists every way the article differs from the annotation.
fn differences(exp: &Expected, art: &Article) -> Vec<String> {
    let mut diffs = Vec::new();
    let body = squash(&art.body);
    if let Some(title) = &exp.title {
        if art.title.as_deref().map(squash) != Some(squash(title)) {
            diffs.push(format!("title: want {title:?}, got {:?}", art.title));
        }
    }
    if let Some(date) = &exp.published_at {
        if !art
            .published_at
            .as_deref()
            .is_some_and(|d| d.starts_with(date.as_str()))
        {
            diffs.push(format!(
                "published_at: want {date}…, got {:?}",
                art.published_at
            ));
        }
    }
    if let Some(site) = &exp.site {
        if &art.site != site {
            diffs.push(format!("site: want {site:?}, got {:?}", art.site));
        }
    }
    if let Some(lang) = &exp.lang {
        if art.lang.as_deref() != Some(lang.as_str()) {
            diffs.push(format!("lang: want {lang:?}, got {:?}", art.lang));
        }
    }
    if let Some(tags) = &exp.tags {
        if sorted(tags) != sorted(&art.tags) {
            diffs.push(format!("tags: want {tags:?}, got {:?}", art.tags));
        }
    }
    if let Some(sources) = &exp.sources {
        if sorted(sources) != sorted(&art.sources) {
            diffs.push(format!("sources: want {sources:?}, got {:?}", art.sources));
        }
    }
    for s in &exp.body_contains {
        if !body.contains(&squash(s)) {
            diffs.push(format!("body lacks {s:?}"));
        }
    }
    for s in &exp.body_absent {
        if body.contains(s.as_str()) {
            diffs.push(format!("body holds {s:?}"));
        }
    }
    let positions: Vec<Option<usize>> = exp
        .body_order
        .iter()
        .map(|s| body.find(s.as_str()))
        .collect();
    if positions.iter().any(Option::is_none) || positions.windows(2).any(|w| w[0] >= w[1]) {
        diffs.push(format!(
            "body order: want {:?}, positions {positions:?}",
            exp.body_order
        ));
    }
    if let Some(n) = exp.body_paragraphs_at_least {
        let got = art.body.split("\n\n").count();
        if got < n {
            diffs.push(format!("paragraphs: want at least {n}, got {got}"));
        }
    }
    let related = art.related.join("\n");
    for s in &exp.related_contains {
        if !related.contains(s.as_str()) {
            diffs.push(format!("related lacks {s:?} (related: {:?})", art.related));
        }
    }
    diffs
}

/// Extracts one fixture and asserts it matches its annotation, reporting every difference.
fn check(name: &str) {
    let exp = expected(name);
    let bytes = std::fs::read(page_path(name)).expect("fixture page");
    let meta = PageMeta {
        url: exp.url.clone(),
        content_type: exp.content_type.clone(),
    };
    match (extract(&bytes, &meta), &exp.rejection) {
        (Err(rej), Some(code)) => assert_eq!(rej.code(), code, "{name}: wrong rejection: {rej}"),
        (Ok(art), Some(code)) => panic!(
            "{name}: want rejection {code}, got an article titled {:?} with body {:?}",
            art.title,
            art.body.chars().take(300).collect::<String>()
        ),
        (Err(rej), None) => panic!(
            "{name}: want an article, got rejection {}: {rej}",
            rej.code()
        ),
        (Ok(art), None) => {
            let diffs = differences(&exp, &art);
            assert!(
                diffs.is_empty(),
                "{name}: {} difference(s):\n  {}\n--- body ---\n{}",
                diffs.len(),
                diffs.join("\n  "),
                art.body
            );
        }
    }
}

#[test]
fn wordpress_portal_keeps_the_story_and_drops_every_widget() {
    check("wordpress_portal");
}

#[test]
fn windows_1256_table_layout_decodes_and_keeps_br_paragraphs() {
    check("cp1256_table");
}

#[test]
fn mojibake_page_comes_out_as_arabic() {
    check("mojibake");
}

#[test]
fn jsonld_only_page_takes_its_body_from_article_body() {
    check("jsonld_only");
}

#[test]
fn boilerplate_only_page_is_rejected_as_no_article() {
    check("boilerplate_only");
}

#[test]
fn iso_8859_6_page_decodes_from_the_content_type() {
    check("iso8859_6");
}

#[test]
fn gzip_page_is_inflated_and_extracted() {
    check("gzip_semantic");
}

#[test]
fn article_held_as_loose_text_and_br_in_a_div_with_custom_tags_is_found() {
    check("br_div_custom_tags");
}

#[test]
fn bbc_arabic_layout_loses_credits_captions_byline_and_title_suffix() {
    check("bbc_arabic_style");
}

#[test]
fn wordpress_author_card_and_comment_policy_leave_the_body() {
    check("wordpress_author_notice");
}

#[test]
fn site_name_before_the_headline_is_cut_using_the_publisher() {
    check("title_site_prefix");
}

#[test]
fn in_body_subheadings_are_kept_in_place() {
    check("inbody_subheadings");
}

#[test]
fn persian_page_keeps_its_letters_and_zero_width_non_joiners() {
    check("persian_page");
}

#[test]
fn urdu_page_keeps_its_letters() {
    check("urdu_page");
}

#[test]
fn windows_1256_page_splits_sources_and_keeps_noscript_markup_out() {
    check("cp1256_noscript_sources");
    let exp = expected("cp1256_noscript_sources");
    let bytes = std::fs::read(page_path("cp1256_noscript_sources")).expect("fixture page");
    let meta = PageMeta {
        url: exp.url.clone(),
        content_type: None,
    };
    let art = extract(&bytes, &meta).expect("an article");
    for s in art.related.iter().chain(art.tags.iter()) {
        assert!(!s.contains('<'), "markup leaked into {s:?}");
    }
}

/// Every string a Persian or Urdu page yields, for the letter checks.
fn all_strings(art: &Article) -> Vec<String> {
    let mut v = vec![art.body.clone()];
    v.extend(art.title.clone());
    v.extend(art.related.iter().cloned());
    v.extend(art.tags.iter().cloned());
    v.push(art.site.clone());
    v
}

/// The text of the page between `start` and the next `</div>` (its article text, markup
/// included), read from the fixture file itself.
fn page_slice(name: &str, start: &str) -> String {
    let page = String::from_utf8(std::fs::read(page_path(name)).expect("fixture page"))
        .expect("UTF-8 page");
    let from = page.find(start).expect("start marker in the page");
    let rest = &page[from..];
    rest[..rest.find("</div>").expect("end of the article text")].to_string()
}

#[test]
fn persian_and_urdu_pages_are_not_folded_to_arabic_letters() {
    for (name, start) in [
        ("persian_page", "itemprop=\"articleBody\""),
        ("urdu_page", "class=\"story-detail\""),
    ] {
        let bytes = std::fs::read(page_path(name)).expect("fixture page");
        let art = extract(&bytes, &PageMeta::default()).expect("an article");
        let source = page_slice(name, start);
        for s in all_strings(&art) {
            assert!(
                !s.contains(['\u{064A}', '\u{0643}']),
                "{name}: Arabic yeh or kaf in {s:?}"
            );
        }
        for c in ['\u{06CC}', '\u{06A9}', '\u{06D2}', '\u{06C1}', '\u{200C}'] {
            assert_eq!(
                art.body.matches(c).count(),
                source.matches(c).count(),
                "{name}: count of U+{:04X} in the body differs from the page's article text",
                c as u32
            );
        }
    }
    let fa = std::fs::read(page_path("persian_page")).expect("fixture page");
    let art = extract(&fa, &PageMeta::default()).expect("an article");
    assert!(art.body.matches('\u{200C}').count() >= 10);
    assert!(art.title.is_some_and(|t| t.contains('\u{200C}')));
}

#[test]
fn fixture_pages_are_stored_in_their_own_encodings() {
    let read = |name: &str| std::fs::read(page_path(name)).expect("fixture page");
    for name in ["cp1256_table", "iso8859_6", "cp1256_noscript_sources"] {
        assert!(
            std::str::from_utf8(&read(name)).is_err(),
            "{name} must be stored in its legacy charset, not UTF-8"
        );
    }
    let mojibake = String::from_utf8(read("mojibake")).expect("mojibake page is UTF-8");
    assert!(
        mojibake.contains("ط§ظ„"),
        "mojibake page must hold ط§ظ„ runs"
    );
    assert!(read("gzip_semantic").starts_with(&[0x1f, 0x8b]));
}

#[test]
fn every_fixture_page_is_checked() {
    let mut found: Vec<String> = std::fs::read_dir(dir())
        .expect("fixture folder")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".expected.json").map(str::to_string)
        })
        .collect();
    found.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed);
    for name in FIXTURES {
        let _ = expected(name);
        assert!(page_path(name).exists());
    }
}

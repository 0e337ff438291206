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

/// The fixtures in the folder, by name: every `NAME.expected.json` (a page without one, or an
/// annotation without a page, fails `every_fixture_has_a_page_and_an_annotation`).
fn names() -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir())
        .expect("fixture folder")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".expected.json").map(str::to_string)
        })
        .collect();
    found.sort();
    found
}

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

/// Extracts one fixture and lists every way it differs from its annotation (empty when it
/// matches).
fn mismatches(name: &str) -> Vec<String> {
    let exp = expected(name);
    let bytes = std::fs::read(page_path(name)).expect("fixture page");
    let meta = PageMeta {
        url: exp.url.clone(),
        content_type: exp.content_type.clone(),
    };
    match (extract(&bytes, &meta), &exp.rejection) {
        (Err(rej), Some(code)) if rej.code() == code => Vec::new(),
        (Err(rej), Some(code)) => vec![format!("wrong rejection: want {code}, got {rej}")],
        (Ok(art), Some(code)) => vec![format!(
            "want rejection {code}, got an article titled {:?} with body {:?}",
            art.title,
            art.body.chars().take(300).collect::<String>()
        )],
        (Err(rej), None) => vec![format!(
            "want an article, got rejection {}: {rej}",
            rej.code()
        )],
        (Ok(art), None) => {
            let mut diffs = differences(&exp, &art);
            if !diffs.is_empty() {
                diffs.push(format!("--- body ---\n{}", art.body));
            }
            diffs
        }
    }
}

/// Extracts one fixture and asserts it matches its annotation, reporting every difference.
fn check(name: &str) {
    let diffs = mismatches(name);
    assert!(
        diffs.is_empty(),
        "{name}: {} difference(s):\n  {}",
        diffs.len(),
        diffs.join("\n  ")
    );
}

#[test]
fn every_fixture_page_matches_its_annotation() {
    let failed: Vec<String> = names()
        .iter()
        .filter_map(|name| {
            let diffs = mismatches(name);
            (!diffs.is_empty()).then(|| format!("{name}:\n  {}", diffs.join("\n  ")))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} fixture(s) differ from their annotation:\n{}",
        failed.len(),
        failed.join("\n\n")
    );
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

/// The page's text as a reader sees it: tags dropped (inline markup inside a paragraph leaves no
/// gap), whitespace squashed.
fn page_text(name: &str) -> String {
    let page = String::from_utf8(std::fs::read(page_path(name)).expect("fixture page"))
        .expect("UTF-8 page");
    let mut text = String::with_capacity(page.len());
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    squash(&text)
}

#[test]
fn persian_and_urdu_paragraphs_are_the_pages_own_text() {
    let pages: Vec<(String, Expected)> = names()
        .into_iter()
        .map(|n| {
            let e = expected(&n);
            (n, e)
        })
        .filter(|(_, e)| matches!(e.lang.as_deref(), Some("fa" | "ur")))
        .collect();
    assert!(
        pages.len() >= 6,
        "the Persian and Urdu fixtures are missing"
    );
    for (name, exp) in pages {
        let bytes = std::fs::read(page_path(&name)).expect("fixture page");
        let meta = PageMeta {
            url: exp.url.clone(),
            content_type: None,
        };
        let art = extract(&bytes, &meta).expect("an article");
        let text = page_text(&name);
        let arabic_letters = text.contains(['\u{064A}', '\u{0643}']);
        for s in all_strings(&art) {
            assert!(
                arabic_letters || !s.contains(['\u{064A}', '\u{0643}']),
                "{name}: Arabic yeh or kaf in {s:?}"
            );
        }
        for para in art.body.split("\n\n") {
            assert!(
                text.contains(&squash(para)),
                "{name}: the paragraph {para:?} is not the page's own text"
            );
        }
    }
}

#[test]
fn every_fixture_has_a_page_and_an_annotation() {
    let names = names();
    assert!(names.len() >= 26, "fixtures missing: {names:?}");
    for name in &names {
        let _ = expected(name);
        assert!(page_path(name).exists(), "{name}: no page");
    }
    let pages = std::fs::read_dir(dir())
        .expect("fixture folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| !f.ends_with(".expected.json"));
    for page in pages {
        let stem = page.split('.').next().unwrap_or_default().to_string();
        assert!(names.contains(&stem), "{page}: no annotation");
    }
}

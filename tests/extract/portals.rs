//! Portal layouts: every page under `tests/fixtures/portals/` reproduces the layout of a real
//! Arabic, Persian or Urdu portal (in invented words) and its gold says what a perfect
//! extractor returns. Each must come out exactly: title, date, body paragraphs, sources, tags,
//! language, and the page's own letters.

use std::path::{Path, PathBuf};

use akhbar::extract::normalize::match_key;
use akhbar::extract::{extract, PageMeta};
use serde_json::Value;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/portals");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/portals exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    pages.sort();
    pages
}

fn gold_of(page: &Path) -> Value {
    let name = page.file_stem().expect("file name").to_string_lossy();
    let path = page
        .parent()
        .expect("folder")
        .join("gold")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("gold file")).expect("gold JSON")
}

/// Text with its runs of white space made one space: the gold keeps the page's spacing, the
/// event its display form.
fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Compares one fixture with its gold; returns what differs.
fn differences(page: &Path) -> Vec<String> {
    let gold = gold_of(page);
    let bytes = std::fs::read(page).expect("fixture");
    let article = match extract(&bytes, &PageMeta::default()) {
        Ok(a) => a,
        Err(e) => return vec![format!("rejected: {e}")],
    };
    let mut out = Vec::new();
    let gold_title = gold["title"].as_str().map(str::trim);
    if article.title.as_deref().map(str::trim) != gold_title {
        out.push(format!("title {:?}, gold {gold_title:?}", article.title));
    }
    let date = article
        .published_at
        .as_deref()
        .map(|d| &d[..10.min(d.len())]);
    if date != gold["published"].as_str() {
        out.push(format!("date {date:?}, gold {:?}", gold["published"]));
    }
    let body: Vec<String> = article.body.split("\n\n").map(spaced).collect();
    let gold_body: Vec<String> = strings(&gold["paragraphs"])
        .iter()
        .map(|p| spaced(p))
        .collect();
    if body != gold_body {
        for p in body.iter().filter(|p| !gold_body.contains(p)) {
            out.push(format!("extra paragraph {p:?}"));
        }
        for p in gold_body.iter().filter(|p| !body.contains(p)) {
            out.push(format!("missing paragraph {p:?}"));
        }
        if out.is_empty() {
            out.push("paragraphs out of order".to_string());
        }
    }
    let mut sources: Vec<String> = article.sources.iter().map(|s| match_key(s)).collect();
    let mut gold_sources: Vec<String> = strings(&gold["sources"])
        .iter()
        .map(|s| match_key(s))
        .collect();
    sources.sort();
    gold_sources.sort();
    if sources != gold_sources {
        out.push(format!(
            "sources {:?}, gold {:?}",
            article.sources, gold["sources"]
        ));
    }
    let tags = match_key(&article.tags.join(" "));
    let gold_tags = match_key(gold["tags_text"].as_str().unwrap_or(""));
    if tags != gold_tags {
        out.push(format!(
            "tags {:?}, gold {:?}",
            article.tags, gold["tags_text"]
        ));
    }
    if let Some(lang) = gold["lang"].as_str() {
        if article.lang.as_deref() != Some(lang) {
            out.push(format!("lang {:?}, gold {lang}", article.lang));
        }
    }
    out
}

#[test]
fn every_portal_layout_gives_its_gold_article() {
    let pages = fixtures();
    assert!(
        pages.len() >= 30,
        "expected at least 30 portal fixtures, found {}",
        pages.len()
    );
    let mut failures = Vec::new();
    for page in &pages {
        let diffs = differences(page);
        if !diffs.is_empty() {
            let name = page
                .file_name()
                .expect("name")
                .to_string_lossy()
                .to_string();
            failures.push(format!("{name}:\n  {}", diffs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} portal fixtures differ from their gold:\n{}",
        failures.len(),
        pages.len(),
        failures.join("\n")
    );
}

#[test]
fn persian_and_urdu_pages_keep_their_letters_and_zero_width_non_joiners() {
    let mut checked = 0;
    for page in fixtures() {
        let gold = gold_of(&page);
        if !matches!(gold["lang"].as_str(), Some("fa" | "ur")) {
            continue;
        }
        checked += 1;
        let bytes = std::fs::read(&page).expect("fixture");
        let article = extract(&bytes, &PageMeta::default()).expect("an article");
        let source = String::from_utf8(bytes).expect("UTF-8 fixture");
        for letter in ['ی', 'ک', 'ے', 'ہ', '\u{200C}'] {
            let in_body = article.body.matches(letter).count();
            let in_gold = strings(&gold["paragraphs"])
                .join("")
                .matches(letter)
                .count();
            assert_eq!(in_body, in_gold, "{}: count of {letter:?}", page.display());
            if in_gold > 0 {
                assert!(source.contains(letter));
            }
        }
        assert!(
            !article.body.contains('ي') || source.contains('ي'),
            "{}",
            page.display()
        );
    }
    assert!(
        checked >= 3,
        "expected Persian and Urdu fixtures, found {checked}"
    );
}

#[test]
fn a_counter_under_an_empty_related_heading_is_not_a_headline() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/portals/221_counter_under_empty_related_heading.txt");
    let gold = gold_of(&page);
    let article = extract(
        &std::fs::read(&page).expect("fixture"),
        &PageMeta::default(),
    )
    .expect("an article");
    assert_eq!(article.related, strings(&gold["related_headlines"]));
}

//! Stories offline: `akhbar clean` over several files annotates near-duplicates among them,
//! `akhbar stories` prints the groups, and the 181 benchmark pages plus the seeds (all distinct
//! stories) are never merged.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::harness::{self, json_lines};

fn akhbar(args: &[&str], files: &[PathBuf]) -> Output {
    Command::new(harness::akhbar_bin())
        .args(args)
        .args(files)
        .output()
        .expect("run akhbar")
}

/// Writes `n` copies of the test story and `others` unrelated articles as HTML files.
fn write_pages(dir: &Path, n: u64, others: u64) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for k in 0..n {
        let p = dir.join(format!("copy{k:02}.html"));
        std::fs::write(&p, harness::story_copy_html(k)).unwrap();
        files.push(p);
    }
    for i in 0..others {
        let p = dir.join(format!("other{i:02}.html"));
        std::fs::write(&p, harness::article_html(i)).unwrap();
        files.push(p);
    }
    files
}

#[test]
fn clean_over_several_files_annotates_copies_with_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_pages(dir.path(), 6, 4);
    let events = json_lines(&akhbar(&["clean"], &files));
    assert_eq!(events.len(), 10);
    let first = events[0]["id"].as_str().unwrap();
    assert_eq!(events[0]["story"]["id"], first);
    assert!(events[0]["story"]["duplicate_of"].is_null());
    for e in &events[1..6] {
        assert_ne!(e["id"], first, "each copy has its own id");
        assert_eq!(e["story"]["id"], first, "{e}");
        assert!(e["story"]["duplicate_of"].is_string(), "{e}");
        let sim = e["story"]["similarity"].as_f64().unwrap();
        assert!((0.6..=1.0).contains(&sim), "{sim}");
    }
    for e in &events[6..] {
        assert_eq!(
            e["story"]["id"], e["id"],
            "an unrelated article is its own story: {e}"
        );
        assert!(e["story"]["duplicate_of"].is_null());
    }
    let bare = json_lines(&akhbar(&["clean", "--no-stories"], &files));
    assert!(bare.iter().all(|e| e["story"].is_null()));
}

#[test]
fn stories_prints_the_groups() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_pages(dir.path(), 3, 2);
    let out = akhbar(&["stories"], &files);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(3 articles)"), "{text}");
    assert_eq!(text.matches("copy of").count(), 2, "{text}");
    assert!(
        text.contains("5 articles, 3 stories, 1 with copies, 2 copies"),
        "{text}"
    );
    let rows = json_lines(&akhbar(&["stories", "--json"], &files));
    assert_eq!(rows.len(), 5);
    assert!(rows[0]["file"].as_str().unwrap().ends_with("copy00.html"));
}

/// Made-up Arabic words `prefix` + the digits of each number in letters: one token each, and
/// no two ranges of different prefixes share a word.
fn arabic_words(prefix: char, range: std::ops::Range<usize>) -> Vec<String> {
    const LETTERS: [char; 10] = ['ب', 'ت', 'ج', 'د', 'ر', 'س', 'ص', 'ط', 'ف', 'ق'];
    range
        .map(|i| {
            let digits: String = i
                .to_string()
                .chars()
                .map(|d| LETTERS[d.to_digit(10).unwrap_or(0) as usize])
                .collect();
            format!("{prefix}ا{digits}")
        })
        .collect()
}

/// An HTML article whose body is `words` in sentences of ten.
fn article_of(words: &[String]) -> String {
    let paragraphs: String = words
        .chunks(10)
        .map(|s| format!("<p>{}.</p>", s.join(" ")))
        .collect();
    format!(
        "<html><head><meta charset=\"utf-8\"><title>{}</title></head><body><article>\
         <h1>{}</h1>{paragraphs}</article></body></html>",
        words[..4].join(" "),
        words[..4].join(" ")
    )
}

#[test]
fn copies_that_meet_only_through_a_later_copy_are_one_story() {
    // B keeps A's first 60 words and adds 40; C keeps 40 of A's and B's 40: C does not confirm
    // A, so arriving second it starts a story; B, arriving third, confirms both.
    let a = arabic_words('م', 0..100);
    let b = [arabic_words('م', 0..60), arabic_words('ن', 0..40)].concat();
    let c = [
        arabic_words('م', 0..40),
        arabic_words('ن', 0..40),
        arabic_words('ل', 0..20),
    ]
    .concat();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, words) in [("a", &a), ("c", &c), ("b", &b)] {
        let p = dir.path().join(format!("{name}.html"));
        std::fs::write(&p, article_of(words)).unwrap();
        files.push(p);
    }
    for args in [&["stories", "--json"][..], &["clean"][..]] {
        let rows = json_lines(&akhbar(args, &files));
        assert_eq!(rows.len(), 3, "{args:?}");
        for r in &rows {
            assert_eq!(r["story"]["id"], rows[0]["id"], "{args:?}: {r}");
        }
        assert!(
            rows[1]["story"]["duplicate_of"].is_null(),
            "nothing before C confirms it"
        );
        assert_eq!(rows[2]["story"]["duplicate_of"], rows[0]["id"]);
    }
    let out = akhbar(&["stories"], &files);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(3 articles)"), "{text}");
}

#[test]
fn benchmark_pages_and_seeds_are_never_merged() {
    let Some(shared) = harness::shared_or_skip("benchmark_pages_and_seeds_are_never_merged") else {
        return;
    };
    let mut files = Vec::new();
    for (dir, suffix) in [("aeb/html", ".html.gz"), ("seeds", ".txt")] {
        let Ok(entries) = std::fs::read_dir(shared.join(dir)) else {
            eprintln!("SKIPPED benchmark_pages_and_seeds_are_never_merged: {dir} is absent");
            return;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .collect();
        found.sort();
        files.extend(found);
    }
    assert_eq!(files.len(), 186, "181 benchmark pages and 5 seeds");
    let rows = json_lines(&akhbar(&["stories", "--json"], &files));
    assert_eq!(rows.len(), 186, "every page gives an article");
    let merged: Vec<&Value> = rows
        .iter()
        .filter(|r| !r["story"]["duplicate_of"].is_null() || r["story"]["id"] != r["id"])
        .collect();
    assert!(merged.is_empty(), "false merges: {merged:?}");
}

//! `akhbar clean` end to end: the text-page fixtures give their expected articles, rejections
//! go to stderr without stopping the other inputs, output names and options behave as documented.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::harness;

fn clean(args: &[&str]) -> Output {
    Command::new(harness::akhbar_bin())
        .arg("clean")
        .args(args)
        .output()
        .expect("run akhbar clean")
}

fn text_fixtures() -> Vec<std::path::PathBuf> {
    let dir = harness::fixtures_dir().join("text");
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/text exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    pages.sort();
    pages
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn check_against_expected(page: &Path, got: &Value) {
    let expected_path = page.with_extension("expected.json");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(&expected_path).expect("expected JSON next to the fixture"),
    )
    .expect("expected JSON parses");
    let name = page.display();
    assert_eq!(got["schema"], "akhbar.article.v1", "{name}");
    assert_eq!(got["title"], expected["title"], "{name}: title");
    let got_date = got["published_at"].as_str().map(|d| &d[..10.min(d.len())]);
    assert_eq!(
        got_date,
        expected["published_at"].as_str(),
        "{name}: published_at"
    );
    assert_eq!(
        strings(&got["sources"]),
        strings(&expected["sources"]),
        "{name}: sources"
    );
    assert_eq!(
        strings(&got["tags"]),
        strings(&expected["tags"]),
        "{name}: tags"
    );
    let body: Vec<String> = got["body"]
        .as_str()
        .unwrap_or_default()
        .split("\n\n")
        .map(String::from)
        .collect();
    assert_eq!(body, strings(&expected["body"]), "{name}: body paragraphs");
    assert_eq!(
        strings(&got["related"]),
        strings(&expected["related"]),
        "{name}: related"
    );
    assert_eq!(got["lang"], "ar", "{name}: lang");
}

#[test]
fn text_fixtures_give_their_expected_articles() {
    let pages = text_fixtures();
    assert!(pages.len() >= 3, "three text fixtures expected");
    for page in &pages {
        let out = clean(&[page.to_str().expect("utf-8 path")]);
        assert!(
            out.status.success(),
            "{}: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
        check_against_expected(page, &got);
    }
}

#[test]
fn out_dir_gets_one_file_per_input_named_without_extensions() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let pages = text_fixtures();
    let gz_path = tmp.path().join("zipped.txt.gz");
    let raw = std::fs::read(&pages[0]).expect("fixture");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&raw).expect("gzip");
    std::fs::write(&gz_path, enc.finish().expect("gzip")).expect("write gz");
    let out_dir = tmp.path().join("out");
    let mut args = vec!["--out-dir", out_dir.to_str().expect("utf-8")];
    args.extend(pages.iter().map(|p| p.to_str().expect("utf-8")));
    args.push(gz_path.to_str().expect("utf-8"));
    let out = clean(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "nothing on stdout with --out-dir");
    for page in &pages {
        let stem = page.file_stem().and_then(|s| s.to_str()).expect("stem");
        let written =
            std::fs::read_to_string(out_dir.join(format!("{stem}.json"))).expect("NAME.json");
        check_against_expected(page, &serde_json::from_str(&written).expect("article JSON"));
    }
    let zipped = std::fs::read_to_string(out_dir.join("zipped.json")).expect("zipped.json");
    check_against_expected(
        &pages[0],
        &serde_json::from_str(&zipped).expect("article JSON"),
    );
}

#[test]
fn a_rejection_is_reported_and_the_other_inputs_still_run() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let empty = tmp.path().join("empty.txt");
    std::fs::write(&empty, b"  \n\n ").expect("write");
    let pages = text_fixtures();
    let out = clean(&[
        empty.to_str().expect("utf-8"),
        pages[0].to_str().expect("utf-8"),
    ]);
    assert!(!out.status.success(), "exit code must be non-zero");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}: empty:", empty.display())),
        "stderr: {stderr}"
    );
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout)
        .expect("utf-8")
        .lines()
        .collect();
    assert_eq!(lines.len(), 1, "the good page still gives its article");
    check_against_expected(&pages[0], &serde_json::from_str(lines[0]).expect("JSON"));
}

#[test]
fn boilerplate_only_page_is_no_article() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let page = tmp.path().join("furniture.txt");
    std::fs::write(&page, "المصدر: الأناضول\n\nكلمات دلالية: غزة\n\nاقرأ أيضا").expect("write");
    let out = clean(&[page.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(": no_article:"));
}

#[test]
fn too_large_follows_max_bytes() {
    let pages = text_fixtures();
    let out = clean(&["--max-bytes", "100", pages[0].to_str().expect("utf-8")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(": too_large:"));
}

#[test]
fn stdin_page_with_url_gets_url_and_site() {
    let pages = text_fixtures();
    let raw = std::fs::read(&pages[1]).expect("fixture");
    let mut child = Command::new(harness::akhbar_bin())
        .args(["clean", "--url", "https://www.example.jo/news/1", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&raw)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(got["url"], "https://www.example.jo/news/1");
    assert_eq!(got["site"], "www.example.jo");
    check_against_expected(&pages[1], &got);
}

#[test]
fn markers_file_extends_the_defaults() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let page = tmp.path().join("page.txt");
    std::fs::write(
        &page,
        "أعلنت البلدية، اليوم الأحد، عن افتتاح حديقة عامة جديدة في وسط المدينة.\n\nنقلا عن: صحيفة المدينة.\n\nوتضم الحديقة ملاعب للأطفال ومسارات للمشي وأكثر من ألف شجرة.\n\nالمصدر: وكالة الأنباء",
    )
    .expect("write");
    let markers = tmp.path().join("markers.toml");
    std::fs::write(&markers, "[text]\nsource_labels = [\"نقلا عن\"]\n").expect("write");

    let plain = clean(&[page.to_str().expect("utf-8")]);
    let plain: Value = serde_json::from_slice(&plain.stdout).expect("JSON");
    assert!(plain["body"]
        .as_str()
        .unwrap_or_default()
        .contains("نقلا عن"));
    assert_eq!(strings(&plain["sources"]), vec!["وكالة الأنباء"]);

    let extended = clean(&[
        "--markers",
        markers.to_str().expect("utf-8"),
        page.to_str().expect("utf-8"),
    ]);
    assert!(
        extended.status.success(),
        "{}",
        String::from_utf8_lossy(&extended.stderr)
    );
    let extended: Value = serde_json::from_slice(&extended.stdout).expect("JSON");
    assert!(!extended["body"]
        .as_str()
        .unwrap_or_default()
        .contains("نقلا عن"));
    assert_eq!(
        strings(&extended["sources"]),
        vec!["صحيفة المدينة", "وكالة الأنباء"]
    );
}

#[test]
fn site_memory_without_a_url_says_the_pages_are_not_learned_from() {
    let pages = text_fixtures();
    let page = pages[0].to_str().expect("utf-8");
    let out = clean(&["--site-memory", page]);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 page(s) name no site and have no URL"),
        "{stderr}"
    );
    let article: Value = serde_json::from_slice(&out.stdout).expect("one article");
    assert!(article["extractor"].get("site_template").is_none());
    let with_url = clean(&["--site-memory", "--url", "https://example.com/a", page]);
    assert!(with_url.status.success());
    assert!(!String::from_utf8_lossy(&with_url.stderr).contains("name no site"));
}

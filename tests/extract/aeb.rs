//! The article-extraction-benchmark (../shared/aeb, 181 news pages) through the built binary:
//! a regression guard that fails when body F1 drops below a floor set just under the achieved score.

use std::process::Command;

use crate::harness;

/// Just under the F1 akhbar achieves; a drop below it is a regression, not noise.
const F1_FLOOR: f64 = 0.970;

fn field(line: &str, name: &str) -> Option<f64> {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}

#[test]
fn aeb_body_f1_stays_above_the_floor() {
    let Some(shared) = harness::shared_or_skip("aeb_body_f1_stays_above_the_floor") else {
        return;
    };
    let html_dir = shared.join("aeb/html");
    let scorer = shared.join("eval/score_aeb.py");
    if !html_dir.is_dir() || !scorer.is_file() {
        eprintln!(
            "SKIPPED aeb_body_f1_stays_above_the_floor: ../shared/aeb or its scorer is absent"
        );
        return;
    }
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED aeb_body_f1_stays_above_the_floor: python3 is not installed");
        return;
    }
    let mut pages: Vec<_> = std::fs::read_dir(&html_dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 181, "the benchmark has 181 pages");

    let out = tempfile::tempdir().unwrap();
    let status = Command::new(harness::akhbar_bin())
        .arg("clean")
        .arg("--out-dir")
        .arg(out.path())
        .args(&pages)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.code().is_some(), "akhbar clean was killed: {status}");

    let scored = Command::new("python3")
        .arg(&scorer)
        .arg(out.path())
        .output()
        .unwrap();
    assert!(scored.status.success(), "scorer failed: {scored:?}");
    let line = String::from_utf8_lossy(&scored.stdout).trim().to_string();
    println!("aeb: {line}");
    let f1 = field(&line, "F1").expect("scorer prints F1=");
    let p = field(&line, "precision").expect("scorer prints precision=");
    let r = field(&line, "recall").expect("scorer prints recall=");
    println!("aeb: F1={f1:.3} precision={p:.3} recall={r:.3} (floor {F1_FLOOR})");
    assert!(
        f1 >= F1_FLOOR,
        "aeb F1 {f1:.3} fell below the floor {F1_FLOOR} (precision {p:.3}, recall {r:.3})"
    );
}

//! The seed pages scored by the shared scorer, exactly as issue 2 asks:
//! `akhbar clean --out-dir OUT ../shared/seeds/*`, then `score_articles.py GOLD OUT --json`.

use std::process::Command;

use serde_json::Value;

use crate::harness;

#[test]
fn seeds_score_at_least_098_body_f1_with_exact_metadata_and_no_leaks() {
    let Some(shared) = harness::shared_or_skip("seeds_score") else {
        return;
    };
    let scorer = shared.join("eval/score_articles.py");
    let gold = shared.join("eval/seeds-gold");
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED seeds_score: python3 is not installed");
        return;
    }
    let mut seeds: Vec<_> = std::fs::read_dir(shared.join("seeds"))
        .expect("seeds folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seed pages");

    let out_dir = tempfile::tempdir().expect("temp dir");
    let clean = Command::new(harness::akhbar_bin())
        .arg("clean")
        .arg("--out-dir")
        .arg(out_dir.path())
        .args(&seeds)
        .output()
        .expect("run akhbar clean");
    assert!(
        clean.status.success(),
        "akhbar clean failed: {}",
        String::from_utf8_lossy(&clean.stderr)
    );

    let scored = Command::new("python3")
        .arg(&scorer)
        .arg(&gold)
        .arg(out_dir.path())
        .arg("--json")
        .output()
        .expect("run the scorer");
    assert!(
        scored.status.success(),
        "scorer failed: {}",
        String::from_utf8_lossy(&scored.stderr)
    );
    let report: Value = serde_json::from_slice(&scored.stdout).expect("scorer JSON");
    let mean = &report["mean"];
    let leaks = report["leaks"].as_u64().expect("leaks");
    let f = |k: &str| mean[k].as_f64().unwrap_or(0.0);
    println!(
        "seeds: body_P={:.3} body_R={:.3} body_F1={:.3} title={:.2} date={:.2} sources={:.2} tags={:.2} leaks={leaks}",
        f("p"),
        f("r"),
        f("f1"),
        f("title"),
        f("date"),
        f("sources"),
        f("tags")
    );
    if let Some(pages) = report["pages"].as_object() {
        for (name, row) in pages {
            println!("  {name}: {row}");
        }
    }
    assert!(f("f1") >= 0.98, "body F1 {:.3} < 0.98", f("f1"));
    for k in ["title", "date", "sources", "tags"] {
        assert!(
            (f(k) - 1.0).abs() < 1e-9,
            "{k} = {:.2}, expected 1.00",
            f(k)
        );
    }
    assert_eq!(leaks, 0, "boilerplate leaked into bodies");
}

//! akhbar's one-shot commands (`clean`, `stories`, …) from the test's side: their output read
//! back.

use std::process::Output;

/// The stdout of a command that must have succeeded, one JSON value a line; panics with its
/// stderr when it failed.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
        .collect()
}

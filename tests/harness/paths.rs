//! Where things are: the akhbar binary, the project's files, the shared data folder.

use std::path::{Path, PathBuf};

/// The akhbar binary built for this test run.
pub fn akhbar_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_akhbar"))
}

/// A file of the project, by its path from the checkout root.
pub fn project_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The project's own fixture folder.
pub fn fixtures_dir() -> PathBuf {
    project_file("tests/fixtures")
}

/// The read-only shared data folder: `$AKHBAR_SHARED_DIR`, else `../shared` next to the
/// checkout, if present.
pub fn shared_dir() -> Option<PathBuf> {
    let p = std::env::var_os("AKHBAR_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_file("../shared"));
    p.is_dir().then_some(p)
}

/// Returns the shared folder or prints why the calling test is skipped.
pub fn shared_or_skip(test: &str) -> Option<PathBuf> {
    let dir = shared_dir();
    if dir.is_none() {
        eprintln!("SKIPPED {test}: ../shared is absent (it holds the seed pages and scorers)");
    }
    dir
}

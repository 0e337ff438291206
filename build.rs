//! Records the git revision the binary is built from as `AKHBAR_GIT_REVISION` (the `revision`
//! label of `akhbar_build_info`): the variable of the same name when the build sets it (the
//! Dockerfile does, from its `REVISION` argument, having no `.git`), else `git rev-parse HEAD`,
//! else `unknown`.

use std::process::Command;

const VAR: &str = "AKHBAR_GIT_REVISION";

fn main() {
    println!("cargo:rerun-if-env-changed={VAR}");
    let revision = std::env::var(VAR)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .or_else(git_revision)
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env={VAR}={revision}");
}

/// The commit of `HEAD`, and the files to watch so that a new commit rebuilds with it.
fn git_revision() -> Option<String> {
    let revision = git(&["rev-parse", "HEAD"])?;
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["symbolic-ref", "-q", "HEAD"])
            .and_then(|r| git(&["rev-parse", "--git-path", r.as_str()])),
        git(&["rev-parse", "--git-path", "packed-refs"]),
    ]
    .into_iter()
    .flatten()
    .filter(|p| std::path::Path::new(p).exists())
    {
        println!("cargo:rerun-if-changed={path}");
    }
    Some(revision)
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

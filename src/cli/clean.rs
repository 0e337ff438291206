//! `akhbar clean`.

/// Arguments of `akhbar clean`.
#[derive(Debug, clap::Args)]
pub struct CleanArgs {}

/// Runs `akhbar clean`; returns the exit code.
pub fn run(args: CleanArgs) -> anyhow::Result<i32> {
    let _ = args;
    anyhow::bail!("not implemented yet")
}

//! `akhbar publish`.

/// Arguments of `akhbar publish`.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {}

/// Runs `akhbar publish`; returns the exit code.
pub fn run(args: PublishArgs) -> anyhow::Result<i32> {
    let _ = args;
    anyhow::bail!("not implemented yet")
}

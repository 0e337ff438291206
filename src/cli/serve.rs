//! `akhbar serve`.

/// Arguments of `akhbar serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {}

/// Runs `akhbar serve`; returns the exit code.
pub fn run(args: ServeArgs) -> anyhow::Result<i32> {
    let _ = args;
    anyhow::bail!("not implemented yet")
}

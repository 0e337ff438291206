//! `akhbar config check`.

/// Arguments of `akhbar config`.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {}

/// Runs `akhbar config …`; returns the exit code.
pub fn run(args: ConfigArgs) -> anyhow::Result<i32> {
    let _ = args;
    anyhow::bail!("not implemented yet")
}

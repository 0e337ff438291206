//! `akhbar tail`.

/// Arguments of `akhbar tail`.
#[derive(Debug, clap::Args)]
pub struct TailArgs {}

/// Runs `akhbar tail`; returns the exit code.
pub fn run(args: TailArgs) -> anyhow::Result<i32> {
    let _ = args;
    anyhow::bail!("not implemented yet")
}

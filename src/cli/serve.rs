//! `akhbar serve`: loads the configuration, sets up logging, runs the service until SIGTERM/SIGINT.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;

use crate::service::config::{Config, LogFormat};

/// Arguments of `akhbar serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Configuration file (TOML). Without it, `config/akhbar.toml` is used when present, else
    /// the defaults; `AKHBAR_<SECTION>__<KEY>` variables override either.
    #[arg(long, short, env = "AKHBAR_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs `akhbar serve`; returns the exit code (0 after a graceful shutdown).
pub fn run(args: ServeArgs) -> anyhow::Result<i32> {
    let config = Config::load(args.config.as_deref()).context("invalid configuration")?;
    init_tracing(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("akhbar")
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = crate::service::bind(&config.http).await?;
        let shutdown = crate::service::shutdown::on_signals();
        crate::service::run(config, listener, shutdown).await
    })?;
    tracing::info!("akhbar stopped");
    Ok(0)
}

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&config.log.level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let installed = match config.log.format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
    if let Err(e) = installed {
        eprintln!("akhbar: logging already initialised: {e}");
    }
}

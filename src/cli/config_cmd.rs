//! `akhbar config check`: validates a configuration and prints the effective values, secrets
//! masked.

use std::path::PathBuf;

use crate::service::config::Config;

/// Arguments of `akhbar config`.
#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// What to do with the configuration.
    #[command(subcommand)]
    pub action: ConfigAction,
}

/// Configuration actions.
#[derive(Debug, clap::Subcommand)]
pub enum ConfigAction {
    /// Validate the file plus `AKHBAR_…` overrides; print the effective configuration (secrets
    /// masked) and exit 0, or name the bad key and exit 1.
    Check {
        /// Configuration file (default: `config/akhbar.toml` when present, else the defaults).
        #[arg(long, short, env = "AKHBAR_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// Runs `akhbar config …`; returns the exit code.
pub fn run(args: ConfigArgs) -> anyhow::Result<i32> {
    match args.action {
        ConfigAction::Check { config } => match Config::load(config.as_deref()) {
            Ok(cfg) => {
                print!("{}", cfg.to_toml_masked());
                eprintln!("akhbar: configuration OK");
                Ok(0)
            }
            Err(e) => {
                eprintln!("akhbar: invalid configuration: {e}");
                Ok(1)
            }
        },
    }
}

//! Command-line front ends: `clean`, `stories`, `serve`, `config check`, `publish`, `tail`,
//! `health`, `dlq`, `sites`.
//! The binary only parses arguments and calls [`run`]; every command lives in its own module.

pub mod clean;
pub mod config_cmd;
pub mod dlq;
pub mod files;
pub mod health;
pub mod nats_args;
pub mod publish;
pub mod serve;
pub mod sites;
pub mod stories;
pub mod tail;

use clap::{Parser, Subcommand};

/// akhbar: Arabic news ingestion — raw pages from NATS in, clean article events out.
#[derive(Debug, Parser)]
#[command(name = "akhbar", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands akhbar offers.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean pages offline: one article JSON line per input (or one file per input with --out-dir).
    Clean(clean::CleanArgs),
    /// Group pages into stories: near-duplicate copies of one report, offline.
    Stories(stories::StoriesArgs),
    /// Run the streaming service (NATS in, article events out, metrics on HTTP).
    Serve(serve::ServeArgs),
    /// Configuration tools.
    Config(config_cmd::ConfigArgs),
    /// Publish files or folders as raw pages to NATS.
    Publish(publish::PublishArgs),
    /// Print article events as they arrive.
    Tail(tail::TailArgs),
    /// Ask a running `akhbar serve` whether it is ready (exit 0) or not (exit 1).
    Health(health::HealthArgs),
    /// List dead letters, or replay them to their original subjects.
    Dlq(dlq::DlqArgs),
    /// Show what site memory learned: every site, or one site's template lines.
    Sites(sites::SitesArgs),
}

/// Runs the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Clean(args) => clean::run(args),
        Command::Stories(args) => stories::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Config(args) => config_cmd::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Tail(args) => tail::run(args),
        Command::Health(args) => health::run(args),
        Command::Dlq(args) => dlq::run(args),
        Command::Sites(args) => sites::run(args),
    }
}

//! `akhbar dlq list` and `akhbar dlq replay`: what sits in the dead-letter stream, and bringing
//! it back once the cause is fixed. The work is `service/dlq.rs`'s; this module parses the
//! arguments and prints.

use std::io::Write;

use anyhow::Context as _;
use async_nats::jetstream;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::nats_args::NatsArgs;
use crate::service::dlq::{self, Filter, Listing, NotReplayable, ReplayOptions, StoredLetter};
use crate::service::nats::error_chain;

/// Arguments of `akhbar dlq`.
#[derive(Debug, clap::Args)]
pub struct DlqArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: DlqCommand,
}

/// The `dlq` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DlqCommand {
    /// Count the dead letters by reason and original subject, the newest group first.
    List(ListArgs),
    /// Publish dead letters' pages again to their original subjects, then delete the letters.
    Replay(ReplayArgs),
}

/// The stream and the letters a `dlq` command works on.
#[derive(Debug, Clone, clap::Args)]
pub struct Selection {
    #[command(flatten)]
    pub nats: NatsArgs,
    /// The dead-letter stream.
    #[arg(long, env = "AKHBAR_OUTPUT__DLQ_STREAM", default_value = "NEWS_DLQ")]
    pub stream: String,
    /// Only letters with this reason code (`max_deliveries`, `no_article`, …).
    #[arg(long)]
    pub reason: Option<String>,
    /// Only letters of pages that arrived on this subject (wildcards `*`, `>` allowed).
    #[arg(long)]
    pub subject: Option<String>,
    /// Only letters stored since then: a duration back from now (`30m`, `2h`, `7d`) or an
    /// RFC 3339 time.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
}

impl Selection {
    fn filter(&self) -> anyhow::Result<Filter> {
        let since = match &self.since {
            Some(text) => Some(
                dlq::parse_since(text, OffsetDateTime::now_utc())
                    .map_err(|e| anyhow::anyhow!("--since: {e}"))?,
            ),
            None => None,
        };
        Ok(Filter {
            reason: self.reason.clone(),
            subject: self.subject.clone(),
            since,
        })
    }

    async fn jetstream(&self, name: &str) -> anyhow::Result<jetstream::Context> {
        let client = self.nats.connect(name).await?;
        Ok(jetstream::new(client))
    }
}

/// Arguments of `akhbar dlq list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `akhbar dlq replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Replay at most this many letters.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Say which letters would be replayed, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replay at most this many letters a second.
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,
}

/// Runs `akhbar dlq …`; returns the exit code.
pub fn run(args: DlqArgs) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        match args.command {
            DlqCommand::List(a) => list(a).await,
            DlqCommand::Replay(a) => replay(a).await,
        }
    })
}

async fn list(args: ListArgs) -> anyhow::Result<i32> {
    let filter = args.selection.filter()?;
    let js = args.selection.jetstream("akhbar-dlq").await?;
    let listing = dlq::list(&js, &args.selection.stream, &filter)
        .await
        .map_err(|e| anyhow::anyhow!(error_chain(&e)))?;
    let text = if args.json {
        format!("{}\n", listing_json(&listing))
    } else {
        listing_table(&listing)
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("writing to stdout")?;
    Ok(0)
}

async fn replay(args: ReplayArgs) -> anyhow::Result<i32> {
    if let Some(rate) = args.rate {
        anyhow::ensure!(
            rate.is_finite() && rate > 0.0,
            "--rate must be a number of letters a second > 0, got {rate}"
        );
    }
    let filter = args.selection.filter()?;
    let js = args.selection.jetstream("akhbar-dlq-replay").await?;
    let stream = &args.selection.stream;
    let options = ReplayOptions {
        limit: args.limit,
        dry_run: args.dry_run,
        per_second: args.rate,
    };
    let verb = if args.dry_run {
        "would replay"
    } else {
        "replayed"
    };
    let result = dlq::replay(&js, stream, &filter, options, |letter, outcome| {
        print_letter(letter, outcome, args.dry_run)
    })
    .await;
    match result {
        Ok(done) => {
            println!(
                "{verb} {} letters from {stream} ({} already republished by an earlier replay), skipped {}",
                done.replayed, done.duplicates, done.skipped
            );
            Ok(0)
        }
        Err(e) => {
            eprintln!(
                "akhbar dlq replay: {}; the letter stays in {stream}, run the replay again",
                error_chain(&e)
            );
            Ok(1)
        }
    }
}

/// One line per letter in a dry run, and one per skipped letter always.
fn print_letter(letter: &StoredLetter, outcome: Result<&str, NotReplayable>, dry_run: bool) {
    match outcome {
        Ok(subject) if dry_run => println!(
            "{}\t{}\t{}\t{subject}",
            letter.sequence,
            rfc3339(letter.time),
            letter.reason
        ),
        Ok(_) => {}
        Err(why) => eprintln!(
            "skipped letter {} ({}): {}",
            letter.sequence,
            letter.reason,
            match why {
                NotReplayable::Truncated => "its page was left out to fit max_payload",
                NotReplayable::NoSubject => "it names no original subject",
            }
        ),
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// The listing as one JSON object: `stream`, `letters`, `replayable`, `groups` (reason,
/// subject, count, newest, oldest), the group with the newest letter first.
fn listing_json(listing: &Listing) -> serde_json::Value {
    serde_json::json!({
        "stream": listing.stream,
        "letters": listing.letters,
        "replayable": listing.replayable,
        "groups": listing.groups.iter().map(|g| serde_json::json!({
            "reason": g.reason,
            "subject": g.subject,
            "count": g.count,
            "newest": rfc3339(g.newest),
            "oldest": rfc3339(g.oldest),
        })).collect::<Vec<_>>(),
    })
}

/// The listing as a table.
fn listing_table(listing: &Listing) -> String {
    let mut out = format!(
        "{}: {} letters, {} replayable\n",
        listing.stream, listing.letters, listing.replayable
    );
    if listing.groups.is_empty() {
        return out;
    }
    let width = |f: fn(&dlq::Group) -> usize, min: usize| {
        listing
            .groups
            .iter()
            .map(f)
            .chain([min])
            .max()
            .unwrap_or(min)
    };
    let reason_w = width(|g| g.reason.len(), 6);
    let subject_w = width(|g| g.subject.len(), 7);
    out.push_str(&format!(
        "{:>7}  {:reason_w$}  {:subject_w$}  {:20}  oldest\n",
        "count", "reason", "subject", "newest"
    ));
    for g in &listing.groups {
        out.push_str(&format!(
            "{:>7}  {:reason_w$}  {:subject_w$}  {:20}  {}\n",
            g.count,
            g.reason,
            g.subject,
            rfc3339(g.newest),
            rfc3339(g.oldest)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::dlq::Group;

    #[derive(clap::Parser)]
    struct Wrapper {
        #[command(subcommand)]
        command: DlqCommand,
    }

    #[test]
    fn dlq_arguments_parse_with_filters_and_defaults() {
        use clap::{CommandFactory, Parser};
        Wrapper::command().debug_assert();
        let w = Wrapper::try_parse_from([
            "dlq",
            "replay",
            "--reason",
            "max_deliveries",
            "--since",
            "2h",
            "--limit",
            "10",
            "--dry-run",
        ])
        .unwrap();
        let DlqCommand::Replay(r) = w.command else {
            panic!("replay expected")
        };
        assert_eq!(r.limit, Some(10));
        assert!(r.dry_run);
        assert_eq!(r.selection.reason.as_deref(), Some("max_deliveries"));
        assert!(r.selection.filter().unwrap().since.is_some());
        let bad = Selection {
            since: Some("soon".to_string()),
            ..r.selection.clone()
        };
        assert!(bad.filter().is_err());
    }

    #[test]
    fn a_listing_prints_as_json_and_as_a_table_newest_group_first() {
        let t = |s: i64| OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(s);
        let listing = Listing {
            stream: "NEWS_DLQ".to_string(),
            letters: 3,
            replayable: 3,
            groups: vec![
                Group {
                    reason: "no_article".to_string(),
                    subject: "news.raw.b".to_string(),
                    count: 1,
                    newest: t(20),
                    oldest: t(20),
                },
                Group {
                    reason: "max_deliveries".to_string(),
                    subject: "news.raw.a".to_string(),
                    count: 2,
                    newest: t(10),
                    oldest: t(5),
                },
            ],
        };
        let json = listing_json(&listing);
        assert_eq!(json["letters"], 3);
        assert_eq!(json["groups"][1]["count"], 2);
        assert_eq!(json["groups"][0]["newest"], "1970-01-01T00:00:20Z");
        let table = listing_table(&listing);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "NEWS_DLQ: 3 letters, 3 replayable");
        assert!(lines[2].contains("no_article") && lines[3].contains("max_deliveries"));
    }
}

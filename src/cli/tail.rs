//! `akhbar tail`: prints article events (one JSON object per line) as they arrive, through a core
//! NATS subscription, or with `--from-start` an ephemeral ordered JetStream consumer that replays
//! the stream first.

use std::io::Write;
use std::time::Duration;

use anyhow::Context as _;
use async_nats::jetstream;
use futures::StreamExt;

use super::nats_args::NatsArgs;

/// Arguments of `akhbar tail`.
#[derive(Debug, clap::Args)]
pub struct TailArgs {
    #[command(flatten)]
    pub nats: NatsArgs,
    /// Subject (wildcards allowed) to print events from.
    #[arg(long, short, default_value = "news.clean.>")]
    pub subject: String,
    /// Exit after this many events.
    #[arg(long, short = 'n', value_name = "N")]
    pub count: Option<u64>,
    /// Exit after this many seconds (exit code 1 if --count events had not arrived by then).
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Replay the events already stored in the stream that captures the subject, then follow.
    #[arg(long)]
    pub from_start: bool,
    /// Print the subject before each event (`subject<TAB>json`).
    #[arg(long)]
    pub with_subject: bool,
}

/// Runs `akhbar tail`; returns the exit code.
pub fn run(args: TailArgs) -> anyhow::Result<i32> {
    let timeout = match args.timeout {
        Some(secs) if !(secs.is_finite() && secs >= 0.0) => {
            anyhow::bail!("--timeout must be a number of seconds >= 0, got {secs}")
        }
        Some(secs) => Some(Duration::from_secs_f64(secs)),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let printed = tokio::select! {
            r = tail(&args) => r?,
            _ = sleep_or_forever(timeout) => None,
            _ = tokio::signal::ctrl_c() => return Ok(0),
        };
        Ok(match (printed, args.count) {
            (Some(_), _) | (None, None) => 0,
            (None, Some(n)) => {
                eprintln!("akhbar tail: timed out before {n} events arrived");
                1
            }
        })
    })
}

async fn sleep_or_forever(timeout: Option<Duration>) {
    match timeout {
        Some(t) => tokio::time::sleep(t).await,
        None => std::future::pending().await,
    }
}

/// Prints events until `--count` is reached (returns `Some(count)`) or the source ends.
async fn tail(args: &TailArgs) -> anyhow::Result<Option<u64>> {
    let client = args.nats.connect("akhbar-tail").await?;
    let mut printed = 0u64;
    if args.count == Some(0) {
        return Ok(Some(0));
    }
    if args.from_start {
        let js = jetstream::new(client);
        let stream_name = js
            .stream_by_subject(args.subject.as_str())
            .await
            .with_context(|| {
                format!(
                    "no JetStream stream captures {:?} (needed for --from-start)",
                    args.subject
                )
            })?;
        let stream = js
            .get_stream(&stream_name)
            .await
            .with_context(|| format!("opening stream {stream_name}"))?;
        let consumer = stream
            .create_consumer(jetstream::consumer::pull::OrderedConfig {
                filter_subject: args.subject.clone(),
                deliver_policy: jetstream::consumer::DeliverPolicy::All,
                ..Default::default()
            })
            .await
            .context("creating an ordered consumer")?;
        let mut messages = consumer.messages().await.context("reading the stream")?;
        while let Some(msg) = messages.next().await {
            let msg = msg.context("reading the stream")?;
            if !print_event(args, &msg.subject, &msg.payload)? {
                return Ok(Some(printed));
            }
            printed += 1;
            if args.count.is_some_and(|n| printed >= n) {
                return Ok(Some(printed));
            }
        }
    } else {
        let mut sub = client
            .subscribe(args.subject.clone())
            .await
            .with_context(|| format!("subscribing to {}", args.subject))?;
        client.flush().await.context("flushing the subscription")?;
        eprintln!("akhbar tail: listening on {}", args.subject);
        while let Some(msg) = sub.next().await {
            if !print_event(args, &msg.subject, &msg.payload)? {
                return Ok(Some(printed));
            }
            printed += 1;
            if args.count.is_some_and(|n| printed >= n) {
                return Ok(Some(printed));
            }
        }
    }
    anyhow::bail!("the NATS subscription ended")
}

/// Writes one event as a single JSON line; returns false when stdout is closed (e.g. `| head`).
fn print_event(args: &TailArgs, subject: &str, payload: &[u8]) -> anyhow::Result<bool> {
    let line = one_line(payload);
    let mut out = std::io::stdout().lock();
    let written = if args.with_subject {
        writeln!(out, "{subject}\t{line}")
    } else {
        writeln!(out, "{line}")
    }
    .and_then(|_| out.flush());
    match written {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).context("writing to stdout"),
    }
}

/// A payload as one line: JSON with the whitespace between tokens removed (key order kept),
/// anything else as a JSON string.
fn one_line(payload: &[u8]) -> String {
    match std::str::from_utf8(payload) {
        Ok(text) if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() => minify(text),
        _ => serde_json::Value::String(String::from_utf8_lossy(payload).into_owned()).to_string(),
    }
}

/// Drops whitespace outside strings from valid JSON.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: TailArgs,
    }

    #[test]
    fn tail_arguments_are_consistent_with_a_catch_all_default_subject() {
        use clap::{CommandFactory, Parser};
        Wrapper::command().debug_assert();
        let parsed = Wrapper::try_parse_from(["t", "--count", "3"]).unwrap();
        assert_eq!(parsed.args.subject, "news.clean.>");
        assert_eq!(parsed.args.count, Some(3));
    }

    #[test]
    fn pretty_json_event_is_printed_on_one_line() {
        let line = one_line(b"{\n  \"id\": \"a b\",\n  \"body\": \"x\\n\\\"y \"\n}");
        assert_eq!(line, r#"{"id":"a b","body":"x\n\"y "}"#);
    }

    #[test]
    fn non_json_payload_is_printed_as_a_json_string() {
        assert_eq!(one_line(b"not json\nat all"), r#""not json\nat all""#);
    }
}

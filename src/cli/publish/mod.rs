//! `akhbar publish`: sends files or whole folders to JetStream as raw pages, with the headers the
//! service reads (URL, Content-Type, fetch time), awaiting the publish acks concurrently.

pub mod page;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use async_nats::jetstream;
use futures::stream::{FuturesUnordered, StreamExt};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::files::{collect_files, Input};
use super::nats_args::NatsArgs;
use page::{fit_max_payload, prepare};

/// Arguments of `akhbar publish`.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// Files or folders to publish; folders are walked recursively and their .html, .htm, .xhtml,
    /// .txt and .text files (also gzipped, .gz) published, hidden files skipped. A file named
    /// here is always published (a .json file as a JSON envelope).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub nats: NatsArgs,
    /// Subject for every page (default: `<subject-prefix>.<site or file stem>`).
    #[arg(long, short)]
    pub subject: Option<String>,
    /// Subject prefix used when --subject is not given.
    #[arg(long, default_value = "news.raw")]
    pub subject_prefix: String,
    /// Page URL = this prefix + the file's path relative to the folder given (or its name).
    /// Without it, the URL comes from the page's canonical link or og:url when it has one.
    #[arg(long, value_name = "URL")]
    pub url_prefix: Option<String>,
    /// Create the raw stream when no stream captures the subjects.
    #[arg(long)]
    pub create_stream: bool,
    /// Name of the stream --create-stream creates.
    #[arg(long, env = "AKHBAR_INPUT__STREAM", default_value = "NEWS_RAW")]
    pub stream: String,
    /// Publish acks awaited at once.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
}

/// Runs `akhbar publish`; returns the exit code (0 when every page was acked).
pub fn run(args: PublishArgs) -> anyhow::Result<i32> {
    let files = collect_files(&args.paths)?;
    if files.is_empty() {
        eprintln!("akhbar publish: no publishable files under the given paths");
        return Ok(1);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(publish_all(&args, files))
}

/// Checks that a stream captures `subject`; creates one when allowed. Errors say what to do.
async fn ensure_stream(
    js: &jetstream::Context,
    args: &PublishArgs,
    subject: &str,
) -> anyhow::Result<()> {
    match js.stream_by_subject(subject).await {
        Ok(name) => {
            tracing::debug!(stream = %name, subject, "raw stream found");
            return Ok(());
        }
        Err(err) if !args.create_stream => {
            anyhow::bail!(
                "no JetStream stream captures subject {subject:?} ({err}); start `akhbar serve` \
                 with create_streams = true first, or pass --create-stream"
            );
        }
        Err(_) => {}
    }
    let subjects = match &args.subject {
        Some(s) => vec![s.clone()],
        None => vec![format!("{}.>", args.subject_prefix.trim_end_matches('.'))],
    };
    // The stream `akhbar serve` would create: the default `[streams.raw]` settings.
    let defaults = crate::service::config::Config::default();
    js.get_or_create_stream(crate::service::topology::stream_config(
        &args.stream,
        &subjects,
        &defaults.streams.raw,
        std::time::Duration::from_secs(defaults.output.duplicate_window_secs),
    ))
    .await
    .with_context(|| format!("creating stream {} for {subjects:?}", args.stream))?;
    eprintln!(
        "akhbar publish: created stream {} for {subjects:?}",
        args.stream
    );
    Ok(())
}

fn progress_bar(total: usize) -> indicatif::ProgressBar {
    if total < 20 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos}/{len} pages [{bar:40}] {per_sec} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

async fn publish_all(args: &PublishArgs, files: Vec<Input>) -> anyhow::Result<i32> {
    let started = Instant::now();
    let client = args.nats.connect("akhbar-publish").await?;
    let js = jetstream::new(client.clone());
    let fetched_at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .context("formatting the fetch time")?;

    let first = prepare(args, &files[0], &fetched_at)?;
    ensure_stream(&js, args, &first.subject).await?;

    let max_payload = client.server_info().max_payload;
    let bar = progress_bar(files.len());
    let limit = args.concurrency as usize;
    let mut pending = FuturesUnordered::new();
    let (mut bytes, mut acked, mut failed, mut gzipped) = (0u64, 0u64, 0u64, 0u64);
    let mut subjects = BTreeSet::new();
    let mut first = Some(first);
    for input in &files {
        let mut out = match first.take() {
            Some(out) => out,
            None => prepare(args, input, &fetched_at)?,
        };
        match fit_max_payload(&mut out, max_payload) {
            Ok(true) => gzipped += 1,
            Ok(false) => {}
            Err(err) => {
                failed += 1;
                bar.suspend(|| eprintln!("akhbar publish: {}: {err}", input.path.display()));
                bar.inc(1);
                continue;
            }
        }
        bytes += out.payload.len() as u64;
        subjects.insert(out.subject.clone());
        let path = input.path.clone();
        match js
            .publish_with_headers(out.subject, out.headers, out.payload)
            .await
        {
            Ok(ack) => pending.push(async move { (path, ack.await.map(|_| ())) }),
            Err(err) => {
                failed += 1;
                bar.suspend(|| eprintln!("akhbar publish: {}: {err}", path.display()));
                bar.inc(1);
            }
        }
        while pending.len() >= limit {
            if let Some(done) = pending.next().await {
                count_ack(done, &bar, &mut acked, &mut failed);
            }
        }
    }
    while let Some(done) = pending.next().await {
        count_ack(done, &bar, &mut acked, &mut failed);
    }
    bar.finish_and_clear();
    client.flush().await.ok();

    let subjects: Vec<_> = subjects.into_iter().collect();
    let shown = if subjects.len() > 5 {
        format!(
            "{} … ({} subjects)",
            subjects[..5].join(", "),
            subjects.len()
        )
    } else {
        subjects.join(", ")
    };
    let squeezed = if gzipped > 0 {
        format!(" ({gzipped} gzipped to fit max_payload {max_payload})")
    } else {
        String::new()
    };
    println!(
        "published {} files ({bytes} bytes){squeezed} to {shown}: {acked} acked, {failed} failed \
         in {:.2}s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(if failed == 0 { 0 } else { 1 })
}

fn count_ack(
    (path, result): (
        PathBuf,
        Result<(), async_nats::jetstream::context::PublishError>,
    ),
    bar: &indicatif::ProgressBar,
    acked: &mut u64,
    failed: &mut u64,
) {
    match result {
        Ok(()) => *acked += 1,
        Err(err) => {
            *failed += 1;
            bar.suspend(|| eprintln!("akhbar publish: {}: not acked: {err}", path.display()));
        }
    }
    bar.inc(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: PublishArgs,
    }

    #[test]
    fn publish_arguments_are_consistent_and_auth_flags_pair_up() {
        use clap::{CommandFactory, Parser};
        Wrapper::command().debug_assert();
        assert!(Wrapper::try_parse_from(["p", "--user", "u", "x.html"]).is_err());
        assert!(Wrapper::try_parse_from(["p", "--tls-cert", "c.pem", "x.html"]).is_err());
        let ok = Wrapper::try_parse_from(["p", "--server", "nats://h:1", "a", "b"]).unwrap();
        assert_eq!(ok.args.paths.len(), 2);
    }
}

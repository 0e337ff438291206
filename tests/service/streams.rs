//! The streams akhbar creates and keeps: a fresh NATS gets bounded streams with the configured
//! defaults; an existing stream is only changed with `nats.update_streams`, else each
//! difference is a warning; a full raw stream refuses new pages and loses none it accepted.

use std::time::Duration;

use akhbar::service::config::{Config, Discard, Retention, Storage, StreamSettings};
use async_nats::jetstream::{self, stream};
use bytes::Bytes;

use crate::harness::{
    self, article_html, config, page_headers, page_url, stream_count, tally, urls,
    wait_for_outputs, wait_ready, Akhbar, NatsServer, CLEAN_STREAM, DLQ_STREAM, RAW_STREAM,
};

async fn info(js: &jetstream::Context, name: &str) -> stream::Config {
    let mut s = js
        .get_stream(name)
        .await
        .unwrap_or_else(|e| panic!("stream {name}: {e}"));
    s.info().await.expect("stream info").config.clone()
}

/// Asserts that a stream as the server reports it carries `settings`.
fn assert_settings(name: &str, c: &stream::Config, settings: &StreamSettings) {
    let retention = match settings.retention {
        Retention::Limits => stream::RetentionPolicy::Limits,
        Retention::Interest => stream::RetentionPolicy::Interest,
        Retention::Workqueue => stream::RetentionPolicy::WorkQueue,
    };
    assert_eq!(c.retention, retention, "{name} retention");
    assert_eq!(
        c.max_age,
        Duration::from_secs(settings.max_age_secs),
        "{name} max_age"
    );
    assert_eq!(c.max_bytes, settings.max_bytes as i64, "{name} max_bytes");
    let msg_size = if settings.max_msg_size == 0 {
        -1
    } else {
        settings.max_msg_size as i32
    };
    assert_eq!(c.max_message_size, msg_size, "{name} max_msg_size");
    assert_eq!(
        c.num_replicas,
        usize::from(settings.replicas),
        "{name} replicas"
    );
    let storage = match settings.storage {
        Storage::File => stream::StorageType::File,
        Storage::Memory => stream::StorageType::Memory,
    };
    assert_eq!(c.storage, storage, "{name} storage");
    let discard = match settings.discard {
        Discard::Old => stream::DiscardPolicy::Old,
        Discard::New => stream::DiscardPolicy::New,
    };
    assert_eq!(c.discard, discard, "{name} discard");
    assert_eq!(
        c.duplicate_window,
        Duration::from_secs(120),
        "{name} window"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_akhbar_on_a_fresh_nats_creates_bounded_streams_with_the_default_settings() {
    let nats = NatsServer::start();
    let akhbar = Akhbar::start(&config(&nats.url(), ""));
    assert!(wait_ready(&akhbar, Duration::from_secs(30)).await);
    let js = jetstream::new(harness::connect(&nats.url()).await);
    let defaults = Config::default().streams;
    assert_settings(RAW_STREAM, &info(&js, RAW_STREAM).await, &defaults.raw);
    assert_settings(
        CLEAN_STREAM,
        &info(&js, CLEAN_STREAM).await,
        &defaults.clean,
    );
    assert_settings(DLQ_STREAM, &info(&js, DLQ_STREAM).await, &defaults.dlq);
    assert_eq!(defaults.raw.max_age_secs, 3 * 86_400);
    assert_eq!(defaults.clean.max_age_secs, 7 * 86_400);
    assert_eq!(defaults.dlq.max_age_secs, 14 * 86_400);
    for s in [&defaults.raw, &defaults.clean, &defaults.dlq] {
        assert!(s.max_bytes > 0, "every stream has a size cap");
    }
    let log = akhbar.log_text();
    assert_eq!(log.matches("stream created").count(), 3, "{log}");
    assert!(!log.contains("differs"), "{log}");
    assert!(!log.contains("no limits"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_stream_is_changed_only_with_update_streams_else_each_difference_is_a_warning()
{
    let nats = NatsServer::start();
    let js = jetstream::new(harness::connect(&nats.url()).await);
    let unbounded = |name: &str, subject: &str| stream::Config {
        name: name.to_string(),
        subjects: vec![subject.to_string()],
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    };
    js.create_stream(unbounded(CLEAN_STREAM, "news.clean.>"))
        .await
        .expect("clean stream");
    js.create_stream(unbounded(DLQ_STREAM, "news.dlq"))
        .await
        .expect("dlq stream");

    let mut akhbar = Akhbar::start(&config(&nats.url(), ""));
    assert!(wait_ready(&akhbar, Duration::from_secs(30)).await);
    let log = akhbar.log_text();
    for setting in ["max_age_secs", "max_bytes"] {
        let warned = log.lines().filter(|l| {
            l.contains("WARN")
                && l.contains("stream differs from the configuration")
                && l.contains(&format!("setting=\"{setting}\""))
        });
        assert_eq!(
            warned.count(),
            2,
            "{setting} warned for clean and dlq:\n{log}"
        );
    }
    let loud = log
        .lines()
        .filter(|l| l.contains("ERROR") && l.contains("has no limits"));
    assert_eq!(loud.count(), 2, "{log}");
    let clean = info(&js, CLEAN_STREAM).await;
    assert!(
        clean.max_age.is_zero() && clean.max_bytes == -1,
        "left as it was: {clean:?}"
    );
    akhbar.kill();

    let mut updater = Akhbar::start(&config(&nats.url(), "[nats]\nupdate_streams = true\n"));
    assert!(wait_ready(&updater, Duration::from_secs(30)).await);
    let defaults = Config::default().streams;
    assert_settings(
        CLEAN_STREAM,
        &info(&js, CLEAN_STREAM).await,
        &defaults.clean,
    );
    assert_settings(DLQ_STREAM, &info(&js, DLQ_STREAM).await, &defaults.dlq);
    let log = updater.log_text();
    assert!(
        log.contains("stream updated") && !log.contains("stream differs"),
        "{log}"
    );
    assert!(!log.contains("has no limits"), "{log}");
    updater.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_raw_stream_refuses_new_pages_and_loses_none_it_accepted() {
    let nats = NatsServer::start();
    const CAP: u64 = 48 * 1024;
    let extra = format!("[streams.raw]\nmax_bytes = {CAP}\n");
    let mut akhbar = Akhbar::start(&config(&nats.url(), &extra));
    assert!(wait_ready(&akhbar, Duration::from_secs(30)).await);
    akhbar.signal("TERM");
    assert!(akhbar.wait_exit(Duration::from_secs(30)).is_some());

    let js = jetstream::new(harness::connect(&nats.url()).await);
    let publish = |i: u64| {
        let js = js.clone();
        async move {
            let mut headers = page_headers(&page_url(i), "text/html; charset=utf-8");
            headers.insert("Nats-Msg-Id", format!("page-{i}").as_str());
            js.publish_with_headers("news.raw.test", headers, Bytes::from(article_html(i)))
                .await?
                .await
                .map(|_| ())
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
        }
    };
    // Fill the stream while nothing consumes it, up to the first refusal; the refused page
    // stays refused.
    let mut accepted = 0u64;
    let mut refusal = None;
    while accepted < 200 {
        match publish(accepted).await {
            Ok(()) => accepted += 1,
            Err(e) => {
                refusal = Some(e.to_string());
                break;
            }
        }
    }
    let refusal = refusal.expect("a full stream with discard new refuses pages");
    for _ in 0..3 {
        assert!(
            publish(accepted).await.is_err(),
            "a full stream took a page"
        );
    }
    let bytes = {
        let mut s = js.get_stream(RAW_STREAM).await.expect("raw");
        s.info().await.expect("info").state.bytes
    };
    eprintln!(
        "FIGURES raw_discard_new: cap={CAP} accepted={accepted} stored_bytes={bytes} refusal={refusal:?}"
    );
    assert!(accepted >= 5, "the stream took some pages: {accepted}");
    assert!(bytes <= CAP, "{bytes} stored over the {CAP}-byte cap");
    assert_eq!(stream_count(&js, RAW_STREAM).await, accepted);

    // Every accepted page comes out once; the acked pages leave the work queue.
    akhbar.restart();
    let got = wait_for_outputs(&js, accepted, Duration::from_secs(60)).await;
    let t = tally(&js).await;
    assert_eq!(got, accepted);
    assert!(t.lost(&urls(0..accepted)).is_empty(), "accepted pages lost");
    assert_eq!(t.unique_ids, accepted);
    assert_eq!(t.duplicated(), 0);
    assert!(
        harness::eventually(Duration::from_secs(30), || async {
            stream_count(&js, RAW_STREAM).await == 0
        })
        .await,
        "acked pages stay in the raw stream"
    );
    // With the backlog gone there is room again.
    for i in 1000..1005 {
        publish(i)
            .await
            .expect("room again once the pages were acked");
    }
    assert_eq!(
        wait_for_outputs(&js, accepted + 5, Duration::from_secs(60)).await,
        accepted + 5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_applies_what_jetstream_can_change_and_warns_about_the_rest() {
    let nats = NatsServer::start();
    let js = jetstream::new(harness::connect(&nats.url()).await);
    js.create_stream(stream::Config {
        name: RAW_STREAM.to_string(),
        subjects: vec!["news.raw.>".to_string()],
        ..Default::default()
    })
    .await
    .expect("an unbounded limits raw stream, as older versions made it");
    let extra = "[nats]\nupdate_streams = true\n";
    let akhbar = Akhbar::start(&config(&nats.url(), extra));
    assert!(wait_ready(&akhbar, Duration::from_secs(30)).await);
    let raw = info(&js, RAW_STREAM).await;
    let defaults = StreamSettings::raw();
    assert_eq!(
        raw.retention,
        stream::RetentionPolicy::Limits,
        "retention cannot change to workqueue in place"
    );
    assert_eq!(raw.max_age, Duration::from_secs(defaults.max_age_secs));
    assert_eq!(raw.max_bytes, defaults.max_bytes as i64);
    assert_eq!(raw.discard, stream::DiscardPolicy::New);
    let log = akhbar.log_text();
    let line = |needle: &str| log.lines().filter(|l| l.contains(needle)).count();
    assert_eq!(line("stream updated stream=NEWS_RAW"), 4, "{log}");
    assert_eq!(line("cannot change in place"), 1, "{log}");
    assert!(log.contains("setting=\"retention\""), "{log}");
    assert_eq!(line("has no limits"), 0, "bounded now:\n{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_letter_over_the_dlq_message_size_is_kept_without_its_payload_and_acked() {
    let nats = NatsServer::start();
    let extra = "[streams.dlq]\nmax_msg_size = 2048\n";
    let akhbar = Akhbar::start(&config(&nats.url(), extra));
    assert!(wait_ready(&akhbar, Duration::from_secs(30)).await);
    let js = jetstream::new(harness::connect(&nats.url()).await);
    let binary: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 256) as u8).collect();
    harness::publish_retrying(
        &js,
        "news.raw.test",
        page_headers(&page_url(1), "application/octet-stream"),
        Bytes::from(binary),
        "binary-1",
        Duration::from_secs(30),
    )
    .await;
    let letters = harness::wait_for_stored(&js, DLQ_STREAM, 1, Duration::from_secs(30)).await;
    assert_eq!(letters.len(), 1);
    let letter = &letters[0];
    assert_eq!(letter.header("Akhbar-Reason").as_deref(), Some("binary"));
    assert_eq!(
        letter.header("Akhbar-Truncated").as_deref(),
        Some("payload")
    );
    assert_eq!(
        letter.header("Akhbar-Original-Size").as_deref(),
        Some("8192")
    );
    assert!(letter.payload.is_empty());
    assert!(
        harness::eventually(Duration::from_secs(30), || async {
            matches!(harness::consumer_state(&js).await, Some((0, 0, _)))
        })
        .await,
        "the page is acked: {:?}",
        harness::consumer_state(&js).await
    );
    assert_eq!(akhbar.metric("akhbar_publish_errors_total"), Some(0.0));
}

//! What `akhbar serve` logs at the default level: state changes and a periodic summary, not a
//! line per page.

use std::time::Duration;

use async_nats::jetstream;
use bytes::Bytes;

use crate::faults::SERIAL;
use crate::harness::{
    self, config, publish_pages, wait_for_outputs, wait_ready, Akhbar, NatsServer,
};

/// The value of `name=N` on a log line.
fn field(line: &str, name: &str) -> Option<u64> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.trim_matches('"').parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_pages_at_the_default_log_level_write_fewer_than_50_lines() {
    let _serial = SERIAL.lock().await;
    let nats = NatsServer::start();
    let mut akhbar = Akhbar::start(&config(&nats.url(), "[log]\nsummary_secs = 5\n"));
    assert!(wait_ready(&akhbar, Duration::from_secs(30)).await);
    let js = jetstream::new(harness::connect(&nats.url()).await);
    const ARTICLES: u64 = 950;
    const EMPTY: u64 = 50;
    publish_pages(&js, 0..ARTICLES).await;
    for i in 0..EMPTY {
        harness::publish_retrying(
            &js,
            "news.raw.test",
            harness::page_headers(&harness::page_url(10_000 + i), "text/html"),
            Bytes::from_static(b" "),
            &format!("empty-{i}"),
            Duration::from_secs(30),
        )
        .await;
    }
    let got = wait_for_outputs(&js, ARTICLES + EMPTY, Duration::from_secs(180)).await;
    assert_eq!(got, ARTICLES + EMPTY);
    akhbar.signal("TERM");
    assert!(akhbar.wait_exit(Duration::from_secs(30)).is_some());

    let log = akhbar.log_text();
    let lines: Vec<&str> = log.lines().collect();
    eprintln!(
        "FIGURES quiet_logs: pages={} log_lines={}",
        ARTICLES + EMPTY,
        lines.len()
    );
    assert!(lines.len() < 50, "{} lines:\n{log}", lines.len());
    assert!(!log.contains("article published"), "{log}");
    assert!(!log.contains("page rejected"), "{log}");
    for state in [
        "connected to NATS",
        "input bound: ready",
        "draining",
        "drained",
    ] {
        assert!(log.contains(state), "no {state:?} line:\n{log}");
    }
    let summaries: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains(" summary "))
        .collect();
    let sum = |name: &str| -> u64 { summaries.iter().filter_map(|l| field(l, name)).sum() };
    assert_eq!(sum("pages"), ARTICLES + EMPTY, "{summaries:#?}");
    assert_eq!(sum("articles"), ARTICLES, "{summaries:#?}");
    assert_eq!(sum("rejected"), EMPTY, "{summaries:#?}");
    assert!(
        summaries.iter().any(|l| l.contains("rejections=empty=")),
        "{summaries:#?}"
    );
}

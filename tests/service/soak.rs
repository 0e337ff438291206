//! Soak: many mixed pages (HTML, plain text, JSON envelopes, and a share of bad pages) through
//! one worker; reports pages/s, lost, duplicated and peak RSS. CI runs 5 000 pages;
//! `scripts/soak` runs the same test in release mode with `AKHBAR_SOAK_PAGES=200000`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_nats::jetstream;
use bytes::Bytes;
use futures::StreamExt;

use crate::harness::{self, article_html, article_text, page_headers, page_url, Akhbar};

/// What page `i` of the mix is, and what it must become (`article` or a reason code).
fn mixed_page(i: u64) -> (async_nats::HeaderMap, Bytes, &'static str) {
    let url = page_url(i);
    match i % 50 {
        2 => (async_nats::HeaderMap::new(), Bytes::new(), "empty"),
        3 => {
            let mut h = async_nats::HeaderMap::new();
            h.insert("Akhbar-Url", url.as_str());
            let noise: Vec<u8> = (0..4096u64)
                .map(|k| (k.wrapping_mul(2_654_435_761).wrapping_add(i) >> 7) as u8)
                .collect();
            (h, Bytes::from(noise), "binary")
        }
        4 => (
            page_headers(&url, "text/html; charset=utf-8"),
            Bytes::from_static(b"<html><body><nav><a href='/'>home</a></nav></body></html>"),
            "no_article",
        ),
        n if n % 10 == 5 => (
            page_headers(&url, "text/plain; charset=utf-8"),
            Bytes::from(article_text(i)),
            "article",
        ),
        n if n % 10 == 6 => {
            let mut h = async_nats::HeaderMap::new();
            h.insert("Content-Type", "application/json");
            let env = serde_json::json!({"url": url, "html": article_html(i)});
            (h, Bytes::from(env.to_string()), "article")
        }
        _ => (
            page_headers(&url, "text/html; charset=utf-8"),
            Bytes::from(article_html(i)),
            "article",
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: ./scripts/test runs it (--include-ignored)"]
async fn soak_mixed_pages_through_one_worker_lose_and_double_nothing() {
    let n: u64 = std::env::var("AKHBAR_SOAK_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let nats = harness::NatsServer::start();
    let js = jetstream::new(harness::connect(&nats.url()).await);
    harness::create_streams(&js).await;
    let akhbar = Akhbar::start(&harness::config(&nats.url(), ""));
    assert!(
        harness::wait_ready(&akhbar, Duration::from_secs(30)).await,
        "akhbar not ready"
    );

    let mut expected: BTreeMap<&'static str, u64> = BTreeMap::new();
    for i in 0..n {
        *expected.entry(mixed_page(i).2).or_default() += 1;
    }
    let started = Instant::now();
    let publisher = {
        let js = js.clone();
        tokio::spawn(async move {
            futures::stream::iter(0..n)
                .map(|i| {
                    let js = js.clone();
                    async move {
                        let (h, payload, _) = mixed_page(i);
                        harness::publish_retrying(
                            &js,
                            "news.raw.soak",
                            h,
                            payload,
                            &format!("soak-{i}"),
                            Duration::from_secs(120),
                        )
                        .await
                    }
                })
                .buffer_unordered(256)
                .collect::<Vec<()>>()
                .await
        })
    };
    let timeout = Duration::from_secs(120 + n / 40);
    let mut peak = 0;
    let deadline = Instant::now() + timeout;
    let mut got = 0;
    while Instant::now() < deadline {
        got = harness::stream_count(&js, harness::CLEAN_STREAM).await
            + harness::stream_count(&js, harness::DLQ_STREAM).await;
        peak = peak.max(akhbar.peak_rss_kib().unwrap_or(0));
        if got >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let elapsed = started.elapsed();
    publisher.await.expect("publisher");
    let t = harness::tally(&js).await;
    let articles_expected = expected.get("article").copied().unwrap_or(0);
    let dlq_total: u64 = t.dlq.values().sum();
    let lost = n.saturating_sub(t.unique_ids + dlq_total);
    let duplicated = t.duplicated() + dlq_total.saturating_sub(n - articles_expected);
    eprintln!(
        "FIGURES soak: pages={n} seconds={:.1} pages_per_sec={:.0} articles={} unique_ids={} dlq={:?} lost={lost} duplicated={duplicated} peak_rss_kib={peak}",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        t.article_msgs,
        t.unique_ids,
        t.dlq,
    );
    assert!(
        got >= n,
        "only {got} of {n} pages came out within {timeout:?}"
    );
    assert_eq!(t.unique_ids, articles_expected, "unique article ids");
    assert_eq!(t.duplicated(), 0, "duplicated article events");
    for (reason, count) in &expected {
        if *reason != "article" {
            assert_eq!(
                t.dlq.get(*reason),
                Some(count),
                "dead letters with reason {reason}"
            );
        }
    }
    assert_eq!(lost, 0);
}

//! Site memory in the service: three invented portals streamed page by page through
//! `akhbar serve` on a real `nats-server -js` — one replica, two replicas, a replica killed and
//! started again, a replica started after the others learned — and what `akhbar sites` shows.

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use async_nats::jetstream;
use bytes::Bytes;

use crate::harness::{
    self, akhbar_bin, interleaved, judge_body, page_headers, portal_page, portals,
    publish_retrying, read_all, stream_count, Akhbar, NatsServer, CLEAN_STREAM,
};

/// Pages streamed per portal.
const PAGES: u64 = 40;
/// Pages of a portal after which no furniture may be left.
const WARM_UP: u64 = 10;

/// `akhbar serve` with the tests' config (site memory on by default), once ready.
fn start(nats_url: &str) -> Akhbar {
    let service = Akhbar::start(&harness::config(nats_url, ""));
    assert!(
        service.wait_ready(Duration::from_secs(60)),
        "akhbar never became ready; log:\n{}",
        service.log_text()
    );
    service
}

/// Publishes page `n` of portal `p` to `news.raw.portals`.
async fn publish_portal_page(js: &jetstream::Context, p: usize, n: u64) {
    let page = portal_page(p, n);
    publish_retrying(
        js,
        "news.raw.portals",
        page_headers(&page.url, page.content_type),
        Bytes::from(page.bytes),
        &format!("portal-{p}-{n}"),
        Duration::from_secs(30),
    )
    .await;
}

/// Publishes each page and waits for its article event before the next one: the stream as
/// a portal's pages arrive over time.
async fn stream_paced(js: &jetstream::Context, order: &[(usize, u64)]) {
    let mut expected = stream_count(js, CLEAN_STREAM).await;
    for &(p, n) in order {
        publish_portal_page(js, p, n).await;
        expected += 1;
        let deadline = Instant::now() + Duration::from_secs(30);
        while stream_count(js, CLEAN_STREAM).await < expected {
            assert!(
                Instant::now() < deadline,
                "no article event for portal {p} page {n}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// The article events stored so far, by URL.
async fn events(js: &jetstream::Context) -> HashMap<String, serde_json::Value> {
    read_all(js, CLEAN_STREAM)
        .await
        .into_iter()
        .filter_map(|m| serde_json::from_slice::<serde_json::Value>(&m.payload).ok())
        .filter_map(|v| Some((v["url"].as_str()?.to_string(), v)))
        .collect()
}

/// Checks every page of `order` against its event: body recall ≥ 0.99 always, no furniture
/// from a portal's `WARM_UP`-th page on (and a template named in the event). Returns the worst
/// recall and the template lines removed.
fn check(order: &[(usize, u64)], events: &HashMap<String, serde_json::Value>) -> (f64, u64) {
    let mut worst: f64 = 1.0;
    let mut removed = 0;
    for &(p, n) in order {
        let page = portal_page(p, n);
        let event = events
            .get(&page.url)
            .unwrap_or_else(|| panic!("no event for {}", page.url));
        let body = event["body"].as_str().unwrap_or_default();
        let (left, recall) = judge_body(&page, body);
        worst = worst.min(recall);
        assert!(
            recall >= 0.99,
            "portal {p} page {n}: recall {recall}\n{body}"
        );
        assert_eq!(event["site"].as_str(), Some(portals()[p].site));
        if n >= WARM_UP {
            assert!(
                left.is_empty(),
                "portal {p} page {n} keeps {left:?}\n{body}"
            );
            let lines = event["extractor"]["site_template"]["lines"].as_u64();
            assert!(
                lines.is_some_and(|l| l >= 4),
                "portal {p} page {n}: {event}"
            );
            removed += event["stats"]["removed"]["site_template"]
                .as_u64()
                .unwrap_or(0);
        }
    }
    (worst, removed)
}

fn metric(service: &Akhbar, name: &str) -> f64 {
    service.metric(name).unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn furniture_of_three_portals_leaves_every_body_after_ten_pages() {
    let nats = NatsServer::start();
    let service = start(&nats.url());
    let js = jetstream::new(harness::connect(&nats.url()).await);
    let order = interleaved(PAGES);
    stream_paced(&js, &order).await;
    let (worst, removed) = check(&order, &events(&js).await);
    assert_eq!(metric(&service, "akhbar_site_memory_sites"), 3.0);
    assert_eq!(metric(&service, "akhbar_site_memory_template_lines"), 18.0);
    assert_eq!(metric(&service, "akhbar_site_memory_store_up"), 1.0);
    assert_eq!(
        metric(&service, "akhbar_site_memory_pages_learned_total"),
        (3 * PAGES) as f64
    );
    let all_removed: u64 = events(&js)
        .await
        .values()
        .filter_map(|e| e["stats"]["removed"]["site_template"].as_u64())
        .sum();
    assert_eq!(
        metric(&service, "akhbar_site_memory_lines_removed_total"),
        all_removed as f64
    );
    assert_eq!(
        metric(&service, "akhbar_site_memory_store_errors_total"),
        0.0
    );
    eprintln!(
        "FIGURES site memory (service, 1 replica): 3 portals x {PAGES} pages, worst recall \
         {worst:.3}, {removed} template lines removed after the warm-up"
    );

    // What the bucket holds, as `akhbar sites` shows it.
    let list = sites_cmd(&nats.url(), &[]);
    for portal in portals() {
        assert!(list.contains(portal.site), "{list}");
    }
    let one = sites_cmd(&nats.url(), &["--site", "sada-alwadi.example"]);
    let portal = &portals()[0];
    for line in portal.header.iter().chain(&portal.footer) {
        assert!(one.contains(line), "{line} missing from:\n{one}");
    }
    assert!(one.starts_with("# sada-alwadi.example: "), "{one}");
    assert!(one.contains(", 7 template lines,"), "{one}");
}

/// Runs `akhbar sites` against the server; its stdout.
fn sites_cmd(url: &str, args: &[&str]) -> String {
    let out = Command::new(akhbar_bin())
        .args(["sites", "--server", url, "--config", "/dev/null"])
        .args(args)
        .env_remove("AKHBAR_CONFIG")
        .output()
        .expect("run akhbar sites");
    assert!(
        out.status.success(),
        "akhbar sites failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_learn_together_through_a_restart() {
    let nats = NatsServer::start();
    let mut a = start(&nats.url());
    let b = start(&nats.url());
    let js = jetstream::new(harness::connect(&nats.url()).await);
    let order = interleaved(PAGES);
    let half = order.len() / 2;
    stream_paced(&js, &order[..half]).await;
    let a_before = metric(&a, "akhbar_pages_received_total");
    // Replica A dies without a word; it comes back with nothing in memory.
    a.restart();
    assert!(a.wait_ready(Duration::from_secs(60)), "{}", a.log_text());
    stream_paced(&js, &order[half..]).await;
    let a_after = metric(&a, "akhbar_pages_received_total");
    let b_all = metric(&b, "akhbar_pages_received_total");
    assert!(
        a_before >= 10.0 && a_after >= 10.0 && b_all >= 20.0,
        "both replicas took pages: A {a_before} + {a_after}, B {b_all}"
    );
    let (worst, removed) = check(&order, &events(&js).await);
    eprintln!(
        "FIGURES site memory (service, 2 replicas, one restarted): pages A {a_before}+{a_after} \
         B {b_all}, conflicts {}, worst recall {worst:.3}, {removed} template lines removed after \
         the warm-up",
        metric(&a, "akhbar_site_memory_store_conflicts_total")
            + metric(&b, "akhbar_site_memory_store_conflicts_total")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_started_after_the_warm_up_cleans_its_first_page() {
    let nats = NatsServer::start();
    let js = jetstream::new(harness::connect(&nats.url()).await);
    let mut first = start(&nats.url());
    stream_paced(&js, &interleaved(WARM_UP)).await;
    first.signal("TERM");
    assert!(first.wait_exit(Duration::from_secs(30)).is_some());

    let fresh = start(&nats.url());
    let next: Vec<(usize, u64)> = (0..3).map(|p| (p, WARM_UP)).collect();
    stream_paced(&js, &next).await;
    let events = events(&js).await;
    check(&next, &events);
    assert_eq!(metric(&fresh, "akhbar_pages_received_total"), 3.0);
    assert_eq!(metric(&fresh, "akhbar_site_memory_sites"), 3.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_taking_a_burst_at_once_agree_on_every_portal() {
    let nats = NatsServer::start();
    let a = start(&nats.url());
    let b = start(&nats.url());
    let js = jetstream::new(harness::connect(&nats.url()).await);
    let order = interleaved(PAGES);
    for &(p, n) in &order {
        publish_portal_page(&js, p, n).await;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while stream_count(&js, CLEAN_STREAM).await < order.len() as u64 {
        assert!(Instant::now() < deadline, "not every page came out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Pages in flight together learn together: the last ten of each portal are clean.
    let events = events(&js).await;
    let tail: Vec<(usize, u64)> = order
        .iter()
        .copied()
        .filter(|&(_, n)| n >= PAGES - 10)
        .collect();
    let (worst, _) = check(&tail, &events);
    for &(p, n) in &order {
        let page = portal_page(p, n);
        let body = events[&page.url]["body"].as_str().unwrap_or_default();
        assert!(judge_body(&page, body).1 >= 0.99, "portal {p} page {n}");
    }
    let conflicts = metric(&a, "akhbar_site_memory_store_conflicts_total")
        + metric(&b, "akhbar_site_memory_store_conflicts_total");
    eprintln!(
        "FIGURES site memory (service, 2 replicas, burst of {}): conflicts merged {conflicts}, \
         worst recall of the last ten pages {worst:.3}",
        order.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_its_bucket_a_replica_learns_on_its_own_and_says_so() {
    let nats = NatsServer::start();
    let js = jetstream::new(harness::connect(&nats.url()).await);
    // A stream squatting the bucket's name: the bucket can be neither opened nor created.
    js.create_stream(jetstream::stream::Config {
        name: "KV_AKHBAR_SITES".to_string(),
        subjects: vec!["squatter.>".to_string()],
        ..Default::default()
    })
    .await
    .expect("squatting stream");
    let service = start(&nats.url());
    let order = interleaved(PAGES / 2);
    stream_paced(&js, &order).await;
    check(&order, &events(&js).await);
    assert_eq!(metric(&service, "akhbar_site_memory_store_up"), 0.0);
    assert!(
        metric(
            &service,
            "akhbar_site_memory_store_errors_total{op=\"open\"}"
        ) >= 1.0
    );
    assert_eq!(metric(&service, "akhbar_site_memory_template_lines"), 18.0);
    assert!(
        service.log_text().contains("site memory store failed"),
        "{}",
        service.log_text()
    );
}

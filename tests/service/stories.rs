//! Stories across replicas: copies of one report published at once to two `akhbar serve`
//! processes sharing a real `nats-server -js`; one of them is the story's first article and
//! every other copy points to it, also when NATS restarts between two waves of copies.
//! Near-duplicates can also be dropped or sent to a subject of their own.

use std::collections::BTreeSet;
use std::time::Duration;

use async_nats::jetstream::{self, stream};
use bytes::Bytes;
use futures::future::join_all;
use serde_json::Value;

use crate::harness::{
    self, config, create_streams, page_headers, publish_retrying, read_all, stream_count,
    wait_for_outputs, wait_ready, Akhbar, NatsServer, CLEAN_STREAM,
};

/// These tests run one at a time: each drives two replicas and NATS on a small machine.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const SETTLE: Duration = Duration::from_secs(120);

/// Small pulls and few pages in flight, so that both replicas take part in every wave.
const REPLICA: &str = "[processing]\nin_flight = 20\n[input]\nbatch_size = 10\n";

async fn jetstream_for(nats: &NatsServer) -> jetstream::Context {
    let js = jetstream::new(harness::connect(&nats.url()).await);
    create_streams(&js).await;
    js
}

/// Publishes copies `range` of the test story, all at once.
async fn publish_copies(js: &jetstream::Context, range: std::ops::Range<u64>) {
    join_all(range.map(|k| {
        let js = js.clone();
        async move {
            publish_retrying(
                &js,
                &format!("news.raw.portal{k}"),
                page_headers(
                    &format!("https://portal{k}.example/weather"),
                    "text/html; charset=utf-8",
                ),
                Bytes::from(harness::story_copy_html(k)),
                &format!("copy-{k}"),
                Duration::from_secs(60),
            )
            .await
        }
    }))
    .await;
}

async fn start_replicas(nats: &NatsServer, extra: &str) -> (Akhbar, Akhbar) {
    let toml = config(&nats.url(), &format!("{REPLICA}{extra}"));
    let a = Akhbar::start(&toml);
    let b = Akhbar::start(&toml);
    for r in [&a, &b] {
        assert!(
            wait_ready(r, Duration::from_secs(60)).await,
            "replica not ready; log:\n{}",
            r.log_text()
        );
    }
    (a, b)
}

/// The article events of a stream, parsed.
async fn events(js: &jetstream::Context, stream: &str) -> Vec<Value> {
    read_all(js, stream)
        .await
        .iter()
        .map(|m| serde_json::from_slice(&m.payload).expect("an article event"))
        .collect()
}

/// Asserts one story over `events`: exactly one first article (its own story, no
/// `duplicate_of`), every other event in its story and a duplicate of one of the copies.
fn assert_one_story(events: &[Value], n: usize) {
    let ids: BTreeSet<&str> = events.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), n, "{n} distinct copies published");
    let firsts: Vec<&Value> = events
        .iter()
        .filter(|e| e["story"]["duplicate_of"].is_null())
        .collect();
    assert_eq!(
        firsts.len(),
        1,
        "exactly one first article: {:?}",
        events.iter().map(|e| &e["story"]).collect::<Vec<_>>()
    );
    let first = firsts[0]["id"].as_str().expect("an id");
    assert_eq!(firsts[0]["story"]["id"], first);
    for e in events {
        assert_eq!(
            e["story"]["id"], first,
            "every copy points to the first: {e}"
        );
        if e["id"] != first {
            let of = e["story"]["duplicate_of"].as_str().expect("duplicate_of");
            assert!(ids.contains(of) && of != e["id"], "{e}");
            assert!(e["story"]["similarity"].as_f64().unwrap() >= 0.6, "{e}");
        }
    }
}

/// Story counters summed over the replicas: (new, duplicate, failed).
fn story_counts(replicas: &[&Akhbar]) -> (f64, f64, f64) {
    let sum = |outcome: &str| -> f64 {
        replicas
            .iter()
            .map(|r| {
                r.metric(&format!("akhbar_stories_total{{outcome=\"{outcome}\"}}"))
                    .unwrap_or(0.0)
            })
            .sum()
    };
    (sum("new"), sum("duplicate"), sum("failed"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_copies_at_once_on_two_replicas_make_one_first_and_nineteen_duplicates() {
    let _serial = SERIAL.lock().await;
    let nats = NatsServer::start();
    let js = jetstream_for(&nats).await;
    let (a, b) = start_replicas(&nats, "").await;
    publish_copies(&js, 0..20).await;
    assert_eq!(wait_for_outputs(&js, 20, SETTLE).await, 20);
    let all = events(&js, CLEAN_STREAM).await;
    assert_one_story(&all, 20);
    let per_replica = |r: &Akhbar| {
        r.metric("akhbar_articles_published_total")
            .unwrap_or_default()
    };
    let (pa, pb) = (per_replica(&a), per_replica(&b));
    eprintln!("FIGURES stories_race: replica_a={pa} replica_b={pb}");
    assert!(
        pa > 0.0 && pb > 0.0,
        "both replicas took copies: {pa} / {pb}"
    );
    assert_eq!(story_counts(&[&a, &b]), (1.0, 19.0, 0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_story_survives_a_restart_of_nats_between_two_waves_of_copies() {
    let _serial = SERIAL.lock().await;
    let mut nats = NatsServer::start();
    let js = jetstream_for(&nats).await;
    let (a, b) = start_replicas(&nats, "").await;
    publish_copies(&js, 0..10).await;
    assert_eq!(wait_for_outputs(&js, 10, SETTLE).await, 10);
    nats.restart();
    eprintln!("nats-server killed (SIGKILL) and restarted on the same store");
    let js = jetstream_for(&nats).await;
    for r in [&a, &b] {
        assert!(
            wait_ready(r, Duration::from_secs(60)).await,
            "replica not ready after the restart"
        );
    }
    publish_copies(&js, 10..20).await;
    assert_eq!(wait_for_outputs(&js, 20, SETTLE).await, 20);
    assert_one_story(&events(&js, CLEAN_STREAM).await, 20);
    // A SIGKILL can lose acks the server had not written yet: a page processed before the kill
    // may come again and be counted again (the first copy as `new` again, under its own story).
    // The events above prove one story; the counters prove no lookup failed.
    let (new, duplicate, failed) = story_counts(&[&a, &b]);
    assert_eq!(failed, 0.0);
    assert!(
        new >= 1.0 && duplicate >= 19.0,
        "new {new}, duplicate {duplicate}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_duplicates_can_be_dropped() {
    let _serial = SERIAL.lock().await;
    let nats = NatsServer::start();
    let js = jetstream_for(&nats).await;
    let toml = config(&nats.url(), "[stories]\nduplicates = \"drop\"\n");
    let akhbar = Akhbar::start(&toml);
    assert!(wait_ready(&akhbar, Duration::from_secs(60)).await);
    publish_copies(&js, 0..1).await;
    assert_eq!(wait_for_outputs(&js, 1, SETTLE).await, 1);
    publish_copies(&js, 1..4).await;
    assert!(
        harness::eventually(SETTLE, || async {
            akhbar
                .metric("akhbar_stories_total{outcome=\"duplicate\"}")
                .unwrap_or_default()
                >= 3.0
        })
        .await,
        "three duplicates counted"
    );
    assert!(
        harness::eventually(SETTLE, || async {
            akhbar.metric("akhbar_pages_in_flight") == Some(0.0)
        })
        .await
    );
    assert_eq!(
        stream_count(&js, CLEAN_STREAM).await,
        1,
        "only the first is published"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_duplicates_can_go_to_a_subject_of_their_own() {
    let _serial = SERIAL.lock().await;
    let nats = NatsServer::start();
    let js = jetstream_for(&nats).await;
    js.get_or_create_stream(stream::Config {
        name: "NEWS_DUPLICATES".to_string(),
        subjects: vec!["news.duplicates.>".to_string()],
        ..Default::default()
    })
    .await
    .expect("duplicates stream");
    let extra = "[stories]\nduplicates = \"publish\"\n\
                 [output]\nsubjects = [\"news.clean.>\", \"news.duplicates.>\"]\n";
    let akhbar = Akhbar::start(&config(&nats.url(), extra));
    assert!(wait_ready(&akhbar, Duration::from_secs(60)).await);
    publish_copies(&js, 0..1).await;
    assert_eq!(wait_for_outputs(&js, 1, SETTLE).await, 1);
    publish_copies(&js, 1..4).await;
    let copies = harness::wait_for_stored(&js, "NEWS_DUPLICATES", 3, SETTLE).await;
    assert_eq!(copies.len(), 3);
    let first = &events(&js, CLEAN_STREAM).await[0];
    for m in &copies {
        assert!(m.subject.starts_with("news.duplicates."), "{}", m.subject);
        let e: Value = serde_json::from_slice(&m.payload).unwrap();
        assert_eq!(e["story"]["id"], first["id"]);
    }
    assert_eq!(stream_count(&js, CLEAN_STREAM).await, 1);
}

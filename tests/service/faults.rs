//! Delivery under faults: a real `nats-server -js` and the akhbar binary as child processes.
//! Each test publishes unique pages, injects a fault, then counts pages in and unique article
//! ids out and asserts that nothing was lost and nothing doubled. Counts are printed as
//! `FIGURES …` lines.

use std::time::Duration;

use async_nats::jetstream::{self, stream};
use tokio::sync::MutexGuard;

use crate::harness::{
    self, config, consumer_settled, consumer_state, create_streams, eventually, publish_pages,
    report, stream_count, tally, urls, wait_for_outputs, wait_ready, Akhbar, NatsServer,
    CLEAN_STREAM,
};

/// The fault tests run one at a time: each drives two processes hard on a small machine, and
/// a starved process would blur what is being measured.
pub(crate) static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const SETTLE: Duration = Duration::from_secs(180);

/// Waits for this test's turn, then starts a server with the three streams.
async fn serial_server() -> (MutexGuard<'static, ()>, NatsServer, jetstream::Context) {
    let serial = SERIAL.lock().await;
    let nats = NatsServer::start();
    let js = jetstream::new(harness::connect(&nats.url()).await);
    create_streams(&js).await;
    (serial, nats, js)
}

/// Waits (up to [`SETTLE`]) until the output stream holds at least `n` articles.
async fn articles_out(js: &jetstream::Context, n: u64) -> bool {
    eventually(SETTLE, || async {
        stream_count(js, CLEAN_STREAM).await >= n
    })
    .await
}

/// Waits (up to [`SETTLE`]) for all `n` pages to come out, then asserts [`assert_exact`].
async fn settle_and_assert_exact(js: &jetstream::Context, test: &str, n: u64) {
    let got = wait_for_outputs(js, n, SETTLE).await;
    eprintln!("{test}: {got} outputs");
    let t = tally(js).await;
    assert_exact(test, n, &t, &urls(0..n));
}

fn assert_exact(test: &str, n: u64, t: &harness::Tally, expected: &[String]) {
    report(test, n, t, expected);
    let lost = t.lost(expected);
    assert!(
        lost.is_empty(),
        "{test}: {} pages lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    assert_eq!(t.duplicated(), 0, "{test}: duplicated article events");
    assert_eq!(t.unique_ids, n, "{test}: unique article ids");
    assert!(
        t.dlq.is_empty(),
        "{test}: unexpected dead letters {:?}",
        t.dlq
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_killed_and_restarted_while_pages_flow_loses_and_doubles_nothing() {
    let (_serial, mut nats, js) = serial_server().await;
    let akhbar = Akhbar::start(&config(&nats.url(), "")).when_ready().await;

    const N: u64 = 1_500;
    let publisher = {
        let js = js.clone();
        tokio::spawn(async move { publish_pages(&js, 0..N).await })
    };
    assert!(articles_out(&js, 200).await, "no articles before the fault");
    nats.restart();
    eprintln!("nats-server killed (SIGKILL) and restarted on the same store");
    publisher.await.expect("publisher");
    settle_and_assert_exact(&js, "nats_restart", N).await;
    assert!(
        akhbar.metric("akhbar_nats_reconnects_total").unwrap_or(0.0) >= 1.0,
        "the reconnect was not counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn akhbar_sigkilled_mid_stream_and_restarted_loses_and_doubles_nothing() {
    let (_serial, nats, js) = serial_server().await;
    const N: u64 = 1_500;
    publish_pages(&js, 0..N).await;
    let mut akhbar = Akhbar::start(&config(&nats.url(), ""));
    assert!(articles_out(&js, 300).await, "no articles before the kill");
    akhbar.kill();
    let at_kill = stream_count(&js, CLEAN_STREAM).await;
    let state = consumer_state(&js).await;
    eprintln!("akhbar SIGKILLed with {at_kill} articles out; consumer (pending, ack_pending, redelivered) = {state:?}");
    akhbar.restart();
    settle_and_assert_exact(&js, "akhbar_sigkill", N).await;
    eprintln!("consumer after the run: {:?}", consumer_state(&js).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_the_durable_consumer_and_the_sum_is_exact() {
    let (_serial, nats, js) = serial_server().await;
    let extra = "[processing]\nin_flight = 16\n[input]\nbatch_size = 8\n";
    let a = Akhbar::start(&config(&nats.url(), extra));
    let b = Akhbar::start(&config(&nats.url(), extra));
    assert!(
        wait_ready(&a, Duration::from_secs(30)).await,
        "replica a not ready"
    );
    assert!(
        wait_ready(&b, Duration::from_secs(30)).await,
        "replica b not ready"
    );
    const N: u64 = 1_500;
    publish_pages(&js, 0..N).await;
    let got = wait_for_outputs(&js, N, SETTLE).await;
    eprintln!("outputs: {got}");
    let t = tally(&js).await;
    let done_a = a.metric("akhbar_articles_published_total").unwrap_or(0.0);
    let done_b = b.metric("akhbar_articles_published_total").unwrap_or(0.0);
    eprintln!("FIGURES two_replicas: replica_a={done_a} replica_b={done_b}");
    assert_exact("two_replicas", N, &t, &urls(0..N));
    assert!(
        done_a > 0.0 && done_b > 0.0,
        "both replicas must work: {done_a} + {done_b}"
    );
    assert!(
        done_a + done_b >= N as f64,
        "published {done_a} + {done_b} < {N}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downstream_refusing_writes_applies_back_pressure_without_spinning_then_recovers() {
    let _serial = SERIAL.lock().await;
    let nats = NatsServer::start();
    let client = harness::connect(&nats.url()).await;
    let js = jetstream::new(client);
    const CAP: i64 = 100;
    js.create_stream(stream::Config {
        name: CLEAN_STREAM.to_string(),
        subjects: vec!["news.clean.>".to_string()],
        max_messages: CAP,
        discard: stream::DiscardPolicy::New,
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    })
    .await
    .expect("capped clean stream");
    create_streams(&js).await;
    const N: u64 = 600;
    const IN_FLIGHT: usize = 8;
    publish_pages(&js, 0..N).await;
    let extra = format!(
        "[processing]\nin_flight = {IN_FLIGHT}\n[input]\nbatch_size = 8\nnak_backoff_ms = [200, 500, 1000]\n"
    );
    let akhbar = Akhbar::start(&config(&nats.url(), &extra));
    assert!(
        articles_out(&js, CAP as u64).await,
        "the capped stream never filled"
    );
    let errors_at_full = akhbar.metric("akhbar_publish_errors_total").unwrap_or(0.0);
    const REFUSAL: Duration = Duration::from_secs(10);
    let mut unacked = Vec::new();
    for _ in 0..REFUSAL.as_secs() {
        tokio::time::sleep(Duration::from_secs(1)).await;
        unacked.push(consumer_state(&js).await.map_or(0, |s| s.1));
    }
    let errors = akhbar.metric("akhbar_publish_errors_total").unwrap_or(0.0) - errors_at_full;
    let (pending, _, redelivered) = consumer_state(&js).await.expect("consumer state");
    let ack_pending = unacked.iter().copied().max().unwrap_or(0);
    eprintln!(
        "FIGURES downstream_refusal: {}s refused, publish_errors={errors}, consumer pending={pending} redelivered={redelivered} unacked each second={unacked:?}",
        REFUSAL.as_secs()
    );
    assert!(
        errors >= 1.0,
        "the refusals were not counted as publish errors"
    );
    let bound = (IN_FLIGHT as f64) * (REFUSAL.as_millis() as f64 / 200.0) * 2.0;
    assert!(
        errors <= bound,
        "publish errors {errors} > {bound}: akhbar spins on a refusing stream"
    );
    assert!(
        ack_pending <= 3 * IN_FLIGHT,
        "akhbar kept taking pages ({ack_pending} unacked) while the output refused writes"
    );
    assert!(
        pending > 0,
        "akhbar took every page although none could be published"
    );

    let mut clean = js.get_stream(CLEAN_STREAM).await.expect("clean stream");
    let mut cfg = clean.info().await.expect("info").config.clone();
    cfg.max_messages = -1;
    js.update_stream(cfg).await.expect("lift the cap");
    eprintln!("cap lifted");
    settle_and_assert_exact(&js, "downstream_refusal", N).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_a_burst_finishes_and_acks_what_is_in_flight() {
    let (_serial, nats, js) = serial_server().await;
    const N: u64 = 1_500;
    publish_pages(&js, 0..N).await;
    let mut akhbar = Akhbar::start(&config(&nats.url(), ""));
    assert!(articles_out(&js, 100).await, "no articles before SIGTERM");
    akhbar.signal("TERM");
    let status = akhbar
        .wait_exit(Duration::from_secs(40))
        .expect("akhbar did not exit within the grace period after SIGTERM");
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let (pending, ack_pending, _) = consumer_state(&js).await.expect("consumer state");
    let out = stream_count(&js, CLEAN_STREAM).await;
    eprintln!(
        "FIGURES sigterm: articles_out_at_exit={out} consumer pending={pending} ack_pending={ack_pending}"
    );
    assert_eq!(
        ack_pending, 0,
        "pages left unacked by the graceful shutdown"
    );
    assert_eq!(
        out + pending,
        N,
        "every page is either published and acked or still pending"
    );

    akhbar.restart();
    settle_and_assert_exact(&js, "sigterm", N).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_whose_article_cannot_be_published_are_dead_lettered_after_max_deliveries() {
    let (_serial, nats, js) = serial_server().await;
    const N: u64 = 30;
    publish_pages(&js, 0..N).await;
    let extra = "[output]\nsubject_template = \"nowhere.{site}\"\n[input]\nmax_deliveries = 3\nnak_backoff_ms = [100]\n";
    let akhbar = Akhbar::start(&config(&nats.url(), extra));
    let got = wait_for_outputs(&js, N, SETTLE).await;
    let t = tally(&js).await;
    let errors = akhbar.metric("akhbar_publish_errors_total").unwrap_or(0.0);
    eprintln!(
        "FIGURES max_deliveries: pages_in={N} outputs={got} dlq={:?} articles={} publish_errors={errors}",
        t.dlq, t.article_msgs
    );
    assert_eq!(t.article_msgs, 0);
    assert_eq!(
        t.dlq.get("max_deliveries"),
        Some(&N),
        "dead letters: {:?}",
        t.dlq
    );
    assert_eq!(
        t.dlq.len(),
        1,
        "only max_deliveries dead letters: {:?}",
        t.dlq
    );
    let all_acked = eventually(Duration::from_secs(30), || consumer_settled(&js)).await;
    assert!(
        all_acked,
        "pages left unacked after dead-lettering: {:?}",
        consumer_state(&js).await
    );
}

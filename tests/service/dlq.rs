//! `akhbar dlq list` and `akhbar dlq replay` against a real nats-server and `akhbar serve`: pages
//! dead-lettered while the output stream refused writes come back as articles, every one once,
//! whether the replay runs twice, is killed halfway, or an earlier replay had republished a
//! letter without deleting it.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use async_nats::jetstream::{self, stream};
use bytes::Bytes;

use crate::faults::SERIAL;
use crate::harness::{
    self, akhbar_bin, config, eventually, publish_pages, read_all, stream_count, tally, urls,
    wait_for_outputs, wait_ready, Akhbar, NatsServer, CLEAN_STREAM, DLQ_STREAM, RAW_STREAM,
};

/// Runs `akhbar dlq ARGS --server URL` and returns its output.
fn dlq(url: &str, args: &[&str]) -> Output {
    Command::new(akhbar_bin())
        .arg("dlq")
        .args(args)
        .args(["--server", url])
        .env_remove("AKHBAR_NATS__URL")
        .env_remove("AKHBAR_OUTPUT__DLQ_STREAM")
        .stdin(Stdio::null())
        .output()
        .expect("akhbar dlq runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "{}\nstdout: {}\nstderr: {}",
        out.status,
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Makes the output stream refuse every article: at most one message, already there.
async fn refuse_articles(js: &jetstream::Context) {
    js.create_stream(stream::Config {
        name: CLEAN_STREAM.to_string(),
        subjects: vec!["news.clean.>".to_string()],
        max_messages: 1,
        discard: stream::DiscardPolicy::New,
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    })
    .await
    .expect("capped clean stream");
    js.publish("news.clean.filler", Bytes::from_static(b"{}"))
        .await
        .expect("filler")
        .await
        .expect("filler stored");
}

/// Lets the output stream take articles again, without the filler.
async fn accept_articles(js: &jetstream::Context) {
    let mut clean = js.get_stream(CLEAN_STREAM).await.expect("clean stream");
    let mut cfg = clean.info().await.expect("info").config.clone();
    cfg.max_messages = -1;
    js.update_stream(cfg).await.expect("lift the cap");
    clean.purge().await.expect("purge the filler");
}

/// Pages `range` published while the output refuses writes, until each is a dead letter.
async fn dead_letter_pages(js: &jetstream::Context, range: std::ops::Range<u64>) {
    let n = range.end - range.start;
    let before = stream_count(js, DLQ_STREAM).await;
    publish_pages(js, range).await;
    assert!(
        eventually(Duration::from_secs(120), || async {
            stream_count(js, DLQ_STREAM).await >= before + n
        })
        .await,
        "pages were not dead-lettered: {} letters",
        stream_count(js, DLQ_STREAM).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letters_replayed_come_back_as_articles_once_even_twice_or_killed_halfway() {
    let _serial = SERIAL.lock().await;
    let nats = NatsServer::start();
    let js = jetstream::new(harness::connect(&nats.url()).await);
    refuse_articles(&js).await;
    let extra = "[input]\nmax_deliveries = 2\nnak_backoff_ms = [50]\n";
    let akhbar = Akhbar::start(&config(&nats.url(), extra));
    assert!(wait_ready(&akhbar, Duration::from_secs(30)).await);
    const N: u64 = 60;
    dead_letter_pages(&js, 0..N).await;
    let t = tally(&js).await;
    assert_eq!(t.dlq.get("max_deliveries"), Some(&N), "{:?}", t.dlq);

    // list: one group, all replayable.
    let out = dlq(&nats.url(), &["list", "--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    let listing: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(listing["letters"], N, "{listing}");
    assert_eq!(listing["replayable"], N, "{listing}");
    assert_eq!(listing["groups"][0]["reason"], "max_deliveries");
    assert_eq!(listing["groups"][0]["subject"], "news.raw.test");
    assert_eq!(listing["groups"][0]["count"], N);
    let table = dlq(&nats.url(), &["list", "--reason", "no_article"]);
    assert!(
        stdout(&table).starts_with("NEWS_DLQ: 0 letters"),
        "{}",
        describe(&table)
    );

    // A dry run changes nothing.
    let dry = dlq(&nats.url(), &["replay", "--dry-run", "--limit", "5"]);
    assert!(dry.status.success(), "{}", describe(&dry));
    assert_eq!(stdout(&dry).lines().count(), 6, "{}", describe(&dry));
    assert_eq!(stream_count(&js, DLQ_STREAM).await, N);

    accept_articles(&js).await;

    // An earlier replay republished the first letter and died before deleting it.
    let first = read_all(&js, DLQ_STREAM).await.remove(0);
    let mut page = harness::page_headers(
        &first
            .header("Akhbar-Url")
            .expect("letter keeps the page URL"),
        &first.header("Content-Type").expect("and its content type"),
    );
    let letter_id = first.header("Nats-Msg-Id").expect("letter id");
    page.insert("Nats-Msg-Id", format!("replay:{letter_id}").as_str());
    js.publish_with_headers("news.raw.test", page, first.payload.clone())
        .await
        .expect("republish")
        .await
        .expect("republish acked");

    // A paced replay, SIGKILLed halfway.
    let mut slow = Command::new(akhbar_bin())
        .args(["dlq", "replay", "--rate", "20", "--server", &nats.url()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("replay runs");
    let halfway = eventually(Duration::from_secs(30), || async {
        stream_count(&js, DLQ_STREAM).await <= N - 10
    })
    .await;
    let _ = slow.kill();
    let _ = slow.wait();
    let left = stream_count(&js, DLQ_STREAM).await;
    eprintln!("FIGURES dlq_replay_killed: letters={N} left_after_kill={left}");
    assert!(
        halfway && left > 0 && left < N,
        "killed with {left} letters left"
    );

    // The rest, then again: nothing left, nothing doubled.
    let rest = dlq(&nats.url(), &["replay"]);
    assert!(rest.status.success(), "{}", describe(&rest));
    assert!(
        stdout(&rest).contains(&format!("replayed {left} letters")),
        "{}",
        describe(&rest)
    );
    let again = dlq(&nats.url(), &["replay"]);
    assert!(
        stdout(&again).contains("replayed 0 letters"),
        "{}",
        describe(&again)
    );
    let got = wait_for_outputs(&js, N, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let t = tally(&js).await;
    eprintln!(
        "FIGURES dlq_replay: letters={N} articles={} unique={} dlq={:?} outputs={got}",
        t.article_msgs, t.unique_ids, t.dlq
    );
    assert!(t.lost(&urls(0..N)).is_empty(), "pages lost");
    assert_eq!(t.unique_ids, N, "every page an article");
    assert_eq!(t.duplicated(), 0, "no article twice");
    assert!(t.dlq.is_empty(), "letters left: {:?}", t.dlq);
    assert!(
        eventually(Duration::from_secs(30), || async {
            stream_count(&js, RAW_STREAM).await == 0
        })
        .await,
        "replayed pages left in the raw stream"
    );
    assert_eq!(
        akhbar
            .metric("akhbar_output_duplicates_total{output=\"article\"}")
            .unwrap_or(0.0),
        0.0,
        "the raw stream dropped the second copy of the first page; no article was sent twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_filters_by_reason_subject_and_limit_and_keeps_what_it_cannot_replay() {
    let nats = NatsServer::start();
    let js = jetstream::new(harness::connect(&nats.url()).await);
    let akhbar = Akhbar::start(&config(&nats.url(), ""));
    assert!(wait_ready(&akhbar, Duration::from_secs(30)).await);
    // Six empty pages on two subjects (dead letters `empty`), one letter that is not akhbar's.
    for (i, subject) in [
        "news.raw.a",
        "news.raw.a",
        "news.raw.a",
        "news.raw.b",
        "news.raw.b",
        "news.raw.b",
    ]
    .iter()
    .enumerate()
    {
        harness::publish_retrying(
            &js,
            subject,
            harness::page_headers(&harness::page_url(i as u64), "text/html"),
            Bytes::from_static(b"  "),
            &format!("empty-{i}"),
            Duration::from_secs(30),
        )
        .await;
    }
    assert!(
        eventually(Duration::from_secs(30), || async {
            stream_count(&js, DLQ_STREAM).await == 6
        })
        .await
    );
    js.publish("news.dlq", Bytes::from_static(b"stranger"))
        .await
        .expect("foreign letter")
        .await
        .expect("stored");

    let only_b = dlq(
        &nats.url(),
        &[
            "replay",
            "--subject",
            "news.raw.b",
            "--reason",
            "empty",
            "--limit",
            "2",
        ],
    );
    assert!(only_b.status.success(), "{}", describe(&only_b));
    assert!(
        stdout(&only_b).contains("replayed 2 letters"),
        "{}",
        describe(&only_b)
    );
    // Replayed empty pages are dead-lettered again, as new letters: wait for them.
    assert!(
        eventually(Duration::from_secs(30), || async {
            stream_count(&js, DLQ_STREAM).await == 7
        })
        .await
    );
    let listing: serde_json::Value = serde_json::from_str(&stdout(&dlq(
        &nats.url(),
        &["list", "--json", "--since", "1h"],
    )))
    .expect("JSON");
    assert_eq!(listing["letters"], 7, "{listing}");
    assert_eq!(listing["replayable"], 6, "{listing}");
    let all = dlq(&nats.url(), &["replay", "--reason", "unknown"]);
    assert!(
        stdout(&all).contains("replayed 0 letters"),
        "{}",
        describe(&all)
    );
    assert!(
        String::from_utf8_lossy(&all.stderr).contains("names no original subject"),
        "{}",
        describe(&all)
    );
    assert_eq!(
        stream_count(&js, DLQ_STREAM).await,
        7,
        "the foreign letter stays"
    );
}

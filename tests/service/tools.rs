//! `akhbar publish` and `akhbar tail` against a real nats-server: what publish puts in the raw
//! stream (count, subjects, headers, payloads) and what tail prints.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use async_nats::jetstream;

use crate::harness::{self, akhbar_bin, NatsServer};

const HEADER_URL: &str = akhbar::service::message::HEADER_URL;
const HEADER_CONTENT_TYPE: &str = akhbar::service::message::HEADER_CONTENT_TYPE;
const HEADER_FETCHED_AT: &str = akhbar::service::message::HEADER_FETCHED_AT;

fn akhbar_cmd(args: &[&str]) -> Output {
    Command::new(akhbar_bin())
        .args(args)
        .env_remove("AKHBAR_NATS__URL")
        .stdin(Stdio::null())
        .output()
        .expect("akhbar runs")
}

/// Runs `akhbar publish --server URL ARGS… FOLDER`.
fn publish(url: &str, args: &[&str], folder: &Path) -> Output {
    let mut all = vec!["publish", "--server", url];
    all.extend_from_slice(args);
    all.push(folder.to_str().expect("a UTF-8 temp path"));
    akhbar_cmd(&all)
}

/// A folder of four publishable pages (one nested, one gzipped) and one file publish skips.
fn page_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("nested")).unwrap();
    std::fs::write(
        root.join("canonical.html"),
        r#"<html><head><link rel="canonical" href="https://www.example-news.com/a/1"></head><body><p>خبر</p></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        root.join("plain.html"),
        "<html><body><p>نص</p></body></html>",
    )
    .unwrap();
    std::fs::write(root.join("nested/seed.txt"), "عنوان\n\nفقرة أولى.").unwrap();
    std::fs::write(
        root.join("nested/zipped.htm.gz"),
        harness::gzip("<html><body><p>مضغوط</p></body></html>".as_bytes()),
    )
    .unwrap();
    std::fs::write(root.join("README.md"), "not a page").unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_lands_each_page_file_once_with_url_type_and_fetch_time_headers() {
    let nats = NatsServer::start();
    let dir = page_folder();
    let out = publish(&nats.url(), &["--create-stream"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "publish failed: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("published 4 files"), "summary: {stdout}");
    assert!(stdout.contains("4 acked, 0 failed"), "summary: {stdout}");

    let msgs = harness::stored(&nats.url(), "NEWS_RAW").await;
    assert_eq!(msgs.len(), 4, "exactly one message per page file");
    let created = {
        let js = jetstream::new(harness::connect(&nats.url()).await);
        let mut raw = js.get_stream("NEWS_RAW").await.expect("raw stream");
        raw.info().await.expect("info").config.clone()
    };
    let defaults = akhbar::service::config::StreamSettings::raw();
    assert_eq!(
        (created.max_age.as_secs(), created.max_bytes),
        (defaults.max_age_secs, defaults.max_bytes as i64),
        "--create-stream makes the stream akhbar serve would: bounded"
    );
    let by_subject = |s: &str| {
        msgs.iter()
            .find(|m| m.subject.as_str() == s)
            .unwrap_or_else(|| {
                panic!(
                    "no message on {s}; got {:?}",
                    msgs.iter().map(|m| m.subject.as_str()).collect::<Vec<_>>()
                )
            })
    };

    let canonical = by_subject("news.raw.example-news_com");
    assert_eq!(
        canonical.header(HEADER_URL).as_deref(),
        Some("https://www.example-news.com/a/1")
    );
    assert_eq!(
        canonical.header(HEADER_CONTENT_TYPE).as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        canonical.payload.as_ref(),
        std::fs::read(dir.path().join("canonical.html"))
            .unwrap()
            .as_slice()
    );

    let plain = by_subject("news.raw.plain");
    assert_eq!(
        plain.header(HEADER_URL),
        None,
        "no URL is invented for a page without one"
    );

    let seed = by_subject("news.raw.seed");
    assert_eq!(
        seed.header(HEADER_CONTENT_TYPE).as_deref(),
        Some("text/plain; charset=utf-8")
    );

    let zipped = by_subject("news.raw.zipped");
    assert_eq!(
        zipped.header(HEADER_CONTENT_TYPE).as_deref(),
        Some("text/html")
    );
    assert_eq!(
        zipped.payload.as_ref(),
        std::fs::read(dir.path().join("nested/zipped.htm.gz"))
            .unwrap()
            .as_slice(),
        "gzip bytes are sent as they are, for the service to inflate"
    );

    for m in &msgs {
        let fetched = m
            .header(HEADER_FETCHED_AT)
            .expect("every page has a fetch time");
        time::OffsetDateTime::parse(&fetched, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|e| panic!("fetch time {fetched:?} is not RFC 3339: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_with_url_prefix_and_subject_uses_them_for_every_page() {
    let nats = NatsServer::start();
    let dir = page_folder();
    let out = publish(
        &nats.url(),
        &[
            "--create-stream",
            "--stream",
            "PAGES",
            "--subject",
            "crawl.pages",
            "--url-prefix",
            "https://mirror.example/pages/",
        ],
        &dir.path().join("nested"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let msgs = harness::stored(&nats.url(), "PAGES").await;
    let mut urls: Vec<_> = msgs.iter().map(|m| m.header(HEADER_URL).unwrap()).collect();
    urls.sort();
    assert_eq!(
        urls,
        [
            "https://mirror.example/pages/seed.txt",
            "https://mirror.example/pages/zipped.htm.gz"
        ]
    );
    assert!(msgs.iter().all(|m| m.subject.as_str() == "crawl.pages"));
}

#[test]
fn publish_without_a_stream_says_how_to_get_one_and_fails() {
    let nats = NatsServer::start();
    let dir = page_folder();
    let out = publish(&nats.url(), &[], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("no JetStream stream captures"),
        "stderr: {stderr}"
    );
    assert!(stderr.contains("--create-stream"), "stderr: {stderr}");
}

#[test]
fn publish_to_an_unreachable_server_fails_with_the_address() {
    let closed = harness::closed_port();
    let url = format!("nats://127.0.0.1:{}", closed.port);
    let dir = page_folder();
    let out = publish(&url, &[], dir.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&url));
}

/// Starts `akhbar tail` and waits until it says it is subscribed.
fn start_tail(args: &[&str]) -> (std::process::Child, BufReader<std::process::ChildStderr>) {
    let mut child = Command::new(akhbar_bin())
        .arg("tail")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("listening on"), "tail said: {line}");
    (child, stderr)
}

fn finish(
    mut child: std::process::Child,
    mut stderr: BufReader<std::process::ChildStderr>,
) -> (i32, String, String) {
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut err = String::new();
    stderr.read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), stdout, err)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_count_prints_exactly_the_events_published_then_exits() {
    let nats = NatsServer::start();
    let (child, stderr) = start_tail(&["--server", &nats.url(), "--count", "3", "--timeout", "60"]);

    let client = async_nats::connect(nats.url()).await.unwrap();
    let events: Vec<String> = (1..=3)
        .map(|i| {
            format!(r#"{{"schema":"akhbar.article.v1","id":"id{i}","body":"سطر\n\nسطر {i}"}}"#)
        })
        .collect();
    for e in &events {
        client
            .publish("news.clean.x", e.clone().into())
            .await
            .unwrap();
    }
    client
        .publish("news.other", "ignored".into())
        .await
        .unwrap();
    client
        .publish("news.clean.x", r#"{"id":"fourth"}"#.into())
        .await
        .unwrap();
    client.flush().await.unwrap();

    let (code, stdout, err) = tokio::task::spawn_blocking(move || finish(child, stderr))
        .await
        .unwrap();
    assert_eq!(code, 0, "stderr: {err}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "stdout: {stdout}");
    for (line, sent) in lines.iter().zip(&events) {
        let got: serde_json::Value = serde_json::from_str(line).unwrap();
        let want: serde_json::Value = serde_json::from_str(sent).unwrap();
        assert_eq!(got, want);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_from_start_replays_events_already_in_the_stream() {
    let nats = NatsServer::start();
    let client = async_nats::connect(nats.url()).await.unwrap();
    let js = jetstream::new(client);
    js.get_or_create_stream(jetstream::stream::Config {
        name: "NEWS_CLEAN".into(),
        subjects: vec!["news.clean.>".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    for i in 1..=2 {
        js.publish(
            format!("news.clean.site{i}"),
            format!(r#"{{"id":"stored{i}"}}"#).into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    }

    let out = tokio::task::spawn_blocking({
        let url = nats.url();
        move || {
            akhbar_cmd(&[
                "tail",
                "--server",
                &url,
                "--from-start",
                "--count",
                "2",
                "--timeout",
                "60",
                "--with-subject",
            ])
        }
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "news.clean.site1\t{\"id\":\"stored1\"}\nnews.clean.site2\t{\"id\":\"stored2\"}\n"
    );
}

#[test]
fn tail_that_times_out_before_count_events_exits_with_failure() {
    let nats = NatsServer::start();
    let out = akhbar_cmd(&[
        "tail",
        "--server",
        &nats.url(),
        "--count",
        "1",
        "--timeout",
        "0.5",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("timed out before 1 events"));
}

#[test]
fn pages_sent_by_publish_come_out_of_the_service_and_tail_prints_their_events() {
    let nats = NatsServer::start();
    let akhbar = harness::Akhbar::start(&harness::config(&nats.url(), ""));
    assert!(
        akhbar.wait_ready(std::time::Duration::from_secs(30)),
        "akhbar serve never became ready: {}",
        akhbar.log_text()
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("1.html"), harness::article_html(1)).unwrap();
    std::fs::write(dir.path().join("2.html"), harness::article_html(2)).unwrap();
    std::fs::write(dir.path().join("empty.html"), "").unwrap();

    let (child, stderr) = start_tail(&["--server", &nats.url(), "--count", "2", "--timeout", "60"]);
    let out = publish(
        &nats.url(),
        &["--url-prefix", "https://news.example/a"],
        dir.path(),
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 acked, 0 failed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (code, stdout, err) = finish(child, stderr);
    assert_eq!(code, 0, "tail: {err}");
    let mut urls: Vec<String> = stdout
        .lines()
        .map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(event["schema"], "akhbar.article.v1");
            event["url"].as_str().unwrap().to_string()
        })
        .collect();
    urls.sort();
    assert_eq!(
        urls,
        [
            "https://news.example/a/1.html",
            "https://news.example/a/2.html"
        ]
    );
    assert!(
        harness::poll_until(std::time::Duration::from_secs(30), || {
            akhbar.metric(r#"akhbar_dead_lettered_total{reason="empty"}"#) == Some(1.0)
        }),
        "the empty page was not dead-lettered as empty"
    );
}

/// Against a server with a small `max_payload`, a page over it is sent gzipped (and the stored
/// bytes inflate to the file), while a page that does not fit even gzipped fails by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_gzips_a_page_over_max_payload_and_refuses_one_that_still_does_not_fit() {
    let nats = NatsServer::start_with_conf("max_payload: 65536\n");
    let dir = tempfile::tempdir().unwrap();
    let big = "<p>خبر طويل يتكرر كثيرا في هذه الصفحة</p>\n"
        .repeat(4000)
        .into_bytes();
    assert!(big.len() > 200_000);
    std::fs::write(dir.path().join("big.html"), &big).unwrap();
    let noise = harness::noise_bytes(200_000, 0x9e37_79b9_7f4a_7c15);
    std::fs::write(dir.path().join("noise.html"), &noise).unwrap();

    let out = publish(
        &nats.url(),
        &["--create-stream", "--subject", "news.raw.big"],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "one page cannot fit: {stdout}{stderr}"
    );
    assert!(
        stderr.contains("noise.html") && stderr.contains("max_payload of 65536 bytes"),
        "stderr: {stderr}"
    );
    assert!(stdout.contains("1 acked, 1 failed"), "stdout: {stdout}");
    assert!(stdout.contains("1 gzipped"), "stdout: {stdout}");

    let msgs = harness::stored(&nats.url(), "NEWS_RAW").await;
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].payload.starts_with(&[0x1f, 0x8b]));
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(msgs[0].payload.as_ref())
        .read_to_end(&mut inflated)
        .unwrap();
    assert_eq!(inflated, big);
    assert_eq!(
        msgs[0].header(HEADER_CONTENT_TYPE).as_deref(),
        Some("text/html; charset=utf-8")
    );
}

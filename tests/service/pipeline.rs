//! The streaming service end to end: a real `nats-server -js`, the `akhbar serve` binary as a
//! child process, pages published to `news.raw.*`, article events and dead letters read back.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use akhbar::extract::{extract, PageMeta};
use akhbar::service::message::subject_token;
use akhbar::service::message::{
    HEADER_CONTENT_TYPE, HEADER_DELIVERIES, HEADER_ERROR, HEADER_MSG_ID, HEADER_REASON,
    HEADER_SUBJECT, HEADER_URL,
};
use async_nats::jetstream;
use bytes::Bytes;

use crate::harness::{
    self, akhbar_bin, fixtures_dir, parse_metric, poll_until, wait_for_stored, Akhbar, NatsServer,
};

/// `akhbar serve` with the tests' config plus `extra_toml` (debug logs of akhbar), once ready.
fn start_service(nats_url: &str, extra_toml: &str) -> Akhbar {
    let service = Akhbar::start_with_env(
        &harness::config(nats_url, extra_toml),
        &[("RUST_LOG", "akhbar=debug,info")],
    );
    assert!(
        service.wait_ready(Duration::from_secs(60)),
        "akhbar never became ready; log:\n{}",
        service.log_text()
    );
    let (_, body) = service.http_get("/readyz").expect("/readyz answers");
    assert!(body.starts_with("ready"), "{body}");
    service
}

/// Sends SIGTERM and waits for the exit.
fn sigterm_and_wait(service: &mut Akhbar, timeout: Duration) -> ExitStatus {
    service.signal("TERM");
    service.wait_exit(timeout).unwrap_or_else(|| {
        panic!(
            "akhbar did not exit after SIGTERM; log:\n{}",
            service.log_text()
        )
    })
}

/// The value of one sample (`name` with its labels exactly as exported), 0 when absent.
fn sample(metrics: &str, name: &str) -> f64 {
    parse_metric(metrics, name).unwrap_or(0.0)
}

/// One page to publish and what the library says it must become.
struct Input {
    name: String,
    subject: String,
    url: Option<String>,
    content_type: Option<String>,
    payload: Vec<u8>,
    envelope: bool,
}

impl Input {
    fn expected(&self) -> Result<akhbar::extract::Article, &'static str> {
        let (bytes, ct) = if self.envelope {
            let v: serde_json::Value = serde_json::from_slice(&self.payload).unwrap();
            (
                v["html"].as_str().unwrap().as_bytes().to_vec(),
                Some("text/html; charset=utf-8".to_string()),
            )
        } else {
            (self.payload.clone(), self.content_type.clone())
        };
        extract(
            &bytes,
            &PageMeta {
                url: self.url.clone(),
                content_type: ct,
            },
        )
        .map_err(|r| r.code())
    }
}

fn fixture_inputs() -> Vec<Input> {
    let mut out = Vec::new();
    for (kind, default_type) in [("html", "text/html"), ("text", "text/plain; charset=utf-8")] {
        let dir = fixtures_dir().join(kind);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| !p.to_string_lossy().ends_with(".expected.json"))
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let stem = name.split('.').next().unwrap().to_string();
            let meta: serde_json::Value = std::fs::read(dir.join(format!("{stem}.expected.json")))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(serde_json::Value::Null);
            out.push(Input {
                subject: format!("news.raw.fixture.{kind}"),
                url: meta["url"].as_str().map(str::to_string),
                content_type: Some(
                    meta["content_type"]
                        .as_str()
                        .unwrap_or(default_type)
                        .to_string(),
                ),
                payload: std::fs::read(&path).unwrap(),
                name: format!("{kind}/{name}"),
                envelope: false,
            });
        }
    }
    out
}

fn seed_inputs(shared: &Path) -> Vec<Input> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("seeds"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .into_iter()
        .enumerate()
        .map(|(i, path)| Input {
            name: format!("seed/{}", path.file_name().unwrap().to_string_lossy()),
            subject: "news.raw.seed".to_string(),
            url: Some(format!("https://seeds.example/{i}")),
            content_type: Some("text/plain; charset=utf-8".to_string()),
            payload: std::fs::read(&path).unwrap(),
            envelope: false,
        })
        .collect()
}

const BOILERPLATE_ONLY: &str = "<html><head><title>بوابة</title></head><body><nav><a href=\"/\">الرئيسية</a> <a href=\"/sport\">رياضة</a></nav><footer>جميع الحقوق محفوظة © 2024</footer></body></html>";

fn bad_inputs() -> Vec<Input> {
    let mut binary = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    binary.extend((0u8..=255).cycle().take(2048));
    vec![
        Input {
            name: "bad/empty".into(),
            subject: "news.raw.bad.empty".into(),
            url: None,
            content_type: None,
            payload: Vec::new(),
            envelope: false,
        },
        Input {
            name: "bad/binary".into(),
            subject: "news.raw.bad.binary".into(),
            url: Some("https://bad.example/logo.png".into()),
            content_type: None,
            payload: binary,
            envelope: false,
        },
        Input {
            name: "bad/boilerplate".into(),
            subject: "news.raw.bad.boilerplate".into(),
            url: Some("https://bad.example/".into()),
            content_type: Some("text/html; charset=utf-8".into()),
            payload: BOILERPLATE_ONLY.as_bytes().to_vec(),
            envelope: false,
        },
    ]
}

/// A synthetic article page, unique per `n` (distinct body, so a distinct article id).
fn article_html(n: usize) -> String {
    format!(
        "<html lang=\"ar\"><head><meta charset=\"utf-8\"><title>خبر رقم {n}</title></head><body>\
         <nav><a href=\"/\">الرئيسية</a></nav><article><h1>خبر رقم {n}</h1>\
         <p>قال المتحدث باسم الوزارة في بيان صدر اليوم إن الاجتماع رقم {n} تناول ملفات اقتصادية عديدة تهم المواطنين.</p>\
         <p>وأضاف أن اللجنة المختصة ستعقد جلسة جديدة الأسبوع المقبل لمتابعة تنفيذ القرارات المتخذة في الاجتماع {n}.</p>\
         <p>وأشار إلى أن الحكومة تعمل على تحسين الخدمات العامة وتطوير البنية التحتية في مختلف المحافظات.</p>\
         </article><footer>جميع الحقوق محفوظة</footer></body></html>"
    )
}

async fn publish_input(js: &jetstream::Context, input: &Input) {
    let mut headers = async_nats::HeaderMap::new();
    if let Some(u) = &input.url {
        headers.insert(HEADER_URL, u.as_str());
    }
    if let Some(ct) = &input.content_type {
        headers.insert(HEADER_CONTENT_TYPE, ct.as_str());
    }
    js.publish_with_headers(
        input.subject.clone(),
        headers,
        Bytes::from(input.payload.clone()),
    )
    .await
    .unwrap()
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_become_article_events_and_bad_inputs_land_on_the_dlq_with_matching_metrics() {
    let nats = NatsServer::start();
    let service = start_service(&nats.url(), "");
    assert_eq!(service.http_get("/healthz").map(|r| r.0), Some(200));

    let mut inputs = fixture_inputs();
    let shared = harness::shared_or_skip("service seeds (fixtures and bad inputs still run)");
    let seeds = shared.as_deref().map(seed_inputs).unwrap_or_default();
    for seed in &seeds {
        assert!(
            seed.expected().is_ok(),
            "{} must give an article",
            seed.name
        );
    }
    inputs.extend(seeds);
    inputs.push(Input {
        name: "envelope/article".into(),
        subject: "news.raw.envelope".into(),
        url: Some("https://envelope.example/news/1".into()),
        content_type: Some("application/json".into()),
        payload: serde_json::to_vec(&serde_json::json!({
            "url": "https://envelope.example/news/1",
            "html": article_html(1),
            "fetched_at": "2026-01-01T00:00:00Z",
        }))
        .unwrap(),
        envelope: true,
    });
    let bad = bad_inputs();
    for (input, reason) in bad.iter().zip(["empty", "binary", "no_article"]) {
        assert_eq!(input.expected().err(), Some(reason), "{}", input.name);
    }
    inputs.extend(bad);

    let client = async_nats::connect(nats.url()).await.unwrap();
    let js = jetstream::new(client);
    for input in &inputs {
        publish_input(&js, input).await;
    }
    let expected_ok: Vec<(&Input, akhbar::extract::Article)> = inputs
        .iter()
        .filter_map(|i| i.expected().ok().map(|a| (i, a)))
        .collect();
    let expected_bad: Vec<(&Input, &'static str)> = inputs
        .iter()
        .filter_map(|i| i.expected().err().map(|r| (i, r)))
        .collect();
    let unique_ids: std::collections::BTreeSet<&str> =
        expected_ok.iter().map(|(_, a)| a.id.as_str()).collect();
    println!(
        "service: {} pages in, {} articles expected ({} unique ids), {} dead letters expected",
        inputs.len(),
        expected_ok.len(),
        unique_ids.len(),
        expected_bad.len()
    );

    let articles = wait_for_stored(
        &js,
        "NEWS_CLEAN",
        unique_ids.len() as u64,
        Duration::from_secs(90),
    )
    .await;
    let dead = wait_for_stored(
        &js,
        "NEWS_DLQ",
        expected_bad.len() as u64,
        Duration::from_secs(90),
    )
    .await;
    assert_eq!(
        articles.len(),
        unique_ids.len(),
        "log:\n{}",
        service.log_text()
    );
    assert_eq!(
        dead.len(),
        expected_bad.len(),
        "log:\n{}",
        service.log_text()
    );

    for (input, want) in &expected_ok {
        let msg = articles
            .iter()
            .find(|m| m.header(HEADER_MSG_ID).as_deref() == Some(want.id.as_str()))
            .unwrap_or_else(|| panic!("no article event for {}", input.name));
        let got: serde_json::Value = serde_json::from_slice(&msg.payload).unwrap();
        assert_eq!(got["schema"], "akhbar.article.v1", "{}", input.name);
        assert_eq!(got["id"], want.id.as_str(), "{}", input.name);
        assert_eq!(got["url"].as_str(), want.url.as_deref(), "{}", input.name);
        assert_eq!(
            got["title"].as_str(),
            want.title.as_deref(),
            "{}",
            input.name
        );
        assert_eq!(got["site"], want.site.as_str(), "{}", input.name);
        assert_eq!(got["body"], want.body.as_str(), "{}", input.name);
        assert_eq!(
            got["published_at"].as_str(),
            want.published_at.as_deref(),
            "{}",
            input.name
        );
        let token = subject_token(&want.site).unwrap_or_else(|| "unknown".into());
        if subject_token(&want.site).is_some() {
            assert_eq!(
                msg.subject.as_str(),
                format!("news.clean.{token}"),
                "{}",
                input.name
            );
        } else {
            assert!(
                msg.subject.as_str().starts_with("news.clean."),
                "{}",
                input.name
            );
        }
        assert_eq!(
            msg.header(HEADER_CONTENT_TYPE).as_deref(),
            Some("application/json")
        );
    }

    for (input, reason) in &expected_bad {
        let msg = dead
            .iter()
            .find(|m| {
                m.header(HEADER_SUBJECT).as_deref() == Some(input.subject.as_str())
                    && m.payload.as_ref() == input.payload.as_slice()
            })
            .unwrap_or_else(|| panic!("no dead letter for {}", input.name));
        assert_eq!(
            msg.header(HEADER_REASON).as_deref(),
            Some(*reason),
            "{}",
            input.name
        );
        assert_eq!(
            msg.header(HEADER_DELIVERIES).as_deref(),
            Some("1"),
            "{}",
            input.name
        );
        assert!(
            msg.header(HEADER_ERROR).is_some_and(|e| !e.is_empty()),
            "{}",
            input.name
        );
        assert_eq!(msg.subject.as_str(), "news.dlq");
    }

    // The counters are updated once the publish ack is back, a moment after the event is
    // stored; wait until every page has been taken and none is in flight any more.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut m = service.metrics();
    while (sample(&m, "akhbar_pages_received_total") < inputs.len() as f64
        || sample(&m, "akhbar_pages_in_flight") > 0.0)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
        m = service.metrics();
    }
    assert_eq!(
        sample(&m, "akhbar_pages_received_total"),
        inputs.len() as f64,
        "{m}"
    );
    assert_eq!(
        sample(&m, "akhbar_articles_published_total"),
        unique_ids.len() as f64,
        "{m}"
    );
    for reason in ["empty", "binary", "no_article", "too_large", "undecodable"] {
        let want = expected_bad.iter().filter(|(_, r)| *r == reason).count() as f64;
        assert_eq!(
            sample(
                &m,
                &format!("akhbar_dead_lettered_total{{reason=\"{reason}\"}}")
            ),
            want,
            "{reason}\n{m}"
        );
        assert_eq!(
            sample(
                &m,
                &format!("akhbar_pages_rejected_total{{reason=\"{reason}\"}}")
            ),
            want,
            "{reason}\n{m}"
        );
    }
    assert_eq!(sample(&m, "akhbar_publish_errors_total"), 0.0);
    assert_eq!(sample(&m, "akhbar_nats_connected"), 1.0);
    assert_eq!(sample(&m, "akhbar_pages_in_flight"), 0.0);
    assert_eq!(
        sample(&m, "akhbar_extraction_seconds_count"),
        (inputs.len()) as f64,
        "{m}"
    );
    assert_eq!(
        sample(&m, "akhbar_end_to_end_seconds_count"),
        1.0,
        "only the envelope carries a fetch time\n{m}"
    );
    let payload_bytes: usize = inputs.iter().map(|i| i.payload.len()).sum();
    assert_eq!(
        sample(&m, "akhbar_received_bytes_total"),
        payload_bytes as f64
    );
    assert!(sample(&m, "akhbar_published_bytes_total") > 0.0);
    let build = m
        .lines()
        .find(|l| l.starts_with("akhbar_build_info{"))
        .unwrap_or_default();
    assert!(
        build.contains("revision=\"")
            && build.contains(&format!("version=\"{}\"", env!("CARGO_PKG_VERSION"))),
        "{m}"
    );
    let log = service.log_text();
    assert!(log.contains("article published"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "a log written to a file carries no ANSI colour codes:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_pages_in_flight_finishes_and_acks_them_and_loses_none() {
    const PAGES: usize = 600;
    let nats = NatsServer::start();
    let mut service = start_service(
        &nats.url(),
        "[processing]\nin_flight = 32\nworker_threads = 1\n\n[shutdown]\ngrace_period_secs = 15\n",
    );
    let client = async_nats::connect(nats.url()).await.unwrap();
    let js = jetstream::new(client);
    for n in 0..PAGES {
        publish_input(
            &js,
            &Input {
                name: format!("burst/{n}"),
                subject: "news.raw.burst".into(),
                url: Some(format!("https://burst.example/{n}")),
                content_type: Some("text/html; charset=utf-8".into()),
                payload: article_html(n).into_bytes(),
                envelope: false,
            },
        )
        .await;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let m = service.metrics();
        if sample(&m, "akhbar_articles_published_total") >= 5.0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no article came out; log:\n{}",
            service.log_text()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let status = sigterm_and_wait(&mut service, Duration::from_secs(20));
    assert!(
        status.success(),
        "exit status {status:?}; log:\n{}",
        service.log_text()
    );

    let mut consumer: jetstream::consumer::PullConsumer = js
        .get_stream("NEWS_RAW")
        .await
        .unwrap()
        .get_consumer("akhbar")
        .await
        .unwrap();
    let info = consumer.info().await.unwrap().clone();
    let published = js
        .get_stream("NEWS_CLEAN")
        .await
        .unwrap()
        .info()
        .await
        .unwrap()
        .state
        .messages;
    println!(
        "sigterm: {PAGES} pages in, {published} published before exit, {} left pending, {} unacked",
        info.num_pending, info.num_ack_pending
    );
    assert_eq!(
        info.num_ack_pending, 0,
        "in-flight pages must be acked before exit"
    );
    assert_eq!(
        published + info.num_pending,
        PAGES as u64,
        "every page is published or still queued"
    );
    assert!(
        published < PAGES as u64,
        "the burst should still be running at SIGTERM"
    );

    let restarted = start_service(&nats.url(), "");
    let all = wait_for_stored(&js, "NEWS_CLEAN", PAGES as u64, Duration::from_secs(60)).await;
    let ids: std::collections::BTreeSet<String> =
        all.iter().filter_map(|m| m.header(HEADER_MSG_ID)).collect();
    assert_eq!(all.len(), PAGES, "log:\n{}", restarted.log_text());
    assert_eq!(ids.len(), PAGES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_unavailable_until_nats_is_there_and_ready_once_the_consumer_is_bound() {
    let mut nats = NatsServer::start();
    nats.kill();
    let akhbar = Akhbar::start(&harness::config(&nats.url(), ""));
    let healthy = poll_until(Duration::from_secs(30), || {
        akhbar.http_get("/healthz").map(|r| r.0) == Some(200)
    });
    assert!(healthy, "/healthz never answered 200");
    assert_eq!(akhbar.http_get("/readyz").map(|r| r.0), Some(503));
    nats.restart();
    let ready = poll_until(Duration::from_secs(60), || akhbar.is_ready());
    assert!(ready, "/readyz never turned ready after NATS came up");
}

#[test]
fn config_check_names_the_bad_key_and_never_prints_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[nats]\nuser = \"reader\"\npassword = \"s3cret-pw\"\n",
    )
    .unwrap();
    let out = Command::new(akhbar_bin())
        .args(["config", "check", "--config"])
        .arg(&good)
        .env("AKHBAR_NATS__TOKEN", "tok-from-env")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("user = \"reader\""), "{stdout}");
    assert!(stdout.contains("token = \"********\""), "{stdout}");
    for secret in ["s3cret-pw", "tok-from-env"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{stdout}{stderr}"
        );
    }

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[processing]\nin_flight = 0\n").unwrap();
    let out = Command::new(akhbar_bin())
        .args(["config", "check", "--config"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("processing.in_flight"));

    let out = Command::new(akhbar_bin())
        .args(["config", "check", "--config"])
        .arg(&good)
        .env("AKHBAR_OUTPUT__NOPE", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("output.nope") && stderr.contains("AKHBAR_OUTPUT__NOPE"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn core_mode_turns_queue_group_pages_into_events_and_dead_letters() {
    let nats = NatsServer::start();
    let service = start_service(
        &nats.url(),
        "[input]\nmode = \"core\"\nqueue_group = \"akhbar-core\"\n",
    );
    let client = async_nats::connect(nats.url()).await.unwrap();
    let mut events = client.subscribe("news.clean.>").await.unwrap();
    let mut dead = client.subscribe("news.dlq").await.unwrap();
    client.flush().await.unwrap();
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(HEADER_URL, "https://core.example/news/7");
    headers.insert(HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    client
        .publish_with_headers("news.raw.core", headers, Bytes::from(article_html(7)))
        .await
        .unwrap();
    client
        .publish("news.raw.core", Bytes::from_static(b""))
        .await
        .unwrap();
    client.flush().await.unwrap();

    let event = tokio::time::timeout(
        Duration::from_secs(30),
        futures::StreamExt::next(&mut events),
    )
    .await
    .expect("an article event")
    .unwrap();
    let got: serde_json::Value = serde_json::from_slice(&event.payload).unwrap();
    assert_eq!(event.subject.as_str(), "news.clean.core_example");
    assert_eq!(got["url"], "https://core.example/news/7");
    let letter = tokio::time::timeout(Duration::from_secs(30), futures::StreamExt::next(&mut dead))
        .await
        .expect("a dead letter")
        .unwrap();
    let reason = letter
        .headers
        .as_ref()
        .and_then(|h| h.get(HEADER_REASON))
        .map(|v| v.as_str().to_string());
    assert_eq!(
        reason.as_deref(),
        Some("empty"),
        "log:\n{}",
        service.log_text()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut m = service.metrics();
    while (sample(&m, "akhbar_dead_lettered_total{reason=\"empty\"}") < 1.0
        || sample(&m, "akhbar_articles_published_total") < 1.0
        || sample(&m, "akhbar_pages_in_flight") > 0.0)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
        m = service.metrics();
    }
    assert_eq!(sample(&m, "akhbar_pages_received_total"), 2.0);
    assert_eq!(sample(&m, "akhbar_articles_published_total"), 1.0);
    assert_eq!(
        sample(&m, "akhbar_dead_lettered_total{reason=\"empty\"}"),
        1.0
    );
}

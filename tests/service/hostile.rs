//! Hostile input: the fetcher against a misbehaving loopback HTTP server, and a corpus of bad
//! pages pushed through a real `akhbar serve`; each ends as an article or on the DLQ with its
//! own reason code, the worker keeps going, and peak memory stays bounded.

use std::time::Duration;

use akhbar::service::config::FetchConfig;
use akhbar::service::fetch::{client, fetch};

use async_nats::jetstream;
use bytes::Bytes;

use crate::harness::{self, Akhbar, HttpServer, NatsServer, OutMsg};

fn fetch_cfg(allow: &[&str]) -> FetchConfig {
    FetchConfig {
        timeout_ms: 1_500,
        connect_timeout_ms: 1_000,
        max_bytes: 1024 * 1024,
        max_redirects: 3,
        allow: allow.iter().map(|s| s.to_string()).collect(),
        ..FetchConfig::default()
    }
}

async fn fetch_code(cfg: &FetchConfig, url: &str) -> &'static str {
    let http = client(cfg).unwrap();
    match fetch(&http, cfg, url).await {
        Ok(_) => "ok",
        Err(e) => {
            eprintln!("{url}: {e}");
            e.code()
        }
    }
}

#[tokio::test]
async fn allowlisted_host_is_fetched_through_redirects_with_its_content_type() {
    let server = HttpServer::start();
    let cfg = fetch_cfg(&["localhost"]);
    let http = client(&cfg).unwrap();
    let page = fetch(&http, &cfg, &server.url("/redirect/2/7"))
        .await
        .unwrap();
    assert!(page.final_url.ends_with("/article/7"), "{}", page.final_url);
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.bytes, harness::article_html(7).as_bytes());
}

/// Fetches each of `paths` from a fresh misbehaving server, with `localhost` allowlisted, and
/// asserts that the fetch ends with `code`.
async fn assert_fetch_code(paths: &[&str], code: &str) {
    let server = HttpServer::start();
    let cfg = fetch_cfg(&["localhost"]);
    for path in paths {
        assert_eq!(fetch_code(&cfg, &server.url(path)).await, code, "{path}");
    }
}

#[tokio::test]
async fn allowlisted_cidr_admits_a_loopback_literal() {
    let server = HttpServer::start();
    let cfg = fetch_cfg(&["127.0.0.0/8"]);
    let url = format!("http://127.0.0.1:{}/article/1", server.port);
    assert_eq!(fetch_code(&cfg, &url).await, "ok");
}

#[tokio::test]
async fn a_hanging_server_is_a_fetch_timeout() {
    assert_fetch_code(&["/slow"], "fetch_timeout").await;
}

#[tokio::test]
async fn a_server_error_is_a_fetch_status() {
    assert_fetch_code(&["/status/500", "/status/404"], "fetch_status").await;
}

#[tokio::test]
async fn a_redirect_loop_is_fetch_redirects() {
    assert_fetch_code(&["/loop", "/redirect/9/1"], "fetch_redirects").await;
}

#[tokio::test]
async fn a_body_streaming_past_the_cap_is_fetch_too_large() {
    assert_fetch_code(&["/huge", "/huge-declared"], "fetch_too_large").await;
}

#[tokio::test]
async fn loopback_is_forbidden_unless_allowlisted_also_on_a_redirect_hop() {
    let server = HttpServer::start();
    let none = fetch_cfg(&[]);
    let by_name = fetch_cfg(&["localhost"]);
    let literal = format!("http://127.0.0.1:{}/article/1", server.port);
    let mut cases = vec![
        (&none, literal.clone()),
        (&none, server.url("/article/1")),
        (&by_name, literal),
        (&by_name, server.url("/to-literal/1")),
    ];
    for url in [
        "file:///etc/passwd",
        "ftp://localhost/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/",
        "http://[::ffff:127.0.0.1]:9/",
        "http://0.0.0.0:9/",
    ] {
        cases.push((&by_name, url.to_string()));
    }
    for (cfg, url) in cases {
        assert_eq!(
            fetch_code(cfg, &url).await,
            "fetch_forbidden",
            "{url} with allow = {:?}",
            cfg.allow
        );
    }
}

#[tokio::test]
async fn an_unreachable_host_is_fetch_failed() {
    let cfg = fetch_cfg(&["127.0.0.0/8"]);
    let closed = harness::closed_port();
    let url = format!("http://127.0.0.1:{}/", closed.port);
    assert_eq!(fetch_code(&cfg, &url).await, "fetch_failed");
}

/// One hostile message: its name (subject `news.raw.hostile.NAME`), headers, payload, and the
/// outcomes accepted (`article` or a dead-letter reason code).
struct Case {
    name: &'static str,
    headers: Vec<(&'static str, String)>,
    payload: Vec<u8>,
    accept: &'static [&'static str],
}

fn windows_1256(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn hostile_corpus(http: &HttpServer) -> Vec<Case> {
    let url = |name: &str| format!("https://hostile.example/{name}");
    let html = |name: &str| {
        vec![
            ("Akhbar-Url", url(name)),
            ("Content-Type", "text/html; charset=utf-8".to_string()),
        ]
    };
    let only_url = |u: String| vec![("Akhbar-Url", u)];
    let plain_1256 = harness::article_html(900_001).replace("<meta charset=\"utf-8\">", "");
    let truncated = {
        let full = harness::article_html(900_002);
        let cut = full.find("</p>").map_or(full.len() / 2, |i| i + 40);
        let mut end = cut.min(full.len());
        while !full.is_char_boundary(end) {
            end -= 1;
        }
        full[..end].to_string()
    };
    let nested = format!(
        "<html><body>{}<p>{}</p></body></html>",
        "<div>".repeat(100_000),
        harness::article_text(900_003)
    );
    let long_line = {
        let sentence = "وقالت الوزارة في بيان رسمي إن العمل مستمر في المشروع الكبير ";
        sentence.repeat(10 * 1024 * 1024 / sentence.len() + 1)
    };
    vec![
        Case {
            name: "empty",
            headers: vec![],
            payload: vec![],
            accept: &["empty"],
        },
        Case {
            name: "zero_byte_html",
            headers: vec![("Content-Type", "text/html; charset=utf-8".to_string())],
            payload: vec![],
            accept: &["empty"],
        },
        Case {
            name: "over_size_cap",
            headers: html("over_size_cap"),
            payload: format!(
                "<html><body><p>{}</p></body></html>",
                "أ".repeat(7 * 1024 * 1024)
            )
            .into_bytes(),
            accept: &["too_large"],
        },
        Case {
            name: "gzip_bomb",
            headers: html("gzip_bomb"),
            payload: harness::gzip(&vec![b' '; 64 * 1024 * 1024]),
            accept: &["too_large"],
        },
        Case {
            name: "random_binary",
            headers: vec![("Akhbar-Url", url("random_binary"))],
            payload: harness::noise_bytes(64 * 1024, 0x9e37_79b9_7f4a_7c15),
            accept: &["binary", "undecodable"],
        },
        Case {
            name: "invalid_utf8_no_charset",
            headers: vec![
                ("Akhbar-Url", url("invalid_utf8_no_charset")),
                ("Content-Type", "text/html".to_string()),
            ],
            payload: windows_1256(&plain_1256),
            accept: &["article", "undecodable"],
        },
        Case {
            name: "lying_charset",
            headers: html("lying_charset"),
            payload: windows_1256(&plain_1256.replace("900001", "900011")),
            accept: &["article", "undecodable"],
        },
        Case {
            name: "truncated_html",
            headers: html("truncated_html"),
            payload: truncated.into_bytes(),
            accept: &["article", "no_article"],
        },
        Case {
            name: "nested_100k",
            headers: html("nested_100k"),
            payload: nested.into_bytes(),
            accept: &["article", "no_article"],
        },
        Case {
            name: "single_10mb_line",
            headers: vec![
                ("Akhbar-Url", url("single_10mb_line")),
                ("Content-Type", "text/plain; charset=utf-8".to_string()),
            ],
            payload: long_line.into_bytes(),
            accept: &["article", "no_article"],
        },
        Case {
            name: "only_boilerplate",
            headers: html("only_boilerplate"),
            payload:
                b"<html><body><nav><a href='/'>home</a></nav><footer>(c)</footer></body></html>"
                    .to_vec(),
            accept: &["no_article"],
        },
        Case {
            name: "invalid_json_envelope",
            headers: vec![("Content-Type", "application/json".to_string())],
            payload: b"{\"url\": \"https://hostile.example/x\", \"html\": ".to_vec(),
            accept: &["bad_envelope"],
        },
        Case {
            name: "envelope_wrong_types",
            headers: vec![("Content-Type", "application/json".to_string())],
            payload: br#"{"url": 5, "html": ["<p>x</p>"], "fetched_at": true}"#.to_vec(),
            accept: &["bad_envelope"],
        },
        Case {
            name: "unknown_headers",
            headers: {
                let mut h = html("unknown_headers");
                h.push(("X-Crawler-Shard", "7".to_string()));
                h.push(("Akhbar-Unknown", "ignored".to_string()));
                h
            },
            payload: harness::article_html(900_004).into_bytes(),
            accept: &["article"],
        },
        Case {
            name: "fetch_times_out",
            headers: only_url(http.url("/slow")),
            payload: vec![],
            accept: &["fetch_timeout"],
        },
        Case {
            name: "fetch_500",
            headers: only_url(http.url("/status/500")),
            payload: vec![],
            accept: &["fetch_status"],
        },
        Case {
            name: "fetch_redirect_loop",
            headers: only_url(http.url("/loop")),
            payload: vec![],
            accept: &["fetch_redirects"],
        },
        Case {
            name: "fetch_past_size_cap",
            headers: only_url(http.url("/huge")),
            payload: vec![],
            accept: &["fetch_too_large"],
        },
        Case {
            name: "fetch_loopback_not_allowlisted",
            headers: only_url(format!("http://127.0.0.1:{}/article/5", http.port)),
            payload: vec![],
            accept: &["fetch_forbidden"],
        },
        Case {
            name: "fetch_non_http_scheme",
            headers: only_url("file:///etc/passwd".to_string()),
            payload: vec![],
            accept: &["fetch_forbidden"],
        },
        Case {
            name: "fetch_allowlisted_ok",
            headers: only_url(http.url("/article/900005")),
            payload: vec![],
            accept: &["article"],
        },
    ]
}

/// Config for a page that fails: three deliveries, 100 ms apart, then a dead letter.
const FEW_DELIVERIES: &str = "[input]\nmax_deliveries = 3\nnak_backoff_ms = [100]\n";

/// `akhbar serve` on `nats` (the tests' config with `extra` over it) with the three streams
/// created, once ready.
async fn serve_on(nats: &NatsServer, extra: &str) -> (jetstream::Context, Akhbar) {
    let js = jetstream::new(harness::connect(&nats.url()).await);
    harness::create_streams(&js).await;
    let akhbar = Akhbar::start(&harness::config(&nats.url(), extra))
        .when_ready()
        .await;
    (js, akhbar)
}

/// Publishes one hostile message to `news.raw.hostile.NAME`, with `NAME` as its message id.
async fn publish_hostile(
    js: &jetstream::Context,
    name: &str,
    headers: &[(&str, &str)],
    payload: Bytes,
) {
    let mut h = async_nats::HeaderMap::new();
    for (k, v) in headers {
        h.insert(*k, *v);
    }
    harness::publish_retrying(
        js,
        &format!("news.raw.hostile.{name}"),
        h,
        payload,
        name,
        Duration::from_secs(30),
    )
    .await;
}

/// Asserts that a dead letter gives `reason` and came from the page's first delivery.
fn assert_first_delivery_letter(letter: &OutMsg, reason: &str) {
    let h = &letter.headers;
    assert_eq!(
        h.get("Akhbar-Reason").map(String::as_str),
        Some(reason),
        "{h:?}"
    );
    assert_eq!(
        h.get("Akhbar-Deliveries").map(String::as_str),
        Some("1"),
        "{h:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_pages_each_end_with_their_own_outcome_and_the_worker_keeps_going() {
    use std::collections::BTreeMap;

    let nats = NatsServer::start_with_conf("max_payload: 16777216\n");
    let http = HttpServer::start();
    let extra = r#"
[processing]
max_page_bytes = 12582912
[fetch]
timeout_ms = 1500
connect_timeout_ms = 1000
max_bytes = 1048576
max_redirects = 3
allow = ["localhost"]
"#;
    let (js, mut akhbar) = serve_on(&nats, extra).await;
    let rss_idle = akhbar.peak_rss_kib().unwrap_or(0);

    let corpus = hostile_corpus(&http);
    for case in &corpus {
        let headers: Vec<(&str, &str)> =
            case.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        publish_hostile(&js, case.name, &headers, case.payload.clone().into()).await;
    }
    const TRAILING: u64 = 20;
    harness::publish_pages(&js, 0..TRAILING).await;
    let expected = corpus.len() as u64 + TRAILING;
    let got = harness::wait_for_outputs(&js, expected, Duration::from_secs(120)).await;
    assert!(akhbar.is_running(), "akhbar died on hostile input");
    let peak = akhbar.peak_rss_kib().unwrap_or(0);

    let mut outcome: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in harness::read_all(&js, harness::DLQ_STREAM).await {
        let subject = m.headers.get("Akhbar-Subject").cloned().unwrap_or_default();
        let name = subject.trim_start_matches("news.raw.hostile.").to_string();
        let reason = m.headers.get("Akhbar-Reason").cloned().unwrap_or_default();
        outcome.entry(name).or_default().push(reason);
    }
    let mut trailing_ok = 0;
    for m in harness::read_all(&js, harness::CLEAN_STREAM).await {
        let v: serde_json::Value = serde_json::from_slice(&m.payload).unwrap_or_default();
        let url = v
            .get("url")
            .and_then(|u| u.as_str())
            .unwrap_or_default()
            .to_string();
        if url.starts_with("https://news.example/a/") {
            trailing_ok += 1;
            continue;
        }
        let name = corpus
            .iter()
            .find(|c| {
                c.headers
                    .iter()
                    .any(|(k, v)| *k == "Akhbar-Url" && *v == url)
                    || url.ends_with("/article/900005") && c.name == "fetch_allowlisted_ok"
            })
            .map_or(url.clone(), |c| c.name.to_string());
        outcome.entry(name).or_default().push("article".to_string());
    }
    eprintln!("outputs {got} of {expected}");
    for case in &corpus {
        eprintln!("  {:32} -> {:?}", case.name, outcome.get(case.name));
    }
    eprintln!(
        "FIGURES hostile: cases={} trailing_articles={trailing_ok}/{TRAILING} peak_rss_kib={peak} idle_rss_kib={rss_idle}",
        corpus.len()
    );
    let mut wrong = Vec::new();
    for case in &corpus {
        match outcome.get(case.name).map(Vec::as_slice) {
            Some([one]) if case.accept.contains(&one.as_str()) => {}
            other => wrong.push(format!(
                "{}: {:?} (want one of {:?})",
                case.name, other, case.accept
            )),
        }
    }
    assert!(wrong.is_empty(), "wrong outcomes:\n{}", wrong.join("\n"));
    assert_eq!(
        trailing_ok, TRAILING,
        "the worker did not keep going after hostile input"
    );
    const RSS_BOUND_KIB: u64 = 512 * 1024;
    assert!(
        peak < RSS_BOUND_KIB,
        "peak RSS {peak} KiB over {RSS_BOUND_KIB} KiB"
    );
}

/// A page just under the server's `max_payload` (1 MiB by default) whose dead letter (the
/// original payload plus the dead-letter headers) is over it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_whose_dead_letter_exceeds_max_payload_still_leaves_a_trace_and_is_acked() {
    let nats = NatsServer::start();
    let (js, akhbar) = serve_on(&nats, FEW_DELIVERIES).await;
    let payload = harness::noise_bytes(1024 * 1024 - 120, 7);
    publish_hostile(
        &js,
        "near_max_payload",
        &[("Akhbar-Url", "https://hostile.example/near_max_payload")],
        payload.into(),
    )
    .await;
    let settled =
        harness::eventually(Duration::from_secs(30), || harness::consumer_settled(&js)).await;
    let dead = harness::stream_count(&js, harness::DLQ_STREAM).await;
    let errors = akhbar.metric("akhbar_publish_errors_total").unwrap_or(0.0);
    eprintln!("dead letters={dead} publish_errors={errors} settled={settled}");
    assert!(
        settled,
        "the page is still unacked: {:?}",
        harness::consumer_state(&js).await
    );
    assert_eq!(dead, 1, "the page left no dead letter");
    let letters = harness::read_all(&js, harness::DLQ_STREAM).await;
    let letter = &letters[0];
    assert!(
        letter.payload.is_empty(),
        "the truncated letter has no payload"
    );
    assert_eq!(
        letter.headers.get("Akhbar-Truncated").map(String::as_str),
        Some("payload")
    );
    assert_eq!(
        letter
            .headers
            .get("Akhbar-Original-Size")
            .map(String::as_str),
        Some((1024 * 1024 - 120).to_string().as_str())
    );
    assert_eq!(
        letter.headers.get("Akhbar-Url").map(String::as_str),
        Some("https://hostile.example/near_max_payload"),
        "the original headers are kept"
    );
    assert!(
        letter
            .headers
            .get("Akhbar-Reason")
            .is_some_and(|r| !r.is_empty() && r != "max_deliveries"),
        "{:?}",
        letter.headers
    );
    assert_eq!(errors, 0.0, "no publish was retried");
}

/// A gzipped page small enough to arrive whose article event (the inflated text as JSON) is over
/// the server's `max_payload`: the event can never be published, so the page is dead-lettered
/// with reason `too_large_event` at once and acked, not retried until `max_deliveries`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_event_over_max_payload_is_dead_lettered_as_too_large_event() {
    let nats = NatsServer::start();
    let (js, akhbar) = serve_on(&nats, FEW_DELIVERIES).await;
    let body: String = (0..1500u64)
        .map(|i| harness::paragraphs_html(&harness::article_text(i)))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"ar\"><head><meta charset=\"utf-8\"><title>ملف طويل</title>\
         </head><body><article><h1>ملف طويل جدا</h1>\n{body}</article></body></html>"
    );
    assert!(html.len() > 1024 * 1024, "{}", html.len());
    let payload = harness::gzip(html.as_bytes());
    assert!(payload.len() < 512 * 1024, "{}", payload.len());
    publish_hostile(
        &js,
        "too_large_event",
        &[
            ("Akhbar-Url", "https://hostile.example/too_large_event"),
            ("Content-Type", "text/html; charset=utf-8"),
        ],
        payload.clone().into(),
    )
    .await;
    let settled = harness::eventually(Duration::from_secs(60), || async {
        harness::stream_count(&js, harness::DLQ_STREAM).await == 1
            && harness::consumer_settled(&js).await
    })
    .await;
    assert!(
        settled,
        "no dead letter or the page is still unacked: {:?}\n{}",
        harness::consumer_state(&js).await,
        akhbar.log_text()
    );
    let letters = harness::read_all(&js, harness::DLQ_STREAM).await;
    assert_first_delivery_letter(&letters[0], "too_large_event");
    assert_eq!(letters[0].payload.as_ref(), payload.as_slice());
    assert_eq!(harness::stream_count(&js, harness::CLEAN_STREAM).await, 0);
    assert_eq!(akhbar.metric("akhbar_publish_errors_total"), Some(0.0));
    assert_eq!(
        akhbar.metric("akhbar_dead_lettered_total{reason=\"too_large_event\"}"),
        Some(1.0)
    );
}

/// A page whose processing outlasts the consumer's ack wait (a fetch that takes 3 ack waits)
/// is kept by "in progress" acks: it is delivered once, not redelivered to another worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_slower_than_ack_wait_is_kept_in_progress_and_delivered_once() {
    let nats = NatsServer::start();
    let http = HttpServer::start();
    let extra = r#"
[input]
ack_wait_secs = 2
[fetch]
timeout_ms = 6000
allow = ["localhost"]
"#;
    let (js, akhbar) = serve_on(&nats, extra).await;
    let slow = http.url("/slow");
    publish_hostile(&js, "slow", &[("Akhbar-Url", &slow)], Bytes::new()).await;
    let settled = harness::eventually(Duration::from_secs(30), || async {
        harness::stream_count(&js, harness::DLQ_STREAM).await >= 1
            && harness::consumer_settled(&js).await
    })
    .await;
    let state = harness::consumer_state(&js).await;
    assert!(settled, "{state:?}\n{}", akhbar.log_text());
    let letters = harness::read_all(&js, harness::DLQ_STREAM).await;
    assert_eq!(letters.len(), 1);
    assert_first_delivery_letter(&letters[0], "fetch_timeout");
    assert_eq!(akhbar.metric("akhbar_redeliveries_total"), Some(0.0));
    assert_eq!(akhbar.metric("akhbar_pages_received_total"), Some(1.0));
    assert!(matches!(state, Some((0, 0, 0))), "{state:?}");
}

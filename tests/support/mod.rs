//! Helpers for the fault, hostile-input, secure-NATS and soak tests: unique article pages, the
//! akhbar binary as a child process (signals, peak RSS, metrics), JetStream set-up, publishing
//! with retries and counting what came out.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, stream};
use bytes::Bytes;
use futures::StreamExt;

/// Input stream / subjects, output subjects and DLQ used by every test here.
pub const RAW_STREAM: &str = "NEWS_RAW";
/// Output stream holding article events.
pub const CLEAN_STREAM: &str = "NEWS_CLEAN";
/// Stream holding dead letters.
pub const DLQ_STREAM: &str = "NEWS_DLQ";
/// The DLQ subject.
pub const DLQ_SUBJECT: &str = "news.dlq";

const WORDS: &[&str] = &[
    "الحكومة",
    "البرلمان",
    "الاقتصاد",
    "المدينة",
    "الوزير",
    "المجلس",
    "الشركة",
    "السوق",
    "الطاقة",
    "المياه",
    "التعليم",
    "الصحة",
    "الزراعة",
    "النقل",
    "الميناء",
    "المطار",
];

/// A number spelled with Arabic words, so that it survives any digit normalisation.
fn spell(mut n: u64) -> String {
    let mut parts = Vec::new();
    loop {
        parts.push(WORDS[(n % 16) as usize]);
        n /= 16;
        if n == 0 {
            break;
        }
    }
    parts.join(" و")
}

/// The text of a unique Arabic news article, paragraphs separated by blank lines.
pub fn article_text(i: u64) -> String {
    let tag = spell(i);
    let mut paras = Vec::new();
    paras.push(format!(
        "أعلنت مصادر رسمية اليوم عن خطة جديدة تخص {tag} في إطار برنامج التطوير رقم {i}، وقالت إن \
         العمل سيبدأ خلال الأسابيع المقبلة بعد موافقة الجهات المختصة على التفاصيل كلها."
    ));
    paras.push(format!(
        "وأوضح المتحدث باسم الوزارة أن المشروع الخاص بـ{tag} يهدف إلى تحسين الخدمات المقدمة \
         للمواطنين، مشيراً إلى أن التكلفة الإجمالية تقدر بملايين الدولارات وأن التمويل متوفر."
    ));
    paras.push(format!(
        "ومن المتوقع أن يوفر المشروع آلاف فرص العمل للشباب في المنطقة، بحسب ما ذكره التقرير \
         الذي نشر اليوم حول {tag}، والذي أشار إلى أهمية التعاون بين القطاعين العام والخاص."
    ));
    paras.join("\n\n")
}

/// A unique HTML article page (UTF-8) whose body yields a unique article id.
pub fn article_html(i: u64) -> String {
    let body: String = article_text(i)
        .split("\n\n")
        .map(|p| format!("<p>{p}</p>\n"))
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
         <title>خبر رقم {i}</title><meta property=\"og:site_name\" content=\"news.example\"></head>\
         <body><nav><a href=\"/\">الرئيسية</a> <a href=\"/x\">سياسة</a></nav>\
         <article><h1>خبر عن {} رقم {i}</h1>\n{body}</article>\
         <footer>جميع الحقوق محفوظة</footer></body></html>",
        spell(i)
    )
}

/// The URL given to page `i`.
pub fn page_url(i: u64) -> String {
    format!("https://news.example/a/{i}")
}

/// A NATS header map for a raw page.
pub fn page_headers(url: &str, content_type: &str) -> async_nats::HeaderMap {
    let mut h = async_nats::HeaderMap::new();
    h.insert("Akhbar-Url", url);
    h.insert("Content-Type", content_type);
    h.insert("Akhbar-Fetched-At", "2026-11-26T01:00:00Z");
    h
}

/// The akhbar binary as a child process running `serve` with a config file written for it.
pub struct Akhbar {
    child: Option<Child>,
    /// The config file path.
    pub config: PathBuf,
    /// Where stdout and stderr go.
    pub log: PathBuf,
    /// The HTTP port (metrics, health).
    pub http_port: u16,
    dir: tempfile::TempDir,
}

impl Akhbar {
    /// Writes `config_toml` to a temp file and starts `akhbar serve --config FILE`.
    pub fn start(config_toml: &str, http_port: u16) -> Akhbar {
        Self::start_with_env(config_toml, http_port, &[])
    }

    /// As [`Akhbar::start`], with extra environment variables.
    pub fn start_with_env(config_toml: &str, http_port: u16, env: &[(&str, &str)]) -> Akhbar {
        let dir = tempfile::tempdir().expect("temp dir for akhbar");
        let config = dir.path().join("akhbar.toml");
        std::fs::write(&config, config_toml).expect("write config");
        let log = dir.path().join("akhbar.log");
        let mut a = Akhbar {
            child: None,
            config,
            log,
            http_port,
            dir,
        };
        a.spawn(env);
        a
    }

    fn spawn(&mut self, env: &[(&str, &str)]) {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("open log");
        let err = out.try_clone().expect("clone log handle");
        let mut cmd = Command::new(crate::common::akhbar_bin());
        cmd.args(["serve", "--config"])
            .arg(&self.config)
            .env("RUST_LOG", "info")
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        self.child = Some(cmd.spawn().expect("spawn akhbar serve"));
    }

    /// Starts the process again with the same config (after a kill or exit).
    pub fn restart(&mut self) {
        self.kill();
        self.spawn(&[]);
    }

    /// The process id, while running.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Sends a signal (by name, e.g. `TERM`) with `kill(1)`.
    pub fn signal(&self, sig: &str) {
        if let Some(pid) = self.pid() {
            let _ = Command::new("kill")
                .args([format!("-{sig}"), pid.to_string()])
                .status();
        }
    }

    /// SIGKILLs the process and reaps it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Waits up to `timeout` for the process to exit on its own.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(c) = self.child.as_mut() {
                if let Ok(Some(st)) = c.try_wait() {
                    self.child = None;
                    return Some(st);
                }
            } else {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Peak resident set size so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GETs a path on the HTTP port; returns (status, body).
    pub fn http_get(&self, path: &str) -> Option<(u16, String)> {
        http_get(self.http_port, path)
    }

    /// The value of one sample of `/metrics` (`name` with its labels as printed, e.g.
    /// `akhbar_pages_rejected_total{reason="empty"}`); the sum over labels when `name` has none.
    pub fn metric(&self, name: &str) -> Option<f64> {
        let (_, text) = self.http_get("/metrics")?;
        parse_metric(&text, name)
    }

    /// Polls `/readyz` until it answers 200.
    pub fn wait_ready(&self, timeout: Duration) -> bool {
        poll_until(timeout, || {
            self.http_get("/readyz").is_some_and(|(s, _)| s == 200)
        })
    }

    /// Where temp files for this process live.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Akhbar {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            eprintln!("--- akhbar log ---\n{}", tail(&self.log_text(), 4000));
        }
    }
}

fn tail(s: &str, n: usize) -> &str {
    let start = s.len().saturating_sub(n);
    let mut i = start;
    while !s.is_char_boundary(i) {
        i += 1;
    }
    &s[i..]
}

/// A minimal HTTP/1.0 GET against 127.0.0.1.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// Reads one sample (or the sum of a family's samples) from Prometheus text.
pub fn parse_metric(text: &str, name: &str) -> Option<f64> {
    let mut found = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((key, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let matches = if name.contains('{') {
            key == name
        } else {
            key == name || key.starts_with(&format!("{name}{{"))
        };
        if matches {
            if let Ok(v) = value.parse::<f64>() {
                *found.get_or_insert(0.0) += v;
            }
        }
    }
    found
}

/// Calls `f` every 50 ms until it returns true or `timeout` passes.
pub fn poll_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The service config used by these tests, with `extra` (TOML) merged over it key by key.
/// Short ack wait and nak backoff so redeliveries happen within a test's time.
pub fn config(nats_url: &str, http_port: u16, extra: &str) -> String {
    let mut base: toml::Table = toml::from_str(&base_config(nats_url, http_port)).expect("base");
    let extra: toml::Table = toml::from_str(extra).expect("extra config is TOML");
    merge(&mut base, extra);
    toml::to_string(&base).expect("render config")
}

fn merge(into: &mut toml::Table, from: toml::Table) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

fn base_config(nats_url: &str, http_port: u16) -> String {
    format!(
        r#"
[nats]
url = "{nats_url}"
name = "akhbar-test"
reconnect_max_delay_secs = 1
retry_on_initial_connect = true

[input]
ack_wait_secs = 5
nak_backoff_ms = [100, 250, 500]
max_deliveries = 1000
pending_poll_secs = 1

[http]
address = "127.0.0.1"
port = {http_port}

[shutdown]
grace_period_secs = 20
"#
    )
}

/// Connects to NATS, retrying for a while (the server may be restarting).
pub async fn connect(url: &str) -> async_nats::Client {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connect(url)
            .await
        {
            Ok(c) => return c,
            Err(e) if Instant::now() < deadline => {
                eprintln!("connect {url}: {e}; retrying");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot connect to {url}: {e}"),
        }
    }
}

/// Creates the raw, clean and DLQ streams (file storage, 2-minute duplicate window).
pub async fn create_streams(js: &jetstream::Context) {
    for (name, subject) in [
        (RAW_STREAM, "news.raw.>"),
        (CLEAN_STREAM, "news.clean.>"),
        (DLQ_STREAM, DLQ_SUBJECT),
    ] {
        js.get_or_create_stream(stream::Config {
            name: name.to_string(),
            subjects: vec![subject.to_string()],
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("create stream {name}: {e}"));
    }
}

/// Publishes one message to JetStream and waits for its ack, retrying (with the same
/// `Nats-Msg-Id`, so a retried publish is stored once) until `timeout`.
pub async fn publish_retrying(
    js: &jetstream::Context,
    subject: &str,
    mut headers: async_nats::HeaderMap,
    payload: Bytes,
    msg_id: &str,
    timeout: Duration,
) {
    headers.insert("Nats-Msg-Id", msg_id);
    let deadline = Instant::now() + timeout;
    loop {
        let attempt = async {
            js.publish_with_headers(subject.to_string(), headers.clone(), payload.clone())
                .await?
                .await
                .map(|_| ())
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync + 'static>)
        };
        match tokio::time::timeout(Duration::from_secs(5), attempt).await {
            Ok(Ok(())) => return,
            other if Instant::now() < deadline => {
                let _ = other;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(Err(e)) => panic!("publish {msg_id}: {e}"),
            Err(_) => panic!("publish {msg_id}: timed out"),
        }
    }
}

/// Publishes pages `range` (unique HTML articles) to `news.raw.test`.
pub async fn publish_pages(js: &jetstream::Context, range: std::ops::Range<u64>) {
    for i in range {
        publish_retrying(
            js,
            "news.raw.test",
            page_headers(&page_url(i), "text/html; charset=utf-8"),
            Bytes::from(article_html(i)),
            &format!("page-{i}"),
            Duration::from_secs(60),
        )
        .await;
    }
}

/// Number of messages stored in a stream (0 when it cannot be read right now).
pub async fn stream_count(js: &jetstream::Context, name: &str) -> u64 {
    match js.get_stream(name).await {
        Ok(mut s) => s.info().await.map(|i| i.state.messages).unwrap_or(0),
        Err(_) => 0,
    }
}

/// Polls until the clean and DLQ streams together hold at least `n` messages, or `timeout`.
pub async fn wait_for_outputs(js: &jetstream::Context, n: u64, timeout: Duration) -> u64 {
    let deadline = Instant::now() + timeout;
    loop {
        let got = stream_count(js, CLEAN_STREAM).await + stream_count(js, DLQ_STREAM).await;
        if got >= n || Instant::now() >= deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One message read back from an output stream.
#[derive(Debug, Clone)]
pub struct OutMsg {
    /// Its subject.
    pub subject: String,
    /// Its headers (name → first value).
    pub headers: HashMap<String, String>,
    /// Its payload.
    pub payload: Bytes,
}

/// Reads every message of a stream (ephemeral ordered consumer).
pub async fn read_all(js: &jetstream::Context, name: &str) -> Vec<OutMsg> {
    let total = stream_count(js, name).await;
    let mut out = Vec::new();
    if total == 0 {
        return out;
    }
    let stream = js.get_stream(name).await.expect("get stream");
    let consumer = stream
        .create_consumer(jetstream::consumer::pull::OrderedConfig::default())
        .await
        .expect("ordered consumer");
    let mut messages = consumer.messages().await.expect("messages");
    while (out.len() as u64) < total {
        match tokio::time::timeout(Duration::from_secs(10), messages.next()).await {
            Ok(Some(Ok(m))) => {
                let headers = m
                    .headers
                    .as_ref()
                    .map(|h| {
                        h.iter()
                            .filter_map(|(k, v)| {
                                v.first().map(|v| (k.to_string(), v.as_str().to_string()))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(OutMsg {
                    subject: m.subject.to_string(),
                    headers,
                    payload: m.payload.clone(),
                });
            }
            _ => break,
        }
    }
    out
}

/// What came out of a run: article ids and URLs, dead letters by reason.
#[derive(Debug, Default)]
pub struct Tally {
    /// Article events stored.
    pub article_msgs: u64,
    /// Distinct article ids.
    pub unique_ids: u64,
    /// How many times each page URL came out as an article.
    pub by_url: HashMap<String, u64>,
    /// Dead letters per reason.
    pub dlq: BTreeMap<String, u64>,
    /// Dead letters per original URL: reasons.
    pub dlq_by_url: HashMap<String, Vec<String>>,
}

impl Tally {
    /// Pages of `expected` that never came out (neither article nor dead letter).
    pub fn lost(&self, expected: &[String]) -> Vec<String> {
        expected
            .iter()
            .filter(|u| !self.by_url.contains_key(*u) && !self.dlq_by_url.contains_key(*u))
            .cloned()
            .collect()
    }

    /// Article events beyond one per id.
    pub fn duplicated(&self) -> u64 {
        self.article_msgs - self.unique_ids
    }
}

/// Reads the clean and DLQ streams and tallies them.
pub async fn tally(js: &jetstream::Context) -> Tally {
    let mut t = Tally::default();
    let mut ids = HashSet::new();
    for m in read_all(js, CLEAN_STREAM).await {
        t.article_msgs += 1;
        let v: serde_json::Value = serde_json::from_slice(&m.payload).unwrap_or_default();
        if let Some(id) = v.get("id").and_then(|x| x.as_str()) {
            ids.insert(id.to_string());
        }
        if let Some(url) = v.get("url").and_then(|x| x.as_str()) {
            *t.by_url.entry(url.to_string()).or_default() += 1;
        }
    }
    t.unique_ids = ids.len() as u64;
    for m in read_all(js, DLQ_STREAM).await {
        let reason = m
            .headers
            .get("Akhbar-Reason")
            .cloned()
            .unwrap_or_else(|| "?".to_string());
        *t.dlq.entry(reason.clone()).or_default() += 1;
        if let Some(url) = m.headers.get("Akhbar-Url") {
            t.dlq_by_url.entry(url.clone()).or_default().push(reason);
        }
    }
    t
}

/// Prints a run's counts in one line (the figures quoted in the README).
pub fn report(test: &str, pages_in: u64, t: &Tally, expected: &[String]) {
    eprintln!(
        "FIGURES {test}: pages_in={pages_in} articles_out={} unique_ids={} dlq={:?} lost={} duplicated={}",
        t.article_msgs,
        t.unique_ids,
        t.dlq,
        t.lost(expected).len(),
        t.duplicated()
    );
}

/// A loopback HTTP server for URL-only pages, serving:
/// `/article/N` (page N), `/slow` (answers after 30 s), `/status/N`, `/loop` (redirects to
/// itself), `/redirect/K/N` (K hops, then page N), `/huge` (streams 64 MiB, no length),
/// `/huge-declared` (announces 100 MB), `/to-literal/N` (redirects to `127.0.0.1`, page N).
pub struct HttpServer {
    /// The port on 127.0.0.1.
    pub port: u16,
}

impl HttpServer {
    /// Binds 127.0.0.1 on a free port and serves in background threads (for the test's life).
    pub fn start() -> HttpServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind http");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || serve_one(stream, port));
            }
        });
        HttpServer { port }
    }

    /// `http://localhost:PORT{path}` (a name, allowlisted by host in the tests).
    pub fn url(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.port)
    }
}

fn serve_one(mut s: TcpStream, port: u16) {
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
        if req.len() > 64 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&req).to_string();
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let respond = |s: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
        let _ = write!(
            s,
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
            body.len()
        );
        let _ = s.write_all(body);
    };
    match parts.as_slice() {
        ["article", n] => {
            let i: u64 = n.parse().unwrap_or(0);
            respond(
                &mut s,
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\n",
                article_html(i).as_bytes(),
            );
        }
        ["slow"] => {
            std::thread::sleep(Duration::from_secs(30));
            respond(
                &mut s,
                "200 OK",
                "Content-Type: text/html\r\n",
                b"<p>late</p>",
            );
        }
        ["status", code] => respond(&mut s, &format!("{code} Status"), "", b"error"),
        ["loop"] => respond(&mut s, "302 Found", "Location: /loop\r\n", b""),
        ["redirect", k, n] => {
            let k: u64 = k.parse().unwrap_or(0);
            let loc = if k <= 1 {
                format!("/article/{n}")
            } else {
                format!("/redirect/{}/{n}", k - 1)
            };
            respond(&mut s, "302 Found", &format!("Location: {loc}\r\n"), b"");
        }
        ["to-literal", n] => {
            let loc = format!("http://127.0.0.1:{port}/article/{n}");
            respond(&mut s, "302 Found", &format!("Location: {loc}\r\n"), b"");
        }
        ["huge"] => {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
            );
            let chunk = "<p>حشو حشو حشو</p>\n".repeat(4096);
            let mut sent = 0usize;
            while sent < 64 * 1024 * 1024 {
                if s.write_all(chunk.as_bytes()).is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
        ["huge-declared"] => {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n<p>"
            );
        }
        _ => respond(&mut s, "404 Not Found", "", b"not found"),
    }
}

/// Polls `/readyz` without blocking the async runtime's other tasks for long.
pub async fn wait_ready(a: &Akhbar, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if a.http_get("/readyz").is_some_and(|(s, _)| s == 200) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The durable input consumer's state: (num_pending, num_ack_pending, num_redelivered).
pub async fn consumer_state(js: &jetstream::Context) -> Option<(u64, usize, usize)> {
    let stream = js.get_stream(RAW_STREAM).await.ok()?;
    let mut consumer: jetstream::consumer::Consumer<jetstream::consumer::pull::Config> =
        stream.get_consumer("akhbar").await.ok()?;
    let info = consumer.info().await.ok()?;
    Some((info.num_pending, info.num_ack_pending, info.num_redelivered))
}

/// Polls until `f` (async) returns true or `timeout` passes; returns the last answer.
pub async fn eventually<F, Fut>(timeout: Duration, mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if f().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The expected URLs of pages `range`.
pub fn urls(range: std::ops::Range<u64>) -> Vec<String> {
    range.map(page_url).collect()
}

//! JetStream from the test's side: the three streams, publishing with retries, reading a
//! stream back, and tallying what came out of a run (lost, duplicated, dead letters).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, stream};
use bytes::Bytes;
use futures::StreamExt;

use super::http::eventually;
use super::pages::{article_html, page_headers, page_url};

/// Input stream / subjects, output subjects and DLQ used by every test here.
pub const RAW_STREAM: &str = "NEWS_RAW";
/// Output stream holding article events.
pub const CLEAN_STREAM: &str = "NEWS_CLEAN";
/// Stream holding dead letters.
pub const DLQ_STREAM: &str = "NEWS_DLQ";
/// The DLQ subject.
pub const DLQ_SUBJECT: &str = "news.dlq";

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

/// Polls until the clean and DLQ streams together hold at least `n` messages, or `timeout`;
/// returns how many they hold.
pub async fn wait_for_outputs(js: &jetstream::Context, n: u64, timeout: Duration) -> u64 {
    let outputs =
        || async { stream_count(js, CLEAN_STREAM).await + stream_count(js, DLQ_STREAM).await };
    eventually(timeout, || async { outputs().await >= n }).await;
    outputs().await
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

impl OutMsg {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).cloned()
    }
}

/// Waits until `stream` holds at least `n` messages (or `timeout` passes), then reads them all.
pub async fn wait_for_stored(
    js: &jetstream::Context,
    stream: &str,
    n: u64,
    timeout: Duration,
) -> Vec<OutMsg> {
    eventually(timeout, || async { stream_count(js, stream).await >= n }).await;
    read_all(js, stream).await
}

/// Every message of `stream` on the server at `url`.
pub async fn stored(url: &str, stream: &str) -> Vec<OutMsg> {
    read_all(&jetstream::new(super::nats::connect(url).await), stream).await
}

/// Reads every message of a stream: with an ephemeral ordered consumer, or message by message
/// from a work-queue stream (which admits no consumer beside akhbar's).
pub async fn read_all(js: &jetstream::Context, name: &str) -> Vec<OutMsg> {
    let total = stream_count(js, name).await;
    let mut out = Vec::new();
    if total == 0 {
        return out;
    }
    let mut stream = js.get_stream(name).await.expect("get stream");
    let info = stream.info().await.expect("stream info").clone();
    if info.config.retention == stream::RetentionPolicy::WorkQueue {
        for seq in info.state.first_sequence..=info.state.last_sequence {
            if let Ok(m) = stream.get_raw_message(seq).await {
                out.push(OutMsg {
                    subject: m.subject.to_string(),
                    headers: m
                        .headers
                        .iter()
                        .filter_map(|(k, v)| {
                            v.first().map(|v| (k.to_string(), v.as_str().to_string()))
                        })
                        .collect(),
                    payload: m.payload,
                });
            }
        }
        return out;
    }
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

/// Prints a run's counts in one line (the figures quoted in docs/operations.md).
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

/// The durable input consumer's state: (num_pending, num_ack_pending, num_redelivered).
pub async fn consumer_state(js: &jetstream::Context) -> Option<(u64, usize, usize)> {
    let stream = js.get_stream(RAW_STREAM).await.ok()?;
    let mut consumer: jetstream::consumer::Consumer<jetstream::consumer::pull::Config> =
        stream.get_consumer("akhbar").await.ok()?;
    let info = consumer.info().await.ok()?;
    Some((info.num_pending, info.num_ack_pending, info.num_redelivered))
}

/// Whether the durable input consumer has nothing pending and nothing waiting for an ack.
pub async fn consumer_settled(js: &jetstream::Context) -> bool {
    matches!(consumer_state(js).await, Some((0, 0, _)))
}

/// The expected URLs of pages `range`.
pub fn urls(range: std::ops::Range<u64>) -> Vec<String> {
    range.map(page_url).collect()
}

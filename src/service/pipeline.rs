//! The page pipeline: pull pages, extract them off the async runtime with a bounded number in
//! flight, publish the article (or the dead letter) and only then ack the input.
//!
//! Delivery rules (JetStream mode):
//! - the input is acked only after the article or the dead letter is acknowledged by JetStream;
//! - a failed publish naks the input with a growing delay and pauses pulling (back-pressure);
//! - a page failing on its `max_deliveries`-th delivery (or seen again after it) is dead-lettered
//!   with reason `max_deliveries`;
//! - article events carry `Nats-Msg-Id` = article id, dead letters `dlq:<stream>:<sequence>`, so
//!   redeliveries do not double them downstream within the duplicate window.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, consumer::pull, AckKind};
use async_nats::HeaderMap;
use bytes::Bytes;
use futures::StreamExt;
use time::OffsetDateTime;
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::bus::error_chain;
use super::config::Config;
use super::fetch::{self, FetchConfig};
use super::http::Readiness;
use super::message::{self, PageBody};
use super::metrics::Metrics;
use super::shutdown::Shutdown;
use crate::extract::{Article, Extractor, PageMeta};

/// Reason code of a page dead-lettered because it kept failing.
pub const REASON_MAX_DELIVERIES: &str = "max_deliveries";
/// Reason code of a page whose extraction panicked (a bug; the page is kept on the DLQ).
pub const REASON_EXTRACT_PANIC: &str = "extract_panic";
/// Reason code of a page whose extraction outlived `processing.extract_timeout_secs`.
pub const REASON_EXTRACT_TIMEOUT: &str = "extract_timeout";
/// Reason code of a page whose article event is larger than the server's `max_payload`.
pub const REASON_TOO_LARGE_EVENT: &str = "too_large_event";
/// Longest error message copied into the `Akhbar-Error` header.
const MAX_ERROR_HEADER: usize = 512;
/// How long one pull request waits for messages before it is renewed.
const PULL_EXPIRES: Duration = Duration::from_secs(1);

/// The page a dead letter is made of: where it came from, its bytes, how often it was delivered.
struct Letter<'a> {
    subject: &'a str,
    headers: Option<&'a HeaderMap>,
    payload: &'a Bytes,
    delivered: u32,
    /// `Nats-Msg-Id` of the dead letter; `None` in core mode (published without JetStream).
    msg_id: Option<&'a str>,
}

/// Why a publish failed, told apart because only one of them is worth retrying.
#[derive(Debug)]
enum PublishFailure {
    /// The message is larger than the server's `max_payload`: it can never be published as is.
    TooLarge(String),
    /// Anything else (timeout, stream refusing writes, connection lost): retried by redelivery.
    Other(String),
}

impl PublishFailure {
    fn from_jetstream(e: &jetstream::context::PublishError) -> Self {
        match e.kind() {
            jetstream::context::PublishErrorKind::MaxPayloadExceeded => {
                PublishFailure::TooLarge(error_chain(e))
            }
            _ => PublishFailure::Other(error_chain(e)),
        }
    }

    fn from_core(e: &async_nats::PublishError) -> Self {
        match e.kind() {
            async_nats::PublishErrorKind::MaxPayloadExceeded => {
                PublishFailure::TooLarge(error_chain(e))
            }
            _ => PublishFailure::Other(error_chain(e)),
        }
    }
}

/// What processing one page produced.
#[derive(Debug)]
enum Outcome {
    /// An article to publish.
    Article(Box<Article>),
    /// No article: dead-letter with this reason.
    Reject { reason: &'static str, error: String },
}

/// Everything the page tasks share.
#[derive(Clone)]
pub struct Pipeline {
    cfg: Arc<Config>,
    client: async_nats::Client,
    js: jetstream::Context,
    metrics: Metrics,
    extractor: Arc<Extractor>,
    workers: Arc<Semaphore>,
    http: reqwest::Client,
    fetch_cfg: Arc<FetchConfig>,
    backpressure: Arc<Backpressure>,
}

/// Pause of the pull loop after downstream refusals: grows while publishes fail, ends on success.
#[derive(Debug, Default)]
struct Backpressure {
    state: Mutex<(Option<Instant>, u32)>,
}

impl Backpressure {
    async fn refused(&self) -> Duration {
        let mut state = self.state.lock().await;
        state.1 = state.1.saturating_add(1);
        let exp = state.1.saturating_sub(1).min(6);
        let pause = Duration::from_millis(100 * (1u64 << exp)).min(Duration::from_secs(5));
        state.0 = Some(Instant::now() + pause);
        pause
    }

    async fn accepted(&self) {
        let mut state = self.state.lock().await;
        *state = (None, 0);
    }

    async fn paused_until(&self) -> Option<Instant> {
        let state = self.state.lock().await;
        state.0.filter(|t| *t > Instant::now())
    }
}

impl Pipeline {
    /// Builds the pipeline from the configuration and a connected client.
    pub fn new(
        cfg: Arc<Config>,
        client: async_nats::Client,
        metrics: Metrics,
        extractor: Extractor,
        http: reqwest::Client,
    ) -> Pipeline {
        let mut js = jetstream::new(client.clone());
        js.set_timeout(Duration::from_secs(cfg.output.publish_timeout_secs));
        let workers = Arc::new(Semaphore::new(cfg.processing.workers()));
        let fetch_cfg = Arc::new(cfg.fetch.clone());
        Pipeline {
            cfg,
            client,
            js,
            metrics,
            extractor: Arc::new(extractor),
            workers,
            http,
            fetch_cfg,
            backpressure: Arc::new(Backpressure::default()),
        }
    }

    /// Pulls from the durable consumer until shutdown, then drains in-flight pages within the
    /// grace period. Returns the number of pages still unfinished when the grace period ended.
    pub async fn run_jetstream(
        &self,
        mut consumer: jetstream::consumer::Consumer<pull::Config>,
        readiness: Readiness,
        mut shutdown: Shutdown,
    ) -> usize {
        let slots = Arc::new(Semaphore::new(self.cfg.processing.in_flight));
        let mut tasks = JoinSet::new();
        let mut pull_errors = 0u32;
        let mut progress = self.progress_every(&consumer);
        let poller = tokio::spawn(poll_consumer(
            consumer.clone(),
            self.metrics.clone(),
            readiness.clone(),
            Duration::from_secs(self.cfg.input.pending_poll_secs),
            shutdown.clone(),
        ));
        while !shutdown.is_triggered() {
            while tasks.try_join_next().is_some() {}
            if let Some(until) = self.backpressure.paused_until().await {
                tracing::debug!(
                    pause_ms = (until - Instant::now()).as_millis() as u64,
                    "downstream refusing; pulling paused"
                );
                tokio::select! {
                    _ = tokio::time::sleep_until(until.into()) => {}
                    _ = shutdown.wait() => break,
                }
            }
            let first = tokio::select! {
                p = Arc::clone(&slots).acquire_owned() => p,
                _ = shutdown.wait() => break,
            };
            let Ok(first) = first else { break };
            let mut permits = vec![first];
            while permits.len() < self.cfg.input.batch_size {
                match Arc::clone(&slots).try_acquire_owned() {
                    Ok(p) => permits.push(p),
                    Err(_) => break,
                }
            }
            let batch = consumer
                .batch()
                .max_messages(permits.len())
                .expires(PULL_EXPIRES)
                .messages()
                .await;
            let failure = match batch {
                Err(e) => Some(error_chain(&e)),
                Ok(mut messages) => {
                    let mut failure = None;
                    // A pull that was answered is finished even during shutdown: messages the
                    // server has already sent are processed and acked, not left to time out.
                    while let Some(item) = messages.next().await {
                        match item {
                            Ok(msg) => {
                                pull_errors = 0;
                                let permit = match permits.pop() {
                                    Some(p) => p,
                                    None => match Arc::clone(&slots).acquire_owned().await {
                                        Ok(p) => p,
                                        Err(_) => break,
                                    },
                                };
                                let this = self.clone();
                                tasks.spawn(async move {
                                    this.handle_jetstream(msg, permit, progress).await
                                });
                            }
                            Err(e) => {
                                failure = Some(error_chain(&*e));
                                break;
                            }
                        }
                    }
                    failure
                }
            };
            drop(permits);
            if let Some(error) = failure {
                // The pull is renewed on the next turn; after repeated failures the consumer
                // itself is bound again (it may have been deleted, or NATS lost its store).
                pull_errors = pull_errors.saturating_add(1);
                let pause = Duration::from_millis(200 * u64::from(pull_errors.min(25)));
                let retry_ms = pause.as_millis() as u64;
                tracing::warn!(error = %error, retry_ms, "pull failed; renewing");
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.wait() => break,
                }
                if pull_errors % 5 == 0 {
                    match super::bus::ensure_topology(&self.js, &self.cfg).await {
                        Ok(c) => {
                            consumer = c;
                            progress = self.progress_every(&consumer);
                        }
                        Err(e) => tracing::warn!(error = %e, "consumer unavailable"),
                    }
                }
            }
        }
        readiness.set_bound(false);
        poller.abort();
        self.drain(tasks).await
    }

    /// Reads a core-NATS queue subscription until shutdown (at-most-once: nothing is acked and
    /// a crash loses what is in flight), then drains in-flight pages within the grace period.
    pub async fn run_core(
        &self,
        mut subscription: futures::stream::SelectAll<async_nats::Subscriber>,
        readiness: Readiness,
        mut shutdown: Shutdown,
    ) -> usize {
        let slots = Arc::new(Semaphore::new(self.cfg.processing.in_flight));
        let mut tasks = JoinSet::new();
        readiness.set_bound(true);
        loop {
            while tasks.try_join_next().is_some() {}
            let permit = tokio::select! {
                p = Arc::clone(&slots).acquire_owned() => p,
                _ = shutdown.wait() => break,
            };
            let Ok(permit) = permit else { break };
            let msg = tokio::select! {
                m = subscription.next() => m,
                _ = shutdown.wait() => break,
            };
            let Some(msg) = msg else { break };
            let this = self.clone();
            tasks.spawn(async move { this.handle_core(msg, permit).await });
        }
        readiness.set_bound(false);
        for sub in subscription.iter_mut() {
            let _ = sub.unsubscribe().await;
        }
        self.drain(tasks).await
    }

    async fn drain(&self, mut tasks: JoinSet<()>) -> usize {
        let grace = Duration::from_secs(self.cfg.shutdown.grace_period_secs);
        let in_flight = tasks.len();
        tracing::info!(
            in_flight,
            grace_secs = grace.as_secs(),
            "draining in-flight pages"
        );
        let finished =
            tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
        let left = tasks.len();
        if finished.is_err() {
            tracing::warn!(
                unfinished = left,
                "grace period over; unfinished pages stay unacked and will be redelivered"
            );
            tasks.abort_all();
        }
        if let Err(e) = self.client.flush().await {
            tracing::warn!(error = %error_chain(&e), "flush at shutdown failed");
        }
        left
    }

    /// How often in-progress acks go out: half the consumer's real ack wait (a consumer created
    /// elsewhere may have a shorter one than `input.ack_wait_secs`), or of the configured one.
    fn progress_every(&self, consumer: &jetstream::consumer::Consumer<pull::Config>) -> Duration {
        let configured = Duration::from_secs(self.cfg.input.ack_wait_secs);
        let actual = consumer.cached_info().config.ack_wait;
        if !actual.is_zero() && actual != configured {
            tracing::warn!(
                consumer_ack_wait_ms = actual.as_millis() as u64,
                configured_secs = configured.as_secs(),
                "the consumer's ack_wait differs from input.ack_wait_secs; using the consumer's"
            );
        }
        let ack_wait = if actual.is_zero() { configured } else { actual };
        progress_interval(ack_wait)
    }

    async fn handle_jetstream(
        &self,
        msg: jetstream::Message,
        permit: OwnedSemaphorePermit,
        progress: Duration,
    ) {
        let _permit = permit;
        let _in_flight = InFlight::new(&self.metrics);
        let (delivered, stream, sequence) = match msg.info() {
            Ok(info) => (
                u32::try_from(info.delivered.max(1)).unwrap_or(u32::MAX),
                info.stream.to_string(),
                info.stream_sequence,
            ),
            Err(_) => (1, self.cfg.input.stream.clone(), 0),
        };
        let span = tracing::info_span!(
            "page",
            subject = %msg.subject,
            seq = sequence,
            delivered,
            url = tracing::field::Empty,
            id = tracing::field::Empty,
        );
        async {
            self.metrics.pages_received.inc();
            self.metrics.received_bytes.inc_by(msg.payload.len() as u64);
            if delivered > 1 {
                self.metrics.redeliveries.inc();
            }
            // The stream sequence names the page across redeliveries; without it (no JetStream
            // metadata) a unique id keeps two such dead letters from being taken as duplicates.
            let dlq_id = if sequence > 0 {
                format!("dlq:{stream}:{sequence}")
            } else {
                format!(
                    "dlq:{stream}:unsequenced-{}",
                    OffsetDateTime::now_utc().unix_timestamp_nanos()
                )
            };
            let letter = Letter {
                subject: msg.subject.as_str(),
                headers: msg.headers.as_ref(),
                payload: &msg.payload,
                delivered,
                msg_id: Some(&dlq_id),
            };
            let max = self.cfg.input.max_deliveries;
            if delivered > max {
                let error = format!("delivered {delivered} times, over the limit of {max}");
                self.dead_letter_or_nak(&msg, &letter, REASON_MAX_DELIVERIES, &error)
                    .await;
                return;
            }
            let work = async {
                let (outcome, fetched_at) = self.process(msg.headers.as_ref(), &msg.payload).await;
                self.publish_outcome(outcome, fetched_at, &letter, true)
                    .await
            };
            let published = with_progress(&msg, progress, work).await;
            match published {
                Ok(()) => {
                    self.backpressure.accepted().await;
                    ack(&msg, AckKind::Ack).await;
                }
                Err(error) => {
                    self.metrics.publish_errors.inc();
                    let pause = self.backpressure.refused().await;
                    let pause_ms = pause.as_millis() as u64;
                    tracing::warn!(error = %error, pause_ms, "publish failed");
                    if delivered >= max {
                        let error = format!("delivered {delivered} times; last error: {error}");
                        self.dead_letter_or_nak(&msg, &letter, REASON_MAX_DELIVERIES, &error)
                            .await;
                    } else {
                        ack(&msg, AckKind::Nak(Some(self.nak_delay(delivered)))).await;
                    }
                }
            }
        }
        .instrument(span)
        .await;
    }

    async fn handle_core(&self, msg: async_nats::Message, permit: OwnedSemaphorePermit) {
        let _permit = permit;
        let _in_flight = InFlight::new(&self.metrics);
        let span = tracing::info_span!(
            "page",
            subject = %msg.subject,
            url = tracing::field::Empty,
            id = tracing::field::Empty,
        );
        async {
            self.metrics.pages_received.inc();
            self.metrics.received_bytes.inc_by(msg.payload.len() as u64);
            let (outcome, fetched_at) = self.process(msg.headers.as_ref(), &msg.payload).await;
            let letter = Letter {
                subject: msg.subject.as_str(),
                headers: msg.headers.as_ref(),
                payload: &msg.payload,
                delivered: 1,
                msg_id: None,
            };
            let result = self
                .publish_outcome(outcome, fetched_at, &letter, false)
                .await;
            if let Err(error) = result {
                self.metrics.publish_errors.inc();
                tracing::error!(error = %error, "publish failed; page lost (core mode)");
            }
        }
        .instrument(span)
        .await;
    }

    /// Publishes the article, or the dead letter of a rejected page (or of a page whose article
    /// event is over the server's `max_payload`, reason [`REASON_TOO_LARGE_EVENT`]).
    async fn publish_outcome(
        &self,
        outcome: Outcome,
        fetched_at: Option<OffsetDateTime>,
        letter: &Letter<'_>,
        jetstream: bool,
    ) -> Result<(), String> {
        let (reason, error) = match outcome {
            Outcome::Article(article) => {
                match self.publish_article(&article, fetched_at, jetstream).await {
                    Ok(()) => return Ok(()),
                    Err(PublishFailure::Other(e)) => return Err(e),
                    Err(PublishFailure::TooLarge(e)) => (
                        REASON_TOO_LARGE_EVENT,
                        format!(
                            "article event over the server's max_payload of {} bytes: {e}",
                            self.client.server_info().max_payload
                        ),
                    ),
                }
            }
            Outcome::Reject { reason, error } => (reason, error),
        };
        self.metrics
            .pages_rejected
            .with_label_values(&[reason])
            .inc();
        tracing::info!(reason, error = %error, "page rejected");
        self.publish_dead_letter(letter, reason, &error).await
    }

    /// Parses, fetches when needed, and extracts one page.
    async fn process(
        &self,
        headers: Option<&HeaderMap>,
        payload: &Bytes,
    ) -> (Outcome, Option<OffsetDateTime>) {
        let page = match message::parse(headers, payload) {
            Ok(p) => p,
            Err(e) => {
                return (
                    Outcome::Reject {
                        reason: e.code(),
                        error: e.to_string(),
                    },
                    None,
                )
            }
        };
        let span = tracing::Span::current();
        if let Some(url) = &page.url {
            span.record("url", url.as_str());
        }
        let fetched_at = page.fetched_at;
        let (bytes, meta) = match page.body {
            PageBody::Raw(bytes) => (
                bytes,
                PageMeta {
                    url: page.url,
                    content_type: page.content_type,
                },
            ),
            PageBody::Fetch => {
                let url = page.url.unwrap_or_default();
                match fetch::fetch(&self.http, &self.fetch_cfg, &url).await {
                    Ok(f) => {
                        self.metrics.fetches.with_label_values(&["ok"]).inc();
                        (
                            f.bytes,
                            PageMeta {
                                url: Some(f.final_url),
                                content_type: f.content_type,
                            },
                        )
                    }
                    Err(e) => {
                        self.metrics.fetches.with_label_values(&[e.code()]).inc();
                        return (
                            Outcome::Reject {
                                reason: e.code(),
                                error: e.to_string(),
                            },
                            fetched_at,
                        );
                    }
                }
            }
        };
        let outcome = match self.extract(bytes, meta).await {
            Ok(article) => {
                span.record("id", article.id.as_str());
                Outcome::Article(Box::new(article))
            }
            Err(reject) => reject,
        };
        (outcome, fetched_at)
    }

    async fn extract(&self, bytes: Bytes, meta: PageMeta) -> Result<Article, Outcome> {
        let worker = Arc::clone(&self.workers)
            .acquire_owned()
            .await
            .map_err(|_| Outcome::Reject {
                reason: REASON_EXTRACT_PANIC,
                error: "worker pool closed".to_string(),
            })?;
        let extractor = Arc::clone(&self.extractor);
        let started = Instant::now();
        // The worker slot travels with the blocking job: a page that outlives its timeout keeps
        // its slot until it really ends, so slow pages can never pile up more threads.
        let job = tokio::task::spawn_blocking(move || {
            let _worker = worker;
            extractor.extract(&bytes, &meta)
        });
        let limit = Duration::from_secs(self.cfg.processing.extract_timeout_secs);
        let joined = tokio::time::timeout(limit, job).await;
        self.metrics
            .extraction_seconds
            .observe(started.elapsed().as_secs_f64());
        match joined {
            Ok(Ok(Ok(article))) => Ok(article),
            Ok(Ok(Err(rejection))) => Err(Outcome::Reject {
                reason: rejection.code(),
                error: rejection.to_string(),
            }),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "extraction panicked");
                Err(Outcome::Reject {
                    reason: REASON_EXTRACT_PANIC,
                    error: format!("extraction panicked: {e}"),
                })
            }
            Err(_) => {
                tracing::warn!(limit_secs = limit.as_secs(), "extraction timed out");
                Err(Outcome::Reject {
                    reason: REASON_EXTRACT_TIMEOUT,
                    error: format!("extraction took longer than {} s", limit.as_secs()),
                })
            }
        }
    }

    async fn publish_article(
        &self,
        article: &Article,
        fetched_at: Option<OffsetDateTime>,
        jetstream: bool,
    ) -> Result<(), PublishFailure> {
        let json = serde_json::to_vec(article)
            .map_err(|e| PublishFailure::Other(format!("serialising the article: {e}")))?;
        let len = json.len() as u64;
        let subject = output_subject(&self.cfg.output.subject_template, article);
        let mut headers = HeaderMap::new();
        headers.insert(message::HEADER_MSG_ID, article.id.as_str());
        headers.insert(message::HEADER_ARTICLE_ID, article.id.as_str());
        headers.insert(message::HEADER_CONTENT_TYPE, message::JSON_CONTENT_TYPE);
        if let Some(url) = article.url.as_deref().filter(|u| header_safe(u)) {
            headers.insert(message::HEADER_URL, url);
        }
        let duplicate = if jetstream {
            let ack = self
                .js
                .publish_with_headers(subject.clone(), headers, Bytes::from(json))
                .await
                .map_err(|e| PublishFailure::from_jetstream(&e))?
                .await
                .map_err(|e| PublishFailure::from_jetstream(&e))?;
            ack.duplicate
        } else {
            self.client
                .publish_with_headers(subject.clone(), headers, Bytes::from(json))
                .await
                .map_err(|e| PublishFailure::from_core(&e))?;
            false
        };
        if duplicate {
            tracing::info!(subject = %subject, id = %article.id, "duplicate dropped by the server");
            return Ok(());
        }
        self.metrics.articles_published.inc();
        self.metrics.published_bytes.inc_by(len);
        for (kind, n) in &article.stats.removed {
            self.metrics
                .boilerplate_removed
                .with_label_values(&[kind.as_str()])
                .inc_by(*n);
        }
        if let Some(t) = fetched_at {
            let secs = (OffsetDateTime::now_utc() - t).as_seconds_f64();
            if secs >= 0.0 {
                self.metrics.end_to_end_seconds.observe(secs);
            }
        }
        let body_chars = article.stats.body_chars;
        tracing::info!(subject = %subject, id = %article.id, body_chars, "article published");
        Ok(())
    }

    /// Publishes the dead letter: the original payload and headers plus the reason. A letter
    /// over the server's `max_payload` can never be published, so it is sent again without the
    /// original payload (its size and [`message::HEADER_TRUNCATED`] say so), and if still too
    /// large without the original headers too: the page always leaves a trace and is acked.
    async fn publish_dead_letter(
        &self,
        letter: &Letter<'_>,
        reason: &str,
        error: &str,
    ) -> Result<(), String> {
        let full = dead_letter_headers(
            letter.subject,
            letter.headers,
            reason,
            error,
            letter.delivered,
            letter.msg_id,
        );
        let mut failure = match self
            .send_dead_letter(full, letter.payload.clone(), letter)
            .await
        {
            Ok(()) => None,
            Err(PublishFailure::Other(e)) => return Err(e),
            Err(PublishFailure::TooLarge(e)) => Some(e),
        };
        for (original_headers, truncated) in
            [(letter.headers, "payload"), (None, "payload,headers")]
        {
            let Some(too_large) = failure.take() else {
                break;
            };
            tracing::warn!(
                reason,
                size = letter.payload.len(),
                max_payload = self.client.server_info().max_payload,
                truncated,
                error = %too_large,
                "dead letter over max_payload; sending it without the original {truncated}"
            );
            let mut headers = dead_letter_headers(
                letter.subject,
                original_headers,
                reason,
                error,
                letter.delivered,
                letter.msg_id,
            );
            headers.insert(message::HEADER_TRUNCATED, truncated);
            headers.insert(
                message::HEADER_ORIGINAL_SIZE,
                letter.payload.len().to_string().as_str(),
            );
            failure = match self.send_dead_letter(headers, Bytes::new(), letter).await {
                Ok(()) => None,
                Err(PublishFailure::Other(e)) => return Err(e),
                Err(PublishFailure::TooLarge(e)) => Some(e),
            };
        }
        if let Some(e) = failure {
            return Err(e);
        }
        self.metrics
            .dead_lettered
            .with_label_values(&[reason])
            .inc();
        tracing::info!(reason, "page dead-lettered");
        Ok(())
    }

    async fn send_dead_letter(
        &self,
        headers: HeaderMap,
        payload: Bytes,
        letter: &Letter<'_>,
    ) -> Result<(), PublishFailure> {
        let target = self.cfg.output.dlq_subject.clone();
        if letter.msg_id.is_some() {
            self.js
                .publish_with_headers(target, headers, payload)
                .await
                .map_err(|e| PublishFailure::from_jetstream(&e))?
                .await
                .map_err(|e| PublishFailure::from_jetstream(&e))?;
        } else {
            self.client
                .publish_with_headers(target, headers, payload)
                .await
                .map_err(|e| PublishFailure::from_core(&e))?;
        }
        Ok(())
    }

    async fn dead_letter_or_nak(
        &self,
        msg: &jetstream::Message,
        letter: &Letter<'_>,
        reason: &str,
        error: &str,
    ) {
        match self.publish_dead_letter(letter, reason, error).await {
            Ok(()) => ack(msg, AckKind::Ack).await,
            Err(e) => {
                self.metrics.publish_errors.inc();
                self.backpressure.refused().await;
                tracing::warn!(error = %e, "dead-letter publish failed; redelivery follows");
                let delay = self.nak_delay(letter.delivered);
                ack(msg, AckKind::Nak(Some(delay))).await;
            }
        }
    }

    fn nak_delay(&self, delivered: u32) -> Duration {
        nak_delay(&self.cfg.input.nak_backoff_ms, delivered)
    }
}

/// Counts a page in `akhbar_pages_in_flight` for as long as it lives.
struct InFlight(Metrics);

impl InFlight {
    fn new(metrics: &Metrics) -> Self {
        metrics.pages_in_flight.inc();
        InFlight(metrics.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.pages_in_flight.dec();
    }
}

/// Acks (waiting for the server's confirmation, so a drained shutdown really is acked) or naks.
async fn ack(msg: &jetstream::Message, kind: AckKind) {
    let (what, result) = match kind {
        AckKind::Ack => ("ack", msg.double_ack().await),
        other => ("nak", msg.ack_with(other).await),
    };
    if let Err(e) = result {
        let error = error_chain(&*e);
        tracing::warn!(error = %error, what, "acknowledgement failed; redelivery follows");
    }
}

/// Polls the consumer's pending counts into the metrics; a failed poll marks the service unready.
async fn poll_consumer(
    mut consumer: jetstream::consumer::Consumer<pull::Config>,
    metrics: Metrics,
    readiness: Readiness,
    every: Duration,
    mut shutdown: Shutdown,
) {
    loop {
        match consumer.info().await {
            Ok(info) => {
                metrics
                    .consumer_pending
                    .set(i64::try_from(info.num_pending).unwrap_or(i64::MAX));
                metrics
                    .consumer_ack_pending
                    .set(i64::try_from(info.num_ack_pending).unwrap_or(i64::MAX));
                if !shutdown.is_triggered() {
                    readiness.set_bound(true);
                }
            }
            Err(e) => {
                readiness.set_bound(false);
                tracing::warn!(error = %error_chain(&e), "consumer info failed");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait() => return,
        }
    }
}

/// Runs `work` (processing and publishing one page) while telling the server, `every` (half the
/// ack wait), that the page is still being worked on, so a slow page (a long fetch, a long
/// extraction, a slow publish) is not redelivered to another worker meanwhile.
async fn with_progress<T>(
    msg: &jetstream::Message,
    every: Duration,
    work: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(work);
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = ticker.tick() => {
                match msg.ack_with(AckKind::Progress).await {
                    Ok(()) => tracing::debug!("still working: progress ack sent"),
                    Err(e) => tracing::debug!(error = %error_chain(&*e), "progress ack failed"),
                }
            }
        }
    }
}

/// How often a page still being worked on is reported to the server: half the ack wait, so
/// the server never sees the ack wait pass (at least every 500 ms for very short waits).
pub fn progress_interval(ack_wait: Duration) -> Duration {
    (ack_wait / 2).max(Duration::from_millis(500))
}

/// Delay before redelivery after the `delivered`-th attempt failed.
pub fn nak_delay(backoff_ms: &[u64], delivered: u32) -> Duration {
    let i = usize::try_from(delivered.saturating_sub(1)).unwrap_or(usize::MAX);
    let ms = backoff_ms
        .get(i)
        .or(backoff_ms.last())
        .copied()
        .unwrap_or(1_000);
    Duration::from_millis(ms)
}

/// The subject of an article event: the template with `{site}` replaced by [`site_token`].
pub fn output_subject(template: &str, article: &Article) -> String {
    let token = site_token(&article.site)
        .or_else(|| {
            article
                .url
                .as_deref()
                .and_then(crate::extract::article::host_of)
                .and_then(|h| site_token(&h))
        })
        .unwrap_or_else(|| "unknown".to_string());
    template.replace("{site}", &token)
}

/// A site name as one subject token: lower-case ASCII letters, digits, `-` and `_`; every other
/// run of characters becomes one `_`. `None` when nothing usable is left (e.g. an Arabic name).
pub fn site_token(site: &str) -> Option<String> {
    let mut out = String::new();
    for c in site.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    out.chars()
        .any(|c| c.is_ascii_alphanumeric())
        .then_some(out)
}

/// Headers of a dead letter: the original headers kept, plus reason, error, subject, deliveries.
pub fn dead_letter_headers(
    subject: &str,
    original: Option<&HeaderMap>,
    reason: &str,
    error: &str,
    delivered: u32,
    msg_id: Option<&str>,
) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(orig) = original {
        for (name, values) in orig.iter() {
            let n: &str = name.as_ref();
            if n.eq_ignore_ascii_case(message::HEADER_MSG_ID) || n.starts_with("Nats-") {
                continue;
            }
            for v in values {
                headers.append(n, v.as_str());
            }
        }
    }
    headers.insert(message::HEADER_REASON, reason);
    headers.insert(message::HEADER_ERROR, header_text(error).as_str());
    headers.insert(message::HEADER_SUBJECT, subject);
    headers.insert(message::HEADER_DELIVERIES, delivered.to_string().as_str());
    if let Some(id) = msg_id {
        headers.insert(message::HEADER_MSG_ID, id);
    }
    headers
}

/// An error message made safe for a header value: one line, bounded length.
fn header_text(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if out.len() > MAX_ERROR_HEADER {
        let mut cut = MAX_ERROR_HEADER;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

fn header_safe(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_names_become_single_subject_tokens() {
        assert_eq!(
            site_token("www.AlJazeera.net").as_deref(),
            Some("www_aljazeera_net")
        );
        assert_eq!(site_token("Sky News عربية").as_deref(), Some("sky_news"));
        assert_eq!(site_token("  a..b  ").as_deref(), Some("a_b"));
        assert_eq!(site_token("الجزيرة"), None);
        assert_eq!(site_token("news-24_x").as_deref(), Some("news-24_x"));
    }

    #[test]
    fn an_arabic_site_name_falls_back_to_the_host() {
        let mut a = crate::extract::extract(
            "<html><body><article><p>نص المقال الأول هنا وهو طويل بما يكفي ليكون مقالا كاملا.</p></article></body></html>".as_bytes(),
            &PageMeta {
                url: Some("https://www.example.com/x".to_string()),
                content_type: Some("text/html; charset=utf-8".to_string()),
            },
        )
        .unwrap();
        a.site = "الجزيرة".to_string();
        assert_eq!(
            output_subject("news.clean.{site}", &a),
            "news.clean.www_example_com"
        );
        a.url = None;
        assert_eq!(
            output_subject("news.clean.{site}", &a),
            "news.clean.unknown"
        );
    }

    #[test]
    fn nak_delay_follows_the_backoff_list_and_repeats_the_last() {
        let b = [100, 200, 400];
        assert_eq!(nak_delay(&b, 1), Duration::from_millis(100));
        assert_eq!(nak_delay(&b, 3), Duration::from_millis(400));
        assert_eq!(nak_delay(&b, 9), Duration::from_millis(400));
        assert_eq!(nak_delay(&[], 1), Duration::from_millis(1000));
    }

    #[test]
    fn dead_letter_headers_keep_the_originals_and_add_the_reason() {
        let mut orig = HeaderMap::new();
        orig.insert(message::HEADER_URL, "https://e.com/x");
        orig.insert(message::HEADER_MSG_ID, "crawler-id");
        let h = dead_letter_headers(
            "news.raw.x",
            Some(&orig),
            "binary",
            "line1\nline2",
            2,
            Some("dlq:S:7"),
        );
        assert_eq!(
            h.get(message::HEADER_URL).map(|v| v.as_str()),
            Some("https://e.com/x")
        );
        assert_eq!(
            h.get(message::HEADER_REASON).map(|v| v.as_str()),
            Some("binary")
        );
        assert_eq!(
            h.get(message::HEADER_ERROR).map(|v| v.as_str()),
            Some("line1 line2")
        );
        assert_eq!(
            h.get(message::HEADER_SUBJECT).map(|v| v.as_str()),
            Some("news.raw.x")
        );
        assert_eq!(
            h.get(message::HEADER_DELIVERIES).map(|v| v.as_str()),
            Some("2")
        );
        assert_eq!(
            h.get(message::HEADER_MSG_ID).map(|v| v.as_str()),
            Some("dlq:S:7")
        );
    }

    #[test]
    fn long_errors_are_cut_for_the_header() {
        let long = "خطأ ".repeat(500);
        let t = header_text(&long);
        assert!(t.len() <= MAX_ERROR_HEADER + '…'.len_utf8());
    }

    #[tokio::test]
    async fn backpressure_pause_grows_with_refusals_and_ends_on_success() {
        let b = Backpressure::default();
        let first = b.refused().await;
        let second = b.refused().await;
        assert!(second > first);
        assert!(b.paused_until().await.is_some());
        b.accepted().await;
        assert!(b.paused_until().await.is_none());
    }
}

//! The durable JetStream pull consumer (at-least-once).
//!
//! Delivery rules:
//! - the input is acked only after the article or the dead letter is acknowledged by JetStream;
//! - a failed publish naks the input with a growing delay and pauses pulling (back-pressure);
//! - a page failing on its `max_deliveries`-th delivery (or seen again after it) is dead-lettered
//!   with reason `max_deliveries`;
//! - a page still being worked on sends progress acks, so it is not redelivered meanwhile;
//! - after repeated pull failures the consumer is bound again (it may have been deleted).

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, consumer::pull, AckKind};
use futures::StreamExt;
use time::OffsetDateTime;
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::Pipeline;
use crate::service::backoff::Backoff;
use crate::service::events::{
    AfterPublishFailure, ConsumerPollFailed, ConsumerPolled, Emit, PageInFlight, PageReceived,
    PublishFailed, PullFailed,
};
use crate::service::http::Readiness;
use crate::service::metrics::Metrics;
use crate::service::nats::error_chain;
use crate::service::outcome::PageError;
use crate::service::publish::{Letter, Mode};
use crate::service::shutdown::Shutdown;

/// How long one pull request waits for messages before it is renewed.
const PULL_EXPIRES: Duration = Duration::from_secs(1);

/// The bound durable consumer.
pub type PullConsumer = jetstream::consumer::Consumer<pull::Config>;

/// Pause of the pull loop while downstream refuses (100 ms doubling up to 5 s).
const BACKPRESSURE: Backoff =
    Backoff::exponential(Duration::from_millis(100), Duration::from_secs(5));
/// Pause before a failed pull is renewed (200 ms doubling up to 5 s).
const PULL_RETRY: Backoff =
    Backoff::exponential(Duration::from_millis(200), Duration::from_secs(5));

/// Pause of the pull loop after downstream refusals: grows while publishes fail, ends on success.
#[derive(Debug, Default)]
pub struct Backpressure {
    state: Mutex<(Option<Instant>, u32)>,
}

impl Backpressure {
    /// Records a refusal; returns the pause now in force.
    async fn refused(&self) -> Duration {
        let mut state = self.state.lock().await;
        state.1 = state.1.saturating_add(1);
        let pause = BACKPRESSURE.delay(state.1);
        state.0 = Some(Instant::now() + pause);
        pause
    }

    /// Records an accepted publish: the pause ends.
    async fn accepted(&self) {
        let mut state = self.state.lock().await;
        *state = (None, 0);
    }

    /// When pulling may resume, if it is paused.
    async fn paused_until(&self) -> Option<Instant> {
        let state = self.state.lock().await;
        state.0.filter(|t| *t > Instant::now())
    }
}

impl Pipeline {
    /// Pulls from the durable consumer until shutdown, then drains in-flight pages within the
    /// grace period. Returns the number of pages still unfinished when the grace period ended.
    pub async fn run_jetstream(
        &self,
        mut consumer: PullConsumer,
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
        let js = jetstream::new(self.client.clone());
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
            let Some(first) = super::free_slot(&slots, &mut shutdown).await else {
                break;
            };
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
                                tasks
                                    .spawn(async move { this.handle(msg, permit, progress).await });
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
                let pause = PULL_RETRY.delay(pull_errors);
                PullFailed {
                    error: &error,
                    retry_ms: pause.as_millis() as u64,
                }
                .emit(&self.metrics);
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.wait() => break,
                }
                if pull_errors % 5 == 0 {
                    match crate::service::topology::ensure_topology(&js, &self.cfg, &self.metrics)
                        .await
                    {
                        Ok(c) => {
                            consumer = c;
                            progress = self.progress_every(&consumer);
                        }
                        Err(e) => tracing::warn!(error = %error_chain(&e), "consumer unavailable"),
                    }
                }
            }
        }
        readiness.set_bound(false);
        poller.abort();
        self.drain(tasks).await
    }

    /// How often in-progress acks go out: half the consumer's real ack wait (a consumer created
    /// elsewhere may have a shorter one than `input.ack_wait_secs`), or of the configured one.
    fn progress_every(&self, consumer: &PullConsumer) -> Duration {
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

    /// One message, start to finish: process, publish, then ack, nak or dead-letter.
    async fn handle(
        &self,
        msg: jetstream::Message,
        permit: OwnedSemaphorePermit,
        progress: Duration,
    ) {
        let _permit = permit;
        let _in_flight = PageInFlight::start(&self.metrics);
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
            PageReceived {
                bytes: msg.payload.len(),
                delivered,
            }
            .emit(&self.metrics);
            let letter = Letter {
                subject: msg.subject.as_str(),
                headers: msg.headers.as_ref(),
                payload: &msg.payload,
                delivered,
                msg_id: Some(dead_letter_id(&stream, sequence)),
            };
            let max = self.cfg.input.max_deliveries;
            if delivered > max {
                let error = PageError::OverDelivered { delivered, max };
                self.dead_letter_or_nak(&msg, &letter, &error).await;
                return;
            }
            let work = async {
                let (outcome, fetched_at) = self
                    .processor
                    .process(msg.headers.as_ref(), &msg.payload)
                    .await;
                self.publisher
                    .outcome(outcome, fetched_at, &letter, Mode::JetStream)
                    .await
            };
            match with_progress(&msg, progress, work).await {
                Ok(()) => {
                    self.backpressure.accepted().await;
                    ack(&msg, AckKind::Ack).await;
                }
                Err(error) => {
                    let pause = self.backpressure.refused().await;
                    PublishFailed {
                        error: &error,
                        then: AfterPublishFailure::Redelivery {
                            pause_ms: pause.as_millis() as u64,
                        },
                    }
                    .emit(&self.metrics);
                    if delivered >= max {
                        let error = PageError::LastDeliveryFailed {
                            delivered,
                            last: error,
                        };
                        self.dead_letter_or_nak(&msg, &letter, &error).await;
                    } else {
                        ack(&msg, AckKind::Nak(Some(self.nak_delay(delivered)))).await;
                    }
                }
            }
        }
        .instrument(span)
        .await;
    }

    async fn dead_letter_or_nak(
        &self,
        msg: &jetstream::Message,
        letter: &Letter<'_>,
        error: &PageError,
    ) {
        match self
            .publisher
            .dead_letter(letter, error, Mode::JetStream)
            .await
        {
            Ok(()) => ack(msg, AckKind::Ack).await,
            Err(e) => {
                self.backpressure.refused().await;
                PublishFailed {
                    error: &e,
                    then: AfterPublishFailure::DeadLetterRedelivery,
                }
                .emit(&self.metrics);
                let delay = self.nak_delay(letter.delivered);
                ack(msg, AckKind::Nak(Some(delay))).await;
            }
        }
    }

    /// Delay before redelivery after the `delivered`-th attempt failed (`input.nak_backoff_ms`).
    fn nak_delay(&self, delivered: u32) -> Duration {
        Backoff::steps_ms(&self.cfg.input.nak_backoff_ms).delay(delivered)
    }
}

/// `Nats-Msg-Id` of a page's dead letter. The stream sequence names the page across
/// redeliveries; without it (no JetStream metadata) a unique id keeps two such dead letters
/// from being taken as duplicates.
fn dead_letter_id(stream: &str, sequence: u64) -> String {
    if sequence > 0 {
        format!("dlq:{stream}:{sequence}")
    } else {
        format!(
            "dlq:{stream}:unsequenced-{}",
            OffsetDateTime::now_utc().unix_timestamp_nanos()
        )
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
    mut consumer: PullConsumer,
    metrics: Metrics,
    readiness: Readiness,
    every: Duration,
    mut shutdown: Shutdown,
) {
    loop {
        match consumer.info().await {
            Ok(info) => {
                ConsumerPolled {
                    pending: info.num_pending,
                    ack_pending: info.num_ack_pending,
                }
                .emit(&metrics);
                if !shutdown.is_triggered() {
                    readiness.set_bound(true);
                }
            }
            Err(e) => {
                readiness.set_bound(false);
                ConsumerPollFailed { error: &e }.emit(&metrics);
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

#[cfg(test)]
mod tests {
    use super::*;

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

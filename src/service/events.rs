//! Internal events: one struct per thing that happens to a page or to the connection. Its
//! [`Emit::emit`] writes the log line and updates the metrics together, so the two never drift
//! and each is written in exactly one place. A new counter or log line for an existing
//! happening goes into its event here; the metric itself is defined in [`super::metrics`].
//!
//! Log levels: what happens to one page is `debug` (at 2,000 pages/s, info lines per page would
//! flood the log shipper); `info` carries state changes (connected, ready, draining, streams
//! created or updated) and the periodic [`Summary`]; `warn`/`error` what needs a look.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_nats::jetstream::stream;
use time::OffsetDateTime;

use super::metrics::{Metrics, Output, StoryOutcome, FETCH_OK};
use super::nats::{error_chain, ConnectionEvent};
use super::outcome::{PageError, Reason};
use super::publish::PublishError;
use super::stories::StoriesError;
use super::topology::Difference;
use crate::extract::{Article, Story};

/// An event that logs and counts itself.
pub trait Emit {
    /// Writes the event's log line (if any) and updates its metrics.
    fn emit(self, metrics: &Metrics);
}

/// A message was taken off the input subjects.
#[derive(Debug)]
pub struct PageReceived {
    /// Payload size in bytes.
    pub bytes: usize,
    /// How many times the message has been delivered (1 in core mode).
    pub delivered: u32,
}

impl Emit for PageReceived {
    fn emit(self, m: &Metrics) {
        m.pages_received.inc();
        m.received_bytes.inc_by(self.bytes as u64);
        if self.delivered > 1 {
            m.redeliveries.inc();
        }
    }
}

/// An article event was published (and, in JetStream mode, acknowledged).
#[derive(Debug)]
pub struct ArticlePublished<'a> {
    /// The article.
    pub article: &'a Article,
    /// The subject it went to.
    pub subject: &'a str,
    /// Size of the event in bytes.
    pub bytes: u64,
    /// When the crawler fetched the page, if it said so (start of the end-to-end latency).
    pub fetched_at: Option<OffsetDateTime>,
}

impl Emit for ArticlePublished<'_> {
    fn emit(self, m: &Metrics) {
        m.articles_published.inc();
        m.published_bytes.inc_by(self.bytes);
        for (kind, n) in &self.article.stats.removed {
            m.boilerplate_removed
                .with_label_values(&[kind.as_str()])
                .inc_by(*n);
        }
        if let Some(t) = self.fetched_at {
            let secs = (OffsetDateTime::now_utc() - t).as_seconds_f64();
            if secs >= 0.0 {
                m.end_to_end_seconds.observe(secs);
            }
        }
        let body_chars = self.article.stats.body_chars;
        tracing::debug!(subject = %self.subject, id = %self.article.id, body_chars, "article published");
    }
}

/// The output stream acknowledged a publish as a duplicate of one within its window (a
/// redelivered page whose event or letter was already stored): nothing new was stored.
#[derive(Debug)]
pub struct DuplicateDropped<'a> {
    /// Which output.
    pub output: Output,
    /// The subject it was sent to.
    pub subject: &'a str,
    /// Its `Nats-Msg-Id`.
    pub id: &'a str,
}

impl Emit for DuplicateDropped<'_> {
    fn emit(self, m: &Metrics) {
        let output = self.output.label();
        m.output_duplicates.with_label_values(&[output]).inc();
        tracing::debug!(output, subject = %self.subject, id = %self.id, "duplicate dropped by the server");
    }
}

/// A page gave no article (its dead letter follows).
#[derive(Debug)]
pub struct PageRejected<'a> {
    /// Why.
    pub error: &'a PageError,
}

impl Emit for PageRejected<'_> {
    fn emit(self, m: &Metrics) {
        let reason = self.error.reason().code();
        m.pages_rejected.with_label_values(&[reason]).inc();
        tracing::debug!(reason, error = %error_chain(self.error), "page rejected");
    }
}

/// A dead letter was published (and, in JetStream mode, acknowledged).
#[derive(Debug)]
pub struct DeadLettered {
    /// Its reason.
    pub reason: Reason,
}

impl Emit for DeadLettered {
    fn emit(self, m: &Metrics) {
        let reason = self.reason.code();
        m.dead_lettered.with_label_values(&[reason]).inc();
        tracing::debug!(reason, "page dead-lettered");
    }
}

/// A dead letter is over the server's `max_payload` and is sent again with less in it.
#[derive(Debug)]
pub struct DeadLetterTruncated<'a> {
    /// Its reason.
    pub reason: Reason,
    /// Size of the original payload.
    pub size: usize,
    /// The server's `max_payload`.
    pub max_payload: usize,
    /// What is left out next: `payload` or `payload,headers`.
    pub truncated: &'a str,
    /// The refused publish.
    pub error: &'a PublishError,
}

impl Emit for DeadLetterTruncated<'_> {
    fn emit(self, _m: &Metrics) {
        let truncated = self.truncated;
        tracing::warn!(
            reason = self.reason.code(),
            size = self.size,
            max_payload = self.max_payload,
            truncated,
            error = %error_chain(self.error),
            "dead letter over max_payload; sending it without the original {truncated}"
        );
    }
}

/// What happens to a page whose article or dead letter could not be published.
#[derive(Debug, Clone, Copy)]
pub enum AfterPublishFailure {
    /// The input is nak'ed and pulling pauses this many milliseconds (JetStream).
    Redelivery {
        /// The pull loop's pause.
        pause_ms: u64,
    },
    /// The dead letter failed; the input is nak'ed (JetStream).
    DeadLetterRedelivery,
    /// Nothing is redelivered: the page is lost (core mode, at-most-once).
    Lost,
}

/// Publishing an article event or a dead letter failed.
#[derive(Debug)]
pub struct PublishFailed<'a> {
    /// The failure.
    pub error: &'a PublishError,
    /// What follows.
    pub then: AfterPublishFailure,
}

impl Emit for PublishFailed<'_> {
    fn emit(self, m: &Metrics) {
        m.publish_errors.inc();
        let error = error_chain(self.error);
        match self.then {
            AfterPublishFailure::Redelivery { pause_ms } => {
                tracing::warn!(error = %error, pause_ms, "publish failed");
            }
            AfterPublishFailure::DeadLetterRedelivery => {
                tracing::warn!(error = %error, "dead-letter publish failed; redelivery follows");
            }
            AfterPublishFailure::Lost => {
                tracing::error!(error = %error, "publish failed; page lost (core mode)");
            }
        }
    }
}

/// A URL-only page was fetched, or its fetch failed with `reason`.
#[derive(Debug)]
pub struct FetchFinished {
    /// `None` on success, else the fetch reason.
    pub failure: Option<Reason>,
}

impl Emit for FetchFinished {
    fn emit(self, m: &Metrics) {
        let outcome = self.failure.map_or(FETCH_OK, Reason::code);
        m.fetches.with_label_values(&[outcome]).inc();
    }
}

/// One extraction ended (with an article, a rejection, a panic or a timeout).
#[derive(Debug)]
pub struct ExtractionFinished {
    /// Time spent, in seconds.
    pub seconds: f64,
}

impl Emit for ExtractionFinished {
    fn emit(self, m: &Metrics) {
        m.extraction_seconds.observe(self.seconds);
    }
}

/// An extraction panicked (a bug in the extraction library).
#[derive(Debug)]
pub struct ExtractionPanicked<'a> {
    /// The join error carrying the panic.
    pub error: &'a tokio::task::JoinError,
}

impl Emit for ExtractionPanicked<'_> {
    fn emit(self, _m: &Metrics) {
        tracing::error!(error = %self.error, "extraction panicked");
    }
}

/// An extraction outlived `processing.extract_timeout_secs`.
#[derive(Debug)]
pub struct ExtractionTimedOut {
    /// The limit, in seconds.
    pub limit_secs: u64,
}

impl Emit for ExtractionTimedOut {
    fn emit(self, _m: &Metrics) {
        tracing::warn!(limit_secs = self.limit_secs, "extraction timed out");
    }
}

/// A pull request to the durable consumer failed; it is renewed after `retry_ms`.
#[derive(Debug)]
pub struct PullFailed<'a> {
    /// The error, with its causes.
    pub error: &'a str,
    /// The pause before the next pull.
    pub retry_ms: u64,
}

impl Emit for PullFailed<'_> {
    fn emit(self, _m: &Metrics) {
        tracing::warn!(error = %self.error, retry_ms = self.retry_ms, "pull failed; renewing");
    }
}

/// The consumer's pending counts were polled.
#[derive(Debug)]
pub struct ConsumerPolled {
    /// Messages not yet delivered.
    pub pending: u64,
    /// Messages delivered and not yet acked.
    pub ack_pending: usize,
}

impl Emit for ConsumerPolled {
    fn emit(self, m: &Metrics) {
        m.consumer_pending
            .set(i64::try_from(self.pending).unwrap_or(i64::MAX));
        m.consumer_ack_pending
            .set(i64::try_from(self.ack_pending).unwrap_or(i64::MAX));
    }
}

/// Polling the consumer's pending counts failed.
#[derive(Debug)]
pub struct ConsumerPollFailed<'a> {
    /// The error.
    pub error: &'a (dyn std::error::Error + 'static),
}

impl Emit for ConsumerPollFailed<'_> {
    fn emit(self, _m: &Metrics) {
        tracing::warn!(error = %error_chain(self.error), "consumer info failed");
    }
}

/// The NATS client reported a connection event.
#[derive(Debug)]
pub struct NatsEvent<'a> {
    /// The event.
    pub event: &'a async_nats::Event,
    /// Whether a connection was seen before (a `connected` after it is a reconnection).
    pub seen_connected: &'a AtomicBool,
}

impl Emit for NatsEvent<'_> {
    fn emit(self, m: &Metrics) {
        use async_nats::Event;
        let label = ConnectionEvent::of(self.event).label();
        m.nats_events.with_label_values(&[label]).inc();
        match self.event {
            Event::Connected => {
                m.nats_connected.set(1);
                if self.seen_connected.swap(true, Ordering::SeqCst) {
                    m.nats_reconnects.inc();
                    tracing::info!(event = label, "reconnected to NATS");
                } else {
                    tracing::info!(event = label, "connected to NATS");
                }
            }
            Event::Disconnected => {
                m.nats_connected.set(0);
                tracing::warn!(event = label, "NATS connection lost; reconnecting");
            }
            Event::Closed => {
                m.nats_connected.set(0);
                tracing::info!(event = label, "NATS connection closed");
            }
            other => tracing::warn!(event = label, detail = %other, "NATS event"),
        }
    }
}

/// The first connection to NATS is up (the client's own event may come before or after).
#[derive(Debug)]
pub struct NatsConnected<'a> {
    /// The configured servers.
    pub servers: &'a str,
    /// The server's `max_payload`.
    pub max_payload: usize,
    /// Whether a connection was seen before.
    pub seen_connected: &'a AtomicBool,
}

impl Emit for NatsConnected<'_> {
    fn emit(self, m: &Metrics) {
        m.nats_connected.set(1);
        if !self.seen_connected.swap(true, Ordering::SeqCst) {
            tracing::info!(servers = %self.servers, max_payload = self.max_payload, "connected to NATS");
        }
    }
}

/// The input was bound (the consumer looked up, the subscriptions made) or released (shutdown, a
/// failed consumer poll): `/readyz` follows it. Emitted on changes only.
#[derive(Debug)]
pub struct InputBound {
    /// Whether the input is bound now.
    pub bound: bool,
}

impl Emit for InputBound {
    fn emit(self, m: &Metrics) {
        let connected = m.nats_connected.get() == 1;
        if self.bound {
            tracing::info!(nats_connected = connected, "input bound: ready");
        } else {
            tracing::info!(nats_connected = connected, "input released: not ready");
        }
    }
}

/// Shutdown began: no more pulls; the pages in flight get the grace period to finish.
#[derive(Debug)]
pub struct DrainStarted {
    /// Pages in flight.
    pub in_flight: usize,
    /// `shutdown.grace_period_secs`.
    pub grace: Duration,
}

impl Emit for DrainStarted {
    fn emit(self, _m: &Metrics) {
        tracing::info!(
            in_flight = self.in_flight,
            grace_secs = self.grace.as_secs(),
            "draining in-flight pages"
        );
    }
}

/// The drain ended: every page finished, or the grace period ran out.
#[derive(Debug)]
pub struct DrainFinished {
    /// Pages still unfinished (left unacked: NATS redelivers them).
    pub unfinished: usize,
}

impl Emit for DrainFinished {
    fn emit(self, _m: &Metrics) {
        if self.unfinished == 0 {
            tracing::info!("drained: every in-flight page finished");
        } else {
            tracing::warn!(
                unfinished = self.unfinished,
                "grace period over; unfinished pages stay unacked and will be redelivered"
            );
        }
    }
}

/// What the pipeline did over the last `log.summary_secs`: the info-level heartbeat that
/// replaces per-page lines.
#[derive(Debug)]
pub struct Summary<'a> {
    /// The interval covered.
    pub interval: Duration,
    /// Pages received in it.
    pub pages: u64,
    /// Articles published in it.
    pub articles: u64,
    /// Pages rejected in it.
    pub rejected: u64,
    /// Rejections by reason, `reason=count` separated by commas (empty when none).
    pub rejections: &'a str,
    /// Dead letters published in it.
    pub dead_lettered: u64,
    /// Failed publishes in it.
    pub publish_errors: u64,
    /// Messages waiting in the stream (last poll).
    pub pending: i64,
    /// Pages in flight now.
    pub in_flight: i64,
}

impl Emit for Summary<'_> {
    fn emit(self, _m: &Metrics) {
        tracing::info!(
            interval_secs = self.interval.as_secs(),
            pages = self.pages,
            articles = self.articles,
            rejected = self.rejected,
            rejections = %self.rejections,
            dead_lettered = self.dead_lettered,
            publish_errors = self.publish_errors,
            pending = self.pending,
            in_flight = self.in_flight,
            "summary"
        );
    }
}

/// A stream was created with the configured settings.
#[derive(Debug)]
pub struct StreamCreated<'a> {
    /// Its configuration.
    pub config: &'a stream::Config,
}

impl Emit for StreamCreated<'_> {
    fn emit(self, _m: &Metrics) {
        let c = self.config;
        tracing::info!(
            stream = %c.name,
            retention = ?c.retention,
            max_age_secs = c.max_age.as_secs(),
            max_bytes = c.max_bytes,
            replicas = c.num_replicas,
            discard = ?c.discard,
            "stream created"
        );
    }
}

/// An existing stream differs from the configuration and is used as it is: one warning per
/// difference. Either `nats.update_streams` is off, or JetStream cannot change the setting on
/// an existing stream (`in_place` false: storage, retention to or from a work queue).
#[derive(Debug)]
pub struct StreamDiffers<'a> {
    /// The stream.
    pub stream: &'a str,
    /// What differs.
    pub differences: &'a [Difference],
    /// Whether `nats.update_streams = true` would apply it.
    pub in_place: bool,
}

impl Emit for StreamDiffers<'_> {
    fn emit(self, _m: &Metrics) {
        for d in self.differences {
            if self.in_place {
                tracing::warn!(
                    stream = %self.stream,
                    setting = d.setting,
                    current = %d.current,
                    configured = %d.configured,
                    "stream differs from the configuration; left as it is (nats.update_streams = true applies it)"
                );
            } else {
                tracing::warn!(
                    stream = %self.stream,
                    setting = d.setting,
                    current = %d.current,
                    configured = %d.configured,
                    "stream differs from the configuration in a setting JetStream cannot change in place; recreate the stream to apply it"
                );
            }
        }
    }
}

/// An existing stream was updated to the configuration (`nats.update_streams`).
#[derive(Debug)]
pub struct StreamUpdated<'a> {
    /// The stream.
    pub stream: &'a str,
    /// What changed.
    pub differences: &'a [Difference],
}

impl Emit for StreamUpdated<'_> {
    fn emit(self, _m: &Metrics) {
        for d in self.differences {
            tracing::info!(
                stream = %self.stream,
                setting = d.setting,
                from = %d.current,
                to = %d.configured,
                "stream updated"
            );
        }
    }
}

/// A stream keeps everything forever (no age, size or count limit): its disk use only grows.
#[derive(Debug)]
pub struct StreamUnbounded<'a> {
    /// The stream.
    pub stream: &'a str,
}

impl Emit for StreamUnbounded<'_> {
    fn emit(self, _m: &Metrics) {
        tracing::error!(
            stream = %self.stream,
            "stream has no limits (no max_age, max_bytes or max_msgs): it grows until the disk is full; set [streams.*] and nats.update_streams = true"
        );
    }
}

/// An article was given its story by the shared index.
#[derive(Debug)]
pub struct StoryAssigned<'a> {
    /// The article's id.
    pub id: &'a str,
    /// Its story.
    pub story: &'a Story,
    /// Time the lookup took, in seconds.
    pub seconds: f64,
}

impl Emit for StoryAssigned<'_> {
    fn emit(self, m: &Metrics) {
        let outcome = if self.story.duplicate_of.is_some() {
            StoryOutcome::Duplicate
        } else {
            StoryOutcome::New
        };
        m.stories.with_label_values(&[outcome.label()]).inc();
        m.story_lookup_seconds.observe(self.seconds);
        tracing::debug!(
            id = %self.id,
            story = %self.story.id,
            duplicate_of = self.story.duplicate_of.as_deref(),
            similarity = self.story.similarity,
            "story assigned"
        );
    }
}

/// The story index could not be read or written: the article goes out without a story.
#[derive(Debug)]
pub struct StoryLookupFailed<'a> {
    /// The article's id.
    pub id: &'a str,
    /// The store's error.
    pub error: &'a StoriesError,
    /// Time spent before the failure, in seconds.
    pub seconds: f64,
}

impl Emit for StoryLookupFailed<'_> {
    fn emit(self, m: &Metrics) {
        m.stories
            .with_label_values(&[StoryOutcome::Failed.label()])
            .inc();
        m.story_lookup_seconds.observe(self.seconds);
        tracing::warn!(id = %self.id, error = %error_chain(self.error), "story lookup failed; publishing without a story");
    }
}

/// A near-duplicate was not published (`stories.duplicates = "drop"`).
#[derive(Debug)]
pub struct DuplicateStoryDropped<'a> {
    /// The article's id.
    pub id: &'a str,
    /// Its story's first article.
    pub story: &'a str,
}

impl Emit for DuplicateStoryDropped<'_> {
    fn emit(self, _m: &Metrics) {
        tracing::debug!(id = %self.id, story = %self.story, "near-duplicate dropped");
    }
}

/// Site memory learned one page (or found its article remembered already).
#[derive(Debug)]
pub struct SitePageLearned {
    /// The page counted (its article was new to the site's model).
    pub counted: bool,
    /// Lines the site's template removed from the page's article.
    pub removed: u64,
}

impl Emit for SitePageLearned {
    fn emit(self, m: &Metrics) {
        if self.counted {
            m.site_memory_pages_learned.inc();
        }
        m.site_memory_lines_removed.inc_by(self.removed);
    }
}

/// A site's template changed, from this replica's pages or from the shared store.
#[derive(Debug)]
pub struct SiteTemplateChanged<'a> {
    /// The site.
    pub site: &'a str,
    /// Its template now.
    pub template: &'a crate::extract::SiteTemplate,
    /// Whether the change came with a model read from the store.
    pub from_store: bool,
}

impl Emit for SiteTemplateChanged<'_> {
    fn emit(self, _m: &Metrics) {
        tracing::info!(
            site = %self.site,
            revision = %self.template.revision(),
            lines = self.template.len(),
            from_store = self.from_store,
            "site template changed"
        );
    }
}

/// The site-memory store failed or did not answer; the replica goes on with its own models.
#[derive(Debug)]
pub struct SiteStoreFailed<'a> {
    /// The failure.
    pub error: &'a super::site_memory::store::StoreError,
    /// Seconds before the store is tried again.
    pub pause_secs: u64,
}

impl Emit for SiteStoreFailed<'_> {
    fn emit(self, m: &Metrics) {
        let op = self.error.op().label();
        m.site_memory_store_errors.with_label_values(&[op]).inc();
        m.site_memory_store_up.set(0);
        tracing::warn!(
            op,
            pause_secs = self.pause_secs,
            error = %error_chain(self.error),
            "site memory store failed; going on with this replica's models"
        );
    }
}

/// The site-memory store answers (at start, or again after a failure).
#[derive(Debug)]
pub struct SiteStoreAvailable<'a> {
    /// The bucket.
    pub bucket: &'a str,
}

impl Emit for SiteStoreAvailable<'_> {
    fn emit(self, m: &Metrics) {
        m.site_memory_store_up.set(1);
        tracing::info!(bucket = %self.bucket, "site memory store available");
    }
}

/// Counts a page in `akhbar_pages_in_flight` for as long as it lives.
#[derive(Debug)]
pub struct PageInFlight(Metrics);

impl PageInFlight {
    /// Counts one more page in flight until the guard is dropped.
    pub fn start(metrics: &Metrics) -> Self {
        metrics.pages_in_flight.inc();
        PageInFlight(metrics.clone())
    }
}

impl Drop for PageInFlight {
    fn drop(&mut self) {
        self.0.pages_in_flight.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_events_are_counted_and_reconnects_told_apart() {
        let m = Metrics::new().unwrap();
        let seen = AtomicBool::new(false);
        let event = |e: async_nats::Event| {
            NatsEvent {
                event: &e,
                seen_connected: &seen,
            }
            .emit(&m)
        };
        event(async_nats::Event::Connected);
        assert_eq!(m.nats_connected.get(), 1);
        assert_eq!(m.nats_reconnects.get(), 0);
        event(async_nats::Event::Disconnected);
        assert_eq!(m.nats_connected.get(), 0);
        event(async_nats::Event::Connected);
        assert_eq!(m.nats_reconnects.get(), 1);
        assert_eq!(m.nats_events.with_label_values(&["connected"]).get(), 2);
        assert_eq!(m.nats_events.with_label_values(&["disconnected"]).get(), 1);
    }
}

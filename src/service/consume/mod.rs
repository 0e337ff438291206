//! The input side: take pages off NATS with a bounded number in flight, hand each to
//! [`Processor`] then [`Publisher`], settle it with the bus, and drain on shutdown.
//!
//! - [`pull`]: the durable JetStream pull consumer (at-least-once): acks after the downstream ack,
//!   naks with a delay and pauses pulling while downstream refuses, dead-letters
//!   `max_deliveries`, keeps slow pages alive with progress acks.
//! - [`queue`]: the core-NATS queue group (at-most-once).

pub mod pull;
pub mod queue;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::config::Config;
use super::events::{DrainFinished, DrainStarted, Emit};
use super::metrics::Metrics;
use super::nats::error_chain;
use super::process::Processor;
use super::publish::Publisher;
use super::shutdown::Shutdown;

/// Everything the page tasks share.
#[derive(Clone)]
pub struct Pipeline {
    cfg: Arc<Config>,
    client: async_nats::Client,
    processor: Processor,
    publisher: Publisher,
    metrics: Metrics,
    backpressure: Arc<pull::Backpressure>,
}

impl Pipeline {
    /// Builds the pipeline from the configuration, a connected client and its two halves.
    pub fn new(
        cfg: Arc<Config>,
        client: async_nats::Client,
        processor: Processor,
        publisher: Publisher,
        metrics: Metrics,
    ) -> Pipeline {
        Pipeline {
            cfg,
            client,
            processor,
            publisher,
            metrics,
            backpressure: Arc::new(pull::Backpressure::default()),
        }
    }

    /// Waits up to `shutdown.grace_period_secs` for the page tasks still running, then aborts
    /// the rest (left unacked: NATS redelivers them) and flushes the connection. Returns the
    /// number of pages left unfinished.
    async fn drain(&self, mut tasks: JoinSet<()>) -> usize {
        let grace = Duration::from_secs(self.cfg.shutdown.grace_period_secs);
        DrainStarted {
            in_flight: tasks.len(),
            grace,
        }
        .emit(&self.metrics);
        let finished =
            tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
        let left = tasks.len();
        if finished.is_err() {
            tasks.abort_all();
        }
        DrainFinished { unfinished: left }.emit(&self.metrics);
        if let Err(e) = self.client.flush().await {
            tracing::warn!(error = %error_chain(&e), "flush at shutdown failed");
        }
        left
    }
}

/// Waits for a free in-flight slot; `None` once shutdown is requested.
async fn free_slot(
    slots: &Arc<Semaphore>,
    shutdown: &mut Shutdown,
) -> Option<OwnedSemaphorePermit> {
    tokio::select! {
        p = Arc::clone(slots).acquire_owned() => p.ok(),
        _ = shutdown.wait() => None,
    }
}

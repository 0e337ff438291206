//! The core-NATS queue group (at-most-once): nothing is acked, and a crash or a failed publish
//! loses the page.

use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tracing::Instrument;

use super::Pipeline;
use crate::service::events::{
    AfterPublishFailure, Emit, PageInFlight, PageReceived, PublishFailed,
};
use crate::service::http::Readiness;
use crate::service::publish::{Letter, Mode};
use crate::service::shutdown::Shutdown;

/// The queue subscriptions, one per input subject, read as one stream.
pub type Subscriptions = futures::stream::SelectAll<async_nats::Subscriber>;

impl Pipeline {
    /// Reads the queue subscriptions until shutdown, then drains in-flight pages within the
    /// grace period. Returns the number of pages still unfinished when the grace period ended.
    pub async fn run_core(
        &self,
        mut subscription: Subscriptions,
        readiness: Readiness,
        mut shutdown: Shutdown,
    ) -> usize {
        let slots = Arc::new(Semaphore::new(self.cfg.processing.in_flight));
        let mut tasks = JoinSet::new();
        readiness.set_bound(true);
        loop {
            while tasks.try_join_next().is_some() {}
            let Some(permit) = super::free_slot(&slots, &mut shutdown).await else {
                break;
            };
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

    async fn handle_core(&self, msg: async_nats::Message, permit: OwnedSemaphorePermit) {
        let _permit = permit;
        let _in_flight = PageInFlight::start(&self.metrics);
        let span = tracing::info_span!(
            "page",
            subject = %msg.subject,
            url = tracing::field::Empty,
            id = tracing::field::Empty,
        );
        async {
            PageReceived {
                bytes: msg.payload.len(),
                delivered: 1,
            }
            .emit(&self.metrics);
            let (outcome, fetched_at) = self
                .processor
                .process(msg.headers.as_ref(), &msg.payload)
                .await;
            let letter = Letter {
                subject: msg.subject.as_str(),
                headers: msg.headers.as_ref(),
                payload: &msg.payload,
                delivered: 1,
                msg_id: None,
            };
            let result = self
                .publisher
                .outcome(outcome, fetched_at, &letter, Mode::Core)
                .await;
            if let Err(error) = result {
                PublishFailed {
                    error: &error,
                    then: AfterPublishFailure::Lost,
                }
                .emit(&self.metrics);
            }
        }
        .instrument(span)
        .await;
    }
}

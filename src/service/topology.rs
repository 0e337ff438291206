//! The JetStream topology: the input, output and dead-letter streams, and the durable pull
//! consumer, created when `nats.create_streams` is on, else only looked up.

use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull, stream};

use super::config::Config;

/// A boxed error from the JetStream API.
type JetStreamError = Box<dyn std::error::Error + Send + Sync>;

/// A stream or the consumer is missing and creation is off, or creating it failed.
#[derive(Debug, thiserror::Error)]
#[error("JetStream {what}")]
pub struct TopologyError {
    /// Which stream or consumer.
    pub what: String,
    /// The server's answer.
    pub source: JetStreamError,
}

/// Makes sure the input, output and dead-letter streams exist (creating them when configured),
/// then binds the durable pull consumer (creating it when configured).
pub async fn ensure_topology(
    js: &jetstream::Context,
    cfg: &Config,
) -> Result<jetstream::consumer::Consumer<pull::Config>, TopologyError> {
    let create = cfg.nats.create_streams;
    let input = ensure_stream(
        js,
        create,
        stream::Config {
            name: cfg.input.stream.clone(),
            subjects: cfg.input.subjects.clone(),
            ..Default::default()
        },
    )
    .await?;
    ensure_stream(
        js,
        create,
        stream::Config {
            name: cfg.output.stream.clone(),
            subjects: cfg.output.subjects.clone(),
            duplicate_window: Duration::from_secs(cfg.output.duplicate_window_secs),
            ..Default::default()
        },
    )
    .await?;
    ensure_stream(
        js,
        create,
        stream::Config {
            name: cfg.output.dlq_stream.clone(),
            subjects: vec![cfg.output.dlq_subject.clone()],
            duplicate_window: Duration::from_secs(cfg.output.duplicate_window_secs),
            ..Default::default()
        },
    )
    .await?;
    let name = cfg.input.consumer.clone();
    let what = || format!("consumer {}", cfg.input.consumer);
    let consumer = if create {
        input
            .get_or_create_consumer(
                &name,
                pull::Config {
                    durable_name: Some(name.clone()),
                    ack_policy: jetstream::consumer::AckPolicy::Explicit,
                    ack_wait: Duration::from_secs(cfg.input.ack_wait_secs),
                    max_ack_pending: i64::try_from(cfg.processing.in_flight.max(1000))
                        .unwrap_or(1000),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| TopologyError {
                what: what(),
                source: Box::new(e),
            })?
    } else {
        input
            .get_consumer(&name)
            .await
            .map_err(|source| TopologyError {
                what: what(),
                source,
            })?
    };
    tracing::info!(stream = %cfg.input.stream, consumer = %name, "consumer bound");
    Ok(consumer)
}

async fn ensure_stream(
    js: &jetstream::Context,
    create: bool,
    config: stream::Config,
) -> Result<stream::Stream, TopologyError> {
    let what = format!("stream {}", config.name);
    let result = if create {
        js.get_or_create_stream(config)
            .await
            .map_err(|e| Box::new(e) as JetStreamError)
    } else {
        js.get_stream(&config.name)
            .await
            .map_err(|e| Box::new(e) as JetStreamError)
    };
    result.map_err(|source| TopologyError { what, source })
}

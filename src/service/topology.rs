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

/// The three streams as configured: raw pages, article events (with the duplicate window that
/// drops redelivered events), dead letters.
pub fn stream_configs(cfg: &Config) -> [stream::Config; 3] {
    let window = Duration::from_secs(cfg.output.duplicate_window_secs);
    let stream = |name: &str, subjects: &[String], duplicate_window| stream::Config {
        name: name.to_string(),
        subjects: subjects.to_vec(),
        duplicate_window,
        ..Default::default()
    };
    [
        stream(&cfg.input.stream, &cfg.input.subjects, Duration::ZERO),
        stream(&cfg.output.stream, &cfg.output.subjects, window),
        stream(
            &cfg.output.dlq_stream,
            std::slice::from_ref(&cfg.output.dlq_subject),
            window,
        ),
    ]
}

/// Makes sure the input, output and dead-letter streams exist (creating them when configured),
/// then binds the durable pull consumer (creating it when configured).
pub async fn ensure_topology(
    js: &jetstream::Context,
    cfg: &Config,
) -> Result<jetstream::consumer::Consumer<pull::Config>, TopologyError> {
    let create = cfg.nats.create_streams;
    let [raw, clean, dlq] = stream_configs(cfg);
    let input = ensure_stream(js, create, raw).await?;
    for config in [clean, dlq] {
        ensure_stream(js, create, config).await?;
    }
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

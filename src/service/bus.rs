//! The NATS side: connecting (auth, TLS, endless reconnects with backoff, every state change
//! logged and counted) and making sure the streams and the durable consumer exist.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull, stream};

use super::config::{Config, NatsConfig};
use super::events::{Emit, NatsConnected, NatsEvent};
use super::metrics::Metrics;

/// Why the bus could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The connection to NATS failed (unreachable, refused credentials, TLS failure).
    #[error("cannot connect to NATS at {servers}: {message}")]
    Connect {
        /// The configured servers.
        servers: String,
        /// The client's error, flattened.
        message: String,
    },
    /// A configured file (credentials) could not be read.
    #[error("cannot read {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A stream or the consumer is missing and creation is off, or creating it failed.
    #[error("JetStream {what}: {message}")]
    JetStream {
        /// Which stream or consumer.
        what: String,
        /// The server's answer.
        message: String,
    },
}

/// Connects to NATS as configured. The client reconnects forever with capped exponential backoff;
/// the event callback logs each state change and counts it in the metrics.
pub async fn connect(cfg: &NatsConfig, metrics: &Metrics) -> Result<async_nats::Client, BusError> {
    let servers = cfg.servers();
    let mut opts = async_nats::ConnectOptions::new()
        .name(&cfg.name)
        .max_reconnects(None)
        .connection_timeout(Duration::from_secs(cfg.connect_timeout_secs))
        .require_tls(cfg.tls_required);
    let max_delay = Duration::from_secs(cfg.reconnect_max_delay_secs.max(1));
    opts = opts.reconnect_delay_callback(move |attempts| reconnect_delay(attempts, max_delay));
    if let (Some(user), Some(password)) = (&cfg.user, &cfg.password) {
        opts = opts.user_and_password(user.clone(), password.expose().to_string());
    }
    if let Some(token) = &cfg.token {
        opts = opts.token(token.expose().to_string());
    }
    if let Some(seed) = &cfg.nkey_seed {
        opts = opts.nkey(seed.expose().to_string());
    }
    if let Some(path) = &cfg.credentials_file {
        opts = opts
            .credentials_file(path)
            .await
            .map_err(|source| BusError::File {
                path: path.display().to_string(),
                source,
            })?;
    }
    if let Some(ca) = &cfg.tls_ca {
        opts = opts.add_root_certificates(ca.clone()).require_tls(true);
    }
    if let (Some(cert), Some(key)) = (&cfg.tls_cert, &cfg.tls_key) {
        opts = opts.add_client_certificate(cert.clone(), key.clone());
    }
    if cfg.retry_on_initial_connect {
        opts = opts.retry_on_initial_connect();
    }
    let seen_connected = Arc::new(AtomicBool::new(false));
    let m = metrics.clone();
    let seen = Arc::clone(&seen_connected);
    opts = opts.event_callback(move |event| {
        let m = m.clone();
        let seen = Arc::clone(&seen);
        async move {
            NatsEvent {
                event: &event,
                seen_connected: &seen,
            }
            .emit(&m)
        }
    });
    let client = opts
        .connect(servers.as_slice())
        .await
        .map_err(|e| BusError::Connect {
            servers: servers.join(","),
            message: error_chain(&e),
        })?;
    if client.connection_state() == async_nats::connection::State::Connected {
        NatsConnected {
            servers: &servers.join(","),
            max_payload: client.server_info().max_payload,
            seen_connected: &seen_connected,
        }
        .emit(metrics);
    }
    Ok(client)
}

/// Capped exponential backoff: 100 ms, 200 ms, 400 ms, … up to `max`.
fn reconnect_delay(attempts: usize, max: Duration) -> Duration {
    if attempts <= 1 {
        return Duration::ZERO;
    }
    let exp = u32::try_from(attempts.saturating_sub(2))
        .unwrap_or(u32::MAX)
        .min(16);
    Duration::from_millis(100u64.saturating_mul(1u64 << exp)).min(max)
}

/// The error and its sources on one line.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let s = e.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        source = e.source();
    }
    out
}

/// Makes sure the input, output and dead-letter streams exist (creating them when configured),
/// then binds the durable pull consumer (creating it when configured).
pub async fn ensure_topology(
    js: &jetstream::Context,
    cfg: &Config,
) -> Result<jetstream::consumer::Consumer<pull::Config>, BusError> {
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
            .map_err(|e| BusError::JetStream {
                what: what(),
                message: error_chain(&e),
            })?
    } else {
        input
            .get_consumer(&name)
            .await
            .map_err(|e| BusError::JetStream {
                what: what(),
                message: error_chain(&*e),
            })?
    };
    tracing::info!(stream = %cfg.input.stream, consumer = %name, "consumer bound");
    Ok(consumer)
}

async fn ensure_stream(
    js: &jetstream::Context,
    create: bool,
    config: stream::Config,
) -> Result<stream::Stream, BusError> {
    let what = format!("stream {}", config.name);
    let result = if create {
        js.get_or_create_stream(config)
            .await
            .map_err(|e| error_chain(&e))
    } else {
        js.get_stream(&config.name)
            .await
            .map_err(|e| error_chain(&e))
    };
    result.map_err(|message| BusError::JetStream { what, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnect_delay_grows_then_stays_at_the_cap() {
        let max = Duration::from_secs(8);
        assert_eq!(reconnect_delay(1, max), Duration::ZERO);
        assert_eq!(reconnect_delay(2, max), Duration::from_millis(100));
        assert_eq!(reconnect_delay(3, max), Duration::from_millis(200));
        assert_eq!(reconnect_delay(50, max), max);
        assert_eq!(reconnect_delay(usize::MAX, max), max);
    }
}

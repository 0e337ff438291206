//! Connecting to NATS. [`options`] is the one `ConnectOptions` builder: every command that talks
//! to NATS (`serve`, `publish`, `tail`) gets its name, authentication, TLS and timeout from the
//! `[nats]` section here. A new NATS option is a key in [`NatsConfig`] and a line in [`options`].
//!
//! [`connect`] adds what only the service wants: endless reconnects with backoff and every state
//! change logged and counted; [`connect_once`] is for the command-line tools, which fail fast.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use async_nats::{ConnectOptions, ServerAddr};

use super::backoff::Backoff;
use super::config::NatsConfig;
use super::events::{Emit, NatsConnected, NatsEvent};
use super::metrics::Metrics;

/// Why a connection to NATS could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// An entry of `nats.url` is not a NATS server URL.
    #[error("bad NATS server URL {url:?}")]
    BadUrl {
        /// The entry.
        url: String,
        /// What is wrong with it.
        source: std::io::Error,
    },
    /// The credentials file could not be read.
    #[error("cannot read credentials file {path}")]
    Credentials {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No server could be reached, the credentials were refused, or TLS failed.
    #[error("cannot connect to NATS at {servers}")]
    Connect {
        /// The configured servers.
        servers: String,
        /// The client's error.
        source: async_nats::ConnectError,
    },
}

/// The servers of `nats.url` (comma-separated) as addresses.
pub fn servers(cfg: &NatsConfig) -> Result<Vec<ServerAddr>, ConnectError> {
    cfg.servers()
        .into_iter()
        .map(|url| {
            url.parse()
                .map_err(|source| ConnectError::BadUrl { url, source })
        })
        .collect()
}

/// Connect options from `[nats]`: connection name, timeout, user/password, token, NKey,
/// credentials file, CA certificates, client certificate and whether TLS is required (it is
/// whenever a CA or a client certificate is given).
pub async fn options(cfg: &NatsConfig) -> Result<ConnectOptions, ConnectError> {
    super::tls::install_crypto_provider();
    let mut opts = ConnectOptions::new()
        .name(&cfg.name)
        .connection_timeout(Duration::from_secs(cfg.connect_timeout_secs))
        .require_tls(cfg.tls_required);
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
            .map_err(|source| ConnectError::Credentials {
                path: path.display().to_string(),
                source,
            })?;
    }
    if let Some(ca) = &cfg.tls_ca {
        opts = opts.add_root_certificates(ca.clone()).require_tls(true);
    }
    if let (Some(cert), Some(key)) = (&cfg.tls_cert, &cfg.tls_key) {
        opts = opts
            .add_client_certificate(cert.clone(), key.clone())
            .require_tls(true);
    }
    Ok(opts)
}

/// Connects once with [`options`]; fails when no server answers (the command-line tools).
pub async fn connect_once(cfg: &NatsConfig) -> Result<async_nats::Client, ConnectError> {
    let servers = servers(cfg)?;
    options(cfg)
        .await?
        .connect(servers)
        .await
        .map_err(|source| ConnectError::Connect {
            servers: cfg.url.clone(),
            source,
        })
}

/// Connects the service with [`options`]. The client reconnects forever with capped exponential
/// backoff (`nats.reconnect_max_delay_secs`), optionally keeps trying when no server is there
/// at start, and reports every state change as a [`NatsEvent`].
pub async fn connect(
    cfg: &NatsConfig,
    metrics: &Metrics,
) -> Result<async_nats::Client, ConnectError> {
    let servers = servers(cfg)?;
    let max_delay = Duration::from_secs(cfg.reconnect_max_delay_secs.max(1));
    let mut opts = options(cfg)
        .await?
        .max_reconnects(None)
        .reconnect_delay_callback(move |attempts| reconnect_delay(attempts, max_delay));
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
        .connect(servers)
        .await
        .map_err(|source| ConnectError::Connect {
            servers: cfg.servers().join(","),
            source,
        })?;
    if client.connection_state() == async_nats::connection::State::Connected {
        NatsConnected {
            servers: &cfg.servers().join(","),
            max_payload: client.server_info().max_payload,
            seen_connected: &seen_connected,
        }
        .emit(metrics);
    }
    Ok(client)
}

/// What the NATS client reports about its connection: the `event` label of
/// `akhbar_nats_events_total`, every value registered at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionEvent {
    /// Connected, or reconnected.
    Connected,
    /// The connection was lost; reconnecting.
    Disconnected,
    /// The server announced it is shutting down (lame duck mode).
    LameDuck,
    /// The client is draining.
    Draining,
    /// The connection was closed for good.
    Closed,
    /// The client dropped messages a subscriber did not take in time.
    SlowConsumer,
    /// The server reported an error.
    ServerError,
    /// The client hit an error.
    ClientError,
}

impl ConnectionEvent {
    /// Every event, in a stable order.
    pub const ALL: [ConnectionEvent; 8] = [
        ConnectionEvent::Connected,
        ConnectionEvent::Disconnected,
        ConnectionEvent::LameDuck,
        ConnectionEvent::Draining,
        ConnectionEvent::Closed,
        ConnectionEvent::SlowConsumer,
        ConnectionEvent::ServerError,
        ConnectionEvent::ClientError,
    ];

    /// The event the client reported.
    pub fn of(event: &async_nats::Event) -> ConnectionEvent {
        use async_nats::Event;
        match event {
            Event::Connected => ConnectionEvent::Connected,
            Event::Disconnected => ConnectionEvent::Disconnected,
            Event::LameDuckMode => ConnectionEvent::LameDuck,
            Event::Draining => ConnectionEvent::Draining,
            Event::Closed => ConnectionEvent::Closed,
            Event::SlowConsumer(_) => ConnectionEvent::SlowConsumer,
            Event::ServerError(_) => ConnectionEvent::ServerError,
            Event::ClientError(_) => ConnectionEvent::ClientError,
        }
    }

    /// The metric label.
    pub fn label(self) -> &'static str {
        match self {
            ConnectionEvent::Connected => "connected",
            ConnectionEvent::Disconnected => "disconnected",
            ConnectionEvent::LameDuck => "lame_duck",
            ConnectionEvent::Draining => "draining",
            ConnectionEvent::Closed => "closed",
            ConnectionEvent::SlowConsumer => "slow_consumer",
            ConnectionEvent::ServerError => "server_error",
            ConnectionEvent::ClientError => "client_error",
        }
    }
}

/// Delay before reconnect attempt `attempts` (the client counts from 1): none for the first,
/// then 100 ms, 200 ms, 400 ms, … up to `max`.
fn reconnect_delay(attempts: usize, max: Duration) -> Duration {
    if attempts <= 1 {
        return Duration::ZERO;
    }
    let retry = u32::try_from(attempts - 1).unwrap_or(u32::MAX);
    Backoff::exponential(Duration::from_millis(100), max).delay(retry)
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

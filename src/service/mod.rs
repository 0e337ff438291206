//! The streaming service: NATS JetStream in, article events out, Prometheus metrics.
//!
//! [`run`] wires the parts together on a listener from [`bind`]: the metrics and the HTTP
//! endpoint first (so `/healthz` answers at once), then the NATS connection (`nats.rs`), the
//! streams and the durable consumer (`topology.rs`), and the pipeline: `consume/` takes pages off
//! the bus, `process.rs` turns each into an outcome (`outcome.rs`), `publish.rs` sends the
//! article event or the dead letter; `events.rs` logs and counts what happens, `summary.rs` sums
//! it up at info level every `log.summary_secs`. Site memory (`site_memory/`) gives extraction
//! each site's template and learns from every page, sharing its models through a key-value
//! bucket. [`shutdown`] stops it gracefully. Public beside `run`: the configuration
//! ([`config`]), the wire format ([`message`]), URL-only fetching ([`fetch`]), dead letters read
//! back and replayed ([`dlq`]) and the site-model store ([`site_memory`], read by `akhbar
//! sites`); the rest is internal.

pub(crate) mod backoff;
pub mod config;
pub(crate) mod consume;
pub mod dlq;
pub(crate) mod events;
pub mod fetch;
pub(crate) mod http;
pub mod message;
pub(crate) mod metrics;
pub(crate) mod nats;
pub mod outcome;
pub(crate) mod process;
pub(crate) mod publish;
pub mod shutdown;
pub mod site_memory;
pub(crate) mod stories;
pub(crate) mod summary;
pub(crate) mod tls;
pub(crate) mod topology;

use std::sync::Arc;
use std::time::Duration;

use config::{Config, InputMode};
use shutdown::Shutdown;

pub use metrics::MetricsError;
pub use nats::ConnectError;
pub use topology::TopologyError;

/// Pause between attempts to bind the streams and the consumer at start
/// (`nats.retry_on_initial_connect`).
const TOPOLOGY_RETRY: Duration = Duration::from_secs(2);

/// Why the service could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The metrics registry could not be built.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    /// The HTTP port could not be bound.
    #[error("cannot listen on {address}")]
    Http {
        /// The address and port.
        address: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// NATS could not be reached.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The streams or the consumer could not be set up.
    #[error(transparent)]
    Topology(#[from] TopologyError),
    /// The fetch client could not be built.
    #[error(transparent)]
    Fetch(#[from] fetch::FetchConfigError),
    /// The story index could not be bound.
    #[error(transparent)]
    Stories(#[from] stories::StoriesError),
    /// The core-NATS subscription failed.
    #[error("cannot subscribe to {subject}")]
    Subscribe {
        /// The subject.
        subject: String,
        /// The client's error.
        source: async_nats::SubscribeError,
    },
}

/// Binds the HTTP endpoint's address (`http.address`, `http.port`; port 0 lets the system pick).
pub async fn bind(http: &config::HttpConfig) -> Result<tokio::net::TcpListener, ServiceError> {
    let address = format!("{}:{}", http.address, http.port);
    tokio::net::TcpListener::bind(&address)
        .await
        .map_err(|source| ServiceError::Http { address, source })
}

/// Runs the service, serving `/metrics`, `/healthz` and `/readyz` on `listener`, until
/// `shutdown` fires, then drains in-flight pages within the grace period.
pub async fn run(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> Result<(), ServiceError> {
    config.validate()?;
    let cfg = Arc::new(config);
    let metrics = metrics::Metrics::for_config(&cfg)?;
    let readiness = http::Readiness::new(&metrics);
    match listener.local_addr() {
        Ok(address) => tracing::info!(%address, "serving /metrics, /healthz, /readyz"),
        Err(e) => tracing::warn!(error = %e, "serving /metrics, /healthz, /readyz"),
    }
    let (http_stop, http_shutdown) = shutdown::channel();
    let http_task = tokio::spawn(http::serve(
        listener,
        metrics.clone(),
        readiness.clone(),
        http_shutdown,
    ));

    let (summary_stop, summary_shutdown) = shutdown::channel();
    let summary = tokio::spawn(summary::every(
        Duration::from_secs(cfg.log.summary_secs),
        metrics.clone(),
        summary_shutdown,
    ));
    let result = run_pipeline(&cfg, &metrics, &readiness, shutdown).await;
    summary_stop.trigger();
    let _ = summary.await;
    http_stop.trigger();
    match tokio::time::timeout(Duration::from_secs(2), http_task).await {
        Ok(Ok(Err(e))) => tracing::warn!(error = %e, "HTTP endpoint failed"),
        Ok(_) => {}
        Err(_) => tracing::warn!("HTTP endpoint did not stop in time"),
    }
    result
}

/// Binds the story index when `stories.enabled` (retrying like the topology when
/// `nats.retry_on_initial_connect`). `Ok(None)` when shutdown came first; `Ok(Some(None))` when
/// story detection is off.
async fn open_stories(
    cfg: &Config,
    client: &async_nats::Client,
    metrics: &metrics::Metrics,
    shutdown: &mut Shutdown,
) -> Result<Option<Option<stories::Stories>>, ServiceError> {
    if !cfg.stories.enabled {
        return Ok(Some(None));
    }
    let retry = backoff::Backoff::constant(TOPOLOGY_RETRY);
    let mut attempt = 0;
    loop {
        match stories::Stories::open(client, cfg, metrics.clone()).await {
            Ok(s) => return Ok(Some(Some(s))),
            Err(e) if cfg.nats.retry_on_initial_connect => {
                attempt += 1;
                tracing::warn!(error = %nats::error_chain(&e), "story index not ready; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(retry.delay(attempt)) => {}
                    _ = shutdown.wait() => return Ok(None),
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

async fn run_pipeline(
    cfg: &Arc<Config>,
    metrics: &metrics::Metrics,
    readiness: &http::Readiness,
    mut shutdown: Shutdown,
) -> Result<(), ServiceError> {
    let client = tokio::select! {
        c = nats::connect(&cfg.nats, metrics) => c?,
        _ = shutdown.wait() => return Ok(()),
    };
    let extractor = crate::extract::Extractor::new(crate::extract::ExtractOptions {
        max_bytes: cfg.processing.max_page_bytes,
        markers: cfg.markers()?,
    });
    let Some(stories) = open_stories(cfg, &client, metrics, &mut shutdown).await? else {
        return Ok(());
    };
    let sites = cfg.site_memory.enabled.then(|| {
        let memory = site_memory::SiteMemory::new(&cfg.site_memory, metrics.clone());
        let js = async_nats::jetstream::new(client.clone());
        let sync = memory.start(js, &cfg.site_memory, cfg.nats.create_streams);
        (memory, sync)
    });
    let processor = process::Processor::new(
        extractor,
        cfg.processing.workers(),
        Duration::from_secs(cfg.processing.extract_timeout_secs),
        fetch::client(&cfg.fetch)?,
        cfg.fetch.clone(),
        metrics.clone(),
    )
    .with_stories(stories)
    .with_site_memory(sites.as_ref().map(|(memory, _)| memory.clone()));
    let publisher = publish::Publisher::new(client.clone(), cfg.output.clone(), metrics.clone())
        .with_duplicates(&cfg.stories);
    let pipeline = consume::Pipeline::new(
        Arc::clone(cfg),
        client.clone(),
        processor,
        publisher,
        metrics.clone(),
    );
    match cfg.input.mode {
        InputMode::Jetstream => {
            let js = async_nats::jetstream::new(client.clone());
            let retry = backoff::Backoff::constant(TOPOLOGY_RETRY);
            let mut attempt = 0;
            let consumer = loop {
                match topology::ensure_topology(&js, cfg, metrics).await {
                    Ok(c) => break c,
                    Err(e) if cfg.nats.retry_on_initial_connect => {
                        attempt += 1;
                        tracing::warn!(error = %nats::error_chain(&e), "JetStream not ready; retrying");
                        tokio::select! {
                            _ = tokio::time::sleep(retry.delay(attempt)) => {}
                            _ = shutdown.wait() => return Ok(()),
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            readiness.set_bound(true);
            tracing::info!(
                in_flight = cfg.processing.in_flight,
                workers = cfg.processing.workers(),
                "pipeline running (JetStream, at-least-once)"
            );
            pipeline
                .run_jetstream(consumer, readiness.clone(), shutdown)
                .await;
        }
        InputMode::Core => {
            let mut subs = Vec::new();
            for subject in &cfg.input.subjects {
                let sub = client
                    .queue_subscribe(subject.clone(), cfg.input.queue_group.clone())
                    .await
                    .map_err(|source| ServiceError::Subscribe {
                        subject: subject.clone(),
                        source,
                    })?;
                subs.push(sub);
            }
            if let Err(e) = client.flush().await {
                tracing::warn!(error = %nats::error_chain(&e), "flushing the subscriptions failed");
            }
            tracing::info!(
                queue_group = %cfg.input.queue_group,
                "pipeline running (core NATS queue group, at-most-once)"
            );
            pipeline
                .run_core(
                    futures::stream::select_all(subs),
                    readiness.clone(),
                    shutdown,
                )
                .await;
        }
    }
    if let Some((_, sync)) = sites {
        sync.stop().await;
    }
    Ok(())
}

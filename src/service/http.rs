//! The HTTP endpoint on one port: `/metrics` (Prometheus text), `/healthz` (process alive),
//! `/readyz` (connected to NATS and the consumer bound).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use super::metrics::Metrics;
use super::shutdown::Shutdown;

/// Whether the service can take work: the pipeline sets it once its input is bound and clears it
/// on shutdown or when the consumer disappears; NATS connectivity is read from the metrics.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    bound: Arc<AtomicBool>,
}

impl Readiness {
    /// Records whether the input (consumer or subscription) is bound.
    pub fn set_bound(&self, bound: bool) {
        self.bound.store(bound, Ordering::SeqCst);
    }

    /// Whether the input is bound.
    pub fn is_bound(&self) -> bool {
        self.bound.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct AppState {
    metrics: Metrics,
    readiness: Readiness,
}

/// The router serving the three endpoints.
pub fn router(metrics: Metrics, readiness: Readiness) -> Router {
    Router::new()
        .route("/metrics", get(metrics_handler))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz_handler))
        .with_state(AppState { metrics, readiness })
}

/// Serves the endpoints on `listener` until `shutdown` fires.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Metrics,
    readiness: Readiness,
    mut shutdown: Shutdown,
) -> std::io::Result<()> {
    axum::serve(listener, router(metrics, readiness))
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await
}

async fn metrics_handler(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn readyz_handler(State(state): State<AppState>) -> impl IntoResponse {
    let connected = state.metrics.nats_connected.get() == 1;
    let bound = state.readiness.is_bound();
    if connected && bound {
        (StatusCode::OK, "ready\n".to_string())
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: nats_connected={connected} input_bound={bound}\n"),
        )
    }
}

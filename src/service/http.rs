//! The HTTP endpoint on one port: `/metrics` (Prometheus text), `/healthz` (process alive),
//! `/readyz` (connected to NATS and the consumer bound).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use super::events::{Emit, InputBound};
use super::metrics::Metrics;
use super::shutdown::Shutdown;

/// Whether the service can take work: the pipeline sets it once its input is bound and clears it
/// on shutdown or when the consumer disappears; NATS connectivity is read from the metrics.
#[derive(Debug, Clone)]
pub struct Readiness {
    bound: Arc<AtomicBool>,
    metrics: Metrics,
}

impl Readiness {
    /// Not bound yet; changes are reported as [`InputBound`] events on `metrics`.
    pub fn new(metrics: &Metrics) -> Readiness {
        Readiness {
            bound: Arc::default(),
            metrics: metrics.clone(),
        }
    }

    /// Records whether the input (consumer or subscription) is bound; a change is logged.
    pub fn set_bound(&self, bound: bool) {
        if self.bound.swap(bound, Ordering::SeqCst) != bound {
            InputBound { bound }.emit(&self.metrics);
        }
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
    let (connected, bound) = readiness_parts(&state);
    state.metrics.ready.set(i64::from(connected && bound));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

/// Whether NATS is connected and the input bound: ready when both hold.
fn readiness_parts(state: &AppState) -> (bool, bool) {
    (
        state.metrics.nats_connected.get() == 1,
        state.readiness.is_bound(),
    )
}

async fn readyz_handler(State(state): State<AppState>) -> impl IntoResponse {
    let (connected, bound) = readiness_parts(&state);
    if connected && bound {
        (StatusCode::OK, "ready\n".to_string())
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: nats_connected={connected} input_bound={bound}\n"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `akhbar_ready` sample of a `/metrics` scrape, and the `/readyz` status.
    async fn scrape(state: &AppState) -> (i64, StatusCode) {
        let response = metrics_handler(State(state.clone())).await.into_response();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        let ready = text
            .lines()
            .find_map(|l| l.strip_prefix("akhbar_ready "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no akhbar_ready sample in:\n{text}"));
        let status = readyz_handler(State(state.clone()))
            .await
            .into_response()
            .status();
        (ready, status)
    }

    #[tokio::test]
    async fn the_ready_gauge_is_1_exactly_when_readyz_answers_ready() {
        let metrics = Metrics::new().unwrap();
        let state = AppState {
            readiness: Readiness::new(&metrics),
            metrics,
        };
        assert_eq!(scrape(&state).await, (0, StatusCode::SERVICE_UNAVAILABLE));
        state.metrics.nats_connected.set(1);
        assert_eq!(scrape(&state).await, (0, StatusCode::SERVICE_UNAVAILABLE));
        state.readiness.set_bound(true);
        assert_eq!(scrape(&state).await, (1, StatusCode::OK));
        state.metrics.nats_connected.set(0);
        assert_eq!(scrape(&state).await, (0, StatusCode::SERVICE_UNAVAILABLE));
    }
}

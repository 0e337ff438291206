//! Every metric akhbar exports, defined in this one place with the names the dashboard and the
//! alert rules rely on.

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

use super::outcome::Reason;

/// The service's metrics and the registry that exports them.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// Messages taken off the input subjects.
    pub pages_received: IntCounter,
    /// Article events whose publish was acknowledged.
    pub articles_published: IntCounter,
    /// Pages that gave no article, by reason code.
    pub pages_rejected: IntCounterVec,
    /// Dead letters whose publish was acknowledged, by reason code.
    pub dead_lettered: IntCounterVec,
    /// Payload bytes received.
    pub received_bytes: IntCounter,
    /// Article event bytes published.
    pub published_bytes: IntCounter,
    /// Boilerplate blocks removed from articles, by kind.
    pub boilerplate_removed: IntCounterVec,
    /// Time spent extracting one page.
    pub extraction_seconds: Histogram,
    /// Time from the crawler's fetch (`Akhbar-Fetched-At`) to the publish acknowledgement.
    pub end_to_end_seconds: Histogram,
    /// Pages taken off the bus and not yet finished.
    pub pages_in_flight: IntGauge,
    /// Messages in the stream not yet delivered to the consumer (polled from JetStream).
    pub consumer_pending: IntGauge,
    /// Messages delivered and not yet acked (polled from JetStream).
    pub consumer_ack_pending: IntGauge,
    /// 1 while connected to NATS, else 0.
    pub nats_connected: IntGauge,
    /// 1 while `/readyz` answers ready, else 0; set by the HTTP endpoint on every scrape.
    pub ready: IntGauge,
    /// Reconnections to NATS after a lost connection.
    pub nats_reconnects: IntCounter,
    /// NATS connection events, by event (`connected`, `disconnected`, `server_error`, …).
    pub nats_events: IntCounterVec,
    /// Publishes (articles or dead letters) that failed or were not acknowledged in time.
    pub publish_errors: IntCounter,
    /// URL-only fetches, by outcome (`ok` or a `fetch_…` reason code).
    pub fetches: IntCounterVec,
    /// Messages received that had been delivered before.
    pub redeliveries: IntCounter,
    /// Build information, value 1, labelled with the version.
    pub build_info: IntGaugeVec,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// A metric could not be created or registered (a programming error, surfaced at start).
#[derive(Debug, thiserror::Error)]
#[error("metrics registry: {0}")]
pub struct MetricsError(#[from] prometheus::Error);

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Result<Metrics, MetricsError> {
        let registry = Registry::new();
        let counter = |name: &str, help: &str| -> Result<IntCounter, MetricsError> {
            let c = IntCounter::new(name, help)?;
            registry.register(Box::new(c.clone()))?;
            Ok(c)
        };
        let counter_vec =
            |name: &str, help: &str, label: &str| -> Result<IntCounterVec, MetricsError> {
                let c = IntCounterVec::new(Opts::new(name, help), &[label])?;
                registry.register(Box::new(c.clone()))?;
                Ok(c)
            };
        let gauge = |name: &str, help: &str| -> Result<IntGauge, MetricsError> {
            let g = IntGauge::new(name, help)?;
            registry.register(Box::new(g.clone()))?;
            Ok(g)
        };
        let histogram =
            |name: &str, help: &str, buckets: Vec<f64>| -> Result<Histogram, MetricsError> {
                let h = Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets))?;
                registry.register(Box::new(h.clone()))?;
                Ok(h)
            };
        let m = Metrics {
            pages_received: counter(
                "akhbar_pages_received_total",
                "Raw pages taken off the input subjects.",
            )?,
            articles_published: counter(
                "akhbar_articles_published_total",
                "Article events published and acknowledged.",
            )?,
            pages_rejected: counter_vec(
                "akhbar_pages_rejected_total",
                "Pages that gave no article, by reason code.",
                "reason",
            )?,
            dead_lettered: counter_vec(
                "akhbar_dead_lettered_total",
                "Pages published to the dead-letter subject, by reason code.",
                "reason",
            )?,
            received_bytes: counter(
                "akhbar_received_bytes_total",
                "Payload bytes of raw pages received.",
            )?,
            published_bytes: counter(
                "akhbar_published_bytes_total",
                "Bytes of article events published.",
            )?,
            boilerplate_removed: counter_vec(
                "akhbar_boilerplate_removed_total",
                "Boilerplate blocks removed from published articles, by kind.",
                "kind",
            )?,
            extraction_seconds: histogram(
                "akhbar_extraction_seconds",
                "Time to extract one page.",
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ],
            )?,
            end_to_end_seconds: histogram(
                "akhbar_end_to_end_seconds",
                "Time from the crawler's fetch to the acknowledged publish of the article.",
                vec![
                    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
                ],
            )?,
            pages_in_flight: gauge(
                "akhbar_pages_in_flight",
                "Pages taken off the bus and not yet acked.",
            )?,
            consumer_pending: gauge(
                "akhbar_consumer_pending",
                "Messages not yet delivered to the durable consumer (polled from JetStream).",
            )?,
            consumer_ack_pending: gauge(
                "akhbar_consumer_ack_pending",
                "Messages delivered to the consumer and not yet acked (polled from JetStream).",
            )?,
            nats_connected: gauge(
                "akhbar_nats_connected",
                "1 while connected to NATS, else 0.",
            )?,
            ready: gauge(
                "akhbar_ready",
                "1 while /readyz answers ready (NATS connected, input bound), else 0.",
            )?,
            nats_reconnects: counter(
                "akhbar_nats_reconnects_total",
                "Reconnections to NATS after a lost connection.",
            )?,
            nats_events: counter_vec(
                "akhbar_nats_events_total",
                "NATS connection events, by event.",
                "event",
            )?,
            publish_errors: counter(
                "akhbar_publish_errors_total",
                "Publishes that failed or were not acknowledged in time.",
            )?,
            fetches: counter_vec(
                "akhbar_fetches_total",
                "Fetches of URL-only pages, by outcome.",
                "outcome",
            )?,
            redeliveries: counter(
                "akhbar_redeliveries_total",
                "Messages received that had been delivered before.",
            )?,
            build_info: {
                let g = IntGaugeVec::new(
                    Opts::new(
                        "akhbar_build_info",
                        "Build information; the value is always 1.",
                    ),
                    &["version"],
                )?;
                registry.register(Box::new(g.clone()))?;
                g
            },
            registry,
        };
        m.build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        for reason in Reason::all() {
            m.dead_lettered.with_label_values(&[reason.code()]);
            if reason.is_rejection() {
                m.pages_rejected.with_label_values(&[reason.code()]);
            }
        }
        Ok(m)
    }

    /// The metrics in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            tracing::warn!(error = %e, "encoding metrics failed");
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_metric_is_exported_under_its_name() {
        let m = Metrics::new().unwrap();
        m.extraction_seconds.observe(0.01);
        m.end_to_end_seconds.observe(0.5);
        m.nats_events.with_label_values(&["connected"]).inc();
        m.fetches.with_label_values(&["ok"]).inc();
        m.boilerplate_removed.with_label_values(&["ad"]).inc();
        let text = m.render();
        for name in [
            "akhbar_pages_received_total",
            "akhbar_articles_published_total",
            "akhbar_pages_rejected_total{reason=\"empty\"}",
            "akhbar_dead_lettered_total{reason=\"max_deliveries\"}",
            "akhbar_received_bytes_total",
            "akhbar_published_bytes_total",
            "akhbar_boilerplate_removed_total{kind=\"ad\"}",
            "akhbar_extraction_seconds_bucket",
            "akhbar_end_to_end_seconds_count",
            "akhbar_pages_in_flight",
            "akhbar_consumer_pending",
            "akhbar_consumer_ack_pending",
            "akhbar_nats_connected",
            "akhbar_ready",
            "akhbar_nats_reconnects_total",
            "akhbar_nats_events_total{event=\"connected\"}",
            "akhbar_publish_errors_total",
            "akhbar_fetches_total{outcome=\"ok\"}",
            "akhbar_redeliveries_total",
            "akhbar_build_info{version=",
        ] {
            assert!(text.contains(name), "{name} missing from:\n{text}");
        }
    }

    #[test]
    fn every_metric_is_in_the_table_of_docs_operations_md() {
        let source = include_str!("metrics.rs");
        let definitions = source.split("#[cfg(test)]").next().unwrap_or_default();
        let doc = include_str!("../../docs/operations.md");
        let names: Vec<&str> = definitions
            .split('"')
            .filter(|s| s.starts_with("akhbar_") && !s.contains(' '))
            .collect();
        assert!(names.len() >= 20, "{names:?}");
        let missing: Vec<&&str> = names
            .iter()
            .filter(|n| !doc.contains(&format!("`{n}`")) && !doc.contains(&format!("`{n}{{")))
            .collect();
        assert!(missing.is_empty(), "not in docs/operations.md: {missing:?}");
    }
}

//! Every metric akhbar exports, defined in this one place with the names the dashboard and the
//! alert rules rely on. Every label value of a labelled metric is registered at start from the
//! enum that defines it ([`Reason`], [`RemovedKind`], [`ConnectionEvent`], [`Output`],
//! [`StoryOutcome`], [`StoreOp`]), so a fresh instance already exports every series the
//! dashboard and the alerts name.

use std::time::Duration;

use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};

use super::config::Config;
use super::nats::ConnectionEvent;
use super::outcome::Reason;
use super::site_memory::store::StoreOp;
use crate::extract::RemovedKind;

/// The `outcome` label of a successful fetch in `akhbar_fetches_total` (a failed one carries its
/// `fetch_…` reason code).
pub const FETCH_OK: &str = "ok";

/// The git revision of the build (`build.rs`), `unknown` outside git.
pub const REVISION: &str = env!("AKHBAR_GIT_REVISION");

/// Bounds of the extraction-time buckets, in seconds; those below the extraction timeout are
/// used, then the timeout itself.
const EXTRACTION_BUCKETS: [f64; 18] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0, 120.0, 300.0,
];

/// Which output stream dropped a publish as a duplicate (`akhbar_output_duplicates_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// An article event (`output.stream`).
    Article,
    /// A dead letter (`output.dlq_stream`).
    DeadLetter,
}

impl Output {
    /// Every output, in a stable order.
    pub const ALL: [Output; 2] = [Output::Article, Output::DeadLetter];

    /// The `output` label.
    pub fn label(self) -> &'static str {
        match self {
            Output::Article => "article",
            Output::DeadLetter => "dead_letter",
        }
    }
}

/// What story detection made of an article (`akhbar_stories_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryOutcome {
    /// The first article of its story.
    New,
    /// A near-duplicate of an earlier article.
    Duplicate,
    /// The index did not answer: the event went out without a story.
    Failed,
}

impl StoryOutcome {
    /// Every outcome, in a stable order.
    pub const ALL: [StoryOutcome; 3] = [
        StoryOutcome::New,
        StoryOutcome::Duplicate,
        StoryOutcome::Failed,
    ];

    /// The `outcome` label.
    pub fn label(self) -> &'static str {
        match self {
            StoryOutcome::New => "new",
            StoryOutcome::Duplicate => "duplicate",
            StoryOutcome::Failed => "failed",
        }
    }
}

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
    /// Publishes the output stream acknowledged as duplicates of one within its window, by output.
    pub output_duplicates: IntCounterVec,
    /// `processing.in_flight`: the most pages taken off the bus and not yet finished.
    pub in_flight_limit: IntGauge,
    /// Pages in flight over the limit (0–1), computed at each scrape.
    pub in_flight_saturation: Gauge,
    /// Articles given a story, by [`StoryOutcome`].
    pub stories: IntCounterVec,
    /// Time to find an article's story in the shared index.
    pub story_lookup_seconds: Histogram,
    /// Build information, value 1, labelled with the version and the git revision.
    pub build_info: IntGaugeVec,
    /// Site memory: sites whose models this replica holds.
    pub site_memory_sites: IntGauge,
    /// Site memory: template lines over the sites held.
    pub site_memory_template_lines: IntGauge,
    /// Site memory: bytes the models hold.
    pub site_memory_bytes: IntGauge,
    /// Site memory: lines removed from articles as template.
    pub site_memory_lines_removed: IntCounter,
    /// Site memory: pages learned (a page whose article the model remembers is not).
    pub site_memory_pages_learned: IntCounter,
    /// Site memory: failed operations on the shared store, by operation.
    pub site_memory_store_errors: IntCounterVec,
    /// Site memory: writes that lost their compare-and-set and were merged again.
    pub site_memory_store_conflicts: IntCounter,
    /// Site memory: 1 while the shared store answers, else 0 (the replica uses its own models).
    pub site_memory_store_up: IntGauge,
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
    /// Creates and registers every metric, for the default configuration (the unit tests).
    #[cfg(test)]
    pub fn new() -> Result<Metrics, MetricsError> {
        Self::for_config(&Config::default())
    }

    /// Creates and registers every metric: the extraction buckets reach
    /// `processing.extract_timeout_secs`, the in-flight limit is `processing.in_flight`.
    pub fn for_config(cfg: &Config) -> Result<Metrics, MetricsError> {
        let registry = Registry::new();
        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
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
                extraction_buckets(Duration::from_secs(cfg.processing.extract_timeout_secs)),
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
            output_duplicates: counter_vec(
                "akhbar_output_duplicates_total",
                "Publishes the output stream dropped as duplicates within its window, by output.",
                "output",
            )?,
            in_flight_limit: gauge(
                "akhbar_in_flight_limit",
                "Most pages taken off the bus and not yet finished (processing.in_flight).",
            )?,
            in_flight_saturation: {
                let g = Gauge::new(
                    "akhbar_in_flight_saturation_ratio",
                    "Pages in flight over the in-flight limit (0-1).",
                )?;
                registry.register(Box::new(g.clone()))?;
                g
            },
            stories: counter_vec(
                "akhbar_stories_total",
                "Articles given a story, by outcome (new, duplicate, failed).",
                "outcome",
            )?,
            story_lookup_seconds: histogram(
                "akhbar_story_lookup_seconds",
                "Time to find an article's story in the shared index.",
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            )?,
            build_info: {
                let g = IntGaugeVec::new(
                    Opts::new(
                        "akhbar_build_info",
                        "Build information; the value is always 1.",
                    ),
                    &["version", "revision"],
                )?;
                registry.register(Box::new(g.clone()))?;
                g
            },
            site_memory_sites: gauge(
                "akhbar_site_memory_sites",
                "Sites whose models this replica holds (site memory).",
            )?,
            site_memory_template_lines: gauge(
                "akhbar_site_memory_template_lines",
                "Template lines known over the sites held (site memory).",
            )?,
            site_memory_bytes: gauge(
                "akhbar_site_memory_bytes",
                "Bytes held by the site models of this replica.",
            )?,
            site_memory_lines_removed: counter(
                "akhbar_site_memory_lines_removed_total",
                "Lines removed from articles because their site prints them on most pages.",
            )?,
            site_memory_pages_learned: counter(
                "akhbar_site_memory_pages_learned_total",
                "Pages learned by site memory (an article already remembered is not).",
            )?,
            site_memory_store_errors: counter_vec(
                "akhbar_site_memory_store_errors_total",
                "Failed operations on the site-memory key-value store, by operation.",
                "op",
            )?,
            site_memory_store_conflicts: counter(
                "akhbar_site_memory_store_conflicts_total",
                "Site-model writes that lost their compare-and-set and were merged again.",
            )?,
            site_memory_store_up: gauge(
                "akhbar_site_memory_store_up",
                "1 while the site-memory key-value store answers, else 0.",
            )?,
            registry,
        };
        m.build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION"), REVISION])
            .set(1);
        m.in_flight_limit
            .set(i64::try_from(cfg.processing.in_flight).unwrap_or(i64::MAX));
        for reason in Reason::all() {
            m.dead_lettered.with_label_values(&[reason.code()]);
            if reason.is_rejection() {
                m.pages_rejected.with_label_values(&[reason.code()]);
            }
            if reason.is_fetch() {
                m.fetches.with_label_values(&[reason.code()]);
            }
        }
        m.fetches.with_label_values(&[FETCH_OK]);
        for op in StoreOp::ALL {
            m.site_memory_store_errors.with_label_values(&[op.label()]);
        }
        for kind in RemovedKind::ALL {
            m.boilerplate_removed.with_label_values(&[kind.code()]);
        }
        for event in ConnectionEvent::ALL {
            m.nats_events.with_label_values(&[event.label()]);
        }
        for output in Output::ALL {
            m.output_duplicates.with_label_values(&[output.label()]);
        }
        for outcome in StoryOutcome::ALL {
            m.stories.with_label_values(&[outcome.label()]);
        }
        Ok(m)
    }

    /// The metrics in the Prometheus text exposition format.
    pub fn render(&self) -> String {
        let limit = self.in_flight_limit.get();
        if limit > 0 {
            self.in_flight_saturation
                .set(self.pages_in_flight.get() as f64 / limit as f64);
        }
        let mut buf = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buf) {
            tracing::warn!(error = %e, "encoding metrics failed");
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}

/// Extraction-time buckets up to `timeout`, which is the last bound (a page that reaches it is
/// dead-lettered `extract_timeout`).
fn extraction_buckets(timeout: Duration) -> Vec<f64> {
    let limit = timeout.as_secs_f64();
    let mut buckets: Vec<f64> = EXTRACTION_BUCKETS
        .iter()
        .copied()
        .filter(|b| *b < limit)
        .collect();
    if limit > 0.0 {
        buckets.push(limit);
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_registry_exports_every_label_value_of_every_labelled_metric() {
        let text = Metrics::new().unwrap().render();
        let mut expected: Vec<String> = [
            "akhbar_pages_received_total",
            "akhbar_articles_published_total",
            "akhbar_received_bytes_total",
            "akhbar_published_bytes_total",
            "akhbar_extraction_seconds_bucket",
            "akhbar_end_to_end_seconds_count",
            "akhbar_pages_in_flight",
            "akhbar_consumer_pending",
            "akhbar_consumer_ack_pending",
            "akhbar_nats_connected",
            "akhbar_ready",
            "akhbar_nats_reconnects_total",
            "akhbar_publish_errors_total",
            "akhbar_redeliveries_total",
            "akhbar_site_memory_sites 0",
            "akhbar_site_memory_template_lines 0",
            "akhbar_site_memory_bytes 0",
            "akhbar_site_memory_lines_removed_total 0",
            "akhbar_site_memory_pages_learned_total 0",
            "akhbar_site_memory_store_conflicts_total 0",
            "akhbar_site_memory_store_up 0",
            "akhbar_in_flight_limit 64",
            "akhbar_in_flight_saturation_ratio 0",
            "akhbar_fetches_total{outcome=\"ok\"}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for reason in Reason::all() {
            expected.push(format!(
                "akhbar_dead_lettered_total{{reason=\"{}\"}} 0",
                reason.code()
            ));
            if reason.is_rejection() {
                expected.push(format!(
                    "akhbar_pages_rejected_total{{reason=\"{}\"}} 0",
                    reason.code()
                ));
            }
            if reason.is_fetch() {
                expected.push(format!(
                    "akhbar_fetches_total{{outcome=\"{}\"}} 0",
                    reason.code()
                ));
            }
        }
        let families: [(&str, &str, Vec<&str>); 5] = [
            (
                "akhbar_site_memory_store_errors_total",
                "op",
                StoreOp::ALL.iter().map(|v| v.label()).collect(),
            ),
            (
                "akhbar_boilerplate_removed_total",
                "kind",
                RemovedKind::ALL.iter().map(|v| v.code()).collect(),
            ),
            (
                "akhbar_nats_events_total",
                "event",
                ConnectionEvent::ALL.iter().map(|v| v.label()).collect(),
            ),
            (
                "akhbar_output_duplicates_total",
                "output",
                Output::ALL.iter().map(|v| v.label()).collect(),
            ),
            (
                "akhbar_stories_total",
                "outcome",
                StoryOutcome::ALL.iter().map(|v| v.label()).collect(),
            ),
        ];
        for (family, label, values) in families {
            for value in values {
                expected.push(format!("{family}{{{label}=\"{value}\"}} 0"));
            }
        }
        expected.push("akhbar_story_lookup_seconds_count 0".to_string());
        expected.push(format!(
            "akhbar_build_info{{revision=\"{REVISION}\",version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        ));
        let missing: Vec<&String> = expected.iter().filter(|e| !text.contains(*e)).collect();
        assert!(missing.is_empty(), "missing {missing:?} from:\n{text}");
        assert!(!REVISION.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn process_metrics_are_exported_on_linux() {
        let text = Metrics::new().unwrap().render();
        for name in [
            "process_cpu_seconds_total",
            "process_resident_memory_bytes",
            "process_open_fds",
            "process_start_time_seconds",
        ] {
            assert!(text.contains(name), "{name} missing");
        }
    }

    #[test]
    fn extraction_buckets_end_at_the_extraction_timeout() {
        assert_eq!(
            extraction_buckets(Duration::from_secs(30)).last(),
            Some(&30.0)
        );
        let b = extraction_buckets(Duration::from_secs(7));
        assert_eq!(&b[b.len() - 3..], &[2.5, 5.0, 7.0]);
        let mut cfg = Config::default();
        cfg.processing.extract_timeout_secs = 45;
        let text = Metrics::for_config(&cfg).unwrap().render();
        assert!(
            text.contains("akhbar_extraction_seconds_bucket{le=\"45\"}"),
            "{text}"
        );
        assert!(!text.contains("akhbar_extraction_seconds_bucket{le=\"60\"}"));
    }

    #[test]
    fn saturation_is_in_flight_over_the_limit_at_scrape_time() {
        let mut cfg = Config::default();
        cfg.processing.in_flight = 8;
        let m = Metrics::for_config(&cfg).unwrap();
        m.pages_in_flight.set(2);
        assert!(m
            .render()
            .contains("akhbar_in_flight_saturation_ratio 0.25"));
    }

    #[test]
    fn every_metric_is_in_the_table_of_docs_operations_md() {
        let source = include_str!("metrics.rs");
        let definitions = source
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
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

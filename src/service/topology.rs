//! The JetStream topology: the input, output and dead-letter streams with the settings of
//! `[streams.*]`, and the durable pull consumer. Missing streams are created when
//! `nats.create_streams` is on; an existing stream is compared with the configuration and either
//! updated (`nats.update_streams`) or left alone with a warning per difference, never changed
//! silently. What JetStream cannot change in place (storage, retention to or from a work queue)
//! stays a warning either way.

use std::collections::BTreeSet;
use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull, context, stream, ErrorCode};

use super::config::{Config, Discard, Retention, Storage, StreamSettings};
use super::events::{Emit, StreamCreated, StreamDiffers, StreamUnbounded, StreamUpdated};
use super::metrics::Metrics;

/// A boxed error from the JetStream API.
type JetStreamError = Box<dyn std::error::Error + Send + Sync>;

/// A stream or the consumer is missing and creation is off, or creating or updating it failed.
#[derive(Debug, thiserror::Error)]
#[error("JetStream {what}")]
pub struct TopologyError {
    /// Which stream or consumer, and what was tried.
    pub what: String,
    /// The server's answer.
    pub source: JetStreamError,
}

/// One setting in which an existing stream differs from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The setting, as named in `[streams.*]` (or `subjects`, `duplicate_window_secs`).
    pub setting: &'static str,
    /// The stream's value.
    pub current: String,
    /// The configured value.
    pub configured: String,
}

/// The JetStream configuration of one stream from its `[streams.*]` settings. The duplicate
/// window cannot be longer than the age limit, so it is cut to it.
pub fn stream_config(
    name: &str,
    subjects: &[String],
    settings: &StreamSettings,
    duplicate_window: Duration,
) -> stream::Config {
    let max_age = Duration::from_secs(settings.max_age_secs);
    let duplicate_window = if max_age.is_zero() {
        duplicate_window
    } else {
        duplicate_window.min(max_age)
    };
    stream::Config {
        name: name.to_string(),
        subjects: subjects.to_vec(),
        retention: match settings.retention {
            Retention::Limits => stream::RetentionPolicy::Limits,
            Retention::Interest => stream::RetentionPolicy::Interest,
            Retention::Workqueue => stream::RetentionPolicy::WorkQueue,
        },
        max_age,
        max_bytes: limit(settings.max_bytes),
        max_message_size: i32::try_from(settings.max_msg_size)
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or(-1),
        num_replicas: usize::from(settings.replicas),
        storage: match settings.storage {
            Storage::File => stream::StorageType::File,
            Storage::Memory => stream::StorageType::Memory,
        },
        discard: match settings.discard {
            Discard::Old => stream::DiscardPolicy::Old,
            Discard::New => stream::DiscardPolicy::New,
        },
        duplicate_window,
        ..Default::default()
    }
}

/// A configured limit as JetStream writes it: 0 (none) becomes -1.
fn limit(value: u64) -> i64 {
    i64::try_from(value).ok().filter(|n| *n > 0).unwrap_or(-1)
}

/// The three streams as configured: raw pages, article events, dead letters, each with the
/// duplicate window that drops a repeated `Nats-Msg-Id` (redelivered events, replayed letters).
pub fn stream_configs(cfg: &Config) -> [stream::Config; 3] {
    let window = Duration::from_secs(cfg.output.duplicate_window_secs);
    let s = &cfg.streams;
    [
        stream_config(&cfg.input.stream, &cfg.input.subjects, &s.raw, window),
        stream_config(&cfg.output.stream, &cfg.output.subjects, &s.clean, window),
        stream_config(
            &cfg.output.dlq_stream,
            std::slice::from_ref(&cfg.output.dlq_subject),
            &s.dlq,
            window,
        ),
    ]
}

/// The settings in which `current` (as the server reports it) differs from `wanted` (from
/// [`stream_config`]). Unlimited is compared as unlimited however it is written.
pub fn differences(current: &stream::Config, wanted: &stream::Config) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut differ = |setting: &'static str, current: String, configured: String| {
        if current != configured {
            out.push(Difference {
                setting,
                current,
                configured,
            });
        }
    };
    let retention = |r: stream::RetentionPolicy| {
        match r {
            stream::RetentionPolicy::Limits => "limits",
            stream::RetentionPolicy::Interest => "interest",
            stream::RetentionPolicy::WorkQueue => "workqueue",
        }
        .to_string()
    };
    differ(
        "retention",
        retention(current.retention),
        retention(wanted.retention),
    );
    differ(
        "max_age_secs",
        current.max_age.as_secs().to_string(),
        wanted.max_age.as_secs().to_string(),
    );
    let bytes = |n: i64| if n > 0 { n } else { 0 }.to_string();
    differ(
        "max_bytes",
        bytes(current.max_bytes),
        bytes(wanted.max_bytes),
    );
    differ(
        "max_msg_size",
        bytes(i64::from(current.max_message_size)),
        bytes(i64::from(wanted.max_message_size)),
    );
    differ(
        "replicas",
        current.num_replicas.max(1).to_string(),
        wanted.num_replicas.max(1).to_string(),
    );
    let storage = |s: stream::StorageType| {
        match s {
            stream::StorageType::File => "file",
            stream::StorageType::Memory => "memory",
        }
        .to_string()
    };
    differ("storage", storage(current.storage), storage(wanted.storage));
    let discard = |d: stream::DiscardPolicy| {
        match d {
            stream::DiscardPolicy::Old => "old",
            stream::DiscardPolicy::New => "new",
        }
        .to_string()
    };
    differ("discard", discard(current.discard), discard(wanted.discard));
    let subjects = |s: &[String]| {
        let set: BTreeSet<&str> = s.iter().map(String::as_str).collect();
        set.into_iter().collect::<Vec<_>>().join(",")
    };
    differ(
        "subjects",
        subjects(&current.subjects),
        subjects(&wanted.subjects),
    );
    if !wanted.duplicate_window.is_zero() {
        differ(
            "duplicate_window_secs",
            current.duplicate_window.as_secs().to_string(),
            wanted.duplicate_window.as_secs().to_string(),
        );
    }
    out
}

/// `current` with the settings akhbar owns replaced by `wanted`'s, but for those JetStream cannot
/// change on an existing stream (storage; retention to or from a work queue); everything else
/// (sources, placement, description, …) is kept.
fn updated(current: &stream::Config, wanted: &stream::Config) -> stream::Config {
    let workqueue = stream::RetentionPolicy::WorkQueue;
    let retention = if current.retention == workqueue || wanted.retention == workqueue {
        current.retention
    } else {
        wanted.retention
    };
    stream::Config {
        subjects: wanted.subjects.clone(),
        retention,
        max_age: wanted.max_age,
        max_bytes: wanted.max_bytes,
        max_message_size: wanted.max_message_size,
        num_replicas: wanted.num_replicas,
        storage: current.storage,
        discard: wanted.discard,
        duplicate_window: if wanted.duplicate_window.is_zero() {
            current.duplicate_window
        } else {
            wanted.duplicate_window
        },
        ..current.clone()
    }
}

/// Whether a stream keeps everything forever: no age, size or message-count limit.
pub fn is_unbounded(c: &stream::Config) -> bool {
    c.max_age.is_zero() && c.max_bytes <= 0 && c.max_messages <= 0
}

/// Makes sure the input, output and dead-letter streams exist with the configured settings (see
/// the module's doc), then binds the durable pull consumer (creating it when configured).
pub async fn ensure_topology(
    js: &jetstream::Context,
    cfg: &Config,
    metrics: &Metrics,
) -> Result<jetstream::consumer::Consumer<pull::Config>, TopologyError> {
    let [raw, clean, dlq] = stream_configs(cfg);
    let input = ensure_stream(js, cfg, raw, metrics).await?;
    for wanted in [clean, dlq] {
        ensure_stream(js, cfg, wanted, metrics).await?;
    }
    let name = cfg.input.consumer.clone();
    let what = || format!("consumer {}", cfg.input.consumer);
    let consumer = if cfg.nats.create_streams {
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

/// One stream: looked up, created when missing (and configured to), compared with the
/// configuration and updated or warned about.
async fn ensure_stream(
    js: &jetstream::Context,
    cfg: &Config,
    wanted: stream::Config,
    metrics: &Metrics,
) -> Result<stream::Stream, TopologyError> {
    let name = wanted.name.clone();
    let failed = |what: &str, source: JetStreamError| TopologyError {
        what: format!("stream {name}: {what}"),
        source,
    };
    let stream = match js.get_stream(&name).await {
        Ok(s) => s,
        Err(e) if !cfg.nats.create_streams || !is_not_found(&e) => {
            return Err(failed("lookup", Box::new(e)))
        }
        Err(_) => match js.create_stream(wanted.clone()).await {
            Ok(s) => {
                StreamCreated { config: &wanted }.emit(metrics);
                return Ok(s);
            }
            // Another replica created it meanwhile: compare with what it made.
            Err(e) if is_name_taken(&e) => js
                .get_stream(&name)
                .await
                .map_err(|e| failed("lookup", Box::new(e)))?,
            Err(e) => return Err(failed("create", Box::new(e))),
        },
    };
    let current = stream.cached_info().config.clone();
    let applied = updated(&current, &wanted);
    let changeable = differences(&current, &applied);
    let fixed = differences(&applied, &wanted);
    let stream = if changeable.is_empty() {
        stream
    } else if cfg.nats.update_streams {
        js.update_stream(applied)
            .await
            .map_err(|e| failed("update", Box::new(e)))?;
        StreamUpdated {
            stream: &name,
            differences: &changeable,
        }
        .emit(metrics);
        js.get_stream(&name)
            .await
            .map_err(|e| failed("lookup", Box::new(e)))?
    } else {
        StreamDiffers {
            stream: &name,
            differences: &changeable,
            in_place: true,
        }
        .emit(metrics);
        stream
    };
    if !fixed.is_empty() {
        StreamDiffers {
            stream: &name,
            differences: &fixed,
            in_place: false,
        }
        .emit(metrics);
    }
    if is_unbounded(&stream.cached_info().config) {
        StreamUnbounded { stream: &name }.emit(metrics);
    }
    Ok(stream)
}

fn is_not_found(e: &context::GetStreamError) -> bool {
    matches!(e.kind(), context::GetStreamErrorKind::JetStream(j)
        if j.error_code() == ErrorCode::STREAM_NOT_FOUND)
}

fn is_name_taken(e: &context::CreateStreamError) -> bool {
    matches!(e.kind(), context::CreateStreamErrorKind::JetStream(j)
        if j.error_code() == ErrorCode::STREAM_NAME_EXIST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_streams_are_bounded_and_carry_the_duplicate_window() {
        let [raw, clean, dlq] = stream_configs(&Config::default());
        for c in [&raw, &clean, &dlq] {
            assert!(!is_unbounded(c), "{c:?}");
            assert!(c.max_bytes > 0 && !c.max_age.is_zero(), "{c:?}");
            assert_eq!(c.duplicate_window, Duration::from_secs(120));
            assert_eq!(c.num_replicas, 1);
        }
        assert_eq!(raw.retention, stream::RetentionPolicy::WorkQueue);
        assert_eq!(raw.discard, stream::DiscardPolicy::New);
        assert_eq!(raw.max_age, Duration::from_secs(3 * 86_400));
        assert_eq!(clean.max_age, Duration::from_secs(7 * 86_400));
        assert_eq!(dlq.max_age, Duration::from_secs(14 * 86_400));
        assert_eq!(clean.max_message_size, -1);
        assert_eq!(differences(&raw, &raw), vec![]);
    }

    #[test]
    fn an_unlimited_stream_differs_in_each_limit_and_no_more() {
        let [wanted, _, _] = stream_configs(&Config::default());
        let bare = stream::Config {
            name: wanted.name.clone(),
            subjects: vec!["news.raw.>".to_string()],
            max_bytes: -1,
            max_message_size: -1,
            max_messages: -1,
            num_replicas: 1,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        };
        assert!(is_unbounded(&bare));
        let diffs = differences(&bare, &wanted);
        let names: Vec<&str> = diffs.iter().map(|d| d.setting).collect();
        assert_eq!(
            names,
            [
                "retention",
                "max_age_secs",
                "max_bytes",
                "max_msg_size",
                "discard"
            ]
        );
        assert_eq!(diffs[2].current, "0");
        assert_eq!(diffs[2].configured, (4u64 << 30).to_string());
        let applied = updated(&bare, &wanted);
        let left: Vec<&str> = differences(&applied, &wanted)
            .iter()
            .map(|d| d.setting)
            .collect();
        assert_eq!(
            left,
            ["retention"],
            "limits to workqueue cannot change in place"
        );
        let mut clean_bare = bare.clone();
        let [_, clean, _] = stream_configs(&Config::default());
        clean_bare.subjects = clean.subjects.clone();
        clean_bare.storage = stream::StorageType::Memory;
        let applied = updated(&clean_bare, &clean);
        let left: Vec<&str> = differences(&applied, &clean)
            .iter()
            .map(|d| d.setting)
            .collect();
        assert_eq!(left, ["storage"], "storage cannot change in place");
    }

    #[test]
    fn the_duplicate_window_is_cut_to_a_shorter_age_limit() {
        let mut settings = StreamSettings::clean();
        settings.max_age_secs = 30;
        let c = stream_config(
            "S",
            &["s.>".to_string()],
            &settings,
            Duration::from_secs(120),
        );
        assert_eq!(c.duplicate_window, Duration::from_secs(30));
    }
}

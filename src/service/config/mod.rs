//! The service configuration, every key in one place: the structs below are the schema, their
//! `Default` impls the defaults, their `///` lines the documentation (`config/akhbar.toml`
//! repeats them for operators).
//!
//! Layering ([`load`], with `figment`): defaults → the TOML file → `AKHBAR_<SECTION>__<KEY>`
//! environment variables. [`validate`] checks what serde cannot. Secrets are wrapped in
//! [`Secret`], which never prints its value. Errors name the key at fault, and the variable
//! when one set it.
//!
//! A new key: a field with its `///` line in its section struct, its default in that struct's
//! `Default`, a line in `config/akhbar.toml`, and a check in [`validate`] when serde's typing is
//! not enough.

pub mod load;
pub mod validate;

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize, Serializer};

pub use load::ConfigError;

/// Prefix of the environment variables that override configuration keys.
pub const ENV_PREFIX: &str = "AKHBAR_";
/// Separator between nesting levels in an environment variable name.
pub const ENV_SEPARATOR: &str = "__";
/// The configuration file used when none is given.
pub const DEFAULT_CONFIG_PATH: &str = "config/akhbar.toml";

/// A value that must never appear in logs or in `akhbar config check` output.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it (the NATS connect options).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What a secret prints as.
pub const MASK: &str = "********";

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(MASK)
    }
}

/// The whole configuration of `akhbar serve`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// How to reach NATS.
    pub nats: NatsConfig,
    /// Where raw pages come from.
    pub input: InputConfig,
    /// Where article events and dead letters go.
    pub output: OutputConfig,
    /// Limits, replicas and storage of the raw, article and dead-letter streams.
    pub streams: StreamsConfig,
    /// Concurrency and size limits.
    pub processing: ProcessingConfig,
    /// The HTTP endpoint (`/metrics`, `/healthz`, `/readyz`).
    pub http: HttpConfig,
    /// Graceful shutdown.
    pub shutdown: ShutdownConfig,
    /// Logging.
    pub log: LogConfig,
    /// Extraction settings.
    pub extract: ExtractConfig,
    /// How URL-only pages are fetched.
    pub fetch: FetchConfig,
    /// Stories: near-duplicate copies of one report across portals.
    pub stories: StoriesConfig,
    /// Site memory: each portal's furniture learned from the stream, shared between replicas.
    pub site_memory: SiteMemoryConfig,
}

/// Connection to NATS: servers, authentication, TLS, reconnection.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NatsConfig {
    /// Server URL, or several separated by commas (`nats://a:4222,nats://b:4222`).
    pub url: String,
    /// Connection name shown by the server (`nats server report connections`).
    pub name: String,
    /// User name for user/password authentication.
    pub user: Option<String>,
    /// Password for user/password authentication.
    pub password: Option<Secret>,
    /// Token authentication.
    pub token: Option<Secret>,
    /// NKey seed (`SU…`) for NKey authentication.
    pub nkey_seed: Option<Secret>,
    /// A `.creds` file (JWT + NKey seed) for decentralised authentication.
    pub credentials_file: Option<PathBuf>,
    /// PEM file of CA certificates to trust for the server's certificate.
    pub tls_ca: Option<PathBuf>,
    /// PEM client certificate (mutual TLS); needs `tls_key`.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the client certificate.
    pub tls_key: Option<PathBuf>,
    /// Refuse to talk to a server without TLS.
    pub tls_required: bool,
    /// Deadline for establishing one connection, in seconds.
    pub connect_timeout_secs: u64,
    /// Longest pause between reconnect attempts, in seconds (attempts never stop).
    pub reconnect_max_delay_secs: u64,
    /// Start even when no server is reachable yet, and keep trying in the background.
    pub retry_on_initial_connect: bool,
    /// Create the streams and the consumer when they are missing.
    pub create_streams: bool,
    /// Apply `[streams.*]` to existing streams that differ from it; when false, each difference
    /// is only logged as a warning.
    pub update_streams: bool,
}

impl Default for NatsConfig {
    fn default() -> Self {
        NatsConfig {
            url: "nats://127.0.0.1:4222".to_string(),
            name: "akhbar".to_string(),
            user: None,
            password: None,
            token: None,
            nkey_seed: None,
            credentials_file: None,
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
            tls_required: false,
            connect_timeout_secs: 5,
            reconnect_max_delay_secs: 8,
            retry_on_initial_connect: false,
            create_streams: true,
            update_streams: false,
        }
    }
}

impl NatsConfig {
    /// The configured servers, one per comma-separated entry.
    pub fn servers(&self) -> Vec<String> {
        self.url
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// How pages are taken off NATS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputMode {
    /// A durable JetStream pull consumer with explicit acks: at-least-once.
    Jetstream,
    /// A core-NATS queue subscription: at-most-once (a crash loses what is in flight).
    Core,
}

/// The input side: stream, consumer and redelivery policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputConfig {
    /// `jetstream` (default, at-least-once) or `core` (queue group, at-most-once).
    pub mode: InputMode,
    /// The JetStream stream holding raw pages.
    pub stream: String,
    /// Subjects of that stream (and of the core subscription in `core` mode).
    #[serde(deserialize_with = "load::list")]
    pub subjects: Vec<String>,
    /// The durable pull consumer shared by all replicas.
    pub consumer: String,
    /// The queue group joined in `core` mode.
    pub queue_group: String,
    /// Most messages requested in one pull.
    pub batch_size: usize,
    /// Deliveries of one page before it is dead-lettered with reason `max_deliveries`.
    pub max_deliveries: u32,
    /// Seconds the server waits for an ack before redelivering.
    pub ack_wait_secs: u64,
    /// Delays before redelivery after a failed publish, by attempt (the last one repeats).
    #[serde(deserialize_with = "load::list")]
    pub nak_backoff_ms: Vec<u64>,
    /// How often the consumer's pending counts are polled for the metrics, in seconds.
    pub pending_poll_secs: u64,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            mode: InputMode::Jetstream,
            stream: "NEWS_RAW".to_string(),
            subjects: vec!["news.raw.>".to_string()],
            consumer: "akhbar".to_string(),
            queue_group: "akhbar".to_string(),
            batch_size: 64,
            max_deliveries: 5,
            ack_wait_secs: 60,
            nak_backoff_ms: vec![1_000, 5_000, 15_000, 30_000],
            pending_poll_secs: 5,
        }
    }
}

/// The output side: article subject, dead-letter subject and their streams.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputConfig {
    /// Subject of article events; `{site}` becomes the article's site as a subject token.
    pub subject_template: String,
    /// The stream that stores article events.
    pub stream: String,
    /// Subjects of that stream.
    #[serde(deserialize_with = "load::list")]
    pub subjects: Vec<String>,
    /// Subject of dead letters.
    pub dlq_subject: String,
    /// The stream that stores dead letters.
    pub dlq_stream: String,
    /// Window in which the output stream drops a repeated `Nats-Msg-Id`, in seconds.
    pub duplicate_window_secs: u64,
    /// Deadline for a publish acknowledgement, in seconds.
    pub publish_timeout_secs: u64,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            subject_template: "news.clean.{site}".to_string(),
            stream: "NEWS_CLEAN".to_string(),
            subjects: vec!["news.clean.>".to_string()],
            dlq_subject: "news.dlq".to_string(),
            dlq_stream: "NEWS_DLQ".to_string(),
            duplicate_window_secs: 120,
            publish_timeout_secs: 10,
        }
    }
}

/// How JetStream decides that a stored message may go (`retention`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retention {
    /// Kept until a limit (age, bytes) is reached, whoever has read it.
    Limits,
    /// Kept while a consumer has not acked it; gone at once when no consumer exists.
    Interest,
    /// Gone as soon as the one consumer acks it: the stream holds only the backlog.
    Workqueue,
}

/// Where JetStream keeps a stream (`storage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Storage {
    /// On disk: survives a server restart.
    File,
    /// In memory: lost with the server.
    Memory,
}

/// What a full stream does with the next message (`discard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discard {
    /// Drops its oldest messages to make room.
    Old,
    /// Refuses the new message: the publisher gets an error and may retry.
    New,
}

/// The settings of one stream akhbar creates; `0` means "no limit" for the three limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSettings {
    /// `limits`, `interest` or `workqueue`.
    pub retention: Retention,
    /// Oldest message kept, in seconds; 0: no age limit.
    pub max_age_secs: u64,
    /// Most bytes stored (per replica), after which `discard` applies; 0: no size limit.
    pub max_bytes: u64,
    /// Largest message accepted, in bytes; 0: only the server's `max_payload`.
    pub max_msg_size: u32,
    /// Copies kept on different servers of a JetStream cluster (1–5); 3 survives one server lost.
    pub replicas: u8,
    /// `file` or `memory`.
    pub storage: Storage,
    /// `new` (refuse the publish) or `old` (drop the oldest) once a limit is reached.
    pub discard: Discard,
}

/// Bytes in a gibibyte.
const GIB: u64 = 1 << 30;
/// Seconds in a day.
const DAY_SECS: u64 = 24 * 60 * 60;

impl StreamSettings {
    /// Raw pages: a work queue (a page is gone once acked, so only the backlog takes space), 3
    /// days, 4 GiB, pages up to 8 MiB; a full stream refuses new pages rather than dropping
    /// unprocessed ones.
    pub fn raw() -> Self {
        StreamSettings {
            retention: Retention::Workqueue,
            max_age_secs: 3 * DAY_SECS,
            max_bytes: 4 * GIB,
            max_msg_size: 8 << 20,
            replicas: 1,
            storage: Storage::File,
            discard: Discard::New,
        }
    }

    /// Article events: 7 days, 2 GiB; the oldest events make room, so a full stream never
    /// stalls the pipeline.
    pub fn clean() -> Self {
        StreamSettings {
            retention: Retention::Limits,
            max_age_secs: 7 * DAY_SECS,
            max_bytes: 2 * GIB,
            max_msg_size: 0,
            replicas: 1,
            storage: Storage::File,
            discard: Discard::Old,
        }
    }

    /// Dead letters: 14 days, 1 GiB; the oldest letters make room.
    pub fn dlq() -> Self {
        StreamSettings {
            retention: Retention::Limits,
            max_age_secs: 14 * DAY_SECS,
            max_bytes: GIB,
            max_msg_size: 0,
            replicas: 1,
            storage: Storage::File,
            discard: Discard::Old,
        }
    }
}

/// The three streams' settings (`[streams.raw]`, `[streams.clean]`, `[streams.dlq]`). The
/// defaults bound the disk (together 7 GiB per server, inside the 10 GiB file store of the nats
/// Helm chart) and keep one replica; a three-node cluster sets `replicas = 3` on each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamsConfig {
    /// The raw-page stream (`input.stream`).
    pub raw: StreamSettings,
    /// The article-event stream (`output.stream`).
    pub clean: StreamSettings,
    /// The dead-letter stream (`output.dlq_stream`).
    pub dlq: StreamSettings,
}

impl Default for StreamsConfig {
    fn default() -> Self {
        StreamsConfig {
            raw: StreamSettings::raw(),
            clean: StreamSettings::clean(),
            dlq: StreamSettings::dlq(),
        }
    }
}

/// Concurrency and size limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProcessingConfig {
    /// Pages taken off the bus but not yet acked, at most (bounds memory).
    pub in_flight: usize,
    /// Extractions running at once on the blocking pool; 0 means one per CPU core.
    pub worker_threads: usize,
    /// Largest page accepted, in bytes (after gzip inflation); larger ones are `too_large`.
    pub max_page_bytes: usize,
    /// Seconds one extraction may take before the page is dead-lettered `extract_timeout`.
    pub extract_timeout_secs: u64,
}

impl Default for ProcessingConfig {
    fn default() -> Self {
        ProcessingConfig {
            in_flight: 64,
            worker_threads: 0,
            max_page_bytes: crate::extract::DEFAULT_MAX_BYTES,
            extract_timeout_secs: 30,
        }
    }
}

impl ProcessingConfig {
    /// The number of extraction workers, `worker_threads` or the number of cores.
    pub fn workers(&self) -> usize {
        if self.worker_threads > 0 {
            self.worker_threads
        } else {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        }
    }
}

/// The HTTP endpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Address to listen on.
    pub address: String,
    /// Port of `/metrics`, `/healthz` and `/readyz`; 0 lets the system pick one (logged at start).
    pub port: u16,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            address: "0.0.0.0".to_string(),
            port: 9090,
        }
    }
}

/// Graceful shutdown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShutdownConfig {
    /// Seconds allowed to finish in-flight pages after SIGTERM/SIGINT before exiting anyway.
    pub grace_period_secs: u64,
}

impl Default for ShutdownConfig {
    fn default() -> Self {
        ShutdownConfig {
            grace_period_secs: 20,
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Logging.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: LogFormat,
    /// Filter in `tracing` syntax (`info`, `akhbar=debug,async_nats=warn`); `RUST_LOG` wins.
    pub level: String,
    /// Seconds between two info-level summaries (pages, articles, rejections by reason,
    /// pending); each page's own lines are at debug level.
    pub summary_secs: u64,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info".to_string(),
            summary_secs: 30,
        }
    }
}

/// Extraction settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractConfig {
    /// A marker file extending the built-in boilerplate markers (same layout as
    /// `config/markers.toml`).
    pub markers_file: Option<PathBuf>,
}

/// How URL-only pages are fetched (`[fetch]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FetchConfig {
    /// Deadline for the whole fetch (every redirect hop and the body), in milliseconds.
    pub timeout_ms: u64,
    /// Deadline for establishing one TCP/TLS connection, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Largest body accepted, in bytes; the download stops as soon as it is passed.
    pub max_bytes: usize,
    /// Redirects followed before the fetch fails with `fetch_redirects`.
    pub max_redirects: usize,
    /// `User-Agent` header sent with every request.
    pub user_agent: String,
    /// Hosts (exact names, e.g. `intranet.example`) or addresses/CIDRs (e.g. `10.1.0.0/16`,
    /// `127.0.0.1`) that may be fetched although they are private; empty means public only.
    #[serde(deserialize_with = "load::list")]
    pub allow: Vec<String>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout_ms: 10_000,
            connect_timeout_ms: 3_000,
            max_bytes: crate::extract::DEFAULT_MAX_BYTES,
            max_redirects: 5,
            user_agent: concat!("akhbar/", env!("CARGO_PKG_VERSION")).to_string(),
            allow: Vec::new(),
        }
    }
}

/// What becomes of an article found to be a near-duplicate of an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatesMode {
    /// Published like any article, its `story` naming the first copy.
    Annotate,
    /// Not published (acked and counted).
    Drop,
    /// Published to `stories.duplicates_subject` instead of the article subject.
    Publish,
}

/// Story detection (`[stories]`): near-duplicates found through a band index shared by every
/// replica in a JetStream key-value bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoriesConfig {
    /// Give every article event its `story` (needs JetStream for the bucket).
    pub enabled: bool,
    /// Share (0–1) of the shorter body that must be found in the other for two articles to be
    /// one story.
    pub threshold: f64,
    /// How long an article can be found as a copy's original, in seconds (the bucket's max_age).
    pub ttl_secs: u64,
    /// The key-value bucket holding the band index and the article records (created when
    /// missing if `nats.create_streams`).
    pub bucket: String,
    /// `annotate`, `drop` or `publish` (to `duplicates_subject`) a near-duplicate.
    pub duplicates: DuplicatesMode,
    /// Subject of near-duplicates when `duplicates = "publish"`; `{site}` as in
    /// `output.subject_template`. In JetStream mode it must be one of `output.subjects`.
    pub duplicates_subject: String,
}

impl Default for StoriesConfig {
    fn default() -> Self {
        StoriesConfig {
            enabled: true,
            threshold: crate::stories::DEFAULT_THRESHOLD,
            ttl_secs: 7 * 24 * 3600,
            bucket: "AKHBAR_STORIES".to_string(),
            duplicates: DuplicatesMode::Annotate,
            duplicates_subject: "news.duplicates.{site}".to_string(),
        }
    }
}

/// Site memory (`[site_memory]`): what each site prints on most of its pages is learned from
/// the stream and removed from its articles; the models live in a JetStream key-value bucket
/// shared by the replicas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteMemoryConfig {
    /// Learn and apply site templates.
    pub enabled: bool,
    /// The key-value bucket holding the site models (created when missing and
    /// `nats.create_streams` is on).
    pub bucket: String,
    /// Recent distinct pages a site's model remembers (at most 32).
    pub window: usize,
    /// Fewest pages of a site before any of its lines is template.
    pub min_pages: usize,
    /// Share of a site's remembered pages a line must stand on to be template (0 < share ≤ 1).
    pub share: f64,
    /// Most lines one site's model records.
    pub max_lines: usize,
    /// Memory for the models of all sites, in MiB; the least recently seen site leaves first.
    pub memory_mib: usize,
    /// A site's model leaves the bucket after this many seconds without an update.
    pub ttl_secs: u64,
    /// How often models learned since their last write are written to the bucket, in
    /// milliseconds (young models are written at every page).
    pub sync_interval_ms: u64,
}

impl Default for SiteMemoryConfig {
    fn default() -> Self {
        let params = crate::sites::Params::default();
        SiteMemoryConfig {
            enabled: true,
            bucket: "AKHBAR_SITES".to_string(),
            window: params.window,
            min_pages: params.min_pages,
            share: params.share,
            max_lines: params.max_lines,
            memory_mib: 16,
            ttl_secs: 30 * 24 * 3600,
            sync_interval_ms: 1_000,
        }
    }
}

impl SiteMemoryConfig {
    /// The learning parameters these settings stand for.
    pub fn params(&self) -> crate::sites::Params {
        crate::sites::Params {
            window: self.window,
            min_pages: self.min_pages,
            share: self.share,
            max_lines: self.max_lines,
        }
    }
}

impl Config {
    /// The effective configuration as TOML, secrets masked (`akhbar config check`).
    pub fn to_toml_masked(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

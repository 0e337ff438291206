//! The service configuration: one TOML file (every key has a default) plus `AKHBAR_…`
//! environment overrides, `__` separating section and key (`AKHBAR_NATS__URL`).
//!
//! Secrets are wrapped in [`Secret`], which never prints its value. Errors name the key at fault.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize, Serializer};

use super::fetch::FetchConfig;

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
    /// Port of `/metrics`, `/healthz` and `/readyz`.
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
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info".to_string(),
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

/// Why a configuration cannot be used; the message names the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("configuration file is not valid TOML: {0}")]
    Syntax(String),
    /// A key is unknown, has the wrong type or a value that cannot be used.
    #[error("configuration key `{key}`{origin}: {message}")]
    Invalid {
        /// Dotted key, e.g. `nats.url`.
        key: String,
        /// ` (from AKHBAR_…)` when an environment variable set it, else empty.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

impl ConfigError {
    fn invalid(key: &str, message: impl Into<String>) -> Self {
        ConfigError::Invalid {
            key: key.to_string(),
            origin: String::new(),
            message: message.into(),
        }
    }

    /// The dotted key at fault, when there is one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }
}

impl Config {
    /// Loads `path` (or [`DEFAULT_CONFIG_PATH`] when `None` and present; defaults when absent),
    /// applies `AKHBAR_…` variables from the process environment and validates.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let text = match path {
            Some(p) => Some(read(p)?),
            None => {
                let p = Path::new(DEFAULT_CONFIG_PATH);
                if p.exists() {
                    Some(read(p)?)
                } else {
                    None
                }
            }
        };
        Self::from_sources(text.as_deref(), std::env::vars())
    }

    /// Builds a configuration from file text (if any) and environment variables, then validates.
    pub fn from_sources(
        file: Option<&str>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table: toml::Table = match file {
            Some(text) => {
                check_nesting(text).map_err(ConfigError::Syntax)?;
                toml::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))?
            }
            None => toml::Table::new(),
        };
        let defaults = defaults_table();
        let mut origins = BTreeMap::new();
        for (name, value) in env {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if !rest.contains(ENV_SEPARATOR) {
                continue;
            }
            let path: Vec<String> = rest
                .split(ENV_SEPARATOR)
                .map(|s| s.to_ascii_lowercase())
                .collect();
            let key = path.join(".");
            let typed =
                env_value(&defaults, &path, &value).map_err(|message| ConfigError::Invalid {
                    key: key.clone(),
                    origin: format!(" (from {name})"),
                    message,
                })?;
            set_path(&mut table, &path, typed).map_err(|message| ConfigError::Invalid {
                key: key.clone(),
                origin: format!(" (from {name})"),
                message,
            })?;
            origins.insert(key, name);
        }
        let text = toml::to_string(&table).map_err(|e| ConfigError::Syntax(e.to_string()))?;
        let config: Config = toml::from_str(&text).map_err(|e| {
            let key = e
                .span()
                .map(|span| key_at(&text, span.start))
                .unwrap_or_default();
            let origin = origins
                .get(&key)
                .map(|n| format!(" (from {n})"))
                .unwrap_or_default();
            ConfigError::Invalid {
                key: if key.is_empty() {
                    "(file)".to_string()
                } else {
                    key
                },
                origin,
                message: e.message().to_string(),
            }
        })?;
        config.validate().map_err(|e| match e {
            ConfigError::Invalid { key, message, .. } => ConfigError::Invalid {
                origin: origins
                    .get(&key)
                    .map(|n| format!(" (from {n})"))
                    .unwrap_or_default(),
                key,
                message,
            },
            other => other,
        })?;
        Ok(config)
    }

    /// Checks values serde cannot: names, ranges, pairs of keys that go together, files.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let n = &self.nats;
        let servers = n.servers();
        if servers.is_empty() {
            return Err(ConfigError::invalid("nats.url", "no server given"));
        }
        for s in &servers {
            if s.chars().any(char::is_whitespace) || s.contains("://") && !valid_scheme(s) {
                return Err(ConfigError::invalid(
                    "nats.url",
                    format!("{s:?} is not a nats://, tls://, ws:// or wss:// URL"),
                ));
            }
        }
        if n.user.is_some() != n.password.is_some() {
            return Err(ConfigError::invalid(
                if n.user.is_some() {
                    "nats.password"
                } else {
                    "nats.user"
                },
                "user and password go together",
            ));
        }
        if n.tls_cert.is_some() != n.tls_key.is_some() {
            return Err(ConfigError::invalid(
                if n.tls_cert.is_some() {
                    "nats.tls_key"
                } else {
                    "nats.tls_cert"
                },
                "tls_cert and tls_key go together",
            ));
        }
        for (key, path) in [
            ("nats.credentials_file", &n.credentials_file),
            ("nats.tls_ca", &n.tls_ca),
            ("nats.tls_cert", &n.tls_cert),
            ("nats.tls_key", &n.tls_key),
        ] {
            if let Some(p) = path {
                if !p.is_file() {
                    return Err(ConfigError::invalid(
                        key,
                        format!("{} is not a file", p.display()),
                    ));
                }
            }
        }
        if n.connect_timeout_secs == 0 {
            return Err(ConfigError::invalid(
                "nats.connect_timeout_secs",
                "must be at least 1",
            ));
        }
        let i = &self.input;
        stream_name("input.stream", &i.stream)?;
        stream_name("input.consumer", &i.consumer)?;
        subjects("input.subjects", &i.subjects)?;
        if i.mode == InputMode::Core {
            token("input.queue_group", &i.queue_group)?;
        }
        positive("input.batch_size", i.batch_size as u64)?;
        positive("input.max_deliveries", u64::from(i.max_deliveries))?;
        positive("input.ack_wait_secs", i.ack_wait_secs)?;
        positive("input.pending_poll_secs", i.pending_poll_secs)?;
        let o = &self.output;
        let sample = o.subject_template.replace("{site}", "example_com");
        if o.subject_template.trim().is_empty() || !valid_subject(&sample, false) {
            return Err(ConfigError::invalid(
                "output.subject_template",
                format!("{:?} does not make a valid subject", o.subject_template),
            ));
        }
        stream_name("output.stream", &o.stream)?;
        subjects("output.subjects", &o.subjects)?;
        if !valid_subject(&o.dlq_subject, false) {
            return Err(ConfigError::invalid(
                "output.dlq_subject",
                format!("{:?} is not a valid subject", o.dlq_subject),
            ));
        }
        stream_name("output.dlq_stream", &o.dlq_stream)?;
        positive("output.publish_timeout_secs", o.publish_timeout_secs)?;
        let p = &self.processing;
        positive("processing.in_flight", p.in_flight as u64)?;
        positive("processing.max_page_bytes", p.max_page_bytes as u64)?;
        positive("processing.extract_timeout_secs", p.extract_timeout_secs)?;
        if self.http.address.parse::<std::net::IpAddr>().is_err() {
            return Err(ConfigError::invalid(
                "http.address",
                format!("{:?} is not an IP address", self.http.address),
            ));
        }
        positive(
            "shutdown.grace_period_secs",
            self.shutdown.grace_period_secs,
        )?;
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(ConfigError::invalid(
                "log.level",
                format!("{:?} is not a valid filter", self.log.level),
            ));
        }
        self.markers()?;
        self.fetch
            .validate()
            .map_err(|e| ConfigError::invalid("fetch.allow", e.to_string()))?;
        Ok(())
    }

    /// The boilerplate markers: the built-in ones, extended by `extract.markers_file` if set.
    pub fn markers(&self) -> Result<crate::extract::Markers, ConfigError> {
        match &self.extract.markers_file {
            None => Ok(crate::extract::Markers::default()),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    ConfigError::invalid(
                        "extract.markers_file",
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?;
                crate::extract::Markers::defaults_extended_with(&text).map_err(|e| {
                    ConfigError::invalid("extract.markers_file", format!("{}: {e}", path.display()))
                })
            }
        }
    }

    /// The effective configuration as TOML, secrets masked (`akhbar config check`).
    pub fn to_toml_masked(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn defaults_table() -> toml::Table {
    toml::Table::try_from(Config::default()).unwrap_or_default()
}

/// Types an environment value by the type of the key's default: strings stay strings (so a
/// password of digits is not turned into a number), numbers, booleans and lists are parsed.
fn env_value(defaults: &toml::Table, path: &[String], raw: &str) -> Result<toml::Value, String> {
    let mut current: Option<&toml::Value> = None;
    let mut table = Some(defaults);
    for part in path {
        current = table.and_then(|t| t.get(part));
        table = current.and_then(|v| v.as_table());
    }
    let raw_trim = raw.trim();
    match current {
        Some(toml::Value::Integer(_)) => raw_trim
            .parse::<i64>()
            .map(toml::Value::Integer)
            .map_err(|_| format!("{raw:?} is not an integer")),
        Some(toml::Value::Boolean(_)) => match raw_trim.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(toml::Value::Boolean(true)),
            "false" | "0" | "no" => Ok(toml::Value::Boolean(false)),
            _ => Err(format!("{raw:?} is not true or false")),
        },
        Some(toml::Value::Float(_)) => raw_trim
            .parse::<f64>()
            .map(toml::Value::Float)
            .map_err(|_| format!("{raw:?} is not a number")),
        Some(toml::Value::Array(items)) => {
            if raw_trim.starts_with('[') {
                check_nesting(raw_trim)?;
                let doc: toml::Table = toml::from_str(&format!("v = {raw_trim}"))
                    .map_err(|e| format!("{raw:?} is not a TOML list: {}", e.message()))?;
                return Ok(doc.get("v").cloned().unwrap_or(toml::Value::Array(vec![])));
            }
            let ints = matches!(items.first(), Some(toml::Value::Integer(_)));
            raw_trim
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    if ints {
                        s.parse::<i64>()
                            .map(toml::Value::Integer)
                            .map_err(|_| format!("{s:?} is not an integer"))
                    } else {
                        Ok(toml::Value::String(s.to_string()))
                    }
                })
                .collect::<Result<Vec<_>, _>>()
                .map(toml::Value::Array)
        }
        Some(toml::Value::Table(_)) => Err("names a section, not a key".to_string()),
        _ => Ok(toml::Value::String(raw.to_string())),
    }
}

/// Deepest nesting of arrays and inline tables accepted in configuration text. The file needs
/// two levels at most; the TOML parser recurses once per level with frames of several KiB in
/// debug builds, so deep input (up to its own limit of about 80) could take most of a 2 MiB
/// thread stack. Refusing it before parsing keeps loading within a few tens of KiB.
const MAX_NESTING: usize = 8;

/// Refuses text nesting `[` / `{` deeper than [`MAX_NESTING`] outside strings and comments.
fn check_nesting(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    let (mut depth, mut line, mut i) = (0usize, 1usize, 0usize);
    while i < bytes.len() {
        let rest = &bytes[i..];
        match bytes[i] {
            b'\n' => line += 1,
            b'#' => {
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = rest.len() >= 3 && rest[1] == q && rest[2] == q;
                let open = if triple { 3 } else { 1 };
                i += open;
                while i < bytes.len() {
                    let c = bytes[i];
                    if c == b'\\' && q == b'"' {
                        i += 2;
                        continue;
                    }
                    if c == b'\n' {
                        line += 1;
                        if !triple {
                            break;
                        }
                    }
                    if c == q && (!triple || bytes[i..].starts_with(&[q, q, q])) {
                        i += open - 1;
                        break;
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!(
                        "line {line}: arrays or inline tables nested deeper than {MAX_NESTING} levels"
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Err("empty key".to_string());
    };
    let mut current = table;
    for part in parents {
        let entry = current
            .entry(part.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = entry
            .as_table_mut()
            .ok_or_else(|| format!("`{part}` is a value, not a section"))?;
    }
    current.insert(last.clone(), value);
    Ok(())
}

/// The dotted key of the `key = value` line holding byte `offset` of a rendered TOML text.
fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let section = before[..line_start].lines().rev().find_map(|l| {
        let l = l.trim();
        (l.starts_with('[') && l.ends_with(']'))
            .then(|| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
    });
    let line = line.trim();
    if line.starts_with('[') {
        return line
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_string();
    }
    let key = line
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"')
        .to_string();
    match section {
        Some(s) if !key.is_empty() => format!("{s}.{key}"),
        Some(s) => s,
        None => key,
    }
}

fn valid_scheme(url: &str) -> bool {
    ["nats://", "tls://", "ws://", "wss://"]
        .iter()
        .any(|s| url.to_ascii_lowercase().starts_with(s))
}

fn positive(key: &str, value: u64) -> Result<(), ConfigError> {
    if value == 0 {
        Err(ConfigError::invalid(key, "must be at least 1"))
    } else {
        Ok(())
    }
}

fn token(key: &str, value: &str) -> Result<(), ConfigError> {
    if value.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '.' | '*' | '>'))
    {
        Err(ConfigError::invalid(
            key,
            format!("{value:?} must be one word without spaces, '.', '*' or '>'"),
        ))
    } else {
        Ok(())
    }
}

fn stream_name(key: &str, value: &str) -> Result<(), ConfigError> {
    token(key, value)?;
    if value.contains(['/', '\\']) {
        return Err(ConfigError::invalid(
            key,
            format!("{value:?} must not hold '/' or '\\'"),
        ));
    }
    Ok(())
}

fn subjects(key: &str, list: &[String]) -> Result<(), ConfigError> {
    if list.is_empty() {
        return Err(ConfigError::invalid(key, "at least one subject is needed"));
    }
    for s in list {
        if !valid_subject(s, true) {
            return Err(ConfigError::invalid(
                key,
                format!("{s:?} is not a valid subject"),
            ));
        }
    }
    Ok(())
}

/// A NATS subject: dot-separated non-empty tokens without whitespace; wildcards only if allowed.
pub(crate) fn valid_subject(s: &str, wildcards: bool) -> bool {
    let tokens: Vec<&str> = s.split('.').collect();
    !s.is_empty()
        && tokens.iter().enumerate().all(|(i, t)| {
            !t.is_empty()
                && !t.chars().any(char::is_whitespace)
                && match *t {
                    "*" => wildcards,
                    ">" => wildcards && i == tokens.len() - 1,
                    _ => !t.contains(['*', '>']),
                }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_valid_and_match_the_documented_topology() {
        let c = Config::from_sources(None, env(&[])).unwrap();
        assert_eq!(c.input.stream, "NEWS_RAW");
        assert_eq!(c.input.subjects, vec!["news.raw.>"]);
        assert_eq!(c.input.consumer, "akhbar");
        assert_eq!(c.output.subject_template, "news.clean.{site}");
        assert_eq!(c.output.stream, "NEWS_CLEAN");
        assert_eq!(c.output.dlq_subject, "news.dlq");
        assert_eq!(c.output.dlq_stream, "NEWS_DLQ");
        assert_eq!(c.http.port, 9090);
        assert!(c.nats.create_streams);
    }

    #[test]
    fn the_shipped_config_file_is_valid_and_equals_the_defaults() {
        let text = include_str!("../../config/akhbar.toml");
        let c = Config::from_sources(Some(text), env(&[])).unwrap();
        assert_eq!(c.to_toml_masked(), Config::default().to_toml_masked());
    }

    #[test]
    fn environment_overrides_the_file_with_double_underscore_nesting() {
        let file = "[nats]\nurl = \"nats://file:4222\"\n[processing]\nin_flight = 8\n";
        let c = Config::from_sources(
            Some(file),
            env(&[
                ("AKHBAR_NATS__URL", "nats://env:4222"),
                ("AKHBAR_PROCESSING__IN_FLIGHT", "3"),
                ("AKHBAR_NATS__CREATE_STREAMS", "false"),
                ("AKHBAR_INPUT__SUBJECTS", "a.>,b.>"),
                ("AKHBAR_INPUT__NAK_BACKOFF_MS", "10,20"),
                ("AKHBAR_FETCH__ALLOW", "127.0.0.1"),
                ("AKHBAR_UNRELATED", "ignored"),
                ("HOME", "/root"),
            ]),
        )
        .unwrap();
        assert_eq!(c.nats.url, "nats://env:4222");
        assert_eq!(c.processing.in_flight, 3);
        assert!(!c.nats.create_streams);
        assert_eq!(c.input.subjects, vec!["a.>", "b.>"]);
        assert_eq!(c.input.nak_backoff_ms, vec![10, 20]);
        assert_eq!(c.fetch.allow, vec!["127.0.0.1"]);
    }

    #[test]
    fn a_password_of_digits_from_the_environment_stays_a_string() {
        let c = Config::from_sources(
            None,
            env(&[
                ("AKHBAR_NATS__USER", "u"),
                ("AKHBAR_NATS__PASSWORD", "1234"),
            ]),
        )
        .unwrap();
        assert_eq!(c.nats.password.as_ref().map(Secret::expose), Some("1234"));
    }

    #[test]
    fn an_unknown_key_in_the_file_is_named() {
        let err = Config::from_sources(Some("[nats]\nurll = \"x\"\n"), env(&[])).unwrap_err();
        assert_eq!(err.key(), Some("nats.urll"), "{err}");
        assert!(err.to_string().contains("nats.urll"), "{err}");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_named() {
        let err = Config::from_sources(Some("[processing]\nin_flight = \"many\"\n"), env(&[]))
            .unwrap_err();
        assert_eq!(err.key(), Some("processing.in_flight"), "{err}");
    }

    #[test]
    fn a_bad_environment_value_names_the_key_and_the_variable() {
        let err = Config::from_sources(None, env(&[("AKHBAR_HTTP__PORT", "ninety")])).unwrap_err();
        assert_eq!(err.key(), Some("http.port"));
        assert!(err.to_string().contains("AKHBAR_HTTP__PORT"), "{err}");
        let err = Config::from_sources(None, env(&[("AKHBAR_NATS__NOPE", "1")])).unwrap_err();
        assert_eq!(err.key(), Some("nats.nope"), "{err}");
        assert!(err.to_string().contains("AKHBAR_NATS__NOPE"), "{err}");
    }

    #[test]
    fn invalid_values_are_named_by_validation() {
        for (file, key) in [
            ("[processing]\nin_flight = 0\n", "processing.in_flight"),
            ("[nats]\nurl = \"http://x\"\n", "nats.url"),
            ("[nats]\nuser = \"u\"\n", "nats.password"),
            ("[nats]\ntls_cert = \"/nonexistent.pem\"\n", "nats.tls_key"),
            ("[nats]\ntls_ca = \"/nonexistent.pem\"\n", "nats.tls_ca"),
            (
                "[output]\nsubject_template = \"news clean\"\n",
                "output.subject_template",
            ),
            ("[input]\nstream = \"A.B\"\n", "input.stream"),
            ("[input]\nsubjects = []\n", "input.subjects"),
            ("[http]\naddress = \"localhost:1\"\n", "http.address"),
            (
                "[extract]\nmarkers_file = \"/nonexistent.toml\"\n",
                "extract.markers_file",
            ),
            ("[fetch]\nallow = [\"10.0.0.0/99\"]\n", "fetch.allow"),
        ] {
            let err = Config::from_sources(Some(file), env(&[])).unwrap_err();
            assert_eq!(err.key(), Some(key), "{file}: {err}");
        }
    }

    #[test]
    fn secrets_are_masked_in_debug_and_in_the_rendered_config() {
        let file = "[nats]\nuser = \"reader\"\npassword = \"hunter2\"\ntoken = \"tok-s3cret\"\nnkey_seed = \"SUAKEY\"\n";
        let c = Config::from_sources(Some(file), env(&[])).unwrap();
        let rendered = c.to_toml_masked();
        let debug = format!("{c:?}");
        for secret in ["hunter2", "tok-s3cret", "SUAKEY"] {
            assert!(!rendered.contains(secret), "{rendered}");
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(rendered.contains(MASK));
        assert!(rendered.contains("reader"));
        assert_eq!(
            c.nats.password.as_ref().map(Secret::expose),
            Some("hunter2")
        );
    }

    #[test]
    fn syntax_errors_are_reported() {
        let err = Config::from_sources(Some("[nats\n"), env(&[])).unwrap_err();
        assert!(matches!(err, ConfigError::Syntax(_)), "{err}");
    }

    /// Runs `f` on a thread with a 256 KiB stack: deep nesting that reached the TOML parser used
    /// to need more (up to ~1 MiB in debug builds) and abort the whole test binary.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn deeply_nested_file_values_are_refused_before_they_reach_the_parser() {
        for open in ["[", "{a="] {
            let text = format!("[fetch]\nallow = {}\n", open.repeat(80));
            let err =
                on_small_stack(move || Config::from_sources(Some(&text), env(&[]))).unwrap_err();
            assert!(matches!(err, ConfigError::Syntax(_)), "{err}");
            assert!(err.to_string().contains("line 2"), "{err}");
        }
    }

    #[test]
    fn deeply_nested_environment_lists_are_refused_and_name_the_variable() {
        let deep = format!("{}{}", "[".repeat(80), "]".repeat(80));
        let err = on_small_stack(move || {
            Config::from_sources(None, env(&[("AKHBAR_FETCH__ALLOW", deep.as_str())]))
        })
        .unwrap_err();
        assert_eq!(err.key(), Some("fetch.allow"), "{err}");
        assert!(err.to_string().contains("AKHBAR_FETCH__ALLOW"), "{err}");
    }

    #[test]
    fn brackets_inside_strings_and_comments_do_not_count_as_nesting() {
        let deep = "[".repeat(50);
        let text =
            format!("# {deep}\n[nats]\nname = '{deep}'\n[fetch]\nuser_agent = \"{deep}\\\"\"\n");
        assert_eq!(
            check_nesting(&format!("x = \"\"\"\n{deep}\\\"\"\"\"\n")),
            Ok(())
        );
        assert_eq!(check_nesting(&format!("x = '''\n{deep}'''\n")), Ok(()));
        let c = Config::from_sources(Some(&text), env(&[])).unwrap();
        assert_eq!(c.nats.name, deep);
        assert_eq!(c.fetch.user_agent, format!("{deep}\""));
    }

    #[test]
    fn the_fetch_section_of_config_check_is_the_whole_fetch_config() {
        let c = Config::default();
        let rendered: toml::Table = toml::from_str(&c.to_toml_masked()).unwrap();
        let expected = toml::Value::try_from(&c.fetch).unwrap();
        assert_eq!(rendered.get("fetch"), Some(&expected));
    }

    #[test]
    fn subjects_are_checked_for_tokens_and_wildcards() {
        assert!(valid_subject("news.raw.>", true));
        assert!(valid_subject("news.*.x", true));
        assert!(!valid_subject("news.raw.>", false));
        assert!(!valid_subject("news..x", false));
        assert!(!valid_subject("news.>.x", true));
        assert!(!valid_subject("", false));
    }
}

//! Checks serde cannot make: names, ranges, keys that go together, files that must exist.

use std::path::{Path, PathBuf};

use super::{
    Config, ConfigError, DuplicatesMode, FetchConfig, InputMode, Retention, SiteMemoryConfig,
    StreamsConfig,
};
use crate::extract::markers::MarkersError;
use crate::extract::Markers;
use crate::service::fetch::{self, FetchConfigError};
use crate::service::nats;

impl Config {
    /// Checks values serde cannot: names, ranges, pairs of keys that go together, files.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let n = &self.nats;
        if n.servers().is_empty() {
            return Err(ConfigError::invalid("nats.url", "no server given"));
        }
        if let Err(e) = nats::servers(n) {
            return Err(ConfigError::invalid("nats.url", nats::error_chain(&e)));
        }
        together(
            ("nats.user", n.user.is_some()),
            ("nats.password", n.password.is_some()),
        )?;
        together(
            ("nats.tls_cert", n.tls_cert.is_some()),
            ("nats.tls_key", n.tls_key.is_some()),
        )?;
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
        self.streams.validate()?;
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
        positive("log.summary_secs", self.log.summary_secs)?;
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return Err(ConfigError::invalid(
                "log.level",
                format!("{:?} is not a valid filter", self.log.level),
            ));
        }
        self.markers()?;
        self.validate_stories()?;
        self.fetch
            .validate()
            .map_err(|e| ConfigError::invalid("fetch.allow", e.to_string()))?;
        self.site_memory.validate()?;
        Ok(())
    }

    /// `[stories]`: a threshold that is a share, a TTL, a bucket name, and a duplicates subject
    /// some output stream captures.
    fn validate_stories(&self) -> Result<(), ConfigError> {
        let st = &self.stories;
        if !(st.threshold > 0.0 && st.threshold <= 1.0) {
            return Err(ConfigError::invalid(
                "stories.threshold",
                format!("{} is not a share between 0 (excluded) and 1", st.threshold),
            ));
        }
        positive("stories.ttl_secs", st.ttl_secs)?;
        if st.bucket.is_empty()
            || !st
                .bucket
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(ConfigError::invalid(
                "stories.bucket",
                format!("{:?} must be letters, digits, '_' or '-'", st.bucket),
            ));
        }
        if st.duplicates == DuplicatesMode::Publish {
            let sample = st.duplicates_subject.replace("{site}", "example_com");
            if !valid_subject(&sample, false) {
                return Err(ConfigError::invalid(
                    "stories.duplicates_subject",
                    format!("{:?} does not make a valid subject", st.duplicates_subject),
                ));
            }
            if self.input.mode == InputMode::Jetstream
                && !self
                    .output
                    .subjects
                    .iter()
                    .any(|p| subject_matches(p, &sample))
            {
                return Err(ConfigError::invalid(
                    "stories.duplicates_subject",
                    format!(
                        "{:?} is in none of output.subjects {:?}: add it there so the output \
                         stream stores the duplicates",
                        st.duplicates_subject, self.output.subjects
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The boilerplate markers: the built-in ones, extended by `extract.markers_file` if set.
    pub fn markers(&self) -> Result<Markers, ConfigError> {
        markers_file(self.extract.markers_file.as_deref())
            .map_err(|e| ConfigError::invalid("extract.markers_file", e.to_string()))
    }
}

/// A marker file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MarkersFileError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid marker file.
    #[error("{}: {source}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: MarkersError,
    },
}

/// The built-in boilerplate markers, extended by the marker file at `path` when there is one
/// (`extract.markers_file`, `akhbar clean --markers`).
pub fn markers_file(path: Option<&Path>) -> Result<Markers, MarkersFileError> {
    let Some(path) = path else {
        return Ok(Markers::default());
    };
    let text = std::fs::read_to_string(path).map_err(|source| MarkersFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Markers::defaults_extended_with(&text).map_err(|source| MarkersFileError::Invalid {
        path: path.to_path_buf(),
        source,
    })
}

/// Most replicas JetStream keeps of a stream.
const MAX_REPLICAS: u8 = 5;

impl StreamsConfig {
    /// Replicas within 1–5, and a dead-letter stream that keeps its letters until a limit: with
    /// `interest` or `workqueue` retention letters would vanish (no consumer reads them) or the
    /// `dlq` commands could not read them.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (name, s) in [
            ("raw", &self.raw),
            ("clean", &self.clean),
            ("dlq", &self.dlq),
        ] {
            if !(1..=MAX_REPLICAS).contains(&s.replicas) {
                return Err(ConfigError::invalid(
                    &format!("streams.{name}.replicas"),
                    format!("must be between 1 and {MAX_REPLICAS}"),
                ));
            }
            if s.max_msg_size > i32::MAX as u32 {
                return Err(ConfigError::invalid(
                    &format!("streams.{name}.max_msg_size"),
                    format!("must be at most {}", i32::MAX),
                ));
            }
            if s.max_bytes > i64::MAX as u64 {
                return Err(ConfigError::invalid(
                    &format!("streams.{name}.max_bytes"),
                    format!("must be at most {}", i64::MAX),
                ));
            }
        }
        if self.dlq.retention != Retention::Limits {
            return Err(ConfigError::invalid(
                "streams.dlq.retention",
                "dead letters wait for an operator, not a consumer: only `limits` keeps them",
            ));
        }
        Ok(())
    }
}

impl SiteMemoryConfig {
    /// Checks the bucket name and the ranges of the learning parameters.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let valid_bucket = !self.bucket.is_empty()
            && self
                .bucket
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
        if !valid_bucket {
            return Err(ConfigError::invalid(
                "site_memory.bucket",
                format!("{:?} must be letters, digits, '_' or '-'", self.bucket),
            ));
        }
        if !(1..=crate::sites::MAX_WINDOW).contains(&self.window) {
            return Err(ConfigError::invalid(
                "site_memory.window",
                format!("must be 1 to {}", crate::sites::MAX_WINDOW),
            ));
        }
        if !(2..=self.window).contains(&self.min_pages) {
            return Err(ConfigError::invalid(
                "site_memory.min_pages",
                "must be at least 2 and at most site_memory.window",
            ));
        }
        if !(self.share > 0.0 && self.share <= 1.0) {
            return Err(ConfigError::invalid(
                "site_memory.share",
                "must be above 0 and at most 1",
            ));
        }
        if self.max_lines < 8 || self.max_lines > usize::from(u16::MAX) {
            return Err(ConfigError::invalid(
                "site_memory.max_lines",
                "must be 8 to 65535",
            ));
        }
        positive("site_memory.memory_mib", self.memory_mib as u64)?;
        if self.ttl_secs < 60 {
            return Err(ConfigError::invalid(
                "site_memory.ttl_secs",
                "must be at least 60",
            ));
        }
        if self.sync_interval_ms < 10 {
            return Err(ConfigError::invalid(
                "site_memory.sync_interval_ms",
                "must be at least 10",
            ));
        }
        Ok(())
    }
}

impl FetchConfig {
    /// Checks the allowlist entries; the error names the entry that is neither a host nor a CIDR.
    pub fn validate(&self) -> Result<(), FetchConfigError> {
        fetch::check_allowlist(&self.allow)
    }
}

/// Two keys that are set together or not at all; the error names the one missing.
fn together(a: (&str, bool), b: (&str, bool)) -> Result<(), ConfigError> {
    let missing = match (a.1, b.1) {
        (true, false) => b.0,
        (false, true) => a.0,
        _ => return Ok(()),
    };
    let short = |key: &str| key.rsplit('.').next().unwrap_or(key).to_string();
    Err(ConfigError::invalid(
        missing,
        format!("{} and {} go together", short(a.0), short(b.0)),
    ))
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
/// Whether `subject` is one of the subjects `pattern` (with `*` and `>` wildcards) stands for.
pub(crate) fn subject_matches(pattern: &str, subject: &str) -> bool {
    let mut want = subject.split('.');
    for p in pattern.split('.') {
        match (p, want.next()) {
            (">", Some(_)) => return true,
            ("*", Some(_)) => {}
            (p, Some(t)) if p == t => {}
            _ => return false,
        }
    }
    want.next().is_none()
}

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
            ("[streams.raw]\nreplicas = 0\n", "streams.raw.replicas"),
            ("[streams.clean]\nreplicas = 7\n", "streams.clean.replicas"),
            (
                "[streams.dlq]\nretention = \"interest\"\n",
                "streams.dlq.retention",
            ),
            (
                "[streams.raw]\nretention = \"forever\"\n",
                "streams.raw.retention",
            ),
            ("[log]\nsummary_secs = 0\n", "log.summary_secs"),
            ("[site_memory]\nbucket = \"a.b\"\n", "site_memory.bucket"),
            ("[site_memory]\nwindow = 33\n", "site_memory.window"),
            ("[site_memory]\nmin_pages = 40\n", "site_memory.min_pages"),
            ("[site_memory]\nshare = 0.0\n", "site_memory.share"),
            ("[site_memory]\nmemory_mib = 0\n", "site_memory.memory_mib"),
        ] {
            let err = Config::from_sources(Some(file), Vec::new()).unwrap_err();
            assert_eq!(err.key(), Some(key), "{file}: {err}");
        }
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

    #[test]
    fn stories_settings_are_checked() {
        use crate::service::config::load::ConfigError;
        let check = |file: &str| -> Result<Config, ConfigError> {
            Config::from_sources(Some(file), Vec::new())
        };
        for (file, key) in [
            ("[stories]\nthreshold = 0.0\n", "stories.threshold"),
            ("[stories]\nthreshold = 1.5\n", "stories.threshold"),
            ("[stories]\nttl_secs = 0\n", "stories.ttl_secs"),
            ("[stories]\nbucket = \"a.b\"\n", "stories.bucket"),
            (
                "[stories]\nduplicates = \"publish\"\n",
                "stories.duplicates_subject",
            ),
            (
                "[stories]\nduplicates = \"publish\"\nduplicates_subject = \"a b\"\n",
                "stories.duplicates_subject",
            ),
        ] {
            let err = check(file).unwrap_err();
            assert_eq!(err.key(), Some(key), "{file}: {err}");
        }
        let ok = check(
            "[stories]\nduplicates = \"publish\"\n[output]\nsubjects = [\"news.clean.>\", \"news.duplicates.>\"]\n",
        )
        .unwrap();
        assert_eq!(ok.stories.duplicates, DuplicatesMode::Publish);
        let core = check("[input]\nmode = \"core\"\n[stories]\nduplicates = \"publish\"\n");
        assert!(core.is_ok(), "core mode needs no stream: {core:?}");
        let env = Config::from_sources(
            None,
            vec![
                ("AKHBAR_STORIES__THRESHOLD".into(), "0.75".into()),
                ("AKHBAR_STORIES__DUPLICATES".into(), "drop".into()),
                ("AKHBAR_STORIES__ENABLED".into(), "false".into()),
            ],
        )
        .unwrap();
        assert_eq!(env.stories.threshold, 0.75);
        assert_eq!(env.stories.duplicates, DuplicatesMode::Drop);
        assert!(!env.stories.enabled);
    }

    #[test]
    fn subject_patterns_match_as_nats_does() {
        assert!(subject_matches("news.clean.>", "news.clean.a_com"));
        assert!(subject_matches("news.*.a", "news.x.a"));
        assert!(!subject_matches("news.clean.>", "news.clean"));
        assert!(!subject_matches("news.clean.>", "news.duplicates.a_com"));
        assert!(!subject_matches("news.*", "news.x.y"));
        assert!(subject_matches("news.dlq", "news.dlq"));
    }
}

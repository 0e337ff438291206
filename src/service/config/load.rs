//! Layering: defaults → the TOML file → `AKHBAR_<SECTION>__<KEY>` environment variables, merged
//! by `figment`, then validated.
//!
//! Environment values reach figment as raw text and are typed by the field they land in (numbers
//! and booleans parsed, strings kept exactly, so a password of digits stays a string); list keys
//! take a TOML list or comma-separated text ([`list`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::providers::Serialized;
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::{Config, DEFAULT_CONFIG_PATH, ENV_PREFIX, ENV_SEPARATOR};

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
    pub(super) fn invalid(key: &str, message: impl Into<String>) -> Self {
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

    /// The same error, naming the environment variable that set its key, if one did.
    fn with_origin(self, env: &EnvVars) -> Self {
        match self {
            ConfigError::Invalid { key, message, .. } => ConfigError::Invalid {
                origin: env
                    .variable_of(&key)
                    .map(|name| format!(" (from {name})"))
                    .unwrap_or_default(),
                key,
                message,
            },
            other => other,
        }
    }
}

impl Config {
    /// Loads `path` (or [`DEFAULT_CONFIG_PATH`] when `None` and present; defaults when absent),
    /// applies `AKHBAR_…` variables from the process environment and validates.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match path {
            Some(p) => Some(p),
            None => Some(Path::new(DEFAULT_CONFIG_PATH)).filter(|p| p.exists()),
        };
        let text = path.map(read).transpose()?;
        let env = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        Self::from_sources(text.as_deref(), env)
    }

    /// Builds a configuration from file text (if any) and environment variables, then validates.
    pub fn from_sources(
        file: Option<&str>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let file: toml::Table = match file {
            Some(text) => {
                check_nesting(text).map_err(ConfigError::Syntax)?;
                toml::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))?
            }
            None => toml::Table::new(),
        };
        let env = EnvVars::from_pairs(env);
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Serialized::defaults(file))
            .merge(&env)
            .extract_lossy()
            .map_err(|e| from_figment(e).with_origin(&env))?;
        config.validate().map_err(|e| e.with_origin(&env))?;
        Ok(config)
    }
}

/// The first of figment's errors, as the dotted key at fault and what is wrong with it.
fn from_figment(error: figment::Error) -> ConfigError {
    let mut path = error.path.clone();
    if let figment::error::Kind::UnknownField(field, _) = &error.kind {
        if path.last() != Some(field) {
            path.push(field.clone());
        }
    }
    let key = if path.is_empty() {
        "(file)".to_string()
    } else {
        path.join(".")
    };
    ConfigError::invalid(&key, error.kind.to_string())
}

/// The `AKHBAR_<SECTION>__<KEY>` variables of an environment, as a figment provider whose
/// values are raw text.
#[derive(Debug, Default)]
struct EnvVars {
    /// Dotted key → (variable name, value).
    vars: BTreeMap<String, (String, String)>,
}

impl EnvVars {
    fn from_pairs(env: impl IntoIterator<Item = (String, String)>) -> EnvVars {
        let vars = env
            .into_iter()
            .filter_map(|(name, value)| {
                let rest = name.strip_prefix(ENV_PREFIX)?;
                if !rest.contains(ENV_SEPARATOR) {
                    return None;
                }
                let key = rest
                    .split(ENV_SEPARATOR)
                    .map(str::to_ascii_lowercase)
                    .collect::<Vec<_>>()
                    .join(".");
                Some((key, (name, value)))
            })
            .collect();
        EnvVars { vars }
    }

    /// The variable that set `key` (or a key under it).
    fn variable_of(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| {
                k.as_str() == key || k.strip_prefix(key).is_some_and(|r| r.starts_with('.'))
            })
            .map(|(_, (name, _))| name.as_str())
    }
}

impl Provider for EnvVars {
    fn metadata(&self) -> Metadata {
        Metadata::named(format!("`{ENV_PREFIX}` environment variable(s)"))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut root = Dict::new();
        for (key, (_, value)) in &self.vars {
            let mut parts: Vec<&str> = key.split('.').collect();
            let Some(last) = parts.pop() else { continue };
            let mut dict = &mut root;
            for part in parts {
                let entry = dict
                    .entry(part.to_string())
                    .or_insert_with(|| Value::from(Dict::new()));
                if entry.as_dict().is_none() {
                    *entry = Value::from(Dict::new());
                }
                dict = match entry {
                    Value::Dict(_, d) => d,
                    _ => unreachable!("replaced by a dict just above"),
                };
            }
            dict.insert(last.to_string(), Value::from(value.clone()));
        }
        Ok(Profile::Default.collect(root))
    }
}

/// Deserializes a list from a sequence (TOML), from a TOML list written as text (`[1, 2]`) or
/// from comma-separated text (`a.>,b.>`): the ways an environment variable can give one.
pub fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + std::str::FromStr,
    T::Err: std::fmt::Display,
{
    struct ListVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T> de::Visitor<'de> for ListVisitor<T>
    where
        T: Deserialize<'de> + std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list, or comma-separated values")
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }

        fn visit_str<E: de::Error>(self, raw: &str) -> Result<Vec<T>, E> {
            let text = raw.trim();
            if text.starts_with('[') {
                check_nesting(text).map_err(E::custom)?;
                let doc: toml::Table = toml::from_str(&format!("v = {text}")).map_err(|e| {
                    E::custom(format!("{raw:?} is not a TOML list: {}", e.message()))
                })?;
                let items = doc.get("v").and_then(toml::Value::as_array).cloned();
                return items
                    .unwrap_or_default()
                    .into_iter()
                    .map(|item| match item {
                        toml::Value::String(s) => {
                            s.parse().map_err(|e| E::custom(format!("{s:?}: {e}")))
                        }
                        other => other
                            .to_string()
                            .parse()
                            .map_err(|e| E::custom(format!("{other}: {e}"))),
                    })
                    .collect();
            }
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().map_err(|e| E::custom(format!("{s:?}: {e}"))))
                .collect()
        }
    }

    deserializer.deserialize_any(ListVisitor(std::marker::PhantomData))
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: PathBuf::from(path),
        source,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::config::{Secret, StreamSettings, MASK};

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
        let text = include_str!("../../../config/akhbar.toml");
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
    fn every_key_is_in_the_table_of_docs_configuration_md() {
        let doc = include_str!("../../../docs/configuration.md");
        let json = serde_json::to_value(Config::default()).unwrap();
        let mut keys = Vec::new();
        dotted_keys("", &json, &mut keys);
        assert!(keys.iter().any(|k| k == "streams.dlq.replicas"), "{keys:?}");
        let mut missing = Vec::new();
        for key in keys {
            let key = format!("`{key}`");
            if !doc.lines().any(|l| l.starts_with('|') && l.contains(&key)) {
                missing.push(key);
            }
        }
        assert!(
            missing.is_empty(),
            "not in docs/configuration.md: {missing:?}"
        );
    }

    /// The dotted names of the leaves of a configuration rendered as JSON.
    fn dotted_keys(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
        match value.as_object() {
            Some(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    dotted_keys(&key, v, out);
                }
            }
            None => out.push(prefix.to_string()),
        }
    }

    #[test]
    fn stream_settings_nest_two_levels_deep_in_the_environment() {
        let c = Config::from_sources(
            Some("[streams.raw]\nmax_age_secs = 60\n"),
            env(&[
                ("AKHBAR_STREAMS__RAW__REPLICAS", "3"),
                ("AKHBAR_STREAMS__CLEAN__REPLICAS", "3"),
                ("AKHBAR_STREAMS__DLQ__REPLICAS", "3"),
                ("AKHBAR_STREAMS__CLEAN__DISCARD", "new"),
            ]),
        )
        .unwrap();
        assert_eq!(
            (
                c.streams.raw.replicas,
                c.streams.clean.replicas,
                c.streams.dlq.replicas
            ),
            (3, 3, 3)
        );
        assert_eq!(c.streams.raw.max_age_secs, 60);
        assert_eq!(c.streams.raw.max_bytes, StreamSettings::raw().max_bytes);
        assert_eq!(
            c.streams.clean.discard,
            crate::service::config::Discard::New
        );
        let err =
            Config::from_sources(None, env(&[("AKHBAR_STREAMS__RAW__REPLICAS", "9")])).unwrap_err();
        assert_eq!(err.key(), Some("streams.raw.replicas"), "{err}");
        assert!(
            err.to_string().contains("AKHBAR_STREAMS__RAW__REPLICAS"),
            "{err}"
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
}

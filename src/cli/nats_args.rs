//! The NATS connection arguments of `publish` and `tail` (and of any later command that talks
//! to NATS): the same settings, and the same `AKHBAR_NATS__…` variables, as the service's
//! `[nats]` section, turned into a [`NatsConfig`] so that every command connects through
//! `service/nats.rs`'s `options()`.

use std::path::PathBuf;

use crate::service::config::{NatsConfig, Secret};
use crate::service::nats;

/// How to reach NATS; the same environment variables as the service's `[nats]` section.
#[derive(Debug, Clone, clap::Args)]
pub struct NatsArgs {
    /// NATS server URL(s), comma-separated.
    #[arg(
        long,
        env = "AKHBAR_NATS__URL",
        default_value = "nats://127.0.0.1:4222",
        value_name = "URL"
    )]
    pub server: String,
    /// User name (with --password).
    #[arg(long, env = "AKHBAR_NATS__USER", requires = "password")]
    pub user: Option<String>,
    /// Password (with --user).
    #[arg(long, env = "AKHBAR_NATS__PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Authentication token.
    #[arg(long, env = "AKHBAR_NATS__TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// NKey seed (`SU…`).
    #[arg(long, env = "AKHBAR_NATS__NKEY_SEED", hide_env_values = true)]
    pub nkey: Option<String>,
    /// NATS credentials file (JWT + NKey seed).
    #[arg(long, env = "AKHBAR_NATS__CREDENTIALS_FILE", value_name = "FILE")]
    pub creds: Option<PathBuf>,
    /// CA certificates (PEM) to trust for TLS.
    #[arg(long, env = "AKHBAR_NATS__TLS_CA", value_name = "FILE")]
    pub tls_ca: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS (with --tls-key).
    #[arg(
        long,
        env = "AKHBAR_NATS__TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) of the client certificate.
    #[arg(
        long,
        env = "AKHBAR_NATS__TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
}

impl NatsArgs {
    /// The `[nats]` settings these arguments stand for; `name` is the connection name shown by
    /// the server. Everything else keeps the service's defaults (e.g. the connect timeout).
    pub fn to_config(&self, name: &str) -> NatsConfig {
        NatsConfig {
            url: self.server.clone(),
            name: name.to_string(),
            user: self.user.clone(),
            password: self.password.clone().map(Secret::new),
            token: self.token.clone().map(Secret::new),
            nkey_seed: self.nkey.clone().map(Secret::new),
            credentials_file: self.creds.clone(),
            tls_ca: self.tls_ca.clone(),
            tls_cert: self.tls_cert.clone(),
            tls_key: self.tls_key.clone(),
            ..NatsConfig::default()
        }
    }

    /// Connects once with the service's connect options; fails fast when no server answers.
    pub async fn connect(&self, name: &str) -> anyhow::Result<async_nats::Client> {
        Ok(nats::connect_once(&self.to_config(name)).await?)
    }
}

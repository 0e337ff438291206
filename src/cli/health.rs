//! `akhbar health`: asks a running `akhbar serve` whether it is ready (`GET /readyz`). The image
//! has no shell and no curl, so container healthchecks (docker-compose) run this instead.

use std::time::Duration;

use anyhow::Context as _;

use crate::service::nats::error_chain;

/// Arguments of `akhbar health`.
#[derive(Debug, clap::Args)]
pub struct HealthArgs {
    /// Readiness URL of the instance to ask.
    #[arg(
        long,
        default_value = "http://127.0.0.1:9090/readyz",
        value_name = "URL"
    )]
    pub url: String,
    /// Seconds to wait for the answer.
    #[arg(long, default_value_t = 2.0, value_name = "SECS")]
    pub timeout: f64,
}

/// What the instance answered.
enum Answer {
    /// 200 from `/readyz`.
    Ready,
    /// Any other status, with the body (it names what is missing).
    NotReady(reqwest::StatusCode, String),
}

/// Runs `akhbar health`: exit code 0 when the instance answers ready, 1 otherwise (not ready,
/// unreachable or no answer in time), with the reason on stderr. Docker reserves exit code 2.
pub fn run(args: HealthArgs) -> anyhow::Result<i32> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        anyhow::bail!(
            "--timeout must be a number of seconds > 0, got {}",
            args.timeout
        );
    }
    let url = reqwest::Url::parse(&args.url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .with_context(|| {
            format!(
                "--url must be an http:// or https:// URL, got {:?}",
                args.url
            )
        })?;
    crate::service::tls::install_crypto_provider();
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs_f64(args.timeout))
        .build()
        .context("cannot build the HTTP client")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match runtime.block_on(ask(&client, url.clone())) {
        Ok(Answer::Ready) => {
            println!("ready: {url}");
            Ok(0)
        }
        Ok(Answer::NotReady(status, body)) => {
            eprintln!("akhbar health: {url} answered {status}: {}", body.trim());
            Ok(1)
        }
        Err(e) if e.is_timeout() => {
            eprintln!(
                "akhbar health: no answer from {url} within {}s",
                args.timeout
            );
            Ok(1)
        }
        Err(e) => {
            eprintln!("akhbar health: cannot reach {url}: {}", error_chain(&e));
            Ok(1)
        }
    }
}

async fn ask(client: &reqwest::Client, url: reqwest::Url) -> Result<Answer, reqwest::Error> {
    let response = client.get(url).send().await?;
    let status = response.status();
    if status == reqwest::StatusCode::OK {
        return Ok(Answer::Ready);
    }
    let body = response.text().await.unwrap_or_default();
    Ok(Answer::NotReady(status, body))
}

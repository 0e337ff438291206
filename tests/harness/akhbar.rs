//! `akhbar serve` as a child process: a config file written for it, its HTTP port read back from
//! its log (it listens on a port the system picks), signals, peak RSS, metrics.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::http::{eventually, http_get, parse_metric, poll_until};
use super::paths::akhbar_bin;

/// The akhbar binary as a child process running `serve` with a config file written for it.
pub struct Akhbar {
    child: Option<Child>,
    /// The config file path.
    pub config: PathBuf,
    /// Where stdout and stderr go.
    pub log: PathBuf,
    /// The HTTP port (metrics, health) of the running process; 0 before it listens.
    port: u16,
    env: Vec<(String, String)>,
    dir: tempfile::TempDir,
}

impl Akhbar {
    /// Writes `config_toml` to a temp file and starts `akhbar serve --config FILE`.
    pub fn start(config_toml: &str) -> Akhbar {
        Self::start_with_env(config_toml, &[])
    }

    /// As [`Akhbar::start`], with extra environment variables (kept for restarts).
    pub fn start_with_env(config_toml: &str, env: &[(&str, &str)]) -> Akhbar {
        let dir = tempfile::tempdir().expect("temp dir for akhbar");
        let config = dir.path().join("akhbar.toml");
        std::fs::write(&config, config_toml).expect("write config");
        let log = dir.path().join("akhbar.log");
        let mut a = Akhbar {
            child: None,
            config,
            log,
            port: 0,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            dir,
        };
        a.spawn();
        a
    }

    /// Starts the process, with no `AKHBAR_…` variable of the test's environment, and waits
    /// until it says which port it listens on (or exits).
    fn spawn(&mut self) {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("open log");
        let err = out.try_clone().expect("clone log handle");
        let offset = out.metadata().map_or(0, |m| m.len());
        let mut cmd = Command::new(akhbar_bin());
        cmd.args(["serve", "--config"])
            .arg(&self.config)
            .env("RUST_LOG", "info")
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .stdin(Stdio::null());
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("AKHBAR_") {
                cmd.env_remove(k);
            }
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        self.child = Some(cmd.spawn().expect("spawn akhbar serve"));
        self.port = self
            .wait_for_port(offset, Duration::from_secs(30))
            .unwrap_or(0);
    }

    /// The port of the `serving /metrics …` line written after byte `offset` of the log.
    fn wait_for_port(&mut self, offset: u64, timeout: Duration) -> Option<u16> {
        let deadline = Instant::now() + timeout;
        loop {
            let log = std::fs::read(&self.log).unwrap_or_default();
            let fresh = String::from_utf8_lossy(log.get(offset as usize..).unwrap_or_default());
            if let Some(port) = port_in_log(&fresh, "serving /metrics") {
                return Some(port);
            }
            if !self.is_running() || Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The HTTP port (metrics, health) the running process listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Starts the process again with the same config (after a kill or exit); it may listen on
    /// another port.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// The process id, while running.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Sends a signal (by name, e.g. `TERM`) with `kill(1)`.
    pub fn signal(&self, sig: &str) {
        if let Some(pid) = self.pid() {
            let _ = Command::new("kill")
                .args([format!("-{sig}"), pid.to_string()])
                .status();
        }
    }

    /// SIGKILLs the process and reaps it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Waits up to `timeout` for the process to exit on its own.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let mut status = None;
        poll_until(timeout, || {
            status = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            status.is_some() || self.child.is_none()
        });
        if status.is_some() {
            self.child = None;
        }
        status
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Peak resident set size so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GETs a path on the HTTP port; returns (status, body).
    pub fn http_get(&self, path: &str) -> Option<(u16, String)> {
        http_get(self.port, path)
    }

    /// The whole `/metrics` text (empty when it does not answer).
    pub fn metrics(&self) -> String {
        self.http_get("/metrics")
            .map(|(_, m)| m)
            .unwrap_or_default()
    }

    /// The value of one sample of `/metrics` (`name` with its labels as printed, e.g.
    /// `akhbar_pages_rejected_total{reason="empty"}`); the sum over labels when `name` has none.
    pub fn metric(&self, name: &str) -> Option<f64> {
        parse_metric(&self.metrics(), name)
    }

    /// Whether `/readyz` answers 200.
    pub fn is_ready(&self) -> bool {
        self.http_get("/readyz").is_some_and(|(s, _)| s == 200)
    }

    /// Waits (up to 30 s, without blocking the async runtime) until `/readyz` answers 200, and
    /// panics when it never does (the log is printed as the process is dropped).
    pub async fn when_ready(self) -> Akhbar {
        assert!(
            wait_ready(&self, Duration::from_secs(30)).await,
            "akhbar not ready"
        );
        self
    }

    /// Polls `/readyz` until it answers 200 (blocking the thread).
    pub fn wait_ready(&self, timeout: Duration) -> bool {
        poll_until(timeout, || self.is_ready())
    }

    /// Where temp files for this process live.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Akhbar {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() || std::env::var_os("AKHBAR_TEST_LOGS").is_some() {
            eprintln!("--- akhbar log ---\n{}", tail(&self.log_text(), 4000));
        }
    }
}

/// Polls `/readyz` until it answers 200, without blocking the async runtime's other tasks.
pub async fn wait_ready(a: &Akhbar, timeout: Duration) -> bool {
    eventually(timeout, || async { a.is_ready() }).await
}

/// The port of the first `address=HOST:PORT` on a line containing `marker`.
pub fn port_in_log(log: &str, marker: &str) -> Option<u16> {
    log.lines().filter(|l| l.contains(marker)).find_map(|l| {
        let address = l.split("address=").nth(1)?;
        let address = address.split_whitespace().next()?.trim_matches('"');
        address.rsplit(':').next()?.parse().ok()
    })
}

fn tail(s: &str, n: usize) -> &str {
    let mut i = s.len().saturating_sub(n);
    while !s.is_char_boundary(i) {
        i += 1;
    }
    &s[i..]
}

/// The service config used by the tests, with `extra` (TOML) merged over it key by key: HTTP on
/// a port the system picks, short ack wait and nak backoff so redeliveries happen within a
/// test's time.
pub fn config(nats_url: &str, extra: &str) -> String {
    let mut base: toml::Table = toml::from_str(&base_config(nats_url)).expect("base");
    let extra: toml::Table = toml::from_str(extra).expect("extra config is TOML");
    merge(&mut base, extra);
    toml::to_string(&base).expect("render config")
}

fn merge(into: &mut toml::Table, from: toml::Table) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

fn base_config(nats_url: &str) -> String {
    format!(
        r#"
[nats]
url = "{nats_url}"
name = "akhbar-test"
reconnect_max_delay_secs = 1
retry_on_initial_connect = true

[input]
ack_wait_secs = 5
nak_backoff_ms = [100, 250, 500]
max_deliveries = 1000
pending_poll_secs = 1

[http]
address = "127.0.0.1"
port = 0

[shutdown]
grace_period_secs = 20
"#
    )
}

//! `akhbar health` (the container healthcheck) and the `akhbar_ready` gauge against a real
//! `akhbar serve` and a real `nats-server`: not ready while NATS is away, ready once it is up,
//! not ready again when it goes; and a clear failure when nothing listens.

use std::process::{Command, Output};
use std::time::Duration;

use crate::harness::{self, Akhbar};

fn health(url: &str) -> Output {
    Command::new(harness::akhbar_bin())
        .args(["health", "--url", url, "--timeout", "5"])
        .output()
        .expect("run akhbar health")
}

fn describe(out: &Output) -> String {
    format!(
        "{}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Waits until `akhbar health` exits with `code` and `akhbar_ready` reads `gauge`.
fn wait_for(akhbar: &Akhbar, url: &str, code: i32, gauge: f64) -> Output {
    let mut last = health(url);
    let settled = harness::poll_until(Duration::from_secs(30), || {
        last = health(url);
        last.status.code() == Some(code) && akhbar.metric("akhbar_ready") == Some(gauge)
    });
    assert!(
        settled,
        "expected exit {code} and akhbar_ready {gauge}; akhbar_ready = {:?}, health: {}\n{}",
        akhbar.metric("akhbar_ready"),
        describe(&last),
        akhbar.log_text()
    );
    last
}

#[test]
fn health_and_the_ready_gauge_follow_the_nats_connection() {
    let mut nats = harness::NatsServer::start();
    nats.kill();
    let akhbar = Akhbar::start(&harness::config(&nats.url(), ""));
    let url = format!("http://127.0.0.1:{}/readyz", akhbar.port());
    assert!(
        harness::poll_until(Duration::from_secs(30), || akhbar
            .http_get("/healthz")
            .is_some_and(|(s, _)| s == 200)),
        "akhbar did not start:\n{}",
        akhbar.log_text()
    );

    let out = wait_for(&akhbar, &url, 1, 0.0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("503") && stderr.contains("nats_connected=false"),
        "the reason is on stderr: {}",
        describe(&out)
    );

    nats.restart();
    let out = wait_for(&akhbar, &url, 0, 1.0);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("ready"),
        "{}",
        describe(&out)
    );

    nats.kill();
    wait_for(&akhbar, &url, 1, 0.0);
}

#[test]
fn health_fails_with_a_clear_message_when_nothing_listens() {
    let closed = harness::closed_port();
    let url = format!("http://127.0.0.1:{}/readyz", closed.port);
    let out = health(&url);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot reach") && stderr.contains(&url),
        "{}",
        describe(&out)
    );
    assert!(out.stdout.is_empty(), "{}", describe(&out));
}

#[test]
fn health_rejects_a_url_that_is_not_http() {
    let out = health("nats://127.0.0.1:4222");
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--url must be an http:// or https:// URL"),
        "{}",
        describe(&out)
    );
}

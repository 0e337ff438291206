//! The deployment's monitoring against the real programs: a Prometheus server scraping a running
//! `akhbar serve` counts every published article; every dashboard query and alert rule evaluates
//! on live data; every metric the dashboard and the rules name is exposed on `/metrics`;
//! `promtool check metrics` is clean; and the configs shipped in deploy/ load.
//!
//! Prometheus and promtool come from `$PROMETHEUS_BIN` / `$PROMTOOL_BIN` (scripts/check-deploy
//! installs Debian's `prometheus` and hands them over) or `PATH`. Without them the tests that
//! need them print SKIPPED, except under CI, where they fail.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use akhbar::service::config::Config;
use async_nats::jetstream;
use bytes::Bytes;

use crate::harness::{self, Akhbar, HttpServer};

const SCRAPE_JOB: &str = "akhbar";

fn project_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read_project_file(rel: &str) -> String {
    std::fs::read_to_string(project_file(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// `$VAR` if set, else `name` when it is on `PATH`.
fn find_tool(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The tool, or `None` after printing why the test is skipped; under CI a missing tool fails.
fn tool_or_skip(test: &str, var: &str, name: &str) -> Option<PathBuf> {
    let found = find_tool(var, name);
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: {name} is required under CI (scripts/check-deploy installs it; or set {var})"
        );
        eprintln!(
            "SKIPPED {test}: {name} is not installed (Debian package prometheus; or set {var})"
        );
    }
    found
}

/// A Prometheus server on a loopback port of its choosing scraping akhbar every second, with the shipped
/// alert rules loaded; killed on drop.
struct Prometheus {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl Prometheus {
    fn start(bin: &Path, akhbar_port: u16) -> Prometheus {
        let dir = tempfile::tempdir().expect("temp dir for prometheus");
        let rules = project_file("deploy/prometheus/rules/akhbar.rules.yml");
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {rules:?}\n\
             scrape_configs:\n  - job_name: {SCRAPE_JOB}\n    static_configs:\n      \
             - targets: [\"127.0.0.1:{akhbar_port}\"]\n",
            rules = rules.display().to_string()
        );
        let config_path = dir.path().join("prometheus.yml");
        std::fs::write(&config_path, config).expect("write prometheus.yml");
        let log_path = dir.path().join("prometheus.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let child = Command::new(bin)
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg("--web.listen-address=127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut prometheus = Prometheus {
            child: Some(child),
            port: 0,
            dir,
        };
        assert!(
            harness::poll_until(Duration::from_secs(30), || {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                prometheus.port = harness::port_in_log(&log, "Listening on").unwrap_or(0);
                harness::http_get(prometheus.port, "/-/ready").is_some_and(|(s, _)| s == 200)
            }),
            "prometheus did not become ready:\n{}",
            prometheus.log()
        );
        prometheus
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
    }

    /// GETs an API path and returns the decoded JSON (`None` when unreachable or not JSON).
    fn api(&self, path: &str) -> Option<serde_json::Value> {
        let (_, body) = harness::http_get(self.port, path)?;
        serde_json::from_str(&body).ok()
    }

    /// Runs an instant query; returns the whole API response.
    fn query(&self, expr: &str) -> Option<serde_json::Value> {
        self.api(&format!("/api/v1/query?query={}", url_encode(expr)))
    }

    /// The single value of an instant query that returns one sample.
    fn scalar(&self, expr: &str) -> Option<f64> {
        let resp = self.query(expr)?;
        let result = resp["data"]["result"].as_array()?;
        match result.as_slice() {
            [one] => one["value"][1].as_str()?.parse().ok(),
            _ => None,
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::thread::panicking() {
            let log = self.log();
            let start = log.len().saturating_sub(3000);
            let start = (start..log.len())
                .find(|&i| log.is_char_boundary(i))
                .unwrap_or(log.len());
            eprintln!("--- prometheus log ---\n{}", &log[start..]);
        }
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A NATS server and an `akhbar serve` that has processed a mix of pages: HTML articles, one
/// URL-only page it fetched itself, and pages it must reject (empty, binary, a bad envelope).
struct Traffic {
    _nats: harness::NatsServer,
    _pages: HttpServer,
    akhbar: Akhbar,
    /// Messages published to the input stream.
    pages_in: u64,
    /// Article events stored in the output stream.
    articles_out: u64,
}

const ARTICLE_PAGES: u64 = 6;

fn run_traffic() -> Traffic {
    let nats = harness::NatsServer::start();
    let pages = HttpServer::start();
    let cfg = harness::config(&nats.url(), "[fetch]\nallow = [\"127.0.0.1\"]\n");
    let akhbar = Akhbar::start(&cfg);
    assert!(
        akhbar.wait_ready(Duration::from_secs(30)),
        "akhbar did not become ready:\n{}",
        akhbar.log_text()
    );
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let (pages_in, articles_out) = rt.block_on(async {
        let client = harness::connect(&nats.url()).await;
        let js = jetstream::new(client);
        harness::publish_pages(&js, 0..ARTICLE_PAGES).await;
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format now");
        let mut odd: Vec<(async_nats::HeaderMap, Bytes)> = Vec::new();
        let mut url_only = async_nats::HeaderMap::new();
        url_only.insert("Akhbar-Url", pages.url("/article/100").as_str());
        url_only.insert("Akhbar-Fetched-At", now.as_str());
        odd.push((url_only, Bytes::new()));
        let mut empty = harness::page_headers(&harness::page_url(101), "text/html");
        empty.insert("Akhbar-Fetched-At", now.as_str());
        odd.push((empty, Bytes::from_static(b"   \n")));
        let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
        odd.push((
            harness::page_headers(&harness::page_url(102), "application/octet-stream"),
            Bytes::from(binary),
        ));
        let mut envelope = async_nats::HeaderMap::new();
        envelope.insert("Content-Type", "application/json");
        odd.push((envelope, Bytes::from_static(b"{\"html\": ")));
        for (i, (headers, payload)) in odd.into_iter().enumerate() {
            harness::publish_retrying(
                &js,
                "news.raw.test",
                headers,
                payload,
                &format!("odd-{i}"),
                Duration::from_secs(30),
            )
            .await;
        }
        let pages_in = ARTICLE_PAGES + 4;
        let out = harness::wait_for_outputs(&js, pages_in, Duration::from_secs(60)).await;
        assert_eq!(
            out, pages_in,
            "every page ends as an article or a dead letter"
        );
        (
            pages_in,
            harness::stream_count(&js, harness::CLEAN_STREAM).await,
        )
    });
    assert!(
        articles_out > ARTICLE_PAGES,
        "the article pages and the fetched page give articles (got {articles_out})"
    );
    Traffic {
        _nats: nats,
        _pages: pages,
        akhbar,
        pages_in,
        articles_out,
    }
}

/// Metric names a text mentions (`akhbar_…`).
fn metric_names(text: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"\bakhbar_[a-z0-9_]*[a-z0-9]").expect("regex");
    re.find_iter(text).map(|m| m.as_str().to_string()).collect()
}

/// Every sample name a `/metrics` text can hold: each family, and for histograms and summaries
/// their `_bucket`, `_sum` and `_count` series.
fn exposed_names(metrics: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in metrics.lines() {
        let mut parts = line.split_whitespace();
        if parts.next() != Some("#") || parts.next() != Some("TYPE") {
            continue;
        }
        let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
            continue;
        };
        names.insert(name.to_string());
        let suffixes: &[&str] = match kind {
            "histogram" => &["_bucket", "_sum", "_count"],
            "summary" => &["_sum", "_count"],
            _ => &[],
        };
        names.extend(suffixes.iter().map(|s| format!("{name}{s}")));
    }
    names
}

/// The PromQL queries of the dashboard's panels, with Grafana's variables filled in.
fn dashboard_queries() -> Vec<(String, String)> {
    let dash: serde_json::Value =
        serde_json::from_str(&read_project_file("deploy/grafana/akhbar.json"))
            .expect("dashboard JSON");
    let mut out = Vec::new();
    for panel in dash["panels"].as_array().expect("panels") {
        for target in panel["targets"].as_array().into_iter().flatten() {
            if let Some(expr) = target["expr"].as_str() {
                let expr = expr
                    .replace("$job", SCRAPE_JOB)
                    .replace("$instance", ".*")
                    .replace("$__rate_interval", "1m");
                out.push((panel["title"].as_str().unwrap_or("?").to_string(), expr));
            }
        }
    }
    out
}

#[test]
fn prometheus_scrapes_as_many_published_articles_as_the_output_stream_holds() {
    let test = "prometheus_scrapes_as_many_published_articles_as_the_output_stream_holds";
    let Some(bin) = tool_or_skip(test, "PROMETHEUS_BIN", "prometheus") else {
        return;
    };
    let traffic = run_traffic();
    let prometheus = Prometheus::start(&bin, traffic.akhbar.port());
    let expected = traffic.articles_out as f64;
    let mut seen = None;
    let matched = harness::poll_until(Duration::from_secs(30), || {
        seen = prometheus.scalar(&format!(
            "sum(akhbar_articles_published_total{{job=\"{SCRAPE_JOB}\"}})"
        ));
        seen == Some(expected)
    });
    assert!(
        matched,
        "Prometheus reads akhbar_articles_published_total = {seen:?}, the stream holds {expected}"
    );
    let received = prometheus.scalar(&format!(
        "sum(akhbar_pages_received_total{{job=\"{SCRAPE_JOB}\"}})"
    ));
    assert_eq!(received, Some(traffic.pages_in as f64));
    let up = prometheus.scalar(&format!("up{{job=\"{SCRAPE_JOB}\"}}"));
    assert_eq!(up, Some(1.0));
}

#[test]
fn every_dashboard_query_and_alert_rule_evaluates_on_live_data() {
    let test = "every_dashboard_query_and_alert_rule_evaluates_on_live_data";
    let Some(bin) = tool_or_skip(test, "PROMETHEUS_BIN", "prometheus") else {
        return;
    };
    let traffic = run_traffic();
    let prometheus = Prometheus::start(&bin, traffic.akhbar.port());
    // Two scrapes at least, so that rate() has something to work on.
    assert!(harness::poll_until(Duration::from_secs(30), || {
        prometheus
            .scalar(&format!("count_over_time(up{{job=\"{SCRAPE_JOB}\"}}[1m])"))
            .is_some_and(|n| n >= 3.0)
    }));
    for (panel, expr) in dashboard_queries() {
        let resp = prometheus.query(&expr).expect("query answered");
        assert_eq!(resp["status"], "success", "panel {panel:?}: {expr}\n{resp}");
        let series = resp["data"]["result"].as_array().map_or(0, Vec::len);
        assert!(series > 0, "panel {panel:?} shows no data: {expr}\n{resp}");
    }

    let mut last = serde_json::Value::Null;
    let all_evaluated = harness::poll_until(Duration::from_secs(30), || {
        let Some(resp) = prometheus.api("/api/v1/rules") else {
            return false;
        };
        last = resp;
        let rules: Vec<&serde_json::Value> = last["data"]["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|g| g["rules"].as_array().into_iter().flatten())
            .collect();
        !rules.is_empty() && rules.iter().all(|r| r["health"] != "unknown")
    });
    assert!(all_evaluated, "the alert rules were not evaluated: {last}");
    let groups = last["data"]["groups"].as_array().expect("rule groups");
    let rules: Vec<&serde_json::Value> = groups
        .iter()
        .flat_map(|g| g["rules"].as_array().into_iter().flatten())
        .collect();
    assert!(rules.len() >= 5, "the five alerts at least: {last}");
    for rule in rules {
        assert_eq!(
            rule["health"], "ok",
            "rule {} failed: {}",
            rule["name"], rule["lastError"]
        );
    }
}

/// A NATS server and an `akhbar serve` that is ready and has seen no page.
fn fresh_instance() -> (harness::NatsServer, Akhbar) {
    let nats = harness::NatsServer::start();
    let akhbar = Akhbar::start(&harness::config(&nats.url(), ""));
    assert!(
        akhbar.wait_ready(Duration::from_secs(30)),
        "akhbar did not become ready:\n{}",
        akhbar.log_text()
    );
    (nats, akhbar)
}

#[test]
fn every_metric_named_in_the_dashboard_and_alert_rules_is_exposed_before_the_first_page() {
    let (_nats, akhbar) = fresh_instance();
    let (status, metrics) = akhbar.http_get("/metrics").expect("GET /metrics");
    assert_eq!(status, 200);
    assert_eq!(
        harness::parse_metric(&metrics, "akhbar_pages_received_total"),
        Some(0.0),
        "no page yet"
    );
    let exposed = exposed_names(&metrics);
    for file in [
        "deploy/grafana/akhbar.json",
        "deploy/prometheus/rules/akhbar.rules.yml",
    ] {
        let used = metric_names(&read_project_file(file));
        assert!(!used.is_empty(), "{file} names no akhbar metric");
        let missing: Vec<&String> = used.difference(&exposed).collect();
        assert!(
            missing.is_empty(),
            "{file} uses metrics akhbar does not expose: {missing:?}\nexposed: {exposed:?}"
        );
    }
}

/// Runs `promtool check metrics` on a `/metrics` text; asserts it exits 0 and says nothing.
fn assert_promtool_clean(promtool: &Path, metrics: &str) {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run promtool");
    child
        .stdin
        .take()
        .expect("promtool stdin")
        .write_all(metrics.as_bytes())
        .expect("feed promtool");
    let out = child.wait_with_output().expect("promtool output");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && report.trim().is_empty(),
        "promtool check metrics: {}\n{report}",
        out.status
    );
}

#[test]
fn promtool_check_metrics_is_clean_on_akhbar_metrics() {
    let test = "promtool_check_metrics_is_clean_on_akhbar_metrics";
    let Some(promtool) = tool_or_skip(test, "PROMTOOL_BIN", "promtool") else {
        return;
    };
    let traffic = run_traffic();
    let (_, metrics) = traffic.akhbar.http_get("/metrics").expect("GET /metrics");
    assert_promtool_clean(&promtool, &metrics);
}

#[test]
fn promtool_check_metrics_is_clean_on_a_fresh_instance() {
    let test = "promtool_check_metrics_is_clean_on_a_fresh_instance";
    let Some(promtool) = tool_or_skip(test, "PROMTOOL_BIN", "promtool") else {
        return;
    };
    let (_nats, akhbar) = fresh_instance();
    let (_, metrics) = akhbar.http_get("/metrics").expect("GET /metrics");
    for family in ["process_cpu_seconds_total", "akhbar_build_info"] {
        assert!(metrics.contains(family), "{family} missing:\n{metrics}");
    }
    assert_promtool_clean(&promtool, &metrics);
}

/// `AKHBAR_…` variables set by a manifest: `NAME: value` (compose) or `- name: NAME` (Kubernetes,
/// given a stand-in value).
fn akhbar_env(manifest: &str) -> Vec<(String, String)> {
    let mut env = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("- name: ") {
            if name.starts_with("AKHBAR_") {
                env.push((name.to_string(), "stand-in".to_string()));
            }
        } else if let Some((name, value)) = line.split_once(": ") {
            if name.starts_with("AKHBAR_") && !value.starts_with('$') {
                env.push((name.to_string(), value.trim_matches('"').to_string()));
            }
        }
    }
    env
}

#[test]
fn the_compose_environment_loads_over_the_image_config() {
    let compose = read_project_file("deploy/compose/docker-compose.yml");
    let env = akhbar_env(&compose);
    assert!(env.iter().any(|(k, _)| k == "AKHBAR_NATS__URL"), "{env:?}");
    let image_config = read_project_file("config/akhbar.toml");
    let c = Config::from_sources(Some(&image_config), env.clone())
        .unwrap_or_else(|e| panic!("compose env over the image's config: {e}"));
    assert_eq!(c.nats.url, "nats://nats:4222");
    assert_eq!(
        c.http.port, 9090,
        "the port the Dockerfile exposes and Prometheus scrapes"
    );
    let mut cluster_env = env.clone();
    cluster_env.extend(akhbar_env(&read_project_file(
        "deploy/compose/docker-compose.cluster.yml",
    )));
    let c = Config::from_sources(Some(&image_config), cluster_env)
        .unwrap_or_else(|e| panic!("the cluster compose env over the image's config: {e}"));
    assert_eq!(c.nats.servers().len(), 3, "akhbar knows the three servers");
    assert_eq!(
        (
            c.streams.raw.replicas,
            c.streams.clean.replicas,
            c.streams.dlq.replicas
        ),
        (3, 3, 3),
        "the cluster file asks for three replicas of every stream"
    );
    let dockerfile = read_project_file("Dockerfile");
    assert!(dockerfile.contains("\"--config\", \"/etc/akhbar/akhbar.toml\""));
    assert!(dockerfile.contains("EXPOSE 9090"));
}

#[test]
fn the_kubernetes_config_loads_with_the_deployment_environment() {
    let k8s_config = read_project_file("deploy/k8s/akhbar.toml");
    let env = akhbar_env(&read_project_file("deploy/k8s/deployment.yaml"));
    assert!(
        !env.is_empty(),
        "the Deployment sets the NATS credentials from a Secret"
    );
    let c = Config::from_sources(Some(&k8s_config), env)
        .unwrap_or_else(|e| panic!("deploy/k8s/akhbar.toml with the Deployment's env: {e}"));
    assert_eq!(
        c.http.port, 9090,
        "the port the probes and the PodMonitor use"
    );
    assert_eq!(
        (
            c.streams.raw.replicas,
            c.streams.clean.replicas,
            c.streams.dlq.replicas
        ),
        (3, 3, 3),
        "three replicas of every stream on the NATS cluster"
    );
    let keda = read_project_file("deploy/k8s/scaledobject.yaml");
    for needle in [
        format!("stream: \"{}\"", c.input.stream),
        format!("consumer: \"{}\"", c.input.consumer),
    ] {
        assert!(keda.contains(&needle), "the KEDA trigger watches {needle}");
    }
}

#[test]
fn a_metric_renamed_in_the_service_shows_up_as_missing() {
    let metrics = "# HELP akhbar_pages_received_total Pages.\n\
                   # TYPE akhbar_pages_received_total counter\n\
                   akhbar_pages_received_total 3\n\
                   # HELP akhbar_extraction_seconds Time.\n\
                   # TYPE akhbar_extraction_seconds histogram\n\
                   akhbar_extraction_seconds_bucket{le=\"+Inf\"} 1\n";
    let exposed = exposed_names(metrics);
    let used = metric_names(
        "sum(rate(akhbar_pages_received_total[5m])) / \
         histogram_quantile(0.99, rate(akhbar_extraction_seconds_bucket[5m])) + \
         rate(akhbar_pages_recieved_total[5m])",
    );
    let missing: Vec<&String> = used.difference(&exposed).collect();
    assert_eq!(missing, vec!["akhbar_pages_recieved_total"]);
}

//! Secure NATS: servers requiring user/password, a token, or TLS (certificates made here with
//! rcgen). akhbar connects with the right settings, refuses a server whose certificate is not
//! signed by the configured CA with a clear error, and never prints a secret.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use async_nats::jetstream;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};

use crate::harness::{
    self, config, create_streams, publish_pages, stream_count, wait_ready, Akhbar, NatsServer,
    CLEAN_STREAM,
};

const PASSWORD: &str = "pw-Zq8s7Xk2-never-logged";
const TOKEN: &str = "tok-4Hh9wQp1-never-logged";

/// A CA and a server certificate for `localhost` / `127.0.0.1`, written as PEM files.
struct Pki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn make_ca(dir: &Path, name: &str) -> (PathBuf, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("akhbar test CA {name}"));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let path = dir.join(format!("{name}-ca.pem"));
    std::fs::write(&path, cert.pem()).unwrap();
    (path, Issuer::new(params, key))
}

fn make_pki(dir: &Path) -> Pki {
    let (ca, issuer) = make_ca(dir, "good");
    let mut params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let (cert_path, key_path) = (dir.join("server.pem"), dir.join("server-key.pem"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    Pki {
        ca,
        cert: cert_path,
        key: key_path,
    }
}

/// A server on TLS with the certificate of `pki`; its `tls://localhost:PORT` URL.
fn tls_server(pki: &Pki) -> (NatsServer, String) {
    let nats = NatsServer::start_with(&[
        "--tls",
        "--tlscert",
        pki.cert.to_str().unwrap(),
        "--tlskey",
        pki.key.to_str().unwrap(),
    ]);
    let url = format!("tls://localhost:{}", nats.port);
    (nats, url)
}

/// Creates the three streams through a test client connected with `opts`, then starts
/// `akhbar serve` on `url` (the tests' config with `extra` over it, `env` set) and waits until
/// it is ready.
async fn serve(
    opts: async_nats::ConnectOptions,
    url: &str,
    extra: &str,
    env: &[(&str, &str)],
) -> (jetstream::Context, Akhbar) {
    let client = opts.connect(url).await.expect("test client connects");
    let js = jetstream::new(client);
    create_streams(&js).await;
    let akhbar = Akhbar::start_with_env(&config(url, extra), env)
        .when_ready()
        .await;
    (js, akhbar)
}

/// Waits for an akhbar that should refuse its server to exit; whether it exited with a failure
/// or at least is not ready, and its log.
async fn refused(akhbar: &mut Akhbar) -> (bool, String) {
    let exited = akhbar.wait_exit(Duration::from_secs(20));
    let log = akhbar.log_text();
    eprintln!("exit: {exited:?}\n{log}");
    let refused =
        exited.is_some_and(|s| !s.success()) || !wait_ready(akhbar, Duration::from_secs(1)).await;
    (refused, log)
}

/// Publishes a few pages and waits until they all come out as articles.
async fn pages_flow(js: &jetstream::Context, n: u64) -> bool {
    publish_pages(js, 0..n).await;
    harness::eventually(Duration::from_secs(60), || async {
        stream_count(js, CLEAN_STREAM).await >= n
    })
    .await
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [PASSWORD, TOKEN] {
        assert!(!text.contains(secret), "{what} shows a secret:\n{text}");
    }
}

/// `akhbar config check` output (stdout + stderr) for a config file.
fn config_check(path: &Path, env: &[(&str, &str)]) -> String {
    let out = Command::new(harness::akhbar_bin())
        .args(["config", "check", "--config"])
        .arg(path)
        .envs(env.iter().copied())
        .output()
        .expect("run akhbar config check");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_and_password_server_is_used_and_the_password_never_printed() {
    let nats = NatsServer::start_with(&["--user", "akhbar", "--pass", PASSWORD]);
    let (js, akhbar) = serve(
        async_nats::ConnectOptions::with_user_and_password("akhbar".into(), PASSWORD.into()),
        &nats.url(),
        &format!("[nats]\nuser = \"akhbar\"\npassword = \"{PASSWORD}\"\n"),
        &[("RUST_LOG", "trace")],
    )
    .await;
    assert!(
        pages_flow(&js, 10).await,
        "pages did not flow with user/password"
    );
    let checked = config_check(&akhbar.config, &[]);
    assert!(
        checked.contains("akhbar"),
        "config check output:\n{checked}"
    );
    let from_env = config_check(&akhbar.config, &[("AKHBAR_NATS__PASSWORD", PASSWORD)]);
    assert!(
        from_env.contains("********"),
        "config check output:\n{from_env}"
    );
    assert_no_secret("akhbar config check with AKHBAR_NATS__PASSWORD", &from_env);
    assert_no_secret("akhbar config check", &checked);
    assert_no_secret("akhbar log", &akhbar.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_clearly_without_printing_it() {
    let nats = NatsServer::start_with(&["--user", "akhbar", "--pass", PASSWORD]);
    let extra = "[nats]\nuser = \"akhbar\"\npassword = \"wrong-pw-also-secret\"\nretry_on_initial_connect = false\n";
    let mut akhbar = Akhbar::start_with_env(&config(&nats.url(), extra), &[("RUST_LOG", "trace")]);
    let (refused, log) = refused(&mut akhbar).await;
    assert!(refused, "akhbar became ready with a wrong password");
    assert!(
        log.to_lowercase().contains("authoriz") || log.to_lowercase().contains("auth"),
        "the refusal does not say it is about authorization:\n{log}"
    );
    assert!(
        !log.contains("wrong-pw-also-secret"),
        "the password was logged:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_server_is_used_and_the_token_never_printed() {
    let nats = NatsServer::start_with(&["--auth", TOKEN]);
    let (js, akhbar) = serve(
        async_nats::ConnectOptions::with_token(TOKEN.into()),
        &nats.url(),
        &format!("[nats]\ntoken = \"{TOKEN}\"\n"),
        &[("RUST_LOG", "trace")],
    )
    .await;
    assert!(pages_flow(&js, 10).await, "pages did not flow with a token");
    assert_no_secret("akhbar config check", &config_check(&akhbar.config, &[]));
    assert_no_secret("akhbar log", &akhbar.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_server_signed_by_the_configured_ca_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path());
    let (_nats, url) = tls_server(&pki);
    let (js, _akhbar) = serve(
        async_nats::ConnectOptions::new()
            .require_tls(true)
            .add_root_certificates(pki.ca.clone()),
        &url,
        &format!(
            "[nats]\ntls_required = true\ntls_ca = \"{}\"\n",
            pki.ca.display()
        ),
        &[],
    )
    .await;
    assert!(pages_flow(&js, 10).await, "pages did not flow over TLS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_server_signed_by_another_ca_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path());
    let (wrong_ca, _) = make_ca(dir.path(), "wrong");
    let (_nats, url) = tls_server(&pki);
    let extra = format!(
        "[nats]\ntls_required = true\ntls_ca = \"{}\"\nretry_on_initial_connect = false\n",
        wrong_ca.display()
    );
    let mut akhbar = Akhbar::start(&config(&url, &extra));
    let (refused, log) = refused(&mut akhbar).await;
    assert!(
        refused,
        "akhbar accepted a server certificate from an unknown CA"
    );
    let lower = log.to_lowercase();
    assert!(
        lower.contains("certificate") || lower.contains("tls"),
        "the refusal does not say it is about TLS/the certificate:\n{log}"
    );
}

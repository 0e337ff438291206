//! A three-node JetStream cluster on loopback: each `nats-server -js` with its own store in a
//! temp dir, client and cluster ports of its choosing (read back from its ports file), joined by
//! routes. A node can be SIGKILLed and started again on the same ports and store.
//!
//! JetStream in a cluster needs configured routes before it starts, but the ports are only known
//! once a server listens: the first node starts with a route to a reserved port where nothing
//! listens, the others with a route to the first; the cluster then learns every member. A node
//! started again gets routes to all three.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::http::{closed_port, ClosedPort};
use super::nats::nats_server_bin;

/// The cluster's name.
const CLUSTER: &str = "akhbar-test";

/// One node of a [`NatsCluster`].
pub struct ClusterNode {
    child: Option<Child>,
    /// The server name (`n1`, `n2`, `n3`): what stream info names as leader.
    pub name: String,
    /// The client port.
    pub port: u16,
    /// The cluster (route) port.
    pub cluster_port: u16,
    store: tempfile::TempDir,
}

impl ClusterNode {
    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Whether the process runs.
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    fn spawn(&mut self, routes: &str) {
        let ports = self.store.path().join("ports");
        let _ = std::fs::remove_dir_all(&ports);
        std::fs::create_dir_all(&ports).expect("ports dir");
        let port = |p: u16| {
            if p == 0 {
                "-1".to_string()
            } else {
                p.to_string()
            }
        };
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.store.path().join("server.log"))
            .expect("server log");
        let child = Command::new(nats_server_bin())
            .args(["-js", "-a", "127.0.0.1", "-p", &port(self.port)])
            .args(["-n", &self.name, "--cluster_name", CLUSTER])
            .arg("--cluster")
            .arg(format!("nats://127.0.0.1:{}", port(self.cluster_port)))
            .args(["--routes", routes])
            .arg("-sd")
            .arg(self.store.path().join("js"))
            .arg("--ports_file_dir")
            .arg(&ports)
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("nats-server must be installed (./scripts/test installs it)");
        self.child = Some(child);
        let (client, cluster) = read_ports(&ports, Duration::from_secs(10))
            .unwrap_or_else(|| panic!("nats-server {} did not start", self.name));
        self.port = client;
        self.cluster_port = cluster;
    }

    /// SIGKILLs the node and waits for it to exit.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The end of its log.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.store.path().join("server.log")).unwrap_or_default();
        let start = log.len().saturating_sub(2000);
        let start = (start..log.len())
            .find(|&i| log.is_char_boundary(i))
            .unwrap_or(log.len());
        log[start..].to_string()
    }
}

/// Three JetStream servers in one cluster; killed on drop.
pub struct NatsCluster {
    /// The nodes, `n1` to `n3`.
    pub nodes: Vec<ClusterNode>,
    _nowhere: ClosedPort,
}

impl NatsCluster {
    /// Starts three nodes and waits until they form a cluster with a JetStream meta leader.
    pub fn start() -> NatsCluster {
        let nowhere = closed_port();
        let mut nodes: Vec<ClusterNode> = (1..=3)
            .map(|i| ClusterNode {
                child: None,
                name: format!("n{i}"),
                port: 0,
                cluster_port: 0,
                store: tempfile::tempdir().expect("temp dir for a node"),
            })
            .collect();
        nodes[0].spawn(&format!("nats://127.0.0.1:{}", nowhere.port));
        let first = format!("nats://127.0.0.1:{}", nodes[0].cluster_port);
        for node in &mut nodes[1..] {
            node.spawn(&first);
        }
        NatsCluster {
            nodes,
            _nowhere: nowhere,
        }
    }

    /// Every node's client URL, comma-separated (akhbar's `nats.url`).
    pub fn urls(&self) -> String {
        self.nodes
            .iter()
            .map(ClusterNode::url)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The node named `name`.
    pub fn node(&mut self, name: &str) -> &mut ClusterNode {
        self.nodes
            .iter_mut()
            .find(|n| n.name == name)
            .unwrap_or_else(|| panic!("no node {name}"))
    }

    /// Starts a killed node again on its ports and store, with routes to every node.
    pub fn restart(&mut self, name: &str) {
        let routes = self
            .nodes
            .iter()
            .map(|n| format!("nats://127.0.0.1:{}", n.cluster_port))
            .collect::<Vec<_>>()
            .join(",");
        let node = self.node(name);
        node.kill();
        node.spawn(&routes);
    }

    /// The last lines of every node's log.
    pub fn logs(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("--- {} ---\n{}", n.name, n.log_tail()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("{}", self.logs());
        }
        for n in &mut self.nodes {
            n.kill();
        }
    }
}

/// The client and cluster ports in the ports file a server writes once it listens
/// (`{"nats":["nats://127.0.0.1:P"],"cluster":["nats://127.0.0.1:C"]}`).
fn read_ports(dir: &Path, timeout: Duration) -> Option<(u16, u16)> {
    let port_of = |v: &serde_json::Value, key: &str| -> Option<u16> {
        let url = v[key].as_array()?.first()?.as_str()?;
        url.rsplit(':').next()?.parse().ok()
    };
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        let files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                if let (Some(c), Some(r)) = (port_of(&v, "nats"), port_of(&v, "cluster")) {
                    return Some((c, r));
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

//! HTTP from the test's side and polling: a minimal GET, Prometheus text, a loopback page
//! server that misbehaves on purpose, a port where nothing listens, and waiting for conditions.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::pages::article_html;

/// A minimal HTTP/1.0 GET against 127.0.0.1.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// Reads one sample (or the sum of a family's samples) from Prometheus text.
pub fn parse_metric(text: &str, name: &str) -> Option<f64> {
    let mut found = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((key, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let matches = if name.contains('{') {
            key == name
        } else {
            key == name || key.starts_with(&format!("{name}{{"))
        };
        if matches {
            if let Ok(v) = value.parse::<f64>() {
                *found.get_or_insert(0.0) += v;
            }
        }
    }
    found
}

/// Calls `f` every 50 ms until it returns true or `timeout` passes.
pub fn poll_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if f() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Polls until `f` (async) returns true or `timeout` passes; returns the last answer.
pub async fn eventually<F, Fut>(timeout: Duration, mut f: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if f().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A loopback port where nothing listens, reserved for as long as the guard lives (bound, never
/// listening: a connection is refused, and no other test can take the port meanwhile).
pub struct ClosedPort {
    _socket: tokio::net::TcpSocket,
    /// The port.
    pub port: u16,
}

/// Reserves a loopback port where connections are refused.
pub fn closed_port() -> ClosedPort {
    let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
    socket
        .bind("127.0.0.1:0".parse().expect("loopback address"))
        .expect("bind a loopback port");
    let port = socket.local_addr().expect("bound address").port();
    ClosedPort {
        _socket: socket,
        port,
    }
}

/// A loopback HTTP server for URL-only pages, serving:
/// `/article/N` (page N), `/slow` (answers after 30 s), `/status/N`, `/loop` (redirects to
/// itself), `/redirect/K/N` (K hops, then page N), `/huge` (streams 64 MiB, no length),
/// `/huge-declared` (announces 100 MB), `/to-literal/N` (redirects to `127.0.0.1`, page N).
pub struct HttpServer {
    /// The port on 127.0.0.1.
    pub port: u16,
}

impl HttpServer {
    /// Binds 127.0.0.1 on a free port and serves in background threads (for the test's life).
    pub fn start() -> HttpServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind http");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || serve_one(stream, port));
            }
        });
        HttpServer { port }
    }

    /// `http://localhost:PORT{path}` (a name, allowlisted by host in the tests).
    pub fn url(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.port)
    }
}

fn serve_one(mut s: TcpStream, port: u16) {
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
        if req.len() > 64 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&req).to_string();
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let respond = |s: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
        let _ = write!(
            s,
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
            body.len()
        );
        let _ = s.write_all(body);
    };
    match parts.as_slice() {
        ["article", n] => {
            let i: u64 = n.parse().unwrap_or(0);
            respond(
                &mut s,
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\n",
                article_html(i).as_bytes(),
            );
        }
        ["slow"] => {
            std::thread::sleep(Duration::from_secs(30));
            respond(
                &mut s,
                "200 OK",
                "Content-Type: text/html\r\n",
                b"<p>late</p>",
            );
        }
        ["status", code] => respond(&mut s, &format!("{code} Status"), "", b"error"),
        ["loop"] => respond(&mut s, "302 Found", "Location: /loop\r\n", b""),
        ["redirect", k, n] => {
            let k: u64 = k.parse().unwrap_or(0);
            let loc = if k <= 1 {
                format!("/article/{n}")
            } else {
                format!("/redirect/{}/{n}", k - 1)
            };
            respond(&mut s, "302 Found", &format!("Location: {loc}\r\n"), b"");
        }
        ["to-literal", n] => {
            let loc = format!("http://127.0.0.1:{port}/article/{n}");
            respond(&mut s, "302 Found", &format!("Location: {loc}\r\n"), b"");
        }
        ["huge"] => {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
            );
            let chunk = "<p>حشو حشو حشو</p>\n".repeat(4096);
            let mut sent = 0usize;
            while sent < 64 * 1024 * 1024 {
                if s.write_all(chunk.as_bytes()).is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
        ["huge-declared"] => {
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n<p>"
            );
        }
        _ => respond(&mut s, "404 Not Found", "", b"not found"),
    }
}

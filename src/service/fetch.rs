//! URL-only pages: fetching them over HTTP(S) with limits and an SSRF guard.
//!
//! A crawler may publish a message that carries only a URL; akhbar then fetches the page itself.
//! Because the URL comes from outside, the fetch must not become a way into the network akhbar
//! runs in: only `http`/`https` are allowed, and every address a host resolves to (on every
//! redirect hop) must be public unless the configuration allowlists it. The check runs inside
//! the client's DNS resolver, so the connection goes to exactly the addresses that were checked
//! and a second, rebinding DNS answer cannot slip past it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use super::config::FetchConfig;
use super::outcome::Reason;
use bytes::{Bytes, BytesMut};
use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::StatusCode;
use url::{Host, Url};

/// A configuration value of `[fetch]` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FetchConfigError {
    /// An allowlist entry is neither a host name nor an address or CIDR.
    #[error("fetch.allow: {0:?} is neither a host name nor an IP address/CIDR")]
    BadAllowEntry(String),
    /// The HTTP client could not be built (e.g. no TLS roots).
    #[error("cannot build the HTTP client for fetching")]
    Client(#[source] reqwest::Error),
}

/// A fetched page.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The body exactly as received (at most `max_bytes`).
    pub bytes: Bytes,
    /// The response's `Content-Type` header (carries the charset), when present and readable.
    pub content_type: Option<String>,
    /// The URL after redirects; the article's URL.
    pub final_url: String,
}

/// Why a URL-only page could not be fetched; [`FetchError::code`] is its dead-letter reason.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The scheme is not http(s), or the host is (or resolves to) a non-public address that is
    /// not allowlisted.
    #[error("fetch of {url} forbidden: {reason}")]
    Forbidden {
        /// The URL (or redirect target) refused.
        url: String,
        /// What made it forbidden.
        reason: String,
    },
    /// The whole fetch or a connection took longer than configured.
    #[error("fetch of {url} timed out")]
    Timeout {
        /// The URL that timed out.
        url: String,
    },
    /// The final response was not a success.
    #[error("fetch of {url} answered HTTP {status}")]
    Status {
        /// The URL that answered.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// More redirects than `max_redirects`.
    #[error("fetch of {url} redirected more than {max} times")]
    Redirects {
        /// The URL first requested.
        url: String,
        /// The configured limit.
        max: usize,
    },
    /// The body is larger than `max_bytes`.
    #[error("fetch of {url}: body larger than {max} bytes")]
    TooLarge {
        /// The URL whose body was too large.
        url: String,
        /// The configured limit.
        max: usize,
    },
    /// Anything else: bad URL, DNS failure, connection refused, broken transfer.
    #[error("fetch of {url} failed: {message}")]
    Failed {
        /// The URL that failed.
        url: String,
        /// The underlying error, flattened.
        message: String,
    },
}

impl FetchError {
    /// The dead-letter reason: `fetch_forbidden`, `fetch_timeout`, `fetch_status`,
    /// `fetch_redirects`, `fetch_too_large` or `fetch_failed`.
    pub fn reason(&self) -> Reason {
        match self {
            FetchError::Forbidden { .. } => Reason::FetchForbidden,
            FetchError::Timeout { .. } => Reason::FetchTimeout,
            FetchError::Status { .. } => Reason::FetchStatus,
            FetchError::Redirects { .. } => Reason::FetchRedirects,
            FetchError::TooLarge { .. } => Reason::FetchTooLarge,
            FetchError::Failed { .. } => Reason::FetchFailed,
        }
    }

    /// The reason's stable code.
    pub fn code(&self) -> &'static str {
        self.reason().code()
    }
}

/// What kind of address an IP is, for the SSRF guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// A globally routable address: may be fetched.
    Public,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918 private ranges.
    Private,
    /// `169.254.0.0/16`, `fe80::/10` (cloud metadata endpoints live here).
    LinkLocal,
    /// `fc00::/7`, and the deprecated site-local `fec0::/10`.
    UniqueLocal,
    /// `0.0.0.0/8`, `::`.
    Unspecified,
    /// `224.0.0.0/4`, `ff00::/8`.
    Multicast,
    /// Carrier-grade NAT, `100.64.0.0/10`.
    Cgnat,
    /// Reserved, documentation, benchmarking and broadcast ranges.
    Reserved,
}

impl AddressClass {
    /// Whether an address of this class may be fetched without an allowlist entry.
    pub fn is_public(self) -> bool {
        self == AddressClass::Public
    }
}

/// Classifies an address; IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64,
/// 6to4) take the class of the embedded address.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => AddressClass::Unspecified,
        (127, _, _) => AddressClass::Loopback,
        (10, _, _) | (192, 168, _) => AddressClass::Private,
        (172, b, _) if (16..32).contains(&b) => AddressClass::Private,
        (169, 254, _) => AddressClass::LinkLocal,
        (100, b, _) if (64..128).contains(&b) => AddressClass::Cgnat,
        (224..=239, _, _) => AddressClass::Multicast,
        (240..=255, _, _) => AddressClass::Reserved,
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressClass::Reserved,
        (198, 18 | 19, _) => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let seg = ip.segments();
    if ip.is_unspecified() {
        return AddressClass::Unspecified;
    }
    if ip.is_loopback() {
        return AddressClass::Loopback;
    }
    if seg[..6] == [0; 6] {
        // IPv4-compatible (::a.b.c.d), deprecated but still routable to the embedded address.
        return classify_v4(embedded_v4(seg[6], seg[7]));
    }
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return classify_v4(embedded_v4(seg[6], seg[7]));
    }
    if seg[0] == 0x2002 {
        return classify_v4(embedded_v4(seg[1], seg[2]));
    }
    match seg[0] {
        s if s & 0xfe00 == 0xfc00 => AddressClass::UniqueLocal,
        s if s & 0xffc0 == 0xfec0 => AddressClass::UniqueLocal,
        s if s & 0xffc0 == 0xfe80 => AddressClass::LinkLocal,
        s if s & 0xff00 == 0xff00 => AddressClass::Multicast,
        0x2001 if seg[1] == 0x0db8 => AddressClass::Reserved,
        0x0100 if seg[1..4] == [0, 0, 0] => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

fn embedded_v4(hi: u16, lo: u16) -> Ipv4Addr {
    let [a, b] = hi.to_be_bytes();
    let [c, d] = lo.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// The parsed `fetch.allow` list: exact host names and networks.
#[derive(Debug, Clone, Default)]
struct Allowlist {
    hosts: Vec<String>,
    nets: Vec<IpNet>,
}

impl Allowlist {
    fn parse(entries: &[String]) -> Result<Allowlist, FetchConfigError> {
        let mut list = Allowlist::default();
        for entry in entries {
            let e = entry.trim();
            if let Ok(net) = e.parse::<IpNet>() {
                list.nets.push(net);
            } else if let Ok(ip) = e.parse::<IpAddr>() {
                list.nets.push(IpNet::from(ip));
            } else if is_host_name(e) {
                list.hosts
                    .push(e.trim_end_matches('.').to_ascii_lowercase());
            } else {
                return Err(FetchConfigError::BadAllowEntry(entry.clone()));
            }
        }
        Ok(list)
    }

    fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    fn allows_ip(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        classify(ip).is_public() || self.nets.iter().any(|n| n.contains(&ip))
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn is_host_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').filter(|l| !l.is_empty()).all(|label| {
            label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Checks `fetch.allow` entries; the error names the first that is neither a host nor a CIDR.
pub fn check_allowlist(entries: &[String]) -> Result<(), FetchConfigError> {
    Allowlist::parse(entries).map(|_| ())
}

/// The resolver error that carries a refusal out through reqwest's error chain.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {ip} ({class:?}), which is not allowlisted")]
struct ForbiddenAddress {
    host: String,
    ip: IpAddr,
    class: AddressClass,
}

/// Resolves with the system resolver, then refuses the whole answer if any address is not
/// public and not allowlisted. reqwest connects only to the addresses returned here.
struct GuardedResolver {
    allow: Arc<Allowlist>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = Arc::clone(&self.allow);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow.allows_host(&host) {
                if let Some(bad) = addrs.iter().find(|a| !allow.allows_ip(a.ip())) {
                    let ip = canonical(bad.ip());
                    return Err(Box::new(ForbiddenAddress {
                        host,
                        ip,
                        class: classify(ip),
                    })
                        as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Builds the HTTP client for URL-only pages: guarded DNS, no proxy (a proxy would resolve
/// names where the guard cannot see), no automatic redirects (each hop is checked by
/// [`fetch`]), the configured timeouts and user agent. Fails on a bad allowlist entry.
pub fn client(cfg: &FetchConfig) -> Result<reqwest::Client, FetchConfigError> {
    super::tls::install_crypto_provider();
    let allow = Arc::new(Allowlist::parse(&cfg.allow)?);
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver { allow }))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_millis(cfg.connect_timeout_ms))
        .timeout(Duration::from_millis(cfg.timeout_ms))
        .user_agent(cfg.user_agent.clone())
        .build()
        .map_err(FetchConfigError::Client)
}

/// Fetches `url` within the limits of `cfg`, following at most `max_redirects` redirects and
/// checking the scheme and host of every hop. `client` must come from [`client`] built with the
/// same allowlist; the address check of names happens in its resolver.
pub async fn fetch(
    client: &reqwest::Client,
    cfg: &FetchConfig,
    url: &str,
) -> Result<Fetched, FetchError> {
    let deadline = Duration::from_millis(cfg.timeout_ms);
    match tokio::time::timeout(deadline, fetch_inner(client, cfg, url)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::Timeout {
            url: url.to_string(),
        }),
    }
}

async fn fetch_inner(
    client: &reqwest::Client,
    cfg: &FetchConfig,
    url: &str,
) -> Result<Fetched, FetchError> {
    let allow = Allowlist::parse(&cfg.allow).map_err(|e| FetchError::Failed {
        url: url.to_string(),
        message: e.to_string(),
    })?;
    let mut current = Url::parse(url).map_err(|e| FetchError::Failed {
        url: url.to_string(),
        message: format!("invalid URL: {e}"),
    })?;
    let mut redirects = 0usize;
    loop {
        check_target(&current, &allow)?;
        let response = client
            .get(current.clone())
            .send()
            .await
            .map_err(|e| transport_error(current.as_str(), e))?;
        let status = response.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| FetchError::Status {
                    url: current.to_string(),
                    status: status.as_u16(),
                })?;
            let next = current.join(location).map_err(|e| FetchError::Failed {
                url: current.to_string(),
                message: format!("bad redirect location {location:?}: {e}"),
            })?;
            redirects += 1;
            if redirects > cfg.max_redirects {
                return Err(FetchError::Redirects {
                    url: url.to_string(),
                    max: cfg.max_redirects,
                });
            }
            tracing::debug!(from = %current, to = %next, hop = redirects, "fetch redirect");
            current = next;
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: current.to_string(),
                status: status.as_u16(),
            });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = read_capped(response, current.as_str(), cfg.max_bytes).await?;
        return Ok(Fetched {
            bytes,
            content_type,
            final_url: current.to_string(),
        });
    }
}

/// Refuses non-http(s) schemes and IP-literal hosts that are not public or allowlisted (names
/// are checked by the resolver, which literals never reach).
fn check_target(url: &Url, allow: &Allowlist) -> Result<(), FetchError> {
    let forbidden = |reason: String| FetchError::Forbidden {
        url: url.to_string(),
        reason,
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(forbidden(format!(
            "scheme {:?} is not http(s)",
            url.scheme()
        )));
    }
    let ip = match url.host() {
        None => return Err(forbidden("no host".to_string())),
        Some(Host::Domain(_)) => return Ok(()),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
    };
    if allow.allows_ip(ip) {
        Ok(())
    } else {
        let ip = canonical(ip);
        Err(forbidden(format!(
            "{ip} ({:?}) is not allowlisted",
            classify(ip)
        )))
    }
}

async fn read_capped(
    mut response: reqwest::Response,
    url: &str,
    max: usize,
) -> Result<Bytes, FetchError> {
    let too_large = || FetchError::TooLarge {
        url: url.to_string(),
        max,
    };
    if response
        .content_length()
        .is_some_and(|len| len > max as u64)
    {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(url, e))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn transport_error(url: &str, err: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<ForbiddenAddress>() {
            return FetchError::Forbidden {
                url: url.to_string(),
                reason: refused.to_string(),
            };
        }
        source = e.source();
    }
    if err.is_timeout() {
        return FetchError::Timeout {
            url: url.to_string(),
        };
    }
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(e) = source {
        message.push_str(": ");
        message.push_str(&e.to_string());
        source = e.source();
    }
    FetchError::Failed {
        url: url.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> AddressClass {
        classify(s.parse().unwrap())
    }

    #[test]
    fn public_addresses_are_public() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "151.101.1.69",
            "2a00:1450:4001::200e",
            "100.128.0.1",
        ] {
            assert_eq!(class(ip), AddressClass::Public, "{ip}");
        }
    }

    #[test]
    fn loopback_private_and_link_local_v4_are_refused() {
        assert_eq!(class("127.0.0.1"), AddressClass::Loopback);
        assert_eq!(class("127.255.0.9"), AddressClass::Loopback);
        assert_eq!(class("10.2.3.4"), AddressClass::Private);
        assert_eq!(class("172.16.0.1"), AddressClass::Private);
        assert_eq!(class("172.31.255.255"), AddressClass::Private);
        assert_eq!(class("172.32.0.1"), AddressClass::Public);
        assert_eq!(class("192.168.1.1"), AddressClass::Private);
        assert_eq!(class("169.254.169.254"), AddressClass::LinkLocal);
    }

    #[test]
    fn special_v4_ranges_are_refused() {
        assert_eq!(class("0.0.0.0"), AddressClass::Unspecified);
        assert_eq!(class("0.1.2.3"), AddressClass::Unspecified);
        assert_eq!(class("100.64.0.1"), AddressClass::Cgnat);
        assert_eq!(class("100.127.255.254"), AddressClass::Cgnat);
        assert_eq!(class("224.0.0.251"), AddressClass::Multicast);
        assert_eq!(class("239.255.255.250"), AddressClass::Multicast);
        assert_eq!(class("255.255.255.255"), AddressClass::Reserved);
        assert_eq!(class("240.0.0.1"), AddressClass::Reserved);
        assert_eq!(class("192.0.2.7"), AddressClass::Reserved);
        assert_eq!(class("198.18.0.1"), AddressClass::Reserved);
    }

    #[test]
    fn special_v6_ranges_are_refused() {
        assert_eq!(class("::1"), AddressClass::Loopback);
        assert_eq!(class("::"), AddressClass::Unspecified);
        assert_eq!(class("fc00::1"), AddressClass::UniqueLocal);
        assert_eq!(class("fd12:3456::1"), AddressClass::UniqueLocal);
        assert_eq!(class("fec0::1"), AddressClass::UniqueLocal);
        assert_eq!(class("fe80::1"), AddressClass::LinkLocal);
        assert_eq!(class("ff02::1"), AddressClass::Multicast);
        assert_eq!(class("2001:db8::1"), AddressClass::Reserved);
    }

    #[test]
    fn v6_forms_embedding_v4_take_the_embedded_class() {
        assert_eq!(class("::ffff:127.0.0.1"), AddressClass::Loopback);
        assert_eq!(class("::ffff:10.0.0.1"), AddressClass::Private);
        assert_eq!(class("::ffff:169.254.169.254"), AddressClass::LinkLocal);
        assert_eq!(class("::ffff:8.8.8.8"), AddressClass::Public);
        assert_eq!(class("::127.0.0.1"), AddressClass::Loopback);
        assert_eq!(class("64:ff9b::10.0.0.1"), AddressClass::Private);
        assert_eq!(class("64:ff9b::8.8.8.8"), AddressClass::Public);
        assert_eq!(class("2002:c0a8:0101::1"), AddressClass::Private);
    }

    #[test]
    fn allowlist_accepts_hosts_addresses_and_cidrs() {
        let list = Allowlist::parse(&[
            "127.0.0.1".to_string(),
            "10.1.0.0/16".to_string(),
            "Intranet.Example.".to_string(),
        ])
        .unwrap();
        assert!(list.allows_ip("127.0.0.1".parse().unwrap()));
        assert!(list.allows_ip("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!list.allows_ip("127.0.0.2".parse().unwrap()));
        assert!(list.allows_ip("10.1.200.3".parse().unwrap()));
        assert!(!list.allows_ip("10.2.0.1".parse().unwrap()));
        assert!(list.allows_host("intranet.example"));
        assert!(!list.allows_host("other.example"));
    }

    #[test]
    fn allowlist_rejects_garbage_entries() {
        let err = FetchConfig {
            allow: vec!["10.0.0.0/99".to_string()],
            ..FetchConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("10.0.0.0/99"), "{err}");
    }

    #[test]
    fn non_http_schemes_and_private_literals_are_forbidden_before_connecting() {
        let none = Allowlist::default();
        for url in [
            "file:///etc/passwd",
            "gopher://example.com/",
            "ftp://example.com/x",
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://0.0.0.0/",
        ] {
            let err = check_target(&Url::parse(url).unwrap(), &none).unwrap_err();
            assert_eq!(err.code(), "fetch_forbidden", "{url}");
        }
        assert!(check_target(&Url::parse("https://93.184.215.14/").unwrap(), &none).is_ok());
        assert!(check_target(&Url::parse("https://news.example/").unwrap(), &none).is_ok());
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_are_forbidden_by_the_resolver() {
        let cfg = FetchConfig::default();
        let http = client(&cfg).unwrap();
        let err = fetch(&http, &cfg, "http://localhost:9/").await.unwrap_err();
        assert_eq!(err.code(), "fetch_forbidden", "{err}");
    }

    #[test]
    fn fetch_config_reads_from_toml_with_defaults() {
        let cfg: FetchConfig = toml::from_str("timeout_ms = 500\nallow = [\"127.0.0.1\"]").unwrap();
        assert_eq!(cfg.timeout_ms, 500);
        assert_eq!(cfg.max_redirects, FetchConfig::default().max_redirects);
        assert_eq!(cfg.allow, vec!["127.0.0.1".to_string()]);
    }
}

//! `akhbar publish`: sends files or whole folders to JetStream as raw pages, with the headers the
//! service reads (URL, Content-Type, fetch time), awaiting the publish acks concurrently.
//! Also holds [`NatsArgs`], the connection options `publish` and `tail` share.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use async_nats::jetstream;
use bytes::Bytes;
use futures::stream::{FuturesUnordered, StreamExt};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::service::message::{HEADER_CONTENT_TYPE, HEADER_FETCHED_AT, HEADER_URL};

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
    /// Connects with these options; fails fast (no endless retry) when the server is not there.
    pub async fn connect(&self, name: &str) -> anyhow::Result<async_nats::Client> {
        // async-nats uses rustls with ring; another crate's provider may be linked too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut opts = async_nats::ConnectOptions::new()
            .name(name)
            .connection_timeout(Duration::from_secs(5));
        if let (Some(user), Some(password)) = (&self.user, &self.password) {
            opts = opts.user_and_password(user.clone(), password.clone());
        }
        if let Some(token) = &self.token {
            opts = opts.token(token.clone());
        }
        if let Some(seed) = &self.nkey {
            opts = opts.nkey(seed.clone());
        }
        if let Some(ca) = &self.tls_ca {
            opts = opts.add_root_certificates(ca.clone()).require_tls(true);
        }
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            opts = opts
                .add_client_certificate(cert.clone(), key.clone())
                .require_tls(true);
        }
        if let Some(creds) = &self.creds {
            opts = opts
                .credentials_file(creds)
                .await
                .with_context(|| format!("reading credentials file {}", creds.display()))?;
        }
        let servers: Vec<async_nats::ServerAddr> = self
            .server
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .with_context(|| format!("bad NATS server URL {s:?}"))
            })
            .collect::<anyhow::Result<_>>()?;
        opts.connect(servers)
            .await
            .with_context(|| format!("connecting to NATS at {}", self.server))
    }
}

/// Arguments of `akhbar publish`.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// Files or folders to publish; folders are walked recursively and their .html, .htm, .xhtml,
    /// .txt and .text files (also gzipped, .gz) published, hidden files skipped. A file named
    /// here is always published (a .json file as a JSON envelope).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub nats: NatsArgs,
    /// Subject for every page (default: `<subject-prefix>.<site or file stem>`).
    #[arg(long, short)]
    pub subject: Option<String>,
    /// Subject prefix used when --subject is not given.
    #[arg(long, default_value = "news.raw")]
    pub subject_prefix: String,
    /// Page URL = this prefix + the file's path relative to the folder given (or its name).
    /// Without it, the URL comes from the page's canonical link or og:url when it has one.
    #[arg(long, value_name = "URL")]
    pub url_prefix: Option<String>,
    /// Create the raw stream when no stream captures the subjects.
    #[arg(long)]
    pub create_stream: bool,
    /// Name of the stream --create-stream creates.
    #[arg(long, env = "AKHBAR_INPUT__STREAM", default_value = "NEWS_RAW")]
    pub stream: String,
    /// Publish acks awaited at once.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
}

/// Runs `akhbar publish`; returns the exit code (0 when every page was acked).
pub fn run(args: PublishArgs) -> anyhow::Result<i32> {
    let files = collect_files(&args.paths)?;
    if files.is_empty() {
        eprintln!("akhbar publish: no publishable files under the given paths");
        return Ok(1);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(publish_all(&args, files))
}

/// One file to publish, with the folder it was found under (for --url-prefix).
#[derive(Debug, Clone)]
struct Input {
    path: PathBuf,
    root: PathBuf,
}

/// Expands the given paths into files: explicit files as given, folders walked (sorted).
fn collect_files(paths: &[PathBuf]) -> anyhow::Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("reading {}", p.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            found.sort();
            out.extend(found.into_iter().map(|path| Input {
                path,
                root: p.clone(),
            }));
        } else {
            let root = p.parent().map(Path::to_path_buf).unwrap_or_default();
            out.push(Input {
                path: p.clone(),
                root,
            });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry
            .file_type()
            .with_context(|| format!("reading {}", path.display()))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if publishable(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Page files found in folders; `.json` files there are usually metadata or gold, not envelopes,
/// so an envelope is published only when named on the command line.
fn publishable(path: &Path) -> bool {
    matches!(
        inner_extension(path).as_deref(),
        Some("html" | "htm" | "xhtml" | "txt" | "text")
    )
}

/// The file's extension, lower-cased, looking through a trailing `.gz`.
fn inner_extension(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_string())
}

/// The file name without `.gz` and without its extension.
fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".GZ"))
        .unwrap_or(&name);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

/// The Content-Type for a file: from its extension; a UTF-8 charset only when the bytes are UTF-8
/// text (other encodings are left for the service to detect from the page itself).
pub fn content_type_for(path: &Path, bytes: &[u8]) -> Option<String> {
    let gz = is_gzip(bytes);
    let utf8 = !gz && std::str::from_utf8(bytes).is_ok();
    let mime = match inner_extension(path).as_deref()? {
        "html" | "htm" | "xhtml" => "text/html",
        "txt" | "text" => "text/plain",
        "json" => return Some("application/json".to_string()),
        _ => return None,
    };
    Some(if utf8 {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    })
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// A NATS subject token from free text: lower-case ASCII letters, digits, `-` and `_`.
pub fn subject_token(s: &str) -> String {
    let token: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let token = token.trim_matches('_').to_string();
    if token.is_empty() {
        "page".to_string()
    } else {
        token
    }
}

/// The host of an http(s) URL, without port or `www.`.
fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then_some(host)
}

/// The URL a page declares for itself: `<link rel="canonical">` or `og:url`, from its head.
pub fn declared_url(bytes: &[u8]) -> Option<String> {
    static PATTERNS: OnceLock<Vec<regex::bytes::Regex>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            r#"(?is)<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*\bhref\s*=\s*["']([^"'\s>]+)"#,
            r#"(?is)<link\b[^>]*\bhref\s*=\s*["']([^"'\s>]+)["'][^>]*\brel\s*=\s*["']?canonical\b"#,
            r#"(?is)<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*\bcontent\s*=\s*["']([^"'\s>]+)"#,
            r#"(?is)<meta\b[^>]*\bcontent\s*=\s*["']([^"'\s>]+)["'][^>]*\bproperty\s*=\s*["']og:url["']"#,
        ]
        .iter()
        .filter_map(|p| regex::bytes::Regex::new(p).ok())
        .collect()
    });
    let head = &bytes[..bytes.len().min(64 * 1024)];
    patterns.iter().find_map(|re| {
        let m = re.captures(head)?.get(1)?;
        let url = std::str::from_utf8(m.as_bytes()).ok()?;
        (url.starts_with("http://") || url.starts_with("https://")).then(|| url.to_string())
    })
}

/// Everything `publish` sends for one file.
#[derive(Debug)]
struct Outgoing {
    subject: String,
    headers: async_nats::HeaderMap,
    payload: Bytes,
}

fn prepare(args: &PublishArgs, input: &Input, fetched_at: &str) -> anyhow::Result<Outgoing> {
    let bytes =
        std::fs::read(&input.path).with_context(|| format!("reading {}", input.path.display()))?;
    let url = if bytes.is_empty() {
        None
    } else if let Some(prefix) = &args.url_prefix {
        let rel = input.path.strip_prefix(&input.root).unwrap_or(&input.path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        Some(format!(
            "{}/{}",
            prefix.trim_end_matches('/'),
            rel.trim_start_matches('/')
        ))
    } else if is_gzip(&bytes) {
        None
    } else {
        declared_url(&bytes)
    };
    let subject = match &args.subject {
        Some(s) => s.clone(),
        None => {
            let site = url.as_deref().and_then(url_host).map(str::to_string);
            let token = subject_token(&site.unwrap_or_else(|| file_stem(&input.path)));
            format!("{}.{token}", args.subject_prefix.trim_end_matches('.'))
        }
    };
    let mut headers = async_nats::HeaderMap::new();
    if let Some(url) = &url {
        headers.insert(HEADER_URL, url.as_str());
    }
    if let Some(ct) = content_type_for(&input.path, &bytes) {
        headers.insert(HEADER_CONTENT_TYPE, ct.as_str());
    }
    headers.insert(HEADER_FETCHED_AT, fetched_at);
    Ok(Outgoing {
        subject,
        headers,
        payload: Bytes::from(bytes),
    })
}

/// Bytes the headers take on the wire (`NATS/1.0` line, `name: value` lines, blank line).
fn headers_wire_len(headers: &async_nats::HeaderMap) -> usize {
    headers
        .iter()
        .flat_map(|(name, values)| {
            let n: &str = name.as_ref();
            values
                .iter()
                .map(move |v| n.len() + 2 + v.as_str().len() + 2)
        })
        .sum::<usize>()
        + "NATS/1.0\r\n\r\n".len()
}

/// Makes a page fit the server's `max_payload`: a larger page is sent gzipped (the service
/// inflates gzip by its magic bytes); one that is still too large is refused with its sizes and
/// the setting to raise. Returns whether the page was gzipped.
fn fit_max_payload(out: &mut Outgoing, max_payload: usize) -> Result<bool, String> {
    let headers = headers_wire_len(&out.headers);
    let fits = |len: usize| len.saturating_add(headers) <= max_payload;
    if fits(out.payload.len()) {
        return Ok(false);
    }
    let advice = format!(
        "over the server's max_payload of {max_payload} bytes; raise `max_payload` in the \
         nats-server configuration (e.g. max_payload: 8MB)"
    );
    if is_gzip(&out.payload) {
        return Err(format!(
            "{} bytes, already gzipped, is {advice}",
            out.payload.len()
        ));
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, &out.payload)
        .and_then(|()| encoder.finish())
        .map_err(|e| format!("gzip failed: {e}"))
        .and_then(|gz| {
            if fits(gz.len()) {
                out.payload = Bytes::from(gz);
                Ok(true)
            } else {
                Err(format!(
                    "{} bytes ({} gzipped) is {advice}",
                    out.payload.len(),
                    gz.len()
                ))
            }
        })
}

/// Checks that a stream captures `subject`; creates one when allowed. Errors say what to do.
async fn ensure_stream(
    js: &jetstream::Context,
    args: &PublishArgs,
    subject: &str,
) -> anyhow::Result<()> {
    match js.stream_by_subject(subject).await {
        Ok(name) => {
            tracing::debug!(stream = %name, subject, "raw stream found");
            return Ok(());
        }
        Err(err) if !args.create_stream => {
            anyhow::bail!(
                "no JetStream stream captures subject {subject:?} ({err}); start `akhbar serve` \
                 with create_streams = true first, or pass --create-stream"
            );
        }
        Err(_) => {}
    }
    let subjects = match &args.subject {
        Some(s) => vec![s.clone()],
        None => vec![format!("{}.>", args.subject_prefix.trim_end_matches('.'))],
    };
    js.get_or_create_stream(jetstream::stream::Config {
        name: args.stream.clone(),
        subjects: subjects.clone(),
        ..Default::default()
    })
    .await
    .with_context(|| format!("creating stream {} for {subjects:?}", args.stream))?;
    eprintln!(
        "akhbar publish: created stream {} for {subjects:?}",
        args.stream
    );
    Ok(())
}

fn progress_bar(total: usize) -> indicatif::ProgressBar {
    if total < 20 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos}/{len} pages [{bar:40}] {per_sec} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

async fn publish_all(args: &PublishArgs, files: Vec<Input>) -> anyhow::Result<i32> {
    let started = Instant::now();
    let client = args.nats.connect("akhbar-publish").await?;
    let js = jetstream::new(client.clone());
    let fetched_at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .context("formatting the fetch time")?;

    let first = prepare(args, &files[0], &fetched_at)?;
    ensure_stream(&js, args, &first.subject).await?;

    let max_payload = client.server_info().max_payload;
    let bar = progress_bar(files.len());
    let limit = args.concurrency as usize;
    let mut pending = FuturesUnordered::new();
    let (mut bytes, mut acked, mut failed, mut gzipped) = (0u64, 0u64, 0u64, 0u64);
    let mut subjects = BTreeSet::new();
    let mut first = Some(first);
    for input in &files {
        let mut out = match first.take() {
            Some(out) => out,
            None => prepare(args, input, &fetched_at)?,
        };
        match fit_max_payload(&mut out, max_payload) {
            Ok(true) => gzipped += 1,
            Ok(false) => {}
            Err(err) => {
                failed += 1;
                bar.suspend(|| eprintln!("akhbar publish: {}: {err}", input.path.display()));
                bar.inc(1);
                continue;
            }
        }
        bytes += out.payload.len() as u64;
        subjects.insert(out.subject.clone());
        let path = input.path.clone();
        match js
            .publish_with_headers(out.subject, out.headers, out.payload)
            .await
        {
            Ok(ack) => pending.push(async move { (path, ack.await.map(|_| ())) }),
            Err(err) => {
                failed += 1;
                bar.suspend(|| eprintln!("akhbar publish: {}: {err}", path.display()));
                bar.inc(1);
            }
        }
        while pending.len() >= limit {
            if let Some(done) = pending.next().await {
                count_ack(done, &bar, &mut acked, &mut failed);
            }
        }
    }
    while let Some(done) = pending.next().await {
        count_ack(done, &bar, &mut acked, &mut failed);
    }
    bar.finish_and_clear();
    client.flush().await.ok();

    let subjects: Vec<_> = subjects.into_iter().collect();
    let shown = if subjects.len() > 5 {
        format!(
            "{} … ({} subjects)",
            subjects[..5].join(", "),
            subjects.len()
        )
    } else {
        subjects.join(", ")
    };
    let squeezed = if gzipped > 0 {
        format!(" ({gzipped} gzipped to fit max_payload {max_payload})")
    } else {
        String::new()
    };
    println!(
        "published {} files ({bytes} bytes){squeezed} to {shown}: {acked} acked, {failed} failed \
         in {:.2}s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(if failed == 0 { 0 } else { 1 })
}

fn count_ack(
    (path, result): (
        PathBuf,
        Result<(), async_nats::jetstream::context::PublishError>,
    ),
    bar: &indicatif::ProgressBar,
    acked: &mut u64,
    failed: &mut u64,
) {
    match result {
        Ok(()) => *acked += 1,
        Err(err) => {
            *failed += 1;
            bar.suspend(|| eprintln!("akhbar publish: {}: not acked: {err}", path.display()));
        }
    }
    bar.inc(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: PublishArgs,
    }

    #[test]
    fn publish_arguments_are_consistent_and_auth_flags_pair_up() {
        use clap::{CommandFactory, Parser};
        Wrapper::command().debug_assert();
        assert!(Wrapper::try_parse_from(["p", "--user", "u", "x.html"]).is_err());
        assert!(Wrapper::try_parse_from(["p", "--tls-cert", "c.pem", "x.html"]).is_err());
        let ok = Wrapper::try_parse_from(["p", "--server", "nats://h:1", "a", "b"]).unwrap();
        assert_eq!(ok.args.paths.len(), 2);
    }

    #[test]
    fn content_type_follows_extension_and_looks_through_gz() {
        let p = Path::new;
        assert_eq!(
            content_type_for(p("a/b.html"), b"<p>x</p>").as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            content_type_for(p("b.TXT"), "نص".as_bytes()).as_deref(),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(
            content_type_for(p("c.html.gz"), &[0x1f, 0x8b, 8, 0]).as_deref(),
            Some("text/html")
        );
        assert_eq!(
            content_type_for(p("d.json"), b"{}").as_deref(),
            Some("application/json")
        );
        assert_eq!(content_type_for(p("e.pdf"), b"%PDF"), None);
    }

    #[test]
    fn non_utf8_text_gets_no_charset_so_the_service_detects_it() {
        let cp1256 = [0xc7u8, 0xe1, 0xda, 0xd1, 0xc8, 0xed, 0xc9];
        assert_eq!(
            content_type_for(Path::new("a.txt"), &cp1256).as_deref(),
            Some("text/plain")
        );
    }

    #[test]
    fn subject_token_keeps_only_safe_characters() {
        assert_eq!(subject_token("aljazeera.net"), "aljazeera_net");
        assert_eq!(subject_token("000_073c6fd5 x*>"), "000_073c6fd5_x");
        assert_eq!(subject_token("..."), "page");
    }

    #[test]
    fn declared_url_reads_canonical_or_og_url_in_either_attribute_order() {
        let a = br#"<head><link rel="canonical" href="https://a.example/x"></head>"#;
        let b = br#"<head><link href='https://b.example/y' rel=canonical></head>"#;
        let c = br#"<meta content="https://c.example/z" property="og:url">"#;
        assert_eq!(declared_url(a).as_deref(), Some("https://a.example/x"));
        assert_eq!(declared_url(b).as_deref(), Some("https://b.example/y"));
        assert_eq!(declared_url(c).as_deref(), Some("https://c.example/z"));
        assert_eq!(declared_url(b"<link rel=canonical href=/relative>"), None);
    }

    #[test]
    fn url_host_strips_scheme_port_credentials_and_www() {
        assert_eq!(url_host("https://www.bbc.com/arabic/x"), Some("bbc.com"));
        assert_eq!(
            url_host("http://u:p@host.example:8080/?q"),
            Some("host.example")
        );
        assert_eq!(url_host("no-scheme"), None);
    }

    fn outgoing(payload: Vec<u8>) -> Outgoing {
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
        Outgoing {
            subject: "news.raw.x".to_string(),
            headers,
            payload: Bytes::from(payload),
        }
    }

    #[test]
    fn a_page_over_max_payload_is_gzipped_and_one_that_still_does_not_fit_is_refused() {
        let page = "<p>نص متكرر للاختبار</p>\n".repeat(4000).into_bytes();
        let mut small = outgoing(b"<p>x</p>".to_vec());
        assert_eq!(fit_max_payload(&mut small, 4096), Ok(false));
        assert_eq!(small.payload.as_ref(), b"<p>x</p>");

        let mut big = outgoing(page.clone());
        assert_eq!(fit_max_payload(&mut big, 16 * 1024), Ok(true));
        assert!(is_gzip(&big.payload));
        let mut inflated = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(big.payload.as_ref()),
            &mut inflated,
        )
        .unwrap();
        assert_eq!(inflated, page);

        let err = fit_max_payload(&mut outgoing(page), 200).unwrap_err();
        assert!(err.contains("max_payload of 200 bytes"), "{err}");
        let err = fit_max_payload(&mut big, 200).unwrap_err();
        assert!(err.contains("already gzipped"), "{err}");
    }

    #[test]
    fn headers_wire_len_counts_every_header_line() {
        let o = outgoing(Vec::new());
        let expected = "NATS/1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".len();
        assert_eq!(headers_wire_len(&o.headers), expected);
    }

    #[test]
    fn file_stem_drops_gz_and_extension() {
        assert_eq!(file_stem(Path::new("x/page.html.gz")), "page");
        assert_eq!(file_stem(Path::new("seed.txt")), "seed");
        assert_eq!(file_stem(Path::new("noext")), "noext");
    }

    #[test]
    fn folders_are_walked_recursively_keeping_only_page_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        for name in [
            "a.html",
            "sub/b.txt",
            "sub/c.htm.gz",
            "notes.md",
            ".hidden.html",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let files = collect_files(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.html", "sub/b.txt", "sub/c.htm.gz"]);
    }
}

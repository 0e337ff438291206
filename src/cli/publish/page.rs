//! One file as a raw page: its URL (given prefix, or the page's own canonical link), subject,
//! headers and payload, squeezed under the server's `max_payload` when needed.

use std::sync::OnceLock;

use anyhow::Context as _;
use bytes::Bytes;
use url::Url;

use super::PublishArgs;
use crate::cli::files::{content_type_for, file_stem, is_gzip, Input};
use crate::service::message::{self, HEADER_CONTENT_TYPE, HEADER_FETCHED_AT, HEADER_URL};

/// A subject token for a site or a file stem: [`message::subject_token`], or `page` when
/// nothing usable is left.
pub fn subject_token(s: &str) -> String {
    message::subject_token(s).unwrap_or_else(|| "page".to_string())
}

/// The host of an http(s) URL, without `www.`.
fn url_host(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    let host = url.host_str()?;
    Some(host.strip_prefix("www.").unwrap_or(host).to_string())
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
        let url = Url::parse(std::str::from_utf8(m.as_bytes()).ok()?).ok()?;
        matches!(url.scheme(), "http" | "https").then(|| url.to_string())
    })
}

/// Everything `publish` sends for one file.
#[derive(Debug)]
pub struct Outgoing {
    /// The subject it goes to.
    pub subject: String,
    /// URL, Content-Type and fetch time.
    pub headers: async_nats::HeaderMap,
    /// The page bytes (gzipped when that was needed to fit).
    pub payload: Bytes,
}

/// Reads one file and makes its message.
pub fn prepare(args: &PublishArgs, input: &Input, fetched_at: &str) -> anyhow::Result<Outgoing> {
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
            let site = url.as_deref().and_then(url_host);
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
pub fn fit_max_payload(out: &mut Outgoing, max_payload: usize) -> Result<bool, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            url_host("https://www.bbc.com/arabic/x").as_deref(),
            Some("bbc.com")
        );
        assert_eq!(
            url_host("http://u:p@host.example:8080/?q").as_deref(),
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
}

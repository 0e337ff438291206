//! The wire format: how a NATS message becomes a [`Page`], and the header names every tool shares.
//!
//! Three shapes are accepted on the input subjects:
//! - raw page bytes as the payload, with [`HEADER_URL`], [`HEADER_CONTENT_TYPE`] (charset included)
//!   and [`HEADER_FETCHED_AT`] (RFC 3339) headers, all optional;
//! - a JSON envelope `{"url", "html" | "text", "fetched_at"}` with
//!   `Content-Type: application/json`, for publishers that cannot set headers;
//! - an empty payload with only [`HEADER_URL`]: akhbar fetches the page itself.

use bytes::Bytes;
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::outcome::Reason;

/// Input header: the page's URL.
pub const HEADER_URL: &str = "Akhbar-Url";
/// Input header: the `Content-Type` the page was served with, charset included.
pub const HEADER_CONTENT_TYPE: &str = "Content-Type";
/// Input header: when the crawler fetched the page, RFC 3339 (start of the end-to-end latency).
pub const HEADER_FETCHED_AT: &str = "Akhbar-Fetched-At";
/// Output header: the article id, so JetStream drops duplicates within its window.
pub const HEADER_MSG_ID: &str = "Nats-Msg-Id";
/// Output header on article events: the article id (same value as [`HEADER_MSG_ID`]).
pub const HEADER_ARTICLE_ID: &str = "Akhbar-Article-Id";
/// Dead-letter header: the stable reason code (`empty`, `binary`, `bad_envelope`, `max_deliveries`,
/// …).
pub const HEADER_REASON: &str = "Akhbar-Reason";
/// Dead-letter header: the human-readable error message.
pub const HEADER_ERROR: &str = "Akhbar-Error";
/// Dead-letter header: the subject the page arrived on.
pub const HEADER_SUBJECT: &str = "Akhbar-Subject";
/// Dead-letter header: how many times the page was delivered to akhbar.
pub const HEADER_DELIVERIES: &str = "Akhbar-Deliveries";
/// Dead-letter header: set when the letter had to leave out the original payload (`payload`)
/// or also the original headers (`payload,headers`) to fit the server's `max_payload`.
pub const HEADER_TRUNCATED: &str = "Akhbar-Truncated";
/// Dead-letter header: the size in bytes of the original payload left out of a truncated letter.
pub const HEADER_ORIGINAL_SIZE: &str = "Akhbar-Original-Size";
/// The content type that marks a payload as a JSON envelope (and that article events carry).
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// One page taken off the bus, ready for extraction (or for fetching first).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The page URL, if the publisher gave one.
    pub url: Option<String>,
    /// The content type the page was served with, if known.
    pub content_type: Option<String>,
    /// When the crawler fetched the page, if it said so.
    pub fetched_at: Option<OffsetDateTime>,
    /// The page bytes, or a note that akhbar must fetch the URL itself.
    pub body: PageBody,
}

/// Where a page's bytes come from.
#[derive(Debug, Clone, PartialEq)]
pub enum PageBody {
    /// The bytes arrived with the message.
    Raw(Bytes),
    /// Only a URL arrived; the page must be fetched.
    Fetch,
}

/// Why a message cannot be read as a page; `code()` is the dead-letter reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// The payload claims to be a JSON envelope but is not a valid one.
    #[error("invalid JSON envelope: {0}")]
    BadEnvelope(String),
    /// A JSON envelope holds neither page content nor a URL to fetch.
    #[error("the envelope holds neither `html`/`text` nor a `url` to fetch")]
    NoUrl,
    /// A header holds a value that is not usable text.
    #[error("header {0} is not valid text")]
    BadHeader(&'static str),
}

impl MessageError {
    /// The dead-letter reason: `bad_envelope`, `no_url` or `bad_header`.
    pub fn reason(&self) -> Reason {
        match self {
            MessageError::BadEnvelope(_) => Reason::BadEnvelope,
            MessageError::NoUrl => Reason::NoUrl,
            MessageError::BadHeader(_) => Reason::BadHeader,
        }
    }

    /// The reason's stable code.
    pub fn code(&self) -> &'static str {
        self.reason().code()
    }
}

#[derive(Debug, Deserialize)]
struct Envelope {
    url: Option<String>,
    html: Option<String>,
    text: Option<String>,
    fetched_at: Option<String>,
    content_type: Option<String>,
}

/// Reads a message (headers and payload) as a page.
pub fn parse(
    headers: Option<&async_nats::HeaderMap>,
    payload: &Bytes,
) -> Result<Page, MessageError> {
    let header = |name: &'static str| -> Result<Option<String>, MessageError> {
        match headers.and_then(|h| h.get(name)) {
            None => Ok(None),
            Some(v) => {
                let s = v.as_str().trim();
                if s.chars().any(char::is_control) {
                    return Err(MessageError::BadHeader(name));
                }
                Ok((!s.is_empty()).then(|| s.to_string()))
            }
        }
    };
    let url = header(HEADER_URL)?;
    let content_type = header(HEADER_CONTENT_TYPE)?;
    let fetched_at = header(HEADER_FETCHED_AT)?.and_then(|s| parse_time(&s));

    if content_type.as_deref().is_some_and(is_json) {
        return parse_envelope(payload, url, fetched_at);
    }
    let body = if payload.is_empty() && url.is_some() {
        PageBody::Fetch
    } else {
        PageBody::Raw(payload.clone())
    };
    Ok(Page {
        url,
        content_type,
        fetched_at,
        body,
    })
}

fn parse_envelope(
    payload: &Bytes,
    header_url: Option<String>,
    header_fetched_at: Option<OffsetDateTime>,
) -> Result<Page, MessageError> {
    let env: Envelope =
        serde_json::from_slice(payload).map_err(|e| MessageError::BadEnvelope(e.to_string()))?;
    let url = env
        .url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty())
        .or(header_url);
    let fetched_at = env
        .fetched_at
        .as_deref()
        .and_then(parse_time)
        .or(header_fetched_at);
    let (body, default_type) = match (env.html, env.text) {
        (Some(_), Some(_)) => {
            return Err(MessageError::BadEnvelope(
                "both `html` and `text` given; send one".to_string(),
            ))
        }
        (Some(html), None) => (
            PageBody::Raw(Bytes::from(html)),
            Some("text/html; charset=utf-8"),
        ),
        (None, Some(text)) => (
            PageBody::Raw(Bytes::from(text)),
            Some("text/plain; charset=utf-8"),
        ),
        (None, None) if url.is_some() => (PageBody::Fetch, None),
        (None, None) => return Err(MessageError::NoUrl),
    };
    let content_type = match &body {
        PageBody::Raw(_) => default_type.map(|t| {
            env.content_type
                .filter(|c| !c.trim().is_empty() && !is_json(c))
                .map(|c| with_utf8_charset(&c))
                .unwrap_or_else(|| t.to_string())
        }),
        PageBody::Fetch => None,
    };
    Ok(Page {
        url,
        content_type,
        fetched_at,
        body,
    })
}

/// JSON strings are UTF-8 whatever the page once was, so any declared charset is replaced.
fn with_utf8_charset(content_type: &str) -> String {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    format!("{mime}; charset=utf-8")
}

fn is_json(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(JSON_CONTENT_TYPE))
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

/// Free text (a site name, a host, a file stem) as one subject token: lower-case ASCII letters,
/// digits, `-` and `_`; every other run of characters becomes one `_`. `None` when nothing
/// usable is left (e.g. an Arabic name).
pub fn subject_token(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    out.chars()
        .any(|c| c.is_ascii_alphanumeric())
        .then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_nats::HeaderMap;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, *v);
        }
        h
    }

    #[test]
    fn raw_page_takes_url_type_and_fetch_time_from_headers() {
        let h = headers(&[
            (HEADER_URL, "https://example.com/a"),
            (HEADER_CONTENT_TYPE, "text/html; charset=windows-1256"),
            (HEADER_FETCHED_AT, "2026-11-26T01:02:03Z"),
        ]);
        let page = parse(Some(&h), &Bytes::from_static(b"<html></html>")).unwrap();
        assert_eq!(page.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/html; charset=windows-1256")
        );
        assert_eq!(
            page.fetched_at.map(|t| t.unix_timestamp()),
            Some(1_795_654_923)
        );
        assert_eq!(
            page.body,
            PageBody::Raw(Bytes::from_static(b"<html></html>"))
        );
    }

    #[test]
    fn message_without_headers_is_a_raw_page_without_metadata() {
        let page = parse(None, &Bytes::from_static(b"hello")).unwrap();
        assert_eq!(page.url, None);
        assert_eq!(page.content_type, None);
        assert_eq!(page.body, PageBody::Raw(Bytes::from_static(b"hello")));
    }

    #[test]
    fn empty_payload_with_only_a_url_asks_for_a_fetch() {
        let h = headers(&[(HEADER_URL, "https://example.com/a")]);
        let page = parse(Some(&h), &Bytes::new()).unwrap();
        assert_eq!(page.body, PageBody::Fetch);
    }

    #[test]
    fn empty_payload_without_url_stays_raw_so_extraction_rejects_it_as_empty() {
        let page = parse(None, &Bytes::new()).unwrap();
        assert_eq!(page.body, PageBody::Raw(Bytes::new()));
    }

    #[test]
    fn invalid_fetch_time_is_ignored_not_fatal() {
        let h = headers(&[(HEADER_FETCHED_AT, "yesterday")]);
        let page = parse(Some(&h), &Bytes::from_static(b"x")).unwrap();
        assert_eq!(page.fetched_at, None);
    }

    #[test]
    fn json_envelope_with_html_becomes_a_utf8_html_page() {
        let h = headers(&[(HEADER_CONTENT_TYPE, "application/json")]);
        let body = br#"{"url":"https://example.com/b","html":"<p>x</p>","fetched_at":"2026-01-01T00:00:00+03:00"}"#;
        let page = parse(Some(&h), &Bytes::from_static(body)).unwrap();
        assert_eq!(page.url.as_deref(), Some("https://example.com/b"));
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert!(page.fetched_at.is_some());
        assert_eq!(page.body, PageBody::Raw(Bytes::from_static(b"<p>x</p>")));
    }

    #[test]
    fn json_envelope_with_text_becomes_a_plain_text_page() {
        let h = headers(&[(HEADER_CONTENT_TYPE, "application/json; charset=utf-8")]);
        let page = parse(Some(&h), &Bytes::from_static(br#"{"text":"abc"}"#)).unwrap();
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(page.url, None);
    }

    #[test]
    fn json_envelope_with_only_a_url_asks_for_a_fetch() {
        let h = headers(&[(HEADER_CONTENT_TYPE, "application/json")]);
        let page = parse(
            Some(&h),
            &Bytes::from_static(br#"{"url":"https://e.com/x"}"#),
        )
        .unwrap();
        assert_eq!(page.body, PageBody::Fetch);
    }

    #[test]
    fn invalid_json_envelope_is_bad_envelope() {
        let h = headers(&[(HEADER_CONTENT_TYPE, "application/json")]);
        let err = parse(Some(&h), &Bytes::from_static(b"{not json")).unwrap_err();
        assert_eq!(err.code(), "bad_envelope");
    }

    #[test]
    fn json_envelope_with_wrong_types_is_bad_envelope() {
        let h = headers(&[(HEADER_CONTENT_TYPE, "application/json")]);
        let err = parse(Some(&h), &Bytes::from_static(br#"{"url":5,"html":["x"]}"#)).unwrap_err();
        assert_eq!(err.code(), "bad_envelope");
    }

    #[test]
    fn json_envelope_with_nothing_to_read_or_fetch_is_no_url() {
        let h = headers(&[(HEADER_CONTENT_TYPE, "application/json")]);
        let err = parse(Some(&h), &Bytes::from_static(br#"{"fetched_at":null}"#)).unwrap_err();
        assert_eq!(err.code(), "no_url");
    }

    #[test]
    fn unknown_headers_are_ignored() {
        let h = headers(&[("X-Crawler", "v2"), (HEADER_URL, "https://e.com/")]);
        let page = parse(Some(&h), &Bytes::from_static(b"<p>x</p>")).unwrap();
        assert_eq!(page.url.as_deref(), Some("https://e.com/"));
    }

    #[test]
    fn site_names_become_single_subject_tokens() {
        assert_eq!(
            subject_token("www.AlJazeera.net").as_deref(),
            Some("www_aljazeera_net")
        );
        assert_eq!(subject_token("Sky News عربية").as_deref(), Some("sky_news"));
        assert_eq!(subject_token("  a..b  ").as_deref(), Some("a_b"));
        assert_eq!(subject_token("الجزيرة"), None);
        assert_eq!(subject_token("news-24_x").as_deref(), Some("news-24_x"));
    }
}

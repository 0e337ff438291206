//! What became of a page: an article, or a typed [`PageError`] whose [`Reason`] is the stable
//! reason code of its dead letter.
//!
//! [`Reason`] is the single list of reason codes: the `Akhbar-Reason` header, the `reason` label
//! of `akhbar_pages_rejected_total` / `akhbar_dead_lettered_total` (pre-registered from
//! [`Reason::all`]) and the table in `docs/events.md` all come from it. A new reason is one
//! entry in the `reasons!` list below plus the [`PageError`] variant that produces it.

use crate::extract::rejection::RejectionCode;
use crate::extract::{Article, Rejection};

use super::fetch::FetchError;
use super::message::MessageError;
use super::publish::PublishError;

/// Declares the service's own reasons (those not decided by the extraction library): variant,
/// code and documentation in one line each.
macro_rules! reasons {
    ($( $(#[doc = $doc:literal])+ $variant:ident => $code:literal, )+) => {
        /// Why a page gave no article: a stable code used in dead-letter headers, metric labels
        /// and the documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Reason {
            /// The extraction library refused the page; its own code (`empty`, `too_large`, …).
            Extract(RejectionCode),
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Reason {
            /// The reasons the service itself decides, in a stable order.
            const SERVICE: &'static [Reason] = &[$(Reason::$variant),+];

            /// The stable code: the `Akhbar-Reason` header value and the metrics' `reason` label.
            pub fn code(self) -> &'static str {
                match self {
                    Reason::Extract(code) => code.code(),
                    $( Reason::$variant => $code, )+
                }
            }

            /// One line saying when a page gets this reason (for `docs/events.md`).
            pub fn description(self) -> &'static str {
                match self {
                    Reason::Extract(code) => code.description(),
                    $( Reason::$variant => concat!($($doc),+).trim_ascii(), )+
                }
            }
        }
    };
}

reasons! {
    /// the payload claims to be a JSON envelope but is not a valid one
    BadEnvelope => "bad_envelope",
    /// a JSON envelope holds neither page content nor a URL to fetch
    NoUrl => "no_url",
    /// an input header holds control characters
    BadHeader => "bad_header",
    /// a URL-only page's scheme or address is refused by the SSRF guard
    FetchForbidden => "fetch_forbidden",
    /// fetching a URL-only page took longer than `fetch.timeout_ms`
    FetchTimeout => "fetch_timeout",
    /// a URL-only page answered with an HTTP error status
    FetchStatus => "fetch_status",
    /// a URL-only page redirected more than `fetch.max_redirects` times
    FetchRedirects => "fetch_redirects",
    /// a URL-only page's body is over `fetch.max_bytes`
    FetchTooLarge => "fetch_too_large",
    /// fetching a URL-only page failed otherwise (DNS, connection, bad URL)
    FetchFailed => "fetch_failed",
    /// the extraction outlived `processing.extract_timeout_secs`
    ExtractTimeout => "extract_timeout",
    /// the extraction panicked (a bug; the page is kept on the dead-letter stream)
    ExtractPanic => "extract_panic",
    /// the article event is larger than the server's `max_payload`
    TooLargeEvent => "too_large_event",
    /// the page failed on its `input.max_deliveries`-th delivery, or was seen again after it
    MaxDeliveries => "max_deliveries",
}

impl Reason {
    /// Every reason: the extraction library's codes, then the service's own.
    pub fn all() -> impl Iterator<Item = Reason> {
        RejectionCode::ALL
            .into_iter()
            .map(Reason::Extract)
            .chain(Reason::SERVICE.iter().copied())
    }

    /// Whether a page with this reason is counted in `akhbar_pages_rejected_total` (every reason
    /// but `max_deliveries`, which is about deliveries, not about the page).
    pub fn is_rejection(self) -> bool {
        self != Reason::MaxDeliveries
    }

    /// Whether this reason comes from fetching a URL-only page (the `outcome` label of
    /// `akhbar_fetches_total`).
    pub fn is_fetch(self) -> bool {
        matches!(
            self,
            Reason::FetchForbidden
                | Reason::FetchTimeout
                | Reason::FetchStatus
                | Reason::FetchRedirects
                | Reason::FetchTooLarge
                | Reason::FetchFailed
        )
    }
}

/// What processing one page produced: an article to publish, or why there is none.
pub type Outcome = Result<Box<Article>, PageError>;

/// Why a page gives no article; [`PageError::reason`] is its dead-letter reason.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The message could not be read as a page.
    #[error(transparent)]
    Message(#[from] MessageError),
    /// A URL-only page could not be fetched.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The extraction library refused the page.
    #[error(transparent)]
    Extract(#[from] Rejection),
    /// The extraction outlived its time limit.
    #[error("extraction took longer than {0} s")]
    ExtractTimeout(u64),
    /// The extraction panicked (or its worker pool was closed).
    #[error("extraction panicked: {0}")]
    ExtractPanic(String),
    /// The article event is larger than the server accepts.
    #[error("article event over the server's max_payload of {max_payload} bytes: {source}")]
    TooLargeEvent {
        /// The server's `max_payload`.
        max_payload: usize,
        /// The refused publish.
        source: PublishError,
    },
    /// The page arrived again after its last allowed delivery.
    #[error("delivered {delivered} times, over the limit of {max}")]
    OverDelivered {
        /// Deliveries so far.
        delivered: u32,
        /// `input.max_deliveries`.
        max: u32,
    },
    /// The last allowed delivery failed to publish.
    #[error("delivered {delivered} times; last error: {last}")]
    LastDeliveryFailed {
        /// Deliveries so far.
        delivered: u32,
        /// The publish error of the last attempt.
        #[source]
        last: PublishError,
    },
}

impl PageError {
    /// The dead-letter reason of this error.
    pub fn reason(&self) -> Reason {
        match self {
            PageError::Message(e) => e.reason(),
            PageError::Fetch(e) => e.reason(),
            PageError::Extract(r) => Reason::Extract(r.kind()),
            PageError::ExtractTimeout(_) => Reason::ExtractTimeout,
            PageError::ExtractPanic(_) => Reason::ExtractPanic,
            PageError::TooLargeEvent { .. } => Reason::TooLargeEvent,
            PageError::OverDelivered { .. } | PageError::LastDeliveryFailed { .. } => {
                Reason::MaxDeliveries
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_distinct_code_and_a_description() {
        let all: Vec<Reason> = Reason::all().collect();
        let codes: std::collections::BTreeSet<&str> = all.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), all.len(), "{codes:?}");
        for r in &all {
            assert!(!r.description().is_empty(), "{r:?}");
            assert!(
                r.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{r:?}"
            );
        }
        assert!(codes.contains("too_large_event") && codes.contains("empty"));
    }

    #[test]
    fn the_library_codes_pass_through_unchanged() {
        for code in RejectionCode::ALL {
            assert_eq!(Reason::Extract(code).code(), code.code());
        }
        let e = PageError::from(Rejection::NoArticle("x".into()));
        assert_eq!(e.reason().code(), "no_article");
    }

    #[test]
    fn the_reason_table_of_docs_events_md_is_this_list() {
        let doc = include_str!("../../docs/events.md");
        let table = doc
            .split("## Reason codes")
            .nth(1)
            .expect("docs/events.md has a Reason codes section");
        let rows: Vec<(String, String)> = table
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| {
                let (code, rest) = l.split_once("` | ")?;
                Some((code.to_string(), rest.trim_end_matches(" |").to_string()))
            })
            .collect();
        let expected: Vec<(String, String)> = Reason::all()
            .map(|r| (r.code().to_string(), r.description().to_string()))
            .collect();
        assert_eq!(rows, expected);
    }

    #[test]
    fn fetch_reasons_are_exactly_the_fetch_codes() {
        for r in Reason::all() {
            assert_eq!(r.is_fetch(), r.code().starts_with("fetch_"), "{r:?}");
        }
    }
}

//! The output side: article events to `output.subject_template`, dead letters to
//! `output.dlq_subject`, through JetStream (awaiting the publish ack) or core NATS.
//!
//! Article events carry `Nats-Msg-Id` = article id, dead letters `dlq:<stream>:<sequence>`, so
//! redeliveries do not double them downstream within the duplicate window.

use std::time::Duration;

use async_nats::jetstream;
use async_nats::HeaderMap;
use bytes::Bytes;
use time::OffsetDateTime;

use super::config::{DuplicatesMode, OutputConfig, StoriesConfig};
use super::events::{
    ArticlePublished, DeadLetterTruncated, DeadLettered, DuplicateDropped, DuplicateStoryDropped,
    Emit,
};
use super::message::{self, subject_token};
use super::metrics::{Metrics, Output};
use super::outcome::PageError;
use crate::extract::Article;

/// Longest error message copied into the `Akhbar-Error` header.
const MAX_ERROR_HEADER: usize = 512;

/// The headers a dead letter adds to the page's own (with its `Nats-Msg-Id`): what
/// `akhbar dlq replay` takes away again to republish the page as it came.
pub const LETTER_HEADERS: [&str; 6] = [
    message::HEADER_REASON,
    message::HEADER_ERROR,
    message::HEADER_SUBJECT,
    message::HEADER_DELIVERIES,
    message::HEADER_TRUNCATED,
    message::HEADER_ORIGINAL_SIZE,
];

/// How pages arrive, and so how their events leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A durable JetStream consumer: events are published through JetStream and the publish
    /// ack is awaited before the input is acked.
    JetStream,
    /// A core-NATS queue group: events are published fire-and-forget (at-most-once).
    Core,
}

/// Why a publish failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The article could not be serialised (a bug; never seen).
    #[error("serialising the article: {0}")]
    Serialise(#[from] serde_json::Error),
    /// JetStream refused the message or did not acknowledge it in time.
    #[error(transparent)]
    JetStream(#[from] jetstream::context::PublishError),
    /// Core NATS refused the message.
    #[error(transparent)]
    Core(#[from] async_nats::PublishError),
}

impl PublishError {
    /// Whether the message is over the server's `max_payload` or the stream's `max_msg_size`:
    /// it can never be published as is, so retrying is pointless (every other failure is
    /// retried by redelivery).
    pub fn is_too_large(&self) -> bool {
        match self {
            PublishError::JetStream(e) => {
                matches!(
                    e.kind(),
                    jetstream::context::PublishErrorKind::MaxPayloadExceeded
                ) || std::error::Error::source(e)
                    .and_then(|s| s.downcast_ref::<jetstream::Error>())
                    .is_some_and(|j| {
                        j.error_code() == jetstream::ErrorCode::STREAM_MESSAGE_EXCEEDS_MAXIMUM
                    })
            }
            PublishError::Core(e) => {
                matches!(e.kind(), async_nats::PublishErrorKind::MaxPayloadExceeded)
            }
            PublishError::Serialise(_) => false,
        }
    }
}

/// The page a dead letter is made of: where it came from, its bytes, how often it was delivered.
#[derive(Debug)]
pub struct Letter<'a> {
    /// The subject the page arrived on.
    pub subject: &'a str,
    /// The page's original headers.
    pub headers: Option<&'a HeaderMap>,
    /// The page's original payload.
    pub payload: &'a Bytes,
    /// How many times the page was delivered.
    pub delivered: u32,
    /// `Nats-Msg-Id` of the dead letter (JetStream mode only).
    pub msg_id: Option<String>,
}

/// Publishes article events and dead letters.
#[derive(Clone)]
pub struct Publisher {
    client: async_nats::Client,
    js: jetstream::Context,
    output: OutputConfig,
    metrics: Metrics,
    duplicates: DuplicatesMode,
    duplicates_subject: String,
}

impl Publisher {
    /// A publisher on `client`; JetStream publishes wait `output.publish_timeout_secs` for the ack.
    pub fn new(client: async_nats::Client, output: OutputConfig, metrics: Metrics) -> Publisher {
        let mut js = jetstream::new(client.clone());
        js.set_timeout(Duration::from_secs(output.publish_timeout_secs));
        Publisher {
            client,
            js,
            output,
            metrics,
            duplicates: DuplicatesMode::Annotate,
            duplicates_subject: String::new(),
        }
    }

    /// The same publisher, treating near-duplicates (articles whose story names an earlier
    /// copy) as `[stories]` says: annotated, dropped, or sent to `duplicates_subject`.
    pub fn with_duplicates(mut self, stories: &StoriesConfig) -> Publisher {
        self.duplicates = stories.duplicates;
        self.duplicates_subject = stories.duplicates_subject.clone();
        self
    }

    /// Publishes the article of a page, or its dead letter when it has none (or when its article
    /// event is over the server's `max_payload`, reason `too_large_event`). An error means
    /// nothing was published and the page should be tried again.
    pub async fn outcome(
        &self,
        outcome: Result<Box<Article>, PageError>,
        fetched_at: Option<OffsetDateTime>,
        letter: &Letter<'_>,
        mode: Mode,
    ) -> Result<(), PublishError> {
        let error = match outcome {
            Ok(article) => match self.article(&article, fetched_at, mode).await {
                Err(e) if e.is_too_large() => PageError::TooLargeEvent {
                    max_payload: self.client.server_info().max_payload,
                    source: e,
                },
                other => return other,
            },
            Err(error) => error,
        };
        super::events::PageRejected { error: &error }.emit(&self.metrics);
        self.dead_letter(letter, &error, mode).await
    }

    /// Publishes one article event.
    pub async fn article(
        &self,
        article: &Article,
        fetched_at: Option<OffsetDateTime>,
        mode: Mode,
    ) -> Result<(), PublishError> {
        let copy_of = article.story.as_ref().filter(|s| s.duplicate_of.is_some());
        let template = match (copy_of, self.duplicates) {
            (Some(story), DuplicatesMode::Drop) => {
                DuplicateStoryDropped {
                    id: &article.id,
                    story: &story.id,
                }
                .emit(&self.metrics);
                return Ok(());
            }
            (Some(_), DuplicatesMode::Publish) => &self.duplicates_subject,
            _ => &self.output.subject_template,
        };
        let json = serde_json::to_vec(article)?;
        let bytes = json.len() as u64;
        let subject = output_subject(template, article);
        let mut headers = HeaderMap::new();
        headers.insert(message::HEADER_MSG_ID, article.id.as_str());
        headers.insert(message::HEADER_ARTICLE_ID, article.id.as_str());
        headers.insert(message::HEADER_CONTENT_TYPE, message::JSON_CONTENT_TYPE);
        if let Some(url) = article.url.as_deref().filter(|u| header_safe(u)) {
            headers.insert(message::HEADER_URL, url);
        }
        let duplicate = self
            .send(mode, subject.clone(), headers, Bytes::from(json))
            .await?;
        if duplicate {
            DuplicateDropped {
                output: Output::Article,
                subject: &subject,
                id: &article.id,
            }
            .emit(&self.metrics);
        } else {
            ArticlePublished {
                article,
                subject: &subject,
                bytes,
                fetched_at,
            }
            .emit(&self.metrics);
        }
        Ok(())
    }

    /// Publishes the dead letter: the original payload and headers plus the reason. A letter
    /// over the server's `max_payload` can never be published, so it is sent again without the
    /// original payload (its size and [`message::HEADER_TRUNCATED`] say so), and if still too
    /// large without the original headers too: the page always leaves a trace and is acked.
    pub async fn dead_letter(
        &self,
        letter: &Letter<'_>,
        error: &PageError,
        mode: Mode,
    ) -> Result<(), PublishError> {
        let reason = error.reason();
        let text = super::nats::error_chain(error);
        let headers = dead_letter_headers(letter, letter.headers, reason.code(), &text);
        let mut result = self
            .send_dead_letter(mode, headers, letter.payload.clone())
            .await;
        for (original_headers, truncated) in
            [(letter.headers, "payload"), (None, "payload,headers")]
        {
            let too_large = match result {
                Err(e) if e.is_too_large() => e,
                _ => break,
            };
            DeadLetterTruncated {
                reason,
                size: letter.payload.len(),
                max_payload: self.client.server_info().max_payload,
                truncated,
                error: &too_large,
            }
            .emit(&self.metrics);
            let mut headers = dead_letter_headers(letter, original_headers, reason.code(), &text);
            headers.insert(message::HEADER_TRUNCATED, truncated);
            headers.insert(
                message::HEADER_ORIGINAL_SIZE,
                letter.payload.len().to_string().as_str(),
            );
            result = self.send_dead_letter(mode, headers, Bytes::new()).await;
        }
        if result? {
            DuplicateDropped {
                output: Output::DeadLetter,
                subject: &self.output.dlq_subject,
                id: letter.msg_id.as_deref().unwrap_or_default(),
            }
            .emit(&self.metrics);
        } else {
            DeadLettered { reason }.emit(&self.metrics);
        }
        Ok(())
    }

    /// Sends one dead letter; returns whether the stream dropped it as a duplicate.
    async fn send_dead_letter(
        &self,
        mode: Mode,
        headers: HeaderMap,
        payload: Bytes,
    ) -> Result<bool, PublishError> {
        let subject = self.output.dlq_subject.clone();
        self.send(mode, subject, headers, payload).await
    }

    /// Sends one message; in JetStream mode waits for the ack and returns whether the stream
    /// dropped it as a duplicate.
    async fn send(
        &self,
        mode: Mode,
        subject: String,
        headers: HeaderMap,
        payload: Bytes,
    ) -> Result<bool, PublishError> {
        match mode {
            Mode::JetStream => {
                let ack = self
                    .js
                    .publish_with_headers(subject, headers, payload)
                    .await?
                    .await?;
                Ok(ack.duplicate)
            }
            Mode::Core => {
                self.client
                    .publish_with_headers(subject, headers, payload)
                    .await?;
                Ok(false)
            }
        }
    }
}

/// The subject of an article event: the template with `{site}` replaced by the site as a
/// [`subject_token`] (else the URL's host, else `unknown`).
pub fn output_subject(template: &str, article: &Article) -> String {
    let token = subject_token(&article.site)
        .or_else(|| {
            article
                .url
                .as_deref()
                .and_then(crate::extract::article::host_of)
                .and_then(|h| subject_token(&h))
        })
        .unwrap_or_else(|| "unknown".to_string());
    template.replace("{site}", &token)
}

/// Headers of a dead letter: the `original` headers kept (but `Nats-…`), plus reason, error,
/// subject, deliveries and the letter's own `Nats-Msg-Id`.
pub fn dead_letter_headers(
    letter: &Letter<'_>,
    original: Option<&HeaderMap>,
    reason: &str,
    error: &str,
) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(orig) = original {
        for (name, values) in orig.iter() {
            let n: &str = name.as_ref();
            if n.eq_ignore_ascii_case(message::HEADER_MSG_ID) || n.starts_with("Nats-") {
                continue;
            }
            for v in values {
                headers.append(n, v.as_str());
            }
        }
    }
    headers.insert(message::HEADER_REASON, reason);
    headers.insert(message::HEADER_ERROR, header_text(error).as_str());
    headers.insert(message::HEADER_SUBJECT, letter.subject);
    headers.insert(
        message::HEADER_DELIVERIES,
        letter.delivered.to_string().as_str(),
    );
    if let Some(id) = &letter.msg_id {
        headers.insert(message::HEADER_MSG_ID, id.as_str());
    }
    headers
}

/// An error message made safe for a header value: one line, bounded length.
fn header_text(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if out.len() > MAX_ERROR_HEADER {
        let mut cut = MAX_ERROR_HEADER;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

fn header_safe(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::PageMeta;

    #[test]
    fn an_arabic_site_name_falls_back_to_the_host() {
        let mut a = crate::extract::extract(
            "<html><body><article><p>نص المقال الأول هنا وهو طويل بما يكفي ليكون مقالا كاملا.</p></article></body></html>".as_bytes(),
            &PageMeta {
                url: Some("https://www.example.com/x".to_string()),
                content_type: Some("text/html; charset=utf-8".to_string()),
            },
        )
        .unwrap();
        a.site = "الجزيرة".to_string();
        assert_eq!(
            output_subject("news.clean.{site}", &a),
            "news.clean.www_example_com"
        );
        a.url = None;
        assert_eq!(
            output_subject("news.clean.{site}", &a),
            "news.clean.unknown"
        );
    }

    #[test]
    fn dead_letter_headers_keep_the_originals_and_add_the_reason() {
        let mut orig = HeaderMap::new();
        orig.insert(message::HEADER_URL, "https://e.com/x");
        orig.insert(message::HEADER_MSG_ID, "crawler-id");
        let payload = Bytes::new();
        let letter = Letter {
            subject: "news.raw.x",
            headers: Some(&orig),
            payload: &payload,
            delivered: 2,
            msg_id: Some("dlq:S:7".to_string()),
        };
        let h = dead_letter_headers(&letter, letter.headers, "binary", "line1\nline2");
        assert_eq!(
            h.get(message::HEADER_URL).map(|v| v.as_str()),
            Some("https://e.com/x")
        );
        assert_eq!(
            h.get(message::HEADER_REASON).map(|v| v.as_str()),
            Some("binary")
        );
        assert_eq!(
            h.get(message::HEADER_ERROR).map(|v| v.as_str()),
            Some("line1 line2")
        );
        assert_eq!(
            h.get(message::HEADER_SUBJECT).map(|v| v.as_str()),
            Some("news.raw.x")
        );
        assert_eq!(
            h.get(message::HEADER_DELIVERIES).map(|v| v.as_str()),
            Some("2")
        );
        assert_eq!(
            h.get(message::HEADER_MSG_ID).map(|v| v.as_str()),
            Some("dlq:S:7")
        );
    }

    #[test]
    fn long_errors_are_cut_for_the_header() {
        let long = "خطأ ".repeat(500);
        let t = header_text(&long);
        assert!(t.len() <= MAX_ERROR_HEADER + '…'.len_utf8());
    }
}

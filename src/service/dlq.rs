//! Dead letters read back (`akhbar dlq list`, `akhbar dlq replay`): the inverse of
//! `publish.rs`'s `dead_letter_headers`.
//!
//! A letter holds the page's payload and headers unchanged plus `LETTER_HEADERS` (reason,
//! error, original subject, deliveries) and its own `Nats-Msg-Id`. Replaying it publishes the
//! page's payload and headers again to the original subject through JetStream, with a
//! `Nats-Msg-Id` derived from the letter ([`StoredLetter::replay_id`]), and deletes the letter
//! only once that publish is acknowledged. A replay killed between the two leaves the letter in
//! place; the next replay publishes it again under the same id, which the raw stream drops as a
//! duplicate within its window, and deletes it then. Nothing is lost, nothing doubled.

use std::collections::BTreeMap;
use std::time::Duration;

use async_nats::jetstream::{self, consumer::pull::OrderedConfig, consumer::DeliverPolicy};
use async_nats::HeaderMap;
use bytes::Bytes;
use futures::StreamExt;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::config::validate::valid_subject;
use super::message::{HEADER_MSG_ID, HEADER_REASON, HEADER_SUBJECT, HEADER_TRUNCATED};
use super::publish::LETTER_HEADERS;

/// A boxed error from the JetStream API.
type JetStreamError = Box<dyn std::error::Error + Send + Sync>;

/// How long reading the stream waits for the next letter before taking the stream as read (a
/// letter deleted meanwhile never arrives).
const IDLE: Duration = Duration::from_secs(5);

/// Why the dead-letter stream could not be read, or a letter not replayed.
#[derive(Debug, thiserror::Error)]
pub enum DlqError {
    /// The stream could not be looked up or read.
    #[error("reading stream {stream}")]
    Read {
        /// The stream.
        stream: String,
        /// The server's answer.
        source: JetStreamError,
    },
    /// The page of a letter could not be published again (the letter stays).
    #[error("republishing letter {sequence} to {subject}")]
    Republish {
        /// The letter's sequence in the stream.
        sequence: u64,
        /// The original subject.
        subject: String,
        /// The server's answer.
        source: JetStreamError,
    },
    /// A republished letter could not be deleted (the next replay deletes it, as a duplicate).
    #[error("deleting letter {sequence} after its replay")]
    Delete {
        /// The letter's sequence in the stream.
        sequence: u64,
        /// The server's answer.
        source: JetStreamError,
    },
}

/// Which letters a command works on; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The letter's reason code.
    pub reason: Option<String>,
    /// The page's original subject, NATS wildcards allowed (`news.raw.*`, `news.>`).
    pub subject: Option<String>,
    /// Dead-lettered at or after this time.
    pub since: Option<OffsetDateTime>,
}

impl Filter {
    fn accepts(&self, letter: &StoredLetter) -> bool {
        self.reason.as_ref().is_none_or(|r| *r == letter.reason)
            && self.subject.as_ref().is_none_or(|pattern| {
                letter
                    .subject
                    .as_deref()
                    .is_some_and(|s| subject_matches(pattern, s))
            })
            && self.since.is_none_or(|t| letter.time >= t)
    }
}

/// Whether `subject` matches `pattern` (`*` one token, `>` the rest).
pub fn subject_matches(pattern: &str, subject: &str) -> bool {
    let mut tokens = subject.split('.');
    for p in pattern.split('.') {
        match (p, tokens.next()) {
            (">", Some(_)) => return true,
            ("*", Some(_)) => {}
            (p, Some(t)) if p == t => {}
            _ => return false,
        }
    }
    tokens.next().is_none()
}

/// When `--since` starts: `30m`, `2h`, `7d`, `90s` before `now`, or an RFC 3339 time.
pub fn parse_since(text: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t);
    }
    let bad = || format!("{text:?} is neither a duration (30m, 2h, 7d) nor an RFC 3339 time");
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let unit_secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    let secs = n.checked_mul(unit_secs).ok_or_else(bad)?;
    now.checked_sub(time::Duration::seconds(secs))
        .ok_or_else(bad)
}

/// One letter as stored in the dead-letter stream.
#[derive(Debug, Clone)]
pub struct StoredLetter {
    /// Its sequence in the stream.
    pub sequence: u64,
    /// When it was stored (dead-lettered).
    pub time: OffsetDateTime,
    /// `Akhbar-Reason`.
    pub reason: String,
    /// `Akhbar-Subject`: the subject the page arrived on.
    pub subject: Option<String>,
    /// Whether the page's payload (or headers) had to be left out (`Akhbar-Truncated`).
    pub truncated: bool,
    /// The letter's headers.
    pub headers: HeaderMap,
    /// The page's payload (empty when read headers-only).
    pub payload: Bytes,
}

/// Why a letter cannot be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReplayable {
    /// It names no (valid) original subject: not a letter akhbar wrote.
    NoSubject,
    /// Its payload was left out to fit the server's `max_payload`.
    Truncated,
}

impl StoredLetter {
    /// Reads a letter from a message of the stream.
    pub fn from_message(msg: &jetstream::Message) -> Result<StoredLetter, JetStreamError> {
        let info = msg.info()?;
        let headers = msg.headers.clone().unwrap_or_default();
        let text = |name: &str| headers.get(name).map(|v| v.as_str().to_string());
        Ok(StoredLetter {
            sequence: info.stream_sequence,
            time: info.published,
            reason: text(HEADER_REASON).unwrap_or_else(|| "unknown".to_string()),
            subject: text(HEADER_SUBJECT).filter(|s| valid_subject(s, false)),
            truncated: headers.get(HEADER_TRUNCATED).is_some(),
            payload: msg.payload.clone(),
            headers,
        })
    }

    /// Whether the page can be published again as it came.
    pub fn replayable(&self) -> Result<&str, NotReplayable> {
        if self.truncated {
            return Err(NotReplayable::Truncated);
        }
        self.subject.as_deref().ok_or(NotReplayable::NoSubject)
    }

    /// The page's own headers: the letter's without `LETTER_HEADERS` and `Nats-…`.
    pub fn original_headers(&self) -> HeaderMap {
        let mut out = HeaderMap::new();
        for (name, values) in self.headers.iter() {
            let n: &str = name.as_ref();
            if n.starts_with("Nats-") || LETTER_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(n)) {
                continue;
            }
            for v in values {
                out.append(n, v.as_str());
            }
        }
        out
    }

    /// The `Nats-Msg-Id` of the replayed page: from the letter's own id (`dlq:<stream>:<seq>`,
    /// which names the page), else from its place in the dead-letter stream. Every replay of a
    /// letter, and of another letter of the same page, publishes under the same id.
    pub fn replay_id(&self, stream: &str) -> String {
        match self.headers.get(HEADER_MSG_ID) {
            Some(id) if !id.as_str().is_empty() => format!("replay:{}", id.as_str()),
            _ => format!("replay:{stream}:{}", self.sequence),
        }
    }
}

/// Letters of one reason and original subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The reason code.
    pub reason: String,
    /// The original subject (`?` when the letter names none).
    pub subject: String,
    /// How many letters.
    pub count: u64,
    /// The newest letter's time.
    pub newest: OffsetDateTime,
    /// The oldest letter's time.
    pub oldest: OffsetDateTime,
}

/// What `list` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The stream.
    pub stream: String,
    /// Letters matching the filter.
    pub letters: u64,
    /// Of them, those that can be replayed.
    pub replayable: u64,
    /// By reason and subject, the group with the newest letter first.
    pub groups: Vec<Group>,
}

/// Counts the letters of `stream` matching `filter` by reason and original subject (reading
/// headers only).
pub async fn list(
    js: &jetstream::Context,
    stream: &str,
    filter: &Filter,
) -> Result<Listing, DlqError> {
    let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
    let (mut letters, mut replayable) = (0, 0);
    let mut reader = Reader::open(js, stream, filter, true).await?;
    while let Some(letter) = reader.next().await? {
        letters += 1;
        replayable += u64::from(letter.replayable().is_ok());
        let subject = letter.subject.clone().unwrap_or_else(|| "?".to_string());
        let g = groups
            .entry((letter.reason.clone(), subject.clone()))
            .or_insert_with(|| Group {
                reason: letter.reason.clone(),
                subject,
                count: 0,
                newest: letter.time,
                oldest: letter.time,
            });
        g.count += 1;
        g.newest = g.newest.max(letter.time);
        g.oldest = g.oldest.min(letter.time);
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    groups.sort_by(|a, b| b.newest.cmp(&a.newest).then(b.count.cmp(&a.count)));
    Ok(Listing {
        stream: stream.to_string(),
        letters,
        replayable,
        groups,
    })
}

/// How a replay went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replayed {
    /// Letters republished (or, in a dry run, that would be) and deleted.
    pub replayed: u64,
    /// Of them, republishes the raw stream acknowledged as duplicates: letters an earlier,
    /// interrupted replay had already republished.
    pub duplicates: u64,
    /// Letters matching the filter that cannot be replayed (left in the stream).
    pub skipped: u64,
}

/// What `replay` does besides republishing.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplayOptions {
    /// Stop after this many letters replayed.
    pub limit: Option<u64>,
    /// Only say what would be replayed.
    pub dry_run: bool,
    /// At most this many letters a second (so a large replay does not swamp the service).
    pub per_second: Option<f64>,
}

/// Replays the letters of `stream` matching `filter`, oldest first: each page is published to
/// its original subject and acknowledged, then its letter deleted. Letters stored after the
/// replay began (a replayed page failing again) wait for the next replay. `each` is told about
/// every letter handled (`Ok`) or skipped (`Err`).
pub async fn replay(
    js: &jetstream::Context,
    stream: &str,
    filter: &Filter,
    options: ReplayOptions,
    mut each: impl FnMut(&StoredLetter, Result<&str, NotReplayable>),
) -> Result<Replayed, DlqError> {
    let dlq = js.get_stream(stream).await.map_err(|e| DlqError::Read {
        stream: stream.to_string(),
        source: Box::new(e),
    })?;
    let mut done = Replayed::default();
    let mut pace = options
        .per_second
        .filter(|r| r.is_finite() && *r > 0.0)
        .map(|r| tokio::time::interval(Duration::from_secs_f64(1.0 / r)));
    let mut reader = Reader::open(js, stream, filter, false).await?;
    while let Some(letter) = reader.next().await? {
        if options.limit.is_some_and(|n| done.replayed >= n) {
            break;
        }
        let subject = match letter.replayable() {
            Ok(s) => s.to_string(),
            Err(why) => {
                done.skipped += 1;
                each(&letter, Err(why));
                continue;
            }
        };
        if let Some(p) = pace.as_mut() {
            p.tick().await;
        }
        if !options.dry_run {
            let mut headers = letter.original_headers();
            headers.insert(HEADER_MSG_ID, letter.replay_id(stream).as_str());
            let republish = |source: JetStreamError| DlqError::Republish {
                sequence: letter.sequence,
                subject: subject.clone(),
                source,
            };
            let ack = js
                .publish_with_headers(subject.clone(), headers, letter.payload.clone())
                .await
                .map_err(|e| republish(Box::new(e)))?
                .await
                .map_err(|e| republish(Box::new(e)))?;
            done.duplicates += u64::from(ack.duplicate);
            dlq.delete_message(letter.sequence)
                .await
                .map_err(|e| DlqError::Delete {
                    sequence: letter.sequence,
                    source: Box::new(e),
                })?;
        }
        done.replayed += 1;
        each(&letter, Ok(&subject));
    }
    Ok(done)
}

/// Reads the letters of a stream that match a filter, oldest first, up to the last one stored
/// when reading began (an ephemeral ordered consumer).
struct Reader {
    stream: String,
    filter: Filter,
    /// The last sequence when reading began.
    last: u64,
    /// `None` once the end is reached.
    messages: Option<jetstream::consumer::pull::Ordered>,
}

impl Reader {
    async fn open(
        js: &jetstream::Context,
        stream: &str,
        filter: &Filter,
        headers_only: bool,
    ) -> Result<Reader, DlqError> {
        let failed = |source: JetStreamError| DlqError::Read {
            stream: stream.to_string(),
            source,
        };
        let mut dlq = js
            .get_stream(stream)
            .await
            .map_err(|e| failed(Box::new(e)))?;
        let state = dlq
            .info()
            .await
            .map_err(|e| failed(Box::new(e)))?
            .state
            .clone();
        let mut reader = Reader {
            stream: stream.to_string(),
            filter: filter.clone(),
            last: state.last_sequence,
            messages: None,
        };
        if state.messages == 0 {
            return Ok(reader);
        }
        let consumer = dlq
            .create_consumer(OrderedConfig {
                headers_only,
                deliver_policy: match filter.since {
                    Some(t) => DeliverPolicy::ByStartTime { start_time: t },
                    None => DeliverPolicy::All,
                },
                ..Default::default()
            })
            .await
            .map_err(|e| failed(Box::new(e)))?;
        reader.messages = Some(consumer.messages().await.map_err(|e| failed(Box::new(e)))?);
        Ok(reader)
    }

    /// The next matching letter, `None` at the end.
    async fn next(&mut self) -> Result<Option<StoredLetter>, DlqError> {
        let failed = |source: JetStreamError| DlqError::Read {
            stream: self.stream.clone(),
            source,
        };
        while let Some(messages) = self.messages.as_mut() {
            let msg = match tokio::time::timeout(IDLE, messages.next()).await {
                Err(_) | Ok(None) => break,
                Ok(Some(m)) => m.map_err(|e| failed(Box::new(e)))?,
            };
            let letter = StoredLetter::from_message(&msg).map_err(failed)?;
            if letter.sequence > self.last {
                break;
            }
            if letter.sequence == self.last || msg.info().map_or(true, |i| i.pending == 0) {
                self.messages = None;
            }
            if self.filter.accepts(&letter) {
                return Ok(Some(letter));
            }
        }
        self.messages = None;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::message::{HEADER_CONTENT_TYPE, HEADER_URL};
    use crate::service::publish::{dead_letter_headers, Letter};

    fn stored(headers: HeaderMap, sequence: u64) -> StoredLetter {
        let text = |name: &str| headers.get(name).map(|v| v.as_str().to_string());
        StoredLetter {
            sequence,
            time: OffsetDateTime::UNIX_EPOCH,
            reason: text(HEADER_REASON).unwrap_or_default(),
            subject: text(HEADER_SUBJECT),
            truncated: headers.get(HEADER_TRUNCATED).is_some(),
            payload: Bytes::from_static(b"<p>page</p>"),
            headers,
        }
    }

    #[test]
    fn a_letter_gives_back_the_page_headers_it_was_made_of() {
        let mut page = HeaderMap::new();
        page.insert(HEADER_URL, "https://e.com/1");
        page.insert(HEADER_CONTENT_TYPE, "text/html; charset=windows-1256");
        page.append("X-Crawler", "a");
        page.append("X-Crawler", "b");
        page.insert(HEADER_MSG_ID, "crawler-7");
        let payload = Bytes::from_static(b"<p>page</p>");
        let letter = Letter {
            subject: "news.raw.e",
            headers: Some(&page),
            payload: &payload,
            delivered: 5,
            msg_id: Some("dlq:NEWS_RAW:42".to_string()),
        };
        let headers = dead_letter_headers(&letter, Some(&page), "max_deliveries", "boom");
        let s = stored(headers, 9);
        assert_eq!(s.replayable(), Ok("news.raw.e"));
        assert_eq!(s.replay_id("NEWS_DLQ"), "replay:dlq:NEWS_RAW:42");
        let original = s.original_headers();
        let pairs = |h: &HeaderMap| {
            let mut v: Vec<(String, Vec<String>)> = h
                .iter()
                .filter(|(k, _)| k.to_string() != HEADER_MSG_ID)
                .map(|(k, vs)| {
                    (
                        k.to_string(),
                        vs.iter().map(|v| v.as_str().to_string()).collect(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(pairs(&original), pairs(&page));
        assert!(original.get(HEADER_MSG_ID).is_none());
    }

    #[test]
    fn a_letter_without_id_is_named_by_its_place_and_a_truncated_one_is_kept() {
        let mut h = HeaderMap::new();
        h.insert(HEADER_SUBJECT, "news.raw.x");
        h.insert(HEADER_REASON, "empty");
        assert_eq!(stored(h.clone(), 3).replay_id("DLQ"), "replay:DLQ:3");
        h.insert(HEADER_TRUNCATED, "payload");
        assert_eq!(stored(h, 3).replayable(), Err(NotReplayable::Truncated));
        assert_eq!(
            stored(HeaderMap::new(), 4).replayable(),
            Err(NotReplayable::NoSubject)
        );
    }

    #[test]
    fn filters_match_reason_subject_wildcards_and_time() {
        let mut h = HeaderMap::new();
        h.insert(HEADER_SUBJECT, "news.raw.site_a");
        h.insert(HEADER_REASON, "max_deliveries");
        let mut s = stored(h, 1);
        s.time = OffsetDateTime::UNIX_EPOCH + time::Duration::hours(2);
        let f = |reason: Option<&str>, subject: Option<&str>, since_h: Option<i64>| Filter {
            reason: reason.map(str::to_string),
            subject: subject.map(str::to_string),
            since: since_h.map(|h| OffsetDateTime::UNIX_EPOCH + time::Duration::hours(h)),
        };
        assert!(f(None, None, None).accepts(&s));
        assert!(f(Some("max_deliveries"), Some("news.raw.*"), Some(1)).accepts(&s));
        assert!(f(None, Some("news.>"), None).accepts(&s));
        assert!(!f(Some("empty"), None, None).accepts(&s));
        assert!(!f(None, Some("news.raw"), None).accepts(&s));
        assert!(!f(None, Some("news.raw.site_a.x"), None).accepts(&s));
        assert!(!f(None, None, Some(3)).accepts(&s));
    }

    #[test]
    fn since_takes_a_duration_back_from_now_or_a_time() {
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(10);
        assert_eq!(parse_since("2h", now), Ok(now - time::Duration::hours(2)));
        assert_eq!(parse_since("7d", now), Ok(now - time::Duration::days(7)));
        assert_eq!(
            parse_since("1970-01-02T00:00:00Z", now),
            Ok(OffsetDateTime::UNIX_EPOCH + time::Duration::days(1))
        );
        for bad in ["", "h", "2w", "-1h", "yesterday", "99999999999999999999d"] {
            assert!(parse_since(bad, now).is_err(), "{bad}");
        }
    }
}

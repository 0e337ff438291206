//! What the index keeps per article: its fingerprint (band hashes and the first tokens of its
//! body) and, once made, the decision on its story; and their compact binary form.

use super::minhash::{self, Shape};
use super::tokens::{self, Token};

/// Tokens read per article: the start of the body, where copies overlap. Its bands and its
/// confirmation both use them (about 2 KiB stored per article), so the cost of a page does
/// not grow with its length.
pub const MAX_TOKENS: usize = 512;

/// Format version written first in every record. Version 2 added the sentence starts; a
/// version 1 record is still read (without them).
const VERSION: u8 = 2;

/// What the index needs of one article's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The band hashes (MinHash over the tokens).
    pub bands: Vec<u64>,
    /// The first [`MAX_TOKENS`] tokens of the body.
    pub tokens: Vec<Token>,
    /// Where the sentences of those tokens start (ascending indices into `tokens`); empty in a
    /// record of the first version, whose bodies are compared without sentences.
    pub starts: Vec<u16>,
}

impl Fingerprint {
    /// The fingerprint of a body.
    pub fn of(body: &str, shape: Shape) -> Fingerprint {
        let (tokens, starts) = tokens::sentences_up_to(body, MAX_TOKENS);
        let bands = minhash::bands(&tokens, shape);
        let starts = starts
            .into_iter()
            .filter_map(|s| u16::try_from(s).ok())
            .collect();
        Fingerprint {
            bands,
            tokens,
            starts,
        }
    }
}

/// The story an article was given.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Id of the story's first article.
    pub story: String,
    /// The earliest near-duplicate found, if any.
    pub duplicate_of: Option<String>,
    /// Similarity to `duplicate_of`.
    pub similarity: Option<f64>,
    /// The store's revision of the article's first record: its place in the order of arrival.
    pub seen: u64,
}

/// One article in the index.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its fingerprint.
    pub fingerprint: Fingerprint,
    /// Its story, once decided.
    pub decision: Option<Decision>,
}

/// A stored record that cannot be read (another version, or damaged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// Written by another format version.
    #[error("story record of format version {0}, expected {VERSION}")]
    Version(u8),
    /// Ends before its fields do, or holds bad UTF-8.
    #[error("story record damaged: {0}")]
    Damaged(&'static str),
}

impl Record {
    /// The binary form: version, bands, tokens, decision (little-endian, length-prefixed).
    pub fn encode(&self) -> Vec<u8> {
        let fp = &self.fingerprint;
        let bands = &fp.bands[..fp.bands.len().min(usize::from(u8::MAX))];
        let tokens = &fp.tokens[..fp.tokens.len().min(usize::from(u16::MAX))];
        let mut out = Vec::with_capacity(8 + bands.len() * 8 + tokens.len() * 4 + 80);
        out.push(VERSION);
        out.push(bands.len() as u8);
        for b in bands {
            out.extend_from_slice(&b.to_le_bytes());
        }
        out.extend_from_slice(&(tokens.len() as u16).to_le_bytes());
        for t in tokens {
            out.extend_from_slice(&t.to_le_bytes());
        }
        let starts = &fp.starts[..fp.starts.len().min(usize::from(u16::MAX))];
        out.extend_from_slice(&(starts.len() as u16).to_le_bytes());
        for s in starts {
            out.extend_from_slice(&s.to_le_bytes());
        }
        match &self.decision {
            None => out.push(0),
            Some(d) => {
                out.push(1);
                put_str(&mut out, &d.story);
                match &d.duplicate_of {
                    None => out.push(0),
                    Some(id) => {
                        out.push(1);
                        put_str(&mut out, id);
                    }
                }
                match d.similarity {
                    None => out.push(0),
                    Some(s) => {
                        out.push(1);
                        out.extend_from_slice(&s.to_le_bytes());
                    }
                }
                out.extend_from_slice(&d.seen.to_le_bytes());
            }
        }
        out
    }

    /// Reads the binary form back.
    pub fn decode(bytes: &[u8]) -> Result<Record, RecordError> {
        let mut r = Reader(bytes);
        let version = r.u8()?;
        if version != VERSION && version != 1 {
            return Err(RecordError::Version(version));
        }
        let n = usize::from(r.u8()?);
        let mut bands = Vec::with_capacity(n);
        for _ in 0..n {
            bands.push(u64::from_le_bytes(r.array()?));
        }
        let n = usize::from(u16::from_le_bytes(r.array()?));
        let mut tokens = Vec::with_capacity(n);
        for _ in 0..n {
            tokens.push(u32::from_le_bytes(r.array()?));
        }
        let mut starts = Vec::new();
        if version >= 2 {
            let n = usize::from(u16::from_le_bytes(r.array()?));
            starts.reserve(n);
            for _ in 0..n {
                starts.push(u16::from_le_bytes(r.array()?));
            }
        }
        let decision = if r.flag()? {
            let story = r.string()?;
            let duplicate_of = if r.flag()? { Some(r.string()?) } else { None };
            let similarity = if r.flag()? {
                Some(f64::from_le_bytes(r.array()?))
            } else {
                None
            };
            let seen = u64::from_le_bytes(r.array()?);
            Some(Decision {
                story,
                duplicate_of,
                similarity,
                seen,
            })
        } else {
            None
        };
        if !r.0.is_empty() {
            return Err(RecordError::Damaged("bytes after the last field"));
        }
        Ok(Record {
            fingerprint: Fingerprint {
                bands,
                tokens,
                starts,
            },
            decision,
        })
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let bytes = &s.as_bytes()[..s.len().min(usize::from(u8::MAX))];
    out.push(bytes.len() as u8);
    out.extend_from_slice(bytes);
}

/// A cursor over the bytes of a record.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], RecordError> {
        if self.0.len() < n {
            return Err(RecordError::Damaged("cut short"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, RecordError> {
        Ok(self.take(1)?[0])
    }

    fn flag(&mut self) -> Result<bool, RecordError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(RecordError::Damaged("bad flag")),
        }
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], RecordError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn string(&mut self) -> Result<String, RecordError> {
        let n = usize::from(self.u8()?);
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| RecordError::Damaged("bad UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(decision: Option<Decision>) -> Record {
        Record {
            fingerprint: Fingerprint::of(
                "قال المتحدث الرسمي إن الاجتماع عقد اليوم في القاهرة",
                Shape::default(),
            ),
            decision,
        }
    }

    #[test]
    fn records_survive_the_round_trip() {
        for decision in [
            None,
            Some(Decision {
                story: "a1".into(),
                duplicate_of: None,
                similarity: None,
                seen: 3,
            }),
            Some(Decision {
                story: "a1".into(),
                duplicate_of: Some("b2".into()),
                similarity: Some(0.75),
                seen: u64::MAX,
            }),
        ] {
            let r = sample(decision);
            assert_eq!(Record::decode(&r.encode()), Ok(r));
        }
    }

    #[test]
    fn records_keep_their_sentence_starts() {
        let record = Record {
            fingerprint: Fingerprint::of(
                "قال المتحدث. وأضاف أن الاجتماع انتهى؟ نعم",
                Shape::default(),
            ),
            decision: None,
        };
        assert_eq!(record.fingerprint.starts, vec![0, 2, 6]);
        assert_eq!(Record::decode(&record.encode()), Ok(record));
    }

    #[test]
    fn a_first_version_record_is_read_without_sentence_starts() {
        let mut record = sample(None);
        let bytes = record.encode();
        let fp = &record.fingerprint;
        let starts_at = 2 + fp.bands.len() * 8 + 2 + fp.tokens.len() * 4;
        let starts_len = 2 + fp.starts.len() * 2;
        let mut v1 = bytes[..starts_at].to_vec();
        v1.extend_from_slice(&bytes[starts_at + starts_len..]);
        v1[0] = 1;
        record.fingerprint.starts.clear();
        assert_eq!(Record::decode(&v1), Ok(record));
    }

    #[test]
    fn damaged_or_foreign_records_are_refused_not_misread() {
        let bytes = sample(None).encode();
        for cut in 0..bytes.len() {
            assert!(Record::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut other = bytes.clone();
        other[0] = 9;
        assert_eq!(Record::decode(&other), Err(RecordError::Version(9)));
        let mut longer = bytes;
        longer.push(0);
        assert!(Record::decode(&longer).is_err());
    }

    #[test]
    fn the_fingerprint_keeps_the_start_of_a_long_body() {
        let body = "كلمة ".repeat(MAX_TOKENS * 2);
        let fp = Fingerprint::of(&body, Shape::default());
        assert_eq!(fp.tokens.len(), MAX_TOKENS);
        assert_eq!(fp.bands.len(), Shape::default().bands);
    }
}

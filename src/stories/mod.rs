//! Stories: the same report copied by many portals, found across the stream. Pure library, no
//! I/O: the service keeps the index in a JetStream key-value bucket (`service/stories.rs`), the
//! command line in memory ([`memory`]).
//!
//! An article's body becomes typed word tokens and sentences ([`tokens`]); MinHash over their
//! bigrams, cut into bands ([`minhash`]), gives the keys under which near-duplicates meet as
//! candidates; a candidate is confirmed on the stored tokens and sentences ([`confirm`],
//! [`sentences`]): containment of the shorter body, an opening that one of the two shares with
//! the other, each body mostly shared text up to where the shared text ends in it (or, for a
//! reworded copy, every sentence found in order), one of the two made of the other's sentences,
//! and no conflicting dates or numbers. [`index::assign`]
//! claims the band keys in order and decides the story ([`record`] is what it stores per
//! article). Offline, with the whole set of articles at hand, [`groups`] joins the stories of
//! copies that met only after both were decided.

pub mod confirm;
pub mod groups;
pub mod index;
pub mod memory;
pub mod minhash;
pub mod record;
pub mod sentences;
pub mod tokens;

pub use index::{assign, Store, Stored};
pub use memory::MemoryStore;
pub use minhash::Shape;
pub use record::{Decision, Fingerprint, Record};

/// Default similarity threshold: the share of the shorter body that must be found in the other.
pub const DEFAULT_THRESHOLD: f64 = 0.6;

/// Made-up vocabularies for the tests: bodies whose overlaps are set word by word.
#[cfg(test)]
pub(crate) mod made_up {
    /// Words `prefix` + the digits of each number in letters (one token each; two prefixes
    /// share no word).
    pub(crate) fn words(prefix: char, range: std::ops::Range<usize>) -> Vec<String> {
        range
            .map(|i| {
                let letters: String = i
                    .to_string()
                    .chars()
                    .map(|d| char::from(b'a' + d.to_digit(10).unwrap_or(0) as u8))
                    .collect();
                format!("{prefix}{letters}")
            })
            .collect()
    }
}

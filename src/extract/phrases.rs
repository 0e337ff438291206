//! Whole-word phrase lookup in matching keys: many lists of phrases, one index, one pass over a
//! line's words to learn which lists have a phrase in it, at its start, or as the whole line.
//! Built once per marker set; what makes judging every line of a page against a dozen
//! vocabularies cost one hash lookup per word.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for short words, eight bytes a step: SipHash's set-up costs more than the lookup
/// itself, and a byte-at-a-time hash spends most of a page's judging on Arabic's two-byte letters.
#[derive(Debug, Clone, Copy)]
pub struct WordHasher(u64);

const WORD_K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl WordHasher {
    fn step(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(WORD_K);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        // Multiplication leaves the low bits weak; hash tables index by them.
        let h = self.0 ^ (self.0 >> 29);
        let h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^ (h >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        self.step(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.step(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.step(u64::from_le_bytes(word));
        }
    }
}

/// A hash map keyed by short words, with [`WordHasher`] hashing.
pub type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// The [`WordHasher`] hash of some bytes (a word, a line's key).
pub fn word_hash(bytes: &[u8]) -> u64 {
    let mut h = WordHasher::default();
    h.write(bytes);
    h.finish()
}

/// Most lists one index holds (each list is a bit in [`Hits`]).
pub const MAX_LISTS: usize = 32;

/// A hasher for keys that are hashes already: it keeps the value.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// One phrase: the list it belongs to and the hashes of its words after the first.
#[derive(Debug, Clone)]
struct Entry {
    list: u8,
    rest: Box<[u64]>,
}

/// Phrases of several lists (matching keys), indexed by the hash of their first word; words are
/// compared by their [`word_hash`] hashes.
#[derive(Debug, Clone, Default)]
pub struct PhraseIndex {
    by_first: HashMap<u64, Vec<Entry>, BuildHasherDefault<Prehashed>>,
}

/// What one scan of a line found: per list, as bits, whether a phrase stands anywhere in the
/// line, opens it, or is the whole line; and how many phrase occurrences each list had.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hits {
    anywhere: u32,
    opening: u32,
    whole: u32,
    counts: [u8; MAX_LISTS],
}

impl Hits {
    /// A phrase of `list` stands somewhere in the line, as whole words.
    pub fn anywhere(&self, list: usize) -> bool {
        self.anywhere & (1 << list) != 0
    }

    /// A phrase of `list` opens the line.
    pub fn opening(&self, list: usize) -> bool {
        self.opening & (1 << list) != 0
    }

    /// The whole line is a phrase of `list`.
    pub fn whole(&self, list: usize) -> bool {
        self.whole & (1 << list) != 0
    }

    /// How many phrases of `list` the line holds (each occurrence counted).
    pub fn count(&self, list: usize) -> usize {
        usize::from(self.counts[list])
    }
}

/// The [`word_hash`] hashes of some words.
pub fn word_hashes(words: &[&str]) -> Vec<u64> {
    words.iter().map(|w| word_hash(w.as_bytes())).collect()
}

impl PhraseIndex {
    /// Adds every key of `phrases` (matching keys, words separated by one space) to `list`
    /// (below [`MAX_LISTS`]; larger numbers are ignored).
    pub fn add<'a>(&mut self, list: usize, phrases: impl IntoIterator<Item = &'a String>) {
        let Ok(id) = u8::try_from(list) else { return };
        if list >= MAX_LISTS {
            return;
        }
        for phrase in phrases {
            let mut words = phrase.split(' ').filter(|w| !w.is_empty());
            let Some(first) = words.next() else { continue };
            let rest: Box<[u64]> = words.map(|w| word_hash(w.as_bytes())).collect();
            let entries = self
                .by_first
                .entry(word_hash(first.as_bytes()))
                .or_default();
            if !entries.iter().any(|e| e.list == id && e.rest == rest) {
                entries.push(Entry { list: id, rest });
            }
        }
    }

    /// Scans a line's words (its matching key split at spaces) once.
    pub fn scan(&self, words: &[&str]) -> Hits {
        self.scan_hashed(&word_hashes(words))
    }

    /// [`PhraseIndex::scan`] over the words' [`word_hash`] hashes ([`word_hashes`]).
    pub fn scan_hashed(&self, words: &[u64]) -> Hits {
        let mut hits = Hits::default();
        if self.by_first.is_empty() {
            return hits;
        }
        for (i, word) in words.iter().enumerate() {
            let Some(entries) = self.by_first.get(word) else {
                continue;
            };
            for e in entries {
                let after = &words[i + 1..];
                if after.len() < e.rest.len() || !e.rest.iter().zip(after).all(|(a, b)| a == b) {
                    continue;
                }
                let bit = 1u32 << e.list;
                hits.anywhere |= bit;
                let slot = &mut hits.counts[usize::from(e.list)];
                *slot = slot.saturating_add(1);
                if i == 0 {
                    hits.opening |= bit;
                    if e.rest.len() + 1 == words.len() {
                        hits.whole |= bit;
                    }
                }
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> PhraseIndex {
        let mut idx = PhraseIndex::default();
        idx.add(0, &["اترك تعليقا".to_string(), "التعليقات".to_string()]);
        idx.add(3, &["تيليجرام".to_string(), "جوجل نيوز".to_string()]);
        idx
    }

    #[test]
    fn phrases_are_found_as_whole_words_at_the_start_anywhere_or_as_the_line() {
        let idx = index();
        let line: Vec<&str> = "اترك تعليقا هنا".split(' ').collect();
        let h = idx.scan(&line);
        assert!(h.opening(0) && h.anywhere(0) && !h.whole(0) && !h.anywhere(3));
        let h = idx.scan(&["التعليقات"]);
        assert!(h.whole(0));
        let line: Vec<&str> = "تابعونا على تيليجرام و جوجل نيوز".split(' ').collect();
        let h = idx.scan(&line);
        assert_eq!(h.count(3), 2);
        assert!(!h.opening(3));
        let h = idx.scan(&["جوجل"]);
        assert!(!h.anywhere(3), "half a phrase is no phrase");
    }
}

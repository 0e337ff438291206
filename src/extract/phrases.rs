//! Whole-word phrase lookup in matching keys: many lists of phrases, one index, one pass over a
//! line's words to learn which lists have a phrase in it, at its start, or as the whole line.
//! Built once per marker set; what makes judging every line of a page against a dozen
//! vocabularies cost one hash lookup per word.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: words are short, and SipHash's set-up costs more than the lookup itself.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A hash map keyed by short words, with [`Fnv`] hashing.
pub type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// The FNV-1a hash of some bytes (a word, a line's key).
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h = Fnv::default();
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
/// compared by their [`fnv`] hashes.
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

/// The [`fnv`] hashes of some words.
pub fn word_hashes(words: &[&str]) -> Vec<u64> {
    words.iter().map(|w| fnv(w.as_bytes())).collect()
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
            let rest: Box<[u64]> = words.map(|w| fnv(w.as_bytes())).collect();
            let entries = self.by_first.entry(fnv(first.as_bytes())).or_default();
            if !entries.iter().any(|e| e.list == id && e.rest == rest) {
                entries.push(Entry { list: id, rest });
            }
        }
    }

    /// Scans a line's words (its matching key split at spaces) once.
    pub fn scan(&self, words: &[&str]) -> Hits {
        self.scan_hashed(&word_hashes(words))
    }

    /// [`PhraseIndex::scan`] over the words' [`fnv`] hashes ([`word_hashes`]).
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

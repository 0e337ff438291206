//! The texts of template lines, by key hash: kept with a site's model in the shared store so
//! that `akhbar sites` can show what a template removes (the models themselves hold hashes
//! only). Texts are cut to [`MAX_LABEL_CHARS`].

use super::model::{ModelError, Reader};

/// Longest text kept for one line, in characters.
pub const MAX_LABEL_CHARS: usize = 80;

/// Line texts by key hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    /// Sorted by hash, one text per hash.
    items: Vec<(u64, Box<str>)>,
}

impl Labels {
    /// Keeps `text` (cut to [`MAX_LABEL_CHARS`]) for the line of `hash`, unless it has one.
    pub fn insert(&mut self, hash: u64, text: &str) {
        if let Err(at) = self.items.binary_search_by_key(&hash, |(h, _)| *h) {
            let cut: String = text.trim().chars().take(MAX_LABEL_CHARS).collect();
            self.items.insert(at, (hash, cut.into_boxed_str()));
        }
    }

    /// The text of the line of `hash`, if known.
    pub fn get(&self, hash: u64) -> Option<&str> {
        self.items
            .binary_search_by_key(&hash, |(h, _)| *h)
            .ok()
            .map(|i| &*self.items[i].1)
    }

    /// Adds the texts of `other` this one lacks.
    pub fn absorb(&mut self, other: &Labels) {
        for (h, t) in &other.items {
            self.insert(*h, t);
        }
    }

    /// Keeps only the texts of the lines in `hashes` (sorted).
    pub fn retain_lines(&mut self, hashes: &[u64]) {
        self.items.retain(|(h, _)| hashes.binary_search(h).is_ok());
    }

    /// Whether every line of `hashes` has its text.
    pub fn covers(&self, hashes: &[u64]) -> bool {
        hashes.iter().all(|&h| self.get(h).is_some())
    }

    /// Texts held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no text is held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<(u64, Box<str>)>()
            + self.items.iter().map(|(_, t)| t.len()).sum::<usize>()
    }

    /// Bytes of the encoding.
    pub fn encoded_len(&self) -> usize {
        2 + self.items.iter().map(|(_, t)| 10 + t.len()).sum::<usize>()
    }

    /// Appends the encoding: a count, then each hash, text length and text.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let n = self.items.len().min(usize::from(u16::MAX));
        out.extend_from_slice(&(n as u16).to_le_bytes());
        for (h, t) in self.items.iter().take(n) {
            let text = &t.as_bytes()[..t.len().min(usize::from(u16::MAX))];
            out.extend_from_slice(&h.to_le_bytes());
            out.extend_from_slice(&(text.len() as u16).to_le_bytes());
            out.extend_from_slice(text);
        }
    }

    /// Reads what [`Labels::encode_into`] wrote; the bytes must end with it.
    pub(super) fn decode_from(r: &mut Reader<'_>) -> Result<Labels, ModelError> {
        let n = r.u16()?;
        let mut labels = Labels::default();
        for _ in 0..n {
            let h = r.u64()?;
            let len = usize::from(r.u16()?);
            let text = std::str::from_utf8(r.take(len)?).map_err(|_| ModelError::Format)?;
            labels.insert(h, text);
        }
        if !r.is_empty() {
            return Err(ModelError::Format);
        }
        Ok(labels)
    }

    /// Each (hash, text), sorted by hash.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &str)> {
        self.items.iter().map(|(h, t)| (*h, &**t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_cut_kept_once_and_pruned_to_the_template() {
        let mut l = Labels::default();
        l.insert(5, &"ب".repeat(200));
        l.insert(5, "another text for the same line");
        l.insert(2, "  شعار الموقع  ");
        assert_eq!(l.get(5).map(|t| t.chars().count()), Some(MAX_LABEL_CHARS));
        assert_eq!(l.get(2), Some("شعار الموقع"));
        assert!(l.covers(&[2, 5]) && !l.covers(&[2, 3]));
        l.retain_lines(&[2]);
        assert_eq!(l.len(), 1);
    }
}

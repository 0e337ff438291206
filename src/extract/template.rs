//! Site templates: the lines a portal prints on most of its pages (its slogans, menus, standing
//! disclaimers), learned from many pages by [`crate::sites`] and handed to extraction so that
//! such lines leave the body; and the [`Observation`] extraction reports of each page to learn
//! from. Lines are compared by [`key_hash`], the same for text lines and HTML blocks.

use std::sync::Arc;

use super::normalize::match_key;
use serde::{Deserialize, Serialize};

/// The hash of a line's matching key ([`match_key`]), read eight bytes at a time. Stored in the
/// shared site models, so it never changes (a change would need a new model encoding). Two keys
/// of the same length never collide: every step is a bijection of the state.
pub fn key_hash(key: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes = key.as_bytes();
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(23) ^ u64::from(b)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// A hash of a sorted set of line hashes (a template's revision).
pub fn fingerprint(hashes: &[u64]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (hashes.len() as u64).wrapping_mul(K);
    for &x in hashes {
        h = (h.rotate_left(23) ^ x).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// The key hash of a line of display text.
pub fn line_hash(text: &str) -> u64 {
    key_hash(&match_key(text))
}

/// The lines one site prints on most of its pages, by [`key_hash`]; and a revision naming this
/// exact set (the same on every replica and in `akhbar clean`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteTemplate {
    /// Sorted, without repeats.
    hashes: Vec<u64>,
    /// Sixteen hex digits derived from `hashes`.
    revision: String,
}

impl SiteTemplate {
    /// A template of these line hashes.
    pub fn new(hashes: impl IntoIterator<Item = u64>) -> SiteTemplate {
        let mut hashes: Vec<u64> = hashes.into_iter().collect();
        hashes.sort_unstable();
        hashes.dedup();
        let revision = format!("{:016x}", fingerprint(&hashes));
        SiteTemplate { hashes, revision }
    }

    /// Whether the line of this key hash is template.
    pub fn contains(&self, hash: u64) -> bool {
        self.hashes.binary_search(&hash).is_ok()
    }

    /// Whether the line of this matching key is template (an empty key never is).
    pub fn contains_key(&self, key: &str) -> bool {
        !key.is_empty() && !self.hashes.is_empty() && self.contains(key_hash(key))
    }

    /// The template's line hashes, sorted.
    pub fn hashes(&self) -> &[u64] {
        &self.hashes
    }

    /// Lines in the template.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether the template holds no line.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The revision naming this set of lines.
    pub fn revision(&self) -> &str {
        &self.revision
    }

    /// Heap bytes held (for memory budgets).
    pub fn heap_bytes(&self) -> usize {
        self.hashes.capacity() * 8 + self.revision.capacity()
    }
}

/// Where extraction finds the template of a page's site, asked once per page as soon as the
/// page's site (the article's `site`) is known.
pub trait TemplateSource {
    /// The template to apply to pages of `site`, if any.
    fn template(&self, site: &str) -> Option<Arc<SiteTemplate>>;

    /// Whether the texts of the page's lines are wanted beside their hashes (to name the lines
    /// of a site's template); off unless asked.
    fn wants_texts(&self, _site: &str) -> bool {
        false
    }
}

impl<F> TemplateSource for F
where
    F: Fn(&str) -> Option<Arc<SiteTemplate>>,
{
    fn template(&self, site: &str) -> Option<Arc<SiteTemplate>> {
        self(site)
    }
}

/// What one page shows of its site, for learning the site's template.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    /// The page's site (the article's `site`), when extraction got as far as knowing it.
    pub site: Option<String>,
    /// Key hashes of the page's candidate lines (text lines outside labels; the lines of an
    /// HTML page's content), each once, shortest line first.
    pub lines: Vec<u64>,
    /// The template applied to the page, if one was.
    pub template: Option<Arc<SiteTemplate>>,
    /// The candidate lines' key hashes with their texts, when the source asked for them
    /// ([`TemplateSource::wants_texts`]).
    pub texts: Vec<(u64, String)>,
}

/// Key hashes of lines given as (key length, hash), each once, shortest line first: when a
/// site's record is full, short lines (where furniture lives) are kept first.
pub fn by_priority(mut lines: Vec<(usize, u64)>) -> Vec<u64> {
    // One key has one length: equal hashes end up side by side.
    lines.sort_unstable();
    lines.dedup();
    lines.into_iter().map(|(_, h)| h).collect()
}

/// What site memory asks of one extraction: a template to apply, and whether to report the
/// page's lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct SiteHook<'t> {
    /// The site's template, if one applies.
    pub template: Option<&'t SiteTemplate>,
    /// Report the page's line hashes in the draft.
    pub observe: bool,
    /// Report the lines' texts too.
    pub texts: bool,
}

impl SiteHook<'_> {
    /// Whether the line of this matching key is template.
    pub fn is_template(&self, key: &str) -> bool {
        self.template.is_some_and(|t| t.contains_key(key))
    }
}

/// The template an article was cleaned with, named in its event (`extractor.site_template`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateUsed {
    /// The template's revision ([`SiteTemplate::revision`]).
    pub revision: String,
    /// Lines in the template.
    pub lines: usize,
}

impl From<&SiteTemplate> for TemplateUsed {
    fn from(t: &SiteTemplate) -> Self {
        TemplateUsed {
            revision: t.revision().to_string(),
            lines: t.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_equal_length_never_collide_and_the_hash_is_stable() {
        let a = key_hash("تابعونا على قناتنا");
        let b = key_hash("تابعونا على قناتها");
        assert_ne!(a, b);
        assert_eq!(key_hash(""), 0);
        assert_eq!(
            line_hash("  تابعونا، على قناتنا!"),
            line_hash("تابعونا على قناتنا")
        );
        // The hash is stored in shared models: it must never change.
        assert_eq!(key_hash("akhbar"), 0xf05c_d01d_f73c_5d66);
    }

    #[test]
    fn the_revision_names_the_set_whatever_its_order() {
        let a = SiteTemplate::new([3, 1, 2, 2]);
        let b = SiteTemplate::new([2, 3, 1]);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert_ne!(a.revision(), SiteTemplate::new([1, 2]).revision());
        assert!(a.contains(2) && !a.contains(4));
    }

    #[test]
    fn priority_puts_short_lines_first_and_drops_repeats() {
        assert_eq!(
            by_priority(vec![(12, 7), (5, 9), (12, 7), (5, 1)]),
            [1, 9, 7]
        );
    }
}

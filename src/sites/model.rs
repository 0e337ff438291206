//! One site's record: the pages it remembers (a sliding window of distinct articles) and, for
//! each line it recorded, the pages among them the line stood on (one bit per page). A line on
//! at least `share` of the remembered pages, once there are `min_pages` of them, is template.
//!
//! Pages carry a sequence number (a Lamport clock: one more than the highest the model has
//! seen), so that two records learned apart — by two replicas — merge into the record of the
//! most recent pages of both, whatever the order of the merge.

use super::labels::Labels;
use super::{Params, MAX_WINDOW};
use crate::extract::template::key_hash;
use crate::extract::SiteTemplate;

/// The first bytes of an encoded model.
const MAGIC: &[u8; 4] = b"AKSM";
/// The encoding's version.
const VERSION: u8 = 1;

/// The tag a page is remembered by: a hash of its article id (the same article twice is one
/// page).
pub fn article_tag(article_id: &str) -> u32 {
    (key_hash(article_id) >> 32) as u32
}

/// One remembered page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Page {
    /// Its place in the site's history (Lamport clock).
    seq: u32,
    /// Its article's tag ([`article_tag`]).
    tag: u32,
}

/// A site's record of its recent pages and the lines they showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteModel {
    /// The remembered pages; bit `i` of a line's mask stands for `pages[i]`.
    pages: Vec<Page>,
    /// Recorded line hashes, sorted.
    hashes: Vec<u64>,
    /// For each recorded line, the pages it stood on.
    masks: Vec<u32>,
    /// The highest sequence number given or seen.
    clock: u32,
}

/// An encoded model that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Not a site model, or one of an unknown version.
    #[error("not a site model (or an unknown version of one)")]
    Format,
    /// The bytes end before the model does.
    #[error("the site model is truncated")]
    Truncated,
}

impl SiteModel {
    /// An empty model.
    pub fn new() -> SiteModel {
        SiteModel::default()
    }

    /// Distinct pages remembered.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// Lines recorded.
    pub fn lines(&self) -> usize {
        self.hashes.len()
    }

    /// Whether the article of this id is among the remembered pages.
    pub fn remembers(&self, article_id: &str) -> bool {
        let tag = article_tag(article_id);
        self.pages.iter().any(|p| p.tag == tag)
    }

    /// Learns one page: the key hashes of its lines, most important first (see
    /// [`crate::extract::template::by_priority`]). Returns `false`, changing nothing, when the
    /// page's article is remembered already.
    pub fn learn(&mut self, article_id: &str, lines: &[u64], p: &Params) -> bool {
        let tag = article_tag(article_id);
        if self.pages.iter().any(|pg| pg.tag == tag) {
            return false;
        }
        let window = p.window.clamp(1, MAX_WINDOW);
        if self.pages.len() > window {
            *self = self.merge(&SiteModel::default(), p);
        }
        self.clock = self.clock.saturating_add(1);
        let page = Page {
            seq: self.clock,
            tag,
        };
        let slot = if self.pages.len() < window {
            self.pages.push(page);
            self.pages.len() - 1
        } else {
            let oldest = (0..self.pages.len())
                .min_by_key(|&i| self.pages[i])
                .unwrap_or(0);
            self.pages[oldest] = page;
            let keep = !(1u32 << oldest);
            for m in &mut self.masks {
                *m &= keep;
            }
            self.drop_unseen();
            oldest
        };
        let bit = 1u32 << slot;
        let mut fresh = Vec::new();
        for &h in lines {
            match self.hashes.binary_search(&h) {
                Ok(i) => self.masks[i] |= bit,
                Err(_) => fresh.push(h),
            }
        }
        for h in fresh {
            if self.hashes.len() >= p.max_lines && !self.evict_one(bit) {
                break;
            }
            if let Err(at) = self.hashes.binary_search(&h) {
                grow(&mut self.hashes, p.max_lines);
                grow(&mut self.masks, p.max_lines);
                self.hashes.insert(at, h);
                self.masks.insert(at, bit);
            }
        }
        true
    }

    /// Makes room for a line of the page at `bit`: drops the line seen on one page only (not
    /// this one) whose page is the oldest. `false` when every line stood on two pages or more.
    fn evict_one(&mut self, bit: u32) -> bool {
        let victim = (0..self.hashes.len())
            .filter(|&i| self.masks[i] & bit == 0 && self.masks[i].count_ones() <= 1)
            .min_by_key(|&i| self.pages.get(self.masks[i].trailing_zeros() as usize));
        match victim {
            Some(i) => {
                self.hashes.remove(i);
                self.masks.remove(i);
                true
            }
            None => false,
        }
    }

    /// Drops the lines no remembered page shows any more.
    fn drop_unseen(&mut self) {
        let mut kept = 0;
        for i in 0..self.hashes.len() {
            if self.masks[i] != 0 {
                self.hashes[kept] = self.hashes[i];
                self.masks[kept] = self.masks[i];
                kept += 1;
            }
        }
        self.hashes.truncate(kept);
        self.masks.truncate(kept);
    }

    /// Whether the line of this hash is template under `p`.
    fn is_template_line(&self, i: usize, p: &Params) -> bool {
        self.pages.len() >= p.min_pages.max(1)
            && self.masks[i].count_ones() >= p.needed(self.pages.len())
    }

    /// The template: lines on at least `share` of the remembered pages, once there are
    /// `min_pages` of them (empty before).
    pub fn template(&self, p: &Params) -> SiteTemplate {
        SiteTemplate::new(self.template_hashes(p))
    }

    /// The template's line hashes, sorted.
    pub fn template_hashes(&self, p: &Params) -> Vec<u64> {
        (0..self.hashes.len())
            .filter(|&i| self.is_template_line(i, p))
            .map(|i| self.hashes[i])
            .collect()
    }

    /// Lines in the template.
    pub fn template_len(&self, p: &Params) -> usize {
        (0..self.hashes.len())
            .filter(|&i| self.is_template_line(i, p))
            .count()
    }

    /// Each recorded line with the number of remembered pages it stood on, most seen first.
    pub fn line_counts(&self) -> Vec<(u64, u32)> {
        let mut out: Vec<(u64, u32)> = self
            .hashes
            .iter()
            .zip(&self.masks)
            .map(|(&h, m)| (h, m.count_ones()))
            .collect();
        out.sort_by_key(|&(h, n)| (std::cmp::Reverse(n), h));
        out
    }

    /// The record of the most recent pages of both models (at most `window`), each line's
    /// pages from either: what two replicas learned apart, together. Commutative, and merging
    /// a model with itself, or with a model it already holds, changes nothing.
    pub fn merge(&self, other: &SiteModel, p: &Params) -> SiteModel {
        let window = p.window.clamp(1, MAX_WINDOW);
        let mut pages: Vec<Page> = self.pages.iter().chain(&other.pages).copied().collect();
        // One article learned by both: keep its earliest record.
        pages.sort_by_key(|pg| (pg.tag, pg.seq));
        pages.dedup_by_key(|pg| pg.tag);
        pages.sort();
        let pages: Vec<Page> = pages[pages.len().saturating_sub(window)..].to_vec();
        let place = |from: &SiteModel| -> Vec<Option<u32>> {
            from.pages
                .iter()
                .map(|pg| {
                    pages
                        .iter()
                        .position(|kept| kept.tag == pg.tag)
                        .map(|at| 1u32 << at)
                })
                .collect()
        };
        let (mine, theirs) = (place(self), place(other));
        let remap = |mask: u32, bits: &[Option<u32>]| -> u32 {
            bits.iter()
                .enumerate()
                .filter(|&(i, _)| mask & (1 << i) != 0)
                .filter_map(|(_, b)| *b)
                .fold(0, |acc, b| acc | b)
        };
        let mut lines: Vec<(u64, u32)> = Vec::with_capacity(self.hashes.len() + other.hashes.len());
        let (mut i, mut j) = (0, 0);
        while i < self.hashes.len() || j < other.hashes.len() {
            let a = self.hashes.get(i).copied();
            let b = other.hashes.get(j).copied();
            let (h, mask) = match (a, b) {
                (Some(x), Some(y)) if x == y => {
                    i += 1;
                    j += 1;
                    (
                        x,
                        remap(self.masks[i - 1], &mine) | remap(other.masks[j - 1], &theirs),
                    )
                }
                (Some(x), Some(y)) if x < y => {
                    i += 1;
                    (x, remap(self.masks[i - 1], &mine))
                }
                (Some(x), None) => {
                    i += 1;
                    (x, remap(self.masks[i - 1], &mine))
                }
                (_, Some(y)) => {
                    j += 1;
                    (y, remap(other.masks[j - 1], &theirs))
                }
                (None, None) => break,
            };
            if mask != 0 {
                lines.push((h, mask));
            }
        }
        if lines.len() > p.max_lines {
            lines.sort_by_key(|&(h, m)| (std::cmp::Reverse(m.count_ones()), h));
            lines.truncate(p.max_lines);
            lines.sort_by_key(|&(h, _)| h);
        }
        SiteModel {
            pages,
            hashes: lines.iter().map(|&(h, _)| h).collect(),
            masks: lines.iter().map(|&(_, m)| m).collect(),
            clock: self.clock.max(other.clock),
        }
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.pages.capacity() * std::mem::size_of::<Page>()
            + self.hashes.capacity() * 8
            + self.masks.capacity() * 4
    }

    /// The model (and the texts of its template lines) as bytes, for the shared store.
    pub fn encode(&self, labels: &Labels) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            16 + self.pages.len() * 8 + self.hashes.len() * 12 + labels.encoded_len(),
        );
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&self.clock.to_le_bytes());
        out.push(self.pages.len().min(MAX_WINDOW) as u8);
        for pg in self.pages.iter().take(MAX_WINDOW) {
            out.extend_from_slice(&pg.seq.to_le_bytes());
            out.extend_from_slice(&pg.tag.to_le_bytes());
        }
        let n = self.hashes.len().min(usize::from(u16::MAX));
        out.extend_from_slice(&(n as u16).to_le_bytes());
        for (h, m) in self.hashes.iter().zip(&self.masks).take(n) {
            out.extend_from_slice(&h.to_le_bytes());
            out.extend_from_slice(&m.to_le_bytes());
        }
        labels.encode_into(&mut out);
        out
    }

    /// Reads a model (and its labels) written by [`SiteModel::encode`]; anything else is an
    /// error, never a panic. Out-of-range page bits and unsorted lines are repaired.
    pub fn decode(bytes: &[u8]) -> Result<(SiteModel, Labels), ModelError> {
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC || r.u8()? != VERSION {
            return Err(ModelError::Format);
        }
        let clock = r.u32()?;
        let n_pages = usize::from(r.u8()?);
        if n_pages > MAX_WINDOW {
            return Err(ModelError::Format);
        }
        let mut pages = Vec::with_capacity(n_pages);
        for _ in 0..n_pages {
            let seq = r.u32()?;
            let tag = r.u32()?;
            pages.push(Page { seq, tag });
        }
        let valid = if n_pages == 32 {
            u32::MAX
        } else {
            (1u32 << n_pages) - 1
        };
        let n_lines = usize::from(r.u16()?);
        let mut lines = Vec::with_capacity(n_lines);
        for _ in 0..n_lines {
            let h = r.u64()?;
            let m = r.u32()? & valid;
            if m != 0 {
                lines.push((h, m));
            }
        }
        lines.sort_by_key(|&(h, _)| h);
        lines.dedup_by_key(|&mut (h, _)| h);
        let labels = Labels::decode_from(&mut r)?;
        Ok((
            SiteModel {
                pages,
                hashes: lines.iter().map(|&(h, _)| h).collect(),
                masks: lines.iter().map(|&(_, m)| m).collect(),
                clock,
            },
            labels,
        ))
    }
}

/// Grows a vector's capacity in steps, never past `max` (a model's vectors are its memory).
fn grow<T>(v: &mut Vec<T>, max: usize) {
    if v.len() == v.capacity() {
        let target = (v.capacity() * 2).clamp(8, max.max(v.len() + 1));
        v.reserve_exact(target - v.len());
    }
}

/// Reads little-endian values off a byte slice.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if self.0.len() < n {
            return Err(ModelError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub(super) fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.array::<1>()?[0])
    }

    pub(super) fn u16(&mut self) -> Result<u16, ModelError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub(super) fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(super) fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            window: 10,
            min_pages: 4,
            share: 0.5,
            max_lines: 40,
        }
    }

    /// Lines 1..=3 on every page, and five lines of its own per page.
    fn page(n: u64) -> Vec<u64> {
        let mut lines = vec![1, 2, 3];
        lines.extend((0..5).map(|k| 1000 * n + k));
        lines
    }

    #[test]
    fn lines_on_most_pages_become_template_once_there_are_enough_pages() {
        let p = params();
        let mut m = SiteModel::new();
        for n in 1..=3 {
            assert!(m.learn(&format!("a{n}"), &page(n), &p));
        }
        assert!(m.template(&p).is_empty(), "three pages are not enough");
        assert!(m.learn("a4", &page(4), &p));
        assert_eq!(m.template(&p).hashes(), [1, 2, 3]);
    }

    #[test]
    fn the_same_article_twice_counts_once() {
        let p = params();
        let mut m = SiteModel::new();
        assert!(m.learn("a1", &page(1), &p));
        for _ in 0..10 {
            assert!(!m.learn("a1", &page(1), &p));
        }
        assert_eq!(m.pages(), 1);
        assert!(m.template(&p).is_empty());
    }

    #[test]
    fn the_window_forgets_old_pages_and_their_lines() {
        let p = params();
        let mut m = SiteModel::new();
        for n in 1..=30 {
            m.learn(&format!("a{n}"), &page(n), &p);
        }
        assert_eq!(m.pages(), 10);
        assert_eq!(m.template(&p).hashes(), [1, 2, 3]);
        // Lines of page 1 are long gone; lines of the last page are there.
        let counts = m.line_counts();
        assert!(!counts.iter().any(|&(h, _)| h == 1000));
        assert!(counts.iter().any(|&(h, _)| h == 30_000));
        assert_eq!(counts[0].1, 10);
    }

    #[test]
    fn a_full_record_keeps_the_lines_seen_twice() {
        let p = Params {
            max_lines: 12,
            ..params()
        };
        let mut m = SiteModel::new();
        for n in 1..=20 {
            let mut lines = vec![1, 2, 3];
            // Twenty own lines per page: far more than the record holds.
            lines.extend((0..20).map(|k| 1000 * n + k));
            m.learn(&format!("a{n}"), &lines, &p);
            assert!(m.lines() <= 12);
        }
        assert_eq!(m.template(&p).hashes(), [1, 2, 3]);
    }

    #[test]
    fn a_share_below_the_threshold_is_not_template() {
        let p = params();
        let mut m = SiteModel::new();
        for n in 1..=10u64 {
            let mut lines = page(n);
            if n % 3 == 0 {
                lines.push(77);
            }
            m.learn(&format!("a{n}"), &lines, &p);
        }
        assert!(!m.template(&p).contains(77));
        assert!(m.template(&p).contains(1));
    }

    #[test]
    fn two_replicas_learning_apart_merge_into_what_one_would_have_learned() {
        let p = params();
        let (mut a, mut b, mut one) = (SiteModel::new(), SiteModel::new(), SiteModel::new());
        for n in 1..=6 {
            let side = if n % 2 == 0 { &mut a } else { &mut b };
            side.learn(&format!("a{n}"), &page(n), &p);
            one.learn(&format!("a{n}"), &page(n), &p);
        }
        assert!(a.template(&p).is_empty() && b.template(&p).is_empty());
        let ab = a.merge(&b, &p);
        let ba = b.merge(&a, &p);
        assert_eq!(ab, ba, "the merge is commutative");
        assert_eq!(ab.pages(), 6);
        assert_eq!(ab.template(&p), one.template(&p));
        assert_eq!(ab.merge(&a, &p), ab, "merging what is held changes nothing");
        assert_eq!(ab.merge(&ab, &p), ab);
    }

    #[test]
    fn a_merge_keeps_the_most_recent_pages_within_the_window() {
        let p = params();
        let mut a = SiteModel::new();
        for n in 1..=8 {
            a.learn(&format!("a{n}"), &page(n), &p);
        }
        let mut b = a.clone();
        for n in 9..=16 {
            b.learn(&format!("b{n}"), &page(n), &p);
        }
        for n in 9..=12 {
            a.learn(&format!("c{n}"), &page(n), &p);
        }
        let m = a.merge(&b, &p);
        assert_eq!(m.pages(), 10);
        assert_eq!(m.template(&p).hashes(), [1, 2, 3]);
        assert!(m.lines() <= p.max_lines);
    }

    #[test]
    fn the_encoding_round_trips_and_garbage_is_an_error() {
        let p = params();
        let mut m = SiteModel::new();
        for n in 1..=12 {
            m.learn(&format!("a{n}"), &page(n), &p);
        }
        let mut labels = Labels::default();
        labels.insert(1, "تابعونا على قناتنا");
        let bytes = m.encode(&labels);
        let (back, back_labels) = SiteModel::decode(&bytes).unwrap();
        assert_eq!(back, m);
        assert_eq!(back_labels.get(1), Some("تابعونا على قناتنا"));
        for cut in 0..bytes.len() {
            assert!(SiteModel::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(SiteModel::decode(b"{}"), Err(ModelError::Truncated));
        assert_eq!(
            SiteModel::decode(b"nope, not a model"),
            Err(ModelError::Format)
        );
    }
}

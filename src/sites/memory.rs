//! The models of many sites within a memory budget: the least recently seen site leaves when a
//! new one would not fit. Each site's slot also says what the shared store has seen of it
//! (its revision there, whether it learned since), so that the service knows what to write.

use std::collections::HashMap;
use std::sync::Arc;

use super::labels::Labels;
use super::model::SiteModel;
use super::Params;
use crate::extract::template::fingerprint;
use crate::extract::SiteTemplate;

/// What the allocator adds to each allocation (glibc's malloc heads and rounds its chunks).
const ALLOCATION_OVERHEAD: usize = 16;

/// One site's model and its state towards the shared store.
#[derive(Debug, Clone, Default)]
pub struct Slot {
    /// What the site's pages showed.
    pub model: SiteModel,
    /// Pages learned since the model was last written to the store.
    pub dirty: bool,
    /// The store's revision of the site when last read or written (0: never).
    pub revision: u64,
    /// Texts of template lines seen since the last write, to be stored with the model.
    labels: Option<Box<Labels>>,
    /// Whether the store holds the text of every template line (no need to gather more).
    pub labelled: bool,
    /// The memory's clock when the site was last used.
    used: u64,
    /// Lines in its template.
    template_len: u32,
    /// [`fingerprint`] of its template.
    template_print: u64,
}

impl Slot {
    /// Texts of template lines gathered since the last write.
    pub fn labels(&self) -> Option<&Labels> {
        self.labels.as_deref()
    }

    /// Heap bytes the slot holds besides its map entry, with `site`'s name.
    fn heap_bytes(&self, site: &str) -> usize {
        let labels = self.labels.as_ref().map_or(0, |l| {
            std::mem::size_of::<Labels>() + l.heap_bytes() + 2 * ALLOCATION_OVERHEAD
        });
        site.len() + self.model.heap_bytes() + labels + 4 * ALLOCATION_OVERHEAD
    }
}

/// What learning one page did.
#[derive(Debug, Default)]
pub struct Learned {
    /// The page counted (its article was not remembered already).
    pub counted: bool,
    /// The page named template lines the store lacks the texts of (the slot is dirty).
    pub named: bool,
    /// The site's template after the page, when the page changed it.
    pub template: Option<SiteTemplate>,
    /// Sites that left to make room, with their slots (a dirty one still has to be written).
    pub evicted: Vec<(String, Slot)>,
}

/// Site models within a memory budget.
#[derive(Debug)]
pub struct Memory {
    params: Params,
    budget: usize,
    sites: HashMap<Box<str>, Slot>,
    clock: u64,
    /// Heap bytes of the slots (the map's table aside).
    bytes: usize,
    template_lines: usize,
}

impl Memory {
    /// An empty memory that holds at most `budget` bytes of models.
    pub fn new(params: Params, budget: usize) -> Memory {
        Memory {
            params,
            budget,
            sites: HashMap::new(),
            clock: 0,
            bytes: 0,
            template_lines: 0,
        }
    }

    /// How the models learn.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Sites held.
    pub fn sites(&self) -> usize {
        self.sites.len()
    }

    /// Template lines over all sites held.
    pub fn template_lines(&self) -> usize {
        self.template_lines
    }

    /// Bytes held: the models, the sites' names, the map's table, the allocator's share.
    pub fn bytes(&self) -> usize {
        self.bytes + table_bytes(self.sites.capacity())
    }

    /// The memory budget, in bytes.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// The slot of `site`, if held.
    pub fn slot(&self, site: &str) -> Option<&Slot> {
        self.sites.get(site)
    }

    /// Whether the site's model is still young (fewer than twice `min_pages` pages): the
    /// service shares such a model at every page, so replicas warm up together.
    pub fn is_warming(&self, site: &str) -> bool {
        self.sites
            .get(site)
            .is_none_or(|s| s.model.pages() < 2 * self.params.min_pages)
    }

    /// Whether `site`'s model remembers the article of this id (the page was learned before).
    pub fn remembers(&self, site: &str, article_id: &str) -> bool {
        self.sites
            .get(site)
            .is_some_and(|s| s.model.remembers(article_id))
    }

    /// The template for pages of `site`, if it is held and has one.
    pub fn template(&mut self, site: &str) -> Option<Arc<SiteTemplate>> {
        self.clock += 1;
        let slot = self.sites.get_mut(site)?;
        slot.used = self.clock;
        if slot.template_len == 0 {
            return None;
        }
        Some(Arc::new(slot.model.template(&self.params)))
    }

    /// The template for pages of `site`, as [`Memory::template`], without marking it used.
    pub fn peek_template(&self, site: &str) -> Option<Arc<SiteTemplate>> {
        let slot = self.sites.get(site)?;
        (slot.template_len > 0).then(|| Arc::new(slot.model.template(&self.params)))
    }

    /// Whether the texts of `site`'s lines are wanted with its next page: while its model is
    /// young (the page that forms its template names its lines), and whenever the store lacks
    /// the text of a template line.
    pub fn wants_texts(&self, site: &str) -> bool {
        self.sites
            .get(site)
            .is_none_or(|s| !s.labelled || s.model.pages() < 2 * self.params.min_pages)
    }

    /// Learns one page of `site` (creating the site's model if needed): its article id, its
    /// lines ([`crate::extract::Observation::lines`]) and, when given, their texts — those of
    /// the template's lines are kept for the store until it has them.
    pub fn learn(
        &mut self,
        site: &str,
        article_id: &str,
        lines: &[u64],
        texts: &[(u64, String)],
    ) -> Learned {
        let params = self.params;
        let mut learned = Learned::default();
        self.change(site, |slot| {
            learned.counted = slot.model.learn(article_id, lines, &params);
            slot.dirty |= learned.counted;
        });
        learned.template = self.after_change(site);
        if !texts.is_empty() {
            self.change(site, |slot| {
                if slot.labelled {
                    return;
                }
                let template = slot.model.template_hashes(&params);
                for (h, text) in texts {
                    let known = slot.labels.as_ref().is_some_and(|l| l.get(*h).is_some());
                    if !known && template.binary_search(h).is_ok() {
                        slot.labels
                            .get_or_insert_with(Box::default)
                            .insert(*h, text);
                        learned.named = true;
                    }
                }
                slot.dirty |= learned.named;
            });
        }
        learned.evicted = self.fit(site);
        learned
    }

    /// Merges a model read from the store (at `revision`, with the texts stored beside it)
    /// into the site's model, creating it if needed. Returns the site's template when this
    /// changed it, and the sites evicted to make room.
    pub fn absorb(
        &mut self,
        site: &str,
        remote: &SiteModel,
        revision: u64,
        stored: &Labels,
    ) -> (Option<SiteTemplate>, Vec<(String, Slot)>) {
        let params = self.params;
        self.change(site, |slot| {
            slot.model = slot.model.merge(remote, &params);
            // The store lacks what this replica learned since, if anything.
            slot.dirty = slot.model != *remote;
            slot.revision = revision;
        });
        let template = self.after_change(site);
        self.change(site, |slot| {
            slot.labelled = stored.covers(&slot.model.template_hashes(&params));
            if slot.labelled {
                slot.labels = None;
            }
        });
        (template, self.fit(site))
    }

    /// The sites learned since their last write.
    pub fn dirty_sites(&self) -> Vec<String> {
        self.sites
            .iter()
            .filter(|(_, s)| s.dirty)
            .map(|(k, _)| k.to_string())
            .collect()
    }

    /// Runs `f` on the slot of `site` (a new one if needed), keeping the byte count.
    fn change(&mut self, site: &str, f: impl FnOnce(&mut Slot)) {
        self.clock += 1;
        if !self.sites.contains_key(site) {
            let slot = Slot::default();
            self.bytes += slot.heap_bytes(site);
            self.sites.insert(site.into(), slot);
        }
        if let Some(slot) = self.sites.get_mut(site) {
            let before = slot.heap_bytes(site);
            f(slot);
            slot.used = self.clock;
            self.bytes = self.bytes - before + slot.heap_bytes(site);
        }
    }

    /// Updates the template count of `site` after a change; its new template if it changed
    /// (the store then lacks the texts of its new lines).
    fn after_change(&mut self, site: &str) -> Option<SiteTemplate> {
        let params = self.params;
        let slot = self.sites.get_mut(site)?;
        let hashes = slot.model.template_hashes(&params);
        self.template_lines = self.template_lines - slot.template_len as usize + hashes.len();
        slot.template_len = hashes.len() as u32;
        let print = fingerprint(&hashes);
        if print == slot.template_print {
            return None;
        }
        slot.template_print = print;
        slot.labelled = false;
        Some(SiteTemplate::new(hashes))
    }

    /// Evicts the least recently used sites (never `keep`) until the memory fits its budget.
    fn fit(&mut self, keep: &str) -> Vec<(String, Slot)> {
        let mut out = Vec::new();
        while self.bytes() > self.budget && self.sites.len() > 1 {
            let Some(victim) = self
                .sites
                .iter()
                .filter(|(k, _)| &***k != keep)
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(slot) = self.sites.remove(&victim) {
                self.bytes -= slot.heap_bytes(&victim);
                self.template_lines -= slot.template_len as usize;
                out.push((victim.into_string(), slot));
            }
        }
        out
    }
}

/// Bytes of the table of a map holding `capacity` sites: its buckets (a power of two, at most
/// seven eighths full) of one entry and one control byte each.
fn table_bytes(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let mut buckets = 4usize;
    while (if buckets < 8 {
        buckets - 1
    } else {
        buckets / 8 * 7
    }) < capacity
    {
        buckets *= 2;
    }
    buckets * (std::mem::size_of::<(Box<str>, Slot)>() + 1) + 16 + ALLOCATION_OVERHEAD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: u64) -> Vec<u64> {
        let mut lines = vec![1, 2, 3];
        lines.extend((0..5).map(|k| 1000 * n + k));
        lines
    }

    #[test]
    fn learning_gives_a_template_and_counts_its_lines() {
        let mut m = Memory::new(Params::default(), 1 << 20);
        let mut changed = 0;
        for n in 1..=8 {
            let l = m.learn("example.com", &format!("a{n}"), &page(n), &[]);
            assert!(l.counted);
            changed += usize::from(l.template.is_some());
        }
        assert_eq!(changed, 1, "the template appears once, at the eighth page");
        assert_eq!(m.template_lines(), 3);
        assert_eq!(m.template("example.com").map(|t| t.len()), Some(3));
        assert_eq!(m.template("other.com"), None);
        assert_eq!(m.dirty_sites(), ["example.com"]);
    }

    #[test]
    fn the_least_recently_used_site_leaves_when_the_budget_is_reached() {
        let four = {
            let mut m = Memory::new(Params::default(), usize::MAX);
            for site in ["a.com", "b.com", "c.com", "d.com"] {
                m.learn(site, "x", &page(1), &[]);
            }
            m.bytes()
        };
        let mut m = Memory::new(Params::default(), four - 1);
        m.learn("a.com", "x", &page(1), &[]);
        m.learn("b.com", "x", &page(1), &[]);
        m.learn("c.com", "x", &page(1), &[]);
        m.template("a.com");
        let l = m.learn("d.com", "x", &page(1), &[]);
        assert_eq!(l.evicted.len(), 1);
        assert_eq!(l.evicted[0].0, "b.com");
        assert!(
            l.evicted[0].1.dirty,
            "an evicted site still to be written says so"
        );
        assert_eq!(m.sites(), 3);
        assert!(m.bytes() <= m.budget());
    }

    /// Allocations of the current thread: bytes asked for and blocks held, net.
    mod counting {
        use std::alloc::{GlobalAlloc, Layout, System};
        use std::cell::Cell;

        /// The system allocator, counting each thread's allocations.
        pub struct Counting;

        thread_local! {
            static NET: Cell<(isize, isize)> = const { Cell::new((0, 0)) };
        }

        fn count(bytes: isize, blocks: isize) {
            let _ = NET.try_with(|c| {
                let (b, n) = c.get();
                c.set((b + bytes, n + blocks));
            });
        }

        /// (bytes, blocks) allocated and not freed by this thread so far.
        pub fn net() -> (isize, isize) {
            NET.try_with(Cell::get).unwrap_or_default()
        }

        // SAFETY: every call is passed on unchanged to the system allocator.
        unsafe impl GlobalAlloc for Counting {
            unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                count(layout.size() as isize, 1);
                // SAFETY: the caller's contract, passed on.
                unsafe { System.alloc(layout) }
            }

            unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
                count(layout.size() as isize, 1);
                // SAFETY: the caller's contract, passed on.
                unsafe { System.alloc_zeroed(layout) }
            }

            unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                count(-(layout.size() as isize), -1);
                // SAFETY: the caller's contract, passed on.
                unsafe { System.dealloc(ptr, layout) }
            }

            unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
                count(new_size as isize - layout.size() as isize, 0);
                // SAFETY: the caller's contract, passed on.
                unsafe { System.realloc(ptr, layout, new_size) }
            }
        }
    }

    #[global_allocator]
    static ALLOCATOR: counting::Counting = counting::Counting;

    #[test]
    fn ten_thousand_full_sites_fit_in_sixteen_mebibytes() {
        let p = Params::default();
        // A model as full as one gets: a window of pages, a record of lines.
        let mut full = SiteModel::new();
        for n in 0..p.window as u64 + 4 {
            let mut lines: Vec<u64> = (0..40).collect();
            lines.extend((0..100).map(|k| (n << 8) | k));
            full.learn(&format!("{n}"), &lines, &p);
        }
        assert_eq!((full.pages(), full.lines()), (p.window, p.max_lines));
        let lines: Vec<u64> = (0..40).collect();
        let (bytes_before, blocks_before) = counting::net();
        let mut m = Memory::new(p, 16 << 20);
        for s in 0..10_000u64 {
            let site = format!("site-{s}.example.com");
            m.absorb(&site, &full, 1, &Labels::default());
            m.learn(&site, "one more", &lines, &[]);
        }
        let (bytes_after, blocks_after) = counting::net();
        // What the allocator really holds: the bytes asked for, and its own bookkeeping for
        // each block (16 bytes, as glibc's malloc rounds and heads its chunks).
        let heap = (bytes_after - bytes_before) + 16 * (blocks_after - blocks_before);
        eprintln!(
            "FIGURES site memory: 10000 full sites hold {heap} heap bytes ({:.1} MiB), \
             accounted {} bytes",
            heap as f64 / (1 << 20) as f64,
            m.bytes()
        );
        assert_eq!(m.sites(), 10_000, "no site evicted");
        assert_eq!(m.template_lines(), 10_000 * 40);
        assert!(heap <= 16 << 20, "{heap} bytes");
        assert!(
            m.bytes() as isize >= heap * 95 / 100,
            "the accounting is not optimistic"
        );
        assert!(m.bytes() <= 16 << 20, "{} bytes", m.bytes());
    }

    #[test]
    fn texts_are_wanted_while_young_or_unlabelled_and_kept_for_template_lines_only() {
        let mut m = Memory::new(Params::default(), 1 << 20);
        assert!(m.wants_texts("a.com"));
        for n in 1..=8 {
            let texts: Vec<(u64, String)> =
                page(n).iter().map(|&h| (h, format!("line {h}"))).collect();
            m.learn("a.com", &format!("a{n}"), &page(n), &texts);
        }
        let labels = m.slot("a.com").and_then(|s| s.labels()).cloned();
        assert_eq!(labels.as_ref().map(Labels::len), Some(3), "{labels:?}");
        assert_eq!(
            labels.and_then(|l| l.get(2).map(str::to_string)).as_deref(),
            Some("line 2")
        );
        for n in 9..=16 {
            m.learn("a.com", &format!("a{n}"), &page(n), &[]);
        }
        assert!(m.wants_texts("a.com"), "the store has no text yet");
        // Written to the store with its texts, read back.
        let slot = m.slot("a.com").cloned().unwrap_or_default();
        let labels = slot.labels().cloned().unwrap_or_default();
        m.absorb("a.com", &slot.model, 4, &labels);
        assert!(!m.wants_texts("a.com"));
        assert!(m
            .slot("a.com")
            .is_some_and(|s| s.labels().is_none() && !s.dirty));
    }

    #[test]
    fn a_write_leaves_the_site_dirty_if_it_learned_meanwhile() {
        let mut m = Memory::new(Params::default(), 1 << 20);
        m.learn("a.com", "x", &page(1), &[]);
        let written = m.slot("a.com").map(|s| s.model.clone()).unwrap_or_default();
        m.learn("a.com", "y", &page(2), &[]);
        m.absorb("a.com", &written, 7, &Labels::default());
        assert!(m.slot("a.com").is_some_and(|s| s.dirty && s.revision == 7));
        let written = m.slot("a.com").map(|s| s.model.clone()).unwrap_or_default();
        m.absorb("a.com", &written, 8, &Labels::default());
        assert!(m.dirty_sites().is_empty());
    }

    #[test]
    fn a_model_read_from_the_store_is_merged_in() {
        let p = Params::default();
        let mut remote = SiteModel::new();
        for n in 1..=8 {
            remote.learn(&format!("r{n}"), &page(n), &p);
        }
        let mut m = Memory::new(p, 1 << 20);
        let (template, _) = m.absorb("a.com", &remote, 3, &Labels::default());
        assert_eq!(template.map(|t| t.len()), Some(3));
        assert!(
            m.dirty_sites().is_empty(),
            "what came from the store is not dirty"
        );
        m.learn("a.com", "mine", &page(9), &[(1, "شعار".to_string())]);
        assert_eq!(m.slot("a.com").map(|s| s.model.pages()), Some(9));
        assert_eq!(
            m.slot("a.com")
                .and_then(|s| s.labels())
                .and_then(|l| l.get(1)),
            Some("شعار")
        );
        assert_eq!(m.dirty_sites(), ["a.com"]);
    }
}

//! Site memory, as pure data: what each portal prints on most of its pages, learned from the
//! stream itself. No I/O here; the service keeps the models in a JetStream key-value bucket
//! (`service/site_memory/`) and `akhbar clean --site-memory` keeps them for one run.
//!
//! - [`model`]: one site's record — the key hashes of the lines it showed on its recent pages,
//!   each page counted once per distinct article — its template, the merge of two records
//!   (for compare-and-set between replicas) and its byte encoding;
//! - [`memory`]: the models of many sites within a memory budget, least recently seen evicted.
//!
//! Extraction asks for a template ([`crate::extract::TemplateSource`]) and reports what a page
//! showed ([`crate::extract::Observation`]); the caller learns from it here.

pub mod labels;
pub mod memory;
pub mod model;

pub use labels::Labels;
pub use memory::{Memory, Slot};
pub use model::{article_tag, ModelError, SiteModel};

/// Most recent pages one model remembers (one bit per page in each line's record).
pub const MAX_WINDOW: usize = 32;

/// How site models learn, and when a line is template.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Recent distinct pages a model remembers, at most [`MAX_WINDOW`].
    pub window: usize,
    /// Fewest remembered pages before any line is template.
    pub min_pages: usize,
    /// Share of the remembered pages a line must stand on to be template (above 0, at most 1).
    pub share: f64,
    /// Most lines one model records (lines seen once make room for new ones).
    pub max_lines: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            window: MAX_WINDOW,
            min_pages: 8,
            share: 0.5,
            max_lines: 88,
        }
    }
}

impl Params {
    /// Pages a line must stand on, among `pages` remembered, to be template: `share` of them,
    /// and never fewer than two.
    pub fn needed(&self, pages: usize) -> u32 {
        let share = (self.share * pages as f64).ceil() as u32;
        share.max(2)
    }
}

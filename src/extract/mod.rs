//! Extraction: one raw page (bytes plus optional metadata) in, one clean [`Article`] or a typed
//! [`Rejection`] out. Pure functions, no I/O: callable from the CLI, the service, tests and
//! benches.

pub mod article;
pub mod dates;
pub mod decode;
pub mod html;
pub mod markers;
pub mod normalize;
pub mod phrases;
pub mod rejection;
pub mod removed;
pub mod template;
pub mod text;

use std::sync::Arc;

pub use article::{Article, Extractor as ExtractorInfo, Stats, Story};
pub use markers::Markers;
pub use rejection::Rejection;
pub use removed::RemovedKind;
pub use template::{Observation, SiteTemplate, TemplateSource};

/// What the caller knows about a page besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    /// The page's URL, if known; used for `url`, `site` and the canonical fallback.
    pub url: Option<String>,
    /// The `Content-Type` the page was served with (charset included), if known.
    pub content_type: Option<String>,
}

/// Limits and markers an [`Extractor`] applies to every page.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Largest input accepted, in bytes (after gzip inflation); larger pages are `too_large`.
    pub max_bytes: usize,
    /// Boilerplate markers and class hints (defaults from `config/markers.toml`, user-extendable).
    pub markers: Markers,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            markers: Markers::default(),
        }
    }
}

/// Default size cap for one page: 8 MiB.
pub const DEFAULT_MAX_BYTES: usize = 8 * 1024 * 1024;

/// A reusable extractor: compiled markers and limits, shared read-only across worker threads.
#[derive(Debug, Clone, Default)]
pub struct Extractor {
    options: ExtractOptions,
}

impl Extractor {
    /// Builds an extractor from options (markers are compiled once here, not per page).
    pub fn new(options: ExtractOptions) -> Self {
        Self { options }
    }

    /// The options this extractor applies.
    pub fn options(&self) -> &ExtractOptions {
        &self.options
    }

    /// Turns one raw page into an article, or says why it cannot.
    pub fn extract(&self, bytes: &[u8], meta: &PageMeta) -> Result<Article, Rejection> {
        extract_with(&self.options, bytes, meta, None).0
    }

    /// As [`Extractor::extract`], with site memory: the lines of the template `templates`
    /// gives for the page's site leave the body (counted under `stats.removed.site_template`),
    /// and the page's own lines are reported in the [`Observation`] for learning.
    pub fn extract_observed(
        &self,
        bytes: &[u8],
        meta: &PageMeta,
        templates: &dyn TemplateSource,
    ) -> (Result<Article, Rejection>, Observation) {
        extract_with(&self.options, bytes, meta, Some(templates))
    }
}

/// Turns one raw page into an article with default options.
pub fn extract(bytes: &[u8], meta: &PageMeta) -> Result<Article, Rejection> {
    extract_with(&ExtractOptions::default(), bytes, meta, None).0
}

fn extract_with(
    opts: &ExtractOptions,
    bytes: &[u8],
    meta: &PageMeta,
    templates: Option<&dyn TemplateSource>,
) -> (Result<Article, Rejection>, Observation) {
    let mut seen = Observation::default();
    let article = extract_seen(opts, bytes, meta, templates, &mut seen);
    (article, seen)
}

fn extract_seen(
    opts: &ExtractOptions,
    bytes: &[u8],
    meta: &PageMeta,
    templates: Option<&dyn TemplateSource>,
    seen: &mut Observation,
) -> Result<Article, Rejection> {
    let raw_len = bytes.len();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Rejection::Empty);
    }
    let inflated = decode::inflate(bytes, opts.max_bytes)?;
    let bytes: &[u8] = inflated.as_deref().unwrap_or(bytes);
    if bytes.len() > opts.max_bytes {
        return Err(Rejection::TooLarge {
            size: bytes.len(),
            limit: opts.max_bytes,
        });
    }
    let decoded = decode::decode(bytes, meta.content_type.as_deref())?;
    let mut draft = if decoded.is_html {
        html::extract(&decoded.text, meta, &opts.markers, templates, seen)?
    } else {
        let site = article::site_of(None, meta.url.as_deref());
        let template = lookup(templates, &site, seen);
        let hook = template::SiteHook {
            template: template.as_deref(),
            observe: seen.site.is_some(),
            texts: seen.site.is_some() && templates.is_some_and(|t| t.wants_texts(&site)),
        };
        text::extract(&decoded.text, &opts.markers, hook)?
    };
    seen.lines = template::by_priority(std::mem::take(&mut draft.observed));
    seen.texts = std::mem::take(&mut draft.observed_texts);
    let used = seen.template.as_deref().map(template::TemplateUsed::from);
    let mut article = Article::from_draft(draft, meta, raw_len)?;
    article.extractor.site_template = used;
    Ok(article)
}

/// The template `templates` gives for `site`, noted in `seen` (an empty one counts as none).
/// Pages of no known site are neither cleaned with a template nor learned from: they may come
/// from any number of portals.
fn lookup(
    templates: Option<&dyn TemplateSource>,
    site: &str,
    seen: &mut Observation,
) -> Option<Arc<SiteTemplate>> {
    let templates = templates.filter(|_| site != article::UNKNOWN_SITE)?;
    seen.site = Some(site.to_string());
    let template = templates.template(site).filter(|t| !t.is_empty());
    seen.template = template.clone();
    template
}

/// What a page-specific extractor (text or HTML) finds, before the common finishing steps.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Headline, if found.
    pub title: Option<String>,
    /// Publication time, RFC 3339, if found.
    pub published_at: Option<String>,
    /// Body paragraphs in order, display-normalised.
    pub paragraphs: Vec<String>,
    /// Source names (`المصدر: …`), deduplicated, quotes stripped.
    pub sources: Vec<String>,
    /// Tags; one entry holding the whole tags line where the text gives no separation.
    pub tags: Vec<String>,
    /// Headlines of related articles removed from the body.
    pub related: Vec<String>,
    /// Site name (og:site_name or similar), if found.
    pub site: Option<String>,
    /// Canonical URL, if the page declares one.
    pub canonical_url: Option<String>,
    /// Language code (`ar`, `en`, …), if declared or detected.
    pub lang: Option<String>,
    /// Boilerplate blocks removed, by kind (`read_also`, `source`, `tags`, `ad`, `nav`, …).
    pub removed: std::collections::BTreeMap<String, u64>,
    /// Site memory: (key length, [`template::key_hash`]) of the page's candidate lines, when
    /// asked for ([`template::SiteHook::observe`]).
    pub observed: Vec<(usize, u64)>,
    /// Site memory: the candidate lines' key hashes with their texts, when asked for
    /// ([`template::SiteHook::texts`]).
    pub observed_texts: Vec<(u64, String)>,
}

impl Draft {
    /// Counts one removed boilerplate block of `kind`.
    pub fn count_removed(&mut self, kind: RemovedKind) {
        *self.removed.entry(kind.code().to_string()).or_default() += 1;
    }
}

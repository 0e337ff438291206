//! One page from message to outcome: read the message ([`super::message`]), fetch the page when
//! only a URL came ([`super::fetch`]), extract it on the blocking pool with a bounded number of
//! workers and a time limit — with its site's template when site memory is on
//! ([`super::site_memory`]), which then learns from the page — then give the article its story
//! ([`super::stories`]) when story detection is on. Knows nothing of acks or of where the
//! outcome goes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::HeaderMap;
use bytes::Bytes;
use time::OffsetDateTime;
use tokio::sync::Semaphore;

use super::config::FetchConfig;
use super::events::{
    Emit, ExtractionFinished, ExtractionPanicked, ExtractionTimedOut, FetchFinished,
};
use super::fetch;
use super::message::{self, PageBody};
use super::metrics::Metrics;
use super::outcome::{Outcome, PageError};
use super::site_memory::SiteMemory;
use super::stories::Stories;
use crate::extract::{Article, Extractor, Observation, PageMeta, Rejection, TemplateSource};
use crate::stories::Fingerprint;

/// Turns messages into outcomes; cheap to clone, shared by every page task.
#[derive(Clone)]
pub struct Processor {
    extractor: Arc<Extractor>,
    workers: Arc<Semaphore>,
    extract_timeout: Duration,
    http: reqwest::Client,
    fetch: Arc<FetchConfig>,
    metrics: Metrics,
    stories: Option<Stories>,
    sites: Option<SiteMemory>,
}

/// What one extraction gives: the article or the rejection, what site memory saw of the page,
/// and the story fingerprint of the body.
type Extracted = (Result<Article, Rejection>, Observation, Option<Fingerprint>);

impl Processor {
    /// A processor running at most `workers` extractions at once, each for at most
    /// `extract_timeout`, fetching URL-only pages with `http` (built by [`fetch::client`]).
    pub fn new(
        extractor: Extractor,
        workers: usize,
        extract_timeout: Duration,
        http: reqwest::Client,
        fetch: FetchConfig,
        metrics: Metrics,
    ) -> Processor {
        Processor {
            extractor: Arc::new(extractor),
            workers: Arc::new(Semaphore::new(workers)),
            extract_timeout,
            http,
            fetch: Arc::new(fetch),
            metrics,
            stories: None,
            sites: None,
        }
    }

    /// The same processor, extracting with site memory from `sites`.
    pub fn with_site_memory(mut self, sites: Option<SiteMemory>) -> Processor {
        self.sites = sites;
        self
    }

    /// The same processor, giving every article its story from `stories`.
    pub fn with_stories(mut self, stories: Option<Stories>) -> Processor {
        self.stories = stories;
        self
    }

    /// Reads, fetches when needed, and extracts one page; also returns the crawler's fetch
    /// time when the message carried one. Records `url` and `id` on the current span.
    pub async fn process(
        &self,
        headers: Option<&HeaderMap>,
        payload: &Bytes,
    ) -> (Outcome, Option<OffsetDateTime>) {
        let page = match message::parse(headers, payload) {
            Ok(p) => p,
            Err(e) => return (Err(e.into()), None),
        };
        let span = tracing::Span::current();
        if let Some(url) = &page.url {
            span.record("url", url.as_str());
        }
        let fetched_at = page.fetched_at;
        let (bytes, meta) = match page.body {
            PageBody::Raw(bytes) => (
                bytes,
                PageMeta {
                    url: page.url,
                    content_type: page.content_type,
                },
            ),
            PageBody::Fetch => {
                let url = page.url.unwrap_or_default();
                let fetched = fetch::fetch(&self.http, &self.fetch, &url).await;
                FetchFinished {
                    failure: fetched.as_ref().err().map(fetch::FetchError::reason),
                }
                .emit(&self.metrics);
                match fetched {
                    Ok(f) => (
                        f.bytes,
                        PageMeta {
                            url: Some(f.final_url),
                            content_type: f.content_type,
                        },
                    ),
                    Err(e) => return (Err(e.into()), fetched_at),
                }
            }
        };
        let outcome = match self.extract(bytes, meta).await {
            Ok((mut article, fingerprint)) => {
                span.record("id", article.id.as_str());
                if let (Some(stories), Some(fp)) = (&self.stories, fingerprint) {
                    article.story = stories.story(&article.id, &fp).await;
                }
                Ok(Box::new(article))
            }
            Err(e) => Err(e),
        };
        (outcome, fetched_at)
    }

    /// Extracts the page on the blocking pool (the story fingerprint of the body is taken there
    /// too); with site memory, with its site's template, then learns from it (the page is
    /// extracted again when the shared store knew the site better than this replica).
    async fn extract(
        &self,
        bytes: Bytes,
        meta: PageMeta,
    ) -> Result<(Article, Option<Fingerprint>), PageError> {
        let Some(sites) = &self.sites else {
            let (article, _, fp) = self.extract_with(bytes, meta, None).await?;
            return Ok((article?, fp));
        };
        let (mut article, mut seen, mut fp) = self
            .extract_with(bytes.clone(), meta.clone(), Some(Box::new(sites.source())))
            .await?;
        let Some(site) = seen.site.clone() else {
            return Ok((article?, fp));
        };
        let id = article.as_ref().ok().map(|a| a.id.as_str());
        if let Some(better) = sites.refresh(&site, seen.template.as_deref(), id).await {
            let better = Arc::new(better);
            let fixed = move |_: &str| Some(Arc::clone(&better));
            (article, seen, fp) = self
                .extract_with(bytes, meta, Some(Box::new(fixed)))
                .await?;
        }
        if let Ok(article) = &article {
            sites.learn(&site, article, &seen).await;
        }
        Ok((article?, fp))
    }

    /// One extraction, with templates from `templates` when given.
    async fn extract_with(
        &self,
        bytes: Bytes,
        meta: PageMeta,
        templates: Option<Box<dyn TemplateSource + Send>>,
    ) -> Result<Extracted, PageError> {
        let extractor = Arc::clone(&self.extractor);
        let shape = self.stories.as_ref().map(Stories::shape);
        self.on_worker(move || {
            let (article, seen) = match &templates {
                Some(t) => extractor.extract_observed(&bytes, &meta, &**t),
                None => (extractor.extract(&bytes, &meta), Observation::default()),
            };
            let fp = match (&article, shape) {
                (Ok(a), Some(shape)) => Some(Fingerprint::of(&a.body, shape)),
                _ => None,
            };
            (article, seen, fp)
        })
        .await
    }

    /// Runs `job` on the blocking pool, within the worker limit and the extraction timeout.
    async fn on_worker<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PageError> {
        let worker = Arc::clone(&self.workers)
            .acquire_owned()
            .await
            .map_err(|_| PageError::ExtractPanic("worker pool closed".to_string()))?;
        let started = Instant::now();
        // The worker slot travels with the blocking job: a page that outlives its timeout keeps
        // its slot until it really ends, so slow pages can never pile up more threads.
        let job = tokio::task::spawn_blocking(move || {
            let _worker = worker;
            job()
        });
        let joined = tokio::time::timeout(self.extract_timeout, job).await;
        ExtractionFinished {
            seconds: started.elapsed().as_secs_f64(),
        }
        .emit(&self.metrics);
        match joined {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(e)) => {
                ExtractionPanicked { error: &e }.emit(&self.metrics);
                Err(PageError::ExtractPanic(e.to_string()))
            }
            Err(_) => {
                let limit_secs = self.extract_timeout.as_secs();
                ExtractionTimedOut { limit_secs }.emit(&self.metrics);
                Err(PageError::ExtractTimeout(limit_secs))
            }
        }
    }
}

//! Site memory in the service: each replica holds the models of the sites it sees
//! ([`crate::sites::Memory`], within `site_memory.memory_mib`), learns from every page it
//! extracts, and shares what it learns through a JetStream key-value bucket ([`store`]).
//!
//! A page's path: extraction asks [`SiteMemory::source`] for its site's template (local, no
//! wait); then [`SiteMemory::refresh`] reads the site's stored model when this replica does
//! not hold the site yet, or holds it young (fewer than 2 × `min_pages` pages) and the page's
//! article is new to it — if that
//! changes the template, the page is extracted again with it, so a replica started after the
//! warm-up cleans its first page; then [`SiteMemory::learn`] records the page and, for a young
//! model, writes it at once. Older models are written every `sync_interval_ms` by the task of
//! [`SiteMemory::start`]. Every write reads the stored model, merges it in
//! ([`crate::sites::SiteModel::merge`]) and writes with compare-and-set on the revision read,
//! retrying on a conflict, so concurrent replicas add up instead of overwriting each other.
//!
//! When the store fails or is slow, the replica goes on with its own models:
//! `akhbar_site_memory_store_up` drops to 0, errors are counted, and the store is left alone
//! for a pause before the next try.

pub mod store;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use async_nats::jetstream;

use super::config::SiteMemoryConfig;
use super::events::{
    Emit, SitePageLearned, SiteStoreAvailable, SiteStoreFailed, SiteTemplateChanged,
};
use super::metrics::Metrics;
use super::shutdown::{self, Shutdown, ShutdownTrigger};
use crate::extract::{Article, Observation, SiteTemplate, TemplateSource};
use crate::sites::{Labels, Memory, Params, SiteModel, Slot};
use store::{Store, StoreError};

/// How long the store is left alone after it failed.
const STORE_PAUSE: Duration = Duration::from_secs(5);
/// Compare-and-set attempts of one write before it waits for the next sync.
const WRITE_ATTEMPTS: usize = 8;
/// Longest time spent writing what is left at shutdown.
const FINAL_SYNC: Duration = Duration::from_secs(5);
/// Most evicted sites kept for a write while the store does not answer (the oldest go first).
const MAX_EVICTED: usize = 1_000;

/// The replica's site memory; cheap to clone, shared by every page task.
#[derive(Clone)]
pub struct SiteMemory {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    memory: Mutex<Memory>,
    /// The store, once opened.
    store: Mutex<Option<Store>>,
    /// Until when the store is left alone after a failure.
    paused_until: Mutex<Option<Instant>>,
    /// Evicted sites with pages not yet written.
    evicted: Mutex<Vec<(String, Slot)>>,
    metrics: Metrics,
}

impl std::fmt::Debug for SiteMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteMemory").finish_non_exhaustive()
    }
}

/// The replica's models as extraction's [`TemplateSource`].
struct Source(Arc<Inner>);

impl TemplateSource for Source {
    fn template(&self, site: &str) -> Option<Arc<SiteTemplate>> {
        locked(&self.0.memory).template(site)
    }

    fn wants_texts(&self, site: &str) -> bool {
        locked(&self.0.memory).wants_texts(site)
    }
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The background task writing learned models; stopped (after a last write) by [`SyncTask::stop`].
pub struct SyncTask {
    stop: ShutdownTrigger,
    task: tokio::task::JoinHandle<()>,
}

impl SyncTask {
    /// Stops the task after it wrote what it can within a few seconds.
    pub async fn stop(self) {
        self.stop.trigger();
        if tokio::time::timeout(FINAL_SYNC + Duration::from_secs(1), self.task)
            .await
            .is_err()
        {
            tracing::warn!("site memory: the last write did not finish in time");
        }
    }
}

impl SiteMemory {
    /// A memory of the given settings, not yet connected to a store.
    pub fn new(cfg: &SiteMemoryConfig, metrics: Metrics) -> SiteMemory {
        let params = cfg.params();
        SiteMemory {
            inner: Arc::new(Inner {
                params,
                memory: Mutex::new(Memory::new(params, cfg.memory_mib.saturating_mul(1 << 20))),
                store: Mutex::new(None),
                paused_until: Mutex::new(None),
                evicted: Mutex::new(Vec::new()),
                metrics,
            }),
        }
    }

    /// Starts the task that opens the store (creating the bucket when `create`) and writes
    /// learned models every `sync_interval_ms`.
    pub fn start(&self, js: jetstream::Context, cfg: &SiteMemoryConfig, create: bool) -> SyncTask {
        let (stop, stopped) = shutdown::channel();
        let me = self.clone();
        let cfg = cfg.clone();
        let task = tokio::spawn(async move { me.sync_loop(js, cfg, create, stopped).await });
        SyncTask { stop, task }
    }

    /// Where extraction finds templates: this replica's models, without waiting.
    pub fn source(&self) -> impl TemplateSource + Send + 'static {
        Source(Arc::clone(&self.inner))
    }

    /// The store, unless it is not open yet or paused after a failure.
    fn store(&self) -> Option<Store> {
        if locked(&self.inner.paused_until).is_some_and(|t| Instant::now() < t) {
            return None;
        }
        locked(&self.inner.store).clone()
    }

    /// Counts a failure and pauses the store.
    fn failed(&self, error: &StoreError) {
        *locked(&self.inner.paused_until) = Some(Instant::now() + STORE_PAUSE);
        SiteStoreFailed {
            error,
            pause_secs: STORE_PAUSE.as_secs(),
        }
        .emit(&self.inner.metrics);
    }

    /// A store operation answered: the store is up (again).
    fn answered(&self, store: &Store) {
        let was_paused = locked(&self.inner.paused_until).take().is_some();
        if was_paused || self.inner.metrics.site_memory_store_up.get() == 0 {
            SiteStoreAvailable {
                bucket: store.bucket(),
            }
            .emit(&self.inner.metrics);
        }
    }

    /// Before learning a page of `site` that was extracted with `used` (into the article of
    /// `article_id`, if any): reads the site's stored model if this replica does not hold it
    /// yet, or holds it young and has not learned this article before. Returns the template to
    /// extract the page again with when that changed it (an empty template when the page
    /// should have had none).
    pub async fn refresh(
        &self,
        site: &str,
        used: Option<&SiteTemplate>,
        article_id: Option<&str>,
    ) -> Option<SiteTemplate> {
        let fresh = {
            let m = locked(&self.inner.memory);
            !m.is_warming(site) || article_id.is_some_and(|id| m.remembers(site, id))
        };
        if fresh {
            return None;
        }
        let store = self.store()?;
        let stored = match store.get(site).await {
            Ok(s) => {
                self.answered(&store);
                s?
            }
            Err(e) => {
                self.failed(&e);
                return None;
            }
        };
        let changed = self.absorb(site, &stored);
        let now = changed?;
        let same = used.is_some_and(|u| u.revision() == now.revision())
            || (used.is_none() && now.is_empty());
        (!same).then_some(now)
    }

    /// Merges a stored model in; the site's template when that changed it.
    fn absorb(&self, site: &str, stored: &store::Stored) -> Option<SiteTemplate> {
        let (template, evicted) =
            locked(&self.inner.memory).absorb(site, &stored.model, stored.revision, &stored.labels);
        self.keep_evicted(evicted);
        self.gauges();
        if let Some(t) = &template {
            SiteTemplateChanged {
                site,
                template: t,
                from_store: true,
            }
            .emit(&self.inner.metrics);
        }
        template
    }

    /// Learns one extracted page: its article (the id makes the same article count once) and
    /// what extraction saw. A young model is written to the store at once.
    pub async fn learn(&self, site: &str, article: &Article, seen: &Observation) {
        let removed = article
            .stats
            .removed
            .get("site_template")
            .copied()
            .unwrap_or(0);
        let learned = locked(&self.inner.memory).learn(site, &article.id, &seen.lines, &seen.texts);
        let young = locked(&self.inner.memory).is_warming(site);
        SitePageLearned {
            counted: learned.counted,
            removed,
        }
        .emit(&self.inner.metrics);
        if let Some(t) = &learned.template {
            SiteTemplateChanged {
                site,
                template: t,
                from_store: false,
            }
            .emit(&self.inner.metrics);
        }
        self.keep_evicted(learned.evicted);
        self.gauges();
        if (learned.counted || learned.named) && young {
            if let Some(store) = self.store() {
                self.write(&store, site).await;
            }
        }
    }

    /// Updates the memory's gauges.
    fn gauges(&self) {
        let (sites, lines, bytes) = {
            let m = locked(&self.inner.memory);
            (m.sites(), m.template_lines(), m.bytes())
        };
        let m = &self.inner.metrics;
        m.site_memory_sites.set(sites as i64);
        m.site_memory_template_lines.set(lines as i64);
        m.site_memory_bytes.set(bytes as i64);
    }

    /// Keeps evicted sites with unwritten pages for the next sync (a bounded number: while the
    /// store is away, the oldest are given up).
    fn keep_evicted(&self, evicted: Vec<(String, Slot)>) {
        let dirty = evicted.into_iter().filter(|(_, s)| s.dirty);
        let mut kept = locked(&self.inner.evicted);
        kept.extend(dirty);
        let over = kept.len().saturating_sub(MAX_EVICTED);
        kept.drain(..over);
    }

    /// Writes `site`'s model: reads the stored one, merges, writes with compare-and-set,
    /// again on a conflict; then merges what was written back into the replica's model.
    async fn write(&self, store: &Store, site: &str) {
        let local = {
            let m = locked(&self.inner.memory);
            m.slot(site)
                .map(|s| (s.model.clone(), s.labels().cloned().unwrap_or_default()))
        };
        let Some((model, labels)) = local else {
            return;
        };
        match self.write_model(store, site, &model, &labels).await {
            Ok(Some(stored)) => {
                self.answered(store);
                self.absorb(site, &stored);
            }
            Ok(None) => self.answered(store),
            Err(e) => self.failed(&e),
        }
    }

    /// The compare-and-set loop of a write; what was written, or `None` when every attempt
    /// met a conflict (the model stays dirty for the next sync).
    async fn write_model(
        &self,
        store: &Store,
        site: &str,
        model: &SiteModel,
        labels: &Labels,
    ) -> Result<Option<store::Stored>, StoreError> {
        let p = &self.inner.params;
        for _ in 0..WRITE_ATTEMPTS {
            let stored = store.get(site).await?.unwrap_or_default();
            let merged = model.merge(&stored.model, p);
            let mut merged_labels = stored.labels.clone();
            merged_labels.absorb(labels);
            merged_labels.retain_lines(&merged.template_hashes(p));
            if stored.unreadable.is_none()
                && stored.revision != 0
                && merged == stored.model
                && merged_labels == stored.labels
            {
                return Ok(Some(stored));
            }
            match store
                .put(site, &merged, &merged_labels, stored.revision)
                .await?
            {
                Ok(revision) => {
                    return Ok(Some(store::Stored {
                        model: merged,
                        labels: merged_labels,
                        revision,
                        unreadable: None,
                    }))
                }
                Err(store::Conflict) => {
                    self.inner.metrics.site_memory_store_conflicts.inc();
                }
            }
        }
        Ok(None)
    }

    /// Writes every model learned since its last write, and the evicted ones not yet written.
    async fn sync(&self, store: &Store) {
        let evicted = std::mem::take(&mut *locked(&self.inner.evicted));
        for (i, (site, slot)) in evicted.iter().enumerate() {
            let labels = slot.labels().cloned().unwrap_or_default();
            if let Err(e) = self.write_model(store, site, &slot.model, &labels).await {
                self.failed(&e);
                self.keep_evicted(evicted[i..].to_vec());
                return;
            }
        }
        let dirty = locked(&self.inner.memory).dirty_sites();
        for site in dirty {
            if self.store().is_none() {
                return;
            }
            self.write(store, &site).await;
        }
    }

    /// The background task: opens the store (again after failures), writes learned models
    /// every interval, and once more when stopped.
    async fn sync_loop(
        &self,
        js: jetstream::Context,
        cfg: SiteMemoryConfig,
        create: bool,
        mut stopped: Shutdown,
    ) {
        let interval = Duration::from_millis(cfg.sync_interval_ms);
        loop {
            if locked(&self.inner.store).is_none() {
                let paused = locked(&self.inner.paused_until).is_some_and(|t| Instant::now() < t);
                if !paused {
                    match Store::open(&js, &cfg, create).await {
                        Ok(store) => {
                            *locked(&self.inner.store) = Some(store.clone());
                            *locked(&self.inner.paused_until) = None;
                            SiteStoreAvailable {
                                bucket: store.bucket(),
                            }
                            .emit(&self.inner.metrics);
                        }
                        Err(e) => self.failed(&e),
                    }
                }
            }
            if let Some(store) = self.store() {
                self.sync(&store).await;
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = stopped.wait() => break,
            }
        }
        let store = locked(&self.inner.store).clone();
        if let Some(store) = store {
            *locked(&self.inner.paused_until) = None;
            if tokio::time::timeout(FINAL_SYNC, self.sync(&store))
                .await
                .is_err()
            {
                tracing::warn!("site memory: models left unwritten at shutdown");
            }
        }
    }
}

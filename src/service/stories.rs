//! Stories in the service: the band index and the article records of
//! [`crate::stories`] in a JetStream key-value bucket shared by every replica, entries expiring
//! after `stories.ttl_secs` (the bucket's `max_age`).
//!
//! Keys: `b.<band>.<hash>` (and its slots `b.<band>.<hash>.<slot>`) → the id of the article
//! that created it (create-if-absent: the KV update with expected revision 0, so two replicas
//! racing for one key get one owner);
//! `r.<article id>` → the article's [`Record`]. An article's band keys are claimed one after
//! another (the order is what keeps decisions consistent across replicas, see
//! `stories/index.rs`); reads of the other keys and of candidate records go out together. What
//! cannot change once written (a key's owner, a decided record) is remembered per replica, so
//! the keys of common word pairs and pages seen again cost no request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, kv};
use bytes::Bytes;

use super::config::{Config, StoriesConfig};
use super::events::{Emit, StoryAssigned, StoryLookupFailed};
use super::metrics::Metrics;
use crate::extract::Story;
use crate::stories::{assign, Fingerprint, Record, Shape, Store, Stored};

/// Longest wait for the decision of a near-duplicate that another page task (or replica) is
/// still deciding; past it the near-duplicate itself is taken as the story's first article.
const SETTLE_WAIT: Duration = Duration::from_secs(2);
/// Attempts at claiming a key that keeps changing under us (deleted, expired) before giving up.
const CLAIM_ATTEMPTS: usize = 3;
/// Deadline of one key-value request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// Deadline of a whole story lookup: past it the article goes out without a story rather than
/// holding its page (and the stream) while NATS is away.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the story index could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoriesError {
    /// The bucket could not be looked up or created.
    #[error("stories bucket {bucket}")]
    Bucket {
        /// The bucket name.
        bucket: String,
        /// The server's answer.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A key could not be read.
    #[error("reading {key}")]
    Read {
        /// The key.
        key: String,
        /// The client's error.
        source: kv::EntryError,
    },
    /// A key could not be written.
    #[error("writing {key}")]
    Write {
        /// The key.
        key: String,
        /// The client's error.
        source: kv::PutError,
    },
    /// A band key could not be created.
    #[error("claiming {key}")]
    Claim {
        /// The key.
        key: String,
        /// The client's error.
        source: kv::UpdateError,
    },
    /// The lookup outlived [`LOOKUP_TIMEOUT`].
    #[error("story lookup took longer than {} s", LOOKUP_TIMEOUT.as_secs())]
    TimedOut,
    /// A band key changed under every attempt to claim it.
    #[error("claiming {key}: it kept changing")]
    Contended {
        /// The key.
        key: String,
    },
}

/// Entries kept in memory per replica, per generation (two generations).
const RECENT: usize = 4096;

/// What never changes once written, remembered by this replica: band-key owners (a key is
/// created once) and decided records. Bounded: when the young generation is full it becomes
/// the old one and the old one is forgotten. Saves the store the lookups of the keys every
/// article meets (common word pairs) and of pages seen again.
#[derive(Debug)]
struct Recent<V> {
    young: HashMap<String, V>,
    old: HashMap<String, V>,
}

impl<V: Clone> Recent<V> {
    fn get(&self, key: &str) -> Option<V> {
        self.young.get(key).or_else(|| self.old.get(key)).cloned()
    }

    fn insert(&mut self, key: &str, value: V) {
        if self.young.len() >= RECENT {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(key.to_string(), value);
    }
}

impl<V> Default for Recent<V> {
    fn default() -> Self {
        Recent {
            young: HashMap::new(),
            old: HashMap::new(),
        }
    }
}

/// Locks a cache; a panic elsewhere cannot leave it inconsistent (each call is one operation).
fn lock<V>(m: &Mutex<Recent<V>>) -> MutexGuard<'_, Recent<V>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The index in a key-value bucket.
#[derive(Clone)]
pub struct KvStore {
    kv: kv::Store,
    owners: Arc<Mutex<Recent<String>>>,
    decided: Arc<Mutex<Recent<Stored>>>,
}

impl KvStore {
    fn record_key(id: &str) -> String {
        format!("r.{id}")
    }

    async fn entry(&self, key: String) -> Result<Option<kv::Entry>, StoriesError> {
        match self.kv.entry(key.as_str()).await {
            Ok(Some(e)) if e.operation == kv::Operation::Put => Ok(Some(e)),
            Ok(_) => Ok(None),
            Err(source) => Err(StoriesError::Read { key, source }),
        }
    }
}

impl Store for KvStore {
    type Error = StoriesError;

    async fn record(&self, id: &str) -> Result<Option<Stored>, StoriesError> {
        if let Some(known) = lock(&self.decided).get(id) {
            return Ok(Some(known));
        }
        let key = Self::record_key(id);
        let Some(entry) = self.entry(key.clone()).await? else {
            return Ok(None);
        };
        match Record::decode(&entry.value) {
            Ok(record) => {
                let stored = Stored {
                    record,
                    revision: entry.revision,
                };
                if stored.record.decision.is_some() {
                    lock(&self.decided).insert(id, stored.clone());
                }
                Ok(Some(stored))
            }
            Err(e) => {
                tracing::debug!(key, error = %e, "unreadable story record ignored");
                Ok(None)
            }
        }
    }

    async fn settled(&self, id: &str) -> Result<Option<Stored>, StoriesError> {
        let deadline = Instant::now() + SETTLE_WAIT;
        let mut pause = Duration::from_millis(2);
        loop {
            let stored = self.record(id).await?;
            let decided = stored.as_ref().is_some_and(|s| s.record.decision.is_some());
            if decided || Instant::now() + pause > deadline {
                return Ok(stored);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(100));
        }
    }

    async fn put(&self, id: &str, record: &Record) -> Result<u64, StoriesError> {
        let key = Self::record_key(id);
        self.kv
            .put(key.as_str(), Bytes::from(record.encode()))
            .await
            .map_err(|source| StoriesError::Write { key, source })
    }

    async fn claim(&self, key: &str, id: &str) -> Result<String, StoriesError> {
        if let Some(owner) = lock(&self.owners).get(key) {
            return Ok(owner);
        }
        let owner = self.create_or_read(key, id).await?;
        lock(&self.owners).insert(key, owner.clone());
        Ok(owner)
    }

    async fn owner(&self, key: &str) -> Result<Option<String>, StoriesError> {
        if let Some(owner) = lock(&self.owners).get(key) {
            return Ok(Some(owner));
        }
        let owner = self
            .entry(key.to_string())
            .await?
            .map(|e| String::from_utf8_lossy(&e.value).into_owned());
        if let Some(o) = &owner {
            lock(&self.owners).insert(key, o.clone());
        }
        Ok(owner)
    }
}

impl KvStore {
    /// Creates band key `key` owned by `id` unless it exists (the KV update with expected
    /// revision 0); returns its owner.
    async fn create_or_read(&self, key: &str, id: &str) -> Result<String, StoriesError> {
        let value = Bytes::copy_from_slice(id.as_bytes());
        let mut expected = 0;
        for _ in 0..CLAIM_ATTEMPTS {
            match self.kv.update(key, value.clone(), expected).await {
                Ok(_) => return Ok(id.to_string()),
                Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => {}
                Err(source) => {
                    return Err(StoriesError::Claim {
                        key: key.to_string(),
                        source,
                    })
                }
            }
            match self.kv.entry(key).await {
                Ok(Some(e)) if e.operation == kv::Operation::Put => {
                    return Ok(String::from_utf8_lossy(&e.value).into_owned())
                }
                // Deleted or purged: it may be created again over its marker.
                Ok(Some(e)) => expected = e.revision,
                // Expired between the two calls.
                Ok(None) => expected = 0,
                Err(source) => {
                    return Err(StoriesError::Read {
                        key: key.to_string(),
                        source,
                    })
                }
            }
        }
        Err(StoriesError::Contended {
            key: key.to_string(),
        })
    }
}

/// Story detection as the page tasks use it.
#[derive(Clone)]
pub struct Stories {
    store: KvStore,
    threshold: f64,
    shape: Shape,
    metrics: Metrics,
}

impl Stories {
    /// Binds the bucket of `[stories]`, creating it (history 1, `max_age` = `ttl_secs`) when
    /// missing and `nats.create_streams` is on.
    pub async fn open(
        client: &async_nats::Client,
        cfg: &Config,
        metrics: Metrics,
    ) -> Result<Stories, StoriesError> {
        let st = &cfg.stories;
        let mut js = jetstream::new(client.clone());
        js.set_timeout(REQUEST_TIMEOUT);
        let bucket_error =
            |source: Box<dyn std::error::Error + Send + Sync>| StoriesError::Bucket {
                bucket: st.bucket.clone(),
                source,
            };
        let kv = match js.get_key_value(&st.bucket).await {
            Ok(kv) => kv,
            Err(_) if cfg.nats.create_streams => js
                .create_key_value(bucket_config(st))
                .await
                .map_err(|e| bucket_error(Box::new(e)))?,
            Err(e) => return Err(bucket_error(Box::new(e))),
        };
        tracing::info!(bucket = %st.bucket, ttl_secs = st.ttl_secs, threshold = st.threshold, "story index bound");
        Ok(Stories {
            store: KvStore {
                kv,
                owners: Arc::default(),
                decided: Arc::default(),
            },
            threshold: st.threshold,
            shape: Shape::default(),
            metrics,
        })
    }

    /// The band shape fingerprints must be computed with.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The story of an article, or `None` (counted and logged) when the index did not answer.
    pub async fn story(&self, id: &str, fp: &Fingerprint) -> Option<Story> {
        let started = Instant::now();
        let lookup = assign(&self.store, id, fp, self.threshold);
        let found = tokio::time::timeout(LOOKUP_TIMEOUT, lookup)
            .await
            .unwrap_or(Err(StoriesError::TimedOut));
        match found {
            Ok(story) => {
                StoryAssigned {
                    id,
                    story: &story,
                    seconds: started.elapsed().as_secs_f64(),
                }
                .emit(&self.metrics);
                Some(story)
            }
            Err(error) => {
                StoryLookupFailed {
                    id,
                    error: &error,
                    seconds: started.elapsed().as_secs_f64(),
                }
                .emit(&self.metrics);
                None
            }
        }
    }
}

/// The bucket as created: one value per key, entries expiring after the TTL, on disk.
pub fn bucket_config(st: &StoriesConfig) -> kv::Config {
    kv::Config {
        bucket: st.bucket.clone(),
        description: "akhbar stories: band index and article records".to_string(),
        history: 1,
        max_age: Duration::from_secs(st.ttl_secs),
        storage: jetstream::stream::StorageType::File,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(id: &str) -> Story {
        Story {
            id: id.to_string(),
            duplicate_of: None,
            similarity: None,
        }
    }

    #[test]
    fn recent_entries_are_kept_within_two_generations() {
        let mut r: Recent<Story> = Recent::default();
        for i in 0..RECENT * 2 {
            r.insert(&i.to_string(), story(&i.to_string()));
        }
        assert!(r.young.len() <= RECENT && r.old.len() <= RECENT);
        assert_eq!(
            r.get(&(RECENT * 2 - 1).to_string()),
            Some(story(&(RECENT * 2 - 1).to_string()))
        );
        assert_eq!(r.get(&RECENT.to_string()), Some(story(&RECENT.to_string())));
        r.insert("x", story("x"));
        assert_eq!(r.get("0"), None, "the oldest generation is forgotten");
        assert_eq!(r.get("x"), Some(story("x")));
    }
}

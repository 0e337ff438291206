//! Stories in the service: the band index and the article records of
//! [`crate::stories`] in a JetStream key-value bucket shared by every replica, entries expiring
//! after `stories.ttl_secs` (the bucket's `max_age`).
//!
//! Keys: `b.<band>.<hash>` → the id of the article that created it (create-if-absent: the KV
//! update with expected revision 0, so two replicas racing for one key get one owner);
//! `r.<article id>` → the article's [`Record`]. An article's band keys are claimed one after
//! another (the order is what keeps decisions consistent across replicas, see
//! `stories/index.rs`); reads of the other keys and of candidate records go out together.

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

/// The index in a key-value bucket.
#[derive(Clone)]
pub struct KvStore {
    kv: kv::Store,
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
        let key = Self::record_key(id);
        let Some(entry) = self.entry(key.clone()).await? else {
            return Ok(None);
        };
        match Record::decode(&entry.value) {
            Ok(record) => Ok(Some(Stored {
                record,
                revision: entry.revision,
            })),
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

    async fn owner(&self, key: &str) -> Result<Option<String>, StoriesError> {
        Ok(self
            .entry(key.to_string())
            .await?
            .map(|e| String::from_utf8_lossy(&e.value).into_owned()))
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
            store: KvStore { kv },
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
        let lookup =
            tokio::time::timeout(LOOKUP_TIMEOUT, assign(&self.store, id, fp, self.threshold));
        match lookup.await.unwrap_or(Err(StoriesError::TimedOut)) {
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

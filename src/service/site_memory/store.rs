//! The shared store of site models: a JetStream key-value bucket (history 1, entries expiring
//! after `site_memory.ttl_secs` without an update), one key per site, each write a
//! compare-and-set on the revision read before it.

use std::time::Duration;

use async_nats::jetstream::{self, kv};
use futures::StreamExt;

use crate::service::config::SiteMemoryConfig;
use crate::sites::{Labels, ModelError, SiteModel};

/// Longest wait for one answer of the store.
pub const OP_TIMEOUT: Duration = Duration::from_secs(2);

/// A boxed error from the key-value API.
type KvError = Box<dyn std::error::Error + Send + Sync>;

/// The store failed, or did not answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The bucket could not be opened or created.
    #[error("cannot open the key-value bucket {bucket}")]
    Open {
        /// The bucket.
        bucket: String,
        /// The server's answer.
        source: KvError,
    },
    /// A site's model could not be read.
    #[error("cannot read the model of {site}")]
    Get {
        /// The site.
        site: String,
        /// The client's error.
        source: KvError,
    },
    /// A site's model could not be written.
    #[error("cannot write the model of {site}")]
    Update {
        /// The site.
        site: String,
        /// The client's error.
        source: KvError,
    },
    /// The list of sites could not be read.
    #[error("cannot list the sites")]
    Keys(#[source] KvError),
    /// The store did not answer in time.
    #[error("the key-value store did not answer within {0:?}")]
    Timeout(Duration),
}

/// What failed on the store: the `op` label of `akhbar_site_memory_store_errors_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOp {
    /// Opening or creating the bucket.
    Open,
    /// Reading a model or the list of sites.
    Read,
    /// Writing a model.
    Write,
    /// Any operation that did not answer in time.
    Timeout,
}

impl StoreOp {
    /// Every operation, in a stable order.
    pub const ALL: [StoreOp; 4] = [
        StoreOp::Open,
        StoreOp::Read,
        StoreOp::Write,
        StoreOp::Timeout,
    ];

    /// The `op` label.
    pub fn label(self) -> &'static str {
        match self {
            StoreOp::Open => "open",
            StoreOp::Read => "read",
            StoreOp::Write => "write",
            StoreOp::Timeout => "timeout",
        }
    }
}

impl StoreError {
    /// The operation that failed.
    pub fn op(&self) -> StoreOp {
        match self {
            StoreError::Open { .. } => StoreOp::Open,
            StoreError::Get { .. } | StoreError::Keys(_) => StoreOp::Read,
            StoreError::Update { .. } => StoreOp::Write,
            StoreError::Timeout(_) => StoreOp::Timeout,
        }
    }
}

/// A site's model as stored.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    /// The model.
    pub model: SiteModel,
    /// The texts of its template lines.
    pub labels: Labels,
    /// The entry's revision (what the next write must name).
    pub revision: u64,
    /// Why the stored value was unreadable (then `model` is empty and the next write replaces
    /// it).
    pub unreadable: Option<ModelError>,
}

/// A write lost its compare-and-set: someone wrote the site's model since it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conflict;

/// The bucket of site models.
#[derive(Clone)]
pub struct Store {
    kv: kv::Store,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("bucket", &self.kv.name)
            .finish()
    }
}

/// Runs `op` within [`OP_TIMEOUT`].
async fn timed<T>(
    op: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::time::timeout(OP_TIMEOUT, op)
        .await
        .map_err(|_| StoreError::Timeout(OP_TIMEOUT))?
}

impl Store {
    /// Opens the bucket `cfg.bucket`, creating it (history 1, `ttl_secs` of life without an
    /// update) when it is missing and `create` is on.
    pub async fn open(
        js: &jetstream::Context,
        cfg: &SiteMemoryConfig,
        create: bool,
    ) -> Result<Store, StoreError> {
        let bucket = cfg.bucket.clone();
        let open_error = |source: KvError| StoreError::Open {
            bucket: bucket.clone(),
            source,
        };
        timed(async {
            match js.get_key_value(&cfg.bucket).await {
                Ok(kv) => Ok(Store { kv }),
                Err(e) if !create => Err(open_error(Box::new(e))),
                Err(_) => js
                    .create_key_value(kv::Config {
                        bucket: cfg.bucket.clone(),
                        description: "akhbar site memory: one model per site".to_string(),
                        history: 1,
                        max_age: Duration::from_secs(cfg.ttl_secs),
                        storage: jetstream::stream::StorageType::File,
                        ..Default::default()
                    })
                    .await
                    .map(|kv| Store { kv })
                    .map_err(|e| open_error(Box::new(e))),
            }
        })
        .await
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.kv.name
    }

    /// The stored model of `site`, if any.
    pub async fn get(&self, site: &str) -> Result<Option<Stored>, StoreError> {
        let key = key_of(site);
        let entry = timed(async {
            self.kv.entry(key).await.map_err(|e| StoreError::Get {
                site: site.to_string(),
                source: Box::new(e),
            })
        })
        .await?;
        let Some(entry) = entry else {
            return Ok(None);
        };
        if entry.operation != kv::Operation::Put {
            return Ok(Some(Stored {
                revision: entry.revision,
                ..Stored::default()
            }));
        }
        Ok(Some(match SiteModel::decode(&entry.value) {
            Ok((model, labels)) => Stored {
                model,
                labels,
                revision: entry.revision,
                unreadable: None,
            },
            Err(e) => Stored {
                revision: entry.revision,
                unreadable: Some(e),
                ..Stored::default()
            },
        }))
    }

    /// Writes `site`'s model if the stored one is still at `revision` (0: none stored); the new
    /// revision, or [`Conflict`].
    pub async fn put(
        &self,
        site: &str,
        model: &SiteModel,
        labels: &Labels,
        revision: u64,
    ) -> Result<Result<u64, Conflict>, StoreError> {
        let value = bytes::Bytes::from(model.encode(labels));
        let key = key_of(site);
        timed(async {
            match self.kv.update(key, value, revision).await {
                Ok(rev) => Ok(Ok(rev)),
                Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => Ok(Err(Conflict)),
                Err(e) => Err(StoreError::Update {
                    site: site.to_string(),
                    source: Box::new(e),
                }),
            }
        })
        .await
    }

    /// Every site with a model in the bucket.
    pub async fn sites(&self) -> Result<Vec<String>, StoreError> {
        let mut keys = self
            .kv
            .keys()
            .await
            .map_err(|e| StoreError::Keys(Box::new(e)))?;
        let mut out = Vec::new();
        while let Some(key) = keys.next().await {
            let key = key.map_err(|e| StoreError::Keys(Box::new(e)))?;
            if let Some(site) = site_of(&key) {
                out.push(site);
            }
        }
        out.sort();
        Ok(out)
    }
}

/// The bucket key of a site: its bytes, those outside `A–Z a–z 0–9 - _` written `=XX`
/// (`www.example.com` → `www=2Eexample=2Ecom`), so any site name is a valid key.
pub fn key_of(site: &str) -> String {
    let mut key = String::with_capacity(site.len() + 8);
    for b in site.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            key.push(char::from(b));
        } else {
            key.push_str(&format!("={b:02X}"));
        }
    }
    if key.is_empty() {
        key.push('=');
    }
    key
}

/// The site a bucket key stands for ([`key_of`] reversed); `None` for a key it cannot make.
pub fn site_of(key: &str) -> Option<String> {
    if key == "=" {
        return Some(String::new());
    }
    let b = key.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_site_name_makes_a_valid_key_and_comes_back() {
        for site in ["www.example.com", "الجزيرة نت", "a/b.c:8080", "", "x_y-z"] {
            let key = key_of(site);
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b)),
                "{key}"
            );
            assert_eq!(site_of(&key).as_deref(), Some(site));
        }
        assert_eq!(key_of("www.example.com"), "www=2Eexample=2Ecom");
        assert_eq!(site_of("bad=Z"), None);
    }
}

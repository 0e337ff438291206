//! Giving an article its story, against a shared [`Store`] of band keys and records.
//!
//! The band keys are claimed **in band order, one at a time**, each with create-if-absent: the
//! first article to create a key owns it. Claiming stops at the first key owned by a confirmed
//! near-duplicate, which becomes the article's parent; its story is the parent's story. An
//! article that claims every key without meeting one is the first of a new story.
//!
//! Why in order: an article only creates band `k` in this loop after it met no confirmed owner
//! on bands `0..k`. If A's parent is B and B created the key A lost in its own loop, at band
//! `k_A`, before its first loss at `k_B`, then `k_A < k_B`: band numbers grow along such chains
//! of parents, and no two articles wait for each other. Two first articles cannot share a band
//! key (one of them would have lost it), so copies processed at the same moment by different
//! replicas still agree on one story.
//!
//! The keys of the bands after the parent's are then read (in parallel) to find the earliest
//! near-duplicate for `duplicate_of`, and the ones still free are claimed too: a later copy that
//! is closer to this article than to its parent (a copy of a copy, edited the same way) finds it
//! there, instead of meeting only owners it does not resemble. Such a key is created after the
//! article has its parent, so whoever meets it waits at most for that article's decision, which
//! waits for no one; an article that finds its own id as that story ignores it.
//!
//! A band key owned by a relative that is not a copy (the same template on another date, a
//! report quoting the same statement) would hide the article from its own later copies, which
//! share the same band values: for such an owner the article goes on to the band's next slot
//! (`b.<band>.<hash>.<slot>`, up to [`SLOTS`]). Slots come after their band's first key in the
//! claiming order, so the argument above holds with keys ordered by band, then slot.

use std::collections::{HashMap, HashSet};
use std::future::Future;

use futures::future::join_all;

use super::confirm::{compare_sentences, conflict};
use super::record::{Decision, Fingerprint, Record};
use crate::extract::Story;

/// A record as stored, with the store's revision of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The record.
    pub record: Record,
    /// The store's revision of this record (grows with every write to the store).
    pub revision: u64,
}

impl Stored {
    /// The article's place in the order of arrival: the revision of its first record.
    fn seen(&self) -> u64 {
        self.record
            .decision
            .as_ref()
            .map_or(self.revision, |d| d.seen)
    }
}

/// Where the index lives: JetStream key-value in the service, memory offline. Keys and values
/// are opaque to the store; ids are article ids.
pub trait Store {
    /// Why the store could not answer.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The record of an article, if stored.
    fn record(&self, id: &str) -> impl Future<Output = Result<Option<Stored>, Self::Error>> + Send;

    /// The record of an article whose story may still be being decided elsewhere: waits a
    /// bounded time for its decision, then returns what is stored.
    fn settled(&self, id: &str)
        -> impl Future<Output = Result<Option<Stored>, Self::Error>> + Send;

    /// Stores an article's record; returns its revision.
    fn put(
        &self,
        id: &str,
        record: &Record,
    ) -> impl Future<Output = Result<u64, Self::Error>> + Send;

    /// Creates band key `key` owned by `id` if absent; returns the key's owner.
    fn claim(
        &self,
        key: &str,
        id: &str,
    ) -> impl Future<Output = Result<String, Self::Error>> + Send;

    /// The owner of band key `key`, if any, without claiming it.
    fn owner(&self, key: &str) -> impl Future<Output = Result<Option<String>, Self::Error>> + Send;
}

/// Keys per band value: the first one and the slots tried after owners that are relatives.
pub const SLOTS: usize = 3;

/// Share of the shorter body found in the other (trigram containment) that makes an owner that
/// is not a copy a relative, whose key is not enough to meet the article's own copies.
pub const RELATIVE_SHARE: f64 = 0.4;

/// The store key of band `index` with hash `hash`, in slot `slot` (0: the band's first key).
pub fn band_key(index: usize, slot: usize, hash: u64) -> String {
    if slot == 0 {
        format!("b.{index}.{hash:016x}")
    } else {
        format!("b.{index}.{hash:016x}.{slot}")
    }
}

/// A confirmed near-duplicate.
#[derive(Debug, Clone)]
struct Candidate {
    id: String,
    story: String,
    similarity: f64,
    seen: u64,
}

/// What comparing the article with a key's owner found.
#[derive(Debug, Clone)]
struct Checked {
    /// The owner, when it is a near-duplicate.
    candidate: Option<Candidate>,
    /// Whether the owner, not a near-duplicate, shares [`RELATIVE_SHARE`] of the shorter body.
    relative: bool,
}

/// Gives article `id` with fingerprint `fp` its story, recording the decision in `store`.
/// A page seen again (a redelivery, an exact copy) gets the decision already recorded.
pub async fn assign<S: Store>(
    store: &S,
    id: &str,
    fp: &Fingerprint,
    threshold: f64,
) -> Result<Story, S::Error> {
    if let Some(Stored {
        record: Record {
            decision: Some(d), ..
        },
        ..
    }) = store.record(id).await?
    {
        return Ok(story_of(d));
    }
    let pending = Record {
        fingerprint: fp.clone(),
        decision: None,
    };
    let seen = store.put(id, &pending).await?;
    let mut met: HashMap<String, Option<Candidate>> = HashMap::new();
    let mut relatives: HashSet<String> = HashSet::new();
    let mut parent = None;
    'bands: for (i, &band) in fp.bands.iter().enumerate() {
        for slot in 0..SLOTS {
            let owner = store.claim(&band_key(i, slot, band), id).await?;
            if owner == id {
                continue 'bands;
            }
            if !met.contains_key(&owner) {
                let checked = confirm(store, id, fp, &owner, threshold, true).await?;
                if let Some(c) = checked.candidate {
                    parent = Some((i, c));
                    break 'bands;
                }
                if checked.relative {
                    relatives.insert(owner.clone());
                }
                met.insert(owner.clone(), None);
            }
            if !relatives.contains(&owner) {
                continue 'bands;
            }
        }
    }
    let decision = match parent {
        None => Decision {
            story: id.to_string(),
            duplicate_of: None,
            similarity: None,
            seen,
        },
        Some((band, parent)) => {
            let earliest = earliest_of_story(store, id, fp, threshold, band, parent, &met).await?;
            Decision {
                story: earliest.story,
                duplicate_of: Some(earliest.id),
                similarity: Some(earliest.similarity),
                seen,
            }
        }
    };
    let decided = Record {
        fingerprint: pending.fingerprint,
        decision: Some(decision.clone()),
    };
    store.put(id, &decided).await?;
    Ok(story_of(decision))
}

/// The story among the parent and the confirmed owners of the bands after `band` (read, and
/// claimed when free; only owners already decided count): the story of the most similar one.
/// Returns the earliest of them in that story.
async fn earliest_of_story<S: Store>(
    store: &S,
    id: &str,
    fp: &Fingerprint,
    threshold: f64,
    band: usize,
    parent: Candidate,
    met: &HashMap<String, Option<Candidate>>,
) -> Result<Candidate, S::Error> {
    let keys: Vec<String> = fp
        .bands
        .iter()
        .enumerate()
        .skip(band + 1)
        .map(|(i, &h)| band_key(i, 0, h))
        .collect();
    let owners = join_all(keys.iter().map(|k| owner_or_claim(store, k, id))).await;
    let mut fresh: Vec<String> = Vec::new();
    for owner in owners {
        if let Some(o) = owner? {
            if o != id && !met.contains_key(&o) && !fresh.contains(&o) {
                fresh.push(o);
            }
        }
    }
    let others = join_all(
        fresh
            .iter()
            .map(|o| confirm(store, id, fp, o, threshold, false)),
    )
    .await;
    let mut found = vec![parent];
    for c in others {
        found.extend(c?.candidate);
    }
    let mut best = &found[0];
    for c in &found {
        if c.similarity > best.similarity {
            best = c;
        }
    }
    let mut earliest = best;
    for c in &found {
        if c.story == best.story && c.seen < earliest.seen {
            earliest = c;
        }
    }
    Ok(earliest.clone())
}

/// The owner of band key `key`, which the article claims when no one owns it yet.
async fn owner_or_claim<S: Store>(
    store: &S,
    key: &str,
    id: &str,
) -> Result<Option<String>, S::Error> {
    match store.owner(key).await? {
        Some(owner) => Ok(Some(owner)),
        None => store.claim(key, id).await.map(Some),
    }
}

/// Whether `owner` is a near-duplicate of the article: its record confirms the fingerprint, its
/// story is known (waited for when `wait`, else taken only when already decided), is not the
/// article's own, and the story's first article states no conflicting facts either. An owner
/// that is not one, and shares [`RELATIVE_SHARE`] of the shorter body, is a relative.
async fn confirm<S: Store>(
    store: &S,
    id: &str,
    fp: &Fingerprint,
    owner: &str,
    threshold: f64,
    wait: bool,
) -> Result<Checked, S::Error> {
    let Some(stored) = store.record(owner).await? else {
        return Ok(Checked {
            candidate: None,
            relative: false,
        });
    };
    let theirs = &stored.record.fingerprint;
    let comparison = compare_sentences(&fp.tokens, &fp.starts, &theirs.tokens, &theirs.starts);
    let relative = comparison.similarity >= RELATIVE_SHARE;
    let candidate = if comparison.confirms(threshold) {
        candidate(store, id, fp, owner, &stored, comparison.similarity, wait).await?
    } else {
        None
    };
    Ok(Checked {
        relative: relative && candidate.is_none(),
        candidate,
    })
}

/// The candidate an owner whose record confirms the fingerprint makes, when its story is known
/// and is not the article's own, and the story's first article states no conflicting facts.
async fn candidate<S: Store>(
    store: &S,
    id: &str,
    fp: &Fingerprint,
    owner: &str,
    stored: &Stored,
    similarity: f64,
    wait: bool,
) -> Result<Option<Candidate>, S::Error> {
    let seen = stored.seen();
    let story = match &stored.record.decision {
        Some(d) => d.story.clone(),
        None if wait => match store.settled(owner).await? {
            Some(Stored {
                record: Record {
                    decision: Some(d), ..
                },
                ..
            }) => d.story,
            _ => owner.to_string(),
        },
        None => return Ok(None),
    };
    if story == id {
        return Ok(None);
    }
    if story != owner {
        if let Some(root) = store.record(&story).await? {
            if conflict(&fp.tokens, &root.record.fingerprint.tokens).is_some() {
                return Ok(None);
            }
        }
    }
    Ok(Some(Candidate {
        id: owner.to_string(),
        story,
        similarity,
        seen,
    }))
}

fn story_of(d: Decision) -> Story {
    Story {
        id: d.story,
        duplicate_of: d.duplicate_of,
        similarity: d.similarity.map(|s| (s * 1000.0).round() / 1000.0),
    }
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::sync::Mutex;
    use std::task::{Context, Poll};

    use super::*;
    use crate::stories::memory::MemoryStore;
    use crate::stories::Shape;

    /// A future that is pending `n` times before it is ready: lets other tasks run in between.
    struct Yield(u32);

    impl Future for Yield {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 == 0 {
                return Poll::Ready(());
            }
            self.0 -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    /// The in-memory store with every operation delayed by a random number of turns, so that
    /// many assignments running together interleave their claims in every order.
    struct Racing {
        inner: MemoryStore,
        rng: Mutex<u64>,
    }

    impl Racing {
        fn new(seed: u64) -> Racing {
            Racing {
                inner: MemoryStore::new(),
                rng: Mutex::new(seed | 1),
            }
        }

        fn turns(&self) -> Yield {
            let mut x = self.rng.lock().unwrap();
            *x ^= *x << 13;
            *x ^= *x >> 7;
            *x ^= *x << 17;
            Yield((*x % 6) as u32)
        }
    }

    impl Store for Racing {
        type Error = std::convert::Infallible;

        async fn record(&self, id: &str) -> Result<Option<Stored>, Self::Error> {
            self.turns().await;
            self.inner.record(id).await
        }

        async fn settled(&self, id: &str) -> Result<Option<Stored>, Self::Error> {
            for _ in 0..10_000 {
                let stored = self.inner.record(id).await?;
                if stored.as_ref().is_some_and(|s| s.record.decision.is_some()) {
                    return Ok(stored);
                }
                Yield(1).await;
            }
            self.inner.record(id).await
        }

        async fn put(&self, id: &str, record: &Record) -> Result<u64, Self::Error> {
            self.turns().await;
            self.inner.put(id, record).await
        }

        async fn claim(&self, key: &str, id: &str) -> Result<String, Self::Error> {
            self.turns().await;
            self.inner.claim(key, id).await
        }

        async fn owner(&self, key: &str) -> Result<Option<String>, Self::Error> {
            self.turns().await;
            self.inner.owner(key).await
        }
    }

    /// Copy `k` of a 200-word report: a run of eight words dropped after the opening (which
    /// copies keep) and one word changed, at places that depend on `k`.
    fn copy(k: usize) -> String {
        let cut = 20 + (k * 37) % 160;
        (0..200)
            .filter(|i| !(cut..cut + 8).contains(i))
            .map(|i| {
                if i == (k * 53) % 200 {
                    format!("edit{k}")
                } else {
                    format!("w{i}")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn copies_racing_for_band_keys_still_make_exactly_one_first() {
        for seed in 1..=40 {
            let store = Racing::new(seed * 7919);
            let ids: Vec<String> = (0..20).map(|k| format!("copy{k}")).collect();
            let fps: Vec<Fingerprint> = (0..20)
                .map(|k| Fingerprint::of(&copy(k), Shape::default()))
                .collect();
            let stories = futures::executor::block_on(join_all(
                ids.iter()
                    .zip(&fps)
                    .map(|(id, fp)| assign(&store, id, fp, 0.6)),
            ));
            let stories: Vec<Story> = stories.into_iter().map(|s| s.unwrap()).collect();
            let firsts: Vec<&String> = ids
                .iter()
                .zip(&stories)
                .filter(|(_, s)| s.duplicate_of.is_none())
                .map(|(id, _)| id)
                .collect();
            assert_eq!(firsts.len(), 1, "seed {seed}: {stories:?}");
            for s in &stories {
                assert_eq!(&s.id, firsts[0], "seed {seed}: {stories:?}");
            }
        }
    }

    use crate::stories::made_up::words;

    #[test]
    fn a_copy_edited_like_an_earlier_copy_finds_that_copy() {
        // B keeps 60 of A's 100 words and adds 40; C keeps 40 of them and B's 40: C is too far
        // from A to confirm it, and close to B. B meets A on band 0, so it claims no key before
        // finding its parent: C can only meet B on a key B claimed after that.
        let a = words('u', 0..100).join(" ");
        let b = [words('u', 0..60), words('y', 0..40)].concat().join(" ");
        let c = [words('u', 0..40), words('y', 0..40), words('z', 0..20)]
            .concat()
            .join(" ");
        let fp = |text: &str| Fingerprint::of(text, Shape::default());
        let (fa, fb, fc) = (fp(&a), fp(&b), fp(&c));
        assert_eq!(fb.bands[0], fa.bands[0]);
        assert!(
            (1..fc.bands.len()).any(|j| fc.bands[j] == fb.bands[j] && fc.bands[j] != fa.bands[j])
        );
        assert!(!compare_sentences(&fc.tokens, &fc.starts, &fa.tokens, &fa.starts).confirms(0.6));
        assert!(compare_sentences(&fc.tokens, &fc.starts, &fb.tokens, &fb.starts).confirms(0.6));
        let store = MemoryStore::new();
        let run = |id, f| futures::executor::block_on(assign(&store, id, f, 0.6)).unwrap();
        assert_eq!(run("a", &fa).id, "a");
        assert_eq!(run("b", &fb).id, "a");
        let story = run("c", &fc);
        assert_eq!(story.id, "a", "{story:?}");
        assert_eq!(story.duplicate_of.as_deref(), Some("b"));
    }

    #[test]
    fn a_copy_of_a_copy_joins_the_first_story() {
        let store = MemoryStore::new();
        let fp = |text: &str| Fingerprint::of(text, Shape::default());
        let a = futures::executor::block_on(assign(&store, "a", &fp(&copy(0)), 0.6)).unwrap();
        let b = futures::executor::block_on(assign(&store, "b", &fp(&copy(1)), 0.6)).unwrap();
        let c = futures::executor::block_on(assign(&store, "c", &fp(&copy(2)), 0.6)).unwrap();
        assert_eq!((a.id.as_str(), a.duplicate_of), ("a", None));
        assert_eq!(b.id, "a");
        assert_eq!(c.id, "a");
        assert_eq!(
            c.duplicate_of.as_deref(),
            Some("a"),
            "the earliest copy found"
        );
    }

    #[test]
    fn a_template_twin_owning_the_band_keys_does_not_hide_the_copies_of_another_date() {
        // The same announcement in two years: A and B have the same band values and differ in
        // a fact. B loses every first key to A, which is not its copy; without a slot of its
        // own, B's copy C would meet only A.
        let text = |year: &str| {
            let mut w = words('u', 0..200);
            w.insert(100, year.to_string());
            w.join(" ")
        };
        let fp = |text: &str| Fingerprint::of(text, Shape::default());
        let (fa, fb) = (fp(&text("2019")), fp(&text("2020")));
        assert_eq!(fa.bands, fb.bands);
        let c = compare_sentences(&fb.tokens, &fb.starts, &fa.tokens, &fa.starts);
        assert!(c.similarity >= RELATIVE_SHARE && !c.confirms(0.6), "{c:?}");
        let store = MemoryStore::new();
        let run = |id, f| futures::executor::block_on(assign(&store, id, f, 0.6)).unwrap();
        assert_eq!(run("a", &fa).id, "a");
        let b = run("b", &fb);
        assert_eq!((b.id.as_str(), b.duplicate_of.as_deref()), ("b", None));
        let copy = run("c", &fb);
        assert_eq!(copy.id, "b", "{copy:?}");
        assert_eq!(copy.duplicate_of.as_deref(), Some("b"));
    }

    #[test]
    fn slot_keys_follow_the_band_s_first_key() {
        assert_eq!(band_key(3, 0, 0xab), "b.3.00000000000000ab");
        assert_eq!(band_key(3, 2, 0xab), "b.3.00000000000000ab.2");
    }
}

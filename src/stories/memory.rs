//! The index in memory: for `akhbar clean` and `akhbar stories` over files, and for tests. Its
//! answers are immediate, so every decision is settled by the time another article asks.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::future::{ready, Future};
use std::sync::{Mutex, MutexGuard};

use super::groups::{join, Joined, Member};
use super::index::{assign, Store, Stored};
use super::minhash::Shape;
use super::record::{Fingerprint, Record};
use crate::extract::Article;

/// An index held in memory, shared by reference.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    records: HashMap<String, Stored>,
    bands: HashMap<String, String>,
    revision: u64,
}

impl MemoryStore {
    /// An empty index.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Store for MemoryStore {
    type Error = Infallible;

    fn record(&self, id: &str) -> impl Future<Output = Result<Option<Stored>, Infallible>> + Send {
        ready(Ok(self.lock().records.get(id).cloned()))
    }

    fn settled(&self, id: &str) -> impl Future<Output = Result<Option<Stored>, Infallible>> + Send {
        self.record(id)
    }

    fn put(
        &self,
        id: &str,
        record: &Record,
    ) -> impl Future<Output = Result<u64, Infallible>> + Send {
        let mut inner = self.lock();
        inner.revision += 1;
        let revision = inner.revision;
        inner.records.insert(
            id.to_string(),
            Stored {
                record: record.clone(),
                revision,
            },
        );
        ready(Ok(revision))
    }

    fn claim(
        &self,
        key: &str,
        id: &str,
    ) -> impl Future<Output = Result<String, Infallible>> + Send {
        let mut inner = self.lock();
        let owner = match inner.bands.get(key) {
            Some(owner) => owner.clone(),
            None => {
                inner.revision += 1;
                inner.bands.insert(key.to_string(), id.to_string());
                id.to_string()
            }
        };
        ready(Ok(owner))
    }

    fn owner(&self, key: &str) -> impl Future<Output = Result<Option<String>, Infallible>> + Send {
        ready(Ok(self.lock().bands.get(key).cloned()))
    }
}

/// Stories among articles seen one after another, offline: each article is compared with the
/// ones before it, as the service would see them arriving in this order; once all were seen,
/// [`Offline::settled`] joins the stories of copies that met only later ([`super::groups`]).
#[derive(Debug)]
pub struct Offline {
    store: MemoryStore,
    threshold: f64,
    shape: Shape,
    seen: Mutex<Log>,
}

/// The articles annotated, in order, each once.
#[derive(Debug, Default)]
struct Log {
    list: Vec<Seen>,
    ids: HashSet<String>,
}

/// An article as annotated on arrival.
#[derive(Debug)]
struct Seen {
    id: String,
    fingerprint: Fingerprint,
    story: String,
    duplicate_of: Option<(String, f64)>,
}

/// The stories of a finished set of articles, by article id.
#[derive(Debug, Default)]
pub struct Settled {
    joined: HashMap<String, Joined>,
}

impl Settled {
    /// Gives an annotated article its story in the whole set: the joined story's id, and the
    /// earliest article before it found to be its copy.
    pub fn apply(&self, article: &mut Article) {
        let (Some(story), Some(joined)) = (article.story.as_mut(), self.joined.get(&article.id))
        else {
            return;
        };
        story.id.clone_from(&joined.story);
        if let Some((id, similarity)) = &joined.earlier {
            story.duplicate_of = Some(id.clone());
            story.similarity = Some((similarity * 1000.0).round() / 1000.0);
        }
    }
}

impl Offline {
    /// An empty offline index confirming near-duplicates at `threshold`.
    pub fn new(threshold: f64) -> Offline {
        Offline {
            store: MemoryStore::new(),
            threshold,
            shape: Shape::default(),
            seen: Mutex::new(Log::default()),
        }
    }

    /// The stories of all the articles annotated so far, joined across the whole set.
    pub fn settled(&self) -> Settled {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let members: Vec<Member<'_>> = seen
            .list
            .iter()
            .map(|s| Member {
                id: &s.id,
                fingerprint: &s.fingerprint,
                story: &s.story,
                duplicate_of: s.duplicate_of.as_ref().map(|(id, v)| (id.as_str(), *v)),
            })
            .collect();
        let joined = join(&members, self.threshold);
        Settled {
            joined: seen.list.iter().map(|s| s.id.clone()).zip(joined).collect(),
        }
    }

    /// Sets the article's `story` among the articles given before it.
    pub fn annotate(&self, article: &mut Article) {
        let fp = Fingerprint::of(&article.body, self.shape);
        let assigned =
            futures::executor::block_on(assign(&self.store, &article.id, &fp, self.threshold));
        let story = match assigned {
            Ok(story) => story,
            Err(never) => match never {},
        };
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.ids.insert(article.id.clone()) {
            seen.list.push(Seen {
                id: article.id.clone(),
                fingerprint: fp,
                story: story.id.clone(),
                duplicate_of: story.duplicate_of.clone().zip(story.similarity),
            });
        }
        article.story = Some(story);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{extract, PageMeta};

    fn article(body: &str) -> Article {
        let page = format!("<html><body><article><p>{body}</p></article></body></html>");
        extract(
            page.as_bytes(),
            &PageMeta {
                url: Some("https://example.com/a".into()),
                content_type: Some("text/html; charset=utf-8".into()),
            },
        )
        .expect("an article")
    }

    const STORY: &str =
        "أعلنت وزارة الصحة في بيان صدر صباح اليوم أن فرق الإسعاف نقلت جميع المصابين \
        في حادث انقلاب الحافلة على الطريق الصحراوي إلى المستشفيات القريبة، وأن حالة معظمهم \
        مستقرة. وأضافت الوزارة أن لجنة فنية بدأت التحقيق لمعرفة أسباب الحادث وأن النتائج ستعلن \
        خلال أيام. ودعت الوزارة السائقين إلى الالتزام بالسرعات المقررة على الطرق السريعة.";

    #[test]
    fn copies_join_the_first_article_and_other_stories_stay_apart() {
        let index = Offline::new(crate::stories::DEFAULT_THRESHOLD);
        let mut first = article(STORY);
        let mut copy = article(&format!(
            "القاهرة - وكالات: {STORY} وتابعونا لمزيد من الأخبار."
        ));
        let mut other = article(
            "فاز المنتخب الوطني على نظيره بهدفين مقابل هدف في المباراة الودية التي أقيمت مساء \
             أمس على ملعب العاصمة، وسجل المهاجم الهدف الثاني في الدقائق الأخيرة من اللقاء.",
        );
        for a in [&mut first, &mut copy, &mut other] {
            index.annotate(a);
        }
        let story = |a: &Article| a.story.clone().expect("a story");
        assert_eq!(story(&first).id, first.id);
        assert_eq!(story(&first).duplicate_of, None);
        assert_eq!(story(&copy).id, first.id);
        assert_eq!(
            story(&copy).duplicate_of.as_deref(),
            Some(first.id.as_str())
        );
        assert!(story(&copy).similarity.is_some_and(|s| s > 0.9));
        assert_eq!(story(&other).id, other.id);
    }

    #[test]
    fn the_same_article_again_gets_the_same_story() {
        let index = Offline::new(crate::stories::DEFAULT_THRESHOLD);
        let mut a = article(STORY);
        index.annotate(&mut a);
        let mut again = a.clone();
        again.story = None;
        index.annotate(&mut again);
        assert_eq!(a.story, again.story);
    }
}

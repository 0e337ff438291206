//! Stories among a finished set of articles, as `akhbar stories` and `akhbar clean` print them
//! once every input was read.
//!
//! Arriving one by one, an article joins the story of a copy it meets and cannot change the
//! stories decided before it: two copies that do not confirm each other (one added its own lead,
//! the other dropped a passage) each start a story, and the third copy that confirms both joins
//! only one. With the whole set at hand, every pair of articles sharing [`MIN_BANDS`] band values
//! is compared, and the stories of two confirmed copies become one, whose id is its earliest
//! article's. Two stories are not joined when their first articles, or either copy and the other
//! story's first article, state conflicting facts (a chain of template announcements must not
//! reach from one date to another).

use std::collections::HashMap;

use super::confirm::{compare_sentences, conflict};
use super::record::Fingerprint;

/// Band values two articles must share to be compared: one shared band is the chance collision
/// of two unrelated bodies' commonest word pair.
pub const MIN_BANDS: usize = 2;

/// Members of one band value compared with each new article, the latest first: bounds the
/// work a common band value (a stock phrase) makes.
pub const BUCKET_CAP: usize = 64;

/// One article of the set, in order of arrival.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The article's id.
    pub id: &'a str,
    /// Its fingerprint.
    pub fingerprint: &'a Fingerprint,
    /// The story it was given on arrival.
    pub story: &'a str,
    /// The copy it was found to duplicate on arrival, with the similarity, if any.
    pub duplicate_of: Option<(&'a str, f64)>,
}

/// What the whole set says of one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    /// Id of the first article of its story.
    pub story: String,
    /// The earliest article before it found to be its copy (on arrival, or comparing the whole
    /// set), with the similarity, if any.
    pub earlier: Option<(String, f64)>,
}

/// The story of every member (same order), with the stories of confirmed copies joined.
pub fn join(members: &[Member<'_>], threshold: f64) -> Vec<Joined> {
    let index: HashMap<&str, usize> = members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let mut sets = Sets::new(members.len());
    let mut earlier: Vec<Option<(usize, f64)>> = vec![None; members.len()];
    for (i, m) in members.iter().enumerate() {
        if let Some(&j) = index.get(m.story) {
            sets.union(i, j);
        }
        earlier[i] = m
            .duplicate_of
            .and_then(|(id, s)| index.get(id).map(|&j| (j, s)));
    }
    let mut buckets: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        let mut met: HashMap<usize, usize> = HashMap::new();
        for (band, &hash) in m.fingerprint.bands.iter().enumerate() {
            let bucket = buckets.entry((band, hash)).or_default();
            for &j in bucket.iter().rev().take(BUCKET_CAP) {
                *met.entry(j).or_default() += 1;
            }
            bucket.push(i);
        }
        let mut candidates: Vec<usize> = met
            .into_iter()
            .filter(|&(_, n)| n >= MIN_BANDS)
            .map(|(j, _)| j)
            .collect();
        candidates.sort_unstable();
        for j in candidates {
            let (a, b) = (m.fingerprint, members[j].fingerprint);
            let c = compare_sentences(&a.tokens, &a.starts, &b.tokens, &b.starts);
            if !c.confirms(threshold) {
                continue;
            }
            if earlier[i].is_none_or(|(e, _)| j < e) {
                earlier[i] = Some((j, c.similarity));
            }
            let (ri, rj) = (sets.find(i), sets.find(j));
            if ri == rj {
                continue;
            }
            let root = |r: usize| &members[r].fingerprint.tokens;
            let apart = conflict(root(ri), root(rj)).is_some()
                || conflict(&a.tokens, root(rj)).is_some()
                || conflict(&b.tokens, root(ri)).is_some();
            if !apart {
                sets.union(ri, rj);
            }
        }
    }
    (0..members.len())
        .map(|i| Joined {
            story: members[sets.find(i)].id.to_string(),
            earlier: earlier[i].map(|(j, s)| (members[j].id.to_string(), s)),
        })
        .collect()
}

/// Disjoint sets of member indices; a set's representative is its earliest member.
struct Sets {
    parent: Vec<usize>,
}

impl Sets {
    fn new(n: usize) -> Sets {
        Sets {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (keep, join) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        self.parent[join] = keep;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stories::made_up::words;
    use crate::stories::Shape;

    fn fp(text: &str) -> Fingerprint {
        Fingerprint::of(text, Shape::default())
    }

    fn stories(members: &[(&str, &Fingerprint, &str)]) -> Vec<Joined> {
        let members: Vec<Member<'_>> = members
            .iter()
            .map(|&(id, fingerprint, story)| Member {
                id,
                fingerprint,
                story,
                duplicate_of: None,
            })
            .collect();
        join(&members, 0.6)
    }

    #[test]
    fn a_copy_confirming_two_stories_joins_them_under_the_earliest_article() {
        // B keeps 60 of A's 100 words and adds 40; C keeps 40 of A's and B's 40: C does not
        // confirm A, so arriving after A and before B it started a story of its own.
        let a = fp(&words('u', 0..100).join(" "));
        let b = fp(&[words('u', 0..60), words('y', 0..40)].concat().join(" "));
        let c = fp(&[words('u', 0..40), words('y', 0..40), words('z', 0..20)]
            .concat()
            .join(" "));
        let joined = stories(&[("a", &a, "a"), ("c", &c, "c"), ("b", &b, "a")]);
        let ids: Vec<&str> = joined.iter().map(|j| j.story.as_str()).collect();
        assert_eq!(ids, ["a", "a", "a"]);
        assert_eq!(joined[1].earlier, None, "nothing before C confirms it");
        assert_eq!(joined[2].earlier.as_ref().map(|e| e.0.as_str()), Some("a"));
    }

    #[test]
    fn stories_whose_first_articles_state_other_years_stay_apart() {
        // A names 2019, C 2020; B names no year and confirms both: it joined A's story on
        // arrival, and C's story must not reach A's through it.
        let text = |year: Option<&str>| {
            let mut w = words('u', 0..200);
            if let Some(y) = year {
                w.insert(100, y.to_string());
            }
            w.join(" ")
        };
        let (a, b, c) = (
            fp(&text(Some("2019"))),
            fp(&text(None)),
            fp(&text(Some("2020"))),
        );
        let joined = stories(&[("a", &a, "a"), ("b", &b, "a"), ("c", &c, "c")]);
        let ids: Vec<&str> = joined.iter().map(|j| j.story.as_str()).collect();
        assert_eq!(ids, ["a", "a", "c"]);
    }

    #[test]
    fn unrelated_articles_keep_their_own_stories() {
        let a = fp(&words('u', 0..80).join(" "));
        let b = fp(&words('y', 0..80).join(" "));
        let joined = stories(&[("a", &a, "a"), ("b", &b, "b")]);
        assert_eq!(joined[0].story, "a");
        assert_eq!(joined[1].story, "b");
        assert_eq!(joined[1].earlier, None);
    }
}

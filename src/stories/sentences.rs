//! Sentence alignment: which sentences of one body another body holds, in the same order.
//!
//! A sentence is found in the other body when half its words sit in word trigrams standing
//! close together there (within about its length, so that a name from one paragraph and a
//! stock phrase from another do not add up), or when one sentence there holds
//! [`WORD_SHARE`] of its content words (function words left out): a copy reworded by swapping
//! synonyms keeps most of them. Sentences are weighed by their words; the heaviest run of
//! sentences found in the same order in both bodies is kept. What a body holds before it (a
//! lead), between its parts (sentences of its own, or reworded beyond recognition) and after
//! it (where a capture was cut, or a paragraph added) is measured apart: [`Found`].

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use super::tokens::{kind, tokens, Kind, Token};

/// The sentences of a body: token ranges, from the sentence starts (ascending token indices).
pub fn spans(len: usize, starts: &[usize]) -> Vec<Range<usize>> {
    let mut cuts: Vec<usize> = starts.iter().copied().filter(|&s| s < len).collect();
    cuts.sort_unstable();
    cuts.dedup();
    if cuts.first() != Some(&0) && len > 0 {
        cuts.insert(0, 0);
    }
    cuts.iter()
        .enumerate()
        .map(|(k, &s)| s..cuts.get(k + 1).copied().unwrap_or(len))
        .filter(|r| !r.is_empty())
        .collect()
}

/// Share of a sentence's tokens inside a trigram the other body has that makes it found.
pub const TRIGRAM_SHARE: f64 = 0.5;

/// Share of a sentence's content words one sentence of the other body has that makes it found
/// (reworded).
pub const WORD_SHARE: f64 = 0.7;

/// Share of a sentence's content words one sentence of the other body has that makes it a
/// rewording rather than a sentence of its own.
pub const LOOSE_SHARE: f64 = 0.45;

/// How one body's sentences are found in another, in order, by weight (tokens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Found {
    /// Tokens of the sentences found, in the order of the other body.
    pub found: usize,
    /// Tokens before the first sentence found.
    pub lead: usize,
    /// Tokens of the sentences between the first and the last found that are neither found
    /// nor reworded there (no sentence of the other body has [`LOOSE_SHARE`] of their content
    /// words).
    pub gaps: usize,
    /// Tokens of the sentences between the first and the last found that are not found but
    /// have [`LOOSE_SHARE`] of their content words in one sentence of the other body.
    pub loose: usize,
    /// Tokens after the last sentence found.
    pub tail: usize,
}

impl Found {
    /// Tokens from the first to the last sentence found.
    fn span(&self) -> usize {
        self.found + self.loose + self.gaps
    }

    /// Whether at most [`OWN_SHARE`] of the span is sentences the other body has nothing like.
    pub fn few_gaps(&self) -> bool {
        self.gaps as f64 <= OWN_SHARE * self.span() as f64
    }

    /// Whether the body is, from its first to its last sentence found, the other body's
    /// sentences: at most [`OWN_SHARE`] of the span is sentences not found there, reworded ones
    /// included.
    pub fn copied(&self) -> bool {
        self.found > 0 && (self.gaps + self.loose) as f64 <= OWN_SHARE * self.span() as f64
    }

    /// Share (0–1) of the whole body found or reworded in the other.
    pub fn coverage(&self) -> f64 {
        let total = self.lead + self.span() + self.tail;
        if total == 0 {
            0.0
        } else {
            (self.found + self.loose) as f64 / total as f64
        }
    }
}

/// Share of a body, between its first and last sentence found, that may be sentences it does
/// not share with the other.
pub const OWN_SHARE: f64 = 0.3;

/// Which sentences of `x` (sentence starts `xs`) body `y` holds, and in which order.
pub fn found(x: &[Token], xs: &[usize], y: &[Token], ys: &[usize]) -> Found {
    let sx = spans(x.len(), xs);
    let sy = spans(y.len(), ys);
    let mut first: HashMap<[Token; 3], usize> = HashMap::new();
    for (i, w) in y.windows(3).enumerate() {
        first.entry([w[0], w[1], w[2]]).or_insert(i);
    }
    let content_y: Vec<HashSet<Token>> = sy.iter().map(|r| content(&y[r.clone()])).collect();
    // Per sentence of x: where in y it was found, and the best share of its content words in
    // one sentence of y.
    let mut place = Vec::with_capacity(sx.len());
    let mut shares = Vec::with_capacity(sx.len());
    for r in &sx {
        let s = &x[r.clone()];
        let (best, share) = best_sentence(s, &content_y);
        shares.push(share);
        place
            .push(by_trigrams(s, &first).or_else(|| (share >= WORD_SHARE).then(|| sy[best].start)));
    }
    let kept = increasing(&sx, &place);
    let Some((&lo, &hi)) = kept.first().zip(kept.last()) else {
        return Found {
            tail: x.len(),
            ..Found::default()
        };
    };
    let mut found = Found {
        lead: sx[..lo].iter().map(Range::len).sum(),
        tail: sx[hi + 1..].iter().map(Range::len).sum(),
        ..Found::default()
    };
    for k in lo..=hi {
        let len = sx[k].len();
        if kept.binary_search(&k).is_ok() {
            found.found += len;
        } else if shares[k] >= LOOSE_SHARE {
            found.loose += len;
        } else {
            found.gaps += len;
        }
    }
    found
}

/// The sentence of the other body that has the largest share of the content words of `s`
/// (at least four), and that share (0 when `s` has fewer).
fn best_sentence(s: &[Token], content_y: &[HashSet<Token>]) -> (usize, f64) {
    let mine = content(s);
    if mine.len() < 4 {
        return (0, 0.0);
    }
    content_y
        .iter()
        .enumerate()
        .map(|(k, theirs)| {
            (
                k,
                mine.intersection(theirs).count() as f64 / mine.len() as f64,
            )
        })
        .fold((0, 0.0), |acc, c| if c.1 > acc.1 { c } else { acc })
}

/// Where sentence `s` sits in the other body by its trigrams, when [`TRIGRAM_SHARE`] of its
/// tokens are in trigrams found close together there (within about the sentence's length): the
/// median place of those trigrams. Trigrams scattered over the other body (a name here, a stock
/// phrase there) do not make a sentence found.
fn by_trigrams(s: &[Token], first: &HashMap<[Token; 3], usize>) -> Option<usize> {
    if s.len() < 3 {
        return None;
    }
    let mut hits: Vec<(usize, usize)> = s
        .windows(3)
        .enumerate()
        .filter_map(|(i, w)| first.get(&[w[0], w[1], w[2]]).map(|&p| (p, i)))
        .collect();
    hits.sort_unstable();
    let width = s.len() + s.len() / 2 + 3;
    let mut best: Option<(usize, usize)> = None;
    let mut mask = vec![false; s.len()];
    for (k, &(from, _)) in hits.iter().enumerate() {
        mask.fill(false);
        let window: Vec<usize> = hits[k..]
            .iter()
            .take_while(|&&(p, _)| p < from + width)
            .map(|&(p, i)| {
                mask[i..i + 3].fill(true);
                p
            })
            .collect();
        let covered = mask.iter().filter(|&&m| m).count();
        if best.is_none_or(|(c, _)| covered > c) {
            best = Some((covered, window[window.len() / 2]));
        }
    }
    let (covered, place) = best?;
    (covered as f64 >= TRIGRAM_SHARE * s.len() as f64).then_some(place)
}

/// The sentences kept in order: the heaviest subsequence whose places in the other body grow.
fn increasing(sx: &[Range<usize>], place: &[Option<usize>]) -> Vec<usize> {
    let idx: Vec<usize> = (0..sx.len()).filter(|&k| place[k].is_some()).collect();
    let mut best = vec![0usize; idx.len()];
    let mut prev = vec![usize::MAX; idx.len()];
    for (a, &k) in idx.iter().enumerate() {
        best[a] = sx[k].len();
        for (b, &j) in idx[..a].iter().enumerate() {
            if place[j] <= place[k] && best[b] + sx[k].len() > best[a] {
                best[a] = best[b] + sx[k].len();
                prev[a] = b;
            }
        }
    }
    let Some(mut at) = (0..idx.len()).max_by_key(|&a| best[a]) else {
        return Vec::new();
    };
    let mut kept = vec![idx[at]];
    while prev[at] != usize::MAX {
        at = prev[at];
        kept.push(idx[at]);
    }
    kept.reverse();
    kept
}

/// The content words of a sentence: words that are not function words, and values.
fn content(s: &[Token]) -> HashSet<Token> {
    let stop = stopwords();
    s.iter().copied().filter(|t| !stop.contains(t)).collect()
}

/// Function words (as tokens), which any two sentences share.
fn stopwords() -> &'static HashSet<Token> {
    static STOP: OnceLock<HashSet<Token>> = OnceLock::new();
    STOP.get_or_init(|| {
        tokens(
            "في من على إلى عن أن إن أو مع ما لا لم لن قد هذا هذه ذلك تلك التي الذي الذين كان \
             كانت يكون بعد قبل حيث كما ثم كل بين عند منذ خلال وقد وأن وإن إنه أنه فيه فيها \
             له لها به بها هو هي هم وهو وهي التى ضد غير أي اي حتى الى علي عليه عليها لقد \
             the of and to in a on for",
        )
        .into_iter()
        .filter(|&t| kind(t) == Kind::Word)
        .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::super::tokens::sentences_up_to;
    use super::*;

    fn found_in(x: &str, y: &str) -> Found {
        let (a, sa) = sentences_up_to(x, 512);
        let (b, sb) = sentences_up_to(y, 512);
        found(&a, &sa, &b, &sb)
    }

    fn len(text: &str) -> usize {
        tokens(text).len()
    }

    const FIRST: &str = "افتتح محافظ المدينة صباح اليوم الجسر الجديد فوق النهر بعد عامين من العمل.";
    const SECOND: &str =
        "وقال المحافظ إن الجسر سيخفف الزحام عن وسط المدينة ويختصر الطريق إلى المطار.";
    const THIRD: &str = "وحضر الافتتاح عدد من النواب وممثلي الشركات التي نفذت المشروع.";

    #[test]
    fn a_copy_with_a_lead_and_a_cut_is_found_sentence_by_sentence() {
        let copy = format!("نقلت الصحف المحلية الخبر التالي: \n{FIRST} {SECOND}");
        let original = format!("{FIRST} {SECOND} {THIRD}");
        let f = found_in(&copy, &original);
        assert_eq!(f.found, len(FIRST) + len(SECOND), "{f:?}");
        assert_eq!(f.lead, len("نقلت الصحف المحلية الخبر التالي"), "{f:?}");
        assert_eq!((f.gaps, f.loose, f.tail), (0, 0, 0), "{f:?}");
        let back = found_in(&original, &copy);
        assert_eq!((back.lead, back.tail), (0, len(THIRD)), "{back:?}");
        assert!(f.copied() && back.copied());
    }

    #[test]
    fn trigrams_scattered_over_the_other_body_do_not_find_a_sentence() {
        let run = |from: Token, n: Token| (from..from + n).collect::<Vec<Token>>();
        let sentence = [run(1, 5), run(100, 5), run(900, 2)].concat();
        let apart = [run(1, 5), run(500, 40), run(100, 5)].concat();
        let together = [run(500, 40), run(1, 5), run(100, 5)].concat();
        assert_eq!(found(&sentence, &[0], &apart, &[0, 5, 45]).found, 0);
        assert_eq!(found(&sentence, &[0], &together, &[0, 40]).found, 12);
    }

    #[test]
    fn a_sentence_reworded_with_synonyms_is_found_by_its_content_words() {
        let spun = "دشن محافظ المدينة صباح اليوم الجسر الجديد على النهر بعد سنتين من العمل.";
        let f = found_in(spun, FIRST);
        assert_eq!(f.found, len(spun), "{f:?}");
        let other = "زار وزير النقل صباح اليوم ورشة الطريق الساحلي بعد شكاوى السكان.";
        assert_eq!(found_in(other, FIRST).found, 0);
    }

    /// A spinner copy that swaps a verb and gives the months their other regional names: found
    /// only because the months still meet.
    #[test]
    fn a_reworded_sentence_naming_its_months_otherwise_is_found() {
        let original = "تبدأ العطلة الصيفية للمدارس مطلع حزيران وتنتهي أواخر أيلول.";
        let spun = "تنطلق العطلة الصيفية للمدارس مطلع يونيو وتنتهي أواخر سبتمبر.";
        let f = found_in(spun, original);
        assert_eq!((f.found, f.lead, f.tail), (len(spun), 0, 0), "{f:?}");
        let seasons = "تنطلق العطلة الصيفية للمدارس مطلع الربيع وتنتهي أواخر الخريف.";
        assert_eq!(found_in(seasons, original).found, 0);
    }

    #[test]
    fn sentences_of_its_own_and_reworded_ones_between_found_ones_are_told_apart() {
        let own = "وكان المجلس البلدي قد رصد ميزانية إضافية لتجهيز الحدائق العامة والملاعب.";
        let half =
            "وقال المحافظ إن الجسر الجديد سيقلل الزحام في وسط المدينة ويقرب المسافة نحو المطار.";
        let original = format!("{FIRST} {SECOND} {THIRD}");
        let f = found_in(&format!("{FIRST} {own} {THIRD}"), &original);
        assert_eq!(
            (f.found, f.gaps, f.loose),
            (len(FIRST) + len(THIRD), len(own), 0)
        );
        assert!(!f.copied() && !f.few_gaps(), "{f:?}");
        let f = found_in(&format!("{FIRST} {half} {THIRD}"), &original);
        assert_eq!((f.gaps, f.loose), (0, len(half)), "{f:?}");
        assert!(!f.copied() && f.few_gaps(), "{f:?}");
    }

    #[test]
    fn sentences_found_out_of_order_count_once() {
        let f = found_in(
            &format!("{FIRST} {SECOND} {THIRD}"),
            &format!("{THIRD} {FIRST} {SECOND}"),
        );
        assert_eq!(
            (f.found, f.tail),
            (len(FIRST) + len(SECOND), len(THIRD)),
            "{f:?}"
        );
    }

    #[test]
    fn empty_bodies_and_odd_starts_do_not_panic() {
        assert_eq!(found(&[], &[], &[], &[]), Found::default());
        assert_eq!(found_in("", FIRST), Found::default());
        assert_eq!(spans(5, &[4, 2, 2, 9]), vec![0..2, 2..4, 4..5]);
        assert!(spans(0, &[0]).is_empty());
        assert_eq!(Found::default().coverage(), 0.0);
    }
}

//! Confirming a candidate: how much of the shorter body the longer one holds, and whether the
//! two state different facts.
//!
//! Copies are often cut at different points (aggregators keep the start; a capture keeps a
//! prefix), get a lead added or a paragraph dropped, so the measure is containment, not
//! Jaccard: the share of the shorter body's words that sit in a word trigram the longer body
//! also has. Announcements written from one template on different days share nearly all their
//! words; what differs is the facts, so a pair is refused when its years or its weekdays (each
//! a set) have nothing in common, or when the values written in the same place (same word
//! before or after: numbers, years, weekdays, months) differ more often than they agree.
//! Months are not compared as sets: background sentences (`منذ يوليو 1999`) name other months
//! in faithful copies.

use std::collections::{HashMap, HashSet};

use super::tokens::{kind, Kind, Token};

/// Why two bodies are not one story although their words are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// Both name values of this kind (years, weekdays), and none in common.
    Disjoint(Kind),
    /// Numbers in the same place differ more often than they agree.
    Numbers,
}

/// The outcome of comparing two bodies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Share (0–1) of the shorter body's tokens inside a trigram the other body also has.
    pub similarity: f64,
    /// The facts that tell the two apart, if any.
    pub conflict: Option<Conflict>,
}

impl Comparison {
    /// Whether the two bodies are one story at `threshold`.
    pub fn confirms(&self, threshold: f64) -> bool {
        self.conflict.is_none() && self.similarity >= threshold
    }
}

/// Compares two token sequences.
pub fn compare(a: &[Token], b: &[Token]) -> Comparison {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    Comparison {
        similarity: containment(short, long),
        conflict: conflict(a, b),
    }
}

/// Share of `short`'s tokens covered by a trigram also found in `long`.
fn containment(short: &[Token], long: &[Token]) -> f64 {
    if short.is_empty() {
        return 0.0;
    }
    if short.len() < 3 {
        return if long.windows(short.len()).any(|w| w == short) {
            1.0
        } else {
            0.0
        };
    }
    let trigrams: HashSet<[Token; 3]> = long.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    let mut covered = vec![false; short.len()];
    for (i, w) in short.windows(3).enumerate() {
        if trigrams.contains(&[w[0], w[1], w[2]]) {
            covered[i..i + 3].fill(true);
        }
    }
    covered.iter().filter(|&&c| c).count() as f64 / short.len() as f64
}

/// The facts that set two bodies apart, checked in a fixed order.
pub fn conflict(a: &[Token], b: &[Token]) -> Option<Conflict> {
    for k in [Kind::Year, Kind::HijriYear, Kind::Weekday] {
        let x: HashSet<Token> = a.iter().copied().filter(|&t| kind(t) == k).collect();
        let y: HashSet<Token> = b.iter().copied().filter(|&t| kind(t) == k).collect();
        if !x.is_empty() && !y.is_empty() && x.is_disjoint(&y) {
            return Some(Conflict::Disjoint(k));
        }
    }
    let (agree_ab, differ_ab) = values_in_place(a, b);
    let (agree_ba, differ_ba) = values_in_place(b, a);
    (differ_ab + differ_ba > agree_ab + agree_ba).then_some(Conflict::Numbers)
}

/// The place of a value: the token just before it, or the one just after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Place {
    After(Token),
    Before(Token),
}

/// The values of a sequence by the places they stand in.
fn places(t: &[Token]) -> HashMap<Place, Vec<Token>> {
    let mut map: HashMap<Place, Vec<Token>> = HashMap::new();
    for (i, &v) in t.iter().enumerate() {
        if kind(v) == Kind::Word {
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| t.get(p)) {
            map.entry(Place::After(prev)).or_default().push(v);
        }
        if let Some(&next) = t.get(i + 1) {
            map.entry(Place::Before(next)).or_default().push(v);
        }
    }
    map
}

/// For each value of `a` whose place `b` also fills with a value of the same kind: does `b`
/// hold the same value there? Returns (agreeing, differing).
fn values_in_place(a: &[Token], b: &[Token]) -> (usize, usize) {
    let theirs = places(b);
    let mut agree = 0;
    let mut differ = 0;
    for (place, values) in places(a) {
        let Some(other) = theirs.get(&place) else {
            continue;
        };
        for v in values {
            if !other.iter().any(|&o| kind(o) == kind(v)) {
                continue;
            }
            if other.contains(&v) {
                agree += 1;
            } else {
                differ += 1;
            }
        }
    }
    (agree, differ)
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokens;
    use super::*;

    const LEAD: &str = "أعلنت وزارة الصحة في بيان اليوم أن فرق الإسعاف نقلت المصابين إلى \
        المستشفيات القريبة وأن حالتهم مستقرة وأضافت الوزارة أن التحقيق جار لمعرفة أسباب الحادث";

    #[test]
    fn a_truncated_copy_is_contained_in_the_full_text() {
        let full = tokens(LEAD);
        let cut = &full[..full.len() / 2];
        let c = compare(cut, &full);
        assert!((c.similarity - 1.0).abs() < 1e-9, "{c:?}");
        assert!(c.confirms(0.9));
    }

    #[test]
    fn unrelated_texts_share_little() {
        let other = tokens(
            "فاز الفريق المحلي على ضيفه بثلاثة أهداف نظيفة في المباراة التي أقيمت مساء \
             أمس على الملعب الكبير وسط حضور جماهيري واسع",
        );
        let c = compare(&tokens(LEAD), &other);
        assert!(c.similarity < 0.1, "{c:?}");
        assert!(!c.confirms(0.5));
    }

    #[test]
    fn the_same_template_on_another_date_conflicts() {
        let a = tokens("يبث الخطاب مساء يوم الأحد 29 يوليوز 2018 على أمواج الإذاعة");
        let b = tokens("يبث الخطاب مساء يوم الاثنين 29 يوليوز 2019 على أمواج الإذاعة");
        let c = compare(&a, &b);
        assert_eq!(c.conflict, Some(Conflict::Disjoint(Kind::Year)));
        assert!(!c.confirms(0.1));
    }

    #[test]
    fn other_numbers_in_the_same_places_conflict() {
        let a = tokens("وصل عدد الحجاج إلى 601 ألف حاج عبر المنافذ حتى نهاية يوم 5");
        let b = tokens("وصل عدد الحجاج إلى 967 ألف حاج عبر المنافذ حتى نهاية يوم 9");
        assert_eq!(compare(&a, &b).conflict, Some(Conflict::Numbers));
    }

    #[test]
    fn a_copy_that_drops_a_date_or_adds_one_number_does_not_conflict() {
        let a = tokens("قال الوزير يوم الأحد 12 مارس 2023 إن 40 شخصا أصيبوا في الحادث");
        let b = tokens("قال الوزير إن 40 شخصا أصيبوا في الحادث وأن 3 منهم في حالة خطرة");
        assert_eq!(compare(&a, &b).conflict, None);
    }

    #[test]
    fn empty_and_tiny_bodies_compare_without_panicking() {
        assert_eq!(compare(&[], &[]).similarity, 0.0);
        let one = tokens("غزة");
        assert_eq!(compare(&one, &tokens("في غزة اليوم")).similarity, 1.0);
        assert_eq!(compare(&one, &tokens("في رفح اليوم")).similarity, 0.0);
    }
}

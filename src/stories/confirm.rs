//! Confirming a candidate: how much of the shorter body the longer one holds, whether the two
//! open the same way, and whether they state different facts.
//!
//! Copies are often cut at different points (aggregators keep the start; a capture keeps a
//! prefix), get a lead added or a paragraph dropped, so the measure is containment, not
//! Jaccard: the share of the shorter body's words that sit in a word trigram the longer body
//! also has.
//!
//! Containment alone also joins two reports that quote the same long statement, each after a
//! lead of its own. A copy keeps the lead of what it copies (it may add one of its own above
//! it), so more than half of the opening words of one of the two bodies must sit in trigrams the
//! other has.
//!
//! A report of its own that quotes the other's text, or ends with it as background, passes both
//! when the other is short. A copy adds a lead or a sentence, well short of what it copies: in
//! each body, up to where the last run of eight shared words ends (what follows may be cut or
//! added by either), at least 60% of the words must be shared. A follow-up that tells what
//! happened next in a lead of its own and then carries the earlier statement as background
//! gives its lead about as many words as the statement. When one body's opening is nearly
//! whole (90%) in the other, 45% is enough: a copy that keeps the first sentence of what it
//! copies inserts a passage of background or a quote, or puts a summary above it, and the
//! labelled copies of that shape reach down to 45%; a follow-up whose new lead is shorter than
//! the statement it carries whole passes too.
//!
//! Sentence by sentence ([`super::sentences`]): a copy reworded with synonyms keeps few
//! trigrams but each sentence's content words, in the same order from the first sentence, so
//! such a pair passes instead of containment and the window (few sentences of its own in either
//! body). A pair passing by containment must also have one body that is the other's sentences,
//! apart from a lead and a tail: two announcements written from one template share their
//! formula sentences and all the names, but each has a sentence of its own between them, while
//! a copy that drops a passage leaves the other body whole in it.
//!
//! Announcements written from one template on different days share nearly all their words;
//! what differs is the facts, so a pair is refused when its years, or its decimal figures (a
//! rate, a price: `4.15%`), have nothing in common, when each names a weekday the other does
//! not (a copy may add `اليوم الثلاثاء` or drop it, not change it), or when the values written
//! in the same place (same word before or after: numbers, years, weekdays, months) differ more
//! often than they agree. Months are not compared
//! as sets: background sentences (`منذ يوليو 1999`) name other months in faithful copies.

use std::collections::{HashMap, HashSet};

use super::sentences::{found, Found};
use super::tokens::{kind, tokens, Kind, Token};

/// Opening words of a body compared for the lead: about the first sentence of a report.
pub const LEAD_TOKENS: usize = 20;

/// Share of one body's opening that the other must hold (strictly more than this).
pub const LEAD_SHARE: f64 = 0.5;

/// Shortest run of consecutive shared words that marks where a copied text goes on in a body:
/// longer than the stock phrases (titles, honorifics, `بحسب ما أعلنت`) two reports share by
/// chance.
pub const RUN_TOKENS: usize = 8;

/// Share of each body, up to where its last shared run ends, that must be shared text.
pub const WINDOW_SHARE: f64 = 0.6;

/// Share of one body's opening, held by the other, from which that opening is kept whole: the
/// other carries the text from its first sentence.
pub const KEPT_OPENING: f64 = 0.9;

/// The [`WINDOW_SHARE`] asked when one body's opening is kept whole in the other: a copy that
/// keeps the first sentence inserts background or a quote, or a summary above it.
pub const WINDOW_SHARE_KEPT_OPENING: f64 = 0.45;

/// Why two bodies are not one story although their words are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// Both name values of this kind (years, decimal figures), and none in common.
    Disjoint(Kind),
    /// Each names a weekday the other does not.
    Weekdays,
    /// Numbers in the same place differ more often than they agree.
    Numbers,
    /// One opens as background retold from an earlier report (`وكانت الوزارة قد أعلنت`), the
    /// other does not.
    Retold,
}

/// The outcome of comparing two bodies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Share (0–1) of the shorter body's tokens inside a trigram the other body also has.
    pub similarity: f64,
    /// The larger of the two shares (0–1) of a body's first [`LEAD_TOKENS`] tokens inside a
    /// trigram the other body has.
    pub lead: f64,
    /// The smaller of the two shares (0–1) of a body's tokens, up to the end of its last run of
    /// [`RUN_TOKENS`] shared tokens, that sit in a trigram the other body has (0 without such
    /// a run).
    pub window: f64,
    /// The facts that tell the two apart, if any.
    pub conflict: Option<Conflict>,
    /// How each body's sentences are found in the other (a's in b, b's in a), when both
    /// bodies have their sentence starts.
    pub sentences: Option<[Found; 2]>,
}

impl Comparison {
    /// Whether the two bodies are one story at `threshold`.
    pub fn confirms(&self, threshold: f64) -> bool {
        if self.conflict.is_some() || self.lead <= LEAD_SHARE {
            return false;
        }
        let window = if self.lead >= KEPT_OPENING {
            WINDOW_SHARE_KEPT_OPENING
        } else {
            WINDOW_SHARE
        };
        let contained = self.similarity >= threshold && self.window >= window;
        let Some(found) = &self.sentences else {
            return contained;
        };
        let reworded = found
            .iter()
            .all(|f| f.lead == 0 && f.few_gaps() && f.coverage() >= threshold);
        (contained && found.iter().any(Found::copied)) || reworded
    }
}

/// Compares two bodies by their tokens and sentence starts (either empty, as in a record of the
/// first version: compared without sentences).
pub fn compare_sentences(
    a: &[Token],
    a_starts: &[u16],
    b: &[Token],
    b_starts: &[u16],
) -> Comparison {
    let mut c = compare(a, b);
    if !a_starts.is_empty() && !b_starts.is_empty() {
        let xs: Vec<usize> = a_starts.iter().map(|&s| usize::from(s)).collect();
        let ys: Vec<usize> = b_starts.iter().map(|&s| usize::from(s)).collect();
        c.sentences = Some([found(a, &xs, b, &ys), found(b, &ys, a, &xs)]);
    }
    c
}

/// Compares two token sequences.
pub fn compare(a: &[Token], b: &[Token]) -> Comparison {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let in_short = shared(short, long);
    let in_long = shared(long, short);
    let opening = |s: &Shared| share(&s.tokens[..s.tokens.len().min(LEAD_TOKENS)]);
    Comparison {
        similarity: share(&in_short.tokens),
        lead: opening(&in_short).max(opening(&in_long)),
        window: window(&in_short).min(window(&in_long)),
        conflict: conflict(a, b),
        sentences: None,
    }
}

/// What of one token sequence another one holds.
struct Shared {
    /// Per token: whether it sits in a trigram the other sequence has.
    tokens: Vec<bool>,
    /// Per trigram, by its first token: whether the other sequence has it.
    trigrams: Vec<bool>,
}

/// The share of a body's tokens in shared trigrams, up to the end of its last run of
/// [`RUN_TOKENS`] tokens (the whole body, when shorter) whose every trigram is shared; 0
/// without such a run. Trigrams that merely touch (from two places of the other body) do not
/// make a run.
///
/// What a body holds after the copied text ends is not counted: captures and aggregators cut
/// copies at any point, and a copy may add a paragraph of its own at the end. What it holds
/// before is: a copy adds a lead or a sentence, while a report that quotes a statement, or
/// ends with another report's sentences as background, is mostly its own words up to there.
fn window(s: &Shared) -> f64 {
    let len = s.tokens.len();
    if len < 3 {
        return share(&s.tokens);
    }
    let needed = RUN_TOKENS.min(len) - 2;
    let mut end = 0;
    let mut length = 0;
    for (i, &t) in s.trigrams.iter().enumerate() {
        length = if t { length + 1 } else { 0 };
        if length >= needed {
            end = i + 3;
        }
    }
    share(&s.tokens[..end])
}

/// Which tokens and trigrams of `x` `y` also has (a sequence of fewer than three tokens: all
/// of its tokens when `y` holds it whole).
fn shared(x: &[Token], y: &[Token]) -> Shared {
    if x.len() < 3 {
        let whole = !x.is_empty() && y.windows(x.len()).any(|w| w == x);
        return Shared {
            tokens: vec![whole; x.len()],
            trigrams: Vec::new(),
        };
    }
    let theirs: HashSet<[Token; 3]> = y.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    let trigrams: Vec<bool> = x
        .windows(3)
        .map(|w| theirs.contains(&[w[0], w[1], w[2]]))
        .collect();
    let mut tokens = vec![false; x.len()];
    for (i, &t) in trigrams.iter().enumerate() {
        if t {
            tokens[i..i + 3].fill(true);
        }
    }
    Shared { tokens, trigrams }
}

/// The share of `true` in a mask (0 when empty).
fn share(mask: &[bool]) -> f64 {
    if mask.is_empty() {
        return 0.0;
    }
    mask.iter().filter(|&&c| c).count() as f64 / mask.len() as f64
}

/// The facts that set two bodies apart, checked in a fixed order.
pub fn conflict(a: &[Token], b: &[Token]) -> Option<Conflict> {
    let of_kind = |t: &[Token], k: Kind| -> HashSet<Token> {
        t.iter().copied().filter(|&v| kind(v) == k).collect()
    };
    for k in [Kind::Year, Kind::HijriYear, Kind::Decimal] {
        let (x, y) = (of_kind(a, k), of_kind(b, k));
        if !x.is_empty() && !y.is_empty() && x.is_disjoint(&y) {
            return Some(Conflict::Disjoint(k));
        }
    }
    let (x, y) = (of_kind(a, Kind::Weekday), of_kind(b, Kind::Weekday));
    if !x.is_subset(&y) && !y.is_subset(&x) {
        return Some(Conflict::Weekdays);
    }
    let (agree_ab, differ_ab) = values_in_place(a, b);
    let (agree_ba, differ_ba) = values_in_place(b, a);
    if differ_ab + differ_ba > agree_ab + agree_ba {
        return Some(Conflict::Numbers);
    }
    (retold(a) != retold(b)).then_some(Conflict::Retold)
}

/// Words after `كان`/`كانت` within which `قد` makes the opening a retold background.
const RETOLD_WITHIN: usize = 5;

/// Whether a body opens as background retold from an earlier report: `(و)كان` or `(و)كانت`,
/// then `قد` within [`RETOLD_WITHIN`] words (`وكانت الوزارة قد نعت …`). A report does not open
/// that way; the tail of one, captured apart, does, retelling in indirect speech what an
/// earlier report said.
fn retold(t: &[Token]) -> bool {
    static WORDS: std::sync::OnceLock<[Vec<Token>; 3]> = std::sync::OnceLock::new();
    let [kana, kanat, qad] = WORDS.get_or_init(|| [tokens("كان"), tokens("كانت"), tokens("قد")]);
    let Some(first) = t.first() else {
        return false;
    };
    (kana.contains(first) || kanat.contains(first))
        && t.iter()
            .skip(1)
            .take(RETOLD_WITHIN)
            .any(|w| qad.contains(w))
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
/// hold the same value there, not yet matched by another of `a`'s? Returns (agreeing,
/// differing). One match per occurrence: a stock figure written three times in one text
/// (`50 نقطة أساس`) does not agree three times with its one occurrence in the other.
fn values_in_place(a: &[Token], b: &[Token]) -> (usize, usize) {
    let theirs = places(b);
    let mut agree = 0;
    let mut differ = 0;
    for (place, values) in places(a) {
        let Some(other) = theirs.get(&place) else {
            continue;
        };
        let mut unmatched = other.clone();
        for v in values {
            if !other.iter().any(|&o| kind(o) == kind(v)) {
                continue;
            }
            if let Some(k) = unmatched.iter().position(|&o| o == v) {
                unmatched.swap_remove(k);
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
    fn announcements_giving_other_rates_conflict() {
        let a = tokens(
            "قرر المصرف خفض سعر الأساس بـ 25 نقطة أساس من 4.40% إلى 4.15% اعتبارا من الخميس \
             إثر خفض الفدرالي سعره بـ 25 نقطة أساس",
        );
        let b = tokens(
            "قرر المصرف خفض سعر الأساس بـ 25 نقطة أساس إلى 3.65% بعدما كان 3.90% اعتبارا من \
             الخميس إثر خفض الفدرالي سعره بـ 25 نقطة أساس",
        );
        assert_eq!(
            compare(&a, &b).conflict,
            Some(Conflict::Disjoint(Kind::Decimal))
        );
        let copy = tokens("خفض المصرف سعر الأساس إلى 4.15% من 4.4%");
        assert_eq!(compare(&a, &copy).conflict, None);
    }

    #[test]
    fn other_numbers_in_the_same_places_conflict() {
        let a = tokens("وصل عدد الحجاج إلى 601 ألف حاج عبر المنافذ حتى نهاية يوم 5");
        let b = tokens("وصل عدد الحجاج إلى 967 ألف حاج عبر المنافذ حتى نهاية يوم 9");
        assert_eq!(compare(&a, &b).conflict, Some(Conflict::Numbers));
    }

    #[test]
    fn a_value_repeated_in_one_text_matches_one_occurrence_in_the_other() {
        let a = tokens(
            "قرر المصرف خفض السعر بـ 25 نقطة أساس بعد خفض الفدرالي سعره بـ 25 نقطة أساس \
             وأبقى الهامش عند 50 نقطة أساس",
        );
        let b = tokens(
            "قرر المصرف رفع السعر بـ 50 نقطة أساس بعد رفع الفدرالي سعره بـ 50 نقطة أساس \
             وأبقى الهامش عند 50 نقطة أساس",
        );
        assert_eq!(compare(&a, &b).conflict, Some(Conflict::Numbers));
        assert_eq!(compare(&b, &a).conflict, Some(Conflict::Numbers));
    }

    #[test]
    fn a_copy_that_drops_a_date_or_adds_one_number_does_not_conflict() {
        let a = tokens("قال الوزير يوم الأحد 12 مارس 2023 إن 40 شخصا أصيبوا في الحادث");
        let b = tokens("قال الوزير إن 40 شخصا أصيبوا في الحادث وأن 3 منهم في حالة خطرة");
        assert_eq!(compare(&a, &b).conflict, None);
    }

    /// A ministry statement quoted whole by two reports, each after a lead of its own.
    const STATEMENT: &str = "تؤكد الوزارة أن جميع المدارس ستبقى مغلقة حتى نهاية الأسبوع وأن \
        الدراسة ستستأنف عن بعد عبر المنصة الرسمية وتدعو أولياء الأمور إلى متابعة التعليمات \
        الصادرة عنها تباعا";

    #[test]
    fn two_reports_quoting_one_statement_after_leads_of_their_own_are_not_copies() {
        let a = tokens(&format!(
            "شهدت العاصمة أمطارا غزيرة منذ ساعات الفجر الأولى أغرقت عددا من الشوارع \
             الرئيسية وعطلت حركة السير في أحياء كثيرة وقالت وزارة التربية في بيان {STATEMENT}"
        ));
        let b = tokens(&format!(
            "قررت السلطات تعليق الدوام في المؤسسات التعليمية بعد تحذيرات من عاصفة قوية \
             تضرب البلاد منذ مساء أمس وجاء في بيان الوزارة {STATEMENT}"
        ));
        let c = compare(&a, &b);
        assert!(c.similarity >= 0.5, "{c:?}");
        assert!(c.lead <= LEAD_SHARE, "{c:?}");
        assert!(!c.confirms(0.5));
    }

    #[test]
    fn a_copy_with_a_lead_of_its_own_above_the_text_is_still_a_copy() {
        let original = tokens(LEAD);
        let copy = tokens(&format!(
            "نقلت وكالة الأنباء الرسمية مساء اليوم عن مصدر مسؤول ما يلي {LEAD}"
        ));
        let c = compare(&original, &copy);
        assert!((c.lead - 1.0).abs() < 1e-9, "{c:?}");
        assert!(c.confirms(0.9));
    }

    /// A report of its own, several sentences long, that ends with the text of a short
    /// dispatch as background.
    const OWN_REPORT: &str = "استقبل رئيس الحكومة صباح اليوم في مكتبه وفدا من رجال الأعمال \
        القادمين من الخارج وبحث معهم فرص الاستثمار في قطاعي الطاقة والزراعة وأكد الرئيس أن \
        الحكومة ماضية في تبسيط الإجراءات أمام المستثمرين وأن قانونا جديدا سيعرض على البرلمان \
        قبل نهاية الدورة الحالية وعبر أعضاء الوفد عن رغبتهم في توسيع أعمالهم خلال السنوات \
        المقبلة وفي سياق آخر";

    #[test]
    fn a_report_that_ends_with_the_other_text_as_background_is_another_report() {
        let dispatch = tokens(LEAD);
        let report = tokens(&format!("{OWN_REPORT} {LEAD}"));
        let c = compare(&dispatch, &report);
        assert!((c.similarity - 1.0).abs() < 1e-9, "{c:?}");
        assert!(c.lead > LEAD_SHARE, "{c:?}");
        assert!(c.window < WINDOW_SHARE, "{c:?}");
        assert!(!c.confirms(0.6));
    }

    #[test]
    fn a_follow_up_carrying_the_statement_below_a_longer_lead_is_another_report() {
        let statement = tokens(LEAD);
        let follow_up = tokens(&format!(
            "تبنت جماعة مسلحة مساء الخميس الهجوم الذي استهدف حافلة للركاب على الطريق \
             الساحلي وتوعدت بهجمات أخرى في الأيام المقبلة وقالت في بيان نشرته على حساباتها \
             إن عناصرها عادوا إلى مواقعهم سالمين وإن العملية جاءت ردا على اعتقال عدد من \
             أنصارها {LEAD}"
        ));
        let c = compare(&statement, &follow_up);
        assert!((c.similarity - 1.0).abs() < 1e-9, "{c:?}");
        assert!(c.lead >= KEPT_OPENING, "{c:?}");
        assert!(c.window < WINDOW_SHARE_KEPT_OPENING, "{c:?}");
        assert!(!c.confirms(0.6));
    }

    #[test]
    fn a_copy_keeping_the_opening_may_insert_a_passage_as_long_as_a_lead() {
        let (first, rest) = LEAD.split_at(LEAD.find(" وأضافت").unwrap_or(LEAD.len()));
        let copy = tokens(&format!(
            "{first} وكانت المنطقة قد شهدت حوادث مماثلة خلال الشهور الماضية دفعت السكان إلى \
             المطالبة بإنارة الطريق وتوسيعه وتركيب كاميرات للمراقبة على طوله{rest}"
        ));
        let c = compare(&tokens(LEAD), &copy);
        assert!(c.lead >= KEPT_OPENING, "{c:?}");
        assert!(
            c.window >= WINDOW_SHARE_KEPT_OPENING && c.window < WINDOW_SHARE,
            "{c:?}"
        );
        assert!(c.confirms(0.6));
    }

    #[test]
    fn what_each_copy_adds_after_the_text_does_not_count_against_it() {
        let a = tokens(&format!(
            "{LEAD} وفي خبر آخر افتتح المحافظ معرضا للكتاب يستمر أسبوعا كاملا"
        ));
        let b = tokens(&format!(
            "{LEAD} ويذكر أن الطريق شهد حوادث مماثلة خلال الشهور الماضية دفعت السكان إلى \
             المطالبة بإنارته وتوسيعه"
        ));
        let c = compare(&a, &b);
        assert!(c.similarity < 0.8, "{c:?}");
        assert!((c.window - 1.0).abs() < 1e-9, "{c:?}");
        assert!(c.confirms(0.5));
    }

    #[test]
    fn a_stock_phrase_shared_late_does_not_stretch_the_window() {
        let run = |from: Token, n: Token| (from..from + n).collect::<Vec<Token>>();
        let other = [
            run(1, 10),
            run(100, 7),
            run(200, 4),
            run(900, 1),
            run(300, 4),
            run(400, 8),
        ]
        .concat();
        let body = |tail: Vec<Token>| [run(1, 10), run(500, 30), tail].concat();
        let short_phrase = shared(&body(run(100, 7)), &other);
        assert!((window(&short_phrase) - 1.0).abs() < 1e-9);
        // Two phrases from two places of the other body, side by side: no run either.
        let touching = [run(200, 4), run(300, 4)].concat();
        assert!((window(&shared(&body(touching), &other)) - 1.0).abs() < 1e-9);
        let long_phrase = shared(&body(run(400, 8)), &other);
        assert!(window(&long_phrase) < WINDOW_SHARE);
        assert_eq!(window(&shared(&run(700, 12), &other)), 0.0);
        assert_eq!(window(&shared(&run(1, 2), &other)), 1.0);
        assert_eq!(window(&shared(&[], &other)), 0.0);
    }

    #[test]
    fn a_copy_may_add_a_weekday_but_not_name_another_one() {
        let call = |days: &str| {
            tokens(&format!(
                "دعت المحكمة العليا عموم المسلمين إلى تحري رؤية الهلال {days} وإبلاغ أقرب محكمة"
            ))
        };
        let friday = call("مساء يوم الجمعة");
        let added = call("اليوم الأربعاء مساء يوم الجمعة");
        assert_eq!(compare(&friday, &added).conflict, None);
        let sunday = call("الجمعة مساء يوم الأحد");
        assert_eq!(compare(&added, &sunday).conflict, Some(Conflict::Weekdays));
    }

    #[test]
    fn hundred_kilobyte_bodies_are_compared_on_their_first_tokens() {
        use crate::stories::record::{Fingerprint, MAX_TOKENS};
        use crate::stories::Shape;
        let words: Vec<String> = (0..20_000).map(|i| format!("{LEAD} {i}")).collect();
        let body = words.join(" ");
        assert!(body.len() > 100_000);
        let other_tail = format!(
            "{} {}",
            words[..10_000].join(" "),
            "خاتمة مختلفة ".repeat(500)
        );
        let (a, b) = (
            Fingerprint::of(&body, Shape::default()),
            Fingerprint::of(&other_tail, Shape::default()),
        );
        assert_eq!(a.tokens.len(), MAX_TOKENS);
        assert!(compare(&a.tokens, &b.tokens).confirms(0.99));
    }

    #[test]
    fn empty_and_tiny_bodies_compare_without_panicking() {
        assert_eq!(compare(&[], &[]).similarity, 0.0);
        assert!(!compare(&[], &[]).confirms(0.0));
        let one = tokens("غزة");
        assert_eq!(compare(&one, &tokens("في غزة اليوم")).similarity, 1.0);
        assert_eq!(compare(&one, &tokens("في رفح اليوم")).similarity, 0.0);
    }

    fn with_sentences(a: &str, b: &str) -> Comparison {
        use super::super::tokens::sentences_up_to;
        let starts = |s: Vec<usize>| s.into_iter().map(|x| x as u16).collect::<Vec<u16>>();
        let ((x, xs), (y, ys)) = (sentences_up_to(a, 512), sentences_up_to(b, 512));
        compare_sentences(&x, &starts(xs), &y, &starts(ys))
    }

    /// Two pardon announcements written from one template: the same opening and closing
    /// formulas, a sentence of its own in the middle of each.
    #[test]
    fn two_announcements_from_one_template_are_not_one_story() {
        let opening = "تنفيذا لتوجيهات الأمير بدأت الجهات المختصة تطبيق إجراءات العفو عن \
            السجناء المحكوم عليهم في قضايا الحق العام ليعودوا إلى عائلاتهم قبل حلول العيد.";
        let closing = "وأكد أن هذه المبادرة الكريمة ستترك أثرا طيبا في نفوس المستفيدين وأسرهم \
            بعد خروجهم ولم شملهم.";
        let a = format!(
            "{opening} ورفع وزير العدل سالم بن راشد الشكر للأمير على رعايته الدائمة لنزلاء \
             الإصلاحيات وحرصه الدائم على دمجهم في المجتمع من جديد. {closing}"
        );
        let b = format!(
            "{opening} وأوضح مدير الإصلاحيات أن وزير العدل سالم بن راشد وجه بإنهاء \
             ملفات المشمولين بالعفو خلال يومين وتسليمهم إلى ذويهم عند بوابات السجون. {closing}"
        );
        let c = with_sentences(&a, &b);
        assert!(compare(&tokens(&a), &tokens(&b)).confirms(0.6), "{c:?}");
        assert!(!c.confirms(0.6), "{c:?}");
    }

    #[test]
    fn a_copy_dropping_a_sentence_of_the_original_is_still_a_copy() {
        let dropped = "وأوضحت الوزارة أن الفرق الطبية ما زالت تتابع الحالات على مدار الساعة.";
        let original = format!("{LEAD}. {dropped} وتدعو الوزارة المواطنين إلى توخي الحذر.");
        let copy = format!("{LEAD}. وتدعو الوزارة المواطنين إلى توخي الحذر.");
        let c = with_sentences(&original, &copy);
        assert!(c.confirms(0.6), "{c:?}");
    }

    /// A spinner site's copy: every sentence kept in its place, words swapped for synonyms.
    #[test]
    fn a_copy_reworded_sentence_by_sentence_is_one_story() {
        let original = "أعلن وزير الزراعة اليوم إطلاق برنامج وطني لدعم صغار المزارعين في \
            المناطق الجبلية بقيمة عشرين مليون دينار. وأوضح الوزير أن البرنامج يشمل توزيع \
            البذور المحسنة والأسمدة مجانا على الأسر الريفية. وأضاف أن التسجيل يبدأ الأسبوع \
            المقبل عبر مكاتب الإرشاد الزراعي في المحافظات.";
        let spun = "أعلن وزير الزراعة اليوم إطلاق برنامج قومي لمساندة صغار المزارعين في \
            الأقاليم الجبلية بقيمة عشرين مليون دينار. وبين الوزير أن البرنامج يتضمن توزيع \
            البذور المحسنة والأسمدة بالمجان على العائلات الريفية. وتابع أن التسجيل ينطلق \
            الأسبوع القادم عبر مكاتب الإرشاد الزراعي بالمحافظات.";
        let c = with_sentences(original, spun);
        assert!(
            !compare(&tokens(original), &tokens(spun)).confirms(0.6),
            "{c:?}"
        );
        assert!(c.confirms(0.6), "{c:?}");
    }

    /// A spinner copy reworded harder: past its opening, each sentence keeps only about half its
    /// content words, so neither body is the other's sentences word for word; both are still
    /// each other's sentences, reworded, in order.
    #[test]
    fn a_copy_reworded_past_its_opening_is_one_story() {
        let original = "أعلن وزير الزراعة اليوم إطلاق برنامج وطني لدعم صغار المزارعين في \
            المناطق الجبلية بقيمة عشرين مليون دينار على ثلاث سنوات. وأوضح الوزير أن البرنامج يشمل توزيع البذور المحسنة والأسمدة مجانا على الأسر \
            الريفية في القرى النائية والمناطق الجبلية التي تضررت من الجفاف خلال المواسم \
            الثلاثة الماضية وتراجع فيها إنتاج القمح والشعير. وأضاف أن التسجيل يبدأ الأسبوع \
            المقبل عبر مكاتب الإرشاد الزراعي.";
        let spun = "أعلن وزير الزراعة اليوم إطلاق برنامج وطني لدعم صغار المزارعين في \
            المناطق الجبلية بقيمة عشرين مليون دينار على ثلاث سنوات. وبين المسؤول أن \
            البرنامج يتضمن تقديم البذور المحسنة والمخصبات بالمجان على العائلات الريفية في \
            القرى النائية والأقاليم المرتفعة التي عانت من الجفاف طوال المواسم الثلاثة \
            المنصرمة وانخفض فيها محصول القمح والشعير. وأضاف أن التسجيل يبدأ الأسبوع \
            القادم عبر مكاتب الإرشاد الزراعي.";
        let c = with_sentences(original, spun);
        let found = c.sentences.expect("sentences");
        assert!(found.iter().all(|f| !f.copied() && f.loose > 0), "{c:?}");
        assert!(c.confirms(0.6), "{c:?}");
    }

    #[test]
    fn bodies_without_sentence_starts_compare_as_before() {
        let a = tokens(&format!("{LEAD} وفي خبر آخر افتتح المحافظ معرضا للكتاب"));
        let b = tokens(LEAD);
        let c = compare_sentences(&a, &[], &b, &[0]);
        assert_eq!(c, compare(&a, &b));
        assert!(c.sentences.is_none() && c.confirms(0.6));
    }

    #[test]
    fn a_statement_retold_as_background_is_not_a_copy_of_it() {
        let statement = "تعلن الهيئة العامة للأرصاد عن تعطيل الدراسة في جميع المدارس يوم غد \
            بسبب العاصفة الرملية المتوقعة وتدعو السكان إلى البقاء في منازلهم";
        let report = format!("أصدرت الهيئة العامة للأرصاد بيانا جاء فيه: {statement}");
        let tail = "وكانت الهيئة العامة للأرصاد قد أعلنت عن تعطيل الدراسة في جميع المدارس يوم \
            غد بسبب العاصفة الرملية المتوقعة وتدعو السكان إلى البقاء في منازلهم";
        let c = compare(&tokens(&report), &tokens(tail));
        assert_eq!(c.conflict, Some(Conflict::Retold), "{c:?}");
        assert!(c.similarity >= 0.6 && !c.confirms(0.6), "{c:?}");
        let copy = compare(&tokens(tail), &tokens(&format!("{tail} في بيان رسمي")));
        assert!(copy.confirms(0.6), "two captures of one tail: {copy:?}");
        assert_eq!(
            compare(&tokens("وكان الجو باردا أمس"), &tokens(&report)).conflict,
            compare(&tokens("كان الجو باردا أمس"), &tokens(&report)).conflict,
        );
        let none = compare(
            &tokens("وكان الجو باردا جدا أمس في العاصمة"),
            &tokens(&report),
        );
        assert_ne!(none.conflict, Some(Conflict::Retold));
    }

    proptest::proptest! {
        #[test]
        fn any_two_texts_compare_to_shares_between_zero_and_one(
            a in "[\\PC\u{0600}-\u{06FF}0-9 ]{0,300}",
            b in "[\\PC\u{0600}-\u{06FF}0-9 ]{0,300}",
        ) {
            let (x, y) = (tokens(&a), tokens(&b));
            let c = compare(&x, &y);
            proptest::prop_assert!((0.0..=1.0).contains(&c.similarity), "{:?}", c);
            proptest::prop_assert!((0.0..=1.0).contains(&c.lead), "{:?}", c);
            proptest::prop_assert!((0.0..=1.0).contains(&c.window), "{:?}", c);
            proptest::prop_assert_eq!(c.conflict, compare(&y, &x).conflict);
            if !x.is_empty() {
                proptest::prop_assert!(compare(&x, &x).confirms(1.0), "{:?}", a);
            }
        }
    }
}

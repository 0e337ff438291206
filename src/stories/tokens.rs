//! A body as a sequence of compact tokens: one `u32` per word, folded so that the spellings two
//! portals use for the same word meet, and typed so that the values that tell one dated
//! announcement from the next (numbers, decimal figures, years, weekdays, months) can be
//! compared apart.
//!
//! Folding starts from the matching key's table ([`normalize::key_char`]: alef forms, ى, ة,
//! diacritics, Arabic-Indic digits) and adds what copies of one story differ by: hamza seats
//! (`مسئول` / `مسؤول`), punctuation glued into a word between tatweels (`نـ.ـتنياهو`), digits glued
//! to letters (`1432الموافق`), one leading particle or article (`وال…`, `بال…`, `ال…`, `و…`), and
//! the regional names of a Gregorian month (`نيسان`, `أبريل`, `أفريل`: one word even without a
//! number beside it).

use crate::extract::dates;
use crate::extract::normalize::{self, KeyChar};

/// One word of a body: its [`Kind`] in the top three bits, a value or a hash in the rest.
pub type Token = u32;

/// Bits of a token that hold its value or hash.
const VALUE_BITS: u32 = 29;
const VALUE_MASK: u32 = (1 << VALUE_BITS) - 1;

/// What a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Any other word (hash of its folded, stemmed form).
    Word = 0,
    /// A number that is not a year.
    Number = 1,
    /// A Gregorian year (1900–2100).
    Year = 2,
    /// A Hijri year (1300–1500).
    HijriYear = 3,
    /// A weekday (1 = Sunday … 7 = Saturday).
    Weekday = 4,
    /// A Gregorian month next to a number (1–12).
    Month = 5,
    /// A Hijri month next to a number (1–12).
    HijriMonth = 6,
    /// A number with a fractional part (`4.15`, `٣٫٦٥`): a rate, a price, a share, the figure
    /// an announcement exists to give.
    Decimal = 7,
}

impl Kind {
    /// Every value kind: the kinds compared as facts, not as wording.
    pub const VALUES: [Kind; 7] = [
        Kind::Number,
        Kind::Decimal,
        Kind::Year,
        Kind::HijriYear,
        Kind::Weekday,
        Kind::Month,
        Kind::HijriMonth,
    ];
}

/// The kind of a token.
pub fn kind(token: Token) -> Kind {
    match token >> VALUE_BITS {
        1 => Kind::Number,
        2 => Kind::Year,
        3 => Kind::HijriYear,
        4 => Kind::Weekday,
        5 => Kind::Month,
        6 => Kind::HijriMonth,
        7 => Kind::Decimal,
        _ => Kind::Word,
    }
}

fn token(kind: Kind, value: u64) -> Token {
    let value = if value > u64::from(VALUE_MASK) {
        (value ^ (value >> 29) ^ (value >> 58)) as u32
    } else {
        value as u32
    };
    ((kind as u32) << VALUE_BITS) | (value & VALUE_MASK)
}

/// The tokens of a text, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_up_to(text, usize::MAX)
}

/// The first `max` tokens of a text (the rest of the text is not even read).
pub fn tokens_up_to(text: &str, max: usize) -> Vec<Token> {
    sentences_up_to(text, max).0
}

/// The first `max` tokens of a text, and where its sentences start among them (token
/// indices, ascending, the first one 0 when there is a token). A sentence ends at `.`, `!`,
/// `?`, `؟`, `؛`, `…` or a line break; a full stop between two digits (`3.5`) ends none.
pub fn sentences_up_to(text: &str, max: usize) -> (Vec<Token>, Vec<usize>) {
    // Two words more than asked for: a month (of up to two words) is only a month next to a
    // number.
    // Twice as many words: courtesies are skipped.
    let (words, opens) = words(text, max.saturating_mul(2).saturating_add(3));
    let mut out = Vec::with_capacity(words.len().min(max));
    let mut starts = Vec::new();
    let mut opening = true;
    let mut i = 0;
    while i < words.len() && out.len() < max {
        let w = words[i].as_str();
        let courtesy = courtesy_len(&words, i);
        let len = if courtesy > 0 {
            courtesy
        } else if is_digits(w) {
            out.push(number(w));
            1
        } else if let Some((whole, fraction)) = decimal(w) {
            out.push(token(
                Kind::Decimal,
                fnv(format!("{whole}.{fraction}").as_bytes()),
            ));
            1
        } else {
            let next = words.get(i + 1).map(String::as_str);
            let number_before = i > 0 && is_digits(&words[i - 1]);
            let number_within = |len: usize| words.get(i + len).is_some_and(|n| is_digits(n));
            let month = (number_before || number_within(1) || number_within(2))
                .then(|| month_at(w, next))
                .flatten()
                .filter(|&(_, _, len)| number_before || number_within(len));
            match month {
                Some((kind, month, len)) => {
                    out.push(token(kind, u64::from(month)));
                    len
                }
                None => match dates::month_of(w, next).or_else(|| dates::month_of(stem(w), next)) {
                    Some((month, len)) => {
                        out.push(month_word(month));
                        len
                    }
                    None => {
                        out.push(match weekday(w) {
                            Some(day) => token(Kind::Weekday, u64::from(day)),
                            None => token(Kind::Word, fnv(stem(w).as_bytes())),
                        });
                        1
                    }
                },
            }
        };
        opening |= opens[i..(i + len).min(opens.len())].iter().any(|&o| o);
        if courtesy == 0 {
            if opening {
                starts.push(out.len() - 1);
            }
            opening = false;
        }
        i += len;
    }
    (out, starts)
}

/// A Gregorian month named without a number beside it (`مطلع شهر نيسان`): a word, not a
/// value, but one word whichever regional name a portal gives it (`نيسان`, `أبريل`, `أفريل`,
/// `تشرين الأول`, `أكتوبر`). Portals localise month names when they copy a report, and a
/// spinner site swaps them like synonyms; the month is the same.
fn month_word(month: u8) -> Token {
    token(Kind::Word, fnv(&[0xff, month]))
}

/// Honorific titles, as sequences of folded, stemmed words (longest first where one begins
/// another).
const TITLES: [&[&str]; 13] = [
    &["خادم", "حرمين", "شريفين"],
    &["صاحب", "سمو", "ملكي"],
    &["صاحب", "سمو"],
    &["صاحب", "جلاله"],
    &["صاحب", "معالي"],
    &["صاحب", "فخامه"],
    &["سمو"],
    &["فخامه"],
    &["معالي"],
    &["جلاله"],
    &["سعاده"],
    &["سماحه"],
    &["طيب", "الله", "ثراه"],
];

/// Verbs of the blessings written after a name (`حفظه الله`, `أيدهما الله`), folded.
const BLESSINGS: [&str; 16] = [
    "حفظه",
    "حفظها",
    "حفظهما",
    "حفظهم",
    "يحفظه",
    "يحفظها",
    "ايده",
    "ايدها",
    "ايدهما",
    "رعاه",
    "رعاها",
    "يرعاه",
    "رحمه",
    "رحمها",
    "يرحمه",
    "يرحمها",
];

/// How many words at `i` are a courtesy rather than what a report says: an honorific title
/// (`خادم الحرمين الشريفين`, `صاحب السمو الملكي`, `معالي`) or a blessing (`حفظه الله`). Portals
/// add, drop or change these freely, and official announcements repeat the same long ones
/// whatever they announce, so they are evidence neither of a copy nor against one. Names stay:
/// copies, even reworded ones, keep them.
fn courtesy_len(words: &[String], i: usize) -> usize {
    let at = |k: usize| words.get(i + k).map(|w| stem(w));
    if let Some(w) = at(0) {
        let blessing = BLESSINGS.contains(&words[i].as_str()) || BLESSINGS.contains(&w);
        if blessing && words.get(i + 1).is_some_and(|n| n == "الله") {
            return 2;
        }
    }
    TITLES
        .iter()
        .find(|t| t.iter().enumerate().all(|(k, part)| at(k) == Some(part)))
        .map_or(0, |t| t.len())
}

/// FNV-1a, kept here rather than borrowed from the extraction library: token values are
/// stored in the index, so this hash must not change without a new record version.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn is_digits(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
}

/// The whole and fractional digits of a decimal word (`4.150` gives `4` and `15`): trailing
/// zeros of the fraction and leading zeros of the whole part do not make another value.
fn decimal(w: &str) -> Option<(&str, &str)> {
    let (whole, fraction) = w.split_once('.')?;
    if !is_digits(whole) || !is_digits(fraction) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    Some((
        if whole.is_empty() { "0" } else { whole },
        fraction.trim_end_matches('0'),
    ))
}

fn number(digits: &str) -> Token {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.len() > 12 {
        return token(Kind::Number, fnv(trimmed.as_bytes()));
    }
    let value: u64 = trimmed.parse().unwrap_or(0);
    let kind = match (digits.len(), value) {
        (4, 1900..=2100) => Kind::Year,
        (4, 1300..=1500) => Kind::HijriYear,
        _ => Kind::Number,
    };
    token(kind, value)
}

/// A month named at this word (and maybe the next): its kind, number and length in words.
fn month_at(w: &str, next: Option<&str>) -> Option<(Kind, u8, usize)> {
    if let Some((m, len)) = dates::month_of(w, next) {
        return Some((Kind::Month, m, len));
    }
    let (m, len) = hijri_month(w, next)?;
    Some((Kind::HijriMonth, m, len))
}

/// Hijri months (folded): one-word names, and the two-word ones by their first word.
fn hijri_month(w: &str, next: Option<&str>) -> Option<(u8, usize)> {
    let one = match w {
        "محرم" => Some(1),
        "صفر" => Some(2),
        "رجب" => Some(7),
        "شعبان" => Some(8),
        "رمضان" => Some(9),
        "شوال" => Some(10),
        _ => None,
    };
    if let Some(m) = one {
        return Some((m, 1));
    }
    let next = next?;
    let m = match (w, next) {
        ("ربيع", "الاول") => 3,
        ("ربيع", "الثاني" | "الاخر") => 4,
        ("جمادي", "الاولي") => 5,
        ("جمادي", "الاخره" | "الثانيه") => 6,
        ("ذو" | "ذي", "القعده") => 11,
        ("ذو" | "ذي", "الحجه") => 12,
        _ => return None,
    };
    Some((m, 2))
}

/// A weekday written with its article (`الأحد`, `والجمعة`), or in English: 1 = Sunday.
fn weekday(w: &str) -> Option<u8> {
    let bare = w
        .strip_prefix('و')
        .or_else(|| w.strip_prefix('ف'))
        .filter(|r| r.starts_with("ال"))
        .unwrap_or(w);
    Some(match bare {
        "الاحد" | "sunday" => 1,
        "الاثنين" | "monday" => 2,
        "الثلاثاء" | "tuesday" => 3,
        "الاربعاء" | "wednesday" => 4,
        "الخميس" | "thursday" => 5,
        "الجمعه" | "friday" => 6,
        "السبت" | "saturday" => 7,
        _ => return None,
    })
}

/// Leading particles and articles, longest first; one is removed when three letters remain.
const PREFIXES: [&str; 10] = ["وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل"];

/// The word without one leading particle or article (`والرئيس` → `رئيس`), so that a copy
/// that joins or splits its sentences differently still shares its words.
fn stem(w: &str) -> &str {
    for p in PREFIXES {
        if let Some(rest) = w.strip_prefix(p) {
            if rest.chars().count() >= 3 {
                return rest;
            }
        }
    }
    w
}

/// The first `max` folded words of a text, and for each whether a sentence ends before it:
/// letters and digits kept (digits apart from letters), everything else a boundary, but
/// punctuation glued to a tatweel dropped (`غـ.ـزة` is one word).
fn words(text: &str, max: usize) -> (Vec<String>, Vec<bool>) {
    let mut out = Vec::new();
    let mut opens = Vec::new();
    let mut word = String::new();
    let mut digits = false;
    let mut stop = true;
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if out.len() >= max {
            break;
        }
        let glued = prev == TATWEEL || chars.peek() == Some(&TATWEEL);
        let decimal = matches!(c, '.' | '\u{066B}')
            && digits
            && !word.is_empty()
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(n));
        prev = c;
        let folded = match normalize::key_char(c) {
            KeyChar::Sep if !c.is_whitespace() && glued => KeyChar::Drop,
            other => other,
        };
        match folded {
            _ if decimal => word.push('.'),
            KeyChar::Drop => {}
            KeyChar::Sep => {
                flush(&mut out, &mut opens, &mut word, &mut stop);
                stop |= SENTENCE_ENDS.contains(&c) && !decimal;
            }
            KeyChar::Keep(k) => {
                let is_digit = k.is_ascii_digit();
                if !word.is_empty() && is_digit != digits {
                    flush(&mut out, &mut opens, &mut word, &mut stop);
                }
                digits = is_digit;
                match k {
                    'ؤ' | 'ئ' => word.push('ء'),
                    k if k.is_ascii() => word.push(k.to_ascii_lowercase()),
                    k => word.extend(k.to_lowercase()),
                }
            }
        }
    }
    if out.len() < max {
        flush(&mut out, &mut opens, &mut word, &mut stop);
    }
    (out, opens)
}

/// Characters that end a sentence.
const SENTENCE_ENDS: [char; 8] = ['.', '!', '?', '؟', '؛', '…', '\n', '\r'];

const TATWEEL: char = '\u{0640}';

fn flush(out: &mut Vec<String>, opens: &mut Vec<bool>, word: &mut String, stop: &mut bool) {
    if !word.is_empty() {
        out.push(std::mem::take(word));
        opens.push(std::mem::take(stop));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Kind> {
        tokens(text).into_iter().map(kind).collect()
    }

    #[test]
    fn spelling_variants_of_one_word_meet() {
        assert_eq!(tokens("مسئولين"), tokens("مسؤولين"));
        assert_eq!(tokens("الأمريكي"), tokens("الامريكي"));
        assert_eq!(tokens("والرئيس"), tokens("الرئيس"));
        assert_eq!(tokens("غـ.ـزة نـ.ـتنياهو"), tokens("غزة نتنياهو"));
        assert_ne!(tokens("الرئيس"), tokens("الوزير"));
    }

    #[test]
    fn punctuation_between_words_still_separates_them() {
        assert_eq!(tokens("غزة.نتنياهو").len(), 2);
        assert_eq!(tokens("قال،ثم").len(), 2);
    }

    #[test]
    fn digits_glued_to_letters_are_a_number_of_their_own() {
        assert_eq!(
            kinds("1432الموافق"),
            vec![Kind::HijriYear, Kind::Word],
            "{:?}",
            tokens("1432الموافق")
        );
        assert_eq!(tokens("٢٠١٨"), tokens("2018"));
        assert_eq!(tokens("08"), tokens("8"));
    }

    #[test]
    fn dates_are_typed_values() {
        assert_eq!(
            kinds("يوم الأحد 29 يوليوز 2018 الموافق 16 ذي القعدة 1439"),
            vec![
                Kind::Word,
                Kind::Weekday,
                Kind::Number,
                Kind::Month,
                Kind::Year,
                Kind::Word,
                Kind::Number,
                Kind::HijriMonth,
                Kind::HijriYear,
            ]
        );
        assert_eq!(tokens("23 كانون الأول"), tokens("23 ديسمبر"));
    }

    #[test]
    fn a_decimal_figure_is_one_value() {
        assert_eq!(kinds("4.15%"), vec![Kind::Decimal]);
        assert_eq!(tokens("٣٫٦٥"), tokens("3.65"));
        assert_eq!(tokens("04.150"), tokens("4.15"));
        assert_ne!(tokens("4.15"), tokens("4.51"));
        assert_eq!(
            kinds("عددهم 5. وقال"),
            vec![Kind::Word, Kind::Number, Kind::Word]
        );
        assert_eq!(tokens("1.2.3").len(), 1);
    }

    #[test]
    fn a_month_name_without_a_number_beside_it_is_a_word() {
        assert_eq!(kinds("شهر رمضان المبارك"), vec![Kind::Word; 3]);
        assert_eq!(kinds("مارس الضغط"), vec![Kind::Word; 2]);
        assert_eq!(kinds("may 2024"), vec![Kind::Month, Kind::Year]);
    }

    #[test]
    fn the_regional_names_of_a_month_are_one_word() {
        assert_eq!(tokens("مطلع شهر نيسان"), tokens("مطلع شهر أبريل"));
        assert_eq!(tokens("أواخر تشرين الأول"), tokens("أواخر أكتوبر"));
        assert_eq!(tokens("وأفريل"), tokens("نيسان"));
        assert_eq!(kinds("حتى نهاية تشرين الأول"), vec![Kind::Word; 3]);
        assert_ne!(tokens("نيسان"), tokens("أيار"));
        assert_ne!(tokens("نيسان"), tokens("شهر"));
        let dated = tokens("5 نيسان");
        assert_eq!(dated, tokens("5 أبريل"));
        assert_ne!(
            dated[1],
            tokens("نيسان")[0],
            "a month beside a number stays a value"
        );
    }

    #[test]
    fn a_bare_weekday_word_needs_its_article() {
        assert_eq!(kinds("أحد المسؤولين"), vec![Kind::Word; 2]);
        assert_eq!(kinds("والجمعة"), vec![Kind::Weekday]);
    }

    #[test]
    fn reading_stops_after_the_tokens_asked_for() {
        let text = "واحد اثنان ثلاثة 12 يناير 2024 خمسة";
        let all = tokens(text);
        assert_eq!(all.len(), 7);
        for max in 0..=8 {
            assert_eq!(tokens_up_to(text, max), all[..max.min(7)], "{max}");
        }
    }

    #[test]
    fn sentences_start_after_stops_and_line_breaks_but_not_inside_a_decimal() {
        let (t, starts) = sentences_up_to(
            "أعلنت الوزارة اليوم. وقال الوزير 3.5 مليون؟ نعم\nثم انتهى",
            512,
        );
        assert_eq!(t.len(), 10);
        assert_eq!(starts, vec![0, 3, 7, 8]);
        assert_eq!(sentences_up_to("", 512), (Vec::new(), Vec::new()));
        assert_eq!(sentences_up_to("...؟!\n", 512).1, Vec::<usize>::new());
    }

    #[test]
    fn a_sentence_opening_with_a_title_starts_at_its_next_word() {
        let (t, starts) = sentences_up_to("قال الوزير. معالي الوزير أكد ذلك", 512);
        assert_eq!(t, tokens("قال الوزير الوزير أكد ذلك"));
        assert_eq!(starts, vec![0, 2]);
    }

    #[test]
    fn titles_and_blessings_are_not_words_of_the_report() {
        assert_eq!(
            tokens("وجه خادم الحرمين الشريفين الملك سلمان - حفظه الله - بصرف المكافأة"),
            tokens("وجه الملك سلمان بصرف المكافأة")
        );
        assert_eq!(
            tokens("استقبل صاحب السمو الملكي الأمير فيصل ومعالي الوزير"),
            tokens("استقبل الأمير فيصل والوزير")
        );
        assert_eq!(tokens("قال سمو ولي العهد"), tokens("قال ولي العهد"));
    }

    #[test]
    fn words_of_a_title_elsewhere_and_names_stay() {
        assert_eq!(kinds("خادم المسجد").len(), 2);
        assert_eq!(kinds("الله أكبر").len(), 2);
        assert_eq!(kinds("محمد بن سلمان آل سعود").len(), 5);
        assert_eq!(kinds("حفظه").len(), 1);
    }

    #[test]
    fn a_body_full_of_titles_still_gives_the_tokens_asked_for() {
        let text = "معالي الوزير ".repeat(600);
        assert_eq!(tokens_up_to(&text, 512).len(), 512);
    }

    #[test]
    fn long_numbers_and_empty_text_do_not_panic() {
        assert_eq!(kinds("123456789012345678901234567890"), vec![Kind::Number]);
        assert!(tokens("").is_empty());
        assert!(tokens(" ، . ـ ").is_empty());
    }
}

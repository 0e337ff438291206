//! Date parsing for Arabic and mixed-language news pages; output is RFC 3339.
//!
//! Understood: Gregorian Arabic month names (Egyptian, Maghreb, Algerian/Tunisian forms, with or
//! without hamza), Levantine names (كانون الثاني … كانون الأول), combined forms
//! (`ديسمبر/كانون الأول`), English and French month names, Arabic-Indic and Persian digits,
//! weekday prefixes, ISO 8601, numeric `d/m/yyyy`, `d-m-yyyy`, `d.m.yyyy` and `yyyy/m/d` (also
//! after a clock time and a dash: `21:26 - 2023/03/23`), `dd/mm/yy` only when a clock time follows
//! it (`10/05/16 | 15:20`), a newspaper's print stamp beside the date (`[نُشر في 2019/03/14،
//! العدد: 11022، ص(7)]`: issue and page words do not count as the sentence words that make a line
//! more than a date), and times such as `10:30 م`, `10:30 PM`, `10:30 GMT+3`. A date without
//! a time gives midnight UTC; a time without a zone is taken as UTC. Impossible dates (31/02) are
//! refused.

/// Parses a date written on a news page (Arabic, English-mixed, ISO or numeric) to RFC 3339.
/// The text must be essentially a date: a short label (`تاريخ النشر:`, `نشر في`), a weekday, a
/// zone or a Hijri date beside it are allowed, a sentence that merely mentions a date is not
/// (use [`find_date`] for that).
pub fn parse_date(text: &str) -> Option<String> {
    let toks = tokenize(text);
    let mut dates: Vec<Found> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match date_at(&toks, i) {
            Some(found) => {
                i = found.end.max(i + 1);
                dates.push(found);
            }
            None => i += 1,
        }
    }
    let first = dates.first()?;
    let covered = |k: usize| dates.iter().any(|d| (d.start..d.end).contains(&k));
    let outside = toks
        .iter()
        .enumerate()
        .filter(|(k, t)| {
            !covered(*k) && matches!(t, Tok::Word(_)) && !is_filler(t) && !is_print_stamp(t)
        })
        .count();
    (outside <= MAX_LABEL_WORDS).then(|| first.rfc3339.clone())
}

/// Scans a longer line of text and returns the first date found in it, as RFC 3339.
pub fn find_date(text: &str) -> Option<String> {
    let toks = tokenize(text);
    (0..toks.len())
        .find_map(|i| date_at(&toks, i))
        .map(|f| f.rfc3339)
}

/// Words besides the date itself that [`parse_date`] accepts (labels, a Hijri month).
const MAX_LABEL_WORDS: usize = 3;

/// A date found in a token stream: its RFC 3339 form and the tokens it spans (time included).
struct Found {
    rfc3339: String,
    start: usize,
    end: usize,
}

/// One lexical unit of a normalised date text.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A run of digits: its value (saturating) and its length.
    Num(u32, usize),
    /// A run of letters, folded (alef forms, ى, ة, no diacritics, ASCII lower case).
    Word(String),
    /// Any other visible character.
    Punct(char),
}

fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut num: Option<(u32, usize)> = None;
    let flush = |toks: &mut Vec<Tok>, word: &mut String, num: &mut Option<(u32, usize)>| {
        if !word.is_empty() {
            toks.push(Tok::Word(std::mem::take(word)));
        }
        if let Some((v, n)) = num.take() {
            toks.push(Tok::Num(v, n));
        }
    };
    for c in text.chars() {
        let Some(c) = fold(c) else { continue };
        if let Some(d) = c.to_digit(10) {
            if !word.is_empty() {
                flush(&mut toks, &mut word, &mut None);
            }
            let (v, n) = num.unwrap_or((0, 0));
            num = Some((v.saturating_mul(10).saturating_add(d), n + 1));
        } else if crate::extract::normalize::is_alphabetic(c) {
            if num.is_some() {
                flush(&mut toks, &mut String::new(), &mut num);
            }
            word.extend(c.to_lowercase());
        } else {
            flush(&mut toks, &mut word, &mut num);
            if !c.is_whitespace() {
                toks.push(Tok::Punct(c));
            }
        }
    }
    flush(&mut toks, &mut word, &mut num);
    toks
}

/// Folds one character for date matching; `None` drops it (diacritics, tatweel, invisible marks).
fn fold(c: char) -> Option<char> {
    Some(match c {
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06f0}'..='\u{06f9}' => char::from(b'0' + (c as u32 - 0x06f0) as u8),
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        '\u{064b}'..='\u{065f}' | '\u{0670}' | '\u{0640}' => return None,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => return None,
        '\u{061c}' | '\u{feff}' | '\u{00ad}' => return None,
        '،' | '٬' => ',',
        '٫' => '.',
        '؛' => ';',
        '–' | '—' | '‒' | '−' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    })
}

/// Folded month names, one-word forms, to month numbers.
const MONTHS: &[(&str, u8)] = &[
    ("يناير", 1),
    ("جانفي", 1),
    ("فبراير", 2),
    ("فبرير", 2),
    ("فيفري", 2),
    ("شباط", 2),
    ("مارس", 3),
    ("اذار", 3),
    ("ابريل", 4),
    ("افريل", 4),
    ("نيسان", 4),
    ("مايو", 5),
    ("ماي", 5),
    ("ايار", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("جوان", 6),
    ("حزيران", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("يوليوز", 7),
    ("جويليه", 7),
    ("تموز", 7),
    ("اغسطس", 8),
    ("غشت", 8),
    ("اوت", 8),
    ("اب", 8),
    ("سبتمبر", 9),
    ("شتنبر", 9),
    ("ايلول", 9),
    ("اكتوبر", 10),
    ("نوفمبر", 11),
    ("نونبر", 11),
    ("ديسمبر", 12),
    ("دجنبر", 12),
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    // Persian names of the Gregorian months.
    ("ژانويه", 1),
    ("فوريه", 2),
    ("اوريل", 4),
    ("ژوين", 6),
    ("ژوئن", 6),
    ("ژوييه", 7),
    ("ژوئيه", 7),
    ("سپتامبر", 9),
    ("اكتبر", 10),
    ("نوامبر", 11),
    ("دسامبر", 12),
    // Urdu names of the Gregorian months.
    ("جنوري", 1),
    ("فروري", 2),
    ("مارچ", 3),
    ("اپريل", 4),
    ("مئي", 5),
    ("جون", 6),
    ("جولائي", 7),
    ("اگست", 8),
    ("ستمبر", 9),
    ("نومبر", 11),
    ("دسمبر", 12),
];

/// The months of the Solar Hijri (Jalali) calendar of Iranian pages, folded, in order.
const JALALI_MONTHS: [&str; 12] = [
    "فروردين",
    "ارديبهشت",
    "خرداد",
    "تير",
    "مرداد",
    "شهريور",
    "مهر",
    "ابان",
    "اذر",
    "دي",
    "بهمن",
    "اسفند",
];

/// Solar Hijri years a Jalali date may carry (1300 SH is 1921).
const JALALI_YEARS: std::ops::RangeInclusive<u32> = 1300..=1499;

/// A Jalali date (`۳ آبان ۱۴۰۲`) at `i`, converted to the Gregorian calendar.
fn jalali_at(toks: &[Tok], i: usize) -> Option<(Ymd, usize)> {
    let (d, dlen) = num(toks, i)?;
    if dlen > 2 {
        return None;
    }
    let month_at = skip_sep(toks, i + 1);
    let Some(Tok::Word(w)) = toks.get(month_at) else {
        return None;
    };
    let m = JALALI_MONTHS.iter().position(|name| name == w)? as u32 + 1;
    let y_at = skip_sep(toks, month_at + 1);
    let (y, ylen) = num(toks, y_at)?;
    if ylen != 4 || !JALALI_YEARS.contains(&y) || d == 0 || d > 31 || (m > 6 && d > 30) {
        return None;
    }
    Some((jalali_to_gregorian(y, m, d), y_at + 1))
}

/// Converts a Solar Hijri date to the Gregorian calendar (the arithmetic of the 33-year cycle
/// used by Iranian software, exact for 1300–1499 SH).
fn jalali_to_gregorian(jy: u32, jm: u32, jd: u32) -> Ymd {
    let jy = i64::from(jy) + 1595;
    let jm = i64::from(jm);
    let mut days = -355_668
        + 365 * jy
        + (jy / 33) * 8
        + ((jy % 33) + 3) / 4
        + i64::from(jd)
        + if jm < 7 {
            (jm - 1) * 31
        } else {
            (jm - 7) * 30 + 186
        };
    let mut gy = 400 * (days / 146_097);
    days %= 146_097;
    if days > 36_524 {
        days -= 1;
        gy += 100 * (days / 36_524);
        days %= 36_524;
        if days >= 365 {
            days += 1;
        }
    }
    gy += 4 * (days / 1461);
    days %= 1461;
    if days > 365 {
        gy += (days - 1) / 365;
        days = (days - 1) % 365;
    }
    let mut gd = days + 1;
    let leap = (gy % 4 == 0 && gy % 100 != 0) || gy % 400 == 0;
    let lengths = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut gm = 1;
    for len in lengths {
        if gd <= len {
            break;
        }
        gd -= len;
        gm += 1;
    }
    Ymd {
        y: gy as u32,
        m: gm,
        d: gd as u32,
    }
}

/// Levantine two-word months: first word, second word (folded), month number.
const TWO_WORD_MONTHS: &[(&str, &str, u8)] = &[
    ("كانون", "الثاني", 1),
    ("كانون", "ثاني", 1),
    ("كانون", "ثان", 1),
    ("كانون", "الاول", 12),
    ("كانون", "اول", 12),
    ("تشرين", "الاول", 10),
    ("تشرين", "اول", 10),
    ("تشرين", "الثاني", 11),
    ("تشرين", "ثاني", 11),
    ("تشرين", "ثان", 11),
];

/// One month name (one or two words) at `i`, optionally followed by a `.` (abbreviations).
fn single_month_at(toks: &[Tok], i: usize) -> Option<(u8, usize)> {
    let Some(Tok::Word(w)) = toks.get(i) else {
        return None;
    };
    let w = w
        .strip_prefix('ب')
        .filter(|r| r.chars().count() > 2 && month_word(r).is_some())
        .unwrap_or(w);
    if let Some(Tok::Word(next)) = toks.get(i + 1) {
        if let Some(&(_, _, m)) = TWO_WORD_MONTHS
            .iter()
            .find(|(a, b, _)| *a == w && b == next)
        {
            return Some((m, i + 2));
        }
    }
    let m = month_word(w)?;
    let end = if toks.get(i + 1) == Some(&Tok::Punct('.')) && w.is_ascii() {
        i + 2
    } else {
        i + 1
    };
    Some((m, end))
}

/// The Gregorian month named by a folded word (`غشت`, `ديسمبر`, `march`), or by it and the word
/// after it (Levantine `كانون` + `الاول`): the month number and how many words name it.
pub fn month_of(word: &str, next: Option<&str>) -> Option<(u8, usize)> {
    if let Some(next) = next {
        if let Some(&(_, _, m)) = TWO_WORD_MONTHS
            .iter()
            .find(|(a, b, _)| *a == word && *b == next)
        {
            return Some((m, 2));
        }
    }
    month_word(word).map(|m| (m, 1))
}

fn month_word(w: &str) -> Option<u8> {
    static BY_NAME: std::sync::OnceLock<std::collections::HashMap<&str, u8>> =
        std::sync::OnceLock::new();
    BY_NAME
        .get_or_init(|| MONTHS.iter().copied().collect())
        .get(w)
        .copied()
}

/// A month at `i`, with the other names given for the same month (`ديسمبر/كانون الأول`,
/// `نوفمبر (تشرين الثاني)`, `حزيران (يونيو - جوان)`) consumed too.
fn month_at(toks: &[Tok], i: usize) -> Option<(u8, usize)> {
    let (m, mut end) = single_month_at(toks, i)?;
    let first = end;
    for _ in 0..2 {
        let Some(Tok::Punct('/' | '(' | '-' | '|')) = toks.get(end) else {
            break;
        };
        let Some((_, e)) = single_month_at(toks, end + 1) else {
            break;
        };
        end = e;
    }
    if end > first && toks.get(end) == Some(&Tok::Punct(')')) {
        end += 1;
    }
    Some((m, end))
}

/// A calendar date.
#[derive(Debug, Clone, Copy)]
struct Ymd {
    y: u32,
    m: u32,
    d: u32,
}

/// A time of day with its zone offset in minutes, if one was given.
#[derive(Debug, Clone, Copy, Default)]
struct Hms {
    h: u32,
    min: u32,
    s: u32,
    offset: Option<i32>,
}

fn num(toks: &[Tok], i: usize) -> Option<(u32, usize)> {
    match toks.get(i) {
        Some(Tok::Num(v, n)) => Some((*v, *n)),
        _ => None,
    }
}

fn punct(toks: &[Tok], i: usize) -> Option<char> {
    match toks.get(i) {
        Some(Tok::Punct(c)) => Some(*c),
        _ => None,
    }
}

fn word(toks: &[Tok], i: usize) -> Option<&str> {
    match toks.get(i) {
        Some(Tok::Word(w)) => Some(w),
        _ => None,
    }
}

/// The full date (with its time, after or before it) starting at token `i`.
fn date_at(toks: &[Tok], i: usize) -> Option<Found> {
    if let Some((date, time, end)) = day_time_year_month_at(toks, i) {
        return valid(date).then(|| Found {
            rfc3339: format(date, time),
            start: i,
            end,
        });
    }
    let (date, end) = numeric_at(toks, i)
        .map(|(d, end)| (by_weekday(toks, i, d), end))
        .or_else(|| short_year_at(toks, i))
        .or_else(|| jalali_at(toks, i))
        .or_else(|| named_at(toks, i))?;
    if !valid(date) {
        return None;
    }
    let (time, start, end) = match time_after(toks, end) {
        Some((t, e)) => (t, i, e),
        None => match time_before(toks, i) {
            Some((t, s)) => (t, s, end),
            None => (Hms::default(), i, end),
        },
    };
    Some(Found {
        rfc3339: format(date, time),
        start,
        end,
    })
}

/// `yyyy-mm-dd`, `yyyy/m/d`, `d/m/yyyy`, `d-m-yyyy`, `d.m.yyyy` (month first when the day
/// position cannot be a month and the month position can).
fn numeric_at(toks: &[Tok], i: usize) -> Option<(Ymd, usize)> {
    if i >= 2
        && matches!(punct(toks, i - 1), Some('/' | '-' | '.' | ':'))
        && num(toks, i - 2).is_some()
        && !time_then_dash(toks, i)
    {
        return None;
    }
    let (a, alen) = num(toks, i)?;
    let sep = punct(toks, i + 1).filter(|c| matches!(c, '/' | '-' | '.'))?;
    let (b, blen) = num(toks, i + 2)?;
    (punct(toks, i + 3) == Some(sep)).then_some(())?;
    let (c, clen) = num(toks, i + 4)?;
    if blen > 2 {
        return None;
    }
    // More numbers joined on by `/` or `.` make no date (`1.2.3.4`, `12-30-2023/03/23`); a
    // number followed by a word there is a date written another way beside it (`28-9-2024 / 24
    // ربيع الأول 1446`).
    if matches!(punct(toks, i + 5), Some('/' | '.'))
        && num(toks, i + 6).is_some()
        && word(toks, i + 7).is_none()
    {
        return None;
    }
    let date = if alen == 4 && clen <= 2 {
        Ymd { y: a, m: b, d: c }
    } else if alen <= 2 && clen == 4 {
        if b > 12 && a <= 12 {
            Ymd { y: c, m: a, d: b }
        } else {
            Ymd { y: c, m: b, d: a }
        }
    } else {
        return None;
    };
    Some((date, i + 5))
}

/// Whether the number before `i` ends a clock time followed by a dash (`21:26 - 2023/03/23`):
/// the dash then separates the time from the date rather than joining numbers into one.
fn time_then_dash(toks: &[Tok], i: usize) -> bool {
    i >= 4
        && punct(toks, i - 1) == Some('-')
        && num(toks, i - 2).is_some_and(|(_, n)| n == 2)
        && punct(toks, i - 3) == Some(':')
        && num(toks, i - 4).is_some_and(|(_, n)| n <= 2)
}

/// `dd/mm/yy` with a two-digit year (`10/05/16 | 15:20`), read day first as Arabic pages write
/// it, and only when a clock time follows: the time is what marks the three numbers as a date.
fn short_year_at(toks: &[Tok], i: usize) -> Option<(Ymd, usize)> {
    if i >= 2 && matches!(punct(toks, i - 1), Some('/' | '-' | '.')) {
        return None;
    }
    let (d, dlen) = num(toks, i)?;
    (dlen == 2 && punct(toks, i + 1) == Some('/')).then_some(())?;
    let (m, mlen) = num(toks, i + 2)?;
    (mlen == 2 && punct(toks, i + 3) == Some('/')).then_some(())?;
    let (y, ylen) = num(toks, i + 4)?;
    (ylen == 2 && punct(toks, i + 5) != Some('/')).then_some(())?;
    time_after(toks, i + 5)?;
    Some((Ymd { y: 2000 + y, m, d }, i + 5))
}

/// `4 نوفمبر 2023`, `4th, November 2023`, `November 4, 2023`, `4-نوفمبر-2023`.
fn named_at(toks: &[Tok], i: usize) -> Option<(Ymd, usize)> {
    if let Some((d, dlen)) = num(toks, i) {
        if dlen > 2 {
            return None;
        }
        let mut j = skip_ordinal(toks, i + 1);
        j = skip_sep(toks, j);
        if word(toks, j) == Some("من") || word(toks, j) == Some("of") {
            j += 1;
        }
        let (m, e) = month_at(toks, j)?;
        let y_at = skip_sep(toks, e);
        let (y, ylen) = num(toks, y_at)?;
        return (ylen == 4).then_some((Ymd { y, m: m.into(), d }, y_at + 1));
    }
    let (m, e) = month_at(toks, i)?;
    let d_at = skip_sep(toks, e);
    let (d, dlen) = num(toks, d_at)?;
    if dlen > 2 {
        return None;
    }
    let y_at = skip_sep(toks, skip_ordinal(toks, d_at + 1));
    let (y, ylen) = num(toks, y_at)?;
    (ylen == 4).then_some((Ymd { y, m: m.into(), d }, y_at + 1))
}

/// `16 10:10 2026 مارس`: day, time, year, month, as some portals print their date lines.
fn day_time_year_month_at(toks: &[Tok], i: usize) -> Option<(Ymd, Hms, usize)> {
    let (d, dlen) = num(toks, i)?;
    if dlen > 2 {
        return None;
    }
    let (time, e) = time_at(toks, i + 1)?;
    let (y, ylen) = num(toks, e)?;
    if ylen != 4 {
        return None;
    }
    let (m, end) = month_at(toks, e + 1)?;
    Some((Ymd { y, m: m.into(), d }, time, end))
}

fn skip_ordinal(toks: &[Tok], i: usize) -> usize {
    match word(toks, i) {
        Some("st" | "nd" | "rd" | "th" | "er") => i + 1,
        _ => i,
    }
}

/// Skips one separator between date parts: `,`, `-`, `/`, `.`, `_`.
fn skip_sep(toks: &[Tok], i: usize) -> usize {
    match punct(toks, i) {
        Some(',' | '-' | '/' | '.' | '_') => i + 1,
        _ => i,
    }
}

/// Words of a newspaper's print stamp beside its date (`[نُشر في 2017/01/10، العدد: 10508،
/// ص(24)]`): the issue and the page, not words of a sentence.
fn is_print_stamp(tok: &Tok) -> bool {
    matches!(tok, Tok::Word(w) if matches!(w.as_str(), "العدد" | "عدد" | "ص" | "صفحه" | "الصفحه"))
}

/// Words and signs that may stand between a date and its time.
fn is_filler(tok: &Tok) -> bool {
    match tok {
        Tok::Punct(c) => matches!(
            c,
            ',' | '-' | '|' | '@' | '/' | '(' | ')' | ';' | '.' | '•' | '·'
        ),
        Tok::Word(w) => {
            matches!(
                w.as_str(),
                "t" | "at"
                    | "الساعه"
                    | "ساعه"
                    | "في"
                    | "على"
                    | "عند"
                    | "h"
                    | "م"
                    | "ميلادي"
                    | "الموافق"
                    | "ه"
                    | "هجري"
                    | "هجريه"
                    | "اخر"
                    | "تحديث"
                    | "محدث"
                    | "بتوقيت"
                    | "توقيت"
                    | "غرينتش"
                    | "جرينتش"
                    | "مكه"
                    | "المكرمه"
                    | "um"
                    | "à"
            ) || is_weekday(w)
        }
        Tok::Num(..) => false,
    }
}

fn is_weekday(w: &str) -> bool {
    weekday_of(w).is_some()
}

/// The day of the week a folded word names (`الثلاثاء`, `يومالاحد`, `tuesday`), 0 for Sunday.
pub fn weekday_of(w: &str) -> Option<u32> {
    let w = w.strip_prefix("يوم").unwrap_or(w);
    let w = w.strip_prefix("ال").unwrap_or(w);
    Some(match w {
        "احد" | "sunday" | "sun" => 0,
        "اثنين" | "monday" | "mon" => 1,
        "ثلاثاء" | "tuesday" | "tue" => 2,
        "اربعاء" | "wednesday" | "wed" => 3,
        "خميس" | "thursday" | "thu" => 4,
        "جمعه" | "friday" | "fri" => 5,
        "سبت" | "saturday" | "sat" => 6,
        _ => return None,
    })
}

/// The day of the week of a Gregorian date (month 1 to 12), 0 for Sunday.
pub fn day_of_week(y: u32, m: u32, d: u32) -> u32 {
    weekday(Ymd { y, m, d })
}

/// The day of the week of a date, 0 for Sunday.
fn weekday(d: Ymd) -> u32 {
    const T: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if d.m < 3 { d.y.saturating_sub(1) } else { d.y };
    (y + y / 4 - y / 100 + y / 400 + T[(d.m.clamp(1, 12) - 1) as usize] + d.d) % 7
}

/// A numeric date whose day and month could trade places, read in the order that gives the
/// weekday printed just before it (`أحد, 07/02/2023` is the 2nd of July).
fn by_weekday(toks: &[Tok], i: usize, d: Ymd) -> Ymd {
    if d.m > 12 || d.d > 12 || d.m == d.d {
        return d;
    }
    let named = (i.saturating_sub(3)..i)
        .rev()
        .find_map(|j| word(toks, j).and_then(weekday_of));
    let swapped = Ymd {
        y: d.y,
        m: d.d,
        d: d.m,
    };
    match named {
        Some(w) if weekday(d) != w && weekday(swapped) == w => swapped,
        _ => d,
    }
}

/// A time after the date, possibly behind a few fillers (`- الساعة 10:30 م`), or a bare zone
/// (`4th, November 2023 GMT`).
fn time_after(toks: &[Tok], end: usize) -> Option<(Hms, usize)> {
    for j in end..end + 4 {
        if let Some(found) = time_at(toks, j) {
            return Some(found);
        }
        if let Some((offset, e)) = zone_at(toks, j).filter(|_| word(toks, j).is_some()) {
            let t = Hms {
                offset: Some(offset),
                ..Hms::default()
            };
            return Some((t, e));
        }
        if !toks.get(j).is_some_and(is_filler) {
            return None;
        }
    }
    None
}

/// A time shortly before the date, separated from it only by fillers (`10:30 ص، الأحد 4 …`).
fn time_before(toks: &[Tok], start: usize) -> Option<(Hms, usize)> {
    (start.saturating_sub(10)..start).find_map(|k| {
        let (t, e) = time_at(toks, k)?;
        (e <= start && toks[e..start].iter().all(is_filler)).then_some((t, k))
    })
}

/// `HH:MM[:SS[.frac]]` with an optional meridiem and zone, returning the index past it.
fn time_at(toks: &[Tok], i: usize) -> Option<(Hms, usize)> {
    let (h, hlen) = num(toks, i)?;
    (hlen <= 2 && punct(toks, i + 1) == Some(':')).then_some(())?;
    let (min, mlen) = num(toks, i + 2)?;
    (mlen == 2).then_some(())?;
    let mut j = i + 3;
    let mut s = 0;
    if punct(toks, j) == Some(':') {
        let (sec, slen) = num(toks, j + 1)?;
        (slen == 2).then_some(())?;
        s = sec;
        j += 2;
        if punct(toks, j) == Some('.') && num(toks, j + 1).is_some() {
            j += 2;
        }
    }
    let mut h = h;
    if let Some(w) = word(toks, j) {
        let pm = matches!(w, "pm" | "م" | "مساء" | "مساءا" | "عصرا" | "ليلا" | "ظهرا");
        let am = matches!(w, "am" | "ص" | "صباحا" | "فجرا");
        if pm && h < 12 && !(w == "ظهرا" && h == 11) {
            h += 12;
        } else if am && h == 12 {
            h = 0;
        }
        if pm || am {
            j += 1;
        }
    }
    if h > 23 || min > 59 || s > 60 {
        return None;
    }
    let (offset, end) = zone_at(toks, j).map_or((None, j), |(o, e)| (Some(o), e));
    Some((
        Hms {
            h,
            min,
            s: s.min(59),
            offset,
        },
        end,
    ))
}

/// A zone: `Z`, `GMT`, `UTC` (optionally `+3`, `+03:00`), `+03:00`, `+0300`, `بتوقيت غرينتش`.
fn zone_at(toks: &[Tok], i: usize) -> Option<(i32, usize)> {
    match toks.get(i)? {
        Tok::Word(w) if matches!(w.as_str(), "z" | "gmt" | "utc") => {
            Some(signed_offset(toks, i + 1).unwrap_or((0, i + 1)))
        }
        Tok::Word(w) if w == "بتوقيت" || w == "توقيت" => match word(toks, i + 1) {
            Some("غرينتش" | "جرينتش" | "جرينيتش" | "غرينيتش" | "gmt") => {
                Some((0, i + 2))
            }
            _ => None,
        },
        Tok::Punct('+' | '-') => signed_offset(toks, i),
        _ => None,
    }
}

/// `+3`, `+03`, `+03:00`, `+0300`, `-05:30` → minutes east of UTC.
fn signed_offset(toks: &[Tok], i: usize) -> Option<(i32, usize)> {
    let sign = match punct(toks, i)? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let (v, len) = num(toks, i + 1)?;
    let (h, m, end) = match len {
        1 | 2 if punct(toks, i + 2) == Some(':') => {
            let (m, mlen) = num(toks, i + 3)?;
            (mlen == 2).then_some((v, m, i + 4))?
        }
        1 | 2 => (v, 0, i + 2),
        4 => (v / 100, v % 100, i + 2),
        _ => return None,
    };
    (h <= 14 && m < 60).then_some((sign * (h * 60 + m) as i32, end))
}

fn valid(d: Ymd) -> bool {
    (1900..=2100).contains(&d.y) && (1..=12).contains(&d.m) && d.d >= 1 && d.d <= days_in(d.y, d.m)
}

fn days_in(y: u32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn format(d: Ymd, t: Hms) -> String {
    let zone = match t.offset {
        None | Some(0) => "Z".to_string(),
        Some(o) => {
            let sign = if o < 0 { '-' } else { '+' };
            format!("{sign}{:02}:{:02}", o.abs() / 60, o.abs() % 60)
        }
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        d.y, d.m, d.d, t.h, t.min, t.s
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        parse_date(s)
    }

    fn day(s: &str) -> String {
        format!("{s}T00:00:00Z")
    }

    #[test]
    fn egyptian_month_names_give_midnight_utc() {
        let cases = [
            ("4 يناير 2023", "2023-01-04"),
            ("4 فبراير 2023", "2023-02-04"),
            ("4 مارس 2023", "2023-03-04"),
            ("4 أبريل 2023", "2023-04-04"),
            ("4 إبريل 2023", "2023-04-04"),
            ("4 ابريل 2023", "2023-04-04"),
            ("4 مايو 2023", "2023-05-04"),
            ("4 يونيو 2023", "2023-06-04"),
            ("4 يونيه 2023", "2023-06-04"),
            ("4 يوليو 2023", "2023-07-04"),
            ("4 يوليه 2023", "2023-07-04"),
            ("4 أغسطس 2023", "2023-08-04"),
            ("4 اغسطس 2023", "2023-08-04"),
            ("4 سبتمبر 2023", "2023-09-04"),
            ("4 أكتوبر 2023", "2023-10-04"),
            ("4 نوفمبر 2023", "2023-11-04"),
            ("4 ديسمبر 2023", "2023-12-04"),
        ];
        for (text, want) in cases {
            assert_eq!(p(text), Some(day(want)), "{text}");
        }
    }

    #[test]
    fn maghreb_and_algerian_month_names() {
        let cases = [
            ("12 جانفي 2024", "2024-01-12"),
            ("12 فيفري 2024", "2024-02-12"),
            ("12 أفريل 2024", "2024-04-12"),
            ("12 ماي 2024", "2024-05-12"),
            ("12 جوان 2024", "2024-06-12"),
            ("2 حزيران (يونيو - جوان)، 2018", "2018-06-02"),
            ("أحد, 07/02/2023", "2023-07-02"),
            ("الثلاثاء 07/02/2023", "2023-02-07"),
            ("الأحد 12/11/2023", "2023-11-12"),
            ("12 جويلية 2024", "2024-07-12"),
            ("12 يوليوز 2024", "2024-07-12"),
            ("12 أوت 2024", "2024-08-12"),
            ("12 غشت 2024", "2024-08-12"),
            ("12 شتنبر 2024", "2024-09-12"),
            ("12 نونبر 2024", "2024-11-12"),
            ("12 دجنبر 2024", "2024-12-12"),
        ];
        for (text, want) in cases {
            assert_eq!(p(text), Some(day(want)), "{text}");
        }
    }

    #[test]
    fn levantine_month_names() {
        let cases = [
            ("5 كانون الثاني 2022", "2022-01-05"),
            ("5 شباط 2022", "2022-02-05"),
            ("5 آذار 2022", "2022-03-05"),
            ("5 نيسان 2022", "2022-04-05"),
            ("5 أيار 2022", "2022-05-05"),
            ("5 حزيران 2022", "2022-06-05"),
            ("5 تموز 2022", "2022-07-05"),
            ("5 آب 2022", "2022-08-05"),
            ("5 أيلول 2022", "2022-09-05"),
            ("5 تشرين الأول 2022", "2022-10-05"),
            ("5 تشرين الثاني 2022", "2022-11-05"),
            ("5 كانون الأول 2022", "2022-12-05"),
            ("5 تشرين أول 2022", "2022-10-05"),
        ];
        for (text, want) in cases {
            assert_eq!(p(text), Some(day(want)), "{text}");
        }
    }

    #[test]
    fn combined_month_names_count_once() {
        assert_eq!(p("20 ديسمبر/كانون الأول 2023"), Some(day("2023-12-20")));
        assert_eq!(p("20 كانون الأول/ديسمبر 2023"), Some(day("2023-12-20")));
        assert_eq!(p("3 نوفمبر (تشرين الثاني) 2023"), Some(day("2023-11-03")));
        assert_eq!(p("3 تشرين الثاني - نوفمبر 2023"), Some(day("2023-11-03")));
    }

    #[test]
    fn arabic_indic_and_persian_digits() {
        assert_eq!(p("٤ نوفمبر ٢٠٢٣"), Some(day("2023-11-04")));
        assert_eq!(p("۴ نوفمبر ۲۰۲۳"), Some(day("2023-11-04")));
        assert_eq!(p("١٥/١١/٢٠٢٣"), Some(day("2023-11-15")));
    }

    #[test]
    fn weekdays_of_known_days() {
        assert_eq!(
            day_of_week(2021, 9, 8),
            3,
            "8 September 2021 was a Wednesday"
        );
        assert_eq!(
            day_of_week(2024, 2, 29),
            4,
            "29 February 2024 was a Thursday"
        );
        assert_eq!(day_of_week(2000, 1, 1), 6, "1 January 2000 was a Saturday");
    }

    #[test]
    fn weekday_prefixes_are_skipped() {
        assert_eq!(p("الأحد 5 نوفمبر 2023"), Some(day("2023-11-05")));
        assert_eq!(p("الإثنين، 6 نوفمبر، 2023"), Some(day("2023-11-06")));
        assert_eq!(p("يوم الجمعة 10 نوفمبر 2023"), Some(day("2023-11-10")));
        assert_eq!(p("Saturday 4 November 2023"), Some(day("2023-11-04")));
    }

    #[test]
    fn english_mixed_forms() {
        assert_eq!(p("4th, November 2023 GMT"), Some(day("2023-11-04")));
        assert_eq!(
            p("تاريخ النشر: 4th, November 2023 GMT"),
            Some(day("2023-11-04"))
        );
        assert_eq!(p("November 4, 2023"), Some(day("2023-11-04")));
        assert_eq!(p("Nov. 4, 2023"), Some(day("2023-11-04")));
        assert_eq!(p("1st January 2024"), Some(day("2024-01-01")));
        assert_eq!(p("22nd of March 2024"), Some(day("2024-03-22")));
        assert_eq!(p("1er janvier 2024"), Some(day("2024-01-01")));
    }

    #[test]
    fn rfc_2822_dates_from_feeds_and_headers() {
        assert_eq!(
            p("Sat, 04 Nov 2023 10:00:00 GMT").as_deref(),
            Some("2023-11-04T10:00:00Z")
        );
        assert_eq!(
            p("Sat, 04 Nov 2023 10:00:00 +0300").as_deref(),
            Some("2023-11-04T10:00:00+03:00")
        );
    }

    #[test]
    fn month_names_between_slashes_and_morning_words() {
        assert_eq!(p("السبت 04/نوفمبر/2023"), Some(day("2023-11-04")));
        assert_eq!(
            p("4 نوفمبر، 2023 - 10:30 صباحاً").as_deref(),
            Some("2023-11-04T10:30:00Z")
        );
        assert_eq!(p("7 أكتوبر/ تشرين الأول 2023"), Some(day("2023-10-07")));
    }

    #[test]
    fn month_first_arabic() {
        assert_eq!(p("نوفمبر 4، 2023"), Some(day("2023-11-04")));
    }

    #[test]
    fn iso_8601_keeps_time_and_zone() {
        assert_eq!(
            p("2023-11-04T10:00:00+03:00").as_deref(),
            Some("2023-11-04T10:00:00+03:00")
        );
        assert_eq!(
            p("2023-11-04T10:00:00.000Z").as_deref(),
            Some("2023-11-04T10:00:00Z")
        );
        assert_eq!(
            p("2023-11-04T10:00:00+0000").as_deref(),
            Some("2023-11-04T10:00:00Z")
        );
        assert_eq!(
            p("2023-11-04T22:15:30-05:30").as_deref(),
            Some("2023-11-04T22:15:30-05:30")
        );
        assert_eq!(
            p("2023-11-04 10:00").as_deref(),
            Some("2023-11-04T10:00:00Z")
        );
        assert_eq!(p("2023-11-04"), Some(day("2023-11-04")));
    }

    #[test]
    fn numeric_day_month_year_forms() {
        assert_eq!(p("04/11/2023"), Some(day("2023-11-04")));
        assert_eq!(p("4-11-2023"), Some(day("2023-11-04")));
        assert_eq!(p("4.11.2023"), Some(day("2023-11-04")));
        assert_eq!(p("2023/11/4"), Some(day("2023-11-04")));
        assert_eq!(p("11/25/2023"), Some(day("2023-11-25")));
    }

    #[test]
    fn times_with_arabic_meridiem() {
        assert_eq!(
            p("الأحد 5 نوفمبر 2023 - 10:30 م").as_deref(),
            Some("2023-11-05T22:30:00Z")
        );
        assert_eq!(
            p("05/11/2023 الساعة 09:15 ص").as_deref(),
            Some("2023-11-05T09:15:00Z")
        );
        assert_eq!(
            p("05/11/2023 12:05 ص").as_deref(),
            Some("2023-11-05T00:05:00Z")
        );
        assert_eq!(
            p("5 نوفمبر 2023 | 3:45 PM GMT+3").as_deref(),
            Some("2023-11-05T15:45:00+03:00")
        );
        assert_eq!(
            p("5 نوفمبر 2023 10:00 بتوقيت غرينتش").as_deref(),
            Some("2023-11-05T10:00:00Z")
        );
    }

    #[test]
    fn time_before_the_date_is_used() {
        assert_eq!(
            p("10:30 ص، الأحد 5 نوفمبر 2023").as_deref(),
            Some("2023-11-05T10:30:00Z")
        );
    }

    #[test]
    fn time_then_dash_then_year_first_date() {
        assert_eq!(
            p("تاريخ النشر : 21:26 - 2023/03/23").as_deref(),
            Some("2023-03-23T21:26:00Z")
        );
        assert_eq!(p("12-30-2023/03/23"), None);
    }

    #[test]
    fn a_hijri_date_after_a_slash_stays_beside_the_numeric_date() {
        assert_eq!(
            p("السبت 28-9-2024 / 24 ربيع الأول 1446 هـ").as_deref(),
            Some("2024-09-28T00:00:00Z")
        );
        assert_eq!(p("1.2.3.4"), None);
    }

    #[test]
    fn two_digit_year_needs_a_time_after_it() {
        assert_eq!(
            p("تاريخ النشر: 10/05/16 | 15:20").as_deref(),
            Some("2016-05-10T15:20:00Z")
        );
        assert_eq!(p("10/05/16"), None);
        assert_eq!(find_date("النتيجة 10/05/16 في المباراة"), None);
        assert_eq!(p("31/02/16 10:00"), None);
    }

    #[test]
    fn impossible_dates_are_refused() {
        for text in [
            "31/02/2023",
            "30 فبراير 2023",
            "29 فبراير 2023",
            "2023-13-01",
            "2023-04-31",
            "0 مايو 2023",
            "32 مايو 2023",
            "4 نوفمبر 1445",
        ] {
            assert_eq!(p(text), None, "{text}");
        }
        assert_eq!(p("29 فبراير 2024"), Some(day("2024-02-29")));
    }

    #[test]
    fn texts_without_a_date_give_none() {
        for text in [
            "",
            "مارس الرياضة 20 عاماً",
            "الساعة 10:30",
            "نوفمبر 2023",
            "العدد 2023",
            "٤٥٦٧٨٩",
            "https://example.com/news/12345",
        ] {
            assert_eq!(p(text), None, "{text}");
        }
    }

    #[test]
    fn a_print_stamp_beside_a_date_is_accepted() {
        assert_eq!(
            p("الصحيفة  [نُشر في 2019/03/14، العدد: 11022، ص(7)]"),
            Some(day("2019-03-14"))
        );
        assert_eq!(
            p("ذكرت الصحيفة في العدد الصادر 14 مارس 2019 أن الوزير غادر"),
            None
        );
    }

    #[test]
    fn labels_beside_a_date_are_accepted() {
        assert_eq!(p("نشر في: الأحد 5 نوفمبر 2023"), Some(day("2023-11-05")));
        assert_eq!(
            p("آخر تحديث 05/11/2023 - 10:30 م").as_deref(),
            Some("2023-11-05T22:30:00Z")
        );
        assert_eq!(
            p("الأحد 5 نوفمبر 2023 - 20 ربيع الآخر 1445 هـ"),
            Some(day("2023-11-05"))
        );
    }

    #[test]
    fn a_sentence_mentioning_a_date_is_not_a_date() {
        let line = "وأقيمت المباراة النهائية يوم 4 نوفمبر 2023 على ملعب القاهرة الدولي";
        assert_eq!(p(line), None);
        assert_eq!(find_date(line), Some(day("2023-11-04")));
    }

    #[test]
    fn find_date_picks_the_first_date_in_a_line() {
        assert_eq!(
            find_date(
                "نشر في الأحد 20 ربيع الآخر 1445 هـ الموافق 5 نوفمبر 2023 م، آخر تحديث 6 نوفمبر 2023"
            ),
            Some(day("2023-11-05"))
        );
        assert_eq!(
            find_date("القاهرة - كتب أحمد علي - آخر تحديث: 2023/11/04 10:00:00"),
            Some("2023-11-04T10:00:00Z".to_string())
        );
    }

    #[test]
    fn diacritics_tatweel_and_bidi_marks_are_ignored() {
        assert_eq!(p("\u{200f}4 نوفمـــبر 2023"), Some(day("2023-11-04")));
        assert_eq!(p("4 أَبْرِيل 2023"), Some(day("2023-04-04")));
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            "9999999999999999/99/99",
            "::::",
            "+",
            "4 نوفمبر",
            "2023-",
            "١٠:٣٠ م",
            "T",
            "GMT+99",
        ] {
            let _ = p(text);
        }
        assert_eq!(p("99999999999 نوفمبر 2023"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_a_valid_rfc3339_or_none(text in "[0-9٠-٩/:.,+\\- a-zA-Z\u{0621}-\u{064A}]{0,80}") {
            for found in [parse_date(&text), find_date(&text)].into_iter().flatten() {
                let parsed = time::OffsetDateTime::parse(
                    &found,
                    &time::format_description::well_known::Rfc3339,
                );
                proptest::prop_assert!(parsed.is_ok(), "{} from {:?}", found, text);
            }
        }

        #[test]
        fn structured_dates_are_valid_or_refused(
            d in 0u32..40, m in 0usize..MONTHS.len(), y in 1890u32..2110,
            h in 0u32..30, min in 0u32..70, mer in 0usize..4, numeric in proptest::prelude::any::<bool>(),
        ) {
            let meridiem = ["", " م", " ص", " PM"][mer];
            let text = if numeric {
                format!("{d}/{}/{y} {h}:{min:02}{meridiem}", m % 14)
            } else {
                format!("الأحد {d} {} {y} - {h}:{min:02}{meridiem}", MONTHS[m].0)
            };
            if let Some(found) = parse_date(&text) {
                let parsed = time::OffsetDateTime::parse(
                    &found,
                    &time::format_description::well_known::Rfc3339,
                );
                proptest::prop_assert!(parsed.is_ok(), "{} from {:?}", found, text);
                proptest::prop_assert!(found.starts_with(&format!("{y:04}-")), "{} from {:?}", found, text);
            }
        }
    }

    #[test]
    fn day_time_year_month_order_is_read() {
        assert_eq!(
            parse_date("16 10:10 2026 مارس").as_deref(),
            Some("2026-03-16T10:10:00Z")
        );
        assert_eq!(
            parse_date(":تحديث 22 15:11 2021 ديسمبر").as_deref(),
            Some("2021-12-22T15:11:00Z")
        );
    }

    #[test]
    fn a_published_and_updated_pair_is_a_date_line() {
        assert_eq!(
            parse_date("3 تشرين الثاني 2025 08:05:00 - آخر تحديث: 3 تشرين الثاني 2025 08:31:12")
                .as_deref(),
            Some("2025-11-03T08:05:00Z")
        );
    }

    #[test]
    fn persian_pages_give_jalali_and_persian_month_dates() {
        assert_eq!(
            parse_date("تاریخ انتشار: ۳ آبان ۱۴۰۲ - ۱۸:۴۰").as_deref(),
            Some("2023-10-25T18:40:00Z")
        );
        assert_eq!(
            parse_date("۱۲ فروردین ۱۳۹۹").as_deref(),
            Some("2020-03-31T00:00:00Z")
        );
        assert_eq!(
            parse_date("۵ اکتبر ۲۰۲۳").as_deref(),
            Some("2023-10-05T00:00:00Z")
        );
        assert_eq!(
            parse_date("12 جنوری 2024").as_deref(),
            Some("2024-01-12T00:00:00Z")
        );
    }
}

//! What one line says about itself, from evidence any portal gives: its length and how it ends,
//! its share of Arabic function words, whether it is a date, a clock, a caption, a widget, a
//! call to action or a comment prompt, whether it repeats elsewhere on the page, whether it is
//! a cut teaser of a later paragraph. The layout model ([`super::layout`]) weighs these with the
//! line's position.

use std::collections::HashMap;

use super::shape::{end_of, is_function_word, strip_bullet, word_count, End};
use super::units::{Class, Unit};
use crate::extract::dates::parse_date;
use crate::extract::markers::TextKeys;

/// The basmala, which opens some articles on a line of its own (matching key).
const BASMALA: &str = "بسم الله الرحمن الرحيم";
/// A line of this many words is prose whatever its punctuation.
const PROSE_MIN_WORDS: usize = 15;
/// Fewest words of a punctuated prose line.
const PROSE_PUNCTUATED_MIN_WORDS: usize = 6;
/// Fewest words of an unpunctuated prose line on a page that does not punctuate.
const PROSE_OPEN_MIN_WORDS: usize = 8;
/// Lines this long tell whether a page punctuates its paragraphs (headlines are shorter).
const PUNCTUATION_SAMPLE_WORDS: usize = 12;
/// Longest date or clock line, in words.
const DATE_LINE_MAX_WORDS: usize = 20;
/// Longest typed furniture line (caption, call to action, comment prompt), in words.
const FURNITURE_MAX_WORDS: usize = 25;
/// Longest part of a dateline on either side of its joint, in words.
const DATELINE_PART_MAX_WORDS: usize = 3;
/// Longest notice (paywall, comment policy, copyright), in words.
const NOTICE_MAX_WORDS: usize = 40;
/// Most function words, in percent of its words, of a ticker line holding a comma.
const TICKER_MAX_FUNCTION_PERCENT: usize = 15;
/// Fewest words of headlines run together on one line.
const TICKER_MIN_WORDS: usize = 20;
/// Share of a line's content words found in one later, longer line that makes a line cut with
/// `…` a teaser of it.
const TEASER_CONTAINMENT: f32 = 0.7;
/// The same share that makes any line a teaser (a standfirst repeating the lead).
const COPY_CONTAINMENT: f32 = 0.9;
/// Fewest content words of a line cut with `…` judged as a teaser.
const TEASER_MIN_WORDS: usize = 6;
/// Fewest words of an uncut line judged as a copy of a later one (titles, shorter, are often
/// found whole in the lead).
const COPY_MIN_WORDS: usize = 12;
/// Lines between an uncut copy and the paragraph it copies: a second paragraph that restates
/// the lead right under it is prose, a standfirst stands apart from the body.
const COPY_MIN_DISTANCE: usize = 3;

/// Furniture a line shows on its own, whatever its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Furniture {
    /// Widgets, controls and counters (`حجم الخط`, lone digits, `previous arrow`).
    Widget,
    /// A call to follow, subscribe or download (`تابعونا على تيليجرام`).
    CallToAction,
    /// A comment area prompt or policy (`اترك تعليقاً`).
    Comment,
    /// An image caption, credit or file name (`صورة أرشيفية`, `Getty Images`, `.jpg`).
    Caption,
    /// A clock or relative time (`09:10 م`, `منذ 3 ساعات`).
    Clock,
    /// A masthead role with its name (`رئيس التحرير`).
    Masthead,
    /// A breadcrumb (`الرئيسية » أخبار » سياسة`).
    Breadcrumb,
    /// A dateline or byline standing alone (`بغداد - وكالات`, `مسقط/ الأناضول-`).
    Dateline,
    /// An agency or wire name alone (`وكالات`, `(كونا)`).
    Agency,
    /// A short line in another script than the page's (`Getty Images via AFP`, `Muskat`).
    Foreign,
    /// A comma-separated list of short items with no sentence in it: an unlabelled tags line.
    TagList,
    /// A notice: paywall, comment policy, copyright (`للمشتركين فقط`, `جميع الحقوق محفوظة`).
    Notice,
    /// Headlines run together on one long line, with no sentence punctuation between them.
    Ticker,
    /// An outlet's name alone (`ساحل بريس`, `بوابة الوسط`): a signature after the body.
    Outlet,
    /// An embedded post and its attribution (`— Name (@handle) February 14, 2014`).
    Embed,
}

impl Furniture {
    /// The `stats.removed` kind this furniture is counted under.
    pub(super) fn kind(self) -> &'static str {
        match self {
            Furniture::Widget | Furniture::Foreign => "widget",
            Furniture::CallToAction => "call_to_action",
            Furniture::Comment => "comments",
            Furniture::Caption => "caption",
            Furniture::Clock => "date",
            Furniture::Masthead | Furniture::Breadcrumb => "header",
            Furniture::Dateline | Furniture::Agency => "byline",
            Furniture::TagList => "tags",
            Furniture::Notice => "notice",
            Furniture::Ticker => "ticker",
            Furniture::Outlet => "byline",
            Furniture::Embed => "embed",
        }
    }
}

/// The evidence about one unit. Only [`Class::Body`] units carry more than defaults.
#[derive(Debug, Clone)]
pub(super) struct Evidence {
    /// Words in the line.
    pub words: usize,
    /// How the line ends.
    pub end: End,
    /// Arabic function words among them (`في`, `من`, `أن`, `الذي` …).
    pub function_words: usize,
    /// Content words (function words and short words left out, clitics stripped): what a
    /// title shares with its lead.
    pub content: Vec<String>,
    /// The date the line holds, when it is a date line.
    pub date: Option<String>,
    /// Furniture the line shows on its own.
    pub furniture: Option<Furniture>,
    /// The same line (by matching key) stands elsewhere on the page.
    pub repeated: bool,
    /// The line is a cut-down copy of a later, longer line (a teaser of the lead).
    pub teaser: bool,
    /// The line, uncut, is mostly found in a later paragraph standing apart from it (a
    /// standfirst, or a title repeated in the lead).
    pub copy: bool,
    /// The line is article prose ([`is_prose`]).
    pub prose: bool,
    /// The line starts with a list bullet.
    pub bulleted: bool,
    /// The line is joined like a headline: a speaker and a colon opening it (`ترامب: …`), or
    /// `..` between its parts.
    pub headline_joint: bool,
    /// Not prose, but a short punctuated line (a list item, a subheading ending with `:`, the
    /// last words of a paragraph): it may extend a body, never start one.
    pub weak: bool,
    /// The line opens with the page's own dateline (`بغداد اليوم - …`) printed alone above the
    /// body: the start of another article run into this one.
    pub restarts: bool,
}

/// Judges every unit of the page; `punctuated` tells whether the page ends its paragraphs with
/// punctuation (decided here, from the lines themselves).
pub(super) fn judge(units: &[Unit], keys: &TextKeys, arabic_page: bool) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = units.iter().map(|u| alone(u, keys, arabic_page)).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for u in units {
        *seen.entry(u.key.as_str()).or_default() += 1;
    }
    for (u, e) in units.iter().zip(out.iter_mut()) {
        e.repeated = seen.get(u.key.as_str()).copied().unwrap_or(0) > 1;
    }
    mark_embedded_posts(units, &mut out);
    mark_teasers(units, &mut out);
    mark_restarts(units, &mut out);
    let punctuated = punctuated(units, &out);
    for (u, e) in units.iter().zip(out.iter_mut()) {
        e.prose = u.class == Class::Body && is_prose(e, punctuated);
        let basmala = u.key == BASMALA;
        e.weak = u.class == Class::Body
            && !e.prose
            && (e.end == End::Stop || basmala)
            && (e.words >= 2 || u.text.trim_end().ends_with(':'))
            && e.date.is_none()
            && e.furniture.is_none()
            && !e.teaser
            && !e.copy;
    }
    out
}

/// The post an attribution line closes stands right above it: furniture too.
fn mark_embedded_posts(units: &[Unit], evidence: &mut [Evidence]) {
    for i in 1..units.len() {
        if evidence[i].furniture == Some(Furniture::Embed) && units[i - 1].class == Class::Body {
            evidence[i - 1].furniture = Some(Furniture::Embed);
        }
    }
}

/// Marks the prose lines that open with a dateline printed alone earlier on the page.
fn mark_restarts(units: &[Unit], evidence: &mut [Evidence]) {
    let mut prefixes: Vec<String> = Vec::new();
    for (u, e) in units.iter().zip(evidence.iter_mut()) {
        if e.furniture == Some(Furniture::Dateline) {
            if let Some((head, _)) = u.text.split_once(['-', '–']) {
                let head = head.trim();
                if !head.is_empty() && !prefixes.iter().any(|p| p == head) {
                    prefixes.push(head.to_string());
                }
            }
        } else if u.class == Class::Body && e.words >= PROSE_PUNCTUATED_MIN_WORDS {
            e.restarts = prefixes.iter().any(|p| {
                u.text
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.trim_start().starts_with(['-', '–']))
            });
        }
    }
}

/// Prose: long, or punctuated and of sentence length, or (on pages that do not punctuate)
/// sentence length with function words; never a date, furniture or a teaser.
fn is_prose(e: &Evidence, punctuated: bool) -> bool {
    let printed_twice_headline = e.repeated && matches!(e.end, End::Open | End::Ask);
    if e.date.is_some()
        || e.furniture.is_some()
        || e.teaser
        || e.copy
        || e.bulleted
        || e.end == End::Trail
        || printed_twice_headline
    {
        return false;
    }
    e.words >= PROSE_MIN_WORDS
        || (e.words >= PROSE_PUNCTUATED_MIN_WORDS && e.end == End::Stop)
        || (!punctuated
            && e.words >= PROSE_OPEN_MIN_WORDS
            && e.function_words >= 2
            && !e.headline_joint)
}

/// True when most plain lines of [`PUNCTUATION_SAMPLE_WORDS`] words or more (list items aside)
/// end with punctuation; on a page without such lines, the lines of sentence length decide.
fn punctuated(units: &[Unit], evidence: &[Evidence]) -> bool {
    let share = |min_words: usize| {
        let (mut long, mut stopped) = (0usize, 0usize);
        for (u, e) in units.iter().zip(evidence) {
            if u.class == Class::Body
                && e.words >= min_words
                && e.furniture.is_none()
                && !e.bulleted
            {
                long += 1;
                if e.end != End::Open {
                    stopped += 1;
                }
            }
        }
        (long > 0).then_some(stopped * 2 >= long)
    };
    share(PUNCTUATION_SAMPLE_WORDS)
        .or_else(|| share(PROSE_PUNCTUATED_MIN_WORDS))
        .unwrap_or(false)
}

/// The evidence a unit gives on its own.
fn alone(u: &Unit, keys: &TextKeys, arabic_page: bool) -> Evidence {
    let words = if u.key.is_empty() {
        0
    } else {
        u.key.split(' ').count()
    };
    let mut e = Evidence {
        words,
        end: end_of(&u.text),
        function_words: 0,
        content: Vec::new(),
        date: None,
        furniture: None,
        repeated: false,
        teaser: false,
        copy: false,
        prose: false,
        bulleted: strip_bullet(&u.text).len() != u.text.len(),
        headline_joint: headline_joint(&u.text),
        weak: false,
        restarts: false,
    };
    if u.class != Class::Body {
        return e;
    }
    for w in u.key.split(' ') {
        if is_function_word(w) {
            e.function_words += 1;
        } else if let Some(c) = content_word(w) {
            e.content.push(c);
        }
    }
    if words <= DATE_LINE_MAX_WORDS {
        e.date = date_line(&u.text).or_else(|| byline_date(&u.text, &u.key, keys));
    }
    if e.date.is_none() {
        e.furniture = furniture(&u.text, &u.key, words, &e, keys, arabic_page);
    }
    e
}

/// The date of a line that is only a date (with a weekday, a time, a zone such as `بتوقيت
/// مكة` or a short label around it).
pub(super) fn date_line(text: &str) -> Option<String> {
    if !text.chars().any(|c| c.is_numeric()) {
        return None;
    }
    parse_date(text)
}

/// The date in an author block (`كتب في : السبت 6 يوليو 2019 - 9:10 مساءً بقلم : فلان`).
fn byline_date(text: &str, key: &str, keys: &TextKeys) -> Option<String> {
    if !holds(key, &keys.byline_labels) {
        return None;
    }
    crate::extract::dates::find_date(text)
}

/// Typed furniture, judged on the line alone.
fn furniture(
    text: &str,
    key: &str,
    words: usize,
    e: &Evidence,
    keys: &TextKeys,
    arabic_page: bool,
) -> Option<Furniture> {
    if is_widget(key, keys) {
        return Some(Furniture::Widget);
    }
    if words <= 8 && is_clock(text, key) {
        return Some(Furniture::Clock);
    }
    if is_embed_attribution(text) {
        return Some(Furniture::Embed);
    }
    if words <= NOTICE_MAX_WORDS && holds(key, &keys.notices) {
        return Some(Furniture::Notice);
    }
    if words >= TICKER_MIN_WORDS && is_ticker(text, words, e.function_words) {
        return Some(Furniture::Ticker);
    }
    if words <= FURNITURE_MAX_WORDS {
        if opens_with(key, &keys.comments) {
            return Some(Furniture::Comment);
        }
        if is_call_to_action(key, words, keys) {
            return Some(Furniture::CallToAction);
        }
    }
    if words <= 15 && is_caption(text, key, keys) || words <= 25 && holds(key, &keys.caption_cues) {
        return Some(Furniture::Caption);
    }
    if words <= 8 && opens_with(key, &keys.mastheads) {
        return Some(Furniture::Masthead);
    }
    if words <= 6 && is_agency(text, key, keys) {
        return Some(Furniture::Agency);
    }
    if words <= 3 && e.function_words == 0 && e.end == End::Open && holds(key, &keys.outlet_words) {
        return Some(Furniture::Outlet);
    }
    if is_breadcrumb(text) {
        return Some(Furniture::Breadcrumb);
    }
    if e.function_words == 0 && !e.bulleted && is_dateline(text, words, keys) {
        return Some(Furniture::Dateline);
    }
    if arabic_page && words <= 8 && is_foreign(text) {
        return Some(Furniture::Foreign);
    }
    if is_tag_list(text, e) {
        return Some(Furniture::TagList);
    }
    None
}

/// Whether `key` is `label` or starts with it at a word boundary, for any label.
fn opens_with(key: &str, labels: &[String]) -> bool {
    labels.iter().any(|lk| {
        key == lk || (key.starts_with(lk.as_str()) && key.as_bytes().get(lk.len()) == Some(&b' '))
    })
}

/// Whether one of `labels` stands in `key` as whole words.
fn holds(key: &str, labels: &[String]) -> bool {
    labels.iter().any(|lk| {
        key.match_indices(lk.as_str()).any(|(at, _)| {
            let before = at == 0 || key.as_bytes()[at - 1] == b' ';
            let after = key.as_bytes().get(at + lk.len()).is_none_or(|&b| b == b' ');
            before && after
        })
    })
}

/// A widget: a listed control, alone or with a count (`1520 مشاهدة`), or digits alone.
fn is_widget(key: &str, keys: &TextKeys) -> bool {
    let digits = |w: &str| w.bytes().all(|b| b.is_ascii_digit());
    if !key.is_empty() && key.split(' ').all(digits) {
        return true;
    }
    let words: Vec<&str> = key.split(' ').filter(|w| !digits(w)).collect();
    if words.len() > 6 {
        return false;
    }
    let bare = words.join(" ");
    keys.widgets.contains(&bare)
}

/// A clock (`09:10 م`, `10:30 PM`) or a relative time (`منذ 3 ساعات`, `قبل ساعتين`).
fn is_clock(text: &str, key: &str) -> bool {
    let mut words = key.split(' ');
    let first = words.next().unwrap_or("");
    if matches!(first, "منذ" | "قبل") {
        return key.split(' ').any(|w| {
            matches!(
                w,
                "دقيقه"
                    | "دقائق"
                    | "دقيقتين"
                    | "ساعه"
                    | "ساعات"
                    | "ساعتين"
                    | "يوم"
                    | "ايام"
                    | "يومين"
                    | "اسبوع"
                    | "اسابيع"
                    | "شهر"
                    | "اشهر"
            )
        });
    }
    let has_clock = text
        .as_bytes()
        .windows(3)
        .any(|w| w[1] == b':' && w[0].is_ascii_digit() && w[2].is_ascii_digit())
        || text.contains(['٫', '：']) && text.chars().any(|c| c.is_numeric());
    let letters = key
        .split(' ')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .filter(|w| {
            !matches!(
                *w,
                "م" | "ص"
                    | "am"
                    | "pm"
                    | "مساء"
                    | "صباحا"
                    | "الساعه"
                    | "بتوقيت"
                    | "gmt"
                    | "utc"
            )
        })
        .count();
    has_clock && letters <= 2
}

/// A call to action: opened by a call word and pointing at a channel, or a bare call.
fn is_call_to_action(key: &str, words: usize, keys: &TextKeys) -> bool {
    let first = key.split(' ').next().unwrap_or("");
    let calls = keys.calls_to_action.iter().any(|c| {
        first == c
            || first.strip_prefix('و').is_some_and(|f| f == c)
            || opens_with(key, std::slice::from_ref(c))
    });
    (calls && (words <= 4 || holds(key, &keys.channels)))
        || (words <= 12 && count_holds(key, &keys.channels) >= 2)
}

/// How many of `labels` stand in `key` as whole words.
fn count_holds(key: &str, labels: &[String]) -> usize {
    labels
        .iter()
        .filter(|l| holds(key, std::slice::from_ref(l)))
        .count()
}

/// A caption or credit: a caption label, an image file name, or `(أرشيفية)` at the end.
fn is_caption(text: &str, key: &str, keys: &TextKeys) -> bool {
    if opens_with(key, &keys.captions) {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    if [".jpg", ".jpeg", ".png", ".webp", ".gif"]
        .iter()
        .any(|ext| lower.contains(ext))
    {
        return true;
    }
    if let Some(rest) = key.strip_prefix("img ") {
        return rest.bytes().all(|b| b.is_ascii_digit() || b == b' ');
    }
    let t = text.trim_end();
    t.ends_with("(أرشيفية)")
        || t.ends_with("(أرشيف)")
        || t.ends_with("(ارشيفية)")
        || credited_to_agency(t, keys)
}

/// A line closed by a credit in brackets: an agency's name (`… في الرياض (واس)`) or a caption
/// label (`(تصوير: فلان)`).
fn credited_to_agency(text: &str, keys: &TextKeys) -> bool {
    text.strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
        .is_some_and(|(_, inside)| {
            let key = crate::extract::normalize::match_key(inside);
            keys.agencies.contains(&key) || (key.contains(' ') && opens_with(&key, &keys.captions))
        })
}

/// An agency name alone on its line, bare or in brackets or dashes.
fn is_agency(text: &str, key: &str, keys: &TextKeys) -> bool {
    let bare = text
        .trim()
        .trim_matches(|c: char| matches!(c, '(' | ')' | '-' | '–' | '—' | ' ' | '.' | '[' | ']'));
    !bare.is_empty() && keys.agencies.iter().any(|a| a == key)
}

/// A breadcrumb: parts joined by `»`, `›` or `>` standing as words, two joins or more (one
/// when the trail starts at the home page), no sentence.
fn is_breadcrumb(text: &str) -> bool {
    let seps = text
        .split_whitespace()
        .filter(|w| matches!(*w, "»" | "›" | ">" | "<" | "«" | "/"))
        .count();
    let home = text.trim_start().starts_with("الرئيسية") || text.trim_start().starts_with("Home");
    (seps >= 2 || (home && seps >= 1)) && word_count(text) <= 20 && end_of(text) == End::Open
}

/// A dateline or byline alone: a place and an outlet (or a name) joined by a dash, a slash, a
/// bar or a colon, or an outlet in brackets: `بغداد - وكالات`, `مسقط/ الأناضول-`,
/// `القاهرة (الاتحاد)`, `أخبار الآن | دبي – الإمارات (وكالات)`.
fn is_dateline(text: &str, words: usize, keys: &TextKeys) -> bool {
    let t = text.trim().trim_end_matches('.');
    if t.starts_with('(') && words <= 4 {
        return true;
    }
    if t.chars().filter(|c| c.is_numeric()).count() > 2 || t.contains(['.', '،', '؟', '?', '!']) {
        return false;
    }
    let credited = t
        .strip_suffix(')')
        .and_then(|u| u.rsplit_once('('))
        .is_some_and(|(_, inside)| {
            let k = crate::extract::normalize::match_key(inside);
            keys.agencies.contains(&k) || k.split(' ').count() <= 2
        });
    if words > 6 && !(words <= 8 && (credited || t.contains('|'))) {
        return false;
    }
    let parts_short = t
        .split([':', '-', '–', '/', '|', 'ـ'])
        .all(|part| part.split_whitespace().count() <= DATELINE_PART_MAX_WORDS);
    credited
        || parts_short
            && (t.contains(" - ")
                || t.contains(" – ")
                || t.contains("- ")
                || t.contains(" -")
                || t.contains('/')
                || t.split_once(':')
                    .is_some_and(|(_, after)| !after.trim().is_empty())
                || t.contains('|')
                || t.ends_with(['-', '–'])
                || t.contains('ـ'))
}

/// A short line written mostly in Latin letters on an Arabic page.
fn is_foreign(text: &str) -> bool {
    let (mut latin, mut arabic) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            latin += 1;
        } else if ('\u{0600}'..='\u{06FF}').contains(&c) && c.is_alphabetic() {
            arabic += 1;
        }
    }
    latin > arabic && latin >= 3
}

/// A speaker and a colon opening the line (`ترامب: …`, at most four words before the colon), or
/// `..` joining its parts: the way headlines are built, rarely sentences.
pub(super) fn headline_joint(text: &str) -> bool {
    let speaker = text.split_once(':').is_some_and(|(who, said)| {
        (1..=4).contains(&who.split_whitespace().count()) && !said.trim().is_empty()
    });
    speaker || text.contains("..")
}

/// The attribution line under an embedded post: a dash, a name, an `@handle` in brackets and a
/// date (`— Name (@handle) February 14, 2014`).
fn is_embed_attribution(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with(['—', '–', '-'])
        && t.contains("(@")
        && crate::extract::dates::find_date(t).is_some()
}

/// Headlines run together: a long line with no full stop between sentences, but joints where
/// one headline ends and the next begins (`…؟ `, `…: `, `….. `): two or more on a line without
/// commas, three or more on a line with one comma at most and few function words (headlines
/// spare them; prose that pauses with `..` does not).
fn is_ticker(text: &str, words: usize, function_words: usize) -> bool {
    let commas = text.matches(['،', ',', '؛']).count();
    let body = text.trim_end();
    let mut joints = 0;
    let mut stops = 0;
    let chars: Vec<char> = body.chars().collect();
    for i in 1..chars.len().saturating_sub(1) {
        if chars[i + 1] != ' ' {
            continue;
        }
        match chars[i] {
            '؟' | '?' | '!' | ':' => joints += 1,
            '.' if chars[i - 1] == '.' => joints += 1,
            '.' => stops += 1,
            _ => {}
        }
    }
    let sparse = function_words * 100 < words * TICKER_MAX_FUNCTION_PERCENT;
    stops == 0 && ((joints >= 3 && commas <= 1 && sparse) || (joints >= 2 && commas == 0))
}

/// A comma-separated list of four or more short items, or a line of hashtags, no item a sentence: unlabelled tags.
fn is_tag_list(text: &str, e: &Evidence) -> bool {
    let hashtags = text.trim_start().starts_with('#') && e.words <= 8 && e.end == End::Open;
    if hashtags {
        return true;
    }
    if e.end == End::Stop && !text.trim_end().ends_with(['،', ',']) {
        return false;
    }
    let items: Vec<&str> = text
        .split(['،', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    items.len() >= 4
        && items.iter().all(|i| word_count(i) <= 3)
        && e.function_words * 4 <= items.len()
}

/// Marks the lines whose content words are mostly found in one later, longer line: the
/// teaser of a paragraph printed above it (often cut with `…`).
fn mark_teasers(units: &[Unit], evidence: &mut [Evidence]) {
    let n = units.len();
    for i in 0..n {
        if units[i].class != Class::Body || evidence[i].content.len() < TEASER_MIN_WORDS {
            continue;
        }
        let mine = &evidence[i].content;
        let needed = if evidence[i].end == End::Trail {
            TEASER_CONTAINMENT
        } else if evidence[i].words >= COPY_MIN_WORDS {
            COPY_CONTAINMENT
        } else {
            continue;
        };
        let from = if evidence[i].end == End::Trail {
            i + 1
        } else {
            i + COPY_MIN_DISTANCE
        };
        let teaser = (from..n).take(60).any(|j| {
            units[j].class == Class::Body
                && units[j].text.len() >= units[i].text.len()
                && units[j].key != units[i].key
                && contained(mine, &evidence[j].content) >= needed
        });
        if evidence[i].end == End::Trail {
            evidence[i].teaser = teaser;
        } else {
            evidence[i].copy = teaser;
        }
    }
}

/// Share of the words of `a` that stand in `b`.
fn contained(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() {
        return 0.0;
    }
    let hits = a.iter().filter(|w| b.contains(w)).count();
    hits as f32 / a.len() as f32
}

/// Distinct content words two lines share.
pub(super) fn shared_words(a: &[String], b: &[String]) -> usize {
    let mut seen: Vec<&String> = Vec::new();
    for w in a {
        if b.contains(w) && !seen.contains(&w) {
            seen.push(w);
        }
    }
    seen.len()
}

/// The content form of a key word: at least three letters once a leading `و`, `ف`, `ب`, `ل`,
/// `ال`, `بال`, `وال`, `لل` and up to two endings (`ات`, `ون`, `ين`, `ان`, `ه`, `ي`) are
/// stripped, so `العراقي` and `العراق`, `الفيدرالية` and `الفيدرالي` meet; `None` for short or
/// function words.
fn content_word(w: &str) -> Option<String> {
    if w.chars().count() < 3 || is_function_word(w) {
        return None;
    }
    let mut core = w;
    for prefix in [
        "وبال", "وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل",
    ] {
        if let Some(rest) = core.strip_prefix(prefix) {
            if rest.chars().count() >= 3 {
                core = rest;
                break;
            }
        }
    }
    for _ in 0..2 {
        let stripped = ["ات", "ون", "ين", "ان", "ه", "ي"]
            .iter()
            .find_map(|suffix| core.strip_suffix(suffix))
            .filter(|rest| rest.chars().count() >= 3);
        match stripped {
            Some(rest) => core = rest,
            None => break,
        }
    }
    Some(core.to_string())
}

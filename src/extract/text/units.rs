//! A page cut into units (one per line, or per paragraph on hard-wrapped pages), each judged
//! once against the marker keys: the explicit labels portals print (`اقرأ أيضاً`, `المصدر:`,
//! `كلمات دلالية:`, `تاريخ النشر:` …). Lines without a label are [`Class::Body`]: the layout
//! model ([`super::layout`]) decides what they are.

use super::shape::{
    ends_sentence, is_function_word, linked_headline, opens_with, strip_bullet, without_closers,
    without_heading_marks, words_upto, HEADLINE_MAX_WORDS,
};
use crate::extract::dates::{find_date, parse_date};
use crate::extract::markers::TextKeys;
use crate::extract::normalize::{
    display_in, is_link, match_key, split_lines, strip_key_prefix, Script,
};

/// Longest source name, in words.
const SOURCE_MAX_WORDS: usize = 8;
/// Longest tags line, in words.
pub(super) const TAGS_MAX_WORDS: usize = 60;
/// Longest date line value, in words.
const DATE_MAX_WORDS: usize = 12;
/// Longest furniture line, in words.
const FURNITURE_MAX_WORDS: usize = 10;
/// Most words after a one-word drop label (`شارك عبر فيسبوك`) on a furniture line.
const DROP_LINE_TAIL_WORDS: usize = 2;
/// Longest name after a byline label, in words.
const BYLINE_MAX_WORDS: usize = 5;
/// Longest credit line in brackets (`(إعداد … – تحرير …)`), in words.
const CREDIT_MAX_WORDS: usize = 16;

/// One non-empty line (or, on hard-wrapped pages, one joined paragraph) with its key and class.
#[derive(Debug)]
pub(super) struct Unit {
    /// The display text.
    pub text: String,
    /// Its matching key ([`match_key`]).
    pub key: String,
    /// What its label says it is.
    pub class: Class,
    /// The blank-line block it stands in (lines of one block are not separated by a blank
    /// line).
    pub block: usize,
}

/// What a line is, judged on its own.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Class {
    /// A similar-articles heading: the page is cut here.
    Similar,
    /// A read-also label alone on its line; `colon` when it ends with `:`.
    ReadAlso { colon: bool },
    /// A read-also label glued to (or on one line with) the headline it introduces, or the
    /// headlines run together after it.
    ReadAlsoGlued(String),
    /// A related-news list heading alone on its line.
    RelatedHeading,
    /// A related-news heading with headlines on the same line.
    RelatedGlued(String),
    /// A source line; `None` when the label stands alone and the name is on the next line.
    Source(Option<String>),
    /// A tags line; `None` when the label stands alone.
    Tags(Option<String>),
    /// A date line with the text after its label; `None` when the label stands alone.
    Date(Option<String>),
    /// A byline (`كتب: فلان`), or a credit in brackets (`(إعداد فلان – تحرير فلان)`).
    Byline,
    /// Page furniture (`شارك`, `جميع الحقوق محفوظة`), a bare link, or a line of symbols only.
    Furniture,
    /// An advertisement label alone on its line.
    Ad,
    /// An advertisement label glued to body text: the text without the label.
    AdGlued(String),
    /// Anything else: body text or an unmarked headline.
    Body,
}

/// Splits the page into classified units: one per non-empty display line; on hard-wrapped
/// pages, consecutive body lines of one blank-line block are joined into one paragraph.
pub(super) fn units(text: &str, keys: &TextKeys, script: Script) -> Vec<Unit> {
    let shown = display_in(text, script);
    let mut lines: Vec<Line> = Vec::new();
    let mut block = 0usize;
    for line in split_lines(&shown) {
        if line.is_empty() {
            block += 1;
            continue;
        }
        let line = without_heading_marks(without_reading_time(without_hidden_email(line)));
        let key = match_key(line);
        lines.push(Line {
            text: line,
            class: classify(line, &key, keys),
            key,
            block,
        });
    }
    let wrapped = is_hard_wrapped(&lines);
    for i in 0..lines.len() {
        let ends_block = !wrapped || lines.get(i + 1).is_none_or(|n| n.block != lines[i].block);
        let text = without_wrapper(lines[i].text, ends_block);
        if text.len() != lines[i].text.len() {
            let line = &mut lines[i];
            line.key = match_key(text);
            line.class = classify(text, &line.key, keys);
            line.text = text;
        }
    }
    let in_run = if wrapped {
        Vec::new()
    } else {
        wrapped_runs(&lines)
    };
    let mut out: Vec<Unit> = Vec::with_capacity(lines.len());
    for (idx, line) in lines.into_iter().enumerate() {
        let join = in_run.get(idx).copied().unwrap_or(false)
            || wrapped
                && idx > 0
                && out.last().is_some_and(|prev: &Unit| {
                    prev.block == line.block
                        && prev.class == Class::Body
                        && line.class == Class::Body
                        && goes_on(&prev.text)
                        && !date_alone(&prev.text)
                        && !date_alone(line.text)
                })
                && strip_bullet(line.text).len() == line.text.len();
        match out.last_mut() {
            Some(prev) if join => {
                prev.text.push(' ');
                prev.text.push_str(line.text);
                prev.key.push(' ');
                prev.key.push_str(&line.key);
            }
            _ => out.push(Unit {
                text: line.text.to_string(),
                key: line.key,
                class: line.class,
                block: line.block,
            }),
        }
    }
    out
}

/// A reading-time widget's words (`دقيقة قراءة`, after an optional count), as printed glued to the
/// dateline that opens the lead.
const READING_TIME: [&str; 2] = ["دقيقة قراءة", "دقائق قراءة"];

/// A line without the reading-time widget glued before its text (`دقيقة قراءةدبي، …`): alone on
/// its line the widget is furniture; glued to the lead it would hide the lead's dateline.
fn without_reading_time(line: &str) -> &str {
    let counted = line.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
    READING_TIME
        .iter()
        .find_map(|w| counted.strip_prefix(w))
        .filter(|rest| rest.starts_with(|c: char| c.is_alphabetic()))
        .unwrap_or(line)
}

/// What a page's email-hiding script prints in place of an address (a byline's contact).
const HIDDEN_EMAIL: &str = "[email protected]";

/// A line without the hidden address glued before its text (`[email protected] نُصّب …`): it
/// carries nothing, and glued to the lead it would hide the lead's opening.
fn without_hidden_email(line: &str) -> &str {
    match line.strip_prefix(HIDDEN_EMAIL).map(str::trim_start) {
        Some(rest) if !rest.is_empty() => rest,
        _ => line,
    }
}

/// The openings of an aggregator's generated sentence around a headline it reposts (`شكرا
/// لقرائتكم خبر عن … والان نبدء بالتفاصيل`).
const WRAPPER_OPENINGS: [&str; 5] = [
    "شكرا لقرائتكم خبر عن ",
    "شكرا لقراءتكم خبر عن ",
    "نعرض لكم زوارنا أهم وأحدث تفاصيل خبر ",
    "تابع الان خبر ",
    "تابع الآن خبر ",
];

/// The close of a wrapper that opened before the headline, naming the aggregator (`تابع الان
/// خبر … حصريا على الموقع`).
const WRAPPER_SITE_CLOSES: [&str; 2] = [" حصريا على ", " حصرياً على "];

/// Most words of the aggregator's name after a wrapper's close.
const WRAPPER_SITE_MAX_WORDS: usize = 4;

/// Lead-ins glued after a headline, announcing the details below it (`… في التفاصيل،`, `… في
/// المقال التالي`).
const LEAD_INS: [&str; 11] = [
    "والان نبدء بالتفاصيل",
    "والآن نبدأ بالتفاصيل",
    "والان نبدأ بالتفاصيل",
    "وفي التفاصيل،",
    "في التفاصيل،",
    "في التفاصيل:",
    "وإليكم التفاصيل",
    "إليكم التفاصيل",
    "في المقال التالي",
    "في المقال الاتي",
    "في المقال الآتي",
];

/// The last words of the lead-ins, to pass over most lines at a glance.
const LEAD_IN_ENDS: [&str; 3] = ["تفاصيل", "التالي", "تي"];

/// Most words a headline carries before a lead-in glued after it.
const LEAD_IN_HEADLINE_WORDS: usize = 25;

/// A line without an aggregator's wrapper around the headline it carries: the generated thanks
/// before it, and a lead-in after it that closes its block (`… في التفاصيل،` over the lead). What
/// is left is the headline, read as any other. A lead-in ends a headline only when no sentence
/// ends before it and, on a hard-wrapped page, at the end of a block: a sentence of the body may
/// close with the same words.
fn without_wrapper(line: &str, ends_block: bool) -> &str {
    let opened = WRAPPER_OPENINGS
        .iter()
        .find_map(|w| line.strip_prefix(w))
        .map(str::trim_start);
    let text = opened.unwrap_or(line);
    let site_closed = opened.and_then(|t| {
        WRAPPER_SITE_CLOSES.iter().find_map(|c| {
            let (headline, site) = t.rsplit_once(c)?;
            (site.split_whitespace().count() <= WRAPPER_SITE_MAX_WORDS).then_some(headline)
        })
    });
    if let Some(headline) = site_closed {
        return headline.trim_end();
    }
    let closed = text.trim_end();
    let end = closed.trim_end_matches(['،', ':']);
    if !(ends_block || opened.is_some()) || !LEAD_IN_ENDS.iter().any(|e| end.ends_with(e)) {
        return text;
    }
    let Some(rest) = LEAD_INS
        .iter()
        .find_map(|l| closed.strip_suffix(l))
        .map(str::trim_end)
    else {
        return text;
    };
    let headline = !rest.is_empty()
        && !rest.contains(['.', '!', '؟', '?', '؛', ':'])
        && rest.split_whitespace().count() <= LEAD_IN_HEADLINE_WORDS;
    if headline {
        rest
    } else {
        text
    }
}

/// One display line before joining: its class and the blank-line block it belongs to.
struct Line<'a> {
    text: &'a str,
    key: String,
    class: Class,
    block: usize,
}

/// Longest line, in bytes, read as a date alone (`الإثنين ٢٦ - مايو - ٢٠٢٥`).
const DATE_ALONE_MAX_BYTES: usize = 120;

/// Whether a line is only a date: on a hard-wrapped page it stays a line of its own, not the
/// head of the paragraph under it.
fn date_alone(text: &str) -> bool {
    text.len() <= DATE_ALONE_MAX_BYTES && parse_date(text).is_some()
}

/// Whether a line's sentence goes on past its end: no closing stop, or a comma (a hard wrap
/// breaks a sentence after a comma as readily as after a word).
fn goes_on(text: &str) -> bool {
    !ends_sentence(text) || without_closers(text).ends_with(['،', ','])
}

/// A page whose body lines are broken at a fixed width: lines followed by another body line
/// of the same block mostly stop mid-sentence close to the widest line's length (at most 100
/// characters), rather than one paragraph per line.
fn is_hard_wrapped(lines: &[Line]) -> bool {
    let body: Vec<&Line> = lines.iter().filter(|l| l.class == Class::Body).collect();
    let width = body
        .iter()
        .map(|l| l.text.chars().count())
        .max()
        .unwrap_or(0);
    if width == 0 || width > 100 {
        return false;
    }
    let inner: Vec<&str> = lines
        .windows(2)
        .filter(|w| {
            w[0].block == w[1].block && w[0].class == Class::Body && w[1].class == Class::Body
        })
        .map(|w| w[0].text)
        .collect();
    if inner.len() < 3 {
        return false;
    }
    let open = inner.iter().filter(|t| goes_on(t)).count();
    let full = inner
        .iter()
        .filter(|t| t.chars().count() * 4 >= width * 3)
        .count();
    open * 10 >= inner.len() * 6 && full * 10 >= inner.len() * 7
}

/// Fewest lines of a paragraph hard-wrapped on a page whose other paragraphs are one line each.
const RUN_MIN_LINES: usize = 3;
/// Narrowest and widest fixed width (characters) of such a paragraph's lines.
const RUN_WIDTH: std::ops::RangeInclusive<usize> = 40..=100;

/// On a page whose other paragraphs are one line each (some wider than any fixed width), the
/// lines that go on a paragraph hard-wrapped at a fixed width: a run of body lines of one block,
/// each left open mid-sentence within 15% of the run's widest line, closed by a line no wider
/// that ends with a full stop, and no line naming a date (a stamp or a signature's date stays a
/// line of its own). `true` at a line joins it to the line before.
fn wrapped_runs(lines: &[Line]) -> Vec<bool> {
    let mut joins = vec![false; lines.len()];
    let one_line_paragraphs = lines
        .iter()
        .any(|l| l.class == Class::Body && wider_than(l.text, *RUN_WIDTH.end()));
    if !one_line_paragraphs {
        return joins;
    }
    let open = |l: &Line| {
        l.class == Class::Body && goes_on(l.text) && strip_bullet(l.text).len() == l.text.len()
    };
    let mut start = 0;
    while start < lines.len() {
        let mut end = start;
        while end < lines.len() && open(&lines[end]) && lines[end].block == lines[start].block {
            end += 1;
        }
        // Line `end` may close a paragraph of the open lines start..end: a line of the block
        // ending with a full stop, no wider than a run may be.
        let closing = (end - start + 1 >= RUN_MIN_LINES)
            .then(|| lines.get(end))
            .flatten()
            .filter(|l| {
                l.class == Class::Body
                    && l.block == lines[start].block
                    && without_closers(l.text).ends_with('.')
                    && !wider_than(l.text, *RUN_WIDTH.end())
            })
            .map(|l| l.text.chars().count());
        if let Some(closing) = closing {
            // The run is the longest stretch before it whose widths stay within the band.
            let (mut first, mut widest, mut narrowest) = (end, 0, usize::MAX);
            while first > start {
                let w = lines[first - 1].text.chars().count();
                if w.min(narrowest) * 20 < w.max(widest) * 17 {
                    break;
                }
                (widest, narrowest) = (w.max(widest), w.min(narrowest));
                first -= 1;
            }
            if end - first + 1 >= RUN_MIN_LINES
                && closing <= widest
                && RUN_WIDTH.contains(&widest)
                && lines[first..=end]
                    .iter()
                    .all(|l| find_date(l.text).is_none())
            {
                for j in joins.iter_mut().take(end + 1).skip(first + 1) {
                    *j = true;
                }
            }
        }
        start = if end > start { end } else { start + 1 };
    }
    joins
}

/// Whether `text` holds more than `chars` characters, counted only when its bytes allow it.
fn wider_than(text: &str, chars: usize) -> bool {
    text.len() > chars && (text.len() > 4 * chars || text.chars().count() > chars)
}

/// Judges one display line against the marker keys, given its matching key.
fn classify(line: &str, key: &str, keys: &TextKeys) -> Class {
    if key.is_empty() || is_link(line) {
        return Class::Furniture;
    }
    if is_list_heading(key, &keys.similar_articles) {
        return Class::Similar;
    }
    if let Some((lk, rest)) = label(line, key, &keys.read_also) {
        if key == lk {
            return Class::ReadAlso {
                colon: line.trim_end().ends_with([':', '：']),
            };
        }
        let (_, value) = after_separator(rest);
        // One headline, or several run together on the label's line (`… لكرة القدمظهور سيء |
        // …`), the last not closed by a full stop or a comma: headlines end with `!` or `؟`.
        let headlines = linked_headline(value)
            || (words_upto(value, 3 * HEADLINE_MAX_WORDS) <= 3 * HEADLINE_MAX_WORDS
                && !value.trim_end().ends_with(['.', '،', ',', '؛']));
        if headlines {
            return Class::ReadAlsoGlued(value.to_string());
        }
    }
    if let Some((lk, rest)) = label(line, key, &keys.related_lists) {
        if key == lk {
            return Class::RelatedHeading;
        }
        let (_, value) = after_separator(rest);
        if words_upto(value, 3 * HEADLINE_MAX_WORDS) <= 3 * HEADLINE_MAX_WORDS
            && !ends_sentence(value)
        {
            return Class::RelatedGlued(value.to_string());
        }
    }
    if let Some((lk, rest)) = label(line, key, &keys.source_labels) {
        if key == lk {
            return Class::Source(None);
        }
        let (sep, value) = after_separator(rest);
        if sep && parse_date(value).is_some() {
            return Class::Date(Some(value.to_string()));
        }
        // The name in brackets stands for the separator: `المصدر (موقع …)`.
        let bracketed = value.starts_with('(') && value.ends_with(')');
        if (sep || bracketed) && words_upto(value, SOURCE_MAX_WORDS) <= SOURCE_MAX_WORDS {
            return Class::Source(Some(value.to_string()));
        }
    }
    if let Some((lk, rest)) = label(line, key, &keys.tags_labels) {
        if key == lk {
            return Class::Tags(None);
        }
        let (sep, value) = after_separator(rest);
        if (sep || lk.contains(' ')) && words_upto(value, TAGS_MAX_WORDS) <= TAGS_MAX_WORDS {
            return Class::Tags(Some(value.to_string()));
        }
    }
    if let Some((lk, rest)) = label(line, key, &keys.date_labels) {
        if key == lk {
            return Class::Date(None);
        }
        let (sep, value) = after_separator(rest);
        // Without a separator the label needs a date right after it; the line may go on with
        // its author and section (`نشر بتاريخ 21 مايو 2012 بواسطة … في …`).
        let dated = || {
            parse_date(value).is_some()
                || (value.starts_with(|c: char| c.is_numeric()) && find_date(value).is_some())
        };
        if words_upto(value, DATE_MAX_WORDS) <= DATE_MAX_WORDS && (sep || dated()) {
            return Class::Date(Some(value.to_string()));
        }
    }
    if let Some((lk, rest)) = label(line, key, &keys.byline_labels) {
        let (sep, value) = after_separator(rest);
        // A colon after the name hands over to the article (`كتب - فلان الفلاني:`).
        let value = match value.strip_suffix([':', '：']) {
            Some(name) if sep => name.trim_end(),
            _ => value,
        };
        let words = words_upto(value, BYLINE_MAX_WORDS);
        let name_like = || !match_key(value).split(' ').any(is_function_word);
        if key != lk
            && words <= BYLINE_MAX_WORDS
            && !ends_sentence(value)
            && (sep || (words <= 3 && name_like()))
        {
            return Class::Byline;
        }
        if key != lk && bracketed_credit(line) && !ends_sentence(value) {
            return Class::Byline;
        }
    }
    if !ends_sentence(line) && words_upto(line, FURNITURE_MAX_WORDS) <= FURNITURE_MAX_WORDS {
        if let Some((lk, rest)) = label(line, key, &keys.drop_lines) {
            // One word (`مشاركة`, `شارك`) opens a subheading as well as a share bar: past it,
            // a bar holds a separator or a channel or two, a subheading more words.
            let (sep, value) = after_separator(rest);
            if lk.contains(' ')
                || sep
                || words_upto(value, DROP_LINE_TAIL_WORDS + 1) <= DROP_LINE_TAIL_WORDS
            {
                return Class::Furniture;
            }
        }
    }
    ad_class(line, key, keys)
}

/// A whole line in one pair of brackets, of at most [`CREDIT_MAX_WORDS`] words: with a byline
/// label inside (`(إعداد فلان للنشرة العربية – تحرير فلان)`), an agency story's credits for
/// its writers and editors, however many names and desks it lists.
fn bracketed_credit(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('(')
        && t.ends_with(')')
        && t.bytes().filter(|&b| b == b'(' || b == b')').count() == 2
        && words_upto(t, CREDIT_MAX_WORDS) <= CREDIT_MAX_WORDS
}

/// A list heading: a key equal to one of `labels`, or a short line opened by a label of two
/// words or more (`المزيد في الاقتصاد`, `الأكثر قراءة اليوم`).
fn is_list_heading(key: &str, labels: &[String]) -> bool {
    labels
        .iter()
        .any(|lk| key == lk || (opens_with(key, lk) && lk.contains(' ') && words_upto(key, 6) <= 6))
}

/// An advertisement label (or an ad slot's placeholder, `إضافة إعلان`) alone, or glued to the
/// next word (`إعلانوكتب` → `وكتب`). The glued form is not taken when the label plus what
/// follows is an ordinary word (`إعلانات`, `إعلانه`).
fn ad_class(line: &str, key: &str, keys: &TextKeys) -> Class {
    for lk in &keys.ad_labels {
        if key == lk {
            return Class::Ad;
        }
        if !key.starts_with(lk.as_str()) || key.as_bytes().get(lk.len()) == Some(&b' ') {
            continue;
        }
        let Some(rest) = strip_key_prefix(line, lk) else {
            continue;
        };
        let first_word = rest.split_whitespace().next().unwrap_or("");
        let glued = rest.chars().next().is_some_and(char::is_alphabetic);
        if glued && !is_word_suffix(first_word) {
            return Class::AdGlued(rest.to_string());
        }
    }
    Class::Body
}

/// Endings that turn `إعلان` into another word: plural, nisba, possessive pronouns.
fn is_word_suffix(word: &str) -> bool {
    if word.is_ascii() {
        return !word.starts_with(|c: char| c.is_ascii_uppercase());
    }
    let k = match_key(word);
    k.starts_with("ات")
        || matches!(
            k.as_str(),
            "ي" | "يه"
                | "يا"
                | "ين"
                | "ه"
                | "ها"
                | "هم"
                | "هما"
                | "هن"
                | "نا"
                | "كم"
                | "ك"
        )
}

/// The first label (longest first) the line's key starts with, at a word boundary, and the
/// line's text after it.
fn label<'a, 'k>(line: &'a str, key: &str, labels: &'k [String]) -> Option<(&'k str, &'a str)> {
    labels.iter().find_map(|lk| {
        let at_boundary = key == lk || opens_with(key, lk);
        if !at_boundary {
            return None;
        }
        strip_key_prefix(line, lk).map(|rest| (lk.as_str(), rest))
    })
}

/// Skips spaces and one run of label separators (`:`, `|`, dashes, dots); says whether there
/// was one.
fn after_separator(rest: &str) -> (bool, &str) {
    let t = rest.trim_start();
    let stripped = t.trim_start_matches([':', '：', '|', '-', '–', '—', '/', '»', '.', '…', ' ']);
    (stripped.len() != t.len(), stripped.trim())
}

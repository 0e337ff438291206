//! Plain-text pages (as crawlers capture them): the anatomy in the page-anatomy notes.
//!
//! The page is display-normalised and split into lines; each line is classified once against
//! the marker keys ([`TextKeys`]), then one walk from the top builds the draft: title and date
//! line, inline read-also blocks (headline to `related`), related lists, source and tags lines,
//! ad residue, and the cut at an appended article or a similar-articles list. A last pass moves
//! unmarked related headlines (short lines without sentence punctuation) out of the body.

use super::dates::parse_date;
use super::markers::TextKeys;
use super::normalize::{display, match_key, strip_key_prefix, KeyBuilder};
use super::{Draft, Markers, Rejection};

/// Longest line (in words) taken for a headline.
const HEADLINE_MAX_WORDS: usize = 25;
/// Fewest words for an unmarked line to be taken for a related headline (shorter ones are
/// datelines, credits or subheadings and stay).
const RELATED_MIN_WORDS: usize = 4;
/// Longest source name, in words.
const SOURCE_MAX_WORDS: usize = 8;
/// Longest tags line, in words.
const TAGS_MAX_WORDS: usize = 60;
/// Longest date line value, in words.
const DATE_MAX_WORDS: usize = 12;
/// Longest furniture line, in words.
const FURNITURE_MAX_WORDS: usize = 10;
/// Longest name after a byline label, in words.
const BYLINE_MAX_WORDS: usize = 5;

/// Extracts an article draft from a plain-text page.
pub fn extract(text: &str, markers: &Markers) -> Result<Draft, Rejection> {
    let keys = markers.text.keys();
    let units = units(text, keys);
    let mut draft = Draft {
        lang: detect_lang(text),
        ..Draft::default()
    };
    let body = walk(&units, &mut draft);
    draft.paragraphs = body;
    if draft.paragraphs.is_empty() {
        return Err(Rejection::NoArticle(
            "the text page holds only boilerplate".to_string(),
        ));
    }
    Ok(draft)
}

/// One non-empty line (or, on hard-wrapped pages, one joined paragraph) with its key and class.
#[derive(Debug)]
struct Unit {
    text: String,
    class: Class,
}

/// What a line is, judged on its own.
#[derive(Debug, Clone, PartialEq)]
enum Class {
    /// A similar-articles heading: the page is cut here.
    Similar,
    /// A read-also label alone on its line; `colon` when it ends with `:`.
    ReadAlso { colon: bool },
    /// A read-also label glued to (or on one line with) the headline it introduces.
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
    /// A byline (`كتب: فلان`).
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

fn walk(units: &[Unit], draft: &mut Draft) -> Vec<String> {
    let mut body: Vec<String> = Vec::new();
    let mut similar = Draft::default();
    let mut i = 0;
    let header_end = units
        .iter()
        .position(|u| {
            u.class == Class::Body
                && (ends_sentence(&u.text)
                    || words_upto(&u.text, HEADLINE_MAX_WORDS) > HEADLINE_MAX_WORDS)
        })
        .unwrap_or(units.len());
    let footer_after = footer_after(units);
    // After a tags line that follows the body, text lines belong to an appended article.
    let mut closed = false;
    let mut appended = false;
    if let Some(title) = title_with_date(units, header_end) {
        draft.title = Some(title);
        i = 1;
    }
    while i < units.len() {
        let unit = &units[i];
        if i < header_end && unit.class == Class::Body {
            if let Some(date) = bare_date(&unit.text) {
                draft.count_removed("date");
                if draft.published_at.is_none() {
                    draft.published_at = Some(date);
                }
                i += 1;
                continue;
            }
        }
        match &unit.class {
            Class::Similar => {
                draft.count_removed("similar_articles");
                collect_list(&units[i + 1..], &mut similar);
                break;
            }
            Class::ReadAlso { colon: true } if !footer_after[i] => {
                draft.count_removed("appended_article");
                if let Some(j) = units[i + 1..]
                    .iter()
                    .position(|u| u.class == Class::Similar)
                {
                    draft.count_removed("similar_articles");
                    collect_list(&units[i + 2 + j..], &mut similar);
                }
                break;
            }
            Class::ReadAlso { .. } => {
                draft.count_removed("read_also");
                if let Some(next) = units.get(i + 1) {
                    if next.class == Class::Body && linked_headline(&next.text) {
                        push_related(draft, &next.text);
                        i += 1;
                    }
                }
            }
            Class::ReadAlsoGlued(headline) => {
                draft.count_removed("read_also");
                push_related(draft, headline);
            }
            Class::RelatedHeading => {
                draft.count_removed("related");
                let taken = collect_list(&units[i + 1..], draft);
                i += taken;
            }
            Class::RelatedGlued(rest) => {
                draft.count_removed("related");
                push_related(draft, rest);
            }
            Class::Source(value) => {
                draft.count_removed("source");
                match value {
                    Some(v) => push_source(draft, v),
                    None => {
                        if let Some(next) = units.get(i + 1) {
                            if next.class == Class::Body
                                && words_upto(&next.text, SOURCE_MAX_WORDS) <= SOURCE_MAX_WORDS
                            {
                                push_source(draft, &next.text);
                                i += 1;
                            }
                        }
                    }
                }
            }
            Class::Tags(value) => {
                draft.count_removed("tags");
                closed = !body.is_empty();
                match value {
                    Some(v) => push_tags(draft, v),
                    None => {
                        if let Some(next) = units.get(i + 1) {
                            if next.class == Class::Body
                                && words_upto(&next.text, TAGS_MAX_WORDS) <= TAGS_MAX_WORDS
                            {
                                push_tags(draft, &next.text);
                                i += 1;
                            }
                        }
                    }
                }
            }
            Class::Date(value) => {
                draft.count_removed("date");
                let parsed = match value {
                    Some(v) => parse_date(v),
                    None => match units.get(i + 1) {
                        Some(next) if next.class == Class::Body => {
                            let d = bare_date(&next.text);
                            if d.is_some() {
                                i += 1;
                            }
                            d
                        }
                        _ => None,
                    },
                };
                if draft.published_at.is_none() {
                    draft.published_at = parsed;
                }
            }
            Class::Byline => draft.count_removed("byline"),
            Class::Furniture => draft.count_removed("furniture"),
            Class::Ad => draft.count_removed("ad"),
            Class::AdGlued(_) | Class::Body if closed => {
                if !appended {
                    draft.count_removed("appended_article");
                    appended = true;
                }
            }
            Class::AdGlued(rest) => {
                draft.count_removed("ad");
                body.push(rest.clone());
            }
            Class::Body => body.push(unit.text.clone()),
        }
        i += 1;
    }
    let body = drop_unmarked_related(body, draft);
    draft.related.append(&mut similar.related);
    dedup_by_key(&mut draft.related);
    dedup_by_key(&mut draft.sources);
    dedup_by_key(&mut draft.tags);
    body
}

/// Moves short lines without sentence punctuation out of the body into `related`. The first
/// body line stays unless a title was found (it may be a lead or a dateline). The rule looks at
/// each line alone, so cleaning a cleaned body changes nothing.
fn drop_unmarked_related(body: Vec<String>, draft: &mut Draft) -> Vec<String> {
    if !punctuated(&body) {
        return body;
    }
    let keep_first = draft.title.is_none();
    let mut kept = Vec::with_capacity(body.len());
    for (idx, para) in body.into_iter().enumerate() {
        let first = idx == 0 && keep_first;
        if !first
            && headline_shaped(&para)
            && words_upto(&para, RELATED_MIN_WORDS) >= RELATED_MIN_WORDS
        {
            draft.count_removed("related");
            push_related(draft, &para);
        } else {
            kept.push(para);
        }
    }
    if keep_first && kept.len() > 1 && untitled_lead_is_title(&kept) {
        draft.title = Some(kept.remove(0));
        let rest = std::mem::take(&mut kept);
        return drop_unmarked_related(rest, draft);
    }
    kept
}

/// True when most lines of four words or more end like sentences. Pages that do not punctuate
/// their paragraphs give no way to tell a headline from a paragraph, so nothing is moved.
fn punctuated(body: &[String]) -> bool {
    let long: Vec<&String> = body
        .iter()
        .filter(|p| words_upto(p, RELATED_MIN_WORDS) >= RELATED_MIN_WORDS)
        .collect();
    let open = long.iter().filter(|p| !ends_sentence(p)).count();
    open * 2 <= long.len()
}

/// A first line that reads as a headline (3+ words, no sentence punctuation, no dateline
/// marks) ahead of a longer paragraph is the title even without a date line.
fn untitled_lead_is_title(body: &[String]) -> bool {
    let first = &body[0];
    let words = word_count(first);
    words >= 3
        && headline_shaped(first)
        && !first.contains(['(', ')', '–', '—'])
        && !first.contains(" - ")
        && !first.ends_with('-')
        && body[1].chars().count() > first.chars().count() * 3 / 2
}

/// The title: a short first line (no closing full stop) with a date line among the next
/// three lines of the page header (the lines before the first real paragraph).
fn title_with_date(units: &[Unit], header_end: usize) -> Option<String> {
    let first = units.first()?;
    let words = words_upto(&first.text, HEADLINE_MAX_WORDS);
    let title_like = first.class == Class::Body
        && (2..=HEADLINE_MAX_WORDS).contains(&words)
        && !first.text.trim_end().ends_with(['.', '،', ',', ':', '؛']);
    let dated = units.iter().take(header_end.min(4)).skip(1).any(|u| {
        matches!(u.class, Class::Date(_))
            || (u.class == Class::Body && bare_date(&u.text).is_some())
    });
    (title_like && dated).then(|| first.text.clone())
}

/// A line that is only a date: at most six words, at least one with a digit, at most three
/// words of letters alone (weekday, month, `GMT`), and the date parser accepts it.
fn bare_date(text: &str) -> Option<String> {
    let mut with_digit = 0;
    let mut letters_only = 0;
    let mut words = 0;
    for w in text.split_whitespace() {
        words += 1;
        if w.chars().any(|c| c.is_numeric()) {
            with_digit += 1;
        } else if w.chars().any(char::is_alphabetic) {
            letters_only += 1;
        }
    }
    if words > 6 || with_digit == 0 || letters_only > 3 {
        return None;
    }
    parse_date(text)
}

/// Takes the list lines after a heading (bullets, or headline-shaped lines) into `related`;
/// returns how many lines it took.
fn collect_list(units: &[Unit], draft: &mut Draft) -> usize {
    let mut taken = 0;
    for unit in units {
        if unit.class != Class::Body {
            break;
        }
        let bare = strip_bullet(&unit.text);
        let bulleted = bare.len() != unit.text.len();
        if !(bulleted || linked_headline(&unit.text)) {
            break;
        }
        push_related(draft, bare);
        taken += 1;
    }
    taken
}

/// For each line: does a source or tags line come after it (before any similar-articles
/// heading)? Then a `read-also:` label there is inline, not the start of an appended article
/// (appended articles follow the footer). One pass from the end.
fn footer_after(units: &[Unit]) -> Vec<bool> {
    let mut after = vec![false; units.len()];
    let mut seen = false;
    for (idx, unit) in units.iter().enumerate().rev() {
        after[idx] = seen;
        match unit.class {
            Class::Similar => seen = false,
            Class::Source(_) | Class::Tags(_) => seen = true,
            _ => {}
        }
    }
    after
}

/// Adds a headline to `related` (bullet and spaces stripped); duplicates go in [`dedup_by_key`].
fn push_related(draft: &mut Draft, headline: &str) {
    let h = strip_bullet(headline).trim();
    if !h.is_empty() {
        draft.related.push(h.to_string());
    }
}

/// Keeps the first of each entry by matching key, in order (related headlines, sources, tags).
fn dedup_by_key(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|r| {
        let key = match_key(r);
        !key.is_empty() && seen.insert(key)
    });
}

fn push_source(draft: &mut Draft, value: &str) {
    let v = strip_quotes(value);
    if !v.is_empty() {
        draft.sources.push(v.to_string());
    }
}

fn push_tags(draft: &mut Draft, value: &str) {
    let separated = value.contains(['،', ',', '|', '؛', '#']);
    let parts: Vec<&str> = if separated {
        value.split(['،', ',', '|', '؛', '#']).collect()
    } else {
        vec![value]
    };
    for part in parts {
        let t = part.trim();
        if !t.is_empty() {
            draft.tags.push(t.to_string());
        }
    }
}

/// Splits the page into classified units: one per non-empty display line; on hard-wrapped
/// pages, consecutive body lines of one blank-line block are joined into one paragraph.
fn units(text: &str, keys: &TextKeys) -> Vec<Unit> {
    let shown = display(text);
    let limit = longest_key(keys);
    let mut lines: Vec<Line> = Vec::new();
    let mut block = 0usize;
    for line in shown.split('\n') {
        if line.is_empty() {
            block += 1;
            continue;
        }
        lines.push(Line {
            text: line,
            class: classify(line, key_prefix(line, limit), keys),
            block,
        });
    }
    let wrapped = is_hard_wrapped(&lines);
    let mut out: Vec<Unit> = Vec::with_capacity(lines.len());
    for (idx, line) in lines.iter().enumerate() {
        let join = wrapped
            && idx > 0
            && lines[idx - 1].block == line.block
            && lines[idx - 1].class == Class::Body
            && line.class == Class::Body
            && !ends_sentence(lines[idx - 1].text)
            && strip_bullet(line.text).len() == line.text.len();
        match out.last_mut() {
            Some(prev) if join => {
                prev.text.push(' ');
                prev.text.push_str(line.text);
            }
            _ => out.push(Unit {
                text: line.text.to_string(),
                class: line.class.clone(),
            }),
        }
    }
    out
}

/// One display line before joining: its class and the blank-line block it belongs to.
struct Line<'a> {
    text: &'a str,
    class: Class,
    block: usize,
}

/// A page whose body lines are broken at a fixed width: lines followed by another body line
/// of the same block mostly stop mid-sentence near the widest line's length (at most 100
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
    let open = inner.iter().filter(|t| !ends_sentence(t)).count();
    let wide = inner
        .iter()
        .filter(|t| t.chars().count() * 2 >= width)
        .count();
    open * 10 >= inner.len() * 6 && wide * 10 >= inner.len() * 6
}

/// The length of the longest marker key: [`classify`] never looks further into a line's key.
fn longest_key(keys: &TextKeys) -> usize {
    [
        &keys.read_also,
        &keys.similar_articles,
        &keys.related_lists,
        &keys.source_labels,
        &keys.tags_labels,
        &keys.date_labels,
        &keys.ad_labels,
        &keys.byline_labels,
        &keys.drop_lines,
    ]
    .iter()
    .flat_map(|list| list.iter().map(String::len))
    .max()
    .unwrap_or(0)
}

/// The start of `line`'s matching key, cut once longer than `limit` bytes: every comparison
/// [`classify`] makes (equality with a key, a key as prefix followed by a space) gives the same
/// answer on it as on the whole key, at a cost bounded by the marker length.
fn key_prefix(line: &str, limit: usize) -> String {
    let mut b = KeyBuilder::with_capacity(limit + 8);
    for c in line.chars() {
        b.push(c);
        if b.as_str().len() > limit {
            break;
        }
    }
    b.finish()
}

/// Judges one display line against the marker keys, given the start of its matching key
/// ([`key_prefix`]).
fn classify(line: &str, key: String, keys: &TextKeys) -> Class {
    if key.is_empty() || is_bare_link(line) {
        return Class::Furniture;
    }
    if keys.similar_articles.contains(&key) {
        return Class::Similar;
    }
    if let Some((lk, rest)) = label(line, &key, &keys.read_also) {
        if key == lk {
            return Class::ReadAlso {
                colon: line.trim_end().ends_with([':', '：']),
            };
        }
        let (_, value) = after_separator(rest);
        if linked_headline(value) {
            return Class::ReadAlsoGlued(value.to_string());
        }
    }
    if let Some((lk, rest)) = label(line, &key, &keys.related_lists) {
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
    if let Some((lk, rest)) = label(line, &key, &keys.source_labels) {
        if key == lk {
            return Class::Source(None);
        }
        let (sep, value) = after_separator(rest);
        if sep && words_upto(value, SOURCE_MAX_WORDS) <= SOURCE_MAX_WORDS {
            return Class::Source(Some(value.to_string()));
        }
    }
    if let Some((lk, rest)) = label(line, &key, &keys.tags_labels) {
        if key == lk {
            return Class::Tags(None);
        }
        let (sep, value) = after_separator(rest);
        if (sep || lk.contains(' ')) && words_upto(value, TAGS_MAX_WORDS) <= TAGS_MAX_WORDS {
            return Class::Tags(Some(value.to_string()));
        }
    }
    if let Some((lk, rest)) = label(line, &key, &keys.date_labels) {
        if key == lk {
            return Class::Date(None);
        }
        let (sep, value) = after_separator(rest);
        if words_upto(value, DATE_MAX_WORDS) <= DATE_MAX_WORDS
            && (sep || parse_date(value).is_some())
        {
            return Class::Date(Some(value.to_string()));
        }
    }
    if let Some((lk, rest)) = label(line, &key, &keys.byline_labels) {
        let (sep, value) = after_separator(rest);
        let words = words_upto(value, BYLINE_MAX_WORDS);
        if key != lk && words <= BYLINE_MAX_WORDS && !ends_sentence(value) && (sep || words <= 3) {
            return Class::Byline;
        }
    }
    if !ends_sentence(line)
        && words_upto(line, FURNITURE_MAX_WORDS) <= FURNITURE_MAX_WORDS
        && label(line, &key, &keys.drop_lines).is_some()
    {
        return Class::Furniture;
    }
    ad_class(line, &key, keys)
}

/// A line that is one URL and nothing else (a link left over from an embed or a share bar).
fn is_bare_link(line: &str) -> bool {
    let t = line.trim();
    !t.contains(' ')
        && (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www."))
}

/// An advertisement label alone, or glued to the next word (`إعلانوكتب` → `وكتب`). The glued
/// form is not taken when the label plus what follows is an ordinary word (`إعلانات`, `إعلانه`).
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
        let at_boundary = key == lk
            || (key.starts_with(lk.as_str()) && key.as_bytes().get(lk.len()) == Some(&b' '));
        if !at_boundary {
            return None;
        }
        strip_key_prefix(line, lk).map(|rest| (lk.as_str(), rest))
    })
}

/// Skips spaces and one run of label separators (`:`, `|`, dashes); says whether there was one.
fn after_separator(rest: &str) -> (bool, &str) {
    let t = rest.trim_start();
    let stripped = t.trim_start_matches([':', '：', '|', '-', '–', '—', '/', '»', ' ']);
    (stripped.len() != t.len(), stripped.trim())
}

/// A headline introduced by a marker (after `اقرأ أيضاً`, in a list): short, and not closed
/// by a full stop or a comma; question and exclamation marks are allowed.
fn linked_headline(text: &str) -> bool {
    (1..=HEADLINE_MAX_WORDS).contains(&words_upto(text, HEADLINE_MAX_WORDS))
        && !text.trim_end().ends_with(['.', '،', ',', '؛'])
}

/// Short, no sentence-final punctuation: the shape of a headline.
fn headline_shaped(text: &str) -> bool {
    let words = words_upto(text, HEADLINE_MAX_WORDS);
    (1..=HEADLINE_MAX_WORDS).contains(&words) && !ends_sentence(text)
}

/// True when the text ends like a sentence (`.`, `!`, `؟`, `:` …), closing quotes aside.
fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '»' | '”' | '’' | ')' | ']' | '}')
    });
    t.ends_with(['.', '!', '?', '؟', '…', '۔', '؛', ':', '،', ','])
}

fn word_count(text: &str) -> usize {
    words_upto(text, usize::MAX - 1)
}

/// Words separated by Unicode white space (as `split_whitespace`), counted up to `limit + 1`
/// (enough to compare with `limit`); printable ASCII and the Arabic block are recognised as
/// non-space without the Unicode table.
fn words_upto(text: &str, limit: usize) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        let space = match c as u32 {
            0x21..=0x7E | 0x0600..=0x06FF => false,
            _ => c.is_whitespace(),
        };
        if !space && !in_word {
            count += 1;
            if count > limit {
                break;
            }
        }
        in_word = !space;
    }
    count
}

fn strip_bullet(text: &str) -> &str {
    let t = text.trim_start_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '•' | '▪'
                    | '◾'
                    | '●'
                    | '○'
                    | '·'
                    | '*'
                    | '►'
                    | '■'
                    | '◆'
                    | '‣'
                    | '-'
                    | '–'
                    | '—'
            )
    });
    if t.len() == text.len() {
        text
    } else {
        t
    }
}

fn strip_quotes(text: &str) -> &str {
    text.trim().trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '«' | '»' | '“' | '”' | '„' | '‘' | '’' | '.'
            )
    })
}

/// `ar` when Arabic letters outnumber Latin ones, `en` for mostly Latin text, else unknown.
fn detect_lang(text: &str) -> Option<String> {
    let (mut arabic, mut latin, mut chars) = (0usize, 0usize, 0usize);
    for &b in text.as_bytes() {
        if b & 0xC0 == 0x80 {
            continue;
        }
        if chars == 20_000 {
            break;
        }
        chars += 1;
        if (0xD8..=0xDB).contains(&b) {
            arabic += 1;
        } else if b.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if arabic == 0 && latin == 0 {
        None
    } else if arabic >= latin {
        Some("ar".to_string())
    } else {
        Some("en".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(page: &str) -> Draft {
        extract(page, &Markers::default()).expect("an article")
    }

    const P1: &str = "قال المتحدث باسم الحكومة، اليوم الأحد، إن المفاوضات مستمرة بين الطرفين.";
    const P2: &str = "وأضاف أن الجولة المقبلة ستعقد في القاهرة خلال الأسبوع المقبل.";

    #[test]
    fn inline_read_also_block_moves_its_headline_to_related() {
        let page =
            format!("{P1}\n\nإقرأ ايضاً\n\nوزير الخارجية يصل إلى عمان في زيارة رسمية\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
        assert_eq!(d.related, vec!["وزير الخارجية يصل إلى عمان في زيارة رسمية"]);
        assert_eq!(d.removed.get("read_also"), Some(&1));
    }

    #[test]
    fn glued_read_also_is_removed_with_its_headline() {
        let page = format!("{P1}\n\nاقرأ أيضاً«الصحة» تعلن حصيلة جديدة للضحايا\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
        assert_eq!(d.related, vec!["«الصحة» تعلن حصيلة جديدة للضحايا"]);
    }

    #[test]
    fn source_lines_are_collected_deduplicated_and_unquoted() {
        let page = format!(
            "{P1}\n\nالمصدر | \"وكالة الأنباء\"\n\nالمصدر: وكالة الأنباء\n\nالمصدر: «RT Arabic»"
        );
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1]);
        assert_eq!(d.sources, vec!["وكالة الأنباء", "RT Arabic"]);
    }

    #[test]
    fn said_the_source_inside_a_sentence_is_body() {
        let line = "وقال المصدر: إن الاجتماع انتهى دون اتفاق على موعد جديد للمفاوضات.";
        let page = format!("{P1}\n\n{line}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, line]);
        assert!(d.sources.is_empty());
    }

    #[test]
    fn tags_line_is_one_entry_when_unseparated() {
        let page = format!("{P1}\n\nكلمات دلالية: غزة وقف إطلاق النار مصر");
        let d = run(&page);
        assert_eq!(d.tags, vec!["غزة وقف إطلاق النار مصر"]);
    }

    #[test]
    fn page_is_cut_at_the_appended_article() {
        let page = format!(
            "{P1}\n\nالمصدر: الأناضول\n\nإقرأ أيضاً:\n\nعنوان مقال آخر تماما\n\nنص مقال آخر لا علاقة له بهذا الخبر."
        );
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1]);
        assert_eq!(d.removed.get("appended_article"), Some(&1));
    }

    #[test]
    fn colon_read_also_before_the_footer_is_inline() {
        let page =
            format!("{P1}\n\nاقرأ أيضا:\n\nعنوان خبر آخر عن المفاوضات\n\n{P2}\n\nالمصدر: الأناضول");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
        assert_eq!(d.related, vec!["عنوان خبر آخر عن المفاوضات"]);
    }

    #[test]
    fn similar_articles_list_is_cut_and_its_bullets_kept_as_related() {
        let page =
            format!("{P1}\n\nمقالات مشابهة\n\n  • خبر أول عن الموضوع\n  • خبر ثان عن الموضوع");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1]);
        assert_eq!(d.related, vec!["خبر أول عن الموضوع", "خبر ثان عن الموضوع"]);
    }

    #[test]
    fn glued_ad_label_is_dropped_and_the_text_kept() {
        let page = format!("{P1}\nإعلانوكتب الرئيس على منصته أن الاتفاق قريب.");
        let d = run(&page);
        assert_eq!(d.paragraphs[1], "وكتب الرئيس على منصته أن الاتفاق قريب.");
        assert_eq!(d.removed.get("ad"), Some(&1));
    }

    #[test]
    fn words_built_on_the_ad_label_are_body() {
        let line = "إعلانات الحكومة الجديدة أثارت جدلا واسعا في الشارع.";
        let d = run(&format!("{P1}\n\n{line}"));
        assert_eq!(d.paragraphs, vec![P1, line]);
    }

    #[test]
    fn unmarked_headline_between_paragraphs_goes_to_related() {
        let page = format!("{P1}\n\nالرئيس يلتقي وفدا من رجال الأعمال\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
        assert_eq!(d.related, vec!["الرئيس يلتقي وفدا من رجال الأعمال"]);
    }

    #[test]
    fn byline_line_leaves_the_body() {
        let page = format!("{P1}\n\nكتب - أحمد محمود\n\n{P2}\n\nكتب الوزير في منشور على حسابه أن الاتفاق بات قريبا جدا.");
        let d = run(&page);
        assert_eq!(
            d.paragraphs,
            vec![
                P1,
                P2,
                "كتب الوزير في منشور على حسابه أن الاتفاق بات قريبا جدا."
            ]
        );
        assert_eq!(d.removed.get("byline"), Some(&1));
        assert!(d.related.is_empty());
    }

    #[test]
    fn dateline_alone_at_the_top_is_kept() {
        let page = format!("القاهرة (الاتحاد)\n\n{P1}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec!["القاهرة (الاتحاد)", P1]);
        assert_eq!(d.title, None);
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let page = "قال المتحدث باسم الحكومة اليوم إن المفاوضات\nمستمرة بين الطرفين وإن الجولة المقبلة\nستعقد قريبا في العاصمة.\n\nوأضاف أن الوفود الرسمية من البلدين\nستصل تباعا خلال الأيام القليلة المقبلة\nإلى مقر المفاوضات.";
        let d = run(page);
        assert_eq!(d.paragraphs.len(), 2);
        assert!(d.paragraphs[0].ends_with("في العاصمة."));
    }

    #[test]
    fn one_paragraph_per_line_pages_are_not_joined() {
        let page =
            format!("{P1}\nكتب - أحمد محمود\n{P2}\nطالع أيضا: وفد مصري يصل إلى الدوحة\n{P1}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2, P1]);
    }

    #[test]
    fn pages_without_sentence_punctuation_keep_every_line() {
        let lines = [
            "أعلنت المحكمة العليا أن يوم الاثنين هو أول أيام الشهر بعد ثبوت رؤية الهلال",
            "وقالت المحكمة في بيان إن عددا من الشهود أدلوا بشهاداتهم",
            "ودعت المحكمة إلى تحري رؤية الهلال في نهاية الشهر",
        ];
        let d = run(&lines.join("\n\n"));
        assert_eq!(d.paragraphs, lines);
        assert!(d.related.is_empty());
    }

    #[test]
    fn furniture_links_and_symbol_lines_leave_the_body() {
        let page = format!(
            "{P1}\n\n***\n\nhttps://t.co/abc123\n\nشارك الخبر\n\n{P2}\n\n© 2024 جميع الحقوق محفوظة"
        );
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
        assert_eq!(d.removed.get("furniture"), Some(&3));
    }

    #[test]
    fn bare_date_line_in_the_header_gives_the_date_and_the_title() {
        let page = format!("الحكومة تقر موازنة العام المقبل\n\nالأحد 12 مارس 2024\n\n{P1}\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.title.as_deref(), Some("الحكومة تقر موازنة العام المقبل"));
        assert_eq!(d.paragraphs, vec![P1, P2]);
        assert_eq!(d.removed.get("date"), Some(&1));
    }

    #[test]
    fn read_also_headline_may_be_a_question() {
        let page = format!("{P1}\n\nاقرأ أيضاً: هل تنجح الوساطة في وقف الحرب؟\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
        assert_eq!(d.related, vec!["هل تنجح الوساطة في وقف الحرب؟"]);
    }

    #[test]
    fn text_after_the_tags_line_is_an_appended_article() {
        let page = format!("{P1}\n\nكلمات دلالية: مفاوضات القاهرة\n\nعنوان مقال آخر تماما\n\nنص مقال آخر لا علاقة له بهذا الخبر.\n\nالمصدر: الأناضول");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1]);
        assert_eq!(d.sources, vec!["الأناضول"]);
        assert_eq!(d.removed.get("appended_article"), Some(&1));
    }

    #[test]
    fn word_count_splits_on_unicode_white_space() {
        for t in [
            "",
            " ",
            "قال  المتحدث\u{00A0}نعم",
            "a\u{2003}b\tc\u{000B}d ",
            "،،  ؟",
        ] {
            let n = t.split_whitespace().count();
            assert_eq!(word_count(t), n, "{t:?}");
            for limit in 0..4 {
                assert_eq!(words_upto(t, limit), n.min(limit + 1), "{t:?} {limit}");
            }
        }
    }

    #[test]
    fn only_boilerplate_is_no_article() {
        let r = extract("المصدر: الأناضول\n\nكلمات دلالية: غزة", &Markers::default());
        assert_eq!(r.map(|_| ()).map_err(|e| e.code()), Err("no_article"));
    }
}

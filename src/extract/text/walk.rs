//! One walk from the top of the page builds the draft: labelled lines do what their label says
//! (read-also blocks and related lists to `related`, a list ending at a control, counter or comment
//! prompt such as `0 تعليق`; source and tags lines to their fields; ad labels dropped), plain lines
//! follow the layout's verdicts. A title loses a site suffix the page also prints alone, a short
//! section name after a bar (`… | أخبار`) and a news section or outlet after a spaced dash (`… -
//! أخبار البلد`, `… – الموقع نيوز`, an acronym in Latin capitals: `… – W N A`); the first paragraph
//! loses a long headline glued to its head and a two-part dateline glued before its first word
//! (`المدينة-الموقع-…`, `متابعات _ الموقع _ …`, `المدينة - كتب فلان - …`).

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::evidence::{Evidence, Furniture};
use super::layout::{glued_date_stamp, opens_with_clause, source_name, Layout, Verdict, END_MARK};
use super::shape::{
    is_arabic_letter, is_digit, is_function_word, linked_headline, opens_with, opens_with_label,
    strip_bullet, strip_quotes, without_emphasis, words_upto,
};
use super::units::{Class, Unit, TAGS_MAX_WORDS};
use crate::extract::markers::TextKeys;
use crate::extract::normalize::match_key;
use crate::extract::phrases::WordHasher;
use crate::extract::{Draft, RemovedKind};

/// Longest source name after a label standing alone, in words.
const SOURCE_MAX_WORDS: usize = 8;

/// Walks the units up to the layout's cut; returns the body paragraphs and fills the rest of
/// `draft` (title, related, sources, tags, removed counts).
pub(super) fn walk(
    units: &[Unit],
    ev: &[Evidence],
    layout: &Layout,
    keys: &TextKeys,
    draft: &mut Draft,
) -> Vec<String> {
    let mut body: Vec<String> = Vec::new();
    let body_start = layout.body_start.unwrap_or(0);
    // After a tags line that follows the body, text lines belong to an appended article.
    let mut closed = false;
    let mut appended = false;
    let mut i = 0;
    while i < layout.cut {
        let unit = &units[i];
        match &unit.class {
            Class::Similar => {
                draft.count_removed(RemovedKind::SimilarArticles);
                i += collect_list(
                    &units[i + 1..],
                    &ev[i + 1..],
                    &layout.verdicts[i + 1..],
                    draft,
                );
            }
            Class::ReadAlso { .. } => {
                draft.count_removed(RemovedKind::ReadAlso);
                if let Some(next) = units.get(i + 1) {
                    if next.class == Class::Body && linked_headline(&next.text) {
                        push_related(draft, &next.text);
                        i += 1;
                    }
                }
            }
            Class::ReadAlsoGlued(headline) => {
                draft.count_removed(RemovedKind::ReadAlso);
                push_related(draft, headline);
            }
            Class::RelatedHeading => {
                draft.count_removed(RemovedKind::Related);
                i += collect_list(
                    &units[i + 1..],
                    &ev[i + 1..],
                    &layout.verdicts[i + 1..],
                    draft,
                );
            }
            Class::RelatedGlued(rest) => {
                draft.count_removed(RemovedKind::Related);
                push_related(draft, rest);
            }
            Class::Source(value) => {
                draft.count_removed(RemovedKind::Source);
                if let Some((v, lines)) = label_value(value, units, i, SOURCE_MAX_WORDS) {
                    push_source(draft, v);
                    i += lines;
                }
            }
            Class::Tags(value) => {
                draft.count_removed(RemovedKind::Tags);
                closed = !body.is_empty();
                let tags = label_value(value, units, i, TAGS_MAX_WORDS)
                    .filter(|&(v, lines)| lines == 0 || tags_under_label(v));
                if let Some((v, lines)) = tags {
                    push_tags(draft, v);
                    i += lines;
                }
            }
            Class::Date(value) => {
                draft.count_removed(RemovedKind::Date);
                let next_is_date = units.get(i + 1).is_some_and(|n| n.class == Class::Body)
                    && ev[i + 1].date.is_some();
                if value.is_none() && next_is_date {
                    i += 1;
                }
            }
            Class::Byline => draft.count_removed(RemovedKind::Byline),
            Class::Furniture => draft.count_removed(RemovedKind::Furniture),
            Class::Ad => draft.count_removed(RemovedKind::Ad),
            Class::AdGlued(_) | Class::Body if closed => {
                if !appended {
                    draft.count_removed(RemovedKind::AppendedArticle);
                    appended = true;
                }
            }
            Class::AdGlued(rest) => {
                draft.count_removed(RemovedKind::Ad);
                if i >= body_start {
                    body.push(rest.clone());
                }
            }
            Class::Body => match layout.verdicts[i] {
                Verdict::Keep => {
                    let first = body.is_empty();
                    let mut text = unit.text.as_str();
                    if let Some(rest) = without_glued_title(text, draft, first) {
                        draft.count_removed(RemovedKind::Title);
                        text = rest;
                    }
                    if let Some(rest) = without_read_more(text) {
                        draft.count_removed(RemovedKind::ReadAlso);
                        text = rest;
                    }
                    if let Some(rest) = first.then(|| without_glued_dateline(text, keys)).flatten()
                    {
                        draft.count_removed(RemovedKind::Dateline);
                        text = rest;
                    }
                    if let Some((_, rest)) = first.then(|| glued_date_stamp(text)).flatten() {
                        draft.count_removed(RemovedKind::Date);
                        text = rest;
                    }
                    body.push(paragraph(text));
                }
                Verdict::Title => {
                    let title = without_byline(&unit.text, &keys.byline_labels);
                    let title =
                        without_section_suffix(without_emphasis(&title), &keys.outlet_words);
                    draft.title = Some(without_printed_suffix(title, units, i).to_string());
                }
                Verdict::Related => {
                    draft.count_removed(RemovedKind::Related);
                    push_related(draft, &unit.text);
                }
                Verdict::Source => {
                    draft.count_removed(RemovedKind::Source);
                    push_source(draft, source_name(strip_bullet(&unit.text)));
                }
                Verdict::Tags => {
                    draft.count_removed(RemovedKind::Tags);
                    push_tags(draft, &unit.text);
                }
                Verdict::Drop(kind) => draft.count_removed(kind),
            },
        }
        i += 1;
    }
    let mut similar = Draft::default();
    if let Some(unit) = units.get(layout.cut) {
        if unit.class == Class::Similar {
            draft.count_removed(RemovedKind::SimilarArticles);
            let at = layout.cut + 1;
            collect_list(
                &units[at..],
                &ev[at..],
                &layout.verdicts[at..],
                &mut similar,
            );
        } else {
            draft.count_removed(RemovedKind::AppendedArticle);
            if let Some(j) = units[layout.cut + 1..]
                .iter()
                .position(|u| u.class == Class::Similar)
            {
                let at = layout.cut + 2 + j;
                draft.count_removed(RemovedKind::SimilarArticles);
                collect_list(
                    &units[at..],
                    &ev[at..],
                    &layout.verdicts[at..],
                    &mut similar,
                );
            }
        }
    }
    if let Some(kept) = body.last().and_then(|last| without_feed_footer(last)) {
        body.pop();
        if !kept.is_empty() {
            body.push(kept);
        }
        draft.count_removed(RemovedKind::Footer);
    }
    if let Some(last) = body.last_mut() {
        if let Some(kept) = without_trailing_credit(last, keys) {
            *last = kept;
            draft.count_removed(RemovedKind::Byline);
        }
    }
    draft.related.append(&mut similar.related);
    dedup_by_key(&mut draft.related);
    dedup_by_key(&mut draft.sources);
    dedup_by_key(&mut draft.tags);
    body
}

/// Longest unbulleted list item, in words: longer lines are paragraphs, not list items.
const LIST_ITEM_MAX_WORDS: usize = 15;

/// A paragraph as it goes into the body: without the colon a transcript prints before a line
/// whose speaker it leaves out (`: مساء الخير …`).
fn paragraph(text: &str) -> String {
    let t = text.trim_start_matches([':', ' ']);
    if t.is_empty() {
        text.to_string()
    } else {
        t.to_string()
    }
}

/// A wire's end marks: the one the layout also finds alone on a line, and `(النهاية)`.
const WIRE_END_MARKS: [&str; 2] = [END_MARK, "النهاية"];

/// The last paragraph without a desk or agency credit glued after its final sentence
/// (`… ترجیح دیں۔ ویب ڈیسک`, `… العامة . (وال- بنغازي) ع ع/ ر ت`), or a wire's end mark and its
/// desk's initials (`… 2023. (النهاية)م ع م / م ع ع`); `None` when it ends with none. The
/// desk's initials a wire prints after its credit (one-letter words) are part of it.
fn without_trailing_credit(text: &str, keys: &TextKeys) -> Option<String> {
    let (at, _) = text
        .char_indices()
        .rfind(|(_, c)| matches!(c, '.' | '۔' | '!' | '؟' | '?'))?;
    let tail = text[at..].trim_start_matches(['.', '۔', '!', '؟', '?', ' ']);
    let key = match_key(tail);
    let mut words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && words.last().is_some_and(|w| w.chars().nth(1).is_none()) {
        words.pop();
    }
    let end_mark = words.len() == 1 && WIRE_END_MARKS.iter().any(|m| match_key(m) == words[0]);
    let credit = end_mark
        || (1..=3).contains(&words.len())
            && words.iter().any(|w| {
                keys.outlet_words.iter().any(|o| o == w) || keys.agencies.iter().any(|a| a == w)
            });
    credit.then(|| text[..at + text[at..].chars().next().map_or(0, char::len_utf8)].to_string())
}

/// The footer a blog's feed appends to each post, by its opening and the words before the
/// site's name: `The post … appeared first on …`, `ظهرت المقالة … أولاً على …`.
const FEED_FOOTERS: [(&str, &str); 3] = [
    ("The post ", " appeared first on "),
    ("ظهرت المقالة ", " أولاً على "),
    ("ظهرت المقالة ", " أولا على "),
];

/// Most words of the site's name closing a feed footer.
const FEED_SITE_MAX_WORDS: usize = 10;

/// The last paragraph without the footer a blog's feed appends to a post (the post's headline
/// and the site's name: `ظهرت المقالة العنوان أولاً على الموقع.`), on its own line or glued after
/// the excerpt; `None` when it ends with none, an empty string when the paragraph is the footer.
fn without_feed_footer(text: &str) -> Option<String> {
    FEED_FOOTERS.iter().find_map(|(open, before_site)| {
        let at = text.rfind(open)?;
        let opens_here = text[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let site = text[at..].split_once(before_site)?.1;
        (opens_here && site.split_whitespace().count() <= FEED_SITE_MAX_WORDS)
            .then(|| text[..at].trim_end().to_string())
    })
}

/// Takes the list lines after a heading (bullets, or short headline-shaped lines) into
/// `related`, up to a line the layout gives to the article or a control, counter or comment
/// prompt (`0 تعليق` under an empty list); returns how many lines it took.
fn collect_list(units: &[Unit], ev: &[Evidence], verdicts: &[Verdict], draft: &mut Draft) -> usize {
    let mut taken = 0;
    for ((unit, e), verdict) in units.iter().zip(ev).zip(verdicts) {
        if unit.class != Class::Body
            || matches!(verdict, Verdict::Keep | Verdict::Title)
            || matches!(e.furniture, Some(Furniture::Widget | Furniture::Comment))
        {
            break;
        }
        let bare = strip_bullet(&unit.text);
        let bulleted = bare.len() != unit.text.len();
        if !(bulleted || (linked_headline(&unit.text) && e.words < LIST_ITEM_MAX_WORDS)) {
            break;
        }
        push_related(draft, bare);
        taken += 1;
    }
    taken
}

/// A headline without the byline some portals glue to it (`عنوان ... بقلم : فلان`): the text
/// before a separator (`...`, `-`, `|`) that a byline label follows.
fn without_byline(title: &str, byline_labels: &[String]) -> String {
    const SEPARATORS: [&str; 6] = ["...", "…", " - ", " – ", " — ", " | "];
    for sep in SEPARATORS {
        for (at, _) in title.match_indices(sep) {
            let head = title[..at].trim_end_matches(['.', ' ']);
            let tail = title[at + sep.len()..].trim_start_matches(['.', ' ']);
            let key = match_key(tail);
            let bylined = opens_with_label(&key, byline_labels);
            if bylined && head.split_whitespace().count() >= 2 {
                return head.to_string();
            }
        }
    }
    title.to_string()
}

/// Most words of a section or site name printed after a headline (`عنوان | أخبار`).
const SUFFIX_MAX_WORDS: usize = 3;

/// The word that opens a news section's name (`أخبار السعودية`, `اخبار مصر`).
const NEWS_SECTION_WORD: &str = "أخبار";

/// Fewest words of a headline before a section or site name set off by a spaced dash (a dash
/// also joins two parties in a short headline: `مصر - السودان`).
const DASH_SUFFIX_HEAD_MIN_WORDS: usize = 5;

/// A headline without the section or site name a page title prints after a bar
/// (`… خوفا من القصف | أخبار`, `… – مقال مصور | الأراضي الفلسطينية`): a name of at most
/// [`SUFFIX_MAX_WORDS`] words, no digit and no function word in it, after a headline of three
/// words or more. A bar between a speaker and a quote (`ترامب | لن نتراجع`) stays. After a
/// spaced dash the name must also say what it is: a news section (`… - أخبار السعودية`) or an
/// outlet (`… - الوادي نيوز`, or its acronym in Latin capitals: `… – S A N A`), after a
/// headline of [`DASH_SUFFIX_HEAD_MIN_WORDS`] words or more.
fn without_section_suffix<'t>(title: &'t str, outlet_words: &[String]) -> &'t str {
    let barred = title.rsplit_once(" | ").map(|(h, t)| (h, t, false));
    let dashed = || {
        [" - ", " – "]
            .iter()
            .filter_map(|sep| title.rsplit_once(sep))
            .max_by_key(|(head, _)| head.len())
            .map(|(h, t)| (h, t, true))
    };
    let Some((head, tail, dash)) = barred.or_else(dashed) else {
        return title;
    };
    let key = match_key(tail);
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    let name = (1..=SUFFIX_MAX_WORDS).contains(&words.len())
        && !tail.chars().any(is_digit)
        && !words.iter().any(|w| is_function_word(w));
    let head_words = head.split_whitespace().count();
    let acronym = latin_acronym(tail) && head.chars().any(is_arabic_letter);
    let named = !dash
        || (head_words >= DASH_SUFFIX_HEAD_MIN_WORDS
            && (acronym
                || words.first() == Some(&match_key(NEWS_SECTION_WORD).as_str())
                || words.iter().any(|w| outlet_words.iter().any(|o| o == w))));
    if (name || acronym) && named && head_words >= 3 {
        head.trim_end()
    } else {
        title
    }
}

/// Most capitals of an outlet's acronym (`BBC`, spelled out `S A N A`).
const ACRONYM_MAX_LETTERS: usize = 8;

/// Latin capitals alone, run together or spelled out one by one (`BBC`, `S A N A`), at least
/// two of them: an outlet's acronym printed after an Arabic headline.
fn latin_acronym(tail: &str) -> bool {
    let t = tail.trim();
    let letters = t.chars().filter(char::is_ascii_uppercase).count();
    t.chars().all(|c| c.is_ascii_uppercase() || c == ' ')
        && (2..=ACRONYM_MAX_LETTERS).contains(&letters)
}

/// Fewest words of a headline cut from the head of the lead it is glued to (a shorter title,
/// a refrain, may open a poem's lines).
const GLUED_TITLE_MIN_WORDS: usize = 5;
/// Fewest words of the lead left after its glued headline.
const GLUED_LEAD_MIN_WORDS: usize = 8;

/// Links a publishing system closes a cut excerpt with, after its ellipsis (`… تابع قراءة
/// العنوان`, `… Continue reading`).
const READ_MORE: [&str; 9] = [
    "تابع قراءة",
    "تابع القراءة",
    "أكمل القراءة",
    "اكمل القراءة",
    "اقرأ المزيد",
    "إقرأ المزيد",
    "قراءة المزيد",
    "Continue reading",
    "Read more",
];

/// A paragraph without the read-more link closing it after an ellipsis: the excerpt up to
/// the ellipsis, when text stands before it.
fn without_read_more(text: &str) -> Option<&str> {
    const ELLIPSIS: &[u8] = "…".as_bytes();
    const DOTS: &[u8] = b"...";
    let b = text.as_bytes();
    let ellipses = memchr::memchr_iter(ELLIPSIS[0], b)
        .filter(|&at| b[at..].starts_with(ELLIPSIS))
        .map(|at| (at, ELLIPSIS.len()))
        .chain(memchr::memmem::find_iter(b, DOTS).map(|at| (at, DOTS.len())));
    for (at, len) in ellipses {
        let after = text[at + len..].trim_start();
        let link = READ_MORE.iter().any(|r| after.starts_with(r));
        let before = text[..at].trim_end();
        if link && !before.is_empty() {
            return Some(before);
        }
    }
    None
}

/// The first paragraph without the headline printed again at its head (`العنوان تم …`): what
/// follows it, when the headline is long and the rest is a paragraph on its own. A headline
/// closed by a bracket or a quote may touch the lead with no space (`… (الفاشر)الخرطوم – …`).
/// A rest that goes on with a dependent clause (`العنوان حيث نشب …`) makes the headline the
/// sentence's main clause: the paragraph stays whole.
fn without_glued_title<'t>(text: &'t str, draft: &Draft, first: bool) -> Option<&'t str> {
    let title = draft.title.as_deref()?.trim();
    if !first || title.split_whitespace().count() < GLUED_TITLE_MIN_WORDS {
        return None;
    }
    let rest = text.trim_start().strip_prefix(title)?;
    let closed = title.ends_with([')', ']', '»', '"', '”', '’']);
    let glued = (closed || rest.starts_with(char::is_whitespace))
        && rest.split_whitespace().count() >= GLUED_LEAD_MIN_WORDS
        && !opens_with_clause(rest);
    glued.then(|| rest.trim_start())
}

/// Most words of each of the two parts of a dateline glued to the head of the lead.
const GLUED_DATELINE_PART_MAX_WORDS: usize = 4;

/// How two parts of a glued dateline are set apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Joint {
    /// A hyphen between two letters, no space around it (`المدينة-الموقع-`).
    Tight,
    /// An underscore between spaces (`متابعات _ الموقع _`).
    Underscore,
    /// A dash between spaces (`المدينة - كتب فلان -`): a dateline only before a byline.
    Spaced,
}

/// The lead without a two-part dateline glued to its head: a place or desk and a portal or a
/// byline, each of at most [`GLUED_DATELINE_PART_MAX_WORDS`] words with no digit or sentence
/// mark, closed by the same joint twice (`رام الله-الموقع-عقدت …`, `متابعات _ الموقع _ شهد …`,
/// `المدينة - كتبت فلانة - يفضل …`). Spaced dashes count only when the second part opens with a
/// byline label: a portal's name between spaced dashes (`الموقع – فلان – …`) stays, as a
/// dateline printed inline with the lead.
fn without_glued_dateline<'t>(text: &'t str, keys: &TextKeys) -> Option<&'t str> {
    let text = text.trim_start();
    let (first, joint, after_first) = next_joint(text)?;
    let (second, again, rest) = next_joint(after_first)?;
    if again != joint || !dateline_part(first) || !dateline_part(second) {
        return None;
    }
    if joint == Joint::Spaced {
        let key = match_key(second);
        let bylined = keys.byline_labels.iter().any(|lk| opens_with(&key, lk));
        if !bylined {
            return None;
        }
    }
    let rest = rest.trim_start();
    (words_upto(rest, GLUED_LEAD_MIN_WORDS) >= GLUED_LEAD_MIN_WORDS).then_some(rest)
}

/// The text before the first joint of a glued dateline (within a dateline part's reach), the
/// joint, and the text after it.
fn next_joint(text: &str) -> Option<(&str, Joint, &str)> {
    let mut prev = ' ';
    let mut spaces = 0;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() && !prev.is_whitespace() {
            spaces += 1;
            if spaces > GLUED_DATELINE_PART_MAX_WORDS {
                return None;
            }
        }
        let next = text[at + c.len_utf8()..].chars().next().unwrap_or(' ');
        let joint = match c {
            '-' if prev.is_alphabetic() && next.is_alphabetic() => Some(Joint::Tight),
            '_' if prev.is_whitespace() && next.is_whitespace() => Some(Joint::Underscore),
            '-' | '–' | '—' if prev.is_whitespace() && next.is_whitespace() => {
                Some(Joint::Spaced)
            }
            _ => None,
        };
        if let Some(joint) = joint {
            return Some((&text[..at], joint, &text[at + c.len_utf8()..]));
        }
        prev = c;
    }
    None
}

/// One part of a glued dateline: a few words, no digit, no sentence mark.
fn dateline_part(part: &str) -> bool {
    let part = part.trim();
    !part.is_empty()
        && words_upto(part, GLUED_DATELINE_PART_MAX_WORDS + 1) <= GLUED_DATELINE_PART_MAX_WORDS
        && !part.chars().any(|c| {
            is_digit(c)
                || matches!(
                    c,
                    '.' | '،' | ',' | ':' | '!' | '?' | '؟' | '(' | ')' | '«' | '"'
                )
        })
}

/// Most words of a site or section suffix cut from a title when the page prints it alone.
const PRINTED_SUFFIX_MAX_WORDS: usize = 4;

/// The title without a suffix set off by a dash or a bar (`… – قسم – اسم الموقع`) that the
/// page also prints as a line of its own (`قسم – اسم الموقع –`): the site's label, not the
/// headline's words. `at` is the title's own unit.
fn without_printed_suffix<'t>(title: &'t str, units: &[Unit], at: usize) -> &'t str {
    for sep in [" – ", " - ", " | "] {
        for (pos, _) in title.match_indices(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            let key = match_key(tail);
            let words = key.split(' ').filter(|w| !w.is_empty()).count();
            if !(1..=PRINTED_SUFFIX_MAX_WORDS).contains(&words)
                || head.split_whitespace().count() < 3
            {
                continue;
            }
            let printed = units
                .iter()
                .enumerate()
                .any(|(j, u)| j != at && u.class == Class::Body && u.key == key);
            if printed {
                return head.trim_end();
            }
        }
    }
    title
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
    let mut seen: HashSet<String, BuildHasherDefault<WordHasher>> = HashSet::default();
    list.retain(|r| {
        let key = match_key(r);
        !key.is_empty() && seen.insert(key)
    });
}

/// The value of the label on line `i`: written after it, or alone on the next line when that line
/// is short enough (`max_words`); with the lines of its own it takes (0 or 1).
fn label_value<'u>(
    value: &'u Option<String>,
    units: &'u [Unit],
    i: usize,
    max_words: usize,
) -> Option<(&'u str, usize)> {
    if let Some(v) = value {
        return Some((v, 0));
    }
    let next = units.get(i + 1)?;
    (next.class == Class::Body && words_upto(&next.text, max_words) <= max_words)
        .then_some((next.text.as_str(), 1))
}

/// Adds a source name, quotes and brackets stripped.
fn push_source(draft: &mut Draft, value: &str) {
    let mut v =
        strip_quotes(value).trim_matches(|c: char| matches!(c, '(' | ')' | '-' | '–' | ' '));
    if let Some((name, note)) = v.rsplit_once(['،', ',']) {
        if ADAPTED.contains(&match_key(note).as_str()) {
            v = name.trim_end();
        }
    }
    if !v.is_empty() {
        draft.sources.push(v.to_string());
    }
}

/// An editor's note after a source's name that the text was adapted (`، بتصرّف`, matching-key
/// spelling): not part of the name.
const ADAPTED: [&str; 2] = ["بتصرف", "بتصرف بسيط"];

/// Words of the longest tag standing alone on the line under an empty tags label.
const LONE_TAG_MAX_WORDS: usize = 6;

/// Whether the line under an empty tags label (`TAG:`) holds its tags: separated entries, or
/// one short enough to be a tag. A headline there is the next article's.
fn tags_under_label(line: &str) -> bool {
    line.contains(TAG_SEPARATORS) || line.split_whitespace().count() <= LONE_TAG_MAX_WORDS
}

/// Signs a tags line separates its entries with.
const TAG_SEPARATORS: [char; 6] = ['،', ',', '|', '؛', ';', '#'];

/// Adds the tags of a tags line: separate entries where the line separates them, else one.
fn push_tags(draft: &mut Draft, value: &str) {
    let separated = value.contains(TAG_SEPARATORS);
    let parts: Vec<&str> = if separated {
        value.split(TAG_SEPARATORS).collect()
    } else {
        vec![value]
    };
    for part in parts {
        let t = part.trim().replace('_', " ");
        if !t.is_empty() {
            draft.tags.push(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{source_name, without_glued_dateline, without_section_suffix};
    use crate::extract::markers::Markers;

    const LEAD: &str =
        "بحث المجلس البلدي في جلسته الأسبوعية خطة تأهيل شبكة الطرق في الأحياء الشرقية.";

    #[test]
    fn a_two_part_dateline_glued_to_the_lead_is_cut_off() {
        let markers = Markers::default();
        let keys = markers.text.keys();
        for head in [
            "الجديدة-نشرة المدينة-",
            "متابعات _ نشرة المدينة _ ",
            "الجديدة - كتب سالم نور - ",
        ] {
            let text = format!("{head}{LEAD}");
            assert_eq!(without_glued_dateline(&text, keys), Some(LEAD), "{head}");
        }
    }

    #[test]
    fn a_place_before_a_bracketed_outlet_credits_the_outlet() {
        assert_eq!(source_name("المدينة: (صدى نيوز)"), "صدى نيوز");
        assert_eq!(source_name("المدينة (الوكالة)"), "الوكالة");
        assert_eq!(source_name("(صدى نيوز)"), "(صدى نيوز)");
        assert_eq!(source_name("موقع كل يوم -أنباء المدينة"), "أنباء المدينة");
        assert_eq!(source_name("المدينة (البلد) (الوكالة) –"), "الوكالة");
        assert_eq!(source_name("(الوكالة):"), "(الوكالة)");
    }

    #[test]
    fn a_portal_between_spaced_dashes_and_a_compound_name_stay() {
        let markers = Markers::default();
        let keys = markers.text.keys();
        for head in [
            "نشرة المدينة – سالم نور – ",
            "الجديدة – ",
            "طريق الساحل-الجبل ",
            "القاهرة 5-6-",
        ] {
            let text = format!("{head}{LEAD}");
            assert_eq!(without_glued_dateline(&text, keys), None, "{head}");
        }
    }

    #[test]
    fn a_short_section_name_after_a_bar_leaves_the_title() {
        let markers = Markers::default();
        let outlets = &markers.text.keys().outlet_words;
        assert_eq!(
            without_section_suffix("وزير المالية يعلن موازنة العام المقبل | اقتصاد", outlets),
            "وزير المالية يعلن موازنة العام المقبل"
        );
    }

    #[test]
    fn a_bar_between_a_speaker_and_a_quote_stays() {
        let markers = Markers::default();
        let outlets = &markers.text.keys().outlet_words;
        assert_eq!(
            without_section_suffix("الوزير | لن نرفع الأسعار", outlets),
            "الوزير | لن نرفع الأسعار"
        );
        let long = "المدرب يغادر الفريق | اللاعبون يطالبون بإدارة جديدة قبل نهاية الموسم";
        assert_eq!(without_section_suffix(long, outlets), long);
        let sentence = "الحكومة تدرس خطة جديدة | في انتظار القرار";
        assert_eq!(without_section_suffix(sentence, outlets), sentence);
    }

    #[test]
    fn a_news_section_or_outlet_after_a_dash_leaves_the_title() {
        let markers = Markers::default();
        let outlets = &markers.text.keys().outlet_words;
        let head = "ارتفاع صادرات التمور إلى أوروبا خلال الربع الأول";
        for tail in ["أخبار الواحة", "الواحة نيوز", "W N A", "WNA"] {
            let title = format!("{head} - {tail}");
            assert_eq!(without_section_suffix(&title, outlets), head, "{tail}");
        }
    }

    #[test]
    fn a_dash_before_other_words_stays_in_the_title() {
        let markers = Markers::default();
        let outlets = &markers.text.keys().outlet_words;
        for title in [
            "ارتفاع صادرات التمور إلى أوروبا خلال الربع الأول - تقرير",
            "مباراة الحسم - أخبار سارة",
            "الفريقان يلتقيان اليوم في نصف نهائي الكأس - أخبار عن إصابة المهاجم",
            "الشركة تطلق هاتفها الجديد في الأسواق العربية - Galaxy",
            "منتخب الشباب يتأهل - FIFA",
        ] {
            assert_eq!(without_section_suffix(title, outlets), title);
        }
    }
}

//! What one line says about itself, from evidence any portal gives: its length and how it ends,
//! its share of Arabic function words, whether it is a date, a clock, a caption, a widget, a
//! call to action or a comment prompt, a summary box's label or point, a header strip holding a
//! labelled date, whether it repeats elsewhere on the page, whether it is a cut teaser of a
//! later paragraph or a teaser gluing another line of the page (the headline, the deck) to a
//! later paragraph's opening words. The layout model ([`super::layout`]) weighs these with the
//! line's position.

use super::shape::{
    end_of, is_arabic_letter, is_digit, opens_with, round_brackets, strip_bullet, without_closers,
    word_count, End, HEADLINE_MAX_WORDS,
};
use super::units::{Class, Unit};
use crate::extract::dates::{find_date, month_of, parse_date};
use crate::extract::markers::{is_function_word, is_function_word_hash, TextKeys, Vocab};
use crate::extract::normalize::{is_alphabetic, is_numeric, match_key};
use crate::extract::phrases::{word_hash, Hits};
use crate::extract::template::SiteTemplate;
use crate::extract::RemovedKind;

/// The basmala, which opens some articles on a line of its own (matching key).
const BASMALA: &str = "بسم الله الرحمن الرحيم";
/// Lines from the top of the page whose content words are kept: titles, leads, standfirsts and
/// teasers stand there, and a long page's tail need not pay for them.
const CONTENT_REACH: usize = 120;
/// A line of this many words is prose whatever its punctuation.
const PROSE_MIN_WORDS: usize = 15;
/// Fewest words of a punctuated prose line.
const PROSE_PUNCTUATED_MIN_WORDS: usize = 6;
/// Fewest words of an unpunctuated prose line on a page that does not punctuate.
const PROSE_OPEN_MIN_WORDS: usize = 8;
/// Fewest times as many words as the headline over it the lead holds, on a page that does not
/// punctuate its paragraphs.
const UNPUNCTUATED_LEAD_RATIO: usize = 2;
/// Most lines of an embedded post's copy above the line its attribution closes.
const EMBED_COPY_MAX_LINES: usize = 3;
/// Fewest lines a page's punctuation is judged on (else shorter lines are counted too, and a
/// page with too few lines is taken as punctuated).
const PUNCTUATION_MIN_SAMPLE: usize = 2;
/// Lines this long tell whether a page punctuates its paragraphs (headlines are shorter).
const PUNCTUATION_SAMPLE_WORDS: usize = 12;
/// Longest date or clock line, in words.
const DATE_LINE_MAX_WORDS: usize = 20;
/// Most words of letters in a date line (label, weekday, month names, zone, fillers).
const DATE_LINE_MAX_LETTER_WORDS: usize = 12;
/// Longest masthead line (a role and a name with titles), in words.
const MASTHEAD_MAX_WORDS: usize = 12;
/// Longest widget line, in words.
const WIDGET_MAX_WORDS: usize = 8;
/// Longest typed furniture line (caption, call to action, comment prompt), in words.
const FURNITURE_MAX_WORDS: usize = 25;
/// Most words of a caption closed by a photo agency's credit (`… في برلين (غيتي)`): a photo's
/// description runs to a sentence or two.
const CREDITED_CAPTION_MAX_WORDS: usize = 50;
/// Photo agencies credited in brackets under pictures; news agencies (`(وأج)`) also close a
/// lead's attribution, so they make a caption only of a shorter line.
const PHOTO_AGENCIES: [&str; 4] = ["غيتي", "جيتي", "Getty", "Getty Images"];
/// Longest part of a dateline on either side of its joint, in words.
const DATELINE_PART_MAX_WORDS: usize = 3;
/// Most words of the places (`المدينة، البلد`) before the dash of a dated place line.
const DATED_PLACE_MAX_WORDS: usize = 6;
/// Longest notice (paywall, comment policy, copyright), in words.
const NOTICE_MAX_WORDS: usize = 40;
/// Longest line of a site dialog or prompt (`هل تريد تفعيل الإشعارات ؟`), in words.
const DIALOG_MAX_WORDS: usize = 12;
/// Most function words, in percent of its words, of a ticker line holding a comma.
const TICKER_MAX_FUNCTION_PERCENT: usize = 15;
/// Fewest words of headlines run together on one line.
const TICKER_MIN_WORDS: usize = 20;
/// Verbs of reported speech joined to `و` (matching-key spelling): a line they open goes on a
/// report (`وقال فلان: "….. …"`), never headlines run together.
const SPEECH_OPENERS: &[&str] = &[
    "وقال",
    "وقالت",
    "واضاف",
    "واضافت",
    "واكد",
    "واكدت",
    "واوضح",
    "واوضحت",
    "واشار",
    "واشارت",
    "وتابع",
    "وتابعت",
    "وكتب",
    "وكتبت",
    "وصرح",
    "وصرحت",
];

/// Whether a line opens on a verb of reported speech joined to `و` (`وقال`, `وأضاف` …).
pub(super) fn opens_with_speech(text: &str) -> bool {
    text.split_whitespace()
        .next()
        .is_some_and(|w| SPEECH_OPENERS.contains(&match_key(w).as_str()))
}

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

/// Units from the page's top within which a glued teaser, the line it holds and the paragraph
/// it opens are sought (teasers and descriptions stand in the header).
const GLUED_REACH: usize = 40;
/// Words of a paragraph's opening that a glued teaser repeats (fewer when it is cut sooner).
const GLUED_OPENING_WORDS: usize = 6;
/// Fewest words of that opening.
const GLUED_OPENING_MIN_WORDS: usize = 3;
/// Fewest words of the headline or deck a glued teaser holds.
const GLUED_LINE_MIN_WORDS: usize = 4;

/// Fewest words after a dateline that opens a lead (`المدينة – الاسم – …`).
const LEAD_AFTER_DATELINE_MIN_WORDS: usize = 8;

/// Words of a line of tags run together with spaces only.
const TAG_RUN_WORDS: std::ops::RangeInclusive<usize> = 6..=16;
/// Different words a line of tags run together prints twice.
const TAG_RUN_MIN_REPEATS: usize = 2;

/// Most lines between two lines cut with three dots (`...`) that make them a list of teasers.
const DOTTED_LIST_REACH: usize = 2;

/// Fewest lines in a row opening with one date that make a date-stamped list.
const STAMPED_LIST_MIN_LINES: usize = 3;
/// Fewest characters of the opening those lines share.
const STAMPED_PREFIX_MIN_CHARS: usize = 8;
/// Most words after the stamp of a line that is a date alone.
const STAMP_DATE_MAX_WORDS: usize = 6;

/// Furniture a line shows on its own, whatever its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Furniture {
    /// Widgets, controls and counters (`حجم الخط`, lone digits, `previous arrow`).
    Widget,
    /// A call to follow, subscribe or download (`تابعونا على تيليجرام`).
    CallToAction,
    /// A comment area prompt or policy (`اترك تعليقاً`).
    Comment,
    /// An image caption, credit or file name (`صورة أرشيفية`, `Getty Images`, `.jpg`, a line
    /// closed by `- تصوير : فلان`), or an image written as markdown (`![alt](address)`).
    Caption,
    /// A clock or relative time (`09:10 م`, `منذ 3 ساعات`), or a day and month with a time of
    /// day and no year (`- 29 ديسمبر - 3 مساءً`).
    Clock,
    /// A masthead role with its name (`رئيس التحرير`).
    Masthead,
    /// A breadcrumb (`الرئيسية » أخبار » سياسة`).
    Breadcrumb,
    /// The headline printed again as the window's title: the site's name after a dash (`… –
    /// موقع القناة`) or before it, or a breadcrumb glued before it (`Accueilالاولى…`).
    TitleBar,
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
    /// A line of the site's own dialogs and prompts (`هل تريد حقاً تسجيل الخروج؟`, `هل تريد
    /// تفعيل الإشعارات ؟`, `حتى لا يفوتك آخر الأخبار`): neither title nor body.
    Dialog,
    /// Headlines run together on one long line, with no sentence punctuation between them.
    Ticker,
    /// An outlet's name alone (`ساحل بريس`, `بوابة الوسط`): a signature after the body.
    Outlet,
    /// An embedded post and its attribution (`— Name (@handle) February 14, 2014`).
    Embed,
    /// A social post's copy printed on the page: a line closed by hashtags (`… #الهند
    /// #سلامة_السكك`).
    SocialCopy,
    /// A line of the site's template: printed on most of the site's pages (site memory).
    Template,
    /// A summary box: a line opened by its label (`اظهر الملخص - …`, `أبرز النقاط:`) and the
    /// bulleted points under it, repeating the story.
    Summary,
    /// A publishing system's shortcode printed instead of what it embeds (`[gallery ids="4,5"]`):
    /// it stands in the flow of the body, not in its header.
    Shortcode,
}

impl Furniture {
    /// The `stats.removed` kind this furniture is counted under.
    pub(super) fn kind(self) -> RemovedKind {
        match self {
            Furniture::Widget | Furniture::Foreign => RemovedKind::Widget,
            Furniture::CallToAction => RemovedKind::CallToAction,
            Furniture::Comment => RemovedKind::Comments,
            Furniture::Caption => RemovedKind::Caption,
            Furniture::Clock => RemovedKind::Date,
            Furniture::Masthead | Furniture::Breadcrumb | Furniture::TitleBar => {
                RemovedKind::Header
            }
            Furniture::Dateline | Furniture::Agency => RemovedKind::Byline,
            Furniture::TagList => RemovedKind::Tags,
            Furniture::Notice | Furniture::Dialog => RemovedKind::Notice,
            Furniture::Ticker => RemovedKind::Ticker,
            Furniture::Outlet => RemovedKind::Byline,
            Furniture::Embed | Furniture::SocialCopy | Furniture::Shortcode => RemovedKind::Embed,
            Furniture::Template => RemovedKind::SiteTemplate,
            Furniture::Summary => RemovedKind::Summary,
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
    /// Arabic function words among them (`في`, `من`, `أن`, `الذي` …), counted on lines of up
    /// to [`NOTICE_MAX_WORDS`] words; a longer line (prose by its length) carries its word
    /// count here.
    pub function_words: usize,
    /// Content words (function words and short words left out, clitics stripped), hashed,
    /// sorted, without repeats: what a title shares with its lead.
    pub content: Vec<u64>,
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
    /// The line announces a text quoted whole under it ([`announces_text`]).
    pub announces: bool,
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
    /// An Arabic-script page's line without a letter of that script (a wire photo's caption
    /// and credit in English): never the article's prose.
    pub foreign: bool,
    /// A document's section heading ([`section_line`]): a section word alone (`مقدمة`,
    /// `الخلاصة:`) or a line numbered by an ordinal and a colon (`أولاً: …`).
    pub section: bool,
}

impl Evidence {
    /// Nothing sets the line apart from the article's own lines: no furniture, no date, not
    /// printed elsewhere on the page.
    pub fn unmarked(&self) -> bool {
        self.furniture.is_none() && self.date.is_none() && !self.repeated
    }
}

/// Judges every unit of the page; `punctuated` tells whether the page ends its paragraphs with
/// punctuation (decided here, from the lines themselves). Lines of the site's `template` are
/// furniture.
pub(super) fn judge(
    units: &[Unit],
    keys: &TextKeys,
    arabic_page: bool,
    template: Option<&SiteTemplate>,
) -> Vec<Evidence> {
    let mut scratch = Scratch::default();
    let mut out: Vec<Evidence> = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            alone(
                u,
                keys,
                arabic_page,
                i < CONTENT_REACH,
                template,
                &mut scratch,
            )
        })
        .collect();
    // Lines printed twice, found by sorting the hashes of their keys.
    let hashes: Vec<u64> = units.iter().map(|u| word_hash(u.key.as_bytes())).collect();
    let mut sorted = hashes.clone();
    sorted.sort_unstable();
    for (h, e) in hashes.iter().zip(out.iter_mut()) {
        let first = sorted.partition_point(|x| x < h);
        e.repeated = sorted.get(first + 1) == Some(h);
    }
    unmark_contents_entries(units, &hashes, &mut out);
    mark_dotted_teasers(units, &mut out);
    mark_crumbed_headlines(units, &mut out);
    mark_title_bars(units, &mut out);
    mark_embedded_posts(units, &mut out);
    mark_stamped_lists(units, &mut out);
    mark_summary_boxes(units, keys, &mut out);
    mark_teasers(units, &mut out);
    mark_glued_teasers(units, &mut out);
    mark_standfirsts_over_datelines(units, &mut out);
    mark_restarts(units, &mut out);
    let punctuated = punctuated(units, &out);
    for (u, e) in units.iter().zip(out.iter_mut()) {
        e.announces = u.class == Class::Body && announces_text(u, e);
        e.prose = u.class == Class::Body
            && ((is_prose(e, punctuated) && !media_tagged(&u.text)) || e.announces);
    }
    mark_stopped_headline_pair(units, &mut out);
    if !punctuated {
        mark_unpunctuated_headline(units, &mut out);
    }
    for (u, e) in units.iter().zip(out.iter_mut()) {
        let basmala = u.key == BASMALA;
        e.weak = u.class == Class::Body
            && !e.prose
            && (e.end == End::Stop || basmala)
            && (e.words >= 2 || u.text.trim_end().ends_with(':'))
            && e.date.is_none()
            && e.furniture.is_none()
            && !e.foreign
            && !e.teaser
            && !e.copy;
    }
    out
}

/// A bulleted line in a list of bullets printed again further down as a plain line is an entry
/// of the article's table of contents and the section heading it names (`• هل …؟` … `هل …؟`):
/// neither is a line printed twice (a caption, a repeated headline).
fn unmark_contents_entries(units: &[Unit], hashes: &[u64], evidence: &mut [Evidence]) {
    for i in 0..units.len() {
        let e = &evidence[i];
        if !e.repeated || !e.bulleted || units[i].class != Class::Body {
            continue;
        }
        let in_list = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .any(|k| evidence.get(k).is_some_and(|n| n.bulleted));
        let copies: Vec<usize> = (0..units.len())
            .filter(|&k| k != i && hashes[k] == hashes[i])
            .collect();
        if let [k] = copies[..] {
            if in_list && k > i && !evidence[k].bulleted && units[k].class == Class::Body {
                evidence[i].repeated = false;
                evidence[k].repeated = false;
            }
        }
    }
}

/// The page's first prose line printed again right under itself, of headline length, with
/// more prose after the pair and no headline above it: the headline printed twice, its closing
/// full stop aside. Under a headline, such a pair is the lead printed twice.
fn mark_stopped_headline_pair(units: &[Unit], evidence: &mut [Evidence]) {
    let Some(i) = evidence.iter().position(|e| e.prose) else {
        return;
    };
    let paired = units.get(i + 1).is_some_and(|u| u.key == units[i].key)
        && evidence[i].words <= HEADLINE_MAX_WORDS
        && !headed(units, evidence, i)
        && evidence.iter().skip(i + 2).any(|e| e.prose);
    if paired {
        for e in &mut evidence[i..=i + 1] {
            e.prose = false;
            e.end = End::Open;
        }
    }
}

/// Whether a line that could be a headline stands above line `i`: a plain line of three words
/// or more (not furniture, not a date).
fn headed(units: &[Unit], evidence: &[Evidence], i: usize) -> bool {
    units[..i].iter().zip(&evidence[..i]).any(|(u, a)| {
        u.class == Class::Body && a.furniture.is_none() && a.date.is_none() && a.words > 2
    })
}

/// On a page that does not punctuate its paragraphs, its first prose line when no line that
/// could be a headline stands above it (only furniture, dates and one- or two-word labels),
/// shorter than prose on any page and set right over a line at least twice as long that
/// shares a content word with it (`هجوم … في #إيطاليا` over `تعرضت إيطاليا …`): the headline
/// over its lead. Under a headline, such a line is the article's short first paragraph.
fn mark_unpunctuated_headline(units: &[Unit], evidence: &mut [Evidence]) {
    let Some(i) = evidence.iter().position(|e| e.prose) else {
        return;
    };
    let (e, Some(next)) = (&evidence[i], evidence.get(i + 1)) else {
        return;
    };
    let headline = !headed(units, evidence, i)
        && e.words < PROSE_MIN_WORDS
        && e.end == End::Open
        && !e.repeated
        && units[i + 1].class == Class::Body
        && next.prose
        && next.words >= UNPUNCTUATED_LEAD_RATIO * e.words
        && shared_words(&e.content, &next.content) >= 1;
    if headline {
        evidence[i].prose = false;
    }
}

/// Lines cut with three dots (`...`) standing close together are teasers of other stories cut
/// short by the site (a list of them, or headline and teaser pairs), as with `…`; one such line
/// alone is a sentence trailing off.
fn mark_dotted_teasers(units: &[Unit], evidence: &mut [Evidence]) {
    let dotted: Vec<usize> = units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.class == Class::Body && cut_with_dots(&u.text))
        .map(|(i, _)| i)
        .collect();
    for (k, &i) in dotted.iter().enumerate() {
        let near = |j: Option<&usize>| j.is_some_and(|&j| j.abs_diff(i) <= DOTTED_LIST_REACH);
        if near(k.checked_sub(1).and_then(|p| dotted.get(p))) || near(dotted.get(k + 1)) {
            evidence[i].end = End::Trail;
        }
    }
}

/// A line ending with three dots or more (closing quotes and brackets aside).
fn cut_with_dots(text: &str) -> bool {
    without_closers(text).ends_with("...")
}

/// A breadcrumb's last crumb is often the article's headline: the line holding it alone is
/// printed twice on the page.
fn mark_crumbed_headlines(units: &[Unit], evidence: &mut [Evidence]) {
    let crumbs: Vec<String> = units
        .iter()
        .zip(evidence.iter())
        .filter(|(_, e)| e.furniture == Some(Furniture::Breadcrumb))
        .filter_map(|(u, _)| u.text.rsplit(['»', '›', '>', '<', '«', '/']).next())
        .map(match_key)
        .filter(|k| k.contains(' '))
        .collect();
    if crumbs.is_empty() {
        return;
    }
    for (u, e) in units.iter().zip(evidence.iter_mut()) {
        if u.class == Class::Body && crumbs.contains(&u.key) {
            e.repeated = true;
        }
    }
}

/// Lines apart that a headline and its copy in the window's title may stand.
const TITLE_BAR_REACH: usize = 3;
/// Most words the window's title adds to the headline: the site's name, or the crumbs glued
/// before it.
const TITLE_BAR_MAX_EXTRA_WORDS: usize = 4;
/// Fewest words of a headline found again inside a longer line.
const TITLE_BAR_MIN_WORDS: usize = 4;

/// A headline-sized line found whole near a longer line that adds only the site's name after a
/// dash (`العنوان – موقع القناة`) or before one, or crumbs glued before it
/// (`Accueilالاولىالعنوان`): the headline printed twice, once in the window's title, which is
/// header furniture.
fn mark_title_bars(units: &[Unit], evidence: &mut [Evidence]) {
    for i in 0..units.len() {
        let (short, e) = (&units[i], &evidence[i]);
        if short.class != Class::Body
            || e.furniture.is_some()
            || !(TITLE_BAR_MIN_WORDS..=HEADLINE_MAX_WORDS).contains(&e.words)
        {
            continue;
        }
        let reach = i.saturating_sub(TITLE_BAR_REACH)..(i + TITLE_BAR_REACH + 1).min(units.len());
        let bar = reach.filter(|&j| j != i).find(|&j| {
            let long = &units[j];
            long.class == Class::Body
                && evidence[j].furniture.is_none()
                && title_bar_of(&long.text, &long.key, &short.key)
        });
        if let Some(j) = bar {
            evidence[i].repeated = true;
            evidence[j].furniture = Some(Furniture::TitleBar);
        }
    }
}

/// Whether `long` is the headline `short` with the site's name after a dash, or before it
/// (`اسم الموقع - العنوان`), or with crumbs glued before it.
fn title_bar_of(text: &str, long: &str, short: &str) -> bool {
    let extra_words = |extra: &str| {
        let n = extra.split_whitespace().count();
        (1..=TITLE_BAR_MAX_EXTRA_WORDS).contains(&n)
    };
    let dashed = || {
        [" - ", " – ", " — ", " | "]
            .iter()
            .any(|d| text.contains(d))
    };
    if let Some(rest) = long.strip_prefix(short) {
        return rest.starts_with(' ') && extra_words(rest) && dashed();
    }
    long.strip_suffix(short).is_some_and(|head| {
        !head.is_empty() && extra_words(head) && (!head.ends_with(' ') || dashed())
    })
}

/// The post an attribution line closes stands right above it: furniture too, and so are the
/// short lines over it that carry a hashtag or a link, as the rest of a post's copy does
/// (`… التاريخي#طواف_السعودي` over `… pic.twitter.com/…` over `— Name (@handle) date`).
fn mark_embedded_posts(units: &[Unit], evidence: &mut [Evidence]) {
    for i in 1..units.len() {
        // A post printed whole on one line (its attribution glued after it) closes nothing above.
        let alone = units[i].text.trim_start().starts_with(['—', '–', '-']);
        if evidence[i].furniture != Some(Furniture::Embed)
            || !alone
            || units[i - 1].class != Class::Body
        {
            continue;
        }
        evidence[i - 1].furniture = Some(Furniture::Embed);
        let mut k = i - 1;
        while k > 0
            && i - k < EMBED_COPY_MAX_LINES
            && units[k - 1].class == Class::Body
            && evidence[k - 1].furniture.is_none()
            && evidence[k - 1].words <= FURNITURE_MAX_WORDS
            && tagged_or_linked(&units[k - 1].text)
        {
            k -= 1;
            evidence[k].furniture = Some(Furniture::Embed);
        }
    }
}

/// A line holding a hashtag (`#` glued to a word) or a web link, as a social post's copy does.
fn tagged_or_linked(text: &str) -> bool {
    let b = text.as_bytes();
    let hashtag = memchr::memchr_iter(b'#', b).any(|at| {
        b.get(at + 1)
            .is_some_and(|&n| !n.is_ascii_whitespace() && n != b'#')
    });
    hashtag
        || memchr::memmem::find(b, b"http").is_some()
        || memchr::memmem::find(b, b".com/").is_some()
}

/// Lines that open with one and the same date, several in a row, each glued to a headline
/// (`2 حزيران، 2018عنوان …`): a list of other articles, each stamped. A line of that list whose
/// rest is a date alone is a date line.
fn mark_stamped_lists(units: &[Unit], evidence: &mut [Evidence]) {
    let mut i = 0;
    while i < units.len() {
        let mut end = i + 1;
        let mut shared = units[i].text.len();
        while end < units.len() && units[i].class == Class::Body && units[end].class == Class::Body
        {
            let common = common_prefix(&units[i].text[..shared], &units[end].text);
            if common.chars().count() < STAMPED_PREFIX_MIN_CHARS {
                break;
            }
            shared = common.len();
            end += 1;
        }
        if end - i >= STAMPED_LIST_MIN_LINES {
            let stamp = &units[i].text[..shared];
            let cut = stamp
                .rfind(|c: char| c.is_ascii_digit())
                .map_or(0, |d| d + 1);
            if cut > 0 && find_date(&stamp[..cut]).is_some() {
                for (u, e) in units[i..end].iter().zip(&mut evidence[i..end]) {
                    let rest = u.text[cut..].trim();
                    let date = date_line(rest).or_else(|| {
                        (word_count(rest) <= STAMP_DATE_MAX_WORDS)
                            .then(|| find_date(rest))
                            .flatten()
                    });
                    match date {
                        Some(date) => {
                            e.date = Some(date);
                            e.furniture = None;
                        }
                        None => e.furniture = Some(Furniture::Ticker),
                    }
                }
            }
        }
        i = end;
    }
}

/// A line opened by a summary box's label (alone, or followed by `-`, `:` or `|`) with bulleted
/// lines right under it: the label line and those bullets are the box, not the body. The label
/// is matched on the line's key; the separator on its text. A document's section word alone
/// (`ملخّص`, `الملخص:`) heads the document's own summary section: body, not a box.
fn mark_summary_boxes(units: &[Unit], keys: &TextKeys, evidence: &mut [Evidence]) {
    for i in 0..units.len().saturating_sub(1) {
        let u = &units[i];
        if u.class != Class::Body
            || !evidence[i + 1].bulleted
            || evidence[i].section
            || !opens_summary(u, keys)
        {
            continue;
        }
        evidence[i].furniture = Some(Furniture::Summary);
        for (next, e) in units[i + 1..].iter().zip(&mut evidence[i + 1..]) {
            if next.class != Class::Body || !e.bulleted {
                break;
            }
            e.furniture = Some(Furniture::Summary);
        }
    }
}

/// The unit opens with a summary label followed by nothing or by a separator.
fn opens_summary(u: &Unit, keys: &TextKeys) -> bool {
    let Some(label) = keys
        .summaries
        .iter()
        .find(|l| u.key == **l || opens_with(&u.key, l))
    else {
        return false;
    };
    let n = label.split(' ').count();
    let mut rest = u.text.trim_start();
    for k in 0..n {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        if k + 1 == n && rest[..word_end].ends_with(':') {
            return true;
        }
        rest = rest[word_end..].trim_start();
    }
    rest.is_empty() || rest.starts_with(['-', '–', ':', '|', '•'])
}

/// The longest opening two texts share, cut at a character boundary.
fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let n = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or_else(|| a.len().min(b.len()), |((at, _), _)| at);
    &a[..n]
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

/// Media tags a headline may end with, after a dash or a bar.
const MEDIA_TAGS: [&str; 4] = ["فيديو", "بالفيديو", "صور", "بالصور"];

/// Whether the line ends with a media tag set off by a dash or a bar (`… - فيديو`, `… | بالصور`):
/// a headline's or a promotion's mark, never prose.
fn media_tagged(text: &str) -> bool {
    let t = text.trim_end();
    MEDIA_TAGS.iter().any(|tag| {
        t.strip_suffix(tag).is_some_and(|head| {
            let head = head.trim_end();
            head.ends_with('-') || head.ends_with('–') || head.ends_with('|')
        })
    })
}

/// Last words of a lead-in that announces the text printed under it (`ما يلي:`, `التالي:`,
/// `بالآتي:`), as matching keys.
const ANNOUNCING: [&str; 8] = [
    "مايلي",
    "يلي",
    "التالي",
    "الاتي",
    "بالاتي",
    "كالتالي",
    "كالاتي",
    "نصه",
];

/// A line closed by a colon that announces the text printed under it (`جاءنا من الديوان ما
/// يلي:`), or a short heading naming that text (`نص القرار الملكي`): the lead-in of a statement
/// or a decree quoted whole, whose short lines (its heading, preamble, articles) follow it. It
/// is prose, so the body runs through it.
fn announces_text(u: &Unit, e: &Evidence) -> bool {
    let document = opens_with(&u.key, "نص") && e.words <= 4 && e.end == End::Open;
    let lead_in = u.text.trim_end().ends_with(':')
        && e.words >= 3
        && e.furniture.is_none()
        && u.key
            .rsplit(' ')
            .next()
            .is_some_and(|w| ANNOUNCING.contains(&w));
    (document || lead_in) && e.date.is_none() && !e.bulleted
}

/// Prose: long, or punctuated and of sentence length, or (on pages that do not punctuate)
/// sentence length with function words; never a date, furniture or a teaser. A line ending with a
/// media tag ([`media_tagged`]) is not prose either: that is decided where prose is marked.
fn is_prose(e: &Evidence, punctuated: bool) -> bool {
    let printed_twice_headline = e.repeated && matches!(e.end, End::Open | End::Ask);
    if e.date.is_some()
        || e.furniture.is_some()
        || e.teaser
        || e.copy
        || e.bulleted
        || e.foreign
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
        (long >= PUNCTUATION_MIN_SAMPLE).then_some(stopped * 2 >= long)
    };
    share(PUNCTUATION_SAMPLE_WORDS)
        .or_else(|| share(PROSE_PUNCTUATED_MIN_WORDS))
        .unwrap_or(true)
}

/// The evidence a unit gives on its own.
fn alone<'u>(
    u: &'u Unit,
    keys: &TextKeys,
    arabic_page: bool,
    with_content: bool,
    template: Option<&SiteTemplate>,
    scratch: &mut Scratch<'u>,
) -> Evidence {
    words_of(&u.key, &mut scratch.words);
    let words = &scratch.words;
    let mut e = Evidence {
        words: words.len(),
        end: end_of(&u.text),
        function_words: 0,
        content: Vec::new(),
        date: None,
        furniture: None,
        repeated: false,
        teaser: false,
        copy: false,
        prose: false,
        announces: false,
        bulleted: strip_bullet(&u.text).len() != u.text.len(),
        headline_joint: headline_joint(&u.text),
        weak: false,
        restarts: false,
        foreign: false,
        section: false,
    };
    if u.class != Class::Body {
        return e;
    }
    e.section = !e.bulleted && section_line(&u.text, &u.key, words, keys);
    e.foreign = arabic_page && !u.text.bytes().any(|b| (0xD8..=0xDB).contains(&b));
    // At most one content word a word: sized once rather than grown word by word.
    let mut content = Vec::with_capacity(if with_content { words.len() } else { 0 });
    let hashes = &mut scratch.hashes;
    hashes.clear();
    if e.words <= NOTICE_MAX_WORDS {
        hashes.extend(words.iter().map(|w| word_hash(w.as_bytes())));
        for (w, &h) in words.iter().zip(hashes.iter()) {
            if is_function_word_hash(h) {
                e.function_words += 1;
            } else if with_content {
                content.extend(content_word(w));
            }
        }
    } else {
        // A long paragraph: prose by its length. Its function words are not counted (the
        // ticker check counts them when it needs them), and its content words (as a lead or as
        // the paragraph a teaser copies) may keep the few long function words.
        e.function_words = e.words;
        if with_content {
            content.extend(words.iter().filter_map(|w| content_word(w)));
        }
    }
    content.sort_unstable();
    content.dedup();
    e.content = content;
    // Typed furniture is short: longer lines skip the vocabulary scan.
    let hits = if e.words <= NOTICE_MAX_WORDS {
        keys.vocabulary.scan_hashed(hashes)
    } else {
        Hits::default()
    };
    // An embedded post's attribution dates the post, not the article.
    if e.words <= DATE_LINE_MAX_WORDS
        && !listed_sentence(&u.text, &e)
        && could_be_date_line(words)
        && !embed_attribution(&u.text)
    {
        e.date = date_line(&u.text)
            .or_else(|| dated_place_line(&u.text))
            .or_else(|| credited_date_line(&u.text));
    }
    let byline = hits.anywhere(Vocab::BylineLabels.id());
    if e.date.is_none() && byline && e.words <= DATE_LINE_MAX_WORDS {
        e.date = crate::extract::dates::find_date(&u.text);
    }
    if e.date.is_none() && with_content && e.end == End::Open && e.words <= NOTICE_MAX_WORDS {
        e.date = labelled_stamp(&u.text, keys);
    }
    if e.date.is_none() {
        e.furniture = if template.is_some_and(|t| t.contains_key(&u.key)) {
            Some(Furniture::Template)
        } else {
            furniture(&u.text, &u.key, words, &hits, &e, keys, arabic_page)
        };
    }
    // An ordinal and a colon (`أولاً: …`) is shaped like a dateline and names no place.
    if e.section && e.furniture == Some(Furniture::Dateline) {
        e.furniture = None;
    }
    e
}

/// The date of a header strip: an unpunctuated line that holds a date-line label closed by a
/// colon (`الاسم 29 يوليو 2025 | آخر تحديث: 17:57 … + الخط -`) and a date. Author, dates,
/// a caption and widgets run together on one line: a date line, however long.
fn labelled_stamp(text: &str, keys: &TextKeys) -> Option<String> {
    let labelled = memchr::memchr_iter(b':', text.as_bytes()).any(|colon| {
        let before = match_key(&text[..colon]);
        keys.date_labels.iter().any(|l| {
            before
                .strip_suffix(l.as_str())
                .is_some_and(|head| head.is_empty() || head.ends_with(' '))
        })
    });
    if labelled {
        crate::extract::dates::find_date(text)
    } else {
        None
    }
}

/// The words of a matching key (single spaces between them), found with a vectorised search.
fn words_of<'k>(key: &'k str, words: &mut Vec<&'k str>) {
    words.clear();
    if key.is_empty() {
        return;
    }
    let mut start = 0;
    for at in memchr::memchr_iter(b' ', key.as_bytes()) {
        words.push(&key[start..at]);
        start = at + 1;
    }
    words.push(&key[start..]);
}

/// Most words of a section heading named by a word of the vocabulary (`الملخص التنفيذي`).
const SECTION_WORD_MAX_WORDS: usize = 3;

/// A document's section heading: the whole line one of the section words (`مقدمة`, `الخلاصة:`;
/// the key drops the colon), or an ordinal followed by a colon or a dash and the section's name
/// (`أولاً: تسمم النحل`, `ثانياً - الخلفية`).
fn section_line(text: &str, key: &str, words: &[&str], keys: &TextKeys) -> bool {
    let Some(&first) = words.first() else {
        return false;
    };
    if words.len() <= SECTION_WORD_MAX_WORDS && keys.section_headings.iter().any(|k| k == key) {
        return true;
    }
    let opens = |k: &String| k == first || opens_with(k, first);
    if words.len() < 2 || !keys.section_ordinals.iter().any(opens) {
        return false;
    }
    // The ordinal opens the line: a colon or a dash must follow it, not a comma (`أولاً، …`
    // opens a sentence).
    let t = text.trim_start();
    t.find([':', '：', '-', '–', '—']).is_some_and(|at| {
        let head = match_key(&t[..at]);
        keys.section_ordinals.contains(&head) && head.len() < key.len()
    })
}

/// Buffers reused from line to line while a page is judged.
#[derive(Debug, Default)]
struct Scratch<'u> {
    /// The words of the line's key.
    words: Vec<&'u str>,
    /// Their hashes.
    hashes: Vec<u64>,
}

/// A bulleted line closed by a full stop is an item of a list written as a sentence (a
/// schedule: `– الصيد الشاطئي: يوم 5 يوليو 2024.`), not a date line, even when its label and
/// a date are all it says; a date line under a bullet carries no full stop.
fn listed_sentence(text: &str, e: &Evidence) -> bool {
    e.bulleted && without_closers(text).ends_with('.') && !text.ends_with("..")
}

/// A cheap test before the date parser: a digit, and few enough words of letters for a date
/// with its label, weekday, month names and zone.
fn could_be_date_line(words: &[&str]) -> bool {
    // Keys hold every digit as ASCII; every date form read has a four-digit year.
    words.iter().any(|w| {
        let b = w.as_bytes();
        b.len() >= 4
            && b[..4].iter().all(u8::is_ascii_digit)
            && !b.get(4).is_some_and(u8::is_ascii_digit)
    }) && words
        .iter()
        .filter(|w| !w.bytes().all(|b| b.is_ascii_digit()))
        .count()
        <= DATE_LINE_MAX_LETTER_WORDS
}

/// The date of a line that is only a date (with a weekday, a time, a zone such as `بتوقيت
/// مكة` or a short label around it).
pub(super) fn date_line(text: &str) -> Option<String> {
    parse_date(text)
}

/// Most words of the credit after a date line's slash (`… / اسم الموقع- غرفة الأخبار`).
const DATE_CREDIT_MAX_WORDS: usize = 5;

/// The date of a date line with the site's credit after a slash or a bar: `الثلاثاء 23
/// سبتمبر 2025 الساعة 04 مساءً / اسم الموقع- غرفة الأخبار`.
pub(super) fn credited_date_line(text: &str) -> Option<String> {
    let (date, credit) = text
        .rsplit_once(" / ")
        .or_else(|| text.rsplit_once(" | "))?;
    let words = credit.split_whitespace().count();
    let plain = !credit.chars().any(is_digit) && end_of(credit) == End::Open;
    (words <= DATE_CREDIT_MAX_WORDS && plain)
        .then(|| date_line(date))
        .flatten()
}

/// The date of a press release's dateline alone on its line: a city and its country set apart
/// by a comma, a dash, then only a date (`المدينة، البلد – 7 ديسمبر 2025`).
pub(super) fn dated_place_line(text: &str) -> Option<String> {
    let (place, date) = [" – ", " - ", " — "]
        .iter()
        .filter_map(|d| text.rsplit_once(d))
        .max_by_key(|(place, _)| place.len())?;
    let words = place.split_whitespace().count();
    let places = place
        .split(['،', ','])
        .filter(|p| !p.trim().is_empty())
        .count();
    let plain =
        !place.contains(['.', ':', '؟', '?', '!', '(', '"']) && !place.chars().any(is_digit);
    (places >= 2 && words <= DATED_PLACE_MAX_WORDS && plain)
        .then(|| date_line(date))
        .flatten()
}

/// A publishing system's shortcode printed as text instead of the widget it stands for
/// (`[covid19-card region="EG" …]`, `[gallery ids="4,5"]`): an opening bracket, a Latin name
/// of letters, digits, `-` or `_`, and attributes set with `=`.
fn is_shortcode(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix('[') else {
        return false;
    };
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    name.len() >= 3
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && rest[name_len..].starts_with(' ')
        && rest[name_len..].contains('=')
}

/// Typed furniture, judged on the line alone.
fn furniture(
    text: &str,
    key: &str,
    words: &[&str],
    hits: &Hits,
    e: &Evidence,
    keys: &TextKeys,
    arabic_page: bool,
) -> Option<Furniture> {
    let n = words.len();
    if n <= WIDGET_MAX_WORDS && is_widget(words, keys) {
        return Some(Furniture::Widget);
    }
    if is_shortcode(text) {
        return Some(Furniture::Shortcode);
    }
    if n <= 8 && is_clock(text, words) {
        return Some(Furniture::Clock);
    }
    if embed_attribution(text) {
        return Some(Furniture::Embed);
    }
    if memchr::memchr(b'#', text.as_bytes()).is_some() && closed_by_hashtags(text) {
        return Some(Furniture::SocialCopy);
    }
    if n <= NOTICE_MAX_WORDS && hits.anywhere(Vocab::Notices.id()) {
        return Some(Furniture::Notice);
    }
    if n <= DIALOG_MAX_WORDS && hits.anywhere(Vocab::Dialogs.id()) {
        return Some(Furniture::Dialog);
    }
    if n >= TICKER_MIN_WORDS && is_ticker(text, words) {
        return Some(Furniture::Ticker);
    }
    if n <= FURNITURE_MAX_WORDS {
        if hits.opening(Vocab::Comments.id()) {
            return Some(Furniture::Comment);
        }
        if is_call_to_action(words, hits) {
            return Some(Furniture::CallToAction);
        }
    }
    if is_markdown_image(text) || image_element(text) || (n <= LOGO_MAX_WORDS && logo_alt(text)) {
        return Some(Furniture::Caption);
    }
    // An agency's name alone in brackets (`(وكالات)`) credits the story, not a picture.
    if n <= 6 && text.starts_with('(') && hits.whole(Vocab::Agencies.id()) {
        return Some(Furniture::Agency);
    }
    let caption = (n <= 15 && is_caption(text, key, hits, keys))
        || (n <= FURNITURE_MAX_WORDS
            && hits.anywhere(Vocab::CaptionCues.id())
            && !cued_sentence(text, n))
        || (n <= FURNITURE_MAX_WORDS && credited_caption(text, keys))
        || (n <= CREDITED_CAPTION_MAX_WORDS && photo_credited(text))
        || (n <= CREDITED_CAPTION_MAX_WORDS && doubled_caption(key, keys));
    if caption {
        return Some(Furniture::Caption);
    }
    if n <= MASTHEAD_MAX_WORDS && hits.opening(Vocab::Mastheads.id()) {
        return Some(Furniture::Masthead);
    }
    if n <= 6 && hits.whole(Vocab::Agencies.id()) {
        return Some(Furniture::Agency);
    }
    let outlet = n <= 3
        && e.function_words == 0
        && e.end == End::Open
        && hits.anywhere(Vocab::OutletWords.id());
    // An aggregator's credit: `موقع كل يوم -أنباء تونس`.
    let aggregator = n <= 8 && words.first() == Some(&"موقع") && text.contains(['-', '–']);
    if outlet || aggregator {
        return Some(Furniture::Outlet);
    }
    if is_breadcrumb(text) {
        return Some(Furniture::Breadcrumb);
    }
    // The name `علي` (Ali) folds to the preposition `على`: it does not count here.
    let grammar = || {
        words
            .iter()
            .filter(|w| **w != "علي" && is_function_word(w))
            .count()
    };
    let dateline = e.function_words <= 1 && !e.bulleted && n <= 8;
    if dateline && grammar() == 0 && is_dateline(text, n, Some(keys)) {
        return Some(Furniture::Dateline);
    }
    if n <= SIGNED_ADDRESS_MAX_WORDS && signed_with_address(text) {
        return Some(Furniture::Dateline);
    }
    if arabic_page && n <= 8 && is_foreign(text) {
        return Some(Furniture::Foreign);
    }
    if is_tag_list(text, e) {
        return Some(Furniture::TagList);
    }
    None
}

/// A widget: a listed control, alone or with a count (`1520 مشاهدة`), two controls side by
/// side (`مساحة إعلانية Share`), or digits alone.
fn is_widget(words: &[&str], keys: &TextKeys) -> bool {
    let digits = |w: &&str| w.bytes().all(|b| b.is_ascii_digit());
    if !words.is_empty() && words.iter().all(digits) {
        return true;
    }
    let letters: Vec<&str> = words.iter().filter(|w| !digits(w)).copied().collect();
    if letters.is_empty() {
        return false;
    }
    let id = Vocab::Widgets.id();
    let scan = |part: &[&str]| keys.vocabulary.scan(part);
    let hits = scan(&letters);
    hits.whole(id)
        || (hits.opening(id)
            && (1..letters.len())
                .any(|k| scan(&letters[..k]).whole(id) && scan(&letters[k..]).whole(id)))
        || counted_widget_tail(words, keys)
}

/// A short line closed by a count and a widget of two words or more (`كتب فلان 3 دقائق
/// للقراءة`): a byline or label with the reading-time counter glued after it.
fn counted_widget_tail(words: &[&str], keys: &TextKeys) -> bool {
    let digits = |w: &&str| !w.is_empty() && w.chars().all(is_digit);
    let Some(count) = words.iter().rposition(digits) else {
        return false;
    };
    let tail = &words[count + 1..];
    count >= 1 && tail.len() >= 2 && keys.vocabulary.scan(tail).whole(Vocab::Widgets.id())
}

/// A clock (`09:10 م`, `10:30 PM`) or a relative time (`منذ 3 ساعات`, `قبل ساعتين`).
fn is_clock(text: &str, words: &[&str]) -> bool {
    if yearless_stamp(words) {
        return true;
    }
    if matches!(words.first(), Some(&("منذ" | "قبل"))) {
        return words.iter().any(|w| {
            matches!(
                *w,
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
        || text.contains(['٫', '：']) && text.chars().any(is_numeric);
    let letters = words
        .iter()
        .filter(|w| w.chars().any(is_alphabetic))
        .filter(|w| {
            !matches!(
                **w,
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

/// A call to action: opened by a call word and pointing at a channel, or a bare call of four
/// words at most; or a short line naming two channels, or one channel alone (`GOOGLE NEWS`
/// in a row of follow links: a link, not an outlet signing the article).
fn is_call_to_action(words: &[&str], hits: &Hits) -> bool {
    let calls = hits.opening(Vocab::CallsToAction.id());
    let n = words.len();
    (calls && (n <= 4 || hits.anywhere(Vocab::Channels.id())))
        || (n <= 12 && hits.count(Vocab::Channels.id()) >= 2)
        || hits.whole(Vocab::Channels.id())
}

/// A caption or credit: a caption label, an image file name, an image's placeholder in square
/// brackets, or a bracketed credit at the end.
fn is_caption(text: &str, key: &str, hits: &Hits, keys: &TextKeys) -> bool {
    if hits.opening(Vocab::Captions.id()) {
        return true;
    }
    if text.starts_with('[') && image_placeholder(text, keys) {
        return true;
    }
    if text.contains('.') {
        let lower = text.to_ascii_lowercase();
        if [".jpg", ".jpeg", ".png", ".webp", ".gif", ".jfif"]
            .iter()
            .any(|ext| lower.contains(ext))
        {
            return true;
        }
    }
    if let Some(rest) = key.strip_prefix("img ") {
        return rest.bytes().all(|b| b.is_ascii_digit() || b == b' ');
    }
    let t = text.trim_end();
    if t.ends_with([')', '»']) {
        return t.ends_with("(أرشيفية)")
            || t.ends_with("(أرشيف)")
            || t.ends_with("(ارشيفية)")
            || bracketed_credit(t, keys);
    }
    dashed_credit(t, keys)
}

/// A line closed by a labelled credit after a dash, the caption of a picture: `… بالسعودية -
/// تصوير : فلان`, `… الجلسة – الصورة: أرشيف`. The label before the colon must be a caption
/// label on its own, and the line must not close a sentence before the dash.
fn dashed_credit(text: &str, keys: &TextKeys) -> bool {
    if memchr::memchr(b':', text.as_bytes()).is_none() {
        return false;
    }
    let Some((before, tail)) = text.rsplit_once(" - ").or_else(|| text.rsplit_once(" – ")) else {
        return false;
    };
    let Some((label, name)) = tail.split_once(':') else {
        return false;
    };
    if name.trim().is_empty()
        || word_count(tail) > 6
        || before
            .trim_end()
            .ends_with(['.', '!', '?', '؟', '،', ',', ':', '…'])
    {
        return false;
    }
    let key = match_key(label);
    let words: Vec<&str> = key.split(' ').collect();
    keys.vocabulary.scan(&words).whole(Vocab::Captions.id())
}

/// A line wholly in square brackets opened by `Image` or a caption label (`[Image of …]`,
/// `[صورة: …]`): where a renderer left a picture's alt text.
fn image_placeholder(text: &str, keys: &TextKeys) -> bool {
    let Some(inside) = text
        .trim_end()
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
    else {
        return false;
    };
    if inside.contains(['[', ']']) {
        return false;
    }
    let first = inside.split_whitespace().next().unwrap_or("");
    if first.eq_ignore_ascii_case("image") {
        return true;
    }
    let key = match_key(inside);
    let words: Vec<&str> = key.split(' ').collect();
    keys.vocabulary.scan(&words).opening(Vocab::Captions.id())
}

/// Most words of a caption closed by a full stop that a caption word (`من اليسار`) marks: a
/// longer line so closed is a sentence of the story (`… عرضية من اليسار أنهى بها …`).
const CUED_CAPTION_MAX_SENTENCE_WORDS: usize = 15;

/// A line of more than [`CUED_CAPTION_MAX_SENTENCE_WORDS`] words closed by a full stop.
fn cued_sentence(text: &str, words: usize) -> bool {
    words > CUED_CAPTION_MAX_SENTENCE_WORDS && text.trim_end().ends_with('.')
}

/// Most words of a logo's alt text (`اسم الموقع logo`).
const LOGO_MAX_WORDS: usize = 6;

/// A site's logo printed as its alt text: a short line closed by the word `logo`.
fn logo_alt(text: &str) -> bool {
    text.split_whitespace()
        .next_back()
        .is_some_and(|w| w.eq_ignore_ascii_case("logo"))
}

/// An image left as its element by the capture (`<image>![…](data:image/…)</image>`).
fn image_element(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("<image>") && t.ends_with("</image>")
}

/// An image written as markdown (`![alt text](https://…/photo.jpg)`): its alt text often
/// repeats the headline, but the line is the picture's, however long its address.
fn is_markdown_image(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("![") && t.ends_with(')') && t.contains("](")
}

/// Most words after a caption label (`تصوير`) closing a line: a photographer's name.
const CLOSING_CREDIT_MAX_WORDS: usize = 4;
/// Most bytes of such a credit, its label included.
const CLOSING_CREDIT_MAX_BYTES: usize = 80;
/// Fewest words of a description printed twice on one line.
const DOUBLED_CAPTION_MIN_WORDS: usize = 3;

/// A description printed twice on one line, an image's alt text run into its caption, perhaps
/// closed by a credit (`زحام على الأكشاك، 1 أبريل. زحام على الأكشاك، 1 أبريل. تصوير : فلان`):
/// never a paragraph.
fn doubled_caption(key: &str, keys: &TextKeys) -> bool {
    // The cheap test first: the line's first two words start it again about halfway, where
    // the second copy begins (before a credit of a few words, at most
    // [`CLOSING_CREDIT_MAX_BYTES`]).
    let bytes = key.as_bytes();
    let Some(opening) = memchr::memchr_iter(b' ', bytes)
        .nth(1)
        .map(|at| &bytes[..at])
    else {
        return false;
    };
    let from = (bytes.len().saturating_sub(CLOSING_CREDIT_MAX_BYTES) / 2).max(1);
    let to = (bytes.len() / 2 + 1).min(bytes.len() - 1);
    let restarts = (from..=to).any(|at| bytes[at - 1] == b' ' && bytes[at..].starts_with(opening));
    if !restarts {
        return false;
    }
    let mut words: Vec<&str> = key.split(' ').collect();
    let n = words.len();
    if let Some(p) = (n.saturating_sub(CLOSING_CREDIT_MAX_WORDS + 1)..n).find(|&p| {
        keys.vocabulary
            .scan(&words[p..p + 1])
            .whole(Vocab::Captions.id())
    }) {
        words.truncate(p);
    }
    let half = words.len() / 2;
    half >= DOUBLED_CAPTION_MIN_WORDS && words.len() % 2 == 0 && words[..half] == words[half..]
}

/// A longer caption: a description closed by a credit in brackets with no sentence stop before
/// it (`… نحو الانتخابات (AFP)`).
fn credited_caption(text: &str, keys: &TextKeys) -> bool {
    let t = text.trim_end();
    closing_credit(t).is_some() && bracketed_credit(t, keys)
}

/// A description closed by a photo agency's credit in brackets ([`PHOTO_AGENCIES`]) with no
/// sentence stop before it: a caption, however long.
fn photo_credited(text: &str) -> bool {
    closing_credit(text).is_some_and(|inside| PHOTO_AGENCIES.contains(&inside.trim()))
}

/// What the brackets closing a line hold, when no sentence stop comes before them (`… في برلين
/// (غيتي)`): a caption's credit, not a sentence's closing attribution.
fn closing_credit(text: &str) -> Option<&str> {
    let (before, inside) = closing_brackets(text.trim_end())?;
    (!before
        .trim_end()
        .ends_with(['.', '!', '?', '؟', '…', '،', ',', ':']))
    .then_some(inside)
}

/// The text before the brackets closing a line and what they hold: round brackets, or the
/// guillemets Arabic pages also credit with (`… للمرضى «واس»`).
fn closing_brackets(text: &str) -> Option<(&str, &str)> {
    round_brackets(text).or_else(|| text.strip_suffix('»')?.rsplit_once('«'))
}

/// A line closed by a credit in brackets: an agency's name (`… في الرياض (واس)`), perhaps after
/// a photographer's and a slash (`(فلان/أ ف ب)`), or a caption label (`(تصوير: فلان)`).
fn bracketed_credit(text: &str, keys: &TextKeys) -> bool {
    closing_brackets(text).is_some_and(|(_, inside)| {
        let key = match_key(inside);
        let words: Vec<&str> = key.split(' ').collect();
        let hits = keys.vocabulary.scan(&words);
        // A photographer's name before the agency (`بشار طالب/أ ف ب`): the agency is read alone.
        let agency = match inside.rsplit_once('/') {
            None => hits.whole(Vocab::Agencies.id()),
            Some((_, agency)) => {
                let agency_key = match_key(agency);
                let agency_words: Vec<&str> = agency_key.split(' ').collect();
                keys.vocabulary
                    .scan(&agency_words)
                    .whole(Vocab::Agencies.id())
            }
        };
        agency || (words.len() > 1 && hits.opening(Vocab::Captions.id()))
    })
}

/// Most words of a writer's name signed with the site's address (`فلان الفلاني ـ site.net`).
const SIGNED_ADDRESS_MAX_WORDS: usize = 5;

/// A byline signed with the site's web address after a dash: a name, a dash (`-`, `–`, `ـ`,
/// `|`) and an address (`site.net`) closing the line.
fn signed_with_address(text: &str) -> bool {
    let is_address = |w: &str| {
        w.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                && (2..=6).contains(&tld.len())
                && tld.bytes().all(|b| b.is_ascii_alphabetic())
        })
    };
    // The address closes the line: the cheap test, before the words are read.
    let Some((head, address)) = text.trim_end().rsplit_once(char::is_whitespace) else {
        return false;
    };
    if !is_address(address) {
        return false;
    }
    let Some((name, dash)) = head.trim_end().rsplit_once(char::is_whitespace) else {
        return false;
    };
    let name = name.trim();
    !name.is_empty()
        && matches!(dash, "-" | "–" | "—" | "ـ" | "|")
        && name
            .split_whitespace()
            .all(|w| w.chars().all(is_alphabetic))
}

/// Whether a line opens with the home page's crumb or link (`الرئيسية`, `Home`).
fn opens_with_home(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("الرئيسية") || t.starts_with("Home")
}

/// Most words of a site's menu printed as one line from its home link (`الرئيسية عاجل القائمة
/// البحث`).
const MENU_MAX_WORDS: usize = 8;

/// A site's menu on one line: the home link first, then a few short items, no sentence.
pub(super) fn site_menu(u: &Unit, e: &Evidence) -> bool {
    opens_with_home(&u.text) && e.words <= MENU_MAX_WORDS && !e.prose && e.date.is_none()
}

/// A breadcrumb: parts joined by `»`, `›` or `>` standing as words, two joins or more (one
/// when the trail starts at the home page), no sentence; or the home crumb with the next
/// crumbs glued to it.
fn is_breadcrumb(text: &str) -> bool {
    let trimmed = text.trim_start();
    let home = opens_with_home(trimmed);
    // Crumbs glued together once their separators (icons) are gone: `الرئيسيةالأخبار…`; no
    // word begins with the home crumb and goes on.
    let glued = trimmed
        .strip_prefix("الرئيسية")
        .and_then(|rest| rest.chars().next())
        .is_some_and(is_arabic_letter);
    if glued {
        return word_count(text) <= 30;
    }
    // `»` and `«` are C2 BB and C2 AB, `›` is E2 80 BA.
    if memchr::memchr3(b'>', b'/', 0xC2, text.as_bytes()).is_none()
        && memchr::memchr(0xBA, text.as_bytes()).is_none()
    {
        return false;
    }
    // No separator anywhere in the line, no separator standing as a word: the words need not
    // be split (`0xBA` above is also the second byte of `غ`, in much Arabic prose).
    if !has_crumb_separator(text.as_bytes()) {
        return false;
    }
    let seps = text
        .split_whitespace()
        .filter(|w| matches!(*w, "»" | "›" | ">" | "<" | "«" | "/"))
        .count();
    // From the home page down, the last crumb is the article's own headline, which may ask,
    // exclaim or trail off with dots; two separators after the home crumb make a trail
    // whatever its last crumb ends with.
    let limit = if home { 30 } else { 20 };
    (seps >= 2 || (home && seps >= 1))
        && word_count(text) <= limit
        && (end_of(text) == End::Open || (home && end_of(text) != End::Stop) || (home && seps >= 2))
}

/// Whether the bytes hold a breadcrumb separator: `>`, `<`, `/`, `»` (C2 BB), `«` (C2 AB) or
/// `›` (E2 80 BA).
fn has_crumb_separator(b: &[u8]) -> bool {
    memchr::memchr3(b'>', b'<', b'/', b).is_some()
        || memchr::memchr2_iter(0xC2, 0xE2, b)
            .any(|at| matches!(&b[at + 1..], [0xBB | 0xAB, ..] | [0x80, 0xBA, ..]))
}

/// A place of up to [`DATELINE_PART_MAX_WORDS`] words, a dash and a news agency's name from the
/// marker file, dotted or not (`الكويت ـ أ.ف.ب`, `عمان - بترا`).
fn agency_after_place(t: &str, keys: Option<&TextKeys>) -> bool {
    let Some(keys) = keys else {
        return false;
    };
    t.rsplit_once(['-', '–', 'ـ'])
        .is_some_and(|(place, agency)| {
            let words = place.split_whitespace().count();
            (1..=DATELINE_PART_MAX_WORDS).contains(&words)
                && !place.contains(['.', '،', ':'])
                && keys.agencies.contains(&match_key(agency))
        })
}

/// A dateline or byline alone: a place and an outlet (or a name) joined by a dash, a slash, a
/// bar or a colon, or an outlet in brackets: `بغداد - وكالات`, `مسقط/ الأناضول-`,
/// `القاهرة (الاتحاد)`, `أخبار الآن | دبي – الإمارات (وكالات)`.
pub(super) fn is_dateline(text: &str, words: usize, keys: Option<&TextKeys>) -> bool {
    let t = text.trim().trim_end_matches('.');
    if t.ends_with(':') {
        return false;
    }
    // A heading closed by `:-` (`الطاقة الشمسية :-`) announces what follows, as a colon does;
    // a dateline closed so holds its own joint before it (`طهران- فارس:-`).
    if let Some(head) = t.strip_suffix(":-").or_else(|| t.strip_suffix(":–")) {
        if !head.contains(['-', '–', '/', '|', 'ـ', ':']) {
            return false;
        }
    }
    if t.starts_with('(') && words <= 4 {
        return true;
    }
    if agency_after_place(t, keys) {
        return true;
    }
    if t.chars().filter(|&c| is_numeric(c)).count() > 2 || t.contains(['.', '،', '؟', '?', '!']) {
        return false;
    }
    let credited = round_brackets(t).is_some_and(|(_, inside)| {
        let k = match_key(inside);
        k.split(' ').count() <= 2 || keys.is_some_and(|keys| keys.agencies.contains(&k))
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
                || t.split_once(':').is_some_and(|(_, after)| {
                    // A figure after the colon makes a row of data (`الفريق: 12 نقطة`).
                    let after = after.trim();
                    !after.is_empty() && !after.starts_with(is_numeric)
                })
                || t.contains('|')
                || t.ends_with(['-', '–'])
                || t.contains('ـ')
                || (words <= GLUED_DATELINE_MAX_WORDS && glued_dash_dateline(t)))
}

/// Most words of a dateline whose place and outlet are joined by a dash with no spaces.
const GLUED_DATELINE_MAX_WORDS: usize = 4;

/// A one-word place glued by a dash to an outlet's name, letters on both sides and no other
/// dash (`المدينة-اسم الموقع`).
fn glued_dash_dateline(t: &str) -> bool {
    let Some((place, outlet)) = t.split_once('-') else {
        return false;
    };
    let arabic = |c: Option<char>| c.is_some_and(is_arabic_letter);
    !place.contains(' ')
        && !outlet.contains('-')
        && arabic(place.chars().next_back())
        && arabic(outlet.chars().next())
}

/// A day and a month with a time of day and no year (`- 29 ديسمبر - 3 مساءً`): a stamp of
/// the page, never prose (the date parser wants a year, so it is not a date line).
fn yearless_stamp(words: &[&str]) -> bool {
    let digits = |w: &str| w.bytes().all(|b| b.is_ascii_digit());
    let month = |w: &str| month_of(w, None).is_some();
    let daypart = |w: &str| {
        matches!(
            w,
            "مساء" | "صباحا" | "ظهرا" | "فجرا" | "م" | "ص" | "am" | "pm"
        )
    };
    words.iter().any(|w| month(w))
        && words.iter().any(|w| daypart(w))
        && words.iter().any(|w| digits(w))
        && words.iter().all(|w| digits(w) || month(w) || daypart(w))
}

/// A line opening with a dateline of two short parts set off by spaced dashes before its
/// text (`المدينة – اسم المراسل – فشل الاجتماع …`): a lead paragraph, never a headline.
pub(super) fn opens_with_dateline(text: &str) -> bool {
    dashed_opening(text, 2)
}

/// Whether the line opens with a place and a dash before a lead's words (`القاهرة - في …`),
/// the one-part dateline of an article's lead; a paragraph going on with `و` is no dateline.
pub(super) fn opens_with_place(text: &str) -> bool {
    let t = text.trim_start();
    !t.starts_with('و') && !t.starts_with(is_digit) && dashed_opening(t, 1)
}

/// Whether the line opens with `parts` short parts, each closed by a spaced dash, before at
/// least [`LEAD_AFTER_DATELINE_MIN_WORDS`] words.
fn dashed_opening(text: &str, parts: usize) -> bool {
    let mut rest = text.trim_start();
    for _ in 0..parts {
        let Some((part, after)) = [" – ", " - ", " — "]
            .iter()
            .filter_map(|d| rest.split_once(d))
            .min_by_key(|(part, _)| part.len())
        else {
            return false;
        };
        let words = part.split_whitespace().count();
        if words == 0 || words > DATELINE_PART_MAX_WORDS || part.contains(['.', '،', ':']) {
            return false;
        }
        rest = after;
    }
    rest.split_whitespace().count() >= LEAD_AFTER_DATELINE_MIN_WORDS
}

/// A short line written mostly in Latin letters on an Arabic page.
fn is_foreign(text: &str) -> bool {
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let (mut latin, mut arabic) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            latin += 1;
        } else if ('\u{0600}'..='\u{06FF}').contains(&c) && is_alphabetic(c) {
            arabic += 1;
        }
    }
    latin > arabic && latin >= 3
}

/// A speaker and a colon opening the line (`ترامب: …`, at most four words before the colon), or
/// `..` joining its parts: the way headlines are built, rarely sentences.
pub(super) fn headline_joint(text: &str) -> bool {
    let b = text.as_bytes();
    let speaker = memchr::memchr(b':', b).is_some_and(|at| {
        let (who, said) = (&text[..at], &text[at + 1..]);
        (1..=4).contains(&who.split_whitespace().count()) && !said.trim().is_empty()
    });
    speaker || memchr::memchr_iter(b'.', b).any(|at| b.get(at + 1) == Some(&b'.'))
}

/// A social post's copy: a line closed by two hashtags or more (`… الوضع الراهن." #الهند
/// #سلامة_السكك`). Articles do not end their paragraphs with hashtags; shared posts do.
fn closed_by_hashtags(text: &str) -> bool {
    let mut last = text.split_whitespace().rev();
    let mut tagged = || {
        last.next()
            .is_some_and(|w| w.len() > 1 && w.starts_with('#'))
    };
    tagged() && tagged()
}

/// [`is_embed_attribution`] behind the cheap test for an `@`.
fn embed_attribution(text: &str) -> bool {
    memchr::memchr(b'@', text.as_bytes()).is_some() && is_embed_attribution(text)
}

/// The attribution line under an embedded post: a dash, a name, an `@handle` in brackets and a
/// date (`— Name (@handle) February 14, 2014`); or a whole embedded post on one line, its text
/// and link with that attribution glued after them (`… pic.twitter.com/…— Name (@handle) …`),
/// of at most [`EMBED_POST_MAX_WORDS`] words.
fn is_embed_attribution(text: &str) -> bool {
    let attribution = |t: &str| {
        t.starts_with(['—', '–', '-'])
            && t.contains("(@")
            && crate::extract::dates::find_date(t).is_some()
    };
    let t = text.trim_start();
    attribution(t)
        || t.rfind('—').is_some_and(|at| {
            attribution(&t[at..]) && t[..at].split_whitespace().count() <= EMBED_POST_MAX_WORDS
        })
}

/// Most words of a post printed whole on one line with its attribution: a longer line is an
/// article's paragraph that ends with the post it quotes, and stays.
const EMBED_POST_MAX_WORDS: usize = 40;

/// Headlines run together: a long line with no full stop between sentences, but joints where
/// one headline ends and the next begins (`…؟ `, `…: `, `….. `): two or more on a line without
/// commas, three or more on a line with one comma at most and few function words (headlines
/// spare them; prose that pauses with `..` does not). Joints that are all `..` pauses need few
/// function words too, commas or not: a writer's prose may pause so a whole paragraph long.
/// A line opened by a verb of reported speech is a report's paragraph quoting someone.
fn is_ticker(text: &str, line_words: &[&str]) -> bool {
    let words = line_words.len();
    if line_words
        .first()
        .is_some_and(|w| SPEECH_OPENERS.contains(w))
    {
        return false;
    }
    // Joints end with `:`, `?`, `!`, `.` or `؟` (D8 9F) before a space: fewer than two such
    // marks, no ticker.
    let b = text.trim_end().as_bytes();
    let marks = memchr::memchr3_iter(b':', b'?', b'!', b).count()
        + memchr::memchr2_iter(b'.', 0x9F, b).count();
    if marks < 2 {
        return false;
    }
    let (mut joints, mut pauses, mut stops, mut commas) = (0usize, 0usize, 0usize, 0usize);
    for i in 0..b.len() {
        let spaced = b.get(i + 1) == Some(&b' ');
        match b[i] {
            b',' => commas += 1,
            0xD8 => match b.get(i + 1) {
                Some(0x8C | 0x9B) => commas += 1,
                Some(0x9F) if b.get(i + 2) == Some(&b' ') => joints += 1,
                _ => {}
            },
            b'?' | b'!' | b':' if spaced && i > 0 => joints += 1,
            b'.' if spaced && i > 0 => {
                if b[i - 1] == b'.' {
                    joints += 1;
                    pauses += 1;
                } else {
                    stops += 1;
                }
            }
            _ => {}
        }
    }
    let sparse = || {
        let function_words = line_words.iter().filter(|w| is_function_word(w)).count();
        function_words * 100 < words * TICKER_MAX_FUNCTION_PERCENT
    };
    stops == 0
        && ((joints >= 3 && commas <= 1 && sparse())
            || (joints >= 2 && commas == 0 && (pauses < joints || sparse())))
}

/// A comma-separated list of four or more short items, or a line of hashtags, no item a sentence:
/// unlabelled tags.
fn is_tag_list(text: &str, e: &Evidence) -> bool {
    let hashtags = text.trim_start().starts_with('#') && e.words <= 8 && e.end == End::Open;
    if hashtags || overlapping_tags(text, e) {
        return true;
    }
    // `،` is D8 8C: count the separators from their bytes.
    let b = text.as_bytes();
    let commas = memchr::memchr2_iter(b',', 0x8C, b)
        .filter(|&at| b[at] == b',' || (at > 0 && b[at - 1] == 0xD8))
        .count();
    if commas < 3 || e.words > 3 * (commas + 1) {
        return false;
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

/// Tags run together with spaces only (`حريق المدينة المحال التجارية بالمدينة حوادث حريق`):
/// no function word, no punctuation, and two or more words printed twice, as overlapping
/// tags repeat their words and a headline does not.
fn overlapping_tags(text: &str, e: &Evidence) -> bool {
    if !TAG_RUN_WORDS.contains(&e.words) || e.function_words > 0 || e.end != End::Open {
        return false;
    }
    if text.contains(['،', ',', '.', ':', '-', '–', '|', '/', '(', '"', '«']) {
        return false;
    }
    let mut words: Vec<&str> = text.split_whitespace().collect();
    words.sort_unstable();
    let mut twice: Vec<&str> = words
        .windows(2)
        .filter(|w| w[0] == w[1] && w[0].chars().count() > 2)
        .map(|w| w[0])
        .collect();
    twice.dedup();
    twice.len() >= TAG_RUN_MIN_REPEATS
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
        } else if evidence[i].words >= COPY_MIN_WORDS && evidence[i].end != End::Stop {
            // A paragraph that ends its sentence is prose even when a later one restates it.
            COPY_CONTAINMENT
        } else {
            continue;
        };
        let from = if evidence[i].end == End::Trail {
            i + 1
        } else {
            i + COPY_MIN_DISTANCE
        };
        let sig = signature(mine);
        // Each bit `mine` has and `j` lacks stands for at least one word `j` lacks.
        let most_missing = ((1.0 - needed) * mine.len() as f32) as u32;
        let teaser = (from..n).take(60).any(|j| {
            units[j].class == Class::Body
                && units[j].text.len() >= units[i].text.len()
                && missing_bits(&sig, &signature(&evidence[j].content)) <= most_missing
                && contained(mine, &evidence[j].content) >= needed
                && units[j].key != units[i].key
        });
        if evidence[i].end == End::Trail {
            evidence[i].teaser = teaser;
        } else {
            evidence[i].copy = teaser;
        }
    }
}

/// Marks the lines holding another line of the page (a headline or a deck printed on its own)
/// glued to the opening words of a later paragraph: a feed item's teaser (`اسم الموقع العنوان
/// سيستفيد 600 طفل … العنوان`) or a description cut short (`… عالمياالقطن المصرى أحد ا`), not
/// the lead.
fn mark_glued_teasers(units: &[Unit], evidence: &mut [Evidence]) {
    let reach = units.len().min(GLUED_REACH);
    // A line held in another has its inner content words (all but its first and last word's,
    // which may be glued to their neighbours there) among the other's: a test on the sorted
    // hashes each line already has, far cheaper than the search it spares.
    let held: Vec<(usize, Vec<u64>)> = (0..reach)
        .filter(|&h| {
            units[h].class == Class::Body
                && (GLUED_LINE_MIN_WORDS..=HEADLINE_MAX_WORDS).contains(&evidence[h].words)
        })
        .map(|h| {
            let key = units[h].key.as_str();
            let ends =
                [key.split(' ').next(), key.rsplit(' ').next()].map(|w| w.and_then(content_word));
            let inner = evidence[h]
                .content
                .iter()
                .copied()
                .filter(|c| !ends.contains(&Some(*c)));
            (h, inner.collect())
        })
        .collect();
    for i in 0..reach {
        if units[i].class != Class::Body
            || evidence[i].teaser
            || evidence[i].words < 2 * GLUED_LINE_MIN_WORDS
        {
            continue;
        }
        let key = units[i].key.as_str();
        let glued = held.iter().any(|(h, inner)| {
            *h != i
                && units[*h].key.len() < key.len()
                && inner
                    .iter()
                    .all(|w| evidence[i].content.binary_search(w).is_ok())
                && key
                    .match_indices(units[*h].key.as_str())
                    .any(|(at, m)| opens_later(units, i, &key[at + m.len()..]))
        });
        if glued {
            evidence[i].teaser = true;
        }
    }
}

/// Whether `rest` (a key's tail) opens with the first words of a later line's key: at least
/// [`GLUED_OPENING_MIN_WORDS`], at most [`GLUED_OPENING_WORDS`], the last one maybe cut.
fn opens_later(units: &[Unit], i: usize, rest: &str) -> bool {
    let rest = rest.trim_start();
    let mut end = rest.len();
    let mut words = 0;
    for (at, _) in rest.match_indices(' ') {
        words += 1;
        if words == GLUED_OPENING_WORDS {
            end = at;
            break;
        }
    }
    if end == rest.len() {
        words = rest.split(' ').filter(|w| !w.is_empty()).count();
    }
    if words < GLUED_OPENING_MIN_WORDS {
        return false;
    }
    let opening = &rest[..end];
    (i + 1..units.len().min(i + 1 + GLUED_REACH)).any(|j| {
        units[j].class == Class::Body
            && units[j].key.len() > opening.len()
            && units[j].key.starts_with(opening)
    })
}

/// A line standing over a short dateline ending with a colon (`المدينة 24:`) whose words the
/// paragraph under that dateline mostly restates: the standfirst printed above the article's
/// own dateline, not its prose (even when it ends its sentence).
fn mark_standfirsts_over_datelines(units: &[Unit], evidence: &mut [Evidence]) {
    for i in 0..units.len().saturating_sub(2) {
        let (line, dateline, lead) = (&units[i], &units[i + 1], &units[i + 2]);
        let colon_line = dateline.class == Class::Body
            && dateline.text.trim_end().ends_with([':', '：'])
            && evidence[i + 1].words <= DATELINE_PART_MAX_WORDS + 1
            && evidence[i + 1].function_words == 0;
        if line.class != Class::Body
            || lead.class != Class::Body
            || !colon_line
            || evidence[i].content.len() < TEASER_MIN_WORDS
            || lead.text.len() < line.text.len()
        {
            continue;
        }
        if contained(&evidence[i].content, &evidence[i + 2].content) >= TEASER_CONTAINMENT {
            evidence[i].copy = true;
        }
    }
}

/// A 256-bit summary of a set of word hashes: one bit per word.
fn signature(words: &[u64]) -> [u64; 4] {
    let mut sig = [0u64; 4];
    for w in words {
        let bit = (w >> 56) as usize;
        sig[bit >> 6] |= 1 << (bit & 63);
    }
    sig
}

/// Bits of `a` missing from `b`: a lower bound on the words of `a` that `b` lacks.
fn missing_bits(a: &[u64; 4], b: &[u64; 4]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & !y).count_ones()).sum()
}

/// Share of the words of `a` that stand in `b` (both sorted, without repeats).
pub(super) fn contained(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() {
        return 0.0;
    }
    shared_words(a, b) as f32 / a.len() as f32
}

/// Content words two lines share (both sorted, without repeats).
pub(super) fn shared_words(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// The content form of a key word: at least three letters once a leading `و`, `ف`, `ب`, `ل`,
/// `ال`, `بال`, `وال`, `لل` and up to two endings (`ات`, `ون`, `ين`, `ان`, `ه`, `ي`) are
/// stripped, so `العراقي` and `العراق`, `الفيدرالية` and `الفيدرالي` meet; `None` for short or
/// function words.
fn content_word(w: &str) -> Option<u64> {
    let b = w.as_bytes();
    if !long_enough(b) {
        return None;
    }
    let mut core = without_clitic(b);
    for _ in 0..2 {
        match without_ending(core) {
            Some(rest) => core = rest,
            None => break,
        }
    }
    Some(word_hash(core))
}

/// Keys are folded Arabic (two bytes a letter), ASCII and digits: a word of three letters or
/// more, told from its bytes.
fn long_enough(b: &[u8]) -> bool {
    if b.first().is_some_and(u8::is_ascii) {
        b.len() >= 3
    } else {
        b.len() >= 5
    }
}

/// The word without a leading clitic (`وبال`, `وال`, `بال`, `فال`, `كال`, `لل`, `ال`, `وب`,
/// `ول`, `و`, `ف`, `ب`, `ل`), the longest that leaves three letters; dispatched on the first
/// letter's bytes.
fn without_clitic(b: &[u8]) -> &[u8] {
    const WAW: u8 = 0x88; // و = D9 88
    const FA: u8 = 0x81; // ف = D9 81
    const KAF: u8 = 0x83; // ك = D9 83
    const LAM: u8 = 0x84; // ل = D9 84
    const BA: u8 = 0xA8; // ب = D8 A8
    const ALEF: u8 = 0xA7; // ا = D8 A7
    let cut = match b {
        [0xD9, WAW, 0xD8, BA, 0xD8, ALEF, 0xD9, LAM, ..] => 8,
        [0xD9, WAW | FA | KAF, 0xD8, ALEF, 0xD9, LAM, ..]
        | [0xD8, BA, 0xD8, ALEF, 0xD9, LAM, ..] => 6,
        [0xD9, LAM, 0xD9, LAM, ..] | [0xD8, ALEF, 0xD9, LAM, ..] => 4,
        // `وب`, `ول`, `فب`, `فل`: the word as it stands without its `و`, stripped as a bare one.
        [0xD9, WAW | FA, 0xD8, BA, ..] | [0xD9, WAW | FA, 0xD9, LAM, ..] => 4,
        [0xD9, WAW | FA | LAM, ..] | [0xD8, BA, ..] => 2,
        _ => 0,
    };
    let rest = &b[cut..];
    if cut > 0 && long_enough(rest) {
        rest
    } else if cut > 2
        && long_enough(&b[2..])
        && matches!(b, [0xD9, WAW | FA | LAM, ..] | [0xD8, BA, ..])
    {
        // `وال` on a short word: strip the `و` alone.
        &b[2..]
    } else {
        b
    }
}

/// The word without one ending (`ات`, `ون`, `ين`, `ان`, `ه`, `ي`) when three letters remain.
fn without_ending(b: &[u8]) -> Option<&[u8]> {
    let cut = match b {
        [.., 0xD8, 0xA7, 0xD8, 0xAA] => 4,        // ات
        [.., 0xD9, 0x88 | 0x8A, 0xD9, 0x86] => 4, // ون ين
        [.., 0xD8, 0xA7, 0xD9, 0x86] => 4,        // ان
        [.., 0xD9, 0x87] | [.., 0xD9, 0x8A] => 2, // ه ي
        _ => return None,
    };
    let rest = &b[..b.len() - cut];
    long_enough(rest).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::{
        agency_after_place, image_element, is_shortcode, logo_alt, signed_with_address,
        title_bar_of,
    };
    use crate::extract::markers::Markers;
    use crate::extract::normalize::match_key;

    #[test]
    fn a_shortcode_is_a_latin_name_in_brackets_with_attributes() {
        assert!(is_shortcode(r#"[covid19-card region="EG" label="الحالات"]"#));
        assert!(is_shortcode(r#" [gallery ids="4,5"]"#));
        assert!(is_shortcode(
            "[covid19-ultimate-card region=”AE” region-name=”الإمارات"
        ));
        assert!(!is_shortcode("[1] نص الحاشية"));
        assert!(!is_shortcode("[تحديث] ارتفع عدد الضحايا"));
        assert!(!is_shortcode("[caption] صورة"));
        assert!(!is_shortcode("قال = كذا [note x=1]"));
    }

    #[test]
    fn a_name_signed_with_the_site_address_is_a_byline() {
        assert!(signed_with_address("سمير الحداد ـ alwadi24.test"));
        assert!(signed_with_address("سمير الحداد - alwadi.net"));
        assert!(!signed_with_address("سمير الحداد alwadi.net"));
        assert!(!signed_with_address("ـ alwadi.net"));
        assert!(!signed_with_address("الوزير يعلن 3 قرارات - alwadi.net"));
        assert!(!signed_with_address("سمير الحداد - نقلا عن الموقع"));
        assert!(!signed_with_address("سمير الحداد - v2.0"));
    }

    #[test]
    fn the_window_title_is_the_headline_with_the_sites_name_or_glued_crumbs() {
        let headline = "النادي يتصدر الدوري بعد فوزه على الاتحاد";
        let bar = |text: &str| title_bar_of(text, &match_key(text), &match_key(headline));
        assert!(bar(&format!("{headline} – موقع الرياضة")));
        assert!(bar(&format!("الرياضة اليوم - {headline}")));
        assert!(bar(&format!("Accueilالاولى{headline}")));
        assert!(!bar(&format!("عاجل {headline}")));
        assert!(!bar(&format!("{headline} في المرحلة العاشرة")));
        assert!(!bar(&format!(
            "{headline} - وسط حضور جماهيري كبير ملأ الملعب"
        )));
    }

    #[test]
    fn an_image_element_left_by_the_capture_is_an_image() {
        assert!(image_element(
            "<image>![](data:image/png;base64,AAAA)</image>"
        ));
        assert!(image_element(" <image>صورة الخبر</image> "));
        assert!(!image_element("<image> بقي الوسم مفتوحا"));
    }

    #[test]
    fn a_line_closed_by_logo_is_the_sites_logo() {
        assert!(logo_alt("موقع الوادي logo"));
        assert!(logo_alt("Al Wadi Logo"));
        assert!(!logo_alt("logo الموقع الجديد"));
        assert!(!logo_alt("الشعار الجديد للنادي"));
    }

    #[test]
    fn a_place_and_a_dotted_agency_make_a_dateline() {
        let markers = Markers::default();
        let keys = Some(markers.text.keys());
        assert!(agency_after_place("الكويت ـ أ.ف.ب", keys));
        assert!(agency_after_place("عمان - بترا", keys));
        assert!(!agency_after_place("الكويت ـ أ.ف.ب", None));
        assert!(!agency_after_place("الكويت ـ الموقع", keys));
        assert!(!agency_after_place("قال الوزير في الكويت ـ أ.ف.ب", keys));
    }
}

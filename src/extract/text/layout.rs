//! The layout of a text page: where the article's body runs, which line is its title, what
//! stands around them, and which date is the article's.
//!
//! 1. **Body.** Prose lines ([`Evidence::prose`]) that stand close together form runs: two
//!    prose lines are in one run when at most [`MAX_GAP`] other lines (embedded posts aside:
//!    an article quotes them between its paragraphs) stand between them and no
//!    end-of-article label (tags, source, a similar-articles heading, an appended article's
//!    `إقرأ أيضاً:`, a date line, a comment prompt) does. The body is the run holding the most
//!    prose; runs that begin after an end-of-article label (or restart with the page's own
//!    dateline) are another article's, and those after a comment prompt are its comment area
//!    (its rules, the comments), however long beside a short article. The rows of a table of
//!    figures (short lines, most of them pairing a figure with words: `عيار 21`, `6950 جنيهًا
//!    للبيع`) and of a table set
//!    out with bars (`| النوع | الكمية |`) do not part two prose lines. A short line ending
//!    with a colon at the run's end opens nothing (`شارك المقال:`) and is not the article's; one
//!    that announces the text under it (`جاءنا من الديوان ما يلي:`), or a short heading naming it
//!    (`نص القرار الملكي`), is prose, so a statement or decree quoted whole in short lines (its
//!    heading, preamble, articles) stays in the body; like a line opening a list, its lines may
//!    stand between it and the next paragraph, and a date line among them (the decree's own)
//!    does not part them.
//!    A table set out one cell per line (figures alone, row labels with their unit in
//!    brackets) does not part them either, and all its lines stay; an agency's end mark alone
//!    (`انتهى`) closes the article as an appended article's label does.
//! 2. **Inside the body** short lines between prose paragraphs are subheadings and stay, unless
//!    they show furniture on their own (a date, a caption, a widget, a call to action …), repeat
//!    elsewhere on the page, or read as another article's headline (`قائل: …`, `… ..`; but two such
//!    lines each over a paragraph, or one between paragraphs beside a plain heading between two
//!    others, are the body's own section headings, and so is a `..` line alone between two
//!    paragraphs sharing two content words with them or with the title); a table's figure lines and
//!    bar rows (and the line heading them) stay even when repeated; a topic and a colon over the
//!    paragraph that tells it (`الجوائز النقدية: …`, sharing two content words with it) is its
//!    subheading. One word opening with `و` right under a paragraph left open (no closing stop) is
//!    the end of its sentence broken off by a hard wrap and stays (so does one word closed by a
//!    full stop there), and so is one right under a closed paragraph and over a line going on
//!    without a conjunction: that line's first word. A paragraph printed twice in a row is kept
//!    once, also when its first copy carries a byline glued after it (`… اسم الموقع/
//!    المدينة/ من فلان:`); a short line of Arabic and Latin words naming what the paragraph under
//!    it names (`سلسلة Galaxy S23`), or a numbered Latin line over a paragraph (`1. The Title`), is
//!    its heading, not a foreign caption; a bulleted line right after a body ending with a colon is
//!    its list's first item; a plain line right above a bulleted line heads that list, even when it
//!    is one word, and so does one word over a paragraph opening with it (`المنشآت` over `المنشآت
//!    السياحية هي …`; one word alone is otherwise a control); a document's section heading
//!    ([`Evidence::section`]: `مقدمة`, `الخلاصة`, `أولاً: …`) right above a paragraph (or a
//!    bulleted point) heads it, also right above the lead (the body starts there), unless it is the
//!    last line of a list of section links (another section line right above it, and it is not
//!    named twice on the page: a contents list names the heading it stands over); the headline
//!    printed again inside the body is a picture's, and the first of two short plain lines under it
//!    before the next paragraph is its caption. A bulleted line closed by a full stop is a list
//!    item, never a date line (`– الموقع: يوم 5 يوليو 2024.`).
//! 3. **Title.** Headline-shaped lines above the body are candidates; each is scored by the content
//!    words it shares with the lead, by being printed twice, by a date line right after it (the
//!    nearest: a kicker or caption whose words all recur in the headline under it is not dated by
//!    the headline's date; nor is a deck or section label, printed once or twice in a row, between
//!    a longer headline sharing more words with the lead and its date: the date goes to the
//!    headline) and by nearness to the body (not between a headline and a shorter line right
//!    under it when both share four words with the lead or more: a deck the lead names, `دورة
//!    بعنوان: …`, stays under the headline). In a list of headlines (a ticker) a line must share
//!    three words with the lead, but the list's last line, right above a date line and nearest
//!    the body, sharing two, is the headline closing the ticker. A longer line right above the
//!    lead under a headline of six words or more (neither printed twice, dated nor listed) is its
//!    deck when the headline shares fewer words with the lead than the deck and than the overlap
//!    cap: a deck copies the lead. A line holding an emoji right above a call-to-action
//!    button (`… 🥳` over `العب الآن`) is a promotion banner's copy, never a candidate. A
//!    headline joined to the portal's name by a bar (`اسم الموقع | العنوان`) and printed bare
//!    elsewhere gives the bare line, as a label opening it does (`خبر : …`). On a body
//!    cut into sections by short headings, the best candidate right above the lead (up to ten
//!    words, shaped like them) is the first section's heading when another headline stands above
//!    it. A headline-shaped line left open over the page's one closed paragraph, with nothing
//!    headline-like above it, stands above the body (the paragraph is the lead), so it is a
//!    candidate too. Everything above the chosen title is the page's header. A line right under a
//!    byline is the author's role; a line printed twice in a row under a headline's clock or date
//!    line is its photo's caption; labels of one or two words do not compete with the one
//!    headline-sized line.
//!    A heading of four words or more between the title and the lead, shaped like the body's own
//!    section headings, opens the first section (unless it is the headline with its last words left
//!    off); a dateline ending with a colon right above the lead (`الساحل/المرفأ نت/خاص:`, `المدينة،
//!    اسم الموقع، خاص:`, or the site's dateline that also opens its teasers) is not body. A long
//!    line right under a byline opens the body even without a closing stop (the header ends with
//!    the byline: it is the lead, not a deck). A short sentence under the title that a later
//!    paragraph restates is the standfirst, and so is the line right under the title over a
//!    paragraph opening with the article's dateline (`القاهرة - …`, the lead's own opening);
//!    a line opening with a two-part dateline (`المدينة –
//!    الاسم – …`) is the lead, never a headline, nor is a line left hanging on a preposition (`…
//!    وبإشراف من`): a lead-sized one right above the lead is the first half of its sentence, and
//!    the body starts there. Nor is a line strung on two commas or more (`قام الوالي، رفقة …،
//!    بزيارة …`): headlines hold one at most, so such a line broken off mid-sentence opens the
//!    body. But a headline-shaped line opening the body right over a section heading (`… (نسب،
//!    أنصاف، …)` over `ملخّص`) is the title when no other was found, and is never a section heading
//!    itself.
//! 4. **After the body** headline-shaped lines are other articles' headlines (to `related`),
//!    but the headline's own first words printed again (repeated under the article and cut
//!    off) are a copy of it and leave; the rest is footer, except that a page cut off
//!    mid-paragraph keeps its last line (and a lead-in closed by a colon or a heading that asks
//!    right above it, or a heading over a bulleted sentence naming what it names: its list's
//!    first item; a caption, a Latin photo credit or a read-also box may stand between the body
//!    and a last line that opens with `و` and shares a content word with the body, as it
//!    carries the body on), a lone line right
//!    above a read-also or related label is the body's last heading or line, and lines
//!    numbered in sequence (`1 …`, `2 …`) under a last body line closed by a colon are its
//!    list's items. A decree's issue line right after the body (`صدر بقصر … في: 13 شعبان 1444
//!    هـ`), the signer's title and name above it and a `الموافق` date line under it stay.
//! 5. **Date.** A date line between the title and the body wins; then the nearest just above an
//!    untitled body; then one inside or after the body; then the capture's date; then the date in
//!    the dateline opening the lead (`المدينة 3 فبراير 2026 (وكالة) - …`, a dash glued to the
//!    bracket: `(وكالة)- …`, or no dash after the bracketed agency: `المدينة، 4 مايو 2026 (وكالة)
//!    …`). A date above the title (unless right above the first copy of a headline printed twice: a
//!    blog's date header), or far above the body, or above a breadcrumb over the title, or above a
//!    bulleted line whose last crumb is the headline), or a day printed twice above the article
//!    (alone, then with a time), or a date beside another day's date (a list of days), or a bare
//!    date line opening an untitled page (unless the lead follows it right away and it names no
//!    weekday), or a date above the title or the body on another weekday than the one the lead
//!    gives for "today" (`الجمعة 22-11-2024` over a lead saying `اليوم السبت`), is the masthead's
//!    date of the day and never taken; a press release's dated place line (`المدينة، البلد – 7
//!    ديسمبر 2025`) opening the page is the article's. A numeric date whose day and month could be
//!    swapped is read the way the lead's `اليوم` + weekday confirms ([`super::weekday`]).

use super::evidence::{
    contained, credited_date_line, dated_place_line, is_dateline, opens_with_dateline,
    opens_with_place, opens_with_speech, shared_words, site_menu, Evidence, Furniture,
};
use super::shape::{
    hangs, is_arabic_letter, is_digit, linked_headline, opens_with, opens_with_label,
    round_brackets, word_count, End, TITLE_MAX_WORDS,
};
use super::units::{Class, Unit};
use super::weekday;
use crate::extract::dates::{find_date, parse_date};
use crate::extract::markers::TextKeys;
use crate::extract::normalize::{is_alphabetic, match_key};
use crate::extract::RemovedKind;

/// Subheadings joined like headlines (`x: y`) a body needs before such lines count as its own.
const MIN_JOINT_SUBHEADS: usize = 2;
/// Lines from a body run's first line within which a headline printed twice opens the article.
const HEADLINE_REACH: usize = 3;
/// Most words of a caption standing above a headline printed twice.
const CAPTION_MAX_WORDS: usize = 12;
/// Most non-prose lines between two prose lines of one body run.
const MAX_GAP: usize = 3;
/// Most non-prose lines between a prose line that opens a list with a colon and the next
/// prose line: the list's items.
const MAX_LIST: usize = 12;
/// Prose lines a run needs before an end-of-article label closes the article.
const ARTICLE_MIN_PROSE: usize = 2;
/// Words shared with the lead that a headline standing in a list of headlines (a ticker) needs
/// to be taken for the title.
const LIST_TITLE_OVERLAP: usize = 3;
/// Words shared with the lead that make a line opened by a promotion's label (`بالصور..`) the
/// headline when it is the last candidate above the lead, neither dated nor printed twice.
const PROMO_NEAREST_OVERLAP: usize = 4;
/// More words than this make a prose line read as a deck rather than a headline: it loses a
/// tie on shared words with a headline-sized line above it.
const DECK_MIN_WORDS: usize = 20;
/// Fewest words of a headline standing over its deck (shorter lines over a headline are kickers).
const DECK_HEADLINE_MIN_WORDS: usize = 6;
/// Words of a headline in a list of headlines.
const LIST_ITEM_WORDS: std::ops::RangeInclusive<usize> = 4..=20;
/// Shared words count towards a title's score up to this many (a standfirst or a caption
/// copying the lead shares more words than the headline does).
const OVERLAP_CAP: usize = 4;
/// Words of a lead paragraph a title is compared with (shorter prose lines are highlights).
const LEAD_MIN_WORDS: usize = 12;
/// Prose lines of the lead a title candidate is compared with.
const LEAD_LINES: usize = 3;
/// An untitled page's date stands at most this many lines above its body (higher up it is the
/// masthead's).
const DATE_REACH: usize = 4;
/// A date line right above a title (at most this many lines) dates it; higher up it is the
/// masthead's.
const TITLE_DATE_REACH: usize = 2;
/// Words of a row of a table of figures.
const FIGURE_ROW_WORDS: std::ops::RangeInclusive<usize> = 2..=5;
/// A newsroom desk's labels, set where an agency's name would stand (`متابعات`).
const DESK_LABELS: [&str; 2] = ["متابعات", "متابعة"];
/// Figure lines in a row that make a table.
const MIN_TABLE_ROWS: usize = 4;
/// Most words of a date stamp glued to the head of the lead (`01:40 - 07 أغسطس 2024`).
const GLUED_STAMP_MAX_WORDS: usize = 8;
/// Most words of a line of figures listed under a paragraph closed by a colon.
const FIGURE_ITEM_MAX_WORDS: usize = 3;
/// Fewest digits in a row that make a line a listed figure (a phone number, an amount), not a
/// counter.
const FIGURE_ITEM_MIN_DIGITS: usize = 3;
/// Words of a section heading over a paragraph.
const SECTION_HEADING_WORDS: std::ops::RangeInclusive<usize> = 2..=6;
/// Words of a heading over a paragraph that, shaped like a heading the body holds between two
/// of its paragraphs, opens the body's first section above the lead.
const FIRST_SECTION_HEADING_WORDS: std::ops::RangeInclusive<usize> = 2..=10;
/// Bar rows in a row that make a table.
const MIN_BAR_ROWS: usize = 2;
/// Content words a subheading shares with the paragraph under it.
const SUBHEAD_MIN_SHARED: usize = 2;
/// Most words of a label ending with a colon that can close a body run (`شارك المقال:`).
const CLOSING_LABEL_MAX_WORDS: usize = 4;
/// Most words of a dateline ending with a colon over the lead (`الساحل/المرفأ نت/خاص:`).
const COLON_DATELINE_MAX_WORDS: usize = 4;
/// Most words of a byline glued after a copy of the lead (`اسم الموقع/ المدينة/ من فلان:`).
const GLUED_BYLINE_MAX_WORDS: usize = 8;
/// An agency's end mark standing alone under the last paragraph: nothing after it is the
/// article's.
pub(super) const END_MARK: &str = "انتهى";
/// Lines above a caption printed twice within which a clock or date line shows it stands
/// under the headline's metadata.
const CAPTION_STAMP_REACH: usize = 2;
/// Fewest words of a first section's heading between the title and the lead (a shorter line
/// there is a kicker or a label).
const FIRST_HEADING_MIN_WORDS: usize = 4;
/// Most words of a dateline holding a date at the head of the lead.
const LEAD_DATELINE_MAX_WORDS: usize = 8;
/// Most words of a writer's name set before the lead's dateline by a dash.
const LEAD_BYLINE_MAX_WORDS: usize = 3;
/// Fewest content words of a standfirst restated further down the body.
const STANDFIRST_MIN_CONTENT: usize = 5;
/// Lines between a standfirst and the paragraph restating it (the lead's own second sentence
/// right under it is prose).
const STANDFIRST_MIN_DISTANCE: usize = 2;
/// Share of a standfirst's content words the restating paragraph holds.
const STANDFIRST_CONTAINMENT: f32 = 0.9;
/// Most trailing lines kept as the end of a page cut off mid-paragraph.
const CUT_TAIL_LINES: usize = 2;
/// Function words that make a bulleted line cut off under a heading after the body a sentence
/// of the article rather than a read-also headline.
const ITEM_SENTENCE_FUNCTION_WORDS: usize = 2;
/// Most words of a label opening a headline before its colon (`خبر :`, `عاجل:`).
const LABEL_MAX_WORDS: usize = 2;
/// Most words of an agency's name in brackets closing a lead's dateline (`(وكالة الأنباء)`).
const AGENCY_MAX_WORDS: usize = 4;
/// Most words of a bulleted item of a list closing the body (`- الاسم (النادي)`).
const LIST_ITEM_MAX_WORDS: usize = 18;
/// Most words of a short line closed by a colon that opens another list under the first.
const LIST_HEADING_MAX_WORDS: usize = 10;
/// Fewest words of an open first line that a reported-speech paragraph under it makes the lead.
const LONG_OPEN_LEAD_WORDS: usize = 16;
/// Words that, right after a comma, continue a sentence with a dependent clause.
const CLAUSE_OPENERS: [&str; 7] = ["حيث", "إذ", "وذلك", "والذي", "والتي", "بحيث", "مما"];

/// What the model decided for one line without a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Article text: a paragraph or an in-body subheading.
    Keep,
    /// The headline.
    Title,
    /// Another article's headline, for `related`.
    Related,
    /// A credit naming the source agency, for `sources`.
    Source,
    /// A tags line without a label, for `tags`.
    Tags,
    /// Not part of the article, counted under this `stats.removed` kind.
    Drop(RemovedKind),
}

/// The model's decisions for a page.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// A verdict for each unit (meaningful for [`Class::Body`] units).
    pub verdicts: Vec<Verdict>,
    /// Units from here on belong to another article or to a similar-articles list.
    pub cut: usize,
    /// The index of the first body line, when the page has prose.
    pub body_start: Option<usize>,
    /// The article's publication date, RFC 3339.
    pub date: Option<String>,
}

/// A run of prose lines close together: its first and last unit, its prose lines and
/// characters.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
    lines: usize,
    chars: usize,
}

/// Lays out a page from its units and their evidence; `capture_date` is the date a capture
/// carries in front of its text, used when the page shows none of its own.
pub(super) fn plan(
    units: &[Unit],
    ev: &[Evidence],
    keys: &TextKeys,
    capture_date: Option<String>,
) -> Layout {
    let n = units.len();
    let mut appended = appended_markers(units);
    let end_key = match_key(END_MARK);
    // An agency's end mark closes the article as an appended article's label does.
    for (mark, u) in appended.iter_mut().zip(units) {
        *mark |= u.class == Class::Body && u.key == end_key;
    }
    let table = table_rows(units, ev);
    let runs = runs(units, ev, &appended, &table);
    let Some(body) = main_run(units, ev, &runs, &appended) else {
        return without_prose(units, ev, capture_date);
    };
    let body = without_closing_label(units, ev, body);
    let cut = (body.end + 1..n)
        .find(|&i| units[i].class == Class::Similar || appended[i])
        .unwrap_or(n);
    let lead = lead_start(units, ev, body);
    let choice = choose_title(units, ev, lead, body, &keys.promos);
    // A headline-shaped line opening the body right above a section word (`ملخّص`) is the
    // title when no other stands above it; the body starts at the section heading.
    let (title, lead) = match choice.title {
        None if titles_section(units, ev, lead, body) => (Some(lead), lead + 1),
        t => (t, lead),
    };
    let start = match title {
        Some(_) if choice.section_above_lead => lead - 1,
        // A short heading between the title and the lead shaped like the body's own section
        // headings opens the first section.
        Some(t) => match past_standfirst(units, ev, t, lead, body) {
            s if s == lead
                && lead > t + 1
                && ev[lead - 1].words >= FIRST_HEADING_MIN_WORDS
                && !shortened_headline(&units[lead - 1], &units[t])
                && section_heading(units, ev, lead - 1, lead, body.end) =>
            {
                lead - 1
            }
            s => s,
        },
        None => lead,
    };
    let start = with_leading_item(units, ev, start, body.end, title);
    let start = with_leading_weak_line(units, ev, start, title);
    let start = with_broken_sentence(units, ev, start, title);
    let start = match start.checked_sub(1) {
        Some(prev) if Some(prev) != title && opens_section(units, ev, prev) => prev,
        _ => start,
    };
    let subheads = joint_subheads(units, ev, start, body.end);
    let start = match start.checked_sub(1) {
        Some(prev) if subheads && Some(prev) != title && joint_subhead_at(units, ev, prev) => prev,
        _ => start,
    };
    let mut verdicts = vec![Verdict::Drop(RemovedKind::Header); n];
    for i in 0..cut {
        if units[i].class != Class::Body {
            continue;
        }
        verdicts[i] = if Some(i) == title {
            Verdict::Title
        } else if i < start {
            let under_title = title.map_or(i + 1 == start, |t| i > t);
            if under_title && agency_credit(&units[i], &ev[i]) {
                Verdict::Source
            } else {
                above_body(&units[i], &ev[i])
            }
        } else if i <= body.end {
            // A plain line right above a table set out with bars is the table's heading.
            let table_heading = table.get(i + 1) == Some(&true)
                && bar_row(&units[i + 1])
                && matches!(ev[i].furniture, None | Some(Furniture::Dateline))
                && ev[i].date.is_none();
            let subhead = (subheads && joint_subhead_at(units, ev, i))
                || heads_next_paragraph(units, ev, i)
                || mixed_script_heading(units, ev, i, body.end)
                || table_heading
                || heads_bulleted_list(units, ev, i)
                || names_next_paragraph(units, ev, i)
                || opens_section(units, ev, i)
                || wrapped_tail(units, ev, i)
                || wrapped_head(units, ev, i);
            // Every line of a table stays: a row label with its unit in brackets (`عدد الصفقات
            // (صفقة)`) reads as a dateline alone, a figure alone as a counter, a one-word column
            // heading (`الفرق`) as a control.
            let table_cell = table[i];
            let subhead = subhead || own_joint_heading(units, ev, i, title);
            if subhead || figure_line(&units[i], &ev[i]) || table_cell {
                Verdict::Keep
            } else {
                inside_body(&ev[i])
            }
        } else {
            after_body(&units[i], &ev[i])
        };
    }
    drop_doubled_paragraphs(units, ev, start, body.end, &mut verdicts);
    drop_caption_under_repeated_title(units, ev, title, start, body.end, &mut verdicts);
    keep_cut_paragraph(units, ev, body.end, cut, &mut verdicts);
    keep_closing_line(units, ev, body.end, cut, &mut verdicts);
    keep_decree_closing(units, ev, body.end, cut, &mut verdicts);
    keep_heading_over_list(units, ev, body.end, cut, &mut verdicts);
    relate_items_under_heading(units, ev, start, body.end, &mut verdicts);
    keep_closing_list(units, ev, body.end, cut, &mut verdicts);
    keep_closing_table(units, ev, &table, body, cut, &mut verdicts);
    keep_figures_under_colon(units, ev, start, body.end, &mut verdicts);
    drop_gallery_captions(units, ev, start, cut, &mut verdicts);
    drop_cut_title_copies(units, ev, title, body.end, &mut verdicts);
    let date = choose_date(units, ev, title, start, cut, capture_date);
    Layout {
        verdicts,
        cut,
        body_start: Some(start),
        date,
    }
}

/// For each unit: is it a read-also label with a colon that opens an appended article (no
/// source or tags line follows it before a similar-articles heading)?
fn appended_markers(units: &[Unit]) -> Vec<bool> {
    let mut out = vec![false; units.len()];
    let mut footer_after = false;
    for (idx, unit) in units.iter().enumerate().rev() {
        out[idx] = matches!(unit.class, Class::ReadAlso { colon: true }) && !footer_after;
        match unit.class {
            Class::Similar => footer_after = false,
            Class::Source(_) | Class::Tags(_) => footer_after = true,
            _ => {}
        }
    }
    out
}

/// Lines that end an article where they stand: tags, a similar-articles heading, an appended
/// article's label.
fn ends_article(unit: &Unit, appended: bool) -> bool {
    appended || matches!(unit.class, Class::Similar | Class::Tags(_))
}

/// Lines no body run crosses: the ends of an article, unlabelled date lines and comment prompts
/// (a bare date between two paragraphs starts another item; a comment prompt closes one).
fn breaks_run(unit: &Unit, e: &Evidence, appended: bool) -> bool {
    ends_article(unit, appended)
        || (unit.class == Class::Body
            && (e.date.is_some()
                || matches!(
                    e.furniture,
                    Some(Furniture::Comment | Furniture::Clock | Furniture::Masthead)
                )))
}

/// The runs of prose lines, in page order. A weak line ([`Evidence::weak`]) extends the run
/// before it but starts none; a line that restarts with the page's dateline starts a new one.
fn runs(units: &[Unit], ev: &[Evidence], appended: &[bool], table: &[bool]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut gap = 0usize;
    let mut broken = true;
    // A labelled date or source line breaks a run when other lines stand beside it (a page's
    // header between two blocks of prose), not when it stands alone between two paragraphs.
    let mut labelled = false;
    // The run's last line opens a list (`… يشمل:`): its items may stand between it and the
    // next paragraph.
    let mut opens_list = false;
    for (i, (u, e)) in units.iter().zip(ev).enumerate() {
        let max_gap = if opens_list { MAX_LIST } else { MAX_GAP };
        let apart = gap > max_gap || (labelled && gap > 0);
        let joins = !broken && !apart && !e.restarts;
        if e.prose || (e.weak && joins && !out.is_empty()) {
            match out.last_mut() {
                Some(run) if joins => {
                    run.end = i;
                    run.lines += usize::from(e.prose);
                    run.chars += u.text.len();
                }
                _ => out.push(Run {
                    start: i,
                    end: i,
                    lines: 1,
                    chars: u.text.len(),
                }),
            }
            gap = 0;
            broken = false;
            labelled = false;
            opens_list = u.text.trim_end().ends_with(':') || e.announces;
        } else if breaks_run(u, e, appended[i]) && !(opens_list && e.date.is_some() && !appended[i])
        {
            broken = true;
        } else if matches!(u.class, Class::Date(_) | Class::Source(_)) {
            labelled = true;
        } else if u.class == Class::Body && !table[i] && e.furniture != Some(Furniture::Embed) {
            gap += 1;
        }
    }
    out
}

/// A row of a table of figures set out in the body (`عيار 21`, `6950 جنيهًا للبيع`, `الأهلي
/// 45 نقطة`): a short line, not a date, that pairs a figure with words.
fn figure_line(u: &Unit, e: &Evidence) -> bool {
    u.class == Class::Body
        && !e.prose
        && e.date.is_none()
        && matches!(e.furniture, None | Some(Furniture::Outlet))
        && FIGURE_ROW_WORDS.contains(&e.words)
        && u.text.chars().any(is_digit)
        && u.text.chars().any(is_alphabetic)
}

/// A cell of a table set out one cell per line: a figure alone, with its sign, decimals or
/// percent (`11240`, `- 24`, `98.75`). Alone on a line it is a counter; in a table it is data.
fn number_cell(u: &Unit) -> bool {
    let t = u.text.trim();
    u.class == Class::Body
        && t.chars()
            .all(|c| is_digit(c) || matches!(c, ' ' | '+' | '-' | '−' | '.' | ',' | '٫' | '%'))
        && t.chars().any(is_digit)
}

/// A row of a table set out with bars (`| المؤشر | 2025 | الاتجاه |`), as crawlers render
/// tables: it opens and closes with a bar and holds two cells or more.
fn bar_row(u: &Unit) -> bool {
    let t = u.text.trim();
    u.class == Class::Body
        && t.len() > 2
        && t.starts_with('|')
        && t.ends_with('|')
        && t.bytes().filter(|&b| b == b'|').count() >= 3
        && t.chars().any(char::is_alphanumeric)
}

/// For each unit: is it a row of a table of figures? A table is a block of short lines (row
/// labels, figure lines, a heading) holding [`MIN_TABLE_ROWS`] figure lines or more, at least
/// half of its lines, or a block of [`MIN_BAR_ROWS`] bar rows or more ([`bar_row`]; the
/// rule line under the header, `|---|---|`, is furniture and does not part them). A table
/// between two paragraphs does not part them.
fn table_rows(units: &[Unit], ev: &[Evidence]) -> Vec<bool> {
    let row = |i: usize| {
        let e = &ev[i];
        number_cell(&units[i])
            || (units[i].class == Class::Body
                && !e.prose
                && e.date.is_none()
                && matches!(
                    e.furniture,
                    None | Some(Furniture::Outlet | Furniture::Dateline)
                )
                && (1..=*FIGURE_ROW_WORDS.end()).contains(&e.words))
    };
    let mut out = vec![false; units.len()];
    let mut i = 0;
    while i < units.len() {
        let start = i;
        while i < units.len() && row(i) {
            i += 1;
        }
        let figures = (start..i)
            .filter(|&k| figure_line(&units[k], &ev[k]) || number_cell(&units[k]))
            .count();
        if figures >= MIN_TABLE_ROWS && figures * 2 >= i - start {
            out[start..i].iter_mut().for_each(|x| *x = true);
        }
        i = i.max(start + 1);
    }
    let mut i = 0;
    while i < units.len() {
        let start = i;
        let mut rows = 0;
        while i < units.len()
            && (bar_row(&units[i]) || (rows > 0 && units[i].class == Class::Furniture))
        {
            rows += usize::from(bar_row(&units[i]));
            i += 1;
        }
        if rows >= MIN_BAR_ROWS {
            (start..i)
                .filter(|&k| bar_row(&units[k]))
                .for_each(|k| out[k] = true);
        }
        i = i.max(start + 1);
    }
    out
}

/// The article's run: the one holding the most prose (the first of equals), among the runs
/// that begin before an end-of-article label following an earlier article-sized run.
fn main_run(units: &[Unit], ev: &[Evidence], runs: &[Run], appended: &[bool]) -> Option<Run> {
    let mut eligible: Vec<Run> = Vec::new();
    for run in runs {
        if let Some(prev) = eligible.last() {
            let article_before =
                eligible.iter().map(|r| r.lines).sum::<usize>() >= ARTICLE_MIN_PROSE;
            let ended = (prev.end + 1..run.start).any(|i| {
                ends_article(&units[i], appended[i])
                    || (units[i].class == Class::Body
                        && ev[i].furniture == Some(Furniture::Comment))
            }) || ev[run.start].restarts;
            if ended && article_before {
                break;
            }
        }
        eligible.push(*run);
    }
    // A lone unpunctuated headline with its date line under it is the article's header, not
    // its body, when prose stands elsewhere.
    let header = |r: &Run| {
        r.start == r.end
            && ev[r.start].end == End::Open
            && headline_sized(&units[r.start], &ev[r.start])
            && is_date_line(units, ev, r.end + 1)
    };
    eligible
        .into_iter()
        .max_by_key(|r| (!header(r), r.chars, std::cmp::Reverse(r.start)))
}

/// A run ending with a short line that opens with a colon what never follows (`شارك المقال:`,
/// `فيديو قد يعجبك:`, an empty list's heading) ends on the line before it.
fn without_closing_label(units: &[Unit], ev: &[Evidence], body: Run) -> Run {
    let mut run = body;
    while run.end > run.start {
        let (u, e) = (&units[run.end], &ev[run.end]);
        let label = !e.prose
            && !e.bulleted
            && e.words <= CLOSING_LABEL_MAX_WORDS
            && u.text.trim_end().ends_with([':', '：']);
        if !label {
            break;
        }
        match (run.start..run.end)
            .rev()
            .find(|&i| ev[i].prose || ev[i].weak)
        {
            Some(prev) => run.end = prev,
            None => break,
        }
    }
    run
}

/// The next prose line after `from`, up to `end`.
fn next_prose(ev: &[Evidence], from: usize, end: usize) -> Option<usize> {
    (from + 1..=end).find(|&i| ev[i].prose)
}

/// The body's first line when a title stands above it: past the headline's copy printed under
/// it, and past a standfirst, the summary printed under the title and set apart from the body
/// by metadata lines (a date, a byline, a dateline, a counter, `Published on`). A short line in
/// another script (an advert's or a photo agency's name) sets nothing apart: the line above it
/// is the lead.
fn past_standfirst(units: &[Unit], ev: &[Evidence], title: usize, lead: usize, body: Run) -> usize {
    if lead != title + 1 {
        return lead;
    }
    // The headline printed again under itself (closed by a full stop) is no lead.
    let mut lead = lead;
    while units[lead].key == units[title].key {
        match next_prose(ev, lead, body.end) {
            Some(n) => lead = n,
            None => return lead,
        }
    }
    let Some(next) = next_prose(ev, lead, body.end) else {
        return lead;
    };
    if restated_standfirst(units, ev, lead, body) {
        return next;
    }
    // The paragraph right under it opens with the article's dateline (`القاهرة - …`): the lead
    // starts there, and the line between it and the title is the deck.
    if next == lead + 1
        && opens_with_place(&units[next].text)
        && !opens_with_place(&units[lead].text)
    {
        return next;
    }
    let metadata = (lead + 1..next).any(|i| {
        (matches!(units[i].class, Class::Date(_) | Class::Byline)
            || (units[i].class == Class::Body
                && (ev[i].date.is_some()
                    || matches!(
                        ev[i].furniture,
                        Some(Furniture::Dateline | Furniture::Clock | Furniture::Widget)
                    ))))
            && !heads_next_paragraph(units, ev, i)
    });
    if metadata {
        next
    } else {
        lead
    }
}

/// A short sentence under the title whose words a later paragraph of the body restates (`ستكون
/// اللعبة …` over `… وستكون اللعبة «…» …` further down): the standfirst, not the lead.
fn restated_standfirst(units: &[Unit], ev: &[Evidence], line: usize, body: Run) -> bool {
    let e = &ev[line];
    e.end == End::Stop
        && e.words < LEAD_MIN_WORDS
        && e.content.len() >= STANDFIRST_MIN_CONTENT
        && (line + STANDFIRST_MIN_DISTANCE..=body.end).any(|j| {
            ev[j].prose
                && units[j].text.len() > units[line].text.len()
                && contained(&e.content, &ev[j].content) >= STANDFIRST_CONTAINMENT
        })
}

/// On pages whose body is a list of items, each opened by a bulleted subheading (a news
/// roundup), the first item's subheading stands just above the first paragraph: the body
/// starts there.
fn with_leading_item(
    units: &[Unit],
    ev: &[Evidence],
    start: usize,
    end: usize,
    title: Option<usize>,
) -> usize {
    let Some(prev) = start.checked_sub(1) else {
        return start;
    };
    let bullet = |i: usize| units[i].text.trim_start().chars().next();
    let item = units[prev].class == Class::Body
        && ev[prev].bulleted
        && Some(prev) != title
        && ev[prev].furniture.is_none()
        && (start..=end).any(|i| ev[i].bulleted && bullet(i) == bullet(prev));
    if item {
        prev
    } else {
        start
    }
}

/// A short punctuated line right above the body (the first words of the article set on a line
/// of their own): the body starts there.
fn with_leading_weak_line(
    units: &[Unit],
    ev: &[Evidence],
    start: usize,
    title: Option<usize>,
) -> usize {
    line_above_if(start, |prev| {
        ev[prev].weak
            && ev[prev].words >= 3
            && Some(prev) != title
            && !colon_dateline(units, ev, prev)
    })
}

/// The first half of the lead's sentence, broken onto a line of its own above it (an open line
/// whose comma goes on into a dependent clause, or a lead-sized one that ends on a preposition
/// or particle waiting for its complement: `… وبإشراف من`): the body starts there.
fn with_broken_sentence(
    units: &[Unit],
    ev: &[Evidence],
    start: usize,
    title: Option<usize>,
) -> usize {
    line_above_if(start, |prev| {
        Some(prev) != title
            && units[prev].class == Class::Body
            && ev[prev].furniture.is_none()
            && ev[prev].end == End::Open
            && (clause_after_comma(&units[prev].text)
                || (hangs(&units[prev].text) && ev[prev].words >= LEAD_MIN_WORDS))
    })
}

/// The line right above `start` when `opens` says the body starts there; else `start`.
fn line_above_if(start: usize, opens: impl FnOnce(usize) -> bool) -> usize {
    match start.checked_sub(1) {
        Some(prev) if opens(prev) => prev,
        _ => start,
    }
}

/// A short line ending with a colon right above the lead that names where the story comes
/// from, not what follows: a dateline with a colon (`الساحل/المرفأ نت/خاص:`, `(الساحل
/// اليوم)متابعات:`) or the site's own dateline, which also opens other items on the page
/// (`شبكة أخبار الواحة:` over the lead and again on each teaser of the latest-news list).
fn colon_dateline(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let e = &ev[i];
    let t = units[i].text.trim();
    let Some(head) = t.strip_suffix([':', '：']) else {
        return false;
    };
    if e.words > COLON_DATELINE_MAX_WORDS || e.function_words > 0 || e.bulleted {
        return false;
    }
    if is_dateline(head, e.words, None) || comma_dateline(head) {
        return true;
    }
    let key = &units[i].key;
    units.iter().enumerate().any(|(k, u)| {
        k != i
            && u.text.trim_start().starts_with(head)
            && u.text.trim_start()[head.len()..]
                .trim_start()
                .starts_with([':', '：'])
            && u.key.len() > key.len()
    })
}

/// A place and an outlet set apart by commas and closed by `خاص` (exclusive to the outlet):
/// `المدينة، اسم الموقع، خاص`.
fn comma_dateline(head: &str) -> bool {
    let mut parts = head.split(['،', ',']).map(str::trim);
    parts.next_back() == Some("خاص") && parts.clone().count() >= 1 && parts.all(|p| !p.is_empty())
}

/// For each unit: does it stand in a list of three or more different headline-shaped lines in
/// a row (a ticker, a most-read list)? A headline printed twice makes no list.
fn headline_runs(units: &[Unit], ev: &[Evidence]) -> Vec<bool> {
    if !punctuated_prose(ev) {
        // Where paragraphs carry no punctuation, a run of open lines is the article itself.
        return vec![false; units.len()];
    }
    let shaped = |i: usize| {
        units[i].class == Class::Body
            && (LIST_ITEM_WORDS).contains(&ev[i].words)
            && matches!(ev[i].end, End::Open | End::Ask | End::Trail)
            && ev[i].date.is_none()
            && ev[i].furniture.is_none()
    };
    let mut out = vec![false; units.len()];
    let mut i = 0;
    while i < units.len() {
        if !shaped(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < units.len() && shaped(i) {
            i += 1;
        }
        let mut keys: Vec<&str> = (start..i).map(|k| units[k].key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() >= 3 {
            out[start..i].iter_mut().for_each(|x| *x = true);
        }
    }
    out
}

/// Whether most prose lines end with punctuation (the last prose line, often cut short, aside).
fn punctuated_prose(ev: &[Evidence]) -> bool {
    let last = ev.iter().rposition(|e| e.prose);
    let (mut prose, mut stopped) = (0usize, 0usize);
    for (i, e) in ev.iter().enumerate() {
        if e.prose && Some(i) != last {
            prose += 1;
            stopped += usize::from(e.end != End::Open);
        }
    }
    prose > 0 && stopped * 2 >= prose
}

/// Where the article's prose begins: on a punctuated page, the run's first prose line that ends
/// a sentence (long lines above it with no closing stop are headlines run into the body: a
/// long title, a ticker), unless a byline stands right above the run (the header ends with
/// the byline: the line under it is the lead, even unpunctuated); elsewhere the run's first
/// line.
fn lead_start(units: &[Unit], ev: &[Evidence], body: Run) -> usize {
    if let Some(lead) = lone_paragraph_under_headline(units, ev, body) {
        return lead;
    }
    if !punctuated_prose(ev) {
        return dated_headline_at(units, ev, body).unwrap_or(body.start);
    }
    let under_byline = body
        .start
        .checked_sub(1)
        .is_some_and(|b| units[b].class == Class::Byline);
    if under_byline && ev[body.start].prose && !ev[body.start].repeated {
        return body.start;
    }
    // A headline printed twice at the run's head (a short caption may stand above it): the
    // prose begins under it.
    let from = (body.start..=body.end.min(body.start + HEADLINE_REACH))
        .take_while(|&i| ev[i].words <= CAPTION_MAX_WORDS || !ev[i].prose)
        .find(|&i| ev[i].repeated && !ev[i].prose && headline_candidate(&units[i], &ev[i]))
        .map_or(body.start, |h| h + 1);
    let lead = (from..=body.end)
        .find(|&i| {
            ev[i].prose
                && (ev[i].end != End::Open
                    || !headline_sized(&units[i], &ev[i])
                    || opens_with_dateline(&units[i].text))
        })
        .unwrap_or(body.start);
    // A line that opens on a dependent clause (`حيث …`) goes on with the open sentence above it:
    // that sentence is the lead, not a headline.
    // So does one that reports what was said (`وقال …`) under an open sentence too long for a
    // headline's usual length: the report's first sentence, left without its stop.
    let continued = lead > from
        && (opens_with_clause(&units[lead].text)
            || (opens_with_speech(&units[lead].text)
                && ev[lead - 1].words >= LONG_OPEN_LEAD_WORDS))
        && ev[lead - 1].prose
        && ev[lead - 1].end == End::Open
        && !ev[lead - 1].repeated;
    if continued {
        lead - 1
    } else {
        lead
    }
}

/// Whether a line opens on a word that continues a sentence with a dependent clause.
pub(super) fn opens_with_clause(text: &str) -> bool {
    text.split_whitespace()
        .next()
        .is_some_and(|w| CLAUSE_OPENERS.contains(&w))
}

/// A page whose prose is one headline-shaped line left open over a single paragraph that closes
/// its sentences, with no headline above them: the line is the page's headline and the
/// paragraph, the lead. (With one paragraph, [`punctuated_prose`] has nothing to count.)
fn lone_paragraph_under_headline(units: &[Unit], ev: &[Evidence], body: Run) -> Option<usize> {
    let (head, lead) = (body.start, body.start + 1);
    let alone = lead == body.end
        && ev.iter().filter(|e| e.prose).count() == 2
        && !units[..head]
            .iter()
            .zip(ev)
            .any(|(u, e)| headline_candidate(u, e));
    (alone
        && ev[head].end == End::Open
        && headline_candidate(&units[head], &ev[head])
        && headline_sized(&units[head], &ev[head])
        && ev[lead].prose
        && ev[lead].end == End::Stop)
        .then_some(lead)
}

/// Whether unit `i` is a date line: a labelled date or an unlabelled line holding only a date.
fn is_date_line(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    units.get(i).is_some_and(|u| {
        matches!(u.class, Class::Date(_)) || (u.class == Class::Body && ev[i].date.is_some())
    })
}

/// A run that opens with a headline and the date line under it (the header of the article, a
/// lone date line does not end a run): the line after the date, where the prose begins.
fn dated_headline_at(units: &[Unit], ev: &[Evidence], body: Run) -> Option<usize> {
    let (head, date) = (body.start, body.start + 1);
    let dated = date < body.end && is_date_line(units, ev, date);
    (dated && ev[head].end == End::Open && headline_sized(&units[head], &ev[head]))
        .then_some(date + 1)
}

/// A line no longer than a title, with no full stop inside it (`..` joins headlines, it ends no
/// sentence) and not strung on commas ([`comma_strung`]).
fn headline_sized(unit: &Unit, e: &Evidence) -> bool {
    e.words <= TITLE_MAX_WORDS && !inner_stop(&unit.text) && !comma_strung(&unit.text)
}

/// A full stop inside the line, ending a sentence (`..` joins headlines and ends none).
fn inner_stop(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'.', b)
        .any(|at| b.get(at + 1) == Some(&b' ') && (at == 0 || b[at - 1] != b'.'))
}

/// A document's section heading ([`Evidence::section`]) right above a paragraph or a bulleted
/// point: it opens a section of the body, wherever it stands. Under another section line it is the
/// last entry of a list of section links (a menu), furniture, unless that list names it again (a
/// contents list over the first section's heading).
fn opens_section(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let e = &ev[i];
    units[i].class == Class::Body
        && e.section
        && e.furniture.is_none()
        && e.date.is_none()
        && (i == 0 || !ev[i - 1].section || e.repeated)
        && units.get(i + 1).is_some_and(|u| u.class == Class::Body)
        && ev.get(i + 1).is_some_and(|n| n.prose || n.bulleted)
}

/// The body's first line (`lead`) shaped like a headline (one line, no sentence ended inside
/// it nor after it, long or strung on commas as it may be) with a section heading under it that
/// heads a paragraph or a list (`… مراجعة علمية (…)` over `ملخّص` over `- …`): the title.
fn titles_section(units: &[Unit], ev: &[Evidence], lead: usize, body: Run) -> bool {
    let (e, next) = (&ev[lead], lead + 1);
    let heads = |k: usize| k <= body.end && (ev[k].prose || ev[k].bulleted);
    lead == body.start
        && next < body.end
        && units[lead].class == Class::Body
        && units[next].class == Class::Body
        && ev[next].section
        && !ev[next].bulleted
        && ev[next].furniture.is_none()
        && heads(next + 1)
        && !e.section
        && !e.bulleted
        && e.furniture.is_none()
        && e.date.is_none()
        && matches!(e.end, End::Open | End::Ask)
        && e.words <= TITLE_MAX_WORDS
        && !inner_stop(&units[lead].text)
}

/// A line whose commas part it into three clauses or more (`قام الوالي، رفقة …، بزيارة …`): a
/// sentence, often the first half of one broken over two lines, never a headline (headlines
/// hold one comma at most). Figures (`13,556`) do not count.
fn comma_strung(text: &str) -> bool {
    let b = text.as_bytes();
    let arabic = memchr::memmem::find_iter(b, "،".as_bytes()).count();
    let latin = memchr::memchr_iter(b',', b)
        .filter(|&at| b.get(at + 1) == Some(&b' '))
        .count();
    arabic + latin >= 2
}

/// A line that could be a headline: short enough, not closed by a full stop nor left hanging on
/// a preposition ([`hangs`]), not furniture.
fn headline_candidate(u: &Unit, e: &Evidence) -> bool {
    u.class == Class::Body
        && !e.weak
        && !opens_with_dateline(&u.text)
        && !hangs(&u.text)
        && !closed_by_dash(&u.text)
        && (1..=TITLE_MAX_WORDS).contains(&e.words)
        && u.key
            .split(' ')
            .filter(|w| w.chars().any(is_alphabetic))
            .nth(1)
            .is_some()
        && matches!(e.end, End::Open | End::Ask | End::Trail)
        && e.date.is_none()
        && e.furniture.is_none()
        && !e.teaser
        && !e.bulleted
}

/// A line closed by a spaced dash (`… 36 ألف فرصة عمل -`): one of the points a standfirst lists
/// under the headline, never the headline.
fn closed_by_dash(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with(" -") || t.ends_with(" –")
}

/// A line printed twice in a row (an image's caption and its alt text) under a clock or date
/// line that itself stands under a headline-shaped line: the photo's caption, not the title.
fn caption_under_dated_headline(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let Some(first) = printed_twice_in_a_row(units, i) else {
        return false;
    };
    let stamped = |j: usize| {
        is_date_line(units, ev, j)
            || ev[j].furniture == Some(Furniture::Clock)
            || opens_with_clock(&units[j].text)
    };
    (first.saturating_sub(CAPTION_STAMP_REACH)..first)
        .rev()
        .find(|&j| stamped(j))
        .is_some_and(|j| {
            (0..j).any(|h| headline_candidate(&units[h], &ev[h]) && ev[h].words > ev[i].words)
        })
}

/// The first of the two copies when line `i` is printed twice in a row.
fn printed_twice_in_a_row(units: &[Unit], i: usize) -> Option<usize> {
    let key = &units[i].key;
    if i > 0 && units[i - 1].key == *key {
        Some(i - 1)
    } else if units.get(i + 1).is_some_and(|u| u.key == *key) {
        Some(i)
    } else {
        None
    }
}

/// Words more than a caption printed twice under it that the headline shares with the lead.
const CAPTION_OVERLAP_MARGIN: usize = 2;

/// A line printed twice in a row (an image's caption and its alt text) right under a longer
/// headline-shaped line that holds all its words and is twice as long (`وزير التموين` under
/// `وزير التموين يحسم الجدل …`), or that shares [`CAPTION_OVERLAP_MARGIN`] more words with the
/// lead: the photo's caption under its headline, not the title.
fn caption_under_its_headline(units: &[Unit], ev: &[Evidence], i: usize, lead: &[u64]) -> bool {
    let Some(first) = printed_twice_in_a_row(units, i) else {
        return false;
    };
    let words = &ev[i].content;
    let overlap = shared_words(words, lead);
    !words.is_empty()
        && headline_over(units, ev, first, |h| {
            ev[h].words >= 2 * ev[i].words && shared_words(words, &ev[h].content) == words.len()
                || ev[h].words > ev[i].words
                    && shared_words(&ev[h].content, lead) >= overlap + CAPTION_OVERLAP_MARGIN
        })
}

/// Whether a headline-shaped line that `fits` stands within [`CAPTION_STAMP_REACH`] lines above
/// line `first` (the first line of a caption).
fn headline_over(
    units: &[Unit],
    ev: &[Evidence],
    first: usize,
    fits: impl Fn(usize) -> bool,
) -> bool {
    (first.saturating_sub(CAPTION_STAMP_REACH)..first)
        .any(|h| headline_candidate(&units[h], &ev[h]) && fits(h))
}

/// Most words of a caption printed cut, then whole, right under it.
const CUT_CAPTION_MAX_WORDS: usize = 12;
/// Fewest words of the headline over such a caption.
const CUT_CAPTION_HEADLINE_MIN_WORDS: usize = 4;

/// A caption printed twice in a row, cut then whole (`فعاليات معرض الكتاب` over `فعاليات معرض
/// الكتاب السادس`: an image's alt text and its caption), right under a headline-shaped line that
/// shares at least as many words with the lead (counted up to [`OVERLAP_CAP`]): the photo's, not
/// the title, whichever of the two is looked at.
fn cut_caption_under_headline(units: &[Unit], ev: &[Evidence], i: usize, lead: &[u64]) -> bool {
    let extends = |cut: usize, whole: usize| {
        let (short, long) = (&units[cut].key, &units[whole].key);
        !short.is_empty()
            && long.len() > short.len()
            && long.starts_with(short.as_str())
            && long.as_bytes()[short.len()] == b' '
            && ev[whole].words <= CUT_CAPTION_MAX_WORDS
    };
    let first = if i > 0 && extends(i - 1, i) {
        i - 1
    } else if i + 1 < units.len() && extends(i, i + 1) {
        i
    } else {
        return false;
    };
    let overlap = shared_words(&ev[i].content, lead).min(OVERLAP_CAP);
    headline_over(units, ev, first, |h| {
        ev[h].words >= CUT_CAPTION_HEADLINE_MIN_WORDS
            && shared_words(&ev[h].content, lead).min(OVERLAP_CAP) >= overlap
    })
}

/// A line opening with a time of day (`02:48 م (بتوقيت الرياض) نبض السوق - خاص`): a headline's
/// stamp.
fn opens_with_clock(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    let digits =
        |p: &str| (1..=2).contains(&p.chars().count()) && p.chars().all(|c| c.is_ascii_digit());
    first.split_once(':').is_some_and(|(h, m)| {
        digits(h) && m.chars().count() == 2 && m.chars().all(|c| c.is_ascii_digit())
    })
}

/// The title among the lines above the body (and the body's first line when it is
/// headline-shaped on a punctuated page); see the module notes. The best candidate, when it
/// is the first section's heading right above the lead ([`section_heading`]), yields to the
/// next best.
fn choose_title(
    units: &[Unit],
    ev: &[Evidence],
    lead_start: usize,
    body: Run,
    promos: &[String],
) -> TitleChoice {
    let prose = (lead_start..=body.end).filter(|&i| ev[i].prose);
    let mut lead_lines: Vec<usize> = prose
        .clone()
        .filter(|&i| ev[i].words >= LEAD_MIN_WORDS)
        .take(LEAD_LINES)
        .collect();
    if lead_lines.is_empty() {
        lead_lines = prose.take(LEAD_LINES).collect();
    }
    let mut lead: Vec<u64> =
        Vec::with_capacity(lead_lines.iter().map(|&i| ev[i].content.len()).sum());
    for &i in &lead_lines {
        lead.extend_from_slice(&ev[i].content);
    }
    lead.sort_unstable();
    lead.dedup();
    // A line right under a byline is the author's role or bio (`منسق مشروع …`), not a headline.
    let candidates: Vec<usize> = (0..lead_start)
        .filter(|&i| headline_candidate(&units[i], &ev[i]))
        .filter(|&i| i == 0 || units[i - 1].class != Class::Byline)
        .filter(|&i| !caption_under_dated_headline(units, ev, i))
        .filter(|&i| !caption_under_its_headline(units, ev, i, &lead))
        .filter(|&i| !cut_caption_under_headline(units, ev, i, &lead))
        .filter(|&i| !clause_after_comma(&units[i].text) && !comma_strung(&units[i].text))
        .filter(|&i| !ev[i].section)
        .filter(|&i| !promo_banner(units, ev, i))
        .collect();
    // Section labels of one or two words do not compete with the one headline-sized line.
    let sized = candidates.iter().filter(|&&c| ev[c].words >= 3).count();
    let first_candidate = candidates.iter().copied().find(|&c| ev[c].words >= 3);
    let in_list = headline_runs(units, ev);
    let overlaps: Vec<usize> = candidates
        .iter()
        .map(|&c| shared_words(&ev[c].content, &lead))
        .collect();
    // Followed by a date (or, weaker, a byline or a dateline), as headlines are. A date line
    // dates the headline right above it: a kicker, a caption or a section label over that
    // headline (its words all found in it) is not dated by its date.
    let mut dated: Vec<bool> = candidates
        .iter()
        .map(|&c| {
            let over_headline = |j: usize| {
                (c + 1..j).any(|k| {
                    candidates.contains(&k)
                        && ev[k].words > ev[c].words
                        && !ev[c].content.is_empty()
                        && shared_words(&ev[c].content, &ev[k].content) == ev[c].content.len()
                })
            };
            (c + 1..(c + 4).min(units.len()))
                .any(|j| is_date_line(units, ev, j) && !over_headline(j))
        })
        .collect();
    // Nor is a deck or a section label (printed once or twice) between the headline and its
    // date: the date goes to the headline above.
    for r in 0..candidates.len() {
        if let Some(h) = deck_under(units, ev, &candidates, &overlaps, &in_list, r) {
            if dated[r] {
                dated[r] = false;
                dated[h] = true;
            }
        }
    }
    let mut scored: Vec<(f32, usize)> = Vec::new();
    for (rank, &c) in candidates.iter().enumerate() {
        let e = &ev[c];
        let overlap = overlaps[rank];
        let dated = dated[rank];
        let after = c + 1..(c + 4).min(units.len());
        let bylined = after.clone().any(|j| {
            units[j].class == Class::Byline
                || (units[j].class == Class::Body
                    && matches!(
                        ev[j].furniture,
                        Some(Furniture::Dateline | Furniture::Outlet | Furniture::Agency)
                    ))
        });
        let nearest = rank + 1 == candidates.len();
        let opens_page = Some(c) == first_candidate;
        let promo = opens_with_label(&units[c].key, promos);
        let sole = sized == 1 && e.words >= 4;
        let accepted = if in_list[c] {
            overlap >= LIST_TITLE_OVERLAP || ends_ticker(units, ev, &in_list, c, nearest, overlap)
        } else if promo {
            overlap >= 1 && (e.repeated || dated) || nearest && overlap >= PROMO_NEAREST_OVERLAP
        } else if e.words <= 2 {
            // A short line printed twice with no word of the lead is the site's name (masthead
            // and footer), not a headline.
            overlap >= 2 || (e.repeated && overlap >= 1)
        } else {
            overlap >= 2
                || (overlap >= 1 && (e.repeated || dated || nearest || opens_page))
                || (e.repeated && (dated || bylined))
                || (opens_page && dated)
                || sole
        };
        tracing::trace!(
            line = c,
            overlap,
            in_list = in_list[c],
            repeated = e.repeated,
            dated,
            nearest,
            accepted,
            "title candidate"
        );
        if !accepted {
            continue;
        }
        let distance = body.start.saturating_sub(c) as f32;
        let score = overlap.min(OVERLAP_CAP) as f32
            + if e.repeated { 1.5 } else { 0.0 }
            + if dated { 1.0 } else { 0.0 }
            + if e.words >= 4 { 0.3 } else { 0.0 }
            - if e.prose && e.words > DECK_MIN_WORDS {
                0.3
            } else {
                0.0
            }
            - 0.05 * distance
            - if deck_of_saturated(units, ev, &candidates, &overlaps, rank) {
                0.1
            } else {
                0.0
            };
        scored.push((score, c));
    }
    if let Some(deck) = deck_over_lead(
        ev,
        &candidates,
        &in_list,
        &dated,
        &overlaps,
        &scored,
        lead_start,
    ) {
        scored.retain(|&(_, c)| c != deck);
    }
    // The first section's heading right above the lead, on a page whose body is cut into
    // sections by such lines, is no title when another headline stands above it.
    let first_section = lead_start
        .checked_sub(1)
        .filter(|&s| section_heading(units, ev, s, lead_start, body.end));
    let best = |skip: Option<usize>| {
        scored
            .iter()
            .filter(|&&(_, c)| Some(c) != skip)
            .fold(None, |best: Option<(f32, usize)>, &(score, c)| {
                if best.is_none_or(|(s, _)| score > s) {
                    Some((score, c))
                } else {
                    best
                }
            })
            .map(|(_, c)| c)
    };
    let best = |skip: Option<usize>| best(skip).map(|c| bare_repeat(units, &candidates, c));
    match best(None) {
        Some(top) if Some(top) == first_section => match best(first_section) {
            Some(other) => TitleChoice {
                title: Some(other),
                section_above_lead: true,
            },
            None => TitleChoice {
                title: Some(top),
                section_above_lead: false,
            },
        },
        title => TitleChoice {
            title,
            section_above_lead: false,
        },
    }
}

/// Whether candidate `r` stands right under a longer candidate while both share at least
/// [`OVERLAP_CAP`] words with the lead: a deck naming what the lead names (`دورة بعنوان: …`) is
/// no nearer to the title than the headline over it, so nearness does not decide for it. A line
/// above that holds it (a breadcrumb ending with the headline) is no headline over a deck.
fn deck_of_saturated(
    units: &[Unit],
    ev: &[Evidence],
    candidates: &[usize],
    overlaps: &[usize],
    r: usize,
) -> bool {
    let c = candidates[r];
    r > 0
        && candidates[r - 1] + 1 == c
        && ev[c - 1].words > ev[c].words
        && !units[c - 1].key.contains(units[c].key.as_str())
        && overlaps[r] >= OVERLAP_CAP
        && overlaps[r - 1] >= OVERLAP_CAP
}

/// The rank of the headline that candidate `r` is the deck or label of: the candidate right
/// above it (past copies of it printed in a row) that has more words and shares more words
/// with the lead (`headline` over `deck` over its date; `headline` over a section label
/// printed twice). Lines of a list of headlines are no headline's deck.
fn deck_under(
    units: &[Unit],
    ev: &[Evidence],
    candidates: &[usize],
    overlaps: &[usize],
    in_list: &[bool],
    r: usize,
) -> Option<usize> {
    let c = candidates[r];
    let mut top = c;
    while top > 0 && units[top - 1].key == units[c].key {
        top -= 1;
    }
    let above = top.checked_sub(1)?;
    let h = candidates[..r].iter().rposition(|&k| k == above)?;
    (!in_list[c] && !in_list[above] && ev[above].words > ev[c].words && overlaps[h] > overlaps[r])
        .then_some(h)
}

/// The last line of a list of headlines, right above a date line and nearest the body, sharing
/// two content words with the lead: the article's headline closing the ticker printed above it.
fn ends_ticker(
    units: &[Unit],
    ev: &[Evidence],
    in_list: &[bool],
    c: usize,
    nearest: bool,
    overlap: usize,
) -> bool {
    nearest
        && overlap >= 2
        && !in_list.get(c + 1).copied().unwrap_or(false)
        && is_date_line(units, ev, c + 1)
}

/// The deck under the headline: the candidate right above the lead, half as long again as the
/// accepted candidate right above it (a headline of [`DECK_HEADLINE_MIN_WORDS`] words or more:
/// a headline under a kicker is about as long as the kicker), neither
/// of them printed twice, dated or in a list of headlines, the upper one sharing fewer words with
/// the lead than the lower one and than [`OVERLAP_CAP`]. A deck copies the lead's words and would
/// outscore the headline on them; a kicker over its headline restates the story as fully as the
/// headline does (both reach the cap) and leaves the headline the nearer line.
fn deck_over_lead(
    ev: &[Evidence],
    candidates: &[usize],
    in_list: &[bool],
    dated: &[bool],
    overlaps: &[usize],
    scored: &[(f32, usize)],
    lead_start: usize,
) -> Option<usize> {
    let low = lead_start.checked_sub(1)?;
    let up = low.checked_sub(1)?;
    let rank = |c: usize| candidates.iter().position(|&k| k == c);
    let (r_low, r_up) = (rank(low)?, rank(up)?);
    let plain = |c: usize, r: usize| !in_list[c] && !ev[c].repeated && !dated[r];
    let accepted = |c: usize| scored.iter().any(|&(_, k)| k == c);
    (accepted(low)
        && accepted(up)
        && plain(low, r_low)
        && plain(up, r_up)
        && ev[up].words >= DECK_HEADLINE_MIN_WORDS
        && 2 * ev[low].words >= 3 * ev[up].words
        && overlaps[r_up] < overlaps[r_low].min(OVERLAP_CAP))
    .then_some(low)
}

/// A line holding an emoji right above a call-to-action button (`… 🥳` over `العب الآن`): a
/// promotion banner's copy, not a headline.
fn promo_banner(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    ev.get(i + 1)
        .is_some_and(|n| n.furniture == Some(Furniture::CallToAction))
        && units.get(i + 1).is_some_and(|u| u.class == Class::Body)
        && has_emoji(&units[i].text)
}

/// Whether the text holds a pictograph of the emoji planes (U+1F000 to U+1FFFF: UTF-8 bytes
/// `F0 9F …`).
fn has_emoji(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(0xF0, b).any(|at| b.get(at + 1) == Some(&0x9F))
}

/// A line whose comma opens a dependent clause (`…، حيث …`, `…، إذ …`, `…، مما أسفر …`): a
/// sentence (broken over two lines, or a standfirst), not a headline.
fn clause_after_comma(text: &str) -> bool {
    text.split('،').skip(1).any(opens_with_clause)
}

/// The headline `c` printed again without the short label it opens with (`خبر : …` over the
/// bare headline), or without the portal's name joined to it by a bar (`اسم الموقع | …`): the
/// bare line, as the label or name is the portal's, not the headline's.
fn bare_repeat(units: &[Unit], candidates: &[usize], c: usize) -> usize {
    let bare = |part: &str| {
        let part = part.trim();
        candidates
            .iter()
            .copied()
            .find(|&k| k != c && !part.is_empty() && units[k].text.trim() == part)
    };
    if let Some((a, b)) = units[c].text.split_once(" | ") {
        let headline = if word_count(b) >= word_count(a) { b } else { a };
        if let Some(k) = bare(headline) {
            return k;
        }
    }
    let Some((label, rest)) = units[c].text.split_once(':') else {
        return c;
    };
    let rest = rest.trim();
    let short_label = (1..=LABEL_MAX_WORDS).contains(&word_count(label));
    if !short_label || rest.is_empty() {
        return c;
    }
    candidates
        .iter()
        .copied()
        .find(|&k| k != c && units[k].text.trim() == rest)
        .unwrap_or(c)
}

/// The title chosen, and whether the line right above the lead was passed over as the first
/// section's heading (then the body starts there).
struct TitleChoice {
    title: Option<usize>,
    section_above_lead: bool,
}

/// A short unpunctuated line over a paragraph (unit `i`, above `lead`) shaped like a
/// subheading the body itself holds between two of its paragraphs: a section heading.
fn section_heading(units: &[Unit], ev: &[Evidence], i: usize, lead: usize, end: usize) -> bool {
    let heading = |k: usize| {
        let e = &ev[k];
        units[k].class == Class::Body
            && !e.prose
            && e.unmarked()
            && e.end == End::Open
            && FIRST_SECTION_HEADING_WORDS.contains(&e.words)
            && ev.get(k + 1).is_some_and(|n| n.prose)
    };
    heading(i) && ev[lead].prose && (lead + 1..end).any(|k| heading(k) && ev[k - 1].prose)
}

/// The headline printed again with its last words left off (`تركيب 120 عداداً` under `تركيب
/// 120 عداداً يخفض الهدر`): a copy of the title, not a heading of the body.
fn shortened_headline(line: &Unit, title: &Unit) -> bool {
    !line.key.is_empty() && opens_with(&title.key, &line.key)
}

/// An agency's name alone on its line (`أ ف ب`, `وكالات`), the page's credit for the story: a
/// newsroom desk's label (`متابعات`) credits no one.
fn agency_credit(u: &Unit, e: &Evidence) -> bool {
    e.furniture == Some(Furniture::Agency) && !DESK_LABELS.contains(&u.key.as_str())
}

/// The source a credit line names: a place before an outlet in brackets (`المدينة: (الموقع)`)
/// credits the bracketed name; an aggregator's `موقع كل يوم -أنباء تونس` credits the part
/// after the dash; any other credit is the whole line. A dash or colon closing the line is not
/// part of it (`سرت (ليبيا) (أ ف ب) –`).
pub(super) fn source_name(line: &str) -> &str {
    let line =
        line.trim_end_matches(|c: char| matches!(c, '-' | '–' | 'ـ' | ':') || c.is_whitespace());
    if let Some((place, inside)) = round_brackets(line) {
        if !place.trim().is_empty() && !inside.trim().is_empty() {
            return inside;
        }
    }
    match line.rsplit_once(['-', '–', '/']) {
        Some((_, name)) if !name.trim().is_empty() => name,
        _ => line,
    }
}

/// A line above the body (or between the title and the body): header furniture.
fn above_body(u: &Unit, e: &Evidence) -> Verdict {
    let aggregator_credit =
        u.key.starts_with("موقع ") && u.text.contains(['-', '–']) && e.words <= 8;
    match e.furniture {
        _ if aggregator_credit => Verdict::Source,
        Some(f) => Verdict::Drop(f.kind()),
        None if e.date.is_some() => Verdict::Drop(RemovedKind::Date),
        None => Verdict::Drop(RemovedKind::Header),
    }
}

/// A plain line inside the body right above a bulleted line (`المزايا` over `• …`): the
/// heading of that list, even of one word.
fn heads_bulleted_list(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let e = &ev[i];
    e.words >= 1
        && !e.bulleted
        && e.unmarked()
        && e.end != End::Trail
        && units.get(i + 1).is_some_and(|u| u.class == Class::Body)
        && ev.get(i + 1).is_some_and(|next| next.bulleted)
}

/// Fewest letters of a wrapped tail's one word (`واس`, an agency, is shorter).
const WRAPPED_TAIL_MIN_CHARS: usize = 4;

/// One word opening with the conjunction `و`, or closed by a full stop, right under a body
/// line left open (no closing stop): the end of that line's sentence, broken off by a hard wrap
/// (`… في محافظة تعز` over `والحديدة`, `… مطلع العام` over `المقبل.`), not a label.
fn wrapped_tail(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    lone_word_under_body(units, ev, i)
        && (units[i].key.starts_with('و') || ev[i].end == End::Stop)
        && ev[i - 1].prose
        && ev[i - 1].end == End::Open
}

/// One word alone on its line, longer than an agency's initials, right under a body line: what a
/// hard wrap may break off a sentence.
fn lone_word_under_body(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    i > 0
        && ev[i].words == 1
        && ev[i].unmarked()
        && units[i].key.chars().count() >= WRAPPED_TAIL_MIN_CHARS
        && units[i - 1].class == Class::Body
}

/// Fewest words of the line a hard wrap broke a sentence's first word from.
const WRAPPED_LINE_MIN_WORDS: usize = 8;

/// One word opening with the conjunction `و` between a closed body line and a body line that
/// goes on without one: the first word of that line's sentence, broken off by a hard wrap
/// (`… صلاحياته إليه.` / `وأعلن` / `الرئيس نقل …`), not a label.
fn wrapped_head(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    lone_word_under_body(units, ev, i)
        && i + 1 < units.len()
        && units[i].key.starts_with('و')
        && ev[i - 1].end == End::Stop
        && units[i + 1].class == Class::Body
        && ev[i + 1].unmarked()
        && ev[i + 1].words >= WRAPPED_LINE_MIN_WORDS
        && !units[i + 1].key.starts_with('و')
}

/// A line inside the body run; see the module notes.
fn inside_body(e: &Evidence) -> Verdict {
    if e.prose {
        return Verdict::Keep;
    }
    match e.furniture {
        Some(Furniture::TagList) => return Verdict::Tags,
        Some(f) => return Verdict::Drop(f.kind()),
        None => {}
    }
    if e.date.is_some() {
        return Verdict::Drop(RemovedKind::Date);
    }
    if e.teaser || e.copy {
        return Verdict::Drop(RemovedKind::Teaser);
    }
    if e.repeated {
        return Verdict::Drop(RemovedKind::Caption);
    }
    if e.bulleted || e.weak {
        return Verdict::Keep;
    }
    if e.words <= 1 {
        return Verdict::Drop(RemovedKind::Header);
    }
    if another_headline(e) {
        return Verdict::Related;
    }
    Verdict::Keep
}

/// A line joined like a headline (`أسباب الحادث: …`, four words or more: a dateline's two
/// parts are shorter) with a paragraph right under it.
fn joint_subhead_at(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let e = &ev[i];
    units[i].class == Class::Body
        && e.headline_joint
        && e.words >= 4
        && !e.prose
        && e.end != End::Trail
        && matches!(e.furniture, None | Some(Furniture::Dateline))
        && e.date.is_none()
        && units.get(i + 1).is_some_and(|u| u.class == Class::Body)
        && ev.get(i + 1).is_some_and(|next| next.prose)
}

/// Whether the body is cut into sections by such lines (two or more, each over a paragraph):
/// then they are its subheadings, not other articles' headlines, which stand alone. One such
/// line between two paragraphs counts with the plain section headings between paragraphs.
fn joint_subheads(units: &[Unit], ev: &[Evidence], start: usize, end: usize) -> bool {
    let joint: Vec<usize> = (start..=end)
        .filter(|&i| joint_subhead_at(units, ev, i))
        .take(MIN_JOINT_SUBHEADS)
        .collect();
    if joint.len() >= MIN_JOINT_SUBHEADS {
        return true;
    }
    let between = |i: usize| i > start && units[i - 1].class == Class::Body && ev[i - 1].prose;
    joint.iter().any(|&i| between(i))
        && (start + 1..end)
            .filter(|&i| plain_section_heading(units, ev, i))
            .take(MIN_JOINT_SUBHEADS)
            .count()
            + joint.len()
            >= MIN_JOINT_SUBHEADS
}

/// A short unpunctuated heading (two to six words) standing between two prose paragraphs, with
/// nothing else to show: a section heading of the body.
fn plain_section_heading(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let e = &ev[i];
    let body = |k: usize| units[k].class == Class::Body && ev[k].prose;
    units[i].class == Class::Body
        && !e.prose
        && !e.headline_joint
        && !e.bulleted
        && !e.teaser
        && !e.copy
        && e.unmarked()
        && e.end == End::Open
        && SECTION_HEADING_WORDS.contains(&e.words)
        && i > 0
        && body(i - 1)
        && i + 1 < units.len()
        && body(i + 1)
}

/// A topic and a colon (two words or more before it, `الجوائز النقدية: فلانة تتألق`; a
/// speaker's quote headline names one person, `بايدن: …`) over a paragraph that tells it (two
/// content words or more in common): that paragraph's subheading, even alone in the body and
/// shaped like a dateline.
fn heads_next_paragraph(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let topic = units[i]
        .text
        .split_once(':')
        .is_some_and(|(label, _)| label.split_whitespace().count() >= 2);
    topic
        && joint_subhead_at(units, ev, i)
        && shared_words(&ev[i].content, &ev[i + 1].content) >= SUBHEAD_MIN_SHARED
}

/// A one-word line over a prose paragraph that opens with that word (`المنشآت` over `المنشآت
/// السياحية هي …`): the heading of the term the paragraph sets out, not a stray control.
fn names_next_paragraph(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let (u, e) = (&units[i], &ev[i]);
    e.words == 1
        && u.class == Class::Body
        && !u.key.is_empty()
        && e.unmarked()
        && units
            .get(i + 1)
            .is_some_and(|n| n.class == Class::Body && opens_with(&n.key, &u.key))
        && ev.get(i + 1).is_some_and(|n| n.prose)
}

/// A short line of Arabic and Latin words (`سلسلة Galaxy S23`) over a paragraph that names
/// the same things, or a numbered Latin line over a paragraph (`1. Monster: The Story`, an
/// item of a ranking): the section's heading, not a foreign caption.
fn mixed_script_heading(units: &[Unit], ev: &[Evidence], i: usize, end: usize) -> bool {
    let text = &units[i].text;
    let Some(next) = ev.get(i + 1) else {
        return false;
    };
    // A ranking's item is told in a sentence or two, often closed by a credit in brackets.
    let told = next.prose
        || (next.furniture.is_none()
            && next.date.is_none()
            && !next.foreign
            && next.words >= NUMBERED_ITEM_MIN_WORDS);
    ev[i].furniture == Some(Furniture::Foreign)
        && i < end
        && ((numbered(text) && told)
            || (next.prose
                && text
                    .chars()
                    .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c) && is_alphabetic(c))
                && shared_words(&ev[i].content, &ev[i + 1].content) >= SUBHEAD_MIN_SHARED))
}

/// Fewest words of the line telling a numbered item for the item's line to be its heading.
const NUMBERED_ITEM_MIN_WORDS: usize = 6;

/// A line opened by an item number: one or two digits, then `.`, `)` or `-`, then a space.
fn numbered(text: &str) -> bool {
    leading_number(text).is_some_and(|(_, rest)| {
        let mut rest = rest.chars();
        matches!(rest.next(), Some('.' | ')' | '-')) && rest.next().is_some_and(char::is_whitespace)
    })
}

/// The number of one or two digits (Western, Arabic-Indic or Persian) opening a line, and the
/// text after it.
fn leading_number(text: &str) -> Option<(usize, &str)> {
    let t = text.trim_start();
    let mut n = 0;
    for (k, (at, c)) in t.char_indices().enumerate() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
            '\u{06f0}'..='\u{06f9}' => c as u32 - 0x06f0,
            _ => return (k > 0).then(|| (n, &t[at..])),
        };
        if k == 2 {
            return None;
        }
        n = n * 10 + d as usize;
    }
    (!t.is_empty()).then_some((n, ""))
}

/// A line with `..` between its parts standing alone between two prose paragraphs that tells
/// the article's own story (two content words or more shared with the title or with the
/// paragraphs around it, `صدمة للجمهور.. رحيل مفاجئ`): a section heading, not another
/// article's headline.
fn own_joint_heading(units: &[Unit], ev: &[Evidence], i: usize, title: Option<usize>) -> bool {
    let e = &ev[i];
    let prose = |k: usize| units[k].class == Class::Body && ev[k].prose;
    if !(e.headline_joint
        && !e.prose
        && e.end == End::Open
        && !e.teaser
        && !e.copy
        && e.unmarked()
        && units[i].text.contains("..")
        && i > 0
        && i + 1 < units.len()
        && prose(i - 1)
        && prose(i + 1))
    {
        return false;
    }
    let told = |w: &u64| {
        [Some(i - 1), Some(i + 1), title]
            .into_iter()
            .flatten()
            .any(|k| ev[k].content.binary_search(w).is_ok())
    };
    e.content.iter().filter(|w| told(w)).count() >= SUBHEAD_MIN_SHARED
}

/// A headline of another article standing between paragraphs: a speaker's quote headline
/// (`بايدن: لم أطلب …`), a headline with `..` joints, or one cut with an ellipsis.
/// A row of data: a label, a colon and a figure with at most its unit (`الدولار: 3.75 ريال`,
/// `الفريق: 12 نقطة`). After the body it is a sidebar's table, not a headline.
fn data_row(text: &str) -> bool {
    text.split_once([':', '：']).is_some_and(|(label, value)| {
        let value = value.trim();
        !label.trim().is_empty()
            && value.starts_with(is_digit)
            && value.split_whitespace().count() <= 2
    })
}

fn another_headline(e: &Evidence) -> bool {
    e.words >= 4 && e.end != End::Stop && (e.headline_joint || e.end == End::Trail)
}

/// A line after the body run: another article's headline, a source credit, or footer.
fn after_body(u: &Unit, e: &Evidence) -> Verdict {
    match e.furniture {
        Some(Furniture::Agency | Furniture::Outlet) => Verdict::Source,
        Some(Furniture::TagList) => Verdict::Tags,
        Some(f) => Verdict::Drop(f.kind()),
        None if e.date.is_some() => Verdict::Drop(RemovedKind::Date),
        None if data_row(&u.text) => Verdict::Drop(RemovedKind::Widget),
        None if e.words >= 4 && e.end != End::Stop && !e.prose && !u.text.is_empty() => {
            Verdict::Related
        }
        None => Verdict::Drop(RemovedKind::Footer),
    }
}

/// A paragraph printed twice in a row (a standfirst repeating the lead word for word, a
/// paragraph doubled by the page's template) is the article's once: the first copy goes, also
/// when the first copy carries the byline glued after the lead's words (`… الشتاء. اسم الموقع/
/// المدينة/ من فلان:`).
fn drop_doubled_paragraphs(
    units: &[Unit],
    ev: &[Evidence],
    start: usize,
    end: usize,
    verdicts: &mut [Verdict],
) {
    for i in start + 1..=end.min(units.len().saturating_sub(1)) {
        let doubled = ev[i].prose
            && verdicts[i] == Verdict::Keep
            && verdicts[i - 1] == Verdict::Keep
            && !units[i].key.is_empty()
            && (units[i - 1].key == units[i].key
                || (ev[i].words >= LEAD_MIN_WORDS
                    && byline_tail(&units[i - 1].key, &units[i].key)));
        if doubled {
            verdicts[i - 1] = Verdict::Drop(RemovedKind::Standfirst);
        }
    }
}

/// Is `first` the paragraph `second` with a short byline glued after it?
fn byline_tail(first: &str, second: &str) -> bool {
    first
        .strip_prefix(second)
        .and_then(|rest| rest.strip_prefix(' '))
        .is_some_and(|tail| {
            memchr::memchr_iter(b' ', tail.as_bytes()).count() < GLUED_BYLINE_MAX_WORDS
        })
}

/// The headline printed again inside the body is a picture's text; of two short plain lines
/// between it and the next paragraph, the first is the picture's caption and the second the
/// section's heading. A single short line there heads the paragraph and stays.
fn drop_caption_under_repeated_title(
    units: &[Unit],
    ev: &[Evidence],
    title: Option<usize>,
    start: usize,
    end: usize,
    verdicts: &mut [Verdict],
) {
    let Some(t) = title else { return };
    let plain = |i: usize, verdicts: &[Verdict]| {
        units[i].class == Class::Body
            && verdicts[i] == Verdict::Keep
            && !ev[i].prose
            && !ev[i].bulleted
            && ev[i].end == End::Open
            && ev[i].words <= CAPTION_MAX_WORDS
    };
    for i in start.max(t + 1)..end.min(units.len().saturating_sub(3)) {
        let caption = units[i].key == units[t].key
            && !units[i].key.is_empty()
            && plain(i + 1, verdicts)
            && plain(i + 2, verdicts)
            && units[i + 3].class == Class::Body
            && ev[i + 3].prose;
        if caption {
            verdicts[i + 1] = Verdict::Drop(RemovedKind::Caption);
        }
    }
}

/// A page cut off mid-paragraph (an excerpt) ends with a line too short to be prose: when the
/// page ends within [`CUT_TAIL_LINES`] plain lines of the body (one more when a lead-in closed
/// by a colon stands right above the last) and the last reads like the start of a sentence (a
/// bulleted one only when it continues a list of the body, see [`stray_item`]; any line right
/// under a heading that asks a question, as it opens the answer), those lines are the
/// article's.
fn keep_cut_paragraph(
    units: &[Unit],
    ev: &[Evidence],
    body_end: usize,
    cut: usize,
    verdicts: &mut [Verdict],
) {
    let n = units.len();
    if cut != n || body_end + 1 >= n {
        return;
    }
    // Embedded posts may stand between the body and its cut-off end; so may a caption or a
    // read-also box (its label and one headline) before a last line that carries the body on.
    let carried = carries_body_on(units, ev, body_end, verdicts);
    let tail: Vec<usize> = (body_end + 1..n)
        .filter(|&i| {
            ev[i].furniture != Some(Furniture::Embed) && !(carried && boxed_between(units, ev, i))
        })
        .collect();
    // A lead-in closed by a colon (`البنك يؤكد:`) right above the last line opens it: the two
    // read as one.
    let lead_in = tail.len() >= 2 && {
        let k = tail[tail.len() - 2];
        k + 1 == n - 1
            && ev[k].words >= 2
            && !ev[k].bulleted
            && units[k].text.trim_end().ends_with([':', '：'])
    };
    let most = CUT_TAIL_LINES + usize::from(lead_in);
    if tail.is_empty() || tail.len() > most || tail.last() != Some(&(n - 1)) {
        return;
    }
    let last = &ev[n - 1];
    // A heading right under the body over a bulleted last line that reads as a sentence and
    // names what the heading names: that heading's list, its first item cut off (a read-also
    // item is a headline under a label). The heading may join a topic and a name with a colon
    // (`الشركة المشغلة: الاسم`), as datelines do.
    let headed_item = tail.len() == 2
        && tail[0] == body_end + 1
        && tail[0] + 1 == n - 1
        && !ev[tail[0]].bulleted
        && last.bulleted
        && last.function_words >= ITEM_SENTENCE_FUNCTION_WORDS
        && shared_words(&ev[tail[0]].content, &last.content) >= 1;
    let plain = tail.iter().all(|&i| {
        let heading = headed_item && i == tail[0];
        units[i].class == Class::Body
            && (ev[i].furniture.is_none()
                || (heading && ev[i].furniture == Some(Furniture::Dateline)))
            && ev[i].date.is_none()
            && !ev[i].repeated
            && !ev[i].prose
            && !ev[i].restarts
    });
    let stray = !headed_item && stray_item(units, ev, n - 1, body_end);
    let next_item = last.bulleted && !stray;
    // A heading that asks (`ما هو المقصود بالقانون؟`) right above the last line: its answer.
    let answers = tail.len() >= 2 && tail[tail.len() - 2] + 1 == n - 1 && ev[n - 2].end == End::Ask;
    let opens_sentence = last.words >= 2
        && matches!(last.end, End::Open)
        && !stray
        && (last.function_words >= 1 || units[n - 1].key.starts_with('و') || next_item || answers);
    if plain && opens_sentence {
        for i in tail {
            verdicts[i] = Verdict::Keep;
        }
    }
}

/// The headline's first words printed again after the body (the headline repeated under the
/// article and cut off, often with the page): a copy of the title, neither the body's last line
/// nor another article's headline.
fn drop_cut_title_copies(
    units: &[Unit],
    ev: &[Evidence],
    title: Option<usize>,
    body_end: usize,
    verdicts: &mut [Verdict],
) {
    let Some(t) = title else {
        return;
    };
    for i in body_end + 1..units.len() {
        let copy = units[i].class == Class::Body
            && ev[i].words >= 3
            && matches!(verdicts[i], Verdict::Keep | Verdict::Related)
            && shortened_headline(&units[i], &units[t]);
        if copy {
            verdicts[i] = Verdict::Drop(RemovedKind::Caption);
        }
    }
}

/// The page's last line opens with `و` and shares a content word with a paragraph of the body:
/// the body carried on past a box, not the next article's lead (leads do not open with `و`).
fn carries_body_on(units: &[Unit], ev: &[Evidence], body_end: usize, verdicts: &[Verdict]) -> bool {
    let last = units.len() - 1;
    !ev[last].bulleted
        && units[last].key.starts_with('و')
        && !ev[last].content.is_empty()
        && (0..=body_end).any(|i| {
            verdicts[i] == Verdict::Keep && shared_words(&ev[i].content, &ev[last].content) > 0
        })
}

/// A caption or a line in Latin letters only (a photo credit), a read-also label
/// alone, or the one line right under such a label: a box the page prints inside the body.
fn boxed_between(units: &[Unit], ev: &[Evidence], i: usize) -> bool {
    let label = |k: usize| matches!(units[k].class, Class::ReadAlso { .. });
    matches!(
        ev[i].furniture,
        Some(Furniture::Caption | Furniture::Foreign)
    ) || label(i)
        || (i > 0 && label(i - 1))
}

/// A bulleted line after the body that continues no list of the body (no body line opens with
/// the same bullet) and is not the first item of a list the body's last line opens with a
/// colon: a read-also item, not the article's last words.
fn stray_item(units: &[Unit], ev: &[Evidence], i: usize, body_end: usize) -> bool {
    let bullet = |k: usize| units[k].text.trim_start().chars().next();
    let opened = i == body_end + 1 && units[body_end].text.trim_end().ends_with([':', '：']);
    ev[i].bulleted && !opened && !(0..=body_end).any(|k| ev[k].bulleted && bullet(k) == bullet(i))
}

/// The line right after the body, when nothing but widgets and furniture follows it to the end
/// of the page, is the article's closing line (`مبروك لأبطال مصر .. مبروك`), not another
/// article's headline: related headlines come in lists or before a page's footer labels. A stray
/// bulleted item ([`stray_item`]) is no closing line; a line in another script there (a wire
/// photo's English caption, a post's copy) is no headline either: it is dropped.
fn keep_closing_line(
    units: &[Unit],
    ev: &[Evidence],
    body_end: usize,
    cut: usize,
    verdicts: &mut [Verdict],
) {
    let next = body_end + 1;
    if next >= cut
        || verdicts[next] != Verdict::Related
        || cut != units.len()
        || stray_item(units, ev, next, body_end)
    {
        return;
    }
    if ev[next].foreign {
        verdicts[next] = Verdict::Drop(RemovedKind::Caption);
        return;
    }
    let only_furniture_after = (next + 1..units.len()).all(|i| {
        matches!(units[i].class, Class::Furniture | Class::Ad)
            || (units[i].class == Class::Body
                && ev[i].furniture.is_some_and(|f| {
                    matches!(
                        f,
                        Furniture::Widget
                            | Furniture::Notice
                            | Furniture::Dialog
                            | Furniture::Comment
                    )
                }))
    });
    if only_furniture_after {
        verdicts[next] = if unlabelled_tags(units, ev, next, body_end) {
            Verdict::Tags
        } else {
            Verdict::Keep
        };
    }
}

/// Fewest words of a tags line printed without a label or separators.
const BARE_TAGS_MIN_WORDS: usize = 5;
/// Share of a bare tags line's content words that the title and body name.
const BARE_TAGS_NAMED_SHARE: f64 = 0.75;

/// A line after the body that is names only, with no function word and no punctuation, most of
/// them named by the article (`البلد العاصمة الجيش …` under a report on them): the story's tags
/// printed without a label or separators, not its closing line.
fn unlabelled_tags(units: &[Unit], ev: &[Evidence], i: usize, body_end: usize) -> bool {
    let e = &ev[i];
    if e.words < BARE_TAGS_MIN_WORDS
        || e.function_words > 0
        || e.content.is_empty()
        || units[i]
            .text
            .contains(|c: char| c.is_ascii_punctuation() || "،؛؟«»“”…".contains(c))
    {
        return false;
    }
    let mut named: Vec<u64> = ev[..=body_end]
        .iter()
        .flat_map(|a| a.content.iter().copied())
        .collect();
    named.sort_unstable();
    named.dedup();
    shared_words(&e.content, &named) as f64 >= BARE_TAGS_NAMED_SHARE * e.content.len() as f64
}

/// Lines between a decree's last article and its issue line: the signer's title and name.
const SIGNER_LINES: usize = 2;

/// A decree quoted whole closes with its signer and its issue line (`صدر بقصر … في: 13 شعبان
/// 1444 هـ`, then perhaps its Gregorian date, `الموافق: 5 مارس 2023 م.`). When an issue line
/// stands right after the body, or under at most [`SIGNER_LINES`] lines, those lines and a
/// `الموافق` line under it are the decree's end: they stay.
fn keep_decree_closing(
    units: &[Unit],
    ev: &[Evidence],
    body_end: usize,
    cut: usize,
    verdicts: &mut [Verdict],
) {
    let issue_line = |i: usize| {
        units[i].class == Class::Body
            && opens_with(&units[i].key, "صدر")
            && ev[i].words <= TITLE_MAX_WORDS
            && units[i]
                .key
                .split(' ')
                .any(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
    };
    let reach = (body_end + 2 + SIGNER_LINES).min(cut);
    let Some(issue) = (body_end + 1..reach).find(|&i| issue_line(i)) else {
        return;
    };
    if (body_end + 1..issue).any(|i| units[i].class != Class::Body || ev[i].prose) {
        return;
    }
    for verdict in &mut verdicts[body_end + 1..=issue] {
        *verdict = Verdict::Keep;
    }
    let next = issue + 1;
    if next < cut && units[next].class == Class::Body && opens_with(&units[next].key, "الموافق")
    {
        verdicts[next] = Verdict::Keep;
    }
}

/// A lone headline-shaped line between the body and a read-also or related label (`تطوير
/// شامل للشبكة` over `اقرأ أيضاً`) is the body's last heading or its short last line, with a
/// box of links printed under it: other articles' headlines stand under such labels, not
/// above them.
fn keep_heading_over_list(
    units: &[Unit],
    ev: &[Evidence],
    body_end: usize,
    cut: usize,
    verdicts: &mut [Verdict],
) {
    let next = body_end + 1;
    if next >= cut || verdicts[next] != Verdict::Related {
        return;
    }
    let under_label = units
        .get(next + 1)
        .is_some_and(|u| matches!(u.class, Class::ReadAlso { .. } | Class::RelatedHeading));
    let e = &ev[next];
    if under_label && !another_headline(e) && !e.bulleted && !e.repeated {
        verdicts[next] = Verdict::Keep;
    }
}

/// The headlines right under a related-list heading inside the body (`أخبار ذات صلة` between
/// two paragraphs) are that list's items, not subheadings: up to the next line of prose.
fn relate_items_under_heading(
    units: &[Unit],
    ev: &[Evidence],
    start: usize,
    body_end: usize,
    verdicts: &mut [Verdict],
) {
    mark_items_under(
        start,
        body_end,
        verdicts,
        Verdict::Related,
        |i, _| units[i].class == Class::RelatedHeading,
        |j, verdicts| {
            units[j].class == Class::Body
                && !ev[j].prose
                && verdicts[j] == Verdict::Keep
                && (ev[j].bulleted || linked_headline(&units[j].text))
        },
    );
}

/// Gives `verdict` to the lines right under each line of the body that `opens` a list (from
/// `start`, before `body_end`), up to the first that is not an `item`, or `body_end`.
fn mark_items_under(
    start: usize,
    body_end: usize,
    verdicts: &mut [Verdict],
    verdict: Verdict,
    opens: impl Fn(usize, &[Verdict]) -> bool,
    item: impl Fn(usize, &[Verdict]) -> bool,
) {
    for i in start..body_end {
        if !opens(i, verdicts) {
            continue;
        }
        for j in i + 1..=body_end {
            if !item(j, verdicts) {
                break;
            }
            verdicts[j] = verdict;
        }
    }
}

/// Lines numbered in sequence (`1 …`, `2 …`, `3 …`, two or more) right after a body whose
/// last line opens a list with a colon (`ومن أشهر الطرق هي:`) are that list's items, even where
/// the page is cut before another paragraph: read-also headlines carry no running numbers. So
/// are two or more short bulleted lines in a row there (`- الاسم (النادي)`), and a short line
/// closed by a colon right after them opens the next such list (`أما باقي الجوائز فشملت:`).
fn keep_closing_list(
    units: &[Unit],
    ev: &[Evidence],
    body_end: usize,
    cut: usize,
    verdicts: &mut [Verdict],
) {
    let opens = |i: usize| units[i].text.trim_end().ends_with([':', '：']);
    if verdicts[body_end] != Verdict::Keep || !opens(body_end) {
        return;
    }
    let mut from = body_end + 1;
    loop {
        let numbered: Vec<usize> = (from..cut)
            .take_while(|&i| units[i].class != Class::Body || ev[i].furniture.is_none())
            .filter(|&i| units[i].class == Class::Body)
            .enumerate()
            .take_while(|&(k, i)| {
                ev[i].date.is_none() && item_number(&units[i].text) == Some(k + 1)
            })
            .map(|(_, i)| i)
            .collect();
        let bulleted: Vec<usize> = (from..cut)
            .take_while(|&i| {
                units[i].class == Class::Body
                    && ev[i].furniture.is_none()
                    && ev[i].date.is_none()
                    && ev[i].bulleted
                    && ev[i].words <= LIST_ITEM_MAX_WORDS
            })
            .collect();
        let items = if numbered.len() >= bulleted.len() {
            numbered
        } else {
            bulleted
        };
        let Some(&last) = items.last() else {
            return;
        };
        if items.len() < 2 {
            return;
        }
        for &i in &items {
            verdicts[i] = Verdict::Keep;
        }
        // A short line closed by a colon under the list opens the next one.
        let next = last + 1;
        let heading = next < cut
            && units[next].class == Class::Body
            && ev[next].furniture.is_none()
            && ev[next].date.is_none()
            && ev[next].words <= LIST_HEADING_MAX_WORDS
            && opens(next);
        if !heading {
            return;
        }
        from = next + 1;
        let more = (from..cut)
            .take_while(|&i| {
                units[i].class == Class::Body
                    && ev[i].furniture.is_none()
                    && (ev[i].bulleted || item_number(&units[i].text).is_some())
            })
            .count();
        if more < 2 {
            return;
        }
        verdicts[next] = Verdict::Keep;
    }
}

/// A table of figures right after the body (`الفريق: 12 نقطة` on each line), under a heading
/// that names what the body names (`ترتيب المجموعة …`), closes the article: a match report's
/// standings, a market report's prices. The heading must share a content word with the body,
/// so a sidebar's table (currency rates on every page) stays out.
fn keep_closing_table(
    units: &[Unit],
    ev: &[Evidence],
    table: &[bool],
    body: Run,
    cut: usize,
    verdicts: &mut [Verdict],
) {
    let heading = body.end + 1;
    if heading >= cut
        || verdicts[body.end] != Verdict::Keep
        || figure_line(&units[heading], &ev[heading])
    {
        return;
    }
    let h = &ev[heading];
    let plain = units[heading].class == Class::Body
        && !h.prose
        && h.date.is_none()
        && h.furniture.is_none()
        && !h.repeated
        && !h.bulleted;
    let rows: Vec<usize> = (heading + 1..cut)
        .take_while(|&i| table[i] && units[i].class == Class::Body)
        .collect();
    let figures = rows
        .iter()
        .filter(|&&i| figure_line(&units[i], &ev[i]))
        .count();
    let named = (body.start..=body.end).any(|i| shared_words(&h.content, &ev[i].content) > 0);
    if plain && named && figures >= MIN_TABLE_ROWS {
        verdicts[heading] = Verdict::Keep;
        for i in rows {
            verdicts[i] = Verdict::Keep;
        }
    }
}

/// Lines of figures right under a paragraph of the body that announces them with a colon (`…
/// على الأرقام التالية:` over `📞 01270055785`, one number a line) are that list's items, not
/// counters: up to the first line that is not one.
fn keep_figures_under_colon(
    units: &[Unit],
    ev: &[Evidence],
    start: usize,
    body_end: usize,
    verdicts: &mut [Verdict],
) {
    mark_items_under(
        start,
        body_end,
        verdicts,
        Verdict::Keep,
        |i, verdicts| {
            verdicts[i] == Verdict::Keep
                && ev[i].prose
                && units[i].text.trim_end().ends_with([':', '：'])
        },
        |j, _| {
            units[j].class == Class::Body
                && !ev[j].prose
                && ev[j].date.is_none()
                && ev[j].words <= FIGURE_ITEM_MAX_WORDS
                && longest_digit_run(&units[j].text) >= FIGURE_ITEM_MIN_DIGITS
        },
    );
}

/// A photo gallery's captions set out as a list in the body: bulleted lines in a row that each
/// name a date, two of them or more closing on the date the picture was taken after a comma
/// (`- تعمل القوارب قرب الحطام، في بالتيمور، 27 مارس/آذار 2024.`), as wire photos are captioned.
fn drop_gallery_captions(
    units: &[Unit],
    ev: &[Evidence],
    start: usize,
    cut: usize,
    verdicts: &mut [Verdict],
) {
    let dated: Vec<bool> = (start..cut)
        .map(|i| {
            ev[i].bulleted && verdicts[i] == Verdict::Keep && find_date(&units[i].text).is_some()
        })
        .collect();
    let mut i = start;
    while i < cut {
        let run = (i..cut).take_while(|&k| dated[k - start]).count();
        let closing = (i..i + run)
            .filter(|&k| closes_on_date(&units[k].text))
            .count();
        if closing >= 2 {
            verdicts[i..i + run].fill(Verdict::Drop(RemovedKind::Caption));
        }
        i += run.max(1);
    }
}

/// Whether a line closes on a date after its last comma (`…، 26 مارس/آذار 2024.`).
fn closes_on_date(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches('.');
    t.rsplit_once(['،', ','])
        .is_some_and(|(_, tail)| parse_date(tail.trim()).is_some())
}

/// The longest run of digits in a line.
fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !is_digit(c))
        .map(|run| run.chars().count())
        .max()
        .unwrap_or(0)
}

/// The running number opening a list item (`3 التهريب …`, `٣- …`, `3) …`): digits, then a
/// space or a `.`/`-`/`)` mark and a space.
fn item_number(text: &str) -> Option<usize> {
    let (n, rest) = leading_number(text)?;
    let rest = rest.strip_prefix(['.', '-', ')', '–']).unwrap_or(rest);
    rest.starts_with(' ').then_some(n)
}

/// Where a date stands relative to the article, best first. Dates above the title, or far
/// above an untitled body, are the masthead's date of the day and never taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DatePlace {
    /// Between the title and the body.
    UnderTitle,
    /// Just above the body, the nearest to it (no title found).
    AboveBody,
    /// Inside or after the body.
    InBody,
    /// Right above the title (a blog's date header).
    AboveTitle,
    /// A print edition's line above the title (`العدد 4812 - الخميس 13 مارس 2025`).
    Edition,
    /// The capture's own date.
    Capture,
    /// In the dateline that opens the lead (`المدينة 14 يناير 2026 (وكالة) - …`).
    LeadDateline,
}

/// The article's date; see the module notes.
fn choose_date(
    units: &[Unit],
    ev: &[Evidence],
    title: Option<usize>,
    start: usize,
    cut: usize,
    capture_date: Option<String>,
) -> Option<String> {
    let head = title.unwrap_or(start);
    let twice_above = masthead_dates(units, ev, head);
    // A date line right above the first copy of a headline printed twice dates it (a blog's
    // date header over the headline, a label and the headline again).
    let first_copy = title.map(|t| {
        (0..t)
            .find(|&k| !units[t].key.is_empty() && units[k].key == units[t].key)
            .unwrap_or(t)
    });
    let mut best: Option<(DatePlace, usize, String, Option<usize>)> = None;
    let mut offer = |place: DatePlace, rank: usize, date: String, at: Option<usize>| {
        if best
            .as_ref()
            .is_none_or(|(p, r, _, _)| (place, rank) < (*p, *r))
        {
            best = Some((place, rank, date, at));
        }
    };
    for i in 0..cut {
        let Some(date) = date_of(units, ev, i) else {
            continue;
        };
        let edition = units[i].key.starts_with("العدد ");
        if twice_above.binary_search(&i).is_ok() {
            continue;
        }
        let place = match title {
            Some(t) if i < t && edition => DatePlace::Edition,
            Some(t)
                if (i + TITLE_DATE_REACH >= t || first_copy == Some(i + 1))
                    && i < t
                    && !crumbs_between(units, ev, i, t)
                    && !in_day_list(ev, i) =>
            {
                DatePlace::AboveTitle
            }
            Some(t) if i < t => continue,
            Some(_) if i < start => DatePlace::UnderTitle,
            None if i + DATE_REACH < start
                || (i == 0
                    && (i + 1 < start || weekday::names_weekday(&units[i].key))
                    && bare_date_line(&units[i])) =>
            {
                continue
            }
            None if i < start => DatePlace::AboveBody,
            _ => DatePlace::InBody,
        };
        let above = matches!(place, DatePlace::AboveTitle | DatePlace::AboveBody);
        if above && weekday::contradicted(&date, &units[i].text, lead_keys(units, ev, start, cut)) {
            continue;
        }
        let rank = match place {
            DatePlace::AboveBody => start - i,
            _ => i,
        };
        offer(place, rank, date, Some(i));
    }
    if let Some(k) = (start..cut.min(units.len())).find(|&k| ev[k].prose) {
        if let Some(date) = lead_dateline_date(&units[k].text)
            .or_else(|| glued_date_stamp(&units[k].text).map(|(date, _)| date))
        {
            offer(DatePlace::LeadDateline, k, date, Some(k));
        }
    }
    if let Some(d) = capture_date {
        offer(DatePlace::Capture, 0, d, None);
    }
    let (_, _, date, at) = best?;
    let Some(at) = at else {
        return Some(date);
    };
    Some(weekday::confirmed(
        date,
        &units[at].text,
        lead_keys(units, ev, start, cut),
    ))
}

/// The matching keys of the lead's first prose lines, where it names the weekday of "today".
fn lead_keys<'u>(
    units: &'u [Unit],
    ev: &'u [Evidence],
    start: usize,
    cut: usize,
) -> impl Iterator<Item = &'u str> {
    (start..cut.min(units.len()))
        .filter(|&k| ev[k].prose)
        .take(LEAD_LINES)
        .map(|k| units[k].key.as_str())
}

/// The date in the dateline that opens a lead, before its first dash (`بنغازي 14 يناير 2026 م
/// (وكالة) - …`, or a dash glued to the agency's bracket: `(وكالة)- …`) or closed by the
/// agency in brackets with no dash (`المدينة، 3 مايو 2025 (وكالة) …`), or after a writer's name
/// and a dash (`الاسم - المدينة في 20 ديسمبر 2023 - …`): the article's own date when the page
/// prints no date line.
fn lead_dateline_date(lead: &str) -> Option<String> {
    let (head, rest) = first_dash(lead).or_else(|| agency_closed(lead))?;
    let head_words = word_count(head);
    let dated = (head_words <= LEAD_DATELINE_MAX_WORDS)
        .then(|| find_date(head))
        .flatten();
    if dated.is_some() || head_words > LEAD_BYLINE_MAX_WORDS {
        return dated;
    }
    // A writer's name before the dateline: `الاسم - المدينة في 20 ديسمبر 2023 10:32 صباحاً - …`.
    let (place, _) = first_dash(rest)?;
    (word_count(place) <= LEAD_DATELINE_MAX_WORDS)
        .then(|| find_date(place))
        .flatten()
}

/// The date stamp glued to the head of the lead with no space (`01:40 - 07 أغسطس 2024بلغت …`):
/// the date, and the lead after it. The stamp is digits, a time, a month's name and dashes of
/// at most [`GLUED_STAMP_MAX_WORDS`] words, ending with a digit that touches the lead's first
/// letter.
pub(super) fn glued_date_stamp(lead: &str) -> Option<(String, &str)> {
    let lead = lead.trim_start();
    if !lead.starts_with(is_digit) {
        return None;
    }
    let mut prev = ' ';
    let mut spaces = 0;
    for (at, c) in lead.char_indices() {
        if is_digit(prev) && is_arabic_letter(c) {
            return find_date(&lead[..at]).map(|date| (date, &lead[at..]));
        }
        if c.is_whitespace() && !prev.is_whitespace() {
            spaces += 1;
            if spaces >= GLUED_STAMP_MAX_WORDS {
                return None;
            }
        }
        prev = c;
    }
    None
}

/// The lead split at its first dash of a dateline (` - `, ` – `, ` ـ `, `)- `, `)– `), found
/// in one pass: no two of them open at the same byte, so the first met is the one nearest
/// the start.
fn first_dash(lead: &str) -> Option<(&str, &str)> {
    let b = lead.as_bytes();
    memchr::memchr2_iter(b' ', b')', b).find_map(|at| {
        let dash = DATELINE_DASHES
            .iter()
            .find(|d| b[at..].starts_with(d.as_bytes()))?;
        Some((&lead[..at], &lead[at + dash.len()..]))
    })
}

/// The dashes closing a lead's dateline ([`first_dash`]).
const DATELINE_DASHES: [&str; 5] = [" - ", " – ", " ـ ", ")- ", ")– "];

/// A lead's head closed by a bracketed agency with no dash after it (`المدينة، 3 مايو 2025
/// (وكالة) …`): the head, up to the bracket, when a date ends it.
fn agency_closed(lead: &str) -> Option<(&str, &str)> {
    let (head, rest) = lead.split_once(" (")?;
    let (agency, _) = rest.split_once(')')?;
    let date_ends = head.chars().next_back().is_some_and(is_digit) || head.ends_with(" م");
    (date_ends && (1..=AGENCY_MAX_WORDS).contains(&word_count(agency))).then_some((head, rest))
}

/// Whether date line `i` stands beside another date line of another day (`2026/03/11` over
/// `2026/03/10`): a list of days to pick from in the page's header, not the headline's date.
fn in_day_list(ev: &[Evidence], i: usize) -> bool {
    let day = |k: usize| {
        ev.get(k)
            .and_then(|e| e.date.as_deref())
            .map(|d| d.get(..10).unwrap_or(d))
    };
    let own = day(i);
    [i.checked_sub(1), Some(i + 1)]
        .into_iter()
        .flatten()
        .any(|k| day(k).is_some_and(|d| Some(d) != own))
}

/// Whether a breadcrumb stands between units `a` and title `b` (a crumb trail, or a bulleted
/// line whose last crumb is the headline itself): a date above the page's navigation is the
/// masthead's date of the day, not the headline's under it.
fn crumbs_between(units: &[Unit], ev: &[Evidence], a: usize, b: usize) -> bool {
    let headline = units[b].key.as_str();
    (a + 1..b).any(|k| {
        ev[k].furniture == Some(Furniture::Breadcrumb)
            || (ev[k].bulleted && !headline.is_empty() && units[k].key.ends_with(headline))
            || site_menu(&units[k], &ev[k])
    })
}

/// The date lines above the article (`head`, its title or first line) whose day is printed
/// twice there (alone or with a time), sorted: the masthead's date of the day, repeated by the
/// page's header; an article prints its own date once there.
fn masthead_dates(units: &[Unit], ev: &[Evidence], head: usize) -> Vec<usize> {
    let mut dated: Vec<(&str, usize)> = (0..head.min(units.len()))
        .filter_map(|i| ev[i].date.as_deref().map(|d| (d.get(..10).unwrap_or(d), i)))
        .collect();
    dated.sort_unstable();
    let mut twice: Vec<usize> = dated
        .iter()
        .enumerate()
        .filter(|&(k, &(key, _))| {
            dated.get(k + 1).is_some_and(|n| n.0 == key)
                || k.checked_sub(1).is_some_and(|p| dated[p].0 == key)
        })
        .map(|(_, &(_, i))| i)
        .collect();
    twice.sort_unstable();
    twice
}

/// A plain line holding only a date, no label: at the top of an untitled page it is the
/// masthead's date of the day, unless the lead follows it right away and it names no weekday
/// (a page that opens on its article's date). A press release's dated place line is the article's.
fn bare_date_line(unit: &Unit) -> bool {
    unit.class == Class::Body
        && !unit.text.contains(':')
        && dated_place_line(&unit.text).is_none()
        && credited_date_line(&unit.text).is_none()
}

/// The date unit `i` gives: a labelled date line (its value, or the next line when the label
/// stands alone), a date line, or a byline holding a date.
fn date_of(units: &[Unit], ev: &[Evidence], i: usize) -> Option<String> {
    match &units[i].class {
        Class::Date(Some(v)) => parse_date(v).or_else(|| find_date(v)),
        Class::Date(None) => units
            .get(i + 1)
            .filter(|u| u.class == Class::Body)
            .and_then(|_| ev[i + 1].date.clone()),
        Class::Byline => find_date(&units[i].text),
        Class::Body => ev[i].date.clone(),
        _ => None,
    }
}

/// A page without prose (short unpunctuated lines only): every plain line is kept but for
/// furniture; the first plain line (neither furniture nor a date) is the title when a date line
/// follows it or it is printed twice (and its copy is header).
fn without_prose(units: &[Unit], ev: &[Evidence], capture_date: Option<String>) -> Layout {
    let n = units.len();
    let first = units
        .iter()
        .zip(ev)
        .position(|(u, e)| u.class == Class::Body && e.furniture.is_none() && e.date.is_none());
    let title = first.filter(|&f| {
        headline_candidate(&units[f], &ev[f])
            && ev[f].words >= 2
            && (ev[f].repeated || (f + 1..(f + 4).min(n)).any(|j| is_date_line(units, ev, j)))
    });
    let verdicts = (0..n)
        .map(|i| {
            if Some(i) == title {
                Verdict::Title
            } else if let Some(f) = ev[i].furniture {
                Verdict::Drop(f.kind())
            } else if ev[i].date.is_some() {
                Verdict::Drop(RemovedKind::Date)
            } else if title.is_some_and(|t| units[t].key == units[i].key) {
                Verdict::Drop(RemovedKind::Header)
            } else {
                Verdict::Keep
            }
        })
        .collect();
    let start = title.map_or(0, |t| t + 1);
    let date = choose_date(units, ev, title, start, n, capture_date);
    Layout {
        verdicts,
        cut: n,
        body_start: None,
        date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_numbers_open_a_line_with_one_or_two_digits() {
        assert_eq!(item_number("3 التهريب عبر الحدود"), Some(3));
        assert_eq!(item_number("١٢- بند"), Some(12));
        assert_eq!(item_number("۷) بند"), Some(7));
        assert_eq!(item_number("123 بند"), None);
        assert_eq!(item_number("12"), None);
        assert_eq!(item_number(&"9".repeat(40)), None);
        assert!(numbered("1. Monster: The Story"));
        assert!(!numbered("1 Monster"));
        assert!(!numbered("2024. Title"));
    }

    #[test]
    fn first_dash_is_the_nearest_of_the_dateline_dashes() {
        for lead in [
            "بغداد - كتب فلان – الخبر",
            "القاهرة (وكالة)- الخبر - آخر",
            "دبي ـ الخبر",
            "الرياض – 3 مايو - الخبر",
            "بلا شرطة هنا",
            "(وكالة)– الخبر",
            "عمان -الخبر",
        ] {
            let nearest = DATELINE_DASHES
                .iter()
                .filter_map(|dash| lead.split_once(dash))
                .min_by_key(|(head, _)| head.len());
            assert_eq!(first_dash(lead), nearest, "{lead}");
        }
    }
}

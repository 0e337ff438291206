//! Judging the paragraphs of the chosen content one by one: furniture that sits inside the
//! article's container without a telling class (image credits, captions, author and role lines,
//! author bios, contributor credits, comment-policy notices, date lines, lone agency credits)
//! leaves the body. Each rule needs a short paragraph or a specific phrase, so prose is never
//! touched.

use super::super::dates::{find_date, parse_date};
use super::super::normalize::{match_key, strip_key_prefix};
use super::super::template::{key_hash, SiteHook};
use super::super::{Draft, RemovedKind};
use super::hints::Hints;
use super::title::SiteNames;

/// Longest paragraph (characters) that can be a caption or credit.
const MAX_CAPTION_CHARS: usize = 120;
/// Longest paragraph (characters) that can be a date line.
const MAX_DATE_CHARS: usize = 80;
/// Paragraphs kept from the top among which a date line is looked for (lower down, a line that
/// parses as a date is more often a quoted post's signature or a list entry); furniture
/// removed above does not count.
const DATE_LINE_REACH: usize = 3;
/// Most words of a dateline standing alone.
const MAX_DATELINE_WORDS: usize = 7;
/// Most words of an author/role line.
const MAX_ROLE_WORDS: usize = 8;
/// Most words of the name line standing above a role line.
const MAX_NAME_WORDS: usize = 4;
/// Most words of an author bio closing the article.
const MAX_BIO_WORDS: usize = 50;
/// Most words of a paragraph searched for the comment-policy notices of the `[html]` list.
const MAX_NOTICE_WORDS: usize = 60;
/// Most words of a paragraph opened by a comment-area phrase.
const MAX_COMMENT_WORDS: usize = 12;

/// Separators between a name and a role, or a caption label and its text.
const SEPARATORS: [char; 9] = ['،', ',', ':', '-', '–', '—', '|', '/', '؛'];

fn word_count(key: &str) -> usize {
    if key.is_empty() {
        0
    } else {
        key.split(' ').count()
    }
}

/// Whether `key` holds `phrase` (both matching keys) as whole words.
fn has_phrase(key: &str, phrase: &str) -> bool {
    key.match_indices(phrase).any(|(at, _)| {
        let before = at == 0 || key.as_bytes()[at - 1] == b' ';
        let end = at + phrase.len();
        before && (end == key.len() || key.as_bytes()[end] == b' ')
    })
}

fn starts_with_phrase(key: &str, phrase: &str) -> bool {
    key.starts_with(phrase) && (key.len() == phrase.len() || key[phrase.len()..].starts_with(' '))
}

fn ends_with_phrase(key: &str, phrase: &str) -> bool {
    key.ends_with(phrase)
        && (key.len() == phrase.len() || key[..key.len() - phrase.len()].ends_with(' '))
}

/// Whether a paragraph ends like a sentence (or holds one).
fn has_sentence_punctuation(para: &str) -> bool {
    para.contains(['.', '!', '?', '؟', '۔'])
}

/// A caption or an image credit: opened by a caption label (`صدر الصورة، Getty Images`,
/// `صورة أرشيفية`), or a lone credit (`(رويترز)`, `Getty Images`). One-word labels
/// (`صورة`, `Photo`) count only before a separator or on a line of a few words.
fn is_caption(para: &str, key: &str, hints: &Hints) -> bool {
    if para.chars().count() > MAX_CAPTION_CHARS {
        return false;
    }
    if is_lone_credit(para, key, hints) {
        return true;
    }
    hints.captions.iter().any(|c| {
        if !starts_with_phrase(key, c) {
            return false;
        }
        if c.contains(' ') || word_count(key) <= MAX_ROLE_WORDS {
            return true;
        }
        strip_key_prefix(para, c)
            .map(|rest| rest.trim_start())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(SEPARATORS))
    })
}

/// A paragraph that is only an agency or credit name, bare or in brackets.
fn is_lone_credit(para: &str, key: &str, hints: &Hints) -> bool {
    para.chars().count() <= 40
        && hints
            .agencies
            .iter()
            .chain(&hints.captions)
            .any(|a| key == a)
}

/// A paragraph that is only an agency name, unbracketed (`وكالات`, `واس`): a source line.
fn is_agency_line(para: &str, key: &str, hints: &Hints) -> bool {
    para.chars().count() <= 40 && !para.starts_with('(') && hints.agencies.iter().any(|a| key == a)
}

/// A short line that is a date (a time, zone or label beside it), not a post's signature.
fn is_date_line(para: &str) -> bool {
    para.chars().count() <= MAX_DATE_CHARS && !para.contains('@') && parse_date(para).is_some()
}

/// A dateline standing alone: a place, a separator and the site or an agency
/// (`الموصل - شبكة الرافدين`, `بغداد - وكالات`).
fn is_dateline(para: &str, key: &str, hints: &Hints, site: &SiteNames) -> bool {
    if word_count(key) > MAX_DATELINE_WORDS || has_sentence_punctuation(para) {
        return false;
    }
    let mut parts = para.splitn(2, SEPARATORS);
    let (Some(place), Some(who)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (place, who) = (match_key(place), who.trim());
    let place_words = word_count(&place);
    let who_key = match_key(who);
    (1..=3).contains(&place_words)
        && !who_key.is_empty()
        && (site.names(who) || hints.agencies.contains(&who_key))
}

/// A short line naming an author's role: the role opens or ends it, or follows a separator
/// (`مراسل بي بي سي`, `سامر الخطيب - محرر`, `Jane Doe, Reporter`).
fn is_role_line(para: &str, key: &str, hints: &Hints) -> bool {
    if word_count(key) > MAX_ROLE_WORDS || has_sentence_punctuation(para) {
        return false;
    }
    let segments = para.split(SEPARATORS).map(match_key);
    let mut keys = std::iter::once(key.to_string()).chain(segments);
    keys.any(|k| {
        hints
            .author_roles
            .iter()
            .any(|r| starts_with_phrase(&k, r) || ends_with_phrase(&k, r))
    })
}

/// A short line that may be the author's name standing above a role line.
fn is_name_line(para: &str, key: &str) -> bool {
    let words = word_count(key);
    (1..=MAX_NAME_WORDS).contains(&words)
        && !has_sentence_punctuation(para)
        && !para.chars().any(|c| c.is_numeric())
}

/// An author bio closing the article: opened by a role word (`كاتب وصحفي أردني …`), not by
/// a label (`Editor's note: …`).
fn is_bio(para: &str, key: &str, hints: &Hints) -> bool {
    let body = para.trim_start_matches(['*', ' ', '-', '–']);
    let opening: String = body.split_whitespace().take(3).collect();
    if opening.contains(':') {
        return false;
    }
    let key = if body.len() < para.len() {
        match_key(body)
    } else {
        key.to_string()
    };
    word_count(&key) <= MAX_BIO_WORDS
        && hints
            .author_roles
            .iter()
            .any(|r| starts_with_phrase(&key, r))
}

/// A comment-policy notice, or the opening of a comment area. (Copyright lines are left
/// alone: some articles end with their agency's rights line.)
fn is_notice(key: &str, hints: &Hints) -> bool {
    let words = word_count(key);
    (words <= MAX_NOTICE_WORDS && hints.notices.iter().any(|n| has_phrase(key, n)))
        || (words <= MAX_COMMENT_WORDS && hints.comments.iter().any(|c| starts_with_phrase(key, c)))
}

/// Most words of a call to action (`تابعوا آخر الأخبار عبر قناتنا على تيليجرام`).
const MAX_CALL_WORDS: usize = 16;
/// Longest code line of digits and signs closing agency copy (`۲۱۴/ ۱۰۴۲`).
const MAX_CODE_CHARS: usize = 20;
/// Paragraphs from the end among which end marks and code lines are looked for.
const END_REACH: usize = 3;

/// An agency's end mark standing alone (`انتهای پیام/`, `/انتهى/`), codes beside it allowed.
fn is_end_mark(key: &str, hints: &Hints) -> bool {
    hints.end_marks.iter().any(|m| {
        key.strip_prefix(m.as_str())
            .is_some_and(|rest| rest.chars().all(|c| c == ' ' || c.is_ascii_digit()))
    })
}

/// A short line of digits cut by `/` or `*` without a letter (an editor's code, `۲۱۴/ ۱۰۴۲`,
/// `**۳۲۸۲`), not a date or a phone number.
fn is_code_line(para: &str) -> bool {
    para.chars().count() <= MAX_CODE_CHARS
        && para.contains(['/', '*'])
        && para.chars().any(|c| c.is_numeric())
        && !para.chars().any(char::is_alphabetic)
        && parse_date(para).is_none()
}

/// A call to action: a short line without sentence punctuation opened (or, verb last, closed)
/// by a call word and naming a channel (`تابعوا آخر الأخبار عبر قناتنا على تيليجرام`, `ہمیں
/// واٹس ایپ چینل پر فالو کریں`).
fn is_call_to_action(para: &str, key: &str, hints: &Hints) -> bool {
    word_count(key) <= MAX_CALL_WORDS
        && !has_sentence_punctuation(para)
        && hints
            .calls_to_action
            .iter()
            .any(|c| starts_with_phrase(key, c) || ends_with_phrase(key, c))
        && hints.channels.iter().any(|c| has_phrase(key, c))
}

/// Most words of a contributor credit (`ساهمت الكاتبة فلانة فلان في هذا التقرير.`).
const MAX_CREDIT_WORDS: usize = 16;

/// A contributor credit closing the article: a short paragraph that ends with a credit phrase
/// and holds a crediting word (`ساهمت الكاتبة فلانة في هذا التقرير.`, `Jane Doe contributed to
/// this report.`).
fn is_report_credit(key: &str, hints: &Hints) -> bool {
    word_count(key) <= MAX_CREDIT_WORDS
        && hints
            .report_credits
            .iter()
            .any(|c| ends_with_phrase(key, c))
        && hints.credit_words.iter().any(|w| has_phrase(key, w))
}

/// Most words of a widget line (`مدة القراءة: 4 دقائق`).
const MAX_WIDGET_WORDS: usize = 6;

/// A short line naming a widget with its count (`[html] widgets`: `مدة القراءة: 4 دقائق`).
fn is_widget_line(key: &str, hints: &Hints) -> bool {
    key.bytes().any(|b| b.is_ascii_digit())
        && word_count(key) <= MAX_WIDGET_WORDS
        && hints.widgets.iter().any(|w| has_phrase(key, w))
}

/// Longest line (characters) holding a date label and a date, with a dateline beside it.
const MAX_LABELLED_DATE_CHARS: usize = 110;

/// A short line holding a date label and a date, whatever else stands on it (`أبوظبي - الموقع
/// نشر في: 21 أكتوبر 2024 - 10:12`).
fn is_labelled_date_line(para: &str, key: &str, hints: &Hints) -> bool {
    para.chars().count() <= MAX_LABELLED_DATE_CHARS
        && hints.date_labels.iter().any(|l| has_phrase(key, l))
        && find_date(para).is_some()
}

/// Most words of the place (or byline label) before the name of a `place: name` line.
const MAX_PLACE_WORDS: usize = 2;

/// A byline opening the body: a place or a byline label, a colon and a name (`بغداد: سامر عبد
/// الوهاب`, `كتب: …`), without sentence punctuation.
fn is_place_byline(para: &str, hints: &Hints) -> bool {
    if has_sentence_punctuation(para) {
        return false;
    }
    let Some((place, name)) = para.split_once([':', '：']) else {
        return false;
    };
    let (place, name) = (match_key(place), name.trim());
    let name_key = match_key(name);
    let place_words = word_count(&place);
    (1..=MAX_PLACE_WORDS).contains(&place_words)
        && is_name_line(name, &name_key)
        && word_count(&name_key) >= 2
        && (place_words == 1 || hints.byline_labels.contains(&place))
}

/// The paragraph without an end mark closing it (`… داده است. انتهای پیام/`), if it has one
/// after some text of its own.
fn without_end_mark(para: &str, hints: &Hints) -> Option<String> {
    let words: Vec<(usize, &str)> = para
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - para.as_ptr() as usize, w))
        .collect();
    for m in &hints.end_marks {
        let n = m.split(' ').count();
        if words.len() <= n {
            continue;
        }
        let (at, _) = words[words.len() - n];
        if is_end_mark(&match_key(&para[at..]), hints) {
            let head = para[..at].trim_end_matches(|c: char| c.is_whitespace() || c == '/');
            return Some(head.to_string());
        }
    }
    None
}

/// One line of the content, in order: a paragraph, or a line continuing the previous one
/// after a single `<br>`.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The line's display text.
    pub text: String,
    /// Whether it continues the paragraph of the line before it.
    pub joins_prev: bool,
    /// Whether it is a subheading's text.
    pub heading: bool,
}

/// Removes the furniture lines from `units` and returns the paragraphs left, a continuing
/// line joined to its paragraph with a line break. Each removal is counted in `draft`; a date
/// line's date becomes the draft's date when it has none; a lone agency name closing the
/// article becomes a source. With site memory, lines of the site's template leave too
/// (`site_template`), and every line's key hash is reported in `draft.observed`.
pub fn sift(
    units: Vec<Unit>,
    hints: &Hints,
    site: &SiteNames,
    hook: SiteHook<'_>,
    draft: &mut Draft,
) -> Vec<String> {
    let mut kept: Vec<(Unit, String, usize)> = Vec::with_capacity(units.len());
    let total = units.len();
    for (idx, unit) in units.into_iter().enumerate() {
        let para = unit.text.as_str();
        // A paragraph longer than every kind of furniture line is kept without a look.
        if memchr::memchr_iter(b' ', para.as_bytes()).count() >= MAX_NOTICE_WORDS {
            kept.push((unit, String::new(), idx));
            continue;
        }
        let key = match_key(para);
        if hook.observe && !key.is_empty() {
            let hash = key_hash(&key);
            draft.observed.push((key.len(), hash));
            if hook.texts {
                draft.observed_texts.push((hash, para.to_string()));
            }
        }
        let last = idx + 1 == total;
        let near_end = idx + END_REACH >= total;
        let kind = if near_end && (is_end_mark(&key, hints) || is_code_line(para)) {
            Some(RemovedKind::EndMark)
        } else if last && is_agency_line(para, &key, hints) {
            let source = para.trim().to_string();
            if !draft.sources.contains(&source) {
                draft.sources.push(source);
            }
            Some(RemovedKind::Source)
        } else if is_caption(para, &key, hints) {
            Some(RemovedKind::Caption)
        } else if is_notice(&key, hints) {
            Some(RemovedKind::Comments)
        } else if kept.len() < DATE_LINE_REACH
            && (is_date_line(para) || is_labelled_date_line(para, &key, hints))
        {
            if draft.published_at.is_none() {
                draft.published_at = parse_date(para).or_else(|| find_date(para));
            }
            Some(RemovedKind::Date)
        } else if hook.is_template(&key) {
            Some(RemovedKind::SiteTemplate)
        } else if idx == 0 && total > 1 && is_place_byline(para, hints) {
            Some(RemovedKind::Byline)
        } else if kept.len() < DATE_LINE_REACH && is_dateline(para, &key, hints, site) {
            Some(RemovedKind::Dateline)
        } else if is_role_line(para, &key, hints) {
            if kept.last().is_some_and(|(u, k, _)| {
                is_name_line(&u.text, k) && !is_role_line(&u.text, k, hints)
            }) {
                kept.pop();
            }
            Some(RemovedKind::Byline)
        } else if kept.len() >= 2
            && ((idx + 2 >= total && is_bio(para, &key, hints))
                || (near_end && is_report_credit(&key, hints)))
        {
            // A closing author bio or contributor credit.
            Some(RemovedKind::Byline)
        } else if is_call_to_action(para, &key, hints) {
            Some(RemovedKind::CallToAction)
        } else if is_widget_line(&key, hints) {
            Some(RemovedKind::Widget)
        } else {
            None
        };
        match kind {
            Some(k) => draft.count_removed(k),
            None => kept.push((unit, key, idx)),
        }
    }
    // Subheadings closing the content head nothing of the article (a list's heading whose
    // list was removed).
    while kept.last().is_some_and(|(u, _, _)| u.heading) {
        kept.pop();
        draft.count_removed(RemovedKind::Related);
    }
    if let Some((unit, _, _)) = kept.last_mut() {
        if let Some(text) = without_end_mark(&unit.text, hints) {
            unit.text = text;
            draft.count_removed(RemovedKind::EndMark);
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(kept.len());
    let mut prev_idx: Option<usize> = None;
    for (unit, _, idx) in kept {
        let continues = unit.joins_prev && prev_idx.is_some_and(|p| p + 1 == idx);
        match out.last_mut() {
            Some(last) if continues => {
                last.push('\n');
                last.push_str(&unit.text);
            }
            _ => out.push(unit.text),
        }
        prev_idx = Some(idx);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Markers;

    fn run(paras: &[&str]) -> (Vec<String>, Draft) {
        let markers = Markers::default();
        let hints = markers.html.compiled(&markers.text);
        let mut draft = Draft::default();
        let units = paras
            .iter()
            .map(|s| Unit {
                text: s.to_string(),
                joins_prev: false,
                heading: false,
            })
            .collect();
        let site = SiteNames::new(["شبكة الرافدين"], None);
        let out = sift(units, hints, &site, SiteHook::default(), &mut draft);
        (out, draft)
    }

    const PROSE: &str = "قال وزير المالية إن الحكومة ستخفض الضرائب على الشركات الصغيرة، وتزيد الإنفاق على التعليم والصحة في العام المقبل.";

    #[test]
    fn image_credits_and_captions_leave_the_body() {
        let (out, d) = run(&[
            "صدر الصورة، Getty Images",
            PROSE,
            "مصدر الصورة، رويترز",
            "(رويترز)",
            "التعليق على الصورة، الوزير خلال المؤتمر الصحفي",
            "صورة أرشيفية",
            PROSE,
        ]);
        assert_eq!(out, vec![PROSE, PROSE]);
        assert_eq!(d.removed.get("caption"), Some(&5));
    }

    #[test]
    fn prose_opened_by_a_caption_word_stays() {
        let long = "صورة قاتمة رسمها التقرير الأممي الأخير عن أوضاع اللاجئين في المخيمات، إذ تحدث عن نقص حاد في الغذاء والدواء ومياه الشرب خلال الشتاء.";
        assert_eq!(run(&[long]).0, vec![long]);
    }

    #[test]
    fn author_name_and_role_lines_leave_the_body() {
        let (out, _) = run(&["سامر الخطيب", "مراسل الشؤون الاقتصادية", PROSE, PROSE]);
        assert_eq!(out, vec![PROSE, PROSE]);
        let (out, _) = run(&[PROSE, "ليلى حسن - محررة", PROSE]);
        assert_eq!(out, vec![PROSE, PROSE]);
    }

    #[test]
    fn a_closing_author_bio_leaves_the_body() {
        let bio = "كاتب وصحفي أردني، يكتب في الشؤون الاقتصادية منذ عشرين عاماً";
        let (out, _) = run(&[PROSE, PROSE, bio]);
        assert_eq!(out, vec![PROSE, PROSE]);
    }

    #[test]
    fn a_closing_contributor_credit_leaves_the_body() {
        let ar = "ساهمت الزميلة سلمى عبد الحق في إعداد هذا التقرير.";
        let (out, d) = run(&[PROSE, PROSE, ar]);
        assert_eq!(out, vec![PROSE, PROSE]);
        assert_eq!(d.removed.get("byline"), Some(&1));
        let en = "Jane Doe contributed to this report.";
        assert_eq!(run(&[PROSE, PROSE, en]).0, vec![PROSE, PROSE]);
    }

    #[test]
    fn prose_closing_on_a_credit_phrase_without_a_credit_word_stays() {
        let prose = "وهذا ما سنعرضه بالأرقام في هذا التقرير.";
        assert_eq!(run(&[PROSE, PROSE, prose]).0, vec![PROSE, PROSE, prose]);
        let early = "ساهم الأطباء المتطوعون في إعداد هذا التقرير.";
        assert_eq!(run(&[early, PROSE, PROSE, PROSE, PROSE]).0.len(), 5);
    }

    #[test]
    fn comment_policy_notices_leave_the_body() {
        let (out, d) = run(&[
            PROSE,
            "ترحب شبكة الأفق بالنقاش الحيوي والمفيد، وننصحك بمراجعة إرشادات الاستخدام قبل كتابة تعليقك.",
            "الآراء الواردة أدناه لا تعبر عن رأي الموقع، بل تعكس وجهات نظر أصحابها فقط.",
            "جميع التعليقات المنشورة تعبر عن رأي كتّابها ولا تعبر بالضرورة عن رأي الموقع",
        ]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(d.removed.get("comments"), Some(&3));
    }

    #[test]
    fn a_date_line_leaves_the_body_and_dates_the_draft() {
        let (out, d) = run(&["GMT 02:27 08.04.2020", PROSE]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(
            d.published_at.as_deref().map(|s| &s[..10]),
            Some("2020-04-08")
        );
    }

    #[test]
    fn a_dateline_naming_the_site_or_an_agency_leaves_the_body() {
        let (out, d) = run(&["الموصل - شبكة الرافدين", PROSE]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(d.removed.get("dateline"), Some(&1));
        let (out, _) = run(&["بغداد - وكالات", PROSE]);
        assert_eq!(out, vec![PROSE]);
        let (out, _) = run(&["بغداد - الحكومة", PROSE]);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn a_single_br_continues_the_paragraph() {
        let markers = Markers::default();
        let hints = markers.html.compiled(&markers.text);
        let unit = |t: &str, j| Unit {
            text: t.to_string(),
            joins_prev: j,
            heading: false,
        };
        let units = vec![
            unit("صدر الصورة، Getty Images", false),
            unit(PROSE, true),
            unit(PROSE, true),
        ];
        let out = sift(
            units,
            hints,
            &SiteNames::default(),
            SiteHook::default(),
            &mut Draft::default(),
        );
        assert_eq!(out, vec![format!("{PROSE}\n{PROSE}")]);
    }

    #[test]
    fn agency_end_marks_and_code_lines_leave_the_body() {
        let (out, d) = run(&[PROSE, "انتهای پیام/", "۲۱۴/ ۱۰۴۲"]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(d.removed.get("end_mark"), Some(&2));
        let (out, _) = run(&[PROSE, &format!("{PROSE} انتهای پیام/")]);
        assert_eq!(out, vec![PROSE, PROSE]);
        let (out, _) = run(&["۲۱۴/ ۱۰۴۲", PROSE, PROSE, PROSE, PROSE]);
        assert_eq!(out.len(), 5, "a code far from the end stays");
        for kept in ["02-751-1500", "12/05/2024"] {
            let (out, _) = run(&[PROSE, PROSE, PROSE, PROSE, kept]);
            assert_eq!(out.len(), 5, "{kept} is no code line");
        }
    }

    #[test]
    fn calls_to_action_naming_a_channel_leave_the_body() {
        let (out, d) = run(&[PROSE, "تابعوا آخر أخبار الرياضة عبر قناتنا على تيليجرام"]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(d.removed.get("call_to_action"), Some(&1));
        let news = "تابع الوزير جولته في المحافظات الجنوبية وتفقد مشاريع المياه.";
        assert_eq!(run(&[PROSE, news]).0.len(), 2);
    }

    #[test]
    fn a_call_to_action_with_its_verb_last_leaves_the_body() {
        let cta = "روزنامہ آواز کی خبریں فوری حاصل کرنے کے لیے ہمیں واٹس ایپ چینل پر فالو کریں";
        let (out, _) = run(&[PROSE, PROSE, cta]);
        assert_eq!(out, vec![PROSE, PROSE]);
    }

    #[test]
    fn a_dateline_glued_to_a_labelled_date_leaves_the_body() {
        let line = "أبوظبي - سكاي نيوز عربية نشر في: 21 أكتوبر 2024 - 10:12 بتوقيت أبوظبي";
        let (out, d) = run(&[line, PROSE]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(
            d.published_at.as_deref().map(|s| &s[..10]),
            Some("2024-10-21")
        );
    }

    #[test]
    fn a_place_and_reporter_line_opening_the_body_leaves_it() {
        let (out, d) = run(&["بغداد: سامر عبد الوهاب", PROSE]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(d.removed.get("byline"), Some(&1));
        let subhead = "المرحلة الأولى: بناء الجسور الجديدة فوق النهر";
        assert_eq!(
            run(&[subhead, PROSE]).0.len(),
            2,
            "three words of a place are no place"
        );
        assert_eq!(run(&[PROSE, "بغداد: سامر عبد الوهاب"]).0.len(), 2);
    }

    #[test]
    fn read_time_widgets_leave_the_body() {
        let (out, d) = run(&[PROSE, "مدة القراءة: 4 دقائق", PROSE]);
        assert_eq!(out, vec![PROSE, PROSE]);
        assert_eq!(d.removed.get("widget"), Some(&1));
    }

    #[test]
    fn furniture_above_a_date_line_does_not_push_it_out_of_reach() {
        let (out, d) = run(&[
            "ريم العياري",
            "المنصب، مراسلة",
            "صدر الصورة، Getty Images",
            "تاريخ النشر 7 ديسمبر/ كانون الأول 2023",
            PROSE,
        ]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(
            d.published_at.as_deref().map(|s| &s[..10]),
            Some("2023-12-07")
        );
    }

    #[test]
    fn a_closing_agency_name_is_a_source() {
        let (out, d) = run(&[PROSE, "وكالات"]);
        assert_eq!(out, vec![PROSE]);
        assert_eq!(d.sources, vec!["وكالات".to_string()]);
    }
}

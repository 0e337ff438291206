//! Plain-text pages (as crawlers capture them): a general model of a news page, not a walk over
//! one portal's markers.
//!
//! A page is cut into units (one per line; on hard-wrapped pages one per paragraph) and each is
//! read twice:
//!
//! - **its label** ([`units`]): the explicit labels portals print — `اقرأ أيضاً`, `المصدر:`,
//!   `كلمات دلالية:`, `تاريخ النشر:`, `مقالات مشابهة`, a byline label opening a credit in
//!   brackets (`(إعداد فلان – تحرير فلان)`) — taken from the marker file, so a user adds a
//!   portal's labels without a rebuild;
//! - **its evidence** ([`evidence`]): what the line shows by itself on any portal — its length
//!   and how it ends, its share of Arabic function words, whether it is a date or a clock, a
//!   caption (also an image's placeholder in square brackets, `[Image of …]`), a widget (also
//!   a byline closed by a count and a reading-time widget: `كتب فلان 2 دقيقة للقراءة`), a
//!   call to action, a comment prompt, a site dialog (`تسجيل الخروج`, `تفعيل الإشعارات`), a
//!   social post's copy closed by hashtags, an embedded post (the lines over its
//!   `— Name (@handle) date` attribution, up to two of them holding a hashtag or a link), a
//!   dateline (also `المدينة-اسم الموقع`, the dash
//!   glued), a breadcrumb,
//!   a summary box (`اظهر الملخص - …` over bulleted points), a header strip holding a
//!   labelled date (`الاسم 29 يوليو 2025 | آخر تحديث: 17:57 …`, a date line however long), a
//!   document's section heading (`مقدمة`, `الخلاصة`, `أولاً: …`, from the marker file),
//!   whether it repeats elsewhere on the page (a bulleted contents entry and the section
//!   heading it names do not count) or is a cut teaser of a later paragraph (or a
//!   standfirst over the article's own `المدينة 24:` dateline), and whether the page's first
//!   prose line is printed twice in a row (the headline, even when it ends with a full stop,
//!   unless a headline stands above it: then it is the lead printed twice) or, on a page that
//!   does not punctuate, stands alone at the top over a lead twice as long sharing a word with
//!   it (the headline too).
//!
//! The layout model ([`layout`]) then places the article: the body is the first long run of
//! prose lines (short lines between its paragraphs are subheadings, short lines in runs outside
//! it are furniture; a section heading right above a paragraph heads it, also just above the
//! lead); the title is the headline-shaped line above the body that shares the most
//! words with the lead, is printed twice or is followed by a date line, and everything above it
//! is the page header; the date is the one nearest under the title. One walk ([`walk`]) then
//! builds the draft. Tuning: the thresholds are named constants at the top of `evidence.rs` and
//! `layout.rs`, and `layout.rs` documents the order of its decisions.

mod evidence;
mod layout;
mod shape;
mod units;
mod walk;
mod weekday;

use super::dates::parse_date;
use super::normalize::{self, Script};
use super::template::{key_hash, SiteHook};
use super::{Draft, Markers, Rejection};

/// Extracts an article draft from a plain-text page. Site memory (`hook`): lines of the site's
/// template are furniture, and the key hashes of the unlabelled lines go to `draft.observed`.
pub fn extract(text: &str, markers: &Markers, hook: SiteHook<'_>) -> Result<Draft, Rejection> {
    let keys = markers.text.keys();
    let (capture_date, text) = split_capture_date(text);
    let lang = normalize::detect_lang(text);
    let units = units::units(text, keys, Script::of_lang(lang));
    let arabic_script = matches!(lang, Some("ar" | "fa" | "ur"));
    let ev = evidence::judge(&units, keys, arabic_script, hook.template);
    let layout = layout::plan(&units, &ev, keys, capture_date);
    let mut draft = Draft {
        lang: lang.map(str::to_string),
        ..Draft::default()
    };
    if hook.observe {
        for u in units
            .iter()
            .filter(|u| u.class == units::Class::Body && !u.key.is_empty())
        {
            let hash = key_hash(&u.key);
            draft.observed.push((u.key.len(), hash));
            if hook.texts {
                draft.observed_texts.push((hash, u.text.clone()));
            }
        }
    }
    draft.paragraphs = walk::walk(&units, &ev, &layout, keys, &mut draft);
    draft.published_at = layout.date;
    if draft.paragraphs.is_empty() {
        return Err(Rejection::NoArticle(
            "the text page holds only boilerplate".to_string(),
        ));
    }
    speak_own_language(&mut draft);
    Ok(draft)
}

/// The article is in the language of its own text: when the Persian or Urdu letters that made
/// the page Persian or Urdu stood only in its furniture, the article is Arabic and its stray
/// letters are mapped as on any Arabic page (so cleaning the article again changes nothing).
fn speak_own_language(draft: &mut Draft) {
    if Script::of_lang(draft.lang.as_deref()) != Script::PersianUrdu {
        return;
    }
    let own = normalize::detect_lang(&draft.paragraphs.join("\n\n"));
    if Script::of_lang(own) != Script::Arabic {
        return;
    }
    for p in &mut draft.paragraphs {
        *p = normalize::display_in(p, Script::Arabic);
    }
    if let Some(title) = draft.title.as_mut() {
        *title = normalize::display_line_in(title, Script::Arabic);
    }
    draft.lang = own.map(str::to_string);
}

/// A capture may open with the date it was taken, `date YYYY-MM-DD`, before the page's own
/// text: that date (RFC 3339) and the text after it. A stamp of the month alone
/// (`date YYYY-MM`) is taken off too, without a date: it names no day.
fn split_capture_date(text: &str) -> (Option<String>, &str) {
    let t = text.trim_start_matches([' ', '\t']);
    let Some(rest) = t.strip_prefix("date ") else {
        return (None, text);
    };
    let stamp = |len: usize| {
        let digits = rest.get(..len)?;
        let shaped = digits.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
        let after = &rest[len..];
        (shaped && (after.is_empty() || after.starts_with([' ', '\n', '\r', '\t'])))
            .then_some((digits, after))
    };
    if let Some((day, after)) = stamp(10) {
        return (parse_date(day), after);
    }
    match stamp(7) {
        Some((_, after)) => (None, after),
        None => (None, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(page: &str) -> Draft {
        extract(page, &Markers::default(), SiteHook::default()).expect("an article")
    }

    const P1: &str = "قال المتحدث باسم الحكومة، اليوم الأحد، إن المفاوضات مستمرة بين الطرفين.";
    const P2: &str = "وأضاف أن الجولة المقبلة ستعقد في القاهرة خلال الأسبوع المقبل.";

    #[test]
    fn a_subheading_opened_by_a_share_word_stays_while_share_bars_go() {
        let page = format!(
            "{P1}\n\nمشاركة واسعة من المتطوعين\n\n{P2}\n\nمشاركة\n\nشارك عبر فيسبوك\n\nشارك: واتساب"
        );
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, "مشاركة واسعة من المتطوعين", P2]);
    }

    #[test]
    fn a_summary_label_over_bullets_leaves_but_one_over_prose_stays() {
        let boxed = format!("{P1}\n\nأبرز النقاط:\n\n- نقطة أولى عن المفاوضات.\n\n{P2}");
        assert_eq!(run(&boxed).paragraphs, vec![P1, P2]);
        let plain = format!("{P1}\n\nالملخص - {P2}\n\n{P1}");
        assert_eq!(run(&plain).paragraphs.len(), 3);
    }

    #[test]
    fn a_labelled_update_inside_prose_is_no_date_line() {
        let cut = "وبحسب آخر تحديث للوزارة في 3 مايو 2024 فإن عدد المسجلين في البرنامج بلغ ألفين";
        let d = run(&format!("{P1}\n\n{P2}\n\n{cut}"));
        assert_eq!(d.paragraphs, vec![P1, P2, cut]);
    }

    #[test]
    fn a_section_word_over_a_paragraph_heads_it_while_a_list_of_section_links_goes() {
        let page = format!("مقدمة\nخلفية\nالخاتمة\n{P1}\n\nخاتمة\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, "خاتمة", P2]);
        let page = format!("أولاً: موقف الحكومة\n\n{P1}\n\nثانياً - موقف المعارضة\n\n{P2}");
        let d = run(&page);
        assert_eq!(
            d.paragraphs,
            vec!["أولاً: موقف الحكومة", P1, "ثانياً - موقف المعارضة", P2]
        );
        // A summary section's bare heading over its points is the document's; a box is not.
        let point = "- نقطة أولى عن المفاوضات.";
        let page = format!("ملخص\n\n{point}\n\n{P1}\n\n{P2}");
        assert_eq!(run(&page).paragraphs, vec!["ملخص", point, P1, P2]);
        let page = format!("الملخص - نقطة عن الجولة المقبلة.\n\n{point}\n\n{P1}\n\n{P2}");
        assert_eq!(run(&page).paragraphs, vec![P1, P2]);
    }

    #[test]
    fn image_alt_placeholders_leave_the_body() {
        let page = format!("لا يتوفر وصف للصورة.\n\n{P1}\n\nقد تكون صورة ‏شخصين‏ و‏نص‏\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
    }

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
    fn quote_headline_between_paragraphs_goes_to_related() {
        let page = format!("{P1}\n\nالرئيس: لن نقبل بأي تسوية على حساب الشعب\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
        assert_eq!(d.related, vec!["الرئيس: لن نقبل بأي تسوية على حساب الشعب"]);
    }

    #[test]
    fn subheading_between_paragraphs_stays_in_the_body() {
        let page = format!("{P1}\n\nتفاصيل الجولة المقبلة من المفاوضات\n\n{P2}");
        let d = run(&page);
        assert_eq!(
            d.paragraphs,
            vec![P1, "تفاصيل الجولة المقبلة من المفاوضات", P2]
        );
        assert!(d.related.is_empty());
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
    fn dateline_alone_at_the_top_leaves_the_body() {
        let page = format!("القاهرة (الاتحاد)\n\n{P1}\n\n{P2}");
        let d = run(&page);
        assert_eq!(d.paragraphs, vec![P1, P2]);
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
    fn a_details_lead_in_inside_a_hard_wrapped_paragraph_stays() {
        let page = "قال المتحدث باسم الحكومة اليوم إن المفاوضات\nمستمرة وإن اللجان المختصة ستبحث في التفاصيل،\nعلى أن تعقد الجولة المقبلة قريبا في العاصمة.\n\nوأضاف أن الوفود الرسمية من البلدين\nستصل تباعا خلال الأيام القليلة المقبلة\nإلى مقر المفاوضات.";
        let d = run(page);
        assert_eq!(d.paragraphs.len(), 2);
        assert!(d.paragraphs[0].contains("ستبحث في التفاصيل، على أن"));
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
    fn only_boilerplate_is_no_article() {
        let r = extract(
            "المصدر: الأناضول\n\nكلمات دلالية: غزة",
            &Markers::default(),
            SiteHook::default(),
        );
        assert_eq!(r.map(|_| ()).map_err(|e| e.code()), Err("no_article"));
    }
}

//! Content that is a page's worth of lines: many Arabic portals set the whole page — masthead,
//! menus, tickers, bylines, the article, its read-also links, the footer — as sibling lines of
//! one container (or straight in `<body>`), so the container chosen holds the furniture too,
//! without a class to tell it. The lines are then what a crawler's text capture of the page
//! is, and the plain-text page model ([`crate::extract::text`]) judges them.

use std::collections::HashMap;

use super::super::template::SiteHook;
use super::super::{text, Draft, Markers};

/// Lines the text model must set apart for the content to count as a page's worth of lines
/// (furniture mixed in), whose date it then decides.
const FLAT_MIN_REMOVED: usize = 3;

/// Judges the draft's paragraphs as the lines of a text page: the body becomes the paragraphs
/// the text model keeps; what it sets apart (sources, tags, related headlines, a title the
/// markup did not give) joins the draft. When it set apart [`FLAT_MIN_REMOVED`] lines or more,
/// the content was the whole page: the date the model places (nearest the title, not a
/// masthead's date of the day) replaces one read from the top lines, unless the page's
/// metadata gave it (`meta_date`), and the headline it finds printed above the body replaces
/// the markup's title (on such pages often the site's name alone). Returns whether the content
/// was the whole page. Nothing changes when the model finds no article.
pub fn settle(draft: &mut Draft, markers: &Markers, meta_date: bool) -> bool {
    if draft.paragraphs.len() < 2 {
        return false;
    }
    // One line per paragraph; a paragraph holding line breaks comes back whole.
    let mut whole: HashMap<String, String> = HashMap::new();
    let lines: Vec<String> = draft
        .paragraphs
        .iter()
        .map(|p| {
            let line = p.split('\n').map(str::trim).collect::<Vec<_>>().join(" ");
            if line != *p {
                whole.insert(line.clone(), p.clone());
            }
            line
        })
        .collect();
    let Ok(judged) = text::extract(&lines.join("\n"), markers, SiteHook::default()) else {
        return false;
    };
    let flat = draft.paragraphs.len() >= judged.paragraphs.len() + FLAT_MIN_REMOVED;
    draft.paragraphs = judged
        .paragraphs
        .into_iter()
        .map(|p| whole.remove(&p).unwrap_or(p))
        .collect();
    for (kind, n) in judged.removed {
        *draft.removed.entry(kind).or_default() += n;
    }
    if judged.title.is_some() && (flat || draft.title.is_none()) {
        draft.title = judged.title;
    }
    if judged.published_at.is_some() && !meta_date && (flat || draft.published_at.is_none()) {
        draft.published_at = judged.published_at;
    }
    for (mine, theirs) in [
        (&mut draft.sources, judged.sources),
        (&mut draft.tags, judged.tags),
        (&mut draft.related, judged.related),
    ] {
        for item in theirs {
            if !mine.contains(&item) {
                mine.push(item);
            }
        }
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROSE: [&str; 3] = [
        "أعلنت وزارة الزراعة اليوم إطلاق برنامج لدعم صغار المزارعين في المناطق الجبلية، \
         يشمل توزيع البذور والأسمدة على الأسر الريفية مجانا.",
        "وقال الوزير إن التسجيل في البرنامج يبدأ الأسبوع المقبل عبر مكاتب الإرشاد الزراعي\n\
         في المحافظات، وإن الدعم يصل إلى المستفيدين قبل موسم الزراعة.",
        "وأضاف أن الوزارة ستتابع تنفيذ البرنامج ميدانيا، وستنشر تقريرا عن نتائجه في نهاية \
         الموسم.",
    ];

    fn draft(lines: &[&str], title: Option<&str>) -> Draft {
        Draft {
            title: title.map(str::to_string),
            paragraphs: lines.iter().map(|l| l.to_string()).collect(),
            ..Draft::default()
        }
    }

    #[test]
    fn an_article_s_own_paragraphs_stay_whole() {
        let mut d = draft(&PROSE, Some("برنامج لدعم صغار المزارعين"));
        let before = d.paragraphs.clone();
        assert!(!settle(&mut d, &Markers::default(), false));
        assert_eq!(
            d.paragraphs, before,
            "a line break inside a paragraph stays"
        );
        assert_eq!(d.title.as_deref(), Some("برنامج لدعم صغار المزارعين"));
    }

    #[test]
    fn a_page_set_as_lines_keeps_only_the_article() {
        let headline = "وزارة الزراعة تطلق برنامجا لدعم صغار المزارعين";
        let mut lines = vec![
            "الرئيسية",
            "أخبار محلية",
            "انقطاع الكهرباء عن ثلاث قرى",
            "افتتاح سوق الخضار الجديد",
            headline,
            "الاثنين 3 مارس 2025 - 10:15 ص",
        ];
        lines.extend(PROSE);
        lines.push("جميع الحقوق محفوظة 2025");
        let mut d = draft(&lines, Some("بوابة الريف"));
        assert!(settle(&mut d, &Markers::default(), false));
        assert_eq!(d.paragraphs.len(), 3, "{:?}", d.paragraphs);
        assert_eq!(d.paragraphs[1], PROSE[1]);
        assert_eq!(d.title.as_deref(), Some(headline));
        assert_eq!(
            d.published_at.as_deref().map(|s| &s[..10]),
            Some("2025-03-03")
        );
    }
}

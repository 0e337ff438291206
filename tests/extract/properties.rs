//! Property tests of extraction: any bytes give an article or a rejection (never a panic);
//! cleaning a text page is idempotent; no configured marker line survives into a body.

use akhbar::extract::normalize::match_key;
use akhbar::extract::{extract, Markers, PageMeta};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "قال",
    "الرئيس",
    "الحكومة",
    "وزير",
    "غزة",
    "اليوم",
    "الأحد",
    "إن",
    "المفاوضات",
    "مستمرة",
    "بين",
    "الطرفين",
    "وأضاف",
    "في",
    "بيان",
    "صحفي",
    "الولایات",
    "المتحدة",
    "الاتفاق",
    "قريب",
    "ستعقد",
    "الجولة",
    "المقبلة",
    "القاهرة",
    "خلال",
    "الأسبوع",
    "مسؤول",
    "أمريكي",
    "عن",
    "فی",
    "غزّة",
    "وقفاً",
    "لإطلاق",
    "النار",
    "مجلس",
    "الأمن",
    "الدولي",
    "جلسة",
    "طارئة",
    "2024",
    "٢٠٢٣",
    "CNN",
    "«حماس»",
    "\"أكسيوس\"",
];

fn words(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), min..=max).prop_map(|w| w.join(" "))
}

/// A body paragraph: a sentence ending with a full stop, sometimes with odd spaces inside.
fn paragraph() -> impl Strategy<Value = String> {
    (
        words(8, 30),
        prop::sample::select(&[" ", "\u{00A0}", " \u{200F}"][..]),
    )
        .prop_map(|(s, sp)| format!("{}.", s.replacen(' ', sp, 1)))
}

/// A headline: a few words without sentence punctuation.
fn headline() -> impl Strategy<Value = String> {
    words(5, 12)
}

/// A spelling variant of a marker phrase: hamza on the alef, tanween, leading spaces.
fn variant(phrase: &str, style: u8) -> String {
    let mut s = phrase.to_string();
    if style & 1 == 1 {
        s = s.replacen('ا', "إ", 1);
    }
    if style & 2 == 2 && s.ends_with('ا') {
        s.push('ً');
    }
    if style & 4 == 4 {
        s.insert(0, '\u{00A0}');
    }
    s
}

/// Lines of boilerplate built from the configured markers; every line here must leave the body.
fn marker_block() -> impl Strategy<Value = Vec<String>> {
    let t = Markers::default().text;
    let kinds = (
        0u8..9,
        prop::sample::select(t.read_also.clone()),
        prop::sample::select(t.related_lists.clone()),
        prop::sample::select(t.source_labels.clone()),
        prop::sample::select(t.date_labels.clone()),
    );
    (kinds, 0u8..8, headline(), words(1, 4)).prop_map(
        |((kind, ra, rl, src, date), style, h, short)| match kind {
            0 => vec![variant(&ra, style), h],
            1 => vec![format!("{}«{h}»", variant(&ra, style))],
            2 => vec![variant(&rl, style), format!("• {h}")],
            3 => vec![format!(
                "{}{} {short}",
                variant(&src, style),
                if style & 1 == 1 { ":" } else { " |" }
            )],
            4 => vec![format!("{}: {h}", variant(&ra, style))],
            5 => vec![format!("{}: 12 مارس 2024", variant(&date, style))],
            6 => vec![format!("كتب - {short}")],
            7 => vec![
                "شارك الخبر".to_string(),
                "https://t.co/x1y2".to_string(),
                "* * *".to_string(),
            ],
            _ => vec![h],
        },
    )
}

/// A tags line (it closes the article: text after it is taken for an appended article).
fn tags_line() -> impl Strategy<Value = String> {
    let labels = Markers::default().text.tags_labels;
    (prop::sample::select(labels), 0u8..8, words(1, 6))
        .prop_map(|(label, style, tags)| format!("{}: {tags}", variant(&label, style)))
}

/// A text page: sometimes a title and a date line, then paragraphs with marker blocks and
/// unmarked headlines between them, blank-line or newline separated, sometimes a tags line and
/// a similar-articles list at the end.
fn page() -> impl Strategy<Value = (String, Vec<String>)> {
    let similar = Markers::default().text.similar_articles;
    let dates = &[
        "تاريخ النشر: 4th, November 2023 GMT",
        "الأحد 12 مارس 2024",
        "نشر في ١٢/٠٣/٢٠٢٤",
    ][..];
    (
        prop::option::weighted(0.3, (headline(), prop::sample::select(dates))),
        prop::collection::vec(
            (paragraph(), prop::option::weighted(0.4, marker_block())),
            1..8,
        ),
        any::<bool>(),
        prop::option::weighted(0.4, tags_line()),
        prop::option::weighted(0.3, (prop::sample::select(similar), headline())),
    )
        .prop_map(|(header, parts, blank, footer, tail)| {
            let mut lines = Vec::new();
            let mut paragraphs = Vec::new();
            if let Some((title, date)) = header {
                lines.push(title);
                lines.push(date.to_string());
            }
            for (p, markers) in parts {
                paragraphs.push(p.clone());
                lines.push(p);
                lines.extend(markers.unwrap_or_default());
            }
            if let Some(tags) = footer {
                lines.push(tags);
            }
            if let Some((heading, h)) = tail {
                lines.push(heading);
                lines.push(format!("  • {h}"));
            }
            (lines.join(if blank { "\n\n" } else { "\n" }), paragraphs)
        })
}

fn text_meta() -> PageMeta {
    PageMeta {
        url: None,
        content_type: Some("text/plain; charset=utf-8".to_string()),
    }
}

fn all_label_keys() -> Vec<String> {
    let t = Markers::default().text;
    [
        t.read_also,
        t.similar_articles,
        t.related_lists,
        t.source_labels,
        t.tags_labels,
        t.date_labels,
        t.byline_labels,
        t.drop_lines,
    ]
    .into_iter()
    .flatten()
    .map(|s| match_key(&s))
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_give_an_article_or_a_rejection(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        let _ = extract(&bytes, &PageMeta::default());
    }

    #[test]
    fn arbitrary_text_gives_an_article_or_a_rejection(text in "[\\PC\\n\\u{0600}-\\u{06FF} ]{0,600}") {
        let _ = extract(text.as_bytes(), &text_meta());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn cleaning_a_text_page_is_idempotent((page, _) in page()) {
        let first = extract(page.as_bytes(), &text_meta()).expect("a page with paragraphs gives an article");
        let second = extract(first.body.as_bytes(), &text_meta()).expect("a cleaned body gives an article");
        prop_assert_eq!(&second.body, &first.body);
    }

    #[test]
    fn no_marker_line_survives_into_the_body((page, paragraphs) in page()) {
        let article = extract(page.as_bytes(), &text_meta()).expect("an article");
        let labels = all_label_keys();
        for para in article.body.split("\n\n") {
            let key = match_key(para);
            for label in &labels {
                prop_assert!(
                    !(key == *label || key.starts_with(&format!("{label} "))),
                    "marker {:?} survived in {:?}", label, para
                );
            }
        }
        let body_key = match_key(&article.body);
        for p in &paragraphs {
            prop_assert!(body_key.contains(&match_key(p)), "paragraph lost: {:?}", p);
        }
    }
}

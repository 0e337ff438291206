//! Class/id hints from the marker file, matched on whole words of a class name or id.

use std::collections::HashMap;

use scraper::node::Element;

use super::super::markers::HtmlHints;
use super::super::normalize::match_key;

/// The HTML hints of a marker file, split into words once per page run.
#[derive(Debug, Default)]
pub struct Hints {
    negative: WordSet,
    positive: WordSet,
    /// Match keys of headings that open a related-links list.
    pub related: Vec<String>,
    /// Match keys of one-line furniture.
    pub drop_lines: Vec<String>,
    /// Match keys of source-line labels (`المصدر`).
    pub source_labels: Vec<String>,
    /// Match keys of inline read-also labels (`اقرأ أيضاً`).
    pub read_also: Vec<String>,
}

/// What the class and id of one element say about it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClassVerdict {
    /// Index of the first negative hint that matched, if any.
    pub negative: Option<usize>,
    /// Whether a content hint matched.
    pub positive: bool,
    /// Readability-style weight: +25 per attribute (class, id) with a content word, −25 per
    /// attribute with a boilerplate word.
    pub weight: i32,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect()
}

/// One list of class/id hints, ready for fast whole-word matching.
#[derive(Debug, Default)]
struct WordSet {
    /// Single-word hints and their index in the marker list.
    single: HashMap<String, usize>,
    /// Multi-word hints as `-w1-w2-` and their index.
    multi: Vec<(String, usize)>,
    /// The hints as written (words joined with `-`).
    names: Vec<String>,
}

impl WordSet {
    fn new(list: &[String]) -> Self {
        let mut set = WordSet::default();
        for (i, item) in list.iter().enumerate() {
            let w = words(item);
            let joined = w.join("-");
            match w.len() {
                0 => {}
                1 => {
                    set.single.entry(joined.clone()).or_insert(i);
                }
                _ => set.multi.push((format!("-{joined}-"), i)),
            }
            set.names.push(joined);
        }
        set
    }

    /// Finds a hint in one class name, given as lower-case `-w1-w2-…-`.
    fn find(&self, dashed: &str) -> Option<usize> {
        let single = dashed
            .split('-')
            .filter(|w| !w.is_empty())
            .find_map(|w| self.single.get(w).copied());
        single.or_else(|| {
            self.multi
                .iter()
                .find(|(m, _)| dashed.contains(m.as_str()))
                .map(|&(_, i)| i)
        })
    }
}

impl Hints {
    /// Prepares hints (and the text markers that label related lists) for matching.
    pub fn new(html: &HtmlHints, text: &super::super::markers::TextMarkers) -> Self {
        let mut related: Vec<String> = html.related_headings.iter().map(|s| match_key(s)).collect();
        for s in text
            .related_lists
            .iter()
            .chain(&text.similar_articles)
            .chain(&text.read_also)
        {
            related.push(match_key(s));
        }
        let mut drop_lines: Vec<String> = html.drop_lines.iter().map(|s| match_key(s)).collect();
        drop_lines.extend(text.ad_labels.iter().map(|s| match_key(s)));
        Hints {
            negative: WordSet::new(&html.negative),
            positive: WordSet::new(&html.positive),
            related,
            drop_lines,
            source_labels: text.source_labels.iter().map(|s| match_key(s)).collect(),
            read_also: text.read_also.iter().map(|s| match_key(s)).collect(),
        }
    }

    /// The hint word list entry at `idx` (for naming a removed block's kind).
    pub fn negative_name(&self, idx: usize) -> String {
        self.negative.names.get(idx).cloned().unwrap_or_default()
    }

    /// Judges every element of a document (text nodes get the neutral verdict).
    pub fn judge_all(&self, dom: &super::dom::Dom<'_>) -> Vec<ClassVerdict> {
        let mut buf = String::new();
        dom.nodes
            .iter()
            .map(|n| match n.el {
                Some(el) if el.attr("class").is_some() || el.attr("id").is_some() => {
                    self.judge_with(el, &mut buf)
                }
                _ => ClassVerdict::default(),
            })
            .collect()
    }

    /// Judges an element by the words of its class names and id.
    pub fn judge(&self, el: &Element) -> ClassVerdict {
        self.judge_with(el, &mut String::new())
    }

    fn judge_with(&self, el: &Element, buf: &mut String) -> ClassVerdict {
        let mut v = ClassVerdict::default();
        for value in [el.attr("class"), el.attr("id")].into_iter().flatten() {
            let (mut neg, mut pos) = (false, false);
            for name in value.split_ascii_whitespace() {
                buf.clear();
                buf.push('-');
                buf.extend(name.chars().map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                }));
                buf.push('-');
                if let Some(i) = self.negative.find(buf) {
                    neg = true;
                    v.negative.get_or_insert(i);
                }
                if !pos && self.positive.find(buf).is_some() {
                    pos = true;
                }
            }
            if neg {
                v.weight -= 25;
            }
            if pos {
                v.weight += 25;
                v.positive = true;
            }
        }
        v
    }
}

/// Maps a matched boilerplate word to the kind counted in `Draft.removed`.
pub fn kind_of(word: &str) -> &'static str {
    match word {
        "share" | "sharing" | "shares" | "social" | "facebook" | "twitter" | "whatsapp"
        | "email" | "print" | "follow" | "toolbar" | "tools" => "share",
        "comment" | "comments" | "disqus" => "comments",
        "related" | "read-also" | "read-more" | "most-read" | "most-popular" | "popular"
        | "trending" | "recommended" | "recirculation" | "more-stories" | "outbrain"
        | "taboola" | "zergnet" | "inline-related" | "next-article" | "prev-next" | "up-next" => {
            "related"
        }
        "advert" | "advertisement" | "ad" | "ads" | "adsense" | "dfp" | "sponsor" | "sponsored"
        | "promo" | "promotion" | "banner" => "ad",
        "newsletter" | "subscribe" | "subscription" | "signup" | "newsletter-signup" | "login"
        | "paywall" => "newsletter",
        "cookie" | "cookies" | "consent" | "gdpr" => "cookie",
        "tags" | "tag-list" => "tags",
        "byline" | "author" | "author-box" | "meta" | "timestamp" | "date" | "published"
        | "updated" | "dateline-meta" => "byline",
        "caption" | "credit" | "credits" => "caption",
        "nav" | "navbar" | "navigation" | "menu" | "breadcrumb" | "breadcrumbs" | "pagination"
        | "pager" | "skip" | "jump-link" | "gallery-nav" => "nav",
        "header" | "masthead" => "header",
        "footer" | "copyright" => "footer",
        "sidebar" | "widget" | "widgets" => "sidebar",
        _ => "furniture",
    }
}

//! Class/id hints from the marker file, matched on whole words of a class name or id.

use scraper::node::Element;

use super::super::markers::HtmlHints;
use super::super::normalize::match_key;
use super::super::phrases::WordMap;
use super::super::RemovedKind;

/// The HTML hints of a marker file, split into words once per marker set.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    negative: WordSet,
    positive: WordSet,
    /// Match keys of headings that open a related-links list.
    pub related: Vec<String>,
    /// First words of the `related` keys: a text opened by none of them is no related heading.
    related_openings: WordMap<String, ()>,
    /// Match keys of one-line furniture.
    pub drop_lines: Vec<String>,
    /// Match keys of source-line labels (`المصدر`).
    pub source_labels: Vec<String>,
    /// Match keys of inline read-also labels (`اقرأ أيضاً`).
    pub read_also: Vec<String>,
    /// Match keys of author role words (`مراسل`, `محرر`).
    pub author_roles: Vec<String>,
    /// Match keys of caption and credit openings (`صدر الصورة`, `صورة أرشيفية`).
    pub captions: Vec<String>,
    /// Match keys of agency names that stand alone as a credit (`رويترز`, `واس`).
    pub agencies: Vec<String>,
    /// Match keys of comment-policy and rights notices, looked for in paragraphs of any length.
    pub notices: Vec<String>,
    /// Match keys of comment-area openings (`اترك تعليقاً`).
    pub comments: Vec<String>,
    /// Match keys of tag-list labels (`الكلمات الدلالية`).
    pub tags_labels: Vec<String>,
    /// Match keys of agency end marks (`انتهای پیام`).
    pub end_marks: Vec<String>,
    /// Match keys of the words that open a call to action (`تابعوا`, `اشترك`).
    pub calls_to_action: Vec<String>,
    /// Match keys of the channels a call to action points at (`تيليجرام`, `واتساب`).
    pub channels: Vec<String>,
    /// Class words of a lead paragraph printed apart from the body.
    leads: WordSet,
    /// Match keys of summary-box labels (`ملخص`).
    pub summaries: Vec<String>,
    /// Match keys of date-line labels (`نشر في`, `تاريخ النشر`).
    pub date_labels: Vec<String>,
    /// Match keys of byline labels (`كتب`, `بقلم`).
    pub byline_labels: Vec<String>,
    /// Match keys of widget phrases (`مدة القراءة`).
    pub widgets: Vec<String>,
    /// Match keys of the closing phrases of a contributor credit (`في هذا التقرير`).
    pub report_credits: Vec<String>,
    /// Match keys of crediting words (`ساهم`, `contributed`).
    pub credit_words: Vec<String>,
}

/// Matching keys of a list, longest first (so the longest opening is tried first).
fn keys(list: &[String]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| match_key(s)).collect();
    v.retain(|k| !k.is_empty());
    v.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    v.dedup();
    v
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
#[derive(Debug, Clone, Default)]
struct WordSet {
    /// Single-word hints and their index in the marker list.
    single: WordMap<String, usize>,
    /// Multi-word hints by their first word: the following words and the index.
    multi: WordMap<String, Vec<(Vec<String>, usize)>>,
    /// The hints as written (words joined with `-`).
    names: Vec<String>,
}

impl WordSet {
    fn new(list: &[String]) -> Self {
        let mut set = WordSet::default();
        for (i, item) in list.iter().enumerate() {
            let mut w = words(item);
            let joined = w.join("-");
            match w.len() {
                0 => {}
                1 => {
                    set.single.entry(joined.clone()).or_insert(i);
                }
                _ => {
                    let first = w.remove(0);
                    set.multi.entry(first).or_default().push((w, i));
                }
            }
            set.names.push(joined);
        }
        set
    }

    /// Finds a hint in one class name, given as lower-case `-w1-w2-…-`: the first single-word
    /// hint among its words, else the earliest listed multi-word hint whose words stand
    /// consecutively in it.
    fn find(&self, dashed: &str) -> Option<usize> {
        let mut multi: Option<usize> = None;
        for (k, w) in dashed.split('-').enumerate() {
            if w.is_empty() {
                continue;
            }
            if let Some(&i) = self.single.get(w) {
                return Some(i);
            }
            for (rest, i) in self.multi.get(w).into_iter().flatten() {
                if multi.is_some_and(|m| m <= *i) {
                    continue;
                }
                let mut next = dashed.split('-').skip(k + 1);
                if rest.iter().all(|r| next.next() == Some(r.as_str())) {
                    multi = Some(*i);
                }
            }
        }
        multi
    }

    /// Whether the hint at `idx` has several words.
    fn is_phrase(&self, idx: usize) -> bool {
        self.names.get(idx).is_some_and(|n| n.contains('-'))
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
        let related_openings = related
            .iter()
            .filter_map(|k| k.split(' ').next())
            .map(|w| (w.to_string(), ()))
            .collect();
        Hints {
            related_openings,
            negative: WordSet::new(&html.negative),
            positive: WordSet::new(&html.positive),
            related,
            drop_lines,
            source_labels: text.source_labels.iter().map(|s| match_key(s)).collect(),
            read_also: text
                .read_also
                .iter()
                .chain(&html.read_also)
                .map(|s| match_key(s))
                .collect(),
            author_roles: keys(&html.author_roles),
            captions: keys(&[html.captions.as_slice(), text.captions.as_slice()].concat()),
            agencies: keys(&text.agencies),
            notices: keys(&html.notices),
            comments: keys(&text.comments),
            tags_labels: keys(&text.tags_labels),
            end_marks: keys(&html.end_marks),
            calls_to_action: keys(
                &[text.calls_to_action.as_slice(), &html.calls_to_action].concat(),
            ),
            channels: keys(&[text.channels.as_slice(), &html.channels].concat()),
            leads: WordSet::new(&html.leads),
            summaries: keys(&html.summaries),
            date_labels: keys(&[text.date_labels.as_slice(), &html.date_labels].concat()),
            widgets: keys(&html.widgets),
            byline_labels: keys(&text.byline_labels),
            report_credits: keys(&html.report_credits),
            credit_words: keys(&html.credit_words),
        }
    }

    /// Whether a text's first word opens some related heading (a quick test before the full
    /// comparison).
    pub fn may_open_related(&self, key: &str) -> bool {
        key.split(' ')
            .next()
            .is_some_and(|w| self.related_openings.contains_key(w))
    }

    /// Whether an element's class names a lead paragraph (`lead`, `introtext`), or its
    /// `itemprop` is `description` (`buf` is scratch space).
    pub fn is_lead(&self, el: &Element, buf: &mut String) -> bool {
        el.attrs().any(|(k, v)| match k {
            "itemprop" => v.eq_ignore_ascii_case("description"),
            "class" => v.split_ascii_whitespace().any(|name| {
                dashed(name, buf);
                self.leads.find(buf).is_some()
            }),
            _ => false,
        })
    }

    /// The hint word list entry at `idx` (for naming a removed block's kind).
    pub fn negative_name(&self, idx: usize) -> String {
        self.negative.names.get(idx).cloned().unwrap_or_default()
    }

    /// Judges every element of a document (text nodes get the neutral verdict). Class and id
    /// values repeat across a page, so each distinct value is judged once.
    pub fn judge_all(&self, dom: &super::dom::Dom<'_>) -> Vec<ClassVerdict> {
        let mut buf = String::new();
        let mut seen: WordMap<&str, AttrVerdict> = WordMap::default();
        dom.nodes
            .iter()
            .map(|n| {
                let Some(el) = n.el else {
                    return ClassVerdict::default();
                };
                let (mut class, mut id, mut labelled_by) = (None, None, None);
                for (k, v) in el.attrs() {
                    match k {
                        "class" => class = Some(v),
                        "id" => id = Some(v),
                        "aria-labelledby" => labelled_by = Some(v),
                        _ => {}
                    }
                }
                let mut v = ClassVerdict::default();
                for value in [class, id].into_iter().flatten() {
                    let a = *seen
                        .entry(value)
                        .or_insert_with(|| self.judge_value(value, &mut buf));
                    v.add(a);
                }
                // A region named by its heading's id (`aria-labelledby="article-byline"`) is
                // judged by what the name says it is: a content word there names the page,
                // not the region. A region named by several headings is left alone.
                if let Some(value) = labelled_by.filter(|v| !v.trim().contains(' ')) {
                    let a = *seen
                        .entry(value)
                        .or_insert_with(|| self.judge_value(value, &mut buf));
                    if v.negative.is_none() && a.negative.is_some() {
                        v.add(AttrVerdict {
                            positive: false,
                            ..a
                        });
                    }
                }
                v
            })
            .collect()
    }

    /// Judges an element by the words of its class names and id.
    pub fn judge(&self, el: &Element) -> ClassVerdict {
        let mut buf = String::new();
        let mut v = ClassVerdict::default();
        for value in [el.attr("class"), el.attr("id")].into_iter().flatten() {
            v.add(self.judge_value(value, &mut buf));
        }
        v
    }

    /// Judges one attribute value (space-separated names) by its words. A name matching a
    /// boilerplate phrase of several words (`screen-reader-text`) is not a content name by one
    /// of those words.
    fn judge_value(&self, value: &str, buf: &mut String) -> AttrVerdict {
        let mut a = AttrVerdict::default();
        for name in value.split_ascii_whitespace() {
            dashed(name, buf);
            let negative = self.negative.find(buf);
            if let Some(i) = negative {
                a.negative.get_or_insert(i);
            }
            let phrase = negative.is_some_and(|i| self.negative.is_phrase(i));
            if !a.positive && !phrase && self.positive.find(buf).is_some() {
                a.positive = true;
            }
        }
        a
    }
}

/// Writes a class name into `buf` as lower-case `-w1-w2-…-`, the form [`WordSet::find`] takes.
fn dashed(name: &str, buf: &mut String) {
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
}

/// What one attribute value (a class list or an id) says.
#[derive(Debug, Clone, Copy, Default)]
struct AttrVerdict {
    /// Index of the first negative hint among its names.
    negative: Option<usize>,
    /// Whether a content hint matched.
    positive: bool,
}

impl ClassVerdict {
    fn add(&mut self, a: AttrVerdict) {
        if let Some(i) = a.negative {
            self.negative.get_or_insert(i);
            self.weight -= 25;
        }
        if a.positive {
            self.weight += 25;
            self.positive = true;
        }
    }
}

/// Maps a matched boilerplate word to the kind counted in `Draft.removed`.
pub fn kind_of(word: &str) -> RemovedKind {
    match word {
        "share" | "sharing" | "shares" | "social" | "facebook" | "twitter" | "whatsapp"
        | "email" | "print" | "follow" | "toolbar" | "tools" => RemovedKind::Share,
        "comment" | "comments" | "disqus" => RemovedKind::Comments,
        "related" | "read-also" | "read-more" | "most-read" | "most-popular" | "popular"
        | "trending" | "recommended" | "recirculation" | "more-stories" | "outbrain"
        | "taboola" | "zergnet" | "inline-related" | "next-article" | "prev-next" | "up-next" => {
            RemovedKind::Related
        }
        "advert" | "advertisement" | "ad" | "ads" | "adsense" | "dfp" | "sponsor" | "sponsored"
        | "promo" | "promotion" | "banner" => RemovedKind::Ad,
        "newsletter" | "subscribe" | "subscription" | "signup" | "newsletter-signup" | "login"
        | "paywall" => RemovedKind::Newsletter,
        "cookie" | "cookies" | "consent" | "gdpr" => RemovedKind::Cookie,
        "tags" | "tag-list" => RemovedKind::Tags,
        "byline" | "author" | "author-box" | "meta" | "timestamp" | "date" | "published"
        | "updated" | "dateline-meta" => RemovedKind::Byline,
        "caption" | "credit" | "credits" => RemovedKind::Caption,
        "nav" | "navbar" | "navigation" | "menu" | "breadcrumb" | "breadcrumbs" | "pagination"
        | "pager" | "skip" | "jump-link" | "gallery-nav" => RemovedKind::Nav,
        "header" | "masthead" => RemovedKind::Header,
        "footer" | "copyright" => RemovedKind::Footer,
        "sidebar" | "widget" | "widgets" => RemovedKind::Sidebar,
        _ => RemovedKind::Furniture,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(list: &[&str]) -> WordSet {
        WordSet::new(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn single_words_match_whole_words_and_win_over_multi_word_hints() {
        let s = set(&["read more", "nav", "share"]);
        assert_eq!(s.find("-main-nav-"), Some(1));
        assert_eq!(s.find("-canvas-"), None);
        assert_eq!(s.find("-read-more-share-"), Some(2));
    }

    #[test]
    fn multi_word_hints_need_consecutive_words_and_the_earliest_listed_wins() {
        let s = set(&["most read", "read more", "more stories"]);
        assert_eq!(s.find("-box-read-more-"), Some(1));
        assert_eq!(s.find("-read--more-"), None);
        assert_eq!(s.find("-more-stories-most-read-"), Some(0));
        assert_eq!(s.find("-read-"), None);
    }
}

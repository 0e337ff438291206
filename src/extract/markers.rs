//! Boilerplate markers and class hints as data: the defaults ship in `config/markers.toml`
//! (compiled in), and a user file can extend them without a rebuild. Matching is always on the
//! normalised key ([`super::normalize::match_key`]), so spelling variants match one entry.

use serde::Deserialize;

use super::normalize::match_key;
use super::phrases::{word_hash, PhraseIndex};

/// The default marker file, compiled into the binary.
pub const DEFAULT_MARKERS_TOML: &str = include_str!("../../config/markers.toml");

/// Why a marker file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum MarkersError {
    /// The file is not valid TOML or has fields of the wrong type.
    #[error("invalid marker file: {0}")]
    Parse(#[from] toml::de::Error),
}

/// All markers, text-page and HTML, with their matching keys precomputed.
// Field-level defaults: a container-level `serde(default)` would call `Markers::default()`,
// which parses the default file, which recurses without end.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Markers {
    /// Markers for plain-text pages (and for text blocks inside HTML).
    #[serde(default)]
    pub text: TextMarkers,
    /// Hints for HTML pages: class/id words that mark boilerplate or content.
    #[serde(default)]
    pub html: HtmlHints,
}

/// Declares the text-marker lists once: the serde struct users write ([`TextMarkers`]), its
/// compiled keys ([`TextKeys`]), and how a user file extends the defaults.
macro_rules! text_lists {
    ($( $(#[doc = $doc:literal])* $name:ident ),* $(,)?) => {
        /// Phrases that open or label boilerplate lines in a page's text, and the vocabulary
        /// the layout model uses as evidence about a line (calls to action, captions, …).
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct TextMarkers {
            $( $(#[doc = $doc])* pub $name: Vec<String>, )*
            /// Matching keys of the lists above, computed once on first use
            /// ([`TextMarkers::keys`]).
            #[serde(skip)]
            compiled: std::sync::OnceLock<TextKeys>,
        }

        /// The [`TextMarkers`] lists as matching keys, longest first, empty keys left out.
        #[derive(Debug, Clone, Default)]
        pub struct TextKeys {
            $( $(#[doc = $doc])* pub $name: Vec<String>, )*
            /// The vocabulary lists in one phrase index ([`Vocab`]).
            pub vocabulary: PhraseIndex,
        }

        impl TextMarkers {
            fn compile(&self) -> TextKeys {
                let mut keys = TextKeys { $( $name: keys_of(&self.$name), )* ..TextKeys::default() };
                keys.vocabulary = vocabulary_of(&keys);
                keys
            }

            fn extend_with(&mut self, extra: TextMarkers) {
                $( extend_list(&mut self.$name, extra.$name); )*
            }
        }

        impl TextKeys {
            /// Every list, for code that looks at all of them (the longest key, say).
            pub fn all(&self) -> Vec<&[String]> {
                vec![ $( &self.$name, )* ]
            }
        }
    };
}

text_lists! {
    /// Inline "read also" labels (`اقرأ أيضاً`): the label and its headline leave the body.
    read_also,
    /// Headings of a similar-articles list (`مقالات مشابهة`): the page is cut there once the
    /// article has begun.
    similar_articles,
    /// Headings of related-news lists (`أخبار ذات صلة`): the list leaves the body.
    related_lists,
    /// Source-line labels (`المصدر`), recognised only at a line start followed by `:` or `|`.
    source_labels,
    /// Tags-line labels (`كلمات دلالية`).
    tags_labels,
    /// Date-line labels (`تاريخ النشر`).
    date_labels,
    /// Advertisement labels (`إعلان`), dropped even when glued to the next word.
    ad_labels,
    /// Byline labels (`كتب`, `بقلم`): a short `label: name` line leaves the body.
    byline_labels,
    /// Page furniture (`شارك`, `جميع الحقوق محفوظة`): a short line starting with one leaves the
    /// body.
    drop_lines,
    /// Widgets and controls, a whole line each (`حجم الخط`, `استمع إلى الملخص`).
    widgets,
    /// Words that open a call to action (`تابع`, `اشترك`, `حمّل`).
    calls_to_action,
    /// Channels a call to action points at (`تطبيق`, `تيليجرام`, `واتساب`).
    channels,
    /// Openings of comment areas (`اترك تعليقاً`, `جميع التعليقات المنشورة`).
    comments,
    /// Openings of image captions and credits (`صورة أرشيفية`, `مصدر الصورة`).
    captions,
    /// Masthead roles (`رئيس التحرير`), a name follows on the line or the next.
    mastheads,
    /// Agency and wire names that stand alone on a line as a credit (`وكالات`, `واس`).
    agencies,
    /// Words found in outlets' names (`بريس`, `نيوز`, `بوابة`): a short line holding one after
    /// the body is the outlet's signature, a source.
    outlet_words,
    /// Labels of promotions for other content (`فيديو`, `شاهد`, `بالصور`): a line opened by one
    /// is a title only when it shares words with the lead.
    promos,
    /// Words that mark a photo caption anywhere in a short line (`متوسطا`, `من اليمين`).
    caption_cues,
    /// Phrases of notices, found anywhere in a line: paywalls, comment policies, copyright
    /// (`للمشتركين فقط`, `تعبر عن رأي كتابها`).
    notices,
    /// Phrases of the site's own dialogs and prompts printed as lines of the page (`تسجيل
    /// الخروج`, `تفعيل الإشعارات`, `حتى لا يفوتك`), found anywhere in a short line.
    dialogs,
    /// Labels of a summary box (`اظهر الملخص`, `أبرز النقاط`): a line opened by one and the
    /// bulleted points right under it leave the body.
    summaries,
    /// Headings of a document's sections (`مقدمة`, `ملخص`, `خاتمة`), the whole line: over a
    /// paragraph they head a section of the body, and the line above the first is the title.
    section_headings,
    /// Ordinals numbering a document's sections (`أولاً`, `ثانياً`) when a colon or a dash
    /// follows them: the line is that section's heading.
    section_ordinals,
}

/// The lists of the layout model's vocabulary, by their bit in the [`PhraseIndex`] of
/// [`TextKeys::vocabulary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocab {
    /// [`TextMarkers::widgets`].
    Widgets,
    /// [`TextMarkers::calls_to_action`].
    CallsToAction,
    /// [`TextMarkers::channels`].
    Channels,
    /// [`TextMarkers::comments`].
    Comments,
    /// [`TextMarkers::captions`].
    Captions,
    /// [`TextMarkers::mastheads`].
    Mastheads,
    /// [`TextMarkers::agencies`].
    Agencies,
    /// [`TextMarkers::notices`].
    Notices,
    /// [`TextMarkers::caption_cues`].
    CaptionCues,
    /// [`TextMarkers::outlet_words`].
    OutletWords,
    /// [`TextMarkers::promos`].
    Promos,
    /// [`TextMarkers::byline_labels`].
    BylineLabels,
    /// [`TextMarkers::dialogs`].
    Dialogs,
}

impl Vocab {
    /// The list's number in the phrase index.
    pub const fn id(self) -> usize {
        self as usize
    }
}

/// Arabic function words, in matching-key spelling: prepositions, particles, pronouns,
/// relatives and the verbs of reported speech. Their share tells prose from headlines and
/// names; grammar, not portal data, so not in the marker file.
pub const FUNCTION_WORDS: &[&str] = &[
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "ان",
    "انه",
    "انها",
    "بان",
    "بانه",
    "التي",
    "الذي",
    "الذين",
    "اللذين",
    "اللتين",
    "مع",
    "بعد",
    "قبل",
    "خلال",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "كان",
    "كانت",
    "قد",
    "وقد",
    "لم",
    "لن",
    "لا",
    "ما",
    "ثم",
    "او",
    "بين",
    "حيث",
    "كما",
    "عند",
    "منذ",
    "حتي",
    "وفي",
    "ومن",
    "وعلي",
    "وان",
    "الا",
    "لكن",
    "ولكن",
    "اذا",
    "هو",
    "هي",
    "هم",
    "وهو",
    "وهي",
    "به",
    "بها",
    "له",
    "لها",
    "لهم",
    "فيه",
    "فيها",
    "عليه",
    "عليها",
    "منه",
    "منها",
    "اليه",
    "قال",
    "وقال",
    "يقول",
    "تقول",
    "قالت",
    "وقالت",
    "واضاف",
    "واضافت",
    "واكد",
    "واكدت",
    "واوضح",
    "واشار",
    "يكون",
    "تكون",
    "وذلك",
    "كل",
    "غير",
    "ضمن",
    "لدي",
    "نحو",
    "عبر",
    "وكان",
    "وكانت",
    "ايضا",
];

/// Whether a matching-key word is an Arabic function word ([`FUNCTION_WORDS`]).
pub fn is_function_word(word: &str) -> bool {
    is_function_word_hash(word_hash(word.as_bytes()))
}

/// [`is_function_word`] on the word's [`word_hash`] hash, for callers that hash the word anyway.
pub fn is_function_word_hash(hash: u64) -> bool {
    // An open-addressing table of the words' hashes (0 marks a free slot), a quarter full.
    const SLOTS: usize = 512;
    static TABLE: std::sync::OnceLock<[u64; SLOTS]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u64; SLOTS];
        for w in FUNCTION_WORDS {
            let h = word_hash(w.as_bytes()).max(1);
            let mut i = (h as usize) % SLOTS;
            while t[i] != 0 && t[i] != h {
                i = (i + 1) % SLOTS;
            }
            t[i] = h;
        }
        t
    });
    let h = hash.max(1);
    let mut i = (h as usize) % SLOTS;
    loop {
        match table[i] {
            0 => return false,
            x if x == h => return true,
            _ => i = (i + 1) % SLOTS,
        }
    }
}

/// The phrase index of the layout model's vocabulary lists.
fn vocabulary_of(keys: &TextKeys) -> PhraseIndex {
    let mut idx = PhraseIndex::default();
    for (list, phrases) in [
        (Vocab::Widgets, &keys.widgets),
        (Vocab::CallsToAction, &keys.calls_to_action),
        (Vocab::Channels, &keys.channels),
        (Vocab::Comments, &keys.comments),
        (Vocab::Captions, &keys.captions),
        (Vocab::Mastheads, &keys.mastheads),
        (Vocab::Agencies, &keys.agencies),
        (Vocab::Notices, &keys.notices),
        (Vocab::CaptionCues, &keys.caption_cues),
        (Vocab::OutletWords, &keys.outlet_words),
        (Vocab::Promos, &keys.promos),
        (Vocab::BylineLabels, &keys.byline_labels),
        (Vocab::Dialogs, &keys.dialogs),
    ] {
        idx.add(list.id(), phrases);
    }
    idx
}

/// Matching keys of a list, longest first, empty and repeated keys left out.
fn keys_of(list: &[String]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| match_key(s)).collect();
    v.retain(|k| !k.is_empty());
    v.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    v.dedup();
    v
}

/// Adds the entries of `extra` that `list` does not hold yet (compared by matching key).
fn extend_list(list: &mut Vec<String>, extra: Vec<String>) {
    for item in extra {
        if !list.iter().any(|d| match_key(d) == match_key(&item)) {
            list.push(item);
        }
    }
}

impl TextMarkers {
    /// The matching keys of every list, computed on the first call and kept with this value
    /// (so a `Markers` built once per process compiles its keys once). Edit the lists before
    /// the first call: later edits are not seen.
    pub fn keys(&self) -> &TextKeys {
        self.compiled.get_or_init(|| self.compile())
    }
}

/// Class and id words used to score HTML blocks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HtmlHints {
    /// Words in class/id that mark boilerplate (`nav`, `share`, `related`, `comment`, …).
    pub negative: Vec<String>,
    /// Words in class/id that mark content (`article`, `content`, `entry`, `story`, …).
    pub positive: Vec<String>,
    /// Headings that introduce a related-links list inside an article (`Related`, `More from`).
    pub related_headings: Vec<String>,
    /// One-line furniture dropped wherever it stands alone (`Advertisement`, `Share this`).
    pub drop_lines: Vec<String>,
    /// Role words of an author block (`مراسل`, `محرر`, `Correspondent`): a short line naming a
    /// role, and the name line before it, leave the body.
    pub author_roles: Vec<String>,
    /// Openings of image captions and credits besides the text `captions` list
    /// (`التعليق على الصورة`): a short paragraph opened by one leaves the body.
    pub captions: Vec<String>,
    /// Phrases of comment-policy and rights notices, found anywhere in a paragraph
    /// (`ترحب شبكة`, `الآراء الواردة أدناه`).
    pub notices: Vec<String>,
    /// Inline read-also labels besides the text `read_also` list (`بیشتر بخوانید`, `یہ بھی
    /// پڑھیں`): the label and its headline leave the body, the headline goes to `related`.
    pub read_also: Vec<String>,
    /// End marks of agency copy (`انتهای پیام`): a line that is only one, or one closing the
    /// last paragraph, leaves the body.
    pub end_marks: Vec<String>,
    /// Class words of a lead paragraph printed apart from the body (`lead`, `introtext`): such
    /// a paragraph of prose just before the article's text opens the body.
    pub leads: Vec<String>,
    /// Labels of a summary box (`ملخص`, `خلاصه`): a block opened by one and holding a list
    /// leaves the body.
    pub summaries: Vec<String>,
    /// Calls to action besides the text `calls_to_action` list, matched at either end of a
    /// line (Persian and Urdu put the verb last: `… پر فالو کریں`).
    pub calls_to_action: Vec<String>,
    /// Channels besides the text `channels` list (`تلگرام`, `واٹس ایپ`).
    pub channels: Vec<String>,
    /// Date-line labels besides the text `date_labels` list (`منتشر شده در`, `وقت اشاعت`).
    pub date_labels: Vec<String>,
    /// Phrases of widget lines (`مدة القراءة`, `زمان مطالعه`): a line of a few words holding
    /// one and a count leaves the body.
    pub widgets: Vec<String>,
    /// Closing phrases of a contributor credit (`في هذا التقرير`, `contributed to this report`):
    /// a short paragraph near the end that ends with one and holds a `credit_words` entry leaves
    /// the body.
    pub report_credits: Vec<String>,
    /// Words of crediting (`ساهم`, `شاركت`, `contributed`), required beside a `report_credits`
    /// phrase so that prose ending with the same words (`… كما سنرى في هذا التقرير`) stays.
    pub credit_words: Vec<String>,
    /// The hints compiled for matching, built once on first use ([`HtmlHints::compiled`]).
    #[serde(skip)]
    compiled: std::sync::OnceLock<super::html::hints::Hints>,
}

impl HtmlHints {
    /// These hints ready for matching, together with the labels of `text` that mark related
    /// lists and furniture; built on the first call and kept with this value, so a `Markers`
    /// built once per process compiles them once. Pass the `text` of the same `Markers`, and
    /// edit the lists before the first call: later edits are not seen.
    pub fn compiled(&self, text: &TextMarkers) -> &super::html::hints::Hints {
        self.compiled
            .get_or_init(|| super::html::hints::Hints::new(self, text))
    }
}

impl Default for Markers {
    fn default() -> Self {
        // The compiled-in default file is checked by a unit test, so this cannot fail at run time.
        Self::from_toml(DEFAULT_MARKERS_TOML).unwrap_or_else(|_| Markers {
            text: TextMarkers::default(),
            html: HtmlHints::default(),
        })
    }
}

impl Markers {
    /// Parses a marker file (same layout as `config/markers.toml`).
    pub fn from_toml(src: &str) -> Result<Self, MarkersError> {
        Ok(toml::from_str(src)?)
    }

    /// The defaults extended with a user's marker file: every list is the union of both.
    pub fn defaults_extended_with(user_toml: &str) -> Result<Self, MarkersError> {
        let mut base = Self::default();
        let extra = Self::from_toml(user_toml)?;
        base.text.extend_with(extra.text);
        let h = &mut base.html;
        for (dst, src) in [
            (&mut h.negative, extra.html.negative),
            (&mut h.positive, extra.html.positive),
            (&mut h.related_headings, extra.html.related_headings),
            (&mut h.drop_lines, extra.html.drop_lines),
            (&mut h.author_roles, extra.html.author_roles),
            (&mut h.captions, extra.html.captions),
            (&mut h.notices, extra.html.notices),
            (&mut h.read_also, extra.html.read_also),
            (&mut h.end_marks, extra.html.end_marks),
            (&mut h.leads, extra.html.leads),
            (&mut h.summaries, extra.html.summaries),
            (&mut h.calls_to_action, extra.html.calls_to_action),
            (&mut h.channels, extra.html.channels),
            (&mut h.date_labels, extra.html.date_labels),
            (&mut h.widgets, extra.html.widgets),
            (&mut h.report_credits, extra.html.report_credits),
            (&mut h.credit_words, extra.html.credit_words),
        ] {
            extend_list(dst, src);
        }
        Ok(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_marker_file_parses() {
        let m = Markers::from_toml(DEFAULT_MARKERS_TOML).expect("config/markers.toml must parse");
        assert!(!m.text.read_also.is_empty());
        assert!(!m.html.negative.is_empty());
    }

    #[test]
    fn user_file_extends_defaults() {
        let m = Markers::defaults_extended_with("[text]\nsource_labels = [\"نقلا عن\"]\n").unwrap();
        assert!(m.text.source_labels.iter().any(|s| s == "نقلا عن"));
        assert!(m.text.source_labels.iter().any(|s| s == "المصدر"));
    }
}

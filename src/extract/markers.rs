//! Boilerplate markers and class hints as data: the defaults ship in `config/markers.toml`
//! (compiled in), and a user file can extend them without a rebuild. Matching is always on the
//! normalised key ([`super::normalize::match_key`]), so spelling variants match one entry.

use serde::Deserialize;

use super::normalize::match_key;

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

/// Phrases that open or label boilerplate lines in a page's text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TextMarkers {
    /// Inline "read also" labels (`اقرأ أيضاً`): the label and its headline leave the body.
    pub read_also: Vec<String>,
    /// Headings of a similar-articles list (`مقالات مشابهة`): the page is cut there.
    pub similar_articles: Vec<String>,
    /// Headings of related-news lists (`أخبار ذات صلة`): the list leaves the body.
    pub related_lists: Vec<String>,
    /// Source-line labels (`المصدر`), recognised only at a line start followed by `:` or `|`.
    pub source_labels: Vec<String>,
    /// Tags-line labels (`كلمات دلالية`).
    pub tags_labels: Vec<String>,
    /// Date-line labels (`تاريخ النشر`).
    pub date_labels: Vec<String>,
    /// Advertisement labels (`إعلان`), dropped even when glued to the next word.
    pub ad_labels: Vec<String>,
    /// Byline labels (`كتب`, `بقلم`): a short `label: name` line leaves the body.
    pub byline_labels: Vec<String>,
    /// Page furniture (`شارك`, `جميع الحقوق محفوظة`): a short line starting with one leaves the body.
    pub drop_lines: Vec<String>,
    /// Matching keys of the lists above, computed once on first use ([`TextMarkers::keys`]).
    #[serde(skip)]
    compiled: std::sync::OnceLock<TextKeys>,
}

/// The [`TextMarkers`] lists as matching keys, longest first, empty keys left out.
#[derive(Debug, Clone, Default)]
pub struct TextKeys {
    /// Keys of `read_also`.
    pub read_also: Vec<String>,
    /// Keys of `similar_articles`.
    pub similar_articles: Vec<String>,
    /// Keys of `related_lists`.
    pub related_lists: Vec<String>,
    /// Keys of `source_labels`.
    pub source_labels: Vec<String>,
    /// Keys of `tags_labels`.
    pub tags_labels: Vec<String>,
    /// Keys of `date_labels`.
    pub date_labels: Vec<String>,
    /// Keys of `ad_labels`.
    pub ad_labels: Vec<String>,
    /// Keys of `byline_labels`.
    pub byline_labels: Vec<String>,
    /// Keys of `drop_lines`.
    pub drop_lines: Vec<String>,
}

impl TextMarkers {
    /// The matching keys of every list, computed on the first call and kept with this value
    /// (so a `Markers` built once per process compiles its keys once). Edit the lists before
    /// the first call: later edits are not seen.
    pub fn keys(&self) -> &TextKeys {
        self.compiled.get_or_init(|| {
            let keys = |list: &[String]| {
                let mut v: Vec<String> = list.iter().map(|s| match_key(s)).collect();
                v.retain(|k| !k.is_empty());
                v.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
                v.dedup();
                v
            };
            TextKeys {
                read_also: keys(&self.read_also),
                similar_articles: keys(&self.similar_articles),
                related_lists: keys(&self.related_lists),
                source_labels: keys(&self.source_labels),
                tags_labels: keys(&self.tags_labels),
                date_labels: keys(&self.date_labels),
                ad_labels: keys(&self.ad_labels),
                byline_labels: keys(&self.byline_labels),
                drop_lines: keys(&self.drop_lines),
            }
        })
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
        let t = &mut base.text;
        for (dst, src) in [
            (&mut t.read_also, extra.text.read_also),
            (&mut t.similar_articles, extra.text.similar_articles),
            (&mut t.related_lists, extra.text.related_lists),
            (&mut t.source_labels, extra.text.source_labels),
            (&mut t.tags_labels, extra.text.tags_labels),
            (&mut t.date_labels, extra.text.date_labels),
            (&mut t.ad_labels, extra.text.ad_labels),
            (&mut t.byline_labels, extra.text.byline_labels),
            (&mut t.drop_lines, extra.text.drop_lines),
            (&mut base.html.negative, extra.html.negative),
            (&mut base.html.positive, extra.html.positive),
            (&mut base.html.related_headings, extra.html.related_headings),
            (&mut base.html.drop_lines, extra.html.drop_lines),
        ] {
            for item in src {
                if !dst.iter().any(|d| match_key(d) == match_key(&item)) {
                    dst.push(item);
                }
            }
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

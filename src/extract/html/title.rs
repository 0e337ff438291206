//! Headlines without the portal's name: `… - اسم الموقع`, `اسم الموقع | …`, `… « Site`.
//!
//! A title is cut at a separator when the part on one side names the site: it matches
//! `og:site_name` or the JSON-LD publisher (on the matching key, one containing the other as
//! whole words), or it spells the host (`CNNArabic.com` for `arabic.cnn.com`). A `<title>`
//! tag, which nearly always carries the portal's name, may also lose a short last or first
//! part without a known name.

use super::super::normalize::match_key;

/// Separators between a headline and a site name, tried in this order.
const SEPARATORS: [&str; 13] = [
    " | ", " - ", " – ", " — ", " :: ", " · ", " « ", " » ", " ‹ ", " › ", " : ", "|", " / ",
];

/// What is known about a page's site name.
#[derive(Debug, Default, Clone)]
pub struct SiteNames {
    /// Matching keys of the declared names (`og:site_name`, publisher), empty ones left out.
    names: Vec<String>,
    /// Labels of the host without `www` and the top-level domain (`arabic.cnn.com` → `arabic`,
    /// `cnn`), lower-case ASCII.
    host_labels: Vec<String>,
    /// The host's top-level domain (`com`).
    tld: String,
}

impl SiteNames {
    /// Site names from the declared names and the page's host (any may be missing).
    pub fn new<'a>(declared: impl IntoIterator<Item = &'a str>, host: Option<&str>) -> Self {
        let mut names: Vec<String> = declared
            .into_iter()
            .map(match_key)
            .filter(|k| !k.is_empty())
            .collect();
        names.dedup();
        let mut host_labels: Vec<String> = host
            .unwrap_or("")
            .to_ascii_lowercase()
            .split('.')
            .map(|l| {
                l.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect::<String>()
            })
            .filter(|l| !l.is_empty())
            .collect();
        let tld = if host_labels.len() >= 2 {
            host_labels.pop().unwrap_or_default()
        } else {
            String::new()
        };
        host_labels.retain(|l| !matches!(l.as_str(), "www" | "m" | "amp" | "co" | "com" | "net"));
        SiteNames {
            names,
            host_labels,
            tld,
        }
    }

    /// Whether `part` of a title names the site.
    pub fn names(&self, part: &str) -> bool {
        self.naming(part) > 0
    }

    /// How well `part` names the site: 2 when it is a declared name or spells the host, 1 when
    /// it holds one or is held in one (on whole words), 0 otherwise.
    fn naming(&self, part: &str) -> u8 {
        let key = match_key(part);
        if key.is_empty() {
            return 0;
        }
        if self.names.contains(&key) || self.spells_host(part) {
            2
        } else if self
            .names
            .iter()
            .any(|n| contains_words(n, &key) || contains_words(&key, n))
        {
            1
        } else {
            0
        }
    }

    /// Whether `part`, reduced to ASCII letters and digits, is the host's labels run together
    /// in any order (the main label among them), optionally with `www` before and the
    /// top-level domain after: `CNNArabic.com`, `Aljazeera.net`, `www.example.com`.
    fn spells_host(&self, part: &str) -> bool {
        if self.host_labels.is_empty() || !part.is_ascii() {
            return false;
        }
        let mut s: String = part
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if let Some(rest) = s.strip_prefix("www") {
            s = rest.to_string();
        }
        if !self.tld.is_empty() {
            if let Some(rest) = s.strip_suffix(self.tld.as_str()) {
                if !rest.is_empty() {
                    s = rest.to_string();
                }
            }
        }
        let main = self.host_labels.last().map(String::as_str).unwrap_or("");
        !s.is_empty() && s.contains(main) && concat_of(&s, &self.host_labels)
    }
}

/// Whether `hay` holds `needle` (matching keys) as a run of whole words.
fn contains_words(hay: &str, needle: &str) -> bool {
    format!(" {hay} ").contains(&format!(" {needle} "))
}

/// Whether `s` is a concatenation of distinct items of `labels`, in any order.
fn concat_of(s: &str, labels: &[String]) -> bool {
    fn go(s: &str, labels: &[String], used: &mut Vec<bool>) -> bool {
        if s.is_empty() {
            return true;
        }
        for (i, l) in labels.iter().enumerate() {
            if !used[i] && !l.is_empty() && s.starts_with(l.as_str()) {
                used[i] = true;
                if go(&s[l.len()..], labels, used) {
                    return true;
                }
                used[i] = false;
            }
        }
        false
    }
    labels.len() <= 6 && go(s, labels, &mut vec![false; labels.len()])
}

/// Removes the site's name from a headline wherever a separator sets it apart, at either
/// end, repeatedly (`القسم - الموقع | الخبر`). With `guess`, a `<title>` may also lose a short
/// last (or first) part that names no known site but reads like one (at most four words,
/// fewer than the rest).
pub fn strip_site(title: &str, site: &SiteNames, guess: bool) -> String {
    let mut t = title.trim().to_string();
    for _ in 0..3 {
        let Some(next) = strip_once(&t, site) else {
            break;
        };
        t = next;
    }
    if guess && t == title.trim() {
        if let Some(g) = guess_once(&t) {
            t = g;
        }
    }
    t
}

/// One cut at the last separator (site name after it) or the first one (before it): the part
/// cut must name the site better than the part kept (`الجزيرة نت تكشف … - الجزيرة نت`).
fn strip_once(t: &str, site: &SiteNames) -> Option<String> {
    for sep in SEPARATORS {
        if let Some(pos) = t.rfind(sep) {
            let (head, tail) = (t[..pos].trim(), t[pos + sep.len()..].trim());
            if !head.is_empty() && site.naming(tail) > site.naming(head) {
                return Some(head.to_string());
            }
        }
        if let Some(pos) = t.find(sep) {
            let (head, tail) = (t[..pos].trim(), t[pos + sep.len()..].trim());
            if !tail.is_empty() && site.naming(head) > site.naming(tail) {
                return Some(tail.to_string());
            }
        }
    }
    None
}

/// The `<title>` heuristic without a known name: a short last part goes, else a short first
/// part, at the strong separators only.
fn guess_once(t: &str) -> Option<String> {
    const STRONG: [&str; 6] = [" | ", " - ", " – ", " — ", " :: ", " · "];
    for sep in STRONG {
        if let Some(pos) = t.rfind(sep) {
            let (head, tail) = (&t[..pos], &t[pos + sep.len()..]);
            let (hw, tw) = (
                head.split_whitespace().count(),
                tail.split_whitespace().count(),
            );
            if tw <= 4 && tw < hw {
                return Some(head.trim().to_string());
            }
            if hw <= 4 && hw < tw {
                return Some(tail.trim().to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(declared: &[&str], host: Option<&str>) -> SiteNames {
        SiteNames::new(declared.iter().copied(), host)
    }

    #[test]
    fn a_declared_site_name_is_cut_at_either_end() {
        let s = names(&["بوابة الأفق"], None);
        assert_eq!(
            strip_site("الأردن يطلق محطة تحلية - بوابة الأفق", &s, false),
            "الأردن يطلق محطة تحلية"
        );
        assert_eq!(
            strip_site("بوابة الأفق | الأردن يطلق محطة تحلية", &s, false),
            "الأردن يطلق محطة تحلية"
        );
        assert_eq!(
            strip_site("الأردن يطلق محطة تحلية « بوابة الأفق", &s, false),
            "الأردن يطلق محطة تحلية"
        );
    }

    #[test]
    fn a_shorter_or_longer_spelling_of_the_name_matches_on_whole_words() {
        let s = names(&["صحيفة الأفق الإلكترونية"], None);
        assert_eq!(
            strip_site("خبر اليوم - الأفق الإلكترونية", &s, false),
            "خبر اليوم"
        );
        let s = names(&["الأفق"], None);
        assert_eq!(strip_site("خبر اليوم | موقع الأفق", &s, false), "خبر اليوم");
        assert_eq!(
            strip_site("الأفقيون يفوزون - تقرير", &s, false),
            "الأفقيون يفوزون - تقرير"
        );
    }

    #[test]
    fn the_host_spelled_out_is_a_site_name() {
        let s = names(&[], Some("arabic.cnn.com"));
        assert_eq!(
            strip_site("معارضون يسيطرون على مخازن - CNNArabic.com", &s, false),
            "معارضون يسيطرون على مخازن"
        );
        let s = names(&[], Some("www.sada-alwadi.net"));
        assert_eq!(strip_site("خبر | Sada-Alwadi.net", &s, false), "خبر");
        let s = names(&[], Some("www.aljazeera.net"));
        assert_eq!(strip_site("خبر عاجل | Aljazeera", &s, false), "خبر عاجل");
        assert_eq!(strip_site("Al: a title", &s, false), "Al: a title");
    }

    #[test]
    fn a_headline_holding_the_site_name_keeps_it() {
        let s = names(&["الجزيرة نت"], None);
        assert_eq!(
            strip_site("الجزيرة نت تكشف تفاصيل جديدة - الجزيرة نت", &s, false),
            "الجزيرة نت تكشف تفاصيل جديدة"
        );
    }

    #[test]
    fn section_and_site_both_go_when_both_are_names() {
        let s = names(&["الأفق", "أخبار الأفق"], None);
        assert_eq!(
            strip_site("الخبر هنا - الأفق | أخبار الأفق", &s, false),
            "الخبر هنا"
        );
    }

    #[test]
    fn unknown_suffixes_stay_unless_guessing() {
        let s = SiteNames::default();
        assert_eq!(
            strip_site("Budget approved - Daily", &s, false),
            "Budget approved - Daily"
        );
        assert_eq!(
            strip_site("Budget approved - Daily", &s, true),
            "Budget approved"
        );
    }
}

//! The language of an HTML page and the display convention it implies.
//!
//! The page's own declaration (`<html lang>`, else `Content-Language`, else `og:locale`) is
//! taken when its script agrees with the letters on the page; otherwise the letters decide
//! ([`normalize::detect_lang`]). The result picks the [`Script`] every string of the page is
//! display-normalised with: Persian and Urdu pages keep their own letters and the zero-width
//! non-joiner, Arabic pages get stray Persian letters mapped back.

use super::super::normalize::{self, Script};
use super::dom::Dom;

/// Characters of visible text read for letter-based detection.
const SAMPLE_CHARS: usize = 20_000;

/// Languages written in the Arabic script.
fn is_arabic_script_lang(lang: &str) -> bool {
    matches!(
        lang,
        "ar" | "fa" | "ur" | "ps" | "ckb" | "ku" | "sd" | "ug" | "prs" | "pnb" | "ks" | "bal"
    )
}

/// Languages whose words keep `ی`, `ک` and the zero-width non-joiner as written.
fn keeps_own_letters(lang: &str) -> bool {
    is_arabic_script_lang(lang) && lang != "ar"
}

/// A page's language (lower-case primary subtag) and the display convention for its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLang {
    /// `ar`, `fa`, `ur`, `en`, … or `None` when neither declared nor detectable.
    pub code: Option<String>,
    /// How the page's strings are display-normalised.
    pub script: Script,
}

/// Decides the language of a page from its declaration and its letters.
pub fn resolve(dom: &Dom<'_>) -> PageLang {
    let declared = declared(dom);
    let detected = normalize::detect_lang(&visible_sample(dom, SAMPLE_CHARS));
    let code = choose(declared.as_deref(), detected);
    let script = match code.as_deref() {
        Some(l) if keeps_own_letters(l) => Script::PersianUrdu,
        _ => Script::Arabic,
    };
    PageLang { code, script }
}

/// The declared language when the page's letters make it plausible, else the detected one if
/// it is written in the Arabic script.
/// Among Arabic-script languages the declaration wins (an Arabic page typed on a Persian
/// keyboard is still Arabic), except that Urdu-only letters overrule a declared `ar`.
fn choose(declared: Option<&str>, detected: Option<&'static str>) -> Option<String> {
    let arabic_letters = matches!(detected, Some("ar" | "fa" | "ur"));
    match declared {
        Some("ar") if detected == Some("ur") => Some("ur".to_string()),
        Some(d) if is_arabic_script_lang(d) && (arabic_letters || detected.is_none()) => {
            Some(d.to_string())
        }
        Some(d) if !is_arabic_script_lang(d) && !arabic_letters => Some(d.to_string()),
        // Letters tell Arabic-script languages apart, not Latin ones (`en` would be a guess).
        _ if arabic_letters => detected.map(str::to_string),
        _ => None,
    }
}

/// The primary language subtag the page declares, lower-cased: `<html lang>` (or `xml:lang`),
/// else `<meta http-equiv="content-language">`, else `og:locale` (`fa_IR` → `fa`).
pub fn declared(dom: &Dom<'_>) -> Option<String> {
    let mut content_language = None;
    let mut locale = None;
    for node in &dom.nodes {
        let Some(el) = node.el else { continue };
        match el.name() {
            "html" => {
                if let Some(l) = node.attr("lang").or_else(|| node.attr("xml:lang")) {
                    if let Some(p) = primary(l) {
                        return Some(p);
                    }
                }
            }
            "meta" => {
                let content = node.attr("content").unwrap_or("");
                let equiv = node.attr("http-equiv").unwrap_or("");
                let prop = node.attr("property").or(node.attr("name")).unwrap_or("");
                if equiv.eq_ignore_ascii_case("content-language") && content_language.is_none() {
                    content_language = primary(content);
                } else if prop.eq_ignore_ascii_case("og:locale") && locale.is_none() {
                    locale = primary(content);
                }
            }
            "body" => break,
            _ => {}
        }
    }
    content_language.or(locale)
}

/// `fa-IR`, `fa_IR`, ` FA ` → `fa`; `None` for anything that is not a language subtag.
fn primary(tag: &str) -> Option<String> {
    let p = tag
        .split([',', ';'])
        .next()?
        .split(['-', '_'])
        .next()?
        .trim()
        .to_ascii_lowercase();
    (p.len() >= 2 && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_lowercase())).then_some(p)
}

/// Up to `limit` characters of the page's visible text (scripts, styles and `<noscript>`
/// left out), for letter counting.
fn visible_sample(dom: &Dom<'_>, limit: usize) -> String {
    let mut s = String::new();
    let mut count = 0usize;
    for node in &dom.nodes {
        if node.chars == 0 {
            continue;
        }
        s.push_str(node.text);
        s.push(' ');
        count += node.chars as usize;
        if count >= limit {
            break;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> PageLang {
        let doc = scraper::Html::parse_document(html);
        let dom = Dom::new(&doc);
        resolve(&dom)
    }

    const FA: &str = "وزیر امور خارجه ایران گفت که این کشور آماده گفت‌وگو با همسایگان است";
    const UR: &str = "پاکستان کے وزیر اعظم نے کہا ہے کہ حکومت یہ فیصلہ جلد کرے گی";
    const AR: &str = "قال وزير الخارجية إن بلاده مستعدة للحوار مع جيرانها في المنطقة";

    #[test]
    fn a_plausible_declaration_is_kept() {
        let p = page(&format!(
            "<html lang=\"fa-IR\"><body><p>{FA}</p></body></html>"
        ));
        assert_eq!(p.code.as_deref(), Some("fa"));
        assert_eq!(p.script, Script::PersianUrdu);
        let p = page("<html lang=\"de\"><body><p>Der Minister sagte am Montag</p></body></html>");
        assert_eq!(p.code.as_deref(), Some("de"));
    }

    #[test]
    fn letters_overrule_a_declaration_in_another_script() {
        let p = page(&format!(
            "<html lang=\"en\"><body><p>{UR}</p></body></html>"
        ));
        assert_eq!(p.code.as_deref(), Some("ur"));
        assert_eq!(p.script, Script::PersianUrdu);
        let p = page(&format!(
            "<html lang=\"ar\"><body><p>{UR}</p></body></html>"
        ));
        assert_eq!(p.code.as_deref(), Some("ur"));
    }

    #[test]
    fn undeclared_pages_are_told_by_their_letters() {
        assert_eq!(
            page(&format!("<html><body><p>{AR}</p></body></html>")).code,
            Some("ar".to_string())
        );
        let p = page(&format!(
            "<html><head><meta property=\"og:locale\" content=\"fa_IR\"></head><body><p>{FA}</p></body></html>"
        ));
        assert_eq!(p.code.as_deref(), Some("fa"));
        assert_eq!(page("<html><body></body></html>").code, None);
        assert_eq!(
            page("<html><body><p>Le ministre a dit lundi</p></body></html>").code,
            None
        );
    }

    #[test]
    fn an_arabic_declaration_holds_against_stray_persian_letters() {
        let p = page(
            "<html lang=\"ar\"><body><p>قال المتحدث فی بیان إن الولایات المتحدة ستدعم الاتفاق</p></body></html>",
        );
        assert_eq!(p.code.as_deref(), Some("ar"));
        assert_eq!(p.script, Script::Arabic);
    }
}

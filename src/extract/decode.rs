//! Bytes to text: gzip inflation, charset detection, mojibake repair, HTML sniffing.

use super::Rejection;

/// A decoded page.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The page as text (mojibake repaired).
    pub text: String,
    /// Whether the text looks like HTML (and goes to the HTML extractor).
    pub is_html: bool,
    /// Name of the encoding used.
    pub encoding: &'static str,
}

/// Inflates gzip input (detected by magic bytes), refusing to grow past `max_bytes`.
/// Returns `None` when the input is not gzip.
pub fn inflate(bytes: &[u8], max_bytes: usize) -> Result<Option<Vec<u8>>, Rejection> {
    let _ = (bytes, max_bytes);
    Ok(None)
}

/// Decodes bytes to text following the charset precedence: content type, BOM, meta, UTF-8, detection.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Result<Decoded, Rejection> {
    let _ = content_type;
    let text = String::from_utf8_lossy(bytes).into_owned();
    let is_html = text.trim_start().starts_with('<');
    Ok(Decoded {
        text,
        is_html,
        encoding: "UTF-8",
    })
}

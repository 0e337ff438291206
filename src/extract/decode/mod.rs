//! Bytes to text: gzip inflation, charset detection, mojibake repair, HTML sniffing.
//!
//! Charset precedence: the content type's `charset`, a BOM, `<meta charset>` / `http-equiv`, valid
//! UTF-8, then statistical detection. A declaration that lies (decoding with it yields many
//! replacement characters, or a legacy charset declared over valid UTF-8) is overruled.

mod charset;
mod gzip;
mod mojibake;
mod sniff;

pub use charset::Origin;
pub use gzip::inflate;
pub use mojibake::repair_mojibake;
pub use sniff::{binary_kind, looks_like_html};

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

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

/// Decodes bytes to text following the charset precedence: content type, BOM, meta, UTF-8,
/// detection.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Result<Decoded, Rejection> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Rejection::Empty);
    }
    let (encoding, origin, text) = decode_text(bytes)
        .map(Ok)
        .unwrap_or_else(|| choose(bytes, content_type))?;
    let text = match repair_mojibake(&text) {
        std::borrow::Cow::Owned(repaired) => repaired,
        std::borrow::Cow::Borrowed(_) => text,
    };
    let text = if text.contains('\0') {
        text.replace('\0', "")
    } else {
        text
    };
    if text.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    let is_html = looks_like_html(&text, content_type);
    tracing::debug!(encoding = encoding.name(), ?origin, is_html, "decoded page");
    Ok(Decoded {
        text,
        is_html,
        encoding: encoding.name(),
    })
}

type Choice = (&'static Encoding, Origin, String);

/// UTF-16 input (BOM or zero-byte pattern) is decoded before any binary check, since its
/// zero bytes would look binary.
fn decode_text(bytes: &[u8]) -> Option<Choice> {
    if let Some((enc, bom_len)) = charset::from_bom(bytes) {
        if enc == UTF_16LE || enc == UTF_16BE {
            let (text, _) = charset::decode_checked(enc, &bytes[bom_len..]);
            return Some((enc, Origin::Bom, text));
        }
    }
    let enc = charset::utf16_pattern(bytes)?;
    let (text, clean) = charset::decode_checked(enc, bytes);
    clean.then_some((enc, Origin::Utf16Pattern, text))
}

/// Picks the charset for byte-oriented input and decodes with it.
fn choose(bytes: &[u8], content_type: Option<&str>) -> Result<Choice, Rejection> {
    if let Some(kind) = binary_kind(bytes) {
        return Err(Rejection::Binary(kind.to_string()));
    }
    let (bom, body) = match charset::from_bom(bytes) {
        Some((enc, len)) => (Some(enc), &bytes[len..]),
        None => (None, bytes),
    };
    let utf8 = match UTF_8.decode_without_bom_handling_and_without_replacement(body) {
        Some(std::borrow::Cow::Borrowed(text)) => Some(text),
        Some(std::borrow::Cow::Owned(_)) => std::str::from_utf8(body).ok(),
        None => None,
    };
    let utf8_valid = utf8.is_some();
    let declared = [Origin::ContentType, Origin::Bom, Origin::Meta];
    for origin in declared {
        let enc = match origin {
            Origin::ContentType => content_type.and_then(charset::from_content_type),
            Origin::Bom => bom,
            _ => charset::from_meta(body),
        };
        let Some(enc) = enc else { continue };
        let enc = if enc != UTF_8 && utf8_valid && !body.is_ascii() {
            tracing::debug!(
                declared = enc.name(),
                "legacy charset declared over valid UTF-8"
            );
            UTF_8
        } else {
            enc
        };
        let (text, clean) = decode_body(enc, body, utf8);
        if clean && enc != UTF_8 && charset::looks_misdecoded(&text) {
            if let Some(better) = redetect(enc, body) {
                return Ok(better);
            }
        }
        if clean {
            return Ok((enc, origin, text));
        }
        tracing::debug!(
            declared = enc.name(),
            ?origin,
            "declared charset does not fit the bytes"
        );
    }
    let (text, clean) = decode_body(UTF_8, body, utf8);
    if clean {
        return Ok((UTF_8, Origin::Utf8, text));
    }
    let enc = charset::detect(body);
    let (text, _) = charset::decode_checked(enc, body);
    Ok((enc, Origin::Detected, text))
}

/// [`charset::decode_checked`], without decoding again when the body is UTF-8 already validated.
fn decode_body(enc: &'static Encoding, body: &[u8], utf8: Option<&str>) -> (String, bool) {
    match utf8 {
        Some(text) if enc == UTF_8 => (text.to_owned(), charset::is_clean(text)),
        _ => charset::decode_checked(enc, body),
    }
}

/// A second opinion when a declared single-byte charset gives text that looks misdecoded:
/// detection wins when it names another charset whose text looks right.
fn redetect(declared: &'static Encoding, body: &[u8]) -> Option<Choice> {
    let guess = charset::detect(body);
    if guess == declared {
        return None;
    }
    let (text, clean) = charset::decode_checked(guess, body);
    (clean && !charset::looks_misdecoded(&text)).then(|| {
        tracing::debug!(
            declared = declared.name(),
            detected = guess.name(),
            "declared charset overruled"
        );
        (guess, Origin::Detected, text)
    })
}

#[cfg(test)]
mod tests;

//! Gzip input, recognised by its magic bytes and inflated under a size cap.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use crate::extract::Rejection;

/// The two bytes every gzip member starts with.
pub(super) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Size of one inflation step; the output never grows more than this past the cap.
const CHUNK: usize = 64 * 1024;

/// Inflates `bytes` when they start with the gzip magic, stopping with `TooLarge` as soon as the
/// output would pass `max_bytes`, so a gzip bomb never allocates more than the cap.
pub fn inflate(bytes: &[u8], max_bytes: usize) -> Result<Option<Vec<u8>>, Rejection> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(None);
    }
    let mut decoder = MultiGzDecoder::new(bytes);
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(max_bytes).min(CHUNK * 16));
    let mut chunk = vec![0u8; CHUNK];
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                let size = out.len() + n;
                if size > max_bytes {
                    return Err(Rejection::TooLarge {
                        size,
                        limit: max_bytes,
                    });
                }
                out.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Rejection::Undecodable(format!("corrupt gzip stream: {e}"))),
        }
    }
    Ok(Some(out))
}

//! Files on disk as pages: walking folders for page files, their content type from extension
//! and bytes, their names. Used by `publish` (and `clean` for output names).

use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// One file to publish, with the folder it was found under (for --url-prefix).
#[derive(Debug, Clone)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// The folder it was found under, or its parent when named directly.
    pub root: PathBuf,
}

/// Expands the given paths into files: explicit files as given, folders walked (sorted).
pub fn collect_files(paths: &[PathBuf]) -> anyhow::Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("reading {}", p.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)?;
            found.sort();
            out.extend(found.into_iter().map(|path| Input {
                path,
                root: p.clone(),
            }));
        } else {
            let root = p.parent().map(Path::to_path_buf).unwrap_or_default();
            out.push(Input {
                path: p.clone(),
                root,
            });
        }
    }
    Ok(out)
}

/// Adds the publishable files under `dir` (hidden ones skipped) to `out`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry
            .file_type()
            .with_context(|| format!("reading {}", path.display()))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if publishable(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Page files found in folders; `.json` files there are usually metadata or gold, not envelopes,
/// so an envelope is published only when named on the command line.
fn publishable(path: &Path) -> bool {
    matches!(
        inner_extension(path).as_deref(),
        Some("html" | "htm" | "xhtml" | "txt" | "text")
    )
}

/// The file's extension, lower-cased, looking through a trailing `.gz`.
fn inner_extension(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_string())
}

/// The file name without `.gz` and without its extension (`x.html.gz` → `x`).
pub fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".GZ"))
        .unwrap_or(&name);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.to_string(),
    }
}

/// The Content-Type for a file: from its extension; a UTF-8 charset only when the bytes are UTF-8
/// text (other encodings are left for the service to detect from the page itself).
pub fn content_type_for(path: &Path, bytes: &[u8]) -> Option<String> {
    let gz = is_gzip(bytes);
    let utf8 = !gz && std::str::from_utf8(bytes).is_ok();
    let mime = match inner_extension(path).as_deref()? {
        "html" | "htm" | "xhtml" => "text/html",
        "txt" | "text" => "text/plain",
        "json" => return Some("application/json".to_string()),
        _ => return None,
    };
    Some(if utf8 {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    })
}

/// Whether the bytes start with gzip's magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_follows_extension_and_looks_through_gz() {
        let p = Path::new;
        assert_eq!(
            content_type_for(p("a/b.html"), b"<p>x</p>").as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            content_type_for(p("b.TXT"), "نص".as_bytes()).as_deref(),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(
            content_type_for(p("c.html.gz"), &[0x1f, 0x8b, 8, 0]).as_deref(),
            Some("text/html")
        );
        assert_eq!(
            content_type_for(p("d.json"), b"{}").as_deref(),
            Some("application/json")
        );
        assert_eq!(content_type_for(p("e.pdf"), b"%PDF"), None);
    }

    #[test]
    fn non_utf8_text_gets_no_charset_so_the_service_detects_it() {
        let cp1256 = [0xc7u8, 0xe1, 0xda, 0xd1, 0xc8, 0xed, 0xc9];
        assert_eq!(
            content_type_for(Path::new("a.txt"), &cp1256).as_deref(),
            Some("text/plain")
        );
    }

    #[test]
    fn file_stem_drops_gz_and_extension() {
        assert_eq!(file_stem(Path::new("x/page.html.gz")), "page");
        assert_eq!(file_stem(Path::new("seed.txt")), "seed");
        assert_eq!(file_stem(Path::new("noext")), "noext");
    }

    #[test]
    fn folders_are_walked_recursively_keeping_only_page_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        for name in [
            "a.html",
            "sub/b.txt",
            "sub/c.htm.gz",
            "notes.md",
            ".hidden.html",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let files = collect_files(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.html", "sub/b.txt", "sub/c.htm.gz"]);
    }
}

//! `akhbar clean`: raw pages from files (or stdin) in, article events out, no NATS involved;
//! stories among the inputs (near-duplicates, joined across the whole set) annotated in memory.
//! With `--site-memory`, two passes: the first learns each site's template from all the pages
//! given, the second cleans every page with it, as the service does once it has seen a site's
//! pages.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::files::file_stem;
use crate::extract::{Article, ExtractOptions, Extractor, PageMeta, Rejection, DEFAULT_MAX_BYTES};
use crate::service::config::validate::markers_file;
use crate::service::config::SiteMemoryConfig;
use crate::sites::Memory;
use crate::stories::memory::Offline;
use crate::stories::DEFAULT_THRESHOLD;

/// Arguments of `akhbar clean`.
#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// URL of the page(s), used for `url` and `site`.
    #[arg(long)]
    pub url: Option<String>,
    /// Content-Type the page(s) were served with (charset included), e.g.
    /// `text/html; charset=windows-1256`.
    #[arg(long = "content-type")]
    pub content_type: Option<String>,
    /// Write one `NAME.json` per input into this folder instead of JSON lines on stdout.
    #[arg(long = "out-dir")]
    pub out_dir: Option<PathBuf>,
    /// A marker file extending the built-in markers (same layout as config/markers.toml).
    #[arg(long)]
    pub markers: Option<PathBuf>,
    /// Largest page accepted, in bytes (after gzip inflation).
    #[arg(long = "max-bytes", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    /// Do not annotate stories (near-duplicates among the inputs). With stories, the articles
    /// are written once every input was read (a story may join copies met only later);
    /// without, each as soon as it is cleaned.
    #[arg(long = "no-stories")]
    pub no_stories: bool,
    /// Learn each site's template from all the pages given (a first pass), then clean every
    /// page with it: lines a site prints on most of its pages leave the body.
    #[arg(long = "site-memory")]
    pub site_memory: bool,
    /// Input files; `-` reads one page from stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Runs `akhbar clean`; returns the exit code (0 when every input gave an article, 1 otherwise).
pub fn run(args: CleanArgs) -> anyhow::Result<i32> {
    let markers = markers_file(args.markers.as_deref()).context("marker file")?;
    let extractor = Extractor::new(ExtractOptions {
        max_bytes: args.max_bytes,
        markers,
    });
    let meta = PageMeta {
        url: args.url.clone(),
        content_type: args.content_type.clone(),
    };
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating output folder {}", dir.display()))?;
    }
    let stories = (!args.no_stories).then(|| Offline::new(DEFAULT_THRESHOLD));
    let memory = args
        .site_memory
        .then(|| learn_sites(&extractor, &args.files, &meta));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0usize;
    let mut held: Vec<(&PathBuf, Article)> = Vec::new();
    for file in &args.files {
        let shown = file.display().to_string();
        let bytes = match read_input(file) {
            Ok(b) => b,
            Err(err) => {
                eprintln!("{shown}: read_error: {err}");
                failed += 1;
                continue;
            }
        };
        let extracted = match &memory {
            Some(m) => clean_with(&extractor, &bytes, &meta, m),
            None => extractor.extract(&bytes, &meta),
        };
        let mut article = match extracted {
            Ok(a) => a,
            Err(rejection) => {
                eprintln!("{shown}: {}: {rejection}", rejection.code());
                tracing::debug!(file = %shown, reason = rejection.code(), "page rejected");
                failed += 1;
                continue;
            }
        };
        match &stories {
            Some(index) => {
                index.annotate(&mut article);
                held.push((file, article));
            }
            None => write_article(&mut out, args.out_dir.as_deref(), file, &article)?,
        }
    }
    if let Some(index) = &stories {
        let settled = index.settled();
        for (file, article) in &mut held {
            settled.apply(article);
            write_article(&mut out, args.out_dir.as_deref(), file, article)?;
        }
    }
    out.flush().context("writing to stdout")?;
    Ok(if failed == 0 { 0 } else { 1 })
}

/// The first pass of `--site-memory`: every page's lines learned into its site's model, with
/// the service's default settings (stdin cannot be read twice and is left out).
fn learn_sites(extractor: &Extractor, files: &[PathBuf], meta: &PageMeta) -> Memory {
    let cfg = SiteMemoryConfig::default();
    let mut memory = Memory::new(cfg.params(), cfg.memory_mib.saturating_mul(1 << 20));
    let mut siteless = 0usize;
    for file in files.iter().filter(|f| f.as_os_str() != "-") {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        let (article, seen) = extractor.extract_observed(&bytes, meta, &|_: &str| None);
        match (article, seen.site.as_deref()) {
            (Ok(article), Some(site)) => {
                memory.learn(site, &article.id, &seen.lines, &[]);
            }
            (Ok(_), None) => siteless += 1,
            (Err(_), _) => {}
        }
    }
    if siteless > 0 {
        eprintln!(
            "site memory: {siteless} page(s) name no site and have no URL (give --url): not learned from"
        );
    }
    memory
}

/// The second pass: one page cleaned with its site's template.
fn clean_with(
    extractor: &Extractor,
    bytes: &[u8],
    meta: &PageMeta,
    memory: &Memory,
) -> Result<Article, Rejection> {
    let templates = |site: &str| memory.peek_template(site);
    extractor.extract_observed(bytes, meta, &templates).0
}

/// Writes one article: `NAME.json` in `out_dir`, else a JSON line on `out`.
fn write_article(
    out: &mut impl Write,
    out_dir: Option<&Path>,
    file: &Path,
    article: &Article,
) -> anyhow::Result<()> {
    let json = serde_json::to_string(article).context("serialising the article")?;
    match out_dir {
        Some(dir) => {
            let path = dir.join(format!("{}.json", output_name(file)));
            std::fs::write(&path, format!("{json}\n"))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        None => writeln!(out, "{json}").context("writing to stdout")?,
    }
    Ok(())
}

fn read_input(file: &Path) -> std::io::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(file)
    }
}

/// The output name for an input file: [`file_stem`] (`x.html.gz` → `x`, `000_ab.txt` →
/// `000_ab`); stdin is `stdin`.
pub fn output_name(file: &Path) -> String {
    if file.as_os_str() == "-" {
        return "stdin".to_string();
    }
    match file_stem(file) {
        stem if stem.is_empty() => "page".to_string(),
        stem => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_name_drops_gz_then_the_last_extension() {
        assert_eq!(output_name(Path::new("a/x.html.gz")), "x");
        assert_eq!(output_name(Path::new("000_ab.txt")), "000_ab");
        assert_eq!(output_name(Path::new("page")), "page");
        assert_eq!(output_name(Path::new(".hidden")), ".hidden");
        assert_eq!(output_name(Path::new("-")), "stdin");
    }
}

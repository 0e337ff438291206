//! `akhbar stories`: clean pages from files and print which of them are one story (near-duplicate
//! copies of one report): each article compared with the ones before it, as the service would
//! see them arriving in the order given, then the stories of copies that met only later joined.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::files::{collect_files, content_type_for};
use crate::extract::{Article, ExtractOptions, Extractor, PageMeta, DEFAULT_MAX_BYTES};
use crate::service::config::validate::markers_file;
use crate::stories::memory::Offline;
use crate::stories::DEFAULT_THRESHOLD;

/// Arguments of `akhbar stories`.
#[derive(Debug, clap::Args)]
pub struct StoriesArgs {
    /// Share of the shorter body that must be found in the other for two articles to be one
    /// story (0–1).
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Print one JSON object per input (`file`, `id`, `story`) instead of the groups.
    #[arg(long)]
    pub json: bool,
    /// Print single-article stories too.
    #[arg(long)]
    pub all: bool,
    /// A marker file extending the built-in markers (same layout as config/markers.toml).
    #[arg(long)]
    pub markers: Option<PathBuf>,
    /// Input files or folders (walked for .html, .htm, .txt pages, optionally gzipped), in the
    /// order the pages are taken to have arrived.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// One input that gave an article.
struct Seen {
    file: String,
    article: Article,
}

/// Runs `akhbar stories`; returns the exit code (0, or 1 when an input gave no article).
pub fn run(args: StoriesArgs) -> anyhow::Result<i32> {
    if !(0.0..=1.0).contains(&args.threshold) {
        anyhow::bail!("--threshold must be between 0 and 1");
    }
    let markers = markers_file(args.markers.as_deref()).context("marker file")?;
    let extractor = Extractor::new(ExtractOptions {
        max_bytes: DEFAULT_MAX_BYTES,
        markers,
    });
    let index = Offline::new(args.threshold);
    let mut seen = Vec::new();
    let mut failed = 0usize;
    for input in collect_files(&args.files)? {
        let file = input.path.display().to_string();
        let bytes = match std::fs::read(&input.path) {
            Ok(b) => b,
            Err(err) => {
                eprintln!("{file}: read_error: {err}");
                failed += 1;
                continue;
            }
        };
        let meta = PageMeta {
            url: None,
            content_type: content_type_for(&input.path, &bytes),
        };
        match extractor.extract(&bytes, &meta) {
            Ok(mut article) => {
                index.annotate(&mut article);
                seen.push(Seen { file, article });
            }
            Err(rejection) => {
                eprintln!("{file}: {}: {rejection}", rejection.code());
                failed += 1;
            }
        }
    }
    let settled = index.settled();
    for s in &mut seen {
        settled.apply(&mut s.article);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        for s in &seen {
            let line =
                serde_json::json!({"file": s.file, "id": s.article.id, "story": s.article.story});
            writeln!(out, "{line}").context("writing to stdout")?;
        }
    } else {
        print_groups(&mut out, &seen, args.all).context("writing to stdout")?;
    }
    out.flush().context("writing to stdout")?;
    Ok(if failed == 0 { 0 } else { 1 })
}

/// The groups, in order of their first article: the first file, then each copy with the file
/// it duplicates and the similarity.
fn print_groups(out: &mut impl Write, seen: &[Seen], all: bool) -> std::io::Result<()> {
    let file_of: BTreeMap<&str, &str> = seen
        .iter()
        .map(|s| (s.article.id.as_str(), s.file.as_str()))
        .collect();
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<&Seen>> = BTreeMap::new();
    for s in seen {
        let story = s
            .article
            .story
            .as_ref()
            .map_or(s.article.id.as_str(), |st| st.id.as_str());
        let members = groups.entry(story).or_default();
        if members.is_empty() {
            order.push(story);
        }
        members.push(s);
    }
    let mut copies = 0;
    let mut with_copies = 0;
    for story in &order {
        let members = &groups[story];
        if members.len() > 1 {
            with_copies += 1;
            copies += members.len() - 1;
        } else if !all {
            continue;
        }
        writeln!(out, "story {story} ({} articles)", members.len())?;
        for s in members {
            match s
                .article
                .story
                .as_ref()
                .and_then(|st| st.duplicate_of.as_deref().map(|d| (d, st.similarity)))
            {
                Some((dup, similarity)) => {
                    let of = file_of.get(dup).copied().unwrap_or(dup);
                    let similarity =
                        similarity.map_or(String::new(), |v| format!(", similarity {v:.2}"));
                    writeln!(out, "  {}  copy of {of}{similarity}", s.file)?;
                }
                None => writeln!(out, "  {}", s.file)?,
            }
        }
    }
    writeln!(
        out,
        "{} articles, {} stories, {with_copies} with copies, {copies} copies",
        seen.len(),
        order.len()
    )
}

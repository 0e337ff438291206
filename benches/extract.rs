//! Extraction micro-benchmarks: whole corpora per iteration, as bytes/s and pages/s, next to the
//! bare `scraper::Html::parse_document` of the same HTML so the overhead over parsing is visible.
//!
//! Corpora: the seed text pages (`../shared/seeds/*.txt`), the project's HTML fixtures
//! (`tests/fixtures/html`) and the aeb pages (`../shared/aeb/html/*.html.gz`, inflated before
//! timing). A corpus that is absent is skipped with a note. Filter as usual:
//! `cargo bench --bench extract -- aeb`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use akhbar::extract::{Extractor, PageMeta};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};
use std::hint::black_box;

/// One page held in memory, ready to time.
struct Page {
    bytes: Vec<u8>,
    meta: PageMeta,
}

/// A named set of pages.
struct Corpus {
    name: &'static str,
    pages: Vec<Page>,
    is_html: bool,
}

impl Corpus {
    fn total_bytes(&self) -> u64 {
        self.pages.iter().map(|p| p.bytes.len() as u64).sum()
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sorted_files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

fn read_page(path: &Path) -> Option<Vec<u8>> {
    let raw = std::fs::read(path).ok()?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .ok()?;
        Some(out)
    } else {
        Some(raw)
    }
}

fn load(name: &'static str, dir: &Path, suffix: &str, is_html: bool) -> Option<Corpus> {
    let pages: Vec<Page> = sorted_files(dir, suffix)
        .iter()
        .filter_map(|path| {
            let bytes = read_page(path)?;
            let content_type = if is_html {
                "text/html; charset=utf-8"
            } else {
                "text/plain; charset=utf-8"
            };
            Some(Page {
                bytes,
                meta: PageMeta {
                    url: None,
                    content_type: Some(content_type.to_string()),
                },
            })
        })
        .collect();
    if pages.is_empty() {
        eprintln!(
            "SKIPPED corpus {name}: no *{suffix} pages in {}",
            dir.display()
        );
        return None;
    }
    let corpus = Corpus {
        name,
        pages,
        is_html,
    };
    eprintln!(
        "corpus {name}: {} pages, {} bytes",
        corpus.pages.len(),
        corpus.total_bytes()
    );
    Some(corpus)
}

fn corpora() -> Vec<Corpus> {
    let shared = manifest_dir().join("../shared");
    [
        load("seeds", &shared.join("seeds"), ".txt", false),
        load(
            "fixtures",
            &manifest_dir().join("tests/fixtures/html"),
            ".html",
            true,
        ),
        load("aeb", &shared.join("aeb/html"), ".html.gz", true),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}

fn extract_all(extractor: &Extractor, corpus: &Corpus) -> usize {
    corpus
        .pages
        .iter()
        .filter(|p| black_box(extractor.extract(black_box(&p.bytes), &p.meta)).is_ok())
        .count()
}

fn parse_all(texts: &[String]) -> usize {
    texts
        .iter()
        .map(|t| {
            black_box(scraper::Html::parse_document(black_box(t)))
                .errors
                .len()
        })
        .sum()
}

fn bench_corpus(c: &mut Criterion, extractor: &Extractor, corpus: &Corpus) {
    let texts: Vec<String> = corpus
        .pages
        .iter()
        .map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
        .collect();
    let units = [
        ("bytes", Throughput::Bytes(corpus.total_bytes())),
        ("pages", Throughput::Elements(corpus.pages.len() as u64)),
    ];
    for (unit, throughput) in units {
        let mut group = c.benchmark_group(format!("{}/{unit}", corpus.name));
        configure(&mut group);
        group.throughput(throughput);
        group.bench_function("extract", |b| b.iter(|| extract_all(extractor, corpus)));
        if corpus.is_html {
            group.bench_function("scraper_parse", |b| b.iter(|| parse_all(&texts)));
        }
        group.finish();
    }
}

fn benches(c: &mut Criterion) {
    let extractor = Extractor::default();
    for corpus in corpora() {
        let ok = extract_all(&extractor, &corpus);
        eprintln!(
            "corpus {}: {ok}/{} pages extracted (the rest rejected)",
            corpus.name,
            corpus.pages.len()
        );
        bench_corpus(c, &extractor, &corpus);
    }
}

criterion_group!(extract, benches);
criterion_main!(extract);

//! Timing helper for the benchmark scripts: loads pages into memory (inflating `*.gz`), then runs
//! extraction (or the bare `scraper` parse, or extraction with site memory: templates looked up
//! and every page learned, as one replica does without its store) over all of them N times in
//! one process, so process start-up and file I/O stay out of the figure.
//!
//! ```text
//! cargo run --release --example extract_loop -- [--mode extract|parse|sites] [--runs N] [--warmup N] PATH...
//! ```
//!
//! PATH is a file or a folder (its `*.html`, `*.htm`, `*.txt` and `*.gz` files). Prints one line:
//! `mode=extract pages=181 bytes=… runs=5 total_s=… median_run_s=… pages_per_s=… mb_per_s=… ok=…`,
//! rates taken from the median run (robust to a noisy, shared machine).

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use std::cell::RefCell;

use akhbar::extract::{Extractor, PageMeta};
use akhbar::sites::{Memory, Params};

fn usage() -> ! {
    eprintln!(
        "usage: extract_loop [--mode extract|parse|sites] [--runs N] [--warmup N] PATH...\n\
         PATH: a page file or a folder of pages (.html, .htm, .txt, optionally .gz)"
    );
    std::process::exit(2)
}

fn is_page(path: &Path) -> bool {
    let name = path.to_string_lossy();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    [".html", ".htm", ".txt"].iter().any(|s| name.ends_with(s))
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        out.extend(files.into_iter().filter(|p| p.is_file() && is_page(p)));
    } else {
        out.push(path.to_path_buf());
    }
}

fn read_page(path: &Path) -> std::io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::GzDecoder::new(raw.as_slice()).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

fn content_type(path: &Path) -> &'static str {
    let name = path.to_string_lossy();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".txt") {
        "text/plain; charset=utf-8"
    } else {
        "text/html; charset=utf-8"
    }
}

fn main() {
    let mut mode = "extract".to_string();
    let mut runs: u32 = 5;
    let mut warmup: u32 = 1;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--mode" => mode = args.next().unwrap_or_else(|| usage()),
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--warmup" => {
                warmup = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "-h" | "--help" => usage(),
            _ => collect(Path::new(&a), &mut paths),
        }
    }
    if paths.is_empty() || !matches!(mode.as_str(), "extract" | "parse" | "sites") || runs == 0 {
        usage();
    }
    let mut pages = Vec::with_capacity(paths.len());
    for p in &paths {
        match read_page(p) {
            Ok(bytes) => pages.push((
                bytes,
                PageMeta {
                    url: None,
                    content_type: Some(content_type(p).to_string()),
                },
            )),
            Err(e) => eprintln!("skipping {}: {e}", p.display()),
        }
    }
    let total_bytes: usize = pages.iter().map(|(b, _)| b.len()).sum();
    let texts: Vec<String> = if mode == "parse" {
        pages
            .iter()
            .map(|(b, _)| String::from_utf8_lossy(b).into_owned())
            .collect()
    } else {
        Vec::new()
    };
    let extractor = Extractor::default();
    let memory = RefCell::new(Memory::new(Params::default(), 16 << 20));
    let one_run = || -> usize {
        if mode == "parse" {
            for t in &texts {
                black_box(scraper::Html::parse_document(black_box(t)));
            }
            texts.len()
        } else if mode == "sites" {
            let templates = |site: &str| memory.borrow_mut().template(site);
            let mut ok = 0;
            for (b, m) in &pages {
                let (article, seen) = extractor.extract_observed(black_box(b), m, &templates);
                if let (Ok(a), Some(site)) = (&article, seen.site.as_deref()) {
                    memory
                        .borrow_mut()
                        .learn(site, &a.id, &seen.lines, &seen.texts);
                    ok += 1;
                }
            }
            ok
        } else {
            pages
                .iter()
                .filter(|(b, m)| black_box(extractor.extract(black_box(b), m)).is_ok())
                .count()
        }
    };
    let mut ok = 0;
    for _ in 0..warmup {
        ok = one_run();
    }
    let mut times = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        let start = Instant::now();
        ok = one_run();
        times.push(start.elapsed().as_secs_f64());
    }
    let total: f64 = times.iter().sum();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let n = pages.len() as f64;
    let mb = total_bytes as f64 / 1e6;
    println!(
        "mode={mode} pages={} bytes={total_bytes} runs={runs} total_s={total:.4} median_run_s={median:.4} \
         pages_per_s={:.1} mb_per_s={:.2} ok={ok}",
        pages.len(),
        n / median,
        mb / median
    );
}

//! Site memory in the library: three invented portals streamed page by page through
//! `Extractor::extract_observed` and `sites::Memory`, as the service does on one replica.

use akhbar::extract::normalize::match_key;
use akhbar::extract::{Article, Extractor, PageMeta};
use akhbar::sites::{Memory, Params};

use crate::harness::{interleaved, json_lines, judge_body, portal_page, portals, PortalPage};

/// Pages streamed per portal.
const PAGES: u64 = 40;
/// Pages of a portal after which no furniture may be left.
const WARM_UP: u64 = 10;

fn meta(page: &PortalPage) -> PageMeta {
    PageMeta {
        url: Some(page.url.clone()),
        content_type: Some(page.content_type.to_string()),
    }
}

/// Streams the pages through one memory (or none); each page's article.
fn stream(order: &[(usize, u64)], memory: Option<&mut Memory>) -> Vec<(usize, u64, Article)> {
    let extractor = Extractor::default();
    let mut out = Vec::new();
    let mut memory = memory;
    for &(p, n) in order {
        let page = portal_page(p, n);
        let (article, seen) = match memory.as_deref_mut() {
            Some(m) => {
                let templates = |site: &str| m.peek_template(site);
                extractor.extract_observed(&page.bytes, &meta(&page), &templates)
            }
            None => (
                extractor.extract(&page.bytes, &meta(&page)),
                Default::default(),
            ),
        };
        let article = article.unwrap_or_else(|e| panic!("portal {p} page {n}: {e}"));
        if let (Some(m), Some(site)) = (memory.as_deref_mut(), seen.site.as_deref()) {
            m.learn(site, &article.id, &seen.lines, &seen.texts);
        }
        out.push((p, n, article));
    }
    out
}

#[test]
fn furniture_learned_from_the_stream_leaves_every_body_after_ten_pages() {
    let mut memory = Memory::new(Params::default(), 16 << 20);
    let results = stream(&interleaved(PAGES), Some(&mut memory));
    let mut worst_recall: f64 = 1.0;
    let mut removed = 0;
    for (p, n, article) in &results {
        let page = portal_page(*p, *n);
        let (left, recall) = judge_body(&page, &article.body);
        worst_recall = worst_recall.min(recall);
        assert!(
            recall >= 0.99,
            "portal {p} page {n}: recall {recall}\n{}",
            article.body
        );
        assert_eq!(article.site, portals()[*p].site);
        if *n >= WARM_UP {
            assert!(left.is_empty(), "portal {p} page {n} keeps {left:?}");
            let used = article.extractor.site_template.as_ref();
            assert!(
                used.is_some_and(|t| t.lines >= 4),
                "portal {p} page {n}: {used:?}"
            );
            removed += article
                .stats
                .removed
                .get("site_template")
                .copied()
                .unwrap_or(0);
        }
    }
    assert!(removed >= 3 * (PAGES - WARM_UP), "{removed}");
    assert_eq!(memory.sites(), 3);
    eprintln!(
        "FIGURES site memory (library): 3 portals x {PAGES} pages, worst body recall {worst_recall:.3}, \
         {removed} template lines removed after the warm-up, {} template lines known",
        memory.template_lines()
    );
}

#[test]
fn without_site_memory_the_portals_furniture_stays_in_the_bodies() {
    let results = stream(&interleaved(PAGES), None);
    for (p, n, article) in &results {
        let (left, recall) = judge_body(&portal_page(*p, *n), &article.body);
        assert!(recall >= 0.99, "portal {p} page {n}: recall {recall}");
        assert!(
            left.len() >= 2,
            "portal {p} page {n}: the markers alone caught the furniture: {left:?}"
        );
    }
}

#[test]
fn the_portals_furniture_is_in_no_marker_list() {
    let markers: toml::Table =
        toml::from_str(include_str!("../../config/markers.toml")).expect("markers.toml");
    let mut phrases = Vec::new();
    for section in markers.values() {
        for list in section.as_table().into_iter().flat_map(|t| t.values()) {
            for v in list.as_array().into_iter().flatten() {
                if let Some(s) = v.as_str() {
                    phrases.push(match_key(s));
                }
            }
        }
    }
    assert!(phrases.len() > 200, "{}", phrases.len());
    for portal in portals() {
        let lines = portal
            .header
            .iter()
            .chain([&portal.inline])
            .chain(&portal.footer)
            .chain([&portal.sometimes]);
        for line in lines {
            let key = format!(" {} ", match_key(line));
            for phrase in phrases.iter().filter(|p| !p.is_empty()) {
                assert!(
                    !key.contains(&format!(" {phrase} ")),
                    "{line:?} holds the marker {phrase:?}"
                );
            }
        }
    }
}

#[test]
fn an_article_streamed_again_and_again_teaches_nothing() {
    let mut memory = Memory::new(Params::default(), 16 << 20);
    let same = vec![(0usize, 3u64); 30];
    let results = stream(&same, Some(&mut memory));
    assert_eq!(memory.template_lines(), 0);
    let last = &results.last().expect("pages").2;
    assert!(last.extractor.site_template.is_none());
    assert_eq!(
        memory.slot("sada-alwadi.example").map(|s| s.model.pages()),
        Some(1)
    );
}

/// `akhbar clean` over a folder of pages, with or without `--site-memory`: the events, in the
/// order of the files.
fn clean_folder(pages: &[PortalPage], url: &str, site_memory: bool) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let ext = if page.content_type.starts_with("text/html") {
            "html"
        } else {
            "txt"
        };
        let path = dir.path().join(format!("{i:03}.{ext}"));
        std::fs::write(&path, &page.bytes).expect("write page");
        files.push(path);
    }
    let mut cmd = std::process::Command::new(crate::harness::akhbar_bin());
    cmd.args(["clean", "--url", url]);
    if site_memory {
        cmd.arg("--site-memory");
    }
    json_lines(&cmd.args(&files).output().expect("run akhbar clean"))
}

#[test]
fn clean_with_site_memory_gives_a_folder_of_one_portal_what_the_stream_gives() {
    const FOLDER: u64 = 12;
    for p in [0, 2] {
        let pages: Vec<PortalPage> = (0..FOLDER).map(|n| portal_page(p, n)).collect();
        let url = format!("https://{}/", portals()[p].host);
        let plain = clean_folder(&pages, &url, false);
        let learned = clean_folder(&pages, &url, true);
        assert_eq!(learned.len(), pages.len());
        // What streaming the same pages gives, page by page.
        let mut memory = Memory::new(Params::default(), 16 << 20);
        let order: Vec<(usize, u64)> = (0..FOLDER).map(|n| (p, n)).collect();
        let streamed = {
            let extractor = Extractor::default();
            let mut out = Vec::new();
            for &(p, n) in &order {
                let page = portal_page(p, n);
                let meta = PageMeta {
                    url: Some(url.clone()),
                    content_type: None,
                };
                let templates = |site: &str| memory.peek_template(site);
                let (article, seen) = extractor.extract_observed(&page.bytes, &meta, &templates);
                let article = article.expect("an article");
                if let Some(site) = seen.site.as_deref() {
                    memory.learn(site, &article.id, &seen.lines, &seen.texts);
                }
                out.push(article);
            }
            out
        };
        for (n, page) in pages.iter().enumerate() {
            let body = learned[n]["body"].as_str().unwrap_or_default();
            let (left, recall) = judge_body(page, body);
            assert!(left.is_empty(), "portal {p} file {n} keeps {left:?}");
            assert!(recall >= 0.99, "portal {p} file {n}: recall {recall}");
            let plain_body = plain[n]["body"].as_str().unwrap_or_default();
            assert!(
                !judge_body(page, plain_body).0.is_empty(),
                "portal {p} file {n}"
            );
            if n as u64 >= WARM_UP {
                assert_eq!(body, streamed[n].body, "portal {p} file {n}");
                assert_eq!(
                    learned[n]["extractor"]["site_template"]["revision"].as_str(),
                    streamed[n]
                        .extractor
                        .site_template
                        .as_ref()
                        .map(|t| t.revision.as_str())
                );
            }
        }
    }
}

#[test]
fn pages_of_no_known_site_teach_nothing_and_keep_their_lines() {
    let extractor = Extractor::default();
    let mut memory = Memory::new(Params::default(), 16 << 20);
    for n in 0..PAGES {
        let page = portal_page(0, n);
        let anonymous = PageMeta {
            url: None,
            content_type: Some(page.content_type.to_string()),
        };
        let templates = |site: &str| memory.peek_template(site);
        let (article, seen) = extractor.extract_observed(&page.bytes, &anonymous, &templates);
        let article = article.unwrap_or_else(|e| panic!("page {n}: {e}"));
        assert_eq!(seen.site, None, "page {n}: no site to learn for");
        assert!(seen.lines.is_empty(), "page {n}: lines observed");
        assert!(article.extractor.site_template.is_none(), "page {n}");
        if let Some(site) = seen.site.as_deref() {
            memory.learn(site, &article.id, &seen.lines, &seen.texts);
        }
    }
    assert_eq!(memory.sites(), 0);
}

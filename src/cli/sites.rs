//! `akhbar sites`: what site memory has learned, read from its key-value bucket — every site
//! with its pages and template size, or one site's template lines with their texts.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;

use super::nats_args::NatsArgs;
use crate::service::config::Config;
use crate::service::site_memory::store::{Store, Stored};
use crate::sites::Params;

/// Arguments of `akhbar sites`.
#[derive(Debug, clap::Args)]
pub struct SitesArgs {
    #[command(flatten)]
    pub nats: NatsArgs,
    /// Show this site's template lines (the site as in the article events' `site`).
    #[arg(long)]
    pub site: Option<String>,
    /// With --site, every line the site's model records, template or not.
    #[arg(long, requires = "site")]
    pub all: bool,
    /// Configuration file whose `[site_memory]` section names the bucket and the template
    /// settings (default: `config/akhbar.toml` when present; `AKHBAR_SITE_MEMORY__…` apply).
    #[arg(long, short, env = "AKHBAR_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs `akhbar sites`; returns the exit code (1 when the site has no model).
pub fn run(args: SitesArgs) -> anyhow::Result<i32> {
    let config = Config::load(args.config.as_deref()).context("invalid configuration")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let client = args.nats.connect("akhbar-sites").await?;
        let js = async_nats::jetstream::new(client);
        let store = Store::open(&js, &config.site_memory, false)
            .await
            .context("site memory")?;
        let params = config.site_memory.params();
        let mut out = std::io::stdout().lock();
        match &args.site {
            Some(site) => {
                let Some(stored) = store.get(site).await.context("site memory")? else {
                    eprintln!(
                        "akhbar sites: no model for {site:?} in bucket {}",
                        store.bucket()
                    );
                    return Ok(1);
                };
                write_site(&mut out, site, &stored, &params, args.all)?;
            }
            None => {
                writeln!(out, "site\tpages\tlines\ttemplate\trevision")?;
                for site in store.sites().await.context("site memory")? {
                    if let Some(s) = store.get(&site).await.context("site memory")? {
                        let t = s.model.template(&params);
                        writeln!(
                            out,
                            "{site}\t{}\t{}\t{}\t{}",
                            s.model.pages(),
                            s.model.lines(),
                            t.len(),
                            t.revision()
                        )?;
                    }
                }
            }
        }
        out.flush()?;
        Ok(0)
    })
}

/// One site: a header, then its template lines (or all its lines), most seen first, each with
/// the pages it stood on and its text when known.
fn write_site(
    out: &mut impl Write,
    site: &str,
    stored: &Stored,
    params: &Params,
    all: bool,
) -> anyhow::Result<()> {
    let model = &stored.model;
    let template = model.template(params);
    writeln!(
        out,
        "# {site}: {} pages, {} lines recorded, {} template lines, template revision {}, \
         store revision {}",
        model.pages(),
        model.lines(),
        template.len(),
        template.revision(),
        stored.revision
    )?;
    if let Some(e) = &stored.unreadable {
        writeln!(out, "# the stored model is unreadable: {e}")?;
    }
    for (hash, pages) in model.line_counts() {
        let in_template = template.contains(hash);
        if !all && !in_template {
            continue;
        }
        let text = stored
            .labels
            .get(hash)
            .map_or_else(|| format!("(line {hash:016x})"), str::to_string);
        let mark = if in_template { "T" } else { "-" };
        writeln!(out, "{mark}\t{pages}/{}\t{text}", model.pages())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: SitesArgs,
    }

    #[test]
    fn all_needs_a_site() {
        use clap::{CommandFactory, Parser};
        Wrapper::command().debug_assert();
        assert!(Wrapper::try_parse_from(["s", "--all"]).is_err());
        let parsed = Wrapper::try_parse_from(["s", "--site", "example.com", "--all"]).unwrap();
        assert_eq!(parsed.args.site.as_deref(), Some("example.com"));
    }

    #[test]
    fn one_site_lists_its_template_lines_most_seen_first_with_their_texts() {
        let p = Params {
            window: 8,
            min_pages: 4,
            share: 0.5,
            max_lines: 40,
        };
        let mut model = crate::sites::SiteModel::new();
        for n in 0..6u64 {
            let mut lines = vec![1, 2, 100 + n];
            if n % 2 == 0 {
                lines.push(3);
            }
            model.learn(&format!("a{n}"), &lines, &p);
        }
        let mut labels = crate::sites::Labels::default();
        labels.insert(1, "شعار الموقع");
        let stored = Stored {
            model,
            labels,
            revision: 9,
            unreadable: None,
        };
        let mut out = Vec::new();
        write_site(&mut out, "example.com", &stored, &p, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("# example.com: 6 pages"), "{text}");
        assert_eq!(lines[1], "T\t6/6\tشعار الموقع");
        assert!(lines[2].starts_with("T\t6/6\t(line "), "{text}");
        assert!(lines[3].starts_with("T\t3/6\t(line "), "{text}");
        assert_eq!(lines.len(), 4, "{text}");
    }
}

//! akhbar — streaming ingestion of Arabic news: raw pages from NATS JetStream in, clean article
//! events out, what cannot be handled dead-lettered with a reason, Prometheus metrics beside.
//!
//! # A page's path through the code
//!
//! ```text
//!  NATS JetStream news.raw.>       service/nats.rs      connect (the one ConnectOptions builder)
//!  (stream NEWS_RAW, consumer)     service/topology.rs  the three streams ([streams.*] settings,
//!                                                       compared, updated or warned about) and
//!                                                       the durable consumer
//!        │
//!        ▼
//!  consume                         service/consume/     pull.rs: batches ≤ free in-flight slots,
//!        │                                              ack / nak / dead-letter rules, progress
//!        │                                              acks, back-pressure; queue.rs: core NATS
//!        ▼                                              queue group; mod.rs: drain on shutdown
//!  process                         service/process.rs   message.rs (headers | JSON envelope |
//!        │                                              URL-only) → fetch.rs (SSRF-guarded) →
//!        │                                              extraction on the blocking pool
//!        ▼
//!  extract::Extractor::extract     src/extract/         pure library, no I/O: gzip → charset →
//!        │                                              text page | HTML page → Article, or a
//!        │                                              Rejection with its code
//!        │  (extract_observed)     service/site_memory/ the site's template in, what the page
//!        │                                              showed out; learned into src/sites/
//!        │                                              models, shared through a KV bucket
//!        ▼
//!  story                           service/stories.rs   band keys and records in a JetStream
//!        │                         src/stories/         key-value bucket; the pure part (tokens,
//!        │                                              MinHash bands, confirmation, the claim
//!        ▼                                              order) knows nothing of NATS
//!  outcome                         service/outcome.rs   Ok(article) | PageError → Reason
//!        ▼
//!  publish                         service/publish.rs   article → news.clean.{site}, else dead
//!        │                                              letter → news.dlq; await the ack; then
//!        ▼                                              consume/pull.rs acks the input
//!  observe                         service/events.rs    one struct per happening: its log line
//!                                  service/metrics.rs   and its counters; every metric defined
//!                                  service/summary.rs   once; the periodic info summary;
//!                                  service/http.rs      /metrics /healthz /readyz
//!
//!  news.dlq (NEWS_DLQ) ──────────▶ service/dlq.rs       letters read back: `akhbar dlq list`,
//!                                                       `replay` to the original subjects
//! ```
//!
//! [`service::run`] wires it together (`service/mod.rs`) on a listener bound by
//! [`service::bind`]; [`service::shutdown`] stops it gracefully; `service/backoff.rs` is the one
//! retry policy helper; `service/tls.rs` installs the one TLS crypto provider (ring).
//! [`service::config`] holds every configuration struct, layered by figment (defaults → TOML →
//! `AKHBAR_<SECTION>__<KEY>`). The command-line front ends live in [`cli`], one module per
//! command (`clean`, `stories`, `serve`, `config check`, `publish`, `tail`, `health`, `dlq`,
//! `sites`); the binary only parses arguments and calls [`cli::run`]. The extraction library
//! ([`extract`]) knows nothing of NATS; the service knows nothing of HTML. [`stories`] finds
//! near-duplicate copies of one report (the event's `story`); offline (`clean`, `stories`) its
//! index is in memory. Boilerplate markers are data: `config/markers.toml`. Site memory — each
//! portal's furniture learned from its pages — is pure data in [`sites`] (models, their merge, a
//! memory budget); the service keeps the models in a JetStream key-value bucket
//! (`service/site_memory/`), `akhbar clean --site-memory` for one run.
//!
//! # Where a change goes
//!
//! - **A reason code** (dead-letter `Akhbar-Reason`, the `reason` metric label): one line in the
//!   `reasons!` list of `service/outcome.rs`, plus the [`service::outcome::PageError`] variant
//!   that produces it. Metric labels are registered from that list; `docs/events.md`'s table is
//!   checked against it by a test. Refusals of the extraction library are
//!   [`extract::Rejection`] (with `extract::rejection::RejectionCode`).
//! - **A boilerplate kind** (`stats.removed`, the `kind` label): one line in the `kinds!` list of
//!   `extract/removed.rs` ([`extract::RemovedKind`]); the metric registers every kind from it.
//! - **A configuration key**: a field with its `///` line in its section struct in
//!   `service/config/mod.rs` and its default in that struct's `Default` (the
//!   `AKHBAR_SECTION__KEY` variable comes with it); a check in `service/config/validate.rs` when
//!   serde's typing is not enough; a row in `docs/configuration.md` (checked by a test) and a
//!   line in `config/akhbar.toml`.
//! - **A metric**: defined in `service/metrics.rs`, counted by the event that causes it in
//!   `service/events.rs` (a new happening is a new event struct there); a row in
//!   `docs/operations.md` (checked by a test). A labelled metric registers every label value at
//!   start from the enum that defines the values, never from a list of its own.
//! - **A log line**: in the event it belongs to (`service/events.rs`); one page's happenings at
//!   `debug`, state changes at `info`; what the periodic summary says is `service/summary.rs`.
//! - **A NATS option**: a key of `[nats]` (`NatsConfig`) and one line in `service/nats.rs`'s
//!   `options()`, which `serve`, `publish` and `tail` all connect through (the tools' flag, if
//!   any, in `cli/nats_args.rs`). Stream and consumer settings: `service/topology.rs` (a new
//!   stream setting: a key of `StreamSettings` in `service/config/mod.rs`, its line in
//!   `stream_config()`, `differences()` and `updated()`).
//! - **A dead-letter header**: written in `service/publish.rs` (`dead_letter_headers`, listed in
//!   `LETTER_HEADERS` so that `service/dlq.rs` takes it away again on replay).
//! - **A command**: a module in `cli/` and a variant of [`cli::Command`].
//! - **Story detection** (what makes two articles one story): `src/stories/confirm.rs`; how
//!   words are folded for it: `src/stories/tokens.rs`; the index protocol:
//!   `src/stories/index.rs`; its store in the service: `service/stories.rs`.
//! - **How site models learn** (the window, the share, what a page counts for): `sites/model.rs`;
//!   what extraction reports of a page and how a template is applied: `extract/template.rs`
//!   (text pages: one check in `extract/text/evidence.rs`; HTML: `extract/html/lines.rs`); how
//!   models are shared: `service/site_memory/`.

pub mod cli;
pub mod extract;
pub mod service;
pub mod sites;
pub mod stories;

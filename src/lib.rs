//! akhbar — streaming ingestion of Arabic news.
//!
//! A page's path through the code:
//!
//! ```text
//!  NATS JetStream (news.raw.>)            src/service/bus.rs      connect, consume, publish, ack
//!        │ raw bytes + headers
//!        ▼
//!  message → Page                         src/service/message.rs  headers / JSON envelope / URL-only
//!        │                                src/service/fetch.rs    URL-only pages (SSRF-guarded)
//!        ▼
//!  bounded in-flight, pull / queue group  src/service/consume/    pull, ack / nak, drain
//!  fetch, extract on worker threads        src/service/process.rs  → outcome.rs (Reason codes)
//!        │
//!        ▼
//!  extract::Extractor::extract(bytes, meta) src/extract/          pure library, no I/O
//!     gzip → charset → mojibake repair     decode/
//!     → text page | HTML page              text.rs | html/ (clean, score, blocks, meta, jsonld)
//!     → Article (id, site, stats)          article.rs, with normalize.rs, dates.rs, markers.rs
//!        │
//!        ▼
//!  publish article event (news.clean.{site}), or dead letter (news.dlq), await the publish ack,
//!  then ack the input                     src/service/publish.rs, src/service/consume/pull.rs
//!        │
//!        ▼
//!  /metrics, /healthz, /readyz             src/service/metrics.rs, src/service/http.rs
//!  (every log line + counter pair)         src/service/events.rs
//! ```
//!
//! The extraction library ([`extract`]) knows nothing of NATS; the service ([`service`]) knows
//! nothing of HTML. The command-line front ends live in [`cli`]: `clean` (offline), `serve`,
//! `config check`, `publish` and `tail`. Boilerplate markers are data: `config/markers.toml`.

pub mod cli;
pub mod extract;
pub mod service;

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
//!  extract::extract(bytes, meta)          src/extract/            pure library, no I/O
//!     decode → text page | HTML page      decode.rs, text.rs, html/
//!     → normalise → Article                normalize.rs, dates.rs, markers.rs
//!        │
//!        ▼
//!  publish article event (news.clean.{site})  or dead letter (news.dlq), then ack the input
//!        │
//!        ▼
//!  /metrics, /healthz, /readyz             src/service/metrics.rs, src/service/http.rs
//! ```
//!
//! The extraction library ([`extract`]) knows nothing of NATS; the service ([`service`]) knows
//! nothing of HTML. The command-line front ends live in [`cli`].

pub mod cli;
pub mod extract;
pub mod service;

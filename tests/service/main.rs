//! The streaming service against real programs: a `nats-server -js` per test, `akhbar serve`
//! (and `publish`, `tail`, `health`) as child processes, Prometheus where installed. One binary,
//! one module per subject; the harness is `tests/harness`.
//!
//! The soak is `#[ignore]`d so that `cargo test` stays quick; `./scripts/test` runs it
//! (`-- --include-ignored`), and so does `cargo test -- --ignored soak`.

#[path = "../harness/mod.rs"]
mod harness;

mod cluster;
mod dlq;
mod faults;
mod health;
mod hostile;
mod logs;
mod monitoring;
mod pipeline;
mod secure;
mod site_memory;
mod soak;
mod stories;
mod streams;
mod tools;

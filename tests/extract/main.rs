//! Extraction without NATS: the fixture pages and portal layouts against their gold, property
//! tests of the library, `akhbar clean` as a program, and the scores on the shared seed pages
//! and the article-extraction benchmark (skipped when `../shared` is absent). One binary, one
//! module per subject; the harness is `tests/harness`.

#[path = "../harness/mod.rs"]
mod harness;

mod aeb;
mod clean;
mod fixtures;
mod portals;
mod properties;
mod seeds;
mod site_memory;
mod stories;

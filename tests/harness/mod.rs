//! The one test harness of both test binaries (`tests/extract`, `tests/service`): real programs
//! on ports the system picks, never a port found free and bound again later.
//!
//! - [`paths`]: the akhbar binary, the fixtures, the shared data folder;
//! - [`nats`]: a `nats-server -js` per test, in a temp dir, on a random port;
//! - [`cluster`]: three of them joined in one JetStream cluster;
//! - [`akhbar`]: `akhbar serve` as a child process (config, signals, metrics, log);
//! - [`cli`]: the output of akhbar's one-shot commands, read back;
//! - [`streams`]: JetStream set-up, publishing with retries, reading and tallying the outputs;
//! - [`pages`]: unique Arabic article pages;
//! - [`sites`]: three invented portals with their own furniture, for site memory;
//! - [`http`]: a minimal HTTP client, a misbehaving page server, polling helpers.
#![allow(dead_code, unused_imports)]

pub mod akhbar;
pub mod cli;
pub mod cluster;
pub mod http;
pub mod nats;
pub mod pages;
pub mod paths;
pub mod sites;
pub mod streams;

pub use akhbar::*;
pub use cli::*;
pub use cluster::*;
pub use http::*;
pub use nats::*;
pub use pages::*;
pub use paths::*;
pub use sites::*;
pub use streams::*;

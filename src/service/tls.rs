//! The TLS crypto provider: rustls with ring, the one provider compiled in (see the `rustls`,
//! `reqwest` and `async-nats` features in Cargo.toml), installed once for the process before
//! the first TLS client is built (the NATS connection, the fetch client).

use std::sync::Once;

/// Installs ring as the process's default rustls provider; later calls do nothing.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // An Err means a provider is installed already, which is all that is needed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

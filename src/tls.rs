//! TLS set-up: one stack (rustls with the ring provider).

/// Installs the process-wide rustls crypto provider once; later calls are no-ops.
pub fn install_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

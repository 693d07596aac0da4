//! TLS for the TCP client, the TCP server and the relay, with rustls (ring).
//!
//! - [`client_config`]: whom a client trusts (the system's roots, an extra CA,
//!   or nobody: "don't verify"), SNI and ALPN.
//! - [`server_config`]: a server's certificate (PEM files, or self-signed on the spot).
//! - [`handshake`]: the blocking handshake, with a deadline.
//! - [`duplex`]: one TLS session used by a reading and a writing thread at once.
//! - [`info`] and [`explain`]: what the handshake agreed, and why verification
//!   failed, in words a beginner can act on.
//!
//! Received and sent data is plaintext everywhere above this module: counters,
//! events and capture files hold what the application sent, not TLS records.

mod client_config;
mod duplex;
mod error;
mod explain;
mod handshake;
mod info;
mod lenient;
mod pem_files;
mod self_signed;
mod server_config;

use std::time::Duration;

pub use client_config::{TlsClientOptions, TlsVerify, client_connection};
pub use duplex::{Absorbed, TlsDuplex};
pub use error::{TlsError, VerifyFailure};
pub use explain::explain;
pub use handshake::handshake;
pub use info::{CertInfo, TlsInfo, sha256_hex};
pub use self_signed::{SelfSigned, machine_names, self_signed_for};
pub use server_config::{ServerIdentity, TlsIdentity, TlsServerOptions, server_identity};

/// How long a handshake may take, from the TCP connection to the first byte of data.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes rustls may hold for one session (plaintext waiting to be encrypted, and
/// records waiting for the socket): a peer or a flood of sends cannot grow it.
pub const SESSION_BUFFER: usize = 64 * 1024;

/// The ring provider, used for every config (it cross-compiles for Windows with mingw).
/// rustls deprecates it only for lacking post-quantum key exchange, which
/// aws-lc-rs has but which needs cmake and nasm to build for Windows.
#[allow(deprecated)]
pub(crate) fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}

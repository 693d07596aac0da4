//! A server's side of TLS: its certificate (PEM files, or self-signed on the
//! spot) and whether it asks clients for theirs.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::client_config::alpn_list;
use super::lenient::AnyClientCert;
use super::pem_files::{read_certificates, read_private_key};
use super::self_signed::{machine_names, self_signed_for};
use super::{TlsError, provider, sha256_hex};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsIdentity {
    /// A PEM certificate chain and its private key.
    Files { cert: PathBuf, key: PathBuf },
    /// Made on the spot for this machine's names and addresses.
    SelfSigned,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsServerOptions {
    pub identity: TlsIdentity,
    /// Ask clients for a certificate (optional for them); it is shown, not verified.
    pub request_client_cert: bool,
    /// Protocols the server accepts by ALPN, most wanted first.
    pub alpn: Vec<String>,
}

impl TlsServerOptions {
    pub fn self_signed() -> Self {
        TlsServerOptions {
            identity: TlsIdentity::SelfSigned,
            request_client_cert: false,
            alpn: Vec::new(),
        }
    }
}

/// A server's ready configuration and what to tell the user about it.
#[derive(Clone)]
pub struct ServerIdentity {
    pub config: Arc<ServerConfig>,
    /// SHA-256 of the server's own certificate, lowercase hex: what a client pins.
    pub sha256: String,
    /// The self-signed certificate's names and addresses (empty for files).
    pub names: Vec<String>,
    /// The self-signed certificate in PEM, for a client to trust (empty for files).
    pub cert_pem: String,
}

impl std::fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerIdentity")
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

/// Reads (or makes) the certificate and key, and checks that they belong together.
pub fn server_identity(options: &TlsServerOptions) -> Result<ServerIdentity, TlsError> {
    let (chain, key, names, cert_pem, key_name) = match &options.identity {
        TlsIdentity::Files { cert, key } => (
            read_certificates(cert)?,
            read_private_key(key)?,
            Vec::new(),
            String::new(),
            Some((cert.display().to_string(), key.display().to_string())),
        ),
        TlsIdentity::SelfSigned => {
            let made = self_signed_for(&machine_names())?;
            let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.key_der));
            (
                vec![CertificateDer::from(made.cert_der)],
                key,
                made.names,
                made.cert_pem,
                None,
            )
        }
    };
    let sha256 = chain.first().map(|c| sha256_hex(c)).unwrap_or_default();
    let provider = provider();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|err| TlsError::Config {
            message: err.to_string(),
        })?;
    let builder = if options.request_client_cert {
        builder.with_client_cert_verifier(Arc::new(AnyClientCert { provider }))
    } else {
        builder.with_no_client_auth()
    };
    let mut config =
        builder
            .with_single_cert(chain, key)
            .map_err(|err| match (&err, key_name) {
                (
                    rustls::Error::InconsistentKeys(_) | rustls::Error::General(_),
                    Some((cert, key)),
                ) => TlsError::KeyMismatch { cert, key },
                _ => TlsError::Config {
                    message: err.to_string(),
                },
            })?;
    config.alpn_protocols = alpn_list(&options.alpn)?;
    Ok(ServerIdentity {
        config: Arc::new(config),
        sha256,
        names,
        cert_pem,
    })
}

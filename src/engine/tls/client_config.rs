//! A client's side of TLS: whom it trusts, the name it asks for (SNI), and ALPN.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore};

use super::lenient::{Explaining, NoVerification};
use super::pem_files::read_certificates;
use super::{SESSION_BUFFER, TlsError, provider};

/// Whom the client trusts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TlsVerify {
    /// The system's trusted roots.
    #[default]
    System,
    /// The system's roots and the CA certificate(s) in this PEM file.
    CaFile(PathBuf),
    /// Anything: "don't verify (testing only)". The chain is still shown.
    Insecure,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsClientOptions {
    pub verify: TlsVerify,
    /// The name sent and checked; `None`: the host connected to.
    pub sni: Option<String>,
    /// Protocols offered by ALPN, most wanted first (e.g. "h2", "http/1.1").
    pub alpn: Vec<String>,
}

impl TlsClientOptions {
    /// Checks what can be checked before connecting (files, names), so the
    /// CLI can refuse bad input at once.
    pub fn check(&self, host: &str) -> Result<(), TlsError> {
        client_connection(self, host).map(|_| ())
    }
}

/// A client session ready for the handshake, for `host` (or the SNI set).
pub fn client_connection(
    options: &TlsClientOptions,
    host: &str,
) -> Result<ClientConnection, TlsError> {
    let config = client_config(options)?;
    let name = options.sni.as_deref().unwrap_or(host);
    let server_name = server_name(name)?;
    let mut conn = ClientConnection::new(config, server_name).map_err(|err| TlsError::Config {
        message: err.to_string(),
    })?;
    conn.set_buffer_limit(Some(SESSION_BUFFER));
    Ok(conn)
}

fn server_name(name: &str) -> Result<ServerName<'static>, TlsError> {
    // "[::1]" as typed in an address box is the IPv6 address ::1.
    let bare = name.trim().trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(bare.to_owned()).map_err(|_| TlsError::BadServerName {
        name: name.to_owned(),
    })
}

fn client_config(options: &TlsClientOptions) -> Result<Arc<ClientConfig>, TlsError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|err| TlsError::Config {
            message: err.to_string(),
        })?
        .dangerous();
    let builder = match &options.verify {
        TlsVerify::Insecure => builder.with_custom_certificate_verifier(Arc::new(NoVerification {
            provider: provider.clone(),
        })),
        TlsVerify::System | TlsVerify::CaFile(_) => {
            let mut roots = system_roots().as_ref().clone();
            if let TlsVerify::CaFile(path) = &options.verify {
                for cert in read_certificates(path)? {
                    roots.add(cert).map_err(|err| TlsError::BadCa {
                        path: path.display().to_string(),
                        message: err.to_string(),
                    })?;
                }
            }
            let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|err| TlsError::Config {
                    message: err.to_string(),
                })?;
            builder.with_custom_certificate_verifier(Arc::new(Explaining { inner }))
        }
    };
    let mut config = builder.with_no_client_auth();
    config.alpn_protocols = alpn_list(&options.alpn)?;
    Ok(Arc::new(config))
}

pub(super) fn alpn_list(names: &[String]) -> Result<Vec<Vec<u8>>, TlsError> {
    names
        .iter()
        .map(|name| {
            if name.is_empty() || name.len() > 255 {
                Err(TlsError::BadAlpn { name: name.clone() })
            } else {
                Ok(name.as_bytes().to_vec())
            }
        })
        .collect()
}

/// The system's roots, read once (reading them takes a while on some systems).
/// Certificates the system holds that rustls cannot use are skipped.
fn system_roots() -> Arc<RootCertStore> {
    static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            let _ = roots.add_parsable_certificates(found.certs);
            Arc::new(roots)
        })
        .clone()
}

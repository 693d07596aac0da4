//! Reading PEM files the user named: a CA, a certificate chain, a private key.
//! Opened once, refused unless a regular file, and read up to a cap.

use std::io::Read;
use std::path::Path;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::TlsError;

/// Larger than any sane chain or key file.
const MAX_PEM_FILE: u64 = 1024 * 1024;

fn read_capped(path: &Path) -> Result<Vec<u8>, TlsError> {
    let unreadable = |message: String| TlsError::FileUnreadable {
        path: path.display().to_string(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|err| unreadable(err.to_string()))?;
    let meta = file.metadata().map_err(|err| unreadable(err.to_string()))?;
    if !meta.is_file() {
        return Err(unreadable("not a regular file".to_owned()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PEM_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| unreadable(err.to_string()))?;
    if bytes.len() as u64 > MAX_PEM_FILE {
        return Err(unreadable(format!("larger than {MAX_PEM_FILE} bytes")));
    }
    Ok(bytes)
}

/// Every certificate in the file, in order; at least one.
pub fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = read_capped(path)?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            path: path.display().to_string(),
        });
    }
    Ok(certs)
}

/// The first private key in the file (PKCS#8, PKCS#1 or SEC1).
pub fn read_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bytes = read_capped(path)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|_| TlsError::NoPrivateKey {
        path: path.display().to_string(),
    })
}

//! rustls's errors as a beginner reads them: expired, wrong name, unknown issuer,
//! self-signed, or "the other side refused".

use rustls::{CertificateError, Error};

use super::info::utc;
use super::lenient::SelfSignedPeer;
use super::{TlsError, VerifyFailure};

/// Turns a failed handshake (or a later TLS error) into a [`TlsError`].
pub fn explain(error: &Error) -> TlsError {
    match error {
        Error::InvalidCertificate(cert) => TlsError::Verify(certificate(cert)),
        Error::AlertReceived(alert) => TlsError::PeerRefused {
            alert: format!("{alert:?}"),
        },
        Error::InconsistentKeys(_) => TlsError::Config {
            message: error.to_string(),
        },
        other => TlsError::Protocol {
            message: other.to_string(),
        },
    }
}

fn certificate(error: &CertificateError) -> VerifyFailure {
    use CertificateError as E;
    match error {
        E::Expired => VerifyFailure::Expired { not_after: None },
        E::ExpiredContext { not_after, .. } => VerifyFailure::Expired {
            not_after: Some(utc(unix_secs(not_after))),
        },
        E::NotValidYet => VerifyFailure::NotYetValid { not_before: None },
        E::NotValidYetContext { not_before, .. } => VerifyFailure::NotYetValid {
            not_before: Some(utc(unix_secs(not_before))),
        },
        E::NotValidForName => VerifyFailure::WrongName {
            expected: String::new(),
            presented: Vec::new(),
        },
        E::NotValidForNameContext {
            expected,
            presented,
        } => VerifyFailure::WrongName {
            expected: server_name_text(expected),
            presented: presented.iter().take(16).cloned().collect(),
        },
        E::UnknownIssuer => VerifyFailure::UnknownIssuer,
        E::Revoked => VerifyFailure::Revoked,
        E::Other(other) if other.0.downcast_ref::<SelfSignedPeer>().is_some() => {
            VerifyFailure::SelfSigned
        }
        // webpki's error, carried opaquely: `openssl req -x509` makes CA certificates.
        E::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
            VerifyFailure::CaAsServerCert
        }
        other => VerifyFailure::Other {
            message: format!("{other:?}"),
        },
    }
}

fn unix_secs(time: &rustls::pki_types::UnixTime) -> i64 {
    i64::try_from(time.as_secs()).unwrap_or(i64::MAX)
}

fn server_name_text(name: &rustls::pki_types::ServerName<'_>) -> String {
    match name {
        rustls::pki_types::ServerName::DnsName(dns) => dns.as_ref().to_owned(),
        rustls::pki_types::ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

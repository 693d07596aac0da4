//! What a handshake agreed, and the peer's certificates in readable form.

use rustls::pki_types::CertificateDer;
use sha2::{Digest, Sha256};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Longest subject, issuer or name kept from a certificate (a peer chooses them).
const MAX_NAME: usize = 512;
/// Names kept from one certificate's SAN list.
const MAX_SANS: usize = 64;
/// Certificates of a chain shown.
const MAX_CHAIN: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsInfo {
    /// "TLSv1.3" or "TLSv1.2".
    pub version: String,
    /// The IANA name, e.g. "TLS13_AES_256_GCM_SHA384".
    pub cipher: String,
    /// The protocol both sides chose by ALPN, if any.
    pub alpn: Option<String>,
    /// The peer's chain, its own certificate first; empty when it sent none.
    pub peer_chain: Vec<CertInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// DNS names and IP addresses it is valid for.
    pub sans: Vec<String>,
    /// "YYYY-MM-DD HH:MM:SS UTC".
    pub not_before: String,
    pub not_after: String,
    /// SHA-256 of the DER, lowercase hex without colons.
    pub sha256: String,
}

impl CertInfo {
    /// Reads what a user wants to see; a certificate x509-parser cannot read still
    /// gets its fingerprint.
    pub fn from_der(der: &[u8]) -> Self {
        let sha256 = sha256_hex(der);
        let Ok((_, cert)) = X509Certificate::from_der(der) else {
            return CertInfo {
                subject: "?".to_owned(),
                issuer: "?".to_owned(),
                sha256,
                ..CertInfo::default()
            };
        };
        CertInfo {
            subject: capped(cert.subject().to_string()),
            issuer: capped(cert.issuer().to_string()),
            sans: sans(&cert),
            not_before: utc(cert.validity().not_before.timestamp()),
            not_after: utc(cert.validity().not_after.timestamp()),
            sha256,
        }
    }

    /// Issued by itself (subject and issuer are the same name).
    pub fn is_self_issued(der: &[u8]) -> bool {
        X509Certificate::from_der(der)
            .is_ok_and(|(_, cert)| cert.subject().as_raw() == cert.issuer().as_raw())
    }
}

impl TlsInfo {
    pub fn from_connection(conn: &rustls::CommonState) -> Self {
        let version = match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
            Some(other) => format!("{other:?}"),
            None => "?".to_owned(),
        };
        let cipher = conn
            .negotiated_cipher_suite()
            .map(|suite| format!("{:?}", suite.suite()))
            .unwrap_or_else(|| "?".to_owned());
        let alpn = conn
            .alpn_protocol()
            .map(|proto| capped(String::from_utf8_lossy(proto).into_owned()));
        let peer_chain = conn
            .peer_certificates()
            .unwrap_or_default()
            .iter()
            .take(MAX_CHAIN)
            .map(|der: &CertificateDer<'_>| CertInfo::from_der(der))
            .collect();
        TlsInfo {
            version,
            cipher,
            alpn,
            peer_chain,
        }
    }
}

pub fn sha256_hex(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn sans(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(ext)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    ext.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some((*dns).to_owned()),
            GeneralName::IPAddress(bytes) => ip_text(bytes),
            GeneralName::RFC822Name(mail) => Some((*mail).to_owned()),
            GeneralName::URI(uri) => Some((*uri).to_owned()),
            _ => None,
        })
        .take(MAX_SANS)
        .map(capped)
        .collect()
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return Some(std::net::Ipv4Addr::from(v4).to_string());
    }
    <[u8; 16]>::try_from(bytes)
        .ok()
        .map(|v6| std::net::Ipv6Addr::from(v6).to_string())
}

fn capped(mut text: String) -> String {
    if text.len() > MAX_NAME {
        let mut end = MAX_NAME;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// Seconds since 1970 as "YYYY-MM-DD HH:MM:SS UTC".
pub(super) fn utc(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| secs.to_string())
}

//! A self-signed certificate made on the spot, for this machine's names and
//! addresses, so a TLS server runs without any files. Its fingerprint is shown
//! so a client can pin it.

use rcgen::{CertificateParams, DnType, KeyPair};

use super::TlsError;
use super::info::sha256_hex;

/// A certificate and its key, as PEM and DER.
pub struct SelfSigned {
    pub cert_pem: String,
    pub key_pem: String,
    pub cert_der: Vec<u8>,
    pub key_der: Vec<u8>,
    /// SHA-256 of the certificate, lowercase hex.
    pub sha256: String,
    /// The names and addresses it is valid for.
    pub names: Vec<String>,
}

/// "localhost", the host's name, and every address of this machine.
pub fn machine_names() -> Vec<String> {
    let mut names = vec!["localhost".to_owned()];
    if let Some(host) = host_name()
        && !names.contains(&host)
    {
        names.push(host);
    }
    for ip in ["127.0.0.1", "::1"] {
        names.push(ip.to_owned());
    }
    if let Ok(interfaces) = if_addrs::get_if_addrs() {
        for interface in interfaces {
            let ip = interface.ip().to_string();
            if !names.contains(&ip) {
                names.push(ip);
            }
        }
    }
    names
}

fn host_name() -> Option<String> {
    let from_env = ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok());
    let name = from_env.or_else(|| {
        std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|text| text.trim().to_owned())
    })?;
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    ok.then(|| name.to_ascii_lowercase())
}

/// A self-signed certificate for `names` (DNS names or IP addresses), valid from
/// a day ago for a year.
pub fn self_signed_for(names: &[String]) -> Result<SelfSigned, TlsError> {
    let failed = |err: rcgen::Error| TlsError::SelfSignedFailed {
        message: err.to_string(),
    };
    let mut params = CertificateParams::new(names.to_vec()).map_err(failed)?;
    params.distinguished_name.push(
        DnType::CommonName,
        names.first().cloned().unwrap_or_default(),
    );
    params
        .distinguished_name
        .push(DnType::OrganizationName, "netdbg self-signed");
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let (year, month, date) = ymd(yesterday);
    params.not_before = rcgen::date_time_ymd(year, month, date);
    let (year, month, date) = ymd(yesterday + chrono::Days::new(366));
    params.not_after = rcgen::date_time_ymd(year, month, date);
    let key = KeyPair::generate().map_err(failed)?;
    let cert = params.self_signed(&key).map_err(failed)?;
    Ok(SelfSigned {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        sha256: sha256_hex(cert.der()),
        cert_der: cert.der().to_vec(),
        key_der: key.serialize_der(),
        names: names.to_vec(),
    })
}

fn ymd(date: chrono::NaiveDate) -> (i32, u8, u8) {
    use chrono::Datelike;
    // Month and day always fit a u8.
    (date.year(), date.month() as u8, date.day() as u8)
}

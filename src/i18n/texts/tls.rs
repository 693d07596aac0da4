//! Words for TLS: the handshake's outcome, certificates, and the TLS options of
//! the TCP client, the TCP server and the relay.

use crate::engine::tls::{CertInfo, TlsInfo};
use crate::i18n::Lang;

use super::Texts;

impl Texts {
    /// One line: what the handshake agreed.
    pub fn tls_handshake_done(&self, info: &TlsInfo) -> String {
        let alpn = info.alpn.as_deref();
        match self.lang {
            Lang::Zh => format!(
                "TLS 握手完成：{}，密码套件 {}，ALPN {}",
                info.version,
                info.cipher,
                alpn.unwrap_or("（无）")
            ),
            Lang::En => format!(
                "TLS handshake done: {}, cipher {}, ALPN {}",
                info.version,
                info.cipher,
                alpn.unwrap_or("(none)")
            ),
        }
    }

    /// One line per certificate of a chain; `index` 0 is the peer's own.
    pub fn tls_cert_line(&self, index: usize, cert: &CertInfo) -> String {
        let sans = if cert.sans.is_empty() {
            "-".to_owned()
        } else {
            cert.sans.join(", ")
        };
        match self.lang {
            Lang::Zh => format!(
                "证书 #{index}：主体 {}；签发者 {}；名称 {sans}；有效期 {} 至 {}；SHA-256 {}",
                cert.subject, cert.issuer, cert.not_before, cert.not_after, cert.sha256
            ),
            Lang::En => format!(
                "certificate #{index}: subject {}; issuer {}; names {sans}; valid {} to {}; SHA-256 {}",
                cert.subject, cert.issuer, cert.not_before, cert.not_after, cert.sha256
            ),
        }
    }

    pub fn tls_no_peer_cert(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "对方没有出示证书",
            Lang::En => "the peer showed no certificate",
        }
    }

    /// The server's own certificate, so a client can pin or trust it.
    pub fn tls_server_cert(&self, sha256: &str, names: &[String]) -> String {
        match (self.lang, names.is_empty()) {
            (Lang::Zh, true) => format!("TLS 已开启，本服务器证书 SHA-256 {sha256}"),
            (Lang::En, true) => format!("TLS on; this server's certificate SHA-256 {sha256}"),
            (Lang::Zh, false) => format!(
                "TLS 已开启，自签名证书（适用于 {}），SHA-256 {sha256}",
                names.join(", ")
            ),
            (Lang::En, false) => format!(
                "TLS on with a self-signed certificate (for {}), SHA-256 {sha256}",
                names.join(", ")
            ),
        }
    }

    pub fn tls_insecure_warning(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "⚠ 不验证证书：任何人都能冒充服务器 — 仅用于测试",
            Lang::En => {
                "⚠ Not verifying the certificate: anyone can pretend to be the server — for testing only"
            }
        }
    }
}

impl Texts {
    pub fn tls_needs_identity(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "--tls 需要 --cert 与 --key 两个文件，或者 --self-signed",
            Lang::En => "--tls needs both --cert and --key, or --self-signed",
        }
    }
}

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

    /// The names a self-signed certificate was made for.
    pub fn tls_self_signed_for(&self, names: &[String]) -> String {
        match self.lang {
            Lang::Zh => format!("自签名，适用于 {}", names.join(", ")),
            Lang::En => format!("self-signed for {}", names.join(", ")),
        }
    }

    pub fn tls_insecure_warning(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "警告：不验证证书，任何人都能冒充服务器 — 仅用于测试",
            Lang::En => {
                "Warning: not verifying the certificate, anyone can pretend to be the server — for testing only"
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

/// The window's fixed TLS words, one set per language.
pub struct TlsWords {
    pub enable: &'static str,
    pub enable_tip: &'static str,
    pub verify_system: &'static str,
    pub verify_ca: &'static str,
    pub verify_none: &'static str,
    pub ca_file: &'static str,
    pub ca_hint: &'static str,
    pub sni: &'static str,
    pub sni_hint: &'static str,
    pub sni_tip: &'static str,
    pub alpn: &'static str,
    pub alpn_hint: &'static str,
    pub alpn_tip: &'static str,
    pub session: &'static str,
    pub peer_cert: &'static str,
    pub chain_cert: &'static str,
    pub subject: &'static str,
    pub issuer: &'static str,
    pub names: &'static str,
    pub validity: &'static str,
    pub copy: &'static str,
    pub server_enable_tip: &'static str,
    pub self_signed: &'static str,
    pub self_signed_tip: &'static str,
    pub cert_files: &'static str,
    pub cert_file: &'static str,
    pub cert_hint: &'static str,
    pub key_file: &'static str,
    pub key_hint: &'static str,
    pub request_client_cert: &'static str,
    pub request_client_cert_tip: &'static str,
    pub our_fingerprint: &'static str,
    pub relay_title: &'static str,
    pub relay_in_clear: &'static str,
    pub toward_client: &'static str,
    pub toward_server: &'static str,
    pub side_client: &'static str,
    pub side_server: &'static str,
}

const EN: TlsWords = TlsWords {
    enable: "TLS",
    enable_tip: "Speak TLS over the connection (as https or mqtts do), from the next connection on",
    verify_system: "Verify the server (system's trusted roots)",
    verify_ca: "Also trust a CA file",
    verify_none: "Don't verify (testing only)",
    ca_file: "CA file (PEM)",
    ca_hint: "/path/to/ca.pem",
    sni: "Server name (SNI)",
    sni_hint: "the host",
    sni_tip: "The name asked for and checked on the certificate; empty: the host you connect to",
    alpn: "ALPN",
    alpn_hint: "h2,http/1.1",
    alpn_tip: "Protocols offered, comma-separated, most wanted first",
    session: "TLS session",
    peer_cert: "The peer's certificate",
    chain_cert: "Chain certificate",
    subject: "Subject",
    issuer: "Issuer",
    names: "Names",
    validity: "Valid",
    copy: "Copy",
    server_enable_tip: "Clients speak TLS to this server (as to an https or mqtts server), from the next Start on",
    self_signed: "Self-signed certificate (made now)",
    self_signed_tip: "For this machine's names and addresses; clients must trust it or pin its SHA-256",
    cert_files: "Certificate and key files (PEM)",
    cert_file: "Certificate",
    cert_hint: "/path/to/server.pem",
    key_file: "Key",
    key_hint: "/path/to/server.key",
    request_client_cert: "Ask clients for a certificate",
    request_client_cert_tip: "Optional for them; what they show is logged, not verified",
    our_fingerprint: "This server's certificate, SHA-256:",
    relay_title: "TLS",
    relay_in_clear: "With TLS on a side the relay ends that TLS session itself: it reads (and logs) the traffic in clear, and the device must trust the relay's certificate.",
    toward_client: "Toward the client (the relay answers as the server)",
    toward_server: "Toward the server (the relay connects as a client)",
    side_client: "client side",
    side_server: "server side",
};

const ZH: TlsWords = TlsWords {
    enable: "TLS",
    enable_tip: "在连接上使用 TLS（就像 https、mqtts 那样），下次连接时生效",
    verify_system: "验证服务器（系统信任的根证书）",
    verify_ca: "另外信任一个 CA 文件",
    verify_none: "不验证（仅用于测试）",
    ca_file: "CA 文件（PEM）",
    ca_hint: "/路径/ca.pem",
    sni: "服务器名（SNI）",
    sni_hint: "主机名",
    sni_tip: "发给服务器并在证书上核对的名字；留空：用连接的主机",
    alpn: "ALPN",
    alpn_hint: "h2,http/1.1",
    alpn_tip: "提供的协议，用逗号分隔，最想要的放前面",
    session: "TLS 会话",
    peer_cert: "对方的证书",
    chain_cert: "证书链",
    subject: "主体",
    issuer: "签发者",
    names: "名称",
    validity: "有效期",
    copy: "复制",
    server_enable_tip: "客户端用 TLS 连接本服务器（就像连 https、mqtts 服务器），下次启动时生效",
    self_signed: "自签名证书（现在生成）",
    self_signed_tip: "适用于本机的名称和地址；客户端需要信任它，或核对它的 SHA-256",
    cert_files: "证书和私钥文件（PEM）",
    cert_file: "证书",
    cert_hint: "/路径/server.pem",
    key_file: "私钥",
    key_hint: "/路径/server.key",
    request_client_cert: "要求客户端出示证书",
    request_client_cert_tip: "对客户端是可选的；出示的证书会记录下来，但不验证",
    our_fingerprint: "本服务器证书的 SHA-256：",
    relay_title: "TLS",
    relay_in_clear: "某一侧开启 TLS 后，中继自己结束这一侧的 TLS 会话：它能看到（并记录）明文，设备必须信任中继的证书。",
    toward_client: "面向客户端（中继充当服务器）",
    toward_server: "面向服务器（中继作为客户端去连接）",
    side_client: "客户端一侧",
    side_server: "服务器一侧",
};

impl Texts {
    pub fn tls_words(&self) -> &'static TlsWords {
        match self.lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

//! TLS failures in beginner words: what happened, and what to do.

use super::Describe;
use crate::engine::tls::{TlsError, VerifyFailure};
use crate::i18n::Lang;

impl Describe for VerifyFailure {
    fn describe(&self, lang: Lang) -> String {
        use VerifyFailure::*;
        match (self, lang) {
            (Expired { not_after }, Lang::Zh) => format!(
                "证书已过期{} — 对方须换一张新证书；仅测试时可选“不验证”",
                not_after.as_ref().map(|at| format!("（有效期到 {at}）")).unwrap_or_default()
            ),
            (Expired { not_after }, Lang::En) => format!(
                "The certificate has expired{} — the server needs a new one; for a test only, choose \"don't verify\"",
                not_after.as_ref().map(|at| format!(" (valid until {at})")).unwrap_or_default()
            ),
            (NotYetValid { not_before }, Lang::Zh) => format!(
                "证书尚未生效{} — 检查本机和对方的时钟",
                not_before.as_ref().map(|at| format!("（{at} 起有效）")).unwrap_or_default()
            ),
            (NotYetValid { not_before }, Lang::En) => format!(
                "The certificate is not valid yet{} — check this machine's clock and the server's",
                not_before.as_ref().map(|at| format!(" (valid from {at})")).unwrap_or_default()
            ),
            (WrongName { expected, presented }, Lang::Zh) => format!(
                "证书上的名字不对 — 连接的是 {expected}，证书只适用于 {} — 用证书上的名字连接，或设置 SNI",
                names(presented, "（未列出）")
            ),
            (WrongName { expected, presented }, Lang::En) => format!(
                "Wrong name on the certificate — you connected to {expected}, but it is only for {} — connect by a name on the certificate, or set the SNI",
                names(presented, "(none listed)")
            ),
            (UnknownIssuer, Lang::Zh) => {
                "证书由未知的机构签发（不受信任的 CA）— 在“CA 文件”中选择签发它的 CA 证书".to_owned()
            }
            (UnknownIssuer, Lang::En) => {
                "The certificate is signed by an unknown issuer (a CA this machine does not trust) — pick that CA's certificate as the CA file".to_owned()
            }
            (SelfSigned, Lang::Zh) => {
                "证书是自签名的（没有任何机构为它担保）— 把这张证书选为 CA 文件即可信任它；仅测试时可选“不验证”".to_owned()
            }
            (SelfSigned, Lang::En) => {
                "The certificate is self-signed (nobody vouches for it) — pick that certificate as the CA file to trust it; for a test only, choose \"don't verify\"".to_owned()
            }
            (Revoked, Lang::Zh) => "证书已被吊销 — 不要信任这个服务器".to_owned(),
            (Revoked, Lang::En) => "The certificate was revoked — do not trust this server".to_owned(),
            (CaAsServerCert, Lang::Zh) => {
                "服务器用一张 CA 证书当作自己的证书 — 用这个 CA 签发一张服务器证书，或仅测试时选“不验证”".to_owned()
            }
            (CaAsServerCert, Lang::En) => {
                "The server uses a CA certificate as its own — have that CA sign a server certificate, or for a test only choose \"don't verify\"".to_owned()
            }
            (Other { message }, Lang::Zh) => format!("证书未通过验证：{message}"),
            (Other { message }, Lang::En) => format!("The certificate was not accepted: {message}"),
        }
    }
}

fn names(list: &[String], none: &str) -> String {
    if list.is_empty() {
        none.to_owned()
    } else {
        list.join(", ")
    }
}

impl Describe for TlsError {
    fn describe(&self, lang: Lang) -> String {
        use TlsError::*;
        match (self, lang) {
            (Verify(failure), _) => failure.describe(lang),
            (PeerRefused { alert }, Lang::Zh) => format!(
                "对方拒绝了 TLS 会话（警报 {alert}）— 对方可能不信任我们的证书，或要求客户端证书"
            ),
            (PeerRefused { alert }, Lang::En) => format!(
                "The peer refused the TLS session (alert {alert}) — it may not trust our certificate, or want a client certificate"
            ),
            (HandshakeTimeout { secs }, Lang::Zh) => format!(
                "TLS 握手 {secs} 秒内没有完成 — 对方可能不说 TLS，或端口不对"
            ),
            (HandshakeTimeout { secs }, Lang::En) => format!(
                "The TLS handshake did not finish within {secs} s — the peer may not speak TLS, or the port is wrong"
            ),
            (ClosedDuringHandshake, Lang::Zh) => {
                "TLS 握手时连接被关闭 — 对方可能不说 TLS，或拒绝了我们".to_owned()
            }
            (ClosedDuringHandshake, Lang::En) => {
                "The connection closed during the TLS handshake — the peer may not speak TLS, or turned us down".to_owned()
            }
            (Protocol { message }, Lang::Zh) => {
                format!("TLS 出错：{message} — 对方可能不说 TLS")
            }
            (Protocol { message }, Lang::En) => {
                format!("TLS failed: {message} — the peer may not speak TLS")
            }
            (FileUnreadable { path, message }, Lang::Zh) => {
                format!("无法读取文件 {path}：{message}")
            }
            (FileUnreadable { path, message }, Lang::En) => {
                format!("Cannot read the file {path}: {message}")
            }
            (NoCertificate { path }, Lang::Zh) => {
                format!("{path} 中没有 PEM 证书（“-----BEGIN CERTIFICATE-----”）")
            }
            (NoCertificate { path }, Lang::En) => format!(
                "{path} holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")"
            ),
            (NoPrivateKey { path }, Lang::Zh) => {
                format!("{path} 中没有 PEM 私钥（“-----BEGIN PRIVATE KEY-----”）")
            }
            (NoPrivateKey { path }, Lang::En) => format!(
                "{path} holds no PEM private key (\"-----BEGIN PRIVATE KEY-----\")"
            ),
            (KeyMismatch { cert, key }, Lang::Zh) => {
                format!("私钥 {key} 与证书 {cert} 不匹配 — 选择与证书一起生成的私钥")
            }
            (KeyMismatch { cert, key }, Lang::En) => format!(
                "The key {key} does not match the certificate {cert} — pick the key made with that certificate"
            ),
            (BadCa { path, message }, Lang::Zh) => {
                format!("{path} 中的证书不能用作 CA：{message}")
            }
            (BadCa { path, message }, Lang::En) => {
                format!("The certificate in {path} cannot be used as a CA: {message}")
            }
            (BadServerName { name }, Lang::Zh) => {
                format!("“{name}”不是有效的主机名或 IP 地址（SNI）")
            }
            (BadServerName { name }, Lang::En) => {
                format!("\"{name}\" is not a valid host name or IP address (SNI)")
            }
            (BadAlpn { name }, Lang::Zh) => {
                format!("ALPN 协议名“{name}”须为 1 到 255 字节")
            }
            (BadAlpn { name }, Lang::En) => {
                format!("The ALPN protocol name \"{name}\" must be 1 to 255 bytes")
            }
            (SelfSignedFailed { message }, Lang::Zh) => format!("无法生成自签名证书：{message}"),
            (SelfSignedFailed { message }, Lang::En) => {
                format!("Could not make a self-signed certificate: {message}")
            }
            (Config { message }, Lang::Zh) => format!("TLS 设置无效：{message}"),
            (Config { message }, Lang::En) => format!("The TLS settings are unusable: {message}"),
        }
    }
}

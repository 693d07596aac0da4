//! What can go wrong with TLS; worded for the user in `crate::i18n`.

/// Why a peer's certificate was not accepted, as a beginner would say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyFailure {
    /// Its validity ended (`not_after`, when known, as YYYY-MM-DD HH:MM:SS UTC).
    Expired {
        not_after: Option<String>,
    },
    NotYetValid {
        not_before: Option<String>,
    },
    /// It was made for other names than the one we connected to.
    WrongName {
        expected: String,
        presented: Vec<String>,
    },
    /// Signed by a certificate authority we do not trust.
    UnknownIssuer,
    /// Signed by itself: nobody vouches for it.
    SelfSigned,
    Revoked,
    /// A CA certificate (basicConstraints CA:TRUE) used as the server's own.
    CaAsServerCert,
    /// Anything else, with rustls's words.
    Other {
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    /// We did not accept the peer's certificate.
    Verify(VerifyFailure),
    /// The peer refused the session (a TLS alert), e.g. it does not trust our certificate.
    PeerRefused { alert: String },
    /// The handshake did not finish within the deadline.
    HandshakeTimeout { secs: u64 },
    /// The connection closed during the handshake (the peer may not speak TLS).
    ClosedDuringHandshake,
    /// The peer does not speak TLS, or broke the protocol.
    Protocol { message: String },
    /// A CA, certificate or key file could not be read.
    FileUnreadable { path: String, message: String },
    /// The file holds no PEM certificate.
    NoCertificate { path: String },
    /// The file holds no PEM private key.
    NoPrivateKey { path: String },
    /// The key does not belong to the certificate.
    KeyMismatch { cert: String, key: String },
    /// The CA file holds a certificate rustls cannot use as a trust anchor.
    BadCa { path: String, message: String },
    /// Not a name or address a certificate can be checked against.
    BadServerName { name: String },
    /// An ALPN protocol name that is empty or longer than 255 bytes.
    BadAlpn { name: String },
    /// Making a self-signed certificate failed.
    SelfSignedFailed { message: String },
    /// rustls refused the configuration (a bug, or an unusable key type).
    Config { message: String },
}

use std::io;
use std::net::{IpAddr, SocketAddr};

/// What went wrong in a worker. Structured, so the one place that talks to the
/// user (`crate::i18n`) can say it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    AddrInUse {
        port: u16,
    },
    AddrNotAvailable {
        ip: IpAddr,
    },
    PermissionDenied {
        port: u16,
    },
    Unresolvable {
        host: String,
    },
    FamilyMismatch {
        host: String,
        family: IpFamily,
    },
    PayloadTooLarge {
        len: usize,
        max: usize,
    },
    /// A message with variables that did not build at this send (a `${len:u8}`
    /// whose following bytes outgrew it).
    BadMessage(crate::codec::CodecError),
    PeerUnreachable {
        peer: Option<SocketAddr>,
    },
    ConnectRefused {
        peer: SocketAddr,
    },
    ConnectTimeout {
        peer: SocketAddr,
        secs: u64,
    },
    Unreachable {
        peer: SocketAddr,
    },
    ConnectionReset {
        message: String,
    },
    SendQueueFull {
        queued: usize,
    },
    NotConnected,
    FolderUnusable {
        path: String,
        message: String,
    },
    FileUnreadable {
        path: String,
        message: String,
    },
    LineTooLong {
        path: String,
        line: u64,
        max: usize,
    },
    CaptureFailed {
        path: String,
        message: String,
    },
    Stalled {
        secs: u64,
    },
    ClientCapReached {
        max: usize,
    },
    /// A relay's target is the relay's own listening address.
    RelayToItself {
        addr: SocketAddr,
    },
    /// Nothing to send over TCP: a byte stream has no empty messages.
    EmptyMessage,
    /// A relay's pair (or UDP session) that has closed.
    PairGone {
        pair: u64,
    },
    /// A relay's pair whose server connection is not up yet.
    UpstreamNotReady {
        pair: u64,
    },
    /// The TLS handshake or session failed (verification, a refusal, a timeout).
    Tls(super::tls::TlsError),
    Io {
        op: IoOp,
        kind: io::ErrorKind,
        message: String,
    },
    Thread {
        message: String,
    },
    /// A worker thread panicked (a bug in netdbg); its endpoint or client is closed.
    WorkerPanicked {
        thread: WorkerRole,
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpFamily {
    V4,
    V6,
}

impl std::fmt::Display for IpFamily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IpFamily::V4 => "IPv4",
            IpFamily::V6 => "IPv6",
        })
    }
}

/// Which socket operation an [`EngineError::Io`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoOp {
    Bind,
    Send,
    Receive,
    Resolve,
    Connect,
    Accept,
}

/// What a worker thread does, to say which one failed ([`EngineError::WorkerPanicked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerRole {
    Receive,
    Send,
    Accept,
}

impl EngineError {
    pub fn io(op: IoOp, err: &io::Error) -> Self {
        EngineError::Io {
            op,
            kind: err.kind(),
            message: err.to_string(),
        }
    }

    /// Turns a failed bind into the error a user can act on.
    pub fn from_bind(addr: SocketAddr, err: &io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::AddrInUse => EngineError::AddrInUse { port: addr.port() },
            io::ErrorKind::AddrNotAvailable => EngineError::AddrNotAvailable { ip: addr.ip() },
            io::ErrorKind::PermissionDenied => EngineError::PermissionDenied { port: addr.port() },
            _ => EngineError::io(IoOp::Bind, err),
        }
    }
}

impl EngineError {
    /// Turns a failed connect into words a beginner understands.
    pub fn from_connect(peer: SocketAddr, timeout: std::time::Duration, err: &io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::ConnectionRefused => EngineError::ConnectRefused { peer },
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => EngineError::ConnectTimeout {
                peer,
                secs: timeout.as_secs().max(1),
            },
            io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
                EngineError::Unreachable { peer }
            }
            _ => EngineError::io(IoOp::Connect, err),
        }
    }
}

/// Whether a read or write ended only to be tried again: nothing yet on a
/// non-blocking socket, its timeout passed, or a signal came first.
pub(crate) fn is_wait(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

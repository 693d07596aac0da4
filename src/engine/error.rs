use std::io;
use std::net::{IpAddr, SocketAddr};

/// What went wrong in a worker. Structured, so the one place that talks to the
/// user (`crate::i18n`) can say it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("port {port} is already in use")]
    AddrInUse { port: u16 },
    #[error("{ip} is not an address of this machine")]
    AddrNotAvailable { ip: IpAddr },
    #[error("permission denied for port {port}")]
    PermissionDenied { port: u16 },
    #[error("cannot resolve host {host}")]
    Unresolvable { host: String },
    #[error("{host} has no {family} address")]
    FamilyMismatch { host: String, family: IpFamily },
    #[error("payload of {len} bytes is larger than the UDP maximum of {max}")]
    PayloadTooLarge { len: usize, max: usize },
    #[error("{peer:?} refused the datagram (nothing listens on that port)")]
    PeerUnreachable { peer: Option<SocketAddr> },
    #[error("{peer} refused the connection (nothing listens on that port)")]
    ConnectRefused { peer: SocketAddr },
    #[error("no answer from {peer} within {secs} s")]
    ConnectTimeout { peer: SocketAddr, secs: u64 },
    #[error("{peer} is unreachable (no route)")]
    Unreachable { peer: SocketAddr },
    #[error("the connection was reset: {message}")]
    ConnectionReset { message: String },
    #[error("the send queue is full ({queued} messages waiting): the peer is not reading")]
    SendQueueFull { queued: usize },
    #[error("not connected")]
    NotConnected,
    #[error("cannot share folder {path}: {message}")]
    FolderUnusable { path: String, message: String },
    #[error("cannot read {path}: {message}")]
    FileUnreadable { path: String, message: String },
    #[error("line {line} of {path} is longer than {max} bytes")]
    LineTooLong { path: String, line: u64, max: usize },
    #[error("cannot write the capture file {path}: {message}")]
    CaptureFailed { path: String, message: String },
    #[error("the peer stopped reading for {secs} s")]
    Stalled { secs: u64 },
    #[error("refused: the server already serves its maximum of {max} clients")]
    ClientCapReached { max: usize },
    #[error("{op} failed: {message}")]
    Io {
        op: IoOp,
        kind: io::ErrorKind,
        message: String,
    },
    #[error("could not start a worker thread: {message}")]
    Thread { message: String },
    /// A worker thread panicked (a bug in netdbg); its endpoint or client is closed.
    #[error("internal error in the {thread} thread: {message}")]
    WorkerPanicked { thread: WorkerRole, message: String },
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

impl std::fmt::Display for IoOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IoOp::Bind => "bind",
            IoOp::Send => "send",
            IoOp::Receive => "receive",
            IoOp::Resolve => "resolve",
            IoOp::Connect => "connect",
            IoOp::Accept => "accept",
        })
    }
}

/// What a worker thread does, to say which one failed ([`EngineError::WorkerPanicked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerRole {
    Receive,
    Send,
    Accept,
}

impl std::fmt::Display for WorkerRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WorkerRole::Receive => "receive",
            WorkerRole::Send => "send",
            WorkerRole::Accept => "accept",
        })
    }
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

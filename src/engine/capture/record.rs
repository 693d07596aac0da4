//! What a capture holds: the bytes of each read and write, and for TCP how each
//! connection began and ended, with both ends as this endpoint sees them. The
//! writers ([`json_lines`](super::json_lines), [`pcapng`](super::pcapng)) take one
//! [`CaptureItem`] at a time, from the live queue or from a file being converted.

use std::net::SocketAddr;
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureDirection {
    Rx,
    Tx,
}

impl CaptureDirection {
    pub fn label(self) -> &'static str {
        match self {
            CaptureDirection::Rx => "rx",
            CaptureDirection::Tx => "tx",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaptureProto {
    Udp,
    Tcp,
}

impl CaptureProto {
    pub fn label(self) -> &'static str {
        match self {
            CaptureProto::Udp => "udp",
            CaptureProto::Tcp => "tcp",
        }
    }
}

/// The traffic a record belongs to: a UDP socket and a peer, or one TCP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaptureEnds {
    pub proto: CaptureProto,
    pub local: SocketAddr,
    pub peer: SocketAddr,
}

impl CaptureEnds {
    pub fn udp(local: SocketAddr, peer: SocketAddr) -> Self {
        CaptureEnds {
            proto: CaptureProto::Udp,
            local,
            peer,
        }
    }

    pub fn tcp(local: SocketAddr, peer: SocketAddr) -> Self {
        CaptureEnds {
            proto: CaptureProto::Tcp,
            local,
            peer,
        }
    }
}

/// A TCP connection's lifecycle, as the endpoint saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionEvent {
    /// Connected (the handshake is done).
    Open,
    /// Ended with a FIN each way.
    Close,
    /// Ended by a reset (or an error that ended it at once).
    Reset,
}

impl ConnectionEvent {
    pub fn label(self) -> &'static str {
        match self {
            ConnectionEvent::Open => "open",
            ConnectionEvent::Close => "close",
            ConnectionEvent::Reset => "reset",
        }
    }
}

/// Who did it: connected, closed first, or reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureSide {
    Local,
    Peer,
}

impl CaptureSide {
    pub fn label(self) -> &'static str {
        match self {
            CaptureSide::Local => "local",
            CaptureSide::Peer => "peer",
        }
    }
}

/// The notes netdbg's endpoints give their records.
pub mod notes {
    /// A TCP server's automatic answer (a reply rule, or the echo switch).
    pub const AUTO_REPLY: &str = "auto-reply";
    /// The TCP server's farewell to a client that closed its side.
    pub const FAREWELL: &str = "auto-reply: farewell";
    /// A message the relay's user injected into a direction.
    pub const INJECTED: &str = "injected";
}

/// One record, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct CaptureItem<'a> {
    pub at: SystemTime,
    /// `local` may be unknown in a file taken before netdbg recorded it.
    pub ends: CaptureEnds,
    pub what: Captured<'a>,
    /// Why netdbg sent it or what happened to it: "auto-reply", "fault: …".
    pub note: Option<&'a str>,
}

#[derive(Debug, Clone, Copy)]
pub enum Captured<'a> {
    Data {
        direction: CaptureDirection,
        data: &'a [u8],
    },
    Connection {
        event: ConnectionEvent,
        /// `None` in a file that does not say (then: we opened, we closed first,
        /// the peer reset).
        by: Option<CaptureSide>,
    },
}

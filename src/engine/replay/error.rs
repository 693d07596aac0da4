//! A capture that cannot be replayed, and where in the file: the line of a JSON
//! lines capture, the block (and its byte offset) of a pcapng, the packet of a pcap.

use std::net::SocketAddr;

use super::capture::Conversation;
use super::plan::Side;
use crate::engine::capture::CaptureFileProblem;

/// Where in the file a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// 1-based line of a JSON lines capture.
    Line(u64),
    /// 1-based block of a pcapng, and the byte offset it starts at.
    Block { number: u64, offset: u64 },
    /// 1-based packet record of a classic pcap, and its byte offset.
    Packet { number: u64, offset: u64 },
}

/// Which bound a capture went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooMuch {
    Bytes(u64),
    Messages(usize),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The file cannot be opened or read (the system's words).
    Unreadable {
        path: String,
        message: String,
    },
    /// A folder, a device, a pipe: not a regular file.
    NotAFile {
        path: String,
    },
    /// Neither JSON lines nor pcap/pcapng, from its first bytes.
    NotACapture,
    /// A line of a JSON lines capture that is not a netdbg record.
    Line {
        line: u64,
        problem: CaptureFileProblem,
    },
    /// A pcapng block or pcap record that does not parse; `cut_short` when the
    /// file ends inside it.
    Packet {
        place: Place,
        cut_short: bool,
        message: String,
    },
    TooLarge {
        limit: TooMuch,
        place: Place,
    },
    /// No message with a payload for the side (and peer) chosen.
    NothingToSend {
        side: Side,
        peer: Option<SocketAddr>,
        /// Messages the other side has: a hint that the side is the wrong one.
        other_side: usize,
    },
    /// `--peer` names no endpoint of any conversation in the capture.
    PeerNotFound {
        peer: SocketAddr,
        /// The biggest few, for the user to choose from.
        conversations: Vec<Conversation>,
    },
    /// Several conversations and no `--peer` to choose one.
    SeveralConversations {
        conversations: Vec<Conversation>,
        total: usize,
    },
}

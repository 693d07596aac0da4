//! What a replay is told (its target, pace, reply waiting), what it reports as it
//! goes, and how it ended.

use std::time::{Duration, SystemTime};

use super::timing::Timing;
use crate::engine::link::Transport;
use crate::engine::{EngineError, FlowConfig, Payload, Skipped};

/// When each message goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// The recorded gaps divided by `speed` (×2 is twice as fast).
    Recorded { speed: f64 },
    /// Each message right after the one before.
    Asap,
}

#[derive(Debug, Clone)]
pub struct ReplayConfig {
    pub host: String,
    pub port: u16,
    pub transport: Transport,
    pub pace: Pace,
    /// Wait up to this long for a reply after each message.
    pub reply_timeout: Option<Duration>,
    /// A reply that does not come ends the replay (else it is only reported).
    pub stop_on_missing_reply: bool,
    /// After the last message, how long the peer may be quiet before we hang up.
    pub linger: Duration,
    pub connect_timeout: Duration,
    /// The budget of replies in flight to the consumer.
    pub flow: FlowConfig,
}

impl ReplayConfig {
    pub fn new(host: String, port: u16, transport: Transport) -> Self {
        ReplayConfig {
            host,
            port,
            transport,
            pace: Pace::Recorded { speed: 1.0 },
            reply_timeout: None,
            stop_on_missing_reply: false,
            linger: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(5),
            flow: FlowConfig::lossless(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayCommand {
    Pause,
    Resume,
    Stop,
}

/// Why the replay ended (a failure is an `Err` instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayEnd {
    /// Every message was sent.
    Finished,
    Stopped,
    /// The peer closed the connection before the last message.
    PeerClosed,
    /// A reply did not come, and the config says that ends it.
    NoReply,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplayResult {
    pub sent: u64,
    pub total: u64,
    pub bytes: u64,
    /// Replies received: TCP reads or UDP datagrams.
    pub replies: u64,
    pub reply_bytes: u64,
    /// Messages after which no reply came within the timeout.
    pub missed_replies: u64,
    /// How late the sends were against the schedule (none when as fast as possible).
    pub timing: Option<Timing>,
    /// From the start to the last send (and its reply), the lingering after it not counted.
    pub elapsed: Duration,
    pub end: ReplayEnd,
}

#[derive(Debug)]
pub enum ReplayEvent {
    Connected {
        local: std::net::SocketAddr,
        peer: std::net::SocketAddr,
    },
    /// Message `index` (from 0) went out `late` after its due time.
    Sent {
        index: usize,
        len: usize,
        at: SystemTime,
        late: Option<Duration>,
    },
    Received {
        data: Payload,
        at: SystemTime,
    },
    /// Nothing came within the reply timeout after message `index`.
    NoReply {
        index: usize,
        waited: Duration,
    },
    Skipped(Skipped),
    Paused,
    Resumed,
    ClosedByPeer,
    Done(Result<ReplayResult, EngineError>),
}

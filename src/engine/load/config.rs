//! What a load run does, and what can be wrong with it before it starts.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::codec::{Framing, MessageMaker};
use crate::engine::{MAX_UDP_PAYLOAD_V4, MAX_UDP_PAYLOAD_V6};

/// 1 to this many TCP connections in one run.
pub const MAX_CONNECTIONS: usize = 10_000;
/// A rate above this (messages or connections per second) is a typo.
pub const MAX_RATE: f64 = 10_000_000.0;
/// The largest TCP message a run sends (a bulk throughput test uses 64–256 KiB).
pub const MAX_TCP_MESSAGE: usize = 16 * 1024 * 1024;
/// Random payload size when none is given.
pub const DEFAULT_SIZE: usize = 64;
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// What each message carries.
#[derive(Debug, Clone)]
pub enum LoadPayload {
    /// `size` random bytes, the same for every message (UDP: the first 8 hold the
    /// message's number, to match each echo to its send).
    Random { size: usize },
    /// The send box's message: text or HEX, with variables expanded afresh for
    /// each message when they are on.
    Message(MessageMaker),
}

#[derive(Debug, Clone)]
pub struct TcpLoad {
    pub target: SocketAddr,
    /// 1 to [`MAX_CONNECTIONS`].
    pub connections: usize,
    /// New connections per second; `None`: all at once.
    pub connect_rate: Option<f64>,
    /// Messages per connection; `None`: until the duration ends or the run is stopped.
    pub messages: Option<u64>,
    /// Messages per second on each connection; `None`: as fast as it goes.
    pub rate: Option<f64>,
    /// Wait for each message's reply before sending the next, and time it.
    pub expect_reply: bool,
    /// How replies are cut: `None` means a reply is the echo (as many bytes as the
    /// message); a framing means one frame is one reply (`raw`: one read).
    pub reply_framing: Option<Framing>,
    pub connect_timeout: Duration,
    /// How long a reply may take; and, without `expect_reply`, how long a
    /// connection that has sent everything waits for the peer to close.
    pub reply_timeout: Duration,
}

impl TcpLoad {
    pub fn new(target: SocketAddr) -> Self {
        TcpLoad {
            target,
            connections: 1,
            connect_rate: None,
            messages: Some(1),
            rate: None,
            expect_reply: false,
            reply_framing: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            reply_timeout: DEFAULT_REPLY_TIMEOUT,
        }
    }
}

#[derive(Debug, Clone)]
pub struct UdpLoad {
    pub target: SocketAddr,
    /// Datagrams per second; `None`: as fast as it goes.
    pub rate: Option<f64>,
    /// How many; `None`: until the duration ends or the run is stopped.
    pub count: Option<u64>,
    /// Count the echoes and time them (a random payload of 8 bytes or more).
    pub expect_reply: bool,
    /// How long to wait for the last echoes after the last send.
    pub reply_timeout: Duration,
}

impl UdpLoad {
    pub fn new(target: SocketAddr) -> Self {
        UdpLoad {
            target,
            rate: None,
            count: Some(1),
            expect_reply: false,
            reply_timeout: Duration::from_secs(1),
        }
    }
}

#[derive(Debug, Clone)]
pub enum LoadKind {
    Tcp(TcpLoad),
    Udp(UdpLoad),
}

#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub kind: LoadKind,
    pub payload: LoadPayload,
    /// Stop sending after this long (then wait for the replies still due).
    pub duration: Option<Duration>,
    /// How often a [`super::LoadEvent::Progress`] comes.
    pub report_every: Duration,
}

/// Which rate a [`LoadInputError::Rate`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateOf {
    Messages,
    Connections,
}

/// A load run that cannot start as asked. Worded in `crate::i18n`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LoadInputError {
    Connections {
        given: usize,
    },
    Rate {
        of: RateOf,
        given: f64,
    },
    ZeroMessages,
    ZeroDuration,
    SizeZero,
    TcpTooLarge {
        size: usize,
        max: usize,
    },
    UdpTooLarge {
        size: usize,
        max: usize,
    },
    /// Idle framing ends a reply by a silence, which a round trip cannot wait for.
    IdleFraming,
    /// More connections than this process may open files (RLIMIT_NOFILE's hard limit).
    FdLimit {
        wanted: usize,
        limit: u64,
    },
}

impl LoadConfig {
    /// Checks the numbers; on Unix also that the connections fit under the
    /// open-files limit, raising the soft limit up to the hard one if need be.
    pub fn validate(&self) -> Result<(), LoadInputError> {
        if self.duration.is_some_and(|d| d.is_zero()) {
            return Err(LoadInputError::ZeroDuration);
        }
        let check_rate = |of, rate: Option<f64>| match rate {
            Some(given) if !(given > 0.0 && given <= MAX_RATE) => {
                Err(LoadInputError::Rate { of, given })
            }
            _ => Ok(()),
        };
        let size = self.message_size()?;
        match &self.kind {
            LoadKind::Tcp(tcp) => {
                if !(1..=MAX_CONNECTIONS).contains(&tcp.connections) {
                    return Err(LoadInputError::Connections {
                        given: tcp.connections,
                    });
                }
                check_rate(RateOf::Messages, tcp.rate)?;
                check_rate(RateOf::Connections, tcp.connect_rate)?;
                if tcp.messages == Some(0) {
                    return Err(LoadInputError::ZeroMessages);
                }
                if matches!(tcp.reply_framing, Some(Framing::Idle { .. })) {
                    return Err(LoadInputError::IdleFraming);
                }
                if size > MAX_TCP_MESSAGE {
                    return Err(LoadInputError::TcpTooLarge {
                        size,
                        max: MAX_TCP_MESSAGE,
                    });
                }
                super::fd_limit::make_room_for(tcp.connections)
            }
            LoadKind::Udp(udp) => {
                check_rate(RateOf::Messages, udp.rate)?;
                if udp.count == Some(0) {
                    return Err(LoadInputError::ZeroMessages);
                }
                let max = if udp.target.is_ipv6() {
                    MAX_UDP_PAYLOAD_V6
                } else {
                    MAX_UDP_PAYLOAD_V4
                };
                if size > max {
                    return Err(LoadInputError::UdpTooLarge { size, max });
                }
                Ok(())
            }
        }
    }

    /// The size of a message (with variables: of the next one).
    fn message_size(&self) -> Result<usize, LoadInputError> {
        let size = match &self.payload {
            LoadPayload::Random { size } => *size,
            LoadPayload::Message(maker) => maker.clone().preview().map_or(0, |bytes| bytes.len()),
        };
        if size == 0 {
            return Err(LoadInputError::SizeZero);
        }
        Ok(size)
    }
}

/// Where a worker takes its next message from.
#[derive(Debug, Clone)]
pub(super) enum MessageSource {
    /// The same bytes every time, shared.
    Fixed(Arc<[u8]>),
    Maker(MessageMaker),
}

impl MessageSource {
    pub fn new(payload: &LoadPayload) -> Self {
        match payload {
            LoadPayload::Random { size } => {
                let mut rng = fastrand::Rng::new();
                MessageSource::Fixed((0..*size).map(|_| rng.u8(..)).collect())
            }
            LoadPayload::Message(maker) if !maker.varies() => match maker.clone().preview() {
                Ok(bytes) => MessageSource::Fixed(bytes.into()),
                Err(_) => MessageSource::Maker(maker.clone()),
            },
            LoadPayload::Message(maker) => MessageSource::Maker(maker.clone()),
        }
    }

    /// The next message; `None` if variables did not build (a `${len:u8}`
    /// outgrown): the caller counts it as a fault.
    pub fn next(&mut self) -> Option<Arc<[u8]>> {
        match self {
            MessageSource::Fixed(bytes) => Some(bytes.clone()),
            MessageSource::Maker(maker) => maker.next_send().ok().map(Arc::from),
        }
    }
}

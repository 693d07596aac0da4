//! Replay: load a capture (netdbg's JSON lines, pcapng or classic pcap), pick one
//! side's messages (what we sent, or what the peer sent), and send them to a target
//! over one TCP connection or a UDP socket with the recorded gaps, scaled or as fast
//! as possible, optionally waiting for each reply. Headless (`netdbg replay`) or from
//! a traffic tab's Replay panel.
//!
//! [`load`] reads the whole file once, bounded ([`MAX_BYTES`] of payload,
//! [`MAX_MESSAGES`] messages), saying at which line or block a bad file goes wrong;
//! [`Plan::new`] chooses the side and the peer; [`Player::start`] sends on a thread of
//! its own, timed against the start instant so errors do not add up.

mod capture;
mod config;
mod error;
mod jsonl;
mod packet;
mod pcap;
mod plan;
mod player;
mod timing;

pub use capture::{Capture, CaptureFormat, Conversation, Proto, Record, load};
pub use error::{CaptureError, Place, TooMuch};
pub use plan::{Plan, Side, Step};
pub use player::{
    Pace, Player, ReplayCommand, ReplayConfig, ReplayEnd, ReplayEvent, ReplayResult, Transport,
};
pub use timing::{Timing, parse_speed, scaled};

/// The most payload a capture may hold, both sides together.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;
/// The most messages a capture may hold, both sides together.
pub const MAX_MESSAGES: usize = 1_000_000;
/// How long a reply is awaited by default (`--reply-timeout`).
pub const DEFAULT_REPLY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// The fastest and slowest speed factor taken.
pub const SPEED_RANGE: std::ops::RangeInclusive<f64> = 0.001..=1000.0;

//! Network workers on plain `std::net` threads. Nothing here knows about egui:
//! workers report through crossbeam channels and poke a [`Waker`] so a UI can repaint.
//!
//! # The flow contract
//! Every endpoint keeps it, whatever its peer does (sends flat out, never reads,
//! sends garbage):
//! - **Counters are exact.** Workers count every byte they read or write
//!   themselves ([`Counters`]), before anything can be skipped.
//! - **Capture to file is lossless.** Every byte goes to the capture; if the disk
//!   cannot keep up, the worker waits for it (the user asked for everything).
//! - **Memory is bounded.** What is in flight to a consumer is bounded in bytes
//!   by a [`Flow`] per endpoint (payload bytes plus a fixed cost per event), and so
//!   is the capture's queue. Nothing grows with what a peer sends.
//! - **The display is bounded and says what it skipped.** A window's flow
//!   ([`FlowConfig::display`]) never slows the traffic: when the window is behind,
//!   workers keep reading at full speed and report a [`Skipped`] summary instead
//!   of the data; each event keeps a preview of at most 4 KiB of its payload.
//! - **A printer sees everything, in order.** The CLI's flow
//!   ([`FlowConfig::lossless`]) makes workers wait for stdout: a TCP reader stops
//!   reading, so TCP flow control slows the peer (as `nc` does). UDP cannot be
//!   slowed: what arrives while stdout is behind is counted and reported as
//!   skipped ([`FlowConfig::datagrams`], the default for UDP).

pub mod address;
pub mod auto_reply;
pub mod capture;
pub mod counters;
pub mod echo;
pub mod error;
pub mod file_download;
pub mod file_names;
pub mod file_server;
pub mod flow;
pub mod interfaces;
pub(crate) mod link;
pub mod listener;
pub mod load;
pub mod priority;
pub mod reach;
pub mod relay;
pub mod repeat;
pub mod replay;
pub mod send_job;
pub mod sequence;
pub mod tcp_client;
pub mod tcp_server;
pub mod tls;
pub mod udp;
mod worker;

use std::sync::Arc;

pub use address::{InputError, parse_bind_addr, parse_host_port, parse_port};
pub use auto_reply::{AutoReply, AutoReplyError, AutoReplySpec, MatchKind, RuleSpec};
pub use capture::{
    Capture, CaptureDirection, CaptureEnds, CaptureFormat, CaptureProto, CaptureSide, CaptureSink,
    ConnectionEvent,
};
pub use counters::{CounterSnapshot, Counters};
pub use error::EngineError;
pub use file_download::{Download, DownloadConfig, DownloadError, DownloadEvent};
pub use file_names::{NameProblem, Refusal};
pub use file_server::{FileServer, FileServerConfig, FileServerEvent, TransferId};
pub use flow::{Flow, FlowConfig, FlowMode, Payload, Skipped};
// What a TCP endpoint is told about framing, and tells of each frame.
pub use crate::codec::framing::{FrameFault, FrameNote, Framing};
pub use reach::{PingOutcome, PortClass, ReachCheck, ReachEvent};
pub use relay::{
    CloseHow, Direction, FaultAction, FaultError, Faults, PairId, Relay, RelayConfig,
    RelayCounters, RelayError, RelayEvent, RelayInjector, RelayProtocol, Side,
};
pub use repeat::{RepeatConfig, RepeatProgress, Repeater};
pub use send_job::{FileSendMode, SendFn, SendOutcome, repeat_message, send_file};
pub use tcp_client::{TcpClient, TcpClientConfig, TcpClientEvent, TcpClientSender};
pub use tcp_server::{
    ClientId, ClientInfo, CloseReason, TcpServer, TcpServerConfig, TcpServerEvent, TcpServerSender,
};
pub use udp::{
    Datagram, IfaceSpec, Membership, MulticastError, MulticastSend, UdpCommand, UdpConfig,
    UdpEndpoint, UdpEvent, UdpSender,
};

/// Called by a worker after it has queued events, so the consumer can wake up
/// (the GUI passes `ctx.request_repaint`, the CLI a no-op).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A waker for consumers that block on the channel themselves.
pub fn no_waker() -> Waker {
    Arc::new(|| {})
}

/// The largest UDP payload an IPv4 datagram can carry (65,535 − 8 UDP − 20 IP header).
pub const MAX_UDP_PAYLOAD_V4: usize = 65_507;
/// The largest UDP payload an IPv6 datagram can carry without jumbograms (65,535 − 8).
pub const MAX_UDP_PAYLOAD_V6: usize = 65_527;

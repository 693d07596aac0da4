//! `netdbg replay FILE --to HOST:PORT`: send one side of a recorded session again,
//! with its recorded gaps (scaled by --speed, or --asap), over one TCP connection or
//! UDP; print each message sent and each reply as `tcp connect` does, then a summary
//! with the timing error. Exit 0 when every message went out, 1 when the network
//! failed or the peer hung up first, 2 for bad input (the capture included, named at
//! its line or block), 3 when --require-reply and a reply did not come.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::{Args, ValueEnum};
use crossbeam_channel::select;
use serde_json::json;

use super::output::{Flow, PayloadTag, Printer};
use super::signals::StopWatch;
use super::{CliError, parse_encoding, parse_seconds};
use crate::codec::StreamDecoder;
use crate::engine::replay::{
    DEFAULT_REPLY_TIMEOUT, Pace, Plan, Player, ReplayConfig, ReplayEnd, ReplayEvent, ReplayResult,
    Side, Transport, load, parse_speed,
};
use crate::engine::{FlowConfig, no_waker, parse_host_port};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SideArg {
    /// What we sent (tx records; in a pcap, what went to the peer)
    Sent,
    /// What the peer sent (rx records; in a pcap, what came from the peer)
    Received,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The capture: netdbg's JSON lines (from --capture), pcapng or pcap
    file: PathBuf,
    /// Where to send: host:port or [v6]:port
    #[arg(long, value_name = "HOST:PORT")]
    to: String,
    /// Send over UDP (default: one TCP connection)
    #[arg(long)]
    udp: bool,
    /// Which messages to send: what we sent, or what the peer sent
    #[arg(long, value_enum, default_value_t = SideArg::Sent)]
    side: SideArg,
    /// Scale the recorded gaps: 2 is twice as fast, 0.5 half as fast (above 0, at most 1000; default 1)
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    speed: Option<String>,
    /// Send each message right after the one before, ignoring the recorded gaps
    #[arg(long, conflicts_with = "speed")]
    asap: bool,
    /// The peer in the capture (IP:PORT): messages from it are "received", to it "sent"; needed when the capture has several conversations
    #[arg(long, value_name = "IP:PORT")]
    peer: Option<String>,
    /// Wait for a reply after each message before sending the next (up to --reply-timeout)
    #[arg(long = "wait-reply")]
    wait_reply: bool,
    /// With --wait-reply: seconds to wait for each reply (default 5); a reply that does not come is reported
    #[arg(
        long = "reply-timeout",
        value_name = "SECS",
        allow_negative_numbers = true
    )]
    reply_timeout: Option<f64>,
    /// With --wait-reply: a reply that does not come stops the replay (exit 3)
    #[arg(long = "require-reply", requires = "wait_reply")]
    require_reply: bool,
    /// After the last message, hang up after SECS without data from the target
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    wait: f64,
    /// Give up connecting after SECS
    #[arg(long = "connect-timeout", value_name = "SECS", default_value_t = 5.0)]
    connect_timeout: f64,
    /// Text encoding for printing messages and replies (default: auto)
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// Show payloads as HEX instead of text
    #[arg(long)]
    hex: bool,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

/// Runs the replay; `Ok(false)` when a required reply did not come (exit 3).
pub fn run(args: ReplayArgs, lang: Lang) -> Result<bool, CliError> {
    let texts = lang.texts();
    let input = |e: &dyn Describe| CliError::Input(e.describe(lang));
    let (host, port) = parse_host_port(&args.to).map_err(|e| input(&e))?;
    let pace = match (&args.speed, args.asap) {
        (_, true) => Pace::Asap,
        (None, false) => Pace::Recorded { speed: 1.0 },
        (Some(text), false) => Pace::Recorded {
            speed: parse_speed(text)
                .ok_or_else(|| CliError::Input(texts.replay_bad_speed(text)))?,
        },
    };
    let peer = match &args.peer {
        Some(text) => Some(
            text.trim()
                .parse::<SocketAddr>()
                .map_err(|_| CliError::Input(texts.replay_bad_peer(text)))?,
        ),
        None => None,
    };
    let reply_timeout = match args.reply_timeout {
        Some(secs) if !(secs > 0.0 && secs < 1e9) => {
            return Err(CliError::Input(texts.replay_bad_reply_timeout(secs)));
        }
        Some(secs) => Duration::from_secs_f64(secs),
        None => DEFAULT_REPLY_TIMEOUT,
    };
    let encoding = parse_encoding(args.encoding.as_deref(), lang)?;
    let linger = parse_seconds(Some(args.wait), lang)?.unwrap_or_default();
    let connect_timeout = parse_seconds(Some(args.connect_timeout), lang)?
        .filter(|t| !t.is_zero())
        .unwrap_or(Duration::from_secs(5));
    let side = match args.side {
        SideArg::Sent => Side::Sent,
        SideArg::Received => Side::Received,
    };
    let capture = load(&args.file).map_err(|error| {
        CliError::Input(format!("{}: {}", args.file.display(), error.describe(lang)))
    })?;
    let format = capture.format;
    let plan = Plan::new(Arc::new(capture), side, peer).map_err(|error| {
        CliError::Input(format!("{}: {}", args.file.display(), error.describe(lang)))
    })?;
    let udp = args.udp;
    let printer = Printer {
        json: args.json,
        hex: args.hex,
        lang,
        encoding,
    };
    printer.event(
        "loaded",
        json!({
            "path": args.file.display().to_string(),
            "format": format.label(),
            "messages": plan.len(),
            "bytes": plan.bytes,
            "side": side.label(),
            "peer": plan.peer.to_string(),
            "span_ms": plan.span.as_millis() as u64,
        }),
        &texts.replay_loaded(plan.len(), plan.bytes, side, plan.peer, plan.span),
    );
    let config = ReplayConfig {
        pace,
        reply_timeout: args.wait_reply.then_some(reply_timeout),
        stop_on_missing_reply: args.require_reply,
        linger,
        connect_timeout,
        // Everything printed, in order: a target answering faster than stdout
        // takes is slowed by TCP flow control; UDP counts what it could not print.
        flow: if udp {
            FlowConfig::datagrams()
        } else {
            FlowConfig::lossless()
        },
        ..ReplayConfig::new(
            host,
            port,
            if udp { Transport::Udp } else { Transport::Tcp },
        )
    };
    let plan = Arc::new(plan);
    let stops = StopWatch::start().map_err(|err| CliError::Network(err.to_string()))?;
    let (tx, events) = crossbeam_channel::unbounded();
    let player = Player::start(plan.clone(), config, tx, no_waker())
        .map_err(|e| CliError::Network(e.describe(lang)))?;
    let mut show = Show {
        printer,
        plan: &plan,
        udp,
        peer: None,
        decoder: StreamDecoder::new(encoding),
    };
    let mut signal = None;
    let done = loop {
        select! {
            recv(events) -> event => match event {
                Ok(ReplayEvent::Done(done)) => break done,
                Ok(event) => show.event(event),
                Err(_) => break Err(crate::engine::EngineError::Thread {
                    message: "the replay thread ended without a result".to_owned(),
                }),
            },
            recv(stops.stops()) -> stop => {
                if let Ok(stop) = stop {
                    signal.get_or_insert(stop);
                }
                player.stop();
            },
        }
    };
    let result = done.map_err(|error| {
        let message = error.describe(lang);
        // In JSON the failure is an event too; a person reads it once, on stderr.
        if show.printer.json {
            show.printer
                .event("error", json!({ "message": message }), &message);
        }
        CliError::Network(message)
    })?;
    show.summary(&result);
    match result.end {
        ReplayEnd::Finished => Ok(true),
        ReplayEnd::NoReply => Ok(false),
        ReplayEnd::PeerClosed => Err(CliError::Network(
            texts.replay_cut_short(result.sent, result.total),
        )),
        ReplayEnd::Stopped => {
            let (name, exit_code) =
                signal.map_or(("SIGINT", 130), |stop| (stop.name, stop.exit_code));
            Err(CliError::Stopped {
                message: texts.replay_stopped_by(name),
                exit_code,
            })
        }
    }
}

/// Prints the replay's events as they come.
struct Show<'a> {
    printer: Printer,
    plan: &'a Plan,
    udp: bool,
    peer: Option<SocketAddr>,
    /// A TCP stream's replies decode across reads.
    decoder: StreamDecoder,
}

impl Show<'_> {
    fn event(&mut self, event: ReplayEvent) {
        let lang = self.printer.lang;
        let texts = lang.texts();
        let peer_text = self.peer.map(|p| p.to_string()).unwrap_or_default();
        match event {
            ReplayEvent::Connected { local, peer } => {
                self.peer = Some(peer);
                let line = if self.udp {
                    texts.replay_udp_ready(local, peer)
                } else {
                    texts.tcp_connected(local, peer)
                };
                self.printer.event(
                    "connected",
                    json!({ "local": local.to_string(), "peer": peer.to_string() }),
                    &line,
                );
            }
            ReplayEvent::Sent {
                index, at, late, ..
            } => {
                let Some(peer) = self.peer else { return };
                let data = self.plan.data(index);
                let decoded = self.printer.encoding.decode_telling(data);
                let late_us = late.map(|late| late.as_micros() as u64);
                let tag = PayloadTag {
                    fields: json!({ "index": index + 1, "late_us": late_us }),
                    note: None,
                };
                self.printer.tagged_payload(
                    Flow::Sent,
                    peer,
                    data,
                    (&decoded.0, decoded.1),
                    at,
                    tag,
                );
            }
            ReplayEvent::Received { data, at } => {
                let Some(peer) = self.peer else { return };
                if self.udp {
                    self.printer.payload(Flow::Received, peer, &data, at);
                } else {
                    let text = self.decoder.decode_chunk(&data);
                    let decoded = (text.as_str(), self.decoder.used());
                    self.printer
                        .stream_payload(Flow::Received, peer, &data, decoded, at);
                }
            }
            ReplayEvent::NoReply { index, waited } => self.printer.event(
                "no_reply",
                json!({ "index": index + 1, "ms": waited.as_millis() as u64 }),
                &texts.replay_no_reply(index + 1, waited),
            ),
            ReplayEvent::Skipped(skipped) => self.printer.skipped(skipped, self.udp),
            ReplayEvent::ClosedByPeer => {
                let rest = self.decoder.finish();
                if let (false, Some(peer)) = (rest.is_empty(), self.peer) {
                    let decoded = (rest.as_str(), self.decoder.used());
                    self.printer.stream_payload(
                        Flow::Received,
                        peer,
                        &[],
                        decoded,
                        SystemTime::now(),
                    );
                }
                self.printer.event(
                    "closed",
                    json!({ "by": "peer", "peer": peer_text }),
                    &texts.tcp_closed_by_peer(&peer_text),
                );
            }
            ReplayEvent::Paused | ReplayEvent::Resumed | ReplayEvent::Done(_) => {}
        }
    }

    fn summary(&self, result: &ReplayResult) {
        let timing = result.timing.as_ref();
        let micros = |pick: fn(&crate::engine::replay::Timing) -> Duration| {
            timing.map(|timing| pick(timing).as_micros() as u64)
        };
        let end = match result.end {
            ReplayEnd::Finished => "finished",
            ReplayEnd::Stopped => "stopped",
            ReplayEnd::PeerClosed => "peer_closed",
            ReplayEnd::NoReply => "no_reply",
        };
        self.printer.event(
            "summary",
            json!({
                "sent": result.sent,
                "total": result.total,
                "bytes": result.bytes,
                "replies": result.replies,
                "reply_bytes": result.reply_bytes,
                "missed_replies": result.missed_replies,
                "p50_us": micros(|t| t.p50),
                "p99_us": micros(|t| t.p99),
                "max_us": micros(|t| t.max),
                "secs": result.elapsed.as_secs_f64(),
                "end": end,
            }),
            &self.printer.lang.texts().replay_summary(result),
        );
    }
}

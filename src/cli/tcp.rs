//! `netdbg tcp connect`: talk to a TCP server from a script; `netdbg tcp serve` is
//! in `tcp/serve.rs`.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use clap::{Args, Subcommand};
use crossbeam_channel::{Receiver, select};
use serde_json::json;

use super::capture_args::{self, CaptureArgs};
use super::frame_args::{FrameArgs, FramePrint, print_dropped};
use super::output::{Flow, PayloadTag, Printer};
use super::payload_args::{FilePlan, PayloadArgs, parse_interval, parse_repeat};
use super::tls_args::{ClientTlsArgs, print_tls};
use super::{CliError, parse_seconds};
use crate::codec::{Framing, MessageMaker, SeqCounter, StreamDecoder};
use crate::engine::send_job::FILE_STREAM_PIECE;
use crate::engine::{
    EngineError, FlowConfig, RepeatConfig, Repeater, SendOutcome, TcpClient, TcpClientConfig,
    TcpClientEvent, no_waker, parse_host_port,
};
use crate::i18n::{Describe, Lang};

mod serve;

pub use serve::parse_rule;

/// Between two rounds of `--repeat` when `--interval` is not given, as in `udp send`.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
/// A send that has had no outcome for this long (beyond the interval) is stuck.
const SEND_SILENCE: Duration = Duration::from_secs(30);

#[derive(Debug, Subcommand)]
pub enum TcpCommand {
    /// Connect to HOST:PORT, send each --send in order (or a --file), print what comes back
    Connect(ConnectArgs),
    /// Listen on ADDR:PORT, print what every client sends, answer automatically
    Serve(serve::ServeArgs),
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The server: host:port or [v6]:port
    #[arg(value_name = "HOST:PORT")]
    target: String,
    /// A message to send once connected; repeat for several, sent in order
    #[arg(long = "send", value_name = "TEXT")]
    messages: Vec<String>,
    #[command(flatten)]
    payload: PayloadArgs,
    /// Send the --send messages N times (1 or more): every message, in order, each time
    #[arg(
        long,
        value_name = "N",
        allow_hyphen_values = true,
        conflicts_with = "file"
    )]
    repeat: Option<String>,
    /// Send this file once connected, streamed: its bytes exactly as they are, in pieces of 64 KiB (line-end and checksum options apply only with --lines)
    #[arg(long, value_name = "PATH", conflicts_with = "messages")]
    file: Option<PathBuf>,
    /// With --file: one line (with its line end) per send, --interval MS apart; --cr/--lf/--crlf replace each line's own end, --checksum is added to each line
    // Also in conflict with the message: clap waives `requires` for an argument
    // that conflicts with one given, so `--lines TEXT` would otherwise pass.
    #[arg(long, requires = "file", conflicts_with = "messages")]
    lines: bool,
    /// Milliseconds between two rounds of --repeat or two lines of --file --lines (1 or more, default 1000), kept on a fixed schedule so small delays do not add up
    #[arg(long, value_name = "MS", allow_hyphen_values = true)]
    interval: Option<String>,
    /// Close after SECS without data from the server
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    wait: f64,
    /// Give up connecting after SECS
    #[arg(long = "connect-timeout", value_name = "SECS", default_value_t = 5.0)]
    connect_timeout: f64,
    /// Local port to connect from (default: the OS picks one)
    #[arg(long = "local-port", value_name = "PORT")]
    local_port: Option<String>,
    #[command(flatten)]
    frame: FrameArgs,
    #[command(flatten)]
    capture: CaptureArgs,
    #[command(flatten)]
    tls: ClientTlsArgs,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

pub fn run(command: TcpCommand, lang: Lang) -> Result<(), CliError> {
    match command {
        TcpCommand::Connect(args) => connect(args, lang),
        TcpCommand::Serve(args) => serve::serve(args, lang),
    }
}

/// What `tcp connect` sends, how often, and how long it listens afterwards.
struct Plan {
    payloads: Vec<MessageMaker>,
    file: Option<FilePlan>,
    rounds: RepeatConfig,
    wait: Duration,
    connect_timeout: Duration,
}

fn connect(args: ConnectArgs, lang: Lang) -> Result<(), CliError> {
    let input = |e: &dyn Describe| CliError::Input(e.describe(lang));
    let (host, port) = parse_host_port(&args.target).map_err(|e| input(&e))?;
    let local_port = match &args.local_port {
        Some(text) => Some(crate::engine::parse_port(text, false).map_err(|e| input(&e))?),
        None => None,
    };
    let encoding = args.payload.encoding(lang)?;
    let framing = args.frame.framing(lang)?;
    let tls = args.tls.options(&host, lang)?;
    let options = args.payload.send_options(lang)?;
    let counter = SeqCounter::default();
    let payloads = args
        .messages
        .iter()
        .map(|message| {
            args.payload
                .maker(message, options, encoding, &counter, lang)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let interval = match &args.interval {
        Some(text) => parse_interval(text, lang)?,
        None => DEFAULT_INTERVAL,
    };
    let file = match &args.file {
        Some(path) => Some(FilePlan::new(
            path,
            args.lines,
            interval,
            FILE_STREAM_PIECE,
            &args.payload,
            lang,
        )?),
        None => None,
    };
    let rounds = RepeatConfig {
        interval,
        count: Some(match &args.repeat {
            Some(text) => parse_repeat(text, lang)?,
            None => 1,
        }),
    };
    let plan = Plan {
        payloads,
        file,
        rounds,
        wait: parse_seconds(Some(args.wait), lang)?.unwrap_or_default(),
        connect_timeout: parse_seconds(Some(args.connect_timeout), lang)?
            .filter(|t| !t.is_zero())
            .unwrap_or(Duration::from_secs(5)),
    };
    let printer = Printer {
        json: args.json,
        hex: args.payload.hex,
        lang,
        encoding,
    };
    let capture = args.capture.open(lang)?;
    let (tx, events) = crossbeam_channel::unbounded();
    let config = TcpClientConfig {
        host,
        port,
        local_port,
        connect_timeout: plan.connect_timeout,
        // Print everything: a server sending faster than stdout takes is slowed
        // by TCP flow control, as with nc.
        flow: FlowConfig::lossless(),
        framing: framing.clone(),
        tls,
    };
    let sink = capture_args::sink(capture.as_ref());
    let client = TcpClient::connect_with_capture(config, sink, tx, no_waker())
        .map_err(|e| CliError::Network(e.describe(lang)))?;
    let mut session = Session {
        printer,
        decoder: StreamDecoder::new(encoding),
        peer: None,
        target: args.target.clone(),
        framed: framing != Framing::AsRead,
    };
    let outcome = converse(&client, &mut session, &events, &plan);
    client.set_capture(None);
    capture_args::finish(capture, &session.printer, outcome)
}

/// Connects, sends, prints the answers and hangs up politely.
fn converse(
    client: &TcpClient,
    session: &mut Session,
    events: &Receiver<TcpClientEvent>,
    plan: &Plan,
) -> Result<(), CliError> {
    let lang = session.printer.lang;
    // Connecting: up to the timeout, plus a little for the thread to report.
    match session.next(
        events,
        Instant::now() + plan.connect_timeout + Duration::from_secs(1),
    )? {
        Some(TcpClientEvent::Connected { .. }) => {}
        _ => return Err(CliError::Network(texts_not_connected(lang))),
    }
    let link = match &plan.file {
        Some(file) => send_file_pieces(client, session, events, file)?,
        None => send_rounds(client, session, events, plan)?,
    };
    if link == Link::Closed {
        return Ok(());
    }
    // Print what comes back until the server is silent for `wait`, or hangs up.
    loop {
        match session.next(events, Instant::now() + plan.wait)? {
            Some(TcpClientEvent::ClosedByPeer) => return Ok(()),
            Some(_) => {}
            None => break,
        }
    }
    // Hang up politely: FIN first, then read what the server still says.
    client.shutdown_write();
    let deadline = Instant::now() + Duration::from_secs(1);
    while let Some(event) = session.next(events, deadline)? {
        if event == TcpClientEvent::ClosedByPeer {
            return Ok(());
        }
    }
    client.close();
    let _ = session.next(events, Instant::now() + Duration::from_secs(1));
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum Link {
    Open,
    Closed,
}

/// Queues every message once per round, rounds on the repeater's schedule (absolute
/// deadlines), and prints events until each message is out or the link ends.
fn send_rounds(
    client: &TcpClient,
    session: &mut Session,
    events: &Receiver<TcpClientEvent>,
    plan: &Plan,
) -> Result<Link, CliError> {
    let lang = session.printer.lang;
    let rounds = plan.rounds.count.unwrap_or(1);
    let wanted = rounds.saturating_mul(plan.payloads.len() as u64);
    if wanted == 0 {
        return Ok(Link::Open);
    }
    let (failed_tx, mut failed) = crossbeam_channel::unbounded::<EngineError>();
    let sender = client.sender();
    let mut payloads = plan.payloads.clone();
    let _repeater = Repeater::start(
        plan.rounds,
        &format!("tcp-send {}", session.target),
        move |_| {
            for payload in &mut payloads {
                let sent = payload
                    .next_send()
                    .map_err(EngineError::BadMessage)
                    .and_then(|bytes| sender.send(bytes));
                if let Err(error) = sent {
                    let _ = failed_tx.send(error);
                    return false;
                }
            }
            true
        },
        no_waker(),
    )
    .map_err(|e| CliError::Network(e.describe(lang)))?;
    let silence = plan.rounds.interval.saturating_add(SEND_SILENCE);
    let mut sent = 0u64;
    while sent < wanted {
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { break };
                session.show(&event)?;
                match event {
                    TcpClientEvent::Sent { .. } => sent += 1,
                    TcpClientEvent::ClosedByPeer | TcpClientEvent::ClosedByUs => {
                        return Ok(Link::Closed);
                    }
                    _ => {}
                }
            }
            recv(failed) -> error => match error {
                // The connection ended: its event (closed, reset) says how.
                Ok(EngineError::NotConnected) => {}
                Ok(error) => {
                    let message = error.describe(lang);
                    session.printer.event("error", json!({ "message": message }), &message);
                    return Err(CliError::Network(message));
                }
                // The repeater is done; only the outcomes are still to come.
                Err(_) => failed = crossbeam_channel::never(),
            },
            default(silence) => {
                return Err(CliError::Network(lang.texts().send_unfinished(sent, wanted)));
            }
        }
    }
    Ok(Link::Open)
}

/// Streams the file into the connection and prints events until the job has ended
/// and every piece it queued has been written; a file cut short is a failure.
fn send_file_pieces(
    client: &TcpClient,
    session: &mut Session,
    events: &Receiver<TcpClientEvent>,
    plan: &FilePlan,
) -> Result<Link, CliError> {
    let lang = session.printer.lang;
    let (failed_tx, failed) = crossbeam_channel::unbounded::<EngineError>();
    let sender = client.sender();
    let mut file = plan.start(
        move |piece| match sender.send(piece) {
            Ok(()) => SendOutcome::Sent,
            Err(EngineError::SendQueueFull { .. }) => SendOutcome::Busy,
            Err(error) => {
                let _ = failed_tx.send(error);
                SendOutcome::Gone
            }
        },
        lang,
    )?;
    let mut sent = 0u64;
    // Some(n) once the job has ended, having queued n pieces.
    let mut queued = None;
    loop {
        if let Some(queued) = queued
            && sent >= queued
        {
            return Ok(Link::Open);
        }
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { return Err(file.unfinished(sent, lang)) };
                if let Err(error) = session.show(&event) {
                    file.job.stop();
                    return Err(error);
                }
                match event {
                    TcpClientEvent::Sent { .. } => sent += 1,
                    TcpClientEvent::ClosedByPeer | TcpClientEvent::ClosedByUs => {
                        return Err(file.unfinished(sent, lang));
                    }
                    _ => {}
                }
            }
            recv(file.done) -> _ => {
                if let Some(error) = file.failure(lang) {
                    return Err(error);
                }
                if file.cut_short() {
                    // Why, if the sender said; else (queue stuck) how far it got.
                    return Err(match failed.try_recv() {
                        Ok(error) if error != EngineError::NotConnected => {
                            let message = error.describe(lang);
                            session.printer.event("error", json!({ "message": message }), &message);
                            CliError::Network(message)
                        }
                        _ => file.unfinished(sent, lang),
                    });
                }
                queued = Some(file.job.progress().sent);
                file.done = crossbeam_channel::never();
            }
            default(plan.silence()) => return Err(file.unfinished(sent, lang)),
        }
    }
}

fn texts_not_connected(lang: Lang) -> String {
    crate::engine::EngineError::NotConnected.describe(lang)
}

/// Prints events as they come and keeps the per-connection decoder, so a
/// character split across two reads prints once, whole.
struct Session {
    printer: Printer,
    decoder: StreamDecoder,
    peer: Option<std::net::SocketAddr>,
    /// What the user asked for, named in errors before a peer address is known.
    target: String,
    /// Received data comes in frames (`--frame`), each decoded on its own.
    framed: bool,
}

impl Session {
    /// A character the peer never finished still shows when the stream ends.
    fn print_unfinished_character(&mut self) {
        let rest = self.decoder.finish();
        if let (false, Some(peer)) = (rest.is_empty(), self.peer) {
            let decoded = (rest.as_str(), self.decoder.used());
            self.printer
                .stream_payload(Flow::Received, peer, &[], decoded, SystemTime::now());
        }
    }

    /// The next event (printed), `None` at the deadline; a failure ends the run.
    fn next(
        &mut self,
        events: &Receiver<TcpClientEvent>,
        deadline: Instant,
    ) -> Result<Option<TcpClientEvent>, CliError> {
        let Ok(event) = events.recv_deadline(deadline) else {
            return Ok(None);
        };
        self.show(&event)?;
        Ok(Some(event))
    }

    /// Prints one event; a failure ends the run.
    fn show(&mut self, event: &TcpClientEvent) -> Result<(), CliError> {
        let lang = self.printer.lang;
        let texts = lang.texts();
        let peer_text = self
            .peer
            .map_or_else(|| self.target.clone(), |p| p.to_string());
        match event {
            TcpClientEvent::Connected { local, peer } => {
                self.peer = Some(*peer);
                self.printer.event(
                    "connected",
                    json!({ "local": local.to_string(), "peer": peer.to_string() }),
                    &texts.tcp_connected(*local, *peer),
                );
            }
            TcpClientEvent::Tls(info) => print_tls(&self.printer, info, None),
            TcpClientEvent::Received { data, at, frame } if self.framed => {
                if let Some(peer) = self.peer {
                    let print = FramePrint::new(&self.printer, data, *frame);
                    let tag = PayloadTag {
                        fields: print.fields,
                        note: print.note,
                    };
                    let decoded = (print.text.as_str(), print.used);
                    self.printer
                        .tagged_payload(Flow::Received, peer, data, decoded, *at, tag);
                }
            }
            TcpClientEvent::FrameDropped(fault) => {
                print_dropped(&self.printer, *fault, json!({ "peer": peer_text }));
            }
            TcpClientEvent::Received { data, at, .. } => {
                let text = self.decoder.decode_chunk(data);
                if let Some(peer) = self.peer {
                    let decoded = (text.as_str(), self.decoder.used());
                    self.printer
                        .stream_payload(Flow::Received, peer, data, decoded, *at);
                }
            }
            TcpClientEvent::Sent { data, at } => {
                if let Some(peer) = self.peer {
                    let (text, used) = self.printer.encoding.decode_telling(data);
                    self.printer
                        .stream_payload(Flow::Sent, peer, data, (&text, used), *at);
                }
            }
            TcpClientEvent::ClosedByPeer => {
                self.print_unfinished_character();
                self.printer.event(
                    "closed",
                    json!({ "by": "peer", "peer": peer_text }),
                    &texts.tcp_closed_by_peer(&peer_text),
                )
            }
            TcpClientEvent::ClosedByUs => {
                self.print_unfinished_character();
                self.printer.event(
                    "closed",
                    json!({ "by": "us", "peer": peer_text }),
                    &texts.tcp_closed_by_us(&peer_text),
                )
            }
            // Only when closing: a lossless flow waits instead of skipping.
            TcpClientEvent::Skipped(skipped) => self.printer.skipped(*skipped, false),
            TcpClientEvent::Failed(error) | TcpClientEvent::SendFailed(error) => {
                let message = error.describe(lang);
                self.printer.event(
                    "error",
                    json!({ "message": message, "peer": peer_text }),
                    &message,
                );
                return Err(CliError::Network(message));
            }
        }
        Ok(())
    }
}

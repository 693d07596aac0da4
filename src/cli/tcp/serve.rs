//! `netdbg tcp serve`: the tutorial's TCP server from a script. It listens, prints
//! every client's connect, data and hang-up, and answers by itself: a fixed reply
//! (收到), rules, and a farewell (再见!) to a client that closes its side.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use clap::Args;
use crossbeam_channel::{Receiver, RecvTimeoutError};
use serde_json::json;

use crate::cli::capture_args::{self, CaptureArgs};
use crate::cli::frame_args::{FrameArgs, FramePrint, print_dropped};
use crate::cli::output::{Flow, PayloadTag, Printer};
use crate::cli::tls_args::{ServerTlsArgs, print_server_cert, print_tls};
use crate::cli::{CliError, parse_encoding, parse_seconds};
use crate::codec::{Framing, StreamDecoder};
use crate::engine::address::parse_bind_arg;
use crate::engine::tcp_server::DEFAULT_MAX_CLIENTS;
use crate::engine::{
    AutoReply, AutoReplySpec, ClientId, CloseReason, EngineError, FlowConfig, MatchKind, RuleSpec,
    TcpServer, TcpServerConfig, TcpServerEvent, no_waker,
};
use crate::i18n::{Describe, Lang};

/// After stopping, how long the clients' "closed" lines may take to arrive.
const LAST_EVENTS: Duration = Duration::from_secs(1);

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Local address and port, e.g. 0.0.0.0:8080, [::]:8080, 127.0.0.1:0 (the OS picks a port) or just 8080
    #[arg(long, value_name = "ADDR:PORT")]
    bind: String,
    /// Answer every message with TEXT, e.g. 收到 (understands \r \n \t \\ \0 \xNN)
    #[arg(long, value_name = "TEXT")]
    reply: Option<String>,
    /// Say TEXT to a client that closes its side, then hang up, e.g. 再见!
    #[arg(long, value_name = "TEXT")]
    farewell: Option<String>,
    /// Answer matching messages: KIND:PATTERN=>REPLY, KIND one of contains, starts, equals, regex
    /// (e.g. "contains:ping=>pong"); repeat for several, the first match wins over --reply
    #[arg(long = "rule", value_name = "SPEC")]
    rules: Vec<String>,
    /// Send every read back to its client as it came (an echo server), besides any reply; `netdbg echo` is the lossless reflector
    #[arg(long)]
    echo: bool,
    /// Text encoding on the wire, for replies and printed data: auto (the default: prints UTF-8 when valid, else the system's legacy code page; sends in the system's encoding), UTF-8, GBK, GB18030, Big5, Shift_JIS, EUC-KR, Windows-1252, UTF-16LE, UTF-16BE
    #[arg(long, value_name = "E")]
    encoding: Option<String>,
    /// Replies, farewell and rule patterns are HEX, e.g. "06" or 0x01,0x03; data is printed as HEX
    #[arg(long)]
    hex: bool,
    /// Refuse new clients while N are connected
    #[arg(long = "max-clients", value_name = "N", default_value_t = DEFAULT_MAX_CLIENTS.to_string())]
    max_clients: String,
    /// Stop after SECS without any event (no data, no connects); without it, run until Ctrl+C
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    timeout: Option<f64>,
    #[command(flatten)]
    frame: FrameArgs,
    #[command(flatten)]
    capture: CaptureArgs,
    #[command(flatten)]
    tls: ServerTlsArgs,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

pub fn serve(args: ServeArgs, lang: Lang) -> Result<(), CliError> {
    let input = |e: &dyn Describe| CliError::Input(e.describe(lang));
    let bind = parse_bind_arg(&args.bind).map_err(|e| input(&e))?;
    let encoding = parse_encoding(args.encoding.as_deref(), lang)?;
    let max_clients = parse_max_clients(&args.max_clients, lang)?;
    let idle = parse_seconds(args.timeout, lang)?;
    let spec = auto_reply_spec(&args, lang)?;
    let framing = args.frame.framing(lang)?;
    let auto_reply = AutoReply::compile(&spec, encoding).map_err(|e| input(&e))?;
    let tls = args.tls.identity(lang)?;
    let config = TcpServerConfig {
        tls: tls.clone(),
        max_clients,
        auto_reply,
        // Print everything: clients sending faster than stdout takes are slowed
        // by TCP flow control, as with nc.
        flow: FlowConfig::lossless(),
        framing: framing.clone(),
        ..TcpServerConfig::new(bind)
    };
    let capture = args.capture.open(lang)?;
    let (tx, events) = crossbeam_channel::unbounded();
    let sink = capture_args::sink(capture.as_ref());
    let server = TcpServer::start_with_capture(config, sink, tx, no_waker())
        .map_err(|e| CliError::Network(e.describe(lang)))?;
    let mut log = ServerLog {
        printer: Printer {
            json: args.json,
            hex: args.hex,
            lang,
            encoding,
        },
        decoders: HashMap::new(),
        received: 0,
        framed: framing != Framing::AsRead,
    };
    if let Some(identity) = &tls {
        print_server_cert(&log.printer, identity);
    }
    // An internal error (a worker thread panicked) makes the exit code 1; one in
    // the accept thread also ends the run, as nothing listens any more.
    let mut failure = None;
    loop {
        let next = match idle {
            Some(idle) => events.recv_timeout(idle),
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(event) => {
                log.print(&event);
                if let Some(error) = internal_error(&event) {
                    failure.get_or_insert_with(|| error.describe(lang));
                    if matches!(event, TcpServerEvent::AcceptFailed(_)) {
                        break;
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                log.timed_out(idle.unwrap_or_default());
                break;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // Close the listener and every client, and say how they ended; the capture
    // keeps recording until then.
    server.stop_listening();
    server.disconnect_all();
    log.print_last(&events, Instant::now() + LAST_EVENTS);
    server.set_capture(None);
    drop(server);
    let outcome = failure.map_or(Ok(()), |message| Err(CliError::Network(message)));
    capture_args::finish(capture, &log.printer, outcome)
}

/// The error of a worker thread that panicked, if `event` carries one.
fn internal_error(event: &TcpServerEvent) -> Option<&EngineError> {
    match event {
        TcpServerEvent::AcceptFailed(error)
        | TcpServerEvent::Closed {
            reason: CloseReason::Error(error),
            ..
        } if matches!(error, EngineError::WorkerPanicked { .. }) => Some(error),
        _ => None,
    }
}

fn parse_max_clients(text: &str, lang: Lang) -> Result<usize, CliError> {
    match text.trim().parse::<usize>() {
        Ok(max) if max > 0 => Ok(max),
        _ => Err(CliError::Input(lang.texts().bad_max_clients(text))),
    }
}

/// The auto-reply settings the options describe; `--hex` makes every part HEX.
fn auto_reply_spec(args: &ServeArgs, lang: Lang) -> Result<AutoReplySpec, CliError> {
    let rules = args
        .rules
        .iter()
        .map(|spec| {
            parse_rule(spec, args.hex).ok_or_else(|| CliError::Input(lang.texts().bad_rule(spec)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let reply = args.reply.clone().unwrap_or_default();
    let farewell = args.farewell.clone().unwrap_or_default();
    Ok(AutoReplySpec {
        reply_enabled: !reply.is_empty(),
        reply,
        reply_hex: args.hex,
        farewell_enabled: !farewell.is_empty(),
        farewell,
        farewell_hex: args.hex,
        rules,
        echo: args.echo,
    })
}

/// `KIND:PATTERN=>REPLY`. The pattern ends at the first `=>`, so a reply may contain one;
/// an empty pattern is left for [`AutoReply::compile`], which names the rule.
pub fn parse_rule(spec: &str, hex: bool) -> Option<RuleSpec> {
    let (kind, rest) = spec.split_once(':')?;
    let kind = match kind.trim().to_ascii_lowercase().as_str() {
        "contains" => MatchKind::Contains,
        "starts" => MatchKind::StartsWith,
        "equals" => MatchKind::Equals,
        "regex" => MatchKind::Regex,
        _ => return None,
    };
    let (pattern, reply) = rest.split_once("=>")?;
    if reply.is_empty() {
        return None;
    }
    Some(RuleSpec {
        kind,
        pattern: pattern.to_owned(),
        pattern_hex: hex,
        reply: reply.to_owned(),
        reply_hex: hex,
    })
}

/// Prints server events. Each client has its own decoder, so a character split
/// across two reads prints once, whole.
struct ServerLog {
    printer: Printer,
    decoders: HashMap<ClientId, StreamDecoder>,
    /// Messages received, for the timeout line.
    received: u64,
    /// Received data comes in frames (`--frame`), each decoded on its own.
    framed: bool,
}

impl ServerLog {
    /// The events after stopping. "Stopped listening" is left out: its "connected
    /// clients keep talking" is not true of a server that is exiting.
    fn print_last(&mut self, events: &Receiver<TcpServerEvent>, deadline: Instant) {
        while let Ok(event) = events.recv_deadline(deadline) {
            if !matches!(event, TcpServerEvent::StoppedListening) {
                self.print(&event);
            }
        }
    }

    fn timed_out(&self, idle: Duration) {
        self.printer.event(
            "timeout",
            json!({ "received": self.received }),
            &self
                .printer
                .lang
                .texts()
                .idle_timeout(idle.as_secs_f64(), self.received),
        );
    }

    fn print(&mut self, event: &TcpServerEvent) {
        let printer = &self.printer;
        let lang = printer.lang;
        let texts = lang.texts();
        match event {
            TcpServerEvent::Listening { local } => printer.event(
                "listening",
                json!({ "local": local.to_string() }),
                &texts.server_listening(*local),
            ),
            TcpServerEvent::StoppedListening => printer.event(
                "stopped_listening",
                json!({}),
                &texts.server_stopped_listening(),
            ),
            TcpServerEvent::AcceptFailed(error) => {
                let message = error.describe(lang);
                printer.event("error", json!({ "message": message }), &message);
            }
            TcpServerEvent::Connected(info) => {
                self.decoders
                    .insert(info.id, StreamDecoder::new(printer.encoding));
                printer.event(
                    "connected",
                    json!({
                        "client": info.id,
                        "peer": info.peer.to_string(),
                        "local": info.local.to_string(),
                    }),
                    &texts.client_connected(info.peer),
                );
            }
            TcpServerEvent::Tls { client, peer, info } => {
                print_tls(printer, info, Some((*client, *peer)));
            }
            TcpServerEvent::Refused { peer, error } => {
                let message = error.describe(lang);
                printer.event(
                    "refused",
                    json!({ "peer": peer.to_string(), "message": message }),
                    &texts.client_refused(*peer, &message),
                );
            }
            TcpServerEvent::Received {
                client,
                peer,
                data,
                at,
                frame,
            } if self.framed => {
                self.received += 1;
                let print = FramePrint::new(printer, data, *frame);
                let mut fields = print.fields;
                fields["client"] = json!(client);
                let tag = PayloadTag {
                    fields,
                    note: print.note,
                };
                let decoded = (print.text.as_str(), print.used);
                printer.tagged_payload(Flow::Received, *peer, data, decoded, *at, tag);
            }
            TcpServerEvent::FrameDropped {
                client,
                peer,
                fault,
            } => print_dropped(
                printer,
                *fault,
                json!({ "client": client, "peer": peer.to_string() }),
            ),
            TcpServerEvent::Received {
                client,
                peer,
                data,
                at,
                ..
            } => {
                self.received += 1;
                let decoder = self
                    .decoders
                    .entry(*client)
                    .or_insert_with(|| StreamDecoder::new(printer.encoding));
                let text = decoder.decode_chunk(data);
                let tag = PayloadTag {
                    fields: json!({ "client": client }),
                    note: None,
                };
                let decoded = (text.as_str(), decoder.used());
                printer.tagged_payload(Flow::Received, *peer, data, decoded, *at, tag);
            }
            TcpServerEvent::Sent {
                client,
                peer,
                data,
                at,
                auto,
            } => {
                // Replies are whole messages, so they decode on their own.
                let (text, used) = printer.encoding.decode_telling(data);
                let tag = PayloadTag {
                    fields: json!({ "client": client, "auto": auto }),
                    note: auto.then_some(texts.auto),
                };
                printer.tagged_payload(Flow::Sent, *peer, data, (&text, used), *at, tag);
            }
            TcpServerEvent::SendFailed {
                client,
                peer,
                error,
            } => {
                let message = error.describe(lang);
                printer.event(
                    "error",
                    json!({ "client": client, "peer": peer.to_string(), "message": message }),
                    &format!("{peer}: {message}"),
                );
            }
            TcpServerEvent::Closed {
                client,
                peer,
                reason,
                at,
            } => {
                // A character the client never finished still shows.
                if let Some(mut decoder) = self.decoders.remove(client) {
                    let rest = decoder.finish();
                    if !rest.is_empty() {
                        let tag = PayloadTag {
                            fields: json!({ "client": client }),
                            note: None,
                        };
                        let decoded = (rest.as_str(), decoder.used());
                        printer.tagged_payload(Flow::Received, *peer, &[], decoded, *at, tag);
                    }
                }
                let peer_text = peer.to_string();
                let mut fields = json!({ "client": client, "peer": peer_text });
                let line = match reason {
                    CloseReason::ByPeer => {
                        fields["by"] = json!("peer");
                        texts.tcp_closed_by_peer(&peer_text)
                    }
                    CloseReason::ByUs => {
                        fields["by"] = json!("us");
                        texts.tcp_closed_by_us(&peer_text)
                    }
                    CloseReason::Error(error) => {
                        let message = error.describe(lang);
                        fields["by"] = json!("error");
                        fields["message"] = json!(message);
                        texts.client_reset(*peer, &message)
                    }
                };
                printer.event("closed", fields, &line);
            }
            // Only when closing: a lossless flow waits instead of skipping.
            TcpServerEvent::Skipped(skipped) => printer.skipped(*skipped, false),
        }
    }
}

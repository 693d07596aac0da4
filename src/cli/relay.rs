//! `netdbg relay`: sit between a client and its server, print both directions,
//! inject faults. Every forwarded write is printed, in order: when stdout is slow
//! the relay stops reading, and TCP flow control slows the sender.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Local};
use clap::{Args, ValueEnum};
use crossbeam_channel::{Receiver, select};
use serde_json::{Value, json};

use super::capture_args::{self, CaptureArgs};
use super::frame_args::{FrameArgs, FramePrint, print_dropped};
use super::output::Printer;
use super::tls_args::{ClientTlsArgs, print_relay_tls, print_server_cert, server_tls};
use super::{CliError, parse_encoding, parse_seconds};
use crate::codec::{StreamDecoder, TextEncoding, format_hex, format_hex_compact};
use crate::engine::address::parse_bind_arg;
use crate::engine::relay::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_PAIRS, DEFAULT_UDP_IDLE};
use crate::engine::{
    CloseHow, Direction, EngineError, FaultAction, Faults, FlowConfig, PairId, Relay, RelayConfig,
    RelayError, RelayEvent, RelayProtocol, Side, no_waker, parse_host_port,
};
use crate::i18n::{Describe, Lang};

mod inject;

/// After stopping, how long the pairs' last events may take to arrive.
const LAST_EVENTS: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Directions {
    C2s,
    S2c,
    Both,
}

#[derive(Debug, Args)]
pub struct RelayArgs {
    /// Local address and port clients connect to, e.g. 0.0.0.0:9000, 127.0.0.1:0 (the OS picks a port) or just 9000
    #[arg(long, value_name = "ADDR:PORT")]
    listen: String,
    /// The real server: host:port or [v6]:port
    #[arg(long, value_name = "HOST:PORT")]
    to: String,
    /// Relay UDP datagrams (one upstream socket per client address) instead of TCP
    #[arg(long)]
    udp: bool,
    /// Hold every write MS milliseconds
    #[arg(long, value_name = "MS")]
    delay: Option<u64>,
    /// Plus a random 0..MS milliseconds on each write (order is kept)
    #[arg(long, value_name = "MS")]
    jitter: Option<u64>,
    /// At most BYTES_PER_S bytes per second
    #[arg(long, value_name = "BYTES_PER_S")]
    rate: Option<u64>,
    /// Write what was read in pieces of N bytes (TCP 拆包)
    #[arg(long, value_name = "N")]
    split: Option<usize>,
    /// With --split: MS milliseconds between two pieces
    #[arg(long = "split-gap", value_name = "MS", requires = "split")]
    split_gap: Option<u64>,
    /// Reads arriving within MS milliseconds of the first go out as one write (TCP 粘包)
    #[arg(long, value_name = "MS")]
    merge: Option<u64>,
    /// UDP: lose each datagram with this probability, 0 to 100
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    drop: Option<f64>,
    /// TCP: cut the connection after BYTES bytes (with a FIN; --reset for a reset)
    #[arg(long = "cut-after", value_name = "BYTES")]
    cut_after: Option<u64>,
    /// With --cut-after: cut with a reset (RST) instead of a FIN
    #[arg(long, requires = "cut_after")]
    reset: bool,
    /// Flip one byte of a write with this probability, 0 to 100
    #[arg(long, value_name = "PERCENT", allow_negative_numbers = true)]
    corrupt: Option<f64>,
    /// Which direction the faults apply to: c2s (client → server), s2c or both
    #[arg(long, value_name = "c2s|s2c|both", default_value = "both")]
    direction: Directions,
    /// Text encoding for printed data: auto (the default: UTF-8 when valid, else the system's legacy code page), UTF-8, GBK, GB18030, Big5, Shift_JIS, EUC-KR, Windows-1252, UTF-16LE, UTF-16BE
    #[arg(long, value_name = "E")]
    encoding: Option<String>,
    /// Print data as HEX
    #[arg(long)]
    hex: bool,
    /// Give up on the server after SECS; the client is then reset
    #[arg(
        long = "connect-timeout",
        value_name = "SECS",
        default_value_t = 5.0,
        allow_negative_numbers = true
    )]
    connect_timeout: f64,
    /// UDP: a client's session ends after SECS without a datagram either way
    #[arg(
        long = "udp-idle",
        value_name = "SECS",
        requires = "udp",
        allow_negative_numbers = true
    )]
    udp_idle: Option<f64>,
    /// Turn new clients away (TCP: with a reset) while N pairs are open, 1 to 5000
    #[arg(long = "max-pairs", value_name = "N", default_value_t = DEFAULT_MAX_PAIRS.to_string())]
    max_pairs: String,
    /// Inject what is typed on stdin: `server MESSAGE` (to the server) or `client MESSAGE` (to the client), into the newest open pair or, after `#N`, pair N. Text in --encoding with \r \n \t \\ \xNN escapes, or HEX with --hex
    #[arg(long)]
    stdin: bool,
    /// Stop after SECS without any event; without it, run until Ctrl+C
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    timeout: Option<f64>,
    #[command(flatten)]
    frame: FrameArgs,
    #[command(flatten)]
    capture: CaptureArgs,
    /// TCP: speak TLS with clients (needs --cert and --key, or --self-signed); the relay then reads their session in clear
    #[arg(long = "tls-listen", conflicts_with = "udp")]
    tls_listen: bool,
    /// With --tls-listen: the certificate chain clients are shown (PEM)
    #[arg(long, value_name = "PEM", requires_all = ["tls_listen", "key"], conflicts_with = "self_signed")]
    cert: Option<PathBuf>,
    /// With --tls-listen: the certificate's private key (PEM)
    #[arg(long, value_name = "PEM", requires_all = ["tls_listen", "cert"])]
    key: Option<PathBuf>,
    /// With --tls-listen: make a certificate on the spot for this machine's names and addresses
    #[arg(long = "self-signed", requires = "tls_listen")]
    self_signed: bool,
    /// TCP: speak TLS to the server (verifying it against the system's roots)
    #[arg(long = "tls-upstream", conflicts_with = "udp")]
    tls_upstream: bool,
    /// With --tls-upstream: do not verify the server's certificate (testing only)
    #[arg(long, requires = "tls_upstream", conflicts_with = "ca")]
    insecure: bool,
    /// With --tls-upstream: also trust the CA certificate(s) in this PEM file
    #[arg(long, value_name = "PEM", requires = "tls_upstream")]
    ca: Option<PathBuf>,
    /// With --tls-upstream: the server name to ask for and check (default: the host of --to)
    #[arg(long, value_name = "NAME", requires = "tls_upstream")]
    sni: Option<String>,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

pub fn run(args: RelayArgs, lang: Lang) -> Result<(), CliError> {
    let input = |e: &dyn Describe| CliError::Input(e.describe(lang));
    let listen = parse_bind_arg(&args.listen).map_err(|e| input(&e))?;
    let (host, port) = parse_host_port(&args.to).map_err(|e| input(&e))?;
    let encoding = parse_encoding(args.encoding.as_deref(), lang)?;
    let idle = parse_seconds(args.timeout, lang)?;
    if args.udp && args.cut_after.is_some() {
        return Err(CliError::Input(lang.texts().relay_cut_needs_tcp()));
    }
    if !args.udp && args.drop.is_some() {
        return Err(CliError::Input(lang.texts().relay_drop_needs_udp()));
    }
    let protocol = if args.udp {
        RelayProtocol::Udp
    } else {
        RelayProtocol::Tcp
    };
    let upstream_tls = ClientTlsArgs {
        tls: args.tls_upstream,
        insecure: args.insecure,
        ca: args.ca.clone(),
        sni: args.sni.clone(),
        alpn: None,
    };
    let tls_upstream = upstream_tls.options(&host, lang)?;
    let tls_listen = server_tls(
        args.tls_listen,
        args.cert.as_ref(),
        args.key.as_ref(),
        args.self_signed,
        false,
        lang,
    )?;
    let framing = args.frame.framing(lang)?;
    if args.udp && framing != crate::codec::Framing::AsRead {
        return Err(CliError::Input(lang.texts().relay_frame_needs_tcp()));
    }
    let mut config = RelayConfig::new(listen, host, port, protocol);
    config.framing = framing.clone();
    config.tls_listen = tls_listen.clone();
    config.tls_upstream = tls_upstream;
    config.connect_timeout =
        positive_seconds(Some(args.connect_timeout), lang)?.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    config.udp_idle = positive_seconds(args.udp_idle, lang)?.unwrap_or(DEFAULT_UDP_IDLE);
    config.max_pairs = parse_max_pairs(&args.max_pairs, lang)?;
    let faults = faults(&args);
    if matches!(args.direction, Directions::C2s | Directions::Both) {
        config.c2s = faults.clone();
    }
    if matches!(args.direction, Directions::S2c | Directions::Both) {
        config.s2c = faults;
    }
    // Print everything: a side sending faster than stdout takes is slowed by TCP
    // flow control, as with nc. UDP cannot be slowed: what stdout misses is counted.
    config.flow = if args.udp {
        FlowConfig::datagrams()
    } else {
        FlowConfig::lossless()
    };
    // Refused before the capture file is made or a socket opened.
    config.check().map_err(|e| relay_error(&e, lang))?;
    let capture = args.capture.open(lang)?;
    let (tx, events) = crossbeam_channel::unbounded();
    let sink = capture_args::sink(capture.as_ref());
    let relay = Relay::start_with_capture(config, sink, tx, no_waker())
        .map_err(|e| relay_error(&e, lang))?;
    let mut lines = if args.stdin {
        inject::stdin_lines()
    } else {
        crossbeam_channel::never()
    };
    let mut log = RelayLog {
        printer: Printer {
            json: args.json,
            hex: args.hex,
            lang,
            encoding,
        },
        target: args.to.clone(),
        udp: args.udp,
        decoders: HashMap::new(),
        pairs: 0,
        failure: None,
        framed: framing != crate::codec::Framing::AsRead,
        injector: inject::Injector {
            open: BTreeSet::new(),
            encoding,
            hex: args.hex,
        },
    };
    if let Some(identity) = &tls_listen {
        print_server_cert(&log.printer, identity);
    }
    loop {
        let quiet = idle.map_or_else(crossbeam_channel::never, crossbeam_channel::after);
        select! {
            recv(events) -> event => match event {
                Ok(event) => log.print(&event),
                Err(_) => break,
            },
            recv(lines) -> line => match line {
                Ok(line) => log.injector.inject(&relay, &line, &log.printer),
                // stdin ended: the relay goes on.
                Err(_) => lines = crossbeam_channel::never(),
            },
            recv(quiet) -> _ => {
                log.timed_out(idle.unwrap_or_default());
                break;
            }
        }
    }
    // Close every pair and say how they ended; the capture records until then.
    relay.close_all();
    log.print_last(&relay, &events, Instant::now() + LAST_EVENTS);
    relay.set_capture(None);
    drop(relay);
    let outcome = log
        .failure
        .take()
        .map_or(Ok(()), |m| Err(CliError::Network(m)));
    capture_args::finish(capture, &log.printer, outcome)
}

/// Pairs a relay may hold open: two threads each, and a process ends near 16k.
const MOST_PAIRS: usize = 5000;

fn parse_max_pairs(text: &str, lang: Lang) -> Result<usize, CliError> {
    match text.trim().parse::<usize>() {
        Ok(max) if (1..=MOST_PAIRS).contains(&max) => Ok(max),
        _ => Err(CliError::Input(
            lang.texts().relay_bad_max_pairs(text, MOST_PAIRS),
        )),
    }
}

/// A time that must be more than zero (a timeout of 0 would end everything at once).
fn positive_seconds(value: Option<f64>, lang: Lang) -> Result<Option<Duration>, CliError> {
    match (value, parse_seconds(value, lang)?) {
        (Some(secs), Some(duration)) if duration.is_zero() => {
            Err(CliError::Input(lang.texts().cli_seconds_not_positive(secs)))
        }
        (_, parsed) => Ok(parsed),
    }
}

/// Settings the user got wrong are bad input (exit 2); a bind that failed is the network's (1).
fn relay_error(error: &RelayError, lang: Lang) -> CliError {
    match error {
        RelayError::Engine(engine) => CliError::Network(engine.describe(lang)),
        other => CliError::Input(other.describe(lang)),
    }
}

fn faults(args: &RelayArgs) -> Faults {
    Faults {
        delay_ms: args.delay.unwrap_or(0),
        jitter_ms: args.jitter.unwrap_or(0),
        rate: args.rate,
        split: args.split,
        split_gap_ms: args.split_gap.unwrap_or(0),
        merge_ms: args.merge,
        drop_percent: args.drop.unwrap_or(0.0),
        cut_after: args.cut_after,
        cut_reset: args.reset,
        corrupt_percent: args.corrupt.unwrap_or(0.0),
        paused: false,
    }
}

fn side_label(side: Side) -> &'static str {
    match side {
        Side::Client => "client",
        Side::Server => "server",
        Side::Relay => "relay",
    }
}

/// The fault's name and its numbers, for JSON.
fn fault_fields(action: FaultAction) -> Value {
    match action {
        FaultAction::Delayed { ms } => json!({ "fault": "delay", "ms": ms }),
        FaultAction::Split { pieces } => json!({ "fault": "split", "pieces": pieces }),
        FaultAction::Merged { reads } => json!({ "fault": "merge", "reads": reads }),
        FaultAction::Corrupted { offset } => json!({ "fault": "corrupt", "offset": offset }),
        FaultAction::Dropped { len } => json!({ "fault": "drop", "len": len }),
        FaultAction::Cut { after, reset } => {
            json!({ "fault": "cut", "after": after, "reset": reset })
        }
    }
}

/// Prints relay events. Each pair has a decoder per direction, so a character
/// split across two writes (`--split 1`) prints once, whole.
struct RelayLog {
    printer: Printer,
    target: String,
    udp: bool,
    decoders: HashMap<(PairId, Direction), StreamDecoder>,
    /// Clients accepted, for the timeout line.
    pairs: u64,
    /// An internal error (a worker thread panicked): the exit code is 1.
    failure: Option<String>,
    /// `--stdin`: typed lines go into the pairs open now.
    injector: inject::Injector,
    /// `--frame`: each forwarded event is one message, decoded on its own.
    framed: bool,
}

impl RelayLog {
    fn print_last(&mut self, relay: &Relay, events: &Receiver<RelayEvent>, deadline: Instant) {
        while relay.pair_count() > 0 || !events.is_empty() {
            match events.recv_deadline(deadline) {
                Ok(event) => self.print(&event),
                Err(_) => break,
            }
        }
        if let Some(skipped) = relay.take_skipped() {
            self.print(&RelayEvent::Skipped(skipped));
        }
    }

    fn timed_out(&self, idle: Duration) {
        self.printer.event(
            "timeout",
            json!({ "pairs": self.pairs }),
            &self
                .printer
                .lang
                .texts()
                .relay_timeout(idle.as_secs_f64(), self.pairs),
        );
    }

    fn print(&mut self, event: &RelayEvent) {
        let printer = &self.printer;
        let lang = printer.lang;
        let texts = lang.texts();
        match event {
            RelayEvent::TlsReady { pair, side, info } => {
                let who = match side {
                    Side::Client => "client",
                    _ => "server",
                };
                print_relay_tls(printer, info, *pair, who);
            }
            RelayEvent::Listening { local, protocol } => printer.event(
                "listening",
                json!({
                    "local": local.to_string(),
                    "to": self.target,
                    "protocol": if self.udp { "udp" } else { "tcp" },
                }),
                &texts.relay_listening(*local, *protocol, &self.target),
            ),
            RelayEvent::AcceptFailed(error) => {
                let message = error.describe(lang);
                if matches!(error, EngineError::WorkerPanicked { .. }) {
                    self.failure.get_or_insert_with(|| message.clone());
                }
                printer.event("error", json!({ "message": message }), &message);
            }
            RelayEvent::Accepted { pair, client, .. } => {
                self.pairs += 1;
                self.injector.open.insert(*pair);
                printer.event(
                    "accepted",
                    json!({ "client": pair, "peer": client.to_string() }),
                    &texts.relay_accepted(*pair, *client),
                );
            }
            RelayEvent::Refused { client, error } => {
                let message = error.describe(lang);
                printer.event(
                    "refused",
                    json!({ "peer": client.to_string(), "message": message }),
                    &texts.client_refused(*client, &message),
                );
            }
            RelayEvent::UpstreamConnected {
                pair, local, peer, ..
            } => printer.event(
                "upstream",
                json!({ "client": pair, "local": local.to_string(), "peer": peer.to_string() }),
                &texts.relay_upstream(*pair, *local, *peer),
            ),
            RelayEvent::UpstreamFailed { pair, error, .. } => {
                let message = error.describe(lang);
                printer.event(
                    "upstream_failed",
                    json!({ "client": pair, "to": self.target, "message": message }),
                    &texts.relay_upstream_failed(*pair, &message),
                );
            }
            RelayEvent::Forwarded {
                pair,
                direction,
                data,
                at,
                frame,
            } if self.framed => {
                // A message is decoded on its own, as a whole.
                let print = FramePrint::new(printer, data, *frame);
                let payload = RelayPayload {
                    pair: *pair,
                    direction: *direction,
                    data,
                    decoded: (&print.text, print.used),
                    at: *at,
                };
                forwarded(printer, &payload, (print.fields, print.note));
            }
            RelayEvent::Forwarded {
                pair,
                direction,
                data,
                at,
                ..
            } => {
                let decoder = self
                    .decoders
                    .entry((*pair, *direction))
                    .or_insert_with(|| StreamDecoder::new(printer.encoding));
                let text = decoder.decode_chunk(data);
                let payload = RelayPayload {
                    pair: *pair,
                    direction: *direction,
                    data,
                    decoded: (&text, decoder.used()),
                    at: *at,
                };
                forwarded(printer, &payload, (json!({}), None));
            }
            RelayEvent::FrameDropped {
                pair,
                direction,
                fault,
            } => print_dropped(
                printer,
                *fault,
                json!({ "client": pair, "dir": direction.label() }),
            ),
            RelayEvent::Fault {
                pair,
                direction,
                action,
                at,
            } => {
                let mut fields = fault_fields(*action);
                fields["client"] = json!(pair);
                fields["dir"] = json!(direction.label());
                fields["message"] = json!(texts.fault_action(*action));
                fields["time"] = json!(DateTime::<Local>::from(*at).to_rfc3339());
                printer.event(
                    "fault",
                    fields,
                    &texts.relay_fault(*pair, *direction, *action),
                );
            }
            RelayEvent::Closed { pair, by, how, at } => {
                self.finish_decoders(*pair, *at);
                let printer = &self.printer;
                let mut fields = json!({ "client": pair, "by": side_label(*by) });
                fields["how"] = json!(match how {
                    CloseHow::Fin => "fin",
                    CloseHow::Reset => "reset",
                    CloseHow::Error(_) => "error",
                    CloseHow::Idle => "idle",
                });
                if let CloseHow::Error(error) = how {
                    let message = error.describe(lang);
                    if matches!(error, EngineError::WorkerPanicked { .. }) {
                        self.failure.get_or_insert_with(|| message.clone());
                    }
                    fields["message"] = json!(message);
                }
                printer.event("closed", fields, &texts.relay_closed(*pair, *by, how));
            }
            RelayEvent::Ended { pair, c2s, s2c, at } => {
                self.injector.open.remove(pair);
                self.finish_decoders(*pair, *at);
                self.printer.event(
                    "ended",
                    json!({
                        "client": pair,
                        "c2s_bytes": c2s.tx_bytes,
                        "s2c_bytes": s2c.tx_bytes,
                    }),
                    &texts.relay_ended(*pair, c2s.tx_bytes, s2c.tx_bytes),
                );
            }
            RelayEvent::Injected {
                pair,
                direction,
                data,
                at,
            } => injected(printer, *pair, *direction, data, *at),
            RelayEvent::InjectFailed {
                pair,
                direction,
                error,
                ..
            } => {
                let message = texts.relay_inject_failed(*pair, *direction, &error.describe(lang));
                printer.event(
                    "inject_failed",
                    json!({ "client": pair, "dir": direction.label(), "message": message }),
                    &message,
                );
            }
            // TCP only when closing: a lossless flow waits instead of skipping.
            RelayEvent::Skipped(skipped) => printer.skipped(*skipped, self.udp),
        }
    }

    /// A character a side never finished still shows when a direction ends.
    fn finish_decoders(&mut self, pair: PairId, at: SystemTime) {
        for direction in Direction::BOTH {
            if let Some(mut decoder) = self.decoders.remove(&(pair, direction)) {
                let rest = decoder.finish();
                if !rest.is_empty() {
                    let payload = RelayPayload {
                        pair,
                        direction,
                        data: &[],
                        decoded: (&rest, decoder.used()),
                        at,
                    };
                    forwarded(&self.printer, &payload, (json!({}), None));
                }
            }
        }
    }
}

/// One injected message: `{"event":"injected","dir":"c2s",…}` or
/// `19:48:46.374 #1 client → server 4 bytes [injected] | 你好`. It is decoded on
/// its own: it is not part of either side's stream.
fn injected(printer: &Printer, pair: PairId, direction: Direction, data: &[u8], at: SystemTime) {
    let (text, used) = printer.encoding.decode_telling(data);
    let words = printer
        .lang
        .texts()
        .relay_injected(pair, direction, data.len());
    let payload = RelayPayload {
        pair,
        direction,
        data,
        decoded: (&text, used),
        at,
    };
    print_payload(printer, "injected", &words, &payload, (json!({}), None));
}

/// One forwarded write: `{"event":"forwarded","dir":"c2s",…}` or
/// `19:48:46.374 #1 client → server 4 bytes [GBK] | 你好`.
fn forwarded(printer: &Printer, payload: &RelayPayload<'_>, frame: (Value, Option<&str>)) {
    let words =
        printer
            .lang
            .texts()
            .relay_forwarded(payload.pair, payload.direction, payload.data.len());
    print_payload(printer, "forwarded", &words, payload, frame);
}

/// Bytes one direction carried, and their text as decoded.
struct RelayPayload<'a> {
    pair: PairId,
    direction: Direction,
    data: &'a [u8],
    decoded: (&'a str, TextEncoding),
    at: SystemTime,
}

/// The JSON object or the human line of a forwarded or injected payload, with
/// what a framing adds (`extra` fields, a `note` tag).
fn print_payload(
    printer: &Printer,
    name: &str,
    words: &str,
    payload: &RelayPayload<'_>,
    (extra, note): (Value, Option<&str>),
) {
    let RelayPayload {
        pair,
        direction,
        data,
        decoded: (text, used),
        at,
    } = *payload;
    let time: DateTime<Local> = at.into();
    let mut fields = json!({
        "dir": direction.label(),
        "client": pair,
        "len": data.len(),
        "hex": format_hex_compact(data),
        "text": text,
        "encoding": used.label(),
        "time": time.to_rfc3339(),
    });
    if let (Value::Object(fields), Value::Object(extra)) = (&mut fields, extra) {
        fields.extend(extra);
    }
    let note = note.map(|note| format!(" [{note}]")).unwrap_or_default();
    // Auto's choice matters (and is shown) only for bytes that are not ASCII.
    let picked = if printer.encoding == TextEncoding::Auto && !(data.is_ascii() && text.is_ascii())
    {
        format!(" [{}]", used.label())
    } else {
        String::new()
    };
    let shown = if printer.hex {
        format_hex(data)
    } else {
        text.to_owned()
    };
    let line = format!(
        "{} {words}{note}{picked} | {shown}",
        time.format("%H:%M:%S%.3f")
    );
    printer.event(name, fields, &line);
}

//! `netdbg udp listen` and `netdbg udp send`.

mod multicast;
mod send;

pub use send::SendArgs;

use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use serde_json::json;

use super::capture_args::{self, CaptureArgs};
use super::output::{Flow, Printer};
use super::{CliError, parse_encoding, parse_seconds};
use crate::engine::address::parse_bind_arg;
use crate::engine::{Capture, Skipped, UdpConfig, UdpEndpoint, UdpEvent, no_waker};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Subcommand)]
pub enum UdpCommand {
    /// Bind a port and print every datagram that arrives
    Listen(ListenArgs),
    /// Send a message (text or HEX), or a file, to HOST:PORT
    Send(SendArgs),
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Local address and port, e.g. 0.0.0.0:7788, [::]:7788 or just 7788
    #[arg(long, value_name = "ADDR:PORT")]
    bind: String,
    /// Text encoding for decoding: auto (the default: UTF-8 when valid, else the system's legacy code page), UTF-8, GBK, GB18030, Big5, Shift_JIS, EUC-KR, Windows-1252, UTF-16LE, UTF-16BE
    #[arg(long, value_name = "E")]
    encoding: Option<String>,
    /// Print payloads as HEX instead of text
    #[arg(long)]
    hex: bool,
    /// Exit after N datagrams (1 or more)
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Exit after SECS without a datagram
    #[arg(long, value_name = "SECS")]
    timeout: Option<f64>,
    #[command(flatten)]
    join: multicast::JoinArgs,
    #[command(flatten)]
    capture: CaptureArgs,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

pub fn run(command: UdpCommand, lang: Lang) -> Result<(), CliError> {
    match command {
        UdpCommand::Listen(args) => listen(args, lang),
        UdpCommand::Send(args) => send::send(args, lang),
    }
}

fn listen(args: ListenArgs, lang: Lang) -> Result<(), CliError> {
    let bind = parse_bind_arg(&args.bind).map_err(|e| CliError::Input(e.describe(lang)))?;
    if args.count == Some(0) {
        return Err(CliError::Input(lang.texts().cli_count_zero()));
    }
    let idle = parse_seconds(args.timeout, lang)?;
    let joins = args.join.plan(bind, lang)?;
    let printer = Printer {
        json: args.json,
        hex: args.hex,
        lang,
        encoding: parse_encoding(args.encoding.as_deref(), lang)?,
    };
    let mut config = UdpConfig::new(bind);
    // Several listeners of one group on this machine share the port.
    config.reuse_address = !joins.is_empty();
    let (capture, endpoint, events) = open_endpoint(&config, &args.capture, lang)?;
    // The socket is open: say so before the groups it joins.
    if let Ok(event) = events.try_recv() {
        let mut skipped = Skipped::default();
        print_event(&printer, &event, &mut skipped);
    }
    if let Err(error) = joins.join(&endpoint, &printer) {
        endpoint.close();
        return capture_args::finish(capture, &printer, Err(error));
    }
    // UDP's flow (the default): what arrives while stdout is behind is counted,
    // not waited for, and told at the end.
    let mut skipped = Skipped::default();
    let outcome = print_datagrams(&printer, &events, args.count, idle, &mut skipped);
    report_skipped(&printer, &endpoint, skipped);
    endpoint.set_capture(None);
    endpoint.close();
    capture_args::finish(capture, &printer, outcome)
}

/// The UDP socket both commands use, capturing from its first datagram when
/// `--capture` asks; the capture is finished by the caller.
pub(super) fn open_endpoint(
    config: &UdpConfig,
    capture: &CaptureArgs,
    lang: Lang,
) -> Result<(Option<Capture>, UdpEndpoint, Receiver<UdpEvent>), CliError> {
    let capture = capture.open(lang)?;
    let (tx, events) = crossbeam_channel::unbounded();
    let sink = capture_args::sink(capture.as_ref());
    let endpoint = UdpEndpoint::open_with_capture(config, sink, tx, no_waker())
        .map_err(|e| CliError::Network(e.describe(lang)))?;
    Ok((capture, endpoint, events))
}

/// At the end, says how many datagrams were counted but not printed, if any.
pub(super) fn report_skipped(printer: &Printer, endpoint: &UdpEndpoint, mut skipped: Skipped) {
    if let Some(rest) = endpoint.take_skipped() {
        skipped.add(rest);
    }
    if !skipped.is_empty() {
        printer.skipped(skipped, true);
    }
}

/// Prints events until `count` datagrams arrived, or none for `idle`.
fn print_datagrams(
    printer: &Printer,
    events: &Receiver<UdpEvent>,
    count: Option<u64>,
    idle: Option<Duration>,
    skipped: &mut Skipped,
) -> Result<(), CliError> {
    let mut received = 0u64;
    loop {
        let event = match idle {
            Some(idle) => match events.recv_timeout(idle) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    let texts = printer.lang.texts();
                    printer.event(
                        "timeout",
                        json!({ "received": received }),
                        &texts.idle_timeout(idle.as_secs_f64(), received),
                    );
                    return Ok(());
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            },
            None => match events.recv() {
                Ok(event) => event,
                Err(_) => return Ok(()),
            },
        };
        match &event {
            UdpEvent::Received(_) => received += 1,
            UdpEvent::Skipped(more) => received += more.messages,
            _ => {}
        }
        if let Some(error) = print_event(printer, &event, skipped) {
            return Err(CliError::Network(error));
        }
        if count.is_some_and(|count| received >= count) {
            return Ok(());
        }
    }
}

/// Prints whatever arrives (replies, errors) until `deadline`.
pub(super) fn print_until(
    printer: &Printer,
    events: &Receiver<UdpEvent>,
    deadline: Instant,
    failure: &mut Option<String>,
    skipped: &mut Skipped,
) {
    while let Ok(event) = events.recv_deadline(deadline) {
        if let Some(error) = print_event(printer, &event, skipped) {
            failure.get_or_insert(error);
        }
    }
}

/// Prints one event; returns the worded error if it was one. Skipped datagrams
/// are added up in `skipped`, to be told once at the end.
pub(super) fn print_event(
    printer: &Printer,
    event: &UdpEvent,
    skipped: &mut Skipped,
) -> Option<String> {
    let texts = printer.lang.texts();
    match event {
        UdpEvent::Bound { local } => {
            printer.event(
                "bound",
                json!({ "local": local.to_string() }),
                &texts.opened_on(*local),
            );
            None
        }
        UdpEvent::Received(d) => {
            printer.payload(Flow::Received, d.peer, &d.data, d.at);
            None
        }
        UdpEvent::Sent(d) => {
            printer.payload(Flow::Sent, d.peer, &d.data, d.at);
            None
        }
        UdpEvent::Error(error) => {
            let message = error.describe(printer.lang);
            printer.event("error", json!({ "message": message }), &message);
            Some(message)
        }
        UdpEvent::Closed => {
            printer.event("closed", json!({}), texts.status_closed);
            None
        }
        UdpEvent::Skipped(more) => {
            skipped.add(*more);
            None
        }
    }
}

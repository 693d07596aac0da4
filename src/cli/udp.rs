//! `netdbg udp listen` and `netdbg udp send`.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use serde_json::json;

use super::output::{Flow, Printer};
use super::payload_args::PayloadArgs;
use super::{CliError, parse_encoding, parse_seconds};
use crate::engine::address::parse_bind_arg;
use crate::engine::{UdpConfig, UdpEndpoint, UdpEvent, no_waker, parse_host_port};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Subcommand)]
pub enum UdpCommand {
    /// Bind a port and print every datagram that arrives
    Listen(ListenArgs),
    /// Send a message (text or HEX) to HOST:PORT
    Send(SendArgs),
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Local address and port, e.g. 0.0.0.0:7788, [::]:7788 or just 7788
    #[arg(long, value_name = "ADDR:PORT")]
    bind: String,
    /// Text encoding for decoding (UTF-8, GBK, GB18030, Big5, Shift_JIS, EUC-KR, Windows-1252, UTF-16LE, UTF-16BE)
    #[arg(long, value_name = "E")]
    encoding: Option<String>,
    /// Print payloads as HEX instead of text
    #[arg(long)]
    hex: bool,
    /// Exit after N datagrams
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Exit after SECS without a datagram
    #[arg(long, value_name = "SECS")]
    timeout: Option<f64>,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Where to send: host:port, [v6]:port
    #[arg(long, value_name = "HOST:PORT")]
    to: String,
    /// Local address and port to send from (default: any, a port the OS picks)
    #[arg(long, value_name = "ADDR:PORT")]
    bind: Option<String>,
    #[command(flatten)]
    payload: PayloadArgs,
    /// Send the message N times
    #[arg(long, value_name = "N", default_value_t = 1)]
    repeat: u64,
    /// Milliseconds between repeats
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    interval: u64,
    /// After the last send, print replies for SECS
    #[arg(long, value_name = "SECS", default_value_t = 0.0)]
    wait: f64,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
    /// The message
    message: String,
}

pub fn run(command: UdpCommand, lang: Lang) -> Result<(), CliError> {
    match command {
        UdpCommand::Listen(args) => listen(args, lang),
        UdpCommand::Send(args) => send(args, lang),
    }
}

fn listen(args: ListenArgs, lang: Lang) -> Result<(), CliError> {
    let bind = parse_bind_arg(&args.bind).map_err(|e| CliError::Input(e.describe(lang)))?;
    let idle = parse_seconds(args.timeout, lang)?;
    let printer = Printer {
        json: args.json,
        hex: args.hex,
        lang,
        encoding: parse_encoding(args.encoding.as_deref(), lang)?,
    };
    let (tx, events) = crossbeam_channel::unbounded();
    let endpoint = UdpEndpoint::open(&UdpConfig::new(bind), tx, no_waker())
        .map_err(|e| CliError::Network(e.describe(lang)))?;
    let mut received = 0u64;
    if args.count == Some(0) {
        return Ok(());
    }
    loop {
        let event = match idle {
            Some(idle) => match events.recv_timeout(idle) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    let texts = lang.texts();
                    printer.event(
                        "timeout",
                        json!({ "received": received }),
                        &texts.idle_timeout(idle.as_secs_f64(), received),
                    );
                    break;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            },
            None => match events.recv() {
                Ok(event) => event,
                Err(_) => break,
            },
        };
        if let UdpEvent::Received(_) = &event {
            received += 1;
        }
        if let Some(error) = print_event(&printer, &event) {
            return Err(CliError::Network(error));
        }
        if args.count.is_some_and(|count| received >= count) {
            break;
        }
    }
    endpoint.close();
    Ok(())
}

fn send(args: SendArgs, lang: Lang) -> Result<(), CliError> {
    let input = |e: &dyn Describe| CliError::Input(e.describe(lang));
    let (host, port) = parse_host_port(&args.to).map_err(|e| input(&e))?;
    let bind = match &args.bind {
        Some(text) => parse_bind_arg(text).map_err(|e| input(&e))?,
        None if host.parse::<Ipv6Addr>().is_ok() => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
        None => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
    };
    let encoding = args.payload.encoding(lang)?;
    let payload = args.payload.build(&args.message, encoding, lang)?;
    let wait = parse_seconds(Some(args.wait), lang)?.unwrap_or_default();
    let printer = Printer {
        json: args.json,
        hex: args.payload.hex,
        lang,
        encoding,
    };
    let (tx, events) = crossbeam_channel::unbounded();
    let endpoint = UdpEndpoint::open(&UdpConfig::new(bind), tx, no_waker())
        .map_err(|e| CliError::Network(e.describe(lang)))?;
    let interval = Duration::from_millis(args.interval);
    let mut failure = None;
    for index in 0..args.repeat {
        if index > 0 {
            print_until(&printer, &events, Instant::now() + interval, &mut failure);
        }
        endpoint.send_to(host.clone(), port, payload.clone());
        if !wait_for_send(&printer, &events, &mut failure) {
            break;
        }
    }
    if failure.is_none() && !wait.is_zero() {
        print_until(&printer, &events, Instant::now() + wait, &mut failure);
    }
    endpoint.close();
    match failure {
        Some(message) => Err(CliError::Network(message)),
        None => Ok(()),
    }
}

/// Prints events until our datagram is sent (true) or failed (false).
fn wait_for_send(
    printer: &Printer,
    events: &Receiver<UdpEvent>,
    failure: &mut Option<String>,
) -> bool {
    while let Ok(event) = events.recv_timeout(Duration::from_secs(30)) {
        let error = print_event(printer, &event);
        match event {
            UdpEvent::Sent(_) => return true,
            UdpEvent::Error(_) | UdpEvent::Closed => {
                *failure = error.or_else(|| Some("closed".to_owned()));
                return false;
            }
            _ => {}
        }
    }
    failure.get_or_insert_with(|| "no answer from the send thread".to_owned());
    false
}

/// Prints whatever arrives (replies, errors) until `deadline`.
fn print_until(
    printer: &Printer,
    events: &Receiver<UdpEvent>,
    deadline: Instant,
    failure: &mut Option<String>,
) {
    while let Ok(event) = events.recv_deadline(deadline) {
        if let Some(error) = print_event(printer, &event) {
            failure.get_or_insert(error);
        }
    }
}

/// Prints one event; returns the worded error if it was one.
fn print_event(printer: &Printer, event: &UdpEvent) -> Option<String> {
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
    }
}

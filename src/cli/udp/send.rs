//! `netdbg udp send`: one message, repeated messages, or a file as datagrams.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use crossbeam_channel::{Receiver, select};

use super::{open_endpoint, print_event, print_until, report_skipped};
use crate::cli::capture_args::{self, CaptureArgs};
use crate::cli::output::Printer;
use crate::cli::payload_args::{FilePlan, PayloadArgs, parse_interval, parse_repeat};
use crate::cli::{CliError, parse_seconds};
use crate::codec::{MessageMaker, SeqCounter};
use crate::engine::address::parse_bind_arg;
use crate::engine::error::IpFamily;
use crate::engine::send_job::FILE_DATAGRAM;
use crate::engine::{
    EngineError, MAX_UDP_PAYLOAD_V4, MAX_UDP_PAYLOAD_V6, RepeatConfig, Repeater, SendOutcome,
    Skipped, UdpConfig, UdpEndpoint, UdpEvent, no_waker, parse_host_port,
};
use crate::i18n::{Describe, Lang};

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
    /// Send the message N times (1 or more)
    #[arg(
        conflicts_with = "file",
        long,
        value_name = "N",
        default_value = "1",
        allow_hyphen_values = true
    )]
    repeat: String,
    /// Milliseconds between two sends (1 or more; also between two lines of --file --lines), kept on a fixed schedule so small delays do not add up
    #[arg(
        long,
        value_name = "MS",
        default_value = "1000",
        allow_hyphen_values = true
    )]
    interval: String,
    /// After the last send, print replies for SECS
    #[arg(long, value_name = "SECS", default_value_t = 0.0)]
    wait: f64,
    #[command(flatten)]
    multicast: super::multicast::MulticastSendArgs,
    #[command(flatten)]
    capture: CaptureArgs,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
    /// Send this file instead of a message, streamed: its bytes exactly as they are, in datagrams of 1024 bytes (line-end and checksum options apply only with --lines)
    #[arg(long, value_name = "PATH", conflicts_with = "message")]
    file: Option<PathBuf>,
    /// With --file: one line (with its line end) per datagram, --interval MS apart; --cr/--lf/--crlf replace each line's own end, --checksum is added to each line
    // Also in conflict with the message: clap waives `requires` for an argument
    // that conflicts with one given, so `--lines TEXT` would otherwise pass.
    #[arg(long, requires = "file", conflicts_with = "message")]
    lines: bool,
    /// The message
    #[arg(required_unless_present = "file")]
    message: Option<String>,
}

pub(super) fn send(args: SendArgs, lang: Lang) -> Result<(), CliError> {
    let input = |e: &dyn Describe| CliError::Input(e.describe(lang));
    let (host, port) = parse_host_port(&args.to).map_err(|e| input(&e))?;
    let bind = match &args.bind {
        Some(text) => parse_bind_arg(text).map_err(|e| input(&e))?,
        None if host.parse::<Ipv6Addr>().is_ok() => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
        None => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
    };
    let encoding = args.payload.encoding(lang)?;
    let interval = parse_interval(&args.interval, lang)?;
    let file = match &args.file {
        Some(path) => Some(FilePlan::new(
            path,
            args.lines,
            interval,
            FILE_DATAGRAM,
            &args.payload,
            lang,
        )?),
        None => None,
    };
    let options = args.payload.send_options(lang)?;
    // clap asks for a message unless --file is given.
    let message = args.message.as_deref().filter(|_| file.is_none());
    let mut payload = args.payload.maker(
        message.unwrap_or_default(),
        options,
        encoding,
        &SeqCounter::default(),
        lang,
    )?;
    let first = payload
        .preview()
        .map_err(|error| CliError::Input(error.describe(lang)))?;
    check_target(&first, &host, bind, lang)?;
    let target_ip = host.trim_matches(['[', ']']).parse::<IpAddr>().ok();
    let multicast = args.multicast.plan(target_ip, bind, lang)?;
    let repeat = RepeatConfig {
        interval,
        count: Some(parse_repeat(&args.repeat, lang)?),
    };
    let wait = parse_seconds(Some(args.wait), lang)?.unwrap_or_default();
    let printer = Printer {
        json: args.json,
        hex: args.payload.hex,
        lang,
        encoding,
    };
    let (capture, endpoint, events) = open_endpoint(&UdpConfig::new(bind), &args.capture, lang)?;
    if let Err(error) = super::multicast::apply(&endpoint, multicast.as_ref(), lang) {
        endpoint.close();
        return capture_args::finish(capture, &printer, Err(error));
    }
    let mut skipped = Skipped::default();
    let target = Target {
        host: &host,
        port,
        payload,
    };
    let mut outcome = match &file {
        Some(plan) => {
            send_file_datagrams(&printer, &endpoint, &events, &target, plan, &mut skipped)
        }
        None => send_repeated(&printer, &endpoint, &events, &target, repeat, &mut skipped),
    };
    if outcome.is_ok() && !wait.is_zero() {
        let mut failure = None;
        let deadline = Instant::now() + wait;
        print_until(&printer, &events, deadline, &mut failure, &mut skipped);
        outcome = failure.map_or(Ok(()), |message| Err(CliError::Network(message)));
    }
    report_skipped(&printer, &endpoint, skipped);
    endpoint.set_capture(None);
    endpoint.close();
    capture_args::finish(capture, &printer, outcome)
}

/// What the engine would refuse at the first send, found from the input alone before
/// any socket opens: an IPv6 address from an IPv4 socket (an IPv6 socket reaches IPv4
/// through mapped addresses), and a payload no datagram can carry. The size limit is
/// the engine's: IPv6's only from an IPv6 socket to a real IPv6 address; a name gets
/// the larger limit its socket allows (the engine checks again once it is resolved).
fn check_target(payload: &[u8], host: &str, bind: SocketAddr, lang: Lang) -> Result<(), CliError> {
    let ip = host.parse::<IpAddr>().ok();
    if bind.is_ipv4() && ip.is_some_and(|ip| ip.is_ipv6()) {
        let error = EngineError::FamilyMismatch {
            host: host.to_owned(),
            family: IpFamily::V4,
        };
        return Err(CliError::Input(error.describe(lang)));
    }
    let max = match ip {
        Some(IpAddr::V6(ip)) if bind.is_ipv6() && ip.to_ipv4_mapped().is_none() => {
            MAX_UDP_PAYLOAD_V6
        }
        Some(_) => MAX_UDP_PAYLOAD_V4,
        None if bind.is_ipv6() => MAX_UDP_PAYLOAD_V6,
        None => MAX_UDP_PAYLOAD_V4,
    };
    if payload.len() > max {
        let error = EngineError::PayloadTooLarge {
            len: payload.len(),
            max,
        };
        return Err(CliError::Input(error.describe(lang)));
    }
    Ok(())
}

/// Where `udp send` sends, and what.
struct Target<'a> {
    host: &'a str,
    port: u16,
    payload: MessageMaker,
}

/// Sends the payload on the repeater's schedule (absolute deadlines, so the pace holds
/// however long printing takes) and prints events until every send has its outcome.
fn send_repeated(
    printer: &Printer,
    endpoint: &UdpEndpoint,
    events: &Receiver<UdpEvent>,
    target: &Target<'_>,
    repeat: RepeatConfig,
    skipped: &mut Skipped,
) -> Result<(), CliError> {
    let lang = printer.lang;
    let wanted = repeat.count.unwrap_or(1);
    let Some(sender) = endpoint.sender() else {
        return Err(CliError::Network(lang.texts().send_unfinished(0, wanted)));
    };
    let (host, port, mut payload) = (target.host.to_owned(), target.port, target.payload.clone());
    let repeater = Repeater::start(
        repeat,
        &format!("udp-send {host}:{port}"),
        // A message that no longer builds (its `${len:u8}` outgrown) ends the sends.
        move |_| match payload.next_send() {
            Ok(bytes) => sender.send_to(host.clone(), port, bytes),
            Err(_) => false,
        },
        no_waker(),
    )
    .map_err(|e| CliError::Network(e.describe(lang)))?;
    // The send thread answers each datagram at once, so silence for longer than one
    // interval (plus slack) means it is gone.
    let silence = repeat.interval.saturating_add(Duration::from_secs(30));
    let mut sent = 0u64;
    while sent < wanted {
        let Ok(event) = events.recv_timeout(silence) else {
            repeater.stop();
            return Err(CliError::Network(
                lang.texts().send_unfinished(sent, wanted),
            ));
        };
        let error = print_event(printer, &event, skipped);
        match event {
            UdpEvent::Sent(_) => sent += 1,
            UdpEvent::Error(_) | UdpEvent::Closed => {
                repeater.stop();
                let message = error.unwrap_or_else(|| lang.texts().send_unfinished(sent, wanted));
                return Err(CliError::Network(message));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Streams the file as datagrams and prints events until the job has ended and
/// every datagram it handed over has its outcome.
fn send_file_datagrams(
    printer: &Printer,
    endpoint: &UdpEndpoint,
    events: &Receiver<UdpEvent>,
    target: &Target<'_>,
    plan: &FilePlan,
    skipped: &mut Skipped,
) -> Result<(), CliError> {
    let lang = printer.lang;
    let Some(sender) = endpoint.sender() else {
        return Err(CliError::Network(EngineError::NotConnected.describe(lang)));
    };
    let (host, port) = (target.host.to_owned(), target.port);
    let mut file = plan.start(
        move |piece| {
            if sender.send_to(host.clone(), port, piece) {
                SendOutcome::Sent
            } else {
                SendOutcome::Gone
            }
        },
        lang,
    )?;
    let mut sent = 0u64;
    // Some(n) once the job has ended, having handed over n datagrams.
    let mut handed = None;
    loop {
        if let Some(handed) = handed
            && sent >= handed
        {
            return Ok(());
        }
        select! {
            recv(events) -> event => {
                let Ok(event) = event else { return Err(file.unfinished(sent, lang)) };
                let error = print_event(printer, &event, skipped);
                match event {
                    UdpEvent::Sent(_) => sent += 1,
                    UdpEvent::Error(_) | UdpEvent::Closed => {
                        file.job.stop();
                        return Err(error.map_or_else(|| file.unfinished(sent, lang), CliError::Network));
                    }
                    _ => {}
                }
            }
            recv(file.done) -> _ => {
                if let Some(error) = file.failure(lang) {
                    return Err(error);
                }
                if file.cut_short() {
                    return Err(file.unfinished(sent, lang));
                }
                handed = Some(file.job.progress().sent);
                file.done = crossbeam_channel::never();
            }
            default(plan.silence()) => return Err(file.unfinished(sent, lang)),
        }
    }
}

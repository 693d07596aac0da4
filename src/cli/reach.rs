//! `netdbg reach`: the Network tab's reachability check from a script — a TCP probe
//! when a port is given, then one ping — worded like the tab, one line per result.

use std::net::ToSocketAddrs;
use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::CliError;
use super::output::Printer;
use crate::engine::reach::CONNECT_TIMEOUT;
use crate::engine::{
    EngineError, InputError, PingOutcome, ReachCheck, ReachEvent, no_waker, parse_port,
};
use crate::i18n::{Describe, Lang, describe_reach};

#[derive(Debug, Args)]
pub struct ReachArgs {
    /// The host to check: an IP address or a name, e.g. 192.168.1.10
    #[arg(value_name = "HOST")]
    host: String,
    /// Also probe this TCP port (1–65535): does anything listen on it?
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    port: Option<String>,
    /// How long the TCP probe waits for an answer, in seconds (default 3)
    #[arg(long, value_name = "SECS", allow_hyphen_values = true)]
    timeout: Option<String>,
    /// Skip the ping: only the TCP probe of --port
    #[arg(long = "no-ping", requires = "port")]
    no_ping: bool,
    /// One JSON object per result
    #[arg(long)]
    json: bool,
}

/// Runs the check, printing each result as it comes. `Ok(true)` when the answer is yes:
/// the port is open (with `--port`), or the host answered ping (without).
pub fn run(args: ReachArgs, lang: Lang) -> Result<bool, CliError> {
    let texts = lang.texts();
    let input = |e: &dyn Describe| CliError::Input(e.describe(lang));
    let host = args.host.trim();
    if host.is_empty() {
        return Err(input(&InputError::AddressEmpty));
    }
    let port = match &args.port {
        Some(text) => Some(parse_port(text, false).map_err(|e| input(&e))?),
        None => None,
    };
    let timeout = match &args.timeout {
        Some(text) => parse_timeout(text, lang)?,
        None => CONNECT_TIMEOUT,
    };
    // A name that does not resolve is no answer about the host, so no probe runs; it is
    // a network failure (DNS may be what is down), exit 1 as in every other command.
    // The worker resolves it again, usually from a cache.
    let resolves = (host, 0)
        .to_socket_addrs()
        .is_ok_and(|mut all| all.next().is_some());
    if !resolves {
        return Err(CliError::Network(texts.unknown_host(host)));
    }
    let check = ReachCheck::start_with_timeout(host, port, !args.no_ping, timeout, no_waker())
        .map_err(|error| match error {
            EngineError::Unresolvable { host } => CliError::Network(texts.unknown_host(&host)),
            other => CliError::Network(other.describe(lang)),
        })?;
    let printer = Printer {
        json: args.json,
        hex: false,
        lang,
        encoding: crate::platform::default_encoding(),
    };
    if port.is_none() && !printer.json {
        // Said to humans only: in JSON it is no result, and "event":"ping" shows it anyway.
        printer.event("ping_only", json!({}), texts.reach_ping_only);
    }
    let mut answered = false;
    let mut ping_unavailable = false;
    // Blocking is fine here: the worker ends on its own, the probe within `timeout`
    // and ping within its deadline, and a dead worker closes the channel.
    while let Ok(event) = check.events().recv() {
        match &event {
            ReachEvent::TcpReachable { .. } => answered = true,
            ReachEvent::Ping(PingOutcome::Replied { .. }) => answered |= port.is_none(),
            ReachEvent::Ping(PingOutcome::Unavailable) => ping_unavailable = true,
            ReachEvent::Finished => break,
            ReachEvent::TcpFailed(_) | ReachEvent::Ping(_) => {}
        }
        print_result(&printer, &event);
    }
    if port.is_none() && ping_unavailable {
        // The tab's line says "rely on the TCP result"; without --port there is none.
        return Err(CliError::Network(lang.texts().cli_reach_needs_port()));
    }
    Ok(answered)
}

/// One result in the Network tab's words; for scripts, `"result"` names it and `"peer"`
/// (TCP, when known) and `"rtt_ms"` (ping, when `ping` printed it) carry the numbers.
fn print_result(printer: &Printer, event: &ReachEvent) {
    let Some((message, _)) = describe_reach(event, printer.lang) else {
        return;
    };
    let (name, mut fields) = match event {
        ReachEvent::TcpReachable { peer } => (
            "tcp",
            json!({ "peer": peer.to_string(), "result": "reachable" }),
        ),
        ReachEvent::TcpFailed(error) => {
            let (peer, result) = match error {
                EngineError::ConnectRefused { peer } => (Some(peer), "refused"),
                EngineError::ConnectTimeout { peer, .. } => (Some(peer), "timeout"),
                EngineError::Unreachable { peer } => (Some(peer), "unreachable"),
                EngineError::Unresolvable { .. } => (None, "unknown_host"),
                _ => (None, "error"),
            };
            let peer = peer.map(ToString::to_string);
            ("tcp", json!({ "peer": peer, "result": result }))
        }
        ReachEvent::Ping(outcome) => {
            let (result, millis) = match outcome {
                PingOutcome::Replied { millis } => ("reply", *millis),
                PingOutcome::NoReply => ("no_reply", None),
                PingOutcome::Unavailable => ("unavailable", None),
                PingOutcome::Failed { .. } => ("failed", None),
            };
            ("ping", json!({ "result": result, "rtt_ms": millis }))
        }
        ReachEvent::Finished => return,
    };
    fields["message"] = json!(message);
    printer.event(name, fields, &message);
}

/// `--timeout`: seconds above 0, fractions allowed (a 0 s probe could only fail).
fn parse_timeout(text: &str, lang: Lang) -> Result<Duration, CliError> {
    text.trim()
        .parse::<f64>()
        .ok()
        // Also keeps out NaN and infinity, which `Duration` cannot hold.
        .filter(|secs| *secs > 0.0 && *secs < 1e9)
        .map(Duration::from_secs_f64)
        .filter(|timeout| !timeout.is_zero())
        .ok_or_else(|| CliError::Input(lang.texts().cli_bad_timeout(text)))
}

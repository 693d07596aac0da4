//! `netdbg echo tcp|udp --bind ADDR:PORT`: answer every read or datagram with
//! itself, to measure a link from the other end. Runs until Ctrl+C (or
//! `--timeout` of silence), then says how much it echoed.

use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use crossbeam_channel::{after, never, select};
use serde_json::json;

use super::output::Printer;
use super::signals::StopWatch;
use super::{CliError, parse_seconds};
use crate::codec::TextEncoding;
use crate::engine::address::parse_bind_arg;
use crate::engine::echo::{DEFAULT_MAX_CLIENTS, EchoConfig, EchoEvent, EchoProtocol, EchoServer};
use crate::engine::no_waker;
use crate::i18n::{Describe, Lang};

/// How often the quiet check looks at the counters.
const LOOK: Duration = Duration::from_millis(200);
/// A client thread each: a process ends near 16k threads.
const MOST_CLIENTS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Transport {
    Tcp,
    Udp,
}

#[derive(Debug, Args)]
pub struct EchoArgs {
    /// tcp: echo every read back on its connection; udp: every datagram back to its sender
    transport: Transport,
    /// Local address and port, e.g. 0.0.0.0:7007, [::]:7007 or just 7007
    #[arg(long, value_name = "ADDR:PORT")]
    bind: String,
    /// TCP: turn clients away (with a reset) while N are connected, 1 to 10000
    #[arg(long = "max-clients", value_name = "N", default_value_t = DEFAULT_MAX_CLIENTS.to_string())]
    max_clients: String,
    /// Stop after SECS with nothing echoed; without it, run until Ctrl+C
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    timeout: Option<f64>,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

pub fn run(args: EchoArgs, lang: Lang) -> Result<(), CliError> {
    let texts = lang.texts();
    let bind = parse_bind_arg(&args.bind).map_err(|e| CliError::Input(e.describe(lang)))?;
    let max_clients = match args.max_clients.trim().parse::<usize>() {
        Ok(max) if (1..=MOST_CLIENTS).contains(&max) => max,
        _ => return Err(CliError::Input(texts.bad_max_clients(&args.max_clients))),
    };
    let quiet = parse_seconds(args.timeout, lang)?;
    let printer = Printer {
        json: args.json,
        hex: false,
        lang,
        encoding: TextEncoding::Auto,
    };
    let protocol = match args.transport {
        Transport::Tcp => EchoProtocol::Tcp,
        Transport::Udp => EchoProtocol::Udp,
    };
    let config = EchoConfig {
        max_clients,
        ..EchoConfig::new(bind, protocol)
    };
    let stops = StopWatch::start().map_err(|err| CliError::Network(err.to_string()))?;
    let (tx, events) = crossbeam_channel::unbounded();
    let server = EchoServer::start(&config, tx, no_waker())
        .map_err(|e| CliError::Network(e.describe(lang)))?;
    let started = Instant::now();
    let (mut last_total, mut last_change) = (0u64, Instant::now());
    loop {
        let look = if quiet.is_some() {
            after(LOOK)
        } else {
            never()
        };
        select! {
            recv(events) -> event => match event {
                Ok(event) => print_event(&printer, &event),
                Err(_) => break,
            },
            recv(stops.stops()) -> _ => break,
            recv(look) -> _ => {
                let total = server.counters().snapshot().rx_bytes;
                if total != last_total {
                    (last_total, last_change) = (total, Instant::now());
                } else if let Some(quiet) = quiet
                    && last_change.elapsed() >= quiet
                {
                    let secs = quiet.as_secs_f64();
                    printer.event("timeout", json!({ "secs": secs }), &texts.echo_quiet(secs));
                    break;
                }
            },
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let counts = server.stop();
    while let Ok(event) = events.try_recv() {
        print_event(&printer, &event);
    }
    printer.event(
        "summary",
        json!({
            "messages": counts.rx_packets,
            "bytes": counts.tx_bytes,
            "secs": secs,
        }),
        &texts.echo_summary(counts.rx_packets, counts.tx_bytes, secs),
    );
    Ok(())
}

fn print_event(printer: &Printer, event: &EchoEvent) {
    let lang = printer.lang;
    let texts = lang.texts();
    match event {
        EchoEvent::Listening { local } => printer.event(
            "listening",
            json!({ "local": local.to_string() }),
            &texts.echo_listening(*local),
        ),
        EchoEvent::Accepted { peer } => printer.event(
            "connected",
            json!({ "peer": peer.to_string() }),
            &texts.client_connected(*peer),
        ),
        EchoEvent::Closed { peer, bytes, error } => {
            let message = error.as_ref().map(|e| e.describe(lang));
            printer.event(
                "closed",
                json!({ "peer": peer.to_string(), "bytes": bytes, "message": message }),
                &texts.echo_closed(*peer, *bytes, message.as_deref()),
            );
        }
        EchoEvent::Refused { peer, max } => {
            let reason = crate::engine::EngineError::ClientCapReached { max: *max }.describe(lang);
            printer.event(
                "refused",
                json!({ "peer": peer.to_string(), "message": reason }),
                &texts.client_refused(*peer, &reason),
            );
        }
        EchoEvent::Error(error) => {
            let message = error.describe(lang);
            printer.event("error", json!({ "message": message }), &message);
        }
    }
}

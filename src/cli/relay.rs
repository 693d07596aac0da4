//! `netdbg relay`: sit between a client and its server, print both directions,
//! inject faults. Every forwarded write is printed, in order: when stdout is slow
//! the relay stops reading, and TCP flow control slows the sender.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use crossbeam_channel::select;

use super::capture_args::{self, CaptureArgs};
use super::frame_args::FrameArgs;
use super::output::Printer;
use super::tls_args::{ClientTlsArgs, print_server_cert, server_tls};
use super::{CliError, parse_encoding, parse_seconds};
use crate::engine::address::parse_bind_arg;
use crate::engine::relay::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_PAIRS, DEFAULT_UDP_IDLE};
use crate::engine::{
    Faults, FlowConfig, Relay, RelayConfig, RelayError, RelayProtocol, no_waker, parse_host_port,
};
use crate::i18n::{Describe, Lang};

mod inject;
mod log;

use log::RelayLog;

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

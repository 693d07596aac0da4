//! `netdbg load tcp|udp`: a connection storm or a message flood against
//! HOST:PORT, with round-trip times. Progress once a second, a summary at the end;
//! exit 1 when nothing connected (UDP: when echoes were expected and none came).

mod report;

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use clap::{Args, Subcommand};
use crossbeam_channel::select;

use super::frame_args::FrameArgs;
use super::output::Printer;
use super::payload_args::PayloadArgs;
use super::signals::StopWatch;
use super::{CliError, parse_seconds};
use crate::codec::{SeqCounter, TextEncoding};
use crate::engine::load::{
    DEFAULT_SIZE, LoadConfig, LoadEvent, LoadKind, LoadPayload, LoadRun, TcpLoad, UdpLoad,
};
use crate::engine::{EngineError, no_waker, parse_host_port};
use crate::i18n::{Describe, Lang};

const PROGRESS_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Subcommand)]
pub enum LoadCommand {
    /// N connections (opened at a rate or all at once), each sending M messages at a rate or flat out, optionally timing each reply
    Tcp(TcpArgs),
    /// Datagrams at a rate or flat out, for a count or a duration, optionally timing each echo
    Udp(UdpArgs),
}

/// What each message carries: random bytes, or text (with the payload options).
#[derive(Debug, Args)]
struct MessageArgs {
    /// Random bytes of this size in each message (default 64)
    #[arg(long, value_name = "BYTES", conflicts_with = "payload")]
    size: Option<usize>,
    /// This text in each message (with --hex, --escapes, --vars, --lf, --checksum…)
    #[arg(long, value_name = "TEXT")]
    payload: Option<String>,
    #[command(flatten)]
    options: PayloadArgs,
}

#[derive(Debug, Args)]
pub struct TcpArgs {
    /// The server, e.g. 127.0.0.1:7007
    #[arg(long, value_name = "HOST:PORT")]
    to: String,
    /// Connections, 1 to 10000 (on Unix raised to fit the open-files limit; on Windows the dynamic port range, 16,384 ports by default, is the practical limit)
    #[arg(long, value_name = "N", default_value_t = 1)]
    connections: usize,
    /// New connections per second; without it, all at once
    #[arg(long = "connect-rate", value_name = "R", allow_negative_numbers = true)]
    connect_rate: Option<f64>,
    /// Messages per connection (default 1; with --secs, until the time is up)
    #[arg(long, value_name = "M")]
    messages: Option<u64>,
    #[command(flatten)]
    message: MessageArgs,
    /// Messages per second on each connection; without it, as fast as possible
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    rate: Option<f64>,
    /// Wait for each message's reply before the next, and time it: the echo (as many bytes as sent), or one frame with --frame
    #[arg(long = "expect-reply")]
    expect_reply: bool,
    #[command(flatten)]
    frame: FrameArgs,
    /// Stop sending after SECS, then wait for the replies still due
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    secs: Option<f64>,
    /// Give up on a connect after SECS (default 5)
    #[arg(long = "connect-timeout", value_name = "SECS")]
    connect_timeout: Option<f64>,
    /// Give up on a reply after SECS (default 5)
    #[arg(long = "reply-timeout", value_name = "SECS")]
    reply_timeout: Option<f64>,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct UdpArgs {
    /// Where to send, e.g. 127.0.0.1:7007
    #[arg(long, value_name = "HOST:PORT")]
    to: String,
    /// Datagrams per second; without it, as fast as possible
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    rate: Option<f64>,
    #[command(flatten)]
    message: MessageArgs,
    /// Send N datagrams (default 1 without --secs)
    #[arg(long, value_name = "N", conflicts_with = "secs")]
    count: Option<u64>,
    /// Send for SECS
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    secs: Option<f64>,
    /// Count the echoes and time them (random payloads of 8 bytes or more carry a number to match each echo)
    #[arg(long = "expect-reply")]
    expect_reply: bool,
    /// Wait SECS for the last echoes (default 1)
    #[arg(long = "reply-timeout", value_name = "SECS")]
    reply_timeout: Option<f64>,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

pub fn run(command: LoadCommand, lang: Lang) -> Result<(), CliError> {
    let (config, json, udp_echoes) = match command {
        LoadCommand::Tcp(args) => (tcp_config(&args, lang)?, args.json, false),
        LoadCommand::Udp(args) => {
            let echoes = args.expect_reply;
            (udp_config(&args, lang)?, args.json, echoes)
        }
    };
    let printer = Printer {
        json,
        hex: false,
        lang,
        encoding: TextEncoding::Auto,
    };
    let stops = StopWatch::start().map_err(|err| CliError::Network(err.to_string()))?;
    let (tx, events) = crossbeam_channel::unbounded();
    let run = LoadRun::start(config, tx, no_waker()).map_err(|error| match error {
        crate::engine::load::StartError::Input(e) => CliError::Input(e.describe(lang)),
        crate::engine::load::StartError::Engine(e) => CliError::Network(e.describe(lang)),
    })?;
    let mut progress = report::Progress::default();
    let mut stopped_by = None;
    let (snapshot, error) = loop {
        select! {
            recv(events) -> event => match event {
                Ok(LoadEvent::Progress(snapshot)) => progress.print(&printer, &snapshot),
                Ok(LoadEvent::Finished { snapshot, error }) => break (snapshot, error),
                Err(_) => return Err(CliError::Network(EngineError::NotConnected.describe(lang))),
            },
            recv(stops.stops()) -> stop => {
                if let Ok(stop) = stop {
                    stopped_by.get_or_insert(stop);
                }
                run.stop();
            },
        }
    };
    report::summary(&printer, &snapshot);
    if let Some(error) = error {
        return Err(CliError::Network(error.describe(lang)));
    }
    if let Some(stop) = stopped_by {
        return Err(CliError::Stopped {
            message: lang.texts().load_stopped(stop.name),
            exit_code: stop.exit_code,
        });
    }
    if snapshot.connected == 0 {
        return Err(CliError::Network(lang.texts().load_nothing_connected(
            &lang.texts().load_fault_list(&snapshot.faults),
        )));
    }
    if udp_echoes && snapshot.received == 0 {
        return Err(CliError::Network(lang.texts().load_no_echo()));
    }
    Ok(())
}

fn tcp_config(args: &TcpArgs, lang: Lang) -> Result<LoadConfig, CliError> {
    let framing = args.frame.given_framing(lang)?;
    let duration = positive_seconds(args.secs, lang)?;
    let payload = payload(&args.message, lang)?;
    let target = resolve(&args.to, lang)?;
    let mut tcp = TcpLoad::new(target);
    tcp.connections = args.connections;
    tcp.connect_rate = args.connect_rate;
    tcp.messages = match (args.messages, duration) {
        (Some(messages), _) => Some(messages),
        (None, Some(_)) => None,
        (None, None) => Some(1),
    };
    tcp.rate = args.rate;
    tcp.expect_reply = args.expect_reply;
    tcp.reply_framing = framing;
    if let Some(timeout) = positive_seconds(args.connect_timeout, lang)? {
        tcp.connect_timeout = timeout;
    }
    if let Some(timeout) = positive_seconds(args.reply_timeout, lang)? {
        tcp.reply_timeout = timeout;
    }
    Ok(LoadConfig {
        kind: LoadKind::Tcp(tcp),
        payload,
        duration,
        report_every: PROGRESS_EVERY,
    })
}

fn udp_config(args: &UdpArgs, lang: Lang) -> Result<LoadConfig, CliError> {
    let duration = positive_seconds(args.secs, lang)?;
    let payload = payload(&args.message, lang)?;
    let target = resolve(&args.to, lang)?;
    let mut udp = UdpLoad::new(target);
    udp.rate = args.rate;
    udp.count = match (args.count, duration) {
        (Some(count), _) => Some(count),
        (None, Some(_)) => None,
        (None, None) => Some(1),
    };
    udp.expect_reply = args.expect_reply;
    if let Some(timeout) = positive_seconds(args.reply_timeout, lang)? {
        udp.reply_timeout = timeout;
    }
    Ok(LoadConfig {
        kind: LoadKind::Udp(udp),
        payload,
        duration,
        report_every: PROGRESS_EVERY,
    })
}

fn payload(args: &MessageArgs, lang: Lang) -> Result<LoadPayload, CliError> {
    match &args.payload {
        None => Ok(LoadPayload::Random {
            size: args.size.unwrap_or(DEFAULT_SIZE),
        }),
        Some(text) => {
            let options = args.options.send_options(lang)?;
            let encoding = args.options.encoding(lang)?;
            let maker =
                args.options
                    .maker(text, options, encoding, &SeqCounter::default(), lang)?;
            Ok(LoadPayload::Message(maker))
        }
    }
}

/// Seconds above 0 (a time of 0 would do nothing).
fn positive_seconds(value: Option<f64>, lang: Lang) -> Result<Option<Duration>, CliError> {
    match parse_seconds(value, lang)? {
        Some(duration) if duration.is_zero() => Err(CliError::Input(
            lang.texts()
                .cli_seconds_not_positive(value.unwrap_or_default()),
        )),
        other => Ok(other),
    }
}

/// HOST:PORT: a typo is bad input (exit 2), a name that does not resolve a
/// network failure (exit 1).
fn resolve(text: &str, lang: Lang) -> Result<SocketAddr, CliError> {
    let (host, port) = parse_host_port(text).map_err(|e| CliError::Input(e.describe(lang)))?;
    (host.as_str(), port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| CliError::Network(EngineError::Unresolvable { host }.describe(lang)))
}

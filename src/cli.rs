//! The engine without a window: `netdbg udp listen|send`, `netdbg tcp serve|connect`,
//! `netdbg file serve|get`, `netdbg relay`, `netdbg capture convert`, `netdbg replay`,
//! and the Network tab's check as `netdbg reach`.
//! Human-readable lines by default, one JSON object per event with `--json`.
//!
//! Exit codes:
//! - 0: done.
//! - 1: the network failed (port in use, refused, a host name that does not resolve —
//!   for every command, `reach` included —, a send or download that failed; for
//!   `reach`, no answer).
//! - 2: bad input, clap's usage errors included: one line on stderr, nothing on
//!   stdout, and no socket opened.
//! - 3: an answer that is "no", already printed: a failed step of `run`, a reply that
//!   did not come in `replay --require-reply`.
//! - 128 + the signal's number when `file get` is stopped by a signal, after it has
//!   removed `NAME.part`: 130 SIGINT / Ctrl+C, 143 SIGTERM, 129 SIGHUP (on Windows:
//!   149 Ctrl+Break, 129 closing the console, 143 logoff or shutdown). See `signals.rs`.
//!   `replay` stopped by a signal prints its summary, then exits the same way.
//!
//! Every line printed, to stdout or stderr, has the control and bidi characters a peer
//! (or a file name) may carry shown as escapes by [`crate::codec::visible_text`]; in
//! JSON the values keep the raw text and only the line itself is escaped (`output.rs`).

mod capture;
mod capture_args;
mod echo;
mod file;
mod frame_args;
mod load;
mod output;
mod payload_args;
mod reach;
mod relay;
mod replay;
mod run;
mod signals;
mod tcp;
mod tls_args;
mod udp;
mod usage;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::codec::{TextEncoding, visible_text};
use crate::i18n::Lang;

pub use output::Printer;
// Public for the fuzz target and property tests of `--rule`.
pub use tcp::parse_rule;

#[derive(Debug, Parser)]
#[command(
    name = "netdbg",
    version = crate::build_info::LONG_VERSION,
    about = "netdbg — 网络调试助手: a network debugging assistant. \
             Without a subcommand it opens the window."
)]
pub struct Cli {
    /// Language of messages: zh or en (default: NETDBG_LANG, then the system locale)
    #[arg(long, global = true, value_name = "zh|en", value_parser = usage::lang_flag)]
    pub lang: Option<Lang>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// UDP: listen on a port, or send datagrams
    #[command(subcommand)]
    Udp(udp::UdpCommand),
    /// TCP: run a server (serve) or connect to one (connect)
    #[command(subcommand)]
    Tcp(tcp::TcpCommand),
    /// File transfer: share a folder (serve) or download a file from one (get)
    #[command(subcommand)]
    File(file::FileCommand),
    /// Reachability: does anything listen on HOST --port N, and does HOST answer ping?
    Reach(reach::ReachArgs),
    /// Relay: sit between a client and its server, print both directions, inject faults
    Relay(relay::RelayArgs),
    /// Echo: answer every TCP read or UDP datagram with itself, to measure a link from the other end
    Echo(echo::EchoArgs),
    /// Captures: convert a JSON-lines capture to pcapng for Wireshark
    #[command(subcommand)]
    Capture(capture::CaptureCommand),
    /// Load: a TCP connection storm or a UDP flood against HOST:PORT, with round-trip times (p50…p99.9)
    #[command(subcommand)]
    Load(load::LoadCommand),
    /// Run a sequence script (TOML): send, expect within a deadline, wait, repeat; exit 0 all passed, 3 one failed, 1 network failure, 2 bad script
    Run(run::RunArgs),
    /// Replay a capture (netdbg JSON lines, pcapng, pcap): send one side's messages again with the recorded gaps; exit 3 when --require-reply and a reply did not come
    Replay(replay::ReplayArgs),
}

/// A failure, already worded for the user, and the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: exit code 2.
    #[error("{0}")]
    Input(String),
    /// The network (or the OS) failed: exit code 1.
    #[error("{0}")]
    Network(String),
    /// Stopped by a signal after cleaning up: 128 + the signal's number.
    #[error("{message}")]
    Stopped { message: String, exit_code: u8 },
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Input(_) => ExitCode::from(2),
            CliError::Network(_) => ExitCode::from(1),
            CliError::Stopped { exit_code, .. } => ExitCode::from(*exit_code),
        }
    }

    fn message(&self) -> &str {
        match self {
            CliError::Input(message)
            | CliError::Network(message)
            | CliError::Stopped { message, .. } => message,
        }
    }
}

/// Reads the command line. `Err` holds the exit code once `--help`, `--version` or a
/// one-line usage error (exit 2) has been printed.
pub fn parse() -> Result<Cli, ExitCode> {
    usage::parse_from(std::env::args_os().collect())
}

/// Runs a subcommand and turns its outcome into an exit code.
pub fn run(cli: Cli, command: Command) -> ExitCode {
    let lang = cli.lang.unwrap_or_else(Lang::detect);
    let result = match command {
        Command::Udp(command) => udp::run(command, lang),
        Command::Tcp(command) => tcp::run(command, lang),
        Command::File(command) => file::run(command, lang),
        Command::Relay(args) => relay::run(args, lang),
        Command::Echo(args) => echo::run(args, lang),
        Command::Capture(command) => capture::run(command, lang),
        Command::Load(command) => load::run(command, lang),
        Command::Run(args) => match run::run(args, lang) {
            Ok(true) => Ok(()),
            // A failed expectation is an answer, already printed: exit 3.
            Ok(false) => return ExitCode::from(3),
            Err(error) => Err(error),
        },
        Command::Replay(args) => match replay::run(args, lang) {
            Ok(true) => Ok(()),
            // A reply that did not come is an answer, already printed: exit 3.
            Ok(false) => return ExitCode::from(3),
            Err(error) => Err(error),
        },
        Command::Reach(args) => match reach::run(args, lang) {
            Ok(true) => Ok(()),
            // "No" is an answer, already printed: exit 1 without an error line, like grep.
            Ok(false) => return ExitCode::from(1),
            Err(error) => Err(error),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error),
    }
}

/// The one place a failure is said: one line on stderr (a message may quote what the
/// user typed or a peer sent; escaping keeps it one line), and its exit code.
fn report(error: &CliError) -> ExitCode {
    eprintln!("netdbg: {}", visible_text(error.message()));
    error.exit_code()
}

/// `--encoding`: a label like GBK or utf-8; default from the system locale.
fn parse_encoding(label: Option<&str>, lang: Lang) -> Result<TextEncoding, CliError> {
    let Some(label) = label else {
        return Ok(TextEncoding::Auto);
    };
    TextEncoding::from_label(label).ok_or_else(|| {
        let known: Vec<&str> = TextEncoding::ALL.iter().map(|e| e.label()).collect();
        CliError::Input(lang.texts().cli_unknown_encoding(label, &known.join(", ")))
    })
}

/// A number of seconds from the command line: 0 or more.
fn parse_seconds(value: Option<f64>, lang: Lang) -> Result<Option<Duration>, CliError> {
    match value {
        None => Ok(None),
        Some(secs) if (0.0..1e9).contains(&secs) => Ok(Some(Duration::from_secs_f64(secs))),
        Some(secs) => Err(CliError::Input(lang.texts().cli_bad_seconds(secs))),
    }
}

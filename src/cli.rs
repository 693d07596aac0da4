//! The engine without a window: `netdbg udp listen|send`, `netdbg tcp serve|connect`,
//! `netdbg file serve|get`, and the Network tab's check as `netdbg reach`.
//! Human-readable lines by default, one JSON object per event with `--json`.
//! Exit codes: 0 done, 1 network failure (for `reach`: no answer), 2 bad input.

mod capture_args;
mod file;
mod output;
mod payload_args;
mod reach;
mod tcp;
mod udp;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::codec::TextEncoding;
use crate::i18n::Lang;

pub use output::Printer;
// Public for the fuzz target and property tests of `--rule`.
pub use tcp::parse_rule;

#[derive(Debug, Parser)]
#[command(
    name = "netdbg",
    version,
    about = "netdbg — 网络调试助手: a network debugging assistant. \
             Without a subcommand it opens the window."
)]
pub struct Cli {
    /// Language of messages: zh or en (default: NETDBG_LANG, then the system locale)
    #[arg(long, global = true, value_name = "zh|en")]
    pub lang: Option<String>,

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
}

/// A failure, already worded for the user, and the exit code it maps to.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: exit code 2.
    Input(String),
    /// The network (or the OS) failed: exit code 1.
    Network(String),
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Input(_) => ExitCode::from(2),
            CliError::Network(_) => ExitCode::from(1),
        }
    }

    fn message(&self) -> &str {
        match self {
            CliError::Input(message) | CliError::Network(message) => message,
        }
    }
}

/// Runs a subcommand and turns its outcome into an exit code.
pub fn run(cli: Cli, command: Command) -> ExitCode {
    let lang = cli
        .lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_else(Lang::detect);
    let result = match command {
        Command::Udp(command) => udp::run(command, lang),
        Command::Tcp(command) => tcp::run(command, lang),
        Command::File(command) => file::run(command, lang),
        Command::Reach(args) => match reach::run(args, lang) {
            Ok(true) => Ok(()),
            // "No" is an answer, already printed: exit 1 without an error line, like grep.
            Ok(false) => return ExitCode::from(1),
            Err(error) => Err(error),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("netdbg: {}", error.message());
            error.exit_code()
        }
    }
}

/// `--encoding`: a label like GBK or utf-8; default from the system locale.
fn parse_encoding(label: Option<&str>, lang: Lang) -> Result<TextEncoding, CliError> {
    let Some(label) = label else {
        return Ok(crate::platform::default_encoding());
    };
    TextEncoding::from_label(label).ok_or_else(|| {
        let known: Vec<&str> = TextEncoding::ALL.iter().map(|e| e.label()).collect();
        CliError::Input(match lang {
            Lang::Zh => format!("不认识的编码“{label}”— 可用：{}", known.join(", ")),
            Lang::En => format!(
                "Unknown encoding \"{label}\" — use one of: {}",
                known.join(", ")
            ),
        })
    })
}

/// A number of seconds from the command line: 0 or more.
fn parse_seconds(value: Option<f64>, lang: Lang) -> Result<Option<Duration>, CliError> {
    match value {
        None => Ok(None),
        Some(secs) if (0.0..1e9).contains(&secs) => Ok(Some(Duration::from_secs_f64(secs))),
        Some(secs) => Err(CliError::Input(match lang {
            Lang::Zh => format!("时间 {secs} 无效 — 请填不小于 0 的秒数"),
            Lang::En => format!("Invalid time {secs} — give a number of seconds, 0 or more"),
        })),
    }
}

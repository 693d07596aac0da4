//! `netdbg capture convert IN.jsonl OUT.pcapng`: a JSON-lines capture taken
//! earlier, as pcapng for Wireshark (the same file `--capture OUT.pcapng` writes).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::CliError;
use super::output::Printer;
use crate::codec::TextEncoding;
use crate::engine::CaptureProto;
use crate::engine::capture::{ConvertDefaults, convert_to_pcapng};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Subcommand)]
pub enum CaptureCommand {
    /// Write a JSON-lines capture (--capture FILE.jsonl) as pcapng, for Wireshark
    Convert(ConvertArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Proto {
    Tcp,
    Udp,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The JSON-lines capture to read
    input: PathBuf,
    /// The pcapng file to write (replaced if it exists)
    output: PathBuf,
    /// For records that do not say their protocol (captures of older netdbg versions)
    #[arg(long, value_name = "tcp|udp")]
    proto: Option<Proto>,
    /// For records that do not say their local address (older captures), e.g. 127.0.0.1:7788
    #[arg(long, value_name = "IP:PORT")]
    local: Option<String>,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

pub fn run(command: CaptureCommand, lang: Lang) -> Result<(), CliError> {
    match command {
        CaptureCommand::Convert(args) => convert(args, lang),
    }
}

fn convert(args: ConvertArgs, lang: Lang) -> Result<(), CliError> {
    let texts = lang.texts();
    let local = args
        .local
        .as_deref()
        .map(|text| {
            text.trim()
                .parse::<SocketAddr>()
                .map_err(|_| CliError::Input(texts.capture_bad_local(text)))
        })
        .transpose()?;
    let defaults = ConvertDefaults {
        proto: args.proto.map(|proto| match proto {
            Proto::Tcp => CaptureProto::Tcp,
            Proto::Udp => CaptureProto::Udp,
        }),
        local,
    };
    let summary = convert_to_pcapng(&args.input, &args.output, defaults).map_err(|error| {
        let message = error.describe(lang);
        if error.is_bad_input() {
            CliError::Input(message)
        } else {
            CliError::Network(message)
        }
    })?;
    let printer = Printer {
        json: args.json,
        hex: false,
        lang,
        encoding: TextEncoding::Auto,
    };
    let output = args.output.display().to_string();
    printer.event(
        "converted",
        json!({ "path": output, "records": summary.records, "packets": summary.packets }),
        &texts.capture_converted(&output, summary.records, summary.packets),
    );
    Ok(())
}

//! `netdbg file serve` and `netdbg file get`: the tutorial's file server and
//! downloader from a script. The protocol is the tutorial's: the client sends a
//! file name, the server sends the file's bytes and closes; an empty reply means
//! "no such file". Serving is in `file/serve.rs`, downloading in `file/download.rs`.

use std::time::Duration;

use clap::Subcommand;

use super::CliError;
use super::output::Printer;
use crate::codec::TextEncoding;
use crate::i18n::Lang;

mod download;
mod serve;

/// Human progress lines come at most this often; JSON gets every engine report.
const HUMAN_PROGRESS_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Subcommand)]
pub enum FileCommand {
    /// Share the files in DIR: each client sends a file name and gets the file's bytes
    Serve(serve::ServeArgs),
    /// Download NAME from a file server at HOST:PORT (any length, checked with SHA-256)
    Get(download::DownloadArgs),
}

pub fn run(command: FileCommand, lang: Lang) -> Result<(), CliError> {
    match command {
        FileCommand::Serve(args) => serve::serve(args, lang),
        FileCommand::Get(args) => download::download(args, lang),
    }
}

fn printer(json: bool, lang: Lang) -> Printer {
    Printer {
        json,
        hex: false,
        lang,
        encoding: TextEncoding::Utf8,
    }
}

/// Megabytes (10⁶ bytes) per second; 0 when no time passed to measure.
fn mb_per_s(bytes: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        bytes as f64 / 1e6 / secs
    } else {
        0.0
    }
}

//! `netdbg file get`: download one file from a file server (netdbg's or the
//! tutorial's), saving it whole or not at all. Ctrl+C and the other stop signals
//! cancel the download, which removes `NAME.part`, before the process exits
//! (`signals.rs` has the exit codes).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use crossbeam_channel::{Receiver, select};
use serde_json::json;

use super::{HUMAN_PROGRESS_EVERY, mb_per_s, printer};
use crate::cli::output::Printer;
use crate::cli::signals::{Stop, StopWatch};
use crate::cli::{CliError, parse_seconds};
use crate::engine::file_names::default_save_name;
use crate::engine::{
    Download, DownloadConfig, DownloadError, DownloadEvent, NameProblem, no_waker, parse_host_port,
};
use crate::i18n::{Describe, Lang};

/// A last resort: the engine itself gives up on a silent server after
/// `file_download::STALL_TIMEOUT`; this only catches an engine that never reports.
const DOWNLOAD_STALL: Duration =
    Duration::from_secs(crate::engine::file_download::STALL_TIMEOUT.as_secs() + 10);
/// After a cancel, how long the engine may take to close the socket and remove the
/// `.part`: a moment, unless it is still connecting (then there is no `.part` yet).
const CANCEL_GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The file server: host:port or [v6]:port
    #[arg(value_name = "HOST:PORT")]
    target: String,
    /// The file's name on the server, relative to its shared folder, e.g. firmware.bin
    #[arg(value_name = "NAME")]
    name: String,
    /// Where to save it (default: "recv" + the file's name in the current folder, as the
    /// tutorial does; a folder: saved inside it under that name)
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists
    #[arg(long)]
    overwrite: bool,
    /// Give up connecting after SECS
    #[arg(
        long = "connect-timeout",
        value_name = "SECS",
        default_value_t = 5.0,
        allow_negative_numbers = true
    )]
    connect_timeout: f64,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

pub fn download(args: DownloadArgs, lang: Lang) -> Result<(), CliError> {
    let texts = lang.texts();
    let input = |e: &dyn Describe| CliError::Input(e.describe(lang));
    let (host, port) = parse_host_port(&args.target).map_err(|e| input(&e))?;
    // Before the output path, which is made from the name.
    if args.name.is_empty() {
        return Err(input(&NameProblem::Empty));
    }
    let dest = output_path(args.output.as_deref(), &args.name);
    if let Some(folder) = dest.parent().filter(|folder| !folder.is_dir()) {
        return Err(CliError::Input(
            texts.cli_get_no_folder(&folder.display().to_string()),
        ));
    }
    let connect_timeout = parse_seconds(Some(args.connect_timeout), lang)?
        .filter(|t| !t.is_zero())
        .unwrap_or(Duration::from_secs(5));
    let config = DownloadConfig {
        host,
        port,
        name: args.name.clone(),
        dest,
        overwrite: args.overwrite,
        connect_timeout,
    };
    // Before the download starts, so no signal can end the process with a `.part` left.
    // Should the OS refuse, the download still runs; only a stop would leave the `.part`.
    let watch = StopWatch::start().ok();
    let mut stops = watch
        .as_ref()
        .map_or_else(crossbeam_channel::never, |watch| watch.stops().clone());
    let (tx, events) = crossbeam_channel::unbounded();
    let download = Download::start(config, tx, no_waker()).map_err(|e| match e {
        DownloadError::Exists { path } => {
            CliError::Input(texts.cli_get_exists(&path.display().to_string()))
        }
        // Only the thread's own start is not about what the user wrote.
        DownloadError::Connect(_) => download_error(&e, lang),
        _ => CliError::Input(e.describe(lang)),
    })?;
    let mut log = GetLog {
        printer: printer(args.json, lang),
        name: args.name,
        last_line: Instant::now(),
    };
    // Connecting may take the whole connect timeout; after that the server must keep talking.
    let mut deadline = Instant::now() + connect_timeout + DOWNLOAD_STALL;
    loop {
        let event = select! {
            recv(events) -> event => match event {
                Ok(event) => event,
                Err(_) => return Err(log.failed(CliError::Network(texts.cli_get_lost()))),
            },
            recv(stops) -> stop => {
                let Ok(stop) = stop else {
                    // Its thread is gone (it should not be): download on, unwatched.
                    stops = crossbeam_channel::never();
                    continue;
                };
                return match cancel(&download, &events) {
                    // It ended whole before the cancel reached it: that is the answer.
                    Some(DownloadEvent::Done { path, bytes, sha256, elapsed }) => {
                        log.done(&path, bytes, &sha256, elapsed);
                        Ok(())
                    }
                    _ => Err(log.stopped(stop)),
                };
            },
            recv(crossbeam_channel::at(deadline)) -> _ => {
                cancel(&download, &events);
                let message = texts.cli_get_stalled(DOWNLOAD_STALL.as_secs());
                return Err(log.failed(CliError::Network(message)));
            },
        };
        deadline = Instant::now() + DOWNLOAD_STALL;
        match event {
            DownloadEvent::Connected { peer } => log.connected(peer),
            DownloadEvent::Progress { received, elapsed } => log.progress(received, elapsed),
            DownloadEvent::Done {
                path,
                bytes,
                sha256,
                elapsed,
            } => {
                log.done(&path, bytes, &sha256, elapsed);
                return Ok(());
            }
            DownloadEvent::Failed(error) => return Err(log.failed(download_error(&error, lang))),
        }
    }
}

/// Cancels the download and waits (a little) for its end, so the engine has removed
/// the `.part` before the process exits; returns that end, if it came.
fn cancel(download: &Download, events: &Receiver<DownloadEvent>) -> Option<DownloadEvent> {
    download.cancel();
    let until = Instant::now() + CANCEL_GRACE;
    while let Ok(event) = events.recv_deadline(until) {
        if matches!(event, DownloadEvent::Failed(_) | DownloadEvent::Done { .. }) {
            return Some(event);
        }
    }
    None
}

/// `-o PATH`, a file inside `-o FOLDER`, or the tutorial's "recv" + name here;
/// made absolute so the "done" line says exactly where the file is.
fn output_path(output: Option<&Path>, name: &str) -> PathBuf {
    let path = match output {
        // "dir/" means a folder even before it exists, so a missing one is reported as such.
        Some(folder) if folder.is_dir() || ends_with_separator(folder) => {
            folder.join(default_save_name(name))
        }
        Some(path) => path.to_path_buf(),
        None => PathBuf::from(default_save_name(name)),
    };
    std::path::absolute(&path).unwrap_or(path)
}

fn ends_with_separator(path: &Path) -> bool {
    path.as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator)
}

/// What the user wrote is wrong: 2; the network, the server or the disk failed: 1.
fn download_error(error: &DownloadError, lang: Lang) -> CliError {
    let message = error.describe(lang);
    match error {
        DownloadError::BadName(_) | DownloadError::Exists { .. } => CliError::Input(message),
        DownloadError::Connect(_)
        | DownloadError::NotFound { .. }
        | DownloadError::Write { .. }
        | DownloadError::Broken { .. }
        | DownloadError::Stalled { .. }
        | DownloadError::Cancelled => CliError::Network(message),
    }
}

struct GetLog {
    printer: Printer,
    name: String,
    last_line: Instant,
}

impl GetLog {
    fn connected(&mut self, peer: SocketAddr) {
        let texts = self.printer.lang.texts();
        self.last_line = Instant::now();
        self.printer.event(
            "connected",
            json!({ "peer": peer.to_string(), "name": self.name }),
            &texts.cli_get_connected(peer, &self.name),
        );
    }

    fn progress(&mut self, received: u64, elapsed: Duration) {
        let texts = self.printer.lang.texts();
        let secs = elapsed.as_secs_f64();
        let speed = mb_per_s(received, elapsed);
        if self.printer.json {
            self.printer.event(
                "progress",
                json!({ "received": received, "secs": secs, "mb_per_s": speed }),
                "",
            );
        } else if self.last_line.elapsed() >= HUMAN_PROGRESS_EVERY {
            self.last_line = Instant::now();
            self.printer.event(
                "progress",
                json!({}),
                &texts.cli_get_progress(received, secs, speed),
            );
        }
    }

    fn done(&self, path: &Path, bytes: u64, sha256: &str, elapsed: Duration) {
        let texts = self.printer.lang.texts();
        let path = path.display().to_string();
        let secs = elapsed.as_secs_f64();
        let speed = mb_per_s(bytes, elapsed);
        self.printer.event(
            "done",
            json!({
                "name": self.name,
                "path": path,
                "bytes": bytes,
                "sha256": sha256,
                "secs": secs,
                "mb_per_s": speed,
            }),
            &texts.cli_get_done(&path, bytes, secs, speed, sha256),
        );
    }

    /// In JSON the failure is a `failed` event on stdout too; a human reads it once,
    /// on stderr.
    fn failed(&self, error: CliError) -> CliError {
        if self.printer.json {
            self.printer
                .event("failed", json!({ "message": error.message() }), "");
        }
        error
    }

    /// Like [`Self::failed`]: a `cancelled` event for scripts, the line on stderr.
    fn stopped(&self, stop: Stop) -> CliError {
        let message = self.printer.lang.texts().cli_get_cancelled(stop.name);
        if self.printer.json {
            self.printer.event(
                "cancelled",
                json!({ "signal": stop.name, "exit_code": stop.exit_code, "message": message }),
                "",
            );
        }
        CliError::Stopped {
            message,
            exit_code: stop.exit_code,
        }
    }
}

//! `netdbg file serve` and `netdbg file get`: the tutorial's file server and
//! downloader from a script. The protocol is the tutorial's: the client sends a
//! file name, the server sends the file's bytes and closes; an empty reply means
//! "no such file".

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Local};
use clap::{Args, Subcommand};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use serde_json::json;

use super::output::Printer;
use super::{CliError, parse_seconds};
use crate::codec::TextEncoding;
use crate::engine::address::parse_bind_arg;
use crate::engine::file_names::default_save_name;
use crate::engine::{
    Download, DownloadConfig, DownloadError, DownloadEvent, EngineError, FileServer,
    FileServerConfig, FileServerEvent, NameProblem, Refusal, TransferId, no_waker, parse_host_port,
};
use crate::i18n::{Describe, Lang};

/// Human progress lines come at most this often; JSON gets every engine report.
const HUMAN_PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// A last resort: the engine itself gives up on a silent server after
/// `file_client::STALL_TIMEOUT`; this only catches an engine that never reports.
const DOWNLOAD_STALL: Duration =
    Duration::from_secs(crate::engine::file_client::STALL_TIMEOUT.as_secs() + 10);
/// After stopping, how long the cut transfers' "failed" lines may take to arrive.
const LAST_EVENTS: Duration = Duration::from_secs(1);

#[derive(Debug, Subcommand)]
pub enum FileCommand {
    /// Share the files in DIR: each client sends a file name and gets the file's bytes
    Serve(ServeArgs),
    /// Download NAME from a file server at HOST:PORT (any length, checked with SHA-256)
    Get(GetArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The folder to share; only files inside it are sent
    #[arg(long, value_name = "DIR")]
    root: PathBuf,
    /// Local address and port, e.g. 0.0.0.0:9999, [::]:9999, 127.0.0.1:0 (the OS picks a port) or just 9999
    #[arg(long, value_name = "ADDR:PORT")]
    bind: String,
    /// Stop after SECS without any event (no request, no progress) while no file is being
    /// sent; without it, run until Ctrl+C
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    timeout: Option<f64>,
    /// One JSON object per event
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
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

pub fn run(command: FileCommand, lang: Lang) -> Result<(), CliError> {
    match command {
        FileCommand::Serve(args) => serve(args, lang),
        FileCommand::Get(args) => get(args, lang),
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

fn serve(args: ServeArgs, lang: Lang) -> Result<(), CliError> {
    let bind = parse_bind_arg(&args.bind).map_err(|e| CliError::Input(e.describe(lang)))?;
    let idle = parse_seconds(args.timeout, lang)?;
    let (tx, events) = crossbeam_channel::unbounded();
    let config = FileServerConfig::new(bind, args.root.clone());
    let server = FileServer::start(config, tx, no_waker()).map_err(|e| match e {
        // A folder that is missing or cannot be read is the user's input.
        EngineError::FolderUnusable { .. } => CliError::Input(e.describe(lang)),
        _ => CliError::Network(e.describe(lang)),
    })?;
    let mut log = ServeLog {
        printer: printer(args.json, lang),
        transfers: HashMap::new(),
        done: 0,
    };
    loop {
        let next = match idle {
            Some(idle) => events.recv_timeout(idle),
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(event) => log.print(&event),
            // The engine reports progress per `sendfile` chunk (8 MiB), which a slow
            // client may take longer than SECS to take: never cut a transfer for quiet.
            Err(RecvTimeoutError::Timeout) if !log.transfers.is_empty() => {}
            Err(RecvTimeoutError::Timeout) => {
                log.timed_out(idle.unwrap_or_default());
                break;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // Dropping the server stops listening and cuts transfers in progress; say which.
    drop(server);
    log.print_last(&events, Instant::now() + LAST_EVENTS);
    Ok(())
}

/// What the server's log remembers of a transfer between its events.
struct Transfer {
    peer: SocketAddr,
    name: String,
    size: u64,
    last_line: Instant,
}

struct ServeLog {
    printer: Printer,
    transfers: HashMap<TransferId, Transfer>,
    /// Files sent whole, for the timeout line.
    done: u64,
}

impl ServeLog {
    /// "Stopped listening" is left out: nothing is left to listen for in a server that exits.
    fn print_last(&mut self, events: &Receiver<FileServerEvent>, deadline: Instant) {
        while let Ok(event) = events.recv_deadline(deadline) {
            if !matches!(event, FileServerEvent::StoppedListening) {
                self.print(&event);
            }
        }
    }

    fn timed_out(&self, idle: Duration) {
        let texts = self.printer.lang.texts();
        self.printer.event(
            "timeout",
            json!({ "done": self.done }),
            &texts.cli_file_timeout(idle.as_secs_f64(), self.done),
        );
    }

    fn print(&mut self, event: &FileServerEvent) {
        let printer = &self.printer;
        let lang = printer.lang;
        let texts = lang.texts();
        match event {
            FileServerEvent::Listening { local, root } => {
                let root = root.display().to_string();
                printer.event(
                    "listening",
                    json!({ "local": local.to_string(), "root": root }),
                    &texts.cli_file_listening(*local, &root),
                );
            }
            FileServerEvent::StoppedListening => printer.event(
                "stopped_listening",
                json!({}),
                &texts.server_stopped_listening(),
            ),
            FileServerEvent::AcceptFailed(error) => {
                let message = error.describe(lang);
                printer.event("error", json!({ "message": message }), &message);
            }
            FileServerEvent::Started {
                transfer,
                peer,
                name,
                size,
                at,
            } => {
                printer.event(
                    "started",
                    json!({
                        "transfer": transfer,
                        "peer": peer.to_string(),
                        "name": name,
                        "size": size,
                        "time": rfc3339(*at),
                    }),
                    &texts.cli_file_started(*peer, name, *size),
                );
                let transfer_info = Transfer {
                    peer: *peer,
                    name: name.clone(),
                    size: *size,
                    last_line: Instant::now(),
                };
                self.transfers.insert(*transfer, transfer_info);
            }
            FileServerEvent::Progress { transfer, sent } => {
                let Some(info) = self.transfers.get_mut(transfer) else {
                    return;
                };
                if printer.json {
                    printer.event(
                        "progress",
                        json!({
                            "transfer": transfer,
                            "peer": info.peer.to_string(),
                            "name": info.name,
                            "sent": sent,
                            "size": info.size,
                        }),
                        "",
                    );
                } else if info.last_line.elapsed() >= HUMAN_PROGRESS_EVERY {
                    info.last_line = Instant::now();
                    printer.event(
                        "progress",
                        json!({}),
                        &texts.cli_file_progress(info.peer, &info.name, *sent, info.size),
                    );
                }
            }
            FileServerEvent::Done {
                transfer,
                sent,
                elapsed,
            } => {
                self.done += 1;
                let Some(info) = self.transfers.remove(transfer) else {
                    return;
                };
                let secs = elapsed.as_secs_f64();
                let speed = mb_per_s(*sent, *elapsed);
                printer.event(
                    "done",
                    json!({
                        "transfer": transfer,
                        "peer": info.peer.to_string(),
                        "name": info.name,
                        "bytes": sent,
                        "secs": secs,
                        "mb_per_s": speed,
                    }),
                    &texts.cli_file_done(info.peer, &info.name, *sent, secs, speed),
                );
            }
            FileServerEvent::Failed {
                transfer,
                sent,
                error,
            } => {
                let Some(info) = self.transfers.remove(transfer) else {
                    return;
                };
                let message = error.describe(lang);
                printer.event(
                    "failed",
                    json!({
                        "transfer": transfer,
                        "peer": info.peer.to_string(),
                        "name": info.name,
                        "sent": sent,
                        "size": info.size,
                        "message": message,
                    }),
                    &texts.cli_file_failed(info.peer, &info.name, *sent, &message),
                );
            }
            FileServerEvent::Refused {
                peer,
                name,
                reason,
                at,
            } => {
                let message = reason.describe(lang);
                printer.event(
                    "refused",
                    json!({
                        "peer": peer.to_string(),
                        "name": name,
                        "reason": refusal_code(reason),
                        "message": message,
                        "time": rfc3339(*at),
                    }),
                    &texts.cli_file_refused(*peer, name, &message),
                );
            }
        }
    }
}

/// A stable word for scripts; `message` carries the sentence.
fn refusal_code(reason: &Refusal) -> &'static str {
    match reason {
        Refusal::NotFound => "not_found",
        Refusal::NotAFile => "not_a_file",
        Refusal::OutsideRoot => "outside_root",
        Refusal::BadName(_) => "bad_name",
        Refusal::NoName => "no_name",
        Refusal::Busy { .. } => "busy",
        Refusal::Unreadable { .. } => "unreadable",
    }
}

fn rfc3339(at: SystemTime) -> String {
    DateTime::<Local>::from(at).to_rfc3339()
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

fn get(args: GetArgs, lang: Lang) -> Result<(), CliError> {
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
    let (tx, events) = crossbeam_channel::unbounded();
    let download = Download::start(config, tx, no_waker()).map_err(|e| match e {
        DownloadError::Exists { path } => {
            CliError::Input(texts.cli_get_exists(&path.display().to_string()))
        }
        _ => download_error(&e, lang),
    })?;
    let mut log = GetLog {
        printer: printer(args.json, lang),
        name: args.name,
        last_line: Instant::now(),
    };
    // Connecting may take the whole connect timeout; after that the server must keep talking.
    let mut deadline = Instant::now() + connect_timeout + DOWNLOAD_STALL;
    loop {
        let event = match events.recv_deadline(deadline) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => {
                // Cancelling removes the `.part`; wait for that before exiting.
                download.cancel();
                let until = Instant::now() + Duration::from_secs(2);
                while let Ok(event) = events.recv_deadline(until) {
                    if matches!(event, DownloadEvent::Failed(_) | DownloadEvent::Done { .. }) {
                        break;
                    }
                }
                let message = texts.cli_get_stalled(DOWNLOAD_STALL.as_secs());
                return Err(log.error(CliError::Network(message)));
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(log.error(CliError::Network(texts.cli_get_lost())));
            }
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
            DownloadEvent::Failed(error) => return Err(log.error(download_error(&error, lang))),
        }
    }
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

    /// In JSON the error is an event on stdout too; a human reads it once, on stderr.
    fn error(&self, error: CliError) -> CliError {
        if self.printer.json {
            self.printer
                .event("error", json!({ "message": error.message() }), "");
        }
        error
    }
}

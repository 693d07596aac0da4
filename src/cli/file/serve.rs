//! `netdbg file serve`: share a folder with the tutorial's download clients, printing
//! every request, its progress and its end.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Local};
use clap::Args;
use crossbeam_channel::{Receiver, RecvTimeoutError};
use serde_json::json;

use super::{HUMAN_PROGRESS_EVERY, mb_per_s, printer};
use crate::cli::output::Printer;
use crate::cli::{CliError, parse_seconds};
use crate::engine::address::parse_bind_arg;
use crate::engine::{
    EngineError, FileServer, FileServerConfig, FileServerEvent, Refusal, TransferId, no_waker,
};
use crate::i18n::{Describe, Lang};

/// After stopping, how long the cut transfers' "failed" lines may take to arrive.
const LAST_EVENTS: Duration = Duration::from_secs(1);

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

pub fn serve(args: ServeArgs, lang: Lang) -> Result<(), CliError> {
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
        Refusal::SpecialFile => "special_file",
        Refusal::Symlink => "symlink",
        Refusal::OutsideRoot => "outside_root",
        Refusal::BadName(_) => "bad_name",
        Refusal::NoName => "no_name",
        Refusal::Busy { .. } => "busy",
        Refusal::TooManyWaiting { .. } => "too_many_waiting",
        Refusal::Unreadable { .. } => "unreadable",
    }
}

fn rfc3339(at: SystemTime) -> String {
    DateTime::<Local>::from(at).to_rfc3339()
}

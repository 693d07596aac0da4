//! The file server half of the file tab: the shared folder and its files,
//! start/stop, and one row per request (peer, file, progress, speed, outcome).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Local};
use crossbeam_channel::Receiver;
use egui::{ProgressBar, RichText};
use egui_extras::{Column, TableBuilder};
use serde::{Deserialize, Serialize};

use crate::codec::visible_text;
use crate::engine::interfaces::{LocalAddress, bindable_addresses};
use crate::engine::{
    EngineError, FileServer, FileServerConfig, FileServerEvent, InputError, Refusal, TransferId,
    parse_bind_addr,
};
use crate::i18n::{Describe, Lang, Texts, format_size};
use crate::ui::dialogs::{self, PendingDialog};
use crate::ui::traffic::drain::drain_events;
use crate::ui::traffic::waker::RepaintWaker;
use crate::ui::{LocalBind, clipped_error_ui, error_ui, labelled_field_ui, local_address_ui};

/// Rows kept in the transfer list; the oldest finished ones make room.
const KEPT_TRANSFERS: usize = 2000;
/// Files listed from the shared folder.
const LISTED_FILES: usize = 10_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct FileServerSettings {
    pub folder: String,
    pub local_ip: String,
    pub local_port: String,
}

impl LocalBind for FileServerSettings {
    fn local_ip_and_port(&mut self) -> (&mut String, &mut String) {
        (&mut self.local_ip, &mut self.local_port)
    }
}

impl Default for FileServerSettings {
    fn default() -> Self {
        Self {
            folder: String::new(),
            local_ip: "0.0.0.0".to_owned(),
            local_port: "9999".to_owned(),
        }
    }
}

enum RowState {
    Sending,
    Done,
    Failed(EngineError),
    Refused(Refusal),
}

struct TransferRow {
    id: Option<TransferId>,
    at: SystemTime,
    peer: SocketAddr,
    /// As a client sent it, escaped once on arrival: one line, no control or bidi
    /// characters.
    name: String,
    size: u64,
    sent: u64,
    started: Instant,
    elapsed: Option<Duration>,
    state: RowState,
}

enum Status {
    Idle,
    Serving { local: SocketAddr, root: PathBuf },
    Stopped,
    Failed(EngineError),
}

pub struct FileServerPanel {
    pub settings: FileServerSettings,
    server: Option<FileServer>,
    events: Option<Receiver<FileServerEvent>>,
    status: Status,
    input_error: Option<String>,
    files: Vec<(String, u64)>,
    transfers: VecDeque<TransferRow>,
    dialog: Option<PendingDialog>,
    addresses: Vec<LocalAddress>,
    waker: RepaintWaker,
}

impl FileServerPanel {
    pub fn new(settings: FileServerSettings, ctx: egui::Context) -> Self {
        let mut panel = Self {
            settings,
            server: None,
            events: None,
            status: Status::Idle,
            input_error: None,
            files: Vec::new(),
            transfers: VecDeque::new(),
            dialog: None,
            addresses: bindable_addresses(),
            waker: RepaintWaker::new(ctx),
        };
        panel.list_files();
        panel
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.server.as_ref().map(FileServer::local_addr)
    }

    pub fn logic(&mut self, ctx: &egui::Context) {
        if let Some(dialog) = &self.dialog
            && let Some(answer) = dialog.poll()
        {
            self.dialog = None;
            if let Some(folder) = answer {
                self.settings.folder = folder.display().to_string();
                self.list_files();
            }
        }
        let Some(events) = self.events.clone() else {
            return;
        };
        self.waker.rearm();
        // Within the frame's budget, like the traffic tabs: a burst of requests never stalls it.
        drain_events(ctx, &events, usize::MAX, |event, _| self.apply(event));
        if self
            .server
            .as_ref()
            .is_some_and(|server| !server.is_listening() && server.active_transfers() == 0)
        {
            self.server = None;
        }
    }

    fn apply(&mut self, event: FileServerEvent) {
        match event {
            FileServerEvent::Listening { local, root } => {
                self.status = Status::Serving { local, root }
            }
            FileServerEvent::StoppedListening => self.status = Status::Stopped,
            FileServerEvent::AcceptFailed(error) => self.status = Status::Failed(error),
            FileServerEvent::Started {
                transfer,
                peer,
                name,
                size,
                at,
            } => self.add_row(TransferRow {
                id: Some(transfer),
                at,
                peer,
                name: visible_text(&name),
                size,
                sent: 0,
                started: Instant::now(),
                elapsed: None,
                state: RowState::Sending,
            }),
            FileServerEvent::Progress { transfer, sent } => {
                if let Some(row) = self.row(transfer) {
                    row.sent = sent;
                }
            }
            FileServerEvent::Done {
                transfer,
                sent,
                elapsed,
            } => {
                if let Some(row) = self.row(transfer) {
                    row.sent = sent;
                    row.elapsed = Some(elapsed);
                    row.state = RowState::Done;
                }
            }
            FileServerEvent::Failed {
                transfer,
                sent,
                error,
            } => {
                if let Some(row) = self.row(transfer) {
                    row.sent = sent;
                    row.elapsed = Some(row.started.elapsed());
                    row.state = RowState::Failed(error);
                }
            }
            FileServerEvent::Refused {
                peer,
                name,
                reason,
                at,
            } => self.add_row(TransferRow {
                id: None,
                at,
                peer,
                name: visible_text(&name),
                size: 0,
                sent: 0,
                started: Instant::now(),
                elapsed: Some(Duration::ZERO),
                state: RowState::Refused(reason),
            }),
        }
    }

    fn add_row(&mut self, row: TransferRow) {
        if self.transfers.len() >= KEPT_TRANSFERS
            && let Some(oldest) = self
                .transfers
                .iter()
                .rposition(|row| !matches!(row.state, RowState::Sending))
        {
            self.transfers.remove(oldest);
        }
        self.transfers.push_front(row);
    }

    fn row(&mut self, transfer: TransferId) -> Option<&mut TransferRow> {
        self.transfers
            .iter_mut()
            .find(|row| row.id == Some(transfer))
    }

    /// Lists the shared folder's regular files (only this level), sorted by name.
    /// `DirEntry::metadata` does not follow symlinks, so links (which the server
    /// refuses) and special files are left out.
    fn list_files(&mut self) {
        self.files.clear();
        let Ok(entries) = std::fs::read_dir(self.settings.folder.trim()) else {
            return;
        };
        self.files = entries
            .flatten()
            .filter_map(|entry| {
                let meta = entry.metadata().ok()?;
                // Names on disk may hold control characters too.
                let name = visible_text(&entry.file_name().to_string_lossy());
                meta.is_file().then_some((name, meta.len()))
            })
            .take(LISTED_FILES)
            .collect();
        self.files.sort();
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        ui.heading(texts.file_server_title);
        let running = self.server.as_ref().is_some_and(FileServer::is_listening);
        ui.add_enabled_ui(self.server.is_none(), |ui| {
            ui.horizontal(|ui| {
                let changed = labelled_field_ui(
                    ui,
                    texts.shared_folder,
                    &mut self.settings.folder,
                    texts.shared_folder_hint,
                    260.0,
                )
                .changed();
                if changed {
                    self.list_files();
                }
                if ui
                    .add_enabled(
                        self.dialog.is_none(),
                        egui::Button::new(texts.choose_folder),
                    )
                    .clicked()
                {
                    let start = Path::new(self.settings.folder.trim());
                    self.dialog = dialogs::pick_folder(ui.ctx(), Some(start));
                }
            });
            local_address_ui(ui, texts, &self.addresses, &mut self.settings);
        });
        if self.dialog.is_some() {
            ui.weak(texts.dialog_open);
        }
        if let Some(error) = &self.input_error {
            error_ui(ui, error);
        }
        let label = if running {
            texts.stop_serving
        } else {
            texts.start_serving
        };
        if ui
            .add_sized([120.0, 28.0], egui::Button::new(label))
            .clicked()
        {
            if running {
                if let Some(server) = &self.server {
                    server.stop_listening();
                }
            } else {
                self.start(lang);
            }
        }
        self.status_ui(ui, texts, lang);
        ui.separator();
        self.files_ui(ui, texts);
        ui.separator();
        self.transfers_ui(ui, texts, lang);
    }

    fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts, lang: Lang) {
        match &self.status {
            Status::Idle => {
                ui.weak(texts.not_listening);
            }
            Status::Serving { local, root } => {
                ui.label(
                    RichText::new(texts.file_serving(*local, &root.display().to_string())).strong(),
                );
            }
            Status::Stopped => {
                let active = self.server.as_ref().map_or(0, FileServer::active_transfers);
                ui.label(texts.file_server_stopped(active));
            }
            Status::Failed(error) => error_ui(ui, &error.describe(lang)),
        }
    }

    fn files_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        ui.horizontal(|ui| {
            ui.label(RichText::new(texts.files_in_folder).strong());
            if ui.small_button(texts.refresh).clicked() {
                self.list_files();
            }
        });
        if self.files.is_empty() {
            ui.weak(texts.no_files);
            return;
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 2.0;
        egui::ScrollArea::vertical()
            .id_salt("shared_files")
            .max_height(140.0)
            .show_rows(ui, row_height, self.files.len(), |ui, rows| {
                for (name, size) in &self.files[rows] {
                    ui.horizontal(|ui| {
                        ui.label(name);
                        ui.weak(format_size(*size));
                    });
                }
            });
    }

    fn transfers_ui(&self, ui: &mut egui::Ui, texts: &Texts, lang: Lang) {
        ui.label(RichText::new(texts.transfers).strong());
        if self.transfers.is_empty() {
            ui.weak(texts.no_transfers_yet);
            return;
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        TableBuilder::new(ui)
            .id_salt("file_transfers")
            .striped(true)
            .auto_shrink([false, true])
            .column(Column::auto().at_least(56.0))
            .column(Column::initial(115.0).resizable(true).clip(true))
            .column(Column::initial(80.0).resizable(true).clip(true))
            .column(Column::initial(130.0).resizable(true))
            .column(Column::remainder().at_least(80.0).clip(true))
            .header(row_height, |mut header| {
                for title in [
                    texts.col_time,
                    texts.col_client,
                    texts.col_file,
                    texts.col_size,
                    texts.col_result,
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.transfers.len(), |mut row| {
                    let Some(transfer) = self.transfers.get(row.index()) else {
                        return;
                    };
                    let at: DateTime<Local> = transfer.at.into();
                    row.col(|ui| {
                        ui.label(at.format("%H:%M:%S").to_string());
                    });
                    row.col(|ui| {
                        ui.label(transfer.peer.to_string());
                    });
                    row.col(|ui| {
                        ui.label(&transfer.name);
                    });
                    row.col(|ui| progress_ui(ui, transfer));
                    row.col(|ui| outcome_ui(ui, transfer, texts, lang));
                });
            });
    }

    fn start(&mut self, lang: Lang) {
        self.input_error = None;
        let texts = lang.texts();
        let folder = self.settings.folder.trim();
        if folder.is_empty() {
            self.input_error = Some(texts.folder_empty.to_owned());
            return;
        }
        let bind = match parse_bind_addr(&self.settings.local_ip, &self.settings.local_port) {
            Ok(bind) => bind,
            Err(error) => {
                self.input_error = Some(InputError::describe(&error, lang));
                return;
            }
        };
        let (tx, rx) = crossbeam_channel::unbounded();
        let config = FileServerConfig::new(bind, PathBuf::from(folder));
        match FileServer::start(config, tx, self.waker.waker()) {
            Ok(server) => {
                self.server = Some(server);
                self.events = Some(rx);
                self.list_files();
            }
            Err(error) => self.status = Status::Failed(error),
        }
    }
}

fn progress_ui(ui: &mut egui::Ui, transfer: &TransferRow) {
    if matches!(transfer.state, RowState::Refused(_)) {
        return;
    }
    let fraction = if transfer.size == 0 {
        1.0
    } else {
        transfer.sent as f32 / transfer.size as f32
    };
    ui.add(
        ProgressBar::new(fraction)
            .desired_width(ui.available_width())
            .text(format!(
                "{} / {}",
                format_size(transfer.sent),
                format_size(transfer.size)
            )),
    );
}

fn outcome_ui(ui: &mut egui::Ui, transfer: &TransferRow, texts: &Texts, lang: Lang) {
    let secs = transfer
        .elapsed
        .unwrap_or_else(|| transfer.started.elapsed())
        .as_secs_f64();
    let speed = if secs > 0.0 {
        format!("{}/s", format_size((transfer.sent as f64 / secs) as u64))
    } else {
        String::new()
    };
    match &transfer.state {
        RowState::Sending => {
            ui.label(format!("{} {speed}", texts.state_sending));
        }
        RowState::Done => {
            ui.label(
                RichText::new(format!("{} {speed}", texts.state_done))
                    .color(egui::Color32::from_rgb(0x2e, 0x8b, 0x57)),
            );
        }
        RowState::Failed(error) => clipped_error_ui(
            ui,
            &format!("{}: {}", texts.state_failed, error.describe(lang)),
        ),
        RowState::Refused(reason) => clipped_error_ui(
            ui,
            &format!("{}: {}", texts.state_refused, reason.describe(lang)),
        ),
    }
}

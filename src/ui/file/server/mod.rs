//! The file server half of the file tab: the shared folder and its files,
//! start/stop, and one row per request (peer, file, progress, speed, outcome).

mod transfers;

use transfers::Transfers;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crossbeam_channel::Receiver;
use egui::RichText;
use serde::{Deserialize, Serialize};

use super::FileInputProblem;
use crate::codec::visible_text;
use crate::engine::interfaces::{LocalAddress, bindable_addresses};
use crate::engine::{EngineError, FileServer, FileServerConfig, FileServerEvent, parse_bind_addr};
use crate::i18n::{Describe, Lang, Texts, format_size};
use crate::ui::dialogs::{self, PendingDialog};
use crate::ui::traffic::drain::drain_events;
use crate::ui::traffic::waker::RepaintWaker;
use crate::ui::{LocalBind, error_ui, labelled_field_ui, local_address_ui};

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
    input_error: Option<FileInputProblem>,
    files: Vec<(String, u64)>,
    transfers: Transfers,
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
            transfers: Transfers::default(),
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
            transfer => self.transfers.apply(transfer),
        }
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
        if let Some(problem) = &self.input_error {
            error_ui(ui, &problem.describe(lang));
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
                self.start();
            }
        }
        self.status_ui(ui, texts, lang);
        ui.separator();
        self.files_ui(ui, texts);
        ui.separator();
        self.transfers.ui(ui, texts, lang);
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

    fn start(&mut self) {
        self.input_error = None;
        let folder = self.settings.folder.trim();
        if folder.is_empty() {
            self.input_error = Some(FileInputProblem::FolderEmpty);
            return;
        }
        let bind = match parse_bind_addr(&self.settings.local_ip, &self.settings.local_port) {
            Ok(bind) => bind,
            Err(error) => {
                self.input_error = Some(FileInputProblem::Address(error));
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

//! The downloader half of the file tab: server, file name, where to save it,
//! progress, cancel, the SHA-256 of the result, and a history.

mod history;

use history::History;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossbeam_channel::Receiver;
use egui::{ProgressBar, RichText};
use serde::{Deserialize, Serialize};

use super::FileInputProblem;
use crate::engine::file_names::default_save_name;
use crate::engine::{Download, DownloadConfig, DownloadError, DownloadEvent, parse_host_port};
use crate::i18n::{Describe, Lang, Texts};
use crate::ui::dialogs::{self, PendingDialog};
use crate::ui::traffic::drain::drain_events;
use crate::ui::traffic::waker::RepaintWaker;
use crate::ui::{error_ui, labelled_field_ui};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DownloadSettings {
    pub server: String,
    pub name: String,
    /// The folder downloads go to; the file name comes from `name` unless typed.
    pub folder: String,
}

impl Default for DownloadSettings {
    fn default() -> Self {
        Self {
            server: "127.0.0.1:9999".to_owned(),
            name: String::new(),
            folder: dirs::download_dir()
                .or_else(dirs::home_dir)
                .map(|dir| dir.display().to_string())
                .unwrap_or_default(),
        }
    }
}

enum State {
    Idle,
    /// The destination exists; the user decides.
    Confirm(DownloadConfig),
    Running {
        download: Download,
        events: Receiver<DownloadEvent>,
        received: u64,
        elapsed: Duration,
    },
    Done {
        path: PathBuf,
        bytes: u64,
        sha256: String,
        elapsed: Duration,
    },
    Failed(DownloadError),
}

pub struct DownloadPanel {
    pub settings: DownloadSettings,
    /// The full save path, as shown; follows the name until the user edits it.
    save_path: String,
    save_path_edited: bool,
    state: State,
    input_error: Option<FileInputProblem>,
    dialog: Option<PendingDialog>,
    history: History,
    waker: RepaintWaker,
}

impl DownloadPanel {
    pub fn new(settings: DownloadSettings, ctx: egui::Context) -> Self {
        let mut panel = Self {
            settings,
            save_path: String::new(),
            save_path_edited: false,
            state: State::Idle,
            input_error: None,
            dialog: None,
            history: History::default(),
            waker: RepaintWaker::new(ctx),
        };
        panel.follow_name();
        panel
    }

    /// The save path the name suggests: the folder + "recv" + the name (as the tutorial).
    fn follow_name(&mut self) {
        if self.save_path_edited {
            return;
        }
        let name = self.settings.name.trim();
        let file = if name.is_empty() {
            String::new()
        } else {
            default_save_name(name)
        };
        self.save_path = Path::new(&self.settings.folder)
            .join(file)
            .display()
            .to_string();
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, State::Running { .. })
    }

    pub fn logic(&mut self, ctx: &egui::Context) {
        if let Some(dialog) = &self.dialog
            && let Some(answer) = dialog.poll()
        {
            self.dialog = None;
            if let Some(path) = answer {
                self.save_path = path.display().to_string();
                self.save_path_edited = true;
                if let Some(folder) = path.parent() {
                    self.settings.folder = folder.display().to_string();
                }
            }
        }
        let State::Running { events, .. } = &self.state else {
            return;
        };
        self.waker.rearm();
        let events = events.clone();
        // Within the frame's budget, like the traffic tabs: progress events never stall it.
        drain_events(ctx, &events, usize::MAX, |event, _| self.apply(event));
    }

    fn apply(&mut self, event: DownloadEvent) {
        match event {
            DownloadEvent::Connected { .. } => {}
            DownloadEvent::Progress {
                received: now,
                elapsed: took,
            } => {
                if let State::Running {
                    received, elapsed, ..
                } = &mut self.state
                {
                    *received = now;
                    *elapsed = took;
                }
            }
            DownloadEvent::Done {
                path,
                bytes,
                sha256,
                elapsed,
            } => {
                let name = self.settings.name.trim();
                self.history.remember(name, bytes, Ok(sha256.clone()));
                self.state = State::Done {
                    path,
                    bytes,
                    sha256,
                    elapsed,
                };
            }
            DownloadEvent::Failed(error) => {
                let received = match &self.state {
                    State::Running { received, .. } => *received,
                    _ => 0,
                };
                let name = self.settings.name.trim();
                self.history.remember(name, received, Err(error.clone()));
                self.state = State::Failed(error);
            }
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        ui.heading(texts.download_title);
        ui.weak(texts.protocol_note);
        let busy = self.is_running();
        ui.add_enabled_ui(!busy, |ui| {
            egui::Grid::new("download_form")
                .num_columns(2)
                .spacing([8.0, 6.0])
                .show(ui, |ui| {
                    labelled_field_ui(
                        ui,
                        texts.server,
                        &mut self.settings.server,
                        texts.target_hint,
                        220.0,
                    );
                    ui.end_row();
                    let name = labelled_field_ui(
                        ui,
                        texts.file_name,
                        &mut self.settings.name,
                        texts.file_name_hint,
                        220.0,
                    );
                    if name.changed() {
                        self.follow_name();
                    }
                    ui.end_row();
                    let label = ui.label(texts.save_as);
                    ui.horizontal(|ui| {
                        let edited = ui
                            .add(
                                egui::TextEdit::singleline(&mut self.save_path)
                                    .desired_width(300.0),
                            )
                            .labelled_by(label.id)
                            .changed();
                        if edited {
                            self.save_path_edited = true;
                        }
                        let browse =
                            ui.add_enabled(self.dialog.is_none(), egui::Button::new(texts.browse));
                        if browse.clicked() {
                            self.dialog = dialogs::save_file(ui.ctx(), Path::new(&self.save_path));
                        }
                    });
                    ui.end_row();
                });
        });
        if self.dialog.is_some() {
            ui.weak(texts.dialog_open);
        }
        if let Some(problem) = &self.input_error {
            error_ui(ui, &problem.describe(lang));
        }
        self.state_ui(ui, texts, lang);
        ui.separator();
        self.history.ui(ui, texts);
    }

    fn state_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, lang: Lang) {
        let mut start = None;
        let mut cancel = false;
        match &self.state {
            State::Confirm(config) => {
                error_ui(ui, &texts.file_exists(&config.dest.display().to_string()));
                ui.horizontal(|ui| {
                    if ui.button(texts.overwrite).clicked() {
                        start = Some(DownloadConfig {
                            overwrite: true,
                            ..config.clone()
                        });
                    }
                    if ui.button(texts.pick_new_name).clicked() {
                        start = Some(DownloadConfig {
                            dest: free_name(&config.dest),
                            ..config.clone()
                        });
                    }
                    if ui.button(texts.cancel).clicked() {
                        cancel = true;
                    }
                });
            }
            State::Running {
                received, elapsed, ..
            } => {
                let secs = elapsed.as_secs_f64();
                let per_sec = if secs > 0.0 {
                    *received as f64 / secs
                } else {
                    0.0
                };
                // The protocol sends no size, so the bar cannot show a fraction.
                ui.add(
                    ProgressBar::new(0.0)
                        .animate(true)
                        .text(texts.download_progress(*received, per_sec, secs)),
                );
                if ui.button(texts.cancel).clicked() {
                    cancel = true;
                }
            }
            State::Done {
                path,
                bytes,
                sha256,
                elapsed,
            } => {
                ui.label(
                    RichText::new(texts.download_done(
                        &path.display().to_string(),
                        *bytes,
                        elapsed.as_secs_f64(),
                    ))
                    .strong(),
                );
                sha_ui(ui, texts, sha256);
            }
            State::Failed(error) => error_ui(ui, &error.describe(lang)),
            State::Idle => {}
        }
        if let Some(config) = start {
            self.launch(config);
        } else if cancel {
            match &self.state {
                State::Running { download, .. } => download.cancel(),
                _ => self.state = State::Idle,
            }
        }
        if !self.is_running()
            && !matches!(self.state, State::Confirm(_))
            && ui
                .add_sized([120.0, 28.0], egui::Button::new(texts.download))
                .clicked()
        {
            self.start();
        }
    }

    /// Checks what was typed and starts, or asks first when the file exists.
    fn start(&mut self) {
        self.input_error = None;
        let target = parse_host_port(&self.settings.server);
        let (host, port) = match target {
            Ok(target) => target,
            Err(error) => {
                self.input_error = Some(FileInputProblem::Address(error));
                return;
            }
        };
        let name = self.settings.name.trim().to_owned();
        if self.save_path.trim().is_empty() {
            self.input_error = Some(FileInputProblem::SavePathEmpty);
            return;
        }
        let config = DownloadConfig {
            host,
            port,
            name,
            dest: PathBuf::from(self.save_path.trim()),
            overwrite: false,
            connect_timeout: CONNECT_TIMEOUT,
        };
        self.launch(config);
    }

    fn launch(&mut self, config: DownloadConfig) {
        let (tx, rx) = crossbeam_channel::unbounded();
        match Download::start(config.clone(), tx, self.waker.waker()) {
            Ok(download) => {
                self.state = State::Running {
                    download,
                    events: rx,
                    received: 0,
                    elapsed: Duration::ZERO,
                }
            }
            Err(DownloadError::Exists { .. }) => self.state = State::Confirm(config),
            Err(error) => self.state = State::Failed(error),
        }
    }
}

/// The SHA-256, selectable, with a copy button.
fn sha_ui(ui: &mut egui::Ui, texts: &Texts, sha256: &str) {
    ui.horizontal(|ui| {
        ui.label("SHA-256");
        if ui.small_button(texts.copy).clicked() {
            ui.ctx().copy_text(sha256.to_owned());
        }
    });
    ui.add(egui::Label::new(RichText::new(sha256).monospace()).selectable(true));
}

/// `recvfile (1).bin`, `recvfile (2).bin`, … — the first name not taken.
fn free_name(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = path
        .extension()
        .map(|ext| format!(".{}", ext.to_string_lossy()))
        .unwrap_or_default();
    (1..10_000)
        .map(|n| path.with_file_name(format!("{stem} ({n}){extension}")))
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

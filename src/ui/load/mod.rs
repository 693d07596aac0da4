//! The Load tab: a TCP connection storm or a UDP flood against a target, with
//! live counters, rates and round trips (plotted over time and as a histogram),
//! a table of runs, and their export. The run lives on the engine's threads
//! (`engine::load`); the tab only drains its snapshots.

mod form;
mod live;
mod runs;

pub use form::{LoadProtocol, LoadSettings};
pub use runs::{ExportFormat, RunRecord};

use chrono::Local;
use crossbeam_channel::Receiver;

use super::dialogs::{PendingDialog, save_file};
use super::teaching::ViewSettings;
use super::traffic::drain::drain_events;
use super::traffic::waker::RepaintWaker;
use super::{AppTab, error_ui, start_stop_ui};
use crate::engine::load::{LoadEvent, LoadRun};
use crate::i18n::{Describe, Lang};
use live::LiveRun;
use runs::RunTable;

/// A run under way, and what its row in the table will say.
struct Active {
    run: LoadRun,
    events: Receiver<LoadEvent>,
    record: RunRecord,
}

pub struct LoadTab {
    pub settings: LoadSettings,
    active: Option<Active>,
    /// The run under way, or the last one.
    live: Option<LiveRun>,
    runs: RunTable,
    /// Why the last Start or export did not work (or where the export went).
    note: Option<(String, bool)>,
    export: Option<(ExportFormat, PendingDialog)>,
    waker: RepaintWaker,
}

impl AppTab for LoadTab {
    type Settings = LoadSettings;

    fn new(settings: LoadSettings, ctx: &egui::Context) -> Self {
        LoadTab {
            settings,
            active: None,
            live: None,
            runs: RunTable::default(),
            note: None,
            export: None,
            waker: RepaintWaker::new(ctx.clone()),
        }
    }

    fn settings(&self) -> LoadSettings {
        self.settings.clone()
    }

    fn logic(&mut self, ctx: &egui::Context, lang: Lang) {
        self.poll_export(lang);
        let Some(events) = self.active.as_ref().map(|active| active.events.clone()) else {
            return;
        };
        self.waker.rearm();
        let mut finished = None;
        let live = self.live.get_or_insert_with(LiveRun::default);
        drain_events(ctx, &events, usize::MAX, |event, _| match event {
            LoadEvent::Progress(snapshot) => live.take(snapshot),
            LoadEvent::Finished { snapshot, error } => {
                live.take(snapshot.clone());
                finished = Some((snapshot, error));
            }
        });
        if let Some((snapshot, error)) = finished
            && let Some(active) = self.active.take()
        {
            let mut record = active.record;
            record.snapshot = snapshot;
            self.runs.push(record);
            self.note = error.map(|error| (error.describe(lang), true));
            // Its threads have ended: dropping it joins them at once.
            drop(active.run);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, _view: &mut ViewSettings) {
        egui::CentralPanel::default()
            .frame(crate::ui::backdrop::central_panel(ui.style()))
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("load_scroll")
                    .show(ui, |ui| self.load_ui(ui, lang));
            });
    }
}

impl LoadTab {
    pub fn is_running(&self) -> bool {
        self.active.is_some()
    }

    /// The finished runs, oldest first.
    pub fn runs(&self) -> impl ExactSizeIterator<Item = &RunRecord> {
        self.runs.runs()
    }

    /// The runs as an export would write them.
    pub fn export_text(&self, format: ExportFormat) -> String {
        self.runs.export(format)
    }

    fn start(&mut self, lang: Lang) {
        let config = match self.settings.config(lang) {
            Ok(config) => config,
            Err(message) => {
                self.note = Some((message, true));
                return;
            }
        };
        let (tx, events) = crossbeam_channel::unbounded();
        match LoadRun::start(config, tx, self.waker.waker()) {
            Ok(run) => {
                self.note = None;
                let show_megabytes = self.live.as_ref().is_some_and(|live| live.show_megabytes);
                let mut live = LiveRun::default();
                live.show_megabytes = show_megabytes;
                self.live = Some(live);
                self.active = Some(Active {
                    run,
                    events,
                    record: RunRecord {
                        started: Local::now(),
                        protocol: self.settings.protocol,
                        target: self.settings.target.trim().to_owned(),
                        snapshot: Default::default(),
                    },
                });
            }
            Err(error) => self.note = Some((error.describe(lang), true)),
        }
    }

    fn load_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        let words = texts.load();
        self.settings.form_ui(ui, words, self.is_running());
        ui.horizontal(|ui| {
            if let Some(active) = &self.active {
                if start_stop_ui(ui, words.stop) {
                    active.run.stop();
                }
                ui.spinner();
                ui.label(words.running);
            } else {
                if start_stop_ui(ui, words.start) {
                    self.start(lang);
                }
                ui.weak(words.not_running);
            }
        });
        if let Some((note, is_error)) = &self.note {
            if *is_error {
                error_ui(ui, note);
            } else {
                ui.label(note);
            }
        }
        if let Some(live) = &mut self.live {
            ui.separator();
            live.counters_ui(ui, texts);
            live.plots_ui(ui, words);
        }
        ui.separator();
        ui.horizontal(|ui| {
            ui.heading(words.runs);
            ui.add_enabled_ui(!self.runs.is_empty() && self.export.is_none(), |ui| {
                for (format, label) in [
                    (ExportFormat::Csv, words.export_csv),
                    (ExportFormat::Json, words.export_json),
                ] {
                    if ui.button(label).clicked()
                        && let Some(dialog) = save_file(ui.ctx(), &runs::suggested_path(format))
                    {
                        self.export = Some((format, dialog));
                    }
                }
                if ui.button(words.clear_runs).clicked() {
                    self.runs.clear();
                }
            });
        });
        self.runs.table_ui(ui, texts);
    }

    fn poll_export(&mut self, lang: Lang) {
        let Some((format, dialog)) = &self.export else {
            return;
        };
        let Some(answer) = dialog.poll() else {
            return;
        };
        let format = *format;
        self.export = None;
        if let Some(path) = answer {
            self.export_to(&path, format, lang);
        }
    }

    /// Writes the runs to `path` (what the save dialog answers; tests call it directly).
    pub fn export_to(&mut self, path: &std::path::Path, format: ExportFormat, lang: Lang) {
        let shown = path.display().to_string();
        let texts = lang.texts();
        self.note = Some(match runs::write_export(path, &self.runs.export(format)) {
            Ok(()) => (texts.load_exported(&shown), false),
            Err(err) => (texts.load_export_failed(&shown, &err.to_string()), true),
        });
    }
}

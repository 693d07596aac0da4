//! The log half of every tab: display settings (encoding, text/HEX, limit), the
//! toolbar (pause, auto-scroll, clear, counters, search, filters, copy, save,
//! capture) and the log itself.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use egui::{ComboBox, DragValue, Key};
use serde::{Deserialize, Serialize};

use crate::codec::TextEncoding;
use crate::engine::{Capture, CaptureSink, CounterSnapshot, EngineError};
use crate::i18n::{Describe, Texts};
use crate::ui::dialogs::{self, PendingDialog};
use crate::ui::log::model::{
    DEFAULT_LOG_CAP, DEFAULT_LOG_MIB, LogModel, MAX_LOG_CAP, MAX_LOG_MIB, MIN_LOG_CAP, MIN_LOG_MIB,
};
use crate::ui::log::save::{SaveFailed, SaveOutcome, save_log_in_background};
use crate::ui::log::view::{
    LogViewOptions, ShowMode, TimestampMode, line_text, log_view_ui, shown_rows,
};
use crate::ui::{error_ui, labelled_field_ui};

/// How a tab shows its traffic; remembered across restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DisplaySettings {
    pub encoding: TextEncoding,
    pub show: ShowMode,
    pub timestamps: TimestampMode,
    pub show_sent: bool,
    pub log_cap: usize,
    /// The log's memory limit, MiB of text.
    pub log_mib: usize,
    pub auto_scroll: bool,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        Self {
            encoding: crate::platform::default_encoding(),
            show: ShowMode::Text,
            timestamps: TimestampMode::TimeMs,
            show_sent: true,
            log_cap: DEFAULT_LOG_CAP,
            log_mib: DEFAULT_LOG_MIB,
            auto_scroll: true,
        }
    }
}

/// What the toolbar asked for.
pub enum ToolbarAction {
    Clear,
    ResetCounters,
    /// Start (`Some`) or stop (`None`) capturing the tab's traffic.
    Capture(Option<CaptureSink>),
}

pub struct LogPanel {
    pub log: LogModel,
    /// While paused, lines are counted but not shown; the engine still receives everything.
    pub paused: bool,
    search: String,
    /// Which match Next/Previous last went to (an index into the matches).
    search_at: Option<usize>,
    scroll_to: Option<usize>,
    peer_filter: String,
    /// Selected lines by `seq`: where the selection started (the anchor), and
    /// where it ends now; either may be the larger.
    selection: Option<(u64, u64)>,
    capture: Option<Capture>,
    capture_dialog: Option<PendingDialog>,
    save_dialog: Option<PendingDialog>,
    saving: Option<crossbeam_channel::Receiver<SaveOutcome>>,
    /// What the last save or capture said, worded when drawn.
    notice: Option<LogNotice>,
}

/// The outcome of the last save or capture, kept as data so a language switch
/// re-words it.
#[derive(Debug, Clone)]
enum LogNotice {
    Saved { lines: usize, path: PathBuf },
    SaveFailed(SaveFailed),
    CaptureFailed(EngineError),
}

impl LogPanel {
    pub fn new(settings: &DisplaySettings) -> Self {
        let mut log = LogModel::new(settings.log_cap, settings.encoding);
        log.set_mib_cap(settings.log_mib);
        Self {
            log,
            paused: false,
            search: String::new(),
            search_at: None,
            scroll_to: None,
            peer_filter: String::new(),
            selection: None,
            capture: None,
            capture_dialog: None,
            save_dialog: None,
            saving: None,
            notice: None,
        }
    }

    /// The capture to hand to a socket opened later (it keeps capturing).
    pub fn capture_sink(&self) -> Option<CaptureSink> {
        self.capture.as_ref().and_then(Capture::sink)
    }

    /// Encoding, text/HEX and the line limit (not in presenter mode), for a tab's
    /// settings column.
    pub fn display_settings_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &mut DisplaySettings,
        presenter: bool,
    ) {
        ComboBox::from_label(texts.encoding)
            .selected_text(settings.encoding.label())
            .show_ui(ui, |ui| {
                for encoding in TextEncoding::ALL {
                    ui.selectable_value(&mut settings.encoding, encoding, encoding.label());
                }
            });
        self.log.set_encoding(settings.encoding);
        ui.separator();
        ui.label(texts.show);
        ui.horizontal(|ui| {
            ui.radio_value(&mut settings.show, ShowMode::Text, texts.show_text);
            ui.radio_value(&mut settings.show, ShowMode::Hex, texts.show_hex);
            ui.radio_value(&mut settings.show, ShowMode::Both, texts.show_both);
        });
        ui.horizontal(|ui| {
            let label = ui.label(texts.timestamps);
            ComboBox::from_id_salt("timestamps")
                .selected_text(timestamp_label(settings.timestamps, texts))
                .show_ui(ui, |ui| {
                    for mode in [
                        TimestampMode::Off,
                        TimestampMode::Time,
                        TimestampMode::TimeMs,
                    ] {
                        ui.selectable_value(
                            &mut settings.timestamps,
                            mode,
                            timestamp_label(mode, texts),
                        );
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.checkbox(&mut settings.show_sent, texts.show_sent);
        if presenter {
            return;
        }
        ui.horizontal(|ui| {
            let label = ui.label(texts.log_limit);
            ui.add(
                DragValue::new(&mut settings.log_cap)
                    .range(MIN_LOG_CAP..=MAX_LOG_CAP)
                    .speed(100),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label(texts.log_memory_limit);
            ui.add(
                DragValue::new(&mut settings.log_mib)
                    .range(MIN_LOG_MIB..=MAX_LOG_MIB)
                    .suffix(" MiB"),
            )
            .labelled_by(label.id)
            .on_hover_text(texts.log_memory_limit_tip);
        });
        self.log.set_cap(settings.log_cap);
        self.log.set_mib_cap(settings.log_mib);
    }

    /// Pause, clear, counters; below them (not in presenter mode) search, peer
    /// filter, copy, save and capture.
    pub fn toolbar_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &mut DisplaySettings,
        counters: CounterSnapshot,
        presenter: bool,
    ) -> Option<ToolbarAction> {
        let mut action = self.poll_dialogs(texts);
        ui.horizontal_wrapped(|ui| {
            ui.toggle_value(&mut self.paused, texts.pause_display);
            ui.checkbox(&mut settings.auto_scroll, texts.auto_scroll);
            if ui.button(texts.clear).clicked() {
                self.selection = None;
                action = Some(ToolbarAction::Clear);
            }
            ui.separator();
            ui.label(texts.counters(&counters));
            if ui.button(texts.reset_counters).clicked() {
                action = Some(ToolbarAction::ResetCounters);
            }
            ui.separator();
            ui.label(texts.showing(self.log.len(), self.log.offered()));
            if let Some(capture) = &self.capture {
                ui.label(texts.captured(capture.written(), &capture.path().display().to_string()));
            }
        });
        if !presenter && let Some(tool_action) = self.tools_ui(ui, texts, settings) {
            action = Some(tool_action);
        }
        match &self.notice {
            Some(LogNotice::Saved { lines, path }) => {
                ui.weak(texts.log_saved(*lines, &path.display().to_string()));
            }
            Some(LogNotice::SaveFailed(failed)) => error_ui(
                ui,
                &texts.log_save_failed(&failed.path.display().to_string(), &failed.message),
            ),
            Some(LogNotice::CaptureFailed(error)) => error_ui(ui, &error.describe(texts.lang)),
            None => {}
        }
        action
    }

    /// Search, peer filter, copy, save and capture.
    fn tools_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &DisplaySettings,
    ) -> Option<ToolbarAction> {
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            let search =
                labelled_field_ui(ui, texts.search, &mut self.search, texts.search_hint, 120.0);
            if search.changed() {
                self.search_at = None;
            }
            let go_next = ui.button(texts.next).clicked()
                || (search.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)));
            let go_previous = ui.button(texts.previous).clicked();
            if go_next || go_previous || !self.search.trim().is_empty() {
                self.search_ui(ui, texts, settings, go_next, go_previous);
            }
            ui.separator();
            labelled_field_ui(
                ui,
                texts.peer_filter,
                &mut self.peer_filter,
                texts.peer_filter_hint,
                110.0,
            );
            ui.separator();
            let copy = ui.add_enabled(
                self.selection.is_some(),
                egui::Button::new(texts.copy_lines),
            );
            // egui turns Ctrl+C into a Copy event; the message editor's own copy wins.
            let copy_keys = self.selection.is_some()
                && !ui.ctx().text_edit_focused()
                && ui.input(|i| {
                    i.events
                        .iter()
                        .any(|event| matches!(event, egui::Event::Copy))
                });
            if copy.clicked() || copy_keys {
                self.copy_selection(ui.ctx(), texts, settings);
            }
            let idle = self.save_dialog.is_none() && self.saving.is_none();
            if ui
                .add_enabled(idle, egui::Button::new(texts.save_log))
                .clicked()
            {
                self.save_dialog = dialogs::save_file(ui.ctx(), &default_name("log", "txt"));
            }
            if self.capture.is_some() {
                if ui.button(texts.capture_stop).clicked() {
                    self.capture = None;
                    action = Some(ToolbarAction::Capture(None));
                }
            } else if ui
                .add_enabled(
                    self.capture_dialog.is_none(),
                    egui::Button::new(texts.capture_start),
                )
                .on_hover_text(texts.capture_tip)
                .clicked()
            {
                self.capture_dialog =
                    dialogs::save_file(ui.ctx(), &default_name("capture", "jsonl"));
            }
        });
        action
    }

    /// Saves the log to `path` as the save dialog does once answered (for tests:
    /// a native dialog cannot be driven headless).
    #[doc(hidden)]
    pub fn save_to(&mut self, path: PathBuf, texts: &Texts) {
        self.saving = Some(save_log_in_background(&self.log, path, texts));
    }

    /// Finished dialogs and saves: start the capture or the save they asked for.
    fn poll_dialogs(&mut self, texts: &Texts) -> Option<ToolbarAction> {
        if let Some(saving) = &self.saving
            && let Ok(outcome) = saving.try_recv()
        {
            self.saving = None;
            self.notice = Some(match outcome {
                Ok((lines, path)) => LogNotice::Saved { lines, path },
                Err(failed) => LogNotice::SaveFailed(failed),
            });
        }
        if let Some(dialog) = &self.save_dialog
            && let Some(answer) = dialog.poll()
        {
            self.save_dialog = None;
            if let Some(path) = answer {
                self.save_to(path, texts);
            }
        }
        let dialog = self.capture_dialog.as_ref()?;
        let answer = dialog.poll()?;
        self.capture_dialog = None;
        let path = answer?;
        match Capture::create_background(&path) {
            Ok(capture) => {
                let sink = capture.sink();
                self.capture = Some(capture);
                self.notice = None;
                Some(ToolbarAction::Capture(sink))
            }
            Err(error) => {
                self.notice = Some(LogNotice::CaptureFailed(error));
                None
            }
        }
    }

    /// Counts the matches and, on Next/Previous, moves to one and scrolls there.
    fn search_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &DisplaySettings,
        next: bool,
        previous: bool,
    ) {
        let needle = self.search.trim().to_lowercase();
        if needle.is_empty() {
            return;
        }
        let options = self.view_options(settings, None);
        let rows = shown_rows(&self.log, &options).unwrap_or_else(|| (0..self.log.len()).collect());
        let matches: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, index)| {
                self.log
                    .get(**index)
                    .is_some_and(|line| line.text().to_lowercase().contains(&needle))
            })
            .map(|(row, _)| row)
            .collect();
        // A filter may have removed the match we were on.
        if self.search_at.is_some_and(|at| at >= matches.len()) {
            self.search_at = None;
        }
        if matches.is_empty() {
            self.search_at = None;
        } else if next || previous {
            let last = matches.len() - 1;
            let at = match (self.search_at, next) {
                (None, true) => 0,
                (None, false) => last,
                (Some(at), true) => {
                    if at >= last {
                        0
                    } else {
                        at + 1
                    }
                }
                (Some(at), false) => {
                    if at == 0 {
                        last
                    } else {
                        at - 1
                    }
                }
            };
            self.search_at = Some(at);
            self.scroll_to = matches.get(at).copied();
            if let Some(line) = self
                .scroll_to
                .and_then(|row| rows.get(row))
                .and_then(|index| self.log.get(*index))
            {
                self.selection = Some((line.seq, line.seq));
            }
        }
        ui.weak(texts.search_matches(self.search_at, matches.len()));
    }

    fn copy_selection(&self, ctx: &egui::Context, texts: &Texts, settings: &DisplaySettings) {
        let Some((first, last)) = self.ordered_selection() else {
            return;
        };
        let text: Vec<String> = self
            .log
            .iter()
            .filter(|line| (first..=last).contains(&line.seq))
            .map(|line| line_text(line, settings.show, settings.timestamps, texts))
            .collect();
        ctx.copy_text(text.join("\n"));
    }

    /// The selection as (first, last) `seq`.
    fn ordered_selection(&self) -> Option<(u64, u64)> {
        self.selection
            .map(|(anchor, end)| (anchor.min(end), anchor.max(end)))
    }

    fn view_options<'a>(
        &'a self,
        settings: &DisplaySettings,
        only_peers: Option<&'a HashSet<SocketAddr>>,
    ) -> LogViewOptions<'a> {
        LogViewOptions {
            show: settings.show,
            timestamps: settings.timestamps,
            auto_scroll: settings.auto_scroll,
            show_sent: settings.show_sent,
            only_peers,
            peer_filter: &self.peer_filter,
            search: &self.search,
            selection: self.ordered_selection(),
            scroll_to: self.scroll_to,
            compact: false,
        }
    }

    pub fn log_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &DisplaySettings,
        only_peers: Option<&HashSet<SocketAddr>>,
        compact: bool,
    ) {
        if self.paused {
            ui.weak(texts.paused);
        }
        let options = LogViewOptions {
            compact,
            ..self.view_options(settings, only_peers)
        };
        let click = log_view_ui(ui, &self.log, &options, texts);
        self.scroll_to = None;
        if let Some(click) = click {
            self.selection = match (self.selection, click.extend) {
                (Some((anchor, _)), true) => Some((anchor, click.seq)),
                _ => Some((click.seq, click.seq)),
            };
        }
    }
}

fn timestamp_label(mode: TimestampMode, texts: &Texts) -> &'static str {
    match mode {
        TimestampMode::Off => texts.time_off,
        TimestampMode::Time => texts.time_s,
        TimestampMode::TimeMs => texts.time_ms,
    }
}

/// `netdbg-log-20261125-183000.txt` in the Downloads folder.
fn default_name(kind: &str, extension: &str) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let dir = dirs::download_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| Path::new(".").to_path_buf());
    dir.join(format!("netdbg-{kind}-{stamp}.{extension}"))
}

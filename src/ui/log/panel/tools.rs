//! The log's tools row: search, peer filter, copy, save and capture, and what
//! the last save or capture said.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use egui::Key;

use super::{DisplaySettings, LogPanel, ToolbarAction, filter_options, shows_received};
use crate::engine::{Capture, EngineError};
use crate::i18n::{Describe, Texts};
use crate::ui::dialogs;
use crate::ui::log::index::{FilterKey, SearchKey};
use crate::ui::log::save::{SaveFailed, save_log_in_background};
use crate::ui::log::text_match::contains_ignoring_case;
use crate::ui::log::view::line_text;
use crate::ui::{error_ui, labelled_field_ui};

/// The outcome of the last save or capture, kept as data so a language switch
/// re-words it.
#[derive(Debug, Clone)]
pub(super) enum LogNotice {
    Saved { lines: usize, path: PathBuf },
    SaveFailed(SaveFailed),
    CaptureFailed(EngineError),
}

impl LogPanel {
    /// Search, peer filter, copy, save and capture.
    pub(super) fn tools_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &DisplaySettings,
        only_peers: Option<&HashSet<SocketAddr>>,
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
            // The count's slot is there before a query is, so typing moves nothing.
            // Its count shows on the status line (`line_count_ui`): text
            // that changes never moves a control.
            self.search_count = self.search_ui(texts, settings, only_peers, (go_next, go_previous));
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
                let kinds: [(&str, &[&str]); 2] = [
                    (texts.capture_filter_jsonl, &["jsonl"]),
                    (texts.capture_filter_pcapng, &["pcapng"]),
                ];
                self.capture_dialog = dialogs::save_file_of_kinds(
                    ui.ctx(),
                    &default_name("capture", "jsonl"),
                    &kinds,
                );
            }
        });
        action
    }

    /// Saves the log to `path` as the save dialog does once answered (for tests:
    /// a native dialog cannot be driven headless).
    #[doc(hidden)]
    pub fn save_to(&mut self, path: PathBuf, texts: &Texts) {
        self.saving = Some(save_log_in_background(&self.log, path, self.words, texts));
    }

    /// Starts capturing to `path` as the capture dialog does once answered (for
    /// tests: a native dialog cannot be driven headless).
    #[doc(hidden)]
    pub fn capture_to(&mut self, path: PathBuf) {
        self.capture_chosen = Some(path);
    }

    /// Finished dialogs and saves: start the capture or the save they asked for.
    pub(super) fn poll_dialogs(&mut self, texts: &Texts) -> Option<ToolbarAction> {
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
        let path = match self.capture_chosen.take() {
            Some(path) => path,
            None => {
                let dialog = self.capture_dialog.as_ref()?;
                let answer = dialog.poll()?;
                self.capture_dialog = None;
                answer?
            }
        };
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

    /// Counts the matches and, on Next/Previous, moves to one and scrolls there;
    /// what to say of them (nothing without a query).
    /// The matches are kept between frames ([`SearchIndex`]): a frame looks only
    /// at new lines, or at a bounded slice of a new query's.
    fn search_ui(
        &mut self,
        texts: &Texts,
        settings: &DisplaySettings,
        only_peers: Option<&HashSet<SocketAddr>>,
        (next, previous): (bool, bool),
    ) -> Option<String> {
        let needle = self.search.trim().to_lowercase();
        if needle.is_empty() {
            self.search_index.clear();
            self.search_at = None;
            return None;
        }
        // Only rows are matches: the same filters as the log's.
        let options = filter_options(settings, self.words, &self.peer_filter, only_peers);
        let key = SearchKey {
            filters: FilterKey::new(settings.show_sent, &self.peer_filter, only_peers)
                .with_received(shows_received(settings, self.words)),
            needle,
            encoding: self.log.encoding(),
        };
        let needle = &key.needle.clone();
        let dropped = self.search_index.update(&self.log, key, |line| {
            options.keeps(line) && contains_ignoring_case(line.text(), needle)
        });
        let count = self.search_index.len();
        // The match we were on keeps its place while older ones fall off.
        self.search_at = self
            .search_at
            .and_then(|at| at.checked_sub(dropped))
            .filter(|at| *at < count);
        if count > 0 && (next || previous) {
            let last = count - 1;
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
            if let Some(seq) = self.search_index.get(at) {
                self.scroll_to = if options.filters() {
                    self.rows.position(seq)
                } else {
                    self.log.index_of_seq(seq).ok()
                };
                self.selection = Some((seq, seq));
            }
        }
        Some(match self.search_index.progress() {
            Some(percent) => texts.search_progress(percent),
            None => texts.search_matches(self.search_at, count),
        })
    }

    fn copy_selection(&self, ctx: &egui::Context, texts: &Texts, settings: &DisplaySettings) {
        let Some((first, last)) = self.ordered_selection() else {
            return;
        };
        let text: Vec<String> = self
            .log
            .iter()
            .filter(|line| (first..=last).contains(&line.seq))
            .map(|line| {
                let show = (settings.show, settings.timestamps);
                line_text(&line, show, self.words, texts)
            })
            .collect();
        ctx.copy_text(text.join("\n"));
    }

    /// What the last save or capture said, in the language of the moment.
    pub(super) fn notice_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
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

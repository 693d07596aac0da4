//! The downloads finished this session: time, file, size, and the SHA-256 or
//! what went wrong (worded when drawn, in the language of the moment).

use std::collections::VecDeque;
use std::time::SystemTime;

use chrono::{DateTime, Local};
use egui::RichText;

use crate::engine::DownloadError;
use crate::i18n::{Describe, Texts, format_size};
use crate::ui::ERROR_COLOR;

/// Finished downloads kept in the history.
const HISTORY: usize = 100;

struct Finished {
    at: SystemTime,
    name: String,
    bytes: u64,
    /// The SHA-256, or why it failed.
    outcome: Result<String, DownloadError>,
}

/// Newest first, at most [`HISTORY`].
#[derive(Default)]
pub(super) struct History {
    entries: VecDeque<Finished>,
}

impl History {
    pub(super) fn remember(
        &mut self,
        name: &str,
        bytes: u64,
        outcome: Result<String, DownloadError>,
    ) {
        if self.entries.len() >= HISTORY {
            self.entries.pop_back();
        }
        self.entries.push_front(Finished {
            at: SystemTime::now(),
            name: name.to_owned(),
            bytes,
            outcome,
        });
    }

    pub(super) fn ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        ui.label(RichText::new(texts.history).strong());
        egui::Grid::new("download_history")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for title in [
                    texts.col_time,
                    texts.col_file,
                    texts.col_size,
                    texts.col_result,
                ] {
                    ui.strong(title);
                }
                ui.end_row();
                for entry in &self.entries {
                    let at: DateTime<Local> = entry.at.into();
                    ui.label(at.format("%H:%M:%S").to_string());
                    ui.label(&entry.name);
                    ui.label(format_size(entry.bytes));
                    match &entry.outcome {
                        Ok(sha256) => {
                            ui.monospace(format!("SHA-256 {}…", &sha256[..16.min(sha256.len())]));
                        }
                        Err(error) => {
                            let message = error.describe(texts.lang);
                            ui.label(RichText::new(shortened(&message, 40)).color(ERROR_COLOR))
                                .on_hover_text(message);
                        }
                    }
                    ui.end_row();
                }
            });
    }
}

/// At most `max` characters, with … when cut.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

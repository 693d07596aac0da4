//! The log half of every tab: display settings (encoding, text/HEX, limit), the
//! toolbar (pause, auto-scroll, clear, counters) and the log itself.

use std::collections::HashSet;
use std::net::SocketAddr;

use egui::{ComboBox, DragValue};
use serde::{Deserialize, Serialize};

use super::log_model::{DEFAULT_LOG_CAP, LogModel, MAX_LOG_CAP, MIN_LOG_CAP};
use super::log_view::{LogViewOptions, ShowMode, log_view_ui};
use crate::codec::TextEncoding;
use crate::engine::CounterSnapshot;
use crate::i18n::Texts;

/// How a tab shows its traffic; remembered across restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DisplaySettings {
    pub encoding: TextEncoding,
    pub show: ShowMode,
    pub log_cap: usize,
    pub auto_scroll: bool,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        Self {
            encoding: crate::platform::default_encoding(),
            show: ShowMode::Text,
            log_cap: DEFAULT_LOG_CAP,
            auto_scroll: true,
        }
    }
}

/// What the toolbar asked for.
pub enum ToolbarAction {
    Clear,
    ResetCounters,
}

pub struct LogPanel {
    pub log: LogModel,
    /// While paused, lines are counted but not shown; the engine still receives everything.
    pub paused: bool,
}

impl LogPanel {
    pub fn new(settings: &DisplaySettings) -> Self {
        Self {
            log: LogModel::new(settings.log_cap, settings.encoding),
            paused: false,
        }
    }

    /// Encoding, text/HEX and the line limit, for a tab's settings column.
    pub fn display_settings_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &mut DisplaySettings,
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
            let label = ui.label(texts.log_limit);
            ui.add(
                DragValue::new(&mut settings.log_cap)
                    .range(MIN_LOG_CAP..=MAX_LOG_CAP)
                    .speed(100),
            )
            .labelled_by(label.id);
        });
        self.log.set_cap(settings.log_cap);
    }

    pub fn toolbar_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &mut DisplaySettings,
        counters: CounterSnapshot,
    ) -> Option<ToolbarAction> {
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            ui.toggle_value(&mut self.paused, texts.pause_display);
            ui.checkbox(&mut settings.auto_scroll, texts.auto_scroll);
            if ui.button(texts.clear).clicked() {
                action = Some(ToolbarAction::Clear);
            }
            ui.separator();
            ui.label(texts.counters(&counters));
            if ui.button(texts.reset_counters).clicked() {
                action = Some(ToolbarAction::ResetCounters);
            }
            ui.separator();
            ui.label(texts.showing(self.log.len(), self.log.offered()));
        });
        action
    }

    pub fn log_ui(
        &self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &DisplaySettings,
        only_peers: Option<&HashSet<SocketAddr>>,
    ) {
        if self.paused {
            ui.weak(texts.paused);
        }
        let options = LogViewOptions {
            show: settings.show,
            auto_scroll: settings.auto_scroll,
            only_peers,
        };
        log_view_ui(ui, &self.log, &options, texts);
    }
}

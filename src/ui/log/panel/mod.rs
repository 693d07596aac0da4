//! The log half of every tab: display settings (encoding, text/HEX, limit), the
//! toolbar (pause, auto-scroll, clear, counters, search, filters, copy, save,
//! capture) and the log itself.

mod tools;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;

use egui::{Align, ComboBox, DragValue};
use serde::{Deserialize, Serialize};

use crate::codec::TextEncoding;
use crate::engine::{Capture, CaptureSink, CounterSnapshot};
use crate::i18n::Texts;
use crate::ui::dialogs::PendingDialog;
use crate::ui::fixed_width_label;
use crate::ui::log::index::{FilterKey, LineIndex, SearchKey};
use crate::ui::log::model::{
    DEFAULT_LOG_CAP, DEFAULT_LOG_MIB, LogModel, MAX_LOG_CAP, MAX_LOG_MIB, MIN_LOG_CAP, MIN_LOG_MIB,
};
use crate::ui::log::save::SaveOutcome;
use crate::ui::log::view::{DirectionWords, LogViewOptions, ShowMode, TimestampMode, log_view_ui};

/// How a tab shows its traffic; remembered across restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DisplaySettings {
    pub encoding: TextEncoding,
    pub show: ShowMode,
    pub timestamps: TimestampMode,
    pub show_sent: bool,
    /// The relay tab's "Show C→S"; the other tabs always show what they receive.
    pub show_received: bool,
    pub log_cap: usize,
    /// The log's memory limit, MiB of text.
    pub log_mib: usize,
    pub auto_scroll: bool,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        Self {
            encoding: TextEncoding::Auto,
            show: ShowMode::Text,
            timestamps: TimestampMode::TimeMs,
            show_sent: true,
            show_received: true,
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
    /// What the search says of its matches this frame (none without a query).
    search_count: Option<String>,
    /// The search's matches, kept between frames.
    search_index: LineIndex<SearchKey>,
    /// The rows shown while a filter is on, kept between frames.
    rows: LineIndex<FilterKey>,
    scroll_to: Option<usize>,
    peer_filter: String,
    /// Selected lines by `seq`: where the selection started (the anchor), and
    /// where it ends now; either may be the larger.
    selection: Option<(u64, u64)>,
    capture: Option<Capture>,
    capture_dialog: Option<PendingDialog>,
    /// A capture file chosen without the dialog (tests), started at the next frame.
    capture_chosen: Option<PathBuf>,
    save_dialog: Option<PendingDialog>,
    saving: Option<crossbeam_channel::Receiver<SaveOutcome>>,
    /// What the last save or capture said, worded when drawn.
    notice: Option<tools::LogNotice>,
    /// What rows, copies and saved files call the two directions.
    pub words: DirectionWords,
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
            search_count: None,
            search_index: LineIndex::default(),
            rows: LineIndex::default(),
            scroll_to: None,
            peer_filter: String::new(),
            selection: None,
            capture: None,
            capture_dialog: None,
            capture_chosen: None,
            save_dialog: None,
            saving: None,
            notice: None,
            words: DirectionWords::RxTx,
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
        // Above its list, which can be wide ("Auto (UTF-8 / Windows-1252)").
        let label = ui.label(texts.encoding);
        ComboBox::from_id_salt("encoding")
            .selected_text(texts.encoding_name(settings.encoding))
            .show_ui(ui, |ui| {
                for encoding in TextEncoding::ALL {
                    ui.selectable_value(
                        &mut settings.encoding,
                        encoding,
                        texts.encoding_name(encoding),
                    )
                    .on_hover_text(texts.encoding_hint(encoding));
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(texts.encoding_hint(settings.encoding));
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
        match self.words {
            DirectionWords::RxTx => {
                ui.checkbox(&mut settings.show_sent, texts.show_sent);
            }
            DirectionWords::Relay => {
                ui.checkbox(&mut settings.show_received, texts.relay().show_c2s);
                ui.checkbox(&mut settings.show_sent, texts.relay().show_s2c);
            }
        }
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
        only_peers: Option<&HashSet<SocketAddr>>,
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
            // A slot of fixed width: growing numbers never push what follows.
            let marks = self.words.marks(texts);
            fixed_width_label(
                ui,
                texts.counters_compact(&counters, marks),
                &texts.counters_widest(marks),
                Align::Min,
            )
            .on_hover_text(texts.counters(&counters, marks));
            if ui.button(texts.reset_counters).clicked() {
                action = Some(ToolbarAction::ResetCounters);
            }
            if let Some(capture) = &self.capture {
                ui.separator();
                // A short note in a slot of fixed width, so a capture that starts
                // or grows never wraps the row and pushes the log down; the count
                // and the whole path on hover.
                let records = capture.written();
                fixed_width_label(
                    ui,
                    texts.capturing(&crate::i18n::format_count(records)),
                    &texts.capturing_widest(),
                    Align::Min,
                )
                .on_hover_text(texts.captured(records, &capture.path().display().to_string()));
            }
        });
        // Presenter mode has no search row, so no search count either.
        if presenter {
            self.search_count = None;
        }
        if !presenter && let Some(tool_action) = self.tools_ui(ui, texts, settings, only_peers) {
            action = Some(tool_action);
        }
        self.notice_ui(ui, texts);
        action
    }

    /// For the status line's right end, in slots of fixed width (compact
    /// numbers, exact on hover): "showing N of M lines" and, left of it, the
    /// search's count.
    pub fn line_count_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        let (shown, offered) = (self.log.len(), self.log.offered());
        // While a new filter is applied, how far (the rows are not all known yet).
        let showing = match self.rows.progress() {
            Some(percent) => texts.filter_progress(percent),
            None => texts.showing_compact(shown, offered),
        };
        fixed_width_label(ui, showing, &texts.showing_widest(), Align::Max)
            .on_hover_text(texts.showing(shown, offered));
        let count = self.search_count.as_deref().unwrap_or_default();
        let slot = fixed_width_label(ui, count, &texts.search_widest(), Align::Max);
        if self.search_count.is_some() {
            let total = self.search_index.len();
            slot.on_hover_text(texts.search_matches_exact(self.search_at, total));
        }
    }

    /// Brings the filtered rows up to date (a bounded slice of a new filter).
    fn update_rows(
        &mut self,
        settings: &DisplaySettings,
        only_peers: Option<&HashSet<SocketAddr>>,
    ) {
        let key = FilterKey::new(settings.show_sent, &self.peer_filter, only_peers)
            .with_received(shows_received(settings, self.words));
        let options = filter_options(settings, self.words, &self.peer_filter, only_peers);
        if options.filters() {
            self.rows.update(&self.log, key, |line| options.keeps(line));
        } else {
            self.rows.clear();
        }
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
            search: &self.search,
            selection: self.ordered_selection(),
            scroll_to: self.scroll_to,
            ..filter_options(settings, self.words, &self.peer_filter, only_peers)
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
        // Here, after the toolbar: a filter typed this frame shows at once.
        self.update_rows(settings, only_peers);
        let options = LogViewOptions {
            compact,
            words: self.words,
            ..self.view_options(settings, only_peers)
        };
        let rows = options.filters().then_some(&self.rows);
        let click = log_view_ui(ui, &self.log, rows, &options, texts);
        self.scroll_to = None;
        if let Some(click) = click {
            self.selection = match (self.selection, click.extend) {
                (Some((anchor, _)), true) => Some((anchor, click.seq)),
                _ => Some((click.seq, click.seq)),
            };
        }
    }
}

/// The view's options as far as the display settings and the filters decide
/// them (which lines are rows), with no search, selection or scrolling.
pub(super) fn filter_options<'a>(
    settings: &DisplaySettings,
    words: DirectionWords,
    peer_filter: &'a str,
    only_peers: Option<&'a HashSet<SocketAddr>>,
) -> LogViewOptions<'a> {
    LogViewOptions {
        show: settings.show,
        timestamps: settings.timestamps,
        auto_scroll: settings.auto_scroll,
        show_sent: settings.show_sent,
        show_received: shows_received(settings, words),
        only_peers,
        peer_filter,
        search: "",
        selection: None,
        scroll_to: None,
        compact: false,
        words,
    }
}

/// Only the relay hides what it took in (C→S); the other tabs always show it.
pub(super) fn shows_received(settings: &DisplaySettings, words: DirectionWords) -> bool {
    settings.show_received || words == DirectionWords::RxTx
}

fn timestamp_label(mode: TimestampMode, texts: &Texts) -> &'static str {
    match mode {
        TimestampMode::Off => texts.time_off,
        TimestampMode::Time => texts.time_s,
        TimestampMode::TimeMs => texts.time_ms,
    }
}

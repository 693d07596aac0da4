//! Draws a [`LogModel`]: only the visible rows are laid out, so a log of a
//! million lines costs the same per frame as one of ten. Filters (peers, hide
//! sent), search highlighting and a row selection are applied here.

use std::collections::HashSet;
use std::net::SocketAddr;

use chrono::{DateTime, Local};
use egui::{Color32, RichText, ScrollArea, Sense, TextStyle};
use serde::{Deserialize, Serialize};

use crate::codec::format_hex;
use crate::i18n::Texts;
use crate::ui::log::index::{FilterKey, LineIndex};
use crate::ui::log::model::{Direction, LogLine, LogModel};
use crate::ui::log::text_match::{contains_ignoring_case, peer_contains};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ShowMode {
    #[default]
    Text,
    Hex,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TimestampMode {
    Off,
    Time,
    #[default]
    TimeMs,
}

/// What a log calls its two directions: RX/TX, or (the relay) client → server
/// and server → client, on rows and in copied and saved lines alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirectionWords {
    #[default]
    RxTx,
    /// Rx is client → server, Tx server → client.
    Relay,
}

impl DirectionWords {
    /// The marks of an Rx and a Tx row.
    pub fn marks(self, texts: &Texts) -> (&'static str, &'static str) {
        match self {
            DirectionWords::RxTx => (texts.rx, texts.tx),
            DirectionWords::Relay => (texts.relay().c2s_mark, texts.relay().s2c_mark),
        }
    }

    /// The rate plot's two lines, as the legend names them.
    pub fn plot_names(self, texts: &Texts) -> (&'static str, &'static str) {
        match self {
            DirectionWords::RxTx => (texts.plot_rx, texts.plot_tx),
            DirectionWords::Relay => self.marks(texts),
        }
    }

    /// The tag on a row netdbg wrote itself, not a peer (`auto_reply` lines), and
    /// its tooltip: the TCP server's auto-reply, the relay's injected messages.
    pub fn own_tag(self, texts: &Texts) -> (&'static str, &'static str) {
        match self {
            DirectionWords::RxTx => (texts.auto, texts.auto_reply_sent),
            DirectionWords::Relay => (texts.relay().injected, texts.relay().injected_tip),
        }
    }

    /// The direction as a saved file's field says it.
    pub fn file_name(self, direction: Direction) -> &'static str {
        match (self, direction) {
            (DirectionWords::RxTx, Direction::Rx) => "rx",
            (DirectionWords::RxTx, Direction::Tx) => "tx",
            (DirectionWords::Relay, Direction::Rx) => "c2s",
            (DirectionWords::Relay, Direction::Tx) => "s2c",
            (_, Direction::Note) => "event",
        }
    }
}

pub struct LogViewOptions<'a> {
    pub show: ShowMode,
    pub timestamps: TimestampMode,
    pub auto_scroll: bool,
    pub show_sent: bool,
    /// The relay's "Show C→S" (other tabs always show what they receive).
    pub show_received: bool,
    /// Show only the lines of these peers (the TCP server's "selected clients only").
    pub only_peers: Option<&'a HashSet<SocketAddr>>,
    /// Show only peers whose address contains this.
    pub peer_filter: &'a str,
    /// Rows containing this (case-insensitive) are highlighted.
    pub search: &'a str,
    /// Selected lines, by `seq` (first, last).
    pub selection: Option<(u64, u64)>,
    /// Bring this row (an index into the shown rows) into view.
    pub scroll_to: Option<usize>,
    /// Narrow rows for presenter mode: seconds only, no column padding, so the data
    /// stays in view in a half-screen window.
    pub compact: bool,
    pub words: DirectionWords,
}

impl LogViewOptions<'_> {
    /// Whether some lines are not rows.
    pub fn filters(&self) -> bool {
        self.only_peers.is_some()
            || !self.show_sent
            || !self.show_received
            || !self.peer_filter.trim().is_empty()
    }

    pub fn keeps(&self, line: &LogLine) -> bool {
        if !self.show_sent && line.direction == Direction::Tx {
            return false;
        }
        if !self.show_received && line.direction == Direction::Rx {
            return false;
        }
        if let Some(peers) = self.only_peers
            && !peers.contains(&line.peer)
        {
            return false;
        }
        let filter = self.peer_filter.trim();
        filter.is_empty() || peer_contains(line.peer, filter)
    }
}

/// A row the user clicked: its `seq`, and whether Shift extended the selection.
pub struct RowClick {
    pub seq: u64,
    pub extend: bool,
}

/// Draws the rows: every line, or with a filter on the lines `rows` holds.
pub fn log_view_ui(
    ui: &mut egui::Ui,
    model: &LogModel,
    rows: Option<&LineIndex<FilterKey>>,
    options: &LogViewOptions,
    texts: &Texts,
) -> Option<RowClick> {
    if model.is_empty() {
        ui.weak(texts.log_empty);
        return None;
    }
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    let total = rows.map_or(model.len(), LineIndex::len);
    let search = options.search.trim().to_lowercase();
    let spacing = ui.spacing().item_spacing.y;
    let mut area = ScrollArea::both()
        .id_salt("log")
        .auto_shrink([false, false])
        .stick_to_bottom(options.auto_scroll && options.scroll_to.is_none());
    if let Some(row) = options.scroll_to {
        area = area.vertical_scroll_offset((row as f32 * (row_height + spacing) - 80.0).max(0.0));
    } else if let Some(bottom) = past_the_end(ui, total as f32 * (row_height + spacing) - spacing) {
        area = area.vertical_scroll_offset(bottom);
    }
    let mut click = None;
    let output = area.show_rows(ui, row_height, total, |ui, visible| {
        for row in visible {
            let index = match rows {
                Some(rows) => rows.get(row).and_then(|seq| model.index_of_seq(seq).ok()),
                None => Some(row),
            };
            let Some(line) = index.and_then(|index| model.get(index)) else {
                continue;
            };
            let hit = !search.is_empty() && contains_ignoring_case(line.text(), &search);
            let selected = options
                .selection
                .is_some_and(|(first, last)| (first..=last).contains(&line.seq));
            let response = row_ui(ui, &line, options, texts, hit || selected);
            if response.clicked() {
                let extend = ui.input(|input| input.modifiers.shift);
                click = Some(RowClick {
                    seq: line.seq,
                    extend,
                });
            }
        }
    });
    let viewport = (output.id, output.inner_rect.height());
    ui.data_mut(|data| data.insert_temp(viewport_key(ui), viewport));
    click
}

/// Where last frame's viewport is remembered: the scroll area's id and height.
fn viewport_key(ui: &egui::Ui) -> egui::Id {
    ui.scope_id().with("log viewport")
}

/// The last row's offset when the log got shorter than where it is scrolled to
/// (its memory limit dropped more lines than arrived). egui keeps a scroll area
/// stuck to the bottom only after drawing, so that frame would draw no rows at all;
/// and if it was the last frame of a flood, the log stayed blank.
fn past_the_end(ui: &egui::Ui, content_height: f32) -> Option<f32> {
    let (id, height) = ui.data(|data| data.get_temp::<(egui::Id, f32)>(viewport_key(ui)))?;
    let offset = egui::scroll_area::State::load(ui.ctx(), id)?
        .unclamped_offset()
        .y;
    let bottom = (content_height - height).max(0.0);
    (offset > bottom + 0.5).then_some(bottom)
}

/// One line as text, the way it is shown (for copying and saving).
pub fn line_text(
    line: &LogLine,
    (show, timestamps): (ShowMode, TimestampMode),
    words: DirectionWords,
    texts: &Texts,
) -> String {
    let (arrow, _) = direction_style(line.direction, words, texts);
    let time = time_text(line, timestamps);
    if line.direction == Direction::Note {
        return format!("{time}{arrow} {}", line.text())
            .trim_start()
            .to_owned();
    }
    // As the CLI prints it: "TX 127.0.0.1:5000 3 bytes [auto] | …".
    let auto = if line.auto_reply {
        format!(" [{}]", words.own_tag(texts).0)
    } else {
        String::new()
    };
    let picked = line
        .picked
        .map(|picked| format!(" [{picked}]"))
        .unwrap_or_default();
    format!(
        "{time}{arrow} {} {} {}{auto}{picked} | {}",
        line.peer,
        line.len,
        texts.bytes,
        payload_text(line, show, texts, None)
    )
    .trim_start()
    .to_owned()
}

fn time_text(line: &LogLine, timestamps: TimestampMode) -> String {
    let time: DateTime<Local> = line.at.into();
    match timestamps {
        TimestampMode::Off => String::new(),
        TimestampMode::Time => format!("{} ", time.format("%H:%M:%S")),
        TimestampMode::TimeMs => format!("{} ", time.format("%H:%M:%S%.3f")),
    }
}

/// A row shows at most this many characters of its payload: no screen is that
/// wide, and laying out 4 KiB of text for every new row took ~150 ms a frame
/// under a flood. Copying and saving still take the whole line.
const ROW_CHARS: usize = 300;

/// The payload as shown: whole (copy, save) or cut to `limit` characters (a row).
fn payload_text(line: &LogLine, show: ShowMode, texts: &Texts, limit: Option<usize>) -> String {
    let mut payload = match (show, line.direction) {
        (ShowMode::Text, _) | (_, Direction::Note) => line.text().to_owned(),
        (ShowMode::Hex, _) => format_hex(line.data),
        (ShowMode::Both, _) => format!("{}  |  {}", line.text(), format_hex(line.data)),
    };
    let shortened = limit
        .and_then(|limit| payload.char_indices().nth(limit))
        .map(|(at, _)| payload.truncate(at))
        .is_some();
    match line.cut_bytes() {
        0 if shortened => payload.push_str(" …"),
        0 => {}
        more => payload.push_str(&texts.more_bytes(more)),
    }
    payload
}

fn direction_style(
    direction: Direction,
    words: DirectionWords,
    texts: &Texts,
) -> (&'static str, Color32) {
    let (rx, tx) = words.marks(texts);
    match direction {
        Direction::Rx => (rx, Color32::from_rgb(0x2e, 0x8b, 0x57)),
        Direction::Tx => (tx, Color32::from_rgb(0x1e, 0x6f, 0xd9)),
        Direction::Note => ("•", Color32::GRAY),
    }
}

/// The peer, padded so payloads line up (not when compact).
fn peer_column(line: &LogLine, compact: bool) -> String {
    if compact {
        line.peer.to_string()
    } else {
        format!("{:<22}", line.peer.to_string())
    }
}

/// The payload's full length, and when only a preview was kept, how much of it
/// (the row's own "… more" can be out of view to the right).
fn size_column(line: &LogLine, compact: bool, texts: &Texts) -> String {
    let size = if compact {
        format!("{} B", line.len)
    } else {
        format!("{:>6} B", line.len)
    };
    match line.cut_bytes() {
        0 => size,
        _ => format!("{size}{}", texts.preview_shown(line.data.len())),
    }
}

fn row_ui(
    ui: &mut egui::Ui,
    line: &LogLine,
    options: &LogViewOptions,
    texts: &Texts,
    highlighted: bool,
) -> egui::Response {
    let (arrow, color) = direction_style(line.direction, options.words, texts);
    let inner = ui.horizontal(|ui| {
        if highlighted {
            let rect = ui.max_rect();
            ui.painter().rect_filled(
                rect,
                0.0,
                ui.visuals().selection.bg_fill.gamma_multiply(0.5),
            );
        }
        ui.spacing_mut().item_spacing.x = 8.0;
        let timestamps = match options.timestamps {
            TimestampMode::TimeMs if options.compact => TimestampMode::Time,
            chosen => chosen,
        };
        let time = time_text(line, timestamps);
        if !time.is_empty() {
            ui.add(
                egui::Label::new(RichText::new(time.trim_end()).monospace().weak())
                    .selectable(false),
            );
        }
        ui.add(
            egui::Label::new(RichText::new(arrow).monospace().strong().color(color))
                .selectable(false),
        );
        // An event line names its peer in its own words.
        if line.direction != Direction::Note {
            ui.add(
                egui::Label::new(RichText::new(peer_column(line, options.compact)).monospace())
                    .selectable(false),
            );
            ui.add(
                egui::Label::new(
                    RichText::new(size_column(line, options.compact, texts))
                        .monospace()
                        .weak(),
                )
                .selectable(false),
            );
            if line.auto_reply {
                let (tag, tip) = options.words.own_tag(texts);
                ui.add(
                    egui::Label::new(RichText::new(format!("[{tag}]")).italics()).selectable(false),
                )
                .on_hover_text(tip);
            }
            if let Some(picked) = line.picked {
                ui.add(
                    egui::Label::new(RichText::new(format!("[{picked}]")).small().weak())
                        .selectable(false),
                )
                .on_hover_text(texts.picked_hint(picked));
            }
        }
        ui.add(
            egui::Label::new(
                RichText::new(payload_text(line, options.show, texts, Some(ROW_CHARS))).monospace(),
            )
            .selectable(false)
            .extend(),
        );
    });
    inner.response.interact(Sense::click())
}

//! Draws a [`LogModel`]: only the visible rows are laid out, so a log of a
//! million lines costs the same per frame as one of ten.

use std::collections::HashSet;
use std::net::SocketAddr;

use chrono::{DateTime, Local};
use egui::{Color32, RichText, ScrollArea, TextStyle};
use serde::{Deserialize, Serialize};

use super::log_model::{Direction, LogLine, LogModel};
use crate::codec::format_hex;
use crate::i18n::Texts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ShowMode {
    #[default]
    Text,
    Hex,
    Both,
}

pub struct LogViewOptions<'a> {
    pub show: ShowMode,
    pub auto_scroll: bool,
    /// Show only the lines of these peers (the TCP server's "selected clients only").
    pub only_peers: Option<&'a HashSet<SocketAddr>>,
}

pub fn log_view_ui(ui: &mut egui::Ui, model: &LogModel, options: &LogViewOptions, texts: &Texts) {
    if model.is_empty() {
        ui.weak(texts.log_empty);
        return;
    }
    let row_height = ui.text_style_height(&TextStyle::Monospace);
    // With a peer filter, the matching lines are found once per frame: a pass over
    // at most the log cap, far cheaper than laying out rows.
    let matching: Option<Vec<usize>> = options.only_peers.map(|peers| {
        (0..model.len())
            .filter(|&index| {
                model
                    .get(index)
                    .is_some_and(|line| peers.contains(&line.peer))
            })
            .collect()
    });
    let total = matching.as_ref().map_or(model.len(), Vec::len);
    ScrollArea::both()
        .id_salt("log")
        .auto_shrink([false, false])
        .stick_to_bottom(options.auto_scroll)
        .show_rows(ui, row_height, total, |ui, rows| {
            for row in rows {
                let index = matching
                    .as_ref()
                    .map_or(Some(row), |matching| matching.get(row).copied());
                if let Some(line) = index.and_then(|index| model.get(index)) {
                    row_ui(ui, line, options.show, texts);
                }
            }
        });
}

fn row_ui(ui: &mut egui::Ui, line: &LogLine, show: ShowMode, texts: &Texts) {
    let time: DateTime<Local> = line.at.into();
    let (arrow, color) = match line.direction {
        Direction::Rx => (texts.rx, Color32::from_rgb(0x2e, 0x8b, 0x57)),
        Direction::Tx => (texts.tx, Color32::from_rgb(0x1e, 0x6f, 0xd9)),
        Direction::Note => ("•", Color32::GRAY),
    };
    let payload = match (show, line.direction) {
        (ShowMode::Text, _) | (_, Direction::Note) => line.text().to_owned(),
        (ShowMode::Hex, _) => format_hex(&line.data),
        (ShowMode::Both, _) => format!("{}  |  {}", line.text(), format_hex(&line.data)),
    };
    let cut = if line.data.len() < line.len {
        " …"
    } else {
        ""
    };
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 8.0;
        ui.label(
            RichText::new(time.format("%H:%M:%S%.3f").to_string())
                .monospace()
                .weak(),
        );
        ui.label(RichText::new(arrow).monospace().strong().color(color));
        // An event line names its peer in its own words.
        if line.direction != Direction::Note {
            ui.label(RichText::new(format!("{:<22}", line.peer.to_string())).monospace());
            ui.label(
                RichText::new(format!("{:>6} B", line.len))
                    .monospace()
                    .weak(),
            );
        }
        ui.add(egui::Label::new(RichText::new(format!("{payload}{cut}")).monospace()).extend());
    });
}

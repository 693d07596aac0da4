//! The file server's transfer list: one row per request (time, peer, file,
//! progress, speed, outcome), bounded, newest first.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Local};
use egui::{ProgressBar, RichText};
use egui_extras::{Column, TableBuilder};

use crate::codec::visible_text;
use crate::engine::{EngineError, FileServerEvent, Refusal, TransferId};
use crate::i18n::{Describe, Lang, Texts, format_size};
use crate::ui::clipped_error_ui;

/// Rows kept in the transfer list; the oldest finished ones make room.
const KEPT_TRANSFERS: usize = 2000;

enum RowState {
    Sending,
    Done,
    Failed(EngineError),
    Refused(Refusal),
}

struct TransferRow {
    id: Option<TransferId>,
    at: SystemTime,
    peer: SocketAddr,
    /// As a client sent it, escaped once on arrival: one line, no control or bidi
    /// characters.
    name: String,
    size: u64,
    sent: u64,
    started: Instant,
    elapsed: Option<Duration>,
    state: RowState,
}

/// The requests, newest first.
#[derive(Default)]
pub(super) struct Transfers {
    rows: VecDeque<TransferRow>,
}

impl Transfers {
    /// A transfer's event (the server's own events are the panel's).
    pub(super) fn apply(&mut self, event: FileServerEvent) {
        match event {
            FileServerEvent::Started {
                transfer,
                peer,
                name,
                size,
                at,
            } => self.add(TransferRow {
                id: Some(transfer),
                at,
                peer,
                name: visible_text(&name),
                size,
                sent: 0,
                started: Instant::now(),
                elapsed: None,
                state: RowState::Sending,
            }),
            FileServerEvent::Progress { transfer, sent } => {
                if let Some(row) = self.find(transfer) {
                    row.sent = sent;
                }
            }
            FileServerEvent::Done {
                transfer,
                sent,
                elapsed,
            } => {
                if let Some(row) = self.find(transfer) {
                    row.sent = sent;
                    row.elapsed = Some(elapsed);
                    row.state = RowState::Done;
                }
            }
            FileServerEvent::Failed {
                transfer,
                sent,
                error,
            } => {
                if let Some(row) = self.find(transfer) {
                    row.sent = sent;
                    row.elapsed = Some(row.started.elapsed());
                    row.state = RowState::Failed(error);
                }
            }
            FileServerEvent::Refused {
                peer,
                name,
                reason,
                at,
            } => self.add(TransferRow {
                id: None,
                at,
                peer,
                name: visible_text(&name),
                size: 0,
                sent: 0,
                started: Instant::now(),
                elapsed: Some(Duration::ZERO),
                state: RowState::Refused(reason),
            }),
            FileServerEvent::Listening { .. }
            | FileServerEvent::StoppedListening
            | FileServerEvent::AcceptFailed(_) => {}
        }
    }

    fn add(&mut self, row: TransferRow) {
        if self.rows.len() >= KEPT_TRANSFERS
            && let Some(oldest) = self
                .rows
                .iter()
                .rposition(|row| !matches!(row.state, RowState::Sending))
        {
            self.rows.remove(oldest);
        }
        self.rows.push_front(row);
    }

    fn find(&mut self, transfer: TransferId) -> Option<&mut TransferRow> {
        self.rows.iter_mut().find(|row| row.id == Some(transfer))
    }

    pub(super) fn ui(&self, ui: &mut egui::Ui, texts: &Texts, lang: Lang) {
        ui.label(RichText::new(texts.transfers).strong());
        if self.rows.is_empty() {
            ui.weak(texts.no_transfers_yet);
            return;
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        TableBuilder::new(ui)
            .id_salt("file_transfers")
            .striped(true)
            .auto_shrink([false, true])
            .column(Column::auto().at_least(56.0))
            .column(Column::initial(115.0).resizable(true).clip(true))
            .column(Column::initial(80.0).resizable(true).clip(true))
            .column(Column::initial(130.0).resizable(true))
            .column(Column::remainder().at_least(80.0).clip(true))
            .header(row_height, |mut header| {
                for title in [
                    texts.col_time,
                    texts.col_client,
                    texts.col_file,
                    texts.col_size,
                    texts.col_result,
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.rows.len(), |mut row| {
                    let Some(transfer) = self.rows.get(row.index()) else {
                        return;
                    };
                    let at: DateTime<Local> = transfer.at.into();
                    row.col(|ui| {
                        ui.label(at.format("%H:%M:%S").to_string());
                    });
                    row.col(|ui| {
                        ui.label(transfer.peer.to_string());
                    });
                    row.col(|ui| {
                        ui.label(&transfer.name);
                    });
                    row.col(|ui| progress_ui(ui, transfer));
                    row.col(|ui| outcome_ui(ui, transfer, texts, lang));
                });
            });
    }
}

fn progress_ui(ui: &mut egui::Ui, transfer: &TransferRow) {
    if matches!(transfer.state, RowState::Refused(_)) {
        return;
    }
    let fraction = if transfer.size == 0 {
        1.0
    } else {
        transfer.sent as f32 / transfer.size as f32
    };
    ui.add(
        ProgressBar::new(fraction)
            .desired_width(ui.available_width())
            .text(format!(
                "{} / {}",
                format_size(transfer.sent),
                format_size(transfer.size)
            )),
    );
}

fn outcome_ui(ui: &mut egui::Ui, transfer: &TransferRow, texts: &Texts, lang: Lang) {
    let secs = transfer
        .elapsed
        .unwrap_or_else(|| transfer.started.elapsed())
        .as_secs_f64();
    let speed = if secs > 0.0 {
        format!("{}/s", format_size((transfer.sent as f64 / secs) as u64))
    } else {
        String::new()
    };
    match &transfer.state {
        RowState::Sending => {
            ui.label(format!("{} {speed}", texts.state_sending));
        }
        RowState::Done => {
            ui.label(
                RichText::new(format!("{} {speed}", texts.state_done))
                    .color(egui::Color32::from_rgb(0x2e, 0x8b, 0x57)),
            );
        }
        RowState::Failed(error) => clipped_error_ui(
            ui,
            &format!("{}: {}", texts.state_failed, error.describe(lang)),
        ),
        RowState::Refused(reason) => clipped_error_ui(
            ui,
            &format!("{}: {}", texts.state_refused, reason.describe(lang)),
        ),
    }
}

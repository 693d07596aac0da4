//! The relay's table of pairs: one row per client (its address, the relay's own
//! address toward the server, bytes each way from the pair's live counters, and
//! where the pair is in its life), with a selection to close or to filter by.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;

use egui::{Color32, RichText, Sense};
use egui_extras::{Column, TableBuilder};

use crate::codec::{StreamDecoder, TextEncoding};
use crate::engine::{CloseHow, Direction, PairId, RelayCounters, Side};
use crate::i18n::Texts;

/// Ended pairs kept in the table for a look afterwards; older ones make room.
const KEPT_ENDED: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairState {
    Connecting,
    Relaying,
    /// One side sent FIN; the other direction goes on.
    HalfClosed(Side),
    /// Closed with FINs, by whoever closed first.
    Closed(Side),
    Reset(Side),
    Idle,
    /// The server could not be reached, or a connection broke: the reason, worded.
    Failed(String),
}

impl PairState {
    fn is_open(&self) -> bool {
        matches!(
            self,
            PairState::Connecting | PairState::Relaying | PairState::HalfClosed(_)
        )
    }
}

pub struct PairRow {
    pub id: PairId,
    pub client: SocketAddr,
    client_text: String,
    pub upstream: Option<SocketAddr>,
    counters: Arc<RelayCounters>,
    pub state: PairState,
    /// Each direction decodes its own stream, so split characters show whole.
    decoders: [StreamDecoder; 2],
}

impl PairRow {
    pub fn decoder(&mut self, direction: Direction) -> &mut StreamDecoder {
        &mut self.decoders[match direction {
            Direction::C2s => 0,
            Direction::S2c => 1,
        }]
    }

    /// Bytes written on: (client → server, server → client).
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.counters.c2s.snapshot().tx_bytes,
            self.counters.s2c.snapshot().tx_bytes,
        )
    }
}

/// What the user asked of the table in a frame.
pub enum TableAction {
    CloseSelected,
    CloseAll,
}

#[derive(Default)]
pub struct PairTable {
    rows: BTreeMap<PairId, PairRow>,
    /// Ended pairs, oldest first.
    ended: VecDeque<PairId>,
    selected: BTreeSet<PairId>,
}

impl PairTable {
    pub fn add(
        &mut self,
        id: PairId,
        client: SocketAddr,
        counters: Arc<RelayCounters>,
        encoding: TextEncoding,
    ) {
        let row = PairRow {
            id,
            client,
            client_text: client.to_string(),
            upstream: None,
            counters,
            state: PairState::Connecting,
            decoders: [StreamDecoder::new(encoding), StreamDecoder::new(encoding)],
        };
        self.rows.insert(id, row);
    }

    pub fn get(&self, id: PairId) -> Option<&PairRow> {
        self.rows.get(&id)
    }

    pub fn get_mut(&mut self, id: PairId) -> Option<&mut PairRow> {
        self.rows.get_mut(&id)
    }

    pub fn client(&self, id: PairId) -> Option<SocketAddr> {
        self.rows.get(&id).map(|row| row.client)
    }

    pub fn connected(&mut self, id: PairId, local: SocketAddr) {
        if let Some(row) = self.rows.get_mut(&id) {
            row.upstream = Some(local);
            if row.state == PairState::Connecting {
                row.state = PairState::Relaying;
            }
        }
    }

    pub fn failed(&mut self, id: PairId, reason: String) {
        if let Some(row) = self.rows.get_mut(&id) {
            row.state = PairState::Failed(reason);
        }
    }

    /// A side ended (`Closed`): the state it leaves the pair in. A failure says
    /// more than what follows it, and stays.
    pub fn closed(
        &mut self,
        id: PairId,
        by: Side,
        how: &CloseHow,
        reason: impl FnOnce() -> String,
    ) {
        let Some(row) = self.rows.get_mut(&id) else {
            return;
        };
        row.state = match (&row.state, how) {
            (PairState::Failed(_), _) => return,
            (PairState::HalfClosed(first), CloseHow::Fin) => PairState::Closed(*first),
            (_, CloseHow::Fin) if by == Side::Relay => PairState::Closed(Side::Relay),
            (_, CloseHow::Fin) => PairState::HalfClosed(by),
            (_, CloseHow::Reset) => PairState::Reset(by),
            (_, CloseHow::Idle) => PairState::Idle,
            (_, CloseHow::Error(_)) => PairState::Failed(reason()),
        };
    }

    /// Both directions are over; returns each direction's undecoded rest
    /// (text, what it was decoded as).
    pub fn ended(&mut self, id: PairId) -> Vec<(Direction, String, TextEncoding)> {
        let Some(row) = self.rows.get_mut(&id) else {
            return Vec::new();
        };
        row.state = match &row.state {
            PairState::HalfClosed(first) => PairState::Closed(*first),
            PairState::Connecting | PairState::Relaying => PairState::Closed(Side::Relay),
            done => done.clone(),
        };
        let mut rests = Vec::new();
        for direction in Direction::BOTH {
            let decoder = row.decoder(direction);
            let rest = decoder.finish();
            if !rest.is_empty() {
                rests.push((direction, rest, decoder.used()));
            }
        }
        self.ended.push_back(id);
        while self.ended.len() > KEPT_ENDED {
            if let Some(oldest) = self.ended.pop_front() {
                self.rows.remove(&oldest);
                self.selected.remove(&oldest);
            }
        }
        rests
    }

    pub fn open_count(&self) -> usize {
        self.rows.values().filter(|row| row.state.is_open()).count()
    }

    /// Every open pair, oldest first.
    pub fn open_ids(&self) -> Vec<PairId> {
        self.rows
            .values()
            .filter(|row| row.state.is_open())
            .map(|row| row.id)
            .collect()
    }

    pub fn selected_open(&self) -> Vec<PairId> {
        self.selected
            .iter()
            .filter(|id| self.rows.get(id).is_some_and(|row| row.state.is_open()))
            .copied()
            .collect()
    }

    pub fn selected_clients(&self) -> HashSet<SocketAddr> {
        self.selected
            .iter()
            .filter_map(|id| self.rows.get(id).map(|row| row.client))
            .collect()
    }

    pub fn reset_counters(&self) {
        for row in self.rows.values() {
            row.counters.c2s.reset();
            row.counters.s2c.reset();
        }
    }

    pub fn set_encoding(&mut self, encoding: TextEncoding) {
        for row in self.rows.values_mut() {
            for decoder in &mut row.decoders {
                if decoder.encoding() != encoding {
                    *decoder = StreamDecoder::new(encoding);
                }
            }
        }
    }

    pub fn clear(&mut self) {
        *self = PairTable::default();
    }

    /// The buttons, then the table (no higher than `max_height` when given).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        selected_only: &mut bool,
        max_height: Option<f32>,
    ) -> Option<TableAction> {
        let words = texts.relay();
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            ui.strong(words.pairs);
            let any = !self.selected_open().is_empty();
            if ui
                .add_enabled(any, egui::Button::new(words.close_selected))
                .clicked()
            {
                action = Some(TableAction::CloseSelected);
            }
            if ui
                .add_enabled(self.open_count() > 0, egui::Button::new(words.close_all))
                .clicked()
            {
                action = Some(TableAction::CloseAll);
            }
            ui.checkbox(selected_only, texts.log_selected_only)
                .on_hover_text(texts.log_of);
        });
        if self.rows.is_empty() {
            ui.weak(words.no_pairs);
            return action;
        }
        self.table_ui(ui, texts, max_height);
        action
    }

    fn table_ui(&mut self, ui: &mut egui::Ui, texts: &Texts, max_height: Option<f32>) {
        let words = texts.relay();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let order: Vec<PairId> = self.rows.keys().copied().collect();
        let mut toggled = None;
        let mut clicked = None;
        TableBuilder::new(ui)
            .id_salt("relay_pairs")
            .striped(true)
            .sense(Sense::click())
            .auto_shrink([false, true])
            .stick_to_bottom(true)
            .max_scroll_height(max_height.map_or(160.0, |most| (most - row_height).max(row_height)))
            .column(Column::auto().at_least(28.0))
            .column(Column::initial(170.0).at_least(110.0).resizable(true))
            .column(Column::initial(150.0).at_least(90.0).resizable(true))
            .column(Column::initial(90.0).resizable(true))
            .column(Column::initial(90.0).resizable(true))
            .column(Column::remainder().at_least(80.0))
            .header(row_height, |mut header| {
                header.col(|ui| {
                    ui.strong("#");
                });
                header.col(|ui| {
                    ui.strong(words.col_client);
                });
                header.col(|ui| {
                    ui.strong(words.col_upstream)
                        .on_hover_text(words.col_upstream_tip);
                });
                header.col(|ui| {
                    ui.strong(words.c2s_mark);
                });
                header.col(|ui| {
                    ui.strong(words.s2c_mark);
                });
                header.col(|ui| {
                    ui.strong(words.col_state);
                });
            })
            .body(|body| {
                body.rows(row_height, order.len(), |mut row| {
                    let Some(pair) = order.get(row.index()).and_then(|id| self.rows.get(id)) else {
                        return;
                    };
                    let mut selected = self.selected.contains(&pair.id);
                    row.set_selected(selected);
                    let done = !pair.state.is_open();
                    let (c2s, s2c) = pair.bytes();
                    row.col(|ui| cell_ui(ui, &pair.id.to_string(), done));
                    row.col(|ui| {
                        if ui
                            .checkbox(&mut selected, pair.client_text.as_str())
                            .changed()
                        {
                            toggled = Some(pair.id);
                        }
                    });
                    let upstream = pair.upstream.map(|a| a.to_string()).unwrap_or_default();
                    row.col(|ui| cell_ui(ui, &upstream, done));
                    row.col(|ui| cell_ui(ui, &format!("{c2s} {}", texts.bytes), done));
                    row.col(|ui| cell_ui(ui, &format!("{s2c} {}", texts.bytes), done));
                    row.col(|ui| state_ui(ui, &pair.state, texts));
                    if row.response().clicked() {
                        clicked = Some(pair.id);
                    }
                });
            });
        if let Some(id) = toggled.or(clicked)
            && !self.selected.remove(&id)
        {
            self.selected.insert(id);
        }
    }
}

fn cell_ui(ui: &mut egui::Ui, text: &str, done: bool) {
    let text = if done {
        RichText::new(text).weak()
    } else {
        RichText::new(text)
    };
    ui.add(egui::Label::new(text).selectable(false));
}

/// The state in words.
pub fn state_text(state: &PairState, texts: &Texts) -> String {
    let words = texts.relay();
    let side = |side: Side, client, server, relay| match side {
        Side::Client => client,
        Side::Server => server,
        Side::Relay => relay,
    };
    match state {
        PairState::Connecting => words.connecting.to_owned(),
        PairState::Relaying => words.relaying.to_owned(),
        PairState::HalfClosed(by) => side(
            *by,
            words.half_closed_client,
            words.half_closed_server,
            words.closed_by_relay,
        )
        .to_owned(),
        PairState::Closed(by) => side(
            *by,
            words.closed_by_client,
            words.closed_by_server,
            words.closed_by_relay,
        )
        .to_owned(),
        PairState::Reset(by) => side(
            *by,
            words.reset_by_client,
            words.reset_by_server,
            words.reset_by_relay,
        )
        .to_owned(),
        PairState::Idle => words.idle_ended.to_owned(),
        PairState::Failed(reason) => format!("{}: {reason}", words.failed),
    }
}

fn state_ui(ui: &mut egui::Ui, state: &PairState, texts: &Texts) {
    let color = match state {
        PairState::Relaying => Color32::from_rgb(0x2e, 0x8b, 0x57),
        PairState::Connecting | PairState::HalfClosed(_) => Color32::from_rgb(0xc0, 0x80, 0x00),
        PairState::Failed(_) | PairState::Reset(_) => crate::ui::ERROR_COLOR,
        PairState::Closed(_) | PairState::Idle => Color32::GRAY,
    };
    let text = state_text(state, texts);
    ui.add(
        egui::Label::new(RichText::new(&text).color(color))
            .selectable(false)
            .truncate(),
    )
    .on_hover_text(text);
}

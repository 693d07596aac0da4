//! The TCP server's rate plot: all clients (the tab's counters) or only the clients
//! selected in the list (their own counters, added up), switched with one choice.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::engine::{ClientId, CounterSnapshot};
use crate::i18n::Texts;
use crate::ui::tcp_server::client_table::ClientTable;
use crate::ui::teaching::rate_plot::RatePlot;

#[derive(Debug, Default)]
pub struct ClientRatePlot {
    /// Plot the selected clients instead of all of them.
    pub selected_only: bool,
    plot: RatePlot,
    /// The selection the samples belong to; a new selection starts a new plot.
    following: BTreeSet<ClientId>,
}

impl ClientRatePlot {
    /// Samples the selected clients' counters (call every frame, like [`RatePlot::tick`]).
    pub fn tick(&mut self, now: Instant, clients: &ClientTable) {
        let selection = clients.selection();
        if *selection != self.following {
            self.following = selection.clone();
            self.plot.restart();
        }
        // Adding up the counters of thousands of ticked clients is left for the
        // frames that take a sample.
        if !self.following.is_empty() && self.plot.is_due(now) {
            self.plot.tick(now, clients.selected_counters());
        }
    }

    /// What is plotted now, for tests: `None` while it follows all clients.
    pub fn following(&self) -> Option<&BTreeSet<ClientId>> {
        (self.selected_only && !self.following.is_empty()).then_some(&self.following)
    }

    /// The selected clients' plot (empty while none is selected).
    pub fn plot(&self) -> &RatePlot {
        &self.plot
    }

    /// The choice, then the tab's plot or the selected clients' plot.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        all: &mut RatePlot,
        all_counters: CounterSnapshot,
        clients: &ClientTable,
    ) {
        let selected = clients.selection().len();
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.selected_only, false, texts.plot_all_clients);
            ui.radio_value(
                &mut self.selected_only,
                true,
                texts.plot_selected_count(selected),
            );
        });
        if !self.selected_only {
            all.ui(ui, texts, (texts.plot_rx, texts.plot_tx), all_counters);
        } else if selected == 0 {
            ui.weak(texts.plot_select_hint);
        } else {
            self.plot.show_packets = all.show_packets;
            self.plot.ui(
                ui,
                texts,
                (texts.plot_rx, texts.plot_tx),
                clients.selected_counters(),
            );
            all.show_packets = self.plot.show_packets;
        }
    }
}

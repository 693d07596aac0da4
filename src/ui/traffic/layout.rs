//! The layout every traffic tab shares: settings on the left, the send box at
//! the bottom, and in the middle the toolbar, the status line and the log.

use std::collections::HashSet;
use std::net::SocketAddr;

use crate::engine::{CaptureSink, CounterSnapshot};
use crate::i18n::{Lang, Texts};
use crate::ui::log::panel::{DisplaySettings, LogPanel, ToolbarAction};
use crate::ui::teaching::{TabView, ViewSettings};

/// The log's least height below the views, in points.
const LOG_MIN_HEIGHT: f32 = 120.0;

/// What a tab provides; [`tab_ui`] arranges it and applies the actions afterwards.
pub trait TabParts {
    /// What the user asked for in a frame, applied after drawing.
    type Action;
    /// Keeps the panels of different tabs apart.
    const ID: &'static str;

    fn settings_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Self::Action>);
    fn send_ui(&mut self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Self::Action>);
    fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts);
    fn counters(&self) -> CounterSnapshot;
    fn log_parts(&mut self) -> (&mut LogPanel, &mut DisplaySettings);
    /// The rate plot and the presenter captions.
    fn view(&mut self) -> &mut TabView;
    /// Hands a capture file to the running socket (`None` stops capturing).
    fn set_capture(&mut self, sink: Option<CaptureSink>);
    /// Zeroes the traffic counters, the engine's and the tab's own.
    fn reset_counters(&mut self);
    /// Between the status line and the log (the TCP server's client list).
    fn above_log_ui(&mut self, _ui: &mut egui::Ui, _lang: Lang, _actions: &mut Vec<Self::Action>) {}
    /// The rate plot (the TCP server adds a per-client choice).
    fn rate_plot_ui(&mut self, ui: &mut egui::Ui, texts: &Texts) {
        let counters = self.counters();
        self.view().plot.ui(ui, texts, counters);
    }
    /// Show only these peers' lines in the log.
    fn log_filter(&self) -> Option<HashSet<SocketAddr>> {
        None
    }
    fn handle(&mut self, action: Self::Action, lang: Lang);
}

pub fn tab_ui<T: TabParts>(tab: &mut T, ui: &mut egui::Ui, lang: Lang, view: &mut ViewSettings) {
    let texts = lang.texts();
    tab.view().presenter = view.presenter;
    tab.view().lang = lang;
    let mut actions = Vec::new();
    let mut toolbar = None;
    egui::Panel::left((T::ID, "settings"))
        .resizable(true)
        .default_size(260.0)
        .show(ui, |ui| tab.settings_ui(ui, lang, &mut actions));
    egui::Panel::bottom((T::ID, "send"))
        .resizable(true)
        .show(ui, |ui| tab.send_ui(ui, lang, &mut actions));
    egui::CentralPanel::default_margins().show(ui, |ui| {
        let counters = tab.counters();
        let (panel, display) = tab.log_parts();
        toolbar = panel.toolbar_ui(ui, texts, display, counters, view.presenter);
        tab.status_ui(ui, texts);
        if view.presenter {
            tab.view().captions.ui(ui);
        }
        ui.horizontal(|ui| {
            ui.toggle_value(&mut view.rate_plot, texts.rate_plot);
            ui.toggle_value(&mut view.timeline, texts.timeline);
        });
        // The views scroll rather than squeeze the log out: it keeps a third of
        // the height (presenter mode's zoom in a half-screen window needs this).
        let log_room = (ui.available_height() / 3.0).max(LOG_MIN_HEIGHT);
        egui::ScrollArea::vertical()
            .id_salt((T::ID, "views"))
            .max_height((ui.available_height() - log_room).max(0.0))
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if view.rate_plot {
                    tab.rate_plot_ui(ui, texts);
                }
                if view.timeline {
                    tab.view().timeline.ui(ui, texts);
                }
                tab.above_log_ui(ui, lang, &mut actions);
            });
        ui.separator();
        let filter = tab.log_filter();
        let (panel, display) = tab.log_parts();
        panel.log_ui(ui, texts, display, filter.as_ref(), view.presenter);
    });
    match toolbar {
        Some(ToolbarAction::Clear) => tab.log_parts().0.log.clear(),
        Some(ToolbarAction::ResetCounters) => tab.reset_counters(),
        Some(ToolbarAction::Capture(sink)) => tab.set_capture(sink),
        None => {}
    }
    for action in actions {
        tab.handle(action, lang);
    }
}

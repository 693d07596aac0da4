//! The layout every traffic tab shares: settings on the left, the send box at
//! the bottom, and in the middle the toolbar, the status line and the log.

use std::collections::HashSet;
use std::net::SocketAddr;

use super::log_panel::{DisplaySettings, LogPanel, ToolbarAction};
use super::presenter::{TabView, ViewSettings};
use crate::engine::CounterSnapshot;
use crate::i18n::{Lang, Texts};

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
    fn toolbar_action(action: ToolbarAction) -> Self::Action;
    /// Between the status line and the log (the TCP server's client list).
    fn above_log_ui(&mut self, _ui: &mut egui::Ui, _lang: Lang, _actions: &mut Vec<Self::Action>) {}
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
        if let Some(action) = panel.toolbar_ui(ui, texts, display, counters) {
            actions.push(T::toolbar_action(action));
        }
        tab.status_ui(ui, texts);
        if view.presenter {
            tab.view().captions.ui(ui);
        }
        ui.toggle_value(&mut view.rate_plot, texts.rate_plot);
        if view.rate_plot {
            tab.view().plot.ui(ui, texts, counters);
        }
        ui.toggle_value(&mut view.timeline, texts.timeline);
        if view.timeline {
            tab.view().timeline.ui(ui, texts);
        }
        tab.above_log_ui(ui, lang, &mut actions);
        ui.separator();
        let filter = tab.log_filter();
        let (panel, display) = tab.log_parts();
        panel.log_ui(ui, texts, display, filter.as_ref());
    });
    for action in actions {
        tab.handle(action, lang);
    }
}

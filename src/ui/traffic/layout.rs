//! The layout every traffic tab shares: settings on the left, the send box at
//! the bottom, and in the middle the toolbar, the status line and the log.

use super::{TabParts, TrafficTab};
use crate::i18n::Lang;
use crate::ui::log::panel::ToolbarAction;
use crate::ui::send::SendRequest;
use crate::ui::teaching::ViewSettings;

/// The log's least height below the views, in points; in presenter mode enough
/// for five rows (a row is about 23 points there).
const LOG_MIN_HEIGHT: f32 = 120.0;
const PRESENTER_LOG_MIN_HEIGHT: f32 = 125.0;
/// In presenter mode, a window narrower than this (in points) starts with the
/// settings column folded away: the log, the map and the timeline need the width.
const PRESENTER_NARROW: f32 = 1200.0;

pub fn tab_ui<T: TrafficTab>(tab: &mut T, ui: &mut egui::Ui, lang: Lang, view: &mut ViewSettings) {
    let texts = lang.texts();
    let traffic = tab.traffic_mut();
    traffic.view.presenter = view.presenter;
    traffic.view.lang = lang;
    let mut actions = Vec::new();
    let mut toolbar = None;
    let settings_panel = egui::Panel::left((T::ID, "settings"))
        .frame(crate::ui::backdrop::side_or_top_panel(ui.style()))
        .resizable(true)
        .default_size(260.0);
    let mut settings_shown = true;
    if view.presenter {
        let chosen = traffic.view.settings_shown;
        settings_shown = chosen.unwrap_or(ui.available_width() >= PRESENTER_NARROW);
        let before = settings_shown;
        settings_panel.show_collapsible(ui, &mut settings_shown, |ui| {
            tab.settings_ui(ui, lang, &mut actions)
        });
        if settings_shown != before {
            tab.traffic_mut().view.settings_shown = Some(settings_shown);
        }
    } else {
        traffic.view.settings_shown = None;
        settings_panel.show(ui, |ui| tab.settings_ui(ui, lang, &mut actions));
    }
    let mut send = None;
    if tab.has_send_box() {
        egui::Panel::bottom((T::ID, "send"))
            .frame(crate::ui::backdrop::side_or_top_panel(ui.style()))
            .resizable(true)
            .show(ui, |ui| send = send_box_ui(tab, ui, lang));
    }
    egui::CentralPanel::default()
        .frame(crate::ui::backdrop::central_panel(ui.style()))
        .show(ui, |ui| {
            // The rows the log shows (the search finds only those), from what the
            // tab chose last frame.
            let filter = tab.log_filter();
            let TabParts {
                traffic, display, ..
            } = tab.parts();
            let counters = traffic.counters();
            toolbar = traffic.panel.toolbar_ui(
                ui,
                texts,
                display,
                counters,
                filter.as_ref(),
                view.presenter,
            );
            ui.horizontal(|ui| {
                if view.presenter {
                    let toggle = ui
                        .toggle_value(&mut settings_shown, texts.settings_column)
                        .on_hover_text(texts.settings_column_tip);
                    if toggle.changed() {
                        tab.traffic_mut().view.settings_shown = Some(settings_shown);
                    }
                    if !settings_shown {
                        let (label, action) = tab.main_action(texts);
                        if ui.button(label).clicked() {
                            actions.push(action);
                        }
                    }
                }
                tab.status_ui(ui, texts);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    tab.traffic().panel.line_count_ui(ui, texts);
                });
            });
            if view.presenter {
                tab.traffic_mut().view.captions.ui(ui);
            }
            ui.horizontal(|ui| {
                ui.toggle_value(&mut view.rate_plot, texts.rate_plot);
                ui.toggle_value(&mut view.timeline, texts.timeline);
            });
            // The views scroll rather than squeeze the log out: it keeps a third of
            // the height (presenter mode's zoom in a half-screen window needs this).
            let least = if view.presenter {
                PRESENTER_LOG_MIN_HEIGHT
            } else {
                LOG_MIN_HEIGHT
            };
            let log_room = (ui.available_height() / 3.0).max(least);
            egui::ScrollArea::vertical()
                .id_salt((T::ID, "views"))
                .max_height((ui.available_height() - log_room).max(0.0))
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if view.rate_plot {
                        tab.rate_plot_ui(ui, texts);
                    }
                    if view.timeline {
                        tab.traffic_mut()
                            .view
                            .timeline
                            .ui(ui, texts, view.presenter);
                    }
                    tab.above_log_ui(ui, lang, &mut actions);
                });
            ui.separator();
            let TabParts {
                traffic, display, ..
            } = tab.parts();
            traffic
                .panel
                .log_ui(ui, texts, display, filter.as_ref(), view.presenter);
        });
    match toolbar {
        Some(ToolbarAction::Clear) => tab.traffic_mut().panel.log.clear(),
        Some(ToolbarAction::ResetCounters) => {
            tab.traffic_mut().reset_counters();
            tab.reset_own_counters();
        }
        Some(ToolbarAction::Capture(sink)) => tab.traffic().set_capture(sink),
        None => {}
    }
    for action in actions {
        tab.handle(action);
    }
    if let Some(request) = send {
        tab.send(request);
    }
}

/// Where the message goes, then the send box; what the user asked to send.
fn send_box_ui<T: TrafficTab>(tab: &mut T, ui: &mut egui::Ui, lang: Lang) -> Option<SendRequest> {
    ui.add_space(4.0);
    tab.send_target_ui(ui, lang);
    let max_len = tab.max_message();
    let TabParts {
        traffic,
        display,
        send,
    } = tab.parts();
    let request = traffic.send_box_ui(ui, send, display.encoding, lang, max_len);
    ui.add_space(2.0);
    request
}

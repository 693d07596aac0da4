//! The Replay panel's choices, kept in the tab's settings, and the row that edits them.

use std::path::PathBuf;

use egui::ComboBox;
use serde::{Deserialize, Serialize};

use crate::engine::replay::Side;
use crate::i18n::Texts;
use crate::ui::labelled_field_ui;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SpeedChoice {
    Half,
    #[default]
    One,
    Two,
    Custom,
    Asap,
}

impl SpeedChoice {
    pub(super) const ALL: [SpeedChoice; 5] = [
        SpeedChoice::Half,
        SpeedChoice::One,
        SpeedChoice::Two,
        SpeedChoice::Custom,
        SpeedChoice::Asap,
    ];

    pub(super) fn name(self, texts: &Texts) -> &'static str {
        let words = texts.replay();
        match self {
            SpeedChoice::Half => "×0.5",
            SpeedChoice::One => "×1",
            SpeedChoice::Two => "×2",
            SpeedChoice::Custom => words.speed_custom,
            SpeedChoice::Asap => words.speed_asap,
        }
    }
}

/// What the panel remembers across restarts, inside the tab's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplaySettings {
    /// The capture last chosen: where the dialog opens next time.
    pub file: Option<PathBuf>,
    pub side: Side,
    pub speed: SpeedChoice,
    pub custom_speed: String,
    pub wait_reply: bool,
    /// The peer in the capture, when it holds several conversations.
    pub peer: String,
}

impl Default for ReplaySettings {
    fn default() -> Self {
        ReplaySettings {
            file: None,
            side: Side::Sent,
            speed: SpeedChoice::One,
            custom_speed: "4".to_owned(),
            wait_reply: false,
            peer: String::new(),
        }
    }
}

/// Which messages, how fast, whether to wait for replies, and the peer.
pub(super) fn options_ui(ui: &mut egui::Ui, texts: &Texts, settings: &mut ReplaySettings) {
    let words = texts.replay();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(words.side);
        ComboBox::from_id_salt("replay_side")
            .selected_text(texts.replay_side(settings.side))
            .show_ui(ui, |ui| {
                for side in [Side::Sent, Side::Received] {
                    ui.selectable_value(&mut settings.side, side, texts.replay_side(side));
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(words.speed);
        ComboBox::from_id_salt("replay_speed")
            .selected_text(settings.speed.name(texts))
            .show_ui(ui, |ui| {
                for speed in SpeedChoice::ALL {
                    ui.selectable_value(&mut settings.speed, speed, speed.name(texts));
                }
            })
            .response
            .labelled_by(label.id);
        if settings.speed == SpeedChoice::Custom {
            labelled_field_ui(
                ui,
                words.custom_speed,
                &mut settings.custom_speed,
                words.custom_speed_hint,
                60.0,
            );
        }
        ui.checkbox(&mut settings.wait_reply, words.wait_reply)
            .on_hover_text(words.wait_reply_tip);
    });
    ui.horizontal(|ui| {
        labelled_field_ui(ui, words.peer, &mut settings.peer, words.peer_hint, 180.0);
    });
}

//! The framing choice both TCP tabs show: which framing, and the fields it needs,
//! kept in the tab's settings. It can be changed while stopped; a connection
//! keeps the framing it started with.

use egui::{ComboBox, DragValue};
use serde::{Deserialize, Serialize};

use crate::codec::framing::{
    Endian, FramingKind, LengthPrefix, LengthWidth, MAX_FIXED, MAX_IDLE_MS, MAX_LENGTH_ADJUST,
    MAX_LENGTH_OFFSET, parse_delimiter,
};
use crate::codec::{Framing, FramingError};
use crate::i18n::{Describe, Lang, Texts};
use crate::ui::{error_ui, labelled_field_ui};

/// The framing as set in the window: the choice, and every framing's fields (so
/// switching back and forth keeps what was typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FramingSettings {
    pub kind: FramingKind,
    /// HEX, as typed.
    pub delimiter: String,
    pub fixed_size: usize,
    pub length: LengthPrefix,
    pub idle_ms: u32,
}

impl Default for FramingSettings {
    fn default() -> Self {
        FramingSettings {
            kind: FramingKind::AsRead,
            delimiter: "0D 0A".to_owned(),
            fixed_size: 16,
            length: LengthPrefix::default(),
            idle_ms: 50,
        }
    }
}

impl FramingSettings {
    /// The framing these settings describe, or what is wrong with them.
    pub fn framing(&self) -> Result<Framing, FramingError> {
        let framing = match self.kind {
            FramingKind::AsRead => Framing::AsRead,
            FramingKind::Line => Framing::Line,
            FramingKind::Delimiter => parse_delimiter(&self.delimiter)?,
            FramingKind::Fixed => Framing::Fixed(self.fixed_size),
            FramingKind::LengthPrefix => Framing::LengthPrefix(self.length),
            FramingKind::Idle => Framing::Idle {
                gap_ms: self.idle_ms,
            },
        };
        framing.validate()?;
        Ok(framing)
    }
}

/// Draws the choice and its fields (disabled while `running`), and what is wrong
/// with them if anything.
pub fn framing_ui(ui: &mut egui::Ui, lang: Lang, settings: &mut FramingSettings, running: bool) {
    let texts = lang.texts();
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal(|ui| {
            let label = ui.label(texts.framing()).on_hover_text(texts.framing_tip());
            ComboBox::from_id_salt("framing")
                .selected_text(texts.framing_kind(settings.kind))
                .show_ui(ui, |ui| {
                    for kind in FramingKind::ALL {
                        ui.selectable_value(&mut settings.kind, kind, texts.framing_kind(kind));
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(texts.framing_tip())
                .on_disabled_hover_text(texts.framing_tip());
        });
        fields_ui(ui, texts, settings);
    });
    if let Err(error) = settings.framing() {
        error_ui(ui, &error.describe(lang));
    }
}

fn fields_ui(ui: &mut egui::Ui, texts: &Texts, settings: &mut FramingSettings) {
    match settings.kind {
        FramingKind::AsRead | FramingKind::Line => {}
        FramingKind::Delimiter => {
            ui.horizontal(|ui| {
                labelled_field_ui(
                    ui,
                    texts.framing_delimiter(),
                    &mut settings.delimiter,
                    "0D 0A",
                    90.0,
                );
            });
        }
        FramingKind::Fixed => number_ui(
            ui,
            texts.framing_fixed_size(),
            &mut settings.fixed_size,
            1..=MAX_FIXED,
        ),
        FramingKind::LengthPrefix => length_ui(ui, texts, &mut settings.length),
        FramingKind::Idle => number_ui(
            ui,
            texts.framing_idle_gap(),
            &mut settings.idle_ms,
            1..=MAX_IDLE_MS,
        ),
    }
}

fn length_ui(ui: &mut egui::Ui, texts: &Texts, length: &mut LengthPrefix) {
    ui.horizontal(|ui| {
        let label = ui.label(texts.framing_width());
        ComboBox::from_id_salt("framing_width")
            .selected_text(texts.framing_width_bytes(length.width.bytes()))
            .show_ui(ui, |ui| {
                for width in LengthWidth::ALL {
                    ui.selectable_value(
                        &mut length.width,
                        width,
                        texts.framing_width_bytes(width.bytes()),
                    );
                }
            })
            .response
            .labelled_by(label.id);
    });
    let mut big = length.endian == Endian::Big;
    if ui.checkbox(&mut big, texts.framing_big_endian()).changed() {
        length.endian = if big { Endian::Big } else { Endian::Little };
    }
    number_ui(
        ui,
        texts.framing_offset(),
        &mut length.offset,
        0..=MAX_LENGTH_OFFSET,
    );
    ui.checkbox(&mut length.counts_whole_frame, texts.framing_whole_frame());
    number_ui(
        ui,
        texts.framing_adjust(),
        &mut length.adjust,
        -MAX_LENGTH_ADJUST..=MAX_LENGTH_ADJUST,
    );
}

fn number_ui<N: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut N,
    range: std::ops::RangeInclusive<N>,
) {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.add(DragValue::new(value).range(range))
            .labelled_by(label.id);
    });
}

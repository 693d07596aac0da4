//! The message editor: text or HEX, optional escapes, a live byte count and a
//! clear error before anything is sent.

use egui::{Color32, Key, Modifiers, RichText, TextEdit};

use crate::codec::{CodecError, PayloadMode, TextEncoding, build_payload};
use crate::i18n::{Describe, Lang};

#[derive(Debug)]
pub struct SendBox {
    pub text: String,
    pub mode: PayloadMode,
    pub escapes: bool,
    /// The payload built from the inputs below, rebuilt only when one of them changes.
    built: Option<(BuildKey, Result<Vec<u8>, CodecError>)>,
}

#[derive(Debug)]
struct BuildKey {
    text: String,
    mode: PayloadMode,
    escapes: bool,
    encoding: TextEncoding,
}

impl SendBox {
    pub fn new(mode: PayloadMode, escapes: bool) -> Self {
        Self {
            text: String::new(),
            mode,
            escapes,
            built: None,
        }
    }

    /// The bytes that would go out now, or why they cannot.
    pub fn payload(&mut self, encoding: TextEncoding) -> &Result<Vec<u8>, CodecError> {
        // Compared in place: cloning a large message every frame would cost more than it saves.
        let stale = self.built.as_ref().is_none_or(|(key, _)| {
            key.text != self.text
                || key.mode != self.mode
                || key.escapes != self.escapes
                || key.encoding != encoding
        });
        if stale {
            self.built = None;
        }
        let (_, result) = self.built.get_or_insert_with(|| {
            let key = BuildKey {
                text: self.text.clone(),
                mode: self.mode,
                escapes: self.escapes,
                encoding,
            };
            let result = build_payload(&key.text, key.mode, key.encoding, key.escapes);
            (key, result)
        });
        result
    }

    /// Draws the box; returns true when the user asked to send (button or Ctrl+Enter).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        encoding: TextEncoding,
        lang: Lang,
        max_len: usize,
    ) -> bool {
        let texts = lang.texts();
        let editor_id = ui.make_persistent_id("send_box_editor");
        let mut wants_send = ui.memory(|m| m.has_focus(editor_id))
            && ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Enter));

        let mut label_id = None;
        ui.horizontal(|ui| {
            label_id = Some(ui.label(texts.send_box).id);
            ui.radio_value(&mut self.mode, PayloadMode::Text, texts.mode_text);
            ui.radio_value(&mut self.mode, PayloadMode::Hex, texts.mode_hex);
            ui.add_enabled(
                self.mode == PayloadMode::Text,
                egui::Checkbox::new(&mut self.escapes, texts.escapes),
            )
            .on_hover_text(texts.escapes_tip);
        });
        ui.horizontal(|ui| {
            let button_width = 72.0;
            let editor = TextEdit::multiline(&mut self.text)
                .id(editor_id)
                .hint_text(texts.send_hint)
                .desired_rows(3)
                .code_editor()
                .desired_width(ui.available_width() - button_width - 8.0);
            let response = ui.add(editor);
            if let Some(label_id) = label_id {
                response.labelled_by(label_id);
            }
            if ui
                .add_sized([button_width, 40.0], egui::Button::new(texts.send))
                .clicked()
            {
                wants_send = true;
            }
        });

        let problem = match self.payload(encoding) {
            Ok(bytes) if bytes.len() > max_len => Some(
                crate::engine::EngineError::PayloadTooLarge {
                    len: bytes.len(),
                    max: max_len,
                }
                .describe(lang),
            ),
            Ok(bytes) => {
                ui.weak(format!("{} {}", bytes.len(), texts.bytes));
                None
            }
            Err(err) => Some(err.describe(lang)),
        };
        if let Some(message) = &problem {
            ui.label(RichText::new(message).color(Color32::from_rgb(0xd0, 0x30, 0x30)));
        }
        wants_send && problem.is_none()
    }
}

//! The message editor every traffic tab shares: text or HEX, escapes, variables, a line end,
//! a checksum, a live preview of the exact bytes, history (↑/↓), periodic send,
//! sending a file, and quick commands.

pub mod jobs;
pub mod quick_commands;

use egui::{ComboBox, Key, Modifiers, RichText, TextEdit};
use serde::{Deserialize, Serialize};

use super::error_ui;
use super::send::jobs::{JobRequest, SendJobs, SendProblem};
use super::send::quick_commands::{Preset, PresetFiles, presets_ui};
use crate::codec::{
    Checksum, CodecError, LineEnding, MessageMaker, PayloadMode, SendOptions, SeqCounter,
    TextEncoding, format_hex,
};
use crate::engine::{EngineError, Repeater, SendFn, SendOutcome};
use crate::i18n::{Describe, Lang, Texts};

/// Messages remembered for ↑/↓.
const HISTORY: usize = 100;
/// Bytes shown in the preview; the length always counts them all.
const PREVIEW_BYTES: usize = 64;

/// What the send box remembers across restarts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SendSettings {
    pub options: SendOptions,
    pub history: Vec<String>,
    pub presets: Vec<Preset>,
    pub jobs: super::send::jobs::JobSettings,
}

/// What the user asked the tab to do.
pub enum SendRequest {
    Now(Vec<u8>),
    Job(JobRequest),
}

/// The send box's running parts. What it remembers (options, history, quick
/// commands, job settings) is the tab's [`SendSettings`], passed in, so a tab's
/// settings are saved as they are.
#[derive(Default)]
pub struct SendBox {
    pub text: String,
    /// Where ↑/↓ is in the history; `None` while typing something new.
    recalled: Option<usize>,
    /// The last request came from the editor (not a quick command), so a
    /// successful send puts the editor's text into the history.
    from_editor: bool,
    preset_files: PresetFiles,
    jobs: SendJobs,
    /// The message built from the inputs below, rebuilt only when one of them
    /// changes (or, with variables, when `${seq}` moved on).
    built: Option<Built>,
    /// This tab's `${seq}`: the editor, its quick commands and its periodic send count together.
    counter: SeqCounter,
}

struct Built {
    key: BuildKey,
    maker: Result<MessageMaker, CodecError>,
    /// The next send's bytes, for the preview.
    preview: Result<Vec<u8>, CodecError>,
}

#[derive(Debug, PartialEq)]
struct BuildKey {
    text: String,
    options: SendOptions,
    encoding: TextEncoding,
    seq: u64,
}

impl SendBox {
    /// The bytes the next send would put out, or why it cannot.
    pub fn payload(
        &mut self,
        options: SendOptions,
        encoding: TextEncoding,
    ) -> &Result<Vec<u8>, CodecError> {
        &self.built(options, encoding).preview
    }

    fn built(&mut self, options: SendOptions, encoding: TextEncoding) -> &mut Built {
        let seq = self.counter.peek();
        // Compared in place: cloning a large message every frame would cost more than it saves.
        let stale = self.built.as_ref().is_none_or(|built| {
            let key = &built.key;
            key.text != self.text
                || key.options != options
                || key.encoding != encoding
                || (options.vars && key.seq != seq)
        });
        if stale {
            self.built = None;
        }
        self.built.get_or_insert_with(|| {
            let mut maker = MessageMaker::new(&self.text, options, encoding, self.counter.clone());
            let preview = match &mut maker {
                Ok(maker) => maker.preview(),
                Err(error) => Err(error.clone()),
            };
            Built {
                key: BuildKey {
                    text: self.text.clone(),
                    options,
                    encoding,
                    seq,
                },
                maker,
                preview,
            }
        })
    }

    /// The bytes for a send going out now (with variables: expanded afresh, the
    /// next `${seq}` used).
    fn next_message(&mut self, options: SendOptions, encoding: TextEncoding) -> Option<Vec<u8>> {
        match &mut self.built(options, encoding).maker {
            Ok(maker) => maker.next_send().ok(),
            Err(_) => None,
        }
    }

    /// A message went out (or was queued): remember it for ↑/↓, newest first.
    pub fn remember(&mut self, settings: &mut SendSettings) {
        if !std::mem::take(&mut self.from_editor) {
            return;
        }
        self.recalled = None;
        if self.text.is_empty() || settings.history.first() == Some(&self.text) {
            return;
        }
        settings.history.insert(0, self.text.clone());
        settings.history.truncate(HISTORY);
    }

    /// A periodic send or file send started (or could not).
    pub fn job_started(&mut self, job: Result<Repeater, EngineError>) {
        self.jobs.started(job);
    }

    /// Draws the box; returns what the user asked for. In presenter mode only the
    /// message, Text/HEX, the Send button and the bytes' preview show.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        settings: &mut SendSettings,
        encoding: TextEncoding,
        lang: Lang,
        max_len: usize,
        presenter: bool,
    ) -> Option<SendRequest> {
        let texts = lang.texts();
        let editor_id = ui.make_persistent_id("send_box_editor");
        let focused = ui.memory(|m| m.has_focus(editor_id));
        let mut wants_send =
            focused && ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Enter));
        if focused {
            self.recall_ui(ui, &settings.history);
        }
        let mut request = None;
        if let Some(preset) = preset_shortcut(ui, &settings.presets) {
            request = self.preset_request(preset, encoding);
        }

        let label_id = options_ui(ui, &mut settings.options, texts, presenter);
        let options = settings.options;
        ui.horizontal(|ui| {
            let button_width = 72.0;
            let editor = TextEdit::multiline(&mut self.text)
                .id(editor_id)
                .hint_text(texts.send_hint)
                .desired_rows(if presenter { 2 } else { 3 })
                .code_editor()
                .desired_width(ui.available_width() - button_width - 8.0);
            ui.add(editor)
                .labelled_by(label_id)
                .on_hover_text(texts.history_tip);
            if ui
                .add_sized([button_width, 40.0], egui::Button::new(texts.send))
                .clicked()
            {
                wants_send = true;
            }
        });

        let problem = self.preview_ui(ui, options, encoding, lang, max_len);
        if wants_send
            && problem.is_none()
            && let Some(bytes) = self.next_message(options, encoding)
        {
            request = Some(SendRequest::Now(bytes));
            self.from_editor = true;
        }
        let message = match &self.built(options, encoding).maker {
            Ok(maker) if problem.is_none() => Some(maker.clone()),
            _ => None,
        };
        if presenter {
            return request;
        }
        if let Some(job) = self.jobs.ui(ui, lang, &mut settings.jobs, message) {
            request = Some(SendRequest::Job(job));
        }
        let mut clicked = None;
        presets_ui(
            ui,
            texts,
            &mut settings.presets,
            &self.text,
            options,
            &mut self.preset_files,
            &mut clicked,
        );
        if let Some(index) = clicked
            && let Some(preset) = settings.presets.get(index).cloned()
        {
            request = self.preset_request(preset, encoding);
        }
        request
    }

    /// The exact bytes (HEX, cut at [`PREVIEW_BYTES`]) and their count, or why
    /// there are none; returns the problem, if any.
    fn preview_ui(
        &mut self,
        ui: &mut egui::Ui,
        options: SendOptions,
        encoding: TextEncoding,
        lang: Lang,
        max_len: usize,
    ) -> Option<String> {
        let texts = lang.texts();
        let problem = match self.payload(options, encoding) {
            Ok(bytes) if bytes.len() > max_len => Some(
                EngineError::PayloadTooLarge {
                    len: bytes.len(),
                    max: max_len,
                }
                .describe(lang),
            ),
            Ok(bytes) => {
                let shown = format_hex(&bytes[..bytes.len().min(PREVIEW_BYTES)]);
                let more = if bytes.len() > PREVIEW_BYTES {
                    " …"
                } else {
                    ""
                };
                ui.label(
                    RichText::new(format!(
                        "{} {} {}: {shown}{more}",
                        texts.preview,
                        bytes.len(),
                        texts.bytes
                    ))
                    .monospace()
                    .weak(),
                );
                None
            }
            Err(err) => Some(err.describe(lang)),
        };
        if let Some(message) = &problem {
            error_ui(ui, message);
        }
        problem
    }

    /// ↑/↓ in a one-line message bring back earlier ones.
    fn recall_ui(&mut self, ui: &mut egui::Ui, history: &[String]) {
        if self.text.contains('\n') || history.is_empty() {
            return;
        }
        let (up, down) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
            )
        });
        let next = match (up, down, self.recalled) {
            (true, _, None) => Some(0),
            (true, _, Some(at)) => Some((at + 1).min(history.len() - 1)),
            (false, true, Some(0)) => {
                self.recalled = None;
                self.text.clear();
                None
            }
            (false, true, Some(at)) => Some(at - 1),
            _ => None,
        };
        if let Some(at) = next
            && let Some(text) = history.get(at)
        {
            self.recalled = Some(at);
            self.text = text.clone();
        }
    }

    /// A quick command goes out with its own text and options; a bad one says why.
    fn preset_request(&mut self, preset: Preset, encoding: TextEncoding) -> Option<SendRequest> {
        let built = MessageMaker::new(&preset.text, preset.options, encoding, self.counter.clone())
            .and_then(|mut maker| maker.next_send());
        match built {
            Ok(bytes) => {
                self.from_editor = false;
                Some(SendRequest::Now(bytes))
            }
            Err(error) => {
                self.jobs.report_problem(SendProblem::QuickCommand {
                    name: preset.name,
                    error,
                });
                None
            }
        }
    }
}

/// Text/HEX, escapes, line end, checksum (only Text/HEX in presenter mode), on
/// as many rows as the window's width needs; returns the label naming the editor.
fn options_ui(
    ui: &mut egui::Ui,
    options: &mut SendOptions,
    texts: &Texts,
    presenter: bool,
) -> egui::Id {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(texts.send_box).id;
        ui.radio_value(&mut options.mode, PayloadMode::Text, texts.mode_text);
        ui.radio_value(&mut options.mode, PayloadMode::Hex, texts.mode_hex);
        if presenter {
            return label;
        }
        ui.add_enabled(
            options.mode == PayloadMode::Text,
            egui::Checkbox::new(&mut options.escapes, texts.escapes),
        )
        .on_hover_text(texts.escapes_tip);
        ui.checkbox(&mut options.vars, texts.vars)
            .on_hover_text(texts.vars_tip);
        ui.separator();
        // Each label with its list, so a narrow window wraps them together.
        keep_together(ui, texts.line_ending, LINE_ENDING_WIDTH);
        ui.horizontal(|ui| {
            let ending = ui.label(texts.line_ending);
            ComboBox::from_id_salt("line_ending")
                .selected_text(options.line_ending.label())
                .width(LINE_ENDING_WIDTH)
                .show_ui(ui, |ui| {
                    for ending in LineEnding::ALL {
                        ui.selectable_value(&mut options.line_ending, ending, ending.label());
                    }
                })
                .response
                .labelled_by(ending.id);
        });
        keep_together(ui, texts.checksum, CHECKSUM_WIDTH);
        ui.horizontal(|ui| {
            let checksum = ui.label(texts.checksum).on_hover_text(texts.checksum_tip);
            ComboBox::from_id_salt("checksum")
                .selected_text(checksum_label(options.checksum, texts))
                .width(CHECKSUM_WIDTH)
                .show_ui(ui, |ui| {
                    for kind in Checksum::ALL {
                        ui.selectable_value(
                            &mut options.checksum,
                            kind,
                            checksum_label(kind, texts),
                        );
                    }
                })
                .response
                .labelled_by(checksum.id)
                .on_hover_text(texts.checksum_tip);
        });
        label
    })
    .inner
}

const LINE_ENDING_WIDTH: f32 = 64.0;
const CHECKSUM_WIDTH: f32 = 110.0;

/// In a wrapping row, starts a new row unless `label` and a list `list_width`
/// wide both fit on this one (a row wraps between widgets, not inside a group).
fn keep_together(ui: &mut egui::Ui, label: &str, list_width: f32) {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let label_width = ui
        .painter()
        .layout_no_wrap(label.to_owned(), font, egui::Color32::PLACEHOLDER)
        .size()
        .x;
    let spacing = &ui.spacing();
    let needed = label_width
        + list_width
        + 2.0 * spacing.button_padding.x
        + spacing.icon_width
        + 2.0 * spacing.item_spacing.x;
    // In a wrapping row `available_width` is the whole row's width.
    let left_on_this_row = ui.max_rect().right() - ui.cursor().left();
    if left_on_this_row < needed {
        ui.end_row();
    }
}

/// Ctrl+1 … Ctrl+9 send the first nine quick commands.
fn preset_shortcut(ui: &mut egui::Ui, presets: &[Preset]) -> Option<Preset> {
    const KEYS: [Key; 9] = [
        Key::Num1,
        Key::Num2,
        Key::Num3,
        Key::Num4,
        Key::Num5,
        Key::Num6,
        Key::Num7,
        Key::Num8,
        Key::Num9,
    ];
    let pressed = ui.input_mut(|i| {
        KEYS.iter()
            .position(|key| i.consume_key(Modifiers::COMMAND, *key))
    })?;
    presets.get(pressed).cloned()
}

/// Sends one message through a tab's [`SendFn`] right now; true if it went out.
pub fn send_now(mut send: SendFn, bytes: Vec<u8>) -> bool {
    send(bytes) == SendOutcome::Sent
}

fn checksum_label(checksum: Checksum, texts: &Texts) -> &'static str {
    match checksum {
        Checksum::None => texts.no_checksum,
        Checksum::Sum8 => "sum8",
        Checksum::Xor8 => "xor8",
        Checksum::Crc16Modbus => "CRC-16/Modbus",
        Checksum::Crc16CcittFalse => "CRC-16/CCITT-FALSE",
        Checksum::Crc32 => "CRC-32",
    }
}

//! The step list: one row per step (its live state, kind, fields, on-failure
//! choice, Up / Down / Remove), a repeat's block indented below it, and under a
//! failed expect what came instead.

use egui::{ComboBox, DragValue, RichText, TextEdit};

use super::PASS_COLOR;
use super::run::{RunView, StepResult, StepState};
use super::steps::{Edit, ExpectMode, SendMode, StepKind, StepPath, StepSettings};
use crate::codec::{TextEncoding, visible_text};
use crate::engine::sequence::{MAX_REPEAT, MAX_TIMEOUT_MS};
use crate::i18n::{SequenceWords, Texts};
use crate::ui::ERROR_COLOR;

/// How much of what a failed expect received the row shows (all of it on hover).
const SHOWN_CHARS: usize = 120;
/// The state cell's width, so the fields after it do not move as a run goes.
const STATE_WIDTH: f32 = 90.0;

/// The steps' numbers as the panel shows them, in preorder: `1`, `2`, `2.1`.
pub fn numbers(steps: &[StepSettings]) -> Vec<String> {
    fn walk(steps: &[StepSettings], prefix: &str, out: &mut Vec<String>) {
        for (index, step) in steps.iter().enumerate() {
            let number = format!("{prefix}{}", index + 1);
            out.push(number.clone());
            if step.kind == StepKind::Repeat {
                walk(&step.steps, &format!("{number}."), out);
            }
        }
    }
    let mut out = Vec::new();
    walk(steps, "", &mut out);
    out
}

/// Where the row walk is: the step's preorder index and its path.
struct Walk<'a> {
    texts: &'a Texts,
    view: Option<&'a RunView>,
    encoding: TextEncoding,
    next: usize,
    edits: &'a mut Vec<Edit>,
}

pub fn steps_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    steps: &mut [StepSettings],
    view: Option<&RunView>,
    encoding: TextEncoding,
    edits: &mut Vec<Edit>,
) {
    let words = texts.sequence();
    if steps.is_empty() {
        ui.weak(words.empty);
    }
    let mut walk = Walk {
        texts,
        view,
        encoding,
        next: 0,
        edits,
    };
    block_ui(ui, &mut walk, steps, &[]);
    if ui.button(words.add_step).clicked() {
        walk.edits.push(Edit::Add);
    }
}

fn block_ui(ui: &mut egui::Ui, walk: &mut Walk<'_>, steps: &mut [StepSettings], outer: &[usize]) {
    let count = steps.len();
    for (index, step) in steps.iter_mut().enumerate() {
        let mut path: StepPath = outer.to_vec();
        path.push(index);
        let preorder = walk.next;
        walk.next += 1;
        ui.push_id(("sequence_step", preorder), |ui| {
            row_ui(ui, walk, step, &path, preorder, (index, count));
        });
        if step.kind == StepKind::Repeat {
            block_ui(ui, walk, &mut step.steps, &path);
        }
    }
}

fn row_ui(
    ui: &mut egui::Ui,
    walk: &mut Walk<'_>,
    step: &mut StepSettings,
    path: &StepPath,
    preorder: usize,
    (index, count): (usize, usize),
) {
    let texts = walk.texts;
    let words = texts.sequence();
    let number = path
        .iter()
        .map(|i| (i + 1).to_string())
        .collect::<Vec<_>>()
        .join(".");
    let result = walk.view.and_then(|view| view.results.get(preorder));
    // Wrapped rather than cut off when the window is narrow.
    ui.horizontal_wrapped(|ui| {
        ui.add_space(24.0 * (path.len() - 1) as f32);
        let name = ui.label(texts.sequence_step(&number));
        state_ui(ui, texts, step, result);
        ComboBox::from_id_salt("kind")
            .selected_text(kind_name(words, step.kind))
            .width(64.0)
            .show_ui(ui, |ui| {
                for kind in StepKind::ALL {
                    // One level of blocks in the window (the engine takes more from a file).
                    if kind == StepKind::Repeat && path.len() > 1 && step.kind != kind {
                        continue;
                    }
                    ui.selectable_value(&mut step.kind, kind, kind_name(words, kind));
                }
            })
            .response
            .labelled_by(name.id);
        fields_ui(
            ui,
            words,
            step,
            name.id,
            path.len() == 1,
            &mut *walk.edits,
            path,
        );
        ui.checkbox(&mut step.continue_on_fail, words.continue_on_fail)
            .on_hover_text(words.continue_on_fail_tip);
        if ui
            .add_enabled(index > 0, egui::Button::new(words.move_up).small())
            .clicked()
        {
            walk.edits.push(Edit::MoveUp(path.clone()));
        }
        if ui
            .add_enabled(
                index + 1 < count,
                egui::Button::new(words.move_down).small(),
            )
            .clicked()
        {
            walk.edits.push(Edit::MoveDown(path.clone()));
        }
        if ui.small_button(words.remove).clicked() {
            walk.edits.push(Edit::Remove(path.clone()));
        }
    });
    if let Some(report) = result.and_then(|result| result.failure.as_ref()) {
        let received = visible_text(&walk.encoding.decode(&report.received));
        let message = if received.is_empty() && !report.closed {
            texts.sequence_got_nothing(report.timeout_ms.unwrap_or(0))
        } else {
            texts.sequence_got(&received, report.closed)
        };
        let shown: String = message.chars().take(SHOWN_CHARS).collect();
        ui.horizontal(|ui| {
            ui.add_space(24.0 * path.len() as f32);
            ui.label(RichText::new(shown).color(ERROR_COLOR))
                .on_hover_text(message);
        });
    }
}

/// The step's state in the last run, in a cell of its own width.
fn state_ui(ui: &mut egui::Ui, texts: &Texts, step: &StepSettings, result: Option<&StepResult>) {
    let words = texts.sequence();
    let text = match result {
        None => RichText::new(""),
        Some(result) if step.kind == StepKind::Repeat => {
            if result.iteration == 0 {
                RichText::new(words.state_waiting).weak()
            } else {
                RichText::new(texts.sequence_iteration(result.iteration, step.times))
            }
        }
        Some(result) => match result.state {
            StepState::Waiting => RichText::new(words.state_waiting).weak(),
            StepState::Running => RichText::new(words.state_running).strong(),
            StepState::Pass => {
                RichText::new(texts.sequence_result(true, result.ms)).color(PASS_COLOR)
            }
            StepState::Fail => {
                RichText::new(texts.sequence_result(false, result.ms)).color(ERROR_COLOR)
            }
        },
    };
    let cell = egui::vec2(STATE_WIDTH, ui.spacing().interact_size.y);
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    let shown = ui.allocate_ui_with_layout(cell, layout, |ui| {
        ui.set_min_size(cell);
        ui.add(egui::Label::new(text).truncate())
    });
    if let Some(result) = result
        && result.passed + result.failed > 1
    {
        shown
            .inner
            .on_hover_text(texts.sequence_tally(result.passed, result.failed));
    }
}

fn fields_ui(
    ui: &mut egui::Ui,
    words: &SequenceWords,
    step: &mut StepSettings,
    name: egui::Id,
    top_level: bool,
    edits: &mut Vec<Edit>,
    path: &StepPath,
) {
    match step.kind {
        StepKind::Send => {
            ComboBox::from_id_salt("send_mode")
                .selected_text(send_mode_name(words, step.send_mode))
                .width(56.0)
                .show_ui(ui, |ui| {
                    for mode in SendMode::ALL {
                        ui.selectable_value(&mut step.send_mode, mode, send_mode_name(words, mode));
                    }
                })
                .response
                .labelled_by(name);
            let hint = match step.send_mode {
                SendMode::Text => "你好 ${seq}",
                SendMode::Hex => "01 03 ${seq:u16be}",
                SendMode::File => "request.bin",
            };
            text_ui(ui, &mut step.text, hint, name);
        }
        StepKind::Expect => {
            ComboBox::from_id_salt("expect_mode")
                .selected_text(expect_mode_name(words, step.expect_mode))
                .width(64.0)
                .show_ui(ui, |ui| {
                    for mode in ExpectMode::ALL {
                        let label = expect_mode_name(words, mode);
                        ui.selectable_value(&mut step.expect_mode, mode, label);
                    }
                })
                .response
                .labelled_by(name);
            let hint = match step.expect_mode {
                ExpectMode::Hex => "06",
                ExpectMode::Regex => "OK (\\d+)",
                _ => "收到",
            };
            text_ui(ui, &mut step.text, hint, name);
            let within = ui.label(words.timeout);
            ui.add(
                DragValue::new(&mut step.timeout_ms)
                    .range(0..=MAX_TIMEOUT_MS as u64)
                    .suffix(" ms"),
            )
            .labelled_by(within.id);
            if step.expect_mode == ExpectMode::Regex {
                let save = ui.label(words.save_as).on_hover_text(words.save_as_tip);
                ui.add(
                    TextEdit::singleline(&mut step.save_as)
                        .hint_text("name")
                        .desired_width(60.0),
                )
                .labelled_by(save.id)
                .on_hover_text(words.save_as_tip);
            }
        }
        StepKind::Wait => {
            let unit = ui.label(words.wait);
            ui.add(DragValue::new(&mut step.wait_ms).range(0..=MAX_TIMEOUT_MS as u64))
                .labelled_by(unit.id);
        }
        StepKind::Repeat => {
            let unit = ui.label(words.times);
            ui.add(DragValue::new(&mut step.times).range(1..=MAX_REPEAT as u64))
                .labelled_by(unit.id);
            if top_level && ui.button(words.add_inside).clicked() {
                edits.push(Edit::AddInside(path.clone()));
            }
        }
    }
}

fn text_ui(ui: &mut egui::Ui, text: &mut String, hint: &str, name: egui::Id) {
    ui.add(
        TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(120.0),
    )
    .labelled_by(name);
}

fn kind_name(words: &SequenceWords, kind: StepKind) -> &'static str {
    match kind {
        StepKind::Send => words.kind_send,
        StepKind::Expect => words.kind_expect,
        StepKind::Wait => words.kind_wait,
        StepKind::Repeat => words.kind_repeat,
    }
}

fn send_mode_name(words: &SequenceWords, mode: SendMode) -> &'static str {
    match mode {
        SendMode::Text => words.send_text,
        SendMode::Hex => words.send_hex,
        SendMode::File => words.send_file,
    }
}

fn expect_mode_name(words: &SequenceWords, mode: ExpectMode) -> &'static str {
    match mode {
        ExpectMode::Contains => words.expect_contains,
        ExpectMode::Equals => words.expect_equals,
        ExpectMode::Regex => words.expect_regex,
        ExpectMode::Hex => words.expect_hex,
    }
}

//! Editing the TCP server's auto-reply: a fixed reply, a farewell, and rules.

use egui::{ComboBox, TextEdit};

use crate::engine::{AutoReplySpec, MatchKind, RuleSpec};
use crate::i18n::Texts;

/// What the user did in the editor this frame.
#[derive(Debug, Default, Clone, Copy)]
pub struct AutoReplyEdit {
    /// The spec changed: the caller compiles it again.
    pub changed: bool,
    /// The tutorial's preset was picked (the tutorial's server speaks GBK).
    pub tutorial: bool,
}

/// Draws the editor and says what changed.
pub fn auto_reply_ui(ui: &mut egui::Ui, texts: &Texts, spec: &mut AutoReplySpec) -> AutoReplyEdit {
    let mut tutorial = false;
    let mut changed = false;
    egui::CollapsingHeader::new(texts.auto_reply)
        .id_salt("auto_reply")
        .default_open(true)
        .show(ui, |ui| {
            ui.weak(texts.auto_reply_tip);
            if ui
                .button(texts.tutorial_preset)
                .on_hover_text(texts.tutorial_preset_tip)
                .clicked()
            {
                *spec = AutoReplySpec::tutorial();
                tutorial = true;
            }
            changed |= ui
                .checkbox(&mut spec.echo, texts.echo_reads())
                .on_hover_text(texts.echo_reads_tip())
                .changed();
            changed |= fixed_reply_ui(
                ui,
                texts,
                texts.reply_every,
                &mut spec.reply_enabled,
                &mut spec.reply,
                &mut spec.reply_hex,
            );
            changed |= fixed_reply_ui(
                ui,
                texts,
                texts.farewell,
                &mut spec.farewell_enabled,
                &mut spec.farewell,
                &mut spec.farewell_hex,
            );
            ui.separator();
            ui.label(texts.rules);
            let mut delete = None;
            for (index, rule) in spec.rules.iter_mut().enumerate() {
                ui.push_id(("rule", index), |ui| {
                    match rule_ui(ui, texts, index + 1, rule) {
                        RuleEdit::Delete => delete = Some(index),
                        RuleEdit::Changed => changed = true,
                        RuleEdit::None => {}
                    }
                });
            }
            if let Some(index) = delete {
                spec.rules.remove(index);
                changed = true;
            }
            if ui.button(texts.add_rule).clicked() {
                spec.rules.push(RuleSpec::default());
                changed = true;
            }
        });
    AutoReplyEdit {
        changed: changed || tutorial,
        tutorial,
    }
}

fn fixed_reply_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    title: &str,
    enabled: &mut bool,
    text: &mut String,
    hex: &mut bool,
) -> bool {
    let toggle = ui.checkbox(enabled, title);
    let mut changed = toggle.changed();
    ui.add_enabled_ui(*enabled, |ui| {
        ui.horizontal(|ui| {
            changed |= ui
                .add(TextEdit::singleline(text).desired_width(160.0))
                .labelled_by(toggle.id)
                .changed();
            changed |= ui
                .checkbox(hex, texts.mode_hex)
                .on_hover_text(format!("{title}: {}", texts.mode_hex))
                .changed();
        });
    });
    changed
}

/// What the user did to one rule.
enum RuleEdit {
    None,
    Changed,
    Delete,
}

/// One rule on three lines.
fn rule_ui(ui: &mut egui::Ui, texts: &Texts, number: usize, rule: &mut RuleSpec) -> RuleEdit {
    let mut delete = false;
    let mut changed = false;
    ui.horizontal(|ui| {
        let label = ui.label(format!("{number}. {}", texts.when_message));
        ComboBox::from_id_salt("kind")
            .selected_text(kind_label(rule.kind, texts))
            .width(90.0)
            .show_ui(ui, |ui| {
                for kind in MatchKind::ALL {
                    changed |= ui
                        .selectable_value(&mut rule.kind, kind, kind_label(kind, texts))
                        .changed();
                }
            })
            .response
            .labelled_by(label.id);
        delete = ui.small_button(texts.delete_rule).clicked();
    });
    ui.horizontal(|ui| {
        changed |= text_and_hex_ui(
            ui,
            texts,
            texts.pattern,
            &mut rule.pattern,
            &mut rule.pattern_hex,
        );
    });
    ui.horizontal(|ui| {
        changed |= text_and_hex_ui(
            ui,
            texts,
            texts.reply_with,
            &mut rule.reply,
            &mut rule.reply_hex,
        );
    });
    match (delete, changed) {
        (true, _) => RuleEdit::Delete,
        (false, true) => RuleEdit::Changed,
        (false, false) => RuleEdit::None,
    }
}

/// A labelled text field with its HEX switch; whether either changed.
fn text_and_hex_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    title: &str,
    text: &mut String,
    hex: &mut bool,
) -> bool {
    let label = ui.label(title);
    let edited = ui
        .add(
            TextEdit::singleline(text)
                .hint_text(title)
                .desired_width(120.0),
        )
        .labelled_by(label.id)
        .changed();
    let switched = ui
        .checkbox(hex, texts.mode_hex)
        .on_hover_text(format!("{title}: {}", texts.mode_hex))
        .changed();
    edited || switched
}

fn kind_label(kind: MatchKind, texts: &Texts) -> &'static str {
    match kind {
        MatchKind::Contains => texts.match_contains,
        MatchKind::StartsWith => texts.match_starts,
        MatchKind::Equals => texts.match_equals,
        MatchKind::Regex => texts.match_regex,
    }
}

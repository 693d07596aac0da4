//! Editing the TCP server's auto-reply: a fixed reply, a farewell, and rules.

use egui::{ComboBox, TextEdit};

use crate::engine::{AutoReplySpec, MatchKind, RuleSpec};
use crate::i18n::Texts;

/// Draws the editor; the caller compiles the spec when it changed. Returns true when
/// the tutorial's preset was picked (the tutorial's server speaks GBK).
pub fn auto_reply_ui(ui: &mut egui::Ui, texts: &Texts, spec: &mut AutoReplySpec) -> bool {
    let mut tutorial = false;
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
            fixed_reply_ui(
                ui,
                texts,
                texts.reply_every,
                &mut spec.reply_enabled,
                &mut spec.reply,
                &mut spec.reply_hex,
            );
            fixed_reply_ui(
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
                    if rule_ui(ui, texts, index + 1, rule) {
                        delete = Some(index);
                    }
                });
            }
            if let Some(index) = delete {
                spec.rules.remove(index);
            }
            if ui.button(texts.add_rule).clicked() {
                spec.rules.push(RuleSpec::default());
            }
        });
    tutorial
}

fn fixed_reply_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    title: &str,
    enabled: &mut bool,
    text: &mut String,
    hex: &mut bool,
) {
    let toggle = ui.checkbox(enabled, title);
    ui.add_enabled_ui(*enabled, |ui| {
        ui.horizontal(|ui| {
            ui.add(TextEdit::singleline(text).desired_width(160.0))
                .labelled_by(toggle.id);
            ui.checkbox(hex, texts.mode_hex)
                .on_hover_text(format!("{title}: {}", texts.mode_hex));
        });
    });
}

/// One rule on two lines; returns true when the user deleted it.
fn rule_ui(ui: &mut egui::Ui, texts: &Texts, number: usize, rule: &mut RuleSpec) -> bool {
    let mut delete = false;
    ui.horizontal(|ui| {
        let label = ui.label(format!("{number}. {}", texts.when_message));
        ComboBox::from_id_salt("kind")
            .selected_text(kind_label(rule.kind, texts))
            .width(90.0)
            .show_ui(ui, |ui| {
                for kind in MatchKind::ALL {
                    ui.selectable_value(&mut rule.kind, kind, kind_label(kind, texts));
                }
            })
            .response
            .labelled_by(label.id);
        delete = ui.small_button(texts.delete_rule).clicked();
    });
    ui.horizontal(|ui| {
        let label = ui.label(texts.pattern);
        ui.add(
            TextEdit::singleline(&mut rule.pattern)
                .hint_text(texts.pattern)
                .desired_width(120.0),
        )
        .labelled_by(label.id);
        ui.checkbox(&mut rule.pattern_hex, texts.mode_hex)
            .on_hover_text(format!("{}: {}", texts.pattern, texts.mode_hex));
    });
    ui.horizontal(|ui| {
        let label = ui.label(texts.reply_with);
        ui.add(
            TextEdit::singleline(&mut rule.reply)
                .hint_text(texts.reply_with)
                .desired_width(120.0),
        )
        .labelled_by(label.id);
        ui.checkbox(&mut rule.reply_hex, texts.mode_hex)
            .on_hover_text(format!("{}: {}", texts.reply_with, texts.mode_hex));
    });
    delete
}

fn kind_label(kind: MatchKind, texts: &Texts) -> &'static str {
    match kind {
        MatchKind::Contains => texts.match_contains,
        MatchKind::StartsWith => texts.match_starts,
        MatchKind::Equals => texts.match_equals,
        MatchKind::Regex => texts.match_regex,
    }
}

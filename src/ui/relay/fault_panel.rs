//! The fault panel: each direction's faults as the user types them, checked
//! into the engine's [`Faults`] on Apply, with what is wrong said under the field.

use egui::{RichText, TextEdit};
use serde::{Deserialize, Serialize};

use crate::engine::relay::FaultField;
use crate::engine::{Direction, FaultError, Faults, RelayProtocol};
use crate::i18n::{Describe, Lang, RelayWords, Texts};
use crate::ui::{ERROR_COLOR, error_ui};

/// One direction's faults as typed; an empty field is off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultForm {
    pub delay_ms: String,
    pub jitter_ms: String,
    pub rate: String,
    pub split: String,
    pub split_gap_ms: String,
    pub merge_ms: String,
    pub corrupt_percent: String,
    pub drop_percent: String,
    pub cut_after: String,
    pub cut_reset: bool,
    pub paused: bool,
}

/// Why a direction's faults cannot be applied.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultProblem {
    NotNumber { field: FaultField, text: String },
    Fault(FaultError),
}

impl FaultProblem {
    pub fn field(&self) -> FaultField {
        match self {
            FaultProblem::NotNumber { field, .. } => *field,
            FaultProblem::Fault(
                FaultError::Percent { field, .. }
                | FaultError::Zero { field }
                | FaultError::TooLong { field, .. },
            ) => *field,
        }
    }

    pub fn describe(&self, lang: Lang) -> String {
        let texts = lang.texts();
        match self {
            FaultProblem::NotNumber { field, text } => {
                texts.fault_not_number(field_label(*field, texts.relay()), text)
            }
            FaultProblem::Fault(error) => error.describe(lang),
        }
    }
}

fn field_label(field: FaultField, words: &RelayWords) -> &'static str {
    match field {
        FaultField::Delay => words.delay,
        FaultField::Jitter => words.jitter,
        FaultField::Rate => words.rate,
        FaultField::Split => words.split,
        FaultField::SplitGap => words.split_gap,
        FaultField::Merge => words.merge,
        FaultField::Drop => words.drop,
        FaultField::CutAfter => words.cut_after,
        FaultField::Corrupt => words.corrupt,
    }
}

/// An empty field is `None`; otherwise a number or the problem.
fn number<T: std::str::FromStr>(text: &str, field: FaultField) -> Result<Option<T>, FaultProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| FaultProblem::NotNumber {
        field,
        text: text.to_owned(),
    })
}

impl FaultForm {
    /// The faults this form asks for under `protocol` (drops are UDP's, cuts
    /// TCP's: a field the protocol hides is not used), checked as the engine would.
    pub fn faults(&self, protocol: RelayProtocol) -> Result<Faults, FaultProblem> {
        let udp = protocol == RelayProtocol::Udp;
        let faults = Faults {
            delay_ms: number(&self.delay_ms, FaultField::Delay)?.unwrap_or(0),
            jitter_ms: number(&self.jitter_ms, FaultField::Jitter)?.unwrap_or(0),
            rate: number(&self.rate, FaultField::Rate)?,
            split: number(&self.split, FaultField::Split)?,
            split_gap_ms: number(&self.split_gap_ms, FaultField::SplitGap)?.unwrap_or(0),
            merge_ms: number(&self.merge_ms, FaultField::Merge)?,
            corrupt_percent: number(&self.corrupt_percent, FaultField::Corrupt)?.unwrap_or(0.0),
            drop_percent: if udp {
                number(&self.drop_percent, FaultField::Drop)?.unwrap_or(0.0)
            } else {
                0.0
            },
            cut_after: if udp {
                None
            } else {
                number(&self.cut_after, FaultField::CutAfter)?
            },
            cut_reset: !udp && self.cut_reset,
            paused: self.paused,
        };
        faults.check().map_err(FaultProblem::Fault)?;
        Ok(faults)
    }
}

/// Where a fault's text is in the form.
type FieldOf = fn(&mut FaultForm) -> &mut String;

/// What the user did in the panel this frame.
#[derive(Debug, Default)]
pub struct PanelInput {
    pub apply: bool,
    /// A pause box changed: (direction, paused).
    pub paused: Option<(Direction, bool)>,
}

/// Both directions side by side, a row per fault; `problems` are each
/// direction's last problem (shown under its field). Presenter mode shows only
/// delay, rate, split and pause.
pub fn fault_panel_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    forms: [&mut FaultForm; 2],
    problems: [Option<&FaultProblem>; 2],
    protocol: RelayProtocol,
    presenter: bool,
    applied: bool,
) -> PanelInput {
    let words = texts.relay();
    let lang = texts.lang;
    let [c2s, s2c] = forms;
    let mut input = PanelInput::default();
    let label_width = 112.0;
    let field_width = 52.0;
    ui.horizontal(|ui| {
        ui.add_sized([label_width, 16.0], egui::Label::new(""));
        ui.add_sized(
            [field_width, 16.0],
            egui::Label::new(RichText::new(words.c2s_mark).strong()),
        );
        ui.add_sized(
            [field_width, 16.0],
            egui::Label::new(RichText::new(words.s2c_mark).strong()),
        );
    });
    let udp = protocol == RelayProtocol::Udp;
    let rows: [(FaultField, bool, FieldOf); 9] = [
        (FaultField::Delay, true, |f| &mut f.delay_ms),
        (FaultField::Jitter, !presenter, |f| &mut f.jitter_ms),
        (FaultField::Rate, true, |f| &mut f.rate),
        (FaultField::Split, true, |f| &mut f.split),
        (FaultField::SplitGap, !presenter, |f| &mut f.split_gap_ms),
        (FaultField::Merge, !presenter, |f| &mut f.merge_ms),
        (FaultField::Corrupt, !presenter, |f| &mut f.corrupt_percent),
        (FaultField::Drop, udp && !presenter, |f| &mut f.drop_percent),
        (FaultField::CutAfter, !udp && !presenter, |f| {
            &mut f.cut_after
        }),
    ];
    for (field, shown, text_of) in rows {
        if !shown {
            continue;
        }
        let label = field_label(field, words);
        ui.horizontal(|ui| {
            row_label_ui(ui, label, label_width).on_hover_text(label);
            for (direction, form) in [(Direction::C2s, &mut *c2s), (Direction::S2c, &mut *s2c)] {
                let problem = problems[index(direction)].filter(|p| p.field() == field);
                let mark = mark(direction, words);
                let mut edit = TextEdit::singleline(text_of(form)).desired_width(field_width);
                if problem.is_some() {
                    edit = edit.text_color(ERROR_COLOR);
                }
                ui.add(edit).accessible_name(format!("{label} {mark}"));
            }
        });
        for direction in Direction::BOTH {
            if let Some(problem) = problems[index(direction)].filter(|p| p.field() == field) {
                error_ui(
                    ui,
                    &format!("{}: {}", mark(direction, words), problem.describe(lang)),
                );
            }
        }
    }
    if !udp && !presenter {
        ui.horizontal(|ui| {
            row_label_ui(ui, words.cut_reset, label_width);
            for (direction, form) in [(Direction::C2s, &mut *c2s), (Direction::S2c, &mut *s2c)] {
                let name = format!("{} {}", words.cut_reset, mark(direction, words));
                ui.add_sized(
                    [field_width, 18.0],
                    egui::Checkbox::without_text(&mut form.cut_reset),
                )
                .accessible_name(name);
            }
        });
    }
    ui.horizontal(|ui| {
        row_label_ui(ui, words.pause, label_width);
        for (direction, form) in [(Direction::C2s, &mut *c2s), (Direction::S2c, &mut *s2c)] {
            let name = format!("{} {}", words.pause, mark(direction, words));
            let changed = ui
                .add_sized(
                    [field_width, 18.0],
                    egui::Checkbox::without_text(&mut form.paused),
                )
                .accessible_name(name)
                .changed();
            if changed {
                input.paused = Some((direction, form.paused));
            }
        }
    });
    ui.horizontal(|ui| {
        input.apply = ui.button(words.apply).clicked();
        if applied && problems.iter().all(Option::is_none) {
            ui.weak(words.applied);
        }
    });
    input
}

/// A row's name at its left, in a slot of `width`, cut to fit.
fn row_label_ui(ui: &mut egui::Ui, text: &str, width: f32) -> egui::Response {
    let size = egui::vec2(width, ui.spacing().interact_size.y);
    let layout = egui::Layout::left_to_right(egui::Align::Center);
    ui.allocate_ui_with_layout(size, layout, |ui| {
        ui.set_min_size(size);
        ui.add(egui::Label::new(text).truncate())
    })
    .inner
}

fn index(direction: Direction) -> usize {
    match direction {
        Direction::C2s => 0,
        Direction::S2c => 1,
    }
}

fn mark(direction: Direction, words: &RelayWords) -> &'static str {
    match direction {
        Direction::C2s => words.c2s_mark,
        Direction::S2c => words.s2c_mark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_passthrough_and_bad_text_is_named() {
        let form = FaultForm::default();
        assert!(
            form.faults(RelayProtocol::Tcp)
                .expect("ok")
                .is_passthrough()
        );
        let form = FaultForm {
            split: "x1".to_owned(),
            ..FaultForm::default()
        };
        assert_eq!(
            form.faults(RelayProtocol::Tcp),
            Err(FaultProblem::NotNumber {
                field: FaultField::Split,
                text: "x1".to_owned()
            })
        );
        let form = FaultForm {
            split: "0".to_owned(),
            ..FaultForm::default()
        };
        assert_eq!(
            form.faults(RelayProtocol::Tcp).unwrap_err().field(),
            FaultField::Split
        );
    }

    #[test]
    fn drops_are_udp_and_cuts_tcp() {
        let form = FaultForm {
            drop_percent: "50".to_owned(),
            cut_after: "10".to_owned(),
            cut_reset: true,
            ..FaultForm::default()
        };
        let tcp = form.faults(RelayProtocol::Tcp).expect("tcp");
        assert_eq!(
            (tcp.drop_percent, tcp.cut_after, tcp.cut_reset),
            (0.0, Some(10), true)
        );
        let udp = form.faults(RelayProtocol::Udp).expect("udp");
        assert_eq!(
            (udp.drop_percent, udp.cut_after, udp.cut_reset),
            (50.0, None, false)
        );
    }
}

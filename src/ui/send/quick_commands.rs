//! Quick commands: named messages sent with one click or Ctrl+1…9; added from
//! the send box, renamed, reordered, deleted, exported and imported as JSON.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::codec::SendOptions;
use crate::i18n::Texts;
use crate::ui::dialogs::{self, PendingDialog};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preset {
    pub name: String,
    pub text: String,
    pub options: SendOptions,
}

/// The list; `clicked` gets the index of a quick command to send.
pub fn presets_ui(
    ui: &mut egui::Ui,
    texts: &Texts,
    presets: &mut Vec<Preset>,
    current_text: &str,
    current_options: SendOptions,
    files: &mut PresetFiles,
    clicked: &mut Option<usize>,
) {
    egui::CollapsingHeader::new(format!("{} ({})", texts.quick_commands, presets.len()))
        .id_salt("quick_commands")
        .show(ui, |ui| {
            ui.weak(texts.presets_tip);
            let mut moved: Option<(usize, usize)> = None;
            let mut deleted = None;
            for (index, preset) in presets.iter_mut().enumerate() {
                ui.push_id(("preset", index), |ui| {
                    ui.horizontal(|ui| {
                        let shortcut = if index < 9 {
                            format!("Ctrl+{} ", index + 1)
                        } else {
                            String::new()
                        };
                        ui.weak(shortcut);
                        let name = if preset.name.trim().is_empty() {
                            format!("#{}", index + 1)
                        } else {
                            preset.name.clone()
                        };
                        if ui.button(name).on_hover_text(&preset.text).clicked() {
                            *clicked = Some(index);
                        }
                        let label = ui.label(texts.preset_name);
                        ui.add(egui::TextEdit::singleline(&mut preset.name).desired_width(90.0))
                            .labelled_by(label.id);
                        let label = ui.label(texts.preset_text);
                        ui.add(egui::TextEdit::singleline(&mut preset.text).desired_width(160.0))
                            .labelled_by(label.id);
                        if ui.small_button(texts.move_up).clicked() && index > 0 {
                            moved = Some((index, index - 1));
                        }
                        if ui.small_button(texts.move_down).clicked() {
                            moved = Some((index, index + 1));
                        }
                        if ui.small_button(texts.delete_rule).clicked() {
                            deleted = Some(index);
                        }
                    });
                });
            }
            if let Some((from, to)) = moved
                && to < presets.len()
            {
                presets.swap(from, to);
            }
            if let Some(index) = deleted {
                presets.remove(index);
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(
                        !current_text.is_empty(),
                        egui::Button::new(texts.add_preset),
                    )
                    .clicked()
                {
                    let number = presets.len() + 1;
                    presets.push(Preset {
                        name: preset_name(current_text, number),
                        text: current_text.to_owned(),
                        options: current_options,
                    });
                }
                files.ui(ui, texts, presets);
            });
        });
}

/// A first name for a new quick command: the start of its first non-blank line,
/// else its number.
fn preset_name(text: &str, number: usize) -> String {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(|line| line.chars().take(16).collect())
        .unwrap_or_else(|| format!("#{number}"))
}

/// Import and export of the list, through file dialogs on their own thread.
#[derive(Default)]
pub struct PresetFiles {
    export: Option<(PendingDialog, Vec<Preset>)>,
    import: Option<PendingDialog>,
    pub problem: Option<String>,
}

impl PresetFiles {
    pub fn ui(&mut self, ui: &mut egui::Ui, texts: &Texts, presets: &mut Vec<Preset>) {
        if let Some((dialog, list)) = &self.export
            && let Some(answer) = dialog.poll()
        {
            if let Some(path) = answer {
                self.problem = write_presets(&path, list).err();
            }
            self.export = None;
        }
        if let Some(dialog) = &self.import
            && let Some(answer) = dialog.poll()
        {
            if let Some(path) = answer {
                match read_presets(&path, texts) {
                    Ok(list) => presets.extend(list),
                    Err(problem) => self.problem = Some(problem),
                }
            }
            self.import = None;
        }
        let idle = self.export.is_none() && self.import.is_none();
        if ui
            .add_enabled(idle, egui::Button::new(texts.import))
            .clicked()
        {
            self.import = dialogs::open_file(ui.ctx());
        }
        if ui
            .add_enabled(idle && !presets.is_empty(), egui::Button::new(texts.export))
            .clicked()
            && let Some(dialog) =
                dialogs::save_file(ui.ctx(), Path::new("netdbg-quick-commands.json"))
        {
            self.export = Some((dialog, presets.clone()));
        }
        if let Some(problem) = &self.problem {
            crate::ui::error_ui(ui, problem);
        }
    }
}

pub fn write_presets(path: &Path, presets: &[Preset]) -> Result<(), String> {
    let json = serde_json::to_string_pretty(presets).map_err(|err| err.to_string())?;
    std::fs::write(path, json).map_err(|err| format!("{}: {err}", path.display()))
}

pub fn read_presets(path: &Path, texts: &Texts) -> Result<Vec<Preset>, String> {
    let json = std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
    serde_json::from_str(&json)
        .map_err(|_| format!("{}: {}", path.display(), texts.presets_file_bad))
}

//! The About dialog: what this build is (version, commit, date), whose work it
//! carries under which licence, and where the project lives.

use std::path::{Path, PathBuf};

use crate::build_info;
use crate::i18n::Texts;

/// The licences of the crates netdbg is built from, written by the packages
/// (`scripts/licenses.sh`): beside the executable (the Windows zip, the tar.gz)
/// or where the Debian package puts documentation.
const THIRD_PARTY_FILE: &str = "third-party-licenses.html";
const DEB_DOC_DIR: &str = "/usr/share/doc/netdbg";

#[derive(Debug, Default)]
pub struct About {
    open: bool,
    /// Looked for once when the dialog opens, not every frame it is drawn.
    third_party: Option<PathBuf>,
}

impl About {
    pub fn show(&mut self) {
        self.open = true;
        self.third_party = third_party_file();
    }

    pub fn ui(&mut self, ctx: &egui::Context, texts: &Texts) {
        if !self.open {
            return;
        }
        let mut open = self.open;
        let mut close = false;
        egui::Window::new(texts.about_title)
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.heading(texts.app_title);
                egui::Grid::new("about").num_columns(2).show(ui, |ui| {
                    ui.label(texts.about_version);
                    ui.label(build_info::VERSION);
                    ui.end_row();
                    ui.label(texts.about_commit);
                    ui.label(build_info::GIT_COMMIT);
                    ui.end_row();
                    ui.label(texts.about_built);
                    ui.label(build_info::BUILD_DATE);
                    ui.end_row();
                    ui.label(texts.about_licence);
                    ui.label(texts.about_licence_text);
                    ui.end_row();
                    ui.label(texts.about_third_party);
                    third_party_ui(ui, texts, self.third_party.as_deref());
                    ui.end_row();
                    ui.label(texts.about_project);
                    ui.hyperlink(build_info::HOMEPAGE);
                    ui.end_row();
                });
                ui.separator();
                close = ui.button(texts.dismiss).clicked();
            });
        self.open = open && !close;
    }
}

fn third_party_ui(ui: &mut egui::Ui, texts: &Texts, file: Option<&Path>) {
    match file {
        Some(file) => {
            ui.horizontal(|ui| {
                ui.label(file.display().to_string());
                if ui.button(texts.about_open).clicked() {
                    ui.ctx().open_url(egui::OpenUrl::new_tab(file_url(file)));
                }
            });
        }
        None => {
            ui.label(texts.about_third_party_missing);
        }
    }
}

/// Where a package put the third-party licences, if this build came from one.
fn third_party_file() -> Option<PathBuf> {
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(THIRD_PARTY_FILE)));
    let deb = Path::new(DEB_DOC_DIR).join(THIRD_PARTY_FILE);
    beside_exe
        .into_iter()
        .chain([deb])
        .find(|path| path.is_file())
}

fn file_url(path: &Path) -> String {
    let text = path.display().to_string().replace('\\', "/");
    if text.starts_with('/') {
        format!("file://{text}")
    } else {
        format!("file:///{text}")
    }
}

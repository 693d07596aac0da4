//! The file transfer tab: the tutorial's downloader on the left, its file server
//! on the right, each usable against the other or against the tutorial's scripts.

pub mod download;
pub mod server;

use serde::{Deserialize, Serialize};

use super::file::download::{DownloadPanel, DownloadSettings};
use super::file::server::{FileServerPanel, FileServerSettings};
use crate::engine::InputError;
use crate::i18n::{Describe, Lang};
use crate::ui::AppTab;
use crate::ui::teaching::ViewSettings;

/// What the user typed into a file panel that cannot be used, worded when drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileInputProblem {
    Address(InputError),
    FolderEmpty,
    SavePathEmpty,
}

impl FileInputProblem {
    fn describe(&self, lang: Lang) -> String {
        let texts = lang.texts();
        match self {
            FileInputProblem::Address(error) => error.describe(lang),
            FileInputProblem::FolderEmpty => texts.folder_empty.to_owned(),
            FileInputProblem::SavePathEmpty => texts.save_path_empty.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FileSettings {
    pub download: DownloadSettings,
    pub server: FileServerSettings,
}

pub struct FileTab {
    pub download: DownloadPanel,
    pub server: FileServerPanel,
}

impl AppTab for FileTab {
    type Settings = FileSettings;

    fn new(settings: FileSettings, ctx: &egui::Context) -> Self {
        Self {
            download: DownloadPanel::new(settings.download, ctx.clone()),
            server: FileServerPanel::new(settings.server, ctx.clone()),
        }
    }

    /// Each half keeps its own settings whole.
    fn settings(&self) -> FileSettings {
        FileSettings {
            download: self.download.settings.clone(),
            server: self.server.settings.clone(),
        }
    }

    fn logic(&mut self, ctx: &egui::Context, _lang: Lang) {
        self.download.logic(ctx);
        self.server.logic(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, _view: &mut ViewSettings) {
        egui::Panel::left("file_download")
            .frame(crate::ui::backdrop::side_or_top_panel(ui.style()))
            .resizable(true)
            .default_size(480.0)
            .max_size(560.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("download_scroll")
                    .show(ui, |ui| self.download.ui(ui, lang));
            });
        egui::CentralPanel::default()
            .frame(crate::ui::backdrop::central_panel(ui.style()))
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("file_server_scroll")
                    .show(ui, |ui| self.server.ui(ui, lang));
            });
    }
}

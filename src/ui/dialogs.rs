//! File and folder dialogs that never freeze the window: rfd's dialog runs on its
//! own thread and the answer arrives on a channel, with a repaint.

use std::path::{Path, PathBuf};
use std::thread;

use crossbeam_channel::Receiver;

/// A dialog that is open; poll it each frame.
pub struct PendingDialog {
    answer: Receiver<Option<PathBuf>>,
}

impl PendingDialog {
    /// `Some(choice)` once the dialog closed (`None` inside: the user cancelled).
    pub fn poll(&self) -> Option<Option<PathBuf>> {
        self.answer.try_recv().ok()
    }
}

pub fn pick_folder(ctx: &egui::Context, start: Option<&Path>) -> Option<PendingDialog> {
    let mut dialog = rfd::FileDialog::new();
    if let Some(start) = start.filter(|dir| dir.is_dir()) {
        dialog = dialog.set_directory(start);
    }
    run(ctx, move || dialog.pick_folder())
}

pub fn open_file(ctx: &egui::Context) -> Option<PendingDialog> {
    run(ctx, || rfd::FileDialog::new().pick_file())
}

pub fn save_file(ctx: &egui::Context, suggested: &Path) -> Option<PendingDialog> {
    save_file_of_kinds(ctx, suggested, &[])
}

/// A save dialog offering these kinds of file (a name, and its extensions).
pub fn save_file_of_kinds(
    ctx: &egui::Context,
    suggested: &Path,
    kinds: &[(&str, &[&str])],
) -> Option<PendingDialog> {
    let mut dialog = rfd::FileDialog::new();
    if let Some(dir) = suggested.parent().filter(|dir| dir.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    if let Some(name) = suggested.file_name() {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    for (name, extensions) in kinds {
        dialog = dialog.add_filter(*name, extensions);
    }
    run(ctx, move || dialog.save_file())
}

/// `None` when no thread could be started (the button simply does nothing).
fn run(
    ctx: &egui::Context,
    show: impl FnOnce() -> Option<PathBuf> + Send + 'static,
) -> Option<PendingDialog> {
    let (tx, answer) = crossbeam_channel::bounded(1);
    let ctx = ctx.clone();
    thread::Builder::new()
        .name("file-dialog".to_owned())
        .spawn(move || {
            let _ = tx.send(show());
            ctx.request_repaint();
        })
        .ok()?;
    Some(PendingDialog { answer })
}

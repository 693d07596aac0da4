//! Loading and saving a sequence as a TOML script. The dialog and the file's
//! reading or writing run on a thread of their own; the answer comes back on a
//! channel with a repaint, so the window never waits for either.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::thread;

use crossbeam_channel::Receiver;

use super::steps::{ScriptContext, StepSettings, from_toml, to_toml};

/// A script larger than this is not a script (as `netdbg run` says too).
const MAX_SCRIPT: u64 = 1024 * 1024;

/// What went wrong with a script file, in the system's or the parser's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFailed {
    pub path: PathBuf,
    pub message: String,
}

/// What a finished load or save gives the panel.
#[derive(Debug)]
pub enum FileOutcome {
    Loaded {
        path: PathBuf,
        steps: Vec<StepSettings>,
    },
    Saved(PathBuf),
    Failed(FileFailed),
}

/// Reads a script's steps: a regular file of at most 1 MiB, opened once.
pub fn load_sequence(path: &Path) -> Result<Vec<StepSettings>, FileFailed> {
    let failed = |message: String| FileFailed {
        path: path.to_owned(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|err| failed(err.to_string()))?;
    let meta = file.metadata().map_err(|err| failed(err.to_string()))?;
    if !meta.is_file() || meta.len() > MAX_SCRIPT {
        return Err(failed(format!(
            "not a regular file of at most {MAX_SCRIPT} bytes"
        )));
    }
    let mut text = String::new();
    file.take(MAX_SCRIPT)
        .read_to_string(&mut text)
        .map_err(|err| failed(err.to_string()))?;
    from_toml(&text).map_err(|err| {
        let line = err
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let message = err.message().trim().to_owned();
        failed(match line {
            Some(line) => format!("line {line}: {message}"),
            None => message,
        })
    })
}

/// Writes the steps as a script `netdbg run` reads, with the tab's target,
/// encoding and framing.
pub fn save_sequence(
    path: &Path,
    steps: &[StepSettings],
    context: &ScriptContext,
) -> Result<(), FileFailed> {
    std::fs::write(path, to_toml(steps, context).text).map_err(|err| FileFailed {
        path: path.to_owned(),
        message: err.to_string(),
    })
}

/// Asks for a script to open, then reads it, away from the UI thread.
pub fn load_in_background(ctx: &egui::Context, start: Option<PathBuf>) -> Receiver<FileOutcome> {
    in_background(ctx, move || {
        let mut dialog = rfd::FileDialog::new().add_filter("TOML", &["toml"]);
        if let Some(dir) = start.as_deref().and_then(Path::parent) {
            dialog = dialog.set_directory(dir);
        }
        let path = dialog.pick_file()?;
        Some(match load_sequence(&path) {
            Ok(steps) => FileOutcome::Loaded { path, steps },
            Err(failed) => FileOutcome::Failed(failed),
        })
    })
}

/// Asks where to save, then writes there, away from the UI thread.
pub fn save_in_background(
    ctx: &egui::Context,
    suggested: PathBuf,
    steps: Vec<StepSettings>,
    context: ScriptContext,
) -> Receiver<FileOutcome> {
    in_background(ctx, move || {
        let mut dialog = rfd::FileDialog::new().add_filter("TOML", &["toml"]);
        if let Some(dir) = suggested.parent().filter(|dir| dir.is_dir()) {
            dialog = dialog.set_directory(dir);
        }
        if let Some(name) = suggested.file_name() {
            dialog = dialog.set_file_name(name.to_string_lossy());
        }
        let path = dialog.save_file()?;
        Some(match save_sequence(&path, &steps, &context) {
            Ok(()) => FileOutcome::Saved(path),
            Err(failed) => FileOutcome::Failed(failed),
        })
    })
}

/// Runs `work` on a thread; the channel closes without an answer when the user
/// cancelled (or no thread could start).
fn in_background(
    ctx: &egui::Context,
    work: impl FnOnce() -> Option<FileOutcome> + Send + 'static,
) -> Receiver<FileOutcome> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let ctx = ctx.clone();
    let _ = thread::Builder::new()
        .name("sequence-file".to_owned())
        .spawn(move || {
            if let Some(outcome) = work() {
                let _ = tx.send(outcome);
            }
            // Closed before the repaint, so that frame sees a cancel too.
            drop(tx);
            ctx.request_repaint();
        });
    rx
}

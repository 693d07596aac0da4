//! Choosing a capture and reading it, away from the UI thread: the dialog and the
//! file's reading run on a thread of their own; the answer comes back on a
//! channel with a repaint.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;

use crossbeam_channel::Receiver;

use crate::engine::replay::{Capture, CaptureError, load};

/// What a finished choice gives the panel.
#[derive(Debug)]
pub enum LoadOutcome {
    Loaded {
        path: PathBuf,
        capture: Arc<Capture>,
    },
    Failed {
        path: PathBuf,
        error: CaptureError,
    },
}

/// Reads the capture at `path` (on the caller's thread).
pub fn load_capture(path: &Path) -> LoadOutcome {
    match load(path) {
        Ok(capture) => LoadOutcome::Loaded {
            path: path.to_owned(),
            capture: Arc::new(capture),
        },
        Err(error) => LoadOutcome::Failed {
            path: path.to_owned(),
            error,
        },
    }
}

/// Asks for a capture, then reads it; the channel closes without an answer when
/// the user cancelled (or no thread could start).
pub fn choose_in_background(ctx: &egui::Context, start: Option<PathBuf>) -> Receiver<LoadOutcome> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let ctx = ctx.clone();
    let _ = thread::Builder::new()
        .name("replay-file".to_owned())
        .spawn(move || {
            let mut dialog = rfd::FileDialog::new().add_filter(
                "netdbg, pcapng, pcap",
                &["jsonl", "json", "pcapng", "pcap", "cap"],
            );
            if let Some(dir) = start.as_deref().and_then(Path::parent) {
                dialog = dialog.set_directory(dir);
            }
            if let Some(path) = dialog.pick_file() {
                let _ = tx.send(load_capture(&path));
            }
            // Closed before the repaint, so that frame sees a cancel too.
            drop(tx);
            ctx.request_repaint();
        });
    rx
}

//! `--capture PATH`: every byte received and sent, written to a file by the engine.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::CliError;
use super::output::Printer;
use crate::engine::{Capture, CaptureSink};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// Write every byte received and sent to PATH, one JSON object per line:
    /// {"time","dir":"rx"|"tx","peer","len","hex","proto","local"} and TCP's
    /// {"time","event":"open"|"close"|"reset",...}; PATH ending in .pcapng writes pcapng
    /// for Wireshark instead (synthesized headers). The file is replaced if it exists
    #[arg(long, value_name = "PATH")]
    capture: Option<PathBuf>,
}

impl CaptureArgs {
    /// Creates the file before any traffic, so an unwritable path is bad input (exit 2).
    pub fn open(&self, lang: Lang) -> Result<Option<Capture>, CliError> {
        self.capture
            .as_deref()
            .map(Capture::create)
            .transpose()
            .map_err(|error| CliError::Input(error.describe(lang)))
    }
}

/// The sink an endpoint writes to, if capturing.
pub fn sink(capture: Option<&Capture>) -> Option<CaptureSink> {
    capture.and_then(Capture::sink)
}

/// Closes the capture once the endpoint no longer holds its sink, says how many records
/// it holds, and returns `outcome` (the run's own failure comes first).
pub fn finish(
    capture: Option<Capture>,
    printer: &Printer,
    outcome: Result<(), CliError>,
) -> Result<(), CliError> {
    let Some(capture) = capture else {
        return outcome;
    };
    let path = capture.path().display().to_string();
    match capture.finish() {
        Ok(records) => {
            printer.event(
                "capture",
                json!({ "path": path, "records": records }),
                &printer.lang.texts().capture_written(&path, records),
            );
            outcome
        }
        Err(error) => {
            let message = error.describe(printer.lang);
            outcome.and(Err(CliError::Network(message)))
        }
    }
}

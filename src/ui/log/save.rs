//! Saving the log as the user sees it: TXT (the lines as shown), CSV or JSON
//! lines (every field, HEX included), chosen by the file's extension. The text
//! is built on the UI thread (a pass over at most the log cap) and written on
//! a thread of its own.

use std::path::PathBuf;
use std::thread;

use chrono::{DateTime, Local};
use crossbeam_channel::Receiver;
use serde_json::json;

use crate::codec::format_hex_compact;
use crate::i18n::Texts;
use crate::ui::log::model::{LogLine, LogModel};
use crate::ui::log::view::{DirectionWords, ShowMode, TimestampMode, line_text};

/// Lines written and where, or what went wrong.
pub type SaveOutcome = Result<(usize, PathBuf), SaveFailed>;

/// A save that did not happen: where, and the system's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveFailed {
    pub path: PathBuf,
    pub message: String,
}

pub fn save_log_in_background(
    log: &LogModel,
    path: PathBuf,
    words: DirectionWords,
    texts: &Texts,
) -> Receiver<SaveOutcome> {
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let lines: Vec<String> = match extension.as_str() {
        "csv" => std::iter::once("time,direction,peer,length,text,hex".to_owned())
            .chain(log.iter().map(|line| csv_line(&line, words)))
            .collect(),
        "json" | "jsonl" | "ndjson" => log.iter().map(|line| json_line(&line, words)).collect(),
        _ => log
            .iter()
            .map(|line| {
                let show = (ShowMode::Text, TimestampMode::TimeMs);
                line_text(&line, show, words, texts)
            })
            .collect(),
    };
    let count = log.len();
    let (tx, rx) = crossbeam_channel::bounded(1);
    let spawned = thread::Builder::new().name("save-log".to_owned()).spawn({
        let tx = tx.clone();
        let path = path.clone();
        move || {
            let mut text = lines.join("\n");
            text.push('\n');
            let outcome = std::fs::write(&path, text)
                .map(|()| (count, path.clone()))
                .map_err(|err| SaveFailed {
                    path,
                    message: err.to_string(),
                });
            let _ = tx.send(outcome);
        }
    });
    if let Err(err) = spawned {
        let _ = tx.send(Err(SaveFailed {
            path,
            message: err.to_string(),
        }));
    }
    rx
}

fn time(line: &LogLine) -> String {
    let at: DateTime<Local> = line.at.into();
    at.format("%Y-%m-%dT%H:%M:%S%.6f%:z").to_string()
}

fn csv_line(line: &LogLine, words: DirectionWords) -> String {
    let text = line.text().replace('"', "\"\"");
    format!(
        "{},{},{},{},\"{text}\",{}",
        time(line),
        words.file_name(line.direction),
        line.peer,
        line.len,
        format_hex_compact(line.data)
    )
}

fn json_line(line: &LogLine, words: DirectionWords) -> String {
    json!({
        "time": time(line),
        "dir": words.file_name(line.direction),
        "peer": line.peer.to_string(),
        "len": line.len,
        "text": line.text(),
        "hex": format_hex_compact(line.data),
    })
    .to_string()
}

//! The table of finished runs, and its export as CSV or JSON (the file dialog on
//! its own thread; the few rows are written when the answer comes).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local};
use serde_json::{Value, json};

use super::form::LoadProtocol;
use crate::engine::load::{LoadFault, LoadSnapshot, RttSummary, round};
use crate::i18n::Texts;

/// Runs kept in the table (the oldest goes first).
const MOST_RUNS: usize = 200;

/// One finished run: what it was asked and how it went.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub started: DateTime<Local>,
    pub protocol: LoadProtocol,
    pub target: String,
    pub snapshot: LoadSnapshot,
}

impl RunRecord {
    /// The CLI's summary object, with when, what and where.
    fn json(&self) -> Value {
        let mut object = self.snapshot.summary_json();
        object["started"] = json!(self.started.to_rfc3339());
        object["protocol"] = json!(self.protocol.name());
        object["target"] = json!(self.target);
        object["secs"] = json!(round(self.snapshot.elapsed.as_secs_f64(), 3));
        object
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "netdbg-load.csv",
            ExportFormat::Json => "netdbg-load.json",
        }
    }
}

#[derive(Default)]
pub struct RunTable {
    runs: VecDeque<RunRecord>,
}

impl RunTable {
    pub fn push(&mut self, run: RunRecord) {
        if self.runs.len() == MOST_RUNS {
            self.runs.pop_front();
        }
        self.runs.push_back(run);
    }

    pub fn runs(&self) -> impl ExactSizeIterator<Item = &RunRecord> {
        self.runs.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    pub fn clear(&mut self) {
        self.runs.clear();
    }

    pub fn table_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        let words = texts.load();
        if self.runs.is_empty() {
            ui.weak(words.no_runs);
            return;
        }
        egui::ScrollArea::horizontal()
            .id_salt("load_runs_scroll")
            .show(ui, |ui| {
                egui::Grid::new("load_runs")
                    .striped(true)
                    .num_columns(13)
                    .show(ui, |ui| {
                        for title in [
                            "#",
                            words.col_started,
                            words.protocol,
                            words.col_target,
                            words.col_secs,
                            words.connected,
                            words.failed,
                            words.sent,
                            words.received,
                            words.msgs_per_s,
                            words.mb_per_s,
                            "p50 µs",
                            "p99 µs",
                        ] {
                            ui.strong(title);
                        }
                        ui.end_row();
                        for (n, run) in self.runs.iter().enumerate().rev() {
                            let s = &run.snapshot;
                            let rtt = |pick: fn(&RttSummary) -> f64| {
                                s.rtt
                                    .summary
                                    .as_ref()
                                    .map_or_else(|| "—".to_owned(), |r| format!("{:.1}", pick(r)))
                            };
                            ui.label((n + 1).to_string());
                            ui.label(run.started.format("%H:%M:%S").to_string());
                            ui.label(run.protocol.name());
                            ui.label(&run.target);
                            ui.label(format!("{:.1}", s.elapsed.as_secs_f64()));
                            ui.label(s.connected.to_string());
                            ui.label(s.failed.to_string());
                            ui.label(s.sent.to_string());
                            ui.label(s.received.to_string());
                            ui.label(format!("{:.1}", s.msgs_per_s()));
                            ui.label(format!("{:.3}", s.mb_per_s()));
                            ui.label(rtt(|r| r.p50_us));
                            ui.label(rtt(|r| r.p99_us));
                            ui.end_row();
                        }
                    });
            });
    }

    pub fn export(&self, format: ExportFormat) -> String {
        match format {
            ExportFormat::Json => {
                let runs: Vec<Value> = self.runs.iter().map(RunRecord::json).collect();
                // Pretty: a file a person opens too.
                serde_json::to_string_pretty(&runs).unwrap_or_default()
            }
            ExportFormat::Csv => self.csv(),
        }
    }

    fn csv(&self) -> String {
        let mut out = String::from(
            "started,protocol,target,secs,connected,failed,sent,received,msgs_per_s,mb_per_s,rtt_p50_us,rtt_p90_us,rtt_p99_us,rtt_p999_us,rtt_max_us",
        );
        for fault in LoadFault::ALL {
            let _ = write!(out, ",errors_{}", fault.key());
        }
        out.push('\n');
        for run in &self.runs {
            let s = &run.snapshot;
            let rtt = |pick: fn(&RttSummary) -> f64| {
                s.rtt
                    .summary
                    .as_ref()
                    .map_or_else(String::new, |r| format!("{:.1}", pick(r)))
            };
            let _ = write!(
                out,
                "{},{},{},{:.3},{},{},{},{},{:.1},{:.3},{},{},{},{},{}",
                run.started.to_rfc3339(),
                run.protocol.name(),
                csv_field(&run.target),
                s.elapsed.as_secs_f64(),
                s.connected,
                s.failed,
                s.sent,
                s.received,
                s.msgs_per_s(),
                s.mb_per_s(),
                rtt(|r| r.p50_us),
                rtt(|r| r.p90_us),
                rtt(|r| r.p99_us),
                rtt(|r| r.p999_us),
                rtt(|r| r.max_us),
            );
            for (_, count) in s.faults.iter() {
                let _ = write!(out, ",{count}");
            }
            out.push('\n');
        }
        out
    }
}

/// A target as typed may hold a comma or a quote: quoted as RFC 4180 says.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Where the save dialog starts: the documents folder, else the home folder.
pub fn suggested_path(format: ExportFormat) -> PathBuf {
    dirs::document_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_default()
        .join(format.file_name())
}

pub fn write_export(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

//! The send box's running jobs: send the message every N ms (N times or until
//! stopped), or send a file whole or line by line. The engine keeps the time;
//! this only starts, stops and shows the achieved rate.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::codec::{CodecError, MessageMaker};
use crate::engine::{
    EngineError, FileSendMode, RepeatConfig, Repeater, SendFn, Waker, repeat_message, send_file,
};
use crate::i18n::{Describe, Lang, Texts};
use crate::ui::dialogs::{self, PendingDialog};
use crate::ui::{error_ui, labelled_field_ui};

pub use crate::engine::send_job::{FILE_DATAGRAM, FILE_STREAM_PIECE};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct JobSettings {
    pub repeat_ms: String,
    /// 0 or empty: until stopped.
    pub repeat_count: String,
    pub file_lines: bool,
    pub line_ms: String,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            repeat_ms: "1000".to_owned(),
            repeat_count: "0".to_owned(),
            file_lines: false,
            line_ms: "100".to_owned(),
        }
    }
}

/// A send that runs on its own thread: periodic, or a file.
pub enum JobRequest {
    Repeat {
        message: MessageMaker,
        config: RepeatConfig,
    },
    File {
        path: PathBuf,
        mode: FileSendMode,
    },
}

impl JobRequest {
    /// Starts the job over `send`; a whole file goes out in pieces of `chunk` bytes
    /// (the tab knows its transport: datagrams or stream pieces).
    pub fn start(self, send: SendFn, chunk: usize, waker: Waker) -> Result<Repeater, EngineError> {
        match self {
            JobRequest::Repeat { message, config } => repeat_message(message, config, send, waker),
            JobRequest::File { path, mode } => {
                send_file(&path, with_chunk(mode, chunk), send, waker)
            }
        }
    }
}

/// What went wrong with the last job or quick command; kept as data, worded
/// when drawn, so a language switch re-words it.
#[derive(Debug, Clone, PartialEq)]
pub enum SendProblem {
    /// The job could not start, or stopped on an error (a file's line too long…).
    Engine(EngineError),
    BadInterval,
    BadCount,
    /// A quick command whose text or options do not build a message.
    QuickCommand {
        name: String,
        error: CodecError,
    },
}

impl SendProblem {
    fn describe(&self, lang: Lang) -> String {
        let texts = lang.texts();
        match self {
            SendProblem::Engine(error) => error.describe(lang),
            SendProblem::BadInterval => texts.interval_bad.to_owned(),
            SendProblem::BadCount => texts.count_bad.to_owned(),
            SendProblem::QuickCommand { name, error } => {
                format!("{name}: {}", error.describe(lang))
            }
        }
    }
}

/// The running parts of the send box's jobs; their settings are the tab's
/// ([`JobSettings`], passed in).
#[derive(Default)]
pub struct SendJobs {
    job: Option<Repeater>,
    /// The last job's outcome stays on screen after it ended.
    last: Option<crate::engine::RepeatProgress>,
    problem: Option<SendProblem>,
    dialog: Option<PendingDialog>,
    /// A file picked, waiting to be sent with the chosen mode.
    file: Option<(PathBuf, u64)>,
}

impl SendJobs {
    pub fn started(&mut self, job: Result<Repeater, EngineError>) {
        match job {
            Ok(job) => {
                self.problem = None;
                self.last = None;
                self.job = Some(job);
            }
            Err(error) => self.problem = Some(SendProblem::Engine(error)),
        }
    }

    pub fn report_problem(&mut self, problem: SendProblem) {
        self.problem = Some(problem);
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        settings: &mut JobSettings,
        message: Option<MessageMaker>,
    ) -> Option<JobRequest> {
        let texts = lang.texts();
        if let Some(job) = &self.job {
            let progress = job.progress();
            if progress.running {
                // The rate changes while it runs; look again soon (only while a job runs).
                ui.ctx().request_repaint_after(Duration::from_millis(250));
            } else {
                if let Some(error) = job.failure() {
                    self.problem = Some(SendProblem::Engine(error));
                }
                self.last = Some(progress);
                self.job = None;
            }
        }
        let mut request = None;
        ui.horizontal_wrapped(|ui| {
            let running = self.job.is_some();
            ui.add_enabled_ui(!running, |ui| {
                labelled_field_ui(
                    ui,
                    texts.repeat_every,
                    &mut settings.repeat_ms,
                    "1000",
                    56.0,
                );
                ui.label(texts.repeat_ms);
                labelled_field_ui(
                    ui,
                    texts.repeat_count,
                    &mut settings.repeat_count,
                    "0",
                    56.0,
                );
            });
            if running {
                if ui.button(texts.stop_job).clicked()
                    && let Some(job) = &self.job
                {
                    job.stop();
                }
            } else if ui
                .add_enabled(message.is_some(), egui::Button::new(texts.start_repeat))
                .clicked()
                && let Some(message) = message
            {
                request = self.repeat_request(settings, message);
            }
            self.status_ui(ui, texts);
        });
        // Sending a file gets a row of its own: the two never fit side by side in a
        // narrow or zoomed window.
        ui.horizontal_wrapped(|ui| {
            let running = self.job.is_some();
            request = request
                .take()
                .or_else(|| self.file_ui(ui, texts, settings, running));
        });
        if let Some(problem) = &self.problem {
            error_ui(ui, &problem.describe(lang));
        }
        request
    }

    fn status_ui(&self, ui: &mut egui::Ui, texts: &Texts) {
        let progress = self.job.as_ref().map(Repeater::progress).or(self.last);
        if let Some(progress) = progress {
            ui.weak(texts.repeat_status(progress.sent, progress.rate(), progress.running));
        }
    }

    fn repeat_request(
        &mut self,
        settings: &JobSettings,
        message: MessageMaker,
    ) -> Option<JobRequest> {
        let Some(interval) = parse_ms(&settings.repeat_ms) else {
            self.problem = Some(SendProblem::BadInterval);
            return None;
        };
        let count = match settings.repeat_count.trim() {
            "" => 0,
            text => match text.parse::<u64>() {
                Ok(count) => count,
                Err(_) => {
                    self.problem = Some(SendProblem::BadCount);
                    return None;
                }
            },
        };
        self.problem = None;
        Some(JobRequest::Repeat {
            message,
            config: RepeatConfig {
                interval,
                count: (count > 0).then_some(count),
            },
        })
    }

    /// "Send a file…": pick it, then it goes out whole or line by line.
    fn file_ui(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        settings: &mut JobSettings,
        running: bool,
    ) -> Option<JobRequest> {
        if let Some(dialog) = &self.dialog
            && let Some(answer) = dialog.poll()
        {
            self.dialog = None;
            self.file = answer.map(|path| {
                let size = std::fs::metadata(&path).map_or(0, |meta| meta.len());
                (path, size)
            });
        }
        ui.add_enabled_ui(!running, |ui| {
            ui.radio_value(&mut settings.file_lines, false, texts.file_whole);
            // Reads "one line every [100] ms"; the radio button names the field.
            let lines = ui.radio_value(&mut settings.file_lines, true, texts.file_lines);
            ui.add_enabled_ui(settings.file_lines, |ui| {
                let field = egui::TextEdit::singleline(&mut settings.line_ms)
                    .hint_text("100")
                    .desired_width(48.0);
                ui.add(field).labelled_by(lines.id);
                ui.label(texts.repeat_ms);
            });
        });
        let pick = ui.add_enabled(
            !running && self.dialog.is_none(),
            egui::Button::new(texts.send_file),
        );
        if pick.clicked() {
            self.dialog = dialogs::open_file(ui.ctx());
        }
        let (path, size) = self.file.take()?;
        ui.weak(format!(
            "{}{}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            texts.file_size(size)
        ));
        let mode = if settings.file_lines {
            let Some(interval) = parse_ms(&settings.line_ms) else {
                self.problem = Some(SendProblem::BadInterval);
                return None;
            };
            FileSendMode::Lines { interval }
        } else {
            // The tab turns this into datagrams or stream pieces.
            FileSendMode::Whole { chunk: 0 }
        };
        Some(JobRequest::File { path, mode })
    }
}

/// A whole number of milliseconds, 1 or more.
fn parse_ms(text: &str) -> Option<Duration> {
    match text.trim().parse::<u64>() {
        Ok(ms) if ms >= 1 => Some(Duration::from_millis(ms)),
        _ => None,
    }
}

/// A whole-file send cut into pieces of `chunk` (the tab knows its transport).
fn with_chunk(mode: FileSendMode, chunk: usize) -> FileSendMode {
    match mode {
        FileSendMode::Whole { .. } => FileSendMode::Whole { chunk },
        lines => lines,
    }
}

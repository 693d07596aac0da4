//! The Sequence panel of a traffic tab: an ordered list of steps (send, expect
//! within a deadline, wait, repeat a block) edited in place, checked by the
//! engine's own checker as it is typed, loaded from and saved to the TOML script
//! `netdbg run` reads, and run with a live view of every step.
//!
//! A run is the engine's runner on a thread of its own with its own connection
//! (to the tab's target, with the tab's encoding and framing); the tab's
//! connection is left alone.

mod editor;
pub mod file;
pub mod run;
pub mod steps;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, TryRecvError};
use egui::{Color32, RichText};
use serde::{Deserialize, Serialize};

use super::error_ui;
use super::traffic::waker::RepaintWaker;
use crate::codec::TextEncoding;
use crate::engine::sequence::{Script, ScriptError, Summary};
use crate::engine::{EngineError, InputError, parse_host_port};
use crate::i18n::{Describe, Lang, Texts};
use file::{FileFailed, FileOutcome};
use run::{Run, RunEnd, RunView};
use steps::{Edit, ScriptContext, StepSettings, apply_edit, to_toml};

pub use steps::ScriptContext as SequenceContext;

/// The most time a frame spends taking in a run's reports (a fast repeat can
/// report thousands of steps a second).
const DRAIN_BUDGET: Duration = Duration::from_millis(10);

pub const PASS_COLOR: Color32 = Color32::from_rgb(0x1e, 0x9e, 0x48);

/// What the panel remembers across restarts, inside the tab's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SequenceSettings {
    pub steps: Vec<StepSettings>,
    /// The script file last loaded or saved: where Save… starts, and what a
    /// `send_file` path is relative to.
    pub file: Option<PathBuf>,
}

impl Default for SequenceSettings {
    /// The tutorial's exchange: send 你好, expect 收到.
    fn default() -> Self {
        SequenceSettings {
            steps: vec![
                StepSettings::send("你好"),
                StepSettings::expect("收到", 1000),
            ],
            file: None,
        }
    }
}

impl SequenceSettings {
    /// Where `send_file` paths are relative to: the script's folder, else the
    /// working folder.
    fn base(&self) -> PathBuf {
        self.file
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }
}

/// Why the steps cannot run as they are.
#[derive(Debug, Clone)]
enum Refusal {
    /// The engine's checker refused the script; `step` names the step it
    /// stopped at (its number in the panel), if it was at one.
    Script {
        step: Option<String>,
        error: ScriptError,
    },
    Target(InputError),
}

/// The steps as last checked: the script's text, and the checked script or why
/// it cannot run.
struct Checked {
    text: String,
    step_lines: Vec<usize>,
    outcome: Result<Script, Refusal>,
}

/// The last load or save, as the panel tells it.
enum FileNote {
    Loaded { path: PathBuf, steps: usize },
    Saved(PathBuf),
    Failed(FileFailed),
}

/// What the user asked of the panel this frame.
enum PanelAction {
    Run,
    Stop,
    Load,
    Save,
    Edit(Edit),
}

/// The panel's state while the window runs (its steps live in the settings).
pub struct SequencePanel {
    waker: RepaintWaker,
    ctx: egui::Context,
    checked: Option<Checked>,
    run: Option<Run>,
    view: Option<RunView>,
    /// The encoding of the last run, for what a failed expect received.
    encoding: TextEncoding,
    file_task: Option<Receiver<FileOutcome>>,
    file_note: Option<FileNote>,
    start_error: Option<EngineError>,
}

impl SequencePanel {
    pub fn new(ctx: egui::Context) -> Self {
        SequencePanel {
            waker: RepaintWaker::new(ctx.clone()),
            ctx,
            checked: None,
            run: None,
            view: None,
            encoding: TextEncoding::Utf8,
            file_task: None,
            file_note: None,
            start_error: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    /// The live view of the last run: each step's state, the tally, how it ended.
    pub fn run_view(&self) -> Option<&RunView> {
        self.view.as_ref()
    }

    /// Every frame, shown or not: takes in the run's reports (within a budget)
    /// and the answer of a file dialog.
    pub fn logic(&mut self, settings: &mut SequenceSettings) {
        self.waker.rearm();
        let started = Instant::now();
        while let (Some(run), Some(view)) = (&self.run, &mut self.view) {
            match run.try_next() {
                Ok(event) => {
                    let done = matches!(event, run::RunEvent::Done(_));
                    view.apply(event);
                    if done {
                        self.run = None;
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    let summary = Summary {
                        passed: view.passed,
                        failed: view.failed,
                        stopped: true,
                    };
                    view.finish(RunEnd::Stopped(summary));
                    self.run = None;
                }
            }
            if started.elapsed() > DRAIN_BUDGET {
                self.ctx.request_repaint();
                break;
            }
        }
        if let Some(task) = &self.file_task {
            match task.try_recv() {
                Ok(outcome) => {
                    self.file_task = None;
                    self.file_done(settings, outcome);
                }
                Err(TryRecvError::Disconnected) => self.file_task = None,
                Err(TryRecvError::Empty) => {}
            }
        }
    }

    fn file_done(&mut self, settings: &mut SequenceSettings, outcome: FileOutcome) {
        self.file_note = Some(match outcome {
            FileOutcome::Loaded { path, steps } => {
                let count = steps::preorder(&steps).len();
                settings.steps = steps;
                settings.file = Some(path.clone());
                self.view = None;
                FileNote::Loaded { path, steps: count }
            }
            FileOutcome::Saved(path) => {
                settings.file = Some(path.clone());
                FileNote::Saved(path)
            }
            FileOutcome::Failed(failed) => FileNote::Failed(failed),
        });
    }

    /// Loads a script as Load… does once its dialog answered (for tests and
    /// callers that already have the path).
    pub fn load_from(&mut self, settings: &mut SequenceSettings, path: &Path) {
        let outcome = match file::load_sequence(path) {
            Ok(steps) => FileOutcome::Loaded {
                path: path.to_owned(),
                steps,
            },
            Err(failed) => FileOutcome::Failed(failed),
        };
        self.file_done(settings, outcome);
    }

    /// Checks the steps again if they (or the tab's target, encoding or framing)
    /// changed since the last frame.
    fn check(&mut self, settings: &SequenceSettings, context: &ScriptContext) {
        let script = to_toml(&settings.steps, context);
        if self
            .checked
            .as_ref()
            .is_some_and(|checked| checked.text == script.text)
        {
            return;
        }
        let numbers = editor::numbers(&settings.steps);
        let outcome = parse_host_port(&context.target)
            .map_err(Refusal::Target)
            .and_then(|_| {
                Script::parse(&script.text, &settings.base(), None).map_err(|error| {
                    let step = script
                        .step_at(error.line)
                        .and_then(|index| numbers.get(index).cloned());
                    Refusal::Script { step, error }
                })
            });
        self.checked = Some(Checked {
            text: script.text,
            step_lines: script.step_lines,
            outcome,
        });
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        settings: &mut SequenceSettings,
        context: ScriptContext,
    ) {
        let texts = lang.texts();
        let words = texts.sequence();
        self.check(settings, &context);
        let mut actions = Vec::new();
        let header = egui::CollapsingHeader::new(words.title)
            .id_salt("sequence")
            .show(ui, |ui| {
                self.toolbar_ui(ui, texts, &context, &mut actions);
                self.notes_ui(ui, lang);
                ui.add_enabled_ui(!self.is_running(), |ui| {
                    let mut edits = Vec::new();
                    editor::steps_ui(
                        ui,
                        texts,
                        &mut settings.steps,
                        self.view.as_ref(),
                        self.encoding,
                        &mut edits,
                    );
                    actions.extend(edits.into_iter().map(PanelAction::Edit));
                });
                self.summary_ui(ui, lang);
            });
        header.header_response.on_hover_text(words.tip);
        for action in actions {
            self.handle(action, settings, &context);
        }
    }

    fn toolbar_ui(
        &self,
        ui: &mut egui::Ui,
        texts: &Texts,
        context: &ScriptContext,
        actions: &mut Vec<PanelAction>,
    ) {
        let words = texts.sequence();
        ui.horizontal(|ui| {
            if self.is_running() {
                if ui.button(words.stop).clicked() {
                    actions.push(PanelAction::Stop);
                }
            } else {
                let ready = self
                    .checked
                    .as_ref()
                    .is_some_and(|checked| checked.outcome.is_ok());
                let run = ui.add_enabled(ready, egui::Button::new(words.run));
                if run.on_hover_text(words.tip).clicked() {
                    actions.push(PanelAction::Run);
                }
            }
            let idle = self.file_task.is_none();
            if ui
                .add_enabled(idle, egui::Button::new(words.load))
                .clicked()
            {
                actions.push(PanelAction::Load);
            }
            if ui
                .add_enabled(idle, egui::Button::new(words.save))
                .clicked()
            {
                actions.push(PanelAction::Save);
            }
            ui.weak(texts.sequence_target(context.target.trim(), context.encoding.label()));
        });
    }

    /// Why the steps cannot run, and what the last load, save or start said.
    fn notes_ui(&self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        if let Some(Checked {
            outcome: Err(refusal),
            ..
        }) = &self.checked
        {
            let message = match refusal {
                Refusal::Target(error) => error.describe(lang),
                Refusal::Script {
                    step: Some(step),
                    error,
                } => texts.sequence_step_problem(step, &error.problem.describe(lang)),
                Refusal::Script { step: None, error } => error.describe(lang),
            };
            error_ui(ui, &message);
        }
        match &self.file_note {
            Some(FileNote::Loaded { path, steps }) => {
                ui.weak(texts.sequence_loaded(&path.display().to_string(), *steps));
            }
            Some(FileNote::Saved(path)) => {
                ui.weak(texts.sequence_saved(&path.display().to_string()));
            }
            Some(FileNote::Failed(failed)) => error_ui(
                ui,
                &texts.sequence_file_failed(&failed.path.display().to_string(), &failed.message),
            ),
            None => {}
        }
        if let Some(error) = &self.start_error {
            error_ui(ui, &error.describe(lang));
        }
    }

    /// Passed and failed so far, and how the run ended.
    fn summary_ui(&self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        let Some(view) = &self.view else {
            return;
        };
        let tally = texts.sequence_summary(view.passed, view.failed);
        let color = if view.failed > 0 {
            super::ERROR_COLOR
        } else {
            PASS_COLOR
        };
        match &view.end {
            None => {
                ui.label(format!("{} {tally}", texts.sequence().running));
            }
            Some(RunEnd::Finished(_)) => {
                ui.label(RichText::new(tally).strong().color(color));
            }
            Some(RunEnd::Stopped(_)) => {
                ui.label(texts.sequence_stopped_summary(view.passed, view.failed));
            }
            Some(RunEnd::Failed(error)) => {
                ui.label(RichText::new(tally).strong().color(color));
                error_ui(ui, &error.describe(lang));
            }
        }
    }

    fn handle(
        &mut self,
        action: PanelAction,
        settings: &mut SequenceSettings,
        context: &ScriptContext,
    ) {
        match action {
            PanelAction::Run => self.start(settings, context),
            PanelAction::Stop => self.stop(),
            PanelAction::Load => {
                self.file_note = None;
                self.file_task = Some(file::load_in_background(&self.ctx, settings.file.clone()));
            }
            PanelAction::Save => {
                self.file_note = None;
                let suggested = settings
                    .file
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("sequence.toml"));
                self.file_task = Some(file::save_in_background(
                    &self.ctx,
                    suggested,
                    settings.steps.clone(),
                    context.clone(),
                ));
            }
            PanelAction::Edit(edit) => {
                apply_edit(&mut settings.steps, edit);
                self.view = None;
            }
        }
    }

    /// Starts the checked script on its own thread (and connection).
    pub fn start(&mut self, settings: &SequenceSettings, context: &ScriptContext) {
        self.check(settings, context);
        self.start_error = None;
        let Some(Checked {
            outcome: Ok(script),
            step_lines,
            ..
        }) = &self.checked
        else {
            return;
        };
        let Ok((host, port)) = parse_host_port(&context.target) else {
            return;
        };
        match Run::start(script.clone(), host, port, self.waker.waker()) {
            Ok(run) => {
                self.encoding = context.encoding;
                self.view = Some(RunView::new(&settings.steps, step_lines.clone()));
                self.run = Some(run);
            }
            Err(error) => {
                self.start_error = Some(EngineError::Thread {
                    message: error.to_string(),
                });
            }
        }
    }

    /// Ends the run now: the thread is told to stop and left to finish alone.
    pub fn stop(&mut self) {
        if let (Some(run), Some(view)) = (self.run.take(), &mut self.view) {
            run.stop();
            let summary = Summary {
                passed: view.passed,
                failed: view.failed,
                stopped: true,
            };
            view.finish(RunEnd::Stopped(summary));
        }
    }
}

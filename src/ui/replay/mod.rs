//! The Replay panel of a traffic tab: choose a capture (netdbg's JSON lines, pcapng
//! or pcap), which side's messages, how fast, whether to wait for each reply; then
//! Start, Pause/Resume, Stop, a progress bar and the result with the timing error.
//!
//! Like the Sequence panel, a replay opens its own connection (to the tab's target:
//! TCP from the TCP client tab, UDP from the UDP tab) on the engine's player
//! thread; the tab's own connection and log are left alone.

mod load;
mod settings;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, TryRecvError};
use egui::RichText;

use super::error_ui;
use super::sequence::PASS_COLOR;
use super::traffic::waker::RepaintWaker;
use crate::engine::replay::{
    Capture, CaptureError, DEFAULT_REPLY_TIMEOUT, Pace, Plan, Player, ReplayConfig, ReplayEnd,
    ReplayEvent, ReplayResult, Transport, parse_speed,
};
use crate::engine::{EngineError, FlowConfig, InputError, parse_host_port};
use crate::i18n::{Describe, Lang, Texts};
pub use load::{LoadOutcome, load_capture};
use settings::options_ui;
pub use settings::{ReplaySettings, SpeedChoice};

/// The most time a frame spends taking in the player's events.
const DRAIN_BUDGET: Duration = Duration::from_millis(10);

/// Where the replay goes: the tab's target, over the tab's transport.
#[derive(Debug, Clone)]
pub struct ReplayContext {
    pub target: String,
    pub udp: bool,
}

/// Why Start did nothing.
#[derive(Debug, Clone)]
enum Refusal {
    Target(InputError),
    Speed(String),
    Peer(String),
    Capture(CaptureError),
    Engine(EngineError),
}

/// How far a replay got, from its events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub sent: u64,
    pub total: u64,
    pub replies: u64,
    pub missed: u64,
    pub paused: bool,
}

/// The capture in hand.
struct Loaded {
    path: PathBuf,
    capture: Arc<Capture>,
}

/// The panel's state while the window runs (its choices live in the settings).
pub struct ReplayPanel {
    waker: RepaintWaker,
    ctx: egui::Context,
    loaded: Option<Loaded>,
    load_task: Option<Receiver<LoadOutcome>>,
    load_error: Option<(PathBuf, CaptureError)>,
    player: Option<(Player, Receiver<ReplayEvent>)>,
    progress: Progress,
    result: Option<Result<ReplayResult, EngineError>>,
    refusal: Option<Refusal>,
}

/// What the user asked of the panel this frame.
enum PanelAction {
    Choose,
    Start,
    Pause,
    Resume,
    Stop,
}

impl ReplayPanel {
    pub fn new(ctx: egui::Context) -> Self {
        ReplayPanel {
            waker: RepaintWaker::new(ctx.clone()),
            ctx,
            loaded: None,
            load_task: None,
            load_error: None,
            player: None,
            progress: Progress::default(),
            result: None,
            refusal: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.player.is_some()
    }

    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// How the last replay ended.
    pub fn result(&self) -> Option<&Result<ReplayResult, EngineError>> {
        self.result.as_ref()
    }

    /// Every frame, shown or not: the player's events (within a budget) and the
    /// answer of the file dialog.
    pub fn logic(&mut self, settings: &mut ReplaySettings) {
        self.waker.rearm();
        let started = Instant::now();
        while let Some((_, events)) = &self.player {
            match events.try_recv() {
                Ok(ReplayEvent::Done(done)) => {
                    self.result = Some(done);
                    self.progress.paused = false;
                    self.player = None;
                }
                Ok(event) => self.apply(event),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.player = None;
                    self.result = Some(Err(EngineError::Thread {
                        message: "the replay ended without a result".to_owned(),
                    }));
                }
            }
            if started.elapsed() > DRAIN_BUDGET {
                self.ctx.request_repaint();
                break;
            }
        }
        if let Some(task) = &self.load_task {
            match task.try_recv() {
                Ok(outcome) => {
                    self.load_task = None;
                    self.loaded_ui_state(settings, outcome);
                }
                Err(TryRecvError::Disconnected) => self.load_task = None,
                Err(TryRecvError::Empty) => {}
            }
        }
    }

    fn apply(&mut self, event: ReplayEvent) {
        match event {
            ReplayEvent::Sent { .. } => self.progress.sent += 1,
            ReplayEvent::Received { .. } => self.progress.replies += 1,
            ReplayEvent::NoReply { .. } => self.progress.missed += 1,
            ReplayEvent::Paused => self.progress.paused = true,
            ReplayEvent::Resumed => self.progress.paused = false,
            ReplayEvent::Connected { .. }
            | ReplayEvent::Skipped(_)
            | ReplayEvent::ClosedByPeer
            | ReplayEvent::Done(_) => {}
        }
    }

    fn loaded_ui_state(&mut self, settings: &mut ReplaySettings, outcome: LoadOutcome) {
        self.result = None;
        self.refusal = None;
        match outcome {
            LoadOutcome::Loaded { path, capture } => {
                settings.file = Some(path.clone());
                self.load_error = None;
                self.loaded = Some(Loaded { path, capture });
            }
            LoadOutcome::Failed { path, error } => {
                self.loaded = None;
                self.load_error = Some((path, error));
            }
        }
    }

    /// Reads a capture as the dialog's choice would (for tests, and for callers
    /// that already have the path).
    pub fn load_from(&mut self, settings: &mut ReplaySettings, path: &Path) {
        let outcome = load_capture(path);
        self.loaded_ui_state(settings, outcome);
    }

    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        settings: &mut ReplaySettings,
        context: &ReplayContext,
    ) {
        let texts = lang.texts();
        let words = texts.replay();
        let mut actions = Vec::new();
        let header = egui::CollapsingHeader::new(words.title)
            .id_salt("replay")
            .show(ui, |ui| {
                self.file_ui(ui, lang, &mut actions);
                ui.add_enabled_ui(!self.is_running(), |ui| options_ui(ui, texts, settings));
                self.controls_ui(ui, texts, context, &mut actions);
                self.outcome_ui(ui, lang);
            });
        header.header_response.on_hover_text(words.tip);
        for action in actions {
            self.handle(action, settings, context);
        }
    }

    fn file_ui(&self, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<PanelAction>) {
        let texts = lang.texts();
        let words = texts.replay();
        ui.horizontal_wrapped(|ui| {
            let idle = self.load_task.is_none() && !self.is_running();
            if ui
                .add_enabled(idle, egui::Button::new(words.choose))
                .clicked()
            {
                actions.push(PanelAction::Choose);
            }
            if self.load_task.is_some() {
                ui.weak(words.loading);
            } else if let Some(loaded) = &self.loaded {
                let name = file_name(&loaded.path);
                let capture = &loaded.capture;
                ui.label(texts.replay_file(
                    &name,
                    capture.records.len(),
                    capture.conversations.len(),
                ));
            } else if self.load_error.is_none() {
                ui.weak(words.no_file);
            }
        });
        if let Some((path, error)) = &self.load_error {
            error_ui(
                ui,
                &format!("{}: {}", file_name(path), error.describe(lang)),
            );
        }
    }

    fn controls_ui(
        &self,
        ui: &mut egui::Ui,
        texts: &Texts,
        context: &ReplayContext,
        actions: &mut Vec<PanelAction>,
    ) {
        let words = texts.replay();
        ui.horizontal_wrapped(|ui| {
            if self.is_running() {
                let (label, action) = if self.progress.paused {
                    (words.resume, PanelAction::Resume)
                } else {
                    (words.pause, PanelAction::Pause)
                };
                if ui.button(label).clicked() {
                    actions.push(action);
                }
                if ui.button(words.stop).clicked() {
                    actions.push(PanelAction::Stop);
                }
            } else {
                let ready = self.loaded.is_some();
                if ui
                    .add_enabled(ready, egui::Button::new(words.start))
                    .on_hover_text(words.tip)
                    .clicked()
                {
                    actions.push(PanelAction::Start);
                }
            }
            ui.weak(texts.replay_target(context.target.trim(), context.udp));
        });
    }

    /// The progress bar while it runs; the result (or why it did not start) after.
    fn outcome_ui(&self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        let words = texts.replay();
        let progress = self.progress;
        if self.is_running() || self.result.is_some() {
            ui.horizontal(|ui| {
                let fraction = if progress.total == 0 {
                    0.0
                } else {
                    progress.sent as f32 / progress.total as f32
                };
                let mut count = texts.replay_progress(progress.sent, progress.total);
                if progress.paused {
                    count = format!("{count} ({})", words.paused);
                }
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(200.0)
                        .text(count),
                )
                .on_hover_text(words.progress);
            });
        }
        match &self.result {
            Some(Ok(result)) => {
                let line = texts.replay_summary(result);
                if result.end == ReplayEnd::Finished {
                    ui.label(RichText::new(line).strong().color(PASS_COLOR));
                } else {
                    ui.label(line);
                }
            }
            Some(Err(error)) => error_ui(ui, &error.describe(lang)),
            None => {}
        }
        if let Some(refusal) = &self.refusal {
            let message = match refusal {
                Refusal::Target(error) => error.describe(lang),
                Refusal::Speed(text) => texts.replay_bad_speed(text),
                Refusal::Peer(text) => texts.replay_bad_peer(text),
                Refusal::Capture(error) => error.describe(lang),
                Refusal::Engine(error) => error.describe(lang),
            };
            error_ui(ui, &message);
        }
    }

    fn handle(&mut self, action: PanelAction, settings: &ReplaySettings, context: &ReplayContext) {
        match action {
            PanelAction::Choose => {
                self.load_task = Some(load::choose_in_background(&self.ctx, settings.file.clone()));
            }
            PanelAction::Start => self.start(settings, context),
            PanelAction::Pause => {
                if let Some((player, _)) = &self.player {
                    player.pause();
                }
            }
            PanelAction::Resume => {
                if let Some((player, _)) = &self.player {
                    player.resume();
                }
            }
            PanelAction::Stop => self.stop(),
        }
    }

    /// Starts the loaded capture toward the tab's target, with the panel's choices.
    pub fn start(&mut self, settings: &ReplaySettings, context: &ReplayContext) {
        self.refusal = None;
        match self.try_start(settings, context) {
            Ok(()) => self.result = None,
            Err(refusal) => self.refusal = Some(refusal),
        }
    }

    fn try_start(
        &mut self,
        settings: &ReplaySettings,
        context: &ReplayContext,
    ) -> Result<(), Refusal> {
        let Some(loaded) = &self.loaded else {
            return Ok(());
        };
        let (host, port) = parse_host_port(&context.target).map_err(Refusal::Target)?;
        let pace = match settings.speed {
            SpeedChoice::Half => Pace::Recorded { speed: 0.5 },
            SpeedChoice::One => Pace::Recorded { speed: 1.0 },
            SpeedChoice::Two => Pace::Recorded { speed: 2.0 },
            SpeedChoice::Asap => Pace::Asap,
            SpeedChoice::Custom => Pace::Recorded {
                speed: parse_speed(&settings.custom_speed)
                    .ok_or_else(|| Refusal::Speed(settings.custom_speed.clone()))?,
            },
        };
        let peer = match settings.peer.trim() {
            "" => None,
            text => Some(
                text.parse::<SocketAddr>()
                    .map_err(|_| Refusal::Peer(text.to_owned()))?,
            ),
        };
        let plan =
            Plan::new(loaded.capture.clone(), settings.side, peer).map_err(Refusal::Capture)?;
        let transport = if context.udp {
            Transport::Udp
        } else {
            Transport::Tcp
        };
        let config = ReplayConfig {
            pace,
            reply_timeout: settings.wait_reply.then_some(DEFAULT_REPLY_TIMEOUT),
            flow: FlowConfig::display(),
            ..ReplayConfig::new(host, port, transport)
        };
        let total = plan.len() as u64;
        let (tx, events) = crossbeam_channel::unbounded();
        let player = Player::start(Arc::new(plan), config, tx, self.waker.waker())
            .map_err(Refusal::Engine)?;
        self.progress = Progress {
            total,
            ..Progress::default()
        };
        self.player = Some((player, events));
        Ok(())
    }

    /// Asks the player to stop; its last events (and result) arrive in a frame or two.
    pub fn stop(&mut self) {
        if let Some((player, _)) = &self.player {
            player.stop();
        }
    }
}

/// The file's name alone, as the panel shows it.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

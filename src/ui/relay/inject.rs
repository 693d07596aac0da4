//! The relay's send box: type a message and inject it into a pair, to the server
//! or to the client, in the middle of the session — now, or from a periodic or
//! file job. It goes to the pairs ticked in the table, or to the only open one.

use super::RelayTab;
use crate::engine::{Direction, EngineError, PairId, SendFn, SendOutcome};
use crate::i18n::{Describe, Lang};
use crate::ui::error_ui;
use crate::ui::send::SendRequest;
use crate::ui::send::jobs::FILE_STREAM_PIECE;

/// Why a message was not injected (everywhere, or somewhere).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum InjectProblem {
    NoPairs,
    NoneSelected,
    Partial { queued: usize, wanted: usize },
    Engine(EngineError),
}

impl InjectProblem {
    fn describe(&self, lang: Lang) -> String {
        let texts = lang.texts();
        match self {
            InjectProblem::NoPairs => texts.relay().inject_no_pairs.to_owned(),
            InjectProblem::NoneSelected => texts.relay().inject_none_selected.to_owned(),
            InjectProblem::Partial { queued, wanted } => texts.sent_to_some(*queued, *wanted),
            InjectProblem::Engine(error) => error.describe(lang),
        }
    }
}

impl RelayTab {
    fn inject_direction(&self) -> Direction {
        if self.settings.inject_to_server {
            Direction::C2s
        } else {
            Direction::S2c
        }
    }

    /// The pairs a message goes to: the ticked open ones, or the only open one.
    fn inject_targets(&self) -> Result<Vec<PairId>, InjectProblem> {
        let ticked = self.pairs.selected_open();
        if !ticked.is_empty() {
            return Ok(ticked);
        }
        match self.pairs.open_ids().as_slice() {
            [] => Err(InjectProblem::NoPairs),
            [only] => Ok(vec![*only]),
            _ => Err(InjectProblem::NoneSelected),
        }
    }

    /// Above the send box: to the server or to the client, of which pairs, and
    /// what went wrong last time.
    pub(super) fn inject_target_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let texts = lang.texts();
        let words = texts.relay();
        ui.horizontal_wrapped(|ui| {
            ui.radio_value(
                &mut self.settings.inject_to_server,
                true,
                words.inject_to_server,
            )
            .on_hover_text(words.inject_tip);
            ui.radio_value(
                &mut self.settings.inject_to_server,
                false,
                words.inject_to_client,
            )
            .on_hover_text(words.inject_tip);
            let targets = self.inject_targets().unwrap_or_default();
            ui.weak(texts.inject_pairs(&targets));
            if let Some(problem) = &self.inject_problem {
                error_ui(ui, &problem.describe(lang));
            }
        });
    }

    pub(super) fn send_request(&mut self, request: SendRequest) {
        match request {
            SendRequest::Now(bytes) => {
                if self.inject_now(bytes) {
                    self.traffic.send_box.remember(&mut self.settings.send);
                }
            }
            SendRequest::Job(job) => {
                if let Some(send) = self.inject_fn() {
                    let started = job.start(send, FILE_STREAM_PIECE, self.traffic.waker());
                    self.traffic.send_box.job_started(started);
                }
            }
        }
    }

    /// Injects once, now; true if every chosen pair took it.
    fn inject_now(&mut self, bytes: Vec<u8>) -> bool {
        let targets = match self.inject_targets() {
            Ok(targets) => targets,
            Err(problem) => {
                self.inject_problem = Some(problem);
                return false;
            }
        };
        let Some(relay) = self.traffic.endpoint() else {
            self.inject_problem = Some(InjectProblem::NoPairs);
            return false;
        };
        let direction = self.inject_direction();
        let mut queued = 0;
        let mut last_error = None;
        for pair in &targets {
            match relay.inject(*pair, direction, bytes.clone()) {
                Ok(()) => queued += 1,
                Err(error) => last_error = Some(error),
            }
        }
        self.inject_problem = match (last_error, targets.len()) {
            (Some(error), 1) => Some(InjectProblem::Engine(error)),
            (Some(_), wanted) => Some(InjectProblem::Partial { queued, wanted }),
            (None, _) => None,
        };
        queued == targets.len()
    }

    /// Injects into the pairs chosen now, from a job's thread.
    fn inject_fn(&mut self) -> Option<SendFn> {
        let targets = self
            .inject_targets()
            .map_err(|problem| self.inject_problem = Some(problem))
            .ok()?;
        let injector = self.traffic.endpoint()?.injector();
        let direction = self.inject_direction();
        self.inject_problem = None;
        Some(Box::new(move |bytes| {
            let outcomes: Vec<_> = targets
                .iter()
                .map(|pair| injector.inject(*pair, direction, bytes.clone()))
                .collect();
            if outcomes.iter().any(Result::is_ok) {
                SendOutcome::Sent
            } else if outcomes
                .iter()
                .any(|outcome| matches!(outcome, Err(EngineError::SendQueueFull { .. })))
            {
                SendOutcome::Busy
            } else {
                SendOutcome::Gone
            }
        }))
    }
}

//! Sending from the TCP server tab: to the ticked clients or to all, now or from a
//! periodic / file job, and what went wrong when not every client got it.

use super::TcpServerTab;
use crate::engine::{EngineError, SendFn, SendOutcome};
use crate::i18n::{Describe, Lang};
use crate::ui::send::SendRequest;
use crate::ui::send::jobs::FILE_STREAM_PIECE;

/// A problem with what the user asked to send.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SendProblem {
    NoneSelected,
    NoClients,
    Partial { queued: usize, wanted: usize },
    Engine(EngineError),
}

impl TcpServerTab {
    pub(super) fn send_request(&mut self, request: SendRequest) {
        match request {
            SendRequest::Now(bytes) => {
                if self.send(bytes) {
                    self.traffic.send_box.remember(&mut self.settings.send);
                }
            }
            SendRequest::Job(job) => {
                if let Some(send) = self.send_fn() {
                    let started = job.start(send, FILE_STREAM_PIECE, self.traffic.waker());
                    self.traffic.send_box.job_started(started);
                }
            }
        }
    }

    /// Sends to the clients chosen now (ticked, or all) from a job's thread.
    fn send_fn(&mut self) -> Option<SendFn> {
        self.send_problem = None;
        let Some(server) = self.traffic.endpoint() else {
            self.send_problem = Some(SendProblem::NoClients);
            return None;
        };
        let sender = server.sender();
        if self.settings.send_to_all {
            return Some(Box::new(move |bytes| match sender.send_to_all(&bytes) {
                Some(0) => SendOutcome::Busy,
                Some(_) => SendOutcome::Sent,
                None => SendOutcome::Gone,
            }));
        }
        let targets = self.clients.selected_connected();
        if targets.is_empty() {
            self.send_problem = Some(SendProblem::NoneSelected);
            return None;
        }
        Some(Box::new(move |bytes| {
            let outcomes: Vec<_> = targets
                .iter()
                .map(|id| sender.send(*id, bytes.clone()))
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

    /// Sends once, now; true if every chosen client got it queued.
    fn send(&mut self, bytes: Vec<u8>) -> bool {
        self.send_problem = None;
        let Some(server) = self.traffic.endpoint() else {
            self.send_problem = Some(SendProblem::NoClients);
            return false;
        };
        if self.settings.send_to_all {
            let connected = self.clients.connected_count();
            if connected == 0 {
                self.send_problem = Some(SendProblem::NoClients);
                return false;
            }
            let queued = server.send_to_all(&bytes);
            if queued < connected {
                self.send_problem = Some(SendProblem::Partial {
                    queued,
                    wanted: connected,
                });
            }
            return queued > 0;
        }
        let targets = self.clients.selected_connected();
        if targets.is_empty() {
            self.send_problem = Some(SendProblem::NoneSelected);
            return false;
        }
        let mut queued = 0;
        let mut last_error = None;
        for id in &targets {
            match server.send(*id, bytes.clone()) {
                Ok(()) => queued += 1,
                Err(error) => last_error = Some(error),
            }
        }
        self.send_problem = match (last_error, targets.len()) {
            (Some(error), 1) => Some(SendProblem::Engine(error)),
            (Some(_), wanted) => Some(SendProblem::Partial { queued, wanted }),
            (None, _) => None,
        };
        queued > 0
    }
}

pub(super) fn describe_send_problem(problem: &SendProblem, lang: Lang) -> String {
    let texts = lang.texts();
    match problem {
        SendProblem::NoneSelected => texts.no_client_selected.to_owned(),
        SendProblem::NoClients => texts.no_clients.to_owned(),
        SendProblem::Partial { queued, wanted } => texts.sent_to_some(*queued, *wanted),
        SendProblem::Engine(error) => error.describe(lang),
    }
}

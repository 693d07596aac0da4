//! Worker threads that do not die silently. A panic in a worker (a bug) is caught
//! where the thread starts, turned into [`EngineError::WorkerPanicked`], and handed
//! to the endpoint, which reports it and closes what the thread served, as it does
//! for any failure. The process and the other endpoints keep running.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

use super::EngineError;
use super::error::WorkerRole;

/// A panic message longer than this is cut (it is shown in a status line).
const MAX_MESSAGE: usize = 300;

/// A named worker thread about to start.
pub(crate) struct Worker {
    role: WorkerRole,
    name: String,
    stack: Option<usize>,
}

impl Worker {
    pub fn new(role: WorkerRole, name: String) -> Self {
        Worker {
            role,
            name,
            stack: None,
        }
    }

    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack = Some(bytes);
        self
    }

    /// Runs `body` on the thread; if it panics, `on_panic` gets the error (after
    /// `body`'s own values are dropped: a socket it owned is closed by then).
    pub fn spawn(
        self,
        body: impl FnOnce() + Send + 'static,
        on_panic: impl FnOnce(EngineError) + Send + 'static,
    ) -> Result<JoinHandle<()>, EngineError> {
        let mut builder = thread::Builder::new().name(self.name);
        if let Some(bytes) = self.stack {
            builder = builder.stack_size(bytes);
        }
        let role = self.role;
        builder
            .spawn(move || {
                if let Err(error) = catch(role, body) {
                    on_panic(error);
                }
            })
            .map_err(|err| EngineError::Thread {
                message: err.to_string(),
            })
    }
}

/// Runs `body`, turning a panic into the error that says so. For a worker that
/// carries on after one (the TCP server's writer closes the client it was sending
/// to and keeps sending to the others).
pub(crate) fn catch<T>(role: WorkerRole, body: impl FnOnce() -> T) -> Result<T, EngineError> {
    // Unwind safety: what a worker shares sits behind poison-tolerant locks and
    // atomics, and whoever handles the error closes what the worker served.
    panic::catch_unwind(AssertUnwindSafe(body)).map_err(|payload| EngineError::WorkerPanicked {
        thread: role,
        message: panic_message(payload.as_ref()),
    })
}

/// What `panic!` was given: its text, or a generic word for other payloads.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    let text = match (
        payload.downcast_ref::<&str>(),
        payload.downcast_ref::<String>(),
    ) {
        (Some(text), _) => text,
        (None, Some(text)) => text.as_str(),
        (None, None) => "panic",
    };
    match text.char_indices().nth(MAX_MESSAGE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A test's way to make a worker panic at its next read (or send, or accept):
/// the `#[doc(hidden)] panic_next_*` methods of the endpoints arm it. Not
/// reachable from the network; a worker pays one relaxed load per check.
#[derive(Debug, Default)]
pub(crate) struct PanicSwitch(AtomicBool);

impl PanicSwitch {
    pub fn arm(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Panics once if armed.
    #[inline]
    pub fn check(&self, what: &str) {
        if self.0.load(Ordering::Relaxed) && self.0.swap(false, Ordering::Relaxed) {
            test_panic(what);
        }
    }
}

#[cold]
fn test_panic(what: &str) -> ! {
    panic!("test-only panic at the next {what}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let error = catch(WorkerRole::Receive, || panic!("boom {}", 42)).unwrap_err();
        assert_eq!(
            error,
            EngineError::WorkerPanicked {
                thread: WorkerRole::Receive,
                message: "boom 42".to_owned(),
            }
        );
        let error = catch(WorkerRole::Send, || panic!("static")).unwrap_err();
        assert!(
            matches!(error, EngineError::WorkerPanicked { message, .. } if message == "static")
        );
    }

    #[test]
    fn other_payloads_and_long_messages() {
        let error = catch(WorkerRole::Accept, || panic::panic_any(7u8)).unwrap_err();
        assert!(matches!(error, EngineError::WorkerPanicked { message, .. } if message == "panic"));
        let long = "é".repeat(MAX_MESSAGE + 10);
        let error = catch(WorkerRole::Accept, || panic!("{long}")).unwrap_err();
        let EngineError::WorkerPanicked { message, .. } = error else {
            unreachable!()
        };
        assert_eq!(message.chars().count(), MAX_MESSAGE + 1);
    }

    #[test]
    fn the_switch_panics_once() {
        let switch = PanicSwitch::default();
        switch.check("read");
        switch.arm();
        assert!(catch(WorkerRole::Receive, || switch.check("read")).is_err());
        switch.check("read");
    }

    #[test]
    fn a_spawned_worker_reports_its_panic() {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = Worker::new(WorkerRole::Send, "test-worker".to_owned())
            .stack_size(64 * 1024)
            .spawn(
                || panic!("in the worker"),
                move |error| tx.send(error).unwrap(),
            )
            .unwrap();
        thread.join().unwrap();
        let error = rx.recv().unwrap();
        assert!(
            matches!(error, EngineError::WorkerPanicked { thread: WorkerRole::Send, message } if message == "in the worker")
        );
    }
}

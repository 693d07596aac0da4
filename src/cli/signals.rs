//! The signals that ask a command to stop, caught so it can clean up first: `file get`
//! cancels the download and removes `NAME.part` before it exits. Other commands keep
//! the default: the process ends at once.
//!
//! Unix: SIGINT (Ctrl+C), SIGTERM and SIGHUP. Windows: Ctrl+C, Ctrl+Break, closing the
//! console window, logoff and shutdown. The exit code afterwards is the shells' 128 + the
//! signal's number, so a script can tell a stop from a failure: 130 for SIGINT and
//! Ctrl+C, 143 for SIGTERM, 129 for SIGHUP; on Windows 149 for Ctrl+Break (SIGBREAK is
//! 21), 129 for closing the console (the terminal went away, as with SIGHUP), 143 for
//! logoff and shutdown (as with SIGTERM).

use std::io;
use std::thread::JoinHandle;

use crossbeam_channel::Receiver;

/// One request to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// What was pressed or sent, as the user knows it: "SIGINT", "Ctrl+Break"…
    pub name: &'static str,
    /// 128 + the signal's number.
    pub exit_code: u8,
}

const SIGINT: Stop = Stop {
    name: "SIGINT",
    exit_code: 130,
};
const SIGTERM: Stop = Stop {
    name: "SIGTERM",
    exit_code: 143,
};
const SIGHUP: Stop = Stop {
    name: "SIGHUP",
    exit_code: 129,
};

/// Catches the stop signals while it lives and reports each on [`Self::stops`].
pub struct StopWatch {
    stops: Receiver<Stop>,
    #[cfg(unix)]
    handle: signal_hook::iterator::Handle,
    /// Unix: the thread that turns signals into [`Stop`]s. Windows has none: the
    /// console handler sends them itself.
    thread: Option<JoinHandle<()>>,
}

impl StopWatch {
    /// From now on a stop signal no longer ends the process: it arrives here.
    pub fn start() -> io::Result<Self> {
        let (tx, stops) = crossbeam_channel::unbounded();
        #[cfg(unix)]
        {
            use signal_hook::consts::signal;
            let mut signals = signal_hook::iterator::Signals::new([
                signal::SIGINT,
                signal::SIGTERM,
                signal::SIGHUP,
            ])?;
            let handle = signals.handle();
            let thread = std::thread::Builder::new()
                .name("signals".to_owned())
                .spawn(move || {
                    // Ends when `Drop` closes the handle.
                    for number in signals.forever() {
                        let stop = match number {
                            signal::SIGINT => SIGINT,
                            signal::SIGTERM => SIGTERM,
                            _ => SIGHUP,
                        };
                        if tx.send(stop).is_err() {
                            break;
                        }
                    }
                })?;
            Ok(Self {
                stops,
                handle,
                thread: Some(thread),
            })
        }
        #[cfg(windows)]
        {
            crate::platform::catch_console_stops(Box::new(move |stop| {
                tx.send(console_stop(stop)).is_ok()
            }))?;
            Ok(Self {
                stops,
                thread: None,
            })
        }
    }

    /// Each stop signal, as it comes.
    pub fn stops(&self) -> &Receiver<Stop> {
        &self.stops
    }
}

impl Drop for StopWatch {
    fn drop(&mut self) {
        #[cfg(unix)]
        self.handle.close();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A Windows console control event as the signal it stands for.
#[cfg(windows)]
fn console_stop(stop: crate::platform::ConsoleStop) -> Stop {
    use crate::platform::ConsoleStop;
    match stop {
        ConsoleStop::CtrlC => Stop {
            name: "Ctrl+C",
            ..SIGINT
        },
        ConsoleStop::CtrlBreak => Stop {
            name: "Ctrl+Break",
            exit_code: 149,
        },
        ConsoleStop::Close => Stop {
            name: "console closed",
            ..SIGHUP
        },
        ConsoleStop::LogoffOrShutdown => Stop {
            name: "logoff or shutdown",
            ..SIGTERM
        },
    }
}

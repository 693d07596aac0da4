//! Helpers the benches share, each bench taking it in with `mod common;`: running a
//! bench and its threads (here), its options (`options`), figures and their formatting
//! (`figures`), what /proc says (`procfs`), sockets (`net`), and the bench binary re-run
//! as a child (`role`).
// Each bench uses only some of them.
#![allow(dead_code)]

pub mod figures;
pub mod net;
pub mod options;
pub mod procfs;
pub mod role;

use std::fmt::Display;
use std::io;
use std::thread::{self, JoinHandle};
use std::time::Instant;

/// Ends the process as every bench here does when its run (or a child's role) failed:
/// `WHAT: error` on stderr and exit code 1. Bad options end earlier, in clap (code 2).
pub fn exit_on_error(what: &str, result: io::Result<()>) {
    if let Err(err) = result {
        eprintln!("{what}: {err}");
        std::process::exit(1);
    }
}

/// Joins a bench thread; its panic becomes an error that names it.
pub fn join<T>(handle: JoinHandle<io::Result<T>>, name: &str) -> io::Result<T> {
    handle
        .join()
        .map_err(|_| io::Error::other(format!("thread {name} panicked")))?
}

/// For `map_err` on an engine call: its error as an `io::Error` that names the call.
pub fn failed<E: Display>(call: &'static str) -> impl FnOnce(E) -> io::Error {
    move |err| io::Error::other(format!("{call}: {err}"))
}

/// The CPUs this process may run on, as the benches' first line says (0 if unknown).
pub fn cpus() -> usize {
    thread::available_parallelism().map_or(0, |n| n.get())
}

/// The end of every bench's output: a blank line, the `RESULT` lines gathered during
/// the run, and the whole run's time.
pub fn print_results(results: &[String], started: Instant) {
    println!();
    for line in results {
        println!("{line}");
    }
    println!("RESULT total_secs={:.1}", started.elapsed().as_secs_f64());
}

//! Helpers the benches share, each bench taking it in with `mod common;`: running a
//! bench and its threads (here), figures and their formatting (`figures`), what /proc
//! says (`procfs`), and the bench binary re-run as a child (`role`).
// Each bench uses only some of them.
#![allow(dead_code)]

pub mod figures;
pub mod procfs;
pub mod role;

use std::io;
use std::thread::JoinHandle;

/// Runs a bench with its options and exits as every bench here does: 2 with the
/// message (the usage) when the options are bad, 1 with `NAME: error` when the run fails.
pub fn run_or_exit<O>(
    name: &str,
    options: Result<O, String>,
    run: impl FnOnce(&O) -> io::Result<()>,
) {
    let options = match options {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Err(err) = run(&options) {
        eprintln!("{name}: {err}");
        std::process::exit(1);
    }
}

/// Joins a bench thread; its panic becomes an error that names it.
pub fn join<T>(handle: JoinHandle<io::Result<T>>, name: &str) -> io::Result<T> {
    handle
        .join()
        .map_err(|_| io::Error::other(format!("thread {name} panicked")))?
}

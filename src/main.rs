// A double-clicked exe opens no console window on Windows; the CLI borrows the caller's.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

use netdbg::cli;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    // Before parsing, so `--help` and clap's errors reach a Windows console too.
    netdbg::platform::attach_parent_console();
    let mut cli = match cli::parse() {
        Ok(cli) => cli,
        Err(exit_code) => return exit_code,
    };
    match cli.command.take() {
        Some(command) => cli::run(cli, command),
        None => netdbg::app::window::run(started),
    }
}

use std::process::ExitCode;

use clap::Parser;
use netdbg::cli::{self, Cli};

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let mut cli = Cli::parse();
    match cli.command.take() {
        Some(command) => cli::run(cli, command),
        None => netdbg::ui::window::run(started),
    }
}

//! The bench binary re-run as a child in another role (`--server-role`,
//! `--client-role`), so that each side has its own memory figures and descriptor
//! budget; the two talk in lines over the child's stdin and stdout, with figures as
//! `key=value`. Also how the benches wait for any child they start.

use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::str::FromStr;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;

/// Starts this binary with `args`; returns it, its stdin, and its stdout lines, read
/// on a thread named `lines_thread`.
pub fn spawn_role<I, S>(
    args: I,
    lines_thread: &str,
) -> io::Result<(Child, ChildStdin, Receiver<String>)>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = Command::new(std::env::current_exe()?)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let (stdin, stdout) = match (child.stdin.take(), child.stdout.take()) {
        (Some(stdin), Some(stdout)) => (stdin, stdout),
        _ => return Err(io::Error::other("child without pipes")),
    };
    let (lines_tx, lines) = crossbeam_channel::unbounded();
    thread::Builder::new()
        .name(lines_thread.to_owned())
        .spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        })?;
    Ok((child, stdin, lines))
}

/// The value of `key=value` in a line.
pub fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|part| part.strip_prefix(key)?.strip_prefix('='))
}

/// The value of `key=value` in a line, parsed.
pub fn parse_field<T: FromStr>(line: &str, key: &str) -> Option<T> {
    field(line, key)?.parse().ok()
}

/// Waits for `child` to exit, at most `cap`; then kills it.
pub fn wait_capped(child: &mut Child, cap: Duration) -> io::Result<ExitStatus> {
    let deadline = Instant::now() + cap;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            child.kill()?;
            return child.wait();
        }
        thread::sleep(Duration::from_millis(1));
    }
}

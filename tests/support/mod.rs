//! Helpers shared by the tests. For the kittest UI tests: a harness around the real
//! app, and waiting (by stepping frames) for what the user should see. For the CLI
//! tests: the `netdbg` binary as a child process, its output collected or read line
//! by line with a deadline.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::{NetdbgApp, Settings};
use serde_json::Value;

pub mod netns;
mod tabs;
// Not every test binary uses the tab helpers.
#[allow(unused_imports)]
pub use tabs::*;

/// How long any one expectation may take to show up.
pub const DEADLINE: Duration = Duration::from_secs(8);
/// Pause between two frames while waiting.
pub const POLL: Duration = Duration::from_millis(5);

pub type App<'a> = Harness<'a, NetdbgApp>;

pub fn harness(settings: Settings) -> App<'static> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_eframe(move |cc| NetdbgApp::with_settings(&cc.egui_ctx, settings));
    // Nothing is open yet, so the first frames settle; `run` also checks that
    // every input widget has an accessible name.
    harness.run();
    harness
}

/// Settings with the TCP server tab shown, bound to loopback on a port the OS picks,
/// showing text in UTF-8.
pub fn tcp_server_settings(lang: netdbg::i18n::Lang) -> Settings {
    use netdbg::ui::log::panel::DisplaySettings;
    use netdbg::ui::log::view::ShowMode;
    use netdbg::ui::tcp_server::TcpServerSettings;
    Settings {
        lang,
        tab: netdbg::app::Tab::TcpServer,
        tcp_server: TcpServerSettings {
            local_ip: "127.0.0.1".to_owned(),
            local_port: "0".to_owned(),
            display: DisplaySettings {
                encoding: netdbg::codec::TextEncoding::Utf8,
                show: ShowMode::Text,
                ..DisplaySettings::default()
            },
            ..TcpServerSettings::default()
        },
        // The other tabs as they come, so a new tab's settings need no change here.
        ..Settings::default()
    }
}

/// The text a user reads on a node: a label's value, otherwise its name.
pub fn node_text(node: &egui_kittest::kittest::AccessKitNode<'_>) -> Option<String> {
    if node.role() == Role::Label {
        node.value()
    } else {
        node.label()
    }
}

/// Everything readable on screen, one item per line, for failure messages.
pub fn screen_dump(harness: &App<'_>) -> String {
    harness
        .root()
        .children_recursive()
        .filter_map(|node| {
            let node = node.accesskit_node();
            node_text(&node).map(|text| format!("  {:?}: {text:?}", node.role()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Steps the harness until `done` holds, or fails after [`DEADLINE`] with what was visible.
#[track_caller]
pub fn wait_until(harness: &mut App<'_>, what: &str, done: impl Fn(&App<'_>) -> bool) {
    wait_until_within(harness, what, DEADLINE, done);
}

/// [`wait_until`] with a deadline of its own, for work known to take long (a
/// window taking in a flood's backlog on a busy machine).
#[track_caller]
pub fn wait_until_within(
    harness: &mut App<'_>,
    what: &str,
    limit: Duration,
    done: impl Fn(&App<'_>) -> bool,
) {
    let deadline = Instant::now() + limit;
    loop {
        harness.step();
        if done(harness) {
            harness.check_accessibility();
            return;
        }
        if Instant::now() > deadline {
            panic!(
                "timed out after {limit:?} waiting for {what}; the screen shows:\n{}",
                screen_dump(harness)
            );
        }
        sleep(POLL);
    }
}

/// Waits until some node's visible text contains `needle`.
#[track_caller]
pub fn wait_for_text(harness: &mut App<'_>, needle: &str) {
    wait_until(harness, &format!("text containing {needle:?}"), |h| {
        shows(h, needle)
    });
}

/// Whether any node's visible text contains `needle` (it may show more than once,
/// e.g. a port error beside the field and in the status line).
pub fn shows(harness: &App<'_>, needle: &str) -> bool {
    harness.query_all_by_label_contains(needle).next().is_some()
}

// ---------------------------------------------------------------- the CLI as a process

/// The `netdbg` binary under test, speaking English so messages can be matched.
pub fn netdbg() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netdbg"));
    command.env("NETDBG_LANG", "en");
    command
}

/// The tutorial's TCP server (GBK: 收到 for each message, 再见! after the client's FIN;
/// one client, then it exits), unchanged but for binding 127.0.0.1:0 and printing its
/// port, then each message it got.
pub const TUTORIAL_TCP_SERVER: &str = r#"
from socket import *
tcp_server_socket = socket(AF_INET, SOCK_STREAM)
tcp_server_socket.bind(("127.0.0.1", 0))
tcp_server_socket.listen(128)
print(tcp_server_socket.getsockname()[1], flush=True)
new_client_server, client_addr = tcp_server_socket.accept()
while True:
    tcp_recv_msg = new_client_server.recv(1024)
    if tcp_recv_msg:
        print(tcp_recv_msg.decode("gbk"), flush=True)
        new_client_server.send("收到".encode("gbk"))
    else:
        new_client_server.send("再见!".encode("gbk"))
        break
new_client_server.close()
"#;

/// Starts [`TUTORIAL_TCP_SERVER`]: the process, its remaining output (the messages
/// it got), and its port.
pub fn start_tutorial_tcp_server() -> (Child, BufReader<ChildStdout>, u16) {
    let mut server = Command::new("python3")
        .args(["-c", TUTORIAL_TCP_SERVER])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python server");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout"));
    let mut port = String::new();
    lines.read_line(&mut port).expect("port");
    let port = port.trim().parse().expect("the server prints its port");
    (server, lines, port)
}

/// Whether `python3` runs, for the tests against the tutorial's own Python programs.
pub fn has_python() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// A process that has ended, with all it printed.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// The JSON events printed, in order.
    pub fn events(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
            .collect()
    }

    #[track_caller]
    pub fn event(&self, name: &str) -> Value {
        self.events()
            .into_iter()
            .find(|e| e["event"] == name)
            .unwrap_or_else(|| panic!("no {name} event in:\n{}{}", self.stdout, self.stderr))
    }
}

/// Runs a command to its end, killing it (and failing) if it takes longer than `limit`.
#[track_caller]
pub fn run_bounded(command: &mut Command, limit: Duration) -> Finished {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("{command:?} did not start: {err}"));
    let collect = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = collect(Box::new(child.stdout.take().expect("stdout")));
    let stderr = collect(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish within {limit:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Finished {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Lines of a child's stdout, read on a thread so that waiting can have a deadline.
pub fn line_reader(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("stdout");
    let (tx, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

/// A running `netdbg … --json` (a server), its events read as they come; killed when
/// dropped.
pub struct JsonProcess {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Everything printed so far (a line that is not JSON as a string), for failure messages.
    seen: Vec<Value>,
    /// How long any one wait may take.
    limit: Duration,
}

impl JsonProcess {
    #[track_caller]
    pub fn spawn(command: &mut Command, limit: Duration) -> JsonProcess {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start {command:?}: {e}"));
        let lines = line_reader(&mut child);
        JsonProcess {
            child,
            lines,
            seen: Vec::new(),
            limit,
        }
    }

    /// Reads events until one matches, skipping the rest; fails after the limit.
    #[track_caller]
    pub fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + self.limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let event = serde_json::from_str(&line).unwrap_or(Value::String(line));
                    self.seen.push(event.clone());
                    if matches(&event) {
                        return event;
                    }
                }
                Err(_) => panic!(
                    "no {what} within {:?}; netdbg printed:\n{:#?}",
                    self.limit, self.seen
                ),
            }
        }
    }

    /// Like [`Self::wait_for`], but an event already read counts too: for events from
    /// different engine threads, whose order is not fixed.
    #[track_caller]
    pub fn saw_or_wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        match self.seen.iter().find(|event| matches(event)) {
            Some(event) => event.clone(),
            None => self.wait_for(what, matches),
        }
    }

    /// Every event read so far, in order.
    pub fn seen(&self) -> &[Value] {
        &self.seen
    }

    /// Waits for the process to end by itself.
    #[track_caller]
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + self.limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "netdbg did not stop");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for JsonProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The next line of a child's stdout, as JSON.
pub fn read_json(lines: &mut impl BufRead) -> Value {
    let mut line = String::new();
    lines.read_line(&mut line).expect("read a line");
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"))
}

/// The port of an event's `local` address (`bound`, `listening`).
pub fn port_of(event: &Value) -> u16 {
    event["local"]
        .as_str()
        .and_then(|local| local.rsplit(':').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no port in {event}"))
}

/// Replaces the content of the single-line field named `label`, the way a user does
/// (click, select all, type; an empty `text` deletes).
#[track_caller]
pub fn replace_field(harness: &mut App<'_>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    if text.is_empty() {
        harness.key_press(Key::Backspace);
    } else {
        harness.get_by_label(label).type_text(text);
    }
    harness.step();
    let value = harness.get_by_label(label).value().unwrap_or_default();
    assert_eq!(value, text, "field {label:?} after typing");
}

/// Opens the combo box named `combo` and picks `option` in it.
#[track_caller]
pub fn pick(harness: &mut App<'_>, combo: &str, option: &str) {
    harness.get_by_role_and_label(Role::ComboBox, combo).click();
    wait_until(harness, &format!("the option {option:?}"), |h| {
        h.query_by_label(option).is_some()
    });
    harness.get_by_label(option).click();
    wait_until(harness, &format!("{combo:?} to show {option:?}"), |h| {
        h.get_by_role_and_label(Role::ComboBox, combo)
            .value()
            .as_deref()
            == Some(option)
    });
}

/// What [`write_until_stuck`] writes.
pub const FILL: u8 = 0x5a;

/// Writes 64 KiB blocks of [`FILL`] until the peer takes nothing for `stuck`
/// (it stopped reading), or `limit` bytes are out. Returns the bytes written.
pub fn write_until_stuck(stream: &mut std::net::TcpStream, limit: u64, stuck: Duration) -> u64 {
    use std::io::Write;
    stream
        .set_write_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    let block = [FILL; 64 * 1024];
    let (mut written, mut progress) = (0u64, Instant::now());
    while written < limit && progress.elapsed() < stuck {
        // Never past `limit`: after a partial write the last block is cut to fit.
        let left = usize::try_from(limit - written).unwrap_or(usize::MAX);
        match stream.write(&block[..block.len().min(left)]) {
            Ok(n) => {
                written += n as u64;
                progress = Instant::now();
            }
            Err(err) if is_timeout(&err) => {}
            Err(err) => panic!("write: {err}"),
        }
    }
    written
}

/// A read with a timeout that found nothing yet.
pub fn is_timeout(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

//! Reading pcapng captures back with Wireshark's own tools (Debian's `tshark`
//! package, which CI installs): the streams and datagrams they hold, and whether
//! capinfos and tshark find anything wrong with them. (Without the package the
//! tools do not start: `apt-get install tshark`, which brings capinfos.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);

/// Frames tshark would flag: a warning or error of its expert system, a
/// malformed packet, or a checksum that does not add up. (A reset is a warning
/// too, "Connection reset": one that happened is no fault of the file.)
const PROBLEMS: &str = "(_ws.expert.severity >= 0x600000 && tcp.flags.reset == 0) \
    || _ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0 \
    || udp.checksum.status == 0";

/// A fresh path in the temp folder, removed when dropped.
pub struct TempPath(pub PathBuf);

impl TempPath {
    pub fn new(test: &str, name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("netdbg-{test}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        TempPath(path)
    }

    pub fn as_str(&self) -> &str {
        self.0.to_str().expect("temp paths are UTF-8")
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs one of Wireshark's tools to its end (within [`LIMIT`]): its stdout and stderr.
#[track_caller]
pub fn run_tool(program: &str, args: &[&str]) -> (String, String) {
    let done =
        crate::support::run_bounded(Command::new(program).args(args).stdin(Stdio::null()), LIMIT);
    assert!(
        done.status.success(),
        "{program} {args:?} failed: {}\n{}\n{}",
        done.status,
        done.stdout,
        done.stderr
    );
    (done.stdout, without_root_notice(&done.stderr))
}

/// tshark warns that it runs as root (as CI does); nothing else may be on stderr.
fn without_root_notice(stderr: &str) -> String {
    stderr
        .replace(
            "Running as user \"root\" and group \"root\". This could be dangerous.",
            "",
        )
        .trim()
        .to_owned()
}

/// tshark with every checksum verified.
#[track_caller]
pub fn tshark(path: &Path, args: &[&str]) -> String {
    let mut all = vec![
        "-r",
        path.to_str().expect("UTF-8 path"),
        "-o",
        "ip.check_checksum:TRUE",
        "-o",
        "tcp.check_checksum:TRUE",
        "-o",
        "udp.check_checksum:TRUE",
    ];
    all.extend_from_slice(args);
    let (stdout, stderr) = run_tool("tshark", &all);
    assert!(stderr.is_empty(), "tshark said: {stderr}");
    stdout
}

/// capinfos opens the file without a word on stderr, and tshark flags no frame.
#[track_caller]
pub fn assert_clean(path: &Path) {
    let (info, stderr) = run_tool("capinfos", &[path.to_str().expect("UTF-8 path")]);
    assert!(stderr.is_empty(), "capinfos said: {stderr}");
    assert!(
        info.contains("netdbg capture (synthesized headers)"),
        "the interface says what it is:\n{info}"
    );
    let flagged = tshark(path, &["-Y", PROBLEMS]);
    assert!(flagged.trim().is_empty(), "tshark flags:\n{flagged}");
}

/// What "Follow TCP stream" shows of one connection.
#[derive(Debug)]
pub struct Followed {
    /// The end that sent the first SYN, and the other.
    pub client: String,
    pub server: String,
    pub from_client: Vec<u8>,
    pub from_server: Vec<u8>,
}

impl Followed {
    /// What the end at `addr` sent.
    #[track_caller]
    pub fn sent_by(&self, addr: &str) -> &[u8] {
        match addr {
            a if a == self.client => &self.from_client,
            a if a == self.server => &self.from_server,
            _ => panic!("{addr} is neither end of {self:?}"),
        }
    }
}

#[track_caller]
pub fn follow_tcp(path: &Path, stream: u32) -> Followed {
    let out = tshark(path, &["-q", "-z", &format!("follow,tcp,raw,{stream}")]);
    let mut followed = Followed {
        client: String::new(),
        server: String::new(),
        from_client: Vec::new(),
        from_server: Vec::new(),
    };
    let mut in_body = false;
    for line in out.lines() {
        if let Some(node) = line.strip_prefix("Node 0: ") {
            followed.client = node.to_owned();
        } else if let Some(node) = line.strip_prefix("Node 1: ") {
            followed.server = node.to_owned();
            in_body = true;
        } else if line.starts_with("=====") {
            in_body = false;
        } else if in_body {
            match line.strip_prefix('\t') {
                Some(hex) => followed.from_server.extend(unhex(hex)),
                None => followed.from_client.extend(unhex(line)),
            }
        }
    }
    followed
}

/// Each UDP datagram: source, destination, payload.
#[track_caller]
pub fn udp_datagrams(path: &Path) -> Vec<(String, String, Vec<u8>)> {
    let out = tshark(
        path,
        &[
            "-Y",
            "udp",
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "ip.src",
            "-e",
            "ipv6.src",
            "-e",
            "udp.srcport",
            "-e",
            "ip.dst",
            "-e",
            "ipv6.dst",
            "-e",
            "udp.dstport",
            "-e",
            "udp.payload",
        ],
    );
    out.lines()
        .map(|line| {
            let f: Vec<&str> = line.split('|').collect();
            assert_eq!(f.len(), 7, "{line}");
            let end = |v4: &str, v6: &str, port: &str| {
                if v4.is_empty() {
                    format!("[{v6}]:{port}")
                } else {
                    format!("{v4}:{port}")
                }
            };
            (end(f[0], f[1], f[2]), end(f[3], f[4], f[5]), unhex(f[6]))
        })
        .collect()
}

/// One field of every frame (that `filter` keeps), a line each.
#[track_caller]
pub fn field(path: &Path, filter: &str, name: &str) -> Vec<String> {
    tshark(path, &["-Y", filter, "-T", "fields", "-e", name])
        .lines()
        .map(str::to_owned)
        .collect()
}

pub fn unhex(text: &str) -> Vec<u8> {
    let text = text.trim();
    assert!(text.len().is_multiple_of(2), "odd hex: {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

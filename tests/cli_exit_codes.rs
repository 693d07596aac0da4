//! The exit codes `src/cli.rs` documents, run on the real binary: bad input of any
//! kind — netdbg's own checks and clap's usage errors alike — exits 2 with one line
//! on stderr, nothing on stdout, before any socket opens; a host name that does not
//! resolve exits 1 in every command; `--help` and `--version` still exit 0.

mod support;

use std::fs;
use std::io::ErrorKind;
use std::net::{TcpListener, UdpSocket};
use std::time::Duration;

use support::{Finished, netdbg, run_bounded};

const DEADLINE: Duration = Duration::from_secs(20);

/// Where the cases would send if they opened a socket: a UDP socket and a TCP
/// listener that must see nothing, and ports held so that binding them would fail
/// with exit 1 instead of the 2 expected.
struct Witnesses {
    udp: UdpSocket,
    tcp: TcpListener,
    udp_to: String,
    tcp_to: String,
}

impl Witnesses {
    fn new() -> Self {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind udp");
        let tcp = TcpListener::bind("127.0.0.1:0").expect("bind tcp");
        tcp.set_nonblocking(true).expect("nonblocking");
        let udp_to = udp.local_addr().expect("addr").to_string();
        let tcp_to = tcp.local_addr().expect("addr").to_string();
        Witnesses {
            udp,
            tcp,
            udp_to,
            tcp_to,
        }
    }

    #[track_caller]
    fn assert_untouched(&self) {
        self.udp
            .set_read_timeout(Some(Duration::from_millis(300)))
            .expect("read timeout");
        let mut buf = [0u8; 65_536];
        match self.udp.recv_from(&mut buf) {
            Ok((len, from)) => panic!("a datagram of {len} bytes arrived from {from}"),
            Err(err) => assert!(support::is_timeout(&err), "{err}"),
        }
        match self.tcp.accept() {
            Ok((_, from)) => panic!("{from} connected"),
            Err(err) => assert_eq!(err.kind(), ErrorKind::WouldBlock, "{err}"),
        }
    }
}

/// `args` (which may hold `UDP`, `TCP` and `DIR` for the witnesses' addresses and a
/// folder) must fail as bad input with a line containing `expected`.
struct Case {
    args: Vec<String>,
    expected: String,
}

fn case(args: &[&str], expected: &str) -> Case {
    Case {
        args: args.iter().map(|arg| (*arg).to_owned()).collect(),
        expected: expected.to_owned(),
    }
}

#[track_caller]
fn assert_bad_input(done: &Finished, case: &Case) {
    let args = &case.args;
    assert_eq!(done.status.code(), Some(2), "{args:?}: {}", done.stderr);
    assert!(done.stdout.is_empty(), "{args:?}: stdout {:?}", done.stdout);
    let lines: Vec<&str> = done.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: {:?}", done.stderr);
    assert!(
        lines[0].starts_with("netdbg: ") && lines[0].contains(&case.expected),
        "{args:?}: {:?} lacks {:?}",
        lines[0],
        case.expected
    );
}

#[test]
fn every_input_error_exits_2_with_one_line_before_any_socket() {
    let witnesses = Witnesses::new();
    let folder = std::env::temp_dir().join(format!("netdbg-exit-codes-{}", std::process::id()));
    fs::create_dir_all(&folder).expect("a folder");
    let dir = folder.display().to_string();
    let too_big = "x".repeat(65_508);
    let held_udp = witnesses.udp_to.clone();
    let held_tcp = witnesses.tcp_to.clone();
    let cases = [
        // netdbg's own checks
        case(
            &["udp", "send", "--to", "UDP", &too_big],
            "over the UDP limit of 65507 bytes",
        ),
        case(
            &["udp", "send", "--to", "UDP", "--file", "DIR"],
            "is a folder",
        ),
        case(
            &[
                "udp",
                "send",
                "--to",
                "[::1]:9",
                "--bind",
                "127.0.0.1:0",
                "x",
            ],
            "::1 has no IPv4 address",
        ),
        case(&["tcp", "connect", "TCP", "--file", "DIR"], "is a folder"),
        case(
            &["udp", "send", "--to", "UDP", "--repeat", "0", "x"],
            "\"0\"",
        ),
        case(
            &["udp", "send", "--to", "UDP", "--encoding", "a\nb", "x"],
            "a\\nb",
        ),
        case(
            &["tcp", "connect", "TCP", "--send", "x", "--interval", "0"],
            "\"0\"",
        ),
        case(
            &["udp", "listen", "--bind", &held_udp, "--count", "0"],
            "--count 0",
        ),
        case(
            &["tcp", "serve", "--bind", &held_tcp, "--rule", "regex:(=>x"],
            "invalid regular expression: unclosed group",
        ),
        case(
            &["--lang", "fr", "udp", "send", "--to", "UDP", "x"],
            "Unknown language \"fr\"",
        ),
        case(&["--lang=de", "udp"], "use zh or en"),
        case(
            &["file", "get", "TCP", "a.txt", "-o", "DIR/missing/"],
            "does not exist",
        ),
        case(
            &["replay", "DIR", "--to", "UDP", "--udp", "--speed", "0"],
            "Speed \"0\"",
        ),
        case(
            &["replay", "DIR", "--to", "UDP", "--udp"],
            "is not a regular file",
        ),
        case(
            &["load", "tcp", "--to", "TCP", "--connections", "20000"],
            "from 1 to 10000",
        ),
        case(
            &["load", "udp", "--to", "UDP", "--size", "70000"],
            "over the UDP limit of 65507 bytes",
        ),
        // clap's usage errors
        case(
            &["udp", "send", "--to", "UDP", "--bogus", "x"],
            "Unexpected argument \"--bogus\"",
        ),
        case(&["udp", "send", "--to", "UDP"], "Missing <MESSAGE>"),
        case(
            &["udp", "send", "--to", "UDP", "--file", "DIR", "x"],
            "cannot be used with",
        ),
        case(
            &["udp", "listen", "--bind", &held_udp, "--count", "many"],
            "\"many\"",
        ),
        case(&["tcp", "connect"], "Missing <HOST:PORT>"),
        case(&["udp"], "netdbg udp needs one of: listen, send"),
        case(
            &["file", "get", "TCP", "a.txt", "--connect-timeout", "soon"],
            "\"soon\"",
        ),
        case(&["launch"], "Unexpected argument \"launch\""),
    ];
    for case in &cases {
        let args: Vec<String> = case
            .args
            .iter()
            .map(|arg| {
                arg.replace("UDP", &witnesses.udp_to)
                    .replace("TCP", &witnesses.tcp_to)
                    .replace("DIR", &dir)
            })
            .collect();
        let done = run_bounded(netdbg().args(&args), DEADLINE);
        assert_bad_input(&done, case);
    }
    let zh = case(
        &["--lang", "zh", "udp", "send", "--to", "UDP", "--bogus", "x"],
        "多余或不认识的参数",
    );
    let done = run_bounded(
        netdbg().args(
            zh.args
                .iter()
                .map(|arg| arg.replace("UDP", &witnesses.udp_to)),
        ),
        DEADLINE,
    );
    assert_bad_input(&done, &zh);
    let _ = fs::remove_dir_all(&folder);
    witnesses.assert_untouched();
}

#[test]
fn an_unresolvable_host_exits_1_in_every_command() {
    let host = "no-such-host.invalid";
    let target = format!("{host}:9");
    let runs: [&[&str]; 4] = [
        &["udp", "send", "--to", &target, "x"],
        &["tcp", "connect", &target, "--send", "x"],
        &["file", "get", &target, "a.txt"],
        &["reach", host, "--port", "9"],
    ];
    for args in runs {
        let done = run_bounded(netdbg().args(args), DEADLINE);
        assert_eq!(done.status.code(), Some(1), "{args:?}: {}", done.stderr);
        let lines: Vec<&str> = done.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {:?}", done.stderr);
        assert!(lines[0].contains(host), "{args:?}: {lines:?}");
    }
}

#[test]
fn help_and_version_still_exit_0_on_stdout() {
    for args in [&["--help"][..], &["udp", "send", "--help"], &["--version"]] {
        let done = run_bounded(netdbg().args(args), DEADLINE);
        assert_eq!(done.status.code(), Some(0), "{args:?}: {}", done.stderr);
        assert!(done.stderr.is_empty(), "{args:?}: {}", done.stderr);
        assert!(!done.stdout.is_empty(), "{args:?}");
    }
}

//! `netdbg echo tcp|udp`: every byte back to its sender, exactly, for several
//! clients at once; the client cap; the summary; bad input.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::thread;
use std::time::Duration;

use support::{JsonProcess, netdbg, port_of, run_bounded};

const LIMIT: Duration = Duration::from_secs(10);

fn echo(transport: &str, extra: &[&str]) -> (JsonProcess, SocketAddr) {
    let mut command = netdbg();
    command
        .args([
            "echo",
            transport,
            "--bind",
            "127.0.0.1:0",
            "--json",
            "--timeout",
            "1",
        ])
        .args(extra);
    let mut process = JsonProcess::spawn(&mut command, LIMIT);
    let listening = process.wait_for("listening", |e| e["event"] == "listening");
    (
        process,
        SocketAddr::from(([127, 0, 0, 1], port_of(&listening))),
    )
}

/// Sends `data` and reads back as many bytes, from a second thread, so neither
/// side waits on the other's buffers.
fn round_trip(addr: SocketAddr, data: Vec<u8>) -> Vec<u8> {
    let mut stream = TcpStream::connect_timeout(&addr, LIMIT).expect("connect");
    stream.set_read_timeout(Some(LIMIT)).expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    let len = data.len();
    let sending = thread::spawn(move || writer.write_all(&data).expect("send"));
    let mut back = vec![0u8; len];
    stream.read_exact(&mut back).expect("the echo");
    sending.join().expect("sent");
    back
}

#[test]
fn tcp_echoes_every_byte_to_each_of_several_clients() {
    let (mut process, addr) = echo("tcp", &[]);
    let clients: Vec<_> = (0u8..3)
        .map(|n| {
            thread::spawn(move || {
                let data: Vec<u8> = (0..2_000_000u32).map(|i| (i % 251) as u8 ^ n).collect();
                assert_eq!(round_trip(addr, data.clone()), data, "client {n}");
            })
        })
        .collect();
    for client in clients {
        client.join().expect("a client");
    }
    process.wait_exit();
    let summary = process.saw_or_wait_for("summary", |e| e["event"] == "summary");
    assert_eq!(summary["bytes"], 6_000_000);
    let connected = process
        .seen()
        .iter()
        .filter(|e| e["event"] == "connected")
        .count();
    assert_eq!(connected, 3);
}

#[test]
fn udp_echoes_each_datagram_to_its_sender() {
    let (mut process, addr) = echo("udp", &[]);
    let sockets: Vec<UdpSocket> = (0..2)
        .map(|_| {
            let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
            socket.set_read_timeout(Some(LIMIT)).expect("timeout");
            socket
        })
        .collect();
    for round in 0..5 {
        for (n, socket) in sockets.iter().enumerate() {
            let message = format!("{n}:{round}:你好");
            socket.send_to(message.as_bytes(), addr).expect("send");
            let mut buf = [0u8; 256];
            let (len, from) = socket.recv_from(&mut buf).expect("the echo");
            assert_eq!((&buf[..len], from), (message.as_bytes(), addr));
        }
    }
    process.wait_exit();
    let summary = process.saw_or_wait_for("summary", |e| e["event"] == "summary");
    assert_eq!(summary["messages"], 10);
}

#[test]
fn max_clients_turns_the_next_one_away() {
    let (mut process, addr) = echo("tcp", &["--max-clients", "1"]);
    let mut first = TcpStream::connect_timeout(&addr, LIMIT).expect("connect");
    first.set_read_timeout(Some(LIMIT)).expect("timeout");
    process.wait_for("connected", |e| e["event"] == "connected");
    // Turned away with a reset, which may come before connect() has returned.
    let second = TcpStream::connect_timeout(&addr, LIMIT);
    process.wait_for("refused", |e| e["event"] == "refused");
    let mut buf = [0u8; 4];
    let turned_away = second.and_then(|mut second| {
        let _ = second.set_read_timeout(Some(LIMIT));
        second.read(&mut buf)
    });
    assert!(
        matches!(&turned_away, Ok(0))
            || matches!(&turned_away, Err(e) if e.kind() == ErrorKind::ConnectionReset),
        "{turned_away:?}"
    );
    first.write_all(b"ping").expect("send");
    first.read_exact(&mut buf).expect("echo");
    assert_eq!(&buf, b"ping");
}

#[test]
fn bad_input_exits_2() {
    for (args, expected) in [
        (&["echo", "tcp", "--bind", "abc"][..], "\"abc\""),
        (
            &["echo", "tcp", "--bind", "127.0.0.1:0", "--max-clients", "0"],
            "Client limit \"0\" is invalid",
        ),
        (&["echo", "sctp", "--bind", "127.0.0.1:0"], "sctp"),
    ] {
        let done = run_bounded(netdbg().args(args), LIMIT);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {}", done.stderr);
        assert!(done.stderr.contains(expected), "{args:?}: {}", done.stderr);
    }
}

//! `udp send --file` and `tcp connect --file`: the file's bytes on the wire, whole or
//! line by line, against plain std sockets on loopback.

mod support;

use std::io::{ErrorKind, Read};
use std::net::{TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::Output;
use std::thread;
use std::time::Duration;

use support::netdbg;

/// A file under the target dir, unique per test, holding `bytes`.
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli_send_file-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("make a temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the test file");
    path
}

/// Bytes that are not the same from piece to piece, so a reordering shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn receiver() -> (UdpSocket, String) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a receiver");
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    let to = format!("127.0.0.1:{}", socket.local_addr().expect("addr").port());
    (socket, to)
}

/// The next `count` datagrams, failing if one is missing.
fn datagrams(socket: &UdpSocket, count: usize) -> Vec<Vec<u8>> {
    let mut buf = [0u8; 65536];
    (0..count)
        .map(|i| {
            let (len, _) = socket
                .recv_from(&mut buf)
                .unwrap_or_else(|e| panic!("datagram {i} of {count} did not arrive: {e}"));
            buf[..len].to_vec()
        })
        .collect()
}

/// Nothing more arrives within a short while.
fn assert_quiet(socket: &UdpSocket) {
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("read timeout");
    let mut buf = [0u8; 65536];
    match socket.recv_from(&mut buf) {
        Ok((len, _)) => panic!("an unexpected datagram of {len} bytes arrived"),
        Err(e) => assert!(
            matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "{e}"
        ),
    }
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "status {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn udp_file_goes_out_in_1024_byte_datagrams() {
    let content = pattern(5000);
    let path = temp_file("whole.bin", &content);
    let (socket, to) = receiver();
    let output = netdbg()
        .args(["udp", "send", "--to", &to, "--json", "--file"])
        .arg(&path)
        .output()
        .expect("run udp send --file");
    assert_success(&output);
    let got = datagrams(&socket, 5);
    let sizes: Vec<usize> = got.iter().map(Vec::len).collect();
    assert_eq!(sizes, [1024, 1024, 1024, 1024, 904]);
    assert_eq!(got.concat(), content);
    assert_quiet(&socket);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.contains(r#""sent""#)).count(),
        5,
        "one sent line per datagram: {stdout}"
    );
}

#[test]
fn udp_file_lines_send_one_line_each() {
    let path = temp_file("lines.txt", b"first\nsecond line\r\nthird");
    let (socket, to) = receiver();
    let output = netdbg()
        .args(["udp", "send", "--to", &to, "--lines", "--interval", "20"])
        .arg("--file")
        .arg(&path)
        .output()
        .expect("run udp send --file --lines");
    assert_success(&output);
    let got = datagrams(&socket, 3);
    assert_eq!(
        got,
        [
            b"first\n".to_vec(),
            b"second line\r\n".to_vec(),
            b"third".to_vec()
        ]
    );
    assert_quiet(&socket);
}

#[test]
fn tcp_file_arrives_whole() {
    let content = pattern(300 * 1024);
    let path = temp_file("stream.bin", &content);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a server");
    let target = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        let mut received = Vec::new();
        // Until the client's FIN after it has sent everything.
        stream.read_to_end(&mut received).map(|_| received)
    });
    let output = netdbg()
        .args([
            "tcp", "connect", &target, "--wait", "0.2", "--hex", "--file",
        ])
        .arg(&path)
        .output()
        .expect("run tcp connect --file");
    assert_success(&output);
    let received = server
        .join()
        .expect("server thread")
        .expect("read until the client closed");
    assert_eq!(received.len(), content.len());
    assert!(received == content, "the bytes differ from the file");
}

#[test]
fn missing_file_is_an_input_error_and_sends_nothing() {
    let (socket, to) = receiver();
    let missing = temp_file("present.bin", b"x").with_file_name("absent.bin");
    let output = netdbg()
        .args(["udp", "send", "--to", &to, "--file"])
        .arg(&missing)
        .output()
        .expect("run udp send --file");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Cannot read") && stderr.contains("absent.bin"),
        "{stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "nothing printed, no socket opened"
    );
    assert_quiet(&socket);

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a server");
    listener.set_nonblocking(true).expect("nonblocking");
    let target = format!("127.0.0.1:{}", listener.local_addr().expect("addr").port());
    let output = netdbg()
        .args(["tcp", "connect", &target, "--file"])
        .arg(&missing)
        .output()
        .expect("run tcp connect --file");
    assert_eq!(output.status.code(), Some(2));
    let accepted = listener.accept();
    assert!(
        matches!(&accepted, Err(e) if e.kind() == ErrorKind::WouldBlock),
        "tcp connect must not connect: {accepted:?}"
    );
}

#[test]
fn file_with_a_message_is_refused() {
    let path = temp_file("clash.bin", b"data");
    let (socket, to) = receiver();
    let output = netdbg()
        .args(["udp", "send", "--to", &to, "hello", "--file"])
        .arg(&path)
        .output()
        .expect("run udp send");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be used with"));
    assert_quiet(&socket);

    let output = netdbg()
        .args(["tcp", "connect", &to, "--send", "hello", "--file"])
        .arg(&path)
        .output()
        .expect("run tcp connect");
    assert_eq!(output.status.code(), Some(2));
    let output = netdbg()
        .args(["udp", "send", "--to", &to, "--repeat", "2", "--file"])
        .arg(&path)
        .output()
        .expect("run udp send");
    assert_eq!(output.status.code(), Some(2));
    // --lines means nothing without --file.
    let output = netdbg()
        .args(["udp", "send", "--to", &to, "--lines", "hello"])
        .output()
        .expect("run udp send");
    assert_eq!(output.status.code(), Some(2));
    assert_quiet(&socket);
}

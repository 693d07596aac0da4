//! `--vars` on the sending commands: the exact bytes a real loopback peer gets from
//! `udp send` and `tcp connect --send`, each send expanded afresh, and bad variables
//! refused (exit 2) before anything is sent, naming the variable.

mod support;

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::{netdbg, run_bounded};

const LIMIT: Duration = Duration::from_secs(20);

fn udp_peer() -> (UdpSocket, String) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the peer");
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let to = socket.local_addr().expect("address").to_string();
    (socket, to)
}

/// Runs `udp send --to PEER ARGS…` and returns the `count` datagrams the peer got.
fn udp_send(args: &[&str], count: usize) -> Vec<Vec<u8>> {
    let (peer, to) = udp_peer();
    let finished = run_bounded(
        netdbg().args(["udp", "send", "--to", &to]).args(args),
        LIMIT,
    );
    assert!(finished.status.success(), "{}", finished.stderr);
    let mut buf = [0u8; 2048];
    (0..count)
        .map(|_| {
            let (len, _) = peer.recv_from(&mut buf).expect("a datagram");
            buf[..len].to_vec()
        })
        .collect()
}

#[test]
fn udp_seq_counts_each_repeated_send() {
    let got = udp_send(
        &["--vars", "--repeat", "3", "--interval", "1", "n=${seq:03}"],
        3,
    );
    assert_eq!(
        got,
        [b"n=001".to_vec(), b"n=002".to_vec(), b"n=003".to_vec()]
    );
}

#[test]
fn udp_hex_with_seq_bytes_and_a_length_field() {
    let got = udp_send(
        &[
            "--vars",
            "--hex",
            "--repeat",
            "2",
            "--interval",
            "1",
            "01 03 ${seq:u16be} ${len:u8} AA BB",
        ],
        2,
    );
    assert_eq!(
        got,
        [
            vec![0x01, 0x03, 0x00, 0x01, 0x02, 0xAA, 0xBB],
            vec![0x01, 0x03, 0x00, 0x02, 0x02, 0xAA, 0xBB]
        ]
    );
}

#[test]
fn udp_text_seq_bytes_go_in_raw_with_the_checksum_after() {
    let got = udp_send(
        &[
            "--vars",
            "--checksum",
            "sum8",
            "--encoding",
            "gbk",
            "你${seq:u8}",
        ],
        1,
    );
    // GBK 你 = C4 E3, seq 1, sum8 = (C4 + E3 + 01) & FF = A8.
    assert_eq!(got, [vec![0xC4, 0xE3, 0x01, 0xA8]]);
}

#[test]
fn udp_time_unix_ms_and_rand_have_their_shape() {
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis();
    let got = udp_send(&["--vars", "${rand:6}|${time}|${unix_ms}"], 1);
    let text = String::from_utf8(got[0].clone()).expect("ASCII");
    let parts: Vec<&str> = text.split('|').collect();
    assert_eq!(parts.len(), 3, "{text}");
    assert_eq!(parts[0].len(), 6);
    assert!(parts[0].bytes().all(|b| b.is_ascii_digit()), "{text}");
    let time = parts[1].as_bytes();
    assert_eq!(time.len(), 12, "HH:MM:SS.mmm in {text}");
    assert_eq!((time[2], time[5], time[8]), (b':', b':', b'.'), "{text}");
    let ms: u128 = parts[2].parse().expect("unix_ms is a number");
    assert!(ms >= before && ms < before + 20_000, "{ms} vs {before}");
}

#[test]
fn udp_rand_in_hex_mode_is_n_bytes() {
    let got = udp_send(&["--vars", "--hex", "FF ${rand:16}"], 1);
    assert_eq!(got[0].len(), 17);
    assert_eq!(got[0][0], 0xFF);
}

#[test]
fn without_vars_a_dollar_brace_is_text() {
    let got = udp_send(&["n=${seq}"], 1);
    assert_eq!(got, [b"n=${seq}".to_vec()]);
}

#[test]
fn tcp_connect_counts_across_messages_and_rounds() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let target = listener.local_addr().expect("address").to_string();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut got = Vec::new();
        stream
            .read_to_end(&mut got)
            .expect("read to the client's FIN");
        got
    });
    let finished = run_bounded(
        netdbg().args([
            "tcp",
            "connect",
            &target,
            "--vars",
            "--send",
            "a${seq}",
            "--send",
            "${len:u8}b${seq:02}",
            "--repeat",
            "2",
            "--interval",
            "1",
        ]),
        LIMIT,
    );
    assert!(finished.status.success(), "{}", finished.stderr);
    let got = server.join().expect("server");
    assert_eq!(got, b"a1\x03b02a3\x03b04");
}

#[test]
fn bad_variables_exit_2_naming_the_variable_before_sending() {
    let (peer, to) = udp_peer();
    peer.set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    for (message, named) in [
        ("${foo}", "${foo}"),
        ("${seq:x}", "\"x\""),
        ("a ${seq", "${"),
        ("AB ${len:u16be}", "${len}"),
        ("${rand:0}", "${rand:0}"),
        ("${rand:1025}", "${rand:1025}"),
    ] {
        let finished = run_bounded(
            netdbg().args(["udp", "send", "--to", &to, "--vars", message]),
            LIMIT,
        );
        assert_eq!(
            finished.status.code(),
            Some(2),
            "{message}: {}",
            finished.stderr
        );
        assert!(
            finished.stderr.contains(named),
            "{message}: {}",
            finished.stderr
        );
    }
    let mut buf = [0u8; 64];
    assert!(peer.recv_from(&mut buf).is_err(), "nothing was sent");
}

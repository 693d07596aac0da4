//! `--capture FILE.pcapng` on `tcp connect` and `tcp serve`, and `netdbg capture
//! convert`, read back with tshark: each side's stream exactly what was sent and
//! received, the same whether written as pcapng or converted from JSON lines;
//! long records split, notes kept; old captures and bad input.

mod pcapng_support;
mod support;

use std::time::Duration;

use pcapng_support::{TempPath, assert_clean, field, follow_tcp, udp_datagrams};
use serde_json::Value;
use support::{JsonProcess, netdbg, port_of, run_bounded};

const LIMIT: Duration = Duration::from_secs(20);

/// One session: `tcp serve --reply ack` capturing to `server_capture`, and `tcp
/// connect --send hello --send world` capturing to `client_capture`. The client's
/// address, and the replies it received.
fn session(server_capture: &TempPath, client_capture: &TempPath) -> (String, Vec<u8>) {
    let mut server = JsonProcess::spawn(
        netdbg().args([
            "tcp",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--reply",
            "ack",
            "--timeout",
            "1",
            "--json",
            "--capture",
            server_capture.as_str(),
        ]),
        LIMIT,
    );
    let port = port_of(&server.wait_for("listening", |e| e["event"] == "listening"));
    let client = run_bounded(
        netdbg().args([
            "tcp",
            "connect",
            &format!("127.0.0.1:{port}"),
            "--send",
            "hello",
            "--send",
            "world",
            "--wait",
            "0.3",
            "--json",
            "--capture",
            client_capture.as_str(),
        ]),
        LIMIT,
    );
    assert!(
        client.status.success(),
        "{}{}",
        client.stdout,
        client.stderr
    );
    assert!(server.wait_exit().success());
    let local = client.event("connected")["local"]
        .as_str()
        .expect("local")
        .to_owned();
    let replies: Vec<u8> = client
        .events()
        .iter()
        .filter(|e| e["event"] == "received")
        .flat_map(|e| pcapng_support::unhex(e["hex"].as_str().expect("hex")))
        .collect();
    assert!(!replies.is_empty() && replies.chunks(3).all(|ack| ack == b"ack"));
    (local, replies)
}

#[track_caller]
fn convert(args: &[&str]) -> support::Finished {
    run_bounded(netdbg().args(["capture", "convert"]).args(args), LIMIT)
}

#[track_caller]
fn convert_ok(input: &TempPath, output: &TempPath, extra: &[&str]) -> Value {
    let done = convert(&[&[input.as_str(), output.as_str(), "--json"], extra].concat());
    assert!(done.status.success(), "{}{}", done.stdout, done.stderr);
    done.event("converted")
}

#[test]
fn connect_writes_pcapng_and_a_converted_server_capture_mirrors_it() {
    let server_jsonl = TempPath::new("cli-capture-a", "server.jsonl");
    let client_pcapng = TempPath::new("cli-capture-a", "client.pcapng");
    let server_pcapng = TempPath::new("cli-capture-a", "server.pcapng");
    let (client, replies) = session(&server_jsonl, &client_pcapng);
    convert_ok(&server_jsonl, &server_pcapng, &[]);

    for file in [&client_pcapng, &server_pcapng] {
        let followed = follow_tcp(&file.0, 0);
        assert_eq!(followed.client, client, "the client's SYN, in {:?}", file.0);
        assert_eq!(followed.from_client, b"helloworld", "in {:?}", file.0);
        assert_eq!(followed.from_server, replies, "in {:?}", file.0);
        assert_clean(&file.0);
    }
    // The server's replies are its auto-reply's, and say so.
    let notes = field(&server_pcapng.0, "frame.comment", "frame.comment");
    assert_eq!(notes, vec!["auto-reply"; replies.len() / 3]);
}

#[test]
fn serve_writes_pcapng_and_a_converted_client_capture_mirrors_it() {
    let server_pcapng = TempPath::new("cli-capture-b", "server.PCAPNG");
    let client_jsonl = TempPath::new("cli-capture-b", "client.jsonl");
    let client_pcapng = TempPath::new("cli-capture-b", "client.pcapng");
    let (client, replies) = session(&server_pcapng, &client_jsonl);
    convert_ok(&client_jsonl, &client_pcapng, &[]);

    for file in [&server_pcapng, &client_pcapng] {
        let followed = follow_tcp(&file.0, 0);
        assert_eq!(followed.client, client, "the client's SYN, in {:?}", file.0);
        assert_eq!(followed.from_client, b"helloworld", "in {:?}", file.0);
        assert_eq!(followed.from_server, replies, "in {:?}", file.0);
        assert_clean(&file.0);
    }
}

#[test]
fn convert_splits_a_long_record_and_keeps_its_note() {
    let input = TempPath::new("cli-capture-long", "in.jsonl");
    let output = TempPath::new("cli-capture-long", "out.pcapng");
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 241) as u8).collect();
    let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
    let ends = r#""proto":"tcp","local":"[::1]:7788","peer":"[::1]:50000""#;
    let lines = [
        format!(
            r#"{{"time":"2026-11-25T18:00:00.000001+08:00","event":"open",{ends},"by":"peer"}}"#
        ),
        format!(
            r#"{{"time":"2026-11-25T18:00:00.5+08:00","dir":"rx","peer":"[::1]:50000","len":{},"hex":"{hex}","proto":"tcp","local":"[::1]:7788","note":"one big read"}}"#,
            data.len()
        ),
        r#"{"time":"2026-11-25T18:00:00.6+08:00","dir":"tx","peer":"[::1]:50000","len":2,"hex":"6f6b","proto":"tcp","local":"[::1]:7788"}"#
            .to_owned(),
        format!(r#"{{"time":"2026-11-25T18:00:01+08:00","event":"close",{ends},"by":"peer"}}"#),
    ];
    std::fs::write(&input.0, lines.join("\n") + "\n").expect("write");
    let converted = convert_ok(&input, &output, &[]);
    // Handshake 3, the read 2, the reply 1, the close 3.
    assert_eq!(
        (converted["records"].as_u64(), converted["packets"].as_u64()),
        (Some(4), Some(9))
    );

    let followed = follow_tcp(&output.0, 0);
    assert_eq!(followed.client, "[::1]:50000");
    assert!(
        followed.from_client == data,
        "the read, byte-exact over IPv6"
    );
    assert_eq!(followed.from_server, b"ok");
    let lengths = field(&output.0, "tcp.srcport == 50000 && tcp.len > 0", "tcp.len");
    assert_eq!(lengths, ["65495", "34505"]);
    let notes = field(&output.0, "frame.comment", "frame.comment");
    assert_eq!(notes, ["one big read", "one big read"]);
    assert_clean(&output.0);
}

#[test]
fn an_old_capture_converts_once_proto_and_local_are_given() {
    let input = TempPath::new("cli-capture-old", "in.jsonl");
    let output = TempPath::new("cli-capture-old", "out.pcapng");
    // What netdbg wrote before captures said their protocol and local address.
    let old = [
        r#"{"time":"2026-11-25T18:00:00.123456+08:00","dir":"rx","peer":"127.0.0.1:5000","len":5,"hex":"68656c6c6f"}"#,
        r#"{"time":"2026-11-25T18:00:00.223456+08:00","dir":"tx","peer":"127.0.0.1:5000","len":2,"hex":"6f6b"}"#,
    ];
    std::fs::write(&input.0, old.join("\n") + "\n").expect("write");
    for (extra, wanted) in [
        (&[][..], "--proto"),
        (&["--proto", "udp"][..], "--local"),
        (
            &["--proto", "udp", "--local", "localhost:7"][..],
            "not an IP:PORT",
        ),
    ] {
        let done = convert(&[&[input.as_str(), output.as_str()], extra].concat());
        assert_eq!(done.status.code(), Some(2), "{extra:?}: {}", done.stderr);
        assert!(done.stderr.contains(wanted), "{extra:?}: {}", done.stderr);
        assert!(!output.0.exists(), "no half-written output is left");
    }
    convert_ok(
        &input,
        &output,
        &["--proto", "udp", "--local", "127.0.0.1:7788"],
    );
    let (local, peer) = ("127.0.0.1:7788".to_owned(), "127.0.0.1:5000".to_owned());
    assert_eq!(
        udp_datagrams(&output.0),
        [
            (peer.clone(), local.clone(), b"hello".to_vec()),
            (local, peer, b"ok".to_vec())
        ]
    );
    assert_clean(&output.0);
}

#[test]
fn bad_input_names_the_line_and_what_is_wrong_and_exits_2() {
    let input = TempPath::new("cli-capture-bad", "in.jsonl");
    let output = TempPath::new("cli-capture-bad", "out.pcapng");
    let good = r#"{"time":"2026-11-25T18:00:00+08:00","dir":"rx","peer":"127.0.0.1:5000","len":2,"hex":"6869","proto":"udp","local":"127.0.0.1:7"}"#;
    let cases: [(Vec<u8>, &str); 6] = [
        (
            format!("{good}\nhello there\n").into_bytes(),
            "line 2: not JSON",
        ),
        (
            format!(
                "{good}\n{good}\n{}\n",
                good.replace(r#""hex":"6869""#, r#""hex":"686""#)
            )
            .into_bytes(),
            "line 3: len says 2 bytes, but hex holds 1",
        ),
        // Cut off in the middle of the last record.
        (
            format!("{good}\n{}", &good[..60]).into_bytes(),
            "line 2: the JSON ends early",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe".to_vec(),
            "line 1: not UTF-8 text",
        ),
        (
            format!("[1,2]\n{good}\n").into_bytes(),
            "line 1: JSON, but its fields",
        ),
        (
            format!("{good}\n{}\n", good.replace("127.0.0.1:5000", "somewhere")).into_bytes(),
            r#"line 2: the field "peer" holds "somewhere""#,
        ),
    ];
    for (content, wanted) in cases {
        std::fs::write(&input.0, &content).expect("write");
        let done = convert(&[input.as_str(), output.as_str()]);
        assert_eq!(done.status.code(), Some(2), "{wanted}: {}", done.stderr);
        assert!(
            done.stderr.contains(wanted),
            "wanted {wanted:?} in: {}",
            done.stderr
        );
        assert_eq!(done.stderr.lines().count(), 1, "{}", done.stderr);
        assert!(done.stdout.is_empty(), "{}", done.stdout);
        assert!(!output.0.exists(), "no half-written output is left");
    }
    // In the user's language.
    std::fs::write(&input.0, format!("{good}\nhello there\n")).expect("write");
    let done = convert(&["--lang", "zh", input.as_str(), output.as_str()]);
    assert_eq!(done.status.code(), Some(2));
    assert!(
        done.stderr.contains("第 2 行：不是 JSON"),
        "{}",
        done.stderr
    );
    // No such file; the output the input itself; a folder.
    let missing = TempPath::new("cli-capture-bad", "missing.jsonl");
    let folder = std::env::temp_dir();
    for (args, wanted) in [
        ([missing.as_str(), output.as_str()], "could not open"),
        ([input.as_str(), input.as_str()], "is the input itself"),
        (
            [folder.to_str().expect("UTF-8"), output.as_str()],
            "could not open",
        ),
    ] {
        let done = convert(&args);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {}", done.stderr);
        assert!(done.stderr.contains(wanted), "{args:?}: {}", done.stderr);
    }
    assert!(input.0.exists(), "the input is untouched");
}

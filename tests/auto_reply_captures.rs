//! Regex auto-reply rules that answer with their capture groups (`${1}`, `${name}`):
//! compiled and asked directly, and through a real `netdbg tcp serve` on loopback.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use netdbg::codec::{CodecError, TextEncoding, VarsError};
use netdbg::engine::{AutoReply, AutoReplyError, AutoReplySpec, MatchKind, RuleSpec};
use support::{JsonProcess, netdbg};

fn regex_rule(pattern: &str, reply: &str, hex: bool) -> AutoReplySpec {
    AutoReplySpec {
        rules: vec![RuleSpec {
            kind: MatchKind::Regex,
            pattern: pattern.to_owned(),
            pattern_hex: hex,
            reply: reply.to_owned(),
            reply_hex: hex,
        }],
        ..AutoReplySpec::default()
    }
}

#[test]
fn a_text_regex_reply_carries_numbered_and_named_groups() {
    let spec = regex_rule(r"温度=(\d+)(?:,id=(?P<id>\w+))?", "收到${1}度 ${id}", false);
    let auto = AutoReply::compile(&spec, TextEncoding::Gbk).expect("compiles");
    let gbk = |text: &str| TextEncoding::Gbk.encode(text).expect("GBK");
    assert_eq!(
        auto.reply_to(&gbk("温度=25,id=A7")).as_deref(),
        Some(gbk("收到25度 A7").as_slice())
    );
    assert_eq!(
        auto.reply_to(&gbk("温度=3")).as_deref(),
        Some(gbk("收到3度 ").as_slice()),
        "a group that took no part is empty"
    );
}

#[test]
fn a_hex_regex_reply_puts_the_captured_bytes_back() {
    // Modbus-like: echo the register address the request asked for.
    let spec = regex_rule(r"^01 03 (.. ..)", "01 83 ${1} ${len:u8} FF", true);
    let auto = AutoReply::compile(&spec, TextEncoding::Utf8).expect("compiles");
    assert_eq!(
        auto.reply_to(&[0x01, 0x03, 0x12, 0x34, 0x00]).as_deref(),
        Some(&[0x01, 0x83, 0x12, 0x34, 0x01, 0xFF][..])
    );
}

#[test]
fn a_group_the_regex_does_not_have_is_refused_naming_it() {
    let spec = regex_rule(r"a(\d)", "x${2}", false);
    let error = AutoReply::compile(&spec, TextEncoding::Utf8).expect_err("no group 2");
    assert_eq!(
        error,
        AutoReplyError::RuleReply {
            rule: 1,
            error: CodecError::Vars(VarsError::Unknown {
                name: "2".into(),
                position: 2
            })
        }
    );
    // Other rules keep `${` as text, as before variables existed.
    let mut spec = regex_rule("a", "b", false);
    spec.rules[0].kind = MatchKind::Contains;
    spec.rules[0].reply = "${1}".into();
    let auto = AutoReply::compile(&spec, TextEncoding::Utf8).expect("compiles");
    assert_eq!(auto.reply_to(b"a").as_deref(), Some(&b"${1}"[..]));
}

#[test]
fn tcp_serve_answers_with_the_capture_group() {
    let mut server = JsonProcess::spawn(
        netdbg().args([
            "tcp",
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--json",
            "--timeout",
            "30",
            "--rule",
            r"regex:GET (?P<key>\w+) (\d+)=>VAL ${key}=${2};seq=${seq}\n",
            "--encoding",
            "utf-8",
        ]),
        Duration::from_secs(10),
    );
    let listening = server.wait_for("listening", |e| e["event"] == "listening");
    let addr: SocketAddr = listening["local"]
        .as_str()
        .and_then(|local| local.parse().ok())
        .expect("a local address");
    let mut client = TcpStream::connect(addr).expect("connect");
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    for (request, expected) in [
        (&b"GET temp 42"[..], &b"VAL temp=42;seq=1\n"[..]),
        (b"GET rpm 7", b"VAL rpm=7;seq=2\n"),
    ] {
        client.write_all(request).expect("send");
        let mut got = vec![0u8; expected.len()];
        client.read_exact(&mut got).expect("the reply");
        assert_eq!(got, expected);
    }
}

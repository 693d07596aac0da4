//! The server's automatic answers, compiled from what a user types and asked
//! directly, without sockets: which reply each message gets, in which bytes.

use netdbg::codec::{CodecError, TextEncoding};
use netdbg::engine::{AutoReply, AutoReplyError, AutoReplySpec, MatchKind, RuleSpec};

fn gbk(text: &str) -> Vec<u8> {
    TextEncoding::Gbk
        .encode(text)
        .expect("GBK has these characters")
}

fn text_rule(kind: MatchKind, pattern: &str, reply: &str) -> RuleSpec {
    RuleSpec {
        kind,
        pattern: pattern.to_owned(),
        reply: reply.to_owned(),
        ..RuleSpec::default()
    }
}

fn hex_rule(kind: MatchKind, pattern: &str, reply: &str) -> RuleSpec {
    RuleSpec {
        pattern_hex: true,
        reply_hex: true,
        ..text_rule(kind, pattern, reply)
    }
}

fn rules(rules: Vec<RuleSpec>) -> AutoReplySpec {
    AutoReplySpec {
        rules,
        ..AutoReplySpec::default()
    }
}

fn compile(spec: &AutoReplySpec, encoding: TextEncoding) -> AutoReply {
    AutoReply::compile(spec, encoding).expect("a valid spec compiles")
}

#[test]
fn tutorial_preset_answers_everything_and_says_goodbye_in_gbk() {
    let auto = compile(&AutoReplySpec::tutorial(), TextEncoding::Gbk);
    assert!(auto.is_active());
    assert_eq!(
        auto.reply_to(&gbk("你好")).as_deref(),
        Some(gbk("收到").as_slice())
    );
    assert_eq!(
        auto.reply_to(&[0x00, 0xff]).as_deref(),
        Some(gbk("收到").as_slice())
    );
    assert_eq!(auto.farewell(), Some(gbk("再见!").as_slice()));
    assert_eq!(
        gbk("收到"),
        [0xca, 0xd5, 0xb5, 0xbd],
        "GBK bytes, not UTF-8"
    );
}

#[test]
fn nothing_configured_answers_nothing() {
    for auto in [
        AutoReply::none(),
        compile(&AutoReplySpec::default(), TextEncoding::Utf8),
    ] {
        assert!(!auto.is_active());
        assert_eq!(auto.reply_to(b"hello").as_deref(), None);
        assert_eq!(auto.farewell(), None);
    }
}

#[test]
fn bad_hex_in_the_reply_or_farewell_says_which() {
    let reply = AutoReplySpec {
        reply_enabled: true,
        reply: "ZZ".to_owned(),
        reply_hex: true,
        ..AutoReplySpec::default()
    };
    assert_eq!(
        AutoReply::compile(&reply, TextEncoding::Utf8).err(),
        Some(AutoReplyError::Reply(CodecError::HexInvalidChar {
            ch: 'Z',
            position: 1
        }))
    );
    let farewell = AutoReplySpec {
        farewell_enabled: true,
        farewell: "0A B".to_owned(),
        farewell_hex: true,
        ..AutoReplySpec::default()
    };
    assert_eq!(
        AutoReply::compile(&farewell, TextEncoding::Utf8).err(),
        Some(AutoReplyError::Farewell(CodecError::HexOddDigits {
            digits: 1
        }))
    );
}

#[test]
fn a_disabled_reply_is_not_checked() {
    let spec = AutoReplySpec {
        reply_enabled: false,
        reply: "ZZ".to_owned(),
        reply_hex: true,
        ..AutoReplySpec::default()
    };
    assert!(!compile(&spec, TextEncoding::Utf8).is_active());
}

#[test]
fn a_bad_regex_names_its_rule() {
    let spec = rules(vec![text_rule(MatchKind::Regex, "(unclosed", "x")]);
    match AutoReply::compile(&spec, TextEncoding::Utf8) {
        Err(AutoReplyError::Regex { rule: 1, message }) => {
            assert!(!message.is_empty(), "the regex crate's explanation is kept")
        }
        other => panic!("expected Regex {{ rule: 1, .. }}, got {other:?}"),
    }
}

#[test]
fn an_empty_pattern_names_its_rule() {
    let spec = rules(vec![
        text_rule(MatchKind::Contains, "ok", "fine"),
        text_rule(MatchKind::Equals, "", "never"),
    ]);
    assert_eq!(
        AutoReply::compile(&spec, TextEncoding::Utf8).err(),
        Some(AutoReplyError::EmptyPattern { rule: 2 })
    );
}

/// Found by the `auto_reply_rules` fuzz target: a HEX pattern of separators only
/// compiled to no bytes, and "contains" then panicked on every message.
#[test]
fn a_hex_pattern_of_separators_only_is_an_empty_pattern() {
    for kind in [
        MatchKind::Contains,
        MatchKind::StartsWith,
        MatchKind::Equals,
    ] {
        for pattern in [" ", "\n", ", ;", "-:"] {
            let spec = rules(vec![
                hex_rule(MatchKind::Contains, "01", "06"),
                hex_rule(kind, pattern, "15"),
            ]);
            assert_eq!(
                AutoReply::compile(&spec, TextEncoding::Utf8).err(),
                Some(AutoReplyError::EmptyPattern { rule: 2 }),
                "{kind:?} {pattern:?}"
            );
        }
    }
    // A HEX regex is text matched against the dump, so a space is a real pattern.
    let spec = rules(vec![hex_rule(MatchKind::Regex, " ", "06")]);
    assert_eq!(
        compile(&spec, TextEncoding::Utf8)
            .reply_to(&[1, 2])
            .as_deref(),
        Some(&[6u8][..])
    );
}

#[test]
fn bad_hex_in_a_rule_says_pattern_or_reply() {
    let pattern = rules(vec![hex_rule(MatchKind::StartsWith, "01 0G", "AA")]);
    assert_eq!(
        AutoReply::compile(&pattern, TextEncoding::Utf8).err(),
        Some(AutoReplyError::Pattern {
            rule: 1,
            error: CodecError::HexInvalidChar {
                ch: 'G',
                position: 5
            }
        })
    );
    let reply = rules(vec![hex_rule(MatchKind::StartsWith, "01", "AAA")]);
    assert_eq!(
        AutoReply::compile(&reply, TextEncoding::Utf8).err(),
        Some(AutoReplyError::RuleReply {
            rule: 1,
            error: CodecError::HexOddDigits { digits: 3 }
        })
    );
}

#[test]
fn a_reply_the_encoding_cannot_write_is_refused() {
    let spec = AutoReplySpec {
        reply_enabled: true,
        reply: "ok 😀".to_owned(),
        ..AutoReplySpec::default()
    };
    match AutoReply::compile(&spec, TextEncoding::Gbk) {
        Err(AutoReplyError::Reply(CodecError::Unmappable { ch, position, .. })) => {
            assert_eq!((ch, position), ('😀', 4))
        }
        other => panic!("expected an unmappable character, got {other:?}"),
    }
}

#[test]
fn text_replies_understand_escapes() {
    let spec = AutoReplySpec {
        reply_enabled: true,
        reply: r"OK\r\n".to_owned(),
        rules: vec![text_rule(MatchKind::Contains, "raw", r"\x01\xFF\t")],
        ..AutoReplySpec::default()
    };
    let auto = compile(&spec, TextEncoding::Utf8);
    assert_eq!(auto.reply_to(b"hello").as_deref(), Some(&b"OK\r\n"[..]));
    assert_eq!(
        auto.reply_to(b"raw bytes").as_deref(),
        Some(&[0x01, 0xff, b'\t'][..])
    );
}

#[test]
fn each_text_match_kind() {
    let spec = rules(vec![
        text_rule(MatchKind::Equals, "ping", "pong"),
        text_rule(MatchKind::StartsWith, "GET ", "get"),
        text_rule(MatchKind::Contains, "temp", "T=25"),
        text_rule(MatchKind::Regex, r"^id=\d+$", "id ok"),
    ]);
    let auto = compile(&spec, TextEncoding::Utf8);
    let cases: [(&[u8], Option<&[u8]>); 10] = [
        (b"ping", Some(b"pong")),
        (b"ping\r\n", Some(b"pong")),
        (b"ping\n", Some(b"pong")),
        (b"ping!", None),
        (b" ping", None),
        (b"GET /index", Some(b"get")),
        (b"x GET /index", None),
        (b"the temperature", Some(b"T=25")),
        (b"id=42", Some(b"id ok")),
        (b"id=4x2", None),
    ];
    for (message, expected) in cases {
        assert_eq!(
            auto.reply_to(message).as_deref(),
            expected,
            "message {:?}",
            String::from_utf8_lossy(message)
        );
    }
}

#[test]
fn each_hex_match_kind() {
    let spec = rules(vec![
        hex_rule(MatchKind::StartsWith, "01 03", "AA BB"),
        hex_rule(MatchKind::Equals, "0x05,0x06", "CC"),
        hex_rule(MatchKind::Contains, "FE FF", "DD"),
        hex_rule(MatchKind::Regex, "^0a( [0-9A-F]{2})*$", "EE"),
    ]);
    let auto = compile(&spec, TextEncoding::Utf8);
    let cases: [(&[u8], Option<&[u8]>); 8] = [
        (&[0x01, 0x03, 0x00, 0x10], Some(&[0xaa, 0xbb])),
        (&[0x00, 0x01, 0x03], None),
        (&[0x05, 0x06], Some(&[0xcc])),
        (&[0x05, 0x06, 0x0d, 0x0a], None),
        (&[0x10, 0xfe, 0xff, 0x20], Some(&[0xdd])),
        (&[0xfe, 0x00, 0xff], None),
        // The regex runs over the upper-case dump "0A 1B", whatever case was typed.
        (&[0x0a, 0x1b], Some(&[0xee])),
        (&[0x1b, 0x0a], None),
    ];
    for (message, expected) in cases {
        assert_eq!(
            auto.reply_to(message).as_deref(),
            expected,
            "message {message:02X?}"
        );
    }
}

#[test]
fn the_first_matching_rule_wins() {
    let spec = rules(vec![
        text_rule(MatchKind::Contains, "temp", "first"),
        text_rule(MatchKind::StartsWith, "temp", "second"),
        text_rule(MatchKind::Regex, ".*", "third"),
    ]);
    let auto = compile(&spec, TextEncoding::Utf8);
    assert_eq!(
        auto.reply_to(b"temperature").as_deref(),
        Some(&b"first"[..])
    );
    assert_eq!(auto.reply_to(b"anything").as_deref(), Some(&b"third"[..]));
}

#[test]
fn the_fixed_reply_answers_what_no_rule_matches() {
    let spec = AutoReplySpec {
        reply_enabled: true,
        reply: "?".to_owned(),
        rules: vec![text_rule(MatchKind::Equals, "ping", "pong")],
        ..AutoReplySpec::default()
    };
    let auto = compile(&spec, TextEncoding::Utf8);
    assert_eq!(auto.reply_to(b"ping").as_deref(), Some(&b"pong"[..]));
    assert_eq!(auto.reply_to(b"pong").as_deref(), Some(&b"?"[..]));

    let without_fixed = compile(&rules(spec.rules.clone()), TextEncoding::Utf8);
    assert_eq!(without_fixed.reply_to(b"pong").as_deref(), None);
}

#[test]
fn gbk_text_rules_match_gbk_messages_and_reply_in_gbk() {
    let spec = rules(vec![
        text_rule(MatchKind::Regex, r"温度=(\d+)", "收到温度"),
        text_rule(MatchKind::Contains, "你好", "你也好"),
    ]);
    let auto = compile(&spec, TextEncoding::Gbk);
    assert_eq!(
        auto.reply_to(&gbk("当前温度=25")).as_deref(),
        Some(gbk("收到温度").as_slice())
    );
    assert_eq!(
        auto.reply_to(&gbk("喂,你好!")).as_deref(),
        Some(gbk("你也好").as_slice())
    );
    assert_eq!(
        auto.reply_to("你好".as_bytes()).as_deref(),
        None,
        "UTF-8 bytes are not GBK 你好"
    );
}

#[test]
fn a_text_rule_does_not_match_inside_a_gbk_character() {
    // 丂 is GBK 0x81 0x40, and 0x40 alone would be '@'.
    let message = gbk("丂");
    assert_eq!(message, [0x81, 0x40]);
    let text = compile(
        &rules(vec![text_rule(MatchKind::Contains, "@", "at")]),
        TextEncoding::Gbk,
    );
    assert_eq!(text.reply_to(&message).as_deref(), None);
    assert_eq!(text.reply_to(b"a@b").as_deref(), Some(&b"at"[..]));

    // A HEX pattern is about bytes, so there the trail byte does match.
    let bytes = compile(
        &rules(vec![hex_rule(MatchKind::Contains, "40", "01")]),
        TextEncoding::Gbk,
    );
    assert_eq!(bytes.reply_to(&message).as_deref(), Some(&[0x01][..]));
}

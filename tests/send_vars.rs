//! Send variables (`src/codec/vars/`): exact bytes for each variable in text and HEX
//! mode, the errors naming the variable, and properties of `${len}` and `$${`.

use chrono::{Local, TimeZone};
use netdbg::codec::vars::{Template, VarValues, VarsError, expand};
use netdbg::codec::{
    CodecError, MessageMaker, PayloadMode, SendOptions, SeqCounter, TextEncoding, build_payload,
};
use proptest::prelude::*;

/// Expands `input` with `${seq}` = `seq`, 2024-05-06 07:08:09.010 local, a seeded
/// random source, and `${who}` = "bob".
fn expand_with(
    input: &str,
    mode: PayloadMode,
    encoding: TextEncoding,
    seq: u64,
) -> Result<Vec<u8>, CodecError> {
    let template = Template::parse(input)?;
    let mut rng = fastrand::Rng::with_seed(7);
    let now = Local
        .with_ymd_and_hms(2024, 5, 6, 7, 8, 9)
        .single()
        .expect("a local time")
        + chrono::Duration::milliseconds(10);
    let named = |name: &str| (name == "who").then(|| b"bob".to_vec());
    let mut values = VarValues {
        seq,
        now,
        rng: &mut rng,
        named: &named,
    };
    expand(&template, mode, encoding, false, &mut values)
}

fn text(input: &str, seq: u64) -> Result<Vec<u8>, CodecError> {
    expand_with(input, PayloadMode::Text, TextEncoding::Utf8, seq)
}

fn hex(input: &str, seq: u64) -> Result<Vec<u8>, CodecError> {
    expand_with(input, PayloadMode::Hex, TextEncoding::Utf8, seq)
}

fn vars_error(result: Result<Vec<u8>, CodecError>) -> VarsError {
    match result {
        Err(CodecError::Vars(error)) => error,
        other => panic!("expected a variable error, got {other:?}"),
    }
}

#[test]
fn seq_in_text_is_decimal_padded_or_raw_bytes() {
    assert_eq!(text("n=${seq}", 7).unwrap(), b"n=7");
    assert_eq!(text("n=${seq:04}", 7).unwrap(), b"n=0007");
    assert_eq!(text("n=${seq:04}", 123_456).unwrap(), b"n=123456");
    assert_eq!(text("${seq:u16be}", 0x0102).unwrap(), [0x01, 0x02]);
    assert_eq!(text("${seq:u16le}", 0x0102).unwrap(), [0x02, 0x01]);
    assert_eq!(
        text("${seq:u8}", 0x1ff).unwrap(),
        [0xff],
        "a u8 counter wraps"
    );
    assert_eq!(text("${seq:u32be}", 5).unwrap(), [0, 0, 0, 5]);
    assert_eq!(text("${seq:u32le}", 5).unwrap(), [5, 0, 0, 0]);
}

#[test]
fn seq_in_hex_mode_goes_between_hex_bytes() {
    assert_eq!(
        hex("01 03 ${seq:u16be} 00 0A", 0x0203).unwrap(),
        [0x01, 0x03, 0x02, 0x03, 0x00, 0x0A]
    );
    assert_eq!(hex("AA${seq}", 12).unwrap(), [0xAA, b'1', b'2']);
}

#[test]
fn text_values_follow_the_encoding() {
    let utf16 = expand_with("${seq}", PayloadMode::Text, TextEncoding::Utf16Le, 42).unwrap();
    assert_eq!(utf16, [b'4', 0, b'2', 0]);
    let gbk = expand_with("你${seq:u8}", PayloadMode::Text, TextEncoding::Gbk, 1).unwrap();
    assert_eq!(gbk, [0xC4, 0xE3, 0x01]);
}

#[test]
fn time_and_unix_ms_read_the_given_clock() {
    assert_eq!(text("${time}", 1).unwrap(), b"07:08:09.010");
    let expected = Local
        .with_ymd_and_hms(2024, 5, 6, 7, 8, 9)
        .single()
        .unwrap()
        .timestamp_millis()
        + 10;
    assert_eq!(
        text("${unix_ms}", 1).unwrap(),
        expected.to_string().as_bytes()
    );
}

#[test]
fn rand_gives_digits_in_text_and_bytes_in_hex() {
    let digits = text("${rand:12}", 1).unwrap();
    assert_eq!(digits.len(), 12);
    assert!(digits.iter().all(u8::is_ascii_digit), "{digits:?}");
    assert_eq!(hex("${rand:5}", 1).unwrap().len(), 5);
    assert_eq!(hex("${rand:1024}", 1).unwrap().len(), 1024);
}

#[test]
fn len_counts_what_follows_it() {
    assert_eq!(text("${len:u8}abc", 1).unwrap(), b"\x03abc");
    assert_eq!(
        hex("${len:u16be} 01 02 ${seq:u32le}", 1).unwrap(),
        [0x00, 0x06, 0x01, 0x02, 1, 0, 0, 0]
    );
    assert_eq!(hex("${len:u16le} FF", 1).unwrap(), [0x01, 0x00, 0xFF]);
    assert_eq!(hex("${len:u32be} FF", 1).unwrap(), [0, 0, 0, 1, 0xFF]);
    assert_eq!(
        hex("${len:u8} ${len:u8} AA", 1).unwrap(),
        [0x02, 0x01, 0xAA],
        "a length counts the length fields after it"
    );
    let long = format!("${{len:u8}}{}", "x".repeat(256));
    assert_eq!(
        vars_error(text(&long, 1)),
        VarsError::LenTooLarge {
            len: 256,
            format: netdbg::codec::vars::IntFormat::U8,
            position: 1
        }
    );
}

#[test]
fn named_values_are_inserted_as_bytes() {
    assert_eq!(text("hi ${who}!", 1).unwrap(), b"hi bob!");
    assert_eq!(
        vars_error(text("hi ${nobody}", 1)),
        VarsError::Unknown {
            name: "nobody".into(),
            position: 4
        }
    );
}

#[test]
fn a_doubled_dollar_keeps_a_literal_brace() {
    assert_eq!(text("$${seq} ${seq}", 3).unwrap(), b"${seq} 3");
    assert_eq!(text("cost $5 {x}", 3).unwrap(), b"cost $5 {x}");
}

#[test]
fn bad_variables_name_themselves_and_where_they_are() {
    // A name is known only where the context has values (a regex's groups): the
    // send box has none.
    assert_eq!(
        Template::parse("ab ${foo}").and_then(|t| t.check_names(|_| false)),
        Err(VarsError::Unknown {
            name: "foo".into(),
            position: 4
        })
    );
    assert_eq!(
        Template::parse("${se q}"),
        Err(VarsError::Unknown {
            name: "se q".into(),
            position: 1
        })
    );
    assert_eq!(
        Template::parse("${seq:x9}"),
        Err(VarsError::BadFormat {
            name: "seq".into(),
            format: "x9".into(),
            position: 1
        })
    );
    assert_eq!(
        Template::parse("${time:3}"),
        Err(VarsError::BadFormat {
            name: "time".into(),
            format: "3".into(),
            position: 1
        })
    );
    assert_eq!(
        Template::parse("${len}x"),
        Err(VarsError::BadFormat {
            name: "len".into(),
            format: String::new(),
            position: 1
        })
    );
    assert_eq!(
        Template::parse("x ${seq"),
        Err(VarsError::Unclosed { position: 3 })
    );
    assert_eq!(
        Template::parse("AB ${len:u16be}"),
        Err(VarsError::LenAtEnd { position: 4 })
    );
    for count in ["0", "1025", "", "abc", "-1"] {
        assert_eq!(
            Template::parse(&format!("${{rand:{count}}}")),
            Err(VarsError::RandCount {
                count: count.into(),
                position: 1
            }),
            "rand:{count}"
        );
    }
}

#[test]
fn the_errors_are_worded_in_both_languages_with_the_variable() {
    use netdbg::i18n::{Describe, Lang};
    let error = CodecError::Vars(VarsError::Unknown {
        name: "foo".into(),
        position: 4,
    });
    assert!(error.describe(Lang::En).contains("${foo}"));
    assert!(error.describe(Lang::En).contains('4'));
    assert!(error.describe(Lang::Zh).contains("${foo}"));
    assert!(error.describe(Lang::Zh).contains("第 4 个字符"));
    let rand = CodecError::Vars(VarsError::RandCount {
        count: "0".into(),
        position: 1,
    });
    assert!(rand.describe(Lang::En).contains("1 to 1024"));
    assert!(rand.describe(Lang::Zh).contains("1–1024"));
}

#[test]
fn a_maker_counts_per_counter_and_adds_line_end_and_checksum() {
    let counter = SeqCounter::default();
    let options = SendOptions {
        vars: true,
        line_ending: netdbg::codec::LineEnding::CrLf,
        ..SendOptions::default()
    };
    let mut first =
        MessageMaker::new("a${seq}", options, TextEncoding::Utf8, counter.clone()).unwrap();
    let mut second =
        MessageMaker::new("b${seq}", options, TextEncoding::Utf8, counter.clone()).unwrap();
    assert_eq!(first.preview().unwrap(), b"a1\r\n");
    assert_eq!(first.next_send().unwrap(), b"a1\r\n");
    assert_eq!(
        second.next_send().unwrap(),
        b"b2\r\n",
        "one counter per endpoint"
    );
    assert_eq!(
        first.clone().next_send().unwrap(),
        b"a3\r\n",
        "clones share it"
    );
    assert_eq!(counter.peek(), 4);

    let off = SendOptions::default();
    let mut literal =
        MessageMaker::new("a${seq}", off, TextEncoding::Utf8, counter.clone()).unwrap();
    assert_eq!(
        literal.next_send().unwrap(),
        b"a${seq}",
        "without variables a ${{ is text"
    );
    assert!(!literal.varies());
    assert_eq!(counter.peek(), 4, "a literal message does not count");
}

proptest! {
    /// Text with no `${` is the same bytes with variables on as off.
    #[test]
    fn plain_text_is_unchanged(input in "[^$]{0,40}") {
        let with = text(&input, 1).unwrap();
        let without = build_payload(&input, PayloadMode::Text, TextEncoding::Utf8, false).unwrap();
        prop_assert_eq!(with, without);
    }

    /// `${len:u16be}` anywhere holds the exact count of the bytes after it.
    #[test]
    fn len_is_the_length_of_the_rest(
        before in proptest::collection::vec(any::<u8>(), 0..20),
        after in proptest::collection::vec(any::<u8>(), 1..300),
    ) {
        let hex_of = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02X} ")).collect::<String>();
        let input = format!("{}${{len:u16be}} {}", hex_of(&before), hex_of(&after));
        let bytes = hex(&input, 1).unwrap();
        let at = before.len();
        prop_assert_eq!(&bytes[..at], &before[..]);
        prop_assert_eq!(u16::from_be_bytes([bytes[at], bytes[at + 1]]) as usize, after.len());
        prop_assert_eq!(&bytes[at + 2..], &after[..]);
    }

    /// Every counter value comes out as its big-endian bytes.
    #[test]
    fn seq_bytes_are_the_counter(seq in any::<u32>()) {
        prop_assert_eq!(hex("${seq:u32be}", u64::from(seq)).unwrap(), seq.to_be_bytes().to_vec());
        prop_assert_eq!(text("${seq}", u64::from(seq)).unwrap(), seq.to_string().into_bytes());
    }
}

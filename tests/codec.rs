use netdbg::codec::TextEncoding::*;
use netdbg::codec::escapes::{Segment, split_escapes};
use netdbg::codec::{
    CodecError, PayloadMode, StreamDecoder, TextEncoding, build_payload, format_hex,
    format_hex_compact, is_hidden, parse_hex, visible_json, visible_text,
};

fn hex(s: &str) -> Vec<u8> {
    parse_hex(s).expect("test hex literal is valid")
}

fn unmappable(ch: char, position: usize, encoding: TextEncoding) -> CodecError {
    CodecError::Unmappable {
        ch,
        position,
        encoding,
    }
}

fn round_trip(enc: TextEncoding, text: &str, expected: &str) {
    let bytes = enc.encode(text).expect("encodable");
    assert_eq!(bytes, hex(expected), "{enc} encode {text}");
    assert_eq!(enc.decode(&bytes), text, "{enc} decode {text}");
}

// ---- encodings ----

#[test]
fn gbk_nihao_both_directions() {
    round_trip(Gbk, "你好", "c4 e3 ba c3");
    assert_eq!(Gbk.decode(&hex("c4e3bac3")), "你好");
}

#[test]
fn gb18030_and_big5_round_trips() {
    round_trip(Gb18030, "网络", "cd f8 c2 e7");
    round_trip(Big5, "網路", "ba f4 b8 f4");
    // GB18030 reaches beyond GBK with four-byte sequences.
    round_trip(Gb18030, "😀", "94 39 fc 36");
    assert_eq!(Gbk.encode("😀"), Err(unmappable('😀', 1, Gbk)));
}

#[test]
fn utf16_exact_bytes_without_bom() {
    round_trip(Utf16Le, "Aé你", "41 00 e9 00 60 4f");
    round_trip(Utf16Be, "Aé你", "00 41 00 e9 4f 60");
    round_trip(Utf16Le, "😀", "3d d8 00 de");
}

#[test]
fn shift_jis_and_euc_kr_round_trips() {
    round_trip(ShiftJis, "こんにちは", "82 b1 82 f1 82 c9 82 bf 82 cd");
    round_trip(EucKr, "한국", "c7 d1 b1 b9");
    round_trip(Utf8, "网", "e7 bd 91");
    round_trip(Windows1252, "café €", "63 61 66 e9 20 80");
}

#[test]
fn unmappable_reports_char_position_and_encoding() {
    let err = Windows1252.encode("ab你c").unwrap_err();
    assert_eq!(err, unmappable('你', 3, Windows1252));
    assert_eq!(
        err.to_string(),
        "character '你' at position 3 cannot be represented in Windows-1252"
    );
    // Position counts characters, not bytes, and the first offender wins.
    let err = ShiftJis.encode("日本é한").unwrap_err();
    assert_eq!(err, unmappable('é', 3, ShiftJis));
}

#[test]
fn decode_is_lossy_and_ignores_bom() {
    assert_eq!(Utf8.decode(&[0x41, 0xff]), "A\u{fffd}");
    assert_eq!(Utf8.decode(&hex("ef bb bf 41")), "\u{feff}A");
    // A UTF-8 BOM must not switch a GBK view to UTF-8.
    assert_ne!(Gbk.decode(&hex("ef bb bf 41")), "A");
}

#[test]
fn labels_round_trip_and_aliases() {
    for enc in TextEncoding::ALL {
        assert_eq!(TextEncoding::from_label(enc.label()), Some(enc));
        assert_eq!(enc.to_string(), enc.label());
        if enc == Auto {
            continue;
        }
        assert_eq!(
            enc.encoding_rs().name().to_ascii_lowercase(),
            enc.label().to_ascii_lowercase()
        );
    }
    let aliases: [(TextEncoding, &[&str]); 6] = [
        (Utf8, &["utf8", "UTF8", "utf-8"]),
        (ShiftJis, &["Sjis", "shift-jis", "cp932"]),
        (Gbk, &["CP936", "gb2312", "gbk"]),
        (Windows1252, &["latin1", "cp1252", "ISO-8859-1"]),
        (Utf16Le, &["utf16le"]),
        (Utf16Be, &["UTF_16BE", "utf16be"]),
    ];
    for (expected, labels) in aliases {
        for label in labels {
            assert_eq!(TextEncoding::from_label(label), Some(expected), "{label}");
        }
    }
    assert_eq!(TextEncoding::from_label(" euc-kr "), Some(EucKr));
    assert_eq!(TextEncoding::from_label("klingon"), None);
    assert_eq!(TextEncoding::from_label(""), None);
}

#[test]
fn default_for_locale_cases() {
    let groups: [(TextEncoding, &[&str]); 5] = [
        (
            Gbk,
            &["zh-CN", "zh_CN.UTF-8", "zh-Hans-CN", "zh-Hans-HK", "zh"],
        ),
        (
            Big5,
            &["zh-TW", "zh_HK.Big5", "zh-MO", "zh-Hant", "zh-Hant-CN"],
        ),
        (ShiftJis, &["ja", "ja-JP", "ja_JP.eucJP"]),
        (EucKr, &["ko", "ko-KR", "ko_KR.UTF-8"]),
        (Utf8, &["en-US", "de_DE@euro", "C", "POSIX", "", "zz-CN"]),
    ];
    for (expected, locales) in groups {
        for locale in locales {
            let actual = TextEncoding::default_for_locale(Some(locale));
            assert_eq!(actual, expected, "{locale}");
        }
    }
    assert_eq!(TextEncoding::default_for_locale(None), Utf8);
}

// ---- stream decoding ----

#[test]
fn stream_decoder_joins_split_gbk_character() {
    let mut decoder = StreamDecoder::new(Gbk);
    assert_eq!(decoder.encoding(), Gbk);
    let first = decoder.decode_chunk(&[0xc4]);
    let second = decoder.decode_chunk(&[0xe3, 0xba, 0xc3]);
    let all = format!("{first}{second}{}", decoder.finish());
    assert_eq!(first, "");
    assert_eq!(all, "你好");
    assert!(!all.contains('\u{fffd}'));
}

#[test]
fn stream_decoder_joins_split_utf8_character() {
    let mut decoder = StreamDecoder::new(Utf8);
    assert_eq!(decoder.decode_chunk(&[b'a', 0xe7]), "a");
    assert_eq!(decoder.decode_chunk(&[0xbd, 0x91]), "网");
    assert_eq!(decoder.finish(), "");
}

#[test]
fn stream_decoder_finish_flushes_dangling_lead_byte_and_resets() {
    let mut decoder = StreamDecoder::new(Gbk);
    assert_eq!(decoder.decode_chunk(&[0x41, 0xc4]), "A");
    assert_eq!(decoder.finish(), "\u{fffd}");
    // Reusable after finish, with no state left over.
    assert_eq!(decoder.decode_chunk(&[0xba, 0xc3]), "好");
    assert_eq!(decoder.finish(), "");
}

#[test]
fn stream_decoder_handles_large_chunks_and_utf16() {
    let text = "网络调试".repeat(1000);
    let bytes = Utf16Be.encode(&text).expect("encodable");
    let mut decoder = StreamDecoder::new(Utf16Be);
    let (head, tail) = bytes.split_at(4001); // splits a code unit
    let decoded = decoder.decode_chunk(head) + &decoder.decode_chunk(tail) + &decoder.finish();
    assert_eq!(decoded, text);
}

// ---- hex ----

#[test]
fn parse_hex_accepts_all_documented_forms() {
    let expected = vec![0x48, 0x65, 0x6c];
    // '|' is not a separator the parser knows; it only splits this list.
    let forms = "48 65 6c|48656c|48656C|0x48,0x65,0x6C|0X48 0x65 0x6c|0x48656c|\
                 48\t65\r\n6c\n|48;65;6c|48:65:6c|48-65-6c| 48 , 65 ,\t6c ";
    for input in forms.split('|') {
        assert_eq!(parse_hex(input), Ok(expected.clone()), "{input:?}");
    }
    assert_eq!(parse_hex(""), Ok(vec![]));
    assert_eq!(parse_hex(" \t\r\n "), Ok(vec![]));
    assert_eq!(parse_hex("00 ff FF"), Ok(vec![0, 0xff, 0xff]));
}

#[test]
fn parse_hex_rejects_odd_tokens() {
    let odd = |digits| Err(CodecError::HexOddDigits { digits });
    assert_eq!(parse_hex("486"), odd(3));
    // No pairing across separators.
    assert_eq!(parse_hex("4 8"), odd(1));
    assert_eq!(parse_hex("48 0x6"), odd(1));
    assert_eq!(parse_hex("48 0x4865 123"), odd(3));
}

#[test]
fn parse_hex_reports_first_invalid_char_position() {
    let invalid = |ch, position| Err(CodecError::HexInvalidChar { ch, position });
    assert_eq!(parse_hex("48 6G"), invalid('G', 5));
    assert_eq!(parse_hex("zz"), invalid('z', 1));
    assert_eq!(parse_hex("0x"), invalid('x', 2));
    assert_eq!(parse_hex("48 0x"), invalid('x', 5));
    assert_eq!(parse_hex("0xx1"), invalid('x', 3));
    // Characters, not bytes: 你 is one position.
    assert_eq!(parse_hex("你 48"), invalid('你', 1));
    assert_eq!(parse_hex("48 你"), invalid('你', 4));
    // An invalid char beats an odd count in the same token.
    assert_eq!(parse_hex("4G8"), invalid('G', 2));
}

#[test]
fn format_hex_styles() {
    let bytes = [0x48, 0x65, 0x6c, 0x00, 0xff];
    assert_eq!(format_hex(&bytes), "48 65 6C 00 FF");
    assert_eq!(format_hex_compact(&bytes), "48656c00ff");
    assert_eq!(format_hex(&[]), "");
    assert_eq!(format_hex_compact(&[]), "");
    assert_eq!(parse_hex(&format_hex(&bytes)), Ok(bytes.to_vec()));
}

// ---- escapes and payloads ----

fn text_payload(input: &str, enc: TextEncoding) -> Result<Vec<u8>, CodecError> {
    build_payload(input, PayloadMode::Text, enc, true)
}

fn bad_escape(position: usize, sequence: &str) -> CodecError {
    CodecError::BadEscape {
        position,
        sequence: sequence.to_string(),
    }
}

#[test]
fn escapes_produce_control_characters() {
    assert_eq!(text_payload("a\\r\\n", Utf8), Ok(hex("61 0d 0a")));
    assert_eq!(text_payload("\\t\\\\\\0", Utf8), Ok(hex("09 5c 00")));
    // Escaped characters are text, so they follow the encoding.
    assert_eq!(text_payload("\\r\\n", Utf16Le), Ok(hex("0d 00 0a 00")));
}

#[test]
fn hex_escapes_are_raw_bytes_in_any_encoding() {
    for enc in TextEncoding::ALL {
        assert_eq!(text_payload("\\xC4\\xE3", enc), Ok(hex("c4 e3")), "{enc}");
    }
    assert_eq!(text_payload("\\x414", Utf8), Ok(hex("41 34")));
}

#[test]
fn split_escapes_segments() {
    let segments = split_escapes("ab\\x00c").expect("valid");
    assert_eq!(
        segments,
        vec![
            Segment::Text("ab".into()),
            Segment::Bytes(vec![0]),
            Segment::Text("c".into())
        ]
    );
    assert_eq!(split_escapes(""), Ok(vec![]));
}

#[test]
fn bad_escapes_report_position_and_sequence() {
    assert_eq!(split_escapes("ab\\q"), Err(bad_escape(3, "\\q")));
    assert_eq!(split_escapes("你\\q"), Err(bad_escape(2, "\\q")));
    assert_eq!(split_escapes("\\x4"), Err(bad_escape(1, "\\x4")));
    assert_eq!(split_escapes("a\\x4g"), Err(bad_escape(2, "\\x4g")));
    assert_eq!(split_escapes("\\x"), Err(bad_escape(1, "\\x")));
    assert_eq!(split_escapes("abc\\"), Err(bad_escape(4, "\\")));
    assert_eq!(
        bad_escape(4, "\\").to_string(),
        "invalid escape sequence \"\\\" at position 4"
    );
}

#[test]
fn build_payload_mixes_text_and_raw_bytes_in_gbk() {
    assert_eq!(text_payload("你\\x00好", Gbk), Ok(hex("c4 e3 00 ba c3")));
}

#[test]
fn build_payload_modes() {
    use PayloadMode::{Hex, Text};
    assert_eq!(build_payload("48 65", Hex, Gbk, true), Ok(hex("48 65")));
    assert_eq!(
        build_payload("a\\n", Text, Gbk, false),
        Ok(b"a\\n".to_vec())
    );
    let invalid_z = CodecError::HexInvalidChar {
        ch: 'Z',
        position: 3,
    };
    assert_eq!(build_payload("0xZZ", Hex, Gbk, false), Err(invalid_z));
    assert_eq!(build_payload("", Text, Utf16Le, true), Ok(vec![]));
}

#[test]
fn unmappable_position_is_relative_to_whole_input_with_escapes() {
    let err = text_payload("a\\r\\x41b你", Windows1252).unwrap_err();
    assert_eq!(err, unmappable('你', 9, Windows1252));
}

// ---- text made visible ----

#[test]
fn visible_text_escapes_controls_bidi_and_line_separators() {
    let shown =
        visible_text("a\x1b[2J\x07\r\n\t\x7f\u{85}\u{9b}b\u{202E}c\u{2066}\u{2069}\u{2028}d");
    assert_eq!(
        shown,
        "a\\x1B[2J\\x07\\r\\n\\t\\x7F\\x85\\x9Bb\\u{202E}c\\u{2066}\\u{2069}\\u{2028}d"
    );
    assert_eq!(
        visible_text(&shown),
        shown,
        "escaping twice changes nothing"
    );
    // Only what acts on a terminal or the layout: other text, backslashes included, stays.
    for plain in [
        "你好，网络调试助手",
        "C:\\data\\a.txt",
        "e\u{301} \u{200B} 😀",
    ] {
        assert_eq!(visible_text(plain), plain);
    }
}

#[test]
fn visible_json_keeps_the_value_and_hides_the_characters() {
    let raw = "x\u{7f}\u{85}\u{202E}y\u{2029}";
    let line = serde_json::json!({ "text": raw }).to_string();
    let shown = visible_json(&line);
    assert!(!shown.chars().any(is_hidden), "{shown:?}");
    assert_eq!(shown, r#"{"text":"x\u007f\u0085\u202ey\u2029"}"#);
    let value: serde_json::Value = serde_json::from_str(&shown).expect("still JSON");
    assert_eq!(value["text"], raw);
}

// ---- Auto: UTF-8 when valid, else the legacy code page ----

#[test]
fn auto_decodes_each_message_by_what_it_is() {
    use netdbg::codec::decode_auto;
    assert_eq!(decode_auto("你好".as_bytes(), Gbk), ("你好".into(), Utf8));
    assert_eq!(decode_auto(&hex("c4e3bac3"), Gbk), ("你好".into(), Gbk));
    assert_eq!(decode_auto(&hex("a741a6e8"), Big5).1, Big5);
    assert_eq!(decode_auto(&hex("47 72 fc df 65"), Windows1252).0, "Grüße");
    // A fallback that is not a legacy code page means Windows-1252.
    assert_eq!(decode_auto(&hex("fc"), Utf8), ("ü".into(), Windows1252));
    assert_eq!(decode_auto(b"", Gbk), (String::new(), Utf8));
}

#[test]
fn auto_stream_joins_a_utf8_character_split_across_reads() {
    let mut decoder = StreamDecoder::with_fallback(Auto, Gbk);
    assert_eq!(decoder.decode_chunk(&hex("61 e4 bd")), "a");
    assert_eq!(decoder.used(), Utf8);
    assert_eq!(decoder.decode_chunk(&hex("a0 e5 a5 bd")), "你好");
    assert_eq!(decoder.used(), Utf8);
    assert_eq!(decoder.finish(), "");
}

#[test]
fn auto_stream_joins_a_gbk_character_split_across_reads() {
    // C4 looks like the start of a UTF-8 character until E3 comes.
    let mut decoder = StreamDecoder::with_fallback(Auto, Gbk);
    assert_eq!(decoder.decode_chunk(&hex("c4")), "");
    assert_eq!(decoder.decode_chunk(&hex("e3 ba")), "你");
    assert_eq!(decoder.used(), Gbk);
    // BA was held by the GBK decoder: C3 finishes 好 although C3 alone could start UTF-8.
    assert_eq!(decoder.decode_chunk(&hex("c3")), "好");
    assert_eq!(decoder.used(), Gbk);
    // A message of plain UTF-8 after it shows as UTF-8 again.
    assert_eq!(decoder.decode_chunk("网络\r\n".as_bytes()), "网络\r\n");
    assert_eq!(decoder.used(), Utf8);
}

#[test]
fn auto_stream_finish_shows_a_dangling_start_in_the_fallback_and_resets() {
    let mut decoder = StreamDecoder::with_fallback(Auto, Windows1252);
    assert_eq!(decoder.decode_chunk(&hex("41 c3")), "A");
    assert_eq!(decoder.finish(), "Ã");
    assert_eq!(decoder.used(), Windows1252);
    assert_eq!(decoder.decode_chunk(b"ok"), "ok");
    assert_eq!(decoder.used(), Utf8);
    let mut gbk = StreamDecoder::with_fallback(Auto, Gbk);
    assert_eq!(gbk.decode_chunk(&hex("ff 41 c4")), "\u{fffd}A");
    assert_eq!(gbk.finish(), "\u{fffd}");
}

#[test]
fn auto_is_a_label_and_sends_in_the_system_encoding() {
    assert_eq!(TextEncoding::from_label("auto"), Some(Auto));
    assert_eq!(TextEncoding::from_label(" AUTO "), Some(Auto));
    let system = netdbg::codec::auto_send_encoding();
    assert_ne!(system, Auto);
    assert_eq!(Auto.encode("hello"), system.encode("hello"));
    assert_eq!(Auto.decode(b"hello"), "hello");
}

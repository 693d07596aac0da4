//! The TCP server's auto-reply: `--rule KIND:PATTERN=>REPLY` as typed on the command
//! line, rules as the window stores them, compiled in any encoding, then asked to
//! answer any message a peer may send. No panic; a parsed rule prints back to the
//! same rule; compile errors name a real rule; an answer is always one of the
//! configured replies, and a rule answers a message that is its own pattern.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use netdbg::cli::parse_rule;
use netdbg::codec::{PayloadMode, TextEncoding, build_payload, parse_hex};
use netdbg::engine::{AutoReply, AutoReplyError, AutoReplySpec, MatchKind, RuleSpec};

#[derive(Debug, Arbitrary)]
struct Rule<'a> {
    kind: u8,
    pattern: &'a str,
    pattern_hex: bool,
    reply: &'a str,
    reply_hex: bool,
}

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    cli_rule: &'a str,
    cli_hex: bool,
    rules: Vec<Rule<'a>>,
    reply: Option<(&'a str, bool)>,
    farewell: Option<(&'a str, bool)>,
    encoding: u8,
    message: &'a [u8],
}

/// A handful of rules is what people write; more only spends the run on
/// compiling regexes again.
const MAX_RULES: usize = 4;
/// The regexes a regex rule gets. Left to write its own, this target spent 80 % of
/// its time and most of its coverage inside the regex crate's compiler, which is
/// fuzzed on its own; these cover what our code does with one: valid and invalid,
/// over text or the HEX dump (where `(?i)` is added), anchored, matching empty.
const REGEXES: [&str; 10] = [
    "^01 03",
    "(?-i)^0a",
    "ping|pong",
    "^OK\\r?\\n?$",
    "\\d+",
    "^$",
    ".",
    "[",
    "(x",
    "\\p{Han}",
];

/// The pattern as the fuzzer wrote it, or for a regex one of [`REGEXES`] (an
/// empty one stays empty: compile must refuse it).
fn pattern(kind: MatchKind, written: &str) -> String {
    match kind {
        MatchKind::Regex if !written.is_empty() => {
            REGEXES[written.len() % REGEXES.len()].to_owned()
        }
        _ => written.to_owned(),
    }
}

fuzz_target!(|input: Input| {
    let encoding = TextEncoding::ALL[usize::from(input.encoding) % TextEncoding::ALL.len()];
    let mut rules = Vec::new();
    if let Some(mut rule) = parse_rule(input.cli_rule, input.cli_hex) {
        check_parsed(input.cli_rule, input.cli_hex, &rule);
        rule.pattern = pattern(rule.kind, &rule.pattern);
        rules.push(rule);
    }
    rules.extend(input.rules.iter().take(MAX_RULES).map(|rule| {
        let kind = MatchKind::ALL[usize::from(rule.kind) % MatchKind::ALL.len()];
        RuleSpec {
            kind,
            pattern: pattern(kind, rule.pattern),
            pattern_hex: rule.pattern_hex,
            reply: rule.reply.to_owned(),
            reply_hex: rule.reply_hex,
        }
    }));
    let (reply, reply_hex) = input.reply.unwrap_or_default();
    let (farewell, farewell_hex) = input.farewell.unwrap_or_default();
    let spec = AutoReplySpec {
        reply_enabled: input.reply.is_some(),
        reply: reply.to_owned(),
        reply_hex,
        farewell_enabled: input.farewell.is_some(),
        farewell: farewell.to_owned(),
        farewell_hex,
        rules,
        echo: false,
    };

    match AutoReply::compile(&spec, encoding) {
        Ok(auto) => check_answers(&auto, &spec, encoding, input.message),
        Err(error) => check_error(&error, &spec),
    }
});

fn kind_word(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Contains => "contains",
        MatchKind::StartsWith => "starts",
        MatchKind::Equals => "equals",
        MatchKind::Regex => "regex",
    }
}

/// What `parse_rule` accepted is what the user wrote, and writing it back parses
/// to the same rule.
fn check_parsed(spec: &str, hex: bool, rule: &RuleSpec) {
    assert!(!rule.reply.is_empty());
    assert!(
        !rule.pattern.contains("=>"),
        "the pattern ends at the first =>"
    );
    assert_eq!((rule.pattern_hex, rule.reply_hex), (hex, hex));
    assert!(spec.ends_with(&format!("{}=>{}", rule.pattern, rule.reply)));
    let printed = format!("{}:{}=>{}", kind_word(rule.kind), rule.pattern, rule.reply);
    assert_eq!(
        parse_rule(&printed, hex).as_ref(),
        Some(rule),
        "{printed:?}"
    );
}

fn bytes(text: &str, hex: bool, encoding: TextEncoding) -> Vec<u8> {
    let mode = if hex {
        PayloadMode::Hex
    } else {
        PayloadMode::Text
    };
    build_payload(text, mode, encoding, true).expect("compile accepted it")
}

fn check_answers(auto: &AutoReply, spec: &AutoReplySpec, encoding: TextEncoding, message: &[u8]) {
    let every = spec
        .reply_enabled
        .then(|| bytes(&spec.reply, spec.reply_hex, encoding));
    let farewell = spec
        .farewell_enabled
        .then(|| bytes(&spec.farewell, spec.farewell_hex, encoding));
    let replies: Vec<Vec<u8>> = spec
        .rules
        .iter()
        .map(|rule| {
            if rule.kind == MatchKind::Regex && rule.reply.contains("${") {
                Vec::new() // a template, filled per match
            } else {
                bytes(&rule.reply, rule.reply_hex, encoding)
            }
        })
        .collect();
    assert_eq!(auto.farewell(), farewell.as_deref());
    assert_eq!(
        auto.is_active(),
        every.is_some() || farewell.is_some() || !replies.is_empty()
    );

    // A regex rule whose reply has `${…}` answers with its captures filled in.
    let templated = spec
        .rules
        .iter()
        .any(|rule| rule.kind == MatchKind::Regex && rule.reply.contains("${"));
    match auto.reply_to(message).as_deref() {
        Some(_) if templated => {}
        Some(answer) => assert!(
            replies.iter().any(|reply| reply == answer) || every.as_deref() == Some(answer),
            "{answer:?} is no configured reply"
        ),
        // Without a match the fixed reply answers, if there is one.
        None => assert!(every.is_none()),
    }
    if spec.rules.is_empty() {
        assert_eq!(auto.reply_to(message).as_deref(), every.as_deref());
    }

    // The first rule is asked before any other, so a message that is exactly its
    // pattern gets its reply.
    if let (Some(first), Some(reply)) = (spec.rules.first(), replies.first())
        && let Some(own) = own_pattern_message(first, encoding)
    {
        assert_eq!(auto.reply_to(&own).as_deref(), Some(reply.as_slice()), "{first:?}");
    }
}

/// A message the rule must match, where one is easy to state.
fn own_pattern_message(rule: &RuleSpec, encoding: TextEncoding) -> Option<Vec<u8>> {
    match (rule.kind, rule.pattern_hex) {
        (MatchKind::Regex, _) => None,
        (_, true) => parse_hex(&rule.pattern).ok(),
        // "equals" ignores the line end a terminal adds, so such a pattern cannot equal.
        (MatchKind::Equals, false) if rule.pattern.ends_with(['\r', '\n']) => None,
        // Text patterns compare decoded text; the Unicode encodings decode their own
        // bytes back exactly (legacy ones need not: Shift_JIS U+2212 comes back U+FF0D).
        (_, false) => match encoding {
            TextEncoding::Utf8 | TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                encoding.encode(&rule.pattern).ok()
            }
            _ => None,
        },
    }
}

/// The error names a rule that exists and really has that problem.
fn check_error(error: &AutoReplyError, spec: &AutoReplySpec) {
    let rule = |number: usize| {
        assert!((1..=spec.rules.len()).contains(&number), "{error:?}");
        &spec.rules[number - 1]
    };
    match error {
        AutoReplyError::Reply(_) => assert!(spec.reply_enabled),
        AutoReplyError::Farewell(_) => assert!(spec.farewell_enabled),
        AutoReplyError::EmptyPattern { rule: number } => {
            let rule = rule(*number);
            // Empty as typed, or a HEX pattern of separators only: no bytes to look for.
            let no_bytes = rule.pattern_hex
                && rule.kind != MatchKind::Regex
                && parse_hex(&rule.pattern).is_ok_and(|bytes| bytes.is_empty());
            assert!(rule.pattern.is_empty() || no_bytes, "{rule:?}");
        }
        AutoReplyError::Pattern { rule: number, .. } => {
            let rule = rule(*number);
            assert!(rule.pattern_hex && rule.kind != MatchKind::Regex);
            assert!(parse_hex(&rule.pattern).is_err());
        }
        AutoReplyError::Regex { rule: number, .. } => {
            assert_eq!(rule(*number).kind, MatchKind::Regex);
        }
        AutoReplyError::RuleReply { rule: number, .. } => {
            rule(*number);
        }
    }
}

//! `netdbg relay --stdin`: each line typed on stdin is injected into a pair, to
//! the server or to the client, as the window's send box does:
//!
//! ```text
//! server 你好\r\n      → the newest open pair's server (client → server)
//! #2 client OK        → pair 2's client (server → client)
//! ```
//!
//! Messages are text in `--encoding` with `\r \n \t \\ \0 \xNN` escapes, or HEX
//! with `--hex`. A line that cannot be injected says why and the relay goes on.

use std::collections::BTreeSet;
use std::io::BufRead;

use crossbeam_channel::Receiver;
use serde_json::json;

use crate::codec::{PayloadMode, SendOptions, TextEncoding, build_message};
use crate::engine::{Direction, PairId, Relay};
use crate::i18n::{Describe, Lang};

use super::super::output::Printer;

/// Lines longer than this are refused (they would not be typed).
const MAX_LINE: usize = 1024 * 1024;

/// One typed line, understood.
#[derive(Debug, PartialEq, Eq)]
pub struct InjectLine<'a> {
    /// `None`: the newest open pair.
    pub pair: Option<PairId>,
    pub direction: Direction,
    pub message: &'a str,
}

/// `[#N] server|client MESSAGE` (also `s` / `c`); `None` when it is not that.
pub fn parse_line(line: &str) -> Option<InjectLine<'_>> {
    let line = line.trim_end_matches(['\r', '\n']);
    let (pair, rest) = match line.strip_prefix('#') {
        Some(numbered) => {
            let (number, rest) = numbered.split_once(' ')?;
            (Some(number.parse::<PairId>().ok()?), rest.trim_start())
        }
        None => (None, line.trim_start()),
    };
    let (word, message) = rest.split_once(' ').unwrap_or((rest, ""));
    let direction = match word.to_ascii_lowercase().as_str() {
        "server" | "s" => Direction::C2s,
        "client" | "c" => Direction::S2c,
        _ => return None,
    };
    Some(InjectLine {
        pair,
        direction,
        message,
    })
}

/// Reads stdin on a thread of its own; the channel closes at its end.
pub fn stdin_lines() -> Receiver<String> {
    let (tx, rx) = crossbeam_channel::bounded(16);
    let spawned = std::thread::Builder::new()
        .name("relay-stdin".to_owned())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut line = String::new();
            loop {
                line.clear();
                match stdin.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) if tx.send(line.clone()).is_err() => return,
                    Ok(_) => {}
                }
            }
        });
    if spawned.is_err() {
        return crossbeam_channel::never();
    }
    rx
}

/// Injects typed lines into the pairs it knows to be open.
pub struct Injector {
    pub open: BTreeSet<PairId>,
    pub encoding: TextEncoding,
    pub hex: bool,
}

impl Injector {
    pub fn inject(&self, relay: &Relay, line: &str, printer: &Printer) {
        let lang = printer.lang;
        if line.trim().is_empty() {
            return;
        }
        if let Err(message) = self.try_inject(relay, line, lang) {
            printer.event("error", json!({ "message": message }), &message);
        }
    }

    fn try_inject(&self, relay: &Relay, line: &str, lang: Lang) -> Result<(), String> {
        let texts = lang.texts();
        if line.len() > MAX_LINE {
            return Err(texts.relay_stdin_syntax());
        }
        let parsed = parse_line(line)
            .filter(|parsed| !parsed.message.is_empty())
            .ok_or_else(|| texts.relay_stdin_syntax())?;
        let pair = parsed
            .pair
            .or_else(|| self.open.last().copied())
            .ok_or_else(|| texts.relay().inject_no_pairs.to_owned())?;
        let options = SendOptions {
            mode: if self.hex {
                PayloadMode::Hex
            } else {
                PayloadMode::Text
            },
            escapes: true,
            ..SendOptions::default()
        };
        let bytes = build_message(parsed.message, &options, self.encoding)
            .map_err(|error| error.describe(lang))?;
        relay
            .inject(pair, parsed.direction, bytes)
            .map_err(|error| error.describe(lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_side_and_maybe_the_pair() {
        let line = parse_line("server 你好\\r\\n\n").expect("understood");
        assert_eq!(line.pair, None);
        assert_eq!(line.direction, Direction::C2s);
        assert_eq!(line.message, "你好\\r\\n");
        let line = parse_line("#12 c OK  two spaces").expect("understood");
        assert_eq!(line.pair, Some(12));
        assert_eq!(line.direction, Direction::S2c);
        assert_eq!(line.message, "OK  two spaces");
        assert_eq!(parse_line("CLIENT").map(|l| l.message), Some(""));
    }

    #[test]
    fn anything_else_is_not_understood() {
        for line in ["hello", "#x server hi", "#3", "# server hi", "srv hi", ""] {
            assert_eq!(parse_line(line), None, "{line:?}");
        }
    }
}

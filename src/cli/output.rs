//! How the CLI prints events: a line a human reads, or one JSON object per line.
//!
//! Everything printed goes through [`visible_text`] (human lines) or [`visible_json`]
//! (JSON lines) right before it is written, so no name, payload or message that a
//! peer made up can put a control or bidi character on the terminal, and every event
//! is exactly one line. JSON values keep the raw text: a script reading `"text"` or
//! `"name"` gets the bytes' decoding as it is, written with JSON's own escapes.

use std::io::Write;
use std::net::SocketAddr;
use std::time::SystemTime;

use chrono::{DateTime, Local};
use serde_json::{Value, json};

use crate::codec::{TextEncoding, format_hex, format_hex_compact, visible_json, visible_text};
use crate::engine::Skipped;
use crate::i18n::Lang;

pub struct Printer {
    pub json: bool,
    /// Show payloads as HEX instead of text in human-readable lines.
    pub hex: bool,
    pub lang: Lang,
    pub encoding: TextEncoding,
}

/// Extras on one payload line; the default adds nothing.
#[derive(Debug, Default)]
pub struct PayloadTag<'a> {
    /// Added to the JSON object, e.g. `{"client": 3, "auto": true}`.
    pub fields: Value,
    /// Shown in brackets before the payload in a human line, e.g. "auto".
    pub note: Option<&'a str>,
}

/// Which way a payload went.
#[derive(Debug, Clone, Copy)]
pub enum Flow {
    Received,
    Sent,
}

impl Printer {
    pub fn payload(&self, flow: Flow, peer: SocketAddr, data: &[u8], at: SystemTime) {
        let (text, used) = self.encoding.decode_telling(data);
        self.stream_payload(flow, peer, data, (&text, used), at);
    }

    /// Like [`Self::payload`], with `text` already decoded (by a stream's own
    /// decoder) as `used` (for Auto: what it picked).
    pub fn stream_payload(
        &self,
        flow: Flow,
        peer: SocketAddr,
        data: &[u8],
        text: (&str, TextEncoding),
        at: SystemTime,
    ) {
        self.tagged_payload(flow, peer, data, text, at, PayloadTag::default());
    }

    /// Like [`Self::stream_payload`], with what a server adds: which client, and
    /// whether the engine answered by itself.
    pub fn tagged_payload(
        &self,
        flow: Flow,
        peer: SocketAddr,
        data: &[u8],
        (text, used): (&str, TextEncoding),
        at: SystemTime,
        tag: PayloadTag<'_>,
    ) {
        let time: DateTime<Local> = at.into();
        // Auto's choice matters (and is shown) only for bytes that are not ASCII.
        let picked = (self.encoding == TextEncoding::Auto && !(data.is_ascii() && text.is_ascii()))
            .then_some(used);
        if self.json {
            let event = match flow {
                Flow::Received => "received",
                Flow::Sent => "sent",
            };
            let mut object = json!({
                "event": event,
                "peer": peer.to_string(),
                "len": data.len(),
                "hex": format_hex_compact(data),
                "text": text,
                "encoding": used.label(),
                "time": time.to_rfc3339(),
            });
            if let (Some(target), Value::Object(extra)) = (object.as_object_mut(), tag.fields) {
                target.extend(extra);
            }
            self.emit_json(object);
            return;
        }
        let texts = self.lang.texts();
        let direction = match flow {
            Flow::Received => texts.rx,
            Flow::Sent => texts.tx,
        };
        // Escaped with the rest of the line in `emit_line`.
        let hex;
        let shown = if self.hex {
            hex = format_hex(data);
            &hex
        } else {
            text
        };
        let note: String = tag
            .note
            .into_iter()
            .chain(picked.map(TextEncoding::label))
            .map(|note| format!(" [{note}]"))
            .collect();
        self.emit_line(&format!(
            "{} {direction} {peer} {} {}{note} | {shown}",
            time.format("%H:%M:%S%.3f"),
            data.len(),
            texts.bytes
        ));
    }

    /// Payloads that arrived while stdout was behind and were only counted
    /// (`datagrams`: UDP's, else TCP reads).
    pub fn skipped(&self, skipped: Skipped, datagrams: bool) {
        self.event(
            "skipped",
            json!({ "count": skipped.messages, "bytes": skipped.bytes }),
            &self.lang.texts().not_printed(skipped, datagrams),
        );
    }

    /// A non-payload event: `fields` go to JSON as they are, `line` to humans.
    pub fn event(&self, name: &str, fields: Value, line: &str) {
        if self.json {
            let mut object = json!({ "event": name });
            if let (Some(target), Value::Object(extra)) = (object.as_object_mut(), fields) {
                target.extend(extra);
            }
            self.emit_json(object);
        } else {
            self.emit_line(line);
        }
    }

    fn emit_json(&self, value: Value) {
        write_line(&visible_json(&value.to_string()));
    }

    fn emit_line(&self, line: &str) {
        write_line(&visible_text(line));
    }
}

fn write_line(line: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not worth a panic; the next event ends the run anyway.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

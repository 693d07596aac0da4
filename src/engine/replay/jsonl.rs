//! netdbg's own capture: one JSON object per line. Data records
//! `{"time","dir":"rx"|"tx","peer","len","hex"}`, optionally with `proto`, `local`
//! and `note`; lifecycle records (`"event": "open"…`) and fields we do not know
//! are passed over, so captures from newer versions still replay.

use std::io::{BufRead, Read};
use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;

use super::capture::{
    Builder, Capture, CaptureFormat, Conversation, Key, Proto, Record, unreadable,
};
use super::error::{CaptureError, LineProblem, Place};
use crate::codec::parse_hex;

/// A line longer than this is not a record: 64 KiB of payload is 128 KiB of HEX.
const MAX_LINE: usize = 1024 * 1024;

#[derive(Deserialize)]
struct Line {
    time: Option<String>,
    dir: Option<String>,
    peer: Option<String>,
    len: Option<u64>,
    hex: Option<String>,
    proto: Option<String>,
    local: Option<String>,
    event: Option<serde_json::Value>,
}

pub(super) fn read(reader: impl Read, path: &Path) -> Result<Capture, CaptureError> {
    let mut reader = std::io::BufReader::new(reader);
    let mut builder = Builder::new(CaptureFormat::JsonLines);
    let mut buf = Vec::new();
    let mut number = 0u64;
    loop {
        buf.clear();
        let got = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|err| unreadable(path, &err))?;
        if got == 0 {
            break;
        }
        number += 1;
        let bad = |problem| CaptureError::Line {
            line: number,
            problem,
        };
        let ended = buf.last() == Some(&b'\n');
        if !ended && buf.len() > MAX_LINE {
            return Err(bad(LineProblem::TooLong { max: MAX_LINE }));
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line: Line = serde_json::from_slice(&buf).map_err(|err| {
            bad(if err.is_eof() && !ended {
                LineProblem::CutShort
            } else {
                LineProblem::NotJson {
                    message: err.to_string(),
                }
            })
        })?;
        if line.event.is_some() {
            continue;
        }
        match record(&mut builder, line).map_err(bad)? {
            Some(record) => builder.push(record, Place::Line(number))?,
            None => builder.skip(),
        }
    }
    Ok(builder.finish())
}

/// The line's record; `None` when it belongs to one conversation too many.
fn record(builder: &mut Builder, line: Line) -> Result<Option<Record>, LineProblem> {
    let time = line.time.ok_or(LineProblem::Missing { field: "time" })?;
    let at_ns = chrono::DateTime::parse_from_rfc3339(&time)
        .ok()
        .and_then(|at| at.timestamp_nanos_opt())
        .ok_or(LineProblem::Invalid {
            field: "time",
            value: time.clone(),
        })?;
    let dir = line.dir.ok_or(LineProblem::Missing { field: "dir" })?;
    let from_initiator = match dir.as_str() {
        "tx" => true,
        "rx" => false,
        _ => {
            return Err(LineProblem::Invalid {
                field: "dir",
                value: dir,
            });
        }
    };
    let peer = address(line.peer, "peer")?.ok_or(LineProblem::Missing { field: "peer" })?;
    let local = address(line.local, "local")?;
    let proto = match line.proto.as_deref() {
        None => None,
        Some("tcp") => Some(Proto::Tcp),
        Some("udp") => Some(Proto::Udp),
        Some(other) => {
            return Err(LineProblem::Invalid {
                field: "proto",
                value: other.to_owned(),
            });
        }
    };
    let hex = line.hex.ok_or(LineProblem::Missing { field: "hex" })?;
    let data = parse_hex(&hex).map_err(|_| LineProblem::Invalid {
        field: "hex",
        value: cut(&hex),
    })?;
    if let Some(len) = line.len
        && len != data.len() as u64
    {
        return Err(LineProblem::LengthMismatch {
            len,
            actual: data.len() as u64,
        });
    }
    // Our side is one endpoint, so the peer alone names the conversation; its
    // first record says what else is known.
    let conversation = builder.conversation(Key::Peer(peer), || Conversation {
        proto,
        initiator: local,
        responder: peer,
        messages: 0,
    });
    Ok(conversation.map(|conversation| Record {
        at_ns,
        conversation,
        from_initiator,
        data,
    }))
}

fn address(text: Option<String>, field: &'static str) -> Result<Option<SocketAddr>, LineProblem> {
    text.map(|text| {
        text.parse().map_err(|_| LineProblem::Invalid {
            field,
            value: cut(&text),
        })
    })
    .transpose()
}

/// A bad value as quoted in a message: its first 40 characters.
fn cut(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

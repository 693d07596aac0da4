//! netdbg's own capture: one JSON object per line, read by the capture's
//! [`JsonLinesReader`]. Data records are replayed; lifecycle records (`"event":
//! "open"…`, even kinds this version does not know) and fields we do not know are
//! passed over, so captures from newer versions still replay. `proto` and `local`
//! are optional: older captures lack them.

use std::io::{BufReader, Read};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::capture::{
    Builder, Capture, CaptureFormat, Conversation, Key, Proto, Record, unreadable,
};
use super::error::{CaptureError, Place};
use crate::engine::capture::{
    CaptureDirection, CaptureFileProblem, CaptureProto, ConvertDefaults, JsonLinesReader,
    OwnedCaptured, ReadFailure,
};

pub(super) fn read(reader: impl Read, path: &Path) -> Result<Capture, CaptureError> {
    let mut lines = JsonLinesReader::new(BufReader::new(reader), ConvertDefaults::default());
    let mut builder = Builder::new(CaptureFormat::JsonLines);
    loop {
        let written = match lines.next_as_written() {
            Ok(Some(written)) => written,
            Ok(None) => break,
            Err(ReadFailure::Io(err)) => return Err(unreadable(path, &err)),
            // A lifecycle record of a kind this version does not know.
            Err(ReadFailure::Line(
                _,
                CaptureFileProblem::Bad {
                    field: "event" | "by",
                    ..
                },
            )) => {
                continue;
            }
            Err(ReadFailure::Line(line, problem)) => {
                return Err(CaptureError::Line { line, problem });
            }
        };
        let OwnedCaptured::Data { direction, data } = written.what else {
            continue;
        };
        let proto = written.proto.map(|proto| match proto {
            CaptureProto::Tcp => Proto::Tcp,
            CaptureProto::Udp => Proto::Udp,
        });
        // Our side is one endpoint, so the peer alone names the conversation; its
        // first record says what else is known.
        let peer = written.peer;
        let conversation = builder.conversation(Key::Peer(peer), || Conversation {
            proto,
            initiator: written.local,
            responder: peer,
            messages: 0,
        });
        let Some(conversation) = conversation else {
            builder.skip();
            continue;
        };
        let record = Record {
            at_ns: nanos_since_1970(written.at),
            conversation,
            from_initiator: direction == CaptureDirection::Tx,
            data,
        };
        builder.push(record, Place::Line(lines.line_number()))?;
    }
    Ok(builder.finish())
}

/// The reader refuses times before 1970 or past what nanoseconds in an `i64` hold.
fn nanos_since_1970(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|since| i64::try_from(since.as_nanos()).ok())
        .unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_records_big_writes_and_unknown_events_replay() {
        let peer = "127.0.0.1:5000";
        // A 600 KiB TCP read is 1.2 MiB of hex: more than one line held before.
        let big = vec![0xabu8; 600 * 1024];
        let text = format!(
            "{}\n{}\n{}\n{}\n",
            format_args!(
                r#"{{"time":"2026-11-25T18:00:00+08:00","event":"half-close","peer":"{peer}"}}"#
            ),
            format_args!(
                r#"{{"time":"2026-11-25T18:00:00.5+08:00","dir":"tx","peer":"{peer}","len":1,"hex":"41"}}"#
            ),
            format_args!(
                r#"{{"time":"2026-11-25T18:00:01+08:00","event":"open","proto":"tcp","local":"127.0.0.1:7788","peer":"{peer}"}}"#
            ),
            format_args!(
                r#"{{"time":"2026-11-25T18:00:02+08:00","dir":"rx","peer":"{peer}","len":{},"hex":"{}"}}"#,
                big.len(),
                crate::codec::format_hex_compact(&big)
            ),
        );
        let capture = read(text.as_bytes(), Path::new("test.jsonl")).expect("replayable");
        assert_eq!(capture.records.len(), 2);
        assert!(capture.records[0].from_initiator);
        assert_eq!(capture.records[1].data, big);
        assert_eq!(
            capture.records[1].at_ns - capture.records[0].at_ns,
            1_500_000_000
        );
        assert_eq!(capture.conversations[0].proto, None);
    }
}

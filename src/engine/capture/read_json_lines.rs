//! Reading a JSON-lines capture back, one line at a time (memory bounded by
//! [`MAX_LINE`] whatever the file holds). Each line must be a record netdbg
//! writes (see the [module docs](super)); the first one that is not stops the
//! reading with its 1-based number and what is wrong with it.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use serde::Deserialize;

use super::record::{
    CaptureDirection, CaptureEnds, CaptureItem, CaptureProto, CaptureSide, Captured,
    ConnectionEvent,
};
use crate::codec::parse_hex_compact;

/// The longest line read: a 32 MiB write as hex, and its other fields.
pub const MAX_LINE: usize = 64 * 1024 * 1024 + 4096;
/// How much of a bad value an error quotes.
const QUOTED: usize = 40;

/// What to assume for the fields a capture taken by an older netdbg lacks.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConvertDefaults {
    pub proto: Option<CaptureProto>,
    pub local: Option<SocketAddr>,
}

/// What is wrong with one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureFileProblem {
    TooLong {
        max: usize,
    },
    NotText,
    NotJson,
    /// The JSON ends early: the file was cut off.
    Truncated,
    /// JSON, but not an object of netdbg's fields.
    NotARecord,
    Missing {
        field: &'static str,
    },
    Bad {
        field: &'static str,
        value: String,
    },
    /// `hex` does not hold `len` bytes (the line was cut off, or edited).
    LenMismatch {
        len: u64,
        bytes: usize,
    },
    /// A data record without `proto`, and none given.
    NoProto,
    /// A data record without `local`, and none given.
    NoLocal,
}

#[derive(Debug)]
pub enum CaptureFileError {
    /// The input could not be opened, or is not a regular file.
    Open {
        path: String,
        message: String,
    },
    Read {
        path: String,
        message: String,
    },
    Line {
        path: String,
        line: u64,
        problem: CaptureFileProblem,
    },
    /// The output could not be created, or is the input itself.
    Create {
        path: String,
        message: String,
    },
    SameFile {
        path: String,
    },
    Write {
        path: String,
        message: String,
    },
}

impl std::error::Error for CaptureFileError {}

impl CaptureFileError {
    /// The user's to fix (a wrong file or path), not the disk failing midway.
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            CaptureFileError::Read { .. } | CaptureFileError::Write { .. }
        )
    }
}

/// One record read from a file.
#[derive(Debug, Clone)]
pub struct OwnedRecord {
    pub at: SystemTime,
    pub ends: CaptureEnds,
    pub what: OwnedCaptured,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub enum OwnedCaptured {
    Data {
        direction: CaptureDirection,
        data: Vec<u8>,
    },
    Connection {
        event: ConnectionEvent,
        by: Option<CaptureSide>,
    },
}

impl OwnedRecord {
    pub fn item(&self) -> CaptureItem<'_> {
        let what = match &self.what {
            OwnedCaptured::Data { direction, data } => Captured::Data {
                direction: *direction,
                data,
            },
            OwnedCaptured::Connection { event, by } => Captured::Connection {
                event: *event,
                by: *by,
            },
        };
        CaptureItem {
            at: self.at,
            ends: self.ends,
            what,
            note: self.note.as_deref(),
        }
    }
}

pub struct JsonLinesReader<R: BufRead> {
    reader: R,
    defaults: ConvertDefaults,
    line: Vec<u8>,
    number: u64,
}

impl<R: BufRead> JsonLinesReader<R> {
    pub fn new(reader: R, defaults: ConvertDefaults) -> Self {
        JsonLinesReader {
            reader,
            defaults,
            line: Vec::new(),
            number: 0,
        }
    }

    /// The next record; `Ok(None)` at the end. Blank lines are skipped.
    /// `Err((line, problem))` for a bad line; an `io::Error` is the disk's.
    pub fn next_record(&mut self) -> Result<Option<OwnedRecord>, ReadFailure> {
        let Some(written) = self.next_as_written()? else {
            return Ok(None);
        };
        written
            .with_defaults(self.defaults)
            .map(Some)
            .map_err(|problem| ReadFailure::Line(self.number, problem))
    }

    /// The next record as the line has it, without the defaults: replay reads
    /// captures whose records do not say their protocol or local address.
    pub fn next_as_written(&mut self) -> Result<Option<WrittenRecord>, ReadFailure> {
        loop {
            self.line.clear();
            let limit = MAX_LINE as u64 + 1;
            let read = (&mut self.reader)
                .take(limit)
                .read_until(b'\n', &mut self.line)
                .map_err(ReadFailure::Io)?;
            if read == 0 {
                return Ok(None);
            }
            self.number += 1;
            let bad = |problem| ReadFailure::Line(self.number, problem);
            if self.line.len() > MAX_LINE {
                return Err(bad(CaptureFileProblem::TooLong { max: MAX_LINE }));
            }
            let Ok(text) = std::str::from_utf8(&self.line) else {
                return Err(bad(CaptureFileProblem::NotText));
            };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            return parse_record(text).map(Some).map_err(bad);
        }
    }

    /// The 1-based number of the line read last.
    pub fn line_number(&self) -> u64 {
        self.number
    }
}

/// A record as written: captures by older netdbg lack `proto` and `local`.
#[derive(Debug, Clone)]
pub struct WrittenRecord {
    pub at: SystemTime,
    pub peer: SocketAddr,
    pub proto: Option<CaptureProto>,
    pub local: Option<SocketAddr>,
    pub what: OwnedCaptured,
    pub note: Option<String>,
}

impl WrittenRecord {
    fn with_defaults(self, defaults: ConvertDefaults) -> Result<OwnedRecord, CaptureFileProblem> {
        let proto = match self.what {
            // Only TCP connections open and close.
            OwnedCaptured::Connection { .. } => Some(self.proto.unwrap_or(CaptureProto::Tcp)),
            OwnedCaptured::Data { .. } => self.proto.or(defaults.proto),
        };
        let proto = proto.ok_or(CaptureFileProblem::NoProto)?;
        let local = self
            .local
            .or(defaults.local)
            .ok_or(CaptureFileProblem::NoLocal)?;
        Ok(OwnedRecord {
            at: self.at,
            ends: CaptureEnds {
                proto,
                local,
                peer: self.peer,
            },
            what: self.what,
            note: self.note,
        })
    }
}

/// Why reading stopped early.
#[derive(Debug)]
pub enum ReadFailure {
    Io(io::Error),
    Line(u64, CaptureFileProblem),
}

/// A line as JSON; strings borrowed where netdbg never escapes anything.
#[derive(Deserialize)]
struct RawRecord<'a> {
    time: Option<&'a str>,
    dir: Option<&'a str>,
    peer: Option<&'a str>,
    len: Option<u64>,
    hex: Option<&'a str>,
    proto: Option<&'a str>,
    local: Option<&'a str>,
    event: Option<&'a str>,
    by: Option<&'a str>,
    #[serde(borrow)]
    note: Option<Cow<'a, str>>,
}

fn parse_record(text: &str) -> Result<WrittenRecord, CaptureFileProblem> {
    let raw: RawRecord<'_> = serde_json::from_str(text).map_err(|err| match err.classify() {
        serde_json::error::Category::Eof => CaptureFileProblem::Truncated,
        serde_json::error::Category::Data => CaptureFileProblem::NotARecord,
        _ => CaptureFileProblem::NotJson,
    })?;
    let time = required("time", raw.time)?;
    let at = parse_time(time).ok_or_else(|| bad("time", time))?;
    let peer = address("peer", required("peer", raw.peer)?)?;
    let proto = raw
        .proto
        .map(|proto| match proto {
            "udp" => Ok(CaptureProto::Udp),
            "tcp" => Ok(CaptureProto::Tcp),
            other => Err(bad("proto", other)),
        })
        .transpose()?;
    let local = raw.local.map(|local| address("local", local)).transpose()?;
    let what = match raw.event {
        Some(event) => connection(event, raw.by)?,
        None => data(&raw)?,
    };
    Ok(WrittenRecord {
        at,
        peer,
        proto,
        local,
        what,
        note: raw.note.map(Cow::into_owned),
    })
}

fn connection(event: &str, by: Option<&str>) -> Result<OwnedCaptured, CaptureFileProblem> {
    let event = match event {
        "open" => ConnectionEvent::Open,
        "close" => ConnectionEvent::Close,
        "reset" => ConnectionEvent::Reset,
        other => return Err(bad("event", other)),
    };
    let by = by
        .map(|by| match by {
            "local" => Ok(CaptureSide::Local),
            "peer" => Ok(CaptureSide::Peer),
            other => Err(bad("by", other)),
        })
        .transpose()?;
    Ok(OwnedCaptured::Connection { event, by })
}

fn data(raw: &RawRecord<'_>) -> Result<OwnedCaptured, CaptureFileProblem> {
    let direction = match required("dir", raw.dir)? {
        "rx" => CaptureDirection::Rx,
        "tx" => CaptureDirection::Tx,
        other => return Err(bad("dir", other)),
    };
    let len = raw
        .len
        .ok_or(CaptureFileProblem::Missing { field: "len" })?;
    let hex = required("hex", raw.hex)?;
    let data = parse_hex_compact(hex).ok_or_else(|| {
        if hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            // Whole digits, but an odd count: cut off mid-byte.
            CaptureFileProblem::LenMismatch {
                len,
                bytes: hex.len() / 2,
            }
        } else {
            bad("hex", hex)
        }
    })?;
    if data.len() as u64 != len {
        return Err(CaptureFileProblem::LenMismatch {
            len,
            bytes: data.len(),
        });
    }
    Ok(OwnedCaptured::Data { direction, data })
}

fn required<'a>(
    field: &'static str,
    value: Option<&'a str>,
) -> Result<&'a str, CaptureFileProblem> {
    value.ok_or(CaptureFileProblem::Missing { field })
}

fn address(field: &'static str, text: &str) -> Result<SocketAddr, CaptureFileProblem> {
    text.parse().map_err(|_| bad(field, text))
}

fn bad(field: &'static str, value: &str) -> CaptureFileProblem {
    let mut quoted: String = value.chars().take(QUOTED).collect();
    if quoted.len() < value.len() {
        quoted.push('…');
    }
    CaptureFileProblem::Bad {
        field,
        value: quoted,
    }
}

fn parse_time(text: &str) -> Option<SystemTime> {
    let time = chrono::DateTime::parse_from_rfc3339(text).ok()?;
    // Replay counts in nanoseconds since 1970: up to the year 2262.
    time.timestamp_nanos_opt()?;
    let secs = u64::try_from(time.timestamp()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, time.timestamp_subsec_nanos()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(
        text: &str,
        defaults: ConvertDefaults,
    ) -> Result<Vec<OwnedRecord>, (u64, CaptureFileProblem)> {
        let mut reader = JsonLinesReader::new(text.as_bytes(), defaults);
        let mut records = Vec::new();
        loop {
            match reader.next_record() {
                Ok(Some(record)) => records.push(record),
                Ok(None) => return Ok(records),
                Err(ReadFailure::Line(line, problem)) => return Err((line, problem)),
                Err(ReadFailure::Io(err)) => panic!("{err}"),
            }
        }
    }

    const DATA: &str = r#"{"time":"2026-11-25T18:00:00.123456+08:00","dir":"rx","peer":"127.0.0.1:5000","len":2,"hex":"6869","proto":"tcp","local":"127.0.0.1:7788"}"#;

    #[test]
    fn records_of_both_kinds_read_back() {
        let text = format!(
            "{}\n\n{DATA}\n{}\n",
            r#"{"time":"2026-11-25T18:00:00+08:00","event":"open","proto":"tcp","local":"127.0.0.1:7788","peer":"127.0.0.1:5000","by":"peer","note":"a \"quoted\" note"}"#,
            r#"{"time":"2026-11-25T18:00:01+08:00","event":"reset","local":"127.0.0.1:7788","peer":"127.0.0.1:5000"}"#
        );
        let records = read_all(&text, ConvertDefaults::default()).expect("read");
        assert_eq!(records.len(), 3);
        assert!(matches!(
            records[0].what,
            OwnedCaptured::Connection {
                event: ConnectionEvent::Open,
                by: Some(CaptureSide::Peer)
            }
        ));
        assert_eq!(records[0].note.as_deref(), Some("a \"quoted\" note"));
        let OwnedCaptured::Data { direction, data } = &records[1].what else {
            panic!("not data");
        };
        assert_eq!(
            (*direction, data.as_slice()),
            (CaptureDirection::Rx, &b"hi"[..])
        );
        assert_eq!(
            records[1].ends.local,
            "127.0.0.1:7788".parse().expect("addr")
        );
        assert_eq!(records[2].ends.proto, CaptureProto::Tcp);
    }

    #[test]
    fn each_bad_line_says_its_number_and_what_is_wrong() {
        let cases: &[(&str, CaptureFileProblem)] = &[
            ("hello", CaptureFileProblem::NotJson),
            (
                r#"{"time":"2026-11-25T18:00:00+08:00","dir":"rx""#,
                CaptureFileProblem::Truncated,
            ),
            ("[1,2]", CaptureFileProblem::NotARecord),
            (
                r#"{"time":"2026-11-25T18:00:00+08:00","dir":"rx","peer":"127.0.0.1:1","len":3,"hex":"68696","proto":"udp","local":"127.0.0.1:2"}"#,
                CaptureFileProblem::LenMismatch { len: 3, bytes: 2 },
            ),
            (
                r#"{"time":"2026-11-25T18:00:00+08:00","dir":"rx","peer":"127.0.0.1:1","len":1,"hex":"zz","proto":"udp","local":"127.0.0.1:2"}"#,
                CaptureFileProblem::Bad {
                    field: "hex",
                    value: "zz".into(),
                },
            ),
            (
                r#"{"time":"yesterday","dir":"rx","peer":"127.0.0.1:1","len":0,"hex":""}"#,
                CaptureFileProblem::Bad {
                    field: "time",
                    value: "yesterday".into(),
                },
            ),
            (
                r#"{"time":"2026-11-25T18:00:00+08:00","dir":"rx","peer":"127.0.0.1:1","len":0,"hex":""}"#,
                CaptureFileProblem::NoProto,
            ),
            (
                r#"{"time":"2026-11-25T18:00:00+08:00","dir":"rx","len":0,"hex":""}"#,
                CaptureFileProblem::Missing { field: "peer" },
            ),
        ];
        for (line, problem) in cases {
            let text = format!("{DATA}\n{line}\n{DATA}\n");
            assert_eq!(
                read_all(&text, ConvertDefaults::default()).err(),
                Some((2, problem.clone())),
                "{line}"
            );
        }
    }

    #[test]
    fn an_old_record_takes_the_defaults_given() {
        let old = r#"{"time":"2026-11-25T18:00:00+08:00","dir":"tx","peer":"127.0.0.1:1","len":1,"hex":"41"}"#;
        assert_eq!(
            read_all(
                old,
                ConvertDefaults {
                    proto: Some(CaptureProto::Udp),
                    local: None
                }
            )
            .err(),
            Some((1, CaptureFileProblem::NoLocal))
        );
        let defaults = ConvertDefaults {
            proto: Some(CaptureProto::Udp),
            local: Some("10.0.0.1:9".parse().expect("addr")),
        };
        let records = read_all(old, defaults).expect("read");
        assert_eq!(records[0].ends.proto, CaptureProto::Udp);
        assert_eq!(records[0].ends.local, "10.0.0.1:9".parse().expect("addr"));
    }
}

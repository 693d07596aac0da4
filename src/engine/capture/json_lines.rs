//! The JSON-lines capture format: one object per line, data records first with
//! the fields netdbg always wrote, then the optional ones (see the
//! [module docs](super) for the schema).

use std::io::{self, Write};

use chrono::{DateTime, Local};

use super::record::{CaptureItem, Captured};
use crate::codec::format_hex_compact;

pub struct JsonLinesWriter<W: Write> {
    out: W,
}

impl<W: Write> JsonLinesWriter<W> {
    pub fn new(out: W) -> Self {
        JsonLinesWriter { out }
    }

    pub fn write(&mut self, item: &CaptureItem<'_>) -> io::Result<()> {
        let time: DateTime<Local> = item.at.into();
        let time = time.format("%Y-%m-%dT%H:%M:%S%.6f%:z");
        let ends = &item.ends;
        match item.what {
            Captured::Data { direction, data } => write!(
                self.out,
                r#"{{"time":"{time}","dir":"{}","peer":"{}","len":{},"hex":"{}","proto":"{}","local":"{}""#,
                direction.label(),
                ends.peer,
                data.len(),
                format_hex_compact(data),
                ends.proto.label(),
                ends.local,
            )?,
            Captured::Connection { event, by } => {
                write!(
                    self.out,
                    r#"{{"time":"{time}","event":"{}","proto":"{}","local":"{}","peer":"{}""#,
                    event.label(),
                    ends.proto.label(),
                    ends.local,
                    ends.peer,
                )?;
                if let Some(by) = by {
                    write!(self.out, r#","by":"{}""#, by.label())?;
                }
            }
        }
        if let Some(note) = item.note {
            let note = serde_json::to_string(note).map_err(io::Error::other)?;
            write!(self.out, r#","note":{note}"#)?;
        }
        self.out.write_all(b"}\n")
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

//! Continuous capture to a file, written by a thread of its own: every byte
//! received and sent, with its time and both ends, whatever the display keeps or
//! drops. Lossless and bounded: the queue to the writer is bounded in bytes by a
//! waiting [`Flow`], so a worker whose traffic outruns the disk waits for it.
//!
//! A path ending in `.pcapng` (any case) gets pcapng with synthesized headers,
//! for Wireshark ([`pcapng`]); any other, JSON lines, one object per line. A data
//! record (the first five fields are those netdbg always wrote; `proto` and
//! `local` came with pcapng, and older files lack them):
//! `{"time":"2026-11-25T18:00:00.123456+08:00","dir":"rx","peer":"127.0.0.1:5000","len":5,"hex":"68656c6c6f","proto":"tcp","local":"127.0.0.1:7788"}`
//! and, for TCP, how each connection began and ended (no `dir`, `len` or `hex`):
//! `{"time":"…","event":"open","proto":"tcp","local":"127.0.0.1:7788","peer":"127.0.0.1:5000","by":"peer"}`
//! where `event` is `open`, `close` (FINs) or `reset`, and `by` says which end
//! connected, closed first or reset. Any record may end with a `"note"`: why
//! netdbg sent it or what happened to it (`auto-reply`, `injected`, `fault: …`).

mod convert;
mod json_lines;
mod packet;
mod pcapng;
mod read_json_lines;
mod record;

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::thread::{self, JoinHandle};
use std::time::SystemTime;

use crossbeam_channel::Sender;

use super::EngineError;
use super::flow::{Admission, Flow, FlowConfig, Payload, Way};
pub use convert::{ConvertSummary, convert_to_pcapng};
pub use json_lines::JsonLinesWriter;
pub use pcapng::{INTERFACE_NAME, PcapNgCaptureWriter};
pub use read_json_lines::{
    CaptureFileError, CaptureFileProblem, ConvertDefaults, JsonLinesReader, MAX_LINE,
    OwnedCaptured, OwnedRecord, ReadFailure,
};
pub use record::{
    CaptureDirection, CaptureEnds, CaptureItem, CaptureProto, CaptureSide, Captured,
    ConnectionEvent, notes,
};

/// What a capture file holds, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureFormat {
    JsonLines,
    PcapNg,
}

impl CaptureFormat {
    pub fn for_path(path: &Path) -> Self {
        let pcapng = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("pcapng"));
        if pcapng {
            CaptureFormat::PcapNg
        } else {
            CaptureFormat::JsonLines
        }
    }
}

struct Record {
    at: SystemTime,
    ends: CaptureEnds,
    kind: RecordKind,
    /// Holds its share of the queue's budget until written (empty for an event).
    data: Payload,
    note: Option<Cow<'static, str>>,
}

enum RecordKind {
    Data(CaptureDirection),
    Connection(ConnectionEvent, CaptureSide),
}

impl Record {
    fn item(&self) -> CaptureItem<'_> {
        let what = match self.kind {
            RecordKind::Data(direction) => Captured::Data {
                direction,
                data: &self.data,
            },
            RecordKind::Connection(event, by) => Captured::Connection {
                event,
                by: Some(by),
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

/// Where workers hand their traffic; cheap to clone.
#[derive(Clone)]
pub struct CaptureSink {
    records: Sender<Record>,
    queue: Flow,
}

impl CaptureSink {
    /// Queues a copy of `data` for the writer, waiting while the queue is full.
    fn record(
        &self,
        direction: CaptureDirection,
        ends: CaptureEnds,
        data: &[u8],
        note: Option<Cow<'static, str>>,
    ) {
        self.queue(RecordKind::Data(direction), ends, data, note);
    }

    fn queue(
        &self,
        kind: RecordKind,
        ends: CaptureEnds,
        data: &[u8],
        note: Option<Cow<'static, str>>,
    ) {
        let Admission::Report { payload, .. } = self.queue.admit(Way::Received, data) else {
            // Only a closed queue skips: the capture has ended.
            return;
        };
        // A writer that stopped (disk error) has said so already; the traffic goes on.
        // Its channel then drops what it is sent, so the budget cannot fill up.
        let _ = self.records.send(Record {
            at: SystemTime::now(),
            ends,
            kind,
            data: payload,
            note,
        });
    }
}

/// The capture an endpoint writes to, if any; switched while it runs.
#[derive(Clone, Default)]
pub struct CaptureSlot {
    sink: Arc<RwLock<Option<CaptureSink>>>,
    /// Held by a sending thread from the send until its record is made, so the
    /// reply another thread receives meanwhile is recorded after it.
    order: Arc<Mutex<()>>,
}

impl CaptureSlot {
    /// While capturing, a guard that keeps a send and its record together
    /// (take it before the send, and in the receiving thread before recording).
    pub fn hold(&self) -> Option<MutexGuard<'_, ()>> {
        let active = match self.sink.read() {
            Ok(slot) => slot.is_some(),
            Err(poisoned) => poisoned.into_inner().is_some(),
        };
        active.then(|| {
            self.order
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        })
    }

    pub fn set(&self, sink: Option<CaptureSink>) {
        match self.sink.write() {
            Ok(mut slot) => *slot = sink,
            Err(poisoned) => *poisoned.into_inner() = sink,
        }
    }

    pub fn record(&self, direction: CaptureDirection, ends: CaptureEnds, data: &[u8]) {
        self.record_noted(direction, ends, data, None);
    }

    /// [`record`](Self::record) with why it was sent or what happened to it.
    pub fn record_noted(
        &self,
        direction: CaptureDirection,
        ends: CaptureEnds,
        data: &[u8],
        note: Option<Cow<'static, str>>,
    ) {
        if let Some(sink) = self.current() {
            sink.record(direction, ends, data, note);
        }
    }

    /// A TCP connection opened, closed or was reset.
    pub fn connection(
        &self,
        event: ConnectionEvent,
        by: CaptureSide,
        ends: CaptureEnds,
        note: Option<Cow<'static, str>>,
    ) {
        if let Some(sink) = self.current() {
            sink.queue(RecordKind::Connection(event, by), ends, &[], note);
        }
    }

    fn current(&self) -> Option<CaptureSink> {
        // A copy of the sink, and the lock let go: recording may wait for a slow
        // disk, and switching the capture (the window's thread) must never wait.
        match self.sink.read() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// An open capture file and its writer thread.
pub struct Capture {
    sink: Option<CaptureSink>,
    path: PathBuf,
    written: Arc<AtomicU64>,
    writer: Option<JoinHandle<io::Result<()>>>,
}

impl Capture {
    /// Creates (or truncates) the file; failing here is the user's to fix.
    pub fn create(path: &Path) -> Result<Self, EngineError> {
        Self::open(path, false)
    }

    /// Like [`create`](Self::create), for a window: the writer thread runs below
    /// normal priority, like the window's TCP workers (see
    /// [`priority`](super::priority)), so that hex-formatting a flood does not
    /// keep the window's thread from the CPU. Reading waits for it all the same.
    pub fn create_background(path: &Path) -> Result<Self, EngineError> {
        Self::open(path, true)
    }

    fn open(path: &Path, background: bool) -> Result<Self, EngineError> {
        let failed = |err: io::Error| EngineError::CaptureFailed {
            path: path.display().to_string(),
            message: err.to_string(),
        };
        let file = File::create(path).map_err(failed)?;
        let out = BufWriter::with_capacity(1 << 20, file);
        let mut format = match CaptureFormat::for_path(path) {
            CaptureFormat::JsonLines => AnyWriter::JsonLines(JsonLinesWriter::new(out)),
            CaptureFormat::PcapNg => {
                AnyWriter::PcapNg(Box::new(PcapNgCaptureWriter::new(out).map_err(failed)?))
            }
        };
        let (records_tx, records) = crossbeam_channel::unbounded::<Record>();
        let queue = Flow::new(FlowConfig::lossless());
        let written = Arc::new(AtomicU64::new(0));
        let count = written.clone();
        let writer = thread::Builder::new()
            .name("capture".to_owned())
            .spawn(move || {
                if background {
                    super::priority::lower_current_thread();
                }
                for record in &records {
                    format.write(&record.item())?;
                    count.fetch_add(1, Ordering::Relaxed);
                    if records.is_empty() {
                        format.flush()?;
                    }
                }
                format.flush()
            })
            .map_err(|err| EngineError::Thread {
                message: err.to_string(),
            })?;
        Ok(Capture {
            sink: Some(CaptureSink {
                records: records_tx,
                queue,
            }),
            path: path.to_path_buf(),
            written,
            writer: Some(writer),
        })
    }

    pub fn sink(&self) -> Option<CaptureSink> {
        self.sink.clone()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records written to the file so far (reads, writes and connection events).
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    /// Whether the writer stopped on an error (disk full, file removed…).
    pub fn has_failed(&self) -> bool {
        self.writer.as_ref().is_some_and(JoinHandle::is_finished) && self.sink.is_some()
    }

    /// Stops taking records, writes what is queued and closes the file. Every
    /// clone of the sink must be gone (taken out of the endpoints) for this to end.
    pub fn finish(mut self) -> Result<u64, EngineError> {
        self.sink = None;
        let outcome = match self.writer.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the capture writer failed")),
            None => Ok(()),
        };
        outcome
            .map(|()| self.written())
            .map_err(|err| EngineError::CaptureFailed {
                path: self.path.display().to_string(),
                message: err.to_string(),
            })
    }
}

impl Drop for Capture {
    /// A capture dropped without [`finish`](Capture::finish) (the window's Stop):
    /// a worker still waiting for room in the queue gives up instead of waiting
    /// for a disk that may never come back. What is queued is still written.
    fn drop(&mut self) {
        if let Some(sink) = &self.sink {
            sink.queue.close();
        }
    }
}

/// The writer thread's format.
enum AnyWriter<W: Write> {
    JsonLines(JsonLinesWriter<W>),
    PcapNg(Box<PcapNgCaptureWriter<W>>),
}

impl<W: Write> AnyWriter<W> {
    fn write(&mut self, item: &CaptureItem<'_>) -> io::Result<()> {
        match self {
            AnyWriter::JsonLines(writer) => writer.write(item),
            AnyWriter::PcapNg(writer) => writer.write(item),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            AnyWriter::JsonLines(writer) => writer.flush(),
            AnyWriter::PcapNg(writer) => writer.flush(),
        }
    }
}

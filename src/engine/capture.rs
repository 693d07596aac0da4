//! Continuous capture to a file, written by a thread of its own: every byte
//! received and sent, with its time and peer, whatever the display keeps or
//! drops. Lossless and bounded: the queue to the writer is bounded in bytes by a
//! waiting [`Flow`], so a worker whose traffic outruns the disk waits for it.
//! One JSON object per line:
//! `{"time":"2026-11-25T18:00:00.123456+08:00","dir":"rx","peer":"127.0.0.1:5000","len":5,"hex":"68656c6c6f"}`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::thread::{self, JoinHandle};
use std::time::SystemTime;

use chrono::{DateTime, Local};
use crossbeam_channel::Sender;

use super::EngineError;
use super::flow::{Admission, Flow, FlowConfig, Payload, Way};
use crate::codec::format_hex_compact;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureDirection {
    Rx,
    Tx,
}

struct Record {
    at: SystemTime,
    direction: CaptureDirection,
    peer: SocketAddr,
    /// Holds its share of the queue's budget until written.
    data: Payload,
}

/// Where workers hand their traffic; cheap to clone.
#[derive(Clone)]
pub struct CaptureSink {
    records: Sender<Record>,
    queue: Flow,
}

impl CaptureSink {
    /// Queues a copy of `data` for the writer, waiting while the queue is full.
    pub fn record(&self, direction: CaptureDirection, peer: SocketAddr, data: &[u8]) {
        let Admission::Report { payload, .. } = self.queue.admit(Way::Received, data) else {
            // Only a closed queue skips: the capture has ended.
            return;
        };
        // A writer that stopped (disk error) has said so already; the traffic goes on.
        // Its channel then drops what it is sent, so the budget cannot fill up.
        let _ = self.records.send(Record {
            at: SystemTime::now(),
            direction,
            peer,
            data: payload,
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

    pub fn record(&self, direction: CaptureDirection, peer: SocketAddr, data: &[u8]) {
        // A copy of the sink, and the lock let go: recording may wait for a slow
        // disk, and switching the capture (the window's thread) must never wait.
        let sink = match self.sink.read() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        if let Some(sink) = sink {
            sink.record(direction, peer, data);
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
                let mut out = BufWriter::with_capacity(1 << 20, file);
                for record in &records {
                    write_record(&mut out, &record)?;
                    count.fetch_add(1, Ordering::Relaxed);
                    if records.is_empty() {
                        out.flush()?;
                    }
                }
                out.flush()
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

    /// Records written to the file so far.
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

fn write_record(out: &mut impl Write, record: &Record) -> io::Result<()> {
    let time: DateTime<Local> = record.at.into();
    let direction = match record.direction {
        CaptureDirection::Rx => "rx",
        CaptureDirection::Tx => "tx",
    };
    writeln!(
        out,
        r#"{{"time":"{}","dir":"{direction}","peer":"{}","len":{},"hex":"{}"}}"#,
        time.format("%Y-%m-%dT%H:%M:%S%.6f%:z"),
        record.peer,
        record.data.len(),
        format_hex_compact(&record.data)
    )
}

//! The tutorial's file server, safe and fast: a client connects and sends a file
//! name; the server sends that file's bytes and closes. A name that is missing,
//! malformed or points outside the shared folder gets nothing back (as in the
//! tutorial) and is logged as refused. Files go out without being read into
//! memory: `sendfile` on Linux, a large-buffer loop elsewhere.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::Sender;

use super::file_names::{self, MAX_NAME_BYTES, Refusal};
use super::listener::{AcceptHandler, AcceptLoop, LISTEN_BACKLOG, bind_listener};
use super::{EngineError, Waker};

/// By default, a client that connects and says nothing is dropped after this long.
pub const NAME_TIMEOUT: Duration = Duration::from_secs(10);
/// Transfers at once; more clients are refused (each transfer is one thread).
pub const DEFAULT_MAX_TRANSFERS: usize = 256;
/// A client that stops reading for this long is given up on.
const STALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a transfer reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Bytes per `sendfile` call: large enough to be fast, small enough to notice a cancel.
#[cfg(target_os = "linux")]
const SENDFILE_CHUNK: usize = 2 * 1024 * 1024;
/// The copy buffer where there is no `sendfile`.
#[cfg(not(target_os = "linux"))]
const COPY_BUFFER: usize = 1024 * 1024;
/// After the file, how long to read what the client still sends before closing
/// (closing with unread data would reset the connection and could lose the tail).
const LINGER_READ: Duration = Duration::from_secs(2);

pub type TransferId = u64;

#[derive(Debug, Clone)]
pub struct FileServerConfig {
    pub bind: SocketAddr,
    pub root: PathBuf,
    pub max_transfers: usize,
    /// How long a client may take to send the file name.
    pub name_timeout: Duration,
}

impl FileServerConfig {
    pub fn new(bind: SocketAddr, root: PathBuf) -> Self {
        FileServerConfig {
            bind,
            root,
            max_transfers: DEFAULT_MAX_TRANSFERS,
            name_timeout: NAME_TIMEOUT,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileServerEvent {
    Listening {
        local: SocketAddr,
        root: PathBuf,
    },
    StoppedListening,
    AcceptFailed(EngineError),
    /// A request for a file that goes out now.
    Started {
        transfer: TransferId,
        peer: SocketAddr,
        name: String,
        size: u64,
        at: SystemTime,
    },
    Progress {
        transfer: TransferId,
        sent: u64,
    },
    Done {
        transfer: TransferId,
        sent: u64,
        elapsed: Duration,
    },
    /// The client went away or stopped reading part-way.
    Failed {
        transfer: TransferId,
        sent: u64,
        error: EngineError,
    },
    /// Answered with nothing. `name` is what arrived, made printable.
    Refused {
        peer: SocketAddr,
        name: String,
        reason: Refusal,
        at: SystemTime,
    },
}

/// The handle of a running file server. Dropping it stops listening and cuts
/// every transfer in progress.
pub struct FileServer {
    shared: Arc<Shared>,
    accept: Option<AcceptLoop>,
    local: SocketAddr,
    root: PathBuf,
}

struct Shared {
    events: Sender<FileServerEvent>,
    waker: Waker,
    root: PathBuf,
    max_transfers: usize,
    name_timeout: Duration,
    next_id: AtomicU64,
    active: AtomicUsize,
    /// Open transfers, so they can be cut short.
    streams: Mutex<HashMap<TransferId, Arc<TcpStream>>>,
    /// How many times [`FileServer::cancel_transfers`] was called: a request cut
    /// when this moves past the count it saw on arrival, so later ones still go out.
    cancels: AtomicU64,
}

impl Shared {
    fn report(&self, event: FileServerEvent) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }

    fn lock_streams(&self) -> MutexGuard<'_, HashMap<TransferId, Arc<TcpStream>>> {
        self.streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl FileServer {
    /// Checks the folder, binds and starts listening; those failures are returned.
    pub fn start(
        config: FileServerConfig,
        events: Sender<FileServerEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        let root = file_names::canonical_root(&config.root).map_err(|err| {
            EngineError::FolderUnusable {
                path: config.root.display().to_string(),
                message: err.to_string(),
            }
        })?;
        let listener = bind_listener(config.bind, LISTEN_BACKLOG)?;
        let local = listener
            .local_addr()
            .map_err(|err| EngineError::io(super::error::IoOp::Bind, &err))?;
        let shared = Arc::new(Shared {
            events,
            waker,
            root: root.clone(),
            max_transfers: config.max_transfers.max(1),
            name_timeout: config.name_timeout,
            next_id: AtomicU64::new(1),
            active: AtomicUsize::new(0),
            streams: Mutex::new(HashMap::new()),
            cancels: AtomicU64::new(0),
        });
        shared.report(FileServerEvent::Listening {
            local,
            root: root.clone(),
        });
        let accept = AcceptLoop::start(listener, "file-accept", Requests(shared.clone()))?;
        Ok(FileServer {
            shared,
            accept: Some(accept),
            local,
            root,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The shared folder, resolved.
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    pub fn is_listening(&self) -> bool {
        self.accept.as_ref().is_some_and(AcceptLoop::is_running)
    }

    pub fn active_transfers(&self) -> usize {
        self.shared.active.load(Ordering::SeqCst)
    }

    /// No new requests; transfers in progress finish.
    pub fn stop_listening(&self) {
        if let Some(accept) = &self.accept {
            accept.stop();
        }
    }

    /// Cuts every transfer in progress (the clients see the connection break);
    /// requests that arrive afterwards are served.
    pub fn cancel_transfers(&self) {
        self.shared.cancels.fetch_add(1, Ordering::SeqCst);
        for stream in self.shared.lock_streams().values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        self.stop_listening();
        self.cancel_transfers();
    }
}

/// The file server's side of the accept thread.
struct Requests(Arc<Shared>);

impl AcceptHandler for Requests {
    fn accepted(&mut self, stream: TcpStream, peer: SocketAddr) {
        let shared = &self.0;
        let max = shared.max_transfers;
        if shared.active.fetch_add(1, Ordering::SeqCst) >= max {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            refuse(shared, &stream, peer, String::new(), Refusal::Busy { max });
            return;
        }
        let thread_shared = shared.clone();
        let cancels = shared.cancels.load(Ordering::SeqCst);
        let spawned = thread::Builder::new()
            .name(format!("file-send {peer}"))
            .stack_size(128 * 1024)
            .spawn(move || {
                serve(stream, peer, &thread_shared, cancels);
                thread_shared.active.fetch_sub(1, Ordering::SeqCst);
            });
        if let Err(err) = spawned {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            shared.report(FileServerEvent::AcceptFailed(EngineError::Thread {
                message: err.to_string(),
            }));
        }
    }

    fn failed(&mut self, error: EngineError) {
        self.0.report(FileServerEvent::AcceptFailed(error));
    }

    fn stopped(&mut self) {
        self.0.report(FileServerEvent::StoppedListening);
    }
}

fn refuse(shared: &Shared, stream: &TcpStream, peer: SocketAddr, name: String, reason: Refusal) {
    // Nothing is sent: the tutorial's client takes an empty reply as "no such file".
    let _ = stream.shutdown(Shutdown::Write);
    shared.report(FileServerEvent::Refused {
        peer,
        name,
        reason,
        at: SystemTime::now(),
    });
}

/// One request: read the name, find the file, send it. `cancels` is the count
/// of cancels when it was accepted; a later cancel cuts it.
fn serve(stream: TcpStream, peer: SocketAddr, shared: &Shared, cancels: u64) {
    let cancelled = || shared.cancels.load(Ordering::SeqCst) != cancels;
    let raw = read_name(&stream, shared.name_timeout);
    let shown = String::from_utf8_lossy(&raw[..raw.len().min(MAX_NAME_BYTES)]).into_owned();
    if raw.is_empty() {
        refuse(shared, &stream, peer, shown, Refusal::NoName);
        drain_and_close(&stream);
        return;
    }
    let name = match file_names::name_from_bytes(&raw) {
        Ok(name) => name,
        Err(problem) => {
            refuse(shared, &stream, peer, shown, Refusal::BadName(problem));
            drain_and_close(&stream);
            return;
        }
    };
    let opened = file_names::resolve(&shared.root, name).and_then(|path| {
        let file = File::open(&path).map_err(|err| unreadable(&err))?;
        let size = file.metadata().map_err(|err| unreadable(&err))?.len();
        Ok((file, size))
    });
    let (file, size) = match opened {
        Ok(opened) => opened,
        Err(reason) => {
            refuse(shared, &stream, peer, name.to_owned(), reason);
            drain_and_close(&stream);
            return;
        }
    };
    let transfer = shared.next_id.fetch_add(1, Ordering::SeqCst);
    shared.report(FileServerEvent::Started {
        transfer,
        peer,
        name: name.to_owned(),
        size,
        at: SystemTime::now(),
    });
    let stream = Arc::new(stream);
    shared.lock_streams().insert(transfer, stream.clone());
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut progress = |sent: u64| {
        if last_report.elapsed() >= PROGRESS_EVERY {
            last_report = Instant::now();
            shared.report(FileServerEvent::Progress { transfer, sent });
        }
    };
    let _ = stream.set_write_timeout(Some(STALL_TIMEOUT));
    let outcome = send_file(&file, &stream, size, &cancelled, &mut progress);
    shared.lock_streams().remove(&transfer);
    match outcome {
        Ok(sent) => {
            shared.report(FileServerEvent::Done {
                transfer,
                sent,
                elapsed: started.elapsed(),
            });
            drain_and_close(&stream);
        }
        Err((sent, err)) => {
            // A reset tells a downloader the file is incomplete; a plain close would not.
            let _ = socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO));
            let error = match err.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => EngineError::Stalled {
                    secs: STALL_TIMEOUT.as_secs(),
                },
                _ => EngineError::ConnectionReset {
                    message: err.to_string(),
                },
            };
            shared.report(FileServerEvent::Failed {
                transfer,
                sent,
                error,
            });
        }
    }
}

fn unreadable(err: &io::Error) -> Refusal {
    Refusal::Unreadable {
        message: err.to_string(),
    }
}

/// Reads the file name: one `send` from the client, at most [`MAX_NAME_BYTES`]
/// (one byte more is read to notice a longer name). A character cut between two
/// reads waits for its rest.
fn read_name(mut stream: &TcpStream, timeout: Duration) -> Vec<u8> {
    // std refuses a zero timeout, which would leave the read waiting forever.
    let _ = stream.set_read_timeout(Some(timeout.max(Duration::from_millis(1))));
    let mut buf = vec![0u8; MAX_NAME_BYTES + 1];
    let mut len = 0;
    while len < buf.len() {
        match stream.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(read) => {
                len += read;
                match std::str::from_utf8(&buf[..len]) {
                    Err(err) if err.error_len().is_none() => {}
                    _ => break,
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    buf.truncate(len);
    buf
}

/// Sends `size` bytes of `file`; on failure, how much went out and why.
#[cfg(target_os = "linux")]
fn send_file(
    file: &File,
    stream: &TcpStream,
    size: u64,
    cancelled: &dyn Fn() -> bool,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, (u64, io::Error)> {
    let mut sent = 0u64;
    while sent < size {
        if cancelled() {
            return Err((sent, io::ErrorKind::Interrupted.into()));
        }
        let chunk = usize::try_from(size - sent)
            .unwrap_or(usize::MAX)
            .min(SENDFILE_CHUNK);
        match rustix::fs::sendfile(stream, file, None, chunk) {
            // The file got shorter while we sent it: what there was went out.
            Ok(0) => break,
            Ok(len) => {
                sent += len as u64;
                progress(sent);
            }
            Err(rustix::io::Errno::INTR) => {}
            Err(err) => return Err((sent, err.into())),
        }
    }
    Ok(sent)
}

#[cfg(not(target_os = "linux"))]
fn send_file(
    mut file: &File,
    mut stream: &TcpStream,
    size: u64,
    cancelled: &dyn Fn() -> bool,
    progress: &mut dyn FnMut(u64),
) -> Result<u64, (u64, io::Error)> {
    use std::io::Write;
    let mut buf = vec![0u8; COPY_BUFFER];
    let mut sent = 0u64;
    while sent < size {
        if cancelled() {
            return Err((sent, io::ErrorKind::Interrupted.into()));
        }
        let len = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(len) => len.min(usize::try_from(size - sent).unwrap_or(usize::MAX)),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err((sent, err)),
        };
        stream.write_all(&buf[..len]).map_err(|err| (sent, err))?;
        sent += len as u64;
        progress(sent);
    }
    Ok(sent)
}

/// FIN after the data, then read (and drop) what the client still sends until it
/// closes, so the close cannot turn into a reset that loses the file's tail.
fn drain_and_close(mut stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(LINGER_READ));
    let deadline = Instant::now() + LINGER_READ;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

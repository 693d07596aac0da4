//! The tutorial's file server, safe and fast: a client connects and sends a file
//! name; the server sends that file's bytes and closes. A name that is missing,
//! malformed, a symlink, a special file or outside the shared folder gets nothing
//! back (as in the tutorial) and is logged as refused. Files go out without being
//! read into memory: `sendfile` on Linux, a large-buffer loop elsewhere.
//!
//! `open` opens a request's file once, below the folder's handle; `request` takes
//! a connection from its name to its end; `send` keeps the deadline on progress.

use std::collections::HashMap;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, SystemTime};

use crossbeam_channel::Sender;

use super::file_names::Refusal;
use super::listener::{AcceptHandler, AcceptLoop, LISTEN_BACKLOG, bind_listener};
use super::{EngineError, Waker};

mod open;
#[cfg(windows)]
mod open_windows;
mod request;
mod send;

pub use open::{OpenedFile, SharedFolder};
use request::{Slot, refuse};

/// By default, a client that connects and says nothing is dropped after this long.
/// Kept at 10 s: waiting clients no longer hold transfer slots, so this only sets
/// how fast the waiting pool drains, and a person typing a name into `nc` needs it.
pub const NAME_TIMEOUT: Duration = Duration::from_secs(10);
/// Transfers at once; more clients are refused (each transfer is one thread).
pub const DEFAULT_MAX_TRANSFERS: usize = 256;
/// Connections still waiting for their name (one thread each, a small stack);
/// more are refused at once, so idle connections cannot exhaust threads.
pub const DEFAULT_MAX_WAITING: usize = 512;
/// By default, a transfer that sends nothing for this long is given up on.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Stack of a request's thread: it reads a name, opens a file and sends it.
const REQUEST_STACK: usize = 128 * 1024;

pub type TransferId = u64;

#[derive(Debug, Clone)]
pub struct FileServerConfig {
    pub bind: SocketAddr,
    pub root: PathBuf,
    pub max_transfers: usize,
    /// Connections that have not sent their name yet; more are refused at once.
    pub max_waiting: usize,
    /// How long a client may take to send the file name.
    pub name_timeout: Duration,
    /// A transfer that sends nothing for this long ends as stalled.
    pub stall_timeout: Duration,
}

impl FileServerConfig {
    pub fn new(bind: SocketAddr, root: PathBuf) -> Self {
        FileServerConfig {
            bind,
            root,
            max_transfers: DEFAULT_MAX_TRANSFERS,
            max_waiting: DEFAULT_MAX_WAITING,
            name_timeout: NAME_TIMEOUT,
            stall_timeout: STALL_TIMEOUT,
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
/// every connection, waiting or sending.
pub struct FileServer {
    shared: Arc<Shared>,
    accept: Option<AcceptLoop>,
    local: SocketAddr,
}

/// A connection the server may have to cut short.
struct Open {
    stream: Arc<TcpStream>,
    /// Sending a file (cut by [`FileServer::cancel_transfers`]), or still waiting
    /// for its name (cut only when the server goes).
    sending: bool,
}

struct Shared {
    events: Sender<FileServerEvent>,
    waker: Waker,
    folder: SharedFolder,
    max_transfers: usize,
    max_waiting: usize,
    name_timeout: Duration,
    stall_timeout: Duration,
    next_id: AtomicU64,
    next_connection: AtomicU64,
    /// Connections that have not sent a valid name yet.
    waiting: AtomicUsize,
    /// Transfers: a slot is taken only once the file is open.
    active: AtomicUsize,
    open: Mutex<HashMap<u64, Open>>,
    /// How many times [`FileServer::cancel_transfers`] was called (moved under
    /// the `open` lock): a transfer is cut when it moves past what it saw when it
    /// started, so later ones still go out.
    cancels: AtomicU64,
    /// The server was dropped: nothing waiting is served any more.
    closed: AtomicBool,
}

impl Shared {
    fn report(&self, event: FileServerEvent) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        }
    }

    fn lock_open(&self) -> MutexGuard<'_, HashMap<u64, Open>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl FileServer {
    /// Opens the folder, binds and starts listening; those failures are returned.
    pub fn start(
        config: FileServerConfig,
        events: Sender<FileServerEvent>,
        waker: Waker,
    ) -> Result<Self, EngineError> {
        let folder =
            SharedFolder::open(&config.root).map_err(|err| EngineError::FolderUnusable {
                path: config.root.display().to_string(),
                message: err.to_string(),
            })?;
        let listener = bind_listener(config.bind, LISTEN_BACKLOG)?;
        let local = listener
            .local_addr()
            .map_err(|err| EngineError::io(super::error::IoOp::Bind, &err))?;
        let root = folder.path().to_path_buf();
        let shared = Arc::new(Shared {
            events,
            waker,
            folder,
            max_transfers: config.max_transfers.max(1),
            max_waiting: config.max_waiting.max(1),
            name_timeout: config.name_timeout,
            stall_timeout: config.stall_timeout,
            next_id: AtomicU64::new(1),
            next_connection: AtomicU64::new(0),
            waiting: AtomicUsize::new(0),
            active: AtomicUsize::new(0),
            open: Mutex::new(HashMap::new()),
            cancels: AtomicU64::new(0),
            closed: AtomicBool::new(false),
        });
        shared.report(FileServerEvent::Listening { local, root });
        let accept = AcceptLoop::start(listener, "file-accept", Requests(shared.clone()))?;
        Ok(FileServer {
            shared,
            accept: Some(accept),
            local,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The shared folder, resolved.
    pub fn root(&self) -> &std::path::Path {
        self.shared.folder.path()
    }

    pub fn is_listening(&self) -> bool {
        self.accept.as_ref().is_some_and(AcceptLoop::is_running)
    }

    /// Files being sent now.
    pub fn active_transfers(&self) -> usize {
        self.shared.active.load(Ordering::SeqCst)
    }

    /// Connections that have not sent a usable name yet.
    pub fn waiting_requests(&self) -> usize {
        self.shared.waiting.load(Ordering::SeqCst)
    }

    /// No new requests; transfers in progress finish.
    pub fn stop_listening(&self) {
        if let Some(accept) = &self.accept {
            accept.stop();
        }
    }

    /// Cuts every transfer in progress (the clients see the connection break);
    /// requests that start afterwards are served.
    pub fn cancel_transfers(&self) {
        let open = self.shared.lock_open();
        self.shared.cancels.fetch_add(1, Ordering::SeqCst);
        for conn in open.values().filter(|conn| conn.sending) {
            let _ = conn.stream.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        self.stop_listening();
        self.shared.closed.store(true, Ordering::SeqCst);
        for conn in self.shared.lock_open().values() {
            let _ = conn.stream.shutdown(Shutdown::Both);
        }
    }
}

/// The file server's side of the accept thread.
struct Requests(Arc<Shared>);

impl AcceptHandler for Requests {
    fn accepted(&mut self, stream: TcpStream, peer: SocketAddr) {
        let shared = &self.0;
        let max = shared.max_waiting;
        // Not a `Slot`: the place passes to the thread, which needs it `'static`.
        if shared.waiting.fetch_add(1, Ordering::SeqCst) >= max {
            shared.waiting.fetch_sub(1, Ordering::SeqCst);
            refuse(
                shared,
                &stream,
                peer,
                String::new(),
                Refusal::TooManyWaiting { max },
            );
            return;
        }
        let thread_shared = shared.clone();
        let spawned = thread::Builder::new()
            .name(format!("file-request {peer}"))
            .stack_size(REQUEST_STACK)
            .spawn(move || {
                // The place taken above is this thread's to give back.
                let waiting = Slot(&thread_shared.waiting);
                request::serve(stream, peer, &thread_shared, waiting);
            });
        if let Err(err) = spawned {
            shared.waiting.fetch_sub(1, Ordering::SeqCst);
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

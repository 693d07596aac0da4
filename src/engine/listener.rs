//! A listening TCP socket and the thread that accepts on it, for the TCP server and
//! the file server. Stopping closes the listener only; what was accepted lives on.
//! A panic in the thread closes the listener and is reported as a failed accept.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};

use super::EngineError;
use super::error::{IoOp, WorkerRole};
use super::worker::{PanicSwitch, Worker};

/// std's `listen` uses 128, which overflows under a burst of connects and stalls
/// each late client for a 1 s SYN retry.
pub const LISTEN_BACKLOG: i32 = 4096;
/// After a failed `accept` (out of descriptors, …) wait before trying again.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);
/// Report repeated `accept` failures at most this often.
const ACCEPT_REPORT_EVERY: Duration = Duration::from_secs(1);
/// The wake-up connection goes to this machine; it answers at once or not at all.
const WAKE_TIMEOUT: Duration = Duration::from_millis(500);

/// What the accept thread tells its owner.
pub(crate) trait AcceptHandler: Send + 'static {
    fn accepted(&mut self, stream: TcpStream, peer: SocketAddr);
    /// `accept` failed; the thread waits a little and tries again. Also told,
    /// just before `stopped`, when the thread panicked.
    fn failed(&mut self, error: EngineError);
    /// The listener is closed (reported after it is, so the port already refuses).
    fn stopped(&mut self);
}

pub(crate) fn bind_listener(bind: SocketAddr, backlog: i32) -> Result<TcpListener, EngineError> {
    let fail = |err: io::Error| EngineError::from_bind(bind, &err);
    let socket =
        Socket::new(Domain::for_address(bind), Type::STREAM, Some(Protocol::TCP)).map_err(fail)?;
    if bind.is_ipv6() {
        // `::` takes IPv4 clients too, as "all interfaces" promises.
        let _ = socket.set_only_v6(false);
    }
    // Lets a restarted server take its port back while old connections linger in
    // TIME_WAIT (on Windows this flag would mean "steal the port", so not there).
    #[cfg(not(windows))]
    let _ = socket.set_reuse_address(true);
    socket.bind(&bind.into()).map_err(fail)?;
    socket.listen(backlog.max(1)).map_err(fail)?;
    Ok(socket.into())
}

/// A running accept thread. Dropping it stops listening (without waiting).
pub(crate) struct AcceptLoop {
    local: SocketAddr,
    running: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    panic_switch: Arc<PanicSwitch>,
}

impl AcceptLoop {
    pub fn start(
        listener: TcpListener,
        name: &str,
        handler: impl AcceptHandler,
    ) -> Result<Self, EngineError> {
        let local = listener
            .local_addr()
            .map_err(|err| EngineError::io(IoOp::Bind, &err))?;
        let running = Arc::new(AtomicBool::new(true));
        let panic_switch = Arc::new(PanicSwitch::default());
        // Shared with the panic handler: the loop borrows it, so it outlives a panic.
        let handler = Arc::new(std::sync::Mutex::new(handler));
        let (flag, switch, in_loop) = (running.clone(), panic_switch.clone(), handler.clone());
        let panicked_flag = running.clone();
        let thread = Worker::new(WorkerRole::Accept, format!("{name} {local}")).spawn(
            move || {
                let mut handler = lock(&in_loop);
                accept_loop(listener, &flag, &switch, &mut *handler);
            },
            move |error| {
                // The listener was dropped while unwinding: the port refuses already.
                panicked_flag.store(false, Ordering::SeqCst);
                let mut handler = lock(&handler);
                handler.failed(error);
                handler.stopped();
            },
        )?;
        Ok(AcceptLoop {
            local,
            running,
            thread: Some(thread),
            panic_switch,
        })
    }

    /// Test hook: the accept thread panics when the next connection arrives.
    pub fn panic_next_accept(&self) {
        self.panic_switch.arm();
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// Closes the listener: the blocked `accept` is woken by a connection to itself.
    pub fn stop(&self) {
        if self.running.swap(false, Ordering::SeqCst) {
            wake(self.local);
        }
    }

    /// Stops and waits until the port is free to bind again.
    pub fn stop_and_wait(mut self) {
        self.stop();
        if let Some(thread) = self.thread.take() {
            if !thread.is_finished() {
                // The first wake-up may have been lost; the thread is told to stop already.
                wake(self.local);
            }
            let _ = thread.join();
        }
    }
}

impl Drop for AcceptLoop {
    fn drop(&mut self) {
        self.stop();
    }
}

fn wake(local: SocketAddr) {
    let wake_ip = match local {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => Ipv4Addr::LOCALHOST.into(),
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => Ipv6Addr::LOCALHOST.into(),
        other => other.ip(),
    };
    let _ = TcpStream::connect_timeout(&SocketAddr::new(wake_ip, local.port()), WAKE_TIMEOUT);
}

/// The handler, even after a panic poisoned its lock: the thread that panicked
/// holds it no more, and the handler's own state is behind poison-tolerant locks.
fn lock<H>(handler: &std::sync::Mutex<H>) -> std::sync::MutexGuard<'_, H> {
    handler
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn accept_loop(
    listener: TcpListener,
    running: &AtomicBool,
    panic_switch: &PanicSwitch,
    handler: &mut impl AcceptHandler,
) {
    let mut last_report: Option<Instant> = None;
    loop {
        let accepted = listener.accept();
        if !running.load(Ordering::SeqCst) {
            break;
        }
        panic_switch.check("accept");
        match accepted {
            Ok((stream, peer)) => handler.accepted(stream, peer),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => {
                if last_report.is_none_or(|at| at.elapsed() >= ACCEPT_REPORT_EVERY) {
                    last_report = Some(Instant::now());
                    handler.failed(EngineError::io(IoOp::Accept, &err));
                }
                thread::sleep(ACCEPT_RETRY);
            }
        }
    }
    // Closed before it is reported, so whoever hears "stopped" finds the port refusing.
    drop(listener);
    handler.stopped();
}

//! The listening socket and the thread that accepts on it.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use socket2::{Domain, Protocol, Socket, Type};

use super::super::error::IoOp;
use super::super::{Counters, EngineError};
use super::{CLIENT_STACK, ClientInfo, ClientLink, Shared, TcpServerEvent, service};

/// After a failed `accept` (out of descriptors, …) wait before trying again.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);
/// Report repeated `accept` failures at most this often.
const ACCEPT_REPORT_EVERY: Duration = Duration::from_secs(1);
/// The wake-up connection goes to this machine; it answers at once or not at all.
const WAKE_TIMEOUT: Duration = Duration::from_millis(500);

pub(super) fn bind_listener(bind: SocketAddr, backlog: i32) -> Result<TcpListener, EngineError> {
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

pub(super) fn spawn(
    shared: &Arc<Shared>,
    listener: TcpListener,
    local: SocketAddr,
) -> Result<(), EngineError> {
    shared.listening.store(true, Ordering::SeqCst);
    let thread_shared = shared.clone();
    let spawned = thread::Builder::new()
        .name(format!("tcp-accept {local}"))
        .spawn(move || accept_loop(listener, &thread_shared));
    match spawned {
        Ok(handle) => {
            *shared.lock_accept_thread() = Some(handle);
            shared.reporter.report(TcpServerEvent::Listening { local });
            Ok(())
        }
        Err(err) => {
            shared.listening.store(false, Ordering::SeqCst);
            Err(EngineError::Thread {
                message: err.to_string(),
            })
        }
    }
}

/// Closes the listener: the blocked `accept` is woken by a connection to itself.
pub(super) fn stop(shared: &Shared, local: SocketAddr) {
    if shared.listening.swap(false, Ordering::SeqCst) {
        wake(local);
    }
}

/// Waits for a stopped accept thread to let go of the port, so it can be bound again.
pub(super) fn wait_stopped(shared: &Shared, local: SocketAddr) {
    let Some(handle) = shared.lock_accept_thread().take() else {
        return;
    };
    if !handle.is_finished() {
        // The first wake-up may have been lost; the thread is told to stop already.
        wake(local);
    }
    let _ = handle.join();
}

fn wake(local: SocketAddr) {
    let wake_ip = match local {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => Ipv4Addr::LOCALHOST.into(),
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => Ipv6Addr::LOCALHOST.into(),
        other => other.ip(),
    };
    let _ = TcpStream::connect_timeout(&SocketAddr::new(wake_ip, local.port()), WAKE_TIMEOUT);
}

fn accept_loop(listener: TcpListener, shared: &Arc<Shared>) {
    let mut last_report: Option<Instant> = None;
    loop {
        let accepted = listener.accept();
        if !shared.listening.load(Ordering::SeqCst) {
            break;
        }
        match accepted {
            Ok((stream, peer)) => admit(shared, stream, peer),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => {
                if last_report.is_none_or(|at| at.elapsed() >= ACCEPT_REPORT_EVERY) {
                    last_report = Some(Instant::now());
                    shared
                        .reporter
                        .report(TcpServerEvent::AcceptFailed(EngineError::io(
                            IoOp::Accept,
                            &err,
                        )));
                }
                thread::sleep(ACCEPT_RETRY);
            }
        }
    }
    // Closed before it is reported, so whoever hears "stopped" finds the port refusing.
    drop(listener);
    shared.reporter.report(TcpServerEvent::StoppedListening);
}

/// Gives an accepted connection its service thread, or refuses it.
fn admit(shared: &Arc<Shared>, stream: TcpStream, peer: SocketAddr) {
    let max = shared.max_clients.load(Ordering::SeqCst);
    let mut clients = shared.lock_clients();
    if clients.len() >= max {
        drop(clients);
        refuse(shared, &stream, peer, EngineError::ClientCapReached { max });
        return;
    }
    let Ok(local) = stream.local_addr() else {
        // The client is already gone; nothing to serve.
        return;
    };
    let _ = stream.set_nodelay(true);
    writer_socket_setup(&stream);
    // One descriptor per client, shared by its service thread and the writer:
    // 10,000 clients must fit in a 20,000-descriptor limit.
    let link = Arc::new(ClientLink {
        id: shared.next_id.fetch_add(1, Ordering::SeqCst),
        peer,
        stream,
        counters: Arc::new(Counters::default()),
        queued: 0.into(),
        overflow_reported: false.into(),
        closing: false.into(),
        report_order: std::sync::Mutex::new(()),
    });
    clients.insert(link.id, link.clone());
    drop(clients);
    let info = ClientInfo {
        id: link.id,
        peer,
        local,
        since: SystemTime::now(),
        counters: link.counters.clone(),
    };
    // Reported before the thread starts, so `Connected` precedes the client's data.
    shared.reporter.report(TcpServerEvent::Connected(info));
    let thread_shared = shared.clone();
    let thread_link = link.clone();
    let spawned = thread::Builder::new()
        .name(format!("tcp-client {peer}"))
        .stack_size(CLIENT_STACK)
        .spawn(move || service::serve(&thread_link, &thread_shared));
    if let Err(err) = spawned {
        shared.lock_clients().remove(&link.id);
        link.hang_up();
        shared.reporter.report(TcpServerEvent::Closed {
            client: link.id,
            peer,
            reason: super::CloseReason::Error(EngineError::Thread {
                message: err.to_string(),
            }),
            at: SystemTime::now(),
        });
    }
}

fn refuse(shared: &Shared, stream: &TcpStream, peer: SocketAddr, error: EngineError) {
    // Linger 0: the client sees a reset at once instead of a silent half-open socket.
    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
    let _ = stream.shutdown(std::net::Shutdown::Both);
    shared
        .reporter
        .report(TcpServerEvent::Refused { peer, error });
}

/// On Windows the writer cannot ask for a non-blocking send per call, so sends
/// give up after a short time instead (see `writer.rs`).
fn writer_socket_setup(stream: &TcpStream) {
    #[cfg(windows)]
    let _ = stream.set_write_timeout(Some(super::writer::WINDOWS_SEND_SLICE));
    #[cfg(not(windows))]
    let _ = stream;
}

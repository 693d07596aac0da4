//! The child process (this binary re-run with `--client-role`): the clients of part 1,
//! each sending 你好 and reading the reply, then waiting for the server to close.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::net::is_timeout;

/// 你好 and 收到 in GBK, written out so the check does not trust the engine's codec.
pub const HELLO_GBK: [u8; 4] = [0xC4, 0xE3, 0xBA, 0xC3];
const REPLY_GBK: [u8; 4] = [0xCA, 0xD5, 0xB5, 0xBD];
/// Connect, send and read every reply within this long, or count the rest as missing
/// (and close them, as a client that gives up would).
pub const REPLY_DEADLINE: Duration = Duration::from_secs(15);
/// After `disconnect_all`, every client must see its connection end within this long.
pub const CLOSE_DEADLINE: Duration = Duration::from_secs(5);

#[derive(Default)]
struct ClientReport {
    sent: u64,
    ok: u64,
    wrong: u64,
    missing: u64,
    early_close: u64,
    connect_errors: u64,
    write_errors: u64,
    /// The longest single `connect` (about 1 s means a SYN was dropped and retried).
    slowest_connect: Duration,
    connected_at: Option<Instant>,
    replied_at: Option<Instant>,
}

#[derive(Default)]
struct CloseReport {
    eof: u64,
    reset: u64,
    open: u64,
    extra_bytes: u64,
    done_at: Option<Instant>,
}

/// `--client-role ADDR --clients COUNT --client-threads THREADS`: connects COUNT
/// clients from THREADS threads, each sends 你好 and reads the reply; prints
/// `replied …`, waits for `disconnect` on stdin, then waits for every connection to end
/// and prints `closed …`.
pub fn run(server: SocketAddr, count: usize, threads: usize) -> io::Result<()> {
    let (close_tx, close_rx) = crossbeam_channel::bounded::<()>(0);
    let (reports_tx, reports) = crossbeam_channel::unbounded();
    let start = Instant::now();
    let mut workers = Vec::new();
    for index in 0..threads {
        let share = count / threads + usize::from(index < count % threads);
        let (close_rx, reports_tx) = (close_rx.clone(), reports_tx.clone());
        workers.push(
            thread::Builder::new()
                .name(format!("clients-{index}"))
                .spawn(move || {
                    let (streams, report) = connect_and_ask(server, share, start);
                    let _ = reports_tx.send(report);
                    // The main thread drops the sender on `disconnect`.
                    let _ = close_rx.recv();
                    await_close(streams)
                })?,
        );
    }
    drop(reports_tx);
    let mut total = ClientReport::default();
    for report in reports.iter().take(threads) {
        total.sent += report.sent;
        total.ok += report.ok;
        total.wrong += report.wrong;
        total.missing += report.missing;
        total.early_close += report.early_close;
        total.connect_errors += report.connect_errors;
        total.write_errors += report.write_errors;
        total.slowest_connect = total.slowest_connect.max(report.slowest_connect);
        total.connected_at = total.connected_at.max(report.connected_at);
        total.replied_at = total.replied_at.max(report.replied_at);
    }
    let since = |at: Option<Instant>| at.map_or(f64::NAN, |at| (at - start).as_secs_f64());
    println!(
        "replied sent={} ok={} wrong={} missing={} early_close={} connect_errors={} \
         write_errors={} slowest_connect_ms={:.1} connect_secs={:.4} reply_secs={:.4}",
        total.sent,
        total.ok,
        total.wrong,
        total.missing,
        total.early_close,
        total.connect_errors,
        total.write_errors,
        total.slowest_connect.as_secs_f64() * 1000.0,
        since(total.connected_at),
        since(total.replied_at),
    );
    io::stdout().flush()?;

    // Any line (or the parent going away) means: the server is disconnecting everyone.
    let mut line = String::new();
    io::stdin().read_line(&mut line)?;
    let close_start = Instant::now();
    drop(close_tx);
    let mut closed = CloseReport::default();
    for worker in workers {
        let report = worker
            .join()
            .map_err(|_| io::Error::other("client thread panicked"))?;
        closed.eof += report.eof;
        closed.reset += report.reset;
        closed.open += report.open;
        closed.extra_bytes += report.extra_bytes;
        closed.done_at = closed.done_at.max(report.done_at);
    }
    println!(
        "closed eof={} reset={} open={} extra_bytes={} secs={:.4}",
        closed.eof,
        closed.reset,
        closed.open,
        closed.extra_bytes,
        closed.done_at.map_or(f64::NAN, |at| at
            .saturating_duration_since(close_start)
            .as_secs_f64()),
    );
    io::stdout().flush()
}

/// Connects `count` clients and sends 你好 on each, then reads every reply.
fn connect_and_ask(
    server: SocketAddr,
    count: usize,
    start: Instant,
) -> (Vec<TcpStream>, ClientReport) {
    let mut report = ClientReport::default();
    let mut streams = Vec::with_capacity(count);
    for _ in 0..count {
        let connect_start = Instant::now();
        let connected = TcpStream::connect(server);
        report.slowest_connect = report.slowest_connect.max(connect_start.elapsed());
        match connected {
            Ok(mut stream) => {
                match stream.write_all(&HELLO_GBK) {
                    Ok(()) => report.sent += 1,
                    Err(_) => report.write_errors += 1,
                }
                streams.push(stream);
            }
            Err(err) => {
                if report.connect_errors == 0 {
                    eprintln!("client: connect failed: {err}");
                }
                report.connect_errors += 1;
            }
        }
    }
    report.connected_at = Some(Instant::now());
    let deadline = start + REPLY_DEADLINE;
    let mut kept = Vec::with_capacity(streams.len());
    for mut stream in streams {
        match read_reply(&mut stream, deadline) {
            Reply::Exact => report.ok += 1,
            Reply::Wrong => report.wrong += 1,
            Reply::Closed => {
                report.early_close += 1;
                continue;
            }
            // A client that got no answer gives up and hangs up.
            Reply::Missing => {
                report.missing += 1;
                continue;
            }
        }
        kept.push(stream);
    }
    report.replied_at = Some(Instant::now());
    (kept, report)
}

enum Reply {
    Exact,
    Wrong,
    /// The server closed or reset the connection first.
    Closed,
    /// Nothing (or not all of it) by the deadline.
    Missing,
}

fn read_reply(stream: &mut TcpStream, deadline: Instant) -> Reply {
    let mut reply = [0u8; REPLY_GBK.len()];
    let mut got = 0;
    while got < reply.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Reply::Missing;
        }
        match stream.read(&mut reply[got..]) {
            Ok(0) => return Reply::Closed,
            Ok(len) => got += len,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) if is_timeout(&err) => return Reply::Missing,
            Err(_) => return Reply::Closed,
        }
    }
    if reply == REPLY_GBK {
        Reply::Exact
    } else {
        Reply::Wrong
    }
}

/// Reads every connection to its end, counting anything after the reply as extra.
fn await_close(streams: Vec<TcpStream>) -> CloseReport {
    let deadline = Instant::now() + CLOSE_DEADLINE;
    let mut report = CloseReport::default();
    let mut buf = [0u8; 256];
    for mut stream in streams {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
                report.open += 1;
                break;
            }
            match stream.read(&mut buf) {
                Ok(0) => {
                    report.eof += 1;
                    break;
                }
                Ok(len) => report.extra_bytes += len as u64,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if is_timeout(&err) => {
                    report.open += 1;
                    break;
                }
                Err(_) => {
                    report.reset += 1;
                    break;
                }
            }
        }
    }
    report.done_at = Some(Instant::now());
    report
}

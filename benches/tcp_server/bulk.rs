//! Part 2: one connection writing flat out, into the engine (a consumer drops the
//! events, as the UI drops what its bounded log cannot keep) and into a plain std read
//! loop.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use netdbg::engine::{TcpServer, TcpServerConfig, TcpServerEvent, no_waker};

use crate::Options;
use crate::common::figures::{median, opt, or_dash, per_sec};
use crate::common::{failed, join};

const BULK_CHUNK: usize = 64 * 1024;
/// A bulk receiver that hears nothing this long gives up.
const BULK_STALL: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Engine,
    Plain,
}

impl Sink {
    fn label(self) -> &'static str {
        match self {
            Sink::Engine => "engine",
            Sink::Plain => "plain",
        }
    }
}

struct BulkRun {
    sent: u64,
    /// From the first write until the receiver saw the end of the stream.
    elapsed: Duration,
    /// Plain: bytes read; engine: the server's `rx_bytes` counter.
    received: u64,
    reads: u64,
    /// Engine only: bytes and `Received` events the consumer took.
    event_bytes: Option<u64>,
    events: Option<u64>,
    channel_peak: Option<usize>,
}

impl BulkRun {
    fn mb_per_sec(&self) -> f64 {
        per_sec(self.sent, self.elapsed) / 1e6
    }

    fn exact(&self) -> bool {
        self.received == self.sent && self.event_bytes.is_none_or(|bytes| bytes == self.sent)
    }
}

/// Connects to `target` and writes 64 KiB chunks until `bytes` or `time` is used up.
/// Returns the stream (half-closed, kept open until the receiver is done), the byte
/// count and when the first write started.
fn send_bulk(
    target: SocketAddr,
    bytes: u64,
    time: Duration,
) -> io::Result<(TcpStream, u64, Instant)> {
    let mut stream = TcpStream::connect(target)?;
    let chunk = vec![0x5Au8; BULK_CHUNK];
    let mut sent = 0u64;
    let start = Instant::now();
    while sent < bytes && start.elapsed() < time {
        let len = (bytes - sent).min(BULK_CHUNK as u64) as usize;
        stream.write_all(&chunk[..len])?;
        sent += len as u64;
    }
    stream.shutdown(Shutdown::Write)?;
    Ok((stream, sent, start))
}

fn bulk_engine(bytes: u64, time: Duration) -> io::Result<BulkRun> {
    let (events_tx, events) = crossbeam_channel::unbounded();
    let server = TcpServer::start(
        TcpServerConfig::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
        events_tx,
        no_waker(),
    )
    .map_err(failed("TcpServer::start"))?;
    let consumer = thread::Builder::new()
        .name("bulk-consumer".to_owned())
        .spawn(move || {
            let (mut bytes, mut count, mut peak) = (0u64, 0u64, 0usize);
            while let Ok(event) = events.recv_timeout(BULK_STALL) {
                peak = peak.max(events.len());
                match event {
                    // Dropped at once, as the UI drops what its bounded log cannot keep.
                    TcpServerEvent::Received { data, .. } => {
                        bytes += data.len() as u64;
                        count += 1;
                    }
                    TcpServerEvent::Closed { .. } => {
                        return Ok((bytes, count, peak, Instant::now()));
                    }
                    _ => {}
                }
            }
            Err(io::Error::other("engine: no Closed event"))
        })?;
    let (stream, sent, start) = send_bulk(server.local_addr(), bytes, time)?;
    let (event_bytes, events, channel_peak, end) = join(consumer, "bulk-consumer")?;
    let counters = server.counters().snapshot();
    drop(stream);
    Ok(BulkRun {
        sent,
        elapsed: end - start,
        received: counters.rx_bytes,
        reads: counters.rx_packets,
        event_bytes: Some(event_bytes),
        events: Some(events),
        channel_peak: Some(channel_peak),
    })
}

fn bulk_plain(bytes: u64, time: Duration) -> io::Result<BulkRun> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let target = listener.local_addr()?;
    let receiver = thread::Builder::new()
        .name("bulk-plain-rx".to_owned())
        .spawn(move || {
            let (mut stream, _) = listener.accept()?;
            stream.set_read_timeout(Some(BULK_STALL))?;
            let mut buf = vec![0u8; BULK_CHUNK];
            let (mut bytes, mut reads) = (0u64, 0u64);
            loop {
                match stream.read(&mut buf) {
                    Ok(0) => return Ok((bytes, reads, Instant::now())),
                    Ok(len) => {
                        bytes += len as u64;
                        reads += 1;
                    }
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
        })?;
    let (stream, sent, start) = send_bulk(target, bytes, time)?;
    let (received, reads, end) = join(receiver, "bulk-plain-rx")?;
    drop(stream);
    Ok(BulkRun {
        sent,
        elapsed: end - start,
        received,
        reads,
        event_bytes: None,
        events: None,
        channel_peak: None,
    })
}

pub fn bulk(options: &Options) -> io::Result<Vec<String>> {
    println!();
    println!(
        "2. bulk: one connection writes {} MiB (at most {} s) in 64 KiB writes; engine = \
         TcpServer (no auto-reply) + a consumer dropping the events, plain = std TcpListener \
         + 64 KiB read loop; time = first write → receiver sees the end; {} runs, order \
         alternating",
        options.bulk_bytes >> 20,
        options.bulk_time.as_secs(),
        options.bulk_runs
    );
    println!(
        "   {:<4} {:<7} {:>11} {:>7} {:>9} {:>11} {:>8} {:>11} {:>8} {:>8} {:>6}",
        "run",
        "recv",
        "sent B",
        "secs",
        "MB/s",
        "counted B",
        "reads",
        "event B",
        "events",
        "ch-peak",
        "exact"
    );
    let mut runs: Vec<(usize, Sink, BulkRun)> = Vec::new();
    for index in 0..options.bulk_runs {
        let order = if index % 2 == 0 {
            [Sink::Engine, Sink::Plain]
        } else {
            [Sink::Plain, Sink::Engine]
        };
        for kind in order {
            let run = match kind {
                Sink::Engine => bulk_engine(options.bulk_bytes, options.bulk_time)?,
                Sink::Plain => bulk_plain(options.bulk_bytes, options.bulk_time)?,
            };
            println!(
                "   {:<4} {:<7} {:>11} {:>7.3} {:>9.1} {:>11} {:>8} {:>11} {:>8} {:>8} {:>6}",
                index + 1,
                kind.label(),
                run.sent,
                run.elapsed.as_secs_f64(),
                run.mb_per_sec(),
                run.received,
                run.reads,
                or_dash(run.event_bytes),
                or_dash(run.events),
                or_dash(run.channel_peak),
                if run.exact() { "yes" } else { "NO" },
            );
            runs.push((index, kind, run));
        }
    }
    let rates = |kind: Sink| -> Vec<f64> {
        runs.iter()
            .filter(|(_, k, _)| *k == kind)
            .map(|(_, _, run)| run.mb_per_sec())
            .collect()
    };
    let (engine, plain) = (median(rates(Sink::Engine)), median(rates(Sink::Plain)));
    let paired = median(
        rates(Sink::Engine)
            .iter()
            .zip(rates(Sink::Plain))
            .map(|(e, p)| e / p)
            .collect(),
    );
    let ratio = engine / plain;
    let all_exact = runs.iter().all(|(_, _, run)| run.exact());
    println!(
        "   median: engine {engine:.1} MB/s, plain {plain:.1} MB/s, ratio {ratio:.3} (median of \
         per-run ratios {paired:.3}, target >= 0.9: {}); bytes exact in every run: {}",
        if ratio >= 0.9 { "met" } else { "NOT met" },
        if all_exact { "yes" } else { "NO" },
    );
    let mut results: Vec<String> = runs
        .iter()
        .map(|(index, kind, run)| {
            format!(
                "RESULT bulk run={} recv={} sent={} secs={:.4} mb_per_sec={:.1} counted={} \
                 reads={} event_bytes={} events={} channel_peak={} exact={}",
                index + 1,
                kind.label(),
                run.sent,
                run.elapsed.as_secs_f64(),
                run.mb_per_sec(),
                run.received,
                run.reads,
                opt(run.event_bytes),
                opt(run.events),
                opt(run.channel_peak),
                run.exact(),
            )
        })
        .collect();
    results.push(format!(
        "RESULT bulk_median engine_mb_per_sec={engine:.1} plain_mb_per_sec={plain:.1} \
         ratio={ratio:.3} paired_ratio={paired:.3} all_exact={all_exact}"
    ));
    Ok(results)
}

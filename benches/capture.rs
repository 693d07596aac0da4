//! Capture writers, in memory: how fast the capture thread turns records into a
//! file, JSON lines against pcapng (a capture is lossless, so this bounds how
//! fast a capturing endpoint goes). TCP reads of 64 KiB (two segments each in
//! pcapng) and UDP datagrams of 64 bytes, written to a sink.
//!
//! Run: `cargo bench --bench capture [-- --mib 2048 --small 2000000]`

mod common;

use clap::Parser;
use common::options::{CargoBench, number};

use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::{Instant, SystemTime};

use netdbg::engine::capture::{
    CaptureDirection, CaptureEnds, CaptureItem, Captured, JsonLinesWriter, PcapNgCaptureWriter,
};

/// What to run; see the module's docs.
#[derive(Parser, Debug)]
#[command(
    name = "capture",
    bin_name = "cargo bench --bench capture --",
    args_override_self = true
)]
struct Options {
    /// MiB of 64 KiB TCP reads
    #[arg(long, default_value_t = 2048, value_parser = number(1..=1_000_000u64))]
    mib: u64,
    /// 64-byte UDP datagrams
    #[arg(long, default_value_t = 2_000_000, value_parser = number(1..=1_000_000_000u64))]
    small: u64,
    #[command(flatten)]
    _cargo: CargoBench,
}

/// A disk without the disk: every byte is copied into a 1 MiB ring.
struct Memory {
    ring: Vec<u8>,
    at: usize,
}

impl Memory {
    fn new() -> Self {
        Memory {
            ring: vec![0; 1 << 20],
            at: 0,
        }
    }
}

impl Write for Memory {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let room = self.ring.len() - self.at;
        let len = bytes.len().min(room);
        self.ring[self.at..self.at + len].copy_from_slice(&bytes[..len]);
        self.at = (self.at + len) % self.ring.len();
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes `count` records of `data` with `write`: records per second, MB/s of payload.
fn measure(
    count: u64,
    ends: CaptureEnds,
    data: &[u8],
    mut write: impl FnMut(&CaptureItem<'_>),
) -> (f64, f64) {
    let start = Instant::now();
    for n in 0..count {
        let direction = if n % 2 == 0 {
            CaptureDirection::Rx
        } else {
            CaptureDirection::Tx
        };
        write(&CaptureItem {
            at: SystemTime::now(),
            ends,
            what: Captured::Data { direction, data },
            note: None,
        });
    }
    let secs = start.elapsed().as_secs_f64();
    (
        count as f64 / secs,
        count as f64 * data.len() as f64 / secs / 1e6,
    )
}

fn main() {
    let options = Options::parse();
    let local: SocketAddr = "127.0.0.1:7788".parse().expect("address");
    let peer: SocketAddr = "127.0.0.1:50000".parse().expect("address");
    let big: Vec<u8> = (0..64 * 1024u32).map(|i| (i % 251) as u8).collect();
    let small = [0x5au8; 64];
    let big_count = options.mib * 1024 * 1024 / big.len() as u64;
    let small_count = options.small;
    let cases = [
        (
            "tcp_64KiB",
            CaptureEnds::tcp(local, peer),
            &big[..],
            big_count,
        ),
        (
            "udp_64B",
            CaptureEnds::udp(local, peer),
            &small[..],
            small_count,
        ),
    ];
    for (name, ends, data, count) in cases {
        let mut json = JsonLinesWriter::new(io::BufWriter::with_capacity(1 << 20, Memory::new()));
        let (rate, mbps) = measure(count, ends, data, |item| {
            json.write(item).expect("memory");
        });
        println!(
            "RESULT capture_writer case={name} format=jsonl records={count} records_per_s={rate:.0} payload_MBps={mbps:.0}"
        );
        let mut pcapng =
            PcapNgCaptureWriter::new(io::BufWriter::with_capacity(1 << 20, Memory::new()))
                .expect("memory");
        let (rate, mbps) = measure(count, ends, data, |item| {
            pcapng.write(item).expect("memory");
        });
        println!(
            "RESULT capture_writer case={name} format=pcapng records={count} packets={} records_per_s={rate:.0} payload_MBps={mbps:.0}",
            pcapng.packets()
        );
    }
}

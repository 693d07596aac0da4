//! Peers and waits for the relay engine's tests: the tutorial's GBK server,
//! recording and echo servers, and reading events with a deadline.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use netdbg::engine::relay::RelayConfig;
use netdbg::engine::{Direction, FlowConfig, Relay, RelayEvent, RelayProtocol, no_waker};

pub const WAIT: Duration = Duration::from_secs(10);
pub const NI_HAO: &[u8] = b"\xc4\xe3\xba\xc3"; // 你好 in GBK
pub const SHOU_DAO: &[u8] = b"\xca\xd5\xb5\xbd"; // 收到
pub const ZAI_JIAN: &[u8] = b"\xd4\xd9\xbc\xfb!"; // 再见!

pub fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().expect("address")
}

pub fn tcp_config(target: SocketAddr) -> RelayConfig {
    let mut config = RelayConfig::new(
        loopback(),
        target.ip().to_string(),
        target.port(),
        RelayProtocol::Tcp,
    );
    config.flow = FlowConfig::lossless();
    config
}

pub fn start(config: RelayConfig) -> (Relay, Receiver<RelayEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let relay = Relay::start(config, tx, no_waker()).expect("start the relay");
    match rx.recv_timeout(WAIT) {
        Ok(RelayEvent::Listening { local, .. }) => assert_eq!(local, relay.local_addr()),
        other => panic!("expected Listening first, got {other:?}"),
    }
    (relay, rx)
}

#[track_caller]
pub fn next_matching(
    rx: &Receiver<RelayEvent>,
    what: &str,
    seen: &mut Vec<RelayEvent>,
    wanted: impl Fn(&RelayEvent) -> bool,
) -> RelayEvent {
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline) {
            Ok(event) => {
                seen.push(event.clone());
                if wanted(&event) {
                    return event;
                }
            }
            Err(_) => panic!("timed out waiting for {what}; saw {seen:#?}"),
        }
    }
}

pub fn dial(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, WAIT).expect("connect to the relay");
    // Fails only on a connection the relay has already reset (an unreachable
    // target): then every read returns at once anyway.
    let _ = stream.set_read_timeout(Some(WAIT));
    let _ = stream.set_nodelay(true);
    stream
}

/// Reads exactly `len` bytes (or fails at the deadline).
pub fn read_exact(stream: &mut TcpStream, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    stream.read_exact(&mut buf).expect("read");
    buf
}

/// The tutorial's TCP server (one client at a time): answers every message with
/// 收到 and the client's FIN with 再见!, then closes.
pub fn tutorial_server() -> SocketAddr {
    let listener = TcpListener::bind(loopback()).expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else {
            return;
        };
        let _ = client.set_read_timeout(Some(WAIT));
        let mut buf = [0u8; 1024];
        loop {
            match client.read(&mut buf) {
                Ok(0) => {
                    let _ = client.write_all(ZAI_JIAN);
                    break;
                }
                Ok(_) => {
                    let _ = client.write_all(SHOU_DAO);
                }
                Err(_) => break,
            }
        }
    });
    addr
}

/// A server that reports the length of each of its reads from its first client,
/// and what they held, until the client closes.
pub fn recording_server() -> (SocketAddr, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind(loopback()).expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, reads) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else {
            return;
        };
        let _ = client.set_read_timeout(Some(WAIT));
        let mut buf = [0u8; 4096];
        while let Ok(len @ 1..) = client.read(&mut buf) {
            if tx.send(buf[..len].to_vec()).is_err() {
                break;
            }
        }
    });
    (addr, reads)
}

/// Echoes every read back, for every client.
pub fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind(loopback()).expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(len @ 1..) = client.read(&mut buf) {
                    if client.write_all(&buf[..len]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    addr
}

pub fn forwarded(events: &[RelayEvent], direction: Direction) -> Vec<u8> {
    events
        .iter()
        .filter_map(|event| match event {
            RelayEvent::Forwarded {
                direction: d, data, ..
            } if *d == direction => Some(data.to_vec()),
            _ => None,
        })
        .flatten()
        .collect()
}

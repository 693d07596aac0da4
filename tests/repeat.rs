//! Periodic send: the engine's repeater driving a real UDP socket on loopback, and how
//! it ends (count reached, stopped, send failing).

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use netdbg::engine::{RepeatConfig, Repeater, UdpConfig, UdpEndpoint, UdpEvent, Waker, no_waker};

const WAIT: Duration = Duration::from_secs(10);

/// A waker that says "the repeater has ended" on a channel.
fn ended_signal() -> (Waker, Receiver<()>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let waker: Waker = Arc::new(move || {
        let _ = tx.send(());
    });
    (waker, rx)
}

fn open_endpoint() -> (UdpEndpoint, Receiver<UdpEvent>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let endpoint = UdpEndpoint::open(&UdpConfig::new(bind), tx, no_waker()).expect("bind");
    (endpoint, rx)
}

#[test]
fn fifty_sends_ten_ms_apart_arrive_periodically() {
    const COUNT: u64 = 50;
    const INTERVAL: Duration = Duration::from_millis(10);
    let receiver = UdpSocket::bind("127.0.0.1:0").expect("receiver");
    receiver.set_read_timeout(Some(WAIT)).expect("timeout");
    let port = receiver.local_addr().expect("addr").port();
    let (endpoint, _events) = open_endpoint();
    let sender = endpoint.sender().expect("open endpoint sends");
    let (waker, ended) = ended_signal();
    let repeater = Repeater::start(
        RepeatConfig {
            interval: INTERVAL,
            count: Some(COUNT),
        },
        "test",
        move |n| sender.send_to("127.0.0.1", port, n.to_be_bytes().to_vec()),
        waker,
    )
    .expect("start");

    let mut arrivals = Vec::new();
    let mut buf = [0u8; 64];
    for expected in 0..COUNT {
        let (len, _) = receiver.recv_from(&mut buf).expect("datagram arrives");
        arrivals.push(Instant::now());
        assert_eq!(&buf[..len], &expected.to_be_bytes(), "in order, none lost");
    }
    ended.recv_timeout(WAIT).expect("repeater ends by itself");
    let progress = repeater.progress();
    assert_eq!(progress.sent, COUNT);
    assert!(!progress.running);
    assert!(
        (50.0..=200.0).contains(&progress.rate()),
        "about 100 per second: {progress:?}"
    );
    // Exactly COUNT: nothing more follows.
    receiver
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    assert!(receiver.recv_from(&mut buf).is_err(), "a 51st datagram");

    let mut gaps: Vec<Duration> = arrivals.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort();
    let median = gaps[gaps.len() / 2];
    assert!(
        (Duration::from_millis(5)..=Duration::from_millis(20)).contains(&median),
        "periodic, not a burst: median gap {median:?}"
    );
    let span = arrivals[arrivals.len() - 1] - arrivals[0];
    assert!(span >= Duration::from_millis(450), "span {span:?}");
}

#[test]
fn the_schedule_catches_up_after_a_slow_send() {
    // 20 sends 10 ms apart, one of which takes 100 ms: on absolute deadlines the last
    // send is still due at 190 ms; delaying each send after the previous would take
    // at least 290 ms.
    let (tx, calls) = crossbeam_channel::unbounded();
    let (waker, ended) = ended_signal();
    let _repeater = Repeater::start(
        RepeatConfig {
            interval: Duration::from_millis(10),
            count: Some(20),
        },
        "slow",
        move |n| {
            let _ = tx.send(Instant::now());
            if n == 2 {
                thread::sleep(Duration::from_millis(100));
            }
            true
        },
        waker,
    )
    .expect("start");
    ended.recv_timeout(WAIT).expect("ends");
    let times: Vec<Instant> = calls.try_iter().collect();
    assert_eq!(times.len(), 20);
    let span = times[19] - times[0];
    assert!(
        span >= Duration::from_millis(190) && span < Duration::from_millis(260),
        "span {span:?}"
    );
}

#[test]
fn stop_ends_an_endless_repeater() {
    let (tx, calls) = crossbeam_channel::unbounded();
    let (waker, ended) = ended_signal();
    let repeater = Repeater::start(
        RepeatConfig {
            interval: Duration::from_millis(5),
            count: None,
        },
        "endless",
        move |n| tx.send(n).is_ok(),
        waker,
    )
    .expect("start");
    for expected in 0..5 {
        assert_eq!(calls.recv_timeout(WAIT), Ok(expected));
    }
    assert!(repeater.is_running());
    repeater.stop();
    ended.recv_timeout(WAIT).expect("stop ends it");
    let progress = repeater.progress();
    assert!(!progress.running);
    // The thread is gone (its end of the channel with it), and it sent what it counted.
    let mut rest = Vec::new();
    loop {
        match calls.recv_timeout(WAIT) {
            Ok(n) => rest.push(n),
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => panic!("the repeater thread did not end"),
        }
    }
    assert_eq!(5 + rest.len() as u64, progress.sent, "{rest:?}");
}

#[test]
fn a_failing_send_ends_it() {
    let (waker, ended) = ended_signal();
    let repeater = Repeater::start(
        RepeatConfig {
            interval: Duration::from_millis(1),
            count: None,
        },
        "failing",
        |n| n < 4,
        waker,
    )
    .expect("start");
    ended.recv_timeout(WAIT).expect("ends when send says no");
    let progress = repeater.progress();
    assert_eq!(progress.sent, 4, "the failed fifth is not counted");
    assert!(!progress.running);
}

#[test]
fn a_closed_socket_ends_a_udp_repeater() {
    let receiver = UdpSocket::bind("127.0.0.1:0").expect("receiver");
    let port = receiver.local_addr().expect("addr").port();
    let (endpoint, _events) = open_endpoint();
    let sender = endpoint.sender().expect("sender");
    let (waker, ended) = ended_signal();
    let repeater = Repeater::start(
        RepeatConfig {
            interval: Duration::from_millis(5),
            count: None,
        },
        "closing",
        move |_| sender.send_to("127.0.0.1", port, b"x".to_vec()),
        waker,
    )
    .expect("start");
    receiver.set_read_timeout(Some(WAIT)).expect("timeout");
    let mut buf = [0u8; 8];
    receiver.recv_from(&mut buf).expect("first datagram");
    // Closing must not wait for the repeater's sender to go away (it used to, forever).
    let (closed_tx, closed) = crossbeam_channel::bounded(1);
    thread::spawn(move || {
        endpoint.close();
        let _ = closed_tx.send(());
    });
    closed
        .recv_timeout(WAIT)
        .expect("close returns while a sender lives on");
    ended
        .recv_timeout(WAIT)
        .expect("the repeater notices the socket is gone");
    assert!(!repeater.is_running());
}

#[test]
fn dropping_the_repeater_stops_it() {
    let (waker, ended) = ended_signal();
    let (tx, calls) = crossbeam_channel::unbounded();
    let repeater = Repeater::start(
        RepeatConfig {
            interval: Duration::from_millis(5),
            count: None,
        },
        "dropped",
        move |n| tx.send(n).is_ok(),
        waker,
    )
    .expect("start");
    assert_eq!(calls.recv_timeout(WAIT), Ok(0));
    drop(repeater);
    ended.recv_timeout(WAIT).expect("drop stops it");
}

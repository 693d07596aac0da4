//! A window's UDP receive thread runs as a batch thread (it does not preempt the
//! window's thread when a datagram wakes it); the command line's keeps the normal
//! policy. One test in its own binary, so no other test's receive threads are about.
#![cfg(target_os = "linux")]

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use netdbg::engine::{FlowConfig, UdpConfig, UdpEndpoint, UdpEvent, no_waker};

const WAIT: Duration = Duration::from_secs(10);
const SCHED_OTHER: u32 = 0;
const SCHED_BATCH: u32 = 3;

/// The scheduling policies of this process's UDP receive threads
/// (`/proc/self/task/*/stat`, field 41).
fn receive_thread_policies() -> Vec<u32> {
    let tasks = std::fs::read_dir("/proc/self/task").expect("tasks");
    tasks
        .filter_map(|task| {
            let path = task.ok()?.path();
            let name = std::fs::read_to_string(path.join("comm")).ok()?;
            if !name.starts_with("udp-rx") {
                return None;
            }
            let stat = std::fs::read_to_string(path.join("stat")).ok()?;
            let after_name = &stat[stat.rfind(')')? + 2..];
            after_name.split_whitespace().nth(41 - 3)?.parse().ok()
        })
        .collect()
}

/// Opens an endpoint with `flow`, and returns the policy of its receive thread
/// once a datagram has gone through it (so the thread has set itself up).
fn policy_of_receive_thread(flow: FlowConfig) -> u32 {
    let mut config = UdpConfig::new("127.0.0.1:0".parse().expect("address"));
    config.flow = flow;
    let (tx, rx) = crossbeam_channel::unbounded();
    let endpoint = UdpEndpoint::open(&config, tx, no_waker()).expect("bind loopback");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.send_to(b"wake up", endpoint.local_addr())
        .expect("send");
    let deadline = Instant::now() + WAIT;
    loop {
        match rx.recv_deadline(deadline) {
            Ok(UdpEvent::Received(_)) => break,
            Ok(_) => continue,
            Err(_) => panic!("the datagram never arrived"),
        }
    }
    let policies = receive_thread_policies();
    endpoint.close();
    assert_eq!(policies.len(), 1, "one receive thread: {policies:?}");
    policies[0]
}

fn wait_for_no_receive_thread() {
    let deadline = Instant::now() + WAIT;
    while !receive_thread_policies().is_empty() {
        assert!(Instant::now() < deadline, "the receive thread did not end");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_windows_receive_thread_is_a_batch_thread_and_the_command_lines_is_not() {
    assert_eq!(policy_of_receive_thread(FlowConfig::display()), SCHED_BATCH);
    wait_for_no_receive_thread();
    assert_eq!(
        policy_of_receive_thread(FlowConfig::datagrams()),
        SCHED_OTHER
    );
}

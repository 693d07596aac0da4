//! The relay capturing to pcapng: both of a pair's connections, each with its own
//! handshake and streams, a split fault and an injected message as packet
//! comments, read back with tshark.

use std::io::Write;

use netdbg::engine::relay::Faults;
use netdbg::engine::{Capture, Direction, RelayEvent};

mod pcapng_support;
mod relay_support;
mod support;
use pcapng_support::{TempPath, assert_clean, field, follow_tcp};
use relay_support::{dial, echo_server, next_matching, read_exact, start, tcp_config};

#[test]
fn a_relayed_pair_shows_both_connections_and_its_fault_notes() {
    let file = TempPath::new("relay-pcapng", "capture.pcapng");
    let capture = Capture::create(&file.0).expect("create");
    let target = echo_server();
    let (relay, events) = start(tcp_config(target));
    relay.set_capture(capture.sink());
    let split = Faults {
        split: Some(4),
        ..Faults::default()
    };
    relay.set_faults(Direction::C2s, split).expect("faults");

    let mut seen = Vec::new();
    let relay_addr = relay.local_addr().to_string();
    let mut client = dial(relay.local_addr());
    let client_addr = client.local_addr().expect("addr").to_string();
    let RelayEvent::Accepted { pair, .. } = next_matching(&events, "accepted", &mut seen, |e| {
        matches!(e, RelayEvent::Accepted { .. })
    }) else {
        unreachable!()
    };
    client.write_all(b"hello world!").expect("send");
    assert_eq!(read_exact(&mut client, 12), b"hello world!");
    relay
        .inject(pair, Direction::S2c, b"INJ".to_vec())
        .expect("inject");
    assert_eq!(read_exact(&mut client, 3), b"INJ");
    drop(client);
    next_matching(&events, "the pair's end", &mut seen, |e| {
        matches!(e, RelayEvent::Ended { .. })
    });
    relay.set_capture(None);
    capture.finish().expect("finish");
    drop(relay);

    // The client's connection to the relay, then the relay's to the target.
    let to_client = follow_tcp(&file.0, 0);
    assert_eq!(to_client.client, client_addr);
    assert_eq!(to_client.server, relay_addr);
    assert_eq!(to_client.from_client, b"hello world!");
    assert_eq!(to_client.from_server, b"hello world!INJ");
    let to_target = follow_tcp(&file.0, 1);
    assert_eq!(to_target.server, target.to_string());
    assert_eq!(to_target.from_client, b"hello world!");
    assert_eq!(to_target.from_server, b"hello world!");
    // Written in three pieces toward the target, the first one noted.
    let pieces = field(
        &file.0,
        &format!("tcp.dstport == {} && tcp.len > 0", target.port()),
        "tcp.len",
    );
    assert_eq!(pieces, ["4", "4", "4"]);
    let notes = field(&file.0, "frame.comment", "frame.comment");
    assert_eq!(notes, ["fault: split into 3 writes", "injected"]);
    assert_clean(&file.0);
}

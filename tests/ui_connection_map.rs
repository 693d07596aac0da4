//! The TCP server's connection map: a node per accepted client with its peer
//! address, marked with the close reason and gone after the fade; counts instead
//! of nodes beyond the limit; and no frames asked for while nothing moves.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::engine::Counters;
use netdbg::i18n::Lang;
use netdbg::ui::tcp_server::client_table::ClientState;
use netdbg::ui::tcp_server::connection_map::{ConnectionMap, FADE, FLASH, MAX_DRAWN, Summary};

mod support;
use support::{App, DEADLINE, harness, start_listening, tcp_server_settings, wait_until};

/// The state of the map's node for `peer`, while it is on the map.
fn map_node(harness: &App<'_>, peer: SocketAddr) -> Option<ClientState> {
    harness
        .state()
        .tcp_server()
        .connection_map()
        .nodes()
        .find(|node| node.peer == peer)
        .map(|node| node.state.clone())
}

/// The drawn map's accessible description (a canvas named after the map).
fn map_description(harness: &App<'_>) -> Option<String> {
    harness
        .root()
        .children_recursive()
        .filter(|node| node.accesskit_node().role() == Role::Canvas)
        .filter_map(|node| node.accesskit_node().label())
        .find(|label| label.starts_with("Connection map"))
}

#[test]
fn a_client_appears_on_the_map_and_fades_out_when_it_closes() {
    let mut harness = harness(tcp_server_settings(Lang::En));
    harness.get_by_label("Connection map").click();
    harness.run();
    let local = start_listening(&mut harness, "Start listening");
    wait_until(&mut harness, "the listener on the map", |h| {
        map_description(h).is_some_and(|text| text.contains(&format!("{local} listening")))
    });

    let mut client = TcpStream::connect_timeout(&local, DEADLINE).expect("connect");
    let peer = client.local_addr().expect("client address");
    wait_until(&mut harness, "the client's node", |h| {
        map_node(h, peer) == Some(ClientState::Connected)
    });
    wait_until(&mut harness, "the client's label on the map", |h| {
        map_description(h).is_some_and(|text| text.contains(&peer.to_string()))
    });

    client.write_all(b"hello").expect("send");
    wait_until(&mut harness, "the received bytes", |h| {
        h.state().tcp_server().counters().rx_bytes == 5
    });

    drop(client);
    wait_until(&mut harness, "the node marked closed by peer", |h| {
        map_node(h, peer) == Some(ClientState::ClosedByPeer)
    });
    wait_until(&mut harness, "the reason on the map", |h| {
        map_description(h).is_some_and(|text| text.contains(&format!("{peer} closed by peer")))
    });
    let closed = Instant::now();
    wait_until(&mut harness, "the node to fade out", |h| {
        map_node(h, peer).is_none()
    });
    assert!(
        closed.elapsed() >= FADE / 2,
        "the node fades, it does not vanish"
    );

    // Nothing moves now: the open map asks for no frames, so `run` settles at once.
    let steps = harness.run();
    assert!(steps <= 3, "an idle map keeps repainting ({steps} steps)");
}

fn map_with(clients: usize) -> ConnectionMap {
    let mut map = ConnectionMap::default();
    for id in 0..clients as u64 {
        let peer = SocketAddr::from(([127, 0, 0, 1], 40_000 + id as u16));
        map.connected(id, peer, Arc::new(Counters::default()));
    }
    map
}

#[test]
fn beyond_the_limit_the_map_shows_counts() {
    assert!(!map_with(MAX_DRAWN).is_summarized());
    let mut map = map_with(MAX_DRAWN + 1);
    assert!(map.is_summarized());

    let now = Instant::now();
    map.closed(0, ClientState::ClosedByPeer, now);
    map.tick(now);
    assert!(
        !map.is_summarized(),
        "a closing client no longer counts as live"
    );
    assert_eq!(
        map.summary(),
        Summary {
            connected: MAX_DRAWN,
            closing: 1,
            closed_recently: 1
        }
    );

    map.tick(now + FADE);
    assert_eq!(
        map.summary(),
        Summary {
            connected: MAX_DRAWN,
            closing: 0,
            closed_recently: 1
        }
    );
    map.tick(now + Duration::from_secs(61));
    assert_eq!(map.summary().closed_recently, 0);
}

#[test]
fn traffic_flashes_briefly_and_a_still_map_asks_for_no_frames() {
    let counters = Arc::new(Counters::default());
    let mut map = ConnectionMap::default();
    map.connected(
        1,
        SocketAddr::from(([127, 0, 0, 1], 50_000)),
        counters.clone(),
    );
    let now = Instant::now();
    map.tick(now);
    assert_eq!(map.next_change(now), None, "nothing moves yet");

    counters.record_rx(3);
    map.tick(now);
    assert!(map.next_change(now).is_some(), "a receive starts a pulse");
    let later = now + FLASH;
    map.tick(later);
    assert_eq!(map.next_change(later), None, "the pulse is over");

    counters.record_tx(3);
    map.tick(later);
    assert!(map.next_change(later).is_some(), "a send starts a pulse");

    map.closed(1, ClientState::ClosedByUs, later);
    assert!(map.next_change(later).is_some(), "a closed node fades");
    map.tick(later + FADE);
    assert_eq!(map.nodes().count(), 0);
    assert_eq!(map.next_change(later + FADE), None);
}

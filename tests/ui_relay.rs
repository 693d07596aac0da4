//! Headless UI tests of the relay tab: the real window (`egui_kittest`), the real
//! relay on loopback between a plain `std::net` client and a small server thread
//! that answers 收到 in GBK, as the tutorial's server does; assertions on what a
//! user sees (C→S / S→C rows, the table of pairs, messages) and on the bytes the
//! server and the client read.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::{Settings, Tab};
use netdbg::codec::TextEncoding;
use netdbg::i18n::Lang;
use netdbg::ui::log::panel::DisplaySettings;
use netdbg::ui::relay::RelaySettings;

mod support;
use support::{
    App, DEADLINE, POLL, harness, is_timeout, node_text, replace_field, replace_message,
    rows_marked, screen_dump, shows, wait_for_row_in, wait_for_text, wait_until,
};

const GBK_NI_HAO: [u8; 4] = [0xc4, 0xe3, 0xba, 0xc3]; // 你好
const GBK_SHOU_DAO: [u8; 4] = [0xca, 0xd5, 0xb5, 0xbd]; // 收到

/// The relay tab on loopback (the OS picks the port), relaying to `target`,
/// showing GBK text.
fn settings(lang: Lang, target: &str) -> Settings {
    Settings {
        lang,
        tab: Tab::Relay,
        relay: RelaySettings {
            local_ip: "127.0.0.1".to_owned(),
            local_port: "0".to_owned(),
            target: target.to_owned(),
            display: DisplaySettings {
                encoding: TextEncoding::Gbk,
                ..DisplaySettings::default()
            },
            ..RelaySettings::default()
        },
        ..Settings::default()
    }
}

/// A server that accepts one client, reports the size of every read and answers
/// each with 收到 (GBK), until the client closes.
fn gbk_server() -> (SocketAddr, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the server");
    let addr = listener.local_addr().expect("server address");
    let (tx, reads) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
            if stream.write_all(&GBK_SHOU_DAO).is_err() {
                break;
            }
        }
    });
    (addr, reads)
}

/// Clicks Start and waits for the relay's listening address.
#[track_caller]
fn start(harness: &mut App<'_>, lang: Lang) -> SocketAddr {
    harness.get_by_label(lang.texts().relay().start).click();
    wait_until(harness, "the relay to listen", |h| {
        h.state().relay().local_addr().is_some()
    });
    harness.state().relay().local_addr().expect("listening")
}

/// Connects a client through the relay and waits until the table lists it.
#[track_caller]
fn connect(harness: &mut App<'_>, relay: SocketAddr) -> (TcpStream, String) {
    let stream = TcpStream::connect_timeout(&relay, DEADLINE).expect("connect to the relay");
    stream.set_read_timeout(Some(POLL)).expect("read timeout");
    stream.set_nodelay(true).expect("nodelay");
    let peer = stream.local_addr().expect("client address").to_string();
    wait_until(harness, &format!("client {peer} in the table"), |h| {
        h.query_by_role_and_label(Role::CheckBox, &peer).is_some()
    });
    (stream, peer)
}

/// Reads what the client gets until `want` bytes came, stepping frames between reads.
#[track_caller]
fn client_reads(harness: &mut App<'_>, stream: &mut TcpStream, want: usize) -> Vec<u8> {
    let deadline = Instant::now() + DEADLINE;
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while got.len() < want {
        assert!(Instant::now() < deadline, "the client got only {got:?}");
        match stream.read(&mut buf) {
            Ok(0) => panic!("closed after {got:?}"),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(err) if is_timeout(&err) => harness.step(),
            Err(err) => panic!("client read: {err}"),
        }
    }
    got
}

/// The server's reads until `total` bytes came.
#[track_caller]
fn server_reads(
    harness: &mut App<'_>,
    reads: &mpsc::Receiver<Vec<u8>>,
    total: usize,
) -> Vec<Vec<u8>> {
    let deadline = Instant::now() + DEADLINE;
    let mut got: Vec<Vec<u8>> = Vec::new();
    while got.iter().map(Vec::len).sum::<usize>() < total {
        assert!(Instant::now() < deadline, "the server read only {got:?}");
        match reads.recv_timeout(POLL) {
            Ok(read) => got.push(read),
            Err(_) => harness.step(),
        }
    }
    got
}

fn relay_rows(harness: &App<'_>) -> Vec<String> {
    rows_marked(harness, &["C→S", "S→C", "•"])
}

#[test]
fn both_directions_show_as_c2s_and_s2c_and_the_pair_counts_bytes() {
    let (server, reads) = gbk_server();
    let mut harness = harness(settings(Lang::En, &server.to_string()));
    let relay = start(&mut harness, Lang::En);
    let (mut client, peer) = connect(&mut harness, relay);
    client.write_all(&GBK_NI_HAO).expect("send 你好");
    assert_eq!(
        server_reads(&mut harness, &reads, 4),
        vec![GBK_NI_HAO.to_vec()]
    );
    assert_eq!(client_reads(&mut harness, &mut client, 4), GBK_SHOU_DAO);

    let c2s = wait_for_row_in(&mut harness, relay_rows, &["C→S", &peer, "4 B", "你好"]);
    assert!(!c2s.contains("RX"), "{c2s}");
    wait_for_row_in(&mut harness, relay_rows, &["S→C", &peer, "4 B", "收到"]);
    wait_for_row_in(&mut harness, relay_rows, &["•", "accepted", &peer]);
    wait_for_row_in(&mut harness, relay_rows, &["•", "on its behalf"]);
    // The table: the relay's own address toward the server, and 4 bytes each way.
    wait_until(&mut harness, "the pair's byte counts", |h| {
        h.state()
            .relay()
            .pairs()
            .get(1)
            .is_some_and(|row| row.bytes() == (4, 4) && row.upstream.is_some())
    });
    let upstream = harness
        .state()
        .relay()
        .pairs()
        .get(1)
        .and_then(|r| r.upstream);
    wait_for_text(&mut harness, &upstream.expect("upstream").to_string());
    wait_for_text(&mut harness, "relaying");
    assert!(shows(&harness, "4 bytes"), "{}", screen_dump(&harness));
    // The display toggle for S→C rows reads as such, and so do the counters.
    assert!(shows(&harness, "Show S→C"));
    wait_until(&mut harness, "the counters named by direction", |h| {
        h.query_all_by_label_contains("pkts /").any(|node| {
            let text = node_text(&node.accesskit_node()).unwrap_or_default();
            text.starts_with("C→S ") && text.contains("S→C ")
        })
    });
}

#[test]
fn a_split_applied_while_running_reaches_the_server_byte_by_byte() {
    let (server, reads) = gbk_server();
    let mut harness = harness(settings(Lang::En, &server.to_string()));
    let relay = start(&mut harness, Lang::En);
    let (mut client, _) = connect(&mut harness, relay);
    client.write_all(b"ab").expect("send");
    assert_eq!(server_reads(&mut harness, &reads, 2), vec![b"ab".to_vec()]);
    client_reads(&mut harness, &mut client, 4);

    replace_field(&mut harness, "Split (bytes) C→S", "1");
    replace_field(&mut harness, "Split gap (ms) C→S", "30");
    harness.get_by_label("Apply faults").click();
    wait_until(&mut harness, "the faults in force", |h| {
        h.state()
            .relay()
            .relay()
            .is_some_and(|relay| relay.faults(netdbg::engine::Direction::C2s).split == Some(1))
    });
    wait_for_text(&mut harness, "Faults applied");
    client.write_all(b"hello").expect("send");
    let pieces = server_reads(&mut harness, &reads, 5);
    assert_eq!(
        pieces,
        vec![
            b"h".to_vec(),
            b"e".to_vec(),
            b"l".to_vec(),
            b"l".to_vec(),
            b"o".to_vec()
        ]
    );
    wait_for_row_in(&mut harness, relay_rows, &["•", "split into 5 writes"]);
    // The other direction is untouched: 收到 comes back whole in one row each.
    wait_for_row_in(&mut harness, relay_rows, &["S→C", "收到"]);
}

#[test]
fn closing_the_selected_pair_closes_the_client() {
    let (server, _reads) = gbk_server();
    let mut harness = harness(settings(Lang::En, &server.to_string()));
    let relay = start(&mut harness, Lang::En);
    let (mut client, peer) = connect(&mut harness, relay);
    wait_for_text(&mut harness, "relaying");
    harness.get_by_role_and_label(Role::CheckBox, &peer).click();
    harness.step();
    harness.get_by_label("Close selected").click();
    let deadline = Instant::now() + DEADLINE;
    let mut buf = [0u8; 16];
    loop {
        match client.read(&mut buf) {
            Ok(0) => break,
            Err(err) if is_timeout(&err) => {
                assert!(Instant::now() < deadline, "the client is still open");
                harness.step();
            }
            other => panic!("the client was not closed with a FIN: {other:?}"),
        }
    }
    wait_for_text(&mut harness, "closed by the relay");
    wait_for_row_in(
        &mut harness,
        relay_rows,
        &["•", "the relay closed both connections"],
    );
}

#[test]
fn bad_input_is_explained_next_to_the_field() {
    let mut harness = harness(settings(Lang::En, "127.0.0.1:9"));
    replace_field(&mut harness, "Local port", "abc");
    harness.get_by_label("Start relay").click();
    wait_for_text(&mut harness, "Port \"abc\" is not a number");

    // Relaying to itself.
    replace_field(&mut harness, "Local port", "7790");
    replace_field(&mut harness, "Target server", "127.0.0.1:7790");
    harness.get_by_label("Start relay").click();
    wait_for_text(&mut harness, "would forward to itself");

    replace_field(&mut harness, "Target server", "nonsense");
    harness.get_by_label("Start relay").click();
    wait_for_text(&mut harness, "has no port");

    // A port in use.
    let taken = TcpListener::bind("127.0.0.1:0").expect("take a port");
    let port = taken.local_addr().expect("port").port().to_string();
    replace_field(&mut harness, "Local port", &port);
    replace_field(&mut harness, "Target server", "127.0.0.1:9");
    harness.get_by_label("Start relay").click();
    wait_for_text(&mut harness, "is already in use");

    // A fault that is not a number, and one of 0.
    replace_field(&mut harness, "Local port", "0");
    replace_field(&mut harness, "Split (bytes) S→C", "x");
    harness.get_by_label("Apply faults").click();
    wait_for_text(&mut harness, "\"x\" is not a number");
    replace_field(&mut harness, "Split (bytes) S→C", "0");
    harness.get_by_label("Start relay").click();
    wait_for_text(&mut harness, "cannot be 0");
    assert!(harness.state().relay().local_addr().is_none());
}

#[test]
fn an_unreachable_server_is_said_in_the_log_and_the_table() {
    // A port nobody listens on: bound, then closed.
    let closed = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let mut harness = harness(settings(Lang::En, &closed.to_string()));
    let relay = start(&mut harness, Lang::En);
    // The relay resets this client as soon as the server refuses it, sometimes
    // before connect() returns here: bound first, so its address is known anyway.
    let client =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    client
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind the client");
    let peer = client
        .local_addr()
        .ok()
        .and_then(|addr| addr.as_socket())
        .expect("client address")
        .to_string();
    let _ = client.connect_timeout(&relay.into(), DEADLINE);
    wait_until(&mut harness, &format!("client {peer} in the table"), |h| {
        h.query_by_role_and_label(Role::CheckBox, &peer).is_some()
    });
    wait_for_row_in(
        &mut harness,
        relay_rows,
        &["•", "could not reach the server", "refused"],
    );
    wait_until(&mut harness, "the pair to show failed", |h| {
        h.query_all_by_label_contains("failed:").next().is_some()
    });
    assert!(shows(&harness, &peer));
}

#[test]
fn chinese_rows_say_which_way() {
    let (server, _reads) = gbk_server();
    let mut harness = harness(settings(Lang::Zh, &server.to_string()));
    let relay = start(&mut harness, Lang::Zh);
    let (mut client, peer) = connect(&mut harness, relay);
    client.write_all(&GBK_NI_HAO).expect("send 你好");
    client_reads(&mut harness, &mut client, 4);
    let rows = |h: &App<'_>| rows_marked(h, &["客→服", "服→客"]);
    wait_for_row_in(&mut harness, rows, &["客→服", &peer, "你好"]);
    wait_for_row_in(&mut harness, rows, &["服→客", &peer, "收到"]);
    assert!(shows(&harness, "转发中"));
}

#[test]
fn typed_messages_are_injected_to_the_server_and_to_the_client() {
    let (server, reads) = gbk_server();
    let mut harness = harness(settings(Lang::En, &server.to_string()));
    let relay = start(&mut harness, Lang::En);
    replace_message(&mut harness, Lang::En, "早");
    harness.get_by_label("Send").click();
    wait_for_text(&mut harness, "No open pair to send to");

    let (mut client, peer) = connect(&mut harness, relay);
    wait_for_text(&mut harness, "relaying");
    wait_for_text(&mut harness, "pair #1");
    replace_message(&mut harness, Lang::En, "你好");
    harness.get_by_label("Send").click();
    assert_eq!(
        server_reads(&mut harness, &reads, 4),
        vec![GBK_NI_HAO.to_vec()],
        "the server gets it, in GBK"
    );
    wait_for_row_in(
        &mut harness,
        relay_rows,
        &["C→S", &peer, "4 B", "[injected]", "你好"],
    );
    // The server's answer to it is forwarded to the client as usual.
    assert_eq!(client_reads(&mut harness, &mut client, 4), GBK_SHOU_DAO);
    assert!(
        !shows(&harness, "No open pair"),
        "{}",
        screen_dump(&harness)
    );

    harness.get_by_label("Send to the client (S→C)").click();
    harness.step();
    assert!(
        !harness.state().settings().relay.inject_to_server,
        "{}",
        screen_dump(&harness)
    );
    replace_message(&mut harness, Lang::En, "再见");
    harness.get_by_label("Send").click();
    assert_eq!(
        client_reads(&mut harness, &mut client, 4),
        [0xd4, 0xd9, 0xbc, 0xfb],
        "the client gets 再见 in GBK"
    );
    wait_for_row_in(
        &mut harness,
        relay_rows,
        &["S→C", &peer, "[injected]", "再见"],
    );
    wait_until(&mut harness, "the pair's counts", |h| {
        h.state()
            .relay()
            .pairs()
            .get(1)
            .is_some_and(|row| row.bytes() == (4, 8))
    });

    // With two pairs open, the one to send to is ticked in the table.
    let (_second, second_peer) = connect(&mut harness, relay);
    replace_message(&mut harness, Lang::En, "which");
    harness.get_by_label("Send").click();
    wait_for_text(&mut harness, "Several pairs are open");
    harness
        .get_by_role_and_label(Role::CheckBox, &second_peer)
        .click();
    harness.step();
    wait_for_text(&mut harness, "pair #2");
    harness.get_by_label("Send").click();
    wait_for_row_in(
        &mut harness,
        relay_rows,
        &["S→C", &second_peer, "[injected]", "which"],
    );
    assert!(!shows(&harness, "Several pairs are open"));
}

#[test]
fn the_send_box_speaks_chinese_in_the_relay_tab() {
    let (server, reads) = gbk_server();
    let mut harness = harness(settings(Lang::Zh, &server.to_string()));
    let relay = start(&mut harness, Lang::Zh);
    let (_client, peer) = connect(&mut harness, relay);
    wait_for_text(&mut harness, "连接对 #1");
    assert!(shows(&harness, "发给服务器（客→服）"));
    assert!(shows(&harness, "发给客户端（服→客）"));
    replace_message(&mut harness, Lang::Zh, "你好");
    harness.get_by_label(Lang::Zh.texts().send).click();
    assert_eq!(
        server_reads(&mut harness, &reads, 4),
        vec![GBK_NI_HAO.to_vec()]
    );
    wait_for_row_in(
        &mut harness,
        |h| rows_marked(h, &["客→服"]),
        &["客→服", &peer, "[注入]", "你好"],
    );
}

#[test]
fn presenter_mode_explains_a_udp_relay_and_plots_each_direction() {
    let server = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind the server");
    let server_addr = server.local_addr().expect("server address");
    server
        .set_read_timeout(Some(DEADLINE))
        .expect("read timeout");
    let mut settings = settings(Lang::En, &server_addr.to_string());
    settings.relay.protocol = netdbg::engine::RelayProtocol::Udp;
    settings.view = netdbg::ui::teaching::ViewSettings {
        presenter: true,
        rate_plot: true,
        timeline: true,
        ..netdbg::ui::teaching::ViewSettings::default()
    };
    let mut harness = harness(settings);
    let relay = start(&mut harness, Lang::En);
    let client = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind the client");
    client.set_read_timeout(Some(POLL)).expect("read timeout");
    let me = client.local_addr().expect("client address");
    client.send_to(&GBK_NI_HAO, relay).expect("send");
    let mut buf = [0u8; 64];
    let (len, upstream) = server.recv_from(&mut buf).expect("forwarded");
    assert_eq!(&buf[..len], GBK_NI_HAO);
    server.send_to(&GBK_SHOU_DAO, upstream).expect("answer");
    let deadline = Instant::now() + DEADLINE;
    loop {
        match client.recv_from(&mut buf) {
            Ok((len, from)) => {
                assert_eq!((&buf[..len], from), (&GBK_SHOU_DAO[..], relay));
                break;
            }
            Err(err) if is_timeout(&err) => {
                assert!(Instant::now() < deadline, "no answer through the relay");
                harness.step();
            }
            Err(err) => panic!("client read: {err}"),
        }
    }
    wait_for_text(
        &mut harness,
        &format!("The relay accepted {me} and connected to {server_addr} on its behalf"),
    );
    wait_for_row_in(&mut harness, relay_rows, &["C→S", &me.to_string(), "你好"]);
    wait_for_row_in(&mut harness, relay_rows, &["S→C", &me.to_string(), "收到"]);
    // The timeline tells the two directions apart, in words.
    wait_for_text(&mut harness, "server → client 4 bytes");
    assert!(
        !shows(&harness, "sent 4 bytes"),
        "{}",
        screen_dump(&harness)
    );
}

#[test]
fn each_direction_can_be_hidden_from_the_log() {
    let (server, reads) = gbk_server();
    let mut harness = harness(settings(Lang::En, &server.to_string()));
    let relay = start(&mut harness, Lang::En);
    let (mut client, peer) = connect(&mut harness, relay);
    client.write_all(&GBK_NI_HAO).expect("send 你好");
    server_reads(&mut harness, &reads, 4);
    client_reads(&mut harness, &mut client, 4);
    wait_for_row_in(&mut harness, relay_rows, &["C→S", &peer, "你好"]);
    wait_for_row_in(&mut harness, relay_rows, &["S→C", &peer, "收到"]);

    harness.get_by_label("Show C→S (client → server)").click();
    wait_until(&mut harness, "C→S rows hidden", |h| {
        let rows = relay_rows(h);
        !rows.iter().any(|row| row.contains("你好")) && rows.iter().any(|row| row.contains("收到"))
    });
    assert!(!harness.state().settings().relay.display.show_received);
    harness.get_by_label("Show S→C (server → client)").click();
    wait_until(&mut harness, "both directions hidden, events kept", |h| {
        let rows = relay_rows(h);
        !rows.iter().any(|row| row.contains("收到"))
            && rows.iter().any(|row| row.contains("accepted"))
    });
    harness.get_by_label("Show C→S (client → server)").click();
    wait_for_row_in(&mut harness, relay_rows, &["C→S", &peer, "你好"]);
}

#[test]
fn a_line_framing_shows_one_row_per_line_whatever_the_reads() {
    let (server, reads) = gbk_server();
    let mut settings = settings(Lang::En, &server.to_string());
    settings.relay.framing.kind = netdbg::codec::framing::FramingKind::Line;
    let mut harness = harness(settings);
    let relay = start(&mut harness, Lang::En);
    let (mut client, peer) = connect(&mut harness, relay);
    client.write_all(b"first li").expect("send");
    server_reads(&mut harness, &reads, 8);
    client.write_all(b"ne\nsecond line\n").expect("send");
    server_reads(&mut harness, &reads, 15);
    wait_for_row_in(&mut harness, relay_rows, &["C→S", &peer, "first line"]);
    wait_for_row_in(&mut harness, relay_rows, &["C→S", &peer, "second line"]);
    let c2s_rows = relay_rows(&harness)
        .into_iter()
        .filter(|row| row.contains("C→S") && row.contains(&peer))
        .count();
    assert_eq!(c2s_rows, 2, "{:?}", relay_rows(&harness));
}

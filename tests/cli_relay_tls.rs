//! `netdbg relay --tls-listen --tls-upstream`: openssl on each end, the relay in
//! the middle terminating both sessions and reading the plaintext.

mod support;
mod tls_support;

use std::time::Duration;

use support::{JsonProcess, netdbg, port_of};
use tls_support::{CURRENT, Openssl, Pki, has_openssl, path};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn relay_terminates_tls_on_both_sides() {
    if !has_openssl() {
        eprintln!("openssl not installed (apt-get install openssl); skipping");
        return;
    }
    let pki = Pki::new("relay");
    let leaf = pki.leaf("server", &["localhost"], CURRENT);
    let (mut server, server_port) = Openssl::server(&leaf);
    let mut relay = JsonProcess::spawn(
        netdbg()
            .args(["relay", "--listen", "127.0.0.1:0"])
            .args(["--to", &format!("localhost:{server_port}")])
            .args(["--tls-listen", "--self-signed"])
            .args(["--tls-upstream", "--ca", &path(&pki.ca)])
            .args(["--json", "--timeout", "15"]),
        LIMIT,
    );
    relay.wait_for("tls_ready", |e| e["event"] == "tls_ready");
    let port = port_of(&relay.wait_for("listening", |e| e["event"] == "listening"));
    let mut client = Openssl::spawn(&[
        "s_client",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-quiet",
    ]);
    client.send(b"secret from the device\n");
    server.wait_for(b"secret from the device\n", LIMIT);
    server.send(b"secret from the cloud\n");
    client.wait_for(b"secret from the cloud\n", LIMIT);
    let toward_server = relay.saw_or_wait_for("tls toward the server", |e| {
        e["event"] == "tls" && e["side"] == "server"
    });
    assert_eq!(toward_server["peer_cert"]["subject"], "CN=localhost");
    relay.saw_or_wait_for("tls toward the client", |e| {
        e["event"] == "tls" && e["side"] == "client"
    });
    // The relay read both directions in clear.
    relay.saw_or_wait_for("the device's words", |e| {
        e.to_string().contains("secret from the device")
    });
    relay.saw_or_wait_for("the cloud's words", |e| {
        e.to_string().contains("secret from the cloud")
    });
}

#[test]
fn a_device_that_hangs_up_ends_both_sessions_cleanly() {
    if !has_openssl() {
        eprintln!("openssl not installed (apt-get install openssl); skipping");
        return;
    }
    let pki = Pki::new("relay-close");
    let leaf = pki.leaf("server", &["localhost"], CURRENT);
    let (mut server, server_port) = Openssl::server(&leaf);
    let mut relay = JsonProcess::spawn(
        netdbg()
            .args(["relay", "--listen", "127.0.0.1:0"])
            .args(["--to", &format!("localhost:{server_port}")])
            .args(["--tls-listen", "--self-signed"])
            .args(["--tls-upstream", "--ca", &path(&pki.ca)])
            .args(["--json", "--timeout", "15"]),
        LIMIT,
    );
    let port = port_of(&relay.wait_for("listening", |e| e["event"] == "listening"));
    let mut client = Openssl::spawn(&[
        "s_client",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-quiet",
        "-no_ign_eof",
    ]);
    client.send(b"bye\n");
    server.wait_for(b"bye\n", LIMIT);
    // The device hangs up: close_notify and FIN, passed on the TLS way.
    drop(client.child.stdin.take());
    let by_client = relay.wait_for("the device's end", |e| {
        e["event"] == "closed" && e["by"] == "client"
    });
    assert_eq!(by_client["how"], "fin");
    // openssl answers a bare FIN with a decode_error alert; close_notify first, it closes too.
    let by_server = relay.wait_for("the server's end", |e| {
        e["event"] == "closed" && e["by"] == "server"
    });
    assert_eq!(by_server["how"], "fin", "{by_server}");
}

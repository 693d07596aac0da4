//! Network namespaces for tests that need more than loopback (multicast,
//! broadcast): made with `ip netns`, removed when dropped. Traffic never leaves
//! them. Where they cannot be made (not root, no `ip`), the test says why and skips.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

static NEXT: AtomicU32 = AtomicU32::new(0);

pub struct Netns {
    pub name: String,
}

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}x{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

impl Netns {
    /// A fresh namespace with `lo` up, or `None` (and the reason printed).
    pub fn new(test: &str) -> Option<Netns> {
        let name = unique("nd");
        if !ip(&["netns", "add", &name]) {
            eprintln!("{test}: skipped — cannot create a network namespace (needs root and `ip`)");
            return None;
        }
        let netns = Netns { name };
        netns.run(&["ip", "link", "set", "lo", "up"]);
        Some(netns)
    }

    /// `ip netns exec NAME program args…`
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name, program]);
        command
    }

    /// Runs a setup command in the namespace; panics if it fails.
    pub fn run(&self, args: &[&str]) {
        let status = self
            .command(args[0])
            .args(&args[1..])
            .status()
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(status.success(), "{args:?} failed in {}", self.name);
    }

    /// IPv4 multicast over `lo`: the route for 224.0.0.0/4 and multicast on.
    pub fn multicast_on_lo(&self) {
        self.run(&["ip", "link", "set", "lo", "multicast", "on"]);
        self.run(&["ip", "route", "add", "224.0.0.0/4", "dev", "lo"]);
    }

    /// The netdbg binary under test, in this namespace, speaking English.
    pub fn netdbg(&self) -> Command {
        let mut command = self.command(env!("CARGO_BIN_EXE_netdbg"));
        command.env("NETDBG_LANG", "en");
        command
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        ip(&["netns", "del", &self.name]);
    }
}

/// Two namespaces joined by a veth pair (`veth0` in `a`, `veth1` in `b`), up,
/// with `a_v4`/`b_v4` (CIDR) and link-local IPv6 addresses ready to use.
pub fn veth_pair(test: &str, a_v4: &str, b_v4: &str) -> Option<(Netns, Netns)> {
    let a = Netns::new(test)?;
    let b = Netns::new(test)?;
    let (left, right) = (unique("va"), unique("vb"));
    assert!(
        ip(&["link", "add", &left, "type", "veth", "peer", "name", &right]),
        "veth"
    );
    assert!(ip(&["link", "set", &left, "netns", &a.name]), "move veth");
    assert!(ip(&["link", "set", &right, "netns", &b.name]), "move veth");
    for (netns, dev, name, addr) in [(&a, &left, "veth0", a_v4), (&b, &right, "veth1", b_v4)] {
        netns.run(&["ip", "link", "set", dev, "name", name]);
        netns.run(&[
            "sysctl",
            "-qw",
            &format!("net.ipv6.conf.{name}.accept_dad=0"),
        ]);
        netns.run(&["ip", "addr", "add", addr, "dev", name]);
        netns.run(&["ip", "link", "set", name, "up"]);
    }
    // The link-local addresses come with the carrier, up to a second later.
    let deadline = Instant::now() + Duration::from_secs(5);
    for (netns, name) in [(&a, "veth0"), (&b, "veth1")] {
        loop {
            let out = netns
                .command("ip")
                .args(["-6", "addr", "show", "dev", name])
                .output()
                .expect("ip addr");
            let text = String::from_utf8_lossy(&out.stdout);
            if text.contains("fe80") && !text.contains("tentative") {
                break;
            }
            assert!(Instant::now() < deadline, "no link-local address on {name}");
            sleep(Duration::from_millis(50));
        }
    }
    Some((a, b))
}

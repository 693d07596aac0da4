//! What a relay is told to do ([`RelayConfig`]), and what it refuses before it
//! binds ([`RelayError`]): faults that cannot be used, a target that is the
//! listening address itself.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use super::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_PAIRS, DEFAULT_UDP_IDLE, Direction, FaultError, Faults,
};
use crate::engine::EngineError;
use crate::engine::flow::FlowConfig;
use crate::engine::listener::LISTEN_BACKLOG;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RelayProtocol {
    Tcp,
    Udp,
}

#[derive(Debug, Clone)]
pub struct RelayConfig {
    pub listen: SocketAddr,
    pub target_host: String,
    pub target_port: u16,
    pub protocol: RelayProtocol,
    pub c2s: Faults,
    pub s2c: Faults,
    pub connect_timeout: Duration,
    pub udp_idle: Duration,
    pub max_pairs: usize,
    pub backlog: i32,
    /// How events reach a consumer that falls behind (one budget for all pairs).
    pub flow: FlowConfig,
    /// TCP: TLS toward the client; the relay then reads the session in clear.
    pub tls_listen: Option<crate::engine::tls::ServerIdentity>,
    /// TCP: TLS toward the target.
    pub tls_upstream: Option<crate::engine::tls::TlsClientOptions>,
    /// How each direction's bytes are cut into messages for the log (each
    /// direction of each pair frames on its own; what is forwarded is unchanged).
    pub framing: crate::codec::Framing,
}

impl RelayConfig {
    pub fn new(
        listen: SocketAddr,
        target_host: impl Into<String>,
        target_port: u16,
        protocol: RelayProtocol,
    ) -> Self {
        RelayConfig {
            listen,
            target_host: target_host.into(),
            target_port,
            protocol,
            c2s: Faults::default(),
            s2c: Faults::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            udp_idle: DEFAULT_UDP_IDLE,
            tls_listen: None,
            tls_upstream: None,
            framing: crate::codec::Framing::AsRead,
            max_pairs: DEFAULT_MAX_PAIRS,
            backlog: LISTEN_BACKLOG,
            flow: FlowConfig::default(),
        }
    }
}

impl RelayConfig {
    /// What [`Relay::start`](super::Relay::start) refuses before it binds: faults that cannot be used,
    /// and a target that is the listening address itself.
    pub fn check(&self) -> Result<(), RelayError> {
        for (direction, faults) in [(Direction::C2s, &self.c2s), (Direction::S2c, &self.s2c)] {
            faults
                .check()
                .map_err(|error| RelayError::Faults { direction, error })?;
        }
        if targets_itself(self) {
            return Err(RelayError::ToItself {
                listen: self.listen,
                target: format!("{}:{}", self.target_host, self.target_port),
            });
        }
        Ok(())
    }
}

/// Why a relay could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RelayError {
    /// The target is the relay's own listening address.
    ToItself {
        listen: SocketAddr,
        target: String,
    },
    Faults {
        direction: Direction,
        error: FaultError,
    },
    Engine(EngineError),
}

impl From<EngineError> for RelayError {
    fn from(error: EngineError) -> Self {
        RelayError::Engine(error)
    }
}

/// Whether the configured target is the listening address itself, as far as can
/// be told without a name lookup (an IP, or `localhost`). A name that resolves to
/// it is caught when a client comes (`UpstreamFailed` with
/// [`EngineError::RelayToItself`]).
fn targets_itself(config: &RelayConfig) -> bool {
    let host = config
        .target_host
        .trim_start_matches('[')
        .trim_end_matches(']');
    let ips: Vec<IpAddr> = if host.eq_ignore_ascii_case("localhost") {
        vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()]
    } else {
        host.parse::<IpAddr>().into_iter().collect()
    };
    ips.into_iter()
        .any(|ip| is_same_endpoint(config.listen, SocketAddr::new(ip, config.target_port)))
}

/// Whether connecting to `peer` reaches a socket listening on `local`: same port,
/// and the same IP, or `local` takes every interface and `peer` is this machine's
/// loopback (or unspecified, which means this machine too).
pub(super) fn is_same_endpoint(local: SocketAddr, peer: SocketAddr) -> bool {
    if local.port() != peer.port() || local.port() == 0 {
        return false;
    }
    let (local_ip, peer_ip) = (local.ip().to_canonical(), peer.ip().to_canonical());
    local_ip == peer_ip
        || (local_ip.is_unspecified() && (peer_ip.is_loopback() || peer_ip.is_unspecified()))
        || (peer_ip.is_unspecified() && local_ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(listen: &str, host: &str, port: u16) -> RelayConfig {
        RelayConfig::new(
            listen.parse().expect("address"),
            host,
            port,
            RelayProtocol::Tcp,
        )
    }

    #[test]
    fn a_relay_to_its_own_address_is_caught_before_binding() {
        assert!(targets_itself(&config("127.0.0.1:7000", "127.0.0.1", 7000)));
        assert!(targets_itself(&config("0.0.0.0:7000", "127.0.0.1", 7000)));
        assert!(targets_itself(&config("0.0.0.0:7000", "localhost", 7000)));
        assert!(targets_itself(&config("[::]:7000", "[::1]", 7000)));
        assert!(targets_itself(&config("127.0.0.1:7000", "0.0.0.0", 7000)));
        assert!(!targets_itself(&config(
            "127.0.0.1:7000",
            "127.0.0.1",
            7001
        )));
        assert!(!targets_itself(&config(
            "127.0.0.1:7000",
            "127.0.0.2",
            7000
        )));
        assert!(!targets_itself(&config("127.0.0.1:0", "127.0.0.1", 7000)));
        assert!(!targets_itself(&config(
            "0.0.0.0:7000",
            "example.com",
            7000
        )));
    }
}

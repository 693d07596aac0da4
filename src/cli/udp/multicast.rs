//! The multicast options of `udp listen` (`--join`, `--iface`) and `udp send`
//! (`--iface`, `--ttl`, `--no-loop`): read and checked before any socket opens,
//! applied once it is open.

use std::net::{IpAddr, SocketAddr};

use clap::Args;
use serde_json::json;

use super::super::CliError;
use super::super::output::Printer;
use crate::engine::error::IpFamily;
use crate::engine::udp::multicast::{MAX_TTL, resolve};
use crate::engine::{IfaceSpec, MulticastError, MulticastSend, UdpEndpoint};
use crate::i18n::{Describe, Lang};

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// Join a multicast group, e.g. 239.1.2.3 or ff15::1 (repeat for several); bind [::] for IPv6 groups. Other programs may then listen on the same port
    #[arg(long = "join", value_name = "GROUP")]
    groups: Vec<String>,
    /// With --join: the interface to join on, by name (eth0) or one of its addresses (default: the system's choice)
    #[arg(long, value_name = "NAME|ADDR", requires = "groups")]
    iface: Option<String>,
}

#[derive(Debug, Args)]
pub struct MulticastSendArgs {
    /// Datagrams to a multicast group leave by this interface, by name (eth0) or one of its addresses
    #[arg(long, value_name = "NAME|ADDR")]
    iface: Option<String>,
    /// Hops a multicast datagram may take, 1 to 255 (IPv4 TTL, IPv6 hop limit; the system's default is 1: this network only)
    #[arg(long, value_name = "N")]
    ttl: Option<u32>,
    /// This machine's own sockets in the group get no copy of what is sent
    #[arg(long = "no-loop")]
    no_loop: bool,
}

fn family_of_socket(bind: SocketAddr) -> IpFamily {
    if bind.is_ipv6() {
        IpFamily::V6
    } else {
        IpFamily::V4
    }
}

fn family_of(ip: IpAddr) -> IpFamily {
    if ip.is_ipv4() {
        IpFamily::V4
    } else {
        IpFamily::V6
    }
}

/// The groups to join and where, checked against the socket's family.
pub struct JoinPlan {
    groups: Vec<IpAddr>,
    iface: IfaceSpec,
}

impl JoinArgs {
    pub fn plan(&self, bind: SocketAddr, lang: Lang) -> Result<JoinPlan, CliError> {
        let input = |e: MulticastError| CliError::Input(e.describe(lang));
        let iface = IfaceSpec::parse(self.iface.as_deref().unwrap_or_default());
        let mut groups = Vec::new();
        for text in &self.groups {
            let Ok(group) = text.trim().trim_matches(['[', ']']).parse::<IpAddr>() else {
                return Err(CliError::Input(lang.texts().cli_bad_group(text)));
            };
            if !group.is_multicast() {
                return Err(input(MulticastError::NotMulticast { addr: group }));
            }
            let socket_family = family_of_socket(bind);
            if family_of(group) != socket_family {
                return Err(input(MulticastError::OtherFamily {
                    group_family: family_of(group),
                    socket_family,
                }));
            }
            resolve(&iface, family_of(group)).map_err(input)?;
            groups.push(group);
        }
        Ok(JoinPlan { groups, iface })
    }
}

impl JoinPlan {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Joins every group, saying so; the first the system refuses ends the run.
    pub fn join(&self, endpoint: &UdpEndpoint, printer: &Printer) -> Result<(), CliError> {
        let lang = printer.lang;
        for group in &self.groups {
            endpoint
                .join(*group, &self.iface)
                .map_err(|e| CliError::Network(e.describe(lang)))?;
            let iface = self.iface.to_string();
            printer.event(
                "joined",
                json!({ "group": group.to_string(), "iface": iface }),
                &lang.texts().joined_group(*group, &iface),
            );
        }
        Ok(())
    }
}

impl MulticastSendArgs {
    /// The options to apply, when any was given or the target is a group.
    pub fn plan(
        &self,
        target: Option<IpAddr>,
        bind: SocketAddr,
        lang: Lang,
    ) -> Result<Option<MulticastSend>, CliError> {
        let given = self.iface.is_some() || self.ttl.is_some() || self.no_loop;
        if !given && !target.is_some_and(|ip| ip.is_multicast()) {
            return Ok(None);
        }
        let input = |e: MulticastError| CliError::Input(e.describe(lang));
        if let Some(ttl) = self.ttl
            && !(1..=MAX_TTL).contains(&ttl)
        {
            return Err(input(MulticastError::TtlOutOfRange { ttl }));
        }
        let iface = IfaceSpec::parse(self.iface.as_deref().unwrap_or_default());
        resolve(&iface, family_of_socket(bind)).map_err(input)?;
        Ok(Some(MulticastSend {
            iface,
            ttl: self.ttl,
            loopback: !self.no_loop,
        }))
    }
}

/// Applies the send options to the open socket.
pub fn apply(
    endpoint: &UdpEndpoint,
    options: Option<&MulticastSend>,
    lang: Lang,
) -> Result<(), CliError> {
    match options {
        Some(options) => endpoint
            .set_multicast_send(options)
            .map_err(|e| CliError::Network(e.describe(lang))),
        None => Ok(()),
    }
}

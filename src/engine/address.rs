//! Parsing what a user types for ports and addresses, shared by the window and the CLI.

use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    PortEmpty,
    PortNotNumber { text: String },
    PortOutOfRange { text: String },
    PortZero,
    AddressEmpty,
    BadIp { text: String },
    MissingPort { text: String },
    Ipv6NeedsBrackets { text: String },
}

/// Parses a port typed by a user. `allow_zero` is for local ports, where 0
/// means "let the OS pick one".
pub fn parse_port(text: &str, allow_zero: bool) -> Result<u16, InputError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InputError::PortEmpty);
    }
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(InputError::PortNotNumber {
            text: text.to_owned(),
        });
    }
    let port = text
        .parse::<u16>()
        .map_err(|_| InputError::PortOutOfRange {
            text: text.to_owned(),
        })?;
    if port == 0 && !allow_zero {
        return Err(InputError::PortZero);
    }
    Ok(port)
}

/// Splits `host:port`, `[v6]:port` or `v4:port` into host and port.
/// The host is not resolved here: resolving may block, so workers do it.
pub fn parse_host_port(text: &str) -> Result<(String, u16), InputError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InputError::AddressEmpty);
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| InputError::BadIp {
            text: text.to_owned(),
        })?;
        let port_text = after
            .strip_prefix(':')
            .ok_or_else(|| InputError::MissingPort {
                text: text.to_owned(),
            })?;
        return Ok((host.to_owned(), parse_port(port_text, false)?));
    }
    let (host, port_text) = text
        .rsplit_once(':')
        .ok_or_else(|| InputError::MissingPort {
            text: text.to_owned(),
        })?;
    // "fe80::1:7788" could be an address with or without a port: brackets settle it.
    if host.contains(':') {
        return Err(InputError::Ipv6NeedsBrackets {
            text: text.to_owned(),
        });
    }
    if host.is_empty() {
        return Err(InputError::AddressEmpty);
    }
    Ok((host.to_owned(), parse_port(port_text, false)?))
}

/// Parses a local IP (as text, brackets optional) and a local port (0 allowed).
pub fn parse_bind_addr(ip_text: &str, port_text: &str) -> Result<SocketAddr, InputError> {
    let ip_text = ip_text.trim();
    if ip_text.is_empty() {
        return Err(InputError::AddressEmpty);
    }
    let bare = ip_text
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(ip_text);
    let ip = bare.parse::<IpAddr>().map_err(|_| InputError::BadIp {
        text: ip_text.to_owned(),
    })?;
    Ok(SocketAddr::new(ip, parse_port(port_text, true)?))
}

/// Parses the CLI's `--bind`: `ADDR:PORT`, `[V6]:PORT`, or a bare `PORT` (all IPv4 interfaces).
pub fn parse_bind_arg(text: &str) -> Result<SocketAddr, InputError> {
    let text = text.trim();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return parse_bind_addr("0.0.0.0", text);
    }
    let (ip_text, port_text) = match text.strip_prefix('[') {
        Some(rest) => rest.split_once("]:"),
        None => text.rsplit_once(':'),
    }
    .ok_or_else(|| InputError::MissingPort {
        text: text.to_owned(),
    })?;
    parse_bind_addr(ip_text, port_text)
}

/// Ports below 1024 may need administrator rights to bind.
pub fn is_privileged_port(port: u16) -> bool {
    port != 0 && port < 1024
}

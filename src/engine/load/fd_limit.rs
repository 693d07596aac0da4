//! Each TCP connection holds a file descriptor. On Unix the process may hold at
//! most RLIMIT_NOFILE's soft limit (often 1024), which it may raise by itself up to
//! the hard limit; above that only the administrator can help (`ulimit -n`,
//! /etc/security/limits.conf). Windows has no such table: sockets are bounded by
//! memory and by the dynamic port range (16,384 ports by default), more than
//! [`super::MAX_CONNECTIONS`].

use super::LoadInputError;

/// Descriptors kept for what is not a connection (stdio, the pollers, a log file…).
pub const RESERVED: u64 = 64;

/// Makes sure `connections` sockets can be opened, raising the soft limit if the
/// hard limit allows.
#[cfg(unix)]
pub fn make_room_for(connections: usize) -> Result<(), LoadInputError> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let wanted = connections as u64 + RESERVED;
    let limit = getrlimit(Resource::Nofile);
    let soft = limit.current.unwrap_or(u64::MAX);
    if soft >= wanted {
        return Ok(());
    }
    let hard = limit.maximum.unwrap_or(u64::MAX);
    if hard >= wanted {
        let raised = Rlimit {
            current: Some(wanted),
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return Ok(());
        }
    }
    Err(LoadInputError::FdLimit {
        wanted: connections,
        limit: hard,
    })
}

#[cfg(not(unix))]
pub fn make_room_for(_connections: usize) -> Result<(), LoadInputError> {
    Ok(())
}

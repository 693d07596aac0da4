//! TLS on a TCP pair: toward the client (the relay is the server the device
//! talks to), toward the target (the relay is a client), or both, so a device's
//! session is terminated in the relay and the pumps, the log and the capture see
//! plaintext. Handshakes have a deadline; a pump's memory stays one read buffer
//! plus the plaintext of one read.

use std::io::{self, Read};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::Connection;

use super::super::tls::{
    HANDSHAKE_TIMEOUT, ServerIdentity, TlsClientOptions, TlsDuplex, TlsError, TlsInfo,
    client_connection, handshake,
};
use super::pump::{Got, SendError, Sink, Source};
use crate::engine::error::is_wait;

/// Terminates the client's TLS: the relay answers as the server.
pub(super) fn accept_client(
    identity: &ServerIdentity,
    stream: &TcpStream,
) -> Result<(Arc<TlsDuplex>, TlsInfo), TlsError> {
    let session =
        rustls::ServerConnection::new(identity.config.clone()).map_err(|err| TlsError::Config {
            message: err.to_string(),
        })?;
    secure(Connection::from(session), stream)
}

/// Speaks TLS to the target: the relay is its client.
pub(super) fn connect_server(
    options: &TlsClientOptions,
    host: &str,
    stream: &TcpStream,
) -> Result<(Arc<TlsDuplex>, TlsInfo), TlsError> {
    let session = client_connection(options, host)?;
    secure(Connection::from(session), stream)
}

fn secure(
    mut session: Connection,
    stream: &TcpStream,
) -> Result<(Arc<TlsDuplex>, TlsInfo), TlsError> {
    session.set_buffer_limit(Some(super::super::tls::SESSION_BUFFER));
    let info = handshake(&mut session, stream, HANDSHAKE_TIMEOUT)?;
    let writer = stream.try_clone().map_err(|err| TlsError::Protocol {
        message: err.to_string(),
    })?;
    Ok((Arc::new(TlsDuplex::new(session, writer)), info))
}

/// A pump's source on a TLS side: reads records, gives plaintext.
pub(super) struct TlsSource<'a> {
    pub stream: &'a TcpStream,
    pub tls: &'a TlsDuplex,
    pub timeout: Option<Duration>,
    /// Records read, and plaintext not yet handed out.
    pub raw: Vec<u8>,
    pub plain: Vec<u8>,
    pub given: usize,
    pub closed: bool,
    /// The plaintext the handshake read past its end was taken.
    pub drained: bool,
}

impl<'a> TlsSource<'a> {
    pub fn new(stream: &'a TcpStream, tls: &'a TlsDuplex) -> Self {
        TlsSource {
            stream,
            tls,
            timeout: None,
            raw: vec![0; super::pump::READ_BUFFER],
            plain: Vec::new(),
            given: 0,
            closed: false,
            drained: false,
        }
    }
}

impl Source for TlsSource<'_> {
    fn recv(&mut self, buf: &mut [u8], wait: Option<Duration>) -> Got {
        if self.given < self.plain.len() {
            let len = buf.len().min(self.plain.len() - self.given);
            buf[..len].copy_from_slice(&self.plain[self.given..self.given + len]);
            self.given += len;
            return Got::Data(len);
        }
        if self.closed {
            return Got::Eof;
        }
        if !self.drained {
            // What the peer sent right after its handshake, read by the handshake.
            self.drained = true;
            self.plain.clear();
            self.given = 0;
            match self.tls.absorb(&[], &mut self.plain) {
                Ok(absorbed) => self.closed = absorbed.peer_closed,
                Err(error) => return Got::Failed(io::Error::other(error)),
            }
            if !self.plain.is_empty() {
                return self.recv(buf, wait);
            }
        }
        #[cfg(windows)]
        let wait = Some(wait.map_or(super::tcp::WRITE_POLL, |w| w.min(super::tcp::WRITE_POLL)));
        let wanted = wait.map(|w| w.max(Duration::from_millis(1)));
        if wanted != self.timeout && self.stream.set_read_timeout(wanted).is_ok() {
            self.timeout = wanted;
        }
        let mut stream = self.stream;
        match stream.read(&mut self.raw) {
            Ok(0) => Got::Eof,
            Ok(len) => {
                self.plain.clear();
                self.given = 0;
                match self.tls.absorb(&self.raw[..len], &mut self.plain) {
                    Ok(absorbed) => {
                        self.closed = absorbed.peer_closed;
                        if self.plain.is_empty() {
                            return if self.closed { Got::Eof } else { Got::Timeout };
                        }
                        self.recv(buf, wait)
                    }
                    Err(error) => Got::Failed(io::Error::other(error)),
                }
            }
            Err(err) if is_wait(&err) => Got::Timeout,
            Err(err) => Got::Failed(err),
        }
    }
}

/// A pump's sink on a TLS side: encrypts, then writes the records.
pub(super) struct TlsSink<'a> {
    pub tls: &'a TlsDuplex,
    pub turn: &'a Mutex<()>,
    pub stop: &'a (dyn Fn() -> bool + Sync),
}

impl Sink for TlsSink<'_> {
    fn send(&mut self, data: &[u8]) -> Result<(), SendError> {
        let _turn = self
            .turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match self.tls.send_unless(data, self.stop) {
            Ok(()) => Ok(()),
            Err(_) if (self.stop)() => Err(SendError::Stopped),
            Err(err) => Err(SendError::Io(err)),
        }
    }
}

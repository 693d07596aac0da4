//! A pair's socket ends as the pump sees them: a plain TCP stream's or a TLS
//! session's source and sink.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::Duration;

#[cfg(windows)]
use super::WRITE_POLL;
use crate::engine::error::is_wait;
use crate::engine::relay::pump::{Got, SendError, Sink, Source};
use crate::engine::relay::tls::{TlsSink, TlsSource};

/// A side's source, plain or TLS.
pub(super) enum AnySource<'a> {
    Plain(TcpSource<'a>),
    Tls(TlsSource<'a>),
}

impl Source for AnySource<'_> {
    fn recv(&mut self, buf: &mut [u8], wait: Option<Duration>) -> Got {
        match self {
            AnySource::Plain(source) => source.recv(buf, wait),
            AnySource::Tls(source) => source.recv(buf, wait),
        }
    }
}

/// A side's sink, plain or TLS.
pub(super) enum AnySink<'a> {
    Plain(TcpSink<'a>),
    Tls(TlsSink<'a>),
}

impl Sink for AnySink<'_> {
    fn send(&mut self, data: &[u8]) -> Result<(), SendError> {
        match self {
            AnySink::Plain(sink) => sink.send(data),
            AnySink::Tls(sink) => sink.send(data),
        }
    }
}

pub(super) struct TcpSource<'a> {
    pub(super) stream: &'a TcpStream,
    /// The read timeout set on the socket now (set again only when it changes).
    pub(super) timeout: Option<Duration>,
}

impl Source for TcpSource<'_> {
    fn recv(&mut self, buf: &mut [u8], wait: Option<Duration>) -> Got {
        // Windows does not wake a blocked read on shutdown(Read), so the pump
        // looks at its stop flag this often there instead.
        #[cfg(windows)]
        let wait = Some(wait.map_or(WRITE_POLL, |w| w.min(WRITE_POLL)));
        let wanted = wait.map(|w| w.max(Duration::from_millis(1)));
        if wanted != self.timeout && self.stream.set_read_timeout(wanted).is_ok() {
            self.timeout = wanted;
        }
        let mut stream = self.stream;
        match stream.read(buf) {
            Ok(0) => Got::Eof,
            Ok(len) => Got::Data(len),
            Err(err) if is_wait(&err) => Got::Timeout,
            Err(err) => Got::Failed(err),
        }
    }
}

pub(super) struct TcpSink<'a> {
    pub(super) stream: &'a TcpStream,
    /// Held for a whole write: an injected message never lands inside another.
    pub(super) turn: &'a Mutex<()>,
    pub(super) stop: &'a (dyn Fn() -> bool + Sync),
}

impl Sink for TcpSink<'_> {
    fn send(&mut self, mut data: &[u8]) -> Result<(), SendError> {
        let _turn = self
            .turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while !data.is_empty() {
            let mut stream = self.stream;
            match stream.write(data) {
                Ok(0) => return Err(SendError::Io(io::ErrorKind::WriteZero.into())),
                Ok(len) => data = &data[len..],
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if (self.stop)() {
                        return Err(SendError::Stopped);
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(SendError::Io(err)),
            }
        }
        Ok(())
    }
}

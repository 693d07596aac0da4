//! The engine endpoints a traffic tab runs, as the core sees them.

use crate::engine::{
    CaptureSink, Counters, Skipped, TcpClient, TcpClientEvent, TcpServer, TcpServerEvent,
    UdpEndpoint, UdpEvent,
};

/// What the core needs of an endpoint: its events, exact counters, capture,
/// and what it skipped while the window was behind.
pub trait Endpoint {
    type Event;
    fn counters(&self) -> &Counters;
    fn set_capture(&self, sink: Option<CaptureSink>);
    fn take_skipped(&self) -> Option<Skipped>;
}

impl Endpoint for UdpEndpoint {
    type Event = UdpEvent;

    fn counters(&self) -> &Counters {
        UdpEndpoint::counters(self)
    }

    fn set_capture(&self, sink: Option<CaptureSink>) {
        UdpEndpoint::set_capture(self, sink);
    }

    fn take_skipped(&self) -> Option<Skipped> {
        UdpEndpoint::take_skipped(self)
    }
}

impl Endpoint for TcpClient {
    type Event = TcpClientEvent;

    fn counters(&self) -> &Counters {
        TcpClient::counters(self)
    }

    fn set_capture(&self, sink: Option<CaptureSink>) {
        TcpClient::set_capture(self, sink);
    }

    fn take_skipped(&self) -> Option<Skipped> {
        TcpClient::take_skipped(self)
    }
}

impl Endpoint for TcpServer {
    type Event = TcpServerEvent;

    fn counters(&self) -> &Counters {
        TcpServer::counters(self)
    }

    fn set_capture(&self, sink: Option<CaptureSink>) {
        TcpServer::set_capture(self, sink);
    }

    fn take_skipped(&self) -> Option<Skipped> {
        TcpServer::take_skipped(self)
    }
}

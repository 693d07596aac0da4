//! Connecting from the tab's settings, and sending what the send box asks for.

use super::{CONNECT_TIMEOUT, Status, TcpClientTab};
use crate::codec::Framing;
use crate::engine::{
    EngineError, FlowConfig, SendFn, SendOutcome, TcpClient, TcpClientConfig, parse_host_port,
    parse_port,
};
use crate::ui::send::SendRequest;
use crate::ui::send::jobs::FILE_STREAM_PIECE;

impl TcpClientTab {
    pub(super) fn send_request(&mut self, request: SendRequest) {
        self.send_error = None;
        let traffic = &mut self.traffic;
        let Some(client) = traffic.endpoint() else {
            self.send_error = Some(EngineError::NotConnected);
            return;
        };
        match request {
            SendRequest::Now(bytes) => match client.send(bytes) {
                Ok(()) => traffic.send_box.remember(&mut self.settings.send),
                Err(error) => self.send_error = Some(error),
            },
            SendRequest::Job(job) => {
                let send = stream_send_fn(client);
                let started = job.start(send, FILE_STREAM_PIECE, traffic.waker());
                traffic.send_box.job_started(started);
            }
        }
    }

    pub(super) fn connect(&mut self) {
        self.timeline_peer = None;
        self.target_error = None;
        self.send_error = None;
        let parsed = parse_host_port(&self.settings.target).and_then(|(host, port)| {
            let local = self.settings.local_port.trim();
            let local_port = if local.is_empty() {
                None
            } else {
                Some(parse_port(local, false)?)
            };
            Ok((host, port, local_port))
        });
        let (host, port, local_port) = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                self.target_error = Some(error);
                return;
            }
        };
        // What is wrong is on screen beside the framing's fields already.
        let Ok(framing) = self.settings.framing.framing() else {
            return;
        };
        self.framed = framing != Framing::AsRead;
        self.tls_session = None;
        self.tls_error = None;
        let tls = self.settings.tls.options();
        if let Some(options) = &tls
            && let Err(error) = options.check(&host)
        {
            self.tls_error = Some(EngineError::Tls(error));
            return;
        }
        let config = TcpClientConfig {
            tls,
            host,
            port,
            local_port,
            connect_timeout: CONNECT_TIMEOUT,
            flow: FlowConfig::display(),
            framing,
        };
        self.status = match self
            .traffic
            .start(|events, waker| TcpClient::connect(config, events, waker))
        {
            Ok(_) => Status::Connecting(self.settings.target.trim().to_owned()),
            Err(error) => Status::Failed(error),
        };
    }
}

/// One message onto the connection; a full queue means "wait", anything else "stop".
fn stream_send_fn(client: &TcpClient) -> SendFn {
    let sender = client.sender();
    Box::new(move |bytes| match sender.send(bytes) {
        Ok(()) => SendOutcome::Sent,
        Err(EngineError::SendQueueFull { .. }) => SendOutcome::Busy,
        Err(_) => SendOutcome::Gone,
    })
}

//! Starting the server from the tab's settings.

use super::client_table::ClientTable;
use super::{Status, TcpServerTab};
use crate::codec::Framing;
use crate::engine::tls::server_identity;
use crate::engine::{
    AutoReply, EngineError, FlowConfig, TcpServer, TcpServerConfig, parse_bind_addr,
};

impl TcpServerTab {
    /// Starts listening with the tab's settings, or resumes a paused listener.
    pub(super) fn start(&mut self) {
        self.port_error = None;
        self.send_problem = None;
        if let Some(server) = self.traffic.endpoint() {
            if let Err(error) = server.resume_listening() {
                self.status = Status::Failed(error);
            }
            return;
        }
        let bind = match parse_bind_addr(&self.settings.local_ip, &self.settings.local_port) {
            Ok(bind) => bind,
            Err(error) => {
                self.port_error = Some(error);
                return;
            }
        };
        // What is wrong is on screen beside the framing's fields already.
        let Ok(framing) = self.settings.framing.framing() else {
            return;
        };
        // An error is on screen beside the auto-reply settings already.
        let auto_reply = self
            .auto_reply
            .clone()
            .unwrap_or_else(|_| AutoReply::none());
        self.tls_error = None;
        let tls = match self.settings.tls.options().map(|o| server_identity(&o)) {
            None => None,
            Some(Ok(identity)) => Some(identity),
            Some(Err(error)) => {
                self.tls_error = Some(EngineError::Tls(error));
                return;
            }
        };
        self.tls_identity = tls.clone();
        let config = TcpServerConfig {
            tls,
            bind,
            max_clients: self.settings.max_clients,
            backlog: self.settings.backlog,
            auto_reply,
            flow: FlowConfig::display(),
            framing: framing.clone(),
        };
        match self
            .traffic
            .start(|events, waker| TcpServer::start(config, events, waker))
        {
            Ok(server) => {
                self.framed = framing != Framing::AsRead;
                self.status = Status::Listening(server.local_addr());
                self.clients = ClientTable::default();
                self.map.clear();
            }
            Err(error) => self.status = Status::Failed(error),
        }
    }
}

//! TLS in the window: the client's options (TCP client tab) and what a
//! handshake agreed, with the peer's certificate chain.

pub mod client_options;
pub mod server_options;
pub mod session_view;

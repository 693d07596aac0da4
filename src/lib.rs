//! netdbg: a network debugging assistant (网络调试助手) — UDP, TCP and file
//! transfer in a window or headless from the command line.

pub mod app;
pub mod build_info;
pub mod cli;
pub mod codec;
pub mod engine;
pub mod i18n;
pub mod platform;
pub mod settings_home;
pub mod ui;

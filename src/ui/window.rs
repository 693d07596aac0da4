//! Opens the native window.

use std::process::ExitCode;

use crate::app::NetdbgApp;

const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

pub fn run() -> ExitCode {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(crate::i18n::Lang::Zh.texts().app_title)
        .with_app_id("netdbg")
        .with_inner_size([1100.0, 720.0])
        .with_min_inner_size([640.0, 420.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    let result = eframe::run_native(
        "netdbg",
        options,
        Box::new(|cc| Ok(Box::new(NetdbgApp::new(cc)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("netdbg: cannot open the window: {error}");
            ExitCode::from(1)
        }
    }
}

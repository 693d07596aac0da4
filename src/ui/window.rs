//! Opens the native window.

use std::process::ExitCode;
use std::time::Instant;

use crate::app::NetdbgApp;
use crate::ui::probe::Probe;

const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// `started` is when the process began, for the startup probe.
pub fn run(started: Instant) -> ExitCode {
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
        renderer: renderer_choice(),
        ..Default::default()
    };
    let result = eframe::run_native(
        "netdbg",
        options,
        Box::new(move |cc| {
            Ok(Box::new(
                NetdbgApp::new(cc).with_probe(Probe::from_env(started)),
            ))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("netdbg: cannot open the window: {error}");
            ExitCode::from(1)
        }
    }
}

/// glow by default (see README, "Renderer"); a build with the `wgpu-renderer`
/// feature can be switched with `NETDBG_RENDERER=wgpu` to compare the two.
fn renderer_choice() -> eframe::Renderer {
    #[cfg(feature = "wgpu-renderer")]
    if std::env::var("NETDBG_RENDERER").is_ok_and(|v| v == "wgpu") {
        return eframe::Renderer::Wgpu;
    }
    eframe::Renderer::Glow
}

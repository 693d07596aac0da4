//! Opens the native window.

use std::process::ExitCode;
use std::time::Instant;

use std::path::Path;

use crate::app::NetdbgApp;
use crate::settings_home::SettingsHome;
use crate::ui::probe::Probe;

const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// `started` is when the process began, for the startup probe.
pub fn run(started: Instant) -> ExitCode {
    crate::platform::keep_freed_memory_for_reuse();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(crate::i18n::Lang::Zh.texts().app_title)
        .with_app_id("netdbg")
        .with_inner_size([1100.0, 720.0])
        .with_min_inner_size([640.0, 420.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let renderer = renderer_choice();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if renderer == eframe::Renderer::Glow {
        preload_gl_driver();
    }
    let settings_home = SettingsHome::of_this_program();
    let options = eframe::NativeOptions {
        viewport,
        renderer,
        // Added by the app once the first frame is shown (SystemFontsAfterFirstFrame).
        system_font_fallback: false,
        persistence_path: settings_home.file().map(Path::to_owned),
        ..Default::default()
    };
    let result = eframe::run_native(
        "netdbg",
        options,
        Box::new(move |cc| {
            Ok(Box::new(
                NetdbgApp::new(cc)
                    .with_probe(Probe::from_env(started))
                    .with_system_fonts()
                    .with_portable_problem(settings_home.into_problem()),
            ))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("netdbg: cannot open the window: {error}");
            if renderer == eframe::Renderer::Glow {
                return relaunch_with_wgpu();
            }
            ExitCode::from(1)
        }
    }
}

/// Mesa's driver loads on the second core while winit connects (see the module);
/// the startup probe (`NETDBG_PROBE=1`) tells what it did.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn preload_gl_driver() {
    let report = Probe::enabled_by_env();
    crate::platform::gl_driver_preload::start(move |outcome| {
        if report {
            Probe::report_gl_driver_preload(&outcome);
        }
    });
}

/// winit allows one event loop per process, so trying the other renderer
/// means starting ourselves again.
#[cfg(any(windows, feature = "wgpu-renderer"))]
fn relaunch_with_wgpu() -> ExitCode {
    eprintln!("netdbg: trying again with wgpu");
    let Ok(exe) = std::env::current_exe() else {
        return ExitCode::from(1);
    };
    match std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(RENDERER_ENV, "wgpu")
        .status()
    {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

#[cfg(not(any(windows, feature = "wgpu-renderer")))]
fn relaunch_with_wgpu() -> ExitCode {
    ExitCode::from(1)
}

#[cfg(any(windows, feature = "wgpu-renderer"))]
const RENDERER_ENV: &str = "NETDBG_RENDERER";

/// glow by default (see README, "Renderer"). Builds with wgpu too (Windows, where
/// a PC without GPU drivers has only OpenGL 1.1 but DX12's software adapter;
/// or the `wgpu-renderer` feature) fall back to it, or use it with `NETDBG_RENDERER=wgpu`.
fn renderer_choice() -> eframe::Renderer {
    #[cfg(any(windows, feature = "wgpu-renderer"))]
    if std::env::var(RENDERER_ENV).is_ok_and(|v| v == "wgpu") {
        return eframe::Renderer::Wgpu;
    }
    eframe::Renderer::Glow
}

//! Opens the native window: eframe's (glow, or wgpu), or where there is no GPU
//! the one drawn on the CPU (`software`).

mod geometry;
mod settings_file;
mod software;

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
    let settings_home = SettingsHome::of_this_program();
    Probe::report_renderer(renderer.name());
    let Renderer::Eframe(renderer) = renderer else {
        return run_software(viewport, started, settings_home);
    };
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if renderer == eframe::Renderer::Glow {
        preload_gl_driver();
    }
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
                return relaunch_with(WGPU_FALLBACK);
            }
            ExitCode::from(1)
        }
    }
}

/// The window drawn on the CPU; if it cannot open, eframe's with OpenGL.
fn run_software(
    viewport: egui::ViewportBuilder,
    started: Instant,
    settings_home: SettingsHome,
) -> ExitCode {
    let settings_path = settings_home
        .file()
        .map(Path::to_owned)
        .or_else(|| eframe::storage_dir("netdbg").map(|folder| folder.join("app.ron")));
    let settings = settings_path.map(settings_file::SettingsFile::open);
    let result = software::run(
        viewport,
        settings,
        Box::new(move |ctx, storage| {
            NetdbgApp::restored(ctx, storage)
                .with_probe(Probe::from_env(started))
                .with_system_fonts()
                .with_portable_problem(settings_home.into_problem())
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("netdbg: cannot open the window drawn on the CPU: {error}");
            relaunch_with(Some("glow"))
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

/// winit allows one event loop per process, so trying another renderer means
/// starting ourselves again, with `NETDBG_RENDERER` set to it.
fn relaunch_with(renderer: Option<&str>) -> ExitCode {
    let Some(renderer) = renderer else {
        return ExitCode::from(1);
    };
    if std::env::var(RENDERER_ENV).is_ok_and(|chosen| chosen == renderer) {
        return ExitCode::from(1);
    }
    eprintln!("netdbg: trying again with {renderer}");
    let Ok(exe) = std::env::current_exe() else {
        return ExitCode::from(1);
    };
    match std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(RENDERER_ENV, renderer)
        .status()
    {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// Where glow cannot open a window: wgpu, in builds that have it.
#[cfg(any(windows, feature = "wgpu-renderer"))]
const WGPU_FALLBACK: Option<&str> = Some("wgpu");
#[cfg(not(any(windows, feature = "wgpu-renderer")))]
const WGPU_FALLBACK: Option<&str> = None;

/// `glow`, `wgpu` or `software`: the renderer to use instead of the default.
const RENDERER_ENV: &str = "NETDBG_RENDERER";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Renderer {
    Eframe(eframe::Renderer),
    /// Drawn on the CPU (`software.rs`).
    Software,
}

impl Renderer {
    fn name(self) -> &'static str {
        match self {
            Renderer::Eframe(eframe::Renderer::Glow) => "glow",
            #[cfg(any(windows, feature = "wgpu-renderer"))]
            Renderer::Eframe(eframe::Renderer::Wgpu) => "wgpu",
            Renderer::Software => "software",
        }
    }
}

/// See README, "Renderer". `NETDBG_RENDERER` chooses; otherwise a Linux machine
/// without a GPU gets the window drawn on the CPU (Mesa would draw it in software
/// anyway, with llvmpipe), everything else glow. Builds with wgpu too (Windows,
/// where a PC without GPU drivers has only OpenGL 1.1 but DX12's software
/// adapter; or the `wgpu-renderer` feature) fall back to it.
fn renderer_choice() -> Renderer {
    match std::env::var(RENDERER_ENV).as_deref() {
        Ok("software") => return Renderer::Software,
        Ok("glow") => return Renderer::Eframe(eframe::Renderer::Glow),
        #[cfg(any(windows, feature = "wgpu-renderer"))]
        Ok("wgpu") => return Renderer::Eframe(eframe::Renderer::Wgpu),
        _ => {}
    }
    if crate::platform::has_no_gpu() {
        Renderer::Software
    } else {
        Renderer::Eframe(eframe::Renderer::Glow)
    }
}

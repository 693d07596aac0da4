//! The CPU-drawn window's place and size, kept across starts under the key eframe
//! uses ("window"), so a user who switches renderers keeps the window where it was.
//! egui-winit does the work; this is eframe's glue for it, which eframe keeps private.

use egui::ViewportBuilder;
use egui_winit::winit;
use egui_winit::{WindowGeometry, WindowSettings};
use winit::event_loop::ActiveEventLoop;
use winit::window::Window;

/// eframe's key for the window's settings.
const WINDOW_KEY: &str = "window";

/// The place and size saved last time, fitted to the monitors there are now.
pub struct SavedGeometry(Option<WindowSettings>);

impl SavedGeometry {
    pub fn load(
        storage: Option<&dyn eframe::Storage>,
        zoom: f32,
        event_loop: &ActiveEventLoop,
    ) -> Self {
        let mut settings: Option<WindowSettings> =
            storage.and_then(|storage| eframe::get_value(storage, WINDOW_KEY));
        if let Some(settings) = &mut settings {
            settings.clamp_size_to_sane_values(largest_monitor_points(zoom, event_loop));
            settings.clamp_position_to_monitors(zoom, event_loop);
        }
        Self(settings)
    }

    /// The window to create: the saved place and size instead of the defaults.
    pub fn apply(&self, zoom: f32, viewport: ViewportBuilder) -> ViewportBuilder {
        match &self.0 {
            Some(settings) => settings.initialize_viewport_builder(zoom, viewport),
            None => viewport,
        }
    }

    /// Right after the window is created: what only a window can be told.
    pub fn created(&self, window: &Window) {
        if let Some(settings) = &self.0 {
            settings.initialize_window(window);
            settings.before_first_show(window);
        }
    }

    /// Right after the window is first shown (X11 ignores maximizing a hidden one).
    pub fn shown(&self, window: &Window) {
        if let Some(settings) = &self.0 {
            settings.after_first_show(window);
        }
    }

    /// The size the window had when neither maximized nor fullscreen.
    pub fn normal(&self) -> Option<WindowGeometry> {
        self.0.as_ref().map(WindowSettings::normal_geometry)
    }
}

/// Saves the window's place and size; returns its size when neither maximized nor
/// fullscreen, to keep for the next save.
pub fn save(
    storage: &mut dyn eframe::Storage,
    zoom: f32,
    window: &Window,
    normal: Option<WindowGeometry>,
) -> WindowGeometry {
    let settings = WindowSettings::from_window(zoom, window, normal);
    eframe::set_value(storage, WINDOW_KEY, &settings);
    settings.normal_geometry()
}

/// eframe's limit: a window larger than every monitor can crash some Linux systems.
fn largest_monitor_points(zoom: f32, event_loop: &ActiveEventLoop) -> egui::Vec2 {
    let largest = event_loop
        .available_monitors()
        .map(|monitor| {
            let size = monitor
                .size()
                .to_logical::<f32>(f64::from(zoom) * monitor.scale_factor());
            egui::vec2(size.width, size.height)
        })
        .fold(egui::Vec2::ZERO, egui::Vec2::max);
    if largest == egui::Vec2::ZERO {
        egui::Vec2::splat(16_000.0)
    } else {
        largest
    }
}

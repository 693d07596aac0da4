//! The window drawn on the CPU, for machines without a GPU. There Mesa would draw
//! through llvmpipe, whose LLVM holds ~23 MB and takes ~20 ms to load; egui's
//! shapes are rasterized here by `egui_software_backend` (vendored, see its
//! Cargo.toml) and put on the window by softbuffer. The loop is eframe's, cut to
//! what netdbg uses: one viewport, input and output through egui-winit, repaints
//! when egui asks for them, the settings saved every 30 s and on close, AccessKit.

use std::num::NonZeroU32;
use std::rc::Rc;
use std::time::{Duration, Instant};

use egui::{ViewportBuilder, ViewportId, ViewportInfo};
use egui_software_backend::{BufferMutRef, ColorFieldOrder, EguiSoftwareRender};
use egui_winit::winit;
use egui_winit::{WindowGeometry, accesskit_winit};
use winit::application::ApplicationHandler;
use winit::event::WindowEvent;
use winit::event_loop::{
    ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy, OwnedDisplayHandle,
};
use winit::window::{Window, WindowId};

use super::geometry::{self, SavedGeometry};
use super::settings_file::SettingsFile;
use crate::app::NetdbgApp;

/// How often the settings are saved while the window is open (eframe's interval).
const AUTOSAVE_EVERY: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum SoftwareWindowError {
    #[error("{0}")]
    EventLoop(#[from] winit::error::EventLoopError),
    #[error("{0}")]
    Window(#[from] winit::error::OsError),
    #[error("{0}")]
    Pixels(#[from] softbuffer::SoftBufferError),
}

/// Builds the app once the window exists, from the saved settings if any.
pub type MakeApp = Box<dyn FnOnce(&egui::Context, Option<&dyn eframe::Storage>) -> NetdbgApp>;

pub fn run(
    viewport: ViewportBuilder,
    settings: Option<SettingsFile>,
    make_app: MakeApp,
) -> Result<(), SoftwareWindowError> {
    let event_loop = EventLoop::<UserEvent>::with_user_event().build()?;
    let ctx = egui::Context::default();
    let proxy = event_loop.create_proxy();
    let repaint_proxy = event_loop.create_proxy();
    ctx.set_request_repaint_callback(move |info| {
        let when = Instant::now() + info.delay;
        let pass_nr = info.current_cumulative_pass_nr;
        // Fails only once the loop has ended.
        repaint_proxy
            .send_event(UserEvent::Repaint { when, pass_nr })
            .ok();
    });
    let mut handler = Handler {
        running: None,
        softbuffer: softbuffer::Context::new(event_loop.owned_display_handle())?,
        ctx,
        proxy,
        viewport,
        make_app: Some(make_app),
        settings,
        repaint_at: None,
        last_save: Instant::now(),
        frame_not_before: Instant::now(),
        input_waiting: false,
        error: None,
    };
    event_loop.run_app(&mut handler)?;
    match handler.error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

enum UserEvent {
    /// egui asked for a frame at `when`, during pass `pass_nr`.
    Repaint {
        when: Instant,
        pass_nr: u64,
    },
    AccessKit(accesskit_winit::Event),
}

impl From<accesskit_winit::Event> for UserEvent {
    fn from(event: accesskit_winit::Event) -> Self {
        Self::AccessKit(event)
    }
}

struct Handler {
    /// First, so it goes before the display connection the contexts hold.
    running: Option<Running>,
    softbuffer: softbuffer::Context<OwnedDisplayHandle>,
    ctx: egui::Context,
    /// For AccessKit's adapter.
    proxy: EventLoopProxy<UserEvent>,
    viewport: ViewportBuilder,
    make_app: Option<MakeApp>,
    settings: Option<SettingsFile>,
    /// When the next frame is due, if one is.
    repaint_at: Option<Instant>,
    last_save: Instant,
    /// When the next frame may start: a display refresh after the last one began.
    frame_not_before: Instant,
    /// A click or key waits to be answered: the next frame starts at once.
    input_waiting: bool,
    error: Option<SoftwareWindowError>,
}

/// The open window. Field order is drop order: egui-winit's clipboard goes
/// before the window it serves (on Wayland the other order crashes).
struct Running {
    egui_winit: egui_winit::State,
    surface: softbuffer::Surface<OwnedDisplayHandle, Rc<Window>>,
    window: Rc<Window>,
    info: ViewportInfo,
    renderer: EguiSoftwareRender,
    app: NetdbgApp,
    /// Seconds the previous frame took, from input to present (as eframe's `cpu_usage`).
    previous_frame_cpu: Option<f32>,
    surface_size: (u32, u32),
    /// One refresh of the window's display.
    frame_interval: Duration,
    /// Its place and size when last neither maximized nor fullscreen.
    normal_geometry: Option<WindowGeometry>,
}

impl Handler {
    fn open(&mut self, event_loop: &ActiveEventLoop) -> Result<(), SoftwareWindowError> {
        let Some(make_app) = self.make_app.take() else {
            return Ok(());
        };
        let zoom = self.ctx.zoom_factor();
        let storage = self.settings.as_ref().map(|s| s as &dyn eframe::Storage);
        let geometry = SavedGeometry::load(storage, zoom, event_loop);
        // AccessKit's adapter must exist before the window is shown.
        let hidden = geometry
            .apply(zoom, self.viewport.clone())
            .with_visible(false);
        let window = Rc::new(egui_winit::create_window(&self.ctx, event_loop, &hidden)?);
        geometry.created(&window);
        let mut info = ViewportInfo::default();
        egui_winit::update_viewport_info(&mut info, &self.ctx, &window, true);
        let mut egui_winit = egui_winit::State::new(
            self.ctx.clone(),
            ViewportId::ROOT,
            event_loop,
            Some(window.scale_factor() as f32),
            event_loop.system_theme(),
            None,
        );
        egui_winit.init_accesskit(event_loop, &window, self.proxy.clone());
        let surface = softbuffer::Surface::new(&self.softbuffer, Rc::clone(&window))?;
        let pixels_per_point = egui_winit::pixels_per_point(&self.ctx, &window);
        self.ctx.input_mut(|input| {
            input.raw.viewports.insert(ViewportId::ROOT, info.clone());
            input.pixels_per_point = pixels_per_point;
        });
        let app = make_app(&self.ctx, storage);
        let frame_interval = refresh_interval(&window);
        window.set_visible(true);
        geometry.shown(&window);
        window.request_redraw();
        self.running = Some(Running {
            egui_winit,
            surface,
            window,
            info,
            renderer: EguiSoftwareRender::new(ColorFieldOrder::Bgra),
            app,
            previous_frame_cpu: None,
            surface_size: (0, 0),
            frame_interval,
            normal_geometry: geometry.normal(),
        });
        Ok(())
    }

    /// The app's settings and the window's place and size, to the settings file.
    fn save(&mut self) {
        if let (Some(running), Some(settings)) = (&mut self.running, &mut self.settings) {
            running.app.save_settings(settings);
            let zoom = self.ctx.zoom_factor();
            running.normal_geometry = Some(geometry::save(
                settings,
                zoom,
                &running.window,
                running.normal_geometry,
            ));
            eframe::Storage::flush(settings);
        }
        self.last_save = Instant::now();
    }

    fn draw(&mut self, event_loop: &ActiveEventLoop) {
        let Some(running) = &mut self.running else {
            return;
        };
        match running.frame(&self.ctx, event_loop) {
            Ok(delay) => {
                // This frame served every repaint asked for before it (as
                // eframe's loop); those asked for during it arrive after.
                self.repaint_at = None;
                if let Some(delay) = delay {
                    self.want_repaint(Instant::now() + delay);
                }
                if self.last_save.elapsed() >= AUTOSAVE_EVERY {
                    self.save();
                }
            }
            Err(error) => {
                self.error = Some(error);
                event_loop.exit();
            }
        }
    }

    fn want_repaint(&mut self, when: Instant) {
        self.repaint_at = Some(self.repaint_at.map_or(when, |at| at.min(when)));
    }
}

impl Running {
    /// One frame: input, the app's logic and layout, then the pixels. A window
    /// that shows nothing (minimized, no size) runs the logic alone, so the
    /// engine's events are still taken as they come.
    fn frame(
        &mut self,
        ctx: &egui::Context,
        event_loop: &ActiveEventLoop,
    ) -> Result<Option<Duration>, SoftwareWindowError> {
        let started = Instant::now();
        egui_winit::update_viewport_info(&mut self.info, ctx, &self.window, false);
        let mut raw_input = self.egui_winit.take_egui_input(&self.window);
        raw_input
            .viewports
            .insert(ViewportId::ROOT, self.info.clone());
        crate::ui::fonts::cap_glyph_atlas(&mut raw_input);
        let size = self.window.inner_size();
        let shown = self.info.minimized != Some(true);
        let (Some(width), Some(height), true) = (
            NonZeroU32::new(size.width),
            NonZeroU32::new(size.height),
            shown,
        ) else {
            let previous = self.previous_frame_cpu;
            let output = ctx.run_logic(&raw_input, |ctx| self.app.frame_logic(ctx, previous));
            self.egui_winit.handle_platform_output_with_event_loop(
                &self.window,
                event_loop,
                output.platform_output,
            );
            return Ok(None);
        };
        let previous = self.previous_frame_cpu;
        let output = ctx.run_ui(raw_input, |ui| {
            self.app.frame_logic(ui.ctx(), previous);
            self.app.frame_ui(ui);
        });
        self.egui_winit.handle_platform_output_with_event_loop(
            &self.window,
            event_loop,
            output.platform_output,
        );
        let repaint_delay = output
            .viewport_output
            .get(&ViewportId::ROOT)
            .map_or(Duration::MAX, |viewport| viewport.repaint_delay);
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        let mut textures = output.textures_delta;
        let painted = self.paint(
            ctx,
            (width, height),
            &primitives,
            &mut textures,
            output.pixels_per_point,
        );
        // Unapplied when painting failed: the window closes with that error.
        textures.clear();
        painted?;
        self.app.frame_presented();
        self.previous_frame_cpu = Some(started.elapsed().as_secs_f32());
        Ok((repaint_delay != Duration::MAX).then_some(repaint_delay))
    }

    /// The frame's pixels: the backdrop, egui's shapes over it, then to the window.
    fn paint(
        &mut self,
        ctx: &egui::Context,
        (width, height): (NonZeroU32, NonZeroU32),
        primitives: &[egui::ClippedPrimitive],
        textures: &mut egui::TexturesDelta,
        pixels_per_point: f32,
    ) -> Result<(), SoftwareWindowError> {
        if self.surface_size != (width.get(), height.get()) {
            self.surface.resize(width, height)?;
            self.surface_size = (width.get(), height.get());
        }
        let mut buffer = self.surface.buffer_mut()?;
        buffer.fill(backdrop_pixel(ctx));
        let mut target = BufferMutRef::new(
            bytemuck::cast_slice_mut(&mut buffer),
            width.get() as usize,
            height.get() as usize,
        );
        self.renderer
            .render(&mut target, primitives, textures, pixels_per_point);
        buffer.present()?;
        Ok(())
    }
}

/// One refresh of the display the window is on; 60 Hz when it does not say
/// (Xvfb), kept between 240 and 30 Hz.
fn refresh_interval(window: &Window) -> Duration {
    let millihertz = window
        .current_monitor()
        .and_then(|monitor| monitor.refresh_rate_millihertz())
        .unwrap_or(60_000)
        .clamp(30_000, 240_000);
    Duration::from_secs_f64(1000.0 / f64::from(millihertz))
}

/// The window's backdrop (panels have no fill of their own), as softbuffer's
/// `0x00RRGGBB`.
fn backdrop_pixel(ctx: &egui::Context) -> u32 {
    let [r, g, b, _] = crate::ui::backdrop::clear_color(&ctx.global_style().visuals);
    let channel = |value: f32| (value.clamp(0.0, 1.0) * 255.0).round() as u32;
    (channel(r) << 16) | (channel(g) << 8) | channel(b)
}

impl ApplicationHandler<UserEvent> for Handler {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.running.is_some() {
            return;
        }
        if let Err(error) = self.open(event_loop) {
            self.error = Some(error);
            event_loop.exit();
        }
    }

    fn user_event(&mut self, _event_loop: &ActiveEventLoop, event: UserEvent) {
        let Some(running) = &mut self.running else {
            return;
        };
        match event {
            UserEvent::Repaint { when, pass_nr } => {
                // A request made before the last frame began was served by it.
                let current = self.ctx.cumulative_pass_nr_for(ViewportId::ROOT);
                if current == pass_nr || current == pass_nr + 1 {
                    self.want_repaint(when);
                }
            }
            UserEvent::AccessKit(accesskit_winit::Event { window_event, .. }) => match window_event
            {
                accesskit_winit::WindowEvent::InitialTreeRequested => {
                    self.ctx.enable_accesskit();
                    running.window.request_redraw();
                }
                accesskit_winit::WindowEvent::ActionRequested(request) => {
                    running.egui_winit.on_accesskit_action_request(request);
                    running.window.request_redraw();
                }
                accesskit_winit::WindowEvent::AccessibilityDeactivated => {
                    self.ctx.disable_accesskit();
                }
            },
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        let Some(running) = &mut self.running else {
            return;
        };
        match event {
            WindowEvent::RedrawRequested => {
                let now = Instant::now();
                let answers_input = std::mem::take(&mut self.input_waiting);
                if now < self.frame_not_before && !answers_input {
                    // One frame per refresh of the display at most, as vsync paces
                    // eframe's: an animation would otherwise draw hundreds a second.
                    let at = self.frame_not_before;
                    self.want_repaint(at);
                    return;
                }
                self.frame_not_before = now + running.frame_interval;
                self.draw(event_loop);
            }
            WindowEvent::CloseRequested => {
                self.save();
                self.running = None;
                event_loop.exit();
            }
            event => {
                if running
                    .egui_winit
                    .on_window_event(&running.window, &event)
                    .repaint
                {
                    // A click or a key is answered at once; motion, the wheel and
                    // the rest wait for the display's refresh.
                    self.input_waiting |= matches!(
                        event,
                        WindowEvent::MouseInput { .. }
                            | WindowEvent::KeyboardInput { .. }
                            | WindowEvent::Ime(_)
                            | WindowEvent::Touch(_)
                    );
                    running.window.request_redraw();
                }
            }
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        let Some(running) = &self.running else {
            return;
        };
        match self.repaint_at {
            Some(at) if at <= Instant::now() => {
                self.repaint_at = None;
                running.window.request_redraw();
                event_loop.set_control_flow(ControlFlow::Wait);
            }
            Some(at) => event_loop.set_control_flow(ControlFlow::WaitUntil(at)),
            None => event_loop.set_control_flow(ControlFlow::Wait),
        }
    }

    fn exiting(&mut self, _event_loop: &ActiveEventLoop) {
        if self.running.is_some() {
            self.save();
            self.running = None;
        }
    }
}

//! Opt-in measurements for the benchmarks, enabled with `NETDBG_PROBE=1`:
//! the time from process start to the first presented frame, once a second
//! the slowest and mean CPU time of the frames drawn, with the datagrams
//! received so far (UDP datagrams plus TCP server reads) and bytes, and for
//! every mouse press the wall-clock time its frame was on screen (so a script
//! that clicks can tell click-to-repaint time). Printed to stderr.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Frames at least this long are reported one by one: their logic, layout, and
/// the UI thread's CPU time (much less than the frame: it waited for a core).
const SLOW_FRAME_S: f32 = 0.012;

pub struct Probe {
    started: Instant,
    frames: u64,
    window_start: Instant,
    worst: f32,
    sum: f32,
    counted: u32,
    /// A frame handled a mouse press; the next frame starts once it is shown.
    press_pending: bool,
    /// When this frame's logic began, and the slowest logic (applying events)
    /// and layout of the frames since the last report.
    frame_started: Instant,
    logic_ended: Instant,
    worst_logic: Duration,
    worst_layout: Duration,
    /// The logic and layout times of the frame before this one.
    last_logic: Duration,
    last_layout: Duration,
    /// The UI thread's CPU time when this frame began (where the system tells):
    /// a slow frame that used much less waited for a core.
    thread_cpu_at_frame: Option<Duration>,
}

impl Probe {
    /// Whether `NETDBG_PROBE=1` asks for the measurements.
    pub fn enabled_by_env() -> bool {
        std::env::var("NETDBG_PROBE").is_ok_and(|v| v == "1")
    }

    /// One line naming the renderer the window uses (`glow`, `wgpu`, `software`).
    pub fn report_renderer(name: &str) {
        if Self::enabled_by_env() {
            eprintln!("probe renderer={name}");
        }
    }

    /// One line on what the GL driver preload did: how long it waited for winit's
    /// X11 libraries, then how long the driver took to load (or NA and why not).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    pub fn report_gl_driver_preload(outcome: &crate::platform::gl_driver_preload::Outcome) {
        let loading = match &outcome.loading {
            Ok(took) => format!("{:.1}", took.as_secs_f64() * 1e3),
            Err(why) => format!("NA not_loaded=\"{why}\""),
        };
        eprintln!(
            "probe gl_driver_preload waited_ms={:.1} loading_ms={loading} driver={}",
            outcome.waited.as_secs_f64() * 1e3,
            outcome.driver.display()
        );
    }

    pub fn from_env(started: Instant) -> Option<Self> {
        let enabled = Self::enabled_by_env();
        if enabled {
            eprintln!("probe app_created_ms={:.1}", ms_since(started));
        }
        enabled.then(|| Self {
            started,
            frames: 0,
            window_start: Instant::now(),
            worst: 0.0,
            sum: 0.0,
            counted: 0,
            press_pending: false,
            frame_started: Instant::now(),
            logic_ended: Instant::now(),
            worst_logic: Duration::ZERO,
            worst_layout: Duration::ZERO,
            last_logic: Duration::ZERO,
            last_layout: Duration::ZERO,
            thread_cpu_at_frame: crate::platform::thread_cpu_time(),
        })
    }

    /// Call when a frame's logic (applying engine events) is done.
    pub fn logic_done(&mut self) {
        self.logic_ended = Instant::now();
        self.last_logic = self.logic_ended - self.frame_started;
        self.worst_logic = self.worst_logic.max(self.last_logic);
    }

    /// Call when a frame is on the screen, where the window can tell (the one
    /// drawn on the CPU): a press is shown then, not when the next frame begins,
    /// which waits for the display's next refresh there.
    pub fn presented(&mut self) {
        self.report_press_shown();
    }

    fn report_press_shown(&mut self) {
        if std::mem::take(&mut self.press_pending) {
            let shown = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            eprintln!("probe press_shown_unix_ns={}", shown.as_nanos());
        }
    }

    /// Call when a frame's widgets are laid out (before it is painted).
    pub fn laid_out(&mut self) {
        self.last_layout = self.logic_ended.elapsed();
        self.worst_layout = self.worst_layout.max(self.last_layout);
        if self.frames == 1 {
            eprintln!(
                "probe first_frame_laid_out_ms={:.1}",
                ms_since(self.started)
            );
        }
    }

    /// Call once per frame with eframe's CPU time of the previous frame and
    /// the engine's counts of datagrams (or reads) and bytes received so far.
    pub fn frame(
        &mut self,
        ctx: &egui::Context,
        previous_frame_cpu: Option<f32>,
        (rx_packets, rx_bytes): (u64, u64),
    ) {
        self.frames += 1;
        self.frame_started = Instant::now();
        let thread_cpu = crate::platform::thread_cpu_time();
        // What the UI thread used since the previous frame began: that frame's work
        // (waiting for the next frame uses none).
        let used = thread_cpu
            .zip(self.thread_cpu_at_frame)
            .map(|(now, then)| now.saturating_sub(then));
        self.thread_cpu_at_frame = thread_cpu;
        // eframe's window: the frame that showed the press was presented
        // before this one began.
        self.report_press_shown();
        if ctx.input(|input| input.pointer.any_pressed()) {
            self.press_pending = true;
            ctx.request_repaint();
        }
        // The second frame starts after the first was presented.
        match self.frames {
            1 => eprintln!("probe first_frame_begins_ms={:.1}", ms_since(self.started)),
            2 => eprintln!("probe first_frame_ms={:.1}", ms_since(self.started)),
            _ => {}
        }
        if let Some(cpu) = previous_frame_cpu {
            // Which part of a slow frame was slow: applying events, laying out, or
            // the rest (tessellating and painting).
            if cpu >= SLOW_FRAME_S {
                let used = used.map_or("NA".to_owned(), |used| {
                    format!("{:.2}", used.as_secs_f64() * 1000.0)
                });
                eprintln!(
                    "probe slow_frame n={} ms={:.2} logic_ms={:.2} layout_ms={:.2} thread_cpu_ms={used}",
                    self.frames - 1,
                    cpu * 1000.0,
                    self.last_logic.as_secs_f64() * 1000.0,
                    self.last_layout.as_secs_f64() * 1000.0,
                );
            }
            self.worst = self.worst.max(cpu);
            self.sum += cpu;
            self.counted += 1;
        }
        if self.window_start.elapsed() >= Duration::from_secs(1) && self.counted > 0 {
            eprintln!(
                "probe frames={} worst_ms={:.2} mean_ms={:.2} worst_logic_ms={:.2} worst_layout_ms={:.2} rx_packets={rx_packets} rx_bytes={rx_bytes}",
                self.counted,
                self.worst * 1000.0,
                self.sum * 1000.0 / self.counted as f32,
                self.worst_logic.as_secs_f64() * 1000.0,
                self.worst_layout.as_secs_f64() * 1000.0,
            );
            self.worst_logic = Duration::ZERO;
            self.worst_layout = Duration::ZERO;
            self.window_start = Instant::now();
            self.worst = 0.0;
            self.sum = 0.0;
            self.counted = 0;
        }
    }
}

fn ms_since(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

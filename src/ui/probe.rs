//! Opt-in measurements for the benchmarks, enabled with `NETDBG_PROBE=1`:
//! the time from process start to the first presented frame, and once a second
//! the slowest and mean CPU time of the frames drawn, with the datagrams
//! received so far (UDP datagrams plus TCP server reads). Printed to stderr.

use std::time::{Duration, Instant};

pub struct Probe {
    started: Instant,
    frames: u64,
    window_start: Instant,
    worst: f32,
    sum: f32,
    counted: u32,
}

impl Probe {
    pub fn from_env(started: Instant) -> Option<Self> {
        let enabled = std::env::var("NETDBG_PROBE").is_ok_and(|v| v == "1");
        enabled.then(|| Self {
            started,
            frames: 0,
            window_start: Instant::now(),
            worst: 0.0,
            sum: 0.0,
            counted: 0,
        })
    }

    /// Call once per frame with eframe's CPU time of the previous frame and
    /// the engine's count of datagrams received so far.
    pub fn frame(&mut self, previous_frame_cpu: Option<f32>, rx_packets: u64) {
        self.frames += 1;
        // The second frame starts after the first was presented.
        if self.frames == 2 {
            let ms = self.started.elapsed().as_secs_f64() * 1000.0;
            eprintln!("probe first_frame_ms={ms:.1}");
        }
        if let Some(cpu) = previous_frame_cpu {
            self.worst = self.worst.max(cpu);
            self.sum += cpu;
            self.counted += 1;
        }
        if self.window_start.elapsed() >= Duration::from_secs(1) && self.counted > 0 {
            eprintln!(
                "probe frames={} worst_ms={:.2} mean_ms={:.2} rx_packets={rx_packets}",
                self.counted,
                self.worst * 1000.0,
                self.sum * 1000.0 / self.counted as f32
            );
            self.window_start = Instant::now();
            self.worst = 0.0;
            self.sum = 0.0;
            self.counted = 0;
        }
    }
}

//! The CPU renderer (egui_software_backend, ported to egui 0.37 in `vendor/`)
//! draws netdbg's real window, frame by frame as `src/app/window/software.rs`
//! runs it: glyphs inside the labels' rectangles, in English and Chinese, the
//! backdrop around them, and a resized window redrawn whole.

use egui::accesskit;
use egui_software_backend::{BufferMutRef, ColorFieldOrder, EguiSoftwareRender};
use netdbg::app::NetdbgApp;
use netdbg::i18n::Lang;

mod support;
use support::udp_settings;

struct CpuWindow {
    ctx: egui::Context,
    app: NetdbgApp,
    renderer: EguiSoftwareRender,
    pixels: Vec<[u8; 4]>,
    size: [usize; 2],
    /// Every label on screen and where it is, from the last frame's AccessKit tree.
    labels: Vec<(String, egui::Rect)>,
}

impl CpuWindow {
    fn new(lang: Lang, size: [usize; 2]) -> Self {
        let ctx = egui::Context::default();
        ctx.enable_accesskit();
        let app = NetdbgApp::with_settings(&ctx, udp_settings(lang, None));
        Self {
            ctx,
            app,
            renderer: EguiSoftwareRender::new(ColorFieldOrder::Rgba),
            pixels: Vec::new(),
            size,
            labels: Vec::new(),
        }
    }

    fn frame(&mut self) {
        let [width, height] = self.size;
        let mut input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(width as f32, height as f32),
            )),
            ..Default::default()
        };
        netdbg::ui::fonts::cap_glyph_atlas(&mut input);
        let mut output = self.ctx.run_ui(input, |ui| {
            self.app.frame_logic(ui.ctx(), None);
            self.app.frame_ui(ui);
        });
        if let Some(update) = &output.platform_output.accesskit_update {
            self.labels = labels(update);
        }
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        self.pixels.clear();
        self.pixels.resize(width * height, self.backdrop());
        self.renderer.render(
            &mut BufferMutRef::new(&mut self.pixels, width, height),
            &primitives,
            &mut output.textures_delta,
            output.pixels_per_point,
        );
    }

    fn backdrop(&self) -> [u8; 4] {
        let color = netdbg::ui::backdrop::clear_color(&self.ctx.global_style().visuals);
        color.map(|channel| (channel * 255.0).round() as u8)
    }

    fn label_rect(&self, label: &str) -> egui::Rect {
        self.labels
            .iter()
            .find(|(text, _)| text == label)
            .map(|(_, rect)| *rect)
            .unwrap_or_else(|| panic!("no {label:?} on screen; labels: {:?}", self.labels))
    }

    /// The distinct colours drawn inside `rect`.
    fn colours_in(&self, rect: egui::Rect) -> usize {
        let mut seen = std::collections::HashSet::new();
        for y in rect.min.y.ceil() as usize..rect.max.y.floor() as usize {
            for x in rect.min.x.ceil() as usize..rect.max.x.floor() as usize {
                seen.insert(self.pixels[y * self.size[0] + x]);
            }
        }
        seen.len()
    }

    fn share_of_backdrop(&self) -> f64 {
        let backdrop = self.backdrop();
        let count = self.pixels.iter().filter(|&&p| p == backdrop).count();
        count as f64 / self.pixels.len() as f64
    }
}

fn labels(update: &accesskit::TreeUpdate) -> Vec<(String, egui::Rect)> {
    update
        .nodes
        .iter()
        .filter_map(|(_, node)| {
            let label = node.label()?.to_owned();
            let b = node.bounds()?;
            let rect = egui::Rect::from_min_max(
                egui::pos2(b.x0 as f32, b.y0 as f32),
                egui::pos2(b.x1 as f32, b.y1 as f32),
            );
            Some((label, rect))
        })
        .collect()
}

fn settled(lang: Lang, size: [usize; 2]) -> CpuWindow {
    let mut window = CpuWindow::new(lang, size);
    for _ in 0..4 {
        window.frame();
    }
    window
}

#[test]
fn labels_are_drawn_as_glyphs_on_the_backdrop_in_english_and_chinese() {
    for (lang, labels) in [
        (Lang::En, ["UDP", "TCP server", "Open", "Send"]),
        (Lang::Zh, ["UDP", "TCP 服务器", "打开", "发送"]),
    ] {
        let window = settled(lang, [1100, 720]);
        for label in labels {
            let rect = window.label_rect(label);
            // A blank rectangle would be one colour; text is the fill, the
            // glyphs and their anti-aliased edges.
            let colours = window.colours_in(rect);
            assert!(
                colours >= 3,
                "{lang:?} {label:?} at {rect:?}: {colours} colours, no glyphs drawn"
            );
        }
        let backdrop = window.share_of_backdrop();
        assert!(
            (0.3..0.99).contains(&backdrop),
            "{lang:?}: {:.0}% of the window is backdrop",
            backdrop * 100.0
        );
    }
}

#[test]
fn a_resized_window_is_drawn_whole_at_its_new_size() {
    let mut window = settled(Lang::En, [1100, 720]);
    let before = window.label_rect("Send");
    window.size = [1280, 800];
    window.frame();
    window.frame();
    let send = window.label_rect("Send");
    assert!(
        send.min.x > before.max.x && send.min.y > before.max.y && send.max.x <= 1280.0,
        "Send was at {before:?} and is at {send:?}: it did not follow the window's corner"
    );
    assert!(
        window.colours_in(send) >= 3,
        "Send is not drawn after the resize"
    );
    let old_corner = egui::Rect::from_min_max(egui::pos2(1100.0, 0.0), egui::pos2(1280.0, 800.0));
    assert!(
        window.colours_in(old_corner) >= 2,
        "the strip the window grew by is blank"
    );
}

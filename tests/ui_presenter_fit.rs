//! Presenter mode at projector sizes (1280×720, 1366×768, 1024×768) with the TCP
//! server's demo running: the caption, the timeline with its markers, the
//! connection map and at least five log rows are all on screen at once, none
//! under another or scrolled away, with the settings column folded and the main
//! button (Start listening) in the status row.

use std::io::Write;
use std::net::TcpStream;

use egui::Rect;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::NetdbgApp;
use netdbg::i18n::Lang;

mod support;
use support::{App, log_rows, tcp_server_settings, wait_until};

/// A window of `width`×`height` pixels in presenter mode. The harness's size is in
/// points and stays put when the app zooms; a real window's points shrink as the
/// zoom grows, so this does what the windowing system does: after each zoom, the
/// harness gets the window's size in points at that zoom.
fn presenter_harness(width: f32, height: f32) -> App<'static> {
    let mut settings = tcp_server_settings(Lang::En);
    settings.view.presenter = true;
    settings.view.timeline = true;
    let pixels = egui::vec2(width, height);
    let mut harness = Harness::builder()
        .with_size(pixels)
        .build_eframe(move |cc| NetdbgApp::with_settings(&cc.egui_ctx, settings));
    settle(&mut harness, pixels);
    harness
}

/// Frames until the zoom and the window's size in points agree.
fn settle(harness: &mut App<'_>, pixels: egui::Vec2) {
    for _ in 0..4 {
        let zoom = harness.ctx.zoom_factor();
        harness.set_size(pixels / zoom);
        harness.run();
    }
}

fn bounds(harness: &App<'_>, role: Role, name_starts: &str) -> Rect {
    let node = harness
        .root()
        .children_recursive()
        .find(|node| {
            let node = node.accesskit_node();
            node.role() == role
                && node
                    .label()
                    .is_some_and(|label| label.starts_with(name_starts))
        })
        .unwrap_or_else(|| panic!("a {role:?} named {name_starts:?}"));
    node.rect()
}

/// The rows of the log, top to bottom, as drawn.
fn row_rects(harness: &App<'_>) -> Vec<Rect> {
    let mut rects: Vec<Rect> = harness
        .get_all_by_role(Role::Label)
        .filter(|node| {
            let value = node.accesskit_node().value();
            matches!(value.as_deref(), Some("RX" | "TX"))
        })
        .map(|arrow| arrow.rect())
        .collect();
    rects.sort_by(|a, b| a.top().total_cmp(&b.top()));
    rects
}

fn demo_fits(width: f32, height: f32) {
    let mut harness = presenter_harness(width, height);
    let zoom = harness.ctx.zoom_factor();
    assert!(zoom > 1.0, "presenter mode still zooms in ({zoom})");
    assert!(
        harness.query_by_label("Local port").is_none(),
        "the settings column is folded at {width}×{height}"
    );
    harness.get_by_label("Start listening").click();
    wait_until(&mut harness, "the server to listen", |h| {
        h.state().tcp_server().local_addr().is_some()
    });
    let addr = harness
        .state()
        .tcp_server()
        .local_addr()
        .expect("listening");
    let mut client = TcpStream::connect(addr).expect("connect");
    for n in 0..6 {
        client
            .write_all(format!("hello {n}\r\n").as_bytes())
            .expect("send");
        wait_until(&mut harness, "the message in the log", |h| {
            log_rows(h).len() > n
        });
    }
    harness.run();
    let screen = harness.ctx.content_rect();
    let caption = harness
        .get_by_label_contains("accept() returned a new socket")
        .rect();
    let timeline = bounds(&harness, Role::Canvas, "Timeline");
    let map = bounds(&harness, Role::Canvas, "Connection map");
    let rows = row_rects(&harness);
    let editor = harness
        .get_by(|node| node.role() == Role::MultilineTextInput)
        .rect();
    let in_view: Vec<&Rect> = rows
        .iter()
        .filter(|row| row.top() >= map.bottom() && row.bottom() <= editor.top())
        .collect();
    let report = format!(
        "at {width}×{height} (zoom {zoom}): caption {caption:?}, timeline {timeline:?}, \
         map {map:?}, rows {rows:?}, editor {editor:?}"
    );
    assert!(caption.bottom() <= timeline.top(), "{report}");
    assert!(
        timeline.bottom() <= map.top(),
        "the timeline is above the map: {report}"
    );
    assert!(
        map.bottom() <= screen.bottom() && timeline.top() >= 0.0,
        "{report}"
    );
    assert!(
        in_view.len() >= 5,
        "five rows between the map and the send box: {report}"
    );
    assert!(editor.bottom() <= screen.bottom() + 1.0, "{report}");
}

#[test]
fn demo_fits_at_1280x720() {
    demo_fits(1280.0, 720.0);
}

#[test]
fn demo_fits_at_1366x768() {
    demo_fits(1366.0, 768.0);
}

#[test]
fn demo_fits_at_1024x768() {
    demo_fits(1024.0, 768.0);
}

/// A big window keeps the zoom the user chose (150% by default), settings shown.
#[test]
fn a_big_window_keeps_the_chosen_zoom_and_the_settings_column() {
    let harness = presenter_harness(1920.0, 1080.0);
    assert!((harness.ctx.zoom_factor() - 1.5).abs() < 0.01);
    assert!(harness.query_by_label("Local port").is_some());
}

/// Ctrl+plus where the window holds no more keeps the chosen zoom (a bigger window
/// shows it); Ctrl+minus is a new choice.
#[test]
fn zooming_in_past_what_the_window_holds_keeps_the_choice() {
    let pixels = egui::vec2(1280.0, 720.0);
    let mut harness = presenter_harness(pixels.x, pixels.y);
    let fit = harness.ctx.zoom_factor();
    assert!((1.1..1.5).contains(&fit), "{fit}");
    // What egui does on Ctrl+plus.
    harness.ctx.set_zoom_factor(fit + 0.1);
    settle(&mut harness, pixels);
    assert!((harness.ctx.zoom_factor() - fit).abs() < 0.01);
    assert_eq!(harness.state().settings().view.presenter_zoom_percent, 150);
    harness.ctx.set_zoom_factor(fit - 0.1);
    settle(&mut harness, pixels);
    let smaller = harness.ctx.zoom_factor();
    assert!((smaller - (fit - 0.1)).abs() < 0.01, "{smaller}");
    let percent = harness.state().settings().view.presenter_zoom_percent;
    assert_eq!(percent, ((fit - 0.1) * 100.0).round() as u16);
}

//! The rate plot's sampling, presenter mode (zoom and captions), and that an idle
//! window with the plot open stops asking for frames.

use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use netdbg::app::Settings;
use netdbg::engine::CounterSnapshot;
use netdbg::i18n::Lang;
use netdbg::ui::teaching::rate_plot::{Rate, RatePlot, WINDOW};
use netdbg::ui::teaching::{PRESENTER_ZOOM, ViewSettings};

mod support;
use support::{
    harness, start_listening, tcp_server_settings, udp_settings, wait_for_text, wait_until,
};

fn snapshot(rx_packets: u64, rx_bytes: u64, tx_packets: u64, tx_bytes: u64) -> CounterSnapshot {
    CounterSnapshot {
        rx_packets,
        rx_bytes,
        tx_packets,
        tx_bytes,
    }
}

#[test]
fn one_second_of_traffic_becomes_one_sample() {
    let mut plot = RatePlot::default();
    let t0 = Instant::now();
    plot.tick(t0, snapshot(0, 0, 0, 0));
    plot.tick(t0 + Duration::from_millis(500), snapshot(5, 500, 1, 10));
    assert_eq!(
        plot.samples().len(),
        0,
        "no sample before a second has passed"
    );
    plot.tick(t0 + Duration::from_secs(1), snapshot(10, 1000, 2, 20));
    let samples: Vec<Rate> = plot.samples().copied().collect();
    assert_eq!(
        samples,
        [Rate {
            rx_bytes: 1000.0,
            tx_bytes: 20.0,
            rx_packets: 10.0,
            tx_packets: 2.0,
        }]
    );
    assert!(plot.is_live(snapshot(10, 1000, 2, 20)));
}

#[test]
fn a_gap_is_filled_and_the_window_stays_a_minute() {
    let mut plot = RatePlot::default();
    let t0 = Instant::now();
    plot.tick(t0, snapshot(0, 0, 0, 0));
    // No frames for 4 s (idle window): 4 samples of the average.
    plot.tick(t0 + Duration::from_secs(4), snapshot(8, 400, 0, 0));
    assert_eq!(plot.samples().len(), 4);
    assert!(
        plot.samples()
            .all(|rate| rate.rx_bytes == 100.0 && rate.rx_packets == 2.0)
    );
    // Two minutes of silence: the window holds 60 zero samples and is no longer live.
    plot.tick(t0 + Duration::from_secs(124), snapshot(8, 400, 0, 0));
    assert_eq!(plot.samples().len(), WINDOW);
    assert!(plot.samples().all(|rate| *rate == Rate::default()));
    assert!(!plot.is_live(snapshot(8, 400, 0, 0)));
    // Traffic not yet sampled makes it live again.
    assert!(plot.is_live(snapshot(9, 450, 0, 0)));
}

#[test]
fn a_counter_reset_is_not_a_negative_rate() {
    let mut plot = RatePlot::default();
    let t0 = Instant::now();
    plot.tick(t0, snapshot(10, 1000, 10, 1000));
    plot.tick(t0 + Duration::from_secs(1), snapshot(0, 0, 0, 0));
    assert_eq!(
        plot.samples().copied().collect::<Vec<_>>(),
        [Rate::default()]
    );
}

/// The UDP tab on loopback with these views.
fn settings(view: ViewSettings) -> Settings {
    Settings {
        view,
        ..udp_settings(Lang::En, None)
    }
}

#[test]
fn presenter_mode_zooms_and_explains_a_datagram() {
    let texts = Lang::En.texts();
    let mut harness = harness(settings(ViewSettings::default()));
    assert_eq!(harness.ctx.zoom_factor(), 1.0);

    harness.get_by_label(texts.presenter_mode).click();
    // Up to PRESENTER_ZOOM, as far as the window holds (tests/ui_presenter_fit.rs).
    wait_until(&mut harness, "the zoom to grow", |h| {
        (1.05..=PRESENTER_ZOOM).contains(&h.ctx.zoom_factor())
    });
    assert!(
        harness.state().settings().view.presenter,
        "kept in settings"
    );

    harness.get_by_label(texts.open).click();
    wait_until(&mut harness, "the socket to open", |h| {
        h.state().udp().local_addr().is_some()
    });
    let local = harness.state().udp().local_addr().expect("open");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("bind the peer on loopback");
    peer.send_to(b"hello", local).expect("send to the tab");
    let from = peer.local_addr().expect("peer address");
    wait_for_text(
        &mut harness,
        &format!("A letter (UDP datagram) arrived from {from}"),
    );

    harness.get_by_label(texts.presenter_mode).click();
    wait_until(&mut harness, "the zoom to go back", |h| {
        h.ctx.zoom_factor() == 1.0
    });
}

#[test]
fn an_idle_window_with_the_plot_open_stops_repainting() {
    let view = ViewSettings {
        presenter: false,
        rate_plot: true,
        ..ViewSettings::default()
    };
    // `harness` runs until no frame is requested; it panics on endless repaints.
    let mut harness = harness(settings(view));
    assert!(support::shows(&harness, Lang::En.texts().bytes_per_sec));
    harness.run();
}

#[test]
fn presenter_mode_hides_advanced_settings() {
    let texts = Lang::En.texts();
    let mut harness = harness(settings(ViewSettings::default()));
    let advanced = [
        texts.checksum,
        texts.log_limit,
        texts.search,
        texts.repeat_every,
    ];
    for label in advanced {
        assert!(
            harness.query_all_by_label(label).next().is_some(),
            "{label} shows"
        );
    }
    harness.get_by_label(texts.presenter_mode).click();
    wait_until(&mut harness, "the advanced settings to go", |h| {
        advanced
            .iter()
            .all(|label| h.query_all_by_label(label).next().is_none())
    });
    // What a demo needs stays.
    for label in [texts.open, texts.send, texts.mode_hex] {
        assert!(
            harness.query_all_by_label(label).next().is_some(),
            "{label} stays"
        );
    }
}

#[test]
fn the_tcp_server_plots_the_selected_client_alone() {
    let texts = Lang::En.texts();
    let mut harness = harness(Settings {
        view: ViewSettings {
            rate_plot: true,
            ..ViewSettings::default()
        },
        ..tcp_server_settings(Lang::En)
    });
    let local = start_listening(&mut harness, texts.start_listening);
    let mut a = TcpStream::connect(local).expect("A connects");
    let mut b = TcpStream::connect(local).expect("B connects");
    let a_peer = a.local_addr().expect("A's address").to_string();
    wait_until(&mut harness, "both clients listed", |h| {
        h.state().tcp_server().connection_map().live_count() == 2
    });
    harness
        .get_by_role_and_label(Role::CheckBox, &a_peer)
        .click();
    let plot_a = texts.plot_selected_count(1);
    wait_until(&mut harness, "A to be selected", |h| {
        h.query_by_label(&plot_a).is_some()
    });
    harness.get_by_label(&plot_a).click();
    wait_until(&mut harness, "the plot to follow A", |h| {
        h.state()
            .tcp_server()
            .client_plot()
            .following()
            .is_some_and(|ids| ids.len() == 1)
    });

    a.write_all(&[b'a'; 10]).expect("A writes");
    b.write_all(&[b'b'; 1000]).expect("B writes");
    let received = |h: &support::App<'_>| -> f64 {
        let plot = h.state().tcp_server().client_plot().plot();
        plot.samples().map(|rate| rate.rx_bytes).sum()
    };
    wait_until(&mut harness, "a sample with A's bytes", |h| {
        received(h) > 0.0
    });
    // A's 10 bytes over about a second; B's 1,000 are not in it.
    let rx = received(&harness);
    assert!(rx <= 10.0 && rx > 5.0, "{rx} bytes/s");
}

#[test]
fn an_idle_window_in_presenter_mode_with_every_view_open_stops_repainting() {
    let view = ViewSettings {
        presenter: true,
        rate_plot: true,
        timeline: true,
        ..ViewSettings::default()
    };
    let mut harness = harness(settings(view));
    assert_eq!(harness.ctx.zoom_factor(), PRESENTER_ZOOM);
    // Panics if the top bar's layout (or any view) keeps asking for frames.
    harness.run();
}

#[test]
fn a_presenter_zoom_chosen_with_the_keyboard_is_kept() {
    let view = ViewSettings {
        presenter: true,
        ..ViewSettings::default()
    };
    let mut harness = harness(settings(view));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    wait_until(&mut harness, "the zoom to grow", |h| {
        h.ctx.zoom_factor() > PRESENTER_ZOOM
    });
    harness.step();
    let kept = harness.state().settings().view.presenter_zoom_percent;
    assert!(kept > 150, "kept {kept}%");

    // Off and on again: back to the size chosen, not the default.
    let texts = Lang::En.texts();
    harness.get_by_label(texts.presenter_mode).click();
    wait_until(&mut harness, "normal size", |h| h.ctx.zoom_factor() == 1.0);
    harness.get_by_label(texts.presenter_mode).click();
    wait_until(&mut harness, "the chosen size", |h| {
        (h.ctx.zoom_factor() * 100.0).round() as u16 == kept
    });
}

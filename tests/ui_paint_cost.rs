//! What a frame asks the renderer to shade. Without a GPU (llvmpipe) every
//! pixel a triangle covers costs the same, so panels that filled themselves
//! made each frame shade the whole window again (1.18 screens in all); the
//! panels now leave their colour to the clear colour (`ui::backdrop`), and a
//! frame shades only its widgets and text. The time this saves is measured by
//! `benches/gui_scale.sh`.

use eframe::App as _;
use egui::epaint::{Mesh, Primitive};
use netdbg::app::{NetdbgApp, Tab};
use netdbg::i18n::Lang;
use netdbg::ui::teaching::{ThemeChoice, ViewSettings};

mod support;
use support::{harness, udp_settings};

/// Pixels the mesh's triangles cover inside `clip` (each triangle at most its
/// clipped bounding box), in points².
fn shaded_area(mesh: &Mesh, clip: egui::Rect) -> f32 {
    mesh.indices
        .chunks_exact(3)
        .map(|triangle| {
            let [a, b, c] = [0, 1, 2].map(|i| mesh.vertices[triangle[i] as usize].pos);
            let bounds = egui::Rect::from_points(&[a, b, c]).intersect(clip);
            if !bounds.is_positive() {
                return 0.0;
            }
            let area = ((b - a).x * (c - a).y - (c - a).x * (b - a).y).abs() / 2.0;
            area.min(bounds.area())
        })
        .sum()
}

#[test]
fn a_frame_shades_far_less_than_the_window_in_every_tab_and_theme() {
    for theme in [ThemeChoice::Dark, ThemeChoice::Light] {
        for &tab in Tab::ALL {
            let mut settings = udp_settings(Lang::En, None);
            settings.tab = tab;
            settings.view = ViewSettings {
                theme,
                ..ViewSettings::default()
            };
            let mut harness = harness(settings);
            harness.step();
            let output = harness.output().clone();
            let screen = harness.ctx.content_rect().area();
            let shaded: f32 = harness
                .ctx
                .tessellate(output.shapes, output.pixels_per_point)
                .iter()
                .map(|clipped| match &clipped.primitive {
                    Primitive::Mesh(mesh) => shaded_area(mesh, clipped.clip_rect),
                    Primitive::Callback(_) => 0.0,
                })
                .sum();
            let screens = shaded / screen;
            // Filled panels alone made it more than 1.0; widgets and text are ~0.2.
            assert!(
                screens < 0.5,
                "{tab:?} in the {theme:?} theme shades {screens:.2} screens of pixels"
            );
        }
    }
}

#[test]
fn the_window_is_cleared_to_the_panels_colour() {
    let settings = udp_settings(Lang::En, None);
    let harness = harness(settings);
    let app = NetdbgApp::with_settings(&harness.ctx, udp_settings(Lang::En, None));
    for theme in [egui::Theme::Dark, egui::Theme::Light] {
        let visuals = harness.ctx.style_of(theme).visuals.clone();
        assert_eq!(
            app.clear_color(&visuals),
            visuals.panel_fill.to_normalized_gamma_f32(),
            "{theme:?}"
        );
    }
}

#[test]
fn the_glyph_atlas_is_at_most_2048_pixels_wide() {
    let settings = udp_settings(Lang::En, None);
    let harness = harness(settings);
    let mut app = NetdbgApp::with_settings(&harness.ctx, udp_settings(Lang::En, None));
    for (renderer_allows, atlas) in [(Some(16_384), 2048), (Some(1024), 1024), (None, 2048)] {
        let mut raw_input = egui::RawInput {
            max_texture_side: renderer_allows,
            ..Default::default()
        };
        app.raw_input_hook(&harness.ctx, &mut raw_input);
        assert_eq!(
            raw_input.max_texture_side,
            Some(atlas),
            "{renderer_allows:?}"
        );
    }
}

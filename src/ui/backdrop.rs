//! The window's background is the renderer's clear colour, the panels' own
//! colour; panels paint no fill of their own. A filled panel is a quad as large
//! as the panel, shaded pixel by pixel: with a software renderer (llvmpipe)
//! the fills were most of every frame's pixels (1.18 screens in all, the
//! fills 1.0 of that), so leaving them out makes each frame, and the first,
//! cheaper to draw. Windows, menus and tooltips keep their fills.

use egui::{Color32, Frame, Style, Visuals};

/// What eframe clears each frame to: the panels' colour in this theme.
pub fn clear_color(visuals: &Visuals) -> [f32; 4] {
    visuals.panel_fill.to_normalized_gamma_f32()
}

/// A side, top or bottom panel's frame: its margins, no fill.
pub fn side_or_top_panel(style: &Style) -> Frame {
    Frame::side_top_panel(style).fill(Color32::TRANSPARENT)
}

/// The central panel's frame: its margins, no fill.
pub fn central_panel(style: &Style) -> Frame {
    Frame::central_panel(style).fill(Color32::TRANSPARENT)
}

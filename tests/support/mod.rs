//! Helpers shared by the kittest UI tests: a harness around the real app, and
//! waiting (by stepping frames) for what the user should see.
#![allow(dead_code)]

use std::thread::sleep;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use netdbg::app::{NetdbgApp, Settings};

/// How long any one expectation may take to show up.
pub const DEADLINE: Duration = Duration::from_secs(8);
/// Pause between two frames while waiting.
pub const POLL: Duration = Duration::from_millis(5);

pub type App<'a> = Harness<'a, NetdbgApp>;

pub fn harness(settings: Settings) -> App<'static> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_eframe(move |cc| NetdbgApp::with_settings(&cc.egui_ctx, settings));
    // Nothing is open yet, so the first frames settle; `run` also checks that
    // every input widget has an accessible name.
    harness.run();
    harness
}

/// The text a user reads on a node: a label's value, otherwise its name.
pub fn node_text(node: &egui_kittest::kittest::AccessKitNode<'_>) -> Option<String> {
    if node.role() == Role::Label {
        node.value()
    } else {
        node.label()
    }
}

/// Everything readable on screen, one item per line, for failure messages.
pub fn screen_dump(harness: &App<'_>) -> String {
    harness
        .root()
        .children_recursive()
        .filter_map(|node| {
            let node = node.accesskit_node();
            node_text(&node).map(|text| format!("  {:?}: {text:?}", node.role()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Steps the harness until `done` holds, or fails after [`DEADLINE`] with what was visible.
#[track_caller]
pub fn wait_until(harness: &mut App<'_>, what: &str, done: impl Fn(&App<'_>) -> bool) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        harness.step();
        if done(harness) {
            harness.check_accessibility();
            return;
        }
        if Instant::now() > deadline {
            panic!(
                "timed out after {DEADLINE:?} waiting for {what}; the screen shows:\n{}",
                screen_dump(harness)
            );
        }
        sleep(POLL);
    }
}

/// Waits until some node's visible text contains `needle`.
#[track_caller]
pub fn wait_for_text(harness: &mut App<'_>, needle: &str) {
    wait_until(harness, &format!("text containing {needle:?}"), |h| {
        shows(h, needle)
    });
}

/// Whether any node's visible text contains `needle` (it may show more than once,
/// e.g. a port error beside the field and in the status line).
pub fn shows(harness: &App<'_>, needle: &str) -> bool {
    harness.query_all_by_label_contains(needle).next().is_some()
}

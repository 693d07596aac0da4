//! The log every traffic tab shows: the bounded model, its view, the panel with
//! its toolbar and settings, and saving it to a file.

pub mod index;
mod lines;
pub mod model;
pub mod panel;
pub mod save;
mod seq_list;
pub mod text_match;
pub mod view;

//! What every traffic tab shares: draining engine events within a frame's
//! budget, waking the window, and the layout the tabs fill in.

pub mod drain;
pub mod layout;
pub mod waker;

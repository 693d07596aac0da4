//! Worker threads that give way to the window's own thread.
//!
//! Under a TCP flood a reader thread, the sender and the X server keep both cores
//! of a small machine busy; at equal priority the window's thread waited its turn
//! and a click took up to 150 ms to show (p90 130 ms; 80 ms and 100 ms with the
//! readers lowered). A lower priority costs a TCP worker nothing that matters: if
//! it falls behind, flow control slows the peer, and no byte is lost. UDP receive
//! threads are left alone: a datagram they are late for is dropped by the kernel.

/// The nice value windowed TCP workers run at (0 is normal, 19 the lowest).
#[cfg(target_os = "linux")]
const BACKGROUND_NICE: i32 = 10;

/// Lowers the calling thread's CPU priority (Linux: nice 10 on this thread only).
/// Elsewhere, and where the OS refuses, the thread runs as it was.
pub fn lower_current_thread() {
    #[cfg(target_os = "linux")]
    {
        let me = rustix::thread::gettid();
        let _ = rustix::process::setpriority_process(Some(me), BACKGROUND_NICE);
    }
}

//! Worker threads that give way to the window's own thread.
//!
//! Under a TCP flood a reader thread, the sender and the X server keep both cores
//! of a small machine busy; at equal priority the window's thread waited its turn
//! and a click took up to 150 ms to show (p90 130 ms; 80 ms and 100 ms with the
//! readers lowered). A lower priority costs a TCP worker nothing that matters: if
//! it falls behind, flow control slows the peer, and no byte is lost.
//!
//! A UDP receive thread keeps its share of the CPU (a datagram it is late for is
//! dropped by the kernel: at nice 10 a 250k/s flood lost 0.4–3%), but runs as a
//! batch thread: waking up for a datagram, it no longer preempts the window's
//! thread in the middle of a frame; it waits for the next tick (or the other
//! core), and the socket's 4 MiB buffer holds what arrives meanwhile. It also
//! wakes less often and reads more each time: under a 100k/s flood the app took
//! 25–34% of a core instead of 31–35% (with the window's shorter event budget,
//! which costs more frames).

/// The nice value windowed TCP workers run at (0 is normal, 19 the lowest).
#[cfg(target_os = "linux")]
const BACKGROUND_NICE: i32 = 10;

/// Makes the calling thread a batch thread (Linux `SCHED_BATCH`, this thread
/// only): the same CPU share, without preempting others when it wakes up.
/// Elsewhere, and where the OS refuses, the thread runs as it was.
pub fn batch_current_thread() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a valid `sched_param` that outlives the call, and pid 0
        // names the calling thread; the call changes nothing but its policy.
        #[allow(unsafe_code)]
        let _ = unsafe { libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) };
    }
}

/// Lowers the calling thread's CPU priority (Linux: nice 10 on this thread only).
/// Elsewhere, and where the OS refuses, the thread runs as it was.
pub fn lower_current_thread() {
    #[cfg(target_os = "linux")]
    {
        let me = rustix::thread::gettid();
        let _ = rustix::process::setpriority_process(Some(me), BACKGROUND_NICE);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The scheduling policy of the calling thread, from `/proc/thread-self/stat`
    /// (field 41: 0 normal, 3 batch).
    fn current_policy() -> u32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("stat");
        let after_name = &stat[stat.rfind(')').expect("name") + 2..];
        after_name
            .split_whitespace()
            .nth(41 - 3)
            .and_then(|field| field.parse().ok())
            .expect("policy")
    }

    #[test]
    fn a_batch_thread_is_sched_batch_and_others_are_not() {
        let batch = std::thread::spawn(|| {
            batch_current_thread();
            current_policy()
        });
        let normal = std::thread::spawn(current_policy);
        assert_eq!(batch.join().expect("batch thread"), 3);
        assert_eq!(normal.join().expect("normal thread"), 0);
    }
}

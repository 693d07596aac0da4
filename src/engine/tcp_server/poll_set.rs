//! The clients the reader waits on, registered with the OS's readiness API
//! (epoll, kqueue, or IOCP through the `polling` crate): one thread hears every
//! client, instead of a thread (and its stack) per client.
//!
//! `polling` asks that a socket be taken out of the poller before it is closed;
//! this set keeps that promise by owning a handle on each client's link (and so
//! its socket) from the moment it is added until after it is taken out.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use polling::{Event, Events, Poller};

use super::link::ClientLink;

/// Which client a readiness event is about (the set's own numbering).
pub(super) type Key = usize;

pub(super) struct PollSet {
    poller: Arc<Poller>,
    links: HashMap<Key, Arc<ClientLink>>,
    next_key: Key,
}

impl PollSet {
    pub fn new(poller: Arc<Poller>) -> Self {
        PollSet {
            poller,
            links: HashMap::new(),
            next_key: 0,
        }
    }

    /// Starts waiting for `link`'s socket to become readable (once; see [`rearm`](Self::rearm)).
    pub fn add(&mut self, link: Arc<ClientLink>) -> io::Result<Key> {
        let key = self.fresh_key();
        // SAFETY: the socket belongs to `link`, which this set keeps (in `links`,
        // right below) until `remove` or `drop` has deleted the socket from the
        // poller; so the socket cannot be closed while it is registered.
        #[allow(unsafe_code)]
        unsafe {
            self.poller.add(&link.stream, Event::readable(key))?;
        }
        self.links.insert(key, link);
        Ok(key)
    }

    /// Waits for the client's next data again, after its last event was handled.
    pub fn rearm(&self, key: Key) -> io::Result<()> {
        match self.links.get(&key) {
            Some(link) => self.poller.modify(&link.stream, Event::readable(key)),
            None => Ok(()),
        }
    }

    /// Stops waiting on the client; its link is handed back.
    pub fn remove(&mut self, key: Key) -> Option<Arc<ClientLink>> {
        let link = self.links.remove(&key)?;
        // It fails only for a socket that is not registered, and this one is.
        let _ = self.poller.delete(&link.stream);
        Some(link)
    }

    pub fn get(&self, key: Key) -> Option<&Arc<ClientLink>> {
        self.links.get(&key)
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// Waits until a client is readable, someone calls `notify`, or `timeout` passes.
    pub fn wait(&self, events: &mut Events, timeout: Duration) -> io::Result<usize> {
        self.poller.wait(events, Some(timeout))
    }

    /// The next key not in use (`usize::MAX` is the poller's own).
    fn fresh_key(&mut self) -> Key {
        loop {
            let key = self.next_key;
            self.next_key = self.next_key.wrapping_add(1) % usize::MAX;
            if !self.links.contains_key(&key) {
                return key;
            }
        }
    }
}

impl Drop for PollSet {
    fn drop(&mut self) {
        for link in self.links.values() {
            let _ = self.poller.delete(&link.stream);
        }
    }
}

//! The peers the kept lines came from or went to, each stored once: a line
//! holds a 4-byte id instead of a 32-byte address. An id is given back when the
//! last line that uses it falls off, so a flood from ever-new source ports costs
//! no more than the lines it left in the log.

use std::collections::HashMap;
use std::net::SocketAddr;

#[derive(Debug, Default)]
pub struct PeerTable {
    addresses: Vec<SocketAddr>,
    /// How many kept lines use each id (0: the id is free).
    uses: Vec<u32>,
    ids: HashMap<SocketAddr, u32>,
    free: Vec<u32>,
    /// The last peer looked up: a flood comes from one peer, line after line.
    last: Option<(SocketAddr, u32)>,
}

impl PeerTable {
    /// The id of `peer`, counted as used once more.
    pub fn acquire(&mut self, peer: SocketAddr) -> u32 {
        let known = match self.last {
            Some((last, id)) if last == peer => Some(id),
            _ => self.ids.get(&peer).copied(),
        };
        if let Some(id) = known {
            self.uses[id as usize] += 1;
            self.last = Some((peer, id));
            return id;
        }
        let id = match self.free.pop() {
            Some(id) => {
                self.addresses[id as usize] = peer;
                self.uses[id as usize] = 1;
                id
            }
            None => {
                self.addresses.push(peer);
                self.uses.push(1);
                (self.addresses.len() - 1) as u32
            }
        };
        self.ids.insert(peer, id);
        self.last = Some((peer, id));
        id
    }

    /// One line that used `id` is gone.
    pub fn release(&mut self, id: u32) {
        let Some(uses) = self.uses.get_mut(id as usize) else {
            return;
        };
        *uses = uses.saturating_sub(1);
        if *uses == 0 {
            self.ids.remove(&self.addresses[id as usize]);
            self.free.push(id);
            if self.last.is_some_and(|(_, last)| last == id) {
                self.last = None;
            }
        }
    }

    pub fn address(&self, id: u32) -> SocketAddr {
        self.addresses[id as usize]
    }

    /// How many distinct peers the kept lines have.
    pub fn count(&self) -> usize {
        self.ids.len()
    }
}

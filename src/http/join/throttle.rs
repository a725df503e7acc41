//! `JoinThrottle`: the bound on join posts per client address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Posts to join pages per client address and window: enough for a family behind one address,
/// too few to mail-bomb anyone (each address gets one email per route per day anyway).
const POSTS_PER_WINDOW: u32 = 10;
const WINDOW: Duration = Duration::from_secs(600);
/// Client addresses remembered at once; beyond it the oldest windows are dropped first.
const MAX_CLIENTS: usize = 10_000;

/// Counts join posts per client address in fixed windows, in a bounded map.
#[derive(Default)]
pub struct JoinThrottle {
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl JoinThrottle {
    /// Counts a post from `client`; false when it is over the limit.
    pub fn allow(&self, client: IpAddr) -> bool {
        let key = crate::http::server::ip_key(client);
        let now = Instant::now();
        let mut w = self.windows.lock().expect("join throttle lock");
        if w.len() >= MAX_CLIENTS && !w.contains_key(&key) {
            w.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if w.len() >= MAX_CLIENTS {
                // Still full of live windows: refuse newcomers rather than grow without bound.
                return false;
            }
        }
        let e = w.entry(key).or_insert((now, 0));
        if now.duration_since(e.0) >= WINDOW {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= POSTS_PER_WINDOW
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_counts_per_address_in_windows() {
        let t = JoinThrottle::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..POSTS_PER_WINDOW {
            assert!(t.allow(a));
        }
        assert!(!t.allow(a));
        assert!(t.allow(b));
    }
}

//! Fairness across tenants: render-time buckets, remembered template bombs, and giving way once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::render::{OverLimit, Overrides};
use crate::routing::Channel;

/// Render time each tenant may spend at once, and gets back per second.
pub const TENANT_RENDER_BUCKET: Duration = Duration::from_millis(50);
/// How long a template that went over its budget is remembered and skipped without rendering.
pub const KNOWN_BOMB_MEMORY: Duration = Duration::from_secs(600);

/// Fairness across tenants in dispatch. There is one dispatcher, so any time one tenant's
/// renders take is time every other tenant's alert waits. Each tenant has a token bucket of
/// render CPU time ([`TENANT_RENDER_BUCKET`], refilled at the same amount per second): a tenant
/// whose bucket is empty has its events deferred behind other tenants' (never dropped: when
/// nobody else waits, its events go on). Within one event, a tenant that has spent its bucket
/// while another tenant waits gives way, once per event, and the event is dispatched again later. A template
/// that went over its budget is remembered for [`KNOWN_BOMB_MEMORY`] and dead-lettered at once,
/// without rendering. With the 20 ms per-message budget, another tenant's alert waits at most
/// about 50 + 20 ms for a tenant's renders.
#[derive(Default)]
pub struct Fairness {
    inner: Mutex<FairState>,
}

#[derive(Default)]
struct FairState {
    /// (app, account) -> (tokens in ns, may be negative; when last refilled).
    buckets: HashMap<(String, String), (i64, Instant)>,
    /// Hash of a template set -> (when it went over, which limit).
    bombs: HashMap<[u8; 32], (Instant, OverLimit)>,
    /// Events that already gave way once (seq -> when): the second try runs to the end, so an
    /// event whose renders are slow but within budget cannot be put off for ever.
    gave_way: HashMap<u64, Instant>,
}

impl Fairness {
    fn tokens(state: &mut FairState, app: &str, account: &str) -> i64 {
        let cap = TENANT_RENDER_BUCKET.as_nanos() as i64;
        let now = Instant::now();
        let entry = state
            .buckets
            .entry((app.to_owned(), account.to_owned()))
            .or_insert((cap, now));
        let refill = now.duration_since(entry.1).as_nanos() as i64 * cap / 1_000_000_000;
        entry.0 = (entry.0 + refill).min(cap);
        entry.1 = now;
        entry.0
    }

    /// Whether the tenant has render time left.
    pub fn has_tokens(&self, app: &str, account: &str) -> bool {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        Self::tokens(&mut s, app, account) > 0
    }

    /// Takes `ns` of render time from the tenant's bucket.
    pub fn charge(&self, app: &str, account: &str, ns: u64) {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        Self::tokens(&mut s, app, account);
        if let Some(b) = s.buckets.get_mut(&(app.to_owned(), account.to_owned())) {
            b.0 -= ns as i64;
        }
        // Forget idle tenants now and then so the map stays small.
        if s.buckets.len() > 10_000 {
            let cap = TENANT_RENDER_BUCKET.as_nanos() as i64;
            s.buckets.retain(|_, b| b.0 < cap);
        }
    }

    pub(super) fn known_bomb(&self, h: &[u8; 32]) -> Option<OverLimit> {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.bombs
            .retain(|_, (at, _)| at.elapsed() < KNOWN_BOMB_MEMORY);
        s.bombs.get(h).map(|(_, l)| *l)
    }

    /// Whether event `seq` may give way now: once per event.
    pub(super) fn may_give_way(&self, seq: u64) -> bool {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.gave_way.retain(|_, at| at.elapsed() < KNOWN_BOMB_MEMORY);
        s.gave_way.insert(seq, Instant::now()).is_none()
    }

    pub(super) fn remember_bomb(&self, h: [u8; 32], limit: OverLimit) {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.bombs.insert(h, (Instant::now(), limit));
    }
}

/// Identifies the override set a message would render with, per tenant: the same sources hash the
/// same, an edited template is a new one, and one tenant's bomb never marks another tenant's copy.
pub(super) fn template_set_hash(
    tenant: (&str, &str),
    event: &str,
    kind: Channel,
    layers: &Overrides,
) -> Option<[u8; 32]> {
    let mut h = Sha256::new();
    for part in [tenant.0, tenant.1] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let mut any = false;
    for key in crate::render::template_keys(kind) {
        if let Some(src) = layers.find(event, key) {
            any = true;
            h.update(key.as_bytes());
            h.update((src.len() as u64).to_be_bytes());
            h.update(src.as_bytes());
        }
    }
    any.then(|| h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_that_spent_its_bucket_waits_and_others_do_not() {
        let f = Fairness::default();
        assert!(f.has_tokens("app", "a"));
        f.charge("app", "a", 60_000_000);
        assert!(!f.has_tokens("app", "a"), "60 ms spent of a 50 ms bucket");
        assert!(f.has_tokens("app", "b"), "another tenant is untouched");
    }

    #[test]
    fn known_bombs_are_remembered_and_events_give_way_once() {
        let f = Fairness::default();
        let h = [7u8; 32];
        assert_eq!(f.known_bomb(&h), None);
        f.remember_bomb(h, OverLimit::Repeats);
        assert_eq!(f.known_bomb(&h), Some(OverLimit::Repeats));
        assert!(f.may_give_way(42));
        assert!(!f.may_give_way(42), "the second try runs to the end");
    }
}

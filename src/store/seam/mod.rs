//! The storage seam: what the rest of the relay may ask of storage, as async traits, one per
//! aggregate, so that a networked backend (PostgreSQL) can implement them without blocking the
//! runtime. [`Backend`] bundles them; front ends, workers and the service layer hold a [`Db`]
//! (`Arc<dyn Backend>`) and never a concrete backend.
//!
//! The sled implementation lives in `sled_seam/`. Every backend must pass the store contract
//! suite (`store::contract`), which is written against these traits only.
//!
//! Why `async_trait` and `dyn`: the backend is chosen from config at start, and one boxed future
//! per call is nothing next to the I/O behind it, while a type parameter would spread through the
//! router and every handler (see docs/architecture.md, "Storage seam").

mod apps;
mod bot;
mod cluster;
mod consents;
mod events;
mod languages;
mod maintenance;
mod meetings;
mod member_names;
mod notices;
mod own_bots;
mod routes;
mod tenants;

pub use apps::AppStore;
pub use bot::{BotStore, ChatStateStore};
pub use cluster::{Campaign, Cluster, Leadership, Role, Wake};
pub use consents::ConsentStore;
pub use events::{Deferred, EventLog, InboxClaim, Queue};
pub use languages::BotLanguageStore;
pub use maintenance::Maintenance;
pub use meetings::MeetingStore;
pub use member_names::MemberNameStore;
pub use notices::NoticeStore;
pub use own_bots::OwnBotStore;
pub use routes::RouteStore;
pub use tenants::{AuthStore, TenantStore};

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;

use super::auth::{ApiToken, Session};
use super::bot::{ChatLink, CodeKind, CodeRecord, Mute, OrganizerLink, Redeem};
use super::pacing::{Clock, Limits, Slot};
use super::telegram::PartProgress;
use super::{
    AppendOutcome, Attempt, AuditEntry, BackupError, BackupInfo, Claim, DeadJob, DisabledTarget,
    Dispatched, EventFilter, EventRecord, EventStatus, Fault, Finish, FlushSnapshot, ImportReport,
    Job, MeetingMemory, NewEvent, NewJob, Notice, PurgeReport, RetentionReport, SentJob,
    StoreError, Tenant, TenantId,
};
use crate::routing::{Channel, Route};

/// The storage a running relay uses, whatever the backend.
pub type Db = Arc<dyn Backend>;

/// Declares [`Backend`] and its blanket impl from one list of traits, so that a new trait cannot
/// be added to one and forgotten in the other.
macro_rules! backend {
    ($($cap:path),* $(,)?) => {
        /// Every capability together. Implemented automatically for any type that has them all.
        pub trait Backend: $($cap +)* Send + Sync + 'static {}

        impl<T> Backend for T where T: $($cap +)* Send + Sync + 'static {}
    };
}

backend!(
    EventLog,
    Queue,
    RouteStore,
    TenantStore,
    AuthStore,
    BotStore,
    ChatStateStore,
    MeetingStore,
    NoticeStore,
    ConsentStore,
    OwnBotStore,
    BotLanguageStore,
    MemberNameStore,
    Maintenance,
    Cluster,
    AppStore,
);

/// What a compare-and-swap of a route compares against: opaque to callers (sled keeps the stored
/// bytes; a SQL backend keeps a row version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteVersion(pub(crate) Vec<u8>);

/// How many times a read-modify-write of a route is retried when other writers keep winning. 64
/// starved writers on PostgreSQL on a loaded 2-core machine (32 writers on one route).
pub(super) const ROUTE_CAS_TRIES: usize = 256;

/// The one read-modify-write of a route, for every backend: reads route `name`, lets `edit` change
/// it, and writes it back with a compare-and-swap on the version it read. When another writer
/// changed the route in between (a member's `/subscribe`, an organizer's edit), the swap fails and
/// the whole step runs again on the fresh route, so neither write is lost. `edit` may therefore run
/// more than once and must only change the route (no side effects); it may not change the route's
/// app, account or name. Nothing is written when `edit` fails or leaves the route as it was.
///
/// Returns `Ok(None)` when there is no such route, else what `edit` returned.
pub async fn update_route<T, E: From<StoreError>>(
    db: &dyn Backend,
    tenant: &TenantId,
    name: &str,
    mut edit: impl FnMut(&mut Route) -> Result<T, E> + Send,
) -> Result<Option<T>, E> {
    for attempt in 0..ROUTE_CAS_TRIES {
        if attempt > 0 {
            cas_backoff(attempt).await;
        }
        let Some((before, version)) = db.get_route_versioned(tenant, name).await? else {
            return Ok(None);
        };
        let (out, changed) = edit_route(&before, &mut edit)?;
        let Some(route) = changed else {
            return Ok(Some(out));
        };
        if db.swap_route(&version, &route).await? {
            return Ok(Some(out));
        }
    }
    Err(StoreError::Contended(format!("route `{name}`")).into())
}

/// One step of a route read-modify-write, for every backend: runs `edit` on a copy of `before`
/// and returns what it returned with the changed route, or None when `edit` left it as it was. An
/// edit that changes the route's app, account or name is refused: it would write another route.
pub(super) fn edit_route<T, E: From<StoreError>>(
    before: &Route,
    edit: &mut impl FnMut(&mut Route) -> Result<T, E>,
) -> Result<(T, Option<Route>), E> {
    let mut route = before.clone();
    let out = edit(&mut route)?;
    if route == *before {
        return Ok((out, None));
    }
    if route.app_id != before.app_id
        || route.account_id != before.account_id
        || route.name != before.name
    {
        return Err(StoreError::Io(format!(
            "an update of route `{}` tried to change its account or name",
            before.name
        ))
        .into());
    }
    Ok((out, Some(route)))
}

/// Waits a little before retrying a lost compare-and-swap. Without it, writers that lost all retry
/// at once and lose again together: on a networked backend, where a read and a swap take a round
/// trip each, 32 writers on one route starved some of them past every retry (seen in the contract
/// suite on PostgreSQL). Exponential from 1 ms, capped at 32 ms, with full jitter so the losers
/// spread out.
async fn cas_backoff(attempt: usize) {
    use rand::Rng;
    let cap_us = 1_000u64 << attempt.min(5);
    let us = rand::thread_rng().gen_range(0..=cap_us);
    tokio::time::sleep(std::time::Duration::from_micros(us)).await;
}

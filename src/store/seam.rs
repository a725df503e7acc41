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

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;

use super::auth::{ApiToken, Session};
use super::bot::{ChatLink, CodeKind, CodeRecord, Mute, OrganizerLink, Redeem};
use super::telegram::{ChatPace, PartProgress};
use super::{
    AppendOutcome, Attempt, AuditEntry, BackupError, BackupInfo, Claim, DeadJob, DisabledTarget,
    EventFilter, EventRecord, EventStatus, Fault, Finish, FlushSnapshot, ImportReport, Job,
    MeetingMemory, NewEvent, NewJob, Notice, PurgeReport, RetentionReport, SentJob, StoreError,
    Tenant,
};
use crate::routing::{Channel, Route};

/// The storage a running relay uses, whatever the backend.
pub type Db = Arc<dyn Backend>;

/// Every capability together. Implemented automatically for any type that has them all.
pub trait Backend:
    EventLog
    + Queue
    + RouteStore
    + TenantStore
    + AuthStore
    + BotStore
    + ChatStateStore
    + MeetingStore
    + NoticeStore
    + Maintenance
    + Send
    + Sync
    + 'static
{
}

impl<T> Backend for T where
    T: EventLog
        + Queue
        + RouteStore
        + TenantStore
        + AuthStore
        + BotStore
        + ChatStateStore
        + MeetingStore
        + NoticeStore
        + Maintenance
        + Send
        + Sync
        + 'static
{
}

/// What a compare-and-swap of a route compares against: opaque to callers (sled keeps the stored
/// bytes; a SQL backend keeps a row version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteVersion(pub(crate) Vec<u8>);

/// How many times a read-modify-write of a route is retried when other writers keep winning.
const ROUTE_CAS_TRIES: usize = 64;

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
    app_id: &str,
    account_id: &str,
    name: &str,
    mut edit: impl FnMut(&mut Route) -> Result<T, E> + Send,
) -> Result<Option<T>, E> {
    for attempt in 0..ROUTE_CAS_TRIES {
        if attempt > 0 {
            cas_backoff(attempt).await;
        }
        let Some((before, version)) = db.get_route_versioned(app_id, account_id, name).await?
        else {
            return Ok(None);
        };
        let mut route = before.clone();
        let out = edit(&mut route)?;
        if route == before {
            return Ok(Some(out));
        }
        if route.app_id != app_id || route.account_id != account_id || route.name != name {
            return Err(StoreError::Io(format!(
                "an update of route `{name}` tried to change its account or name"
            ))
            .into());
        }
        if db.swap_route(&version, &route).await? {
            return Ok(Some(out));
        }
    }
    Err(StoreError::Contended(format!("route `{name}`")).into())
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

/// Health, durability and diagnostics of the backend as a whole.
#[async_trait]
pub trait Maintenance: Send + Sync {
    /// Where the data lives, for messages (a directory for sled, a redacted URL for a server).
    fn location(&self) -> String;
    /// False once a write or flush failed; `/readyz` reports it.
    fn is_healthy(&self) -> bool;
    /// Fault injection for tests: the next `times` durable writes or syncs fail as if the backend
    /// had returned an I/O error. Backends that cannot inject a fault ignore it.
    #[doc(hidden)]
    fn inject_fault(&self, fault: Fault, times: u32);
    /// Durations of the group-commit syncs so far.
    fn flush_stats(&self) -> FlushSnapshot;
    /// Waits until everything written before this call is durable (many callers share one sync).
    async fn flush(&self) -> Result<(), StoreError>;
    /// Flushes and stops accepting writes. Later appends fail with [`StoreError::Closed`].
    async fn close(&self) -> Result<(), StoreError>;
    /// Every (table, key) whose key or value contains `needle`: proof that a purge left nothing.
    async fn trees_containing(&self, needle: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// How many records each table holds: proof that a request wrote nothing durable.
    async fn key_counts(&self) -> Result<BTreeMap<String, usize>, StoreError>;
    /// Writes a consistent backup of everything to `path` (0600).
    async fn backup_to_file(&self, path: &Path) -> Result<BackupInfo, BackupError>;
    /// Streams a backup into `w` (the admin API's download).
    async fn write_backup(
        &self,
        w: Box<dyn std::io::Write + Send>,
    ) -> Result<BackupInfo, BackupError>;
}

#[async_trait]
pub trait EventLog: Send + Sync {
    async fn append_event(
        &self,
        dedup_key: [u8; 16],
        event: NewEvent,
    ) -> Result<AppendOutcome, StoreError>;

    async fn get_event(&self, seq: u64) -> Result<Option<EventRecord>, StoreError>;

    /// Newest first.
    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<EventRecord>, StoreError>;

    async fn inbox_len(&self) -> usize;

    async fn event_count(&self) -> usize;

    /// Removes dedup keys and dispatched events past their retention. Pending events are kept
    /// whatever their age: an acknowledged event is never dropped before it is dispatched.
    async fn expire(
        &self,
        now_ms: i64,
        dedup_retention_ms: i64,
        event_retention_ms: i64,
    ) -> Result<RetentionReport, StoreError>;
}

#[async_trait]
pub trait Queue: Send + Sync {
    /// The oldest of the first `scan` inbox events that `deferred` does not hold back, else the
    /// oldest of them (a tenant over its render budget waits, but never blocks the queue).
    async fn next_inbox_event_fair(
        &self,
        deferred: &(dyn for<'r> Fn(&'r EventRecord) -> bool + Send + Sync),
        scan: usize,
    ) -> Result<Option<EventRecord>, StoreError>;

    async fn next_inbox_event(&self) -> Result<Option<EventRecord>, StoreError>;

    /// Takes event `seq` out of the inbox, records its status and creates its jobs. Safe to repeat
    /// after a crash at any point: each job's idempotency key is written first and names the job id,
    /// then the due entry, then the job; a repeat recreates only jobs that never reached the store and
    /// were never attempted. The inbox entry goes last. Returns the number of jobs created.
    async fn commit_dispatch(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
    ) -> Result<u32, StoreError>;

    /// Like [`Store::commit_dispatch`], plus jobs that are dead on arrival: a message whose
    /// template went over its render budget is recorded as a dead letter with `reason` and never
    /// sent, while the event's other jobs go out as usual. Idempotent like the live jobs.
    async fn commit_dispatch_with_dead(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
        dead: Vec<(NewJob, String)>,
    ) -> Result<u32, StoreError>;

    /// Queues jobs that no Zoom event caused (the bot's replies), with event seq 0. The same
    /// idempotency rule holds: a key seen before creates nothing, so handling a Telegram update
    /// twice cannot send its replies twice. Returns the number of jobs created.
    async fn enqueue_jobs(&self, jobs: Vec<NewJob>) -> Result<u32, StoreError>;

    /// Whether an event of another tenant than (`app`, `account`) waits in the first `scan`
    /// inbox entries.
    async fn inbox_has_other_tenant(
        &self,
        app: &str,
        account: &str,
        scan: usize,
    ) -> Result<bool, StoreError>;

    async fn outbox_len(&self, channel: Option<Channel>) -> usize;

    async fn get_job(&self, id: u64) -> Result<Option<Job>, StoreError>;

    /// All pending jobs, oldest first.
    async fn list_jobs(&self) -> Result<Vec<Job>, StoreError>;

    /// Claims the next due job of `channel` for `lease_ms`. Returns it with its claim recorded, or the
    /// time the next job becomes due. Index entries that no longer match their job (left by a crash
    /// between two writes) are removed on the way.
    async fn claim_due(
        &self,
        channel: Channel,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError>;

    /// Records the attempt, then finishes a claimed job: removes it when sent or dead, reschedules it
    /// for a retry. The attempt goes first, so a crash never loses the record of a send.
    async fn finish_job(
        &self,
        job: &Job,
        attempt: &Attempt,
        next: Finish,
    ) -> Result<(), StoreError>;

    /// Makes a claimed job due at `at_ms` without recording an attempt: waiting for a pacer is not
    /// a failure and must not use up the retry schedule.
    async fn defer_job(&self, job: &Job, at_ms: i64) -> Result<(), StoreError>;

    /// Makes every claimed job due now. Run at startup: a claim held by a dead process is void.
    async fn release_claims(&self, now_ms: i64) -> Result<usize, StoreError>;

    async fn attempts_of(&self, job_id: u64) -> Result<Vec<Attempt>, StoreError>;

    /// Moves a dead letter back into the outbox, due now, with its attempt count kept (so history
    /// numbering continues). Returns false when there is no such dead letter.
    async fn retry_dead(&self, id: u64, now_ms: i64) -> Result<bool, StoreError>;

    /// Sent jobs, oldest first.
    async fn list_sent(&self) -> Result<Vec<SentJob>, StoreError>;

    async fn get_sent(&self, id: u64) -> Result<Option<SentJob>, StoreError>;

    async fn get_dead(&self, id: u64) -> Result<Option<DeadJob>, StoreError>;

    /// Drops sent-job records older than `cutoff_ms`; returns how many (run with the event retention).
    async fn expire_sent(&self, cutoff_ms: i64) -> Result<u64, StoreError>;

    async fn list_dead(&self) -> Result<Vec<DeadJob>, StoreError>;

    /// the relay runs copies one tree after another, so a job can arrive without the index entry a
    /// worker finds it by; entries that point nowhere are already dropped by [`Store::claim_due`].
    /// Returns the number of entries added.
    async fn reindex_outbox(&self) -> Result<usize, StoreError>;
}

#[async_trait]
pub trait RouteStore: Send + Sync {
    /// A route with the version a later [`RouteStore::swap_route`] compares against. Use
    /// [`update_route`] rather than these two directly.
    async fn get_route_versioned(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<(Route, RouteVersion)>, StoreError>;
    /// Replaces the route (same tenant and name as `route`) only if it is still at `version`.
    /// False, writing nothing, when another writer got there first or the route is gone.
    async fn swap_route(&self, version: &RouteVersion, route: &Route) -> Result<bool, StoreError>;

    /// Writes `route` under its (tenant, name) only if no route of that name exists. Returns false,
    /// writing nothing, when one does.
    async fn create_route(&self, route: &Route) -> Result<bool, StoreError>;

    async fn routes_is_empty(&self) -> bool;

    async fn route_count(&self) -> usize;

    /// All routes, or one tenant's, in key order (tenant, then name).
    async fn list_routes(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Route>, StoreError>;

    async fn get_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Route>, StoreError>;

    /// Inserts or replaces blindly, whatever is stored. Returns true when the route is new. Only
    /// for writes that own the whole route (seeding an empty store, tests); a change to a stored
    /// route goes through [`Store::update_route`] so that a concurrent change is not lost.
    async fn put_route(&self, route: &Route) -> Result<bool, StoreError>;

    /// Removes route `name` and returns it as it was at the moment of removal (one atomic step),
    /// so a caller moving it elsewhere carries over every change made until then.
    async fn take_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Route>, StoreError>;

    async fn remove_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<bool, StoreError>;

    /// Upserts routes by (tenant, name). Callers validate everything first, so a write can only fail
    /// on I/O.
    async fn import_routes(&self, routes: &[Route]) -> Result<ImportReport, StoreError>;

    /// A tenant's template overrides, keyed `event/key` (e.g. `meeting.started/telegram.html`).
    async fn tenant_templates(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<BTreeMap<String, String>, StoreError>;

    async fn set_template(
        &self,
        app_id: &str,
        account_id: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> Result<(), StoreError>;

    async fn remove_template(
        &self,
        app_id: &str,
        account_id: &str,
        event: &str,
        key: &str,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait TenantStore: Send + Sync {
    /// The tenant of (`app_id`, `account_id`), if that account installed the app.
    async fn get_tenant(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<Option<Tenant>, StoreError>;

    /// Inserts or replaces the tenant record. One key, so tokens and their expiry change together.
    async fn put_tenant(&self, t: &Tenant) -> Result<(), StoreError>;

    /// All tenants, or one app's, in key order.
    async fn list_tenants(&self, app_id: Option<&str>) -> Result<Vec<Tenant>, StoreError>;

    async fn add_audit(&self, e: &AuditEntry) -> Result<(), StoreError>;

    /// The audit trail, oldest first.
    async fn list_audit(&self) -> Result<Vec<AuditEntry>, StoreError>;

    /// Deletes everything the store holds for a tenant: its record and tokens, routes, template
    /// overrides, meeting memory, notices, disabled targets, pending and dead jobs with their
    /// attempts, stored raw events, and the bot's subscriptions and codes. Safe to repeat: every
    /// step deletes what is still there, in an order that leaves no dangling index if a crash
    /// interrupts it. `event_last` (the app_deauthorized event being handled) is removed at the very
    /// end, so a crash mid-purge leaves it in the inbox and the purge runs again.
    async fn purge_tenant(
        &self,
        app_id: &str,
        account_id: &str,
        event_last: Option<u64>,
    ) -> Result<PurgeReport, StoreError>;
}

#[async_trait]
pub trait AuthStore: Send + Sync {
    /// Stores a console session under the hash of `id` (the cookie value never reaches storage).
    async fn put_session(&self, id: &str, s: &Session) -> Result<(), StoreError>;

    /// The session, if it exists and has not expired (an expired one is removed).
    async fn get_session(&self, id: &str, now_ms: i64) -> Result<Option<Session>, StoreError>;

    async fn remove_session(&self, id: &str) -> Result<(), StoreError>;

    /// Drops expired sessions; returns how many.
    async fn expire_sessions(&self, now_ms: i64) -> Result<usize, StoreError>;

    async fn put_api_token(&self, token: &str, t: &ApiToken) -> Result<(), StoreError>;

    async fn api_token(&self, token: &str) -> Result<Option<ApiToken>, StoreError>;

    /// Every token, or one tenant's.
    async fn list_api_tokens(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<ApiToken>, StoreError>;

    /// Removes the token with public id `id` if it belongs to `tenant` (any tenant for None).
    /// Returns whether one was removed.
    async fn revoke_api_token(
        &self,
        id: &str,
        tenant: Option<(&str, &str)>,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait BotStore: Send + Sync {
    /// The tenant `chat_id` is linked to, if any.
    async fn chat_link(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError>;

    /// Links a chat to `link`'s tenant unless it is linked already. Returns the link that holds
    /// afterwards: `link` itself, or the existing one (which may name another tenant, in which case
    /// nothing was written). A compare-and-swap, so of two tenants racing only one wins.
    async fn link_chat(&self, link: &ChatLink) -> Result<ChatLink, StoreError>;

    /// Frees a chat (`/unlink` by a group admin once no route posts there, or an uninstall).
    /// Returns the link that was removed.
    async fn unlink_chat(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError>;

    /// A group became a supergroup and got a new id: its link moves along, unless the new id is
    /// linked already.
    async fn move_chat_link(&self, old: i64, new: i64) -> Result<(), StoreError>;

    /// Every chat link, of every tenant.
    async fn all_chat_links(&self) -> Result<Vec<ChatLink>, StoreError>;

    /// Whether the one-time chat-link migration already ran on this store.
    async fn chat_links_migrated(&self) -> Result<bool, StoreError>;

    async fn set_chat_links_migrated(&self) -> Result<(), StoreError>;

    /// Stores a new code (by hash). Returns false if that hash exists already (a collision or a
    /// repeated call), in which case nothing is written.
    async fn put_code(&self, code: &str, rec: &CodeRecord) -> Result<bool, StoreError>;

    /// The record of `code`, if it exists; nothing is consumed.
    async fn code_record(&self, code: &str) -> Result<Option<CodeRecord>, StoreError>;

    /// Codes, oldest first; one tenant's or everyone's.
    async fn list_codes(&self, tenant: Option<(&str, &str)>)
    -> Result<Vec<CodeRecord>, StoreError>;

    /// Marks every code whose id starts with `id` (at least 6 hex digits) revoked; with `tenant`,
    /// only that tenant's. Returns the revoked records.
    async fn revoke_code(
        &self,
        id: &str,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<CodeRecord>, StoreError>;

    /// Redeems `code` if it is of one of the `accepted` kinds. A single-use code is consumed with a
    /// compare-and-swap, so two people sending it at once cannot both succeed.
    async fn redeem_code(
        &self,
        code: &str,
        accepted: &[CodeKind],
        now_ms: i64,
    ) -> Result<Redeem, StoreError>;

    async fn add_organizer(&self, link: &OrganizerLink) -> Result<(), StoreError>;

    /// The tenants Telegram user `user_id` organizes.
    async fn organizer_links(&self, user_id: i64) -> Result<Vec<OrganizerLink>, StoreError>;

    /// Removes every organizer link of Telegram user `user_id` (`/leave`); returns how many.
    async fn remove_organizer_links(&self, user_id: i64) -> Result<usize, StoreError>;

    /// Removes one organizer link; returns whether there was one.
    async fn remove_organizer(
        &self,
        app_id: &str,
        account_id: &str,
        user_id: i64,
    ) -> Result<bool, StoreError>;

    /// Every organizer link, of every tenant.
    async fn all_organizers(&self) -> Result<Vec<OrganizerLink>, StoreError>;

    /// A tenant's organizers, for pushing its notices.
    async fn tenant_organizers(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<Vec<OrganizerLink>, StoreError>;

    async fn set_mute(
        &self,
        app_id: &str,
        account_id: &str,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError>;

    /// Every mute of `chat_id`, in any tenant (expired ones included).
    async fn mutes_of(&self, chat_id: i64) -> Result<Vec<Mute>, StoreError>;

    /// Removes every mute of `chat_id`; returns how many there were.
    async fn clear_mutes(&self, chat_id: i64) -> Result<usize, StoreError>;

    /// Whether a member's chat asked for silence in this tenant until after `now_ms`. The dispatcher
    /// asks this for member-owned Telegram destinations only.
    async fn is_member_muted(
        &self,
        app_id: &str,
        account_id: &str,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError>;

    /// The highest `update_id` handled so far. Telegram's ids grow, so anything at or below it was
    /// seen before and is skipped.
    async fn bot_last_update(&self) -> Result<Option<i64>, StoreError>;

    /// Records `update_id` as handled. Callers flush afterwards for durability.
    async fn set_bot_last_update(&self, update_id: i64) -> Result<(), StoreError>;

    /// The highest notice id already pushed to organizers.
    async fn bot_notice_watermark(&self) -> Result<Option<u64>, StoreError>;

    async fn set_bot_notice_watermark(&self, id: u64) -> Result<(), StoreError>;

    /// The bot's @username as getMe last reported it, for deep links.
    async fn bot_username(&self) -> Result<Option<String>, StoreError>;

    async fn set_bot_username(&self, username: &str) -> Result<(), StoreError>;

    /// Deletes every bot record of the tenant: its codes, chat links, organizer links and member
    /// mutes.
    /// Returns how many records were removed. Route destinations (member subscriptions, linked
    /// groups) live in the routes and go with them.
    async fn purge_bot_tenant(&self, app_id: &str, account_id: &str) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait ChatStateStore: Send + Sync {
    /// Every chat's pacing record.
    async fn telegram_paces(&self) -> Result<Vec<(i64, ChatPace)>, StoreError>;

    async fn put_telegram_pace(&self, chat_id: i64, pace: &ChatPace) -> Result<(), StoreError>;

    async fn part_progress(&self, job_id: u64) -> Result<PartProgress, StoreError>;

    async fn set_part_progress(&self, job_id: u64, p: &PartProgress) -> Result<(), StoreError>;

    async fn clear_part_progress(&self, job_id: u64) -> Result<(), StoreError>;

    /// The chat a message for `chat_id` must go to now, following recorded migrations.
    async fn resolve_telegram_chat(&self, chat_id: i64) -> Result<i64, StoreError>;

    /// Records that chat `old` is now `new` and points every route destination (of any tenant) at
    /// the new chat. Returns the routes that changed. The migration record goes first, so jobs
    /// already queued for the old chat follow it even if a crash cuts the route updates short.
    async fn migrate_telegram_chat(&self, old: i64, new: i64) -> Result<Vec<Route>, StoreError>;
}

#[async_trait]
pub trait MeetingStore: Send + Sync {
    /// What is known about a meeting (topic, join link), from earlier events or a lookup.
    async fn meeting_memory(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
    ) -> Result<Option<MeetingMemory>, StoreError>;

    async fn remember_meeting(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
        memory: &MeetingMemory,
    ) -> Result<(), StoreError>;

    async fn forget_meeting(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
    ) -> Result<(), StoreError>;

    async fn mark_instance_ended(
        &self,
        app_id: &str,
        account_id: &str,
        uuid: &str,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// When the instance ended, if it has.
    async fn instance_ended(
        &self,
        app_id: &str,
        account_id: &str,
        uuid: &str,
    ) -> Result<Option<i64>, StoreError>;

    /// Drops memory entries and ended markers older than the retention.
    async fn expire_meetings(&self, now_ms: i64, retention_ms: i64) -> Result<usize, StoreError>;
}

#[async_trait]
pub trait NoticeStore: Send + Sync {
    async fn add_notice(
        &self,
        app_id: &str,
        account_id: &str,
        kind: &str,
        message: &str,
        route: Option<&str>,
        target: Option<&str>,
    ) -> Result<Notice, StoreError>;

    /// Notices, newest first; one tenant's or everyone's.
    async fn list_notices(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Notice>, StoreError>;

    /// Stops dispatching to `target` for this tenant until it is enabled again.
    async fn disable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
        reason: &str,
    ) -> Result<(), StoreError>;

    async fn enable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError>;

    async fn is_target_disabled(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError>;

    async fn list_disabled(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<DisabledTarget>, StoreError>;
}

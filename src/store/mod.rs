//! The only module that knows sled. Everything else sees domain types through [`Store`].
//!
//! Trees (key layouts in [`keys`]; big-endian so range scans follow time order):
//! - `events`: seq -> [`EventRecord`], every verified event with its raw body, for audit and replay;
//! - `inbox`: seq -> (), events waiting for the dispatcher;
//! - `dedup`: 16-byte hash of Zoom's natural key -> (received_at, seq), for Zoom's retries;
//! - `meta`: schema version and counters;
//! - the rest belong to one module each: `routes`/`templates` (routes.rs), `meetings`, the outbox
//!   trees (outbox.rs), `notices`/`disabled_targets`, `tenants`/`oauth_states`/`audit`
//!   (tenants.rs), `sessions`/`api_tokens` (auth.rs), the `telegram_*` trees, the `bot_*` trees (bot.rs),
//!   `apps`/`app_invites` (apps.rs).
//!
//! Durability: intake appends go to the intake journal ([`journal`]), which writes each batch to a
//! preallocated segment file and syncs it once (group commit); a request is answered only after the
//! sync that covers its record. The applier thread ([`commit`]) then writes the events into sled off
//! the request path and flushes sled periodically; a restart replays the journal above the last
//! flushed checkpoint before the store is returned. Readers of the event log and the inbox wait for
//! the applier to catch up with what was acknowledged. Other writers that need durability call
//! [`Store::flush`], which shares the applier's flushes.
//!
//! No sled transactions or batches anywhere: in sled 0.34 both take a process-wide write lock, and a
//! writer waiting for it while another thread is inside `flush` deadlocks the process (seen in our
//! tests). Multi-key changes are instead ordered single-key writes that are safe to repeat, relying on
//! sled recovering a prefix of its log after a crash.

pub mod apps;
pub mod auth;
pub mod backup;
pub mod bot;
mod commit;
pub mod consents;
#[cfg(test)]
mod contract;
mod error;
mod events;
mod journal;
pub(crate) mod keys;
mod languages;
mod meetings;
pub mod member_names;
mod notices;
mod open;
mod outbox;
pub mod own_bots;
pub mod pacing;
pub mod perms;
pub mod pg;
mod routes;
pub mod sealing;
pub mod seam;
mod sled_seam;
pub mod telegram;
mod tenant_id;
mod tenants;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use backup::{BackupError, BackupInfo, RestoreReport};
#[doc(hidden)]
pub use commit::Fault;
pub use commit::FlushSnapshot;
pub use error::StoreError;
pub use events::{AppendOutcome, EventFilter, EventRecord, EventStatus, NewEvent, RetentionReport};
pub use meetings::MeetingMemory;
pub use notices::{DisabledTarget, Notice};
pub use open::{open, open_sled};
pub use outbox::{
    Attempt, AttemptOutcome, Claim, DeadJob, Dispatched, Finish, Job, Message, NewJob, SentJob,
    snippet,
};
pub use routes::ImportReport;
pub use seam::{
    AppStore, AuthStore, Backend, BotLanguageStore, BotStore, ChatStateStore, Cluster,
    ConsentStore, Db, Deferred, EventLog, InboxClaim, Leadership, Maintenance, MeetingStore,
    NoticeStore, OwnBotStore, Queue, Role, RouteStore, RouteVersion, TenantStore, Wake,
    update_route,
};
pub use tenant_id::{OfTenant, TenantId};
pub use tenants::{
    AuditEntry, Installer, PurgeReport, Tenant, TenantStatus, UserInstall, account_hash,
};

use crate::config::StoreConfig;

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::backend("record does not decode", e)
}

/// A record as the sled trees hold it: JSON.
fn encode<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(v).map_err(json_err)
}

/// One JSON record of a sled tree, decoded. The record trees all read through this,
/// [`decode_opt`] and [`decode_all`] (and write through [`encode`]), so a record that does not
/// decode fails the same way everywhere.
fn decode<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(json_err)
}

/// The record a `get` or `remove` returned, if there was one.
fn decode_opt<T: serde::de::DeserializeOwned>(
    v: Option<sled::IVec>,
) -> Result<Option<T>, StoreError> {
    v.map(|v| decode(&v)).transpose()
}

/// Every record of a scan (`iter` or `scan_prefix`), in key order.
fn decode_all<T: serde::de::DeserializeOwned>(scan: sled::Iter) -> Result<Vec<T>, StoreError> {
    scan.values().map(|v| decode(&v?)).collect()
}

/// One tenant's slice of a tenant-keyed tree ([`keys::tenant_prefix`]), or the whole tree for
/// None: how every "one tenant's or everyone's" listing scans.
fn tenant_scan(tree: &sled::Tree, tenant: Option<&TenantId>) -> sled::Iter {
    match tenant {
        Some(t) => tree.scan_prefix(keys::tenant_prefix(&t.app_id, &t.account_id)),
        None => tree.iter(),
    }
}

/// Bumped when the on-disk layout changes incompatibly.
pub const SCHEMA_VERSION: u32 = 1;

const META_SCHEMA: &[u8] = b"schema_version";
const META_NEXT_SEQ: &[u8] = b"next_event_seq";
/// The last intake journal record that sled holds durably (journal/mod.rs).
const META_CHECKPOINT: &[u8] = b"journal_checkpoint";

#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    db: sled::Db,
    events: sled::Tree,
    inbox: sled::Tree,
    dedup: sled::Tree,
    #[allow(dead_code)]
    meta: sled::Tree,
    routes: sled::Tree,
    templates: sled::Tree,
    meetings: sled::Tree,
    outbox: sled::Tree,
    outbox_due: sled::Tree,
    outbox_dest: sled::Tree,
    idem: sled::Tree,
    attempts: sled::Tree,
    dead: sled::Tree,
    /// Sent jobs, for the delivery log (outbox.rs).
    sent: sled::Tree,
    notices: sled::Tree,
    disabled: sled::Tree,
    /// Email double opt-in (consents.rs).
    consents: sled::Tree,
    /// Communities' own bots (own_bots.rs).
    own_bots: sled::Tree,
    /// The bot language each Telegram user chose (languages.rs).
    bot_languages: sled::Tree,
    /// Members' names per tenant, as Telegram gave them (member_names.rs).
    member_names: sled::Tree,
    tenants: sled::Tree,
    audit: sled::Tree,
    sessions: sled::Tree,
    api_tokens: sled::Tree,
    bot: bot::BotTrees,
    /// Apps added at run time and invitations (apps.rs).
    apps: apps::AppTrees,
    journal: journal::Journal,
    applier: commit::Applier,
    poisoned: Arc<AtomicBool>,
    faults: Arc<commit::Faults>,
    /// The dispatcher's claims on inbox events (seq to the end of the lease), kept in memory: one
    /// process has one dispatcher, and a restart ends every claim, as it should (`claim_inbox`).
    inbox_claims: std::sync::Mutex<std::collections::HashMap<u64, i64>>,
    flush_stats: Arc<commit::FlushStats>,
    /// `security.data_key`, which seals webhook secrets at rest (sealing.rs).
    data_key: Option<[u8; 32]>,
    /// The Telegram pacing book, loaded on first use (telegram.rs).
    pacing: std::sync::Mutex<Option<pacing::PaceBook>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish()
    }
}

impl Store {
    /// Opens (or creates) the store and checks its integrity. Must run outside async context or in
    /// `spawn_blocking`: sled's open replays the log synchronously.
    pub fn open(dir: &Path, cfg: &StoreConfig) -> Result<Store, StoreError> {
        // 0700 dir, 0600 files, umask 077 for what sled creates later (perms.rs).
        perms::secure_tree(dir).map_err(|e| {
            StoreError::backend(
                format!(
                    "cannot create data_dir {} or make it private to this user",
                    dir.display()
                ),
                e,
            )
        })?;
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(cfg.cache_capacity_mb.saturating_mul(1024 * 1024))
            .open()
            .map_err(|e| classify_open_error(dir, e))?;
        let corrupt = |detail: String| StoreError::Corrupt {
            path: dir.to_path_buf(),
            detail,
        };
        let tree = |name: &str| db.open_tree(name).map_err(|e| classify_open_error(dir, e));
        let events = tree("events")?;
        let inbox = tree("inbox")?;
        let dedup = tree("dedup")?;
        let meta = tree("meta")?;
        let routes = tree("routes")?;
        let templates = tree("templates")?;
        let meetings = tree("meetings")?;
        let outbox = tree("outbox")?;
        let outbox_due = tree("outbox_due")?;
        let outbox_dest = tree("outbox_dest")?;
        let idem = tree("idem")?;
        let attempts = tree("attempts")?;
        let dead = tree("dead")?;
        let sent = tree("sent")?;
        let notices = tree("notices")?;
        let disabled = tree("disabled_targets")?;
        let consents = tree("email_consents")?;
        let own_bots = tree("own_bots")?;
        let bot_languages = tree("bot_languages")?;
        let member_names = tree("member_names")?;
        let bot = bot::BotTrees::open(&db).map_err(|e| classify_open_error(dir, e))?;
        let apps = apps::AppTrees::open(&db).map_err(|e| classify_open_error(dir, e))?;
        let tenants = tree("tenants")?;
        // Pending OAuth installs used to be stored here; they now travel in a sealed cookie.
        // Dropped once (a no-op when absent), so old states do not linger on disk.
        db.drop_tree("oauth_states")
            .map_err(|e| classify_open_error(dir, e))?;
        let audit = tree("audit")?;
        let sessions = tree("sessions")?;
        let api_tokens = tree("api_tokens")?;

        // Integrity: schema version, counters ahead of data, inbox entries pointing at events, and
        // the newest event record decoding.
        match meta.get(META_SCHEMA)? {
            None => {
                if !events.is_empty() || !inbox.is_empty() {
                    return Err(corrupt(
                        "schema version missing from a non-empty store".into(),
                    ));
                }
                meta.insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())?;
                db.flush()?;
            }
            Some(v) => {
                let found = u32::from_be_bytes(
                    v.as_ref()
                        .try_into()
                        .map_err(|_| corrupt("schema version record has a bad length".into()))?,
                );
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: dir.to_path_buf(),
                        found,
                    });
                }
            }
        }
        // A big-endian counter of `meta`, if it was ever written.
        let meta_u64 = |key: &[u8], what: &str| -> Result<Option<u64>, StoreError> {
            meta.get(key)?
                .map(|v| {
                    let bytes = v.as_ref().try_into();
                    bytes
                        .map(u64::from_be_bytes)
                        .map_err(|_| corrupt(format!("{what} has a bad length")))
                })
                .transpose()
        };
        let next_seq = meta_u64(META_NEXT_SEQ, "event counter")?.unwrap_or(1);
        // The counter is written after each batch's events, so after a crash it may trail the newest
        // event; the newest event then decides.
        let mut next_seq = next_seq;
        if let Some((k, v)) = events.last()? {
            let seq = keys::decode_seq(&k).ok_or_else(|| corrupt("bad event key".into()))?;
            next_seq = next_seq.max(seq + 1);
            EventRecord::decode(seq, &v)
                .map_err(|e| corrupt(format!("newest event {seq} does not decode: {e}")))?;
        }
        for k in inbox.iter().keys() {
            let k = k?;
            if !events.contains_key(&k)? {
                return Err(corrupt(format!(
                    "inbox entry {:?} has no event",
                    keys::decode_seq(&k)
                )));
            }
        }

        // The intake journal: apply what it holds above the checkpoint, then start it empty.
        let trees = commit::Trees {
            db: db.clone(),
            events: events.clone(),
            inbox: inbox.clone(),
            dedup: dedup.clone(),
            meta: meta.clone(),
        };
        let checkpoint = meta_u64(META_CHECKPOINT, "journal checkpoint")?.unwrap_or(0);
        let jdir = dir.join(journal::DIR);
        let journal_err = |e: std::io::Error| {
            StoreError::backend(
                format!("cannot read the intake journal in {}", jdir.display()),
                e,
            )
        };
        let (records, mut start) = journal::recover(&jdir, checkpoint).map_err(journal_err)?;
        if !records.is_empty() {
            tracing::info!(
                events = records.len(),
                "replaying acknowledged events from the intake journal"
            );
        }
        let replayed: Vec<journal::Entry> = records
            .into_iter()
            .map(|r| journal::Entry {
                seq: r.seq,
                key: r.key,
                at: r.received_at_ms,
                record: r.payload,
            })
            .collect();
        trees.replay(&replayed)?;
        next_seq = next_seq.max(start.next_seq);
        start.next_seq = next_seq;
        trees.checkpoint(next_seq - 1)?;
        drop(replayed);

        let poisoned = Arc::new(AtomicBool::new(false));
        let flush_stats = Arc::new(commit::FlushStats::default());
        let faults = Arc::new(commit::Faults::default());
        let (apply_tx, apply_rx) = std::sync::mpsc::sync_channel(commit::APPLY_QUEUE);
        let journal = journal::Journal::start(
            jdir.clone(),
            cfg.journal_segment_mb.max(1).saturating_mul(1024 * 1024),
            start,
            journal::Deps {
                dedup: dedup.clone(),
                poisoned: poisoned.clone(),
                faults: faults.clone(),
                stats: flush_stats.clone(),
                checkpoint: next_seq - 1,
            },
            apply_tx.clone(),
        )
        .map_err(journal_err)?;
        let applier = commit::Applier::start(
            trees,
            apply_rx,
            apply_tx,
            journal.shared.clone(),
            next_seq - 1,
        );
        let store = Store {
            inner: Arc::new(Inner {
                path: dir.to_path_buf(),
                db,
                events,
                inbox,
                dedup,
                meta,
                routes,
                templates,
                meetings,
                outbox,
                outbox_due,
                outbox_dest,
                idem,
                attempts,
                dead,
                sent,
                notices,
                disabled,
                consents,
                own_bots,
                bot_languages,
                member_names,
                tenants,
                audit,
                sessions,
                api_tokens,
                bot,
                apps,
                journal,
                applier,
                poisoned,
                faults,
                inbox_claims: Default::default(),
                flush_stats,
                data_key: cfg.data_key.as_ref().map(|k| *k.bytes()),
                pacing: Default::default(),
            }),
        };
        store.seal_plaintext_secrets()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// False once a write or flush failed; `/readyz` reports it.
    pub fn is_healthy(&self) -> bool {
        !self.inner.poisoned.load(Ordering::Relaxed)
            && self.inner.journal.is_running()
            && self.inner.applier.is_running()
    }

    /// Waits until the applier has written every acknowledged event into sled, so that reads
    /// see them (module docs).
    pub(crate) async fn settle(&self) {
        let j = &self.inner.journal.shared;
        if !j.settled() {
            j.settle().await;
        }
    }

    /// Whether the applier has written every acknowledged event into sled.
    pub(crate) fn is_settled(&self) -> bool {
        self.inner.journal.shared.settled()
    }

    /// [`Store::settle`] when the inbox looks empty: the dispatcher's reads need not wait while
    /// there is work in sled already.
    pub(crate) async fn settle_if_inbox_empty(&self) {
        if self.inner.inbox.is_empty() {
            self.settle().await;
        }
    }

    /// [`Store::settle`] for the synchronous readers: usually one comparison; otherwise a short
    /// wait for the applier's current batch.
    pub(crate) fn settle_blocking(&self) {
        let j = &self.inner.journal.shared;
        if !j.settled() {
            j.settle_blocking();
        }
    }

    /// Whether event `seq` would be in sled if it was acknowledged.
    pub(crate) fn applied_through(&self, seq: u64) -> bool {
        self.inner.journal.shared.applied_seq() >= seq
    }

    /// Fault injection for tests: the next `times` intake journal writes or syncs fail as if the
    /// system had returned an I/O error, through the same path as a real failure (the store poisons
    /// itself).
    /// Not part of the API; integration tests reach it because they link the library as is.
    #[doc(hidden)]
    pub fn inject_fault(&self, fault: Fault, times: u32) {
        self.inner.faults.arm(fault, times);
    }

    /// Waits until everything written before this call is on disk (group commit; many callers share
    /// one fsync).
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.inner.applier.barrier().await
    }

    /// Stops the journal writer, applies and flushes what it wrote, and stops the applier. Later
    /// appends fail with [`StoreError::Closed`].
    pub async fn close(&self) -> Result<(), StoreError> {
        let s = self.clone();
        tokio::task::spawn_blocking(move || {
            s.inner.journal.stop();
            s.inner.applier.stop()
        })
        .await
        .map_err(|e| StoreError::backend("the store close task failed", e))?
    }

    /// Durations of the intake journal's batch writes and syncs so far.
    pub fn flush_stats(&self) -> FlushSnapshot {
        self.inner.flush_stats.snapshot()
    }

    /// Every (tree, key) whose key or value contains `needle`. A diagnostic: tests use it to prove
    /// that a purged tenant left nothing behind, and operators can use it the same way.
    pub fn trees_containing(&self, needle: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let contains =
            |hay: &[u8]| !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle);
        let mut found = Vec::new();
        for name in self.inner.db.tree_names() {
            let tree = self.inner.db.open_tree(&name)?;
            for item in tree.iter() {
                let (k, v) = item?;
                if contains(&k) || contains(&v) {
                    found.push((String::from_utf8_lossy(&name).into_owned(), k.to_vec()));
                }
            }
        }
        Ok(found)
    }

    /// How many keys each tree holds, by tree name. A diagnostic: tests use it to prove that a
    /// request wrote nothing durable (unauthenticated requests must not grow the store).
    pub fn key_counts(&self) -> Result<std::collections::BTreeMap<String, usize>, StoreError> {
        let mut counts = std::collections::BTreeMap::new();
        for name in self.inner.db.tree_names() {
            let tree = self.inner.db.open_tree(&name)?;
            counts.insert(String::from_utf8_lossy(&name).into_owned(), tree.len());
        }
        Ok(counts)
    }

    /// A blocking fsync for CLI verbs that open the store directly.
    pub fn flush_blocking(&self) -> Result<(), StoreError> {
        self.settle_blocking();
        self.inner.db.flush()?;
        Ok(())
    }
}

fn classify_open_error(dir: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(ref io) if io.to_string().contains("could not acquire lock") => {
            StoreError::Locked {
                path: dir.to_path_buf(),
            }
        }
        sled::Error::Corruption { .. } => StoreError::Corrupt {
            path: dir.to_path_buf(),
            detail: e.to_string(),
        },
        sled::Error::Unsupported(ref m) => StoreError::Corrupt {
            path: dir.to_path_buf(),
            detail: m.clone(),
        },
        other => StoreError::backend(format!("cannot open the store at {}", dir.display()), other),
    }
}

/// Small settings for unit tests' throwaway stores.
#[cfg(test)]
mod fixtures;
#[cfg(test)]
pub(crate) use fixtures::*;

#[cfg(test)]
mod tests {
    use std::error::Error;

    use super::StoreError;

    #[test]
    fn backend_errors_keep_their_source_and_their_message() {
        let e = StoreError::from(sled::Error::Unsupported("nope".into()));
        assert_eq!(e.to_string(), "store I/O error: Unsupported: nope");
        assert_eq!(
            e.source().expect("a source").to_string(),
            "Unsupported: nope"
        );
        let inner = e.backend_source().expect("the backend's error");
        assert!(inner.downcast_ref::<sled::Error>().is_some());

        let task = StoreError::backend("a store task failed", std::io::Error::other("panicked"));
        assert_eq!(
            task.to_string(),
            "store I/O error: a store task failed: panicked"
        );
        let copy = task.clone();
        assert!(
            copy.backend_source()
                .unwrap()
                .downcast_ref::<std::io::Error>()
                .is_some()
        );
        assert!(StoreError::Io("plain".into()).source().is_none());
    }
}

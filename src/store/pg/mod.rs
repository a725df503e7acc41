//! The PostgreSQL backend behind the storage seam ([`super::seam`]), so that several replicas can
//! share one database.
//!
//! - Connections come from a pool (deadpool) over tokio-postgres, with rustls for TLS when the URL
//!   asks for it or the host is not local (see [`conn::default_ssl_mode`]); there is no OpenSSL in the
//!   build.
//! - The schema is a list of embedded migrations (`migrations.rs`) applied at connect under an
//!   advisory lock.
//! - Records are stored in the same encodings as in sled (JSON, the event layout), with webhook
//!   secrets sealed the same way (`sealing.rs`), so the two backends hold the same bytes.
//! - Intake uses group commit: one task takes every queued append, writes them all in one
//!   transaction (pipelined, so one round trip for the batch) and then answers every waiter. A
//!   commit is durable when it returns, so `flush` is only a barrier behind earlier appends.
//! - Workers claim jobs with `FOR UPDATE SKIP LOCKED` and a lease (`queue.rs`).
//! - Backups are sled's file format (`backup/`), so a file moves between the backends.
//! - Telegram send slots are decided in one transaction under the bot's and the chat's row locks
//!   (`aggregates/chat_state.rs`), so every replica shares one budget per bot.
//!
//! - Commits that make work ready send a `NOTIFY` in their transaction; every replica listens on
//!   a connection of its own and wakes its dispatcher or workers. Singleton roles (the bot's
//!   poller, the janitor) are advisory locks held on a connection of their own (`cluster.rs`).
//!
//! Fault injection (`inject_fault`) fails group commits the way a lost server does.

mod aggregates;
mod backup;
mod cluster;
mod conn;
mod events;
mod group_commit;
mod migrations;
mod queue;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
pub use tests::{TestDb, test_store};

pub use backup::restore;

/// The `application_name` of the relay's connections (unless the URL sets one), so that a restore
/// can tell that relays are still using the database.
pub(crate) const APPLICATION_NAME: &str = "zoom-relay";

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::commit::FlushStats;
use super::seam::*;
use super::{
    AppendOutcome, BackupError, BackupInfo, EventFilter, EventRecord, Fault, FlushSnapshot,
    NewEvent, RetentionReport, StoreError, TenantId,
};

use conn::{Statements, Tx};
use events::event_from_row;
use group_commit::{QUEUE, run_commits};

/// A PostgreSQL-backed store. Cheap to clone; clones share the pool and the commit task.
#[derive(Clone)]
pub struct PgStore {
    shared: Arc<Shared>,
    appends: mpsc::Sender<Cmd>,
}

struct Shared {
    pool: Pool,
    location: String,
    /// False after a write failed for a reason other than the statement itself (the connection,
    /// the server), until a probe gets an answer again.
    healthy: AtomicBool,
    closed: AtomicBool,
    /// Durations of the group-commit transactions, in the same histogram as sled's fsyncs.
    stats: FlushStats,
    /// `security.data_key`, which seals webhook secrets at rest (sealing.rs).
    data_key: Option<[u8; 32]>,
    /// Connections outside the pool, for listening and for holding roles (cluster.rs).
    dedicated: cluster::Dedicated,
    /// Armed test faults: the next group commits fail as a lost server would make them fail.
    faults: super::commit::Faults,
}

enum Cmd {
    Append(AppendReq),
    Barrier(oneshot::Sender<()>),
}

struct AppendReq {
    key: [u8; 16],
    received_at_ms: i64,
    app_id: String,
    account_id: Option<String>,
    record: Vec<u8>,
    reply: oneshot::Sender<Result<AppendOutcome, StoreError>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("location", &self.shared.location)
            .finish()
    }
}

fn enc<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store records serialize")
}

fn dec<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(super::json_err)
}

/// The record in a row's first column: every table keeps its record as JSON bytes there when it
/// is read back.
fn dec_row<T: serde::de::DeserializeOwned>(r: &Row) -> Result<T, StoreError> {
    dec(r.get::<_, &[u8]>(0))
}

/// A tenant filter as the two text parameters of `$n::text IS NULL OR (app_id = $n AND
/// account_id = $n+1)`: both NULL for every tenant.
fn tenant_params(tenant: Option<&TenantId>) -> (Option<&str>, Option<&str>) {
    tenant
        .map(|t| (t.app_id.as_str(), t.account_id.as_str()))
        .unzip()
}

impl PgStore {
    /// The records of a tenant-keyed table, one tenant's or (for None) everyone's, in `order_by`
    /// order: every "one tenant's or everyone's" listing.
    async fn tenant_records<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        order_by: &str,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<T>, StoreError> {
        let (app, account) = tenant_params(tenant);
        let sql = format!(
            "SELECT record FROM {table}
             WHERE ($1::text IS NULL OR (app_id = $1 AND account_id = $2))
             ORDER BY {order_by}"
        );
        self.records(&sql, &[&app, &account]).await
    }
}

#[async_trait]
impl Maintenance for PgStore {
    fn location(&self) -> String {
        self.shared.location.clone()
    }
    fn is_healthy(&self) -> bool {
        self.shared.healthy.load(Ordering::Relaxed) && !self.shared.closed.load(Ordering::Relaxed)
    }
    /// The next `times` group commits fail: `Write` before anything is sent, `Flush` after the
    /// statements ran (the transaction is rolled back instead of committed), `NoSpace` as `Write`
    /// with the system's "no space left" error. Each marks the store unhealthy as a lost server
    /// would, so intake answers 503 until the health probe gets an answer again.
    fn inject_fault(&self, fault: Fault, times: u32) {
        self.shared.faults.arm(fault, times);
    }
    fn flush_stats(&self) -> FlushSnapshot {
        self.shared.stats.snapshot()
    }
    /// Every append is committed before it returns; this only waits for the appends queued before
    /// it.
    async fn flush(&self) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        if self.appends.send(Cmd::Barrier(tx)).await.is_err() {
            return Err(StoreError::Closed);
        }
        rx.await.map_err(|_| StoreError::Closed)
    }
    async fn close(&self) -> Result<(), StoreError> {
        self.flush().await?;
        self.shared.closed.store(true, Ordering::Relaxed);
        Ok(())
    }
    async fn trees_containing(&self, needle: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        if needle.is_empty() {
            return Ok(vec![]);
        }
        let mut found = Vec::new();
        for (table, key, hay) in migrations::TABLES {
            let sql = format!("SELECT {key} FROM {table} WHERE position($1::bytea IN {hay}) > 0");
            for row in self.query(&sql, &[&needle]).await? {
                found.push((table.to_string(), row.get::<_, String>(0).into_bytes()));
            }
        }
        Ok(found)
    }
    async fn key_counts(&self) -> Result<BTreeMap<String, usize>, StoreError> {
        let mut counts = BTreeMap::new();
        for (table, _, _) in migrations::TABLES {
            let row = self
                .query_opt(&format!("SELECT count(*) FROM {table}"), &[])
                .await?
                .ok_or_else(|| StoreError::Io("count returned nothing".into()))?;
            counts.insert(table.to_string(), row.get::<_, i64>(0) as usize);
        }
        Ok(counts)
    }
    async fn backup_to_file(&self, path: &Path) -> Result<BackupInfo, BackupError> {
        self.backup_file(path).await
    }
    async fn write_backup(
        &self,
        w: Box<dyn std::io::Write + Send>,
    ) -> Result<BackupInfo, BackupError> {
        self.backup_into(w).await
    }
}

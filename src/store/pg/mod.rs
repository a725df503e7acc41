//! The PostgreSQL backend behind the storage seam ([`super::seam`]), so that several replicas can
//! share one database.
//!
//! - Connections come from a pool (deadpool) over tokio-postgres, with rustls for TLS when the URL
//!   asks for it or the host is not local (see [`default_ssl_mode`]); there is no OpenSSL in the
//!   build.
//! - The schema is a list of embedded migrations (`migrations.rs`) applied at connect under an
//!   advisory lock.
//! - Records are stored in the same encodings as in sled (JSON, the event layout), with webhook
//!   secrets sealed the same way (`sealing.rs`), so the two backends hold the same bytes.
//! - Intake uses group commit: one task takes every queued append, writes them all in one
//!   transaction (pipelined, so one round trip for the batch) and then answers every waiter. A
//!   commit is durable when it returns, so `flush` is only a barrier behind earlier appends.
//! - Workers claim jobs with `FOR UPDATE SKIP LOCKED` and a lease (`queue.rs`).
//!
//! Not done yet: backups (`backup_to_file`, `write_backup` return an error), fault injection
//! (`inject_fault` is a no-op), `LISTEN/NOTIFY` wake-ups and cluster-wide Telegram pacing.

mod aggregates;
mod migrations;
mod queue;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
pub use tests::{TestDb, test_store};

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::commit::FLUSH_BUCKETS;
use super::seam::*;
use super::{
    AppendOutcome, BackupError, BackupInfo, EventFilter, EventRecord, Fault, FlushSnapshot,
    NewEvent, RetentionReport, StoreError,
};

/// Upper bound on one group-commit batch, to keep a transaction's latency bounded under a flood.
const MAX_BATCH: usize = 1024;
const QUEUE: usize = 16 * 1024;
const POOL_SIZE: usize = 16;
/// How long a request waits for a connection before it fails (and intake answers 503).
const POOL_WAIT: Duration = Duration::from_secs(5);
/// How often an unhealthy store checks whether the database answers again.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// One statement per append: insert the dedup key with a fresh sequence number, and the event under
/// that number only if the key was new; else return the number the key already has. Duplicates in
/// one batch see the earlier insert (same transaction, statements run in order).
const APPEND_SQL: &str = "\
WITH d AS (
    INSERT INTO dedup (key, seq, received_at_ms)
    VALUES ($1::bytea, nextval('event_seq'), $2::bigint)
    ON CONFLICT (key) DO NOTHING
    RETURNING seq
), e AS (
    INSERT INTO events (seq, received_at_ms, app_id, account_id, pending, record)
    SELECT seq, $2::bigint, $3::text, $4::text, true, $5::bytea FROM d
    RETURNING seq
)
SELECT seq, true FROM e
UNION ALL
SELECT seq, false FROM dedup WHERE key = $1::bytea AND NOT EXISTS (SELECT 1 FROM d)";

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
    stats: Stats,
    /// `security.data_key`, which seals webhook secrets at rest (sealing.rs).
    data_key: Option<[u8; 32]>,
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

/// Durations of the group-commit transactions, in the buckets of the sled backend's histogram.
#[derive(Default)]
struct Stats {
    buckets: [AtomicU64; FLUSH_BUCKETS.len()],
    count: AtomicU64,
    sum_ns: AtomicU64,
}

impl Stats {
    fn record(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (i, b) in FLUSH_BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_ns
            .fetch_add(d.as_nanos().min(u64::MAX as u128) as u64, Ordering::Relaxed);
    }

    fn snapshot(&self) -> FlushSnapshot {
        FlushSnapshot {
            buckets: FLUSH_BUCKETS
                .iter()
                .zip(&self.buckets)
                .map(|(b, c)| (*b, c.load(Ordering::Relaxed)))
                .collect(),
            count: self.count.load(Ordering::Relaxed),
            sum_secs: self.sum_ns.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

/// A driver error as a store error. The server's own message when there is one (the driver's
/// display of a server error is only "db error").
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("postgres: {}: {}", db.code().code(), db.message()),
        None => format!("postgres: {e}"),
    }
}

fn enc<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store records serialize")
}

fn dec<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(v).map_err(super::json_err)
}

/// The rustls client configuration for `sslmode=require`/`prefer`: the web PKI roots, ring as the
/// provider (the one the rest of the tree uses).
fn tls_config() -> Result<rustls::ClientConfig, StoreError> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| StoreError::Io(format!("TLS setup: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// The TLS mode when the URL names none. libpq's default (`prefer`) encrypts without checking the
/// server's certificate; rustls always checks it, so `prefer` would fail against the self-signed
/// certificate many local servers have. Loopback and Unix sockets therefore default to plain
/// connections, and every other host to verified TLS (`sslmode=disable` in the URL opts out).
fn default_ssl_mode(cfg: &tokio_postgres::Config) -> tokio_postgres::config::SslMode {
    use tokio_postgres::config::{Host, SslMode};
    let local = cfg.get_hosts().iter().all(|h| match h {
        Host::Tcp(h) => matches!(h.as_str(), "localhost" | "127.0.0.1" | "::1" | "[::1]"),
        #[cfg(unix)]
        Host::Unix(_) => true,
    });
    if local {
        SslMode::Disable
    } else {
        SslMode::Require
    }
}

/// `postgres://host:port/db` without user or password, for messages.
fn redacted(cfg: &tokio_postgres::Config) -> String {
    let host = match cfg.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432);
    let db = cfg
        .get_dbname()
        .or(cfg.get_user())
        .unwrap_or("postgres")
        .to_string();
    format!("postgres://{host}:{port}/{db}")
}

impl PgStore {
    /// Connects to the database at `url` (a libpq-style URL), applies pending migrations and starts
    /// the group-commit task. Must run inside a Tokio runtime. `data_key` seals webhook secrets at
    /// rest, as `security.data_key` does for sled.
    pub async fn connect(url: &str, data_key: Option<[u8; 32]>) -> Result<PgStore, StoreError> {
        let mut cfg: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Io(format!("bad PostgreSQL URL: {e}")))?;
        if !url.contains("sslmode=") {
            cfg.ssl_mode(default_ssl_mode(&cfg));
        }
        let location = redacted(&cfg);
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config()?);
        let mgr = Manager::from_config(
            cfg,
            tls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(mgr)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(POOL_WAIT))
            .build()
            .map_err(|e| StoreError::Io(format!("PostgreSQL pool: {e}")))?;
        let shared = Arc::new(Shared {
            pool,
            location,
            healthy: AtomicBool::new(true),
            closed: AtomicBool::new(false),
            stats: Stats::default(),
            data_key,
        });
        migrate(&shared).await?;
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run_commits(shared.clone(), rx));
        tokio::spawn(probe(Arc::downgrade(&shared)));
        Ok(PgStore {
            shared,
            appends: tx,
        })
    }

    /// A pooled connection. Failing to get one marks the store unhealthy.
    async fn client(&self) -> Result<Object, StoreError> {
        self.shared.client().await
    }

    /// A driver error as a store error; a failure of the connection (rather than of the statement)
    /// marks the store unhealthy until the database answers again.
    fn err(&self, e: tokio_postgres::Error) -> StoreError {
        self.shared.err(e)
    }

    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(|e| self.err(e))?;
        c.query(&st, params).await.map_err(|e| self.err(e))
    }

    async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(|e| self.err(e))?;
        c.execute(&st, params).await.map_err(|e| self.err(e))
    }

    /// A count for the methods whose signature has no room for an error (gauges): 0 on failure,
    /// which is logged.
    async fn count(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> usize {
        match self.query_opt(sql, params).await {
            Ok(Some(row)) => row.get::<_, i64>(0).max(0) as usize,
            Ok(None) => 0,
            Err(e) => {
                tracing::warn!(error = %e, "count query failed");
                0
            }
        }
    }
}

/// Statements inside a transaction, with the same error mapping and statement cache.
struct Tx<'a> {
    store: &'a PgStore,
    tx: deadpool_postgres::Transaction<'a>,
}

impl<'a> Tx<'a> {
    async fn begin(store: &'a PgStore, client: &'a mut Object) -> Result<Tx<'a>, StoreError> {
        let tx = client.transaction().await.map_err(|e| store.err(e))?;
        Ok(Tx { store, tx })
    }

    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let st = self
            .tx
            .prepare_cached(sql)
            .await
            .map_err(|e| self.store.err(e))?;
        self.tx
            .query(&st, params)
            .await
            .map_err(|e| self.store.err(e))
    }

    async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let st = self
            .tx
            .prepare_cached(sql)
            .await
            .map_err(|e| self.store.err(e))?;
        self.tx
            .execute(&st, params)
            .await
            .map_err(|e| self.store.err(e))
    }

    async fn commit(self) -> Result<(), StoreError> {
        let store = self.store;
        self.tx.commit().await.map_err(|e| store.err(e))
    }
}

impl Shared {
    async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|e| {
            self.healthy.store(false, Ordering::Relaxed);
            StoreError::Io(format!("cannot reach PostgreSQL at {}: {e}", self.location))
        })
    }

    fn err(&self, e: tokio_postgres::Error) -> StoreError {
        if e.as_db_error().is_none() || e.is_closed() {
            self.healthy.store(false, Ordering::Relaxed);
        }
        StoreError::Io(describe(&e))
    }
}

/// Applies the migrations this database has not seen, under an advisory lock so that replicas
/// starting at once apply each exactly once.
async fn migrate(shared: &Shared) -> Result<(), StoreError> {
    let mut c = shared.client().await?;
    let map = |e: tokio_postgres::Error| StoreError::Io(format!("migration: {}", describe(&e)));
    c.execute(
        "SELECT pg_advisory_lock($1)",
        &[&migrations::MIGRATION_LOCK],
    )
    .await
    .map_err(map)?;
    let result = async {
        c.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .map_err(map)?;
        let applied: i32 = c
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .await
            .map_err(map)?
            .get(0);
        let known = migrations::MIGRATIONS.len() as i32;
        if applied > known {
            return Err(StoreError::Io(format!(
                "the database at {} has schema version {applied}, this build knows {known}; \
                 upgrade the binary",
                shared.location
            )));
        }
        for (i, sql) in migrations::MIGRATIONS.iter().enumerate() {
            let version = i as i32 + 1;
            if version <= applied {
                continue;
            }
            let tx = c.transaction().await.map_err(map)?;
            tx.batch_execute(sql).await.map_err(map)?;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&version],
            )
            .await
            .map_err(map)?;
            tx.commit().await.map_err(map)?;
            tracing::info!(version, "applied PostgreSQL migration");
        }
        Ok(())
    }
    .await;
    let unlocked = c
        .execute(
            "SELECT pg_advisory_unlock($1)",
            &[&migrations::MIGRATION_LOCK],
        )
        .await
        .map_err(map);
    result.and(unlocked.map(|_| ()))
}

/// The group-commit task: takes everything queued, writes it in one transaction, wakes the waiters.
/// Ends when every handle to the store is gone.
async fn run_commits(shared: Arc<Shared>, mut rx: mpsc::Receiver<Cmd>) {
    while let Some(first) = rx.recv().await {
        let mut cmds = vec![first];
        while cmds.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(cmd) => cmds.push(cmd),
                Err(_) => break,
            }
        }
        let mut appends = Vec::new();
        let mut barriers = Vec::new();
        for cmd in cmds {
            match cmd {
                Cmd::Append(r) => appends.push(r),
                Cmd::Barrier(b) => barriers.push(b),
            }
        }
        if !appends.is_empty() {
            commit_or_split(&shared, appends).await;
        }
        for b in barriers {
            let _ = b.send(());
        }
    }
}

/// Writes a batch and answers its waiters. When the server refused a statement (rather than the
/// connection failing), the batch rolled back as a whole, so each append is tried again on its own:
/// one bad request must not fail the others that happened to share its transaction.
async fn commit_or_split(shared: &Shared, appends: Vec<AppendReq>) {
    let started = Instant::now();
    match write_batch(shared, &appends).await {
        Ok(outcomes) => {
            shared.stats.record(started.elapsed());
            shared.healthy.store(true, Ordering::Relaxed);
            for (r, o) in appends.into_iter().zip(outcomes) {
                let _ = r.reply.send(Ok(o));
            }
        }
        Err((e, true)) if appends.len() > 1 => {
            tracing::warn!(error = %e, batch = appends.len(), "batch refused, appending one by one");
            for r in appends {
                Box::pin(commit_or_split(shared, vec![r])).await;
            }
        }
        Err((e, _)) => {
            // Rolled back: nothing of it is stored, and every waiter hears so.
            tracing::error!(error = %e, batch = appends.len(), "event append failed");
            for r in appends {
                let _ = r.reply.send(Err(e.clone()));
            }
        }
    }
}

/// One transaction for the whole batch. On failure, whether the server refused a statement (true)
/// or the connection failed (false).
async fn write_batch(
    shared: &Shared,
    reqs: &[AppendReq],
) -> Result<Vec<AppendOutcome>, (StoreError, bool)> {
    let fail = |e: tokio_postgres::Error| {
        let refused = e.as_db_error().is_some();
        (shared.err(e), refused)
    };
    let mut c = shared.client().await.map_err(|e| (e, false))?;
    let st = c.prepare_cached(APPEND_SQL).await.map_err(fail)?;
    let tx = c.transaction().await.map_err(fail)?;
    // Issued together, so the driver pipelines them: one round trip for the whole batch.
    let rows = futures_util::future::try_join_all(reqs.iter().map(|r| {
        let (tx, st) = (&tx, &st);
        async move {
            let key: &[u8] = &r.key;
            tx.query_opt(
                st,
                &[&key, &r.received_at_ms, &r.app_id, &r.account_id, &r.record],
            )
            .await
        }
    }))
    .await
    .map_err(fail)?;
    let mut out = Vec::with_capacity(reqs.len());
    for (r, row) in reqs.iter().zip(rows) {
        let outcome = match row {
            Some(row) => {
                let seq = row.get::<_, i64>(0) as u64;
                if row.get::<_, bool>(1) {
                    AppendOutcome::Accepted { seq }
                } else {
                    AppendOutcome::Duplicate { seq }
                }
            }
            None => {
                // The key was committed by another replica after this statement's snapshot was
                // taken; a fresh statement sees it.
                let row = tx
                    .query_opt("SELECT seq FROM dedup WHERE key = $1", &[&r.key.as_slice()])
                    .await
                    .map_err(fail)?
                    .ok_or_else(|| {
                        (
                            StoreError::Io("dedup key vanished during append".into()),
                            false,
                        )
                    })?;
                AppendOutcome::Duplicate {
                    seq: row.get::<_, i64>(0) as u64,
                }
            }
        };
        out.push(outcome);
    }
    tx.commit().await.map_err(fail)?;
    Ok(out)
}

/// Restores health once the database answers again (readiness comes back on its own after an
/// outage). Ends when the store is dropped.
async fn probe(shared: Weak<Shared>) {
    loop {
        tokio::time::sleep(PROBE_EVERY).await;
        let Some(s) = shared.upgrade() else { return };
        if s.healthy.load(Ordering::Relaxed) || s.closed.load(Ordering::Relaxed) {
            continue;
        }
        if let Ok(c) = s.pool.get().await
            && c.simple_query("SELECT 1").await.is_ok()
        {
            s.healthy.store(true, Ordering::Relaxed);
        }
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
    /// Not implemented for PostgreSQL yet: injected faults are ignored.
    fn inject_fault(&self, _fault: Fault, _times: u32) {}
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
    async fn backup_to_file(&self, _path: &Path) -> Result<BackupInfo, BackupError> {
        Err(StoreError::Io("backups are not supported on postgres yet".into()).into())
    }
    async fn write_backup(
        &self,
        _w: Box<dyn std::io::Write + Send>,
    ) -> Result<BackupInfo, BackupError> {
        Err(StoreError::Io("backups are not supported on postgres yet".into()).into())
    }
}

fn event_from_row(row: &Row) -> Result<EventRecord, StoreError> {
    let seq = row.get::<_, i64>(0) as u64;
    EventRecord::decode(seq, row.get::<_, &[u8]>(1))
        .map_err(|e| StoreError::Io(format!("event {seq}: {e}")))
}

#[async_trait]
impl EventLog for PgStore {
    async fn append_event(
        &self,
        dedup_key: [u8; 16],
        event: NewEvent,
    ) -> Result<AppendOutcome, StoreError> {
        if self.shared.closed.load(Ordering::Relaxed) {
            return Err(StoreError::Closed);
        }
        let received_at_ms = chrono::Utc::now().timestamp_millis();
        let record = event.encode(received_at_ms);
        let (reply, rx) = oneshot::channel();
        let req = AppendReq {
            key: dedup_key,
            received_at_ms,
            // Text columns cannot hold NUL; the record keeps the exact values.
            app_id: event.app_id.replace('\0', ""),
            account_id: event.account_id.map(|a| a.replace('\0', "")),
            record,
            reply,
        };
        self.appends
            .send(Cmd::Append(req))
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await
            .map_err(|_| StoreError::Io("the group-commit task stopped".into()))?
    }

    async fn get_event(&self, seq: u64) -> Result<Option<EventRecord>, StoreError> {
        self.query_opt(
            "SELECT seq, record FROM events WHERE seq = $1",
            &[&(seq as i64)],
        )
        .await?
        .map(|r| event_from_row(&r))
        .transpose()
    }

    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<EventRecord>, StoreError> {
        let limit = if filter.limit == 0 { 100 } else { filter.limit } as i64;
        self.query(
            "SELECT seq, record FROM events
             WHERE ($1::bigint IS NULL OR received_at_ms >= $1)
               AND ($2::text IS NULL OR app_id = $2)
               AND ($3::text IS NULL OR account_id = $3)
             ORDER BY seq DESC LIMIT $4",
            &[&filter.since_ms, &filter.app_id, &filter.account_id, &limit],
        )
        .await?
        .iter()
        .map(event_from_row)
        .collect()
    }

    async fn inbox_len(&self) -> usize {
        self.count("SELECT count(*) FROM events WHERE pending", &[])
            .await
    }

    async fn event_count(&self) -> usize {
        self.count("SELECT count(*) FROM events", &[]).await
    }

    async fn expire(
        &self,
        now_ms: i64,
        dedup_retention_ms: i64,
        event_retention_ms: i64,
    ) -> Result<RetentionReport, StoreError> {
        let dedup_removed = self
            .execute(
                "DELETE FROM dedup WHERE received_at_ms < $1",
                &[&now_ms.saturating_sub(dedup_retention_ms)],
            )
            .await? as usize;
        // Pending events stay whatever their age: an acknowledged event is never dropped before it
        // is dispatched.
        let events_removed = self
            .execute(
                "DELETE FROM events WHERE received_at_ms < $1 AND NOT pending",
                &[&now_ms.saturating_sub(event_retention_ms)],
            )
            .await? as usize;
        Ok(RetentionReport {
            dedup_removed,
            events_removed,
        })
    }
}

//! Connections: TLS, the pool, statements with their error mapping, transactions, migrations
//! and the health probe.

use super::*;

/// `store.pool_size`'s default, for the callers that open a store without a config (tests, tools).
const POOL_SIZE: usize = 16;
/// How long a request waits for a connection before it fails (and intake answers 503).
const POOL_WAIT: Duration = Duration::from_secs(5);
/// How often an unhealthy store checks whether the database answers again.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// A driver error as a store error. The server's own message when there is one (the driver's
/// display of a server error is only "db error").
pub(super) fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("postgres: {}: {}", db.code().code(), db.message()),
        None => format!("postgres: {e}"),
    }
}

/// The rustls client configuration for `sslmode=require`/`prefer`: the web PKI roots, ring as the
/// provider (the one the rest of the tree uses).
pub(super) fn tls_config() -> Result<rustls::ClientConfig, StoreError> {
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
pub(super) fn default_ssl_mode(cfg: &tokio_postgres::Config) -> tokio_postgres::config::SslMode {
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

impl PgStore {
    /// Connects to the database at `url` (a libpq-style URL), applies pending migrations and starts
    /// the group-commit task. Must run inside a Tokio runtime. `data_key` seals webhook secrets at
    /// rest, as `security.data_key` does for sled.
    pub async fn connect(url: &str, data_key: Option<[u8; 32]>) -> Result<PgStore, StoreError> {
        Self::connect_pooled(url, data_key, POOL_SIZE).await
    }

    /// [`connect`](Self::connect) with a pool of `pool_size` connections (`store.pool_size`).
    pub async fn connect_pooled(
        url: &str,
        data_key: Option<[u8; 32]>,
        pool_size: usize,
    ) -> Result<PgStore, StoreError> {
        let mut cfg: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Io(format!("bad PostgreSQL URL: {e}")))?;
        if !url.contains("sslmode=") {
            cfg.ssl_mode(default_ssl_mode(&cfg));
        }
        if cfg.get_application_name().is_none() {
            cfg.application_name(APPLICATION_NAME);
        }
        let location = crate::config::redacted_pg_url(&cfg);
        // Webhook secrets inside stored jobs are sealed under the registered keys, as sled's open
        // registers its key (sealing.rs); without this they would be stored in plaintext here.
        if let Some(key) = data_key {
            crate::crypto::job_secret::register_key(key);
        }
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls_config()?);
        let dedicated = cluster::Dedicated::new(&cfg, tls.clone());
        let mgr = Manager::from_config(
            cfg,
            tls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(mgr)
            .max_size(pool_size.max(1))
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
            stats: FlushStats::default(),
            data_key,
            dedicated,
            faults: Default::default(),
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
    pub(super) async fn client(&self) -> Result<Object, StoreError> {
        self.shared.client().await
    }

    /// A driver error as a store error; a failure of the connection (rather than of the statement)
    /// marks the store unhealthy until the database answers again.
    pub(super) fn err(&self, e: tokio_postgres::Error) -> StoreError {
        self.shared.err(e)
    }

    /// A count for the methods whose signature has no room for an error (gauges): 0 on failure,
    /// which is logged.
    pub(super) async fn count(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> usize {
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

/// Running statements, on a pooled connection ([`PgStore`]) or inside a transaction ([`Tx`]).
/// Each implements `query` and `execute` with the driver's statement cache and the store's error
/// mapping; the shapes built on them (one row, one record, every record) are written once here, so
/// a statement reads the same in and out of a transaction.
pub(super) trait Statements {
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError>;

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError>;

    /// The first row `sql` returns, if any.
    async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// Runs `sql` for its effect alone.
    async fn run(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<(), StoreError> {
        self.execute(sql, params).await.map(drop)
    }

    /// Whether `sql` changed exactly one row: how a conditional single-row write (a
    /// compare-and-swap, a delete by key) tells the caller it applied.
    async fn changed_one(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<bool, StoreError> {
        Ok(self.execute(sql, params).await? == 1)
    }

    /// Whether `sql` returns a row.
    async fn exists(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<bool, StoreError> {
        Ok(self.query_opt(sql, params).await?.is_some())
    }

    /// The record (a JSON first column) of the first row `sql` returns, if any.
    async fn record<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<T>, StoreError> {
        self.query_opt(sql, params)
            .await?
            .map(|r| dec_row(&r))
            .transpose()
    }

    /// The first two columns of every row `sql` returns, as a map from the first to the second.
    async fn map<K, V>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<BTreeMap<K, V>, StoreError>
    where
        K: Ord + for<'r> tokio_postgres::types::FromSql<'r>,
        V: for<'r> tokio_postgres::types::FromSql<'r>,
    {
        let rows = self.query(sql, params).await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// The records (a JSON first column) of every row `sql` returns.
    async fn records<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<T>, StoreError> {
        self.query(sql, params).await?.iter().map(dec_row).collect()
    }
}

impl Statements for PgStore {
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(|e| self.err(e))?;
        c.query(&st, params).await.map_err(|e| self.err(e))
    }

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(|e| self.err(e))?;
        c.execute(&st, params).await.map_err(|e| self.err(e))
    }
}

impl Statements for Tx<'_> {
    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let st = self.prepare(sql).await?;
        let rows = self.tx.query(&st, params).await;
        rows.map_err(|e| self.store.err(e))
    }

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let st = self.prepare(sql).await?;
        let n = self.tx.execute(&st, params).await;
        n.map_err(|e| self.store.err(e))
    }
}

/// Statements inside a transaction, with the same error mapping and statement cache.
pub(super) struct Tx<'a> {
    store: &'a PgStore,
    tx: deadpool_postgres::Transaction<'a>,
}

impl<'a> Tx<'a> {
    pub(super) async fn begin(
        store: &'a PgStore,
        client: &'a mut Object,
    ) -> Result<Tx<'a>, StoreError> {
        let tx = client.transaction().await.map_err(|e| store.err(e))?;
        Ok(Tx { store, tx })
    }

    /// `sql` as a statement of the connection's cache.
    async fn prepare(&self, sql: &str) -> Result<tokio_postgres::Statement, StoreError> {
        let st = self.tx.prepare_cached(sql).await;
        st.map_err(|e| self.store.err(e))
    }

    /// The driver's transaction, for what the wrappers above do not cover (streamed reads, batches).
    pub(super) fn inner(&self) -> &deadpool_postgres::Transaction<'a> {
        &self.tx
    }

    pub(super) async fn commit(self) -> Result<(), StoreError> {
        let store = self.store;
        self.tx.commit().await.map_err(|e| store.err(e))
    }
}

impl Shared {
    pub(super) async fn client(&self) -> Result<Object, StoreError> {
        self.pool.get().await.map_err(|e| {
            self.healthy.store(false, Ordering::Relaxed);
            StoreError::Io(format!("cannot reach PostgreSQL at {}: {e}", self.location))
        })
    }

    pub(super) fn err(&self, e: tokio_postgres::Error) -> StoreError {
        if lost_connection(&e) {
            self.healthy.store(false, Ordering::Relaxed);
        }
        StoreError::Io(describe(&e))
    }
}

/// Whether `e` means the database is not there for us (rather than that it refused one statement).
/// A connection the server ends on purpose (`pg_terminate_backend`, a shutdown, a failover) fails
/// its statement with a server error of class 57 (operator intervention) or 08 (connection
/// exception), or at FATAL severity, not with a client-side I/O error: those count too, so readiness
/// turns false at once rather than at the next call that cannot connect.
fn lost_connection(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.as_db_error() {
        None => true,
        Some(db) => {
            let class = &db.code().code()[..2];
            let canceled = db.code() == &tokio_postgres::error::SqlState::QUERY_CANCELED;
            (class == "57" && !canceled)
                || class == "08"
                || matches!(db.severity(), "FATAL" | "PANIC")
        }
    }
}

/// Applies the migrations this database has not seen, under an advisory lock so that replicas
/// starting at once apply each exactly once.
pub(super) async fn migrate(shared: &Shared) -> Result<(), StoreError> {
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

/// Restores health once the database answers again (readiness comes back on its own after an
/// outage). Ends when the store is dropped.
pub(super) async fn probe(shared: Weak<Shared>) {
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

//! `[store]`: which backend holds the data (sled in the data directory, or PostgreSQL), how long the
//! store keeps dedup keys, events and meetings, and sled's cache size.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::secret::Secrets;
use super::security::DataKey;
use super::{Errors, RangeCheck, limits};

/// `[store] backend` (and `url` for PostgreSQL): where the relay keeps its data.
#[derive(Debug, Clone, Default)]
pub enum StoreBackend {
    /// The embedded default: a sled database under `server.data_dir`, nothing else to run.
    #[default]
    Sled,
    /// A PostgreSQL database that several replicas can share.
    Postgres {
        /// A libpq-style URL. A secret (it may carry a password): never logged; use `location`.
        url: SecretString,
        /// `postgres://host:port/db`, without user, password or parameters, for logs and messages.
        location: String,
    },
}

impl StoreBackend {
    /// The backend and where it is, safe to log (no credentials).
    pub fn describe(&self) -> String {
        match self {
            StoreBackend::Sled => "sled".into(),
            StoreBackend::Postgres { location, .. } => format!("postgres at {location}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// How long a dedup key is remembered; Zoom's retries end after 85 minutes.
    pub dedup_retention_secs: u64,
    /// How long raw events are kept for audit and replay once dispatched.
    pub event_retention_secs: u64,
    /// How long meeting memory (join links from meeting.created) is kept.
    pub meeting_retention_secs: u64,
    pub cache_capacity_mb: u64,
    /// Connections in the PostgreSQL pool of one relay (the roles' and LISTEN connections come on
    /// top). Each replica opens up to this many, so N replicas need N times it under the server's
    /// `max_connections`.
    pub pool_size: u64,
    /// Size of one intake journal segment file (sled backend).
    pub journal_segment_mb: u64,
    pub janitor_interval_secs: u64,
    /// `security.data_key` again, for the store: it seals webhook secrets at rest. None only in
    /// tests that open a bare store.
    pub data_key: Option<DataKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStore {
    #[serde(default)]
    backend: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    url_file: Option<PathBuf>,
    dedup_retention_secs: u64,
    event_retention_secs: u64,
    meeting_retention_secs: u64,
    cache_capacity_mb: u64,
    pool_size: u64,
    journal_segment_mb: u64,
    janitor_interval_secs: u64,
}

/// `backend`, `url` and `url_file`. The URL resolves like every other secret (a value, a `_file`,
/// or `"${ENV}"`); it only means something for PostgreSQL, so with sled it is an error rather than
/// silently ignored (an operator who set it expects it to be used).
pub(super) fn validate_backend(
    raw: &mut RawStore,
    secrets: &Secrets<'_>,
    e: &mut Errors,
) -> StoreBackend {
    let backend = raw.backend.take();
    let has_url = raw.url.as_deref().is_some_and(|u| !u.is_empty()) || raw.url_file.is_some();
    match backend.as_deref().unwrap_or("sled") {
        "sled" => {
            if has_url {
                e.push(
                    "store.url",
                    "is set, but store.backend is \"sled\", which keeps its data in server.data_dir and uses no URL",
                    "set store.backend = \"postgres\" to use that database, or remove store.url (and store.url_file)",
                );
            }
            StoreBackend::Sled
        }
        "postgres" => {
            let url = secrets.resolve(e, "store.url", raw.url.take(), raw.url_file.take());
            let Some(url) = url else {
                if !has_url {
                    e.push(
                        "store.url",
                        "is missing, and store.backend = \"postgres\" needs the database to connect to",
                        "set store.url = \"postgres://USER@HOST/DB\" (or store.url_file, or \"${ENV_VAR}\"), or use backend = \"sled\"",
                    );
                }
                return StoreBackend::Sled;
            };
            match url.expose_secret().parse::<tokio_postgres::Config>() {
                Ok(cfg) => StoreBackend::Postgres {
                    location: redacted(&cfg),
                    url,
                },
                Err(err) => {
                    e.push(
                        "store.url",
                        format!("is not a PostgreSQL connection URL ({err})"),
                        "write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=require]",
                    );
                    StoreBackend::Sled
                }
            }
        }
        other => {
            e.push(
                "store.backend",
                format!("\"{other}\" is not a store backend"),
                "set it to \"sled\" (the default, embedded) or \"postgres\" (with store.url)",
            );
            StoreBackend::Sled
        }
    }
}

/// `postgres://host:port/db`: where the database is, without user, password or parameters.
pub(crate) fn redacted(cfg: &tokio_postgres::Config) -> String {
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

/// `[store]` once the whole config validated; `data_key` comes from `[security]`.
pub(super) fn build(raw: &RawStore, data_key: Option<DataKey>) -> StoreConfig {
    StoreConfig {
        dedup_retention_secs: raw.dedup_retention_secs,
        event_retention_secs: raw.event_retention_secs,
        meeting_retention_secs: raw.meeting_retention_secs,
        cache_capacity_mb: raw.cache_capacity_mb,
        pool_size: raw.pool_size,
        journal_segment_mb: raw.journal_segment_mb,
        janitor_interval_secs: raw.janitor_interval_secs.max(1),
        data_key,
    }
}

/// The numeric keys of `[store]` checked against their bounds ([`limits`]).
pub(super) fn ranges(raw: &RawStore) -> [RangeCheck; 7] {
    [
        (
            "store.dedup_retention_secs",
            raw.dedup_retention_secs,
            &limits::RETENTION,
            "604800",
        ),
        (
            "store.event_retention_secs",
            raw.event_retention_secs,
            &limits::RETENTION,
            "2592000",
        ),
        (
            "store.meeting_retention_secs",
            raw.meeting_retention_secs,
            &limits::RETENTION,
            "7776000",
        ),
        (
            "store.cache_capacity_mb",
            raw.cache_capacity_mb,
            &limits::CACHE_MB,
            "32",
        ),
        ("store.pool_size", raw.pool_size, &limits::POOL_SIZE, "16"),
        (
            "store.journal_segment_mb",
            raw.journal_segment_mb,
            &limits::JOURNAL_SEGMENT_MB,
            "8",
        ),
        (
            "store.janitor_interval_secs",
            raw.janitor_interval_secs,
            &limits::JANITOR_INTERVAL,
            "600",
        ),
    ]
}

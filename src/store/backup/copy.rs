//! Where a store is (a sled directory or a PostgreSQL database), restoring a backup into either,
//! and `store copy`: a backup of one store restored into the other, then counted again.
//!
//! A copy reuses backup and restore whole rather than a path of its own: the file in between is the
//! backend-neutral interchange (module docs of `backup`), each restore checks every kind of record
//! against it before anything is committed, and the copy then counts the target once more through
//! the store it opens, as the relay will.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::{BackupError, BackupInfo, NOT_RECORDS, RestoreReport, restore};
use crate::config::{Config, StoreBackend, StoreConfig};
use crate::store::pg::{self, PgStore};
use crate::store::{Db, Store, StoreError};

/// A store to restore into or copy from or to.
#[derive(Debug, Clone)]
pub enum Location {
    /// A sled store in this data directory.
    Sled(PathBuf),
    /// A PostgreSQL database. `url` is a secret (it may hold a password); `location` is safe to show.
    Postgres { url: SecretString, location: String },
}

impl Location {
    /// The store a config names.
    pub fn of_config(config: &Config) -> Location {
        match &config.store_backend {
            StoreBackend::Sled => Location::Sled(config.server.data_dir.clone()),
            StoreBackend::Postgres { url, location } => Location::Postgres {
                url: url.clone(),
                location: location.clone(),
            },
        }
    }

    /// `sled:PATH` or `postgres:URL` (a bare `postgres://` or `postgresql://` URL too). The URL may
    /// be `${NAME}`, read from the environment, or `file:PATH`, read from a file, as `store.url`
    /// and `store.url_file` in the config. Errors never repeat the URL (it may hold a password).
    pub fn parse(spec: &str) -> Result<Location, String> {
        let fix = "write sled:PATH, or postgres:postgres://USER[:PASSWORD]@HOST[:PORT]/DB, or \
                   postgres:${ENV_VAR}, or postgres:file:PATH";
        if let Some(path) = spec.strip_prefix("sled:") {
            if path.is_empty() {
                return Err(format!("`sled:` needs the data directory after it; {fix}"));
            }
            return Ok(Location::Sled(PathBuf::from(path)));
        }
        let url = if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            spec.to_string()
        } else if let Some(rest) = spec
            .strip_prefix("postgres:")
            .or_else(|| spec.strip_prefix("postgresql:"))
        {
            if let Some(name) = rest.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                match std::env::var(name) {
                    Ok(v) if !v.trim().is_empty() => v.trim().to_string(),
                    _ => {
                        return Err(format!(
                            "the environment variable {name} is not set; export it, or {fix}"
                        ));
                    }
                }
            } else if let Some(path) = rest.strip_prefix("file:") {
                match std::fs::read_to_string(path) {
                    Ok(v) if !v.trim().is_empty() => v.trim().to_string(),
                    Ok(_) => return Err(format!("{path} is empty; write the URL into it")),
                    Err(e) => return Err(format!("cannot read {path}: {e}")),
                }
            } else {
                rest.to_string()
            }
        } else {
            return Err(format!("it names no store; {fix}"));
        };
        match url.parse::<tokio_postgres::Config>() {
            Ok(cfg) if url.contains("://") => Ok(Location::Postgres {
                location: crate::config::redacted_pg_url(&cfg),
                url: SecretString::from(url),
            }),
            Ok(_) => Err(format!(
                "the PostgreSQL URL is not a postgres:// URL; {fix}"
            )),
            Err(e) => Err(format!(
                "it is not a PostgreSQL connection URL ({e}); {fix}"
            )),
        }
    }

    /// The backend and where it is, safe to print.
    pub fn describe(&self) -> String {
        match self {
            Location::Sled(dir) => format!("sled at {}", dir.display()),
            Location::Postgres { location, .. } => format!("postgres at {location}"),
        }
    }

    fn same_as(&self, other: &Location) -> bool {
        match (self, other) {
            (Location::Sled(a), Location::Sled(b)) => {
                let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
                canon(a) == canon(b)
            }
            (Location::Postgres { url: a, .. }, Location::Postgres { url: b, .. }) => {
                a.expose_secret() == b.expose_secret()
            }
            _ => false,
        }
    }

    /// Opens the store; a sled store must exist already (opening would create an empty one).
    async fn open(&self, cfg: &StoreConfig) -> Result<Db, BackupError> {
        match self {
            Location::Sled(dir) => {
                if !dir.join("db").exists() {
                    return Err(BackupError::Copy(format!(
                        "there is no sled store at {}; name the data directory of the relay",
                        dir.display()
                    )));
                }
                let (dir, cfg) = (dir.clone(), cfg.clone());
                let s = tokio::task::spawn_blocking(move || Store::open(&dir, &cfg))
                    .await
                    .map_err(|e| StoreError::backend("the store open task failed", e))??;
                Ok(Arc::new(s))
            }
            Location::Postgres { url, .. } => {
                let key = cfg.data_key.as_ref().map(|k| *k.bytes());
                Ok(Arc::new(PgStore::connect(url.expose_secret(), key).await?))
            }
        }
    }
}

/// Restores `file` into the store at `to` (module docs of `backup` for sled, `store::pg::restore`
/// for PostgreSQL). Without `force`, a target holding data is refused.
pub async fn restore_into(
    file: &Path,
    to: &Location,
    force: bool,
    cfg: &StoreConfig,
) -> Result<RestoreReport, BackupError> {
    match to {
        Location::Sled(dir) => restore(file, dir, force, cfg).await,
        Location::Postgres { url, .. } => {
            let key = cfg.data_key.as_ref().map(|k| *k.bytes());
            pg::restore(url.expose_secret(), key, file, force).await
        }
    }
}

/// What `store copy` did.
#[derive(Debug, Clone)]
pub struct CopyReport {
    /// The backup of the source.
    pub source: BackupInfo,
    pub restore: RestoreReport,
    /// Records per kind (tree name), as counted in the target after the copy; the same as in the
    /// source, or the copy fails.
    pub counts: BTreeMap<String, u64>,
}

/// Copies everything in `from` into `to`: a backup of `from` into a private temporary file, a
/// restore of it into `to` (refused without `force` when `to` holds data), then a count of every
/// kind of record in `to`, compared with `from`'s.
pub async fn copy(
    from: &Location,
    to: &Location,
    force: bool,
    cfg: &StoreConfig,
) -> Result<CopyReport, BackupError> {
    if from.same_as(to) {
        return Err(BackupError::Copy(
            "the source and the target are the same store; name another target".into(),
        ));
    }
    let dir = std::env::temp_dir().join(format!(
        "zoom-relay-copy-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    crate::store::perms::secure_tree(&dir).map_err(|source| BackupError::Io {
        action: "create",
        path: dir.clone(),
        source,
    })?;
    let file = dir.join("copy.backup");
    let res = copy_through(from, to, force, cfg, &file).await;
    let _ = std::fs::remove_dir_all(&dir);
    res
}

async fn copy_through(
    from: &Location,
    to: &Location,
    force: bool,
    cfg: &StoreConfig,
    file: &Path,
) -> Result<CopyReport, BackupError> {
    let src = from.open(cfg).await?;
    let source = src.backup_to_file(file).await;
    src.close().await?;
    drop(src);
    let source = source?;
    let restore = restore_into(file, to, force, cfg).await?;
    let dst = to.open(cfg).await?;
    let recount = dst.write_backup(Box::new(std::io::sink())).await;
    dst.close().await?;
    let target = recount?;
    let kinds = |c: &BTreeMap<String, u64>| -> BTreeMap<String, u64> {
        c.iter()
            .filter(|(k, _)| !NOT_RECORDS.contains(&k.as_str()))
            .map(|(k, n)| (k.clone(), *n))
            .collect()
    };
    let (want, got) = (kinds(&source.counts), kinds(&target.counts));
    for name in want.keys().chain(got.keys()) {
        let (w, g) = (
            want.get(name).copied().unwrap_or(0),
            got.get(name).copied().unwrap_or(0),
        );
        if w != g {
            return Err(BackupError::Copy(format!(
                "after the copy, {} holds {g} {} where {} holds {w}; the target is not a \
                 faithful copy, do not use it",
                to.describe(),
                super::kind_label(name),
                from.describe()
            )));
        }
    }
    Ok(CopyReport {
        source,
        restore,
        counts: got,
    })
}

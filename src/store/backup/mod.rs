//! Backup and restore of the whole store, for `zoom-relay backup FILE`, `zoom-relay restore FILE`
//! and `zoom-relay store copy`, on both backends and in one format: sled's trees are the interchange
//! (docs/architecture.md, "One backup format for both backends"). A PostgreSQL store writes its
//! tables as those trees and reads them back (`store::pg` backup module); `copy.rs` restores into
//! either backend and copies between them.
//!
//! A sled backup copies every tree generically (`tree_names()`), so trees added later are included
//! without a change here. The file describes itself (integers big-endian):
//!
//! ```text
//! header   "ZRELAYBK" | format u32 | schema u32 | created_at_ms i64 | u16 len + relay version
//! records  'T' u32 len + tree name              a tree; the 'K' records after it belong to it
//!          'K' u32 len + key, u32 len + value   one entry
//!          'E' trees u64 | entries u64 | id_floor u64   the end
//! trailer  SHA-256 of every byte above
//! ```
//!
//! `id_floor` is sled's id generator at the end of the copy: job and notice ids come from it, so a
//! restored store must hand out only larger ones, or new jobs would overwrite old ones.
//!
//! Values are copied as stored, so secrets encrypted at rest stay encrypted: a backup is only useful
//! with the same `security.data_key`, and must be protected like the data directory.
//!
//! A backup of a running relay copies one tree after another while the relay keeps working (sled 0.34
//! has no snapshot across trees, and transactions are off limits, see the module docs). The order
//! keeps what matters consistent: `inbox` before `events` (an inbox entry is written after its event,
//! so a copied entry always finds its event), `outbox` before `dead` and `attempts` (a job that dies
//! meanwhile is in both: redelivered, never lost). Index entries that a job gained meanwhile are
//! rebuilt on restore. At worst, a restored relay repeats a few deliveries that were in flight.
//!
//! A restore compares what it wrote with the file per tree: the entry count and a sum of entry
//! hashes that does not depend on order (`format::TreeSum`), since the backends list a tree in
//! different orders.
//!
//! A sled restore never touches the data directory until the file is verified (checksum, format, schema)
//! and the restored copy has been written beside it, reopened through [`Store::open`](super::Store::open) (the startup
//! integrity check) and compared tree by tree with the file. Only then are the old contents moved
//! into `data_dir/.pre-restore-<time>/` and the new ones moved in. The swap happens inside the data
//! directory, so it works when that directory is a mount point (a Docker volume) or a symlink
//! (systemd's `StateDirectory` with `DynamicUser`).
//!
//! The file layout and its reading and checking live in `format.rs`, the writer in `write.rs`, and
//! restore in `restore.rs`.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use serde::Serialize;

use super::{SCHEMA_VERSION, StoreError};

mod copy;
#[cfg(test)]
mod crossover;
mod format;
mod restore;
mod write;

pub use copy::{CopyReport, Location, copy, restore_into};

pub(crate) use format::{Census, Record, read_census};
pub use format::{FORMAT_VERSION, MAGIC, verify};
use restore::ASIDE_PREFIX;
pub use restore::restore;
pub(crate) use write::{BackupWriter, copy_order};
pub(crate) use write::{create_temp, settle_temp};
pub use write::{persist_file, temp_path_for};

/// Trees that are not kinds of record: sled's indexes over the outbox and its own bookkeeping
/// (`meta`, its default tree, a tree older versions used). Each backend derives them from the data
/// (PostgreSQL writes them into its backups so that a sled restore finds them), so a comparison
/// across backends leaves them out.
pub const NOT_RECORDS: [&str; 6] = [
    "outbox_due",
    "outbox_dest",
    "meta",
    "__sled__default",
    "oauth_states",
    // Per-chat pacing from before pacing was kept per bot: at most a minute of send times, dropped
    // when a store is opened, so a backup from then restores without it.
    "telegram_pacing",
];

/// The kind of record a tree holds, in words, for what `backup`, `restore` and `store copy` print.
pub fn kind_label(tree: &str) -> &str {
    match tree {
        "events" => "events",
        "inbox" => "events waiting for dispatch",
        "dedup" => "dedup keys",
        "outbox" => "queued deliveries",
        "idem" => "delivery keys",
        "attempts" => "delivery attempts",
        "dead" => "dead letters",
        "sent" => "sent deliveries",
        "routes" => "routes",
        "templates" => "templates",
        "tenants" => "installs",
        "audit" => "audit entries",
        "sessions" => "console sessions",
        "api_tokens" => "API tokens",
        "bot_codes" => "bot codes",
        "bot_chats" => "linked chats",
        "bot_organizers" => "organizers",
        "bot_mutes" => "member mutes",
        "bot_state" => "bot state values",
        "telegram_pace_bots" => "bot pacing records",
        "telegram_pace_chats" => "chat pacing records",
        "telegram_parts" => "split-message progress records",
        "telegram_migrations" => "chat migrations",
        "meetings" => "meeting records",
        "notices" => "notices",
        "disabled_targets" => "disabled destinations",
        "email_consents" => "email confirmations",
        "apps" => "Zoom apps added at run time",
        "app_invites" => "app invitations",
        "own_bots" => "communities' own bots",
        "bot_languages" => "bot language choices",
        "member_names" => "members' names",
        other => other,
    }
}

/// What a backup file holds, from its header and end record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub format_version: u32,
    pub schema_version: u32,
    pub created_at_ms: i64,
    /// The zoom-relay version that wrote it.
    pub relay_version: String,
    pub trees: u64,
    pub entries: u64,
    pub id_floor: u64,
    /// File size.
    pub bytes: u64,
    /// Entries per tree, by tree name (the kinds of record, see [`kind_label`]).
    pub counts: BTreeMap<String, u64>,
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub info: BackupInfo,
    /// Where the data went: a data directory, or a redacted database URL.
    pub target: String,
    /// Where the previous contents of the data directory were moved, if there were any.
    pub previous: Option<PathBuf>,
    /// A database restore with `force` replaced rows that were there (they are gone).
    pub replaced: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("{path} is not a zoom-relay backup: it does not start with the backup header")]
    NotABackup { path: PathBuf },
    #[error(
        "{path} is a backup in format {found}, but this zoom-relay reads format {FORMAT_VERSION}; \
         restore it with a zoom-relay at least as new as the one that wrote it"
    )]
    UnsupportedFormat { path: PathBuf, found: u32 },
    #[error("{path} is damaged or truncated ({detail}); it cannot be restored, use another backup")]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "{path} holds store schema {found}, newer than this zoom-relay knows ({SCHEMA_VERSION}); \
         upgrade zoom-relay, then restore"
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error(
        "the store at {path} is held by a running zoom-relay; stop it (e.g. `systemctl stop zoom-relay`) \
         and run restore again"
    )]
    Held { path: PathBuf },
    #[error(
        "the data directory {path} is not empty; pass --force to replace its contents (they are moved \
         to {path}/{ASIDE_PREFIX}<time>/, nothing is deleted)"
    )]
    TargetNotEmpty { path: PathBuf },
    #[error(
        "the database at {location} is not empty; pass --force to replace everything in it (the \
         rows there now are deleted: take a backup of it first with `zoom-relay backup`)"
    )]
    DatabaseNotEmpty { location: String },
    #[error(
        "the database at {location} is in use by {sessions} running zoom-relay connection(s); stop \
         every relay that uses it and run the command again"
    )]
    DatabaseInUse { location: String, sessions: i64 },
    #[error("the backup cannot be stored in {backend}: {detail}")]
    Unsupported { backend: String, detail: String },
    #[error("the restored copy does not match the backup ({0}); the target was not changed")]
    Mismatch(String),
    #[error("{0}")]
    Copy(String),
    #[error("writing the backup failed: {0}")]
    Write(io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sled::Error> for BackupError {
    fn from(e: sled::Error) -> Self {
        BackupError::Store(e.into())
    }
}

#[cfg(test)]
mod test_support {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use crate::config::StoreConfig;
    use crate::store::Store;

    pub(super) fn cfg() -> StoreConfig {
        crate::store::test_config()
    }

    /// A store with a few entries in a tree of its own and in the meta tree.
    pub(super) async fn sample_store(dir: &Path) -> Store {
        let s = Store::open(dir, &cfg()).unwrap();
        let t = s.inner.db.open_tree("test_extra").unwrap();
        for i in 0u32..50 {
            t.insert(i.to_be_bytes(), vec![i as u8; (i % 7) as usize])
                .unwrap();
        }
        s.inner.db.open_tree("test_empty").unwrap();
        for _ in 0..10 {
            s.inner.db.generate_id().unwrap();
        }
        s
    }

    pub(super) type Trees = BTreeMap<Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>>;

    pub(super) fn all_trees(db: &sled::Db) -> Trees {
        db.tree_names()
            .into_iter()
            .map(|n| {
                let t = db.open_tree(&n).unwrap();
                let kv = t
                    .iter()
                    .map(|r| {
                        let (k, v) = r.unwrap();
                        (k.to_vec(), v.to_vec())
                    })
                    .collect();
                (n.to_vec(), kv)
            })
            .collect()
    }

    /// A backup of a [`sample_store`] in a new temporary dir (keep it while the file is used),
    /// what the store held, and the backup's id floor.
    pub(super) async fn backup() -> (tempfile::TempDir, PathBuf, Trees, u64) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let s = sample_store(&dir.join("src")).await;
        let file = dir.join("relay.backup");
        let info = s.backup_to_file(&file).unwrap();
        let trees = all_trees(&s.inner.db);
        s.close().await.unwrap();
        (tmp, file, trees, info.id_floor)
    }
}

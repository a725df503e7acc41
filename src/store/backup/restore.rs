//! Restoring a backup: verify, stage a copy inside the data directory, reopen and compare it, then
//! swap it in (module docs of `backup`).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fs2::FileExt;

use super::format::{Census, Record, TreeSum, read_census, verify};
use super::write::sync_dir;
use super::{BackupError, BackupInfo, RestoreReport};
use crate::config::StoreConfig;
use crate::store::{Store, StoreError};

/// Entries of the data directory that restore itself creates.
const STAGING_PREFIX: &str = ".restore-";
pub(super) const ASIDE_PREFIX: &str = ".pre-restore-";

fn census_db(db: &sled::Db, names: impl Iterator<Item = Vec<u8>>) -> Result<Census, StoreError> {
    let mut out = Census::new();
    for name in names {
        let tree = db.open_tree(&name)?;
        let mut sum = TreeSum::default();
        for item in tree.iter() {
            let (k, v) = item?;
            sum.add(&k, &v);
        }
        out.insert(name, sum);
    }
    Ok(out)
}

/// The restored copy, written inside the data directory but not yet in place. Dropping it without
/// [`Staged::commit`] removes the copy.
struct Staged {
    target: PathBuf,
    dir: PathBuf,
    info: BackupInfo,
    census: Census,
    /// sled's lock on the current store, held until the swap is done.
    _lock: Option<File>,
    done: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Takes sled's lock on the store in `dir`, if there is one. A store held by another process is
/// refused: restoring under a running relay would corrupt both.
fn lock_store(dir: &Path) -> Result<Option<File>, BackupError> {
    let db = dir.join("db");
    let f = match File::open(&db) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(BackupError::Io {
                action: "open",
                path: db,
                source,
            });
        }
    };
    match f.try_lock_exclusive() {
        Ok(()) => Ok(Some(f)),
        Err(_) => Err(BackupError::Held {
            path: dir.to_path_buf(),
        }),
    }
}

fn is_ours(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    n.starts_with(STAGING_PREFIX) || n.starts_with(ASIDE_PREFIX)
}

/// Entries of the data directory other than restore's own.
fn store_entries(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(BackupError::Io {
                action: "read the directory",
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut out = Vec::new();
    for e in rd {
        let e = e.map_err(|source| BackupError::Io {
            action: "read the directory",
            path: dir.to_path_buf(),
            source,
        })?;
        if !is_ours(&e.file_name()) {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Verifies the file, checks the target, and writes the restored copy into a staging directory.
fn stage(file: &Path, target: &Path, force: bool) -> Result<Staged, BackupError> {
    verify(file)?;
    let lock = lock_store(target)?;
    if !force && !store_entries(target)?.is_empty() {
        return Err(BackupError::TargetNotEmpty {
            path: target.to_path_buf(),
        });
    }
    crate::store::perms::secure_tree(target).map_err(|source| BackupError::Io {
        action: "create",
        path: target.to_path_buf(),
        source,
    })?;
    let dir = target.join(format!("{STAGING_PREFIX}{}", std::process::id()));
    if dir.exists() {
        // Left by an earlier restore of ours that died; it was never in use.
        std::fs::remove_dir_all(&dir).map_err(|source| BackupError::Io {
            action: "remove the leftover",
            path: dir.clone(),
            source,
        })?;
    }
    let mut staged = Staged {
        target: target.to_path_buf(),
        dir: dir.clone(),
        info: BackupInfo {
            format_version: 0,
            schema_version: 0,
            created_at_ms: 0,
            relay_version: String::new(),
            trees: 0,
            entries: 0,
            id_floor: 0,
            bytes: 0,
            counts: Default::default(),
        },
        census: Census::new(),
        _lock: lock,
        done: false,
    };
    let db = sled::Config::new().path(&dir).create_new(true).open()?;
    let mut current: Option<sled::Tree> = None;
    let (info, census) = read_census(file, |rec| {
        match rec {
            Record::Tree(name) => current = Some(db.open_tree(name)?),
            Record::Entry(k, v) => {
                let tree = current.as_ref().expect("entries follow a tree");
                tree.insert(k, v)?;
            }
        }
        Ok(())
    })?;
    // New ids must be above every id in the restored data (module docs). sled has no setter; this
    // loop costs a few nanoseconds per id plus one fsync per million.
    while db.generate_id()? <= info.id_floor {}
    db.flush()?;
    drop(db);
    staged.info = info;
    staged.census = census;
    Ok(staged)
}

/// Opens the staged copy through the real startup path. sled may release the lock of the handle
/// just dropped a moment late, so a lock error is retried briefly.
fn open_staged(dir: &Path, cfg: &StoreConfig) -> Result<Store, StoreError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        match Store::open(dir, cfg) {
            Err(StoreError::Locked { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

impl Staged {
    /// Moves the current contents aside and the restored copy in.
    fn commit(mut self) -> Result<RestoreReport, BackupError> {
        let io = |action: &'static str, path: &Path| {
            let path = path.to_path_buf();
            move |source| BackupError::Io {
                action,
                path,
                source,
            }
        };
        // Hold the restored store's lock too, so a relay started mid-swap finds one store locked.
        let _new_lock = lock_store(&self.dir)?;
        let old = store_entries(&self.target)?;
        let previous = if old.is_empty() {
            None
        } else {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            let mut aside = self.target.join(format!("{ASIDE_PREFIX}{stamp}"));
            let mut n = 1;
            while aside.exists() {
                aside = self.target.join(format!("{ASIDE_PREFIX}{stamp}-{n}"));
                n += 1;
            }
            std::fs::create_dir(&aside).map_err(io("create", &aside))?;
            for p in &old {
                let to = aside.join(p.file_name().expect("a directory entry"));
                if let Err(e) = std::fs::rename(p, &to) {
                    // Put back what was moved, so the old store stays whole.
                    for q in &old {
                        let from = aside.join(q.file_name().expect("a directory entry"));
                        let _ = std::fs::rename(&from, q);
                    }
                    let _ = std::fs::remove_dir(&aside);
                    return Err(io("move aside", p)(e));
                }
            }
            Some(aside)
        };
        let staged: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map_err(io("read the directory", &self.dir))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io("read the directory", &self.dir))?;
        for p in &staged {
            let to = self.target.join(p.file_name().expect("a directory entry"));
            std::fs::rename(p, &to).map_err(|e| {
                let hint = match &previous {
                    Some(a) => format!(
                        "; the previous store is complete in {}, move its contents back to restore it",
                        a.display()
                    ),
                    None => String::new(),
                };
                BackupError::Io {
                    action: "move the restored store into place",
                    path: to.clone(),
                    source: io::Error::new(e.kind(), format!("{e}{hint}")),
                }
            })?;
        }
        let _ = std::fs::remove_dir(&self.dir);
        sync_dir(&self.target);
        self.done = true;
        Ok(RestoreReport {
            info: self.info.clone(),
            target: self.target.display().to_string(),
            previous,
            replaced: false,
        })
    }
}

/// Restores `file` into `data_dir`: verify the file, refuse a held store and (without `force`) a
/// non-empty directory, write and check the copy, then swap it in (module docs). Nothing in
/// `data_dir` changes unless every check passed.
pub async fn restore(
    file: &Path,
    data_dir: &Path,
    force: bool,
    cfg: &StoreConfig,
) -> Result<RestoreReport, BackupError> {
    let (file, target) = (file.to_path_buf(), data_dir.to_path_buf());
    let staged = tokio::task::spawn_blocking(move || stage(&file, &target, force))
        .await
        .map_err(|e| BackupError::Store(StoreError::backend("", e)))??;

    // The startup integrity check, then a comparison of every tree with the file.
    let (dir, cfg2) = (staged.dir.clone(), cfg.clone());
    let store = tokio::task::spawn_blocking(move || open_staged(&dir, &cfg2))
        .await
        .map_err(|e| BackupError::Store(StoreError::backend("", e)))??;
    let check = {
        let (store, want) = (store.clone(), staged.census.clone());
        tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
            let db = &store.inner.db;
            let got = census_db(db, want.keys().cloned())?;
            for (name, w) in &want {
                // `meta` holds counters the store itself moves on open (the intake journal's
                // checkpoint), so it cannot equal the file's; everything else must.
                if name.as_slice() != b"meta" && got.get(name) != Some(w) {
                    return Err(BackupError::Mismatch(format!(
                        "tree `{}` differs",
                        String::from_utf8_lossy(name)
                    )));
                }
            }
            // Trees this build opens that the backup did not have must be empty.
            for name in db.tree_names() {
                if !want.contains_key(name.as_ref()) && !db.open_tree(&name)?.is_empty() {
                    return Err(BackupError::Mismatch(format!(
                        "tree `{}` is not in the backup but holds data",
                        String::from_utf8_lossy(&name)
                    )));
                }
            }
            store.reindex_outbox()?;
            Ok(())
        })
        .await
        .map_err(|e| BackupError::Store(StoreError::backend("", e)))?
    };
    let closed = store.close().await;
    drop(store);
    check?;
    closed?;
    tokio::task::spawn_blocking(move || staged.commit())
        .await
        .map_err(|e| BackupError::Store(StoreError::backend("", e)))?
}

#[cfg(test)]
mod tests {
    use super::super::FORMAT_VERSION;
    use super::super::test_support::{all_trees, backup, cfg};
    use super::*;
    use crate::store::SCHEMA_VERSION;

    #[tokio::test]
    async fn a_backup_round_trips_every_tree_and_keeps_ids_unique() {
        let (dir, file, want, id_floor) = backup().await;
        let info = verify(&file).unwrap();
        assert_eq!(info.format_version, FORMAT_VERSION);
        assert_eq!(info.schema_version, SCHEMA_VERSION);
        assert_eq!(
            info.entries,
            want.values().map(Vec::len).sum::<usize>() as u64
        );

        let target = dir.path().join("restored");
        let report = restore(&file, &target, false, &cfg()).await.unwrap();
        assert!(report.previous.is_none());
        let s = Store::open(&target, &cfg()).unwrap();
        assert_eq!(all_trees(&s.inner.db), want);
        assert!(s.inner.db.generate_id().unwrap() > id_floor);
        s.close().await.unwrap();
    }

    #[tokio::test]
    async fn restore_refuses_a_non_empty_dir_without_force_and_keeps_the_old_contents_with_it() {
        let (dir, file, want, _) = backup().await;
        let target = dir.path().join("data");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("note.txt"), "old").unwrap();
        let err = restore(&file, &target, false, &cfg()).await.unwrap_err();
        assert!(matches!(err, BackupError::TargetNotEmpty { .. }), "{err}");
        assert!(err.to_string().contains("--force"), "{err}");

        let report = restore(&file, &target, true, &cfg()).await.unwrap();
        let aside = report.previous.expect("old contents kept");
        assert_eq!(
            std::fs::read_to_string(aside.join("note.txt")).unwrap(),
            "old"
        );
        assert!(!target.join("note.txt").exists());
        let s = Store::open(&target, &cfg()).unwrap();
        assert_eq!(all_trees(&s.inner.db), want);
        s.close().await.unwrap();
    }

    #[tokio::test]
    async fn restore_refuses_a_store_held_by_a_running_relay() {
        let (dir, file, _, _) = backup().await;
        let target = dir.path().join("data");
        let held = Store::open(&target, &cfg()).unwrap();
        let err = restore(&file, &target, true, &cfg()).await.unwrap_err();
        assert!(matches!(err, BackupError::Held { .. }), "{err}");
        assert_eq!(held.event_count(), 0, "the held store is untouched");
        held.close().await.unwrap();
    }
}

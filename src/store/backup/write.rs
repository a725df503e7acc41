//! Writing a backup: every tree in copy order through the hashing writer, atomically to a file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::format::{
    CHECKSUM_LEN, FORMAT_VERSION, HashWriter, MAGIC, TAG_END, TAG_ENTRY, TAG_TREE, put_bytes,
};
use super::{BackupError, BackupInfo};
use crate::store::{SCHEMA_VERSION, Store};

/// Copied first, in this order; see the module docs. The other trees follow in name order.
const FIRST_TREES: [&str; 2] = ["inbox", "outbox"];

/// Tree names in copy order: [`FIRST_TREES`], then the rest sorted.
fn copy_order(mut names: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    names.sort();
    names.dedup();
    let mut out: Vec<Vec<u8>> = FIRST_TREES
        .iter()
        .map(|n| n.as_bytes().to_vec())
        .filter(|n| names.contains(n))
        .collect();
    let rest: Vec<Vec<u8>> = names.into_iter().filter(|n| !out.contains(n)).collect();
    out.extend(rest);
    out
}

impl Store {
    /// Writes a backup of every tree to `w` (the format in the module docs). Safe while the relay
    /// runs; blocking.
    pub fn write_backup<W: Write>(&self, w: W) -> Result<BackupInfo, BackupError> {
        // Every acknowledged event must be in the copy: wait for the applier to move what the
        // intake journal holds into sled (the backup copies sled's trees, not the journal).
        self.settle_blocking();
        let db = &self.inner.db;
        let mut out = HashWriter {
            inner: BufWriter::with_capacity(256 * 1024, w),
            hasher: Sha256::new(),
            bytes: 0,
        };
        let created_at_ms = chrono::Utc::now().timestamp_millis();
        let version = env!("CARGO_PKG_VERSION");
        let io = BackupError::Write;
        out.write_all(MAGIC).map_err(io)?;
        out.write_all(&FORMAT_VERSION.to_be_bytes()).map_err(io)?;
        out.write_all(&SCHEMA_VERSION.to_be_bytes()).map_err(io)?;
        out.write_all(&created_at_ms.to_be_bytes()).map_err(io)?;
        out.write_all(&(version.len() as u16).to_be_bytes())
            .map_err(io)?;
        out.write_all(version.as_bytes()).map_err(io)?;

        let names = copy_order(db.tree_names().iter().map(|n| n.to_vec()).collect());
        let (mut trees, mut entries) = (0u64, 0u64);
        for name in &names {
            let tree = db.open_tree(name)?;
            out.write_all(&[TAG_TREE]).map_err(io)?;
            put_bytes(&mut out, name).map_err(io)?;
            trees += 1;
            for item in tree.iter() {
                let (k, v) = item?;
                out.write_all(&[TAG_ENTRY]).map_err(io)?;
                put_bytes(&mut out, &k).map_err(io)?;
                put_bytes(&mut out, &v).map_err(io)?;
                entries += 1;
            }
        }
        // Taken last, so it is above every id in the copied data.
        let id_floor = db.generate_id()?;
        out.write_all(&[TAG_END]).map_err(io)?;
        for n in [trees, entries, id_floor] {
            out.write_all(&n.to_be_bytes()).map_err(io)?;
        }
        let digest = out.hasher.finalize_reset();
        out.inner.write_all(&digest).map_err(io)?;
        out.inner.flush().map_err(io)?;
        Ok(BackupInfo {
            format_version: FORMAT_VERSION,
            schema_version: SCHEMA_VERSION,
            created_at_ms,
            relay_version: version.to_string(),
            trees,
            entries,
            id_floor,
            bytes: out.bytes + CHECKSUM_LEN,
        })
    }

    /// Writes a backup to `path` through a temporary file beside it, so `path` is either the old file
    /// or the complete new one. Blocking.
    pub fn backup_to_file(&self, path: &Path) -> Result<BackupInfo, BackupError> {
        let tmp = temp_path_for(path);
        let res = (|| {
            // Owner-only: a backup holds everything the store does.
            let mut f =
                crate::store::perms::create_private(&tmp).map_err(|source| BackupError::Io {
                    action: "create",
                    path: tmp.clone(),
                    source,
                })?;
            let info = self.write_backup(&mut f)?;
            f.sync_all().map_err(BackupError::Write)?;
            Ok(info)
        })();
        match res {
            Ok(info) => {
                persist_file(&tmp, path)?;
                Ok(info)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }
}

/// A temporary name beside `path`, for writing it atomically.
pub fn temp_path_for(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Renames the finished temporary file `tmp` to `path` and makes the rename durable.
pub fn persist_file(tmp: &Path, path: &Path) -> Result<(), BackupError> {
    std::fs::rename(tmp, path).map_err(|source| {
        let _ = std::fs::remove_file(tmp);
        BackupError::Io {
            action: "write",
            path: path.to_path_buf(),
            source,
        }
    })?;
    sync_dir(path.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Best effort: a directory fsync makes renames in it durable on Linux; some filesystems refuse it.
pub(super) fn sync_dir(dir: &Path) {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

//! Writing a backup: every tree in copy order through the hashing writer, atomically to a file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::format::{
    CHECKSUM_LEN, Census, FORMAT_VERSION, HashWriter, MAGIC, TAG_END, TAG_ENTRY, TAG_TREE,
    counts_of, put_bytes,
};
use super::{BackupError, BackupInfo};
use crate::store::{SCHEMA_VERSION, Store};

/// Copied first, in this order; see the module docs. The other trees follow in name order.
const FIRST_TREES: [&str; 2] = ["inbox", "outbox"];

/// Tree names in copy order: [`FIRST_TREES`], then the rest sorted.
pub(crate) fn copy_order(mut names: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
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

/// Encodes a backup file record by record (the layout in the module docs), whichever backend the
/// trees come from: the header when made, then [`tree`](Self::tree) and [`entry`](Self::entry)
/// calls, then [`finish`](Self::finish) with the id floor.
pub(crate) struct BackupWriter<W: Write> {
    out: HashWriter<BufWriter<W>>,
    created_at_ms: i64,
    trees: u64,
    entries: u64,
    census: Census,
    current: Option<Vec<u8>>,
}

impl<W: Write> BackupWriter<W> {
    pub(crate) fn new(w: W) -> Result<Self, BackupError> {
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
        Ok(BackupWriter {
            out,
            created_at_ms,
            trees: 0,
            entries: 0,
            census: Census::new(),
            current: None,
        })
    }

    /// Starts a tree; the entries that follow belong to it.
    pub(crate) fn tree(&mut self, name: &[u8]) -> Result<(), BackupError> {
        self.out
            .write_all(&[TAG_TREE])
            .map_err(BackupError::Write)?;
        put_bytes(&mut self.out, name).map_err(BackupError::Write)?;
        self.census.entry(name.to_vec()).or_default();
        self.current = Some(name.to_vec());
        self.trees += 1;
        Ok(())
    }

    pub(crate) fn entry(&mut self, k: &[u8], v: &[u8]) -> Result<(), BackupError> {
        let Some(tree) = &self.current else {
            return Err(BackupError::Write(std::io::Error::other(
                "an entry before any tree",
            )));
        };
        self.out
            .write_all(&[TAG_ENTRY])
            .map_err(BackupError::Write)?;
        put_bytes(&mut self.out, k).map_err(BackupError::Write)?;
        put_bytes(&mut self.out, v).map_err(BackupError::Write)?;
        self.census.entry(tree.clone()).or_default().add(k, v);
        self.entries += 1;
        Ok(())
    }

    /// The end record and the checksum. `id_floor` must be at or above every id in the data.
    pub(crate) fn finish(mut self, id_floor: u64) -> Result<BackupInfo, BackupError> {
        let io = BackupError::Write;
        self.out.write_all(&[TAG_END]).map_err(io)?;
        for n in [self.trees, self.entries, id_floor] {
            self.out.write_all(&n.to_be_bytes()).map_err(io)?;
        }
        let digest = self.out.hasher.finalize_reset();
        self.out.inner.write_all(&digest).map_err(io)?;
        self.out.inner.flush().map_err(io)?;
        Ok(BackupInfo {
            format_version: FORMAT_VERSION,
            schema_version: SCHEMA_VERSION,
            created_at_ms: self.created_at_ms,
            relay_version: env!("CARGO_PKG_VERSION").to_string(),
            trees: self.trees,
            entries: self.entries,
            id_floor,
            bytes: self.out.bytes + CHECKSUM_LEN,
            counts: counts_of(&self.census),
        })
    }
}

impl Store {
    /// Writes a backup of every tree to `w` (the format in the module docs). Safe while the relay
    /// runs; blocking.
    pub fn write_backup<W: Write>(&self, w: W) -> Result<BackupInfo, BackupError> {
        // Every acknowledged event must be in the copy: wait for the applier to move what the
        // intake journal holds into sled (the backup copies sled's trees, not the journal).
        self.settle_blocking();
        let db = &self.inner.db;
        let mut out = BackupWriter::new(w)?;
        let names = copy_order(db.tree_names().iter().map(|n| n.to_vec()).collect());
        for name in &names {
            let tree = db.open_tree(name)?;
            out.tree(name)?;
            for item in tree.iter() {
                let (k, v) = item?;
                out.entry(&k, &v)?;
            }
        }
        // Taken last, so it is above every id in the copied data.
        let id_floor = db.generate_id()?;
        out.finish(id_floor)
    }

    /// Writes a backup to `path` through a temporary file beside it, so `path` is either the old file
    /// or the complete new one. Blocking.
    pub fn backup_to_file(&self, path: &Path) -> Result<BackupInfo, BackupError> {
        let tmp = temp_path_for(path);
        let res = (|| {
            let mut f = create_temp(&tmp)?;
            let info = self.write_backup(&mut f)?;
            f.sync_all().map_err(BackupError::Write)?;
            Ok(info)
        })();
        settle_temp(&tmp, path, res)
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

/// Creates the temporary file ([`temp_path_for`]) a backup is written to, owner-only: a backup
/// holds everything the store does.
pub(crate) fn create_temp(tmp: &Path) -> Result<std::fs::File, BackupError> {
    crate::store::perms::create_private(tmp).map_err(|source| BackupError::Io {
        action: "create",
        path: tmp.to_path_buf(),
        source,
    })
}

/// Ends writing a backup through the temporary file `tmp`, whichever backend wrote it: when `res`
/// is a success the file becomes `path` ([`persist_file`]), else it is removed, so `path` is
/// either the old file or the whole new one and no partial file stays behind.
pub(crate) fn settle_temp<T>(
    tmp: &Path,
    path: &Path,
    res: Result<T, BackupError>,
) -> Result<T, BackupError> {
    match res {
        Ok(info) => {
            persist_file(tmp, path)?;
            Ok(info)
        }
        Err(e) => {
            let _ = std::fs::remove_file(tmp);
            Err(e)
        }
    }
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

//! Backup and restore of the whole store, for `zoom-relay backup FILE` and `zoom-relay restore FILE`.
//!
//! A backup copies every sled tree generically (`tree_names()`), so trees added later are included
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
//! Restore never touches the data directory until the file is verified (checksum, format, schema)
//! and the restored copy has been written beside it, reopened through [`Store::open`] (the startup
//! integrity check) and compared tree by tree with the file. Only then are the old contents moved
//! into `data_dir/.pre-restore-<time>/` and the new ones moved in. The swap happens inside the data
//! directory, so it works when that directory is a mount point (a Docker volume) or a symlink
//! (systemd's `StateDirectory` with `DynamicUser`).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use fs2::FileExt;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{SCHEMA_VERSION, Store, StoreError};
use crate::config::StoreConfig;

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 8] = b"ZRELAYBK";
/// Bumped when the file layout changes.
pub const FORMAT_VERSION: u32 = 1;

/// Copied first, in this order; see the module docs. The other trees follow in name order.
const FIRST_TREES: [&str; 2] = ["inbox", "outbox"];
/// Entries of the data directory that restore itself creates.
const STAGING_PREFIX: &str = ".restore-";
const ASIDE_PREFIX: &str = ".pre-restore-";
const TAG_TREE: u8 = b'T';
const TAG_ENTRY: u8 = b'K';
const TAG_END: u8 = b'E';
const CHECKSUM_LEN: u64 = 32;
/// Longer tree names are refused as corrupt (ours are short ASCII).
const MAX_TREE_NAME: u32 = 4096;

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
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub info: BackupInfo,
    pub data_dir: PathBuf,
    /// Where the previous contents of the data directory were moved, if there were any.
    pub previous: Option<PathBuf>,
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
        "the restored copy does not match the backup ({0}); the data directory was not changed"
    )]
    Mismatch(String),
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

// ---------------------------------------------------------------------------------------------
// Writing.

/// Hashes everything written through it.
struct HashWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn put_bytes(w: &mut impl Write, b: &[u8]) -> io::Result<()> {
    let len = u32::try_from(b.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a value over 4 GiB"))?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(b)
}

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
            let mut f = super::perms::create_private(&tmp).map_err(|source| BackupError::Io {
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
fn sync_dir(dir: &Path) {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// Reads the record section: hashes what it reads and never reads into the checksum.
struct RecordReader {
    inner: BufReader<File>,
    hasher: Sha256,
    /// Bytes left before the checksum.
    left: u64,
    path: PathBuf,
}

impl RecordReader {
    fn damaged(&self, detail: impl Into<String>) -> BackupError {
        BackupError::Damaged {
            path: self.path.clone(),
            detail: detail.into(),
        }
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), BackupError> {
        if (buf.len() as u64) > self.left {
            return Err(self.damaged("a record runs past the end of the file"));
        }
        self.inner
            .read_exact(buf)
            .map_err(|source| BackupError::Io {
                action: "read",
                path: self.path.clone(),
                source,
            })?;
        self.hasher.update(&*buf);
        self.left -= buf.len() as u64;
        Ok(())
    }

    fn u8(&mut self) -> Result<u8, BackupError> {
        let mut b = [0u8; 1];
        self.read_exact(&mut b)?;
        Ok(b[0])
    }

    fn u16(&mut self) -> Result<u16, BackupError> {
        let mut b = [0u8; 2];
        self.read_exact(&mut b)?;
        Ok(u16::from_be_bytes(b))
    }

    fn u32(&mut self) -> Result<u32, BackupError> {
        let mut b = [0u8; 4];
        self.read_exact(&mut b)?;
        Ok(u32::from_be_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, BackupError> {
        let mut b = [0u8; 8];
        self.read_exact(&mut b)?;
        Ok(u64::from_be_bytes(b))
    }

    fn bytes(&mut self, max: Option<u32>) -> Result<Vec<u8>, BackupError> {
        let len = self.u32()?;
        if max.is_some_and(|m| len > m) || u64::from(len) > self.left {
            return Err(self.damaged(format!("a record claims {len} bytes")));
        }
        let mut v = vec![0u8; len as usize];
        self.read_exact(&mut v)?;
        Ok(v)
    }

    /// Compares the hash of everything read with the trailer.
    fn finish(mut self) -> Result<(), BackupError> {
        if self.left != 0 {
            return Err(self.damaged(format!("{} bytes after the end record", self.left)));
        }
        let mut want = [0u8; CHECKSUM_LEN as usize];
        self.inner
            .read_exact(&mut want)
            .map_err(|source| BackupError::Io {
                action: "read",
                path: self.path.clone(),
                source,
            })?;
        if self.hasher.finalize_reset().as_slice() != want {
            return Err(self.damaged("the SHA-256 checksum does not match"));
        }
        Ok(())
    }
}

/// The header, read and checked: magic, then format, before anything else is trusted.
struct Header {
    schema_version: u32,
    created_at_ms: i64,
    relay_version: String,
}

fn open_reader(path: &Path) -> Result<(RecordReader, Header, u64), BackupError> {
    let io_err = |source| BackupError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    let mut f = File::open(path).map_err(io_err)?;
    let len = f.metadata().map_err(io_err)?.len();
    // The magic first, outside the record budget: a short file is either a cut backup or something
    // else entirely, and the message should say which.
    let mut head = Vec::with_capacity(MAGIC.len());
    (&mut f)
        .take(MAGIC.len() as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    let damaged = |detail: String| BackupError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    if head.as_slice() != MAGIC {
        return Err(if !head.is_empty() && MAGIC.starts_with(&head) {
            damaged(format!("only {len} bytes"))
        } else {
            BackupError::NotABackup {
                path: path.to_path_buf(),
            }
        });
    }
    if len < MAGIC.len() as u64 + 4 + CHECKSUM_LEN {
        return Err(damaged(format!("only {len} bytes")));
    }
    let mut hasher = Sha256::new();
    hasher.update(MAGIC);
    let mut r = RecordReader {
        inner: BufReader::with_capacity(256 * 1024, f),
        hasher,
        left: len - CHECKSUM_LEN - MAGIC.len() as u64,
        path: path.to_path_buf(),
    };
    let format = r.u32()?;
    if format != FORMAT_VERSION {
        return Err(BackupError::UnsupportedFormat {
            path: path.to_path_buf(),
            found: format,
        });
    }
    let schema_version = r.u32()?;
    let created_at_ms = r.u64()? as i64;
    let vlen = r.u16()?;
    let mut v = vec![0u8; vlen as usize];
    r.read_exact(&mut v)?;
    Ok((
        r,
        Header {
            schema_version,
            created_at_ms,
            relay_version: String::from_utf8_lossy(&v).into_owned(),
        },
        len,
    ))
}

/// One record of the file, as [`read_records`] hands it over.
enum Record<'a> {
    Tree(&'a [u8]),
    Entry(&'a [u8], &'a [u8]),
}

/// One pass over the records, calling `each` for every one; checks counts and the checksum.
fn read_records(
    path: &Path,
    mut each: impl FnMut(Record<'_>) -> Result<(), BackupError>,
) -> Result<BackupInfo, BackupError> {
    let (mut r, h, len) = open_reader(path)?;
    let (mut trees, mut entries) = (0u64, 0u64);
    let mut in_tree = false;
    let end = loop {
        match r.u8()? {
            TAG_TREE => {
                let name = r.bytes(Some(MAX_TREE_NAME))?;
                each(Record::Tree(&name))?;
                trees += 1;
                in_tree = true;
            }
            TAG_ENTRY => {
                if !in_tree {
                    return Err(r.damaged("an entry before any tree"));
                }
                let k = r.bytes(None)?;
                let v = r.bytes(None)?;
                each(Record::Entry(&k, &v))?;
                entries += 1;
            }
            TAG_END => break (r.u64()?, r.u64()?, r.u64()?),
            other => return Err(r.damaged(format!("unknown record tag {other:#04x}"))),
        }
    };
    r.finish()?;
    if end.0 != trees || end.1 != entries {
        return Err(BackupError::Damaged {
            path: path.to_path_buf(),
            detail: format!(
                "the end record counts {} trees and {} entries, the file holds {trees} and {entries}",
                end.0, end.1
            ),
        });
    }
    Ok(BackupInfo {
        format_version: FORMAT_VERSION,
        schema_version: h.schema_version,
        created_at_ms: h.created_at_ms,
        relay_version: h.relay_version,
        trees,
        entries,
        id_floor: end.2,
        bytes: len,
    })
}

/// Checks a backup file without restoring it: header, format, checksum, structure, and that this
/// build can open its schema.
pub fn verify(path: &Path) -> Result<BackupInfo, BackupError> {
    // The checksum first, on raw bytes: a truncated or damaged file then says so, rather than
    // whatever record happens to be cut.
    check_checksum(path)?;
    let info = read_records(path, |_| Ok(()))?;
    if info.schema_version > SCHEMA_VERSION {
        return Err(BackupError::NewerSchema {
            path: path.to_path_buf(),
            found: info.schema_version,
        });
    }
    Ok(info)
}

fn check_checksum(path: &Path) -> Result<(), BackupError> {
    let (r, _, len) = open_reader(path)?;
    let RecordReader {
        inner, mut hasher, ..
    } = r;
    let mut f = inner.into_inner();
    use std::io::Seek;
    let io_err = |source| BackupError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    f.seek(io::SeekFrom::Start(0)).map_err(io_err)?;
    hasher.reset();
    let mut body = BufReader::with_capacity(256 * 1024, f).take(len - CHECKSUM_LEN);
    io::copy(&mut body, &mut hasher).map_err(io_err)?;
    let mut want = [0u8; CHECKSUM_LEN as usize];
    body.into_inner().read_exact(&mut want).map_err(io_err)?;
    if hasher.finalize().as_slice() != want {
        return Err(BackupError::Damaged {
            path: path.to_path_buf(),
            detail: "the SHA-256 checksum does not match".into(),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Restoring.

/// Per tree: entry count and a hash of its (key, value) pairs in order.
type Digests = BTreeMap<Vec<u8>, (u64, [u8; 32])>;

fn hash_entry(h: &mut Sha256, k: &[u8], v: &[u8]) {
    h.update((k.len() as u64).to_be_bytes());
    h.update(k);
    h.update((v.len() as u64).to_be_bytes());
    h.update(v);
}

fn digest_db(db: &sled::Db, names: impl Iterator<Item = Vec<u8>>) -> Result<Digests, StoreError> {
    let mut out = Digests::new();
    for name in names {
        let tree = db.open_tree(&name)?;
        let mut h = Sha256::new();
        let mut n = 0;
        for item in tree.iter() {
            let (k, v) = item?;
            hash_entry(&mut h, &k, &v);
            n += 1;
        }
        out.insert(name, (n, h.finalize().into()));
    }
    Ok(out)
}

/// The restored copy, written inside the data directory but not yet in place. Dropping it without
/// [`Staged::commit`] removes the copy.
struct Staged {
    target: PathBuf,
    dir: PathBuf,
    info: BackupInfo,
    digests: Digests,
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
    super::perms::secure_tree(target).map_err(|source| BackupError::Io {
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
        },
        digests: Digests::new(),
        _lock: lock,
        done: false,
    };
    let db = sled::Config::new().path(&dir).create_new(true).open()?;
    let mut digests = Digests::new();
    let mut current: Option<(Vec<u8>, sled::Tree, Sha256, u64)> = None;
    let close = |cur: Option<(Vec<u8>, sled::Tree, Sha256, u64)>, d: &mut Digests| {
        if let Some((name, _, h, n)) = cur {
            d.insert(name, (n, h.finalize().into()));
        }
    };
    let info = read_records(file, |rec| {
        match rec {
            Record::Tree(name) => {
                let tree = db.open_tree(name)?;
                close(
                    current.replace((name.to_vec(), tree, Sha256::new(), 0)),
                    &mut digests,
                );
            }
            Record::Entry(k, v) => {
                let (_, tree, h, n) = current.as_mut().expect("entries follow a tree");
                tree.insert(k, v)?;
                hash_entry(h, k, v);
                *n += 1;
            }
        }
        Ok(())
    })?;
    close(current.take(), &mut digests);
    // New ids must be above every id in the restored data (module docs). sled has no setter; this
    // loop costs a few nanoseconds per id plus one fsync per million.
    while db.generate_id()? <= info.id_floor {}
    db.flush()?;
    drop(db);
    staged.info = info;
    staged.digests = digests;
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
            data_dir: self.target.clone(),
            previous,
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
        .map_err(|e| BackupError::Store(StoreError::Io(e.to_string())))??;

    // The startup integrity check, then a comparison of every tree with the file.
    let (dir, cfg2) = (staged.dir.clone(), cfg.clone());
    let store = tokio::task::spawn_blocking(move || open_staged(&dir, &cfg2))
        .await
        .map_err(|e| BackupError::Store(StoreError::Io(e.to_string())))??;
    let check = {
        let (store, want) = (store.clone(), staged.digests.clone());
        tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
            let db = &store.inner.db;
            let got = digest_db(db, want.keys().cloned())?;
            for (name, w) in &want {
                if got.get(name) != Some(w) {
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
        .map_err(|e| BackupError::Store(StoreError::Io(e.to_string())))?
    };
    let closed = store.close().await;
    drop(store);
    check?;
    closed?;
    tokio::task::spawn_blocking(move || staged.commit())
        .await
        .map_err(|e| BackupError::Store(StoreError::Io(e.to_string())))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> StoreConfig {
        StoreConfig {
            dedup_retention_secs: 60,
            event_retention_secs: 60,
            meeting_retention_secs: 60,
            cache_capacity_mb: 8,
            janitor_interval_secs: 60,
            data_key: None,
        }
    }

    /// A store with a few entries in a tree of its own and in the meta tree.
    async fn sample_store(dir: &Path) -> Store {
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

    type Trees = BTreeMap<Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>>;

    fn all_trees(db: &sled::Db) -> Trees {
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

    async fn backup(dir: &Path) -> (PathBuf, Trees, u64) {
        let s = sample_store(&dir.join("src")).await;
        let file = dir.join("relay.backup");
        let info = s.backup_to_file(&file).unwrap();
        let trees = all_trees(&s.inner.db);
        s.close().await.unwrap();
        (file, trees, info.id_floor)
    }

    #[tokio::test]
    async fn a_backup_round_trips_every_tree_and_keeps_ids_unique() {
        let dir = tempfile::tempdir().unwrap();
        let (file, want, id_floor) = backup(dir.path()).await;
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
    async fn a_truncated_file_is_refused_as_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let (file, _, _) = backup(dir.path()).await;
        let bytes = std::fs::read(&file).unwrap();
        for cut in [bytes.len() - 1, bytes.len() / 2, 30, 10] {
            std::fs::write(&file, &bytes[..cut]).unwrap();
            let err = verify(&file).unwrap_err();
            assert!(
                matches!(err, BackupError::Damaged { .. }),
                "cut at {cut}: {err}"
            );
            assert!(err.to_string().contains("damaged or truncated"), "{err}");
        }
        let target = dir.path().join("restored");
        assert!(restore(&file, &target, false, &cfg()).await.is_err());
        assert!(!target.exists(), "nothing is created for a bad file");
    }

    #[tokio::test]
    async fn a_flipped_byte_fails_the_checksum() {
        let dir = tempfile::tempdir().unwrap();
        let (file, _, _) = backup(dir.path()).await;
        let mut bytes = std::fs::read(&file).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        std::fs::write(&file, &bytes).unwrap();
        let err = verify(&file).unwrap_err();
        assert!(err.to_string().contains("checksum does not match"), "{err}");
    }

    #[tokio::test]
    async fn another_format_version_or_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (file, _, _) = backup(dir.path()).await;
        let bytes = std::fs::read(&file).unwrap();
        let rehash = |mut b: Vec<u8>| {
            let n = b.len() - 32;
            let d = Sha256::digest(&b[..n]);
            b[n..].copy_from_slice(&d);
            b
        };
        let mut future = bytes.clone();
        future[8..12].copy_from_slice(&2u32.to_be_bytes());
        std::fs::write(&file, rehash(future)).unwrap();
        let err = verify(&file).unwrap_err();
        assert!(
            matches!(err, BackupError::UnsupportedFormat { found: 2, .. }),
            "{err}"
        );

        let mut newer = bytes.clone();
        newer[12..16].copy_from_slice(&(SCHEMA_VERSION + 1).to_be_bytes());
        std::fs::write(&file, rehash(newer)).unwrap();
        let err = verify(&file).unwrap_err();
        assert!(matches!(err, BackupError::NewerSchema { .. }), "{err}");
        assert!(err.to_string().contains("upgrade zoom-relay"), "{err}");

        std::fs::write(&file, b"hello, not a backup at all, just text").unwrap();
        assert!(matches!(
            verify(&file).unwrap_err(),
            BackupError::NotABackup { .. }
        ));
    }

    #[tokio::test]
    async fn restore_refuses_a_non_empty_dir_without_force_and_keeps_the_old_contents_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let (file, want, _) = backup(dir.path()).await;
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
        let dir = tempfile::tempdir().unwrap();
        let (file, _, _) = backup(dir.path()).await;
        let target = dir.path().join("data");
        let held = Store::open(&target, &cfg()).unwrap();
        let err = restore(&file, &target, true, &cfg()).await.unwrap_err();
        assert!(matches!(err, BackupError::Held { .. }), "{err}");
        assert_eq!(held.event_count(), 0, "the held store is untouched");
        held.close().await.unwrap();
    }
}

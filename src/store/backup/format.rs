//! The backup file layout (module docs of `backup`): its constants, the hashing writer the writer
//! encodes through, and the reader that checks magic, format, records and checksum.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{BackupError, BackupInfo};
use crate::store::SCHEMA_VERSION;

/// The first bytes of every backup file.
pub const MAGIC: &[u8; 8] = b"ZRELAYBK";
/// Bumped when the file layout changes.
pub const FORMAT_VERSION: u32 = 1;
pub(super) const TAG_TREE: u8 = b'T';
pub(super) const TAG_ENTRY: u8 = b'K';
pub(super) const TAG_END: u8 = b'E';
pub(super) const CHECKSUM_LEN: u64 = 32;
/// Longer tree names are refused as corrupt (ours are short ASCII).
const MAX_TREE_NAME: u32 = 4096;

/// What one tree holds, independent of the order its entries come in: their number and the sum
/// (per 64-bit lane, wrapping) of the SHA-256 of each (key, value). Order-independent because the
/// two backends list a tree in different orders (sled by key bytes, PostgreSQL by its own), and a
/// restore compares what it wrote with the file whichever backend wrote either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TreeSum {
    pub count: u64,
    sum: [u64; 4],
}

impl TreeSum {
    pub(crate) fn add(&mut self, k: &[u8], v: &[u8]) {
        let mut h = Sha256::new();
        h.update((k.len() as u64).to_be_bytes());
        h.update(k);
        h.update((v.len() as u64).to_be_bytes());
        h.update(v);
        let d = h.finalize();
        for (lane, chunk) in self.sum.iter_mut().zip(d.chunks_exact(8)) {
            *lane = lane.wrapping_add(u64::from_be_bytes(chunk.try_into().expect("8 bytes")));
        }
        self.count += 1;
    }
}

/// [`TreeSum`] per tree name.
pub(crate) type Census = BTreeMap<Vec<u8>, TreeSum>;

/// Entry counts per tree, by name, for [`BackupInfo::counts`].
pub(crate) fn counts_of(census: &Census) -> BTreeMap<String, u64> {
    census
        .iter()
        .map(|(n, s)| (String::from_utf8_lossy(n).into_owned(), s.count))
        .collect()
}

/// Hashes everything written through it.
pub(super) struct HashWriter<W: Write> {
    pub(super) inner: W,
    pub(super) hasher: Sha256,
    pub(super) bytes: u64,
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

pub(super) fn put_bytes(w: &mut impl Write, b: &[u8]) -> io::Result<()> {
    let len = u32::try_from(b.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a value over 4 GiB"))?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(b)
}

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
pub(crate) enum Record<'a> {
    Tree(&'a [u8]),
    Entry(&'a [u8], &'a [u8]),
}

/// One pass over the records, calling `each` for every one; checks counts and the checksum.
pub(super) fn read_records(
    path: &Path,
    each: impl FnMut(Record<'_>) -> Result<(), BackupError>,
) -> Result<BackupInfo, BackupError> {
    Ok(read_census(path, each)?.0)
}

/// [`read_records`], also returning the [`Census`] of what the file holds.
pub(crate) fn read_census(
    path: &Path,
    mut each: impl FnMut(Record<'_>) -> Result<(), BackupError>,
) -> Result<(BackupInfo, Census), BackupError> {
    let (mut r, h, len) = open_reader(path)?;
    let (mut trees, mut entries) = (0u64, 0u64);
    let mut census = Census::new();
    let mut current: Option<Vec<u8>> = None;
    let end = loop {
        match r.u8()? {
            TAG_TREE => {
                let name = r.bytes(Some(MAX_TREE_NAME))?;
                each(Record::Tree(&name))?;
                census.entry(name.clone()).or_default();
                current = Some(name);
                trees += 1;
            }
            TAG_ENTRY => {
                let Some(tree) = &current else {
                    return Err(r.damaged("an entry before any tree"));
                };
                let k = r.bytes(None)?;
                let v = r.bytes(None)?;
                each(Record::Entry(&k, &v))?;
                census.entry(tree.clone()).or_default().add(&k, &v);
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
    let info = BackupInfo {
        format_version: FORMAT_VERSION,
        schema_version: h.schema_version,
        created_at_ms: h.created_at_ms,
        relay_version: h.relay_version,
        trees,
        entries,
        id_floor: end.2,
        bytes: len,
        counts: counts_of(&census),
    };
    Ok((info, census))
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

#[cfg(test)]
mod tests {
    use super::super::restore;
    use super::super::test_support::{backup, cfg};
    use super::*;

    #[tokio::test]
    async fn a_truncated_file_is_refused_as_damaged() {
        let (dir, file, _, _) = backup().await;
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
        let (_dir, file, _, _) = backup().await;
        let mut bytes = std::fs::read(&file).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        std::fs::write(&file, &bytes).unwrap();
        let err = verify(&file).unwrap_err();
        assert!(err.to_string().contains("checksum does not match"), "{err}");
    }

    #[tokio::test]
    async fn another_format_version_or_a_newer_schema_is_refused() {
        let (_dir, file, _, _) = backup().await;
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
}

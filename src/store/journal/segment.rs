//! The journal's on-disk format: preallocated segment files of checksummed records.
//!
//! A segment is a file `journal/seg-NNNNNN.wal`, created at its full size and filled with zeros
//! once, so that writing a record later never allocates blocks: an `fdatasync` then only has data
//! pages to write (no extent or size change to log in the filesystem's journal), and running out of
//! disk shows up when a segment is created, never half-way through a batch.
//!
//! Layout (all integers little-endian):
//! - header, [`HEADER_LEN`] bytes: magic `ZRJRNL01` (8), `first_seq` (u64), CRC-32 of the 16 bytes
//!   before it (u32), zero padding. `first_seq` is rewritten each time the file is reused;
//! - records from [`HEADER_LEN`] on, back to back: `len` (u32, payload length), `crc` (u32, CRC-32 of
//!   `len` and everything after `crc` up to the end of the payload), `seq` (u64, the event's sequence
//!   number), `received_at_ms` (i64), the 16-byte dedup key, then `len` bytes of payload (the event
//!   record exactly as the `events` tree stores it).
//!
//! Reading stops at the first record that is not valid: a zero or oversized length, a CRC
//! mismatch, or a `seq` not above the previous one (or below `first_seq`). That is how a torn tail
//! (a batch cut off by a crash before its `fdatasync`, never acknowledged) and the stale records of
//! a reused file are told from live ones: a reused file's old records all have smaller sequence
//! numbers than its new `first_seq`.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const MAGIC: &[u8; 8] = b"ZRJRNL01";
/// One page, so the header and the records never share a block.
pub const HEADER_LEN: u64 = 4096;
/// Bytes before a record's payload.
pub const RECORD_HEADER: usize = 40;
/// No event record comes near this (the webhook body limit is far lower); a larger length is garbage.
pub const MAX_PAYLOAD: usize = 16 * 1024 * 1024;

/// One record read back from a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub seq: u64,
    pub received_at_ms: i64,
    pub key: [u8; 16],
    pub payload: Vec<u8>,
}

/// Appends one record to `buf`.
pub fn encode_record(buf: &mut Vec<u8>, seq: u64, at: i64, key: &[u8; 16], payload: &[u8]) {
    let start = buf.len();
    buf.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    buf.extend_from_slice(&[0; 4]);
    buf.extend_from_slice(&seq.to_le_bytes());
    buf.extend_from_slice(&at.to_le_bytes());
    buf.extend_from_slice(key);
    buf.extend_from_slice(payload);
    let mut h = crc32fast::Hasher::new();
    h.update(&buf[start..start + 4]);
    h.update(&buf[start + 8..]);
    let crc = h.finalize();
    buf[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
}

/// The header of a segment that starts at `first_seq`.
pub fn encode_header(first_seq: u64) -> [u8; 20] {
    let mut h = [0u8; 20];
    h[..8].copy_from_slice(MAGIC);
    h[8..16].copy_from_slice(&first_seq.to_le_bytes());
    let crc = crc32fast::hash(&h[..16]);
    h[16..20].copy_from_slice(&crc.to_le_bytes());
    h
}

fn decode_header(b: &[u8]) -> Option<u64> {
    if b.len() < 20 || &b[..8] != MAGIC {
        return None;
    }
    let crc = u32::from_le_bytes(b[16..20].try_into().ok()?);
    if crc32fast::hash(&b[..16]) != crc {
        return None;
    }
    Some(u64::from_le_bytes(b[8..16].try_into().ok()?))
}

/// Why reading a segment stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Zeros or the end of the file: a clean end.
    Clean,
    /// Bytes that are not a valid record: a torn write, or the stale records of a reused file.
    Invalid,
}

/// What one segment holds.
#[derive(Debug)]
pub struct Scanned {
    pub path: PathBuf,
    /// None when the file has no valid header (created, never written).
    pub first_seq: Option<u64>,
    pub records: Vec<Record>,
    /// Where the valid records end.
    pub end_offset: u64,
    pub end: End,
}

/// Reads the valid records of one segment file.
pub fn scan(path: &Path) -> std::io::Result<Scanned> {
    let mut bytes = Vec::new();
    File::open(path)?.read_to_end(&mut bytes)?;
    let mut out = Scanned {
        path: path.to_path_buf(),
        first_seq: decode_header(&bytes),
        records: Vec::new(),
        end_offset: HEADER_LEN,
        end: End::Clean,
    };
    let Some(first) = out.first_seq else {
        return Ok(out);
    };
    let mut at = HEADER_LEN as usize;
    let mut prev: Option<u64> = None;
    loop {
        let rest = bytes.get(at..).unwrap_or(&[]);
        if rest.len() < RECORD_HEADER {
            out.end = if rest.iter().all(|b| *b == 0) {
                End::Clean
            } else {
                End::Invalid
            };
            break;
        }
        let len = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
        if len == 0 || len > MAX_PAYLOAD || rest.len() < RECORD_HEADER + len {
            out.end = if rest[..RECORD_HEADER].iter().all(|b| *b == 0) {
                End::Clean
            } else {
                End::Invalid
            };
            break;
        }
        let crc = u32::from_le_bytes(rest[4..8].try_into().expect("4 bytes"));
        let mut h = crc32fast::Hasher::new();
        h.update(&rest[..4]);
        h.update(&rest[8..RECORD_HEADER + len]);
        let seq = u64::from_le_bytes(rest[8..16].try_into().expect("8 bytes"));
        if h.finalize() != crc || seq < first || prev.is_some_and(|p| seq <= p) {
            out.end = End::Invalid;
            break;
        }
        out.records.push(Record {
            seq,
            received_at_ms: i64::from_le_bytes(rest[16..24].try_into().expect("8 bytes")),
            key: rest[24..40].try_into().expect("16 bytes"),
            payload: rest[RECORD_HEADER..RECORD_HEADER + len].to_vec(),
        });
        prev = Some(seq);
        at += RECORD_HEADER + len;
    }
    out.end_offset = at as u64;
    Ok(out)
}

/// The file name of segment slot `n`.
pub fn segment_path(dir: &Path, n: u32) -> PathBuf {
    dir.join(format!("seg-{n:06}.wal"))
}

/// The slot number of a segment file name, or None for anything else in the directory.
pub fn slot_of(name: &str) -> Option<u32> {
    name.strip_prefix("seg-")?
        .strip_suffix(".wal")?
        .parse()
        .ok()
}

/// Creates segment slot `n` at `size` bytes of zeros, owner-only, synced with its directory entry.
/// Written rather than `fallocate`d: blocks that are merely reserved would still be converted on
/// first write, putting metadata back into every batch's `fdatasync`.
pub fn create(dir: &Path, n: u32, size: u64) -> std::io::Result<File> {
    let path = segment_path(dir, n);
    let tmp = dir.join(format!("seg-{n:06}.tmp"));
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(crate::store::perms::FILE_MODE);
    }
    let mut f = o.open(&tmp)?;
    let zeros = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    f.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    sync_dir(dir)?;
    Ok(f)
}

/// Makes a created or renamed entry of `dir` durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Opens an existing segment for reading and writing.
pub fn open(dir: &Path, n: u32) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(segment_path(dir, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileExt;

    fn write(f: &File, first: u64, recs: &[(u64, &[u8])]) -> u64 {
        f.write_all_at(&encode_header(first), 0).unwrap();
        let mut buf = Vec::new();
        for (seq, p) in recs {
            encode_record(&mut buf, *seq, 7, &[*seq as u8; 16], p);
        }
        f.write_all_at(&buf, HEADER_LEN).unwrap();
        HEADER_LEN + buf.len() as u64
    }

    #[test]
    fn records_round_trip_and_a_torn_tail_is_dropped() {
        let d = tempfile::tempdir().unwrap();
        let f = create(d.path(), 0, 64 * 1024).unwrap();
        let end = write(&f, 5, &[(5, b"one"), (6, b"two"), (9, b"three")]);
        let s = scan(&segment_path(d.path(), 0)).unwrap();
        assert_eq!(s.first_seq, Some(5));
        let seqs: Vec<u64> = s.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [5, 6, 9]);
        assert_eq!(s.records[2].payload, b"three");
        assert_eq!(s.records[1].key, [6; 16]);
        assert_eq!(s.end, End::Clean);
        assert_eq!(s.end_offset, end);

        // A fourth record cut off half-way: its CRC fails, the three before it stay.
        let mut torn = Vec::new();
        encode_record(&mut torn, 10, 7, &[1; 16], b"never acknowledged");
        f.write_all_at(&torn[..torn.len() - 5], end).unwrap();
        let s = scan(&segment_path(d.path(), 0)).unwrap();
        assert_eq!(s.records.len(), 3);
        assert_eq!(s.end, End::Invalid);
        assert_eq!(s.end_offset, end);
    }

    #[test]
    fn a_reused_file_ignores_its_stale_records() {
        let d = tempfile::tempdir().unwrap();
        let f = create(d.path(), 3, 64 * 1024).unwrap();
        write(&f, 1, &[(1, b"old-1"), (2, b"old-2"), (3, b"old-3")]);
        // Reused from seq 20: one short new record overwrites the start of the old ones.
        write(&f, 20, &[(20, b"n")]);
        let s = scan(&segment_path(d.path(), 3)).unwrap();
        let seqs: Vec<u64> = s.records.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [20], "old records have smaller seqs than first_seq");
        assert_eq!(slot_of("seg-000003.wal"), Some(3));
        assert_eq!(slot_of("seg-3.tmp"), None);
        // A file never written has no header and no records.
        create(d.path(), 4, 8192).unwrap();
        let s = scan(&segment_path(d.path(), 4)).unwrap();
        assert_eq!((s.first_seq, s.records.len()), (None, 0));
    }
}

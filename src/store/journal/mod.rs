//! The intake journal (sled backend): an append-only log in front of sled that makes an event
//! durable with one sequential write and one `fdatasync` per batch.
//!
//! Why: making intake durable through sled costs three page-cloning inserts and a flush of sled's
//! whole log per batch, on the request path (BENCHMARKS.md, "Where the durable path spends its
//! time"). Here a request only checks dedup, takes a sequence number and queues its encoded record
//! (moved, not copied) under one short lock, then waits for the durable watermark to pass its
//! sequence number. One writer thread takes whatever queued while it was busy, writes it into the
//! current preallocated segment ([`segment`]), `fdatasync`s once, publishes the new watermark (every
//! waiter of the batch wakes) and hands the batch to the applier ([`super::commit`]), which writes
//! events, inbox entries and dedup keys into sled off the request path, flushes sled now and then,
//! and records how far it flushed (the checkpoint) so the writer can reuse old segments.
//!
//! Dedup stays exact: a key is in `unapplied` from the moment its record is queued until sled holds
//! it, and both are checked under the same lock. A duplicate of a record that is not durable yet
//! waits for that record's batch and fails with it.
//!
//! Reads see every acknowledged event: the sled readers call [`Journal::settled`] / [`settle`] and
//! wait for the applier to reach the durable watermark first (the sled seam awaits it, the
//! synchronous methods wait briefly).
//!
//! Startup ([`recover`]): every record above the checkpoint is applied to sled again (idempotently)
//! before the store is returned, so before readiness.

pub mod segment;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::watch;

use super::StoreError;
use super::commit::{Fault, Faults, FlushStats};
use super::events::AppendOutcome;
use super::keys::decode_dedup_value;
use segment::{HEADER_LEN, RECORD_HEADER};

/// The journal's directory inside the data dir.
pub const DIR: &str = "journal";

/// One queued event: its sequence number, dedup key, arrival time and encoded record.
pub(super) struct Entry {
    pub seq: u64,
    pub key: [u8; 16],
    pub at: i64,
    pub record: Vec<u8>,
}

/// How far the journal got: everything up to `durable` is on disk; `failed` once a write or sync
/// failed (nothing is durable after it until restart).
#[derive(Clone, Default)]
struct Progress {
    durable: u64,
    failed: Option<StoreError>,
}

struct State {
    queue: Vec<Entry>,
    next_seq: u64,
    /// Keys queued or journaled but not yet in sled's `dedup` tree, with their seq.
    unapplied: HashMap<[u8; 16], u64>,
    writer_idle: bool,
    stopping: bool,
    poisoned: bool,
}

/// What the journal's threads and the store share.
pub(super) struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    progress: watch::Sender<Progress>,
    /// The applier's watermark: every durable record up to it is in sled.
    applied: watch::Sender<u64>,
    /// Everything up to it is in sled and flushed: segments below it may be reused.
    pub checkpoint: AtomicU64,
    /// Segment files ready for use (slot, file, size), kept topped up by the applier.
    pub spares: Mutex<Vec<(u32, File, u64)>>,
    pub next_slot: AtomicU32,
    pub dir: PathBuf,
    pub segment_size: u64,
    dedup: sled::Tree,
    poisoned_flag: Arc<AtomicBool>,
    faults: Arc<Faults>,
    stats: Arc<FlushStats>,
    /// Tests hold the applier back to see events that are only in the journal.
    #[cfg(test)]
    pub hold_apply: AtomicBool,
}

impl Shared {
    /// Called by the applier once sled holds `entries`.
    pub(super) fn applied(&self, entries: &[Entry]) {
        let Some(last) = entries.last() else { return };
        {
            let mut st = self.state.lock().expect("journal lock");
            for e in entries {
                if st.unapplied.get(&e.key) == Some(&e.seq) {
                    st.unapplied.remove(&e.key);
                }
            }
        }
        self.applied.send_replace(last.seq);
    }

    /// The applier's watermark.
    pub(super) fn applied_seq(&self) -> u64 {
        *self.applied.borrow()
    }

    /// Whether every durable record is in sled.
    pub(super) fn settled(&self) -> bool {
        *self.applied.borrow() >= self.progress.borrow().durable
    }

    /// Waits (async) until every record durable at the call is in sled. Bounded: a stopped
    /// applier must not hang a reader.
    pub(super) async fn settle(&self) {
        let target = self.progress.borrow().durable;
        let mut rx = self.applied.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(5), rx.wait_for(|a| *a >= target)).await;
    }

    /// The blocking form of [`Shared::settle`], for the store's synchronous readers.
    pub(super) fn settle_blocking(&self) {
        let target = self.progress.borrow().durable;
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while *self.applied.borrow() < target && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// Poisons intake after a failure outside the writer (the applier's sled writes or flush).
    pub(super) fn poison(&self, e: StoreError) {
        self.state.lock().expect("journal lock").poisoned = true;
        self.poisoned_flag.store(true, Ordering::SeqCst);
        self.progress.send_modify(|p| {
            p.failed.get_or_insert(e);
        });
    }
}

/// The store's handle: appends, and stopping the writer. Dropping it stops the writer too.
pub(super) struct Journal {
    pub shared: Arc<Shared>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

/// What the writer needs at start: where to write, and the files it may use.
pub(super) struct Start {
    pub next_seq: u64,
    /// Existing segment files, all free (recovery applied everything in them).
    pub free: Vec<(u32, File, u64)>,
    pub next_slot: u32,
}

/// Creates the journal directory (0700) and scans it: the records above `checkpoint`, which the
/// store applies before anything else, and the files the writer may reuse.
pub(super) fn recover(
    dir: &Path,
    checkpoint: u64,
) -> std::io::Result<(Vec<segment::Record>, Start)> {
    std::fs::create_dir_all(dir)?;
    super::perms::tighten(dir, super::perms::DIR_MODE)?;
    let mut slots = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        } else if let Some(n) = segment::slot_of(&name) {
            slots.push(n);
        }
    }
    slots.sort_unstable();
    let mut records = Vec::new();
    let mut max_seq = checkpoint;
    let mut free = Vec::new();
    for &n in &slots {
        let s = segment::scan(&segment::segment_path(dir, n))?;
        if let Some(first) = s.first_seq {
            max_seq = max_seq.max(first.saturating_sub(1));
        }
        if let Some(last) = s.records.last() {
            max_seq = max_seq.max(last.seq);
        }
        if s.end == segment::End::Invalid && s.records.last().is_some_and(|r| r.seq > checkpoint) {
            tracing::warn!(
                segment = %s.path.display(),
                offset = s.end_offset,
                "the intake journal ends in an incomplete record (cut off by a crash before it was acknowledged); it is ignored"
            );
        }
        records.extend(s.records.into_iter().filter(|r| r.seq > checkpoint));
        let f = segment::open(dir, n)?;
        let size = f.metadata()?.len();
        free.push((n, f, size));
    }
    records.sort_by_key(|r| r.seq);
    records.dedup_by_key(|r| r.seq);
    let next_slot = slots.last().map_or(0, |n| n + 1);
    Ok((
        records,
        Start {
            next_seq: max_seq + 1,
            free,
            next_slot,
        },
    ))
}

pub(super) struct Deps {
    pub dedup: sled::Tree,
    pub poisoned: Arc<AtomicBool>,
    pub faults: Arc<Faults>,
    pub stats: Arc<FlushStats>,
    pub checkpoint: u64,
}

impl Journal {
    /// Starts the writer thread; `apply` receives each durable batch.
    pub fn start(
        dir: PathBuf,
        segment_size: u64,
        start: Start,
        deps: Deps,
        apply: std::sync::mpsc::SyncSender<super::commit::Cmd>,
    ) -> std::io::Result<Journal> {
        let (progress, _) = watch::channel(Progress {
            durable: start.next_seq - 1,
            failed: None,
        });
        let (applied, _) = watch::channel(start.next_seq - 1);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: Vec::with_capacity(1024),
                next_seq: start.next_seq,
                unapplied: HashMap::new(),
                writer_idle: true,
                stopping: false,
                poisoned: false,
            }),
            wake: Condvar::new(),
            progress,
            applied,
            checkpoint: AtomicU64::new(deps.checkpoint),
            spares: Mutex::new(Vec::new()),
            next_slot: AtomicU32::new(start.next_slot),
            dir,
            segment_size,
            dedup: deps.dedup,
            poisoned_flag: deps.poisoned,
            faults: deps.faults,
            stats: deps.stats,
            #[cfg(test)]
            hold_apply: AtomicBool::new(false),
        });
        let mut free = start.free;
        // The first segment: a free file, or a new one.
        let (slot, file, size) = match free.pop() {
            Some(f) => f,
            None => {
                let n = shared.next_slot.fetch_add(1, Ordering::SeqCst);
                let f = segment::create(&shared.dir, n, segment_size)?;
                (n, f, segment_size)
            }
        };
        *shared.spares.lock().expect("spares lock") = free;
        let w = Writer {
            shared: shared.clone(),
            current: Seg::begin(slot, file, size, start.next_seq)?,
            sealed: VecDeque::new(),
            buf: Vec::with_capacity(256 * 1024),
            apply,
        };
        w.current.file.sync_data()?;
        let thread = std::thread::Builder::new()
            .name("store-journal".into())
            .spawn(move || w.run())?;
        Ok(Journal {
            shared,
            writer: Mutex::new(Some(thread)),
        })
    }

    /// Queues one event unless its key was seen, and returns once it (or the original it
    /// duplicates) is durable.
    pub async fn append(
        &self,
        key: [u8; 16],
        record: Vec<u8>,
        at: i64,
    ) -> Result<AppendOutcome, StoreError> {
        let sh = &self.shared;
        let (outcome, seq) = {
            let mut st = sh.state.lock().expect("journal lock");
            if st.poisoned {
                return Err(StoreError::Poisoned);
            }
            if st.stopping {
                return Err(StoreError::Closed);
            }
            if let Some(&seq) = st.unapplied.get(&key) {
                (AppendOutcome::Duplicate { seq }, seq)
            } else if let Some(v) = sh.dedup.get(key)? {
                // In sled, so durable already (the applier only applies durable records).
                let seq = decode_dedup_value(&v).map(|(_, s)| s).unwrap_or(0);
                return Ok(AppendOutcome::Duplicate { seq });
            } else {
                let seq = st.next_seq;
                st.next_seq += 1;
                st.unapplied.insert(key, seq);
                st.queue.push(Entry {
                    seq,
                    key,
                    at,
                    record,
                });
                if st.writer_idle {
                    st.writer_idle = false;
                    sh.wake.notify_one();
                }
                (AppendOutcome::Accepted { seq }, seq)
            }
        };
        let mut rx = sh.progress.subscribe();
        let p = rx
            .wait_for(|p| p.durable >= seq || p.failed.is_some())
            .await
            .map_err(|_| StoreError::Closed)?;
        if p.durable >= seq {
            Ok(outcome)
        } else {
            Err(p.failed.clone().unwrap_or(StoreError::Poisoned))
        }
    }

    /// Stops the writer after it wrote what is queued, and waits for it.
    pub fn stop(&self) {
        {
            let mut st = self.shared.state.lock().expect("journal lock");
            st.stopping = true;
            self.shared.wake.notify_one();
        }
        if let Some(h) = self.writer.lock().expect("writer lock").take() {
            let _ = h.join();
        }
    }

    pub fn is_running(&self) -> bool {
        self.writer
            .lock()
            .expect("writer lock")
            .as_ref()
            .is_some_and(|h| !h.is_finished())
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A segment being written, or written and waiting for the checkpoint to pass it.
struct Seg {
    slot: u32,
    file: File,
    size: u64,
    offset: u64,
    last_seq: Option<u64>,
}

impl Seg {
    /// Makes `file` the segment starting at `first_seq` (its header written, not yet synced).
    fn begin(slot: u32, file: File, size: u64, first_seq: u64) -> std::io::Result<Seg> {
        use std::os::unix::fs::FileExt;
        file.write_all_at(&segment::encode_header(first_seq), 0)?;
        Ok(Seg {
            slot,
            file,
            size,
            offset: HEADER_LEN,
            last_seq: None,
        })
    }
}

struct Writer {
    shared: Arc<Shared>,
    current: Seg,
    sealed: VecDeque<Seg>,
    buf: Vec<u8>,
    apply: std::sync::mpsc::SyncSender<super::commit::Cmd>,
}

impl Writer {
    fn run(mut self) {
        let mut batch: Vec<Entry> = Vec::with_capacity(1024);
        loop {
            {
                let mut st = self.shared.state.lock().expect("journal lock");
                while st.queue.is_empty() {
                    if st.stopping {
                        return;
                    }
                    st.writer_idle = true;
                    st = self.shared.wake.wait(st).expect("journal lock");
                }
                std::mem::swap(&mut st.queue, &mut batch);
                if st.poisoned {
                    // Nothing is made durable after a failure: a later batch moving the watermark
                    // past a failed one would acknowledge records that were never written.
                    batch.clear();
                    continue;
                }
            }
            let started = std::time::Instant::now();
            let res = self.write(&batch);
            self.shared.stats.record(started.elapsed());
            match res {
                Ok(()) => {
                    let last = batch.last().expect("a batch").seq;
                    self.shared.progress.send_modify(|p| p.durable = last);
                    let cap = batch.capacity();
                    let done = std::mem::replace(&mut batch, Vec::with_capacity(cap));
                    // Blocks when the applier is far behind: intake slows down rather than
                    // holding an unbounded backlog in memory.
                    if self.apply.send(super::commit::Cmd::Apply(done)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let e = StoreError::backend("cannot write the intake journal", e);
                    tracing::error!(error = %e, "intake journal write failed; refusing further intake until restart");
                    self.shared.poison(e);
                    batch.clear();
                }
            }
        }
    }

    /// Writes `batch` after the current end, rolling to the next segment when one is full, and
    /// syncs every segment it wrote to.
    fn write(&mut self, batch: &[Entry]) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        let faults = self.shared.faults.clone();
        faults.take_io(Fault::Write)?;
        faults.take_io(Fault::NoSpace)?;
        let mut i = 0;
        while i < batch.len() {
            self.buf.clear();
            let room = self.current.size - self.current.offset;
            let mut j = i;
            while j < batch.len() {
                let need = RECORD_HEADER + batch[j].record.len();
                if (self.buf.len() + need) as u64 > room {
                    break;
                }
                let e = &batch[j];
                segment::encode_record(&mut self.buf, e.seq, e.at, &e.key, &e.record);
                j += 1;
            }
            if j == i {
                let need = HEADER_LEN + (RECORD_HEADER + batch[i].record.len()) as u64;
                self.roll(batch[i].seq, need)?;
                continue;
            }
            self.current
                .file
                .write_all_at(&self.buf, self.current.offset)?;
            self.current.offset += self.buf.len() as u64;
            self.current.last_seq = Some(batch[j - 1].seq);
            i = j;
        }
        faults.take_io(Fault::Flush)?;
        self.current.file.sync_data()
    }

    /// Seals the current segment (synced) and starts the next at `first_seq` in a file of at
    /// least `need` bytes: a sealed one the checkpoint has passed, a spare, or a new one.
    fn roll(&mut self, first_seq: u64, need: u64) -> std::io::Result<()> {
        self.current.file.sync_data()?;
        let checkpoint = self.shared.checkpoint.load(Ordering::SeqCst);
        let reusable = self
            .sealed
            .front()
            .is_some_and(|s| s.last_seq.is_none_or(|l| l <= checkpoint) && s.size >= need);
        let (slot, file, size) = if reusable {
            let s = self.sealed.pop_front().expect("a sealed segment");
            (s.slot, s.file, s.size)
        } else {
            let spare = {
                let mut spares = self.shared.spares.lock().expect("spares lock");
                spares
                    .iter()
                    .position(|s| s.2 >= need)
                    .map(|i| spares.swap_remove(i))
            };
            match spare {
                Some(s) => s,
                None => {
                    let n = self.shared.next_slot.fetch_add(1, Ordering::SeqCst);
                    let size = self.shared.segment_size.max(need);
                    (n, segment::create(&self.shared.dir, n, size)?, size)
                }
            }
        };
        let next = Seg::begin(slot, file, size, first_seq)?;
        let old = std::mem::replace(&mut self.current, next);
        self.sealed.push_back(old);
        Ok(())
    }
}

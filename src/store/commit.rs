//! The applier: one thread that writes journaled events into sled and flushes sled.
//!
//! Intake is durable once the journal ([`super::journal`]) synced it; this thread then applies each
//! durable batch to sled (event, inbox entry, dedup key, in that order), off the request path. It
//! flushes sled at most every [`FLUSH_EVERY`] while it has applied something, and whenever
//! [`Store::flush`](super::Store::flush) asks (many callers share one flush), and after each flush it
//! records the checkpoint (the last sequence number sled holds durably) in `meta`, so the journal can
//! reuse the segments below it and a restart replays only what is above it.
//!
//! It also keeps one spare journal segment created, so that the journal writer rarely has to create
//! (zero-fill) a file itself.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::events::{EventRecord, EventStatus};
use super::journal::{Entry, Shared};
use super::keys::{dedup_value, seq_key};
use super::{META_CHECKPOINT, META_NEXT_SEQ, StoreError};

/// How often sled is flushed while events are being applied. Bounds how much of the journal a
/// restart replays and how many segments are in use.
const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Durable batches waiting for the applier before the journal writer waits for it.
pub(super) const APPLY_QUEUE: usize = 256;

/// Upper bounds (seconds) of the `store_flush_seconds` histogram buckets.
pub const FLUSH_BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

/// Time spent in each intake journal write and sync, kept with atomics so the journal never waits on a
/// scrape.
#[derive(Default)]
pub struct FlushStats {
    buckets: [AtomicU64; FLUSH_BUCKETS.len()],
    count: AtomicU64,
    sum_ns: AtomicU64,
}

/// A copy of [`FlushStats`] for rendering: cumulative bucket counts, count, and sum in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct FlushSnapshot {
    pub buckets: Vec<(f64, u64)>,
    pub count: u64,
    pub sum_secs: f64,
}

impl FlushStats {
    pub(super) fn record(&self, d: std::time::Duration) {
        let secs = d.as_secs_f64();
        for (i, b) in FLUSH_BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_ns
            .fetch_add(d.as_nanos().min(u64::MAX as u128) as u64, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> FlushSnapshot {
        FlushSnapshot {
            buckets: FLUSH_BUCKETS
                .iter()
                .zip(&self.buckets)
                .map(|(b, c)| (*b, c.load(Ordering::Relaxed)))
                .collect(),
            count: self.count.load(Ordering::Relaxed),
            sum_secs: self.sum_ns.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

/// Where intake can be made to fail on purpose: the journal's batch write or its sync.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The next journal batch write fails before anything of it is written.
    Write,
    /// The next journal `fdatasync` fails (after the batch was written).
    Flush,
    /// The next journal batch write fails with "no space left on device" (ENOSPC).
    NoSpace,
}

/// Armed faults: how many of the next writes and flushes fail. Unarmed, each costs one relaxed atomic
/// load per batch, nothing next to an fsync, so the seam is compiled into every build (no feature flag
/// whose unification would change the library that tests and release builds share).
#[derive(Default)]
pub(super) struct Faults {
    writes: AtomicU32,
    flushes: AtomicU32,
    no_space: AtomicU32,
}

impl Faults {
    pub(super) fn arm(&self, fault: Fault, times: u32) {
        self.counter(fault).fetch_add(times, Ordering::SeqCst);
    }

    fn counter(&self, fault: Fault) -> &AtomicU32 {
        match fault {
            Fault::Write => &self.writes,
            Fault::Flush => &self.flushes,
            Fault::NoSpace => &self.no_space,
        }
    }

    /// Consumes one armed `fault`, returning the I/O error that stands in for the system's.
    pub(super) fn take_io(&self, fault: Fault) -> std::io::Result<()> {
        let c = self.counter(fault);
        if c.load(Ordering::Relaxed) == 0 {
            return Ok(());
        }
        match c.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)) {
            Ok(_) if fault == Fault::NoSpace => Err(std::io::Error::from_raw_os_error(28)),
            Ok(_) => Err(std::io::Error::other(format!("injected {fault:?} failure"))),
            Err(_) => Ok(()),
        }
    }
}

pub(super) struct Trees {
    pub db: sled::Db,
    pub events: sled::Tree,
    pub inbox: sled::Tree,
    pub dedup: sled::Tree,
    pub meta: sled::Tree,
}

impl Trees {
    /// Writes freshly journaled events: event, inbox entry, dedup key, each a single-key write in
    /// that order (a dedup key is never in sled without its event; see "No sled transactions").
    fn apply(&self, entries: &[Entry]) -> Result<(), sled::Error> {
        for e in entries {
            let k = seq_key(e.seq);
            self.events.insert(k, e.record.as_slice())?;
            self.inbox.insert(k, &[])?;
            self.dedup.insert(e.key, &dedup_value(e.at, e.seq))?;
        }
        Ok(())
    }

    /// Applies records found in the journal at startup, which sled may hold in part already: an
    /// event already present is not rewritten (the dispatcher may have moved it on), its inbox
    /// entry is restored only while it is still pending, and a missing dedup key is added.
    pub fn replay(&self, entries: &[Entry]) -> Result<(), StoreError> {
        for e in entries {
            let k = seq_key(e.seq);
            match self.events.get(k)? {
                None => {
                    self.events.insert(k, e.record.as_slice())?;
                    self.inbox.insert(k, &[])?;
                }
                Some(v) => {
                    let pending = EventRecord::decode(e.seq, &v)
                        .is_ok_and(|r| r.status == EventStatus::Pending);
                    if pending && !self.inbox.contains_key(k)? {
                        self.inbox.insert(k, &[])?;
                    }
                }
            }
            if !self.dedup.contains_key(e.key)? {
                self.dedup.insert(e.key, &dedup_value(e.at, e.seq))?;
            }
        }
        Ok(())
    }

    /// Records `applied` as the checkpoint and the counter above it, then flushes sled: once this
    /// returns, every journal record up to `applied` is durable in sled.
    pub fn checkpoint(&self, applied: u64) -> Result<(), sled::Error> {
        self.meta
            .insert(META_NEXT_SEQ, &(applied + 1).to_be_bytes())?;
        self.meta.insert(META_CHECKPOINT, &applied.to_be_bytes())?;
        self.db.flush()?;
        Ok(())
    }
}

pub(super) enum Cmd {
    /// A durable journal batch to apply.
    Apply(Vec<Entry>),
    /// Look at the flush requests.
    Nudge,
    /// Apply what is queued, flush, answer, and stop.
    Stop(std::sync::mpsc::Sender<Result<(), StoreError>>),
}

type Barriers = Arc<Mutex<Vec<oneshot::Sender<Result<(), StoreError>>>>>;

pub(super) struct Applier {
    tx: SyncSender<Cmd>,
    barriers: Barriers,
    running: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Applier {
    pub fn start(
        trees: Trees,
        rx: Receiver<Cmd>,
        tx: SyncSender<Cmd>,
        journal: Arc<Shared>,
        applied: u64,
    ) -> Applier {
        let barriers: Barriers = Arc::default();
        let running = Arc::new(AtomicBool::new(true));
        let (b, r) = (barriers.clone(), running.clone());
        let thread = std::thread::Builder::new()
            .name("store-apply".into())
            .spawn(move || {
                let mut a = Run {
                    trees,
                    journal,
                    barriers: b,
                    applied,
                    flushed: applied,
                    last_flush: Instant::now(),
                };
                a.run(rx);
                r.store(false, Ordering::SeqCst);
            })
            .expect("spawn store-apply thread");
        Applier {
            tx,
            barriers,
            running,
            thread: Mutex::new(Some(thread)),
        }
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::Relaxed)
    }

    /// Waits until every sled write made before this call is flushed (shared with other callers).
    pub async fn barrier(&self) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.barriers.lock().expect("barriers lock").push(reply);
        match self.tx.try_send(Cmd::Nudge) {
            // Full: the applier is busy and looks at the requests after each round.
            Ok(()) | Err(TrySendError::Full(_)) => {}
            Err(TrySendError::Disconnected(_)) => return Err(StoreError::Closed),
        }
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Applies everything queued, flushes, and stops the thread. Blocking.
    pub fn stop(&self) -> Result<(), StoreError> {
        let (reply, rx) = std::sync::mpsc::channel();
        if self.tx.send(Cmd::Stop(reply)).is_err() {
            return Ok(());
        }
        let res = rx.recv().unwrap_or(Ok(()));
        if let Some(h) = self.thread.lock().expect("applier lock").take() {
            let _ = h.join();
        }
        res
    }
}

struct Run {
    trees: Trees,
    journal: Arc<Shared>,
    barriers: Barriers,
    applied: u64,
    flushed: u64,
    last_flush: Instant,
}

impl Run {
    fn run(&mut self, rx: Receiver<Cmd>) {
        loop {
            let cmd = if self.applied > self.flushed {
                match rx.recv_timeout(FLUSH_EVERY.saturating_sub(self.last_flush.elapsed())) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => {
                        let _ = self.flush();
                        return;
                    }
                }
            } else {
                match rx.recv() {
                    Ok(c) => Some(c),
                    Err(_) => {
                        let _ = self.flush();
                        return;
                    }
                }
            };
            let mut stop = None;
            let mut next = cmd;
            while let Some(c) = next {
                match c {
                    Cmd::Apply(batch) => self.apply(&batch),
                    Cmd::Nudge => {}
                    Cmd::Stop(reply) => stop = Some(reply),
                }
                next = if stop.is_some() {
                    None
                } else {
                    rx.try_recv().ok()
                };
            }
            if let Some(reply) = stop {
                // The writer stopped before this was sent: drain what it handed over.
                while let Ok(c) = rx.try_recv() {
                    if let Cmd::Apply(batch) = c {
                        self.apply(&batch);
                    }
                }
                let _ = reply.send(self.flush());
                return;
            }
            let asked = !self.barriers.lock().expect("barriers lock").is_empty();
            if asked || (self.applied > self.flushed && self.last_flush.elapsed() >= FLUSH_EVERY) {
                let _ = self.flush();
            }
        }
    }

    fn apply(&mut self, batch: &[Entry]) {
        #[cfg(test)]
        while self.journal.hold_apply.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
        if let Err(e) = self.trees.apply(batch) {
            // Acknowledged and in the journal: a restart replays it. Until then, refuse intake.
            let e = StoreError::from(e);
            tracing::error!(error = %e, "applying journaled events to the store failed; refusing further intake until restart");
            self.journal.poison(e);
            return;
        }
        if let Some(last) = batch.last() {
            self.applied = last.seq;
        }
        self.journal.applied(batch);
    }

    /// Flushes sled with the checkpoint, answers the waiting flush requests, and keeps a spare
    /// journal segment ready.
    fn flush(&mut self) -> Result<(), StoreError> {
        let waiting = std::mem::take(&mut *self.barriers.lock().expect("barriers lock"));
        let res = self
            .trees
            .checkpoint(self.applied)
            .map_err(StoreError::from);
        self.last_flush = Instant::now();
        match &res {
            Ok(()) => {
                self.flushed = self.applied;
                self.journal
                    .checkpoint
                    .store(self.applied, Ordering::SeqCst);
            }
            Err(e) => {
                tracing::error!(error = %e, "store flush failed; refusing further intake until restart");
                self.journal.poison(e.clone());
            }
        }
        for w in waiting {
            let _ = w.send(res.clone());
        }
        self.top_up_spares();
        res
    }

    fn top_up_spares(&self) {
        let j = &self.journal;
        if !j.spares.lock().expect("spares lock").is_empty() {
            return;
        }
        let n = j.next_slot.fetch_add(1, Ordering::SeqCst);
        match super::journal::segment::create(&j.dir, n, j.segment_size) {
            Ok(f) => j
                .spares
                .lock()
                .expect("spares lock")
                .push((n, f, j.segment_size)),
            // Not fatal: the writer creates one itself when it needs it, and reports a failure.
            Err(e) => tracing::warn!(error = %e, "cannot create a spare intake journal segment"),
        }
    }
}

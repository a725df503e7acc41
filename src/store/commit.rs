//! Group commit: one thread owns intake writes and fsync.
//!
//! Per-request `flush_async().await` collapses to about 1 req/s under load (reference/limits.md), and
//! many concurrent inserts each waiting for a flush leave half the throughput on the table. Instead,
//! requests queue their appends here; the thread drains the queue, checks dedup for the whole batch
//! (no races: it is the only writer of `dedup`), writes the batch, fsyncs once,
//! and only then answers every waiter. While it flushes, the next batch queues up.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::events::AppendOutcome;
use super::keys::{decode_dedup_value, dedup_value, seq_key};
use super::{META_NEXT_SEQ, StoreError};

/// Upper bound on one batch, to keep latency bounded under a flood.
const MAX_BATCH: usize = 2048;
const QUEUE: usize = 16 * 1024;

/// Upper bounds (seconds) of the `store_flush_seconds` histogram buckets.
pub const FLUSH_BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

/// Time spent in each group-commit fsync, kept with atomics so the commit thread never waits on a
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

/// Where the commit thread can be made to fail on purpose: its batch write or its fsync.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The writes of the next batch that has any fail before the first key is written.
    Write,
    /// The next group-commit fsync fails (after the batch's keys were written).
    Flush,
}

/// Armed faults: how many of the next writes and flushes fail. Unarmed, each costs one relaxed atomic
/// load per batch, nothing next to an fsync, so the seam is compiled into every build (no feature flag
/// whose unification would change the library that tests and release builds share).
#[derive(Default)]
pub(super) struct Faults {
    writes: AtomicU32,
    flushes: AtomicU32,
}

impl Faults {
    pub(super) fn arm(&self, fault: Fault, times: u32) {
        let c = match fault {
            Fault::Write => &self.writes,
            Fault::Flush => &self.flushes,
        };
        c.fetch_add(times, Ordering::SeqCst);
    }

    /// Consumes one armed `fault`, returning the error that stands in for sled's.
    fn take(&self, fault: Fault) -> Result<(), sled::Error> {
        let c = match fault {
            Fault::Write => &self.writes,
            Fault::Flush => &self.flushes,
        };
        if c.load(Ordering::Relaxed) == 0 {
            return Ok(());
        }
        match c.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)) {
            Ok(_) => Err(sled::Error::Io(std::io::Error::other(format!(
                "injected {fault:?} failure"
            )))),
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
    pub stats: Arc<FlushStats>,
    pub faults: Arc<Faults>,
}

enum Cmd {
    Append {
        key: [u8; 16],
        /// The encoded record, built by the caller so the commit thread only writes.
        record: Vec<u8>,
        received_at_ms: i64,
        reply: oneshot::Sender<Result<AppendOutcome, StoreError>>,
    },
    Barrier(oneshot::Sender<Result<(), StoreError>>),
    Shutdown(oneshot::Sender<Result<(), StoreError>>),
}

pub(super) struct Committer {
    tx: mpsc::Sender<Cmd>,
    running: Arc<AtomicBool>,
    thread: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Committer {
    pub fn start(trees: Trees, next_seq: u64, poisoned: Arc<AtomicBool>) -> Committer {
        let (tx, rx) = mpsc::channel(QUEUE);
        let running = Arc::new(AtomicBool::new(true));
        let r = running.clone();
        let thread = std::thread::Builder::new()
            .name("store-commit".into())
            .spawn(move || {
                run(trees, rx, next_seq, &poisoned);
                r.store(false, Ordering::SeqCst);
            })
            .expect("spawn store-commit thread");
        Committer {
            tx,
            running,
            thread: std::sync::Mutex::new(Some(thread)),
        }
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::Relaxed)
    }

    pub async fn append(
        &self,
        key: [u8; 16],
        record: Vec<u8>,
        received_at_ms: i64,
    ) -> Result<AppendOutcome, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Append {
                key,
                record,
                received_at_ms,
                reply,
            })
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    pub async fn barrier(&self) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Barrier(reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    pub async fn shutdown(&self) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Cmd::Shutdown(reply)).await.is_err() {
            return Ok(()); // already stopped
        }
        let res = rx.await.map_err(|_| StoreError::Closed)?;
        let handle = self.thread.lock().expect("commit thread lock").take();
        if let Some(h) = handle {
            let _ = tokio::task::spawn_blocking(move || h.join()).await;
        }
        res
    }
}

fn run(t: Trees, mut rx: mpsc::Receiver<Cmd>, mut next_seq: u64, poisoned: &AtomicBool) {
    let mut batch: Vec<Cmd> = Vec::with_capacity(64);
    loop {
        let Some(first) = rx.blocking_recv() else {
            let _ = t.db.flush();
            return;
        };
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(c) => batch.push(c),
                Err(_) => break,
            }
        }
        let stop = commit_batch(&t, &mut batch, &mut next_seq, poisoned);
        if stop {
            return;
        }
    }
}

/// Applies one batch and answers its waiters. Returns true when a shutdown was requested.
fn commit_batch(
    t: &Trees,
    batch: &mut Vec<Cmd>,
    next_seq: &mut u64,
    poisoned: &AtomicBool,
) -> bool {
    let start_seq = *next_seq;
    // Decide each append: duplicate of something stored, of something earlier in this batch, or new.
    let mut in_batch: HashMap<[u8; 16], u64> = HashMap::new();
    let mut outcomes: Vec<Option<Result<AppendOutcome, StoreError>>> =
        Vec::with_capacity(batch.len());
    let mut writes: Vec<(u64, [u8; 16], &[u8], i64)> = Vec::new();
    let failed = poisoned.load(Ordering::SeqCst);
    for cmd in batch.iter() {
        let Cmd::Append {
            key,
            record,
            received_at_ms,
            ..
        } = cmd
        else {
            outcomes.push(None);
            continue;
        };
        if failed {
            outcomes.push(Some(Err(StoreError::Poisoned)));
            continue;
        }
        if let Some(seq) = in_batch.get(key) {
            outcomes.push(Some(Ok(AppendOutcome::Duplicate { seq: *seq })));
            continue;
        }
        match t.dedup.get(key) {
            Ok(Some(v)) => {
                let seq = decode_dedup_value(&v).map(|(_, s)| s).unwrap_or(0);
                outcomes.push(Some(Ok(AppendOutcome::Duplicate { seq })));
            }
            Ok(None) => {
                let seq = *next_seq;
                *next_seq += 1;
                in_batch.insert(*key, seq);
                writes.push((seq, *key, record.as_slice(), *received_at_ms));
                outcomes.push(Some(Ok(AppendOutcome::Accepted { seq })));
            }
            Err(e) => outcomes.push(Some(Err(e.into()))),
        }
    }

    // Single-key writes in a fixed order (event, inbox entry, dedup key), then the counter, then one
    // fsync. sled recovers a prefix of its log, so a dedup key is never on disk without its event.
    // No sled transaction or batch: in sled 0.34 those take a process-wide write lock that deadlocks
    // against a concurrent `flush`.
    let mut result: Result<(), StoreError> = Ok(());
    if !failed && !writes.is_empty() {
        let apply = || -> Result<(), sled::Error> {
            t.faults.take(Fault::Write)?;
            for (seq, key, value, at) in &writes {
                let k = seq_key(*seq);
                t.events.insert(k, *value)?;
                t.inbox.insert(k, &[])?;
                t.dedup.insert(key, &dedup_value(*at, *seq))?;
            }
            t.meta.insert(META_NEXT_SEQ, &next_seq.to_be_bytes())?;
            Ok(())
        };
        result = apply().map_err(StoreError::from);
    }
    let needs_flush = batch.iter().any(|c| !matches!(c, Cmd::Append { .. })) || !writes.is_empty();
    if result.is_ok() && needs_flush && !failed {
        let started = std::time::Instant::now();
        result = t
            .faults
            .take(Fault::Flush)
            .and_then(|()| t.db.flush().map(|_| ()))
            .map_err(StoreError::from);
        t.stats.record(started.elapsed());
    }
    if let Err(e) = &result {
        tracing::error!(error = %e, "store write failed; refusing further intake until restart");
        poisoned.store(true, Ordering::SeqCst);
    }

    let mut stop = false;
    for (cmd, outcome) in batch.drain(..).zip(outcomes) {
        match cmd {
            Cmd::Append { reply, .. } => {
                let o = outcome.expect("append has an outcome");
                let o = match (&result, o) {
                    (Err(e), Ok(AppendOutcome::Accepted { .. })) => Err(e.clone()),
                    // A duplicate of an append in this same failed batch was not persisted either.
                    (Err(e), Ok(AppendOutcome::Duplicate { seq })) if seq >= start_seq => {
                        Err(e.clone())
                    }
                    (_, o) => o,
                };
                let _ = reply.send(o);
            }
            Cmd::Barrier(reply) => {
                let _ = reply.send(if failed {
                    Err(StoreError::Poisoned)
                } else {
                    result.clone()
                });
            }
            Cmd::Shutdown(reply) => {
                let _ = reply.send(result.clone());
                stop = true;
            }
        }
    }
    stop
}

//! Group commit of intake: one task takes every queued append into one transaction, and up to
//! [`COMMITTERS`] such transactions are in flight at once.
//!
//! Why several: a batch waits for its commit's WAL flush (about 4 ms here under load), and with one
//! batch at a time intake could never pass (batch size / commit time). PostgreSQL merges the WAL
//! flushes of concurrent commits itself. Each batch inserts its dedup keys in key order, so two
//! batches that share keys (a Zoom retry racing its original) wait on each other instead of
//! deadlocking.

use std::collections::HashMap;

use super::*;

/// Upper bound on one group-commit batch, to keep a transaction's latency bounded under a flood.
pub(super) const MAX_BATCH: usize = 1024;
pub(super) const QUEUE: usize = 16 * 1024;
/// Group-commit transactions in flight at once (each holds one pooled connection).
pub(super) const COMMITTERS: usize = 3;

/// One statement for the whole batch: the batch's distinct keys and events arrive as arrays, get
/// fresh sequence numbers in arrival order, and their dedup keys are inserted in key order (so two
/// concurrent batches take their row locks in one order and cannot deadlock); an event is written
/// only under a key that was new. Returns the keys that were new, with their numbers.
///
/// One statement rather than one per event because the server's per-statement work (bind, plan,
/// execute, the row's own round of trigger-free inserts) was most of intake's cost on PostgreSQL.
pub(super) const APPEND_SQL: &str = "\
WITH i AS (
    SELECT * FROM unnest($1::bytea[], $2::int8[], $3::text[], $4::text[], $5::bytea[])
        WITH ORDINALITY AS t(key, at, app, account, record, ord)
), s AS (
    SELECT key, at, app, account, record, nextval('event_seq') AS seq
    FROM (SELECT * FROM i ORDER BY ord) o
), d AS (
    INSERT INTO dedup (key, seq, received_at_ms)
    SELECT key, seq, at FROM s ORDER BY key
    ON CONFLICT (key) DO NOTHING
    RETURNING key, seq
), e AS (
    INSERT INTO events (seq, received_at_ms, app_id, account_id, pending, record)
    SELECT s.seq, s.at, s.app, s.account, true, s.record FROM d JOIN s ON s.seq = d.seq
)
SELECT key, seq FROM d";

/// The numbers of keys that were not new: committed before, possibly by another replica after the
/// append's snapshot was taken (a fresh statement sees them).
const KNOWN_SQL: &str = "SELECT key, seq FROM dedup WHERE key = ANY($1::bytea[])";

/// Wakes the dispatchers of every replica (see `cluster.rs`).
const WAKE_INBOX: &str = "NOTIFY zoom_relay_wake, 'inbox'";

/// The group-commit task: takes everything queued, writes it in one transaction, wakes the waiters.
/// Ends when every handle to the store is gone.
pub(super) async fn run_commits(shared: Arc<Shared>, mut rx: mpsc::Receiver<Cmd>) {
    let mut inflight = tokio::task::JoinSet::new();
    while let Some(first) = rx.recv().await {
        let mut cmds = vec![first];
        while cmds.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(cmd) => cmds.push(cmd),
                Err(_) => break,
            }
        }
        let mut appends = Vec::new();
        let mut barriers = Vec::new();
        for cmd in cmds {
            match cmd {
                Cmd::Append(r) => appends.push(r),
                Cmd::Barrier(b) => barriers.push(b),
            }
        }
        if !appends.is_empty() {
            while inflight.len() >= COMMITTERS {
                inflight.join_next().await;
            }
            let shared = shared.clone();
            inflight.spawn(async move { commit_or_split(&shared, appends).await });
        }
        if !barriers.is_empty() {
            // A barrier passes once every append queued before it has committed (or failed).
            while inflight.join_next().await.is_some() {}
            for b in barriers {
                let _ = b.send(());
            }
        }
    }
    while inflight.join_next().await.is_some() {}
}

/// Writes a batch and answers its waiters. When the server refused a statement (rather than the
/// connection failing), the batch rolled back as a whole, so each append is tried again on its own:
/// one bad request must not fail the others that happened to share its transaction.
pub(super) async fn commit_or_split(shared: &Shared, appends: Vec<AppendReq>) {
    let started = Instant::now();
    match write_batch(shared, &appends).await {
        Ok(outcomes) => {
            shared.stats.record(started.elapsed());
            shared.healthy.store(true, Ordering::Relaxed);
            for (r, o) in appends.into_iter().zip(outcomes) {
                let _ = r.reply.send(Ok(o));
            }
        }
        Err((e, true)) if appends.len() > 1 => {
            tracing::warn!(error = %e, batch = appends.len(), "batch refused, appending one by one");
            for r in appends {
                Box::pin(commit_or_split(shared, vec![r])).await;
            }
        }
        Err((e, _)) => {
            // Rolled back: nothing of it is stored, and every waiter hears so.
            tracing::error!(error = %e, batch = appends.len(), "event append failed");
            for r in appends {
                let _ = r.reply.send(Err(e.clone()));
            }
        }
    }
}

/// One transaction for the whole batch. On failure, whether the server refused a statement (true)
/// or the connection failed (false).
pub(super) async fn write_batch(
    shared: &Shared,
    reqs: &[AppendReq],
) -> Result<Vec<AppendOutcome>, (StoreError, bool)> {
    let fail = |e: tokio_postgres::Error| {
        let refused = e.as_db_error().is_some();
        (shared.err(e), refused)
    };
    // A key twice in one batch (a Zoom retry racing its original) is appended once; the later
    // copies are its duplicates.
    let mut first: HashMap<[u8; 16], usize> = HashMap::with_capacity(reqs.len());
    let distinct: Vec<&AppendReq> = reqs
        .iter()
        .enumerate()
        .filter(|(i, r)| *first.entry(r.key).or_insert(*i) == *i)
        .map(|(_, r)| r)
        .collect();
    let keys: Vec<&[u8]> = distinct.iter().map(|r| r.key.as_slice()).collect();
    let ats: Vec<i64> = distinct.iter().map(|r| r.received_at_ms).collect();
    let apps: Vec<&str> = distinct.iter().map(|r| r.app_id.as_str()).collect();
    let accounts: Vec<Option<&str>> = distinct.iter().map(|r| r.account_id.as_deref()).collect();
    let records: Vec<&[u8]> = distinct.iter().map(|r| r.record.as_slice()).collect();

    let injected = |fault| {
        shared.faults.take_io(fault).map_err(|e| {
            shared.healthy.store(false, Ordering::Relaxed);
            (StoreError::Io(format!("{e}")), false)
        })
    };
    injected(Fault::Write)?;
    injected(Fault::NoSpace)?;
    let mut c = shared.client().await.map_err(|e| (e, false))?;
    let st = c.prepare_cached(APPEND_SQL).await.map_err(fail)?;
    let tx = c.transaction().await.map_err(fail)?;
    // Issued together, so the driver pipelines them. The notification wakes the dispatchers of
    // every replica once the batch commits (a batch of duplicates only wakes them for nothing).
    let wake = tx.batch_execute(WAKE_INBOX);
    let params: [&(dyn ToSql + Sync); 5] = [&keys, &ats, &apps, &accounts, &records];
    let append = tx.query(&st, &params);
    let (rows, ()) = futures_util::future::try_join(append, wake)
        .await
        .map_err(fail)?;
    let mut new: HashMap<[u8; 16], u64> = HashMap::with_capacity(rows.len());
    for row in rows {
        new.insert(key16(row.get(0)), row.get::<_, i64>(1) as u64);
    }
    let mut known: HashMap<[u8; 16], u64> = HashMap::new();
    if new.len() < distinct.len() {
        let missing: Vec<&[u8]> = keys
            .iter()
            .copied()
            .filter(|k| !new.contains_key(&key16(k)))
            .collect();
        for row in tx.query(KNOWN_SQL, &[&missing]).await.map_err(fail)? {
            known.insert(key16(row.get(0)), row.get::<_, i64>(1) as u64);
        }
    }
    let mut out = Vec::with_capacity(reqs.len());
    for (i, r) in reqs.iter().enumerate() {
        let outcome = match (new.get(&r.key), known.get(&r.key)) {
            (Some(&seq), _) if first[&r.key] == i => AppendOutcome::Accepted { seq },
            (Some(&seq), _) | (None, Some(&seq)) => AppendOutcome::Duplicate { seq },
            (None, None) => {
                return Err((
                    StoreError::Io("dedup key vanished during append".into()),
                    false,
                ));
            }
        };
        out.push(outcome);
    }
    // An injected commit failure drops the transaction, which rolls it back.
    injected(Fault::Flush)?;
    tx.commit().await.map_err(fail)?;
    Ok(out)
}

/// A dedup key as the database returns it (always 16 bytes: it is written only from `[u8; 16]`).
fn key16(b: &[u8]) -> [u8; 16] {
    let mut k = [0u8; 16];
    let n = b.len().min(16);
    k[..n].copy_from_slice(&b[..n]);
    k
}

//! Group commit of intake: one task takes every queued append into one transaction, and up to
//! [`COMMITTERS`] such transactions are in flight at once.
//!
//! Why several: a batch waits for its commit's WAL flush (about 4 ms here under load), and with one
//! batch at a time intake could never pass (batch size / commit time). PostgreSQL merges the WAL
//! flushes of concurrent commits itself. Each batch inserts its dedup keys in key order, so two
//! batches that share keys (a Zoom retry racing its original) wait on each other instead of
//! deadlocking.

use super::*;

/// Upper bound on one group-commit batch, to keep a transaction's latency bounded under a flood.
pub(super) const MAX_BATCH: usize = 1024;
pub(super) const QUEUE: usize = 16 * 1024;
/// Group-commit transactions in flight at once (each holds one pooled connection).
pub(super) const COMMITTERS: usize = 3;

/// One statement per append: insert the dedup key with a fresh sequence number, and the event under
/// that number only if the key was new; else return the number the key already has. Duplicates in
/// one batch see the earlier insert (same transaction, statements run in order).
pub(super) const APPEND_SQL: &str = "\
WITH d AS (
    INSERT INTO dedup (key, seq, received_at_ms)
    VALUES ($1::bytea, nextval('event_seq'), $2::bigint)
    ON CONFLICT (key) DO NOTHING
    RETURNING seq
), e AS (
    INSERT INTO events (seq, received_at_ms, app_id, account_id, pending, record)
    SELECT seq, $2::bigint, $3::text, $4::text, true, $5::bytea FROM d
    RETURNING seq
)
SELECT seq, true FROM e
UNION ALL
SELECT seq, false FROM dedup WHERE key = $1::bytea AND NOT EXISTS (SELECT 1 FROM d)";

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
    let mut c = shared.client().await.map_err(|e| (e, false))?;
    let st = c.prepare_cached(APPEND_SQL).await.map_err(fail)?;
    let tx = c.transaction().await.map_err(fail)?;
    // Issued together, so the driver pipelines them: one round trip for the whole batch. The
    // notification wakes the dispatchers of every replica once the batch commits (a batch of
    // duplicates only wakes them for nothing).
    let wake = tx.batch_execute(WAKE_INBOX);
    // Statements in key order (stable, so a duplicate within the batch still follows its
    // original): concurrent batches then take their row locks in one order and cannot deadlock.
    let mut order: Vec<usize> = (0..reqs.len()).collect();
    order.sort_by_key(|&i| reqs[i].key);
    let appends = futures_util::future::try_join_all(order.iter().map(|&i| {
        let (tx, st, r) = (&tx, &st, &reqs[i]);
        async move {
            let key: &[u8] = &r.key;
            tx.query_opt(
                st,
                &[&key, &r.received_at_ms, &r.app_id, &r.account_id, &r.record],
            )
            .await
        }
    }));
    let (sorted_rows, ()) = futures_util::future::try_join(appends, wake)
        .await
        .map_err(fail)?;
    let mut rows: Vec<Option<Row>> = (0..reqs.len()).map(|_| None).collect();
    for (&i, row) in order.iter().zip(sorted_rows) {
        rows[i] = row;
    }
    let mut out = Vec::with_capacity(reqs.len());
    for (r, row) in reqs.iter().zip(rows) {
        let outcome = match row {
            Some(row) => {
                let seq = row.get::<_, i64>(0) as u64;
                if row.get::<_, bool>(1) {
                    AppendOutcome::Accepted { seq }
                } else {
                    AppendOutcome::Duplicate { seq }
                }
            }
            None => {
                // The key was committed by another replica after this statement's snapshot was
                // taken; a fresh statement sees it.
                let row = tx
                    .query_opt("SELECT seq FROM dedup WHERE key = $1", &[&r.key.as_slice()])
                    .await
                    .map_err(fail)?
                    .ok_or_else(|| {
                        (
                            StoreError::Io("dedup key vanished during append".into()),
                            false,
                        )
                    })?;
                AppendOutcome::Duplicate {
                    seq: row.get::<_, i64>(0) as u64,
                }
            }
        };
        out.push(outcome);
    }
    tx.commit().await.map_err(fail)?;
    Ok(out)
}

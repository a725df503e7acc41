//! The inbox and the outbox on PostgreSQL.
//!
//! A job row carries its record (the same JSON as in sled) plus the columns claims need: channel,
//! destination key, due time and lease. The due time and lease columns are authoritative; the
//! record's copies are overwritten from them on every read, so a claim is one `UPDATE`.
//!
//! Claims: `FOR UPDATE SKIP LOCKED` picks the oldest due job of the channel that is the oldest job
//! of its destination (FIFO per destination: a job waits while an older one for the same target is
//! pending, leased or scheduled for a retry), and moves its due time forward by the lease. A worker
//! that dies loses the job when the lease runs out, and any replica can claim it again.

use async_trait::async_trait;
use tokio_postgres::Row;

use super::cluster::notify;
use super::{PgStore, Statements, Tx, dec, dec_row, enc, event_from_row};
use crate::routing::Channel;
use crate::store::TenantId;
use crate::store::outbox::new_job;
use crate::store::seam::{Deferred, InboxClaim, Queue, Wake};
use crate::store::{
    Attempt, Claim, DeadJob, Dispatched, EventRecord, Finish, Job, NewJob, SentJob, StoreError,
};

const JOB_COLS: &str = "id, record, due_at_ms, claimed_until_ms";

/// A job is due, or leased by a connection that has ended (its replica died: its leases end with
/// it rather than after `lease_ms`; see `claim_inbox`).
const CLAIM_SQL: &str = "\
UPDATE jobs SET due_at_ms = $2, claimed_until_ms = $2, claimed_by = pg_backend_pid()
WHERE id = (
    SELECT j.id FROM jobs j
    WHERE j.channel = $1
      AND (j.due_at_ms <= $3
           OR (j.claimed_until_ms IS NOT NULL
               AND j.claimed_by NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)))
      AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.dest = j.dest AND o.id < j.id)
    ORDER BY j.due_at_ms, j.id
    LIMIT 1
    FOR UPDATE OF j SKIP LOCKED)
RETURNING id, record, due_at_ms, claimed_until_ms";

const INSERT_JOB_SQL: &str = "\
INSERT INTO jobs (id, channel, dest, due_at_ms, claimed_until_ms, app_id, account_id, record)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

fn job_from_row(row: &Row) -> Result<Job, StoreError> {
    let mut job: Job = dec(row.get::<_, &[u8]>(1))?;
    job.id = row.get::<_, i64>(0) as u64;
    job.due_at_ms = row.get(2);
    job.claimed_until_ms = row.get(3);
    Ok(job)
}

async fn insert_job(tx: &Tx<'_>, j: &Job) -> Result<(), StoreError> {
    tx.run(
        INSERT_JOB_SQL,
        &[
            &(j.id as i64),
            &(j.target.channel().tag() as i16),
            &j.target.key(),
            &j.due_at_ms,
            &j.claimed_until_ms,
            &j.app_id,
            &j.account_id,
            &enc(j),
        ],
    )
    .await
}

/// Reserves `key` for a new job and returns its id, or None when the key was seen before (the job
/// exists, was sent, or is dead): a repeated dispatch creates nothing.
async fn reserve_id(tx: &Tx<'_>, key: &str, event_seq: u64) -> Result<Option<u64>, StoreError> {
    Ok(tx
        .query_opt(
            "INSERT INTO idem (key, job_id, event_seq) VALUES ($1, nextval('job_id'), $2)
             ON CONFLICT (key) DO NOTHING RETURNING job_id",
            &[&key, &(event_seq as i64)],
        )
        .await?
        .map(|r| r.get::<_, i64>(0) as u64))
}

/// Creates the jobs whose keys are new, and wakes the workers of their channels on every replica
/// once the transaction commits.
async fn create_jobs(tx: &Tx<'_>, event_seq: u64, jobs: Vec<NewJob>) -> Result<u32, StoreError> {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let mut created = 0;
    let mut wakes = Vec::new();
    for job in jobs {
        let Some(id) = reserve_id(tx, &job.idempotency_key, event_seq).await? else {
            continue;
        };
        wakes.push(Wake::Channel(job.target.channel()));
        insert_job(tx, &new_job(id, event_seq, job, now_ms)).await?;
        created += 1;
    }
    notify(tx, wakes).await?;
    Ok(created)
}

async fn insert_dead(tx: &Tx<'_>, d: &DeadJob) -> Result<(), StoreError> {
    tx.run(
        "INSERT INTO dead_jobs (id, app_id, account_id, record) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record",
        &[
            &(d.job.id as i64),
            &d.job.app_id,
            &d.job.account_id,
            &enc(d),
        ],
    )
    .await
}

#[async_trait]
impl Queue for PgStore {
    /// One short transaction: lock the first `scan` unclaimed pending events (their tenant
    /// columns only), choose, claim the chosen ones and return their records. It commits without
    /// waiting for the WAL flush: a claim lost in a server crash only lets another dispatcher take
    /// the event, which idempotency keys make harmless.
    ///
    /// A claim names the server process of the connection that made it, and ends with it: a
    /// replica that is killed closes its connections, the server ends their processes, and its
    /// events are free at once instead of after the lease (a restarted relay would otherwise wait
    /// out its own predecessor's claims). The lease still bounds a claim whose holder is cut off
    /// without its connections ending.
    async fn claim_inbox(
        &self,
        deferred: &Deferred,
        claim: InboxClaim,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let InboxClaim {
            scan,
            max,
            now_ms,
            lease_ms,
        } = claim;
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        tx.execute("SET LOCAL synchronous_commit = off", &[])
            .await?;
        let rows = tx
            .query(
                "SELECT seq, app_id, account_id FROM events
                 WHERE pending AND (claimed_until_ms IS NULL OR claimed_until_ms <= $1
                     OR claimed_by NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL))
                 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED",
                &[&now_ms, &(scan as i64)],
            )
            .await?;
        let mut chosen: Vec<i64> = rows
            .iter()
            .filter(|r| !deferred(r.get(1), r.get(2)))
            .map(|r| r.get(0))
            .take(max)
            .collect();
        if chosen.is_empty() {
            chosen.extend(rows.first().map(|r| r.get::<_, i64>(0)));
        }
        if chosen.is_empty() {
            return Ok(Vec::new());
        }
        let rows = tx
            .query(
                "UPDATE events SET claimed_until_ms = $2, claimed_by = pg_backend_pid()
                 WHERE seq = ANY($1) RETURNING seq, record",
                &[&chosen, &now_ms.saturating_add(lease_ms)],
            )
            .await?;
        tx.commit().await?;
        let mut recs = rows
            .iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        recs.sort_by_key(|r| r.seq);
        Ok(recs)
    }

    async fn release_inbox(&self, seqs: &[u64]) -> Result<(), StoreError> {
        if seqs.is_empty() {
            return Ok(());
        }
        let seqs: Vec<i64> = seqs.iter().map(|&s| s as i64).collect();
        self.run(
            "UPDATE events SET claimed_until_ms = NULL WHERE seq = ANY($1) AND pending",
            &[&seqs],
        )
        .await
    }

    async fn next_inbox_event(&self) -> Result<Option<EventRecord>, StoreError> {
        self.query_opt(
            "SELECT seq, record FROM events WHERE pending ORDER BY seq LIMIT 1",
            &[],
        )
        .await?
        .map(|r| event_from_row(&r))
        .transpose()
    }

    /// One transaction for the whole batch: for each event its dead letters, its jobs, and the
    /// event leaving the inbox with its status (which ends its claim).
    async fn commit_dispatches(&self, batch: Vec<Dispatched>) -> Result<Vec<u32>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut created = Vec::with_capacity(batch.len());
        // Events that created nothing (most: no route, no install) leave the inbox in one
        // statement at the end; the others one by one, after their jobs.
        let (mut bare_seqs, mut bare_records) = (Vec::new(), Vec::new());
        for Dispatched {
            record,
            status,
            jobs,
            dead,
        } in batch
        {
            let mut updated = record;
            updated.status = status;
            if jobs.is_empty() && dead.is_empty() {
                bare_seqs.push(updated.seq as i64);
                bare_records.push(updated.encode());
                created.push(0);
                continue;
            }
            for (job, reason) in dead {
                let Some(id) = reserve_id(&tx, &job.idempotency_key, updated.seq).await? else {
                    continue;
                };
                let d = DeadJob {
                    job: new_job(id, updated.seq, job, now_ms),
                    reason,
                    dead_at_ms: now_ms,
                };
                insert_dead(&tx, &d).await?;
            }
            created.push(create_jobs(&tx, updated.seq, jobs).await?);
            tx.execute(
                "UPDATE events SET pending = false, claimed_until_ms = NULL, record = $2
                 WHERE seq = $1",
                &[&(updated.seq as i64), &updated.encode()],
            )
            .await?;
        }
        if !bare_seqs.is_empty() {
            tx.execute(
                "UPDATE events SET pending = false, claimed_until_ms = NULL, record = u.record
                 FROM unnest($1::int8[], $2::bytea[]) AS u(seq, record)
                 WHERE events.seq = u.seq",
                &[&bare_seqs, &bare_records],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(created)
    }

    async fn enqueue_jobs(&self, jobs: Vec<NewJob>) -> Result<u32, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let created = create_jobs(&tx, 0, jobs).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn inbox_has_other_tenant(
        &self,
        tenant: &TenantId,
        scan: usize,
    ) -> Result<bool, StoreError> {
        let row = self
            .query_opt(
                "SELECT EXISTS (
                     SELECT 1 FROM (
                         SELECT app_id, account_id FROM events WHERE pending ORDER BY seq LIMIT $3
                     ) s
                     WHERE s.app_id <> $1 OR s.account_id IS DISTINCT FROM $2)",
                &[&tenant.app_id, &tenant.account_id, &(scan as i64)],
            )
            .await?;
        Ok(row.is_some_and(|r| r.get::<_, bool>(0)))
    }

    async fn outbox_len(&self, channel: Option<Channel>) -> usize {
        match channel {
            None => self.count("SELECT count(*) FROM jobs", &[]).await,
            Some(c) => {
                self.count(
                    "SELECT count(*) FROM jobs WHERE channel = $1",
                    &[&(c.tag() as i16)],
                )
                .await
            }
        }
    }

    async fn get_job(&self, id: u64) -> Result<Option<Job>, StoreError> {
        self.query_opt(
            &format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1"),
            &[&(id as i64)],
        )
        .await?
        .map(|r| job_from_row(&r))
        .transpose()
    }

    async fn list_jobs(&self) -> Result<Vec<Job>, StoreError> {
        self.query(&format!("SELECT {JOB_COLS} FROM jobs ORDER BY id"), &[])
            .await?
            .iter()
            .map(job_from_row)
            .collect()
    }

    async fn claim_due(
        &self,
        channel: Channel,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError> {
        let tag = channel.tag() as i16;
        let until = now_ms + lease_ms;
        if let Some(row) = self.query_opt(CLAIM_SQL, &[&tag, &until, &now_ms]).await? {
            return Ok(Claim::Job(Box::new(job_from_row(&row)?)));
        }
        let next: Option<i64> = self
            .query_opt(
                "SELECT min(due_at_ms) FROM jobs WHERE channel = $1 AND due_at_ms > $2",
                &[&tag, &now_ms],
            )
            .await?
            .and_then(|r| r.get(0));
        Ok(match next {
            Some(at) => Claim::NotBefore(at),
            None => Claim::Empty,
        })
    }

    async fn finish_job(
        &self,
        job: &Job,
        attempt: &Attempt,
        next: Finish,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let id = job.id as i64;
        // A tenant purge removed the job while it was being sent: write nothing back for it.
        if tx
            .query_opt("SELECT 1 FROM jobs WHERE id = $1 FOR UPDATE", &[&id])
            .await?
            .is_none()
        {
            return tx.commit().await;
        }
        tx.execute(
            "INSERT INTO attempts (job_id, attempt, record) VALUES ($1, $2, $3)
             ON CONFLICT (job_id, attempt) DO UPDATE SET record = EXCLUDED.record",
            &[&id, &(attempt.attempt as i32), &enc(attempt)],
        )
        .await?;
        let mut j = job.clone();
        j.attempts = attempt.attempt;
        j.claimed_until_ms = None;
        match next {
            Finish::Done => {
                let sent = SentJob {
                    job: j,
                    sent_at_ms: attempt.at_ms,
                };
                tx.execute(
                    "INSERT INTO sent_jobs (id, app_id, account_id, sent_at_ms, record)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (id) DO UPDATE SET sent_at_ms = EXCLUDED.sent_at_ms,
                                                    record = EXCLUDED.record",
                    &[
                        &id,
                        &job.app_id,
                        &job.account_id,
                        &attempt.at_ms,
                        &enc(&sent),
                    ],
                )
                .await?;
                tx.execute("DELETE FROM jobs WHERE id = $1", &[&id]).await?;
            }
            Finish::RetryAt(at) => {
                j.due_at_ms = at;
                tx.execute(
                    "UPDATE jobs SET due_at_ms = $2, claimed_until_ms = NULL, record = $3
                     WHERE id = $1",
                    &[&id, &at, &enc(&j)],
                )
                .await?;
            }
            Finish::Dead(reason) => {
                let d = DeadJob {
                    job: j,
                    reason,
                    dead_at_ms: attempt.at_ms,
                };
                insert_dead(&tx, &d).await?;
                tx.execute("DELETE FROM jobs WHERE id = $1", &[&id]).await?;
            }
        }
        tx.commit().await
    }

    async fn defer_job(&self, job: &Job, at_ms: i64) -> Result<(), StoreError> {
        self.run(
            "UPDATE jobs SET due_at_ms = $2, claimed_until_ms = NULL WHERE id = $1",
            &[&(job.id as i64), &at_ms],
        )
        .await
    }

    /// Voids every claim, as the trait says. With several replicas this also voids the claims of
    /// live ones (their jobs may be sent twice); leases already expire on their own, so the cluster
    /// setup should not call this at start.
    async fn release_claims(&self, now_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .execute(
                "UPDATE jobs SET claimed_until_ms = NULL, due_at_ms = $1
                 WHERE claimed_until_ms IS NOT NULL",
                &[&now_ms],
            )
            .await? as usize)
    }

    async fn attempts_of(&self, job_id: u64) -> Result<Vec<Attempt>, StoreError> {
        self.records(
            "SELECT record FROM attempts WHERE job_id = $1 ORDER BY attempt",
            &[&(job_id as i64)],
        )
        .await
    }

    async fn retry_dead(&self, id: u64, now_ms: i64) -> Result<bool, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let Some(row) = tx
            .query_opt(
                "DELETE FROM dead_jobs WHERE id = $1 RETURNING record",
                &[&(id as i64)],
            )
            .await?
        else {
            tx.commit().await?;
            return Ok(false);
        };
        let dead: DeadJob = dec_row(&row)?;
        let mut j = dead.job;
        j.due_at_ms = now_ms;
        j.claimed_until_ms = None;
        insert_job(&tx, &j).await?;
        notify(&tx, [Wake::Channel(j.target.channel())]).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn list_sent(&self) -> Result<Vec<SentJob>, StoreError> {
        self.records("SELECT record FROM sent_jobs ORDER BY id", &[])
            .await
    }

    async fn get_sent(&self, id: u64) -> Result<Option<SentJob>, StoreError> {
        self.record(
            "SELECT record FROM sent_jobs WHERE id = $1",
            &[&(id as i64)],
        )
        .await
    }

    async fn get_dead(&self, id: u64) -> Result<Option<DeadJob>, StoreError> {
        self.record(
            "SELECT record FROM dead_jobs WHERE id = $1",
            &[&(id as i64)],
        )
        .await
    }

    async fn expire_sent(&self, cutoff_ms: i64) -> Result<u64, StoreError> {
        self.execute("DELETE FROM sent_jobs WHERE sent_at_ms < $1", &[&cutoff_ms])
            .await
    }

    async fn list_dead(&self) -> Result<Vec<DeadJob>, StoreError> {
        self.records("SELECT record FROM dead_jobs ORDER BY id", &[])
            .await
    }

    /// Nothing to repair: a job and the columns claims use are one row, written in one statement.
    async fn reindex_outbox(&self) -> Result<usize, StoreError> {
        Ok(0)
    }
}

//! From the inbox to the outbox: committing a dispatched event creates its jobs, idempotently.

use super::{DeadJob, NewJob, enc, new_job};
use crate::store::keys::{
    attempt_prefix, decode_job_key, decode_seq, dest_key, due_key, job_key, seq_key,
};
use crate::store::seam::Deferred;
use crate::store::{EventRecord, EventStatus, Store, StoreError, TenantId};

/// What dispatching one event decided, for [`Queue::commit_dispatches`](crate::store::Queue):
/// its status, its jobs, and its jobs that are dead on arrival (with the reason).
#[derive(Debug, Clone)]
pub struct Dispatched {
    pub record: EventRecord,
    pub status: EventStatus,
    pub jobs: Vec<NewJob>,
    pub dead: Vec<(NewJob, String)>,
}

impl Store {
    /// The oldest event waiting in the inbox.
    pub fn next_inbox_event(&self) -> Result<Option<EventRecord>, StoreError> {
        let first = match self.inner.inbox.first()? {
            None => {
                // Empty, or acknowledged events are still on their way from the journal.
                self.settle_blocking();
                self.inner.inbox.first()?
            }
            some => some,
        };
        let Some((k, _)) = first else {
            return Ok(None);
        };
        let seq = decode_seq(&k).ok_or_else(|| StoreError::Io("bad inbox key".into()))?;
        self.get_event(seq)?
            .ok_or_else(|| StoreError::Io(format!("inbox entry {seq} has no event")))
            .map(Some)
    }

    /// Takes event `seq` out of the inbox, records its status and creates its jobs. Safe to repeat
    /// after a crash at any point: each job's idempotency key is written first and names the job id,
    /// then the due entry, then the job; a repeat recreates only jobs that never reached the store and
    /// were never attempted. The inbox entry goes last. Returns the number of jobs created.
    pub fn commit_dispatch(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
    ) -> Result<u32, StoreError> {
        self.commit_dispatch_with_dead(record, status, jobs, vec![])
    }

    /// Like [`Store::commit_dispatch`], plus jobs that are dead on arrival: a message whose
    /// template went over its render budget is recorded as a dead letter with `reason` and never
    /// sent, while the event's other jobs go out as usual. Idempotent like the live jobs.
    pub fn commit_dispatch_with_dead(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
        dead: Vec<(NewJob, String)>,
    ) -> Result<u32, StoreError> {
        self.create_dead(record.seq, dead)?;
        let created = self.create_jobs(record.seq, jobs)?;
        let mut updated = record.clone();
        updated.status = status;
        let key = seq_key(record.seq);
        self.inner.events.insert(key, updated.encode())?;
        self.inner.inbox.remove(key)?;
        self.release_inbox(&[record.seq])?;
        Ok(created)
    }

    /// Queues jobs that no Zoom event caused (the bot's replies), with event seq 0. The same
    /// idempotency rule holds: a key seen before creates nothing, so handling a Telegram update
    /// twice cannot send its replies twice. Returns the number of jobs created.
    pub fn enqueue_jobs(&self, jobs: Vec<NewJob>) -> Result<u32, StoreError> {
        self.create_jobs(0, jobs)
    }

    fn create_dead(&self, event_seq: u64, dead: Vec<(NewJob, String)>) -> Result<(), StoreError> {
        let i = &self.inner;
        let now_ms = chrono::Utc::now().timestamp_millis();
        for (job, reason) in dead {
            if i.idem.contains_key(job.idempotency_key.as_bytes())? {
                continue;
            }
            let id = i.db.generate_id()? + 1;
            i.idem
                .insert(job.idempotency_key.as_bytes(), &job_key(id))?;
            let j = new_job(id, event_seq, job, now_ms);
            i.dead.insert(
                job_key(id),
                enc(&DeadJob {
                    job: j,
                    reason,
                    dead_at_ms: now_ms,
                }),
            )?;
        }
        Ok(())
    }

    /// Up to `max` of the first `scan` unclaimed inbox events whose tenant `deferred` does not
    /// hold back, oldest first; when it holds back every one, the oldest (see
    /// [`Queue::claim_inbox`](crate::store::Queue::claim_inbox)). Over what sled holds now, without
    /// waiting for the applier, and without claiming them.
    pub(crate) fn inbox_batch_applied(
        &self,
        deferred: &Deferred,
        scan: usize,
        max: usize,
        now_ms: i64,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let claims = self
            .inner
            .inbox_claims
            .lock()
            .expect("inbox claims")
            .clone();
        let mut oldest = None;
        let mut found = Vec::new();
        let mut looked = 0;
        for k in self.inner.inbox.iter().keys() {
            let k = k?;
            let seq = decode_seq(&k).ok_or_else(|| StoreError::Io("bad inbox key".into()))?;
            if claims.get(&seq).is_some_and(|&until| until > now_ms) {
                continue;
            }
            looked += 1;
            let rec = self
                .get_event(seq)?
                .ok_or_else(|| StoreError::Io(format!("inbox entry {seq} has no event")))?;
            if !deferred(&rec.event.app_id, rec.event.account_id.as_deref()) {
                found.push(rec);
                if found.len() >= max {
                    break;
                }
            } else if oldest.is_none() {
                oldest = Some(rec);
            }
            if looked >= scan {
                break;
            }
        }
        if found.is_empty() {
            found.extend(oldest);
        }
        Ok(found)
    }

    /// Claims `found` (from [`Store::inbox_batch_applied`]) until `now_ms + lease_ms`, but for
    /// those claimed meanwhile.
    pub(crate) fn claim_inbox_events(
        &self,
        mut found: Vec<EventRecord>,
        now_ms: i64,
        lease_ms: i64,
    ) -> Vec<EventRecord> {
        let mut claims = self.inner.inbox_claims.lock().expect("inbox claims");
        claims.retain(|_, until| *until > now_ms);
        found.retain(|r| !claims.contains_key(&r.seq));
        for r in &found {
            claims.insert(r.seq, now_ms.saturating_add(lease_ms));
        }
        found
    }

    /// Gives claimed inbox events back (see [`Store::inbox_batch_applied`]).
    pub fn release_inbox(&self, seqs: &[u64]) -> Result<(), StoreError> {
        let mut claims = self.inner.inbox_claims.lock().expect("inbox claims");
        for s in seqs {
            claims.remove(s);
        }
        Ok(())
    }

    /// Commits each dispatched event in order (see [`Store::commit_dispatch_with_dead`]).
    pub fn commit_dispatches(&self, batch: Vec<Dispatched>) -> Result<Vec<u32>, StoreError> {
        batch
            .into_iter()
            .map(|d| self.commit_dispatch_with_dead(&d.record, d.status, d.jobs, d.dead))
            .collect()
    }

    /// [`Queue::inbox_has_other_tenant`](crate::store::Queue::inbox_has_other_tenant) over what sled
    /// holds now, without waiting for the applier.
    pub(crate) fn inbox_has_other_tenant_applied(
        &self,
        tenant: &TenantId,
        scan: usize,
    ) -> Result<bool, StoreError> {
        for k in self.inner.inbox.iter().keys().take(scan) {
            let k = k?;
            let Some(seq) = decode_seq(&k) else { continue };
            if let Some(rec) = self.get_event(seq)?
                && (rec.event.app_id != tenant.app_id
                    || rec.event.account_id.as_deref() != Some(tenant.account_id.as_str()))
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn create_jobs(&self, event_seq: u64, jobs: Vec<NewJob>) -> Result<u32, StoreError> {
        let i = &self.inner;
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut created = 0;
        for job in jobs {
            let id = match i.idem.get(job.idempotency_key.as_bytes())? {
                Some(v) => {
                    let id = decode_job_key(&v)
                        .ok_or_else(|| StoreError::Io("bad idempotency record".into()))?;
                    let known = i.outbox.contains_key(job_key(id))?
                        || i.dead.contains_key(job_key(id))?
                        || i.attempts.scan_prefix(attempt_prefix(id)).next().is_some();
                    if known {
                        continue;
                    }
                    id
                }
                None => {
                    let id = i.db.generate_id()? + 1;
                    i.idem
                        .insert(job.idempotency_key.as_bytes(), &job_key(id))?;
                    id
                }
            };
            let j = new_job(id, event_seq, job, now_ms);
            // The job first, its due entry last: the due entry makes the job claimable, and a
            // worker that finds a due entry without its job removes it as a leftover. Written the
            // other way round, a worker scanning between the two writes stranded the job (no due
            // entry) at the head of its destination and stalled that destination for good.
            // A crash between the writes leaves a job without indexes; `reindex_outbox` repairs
            // that at startup.
            i.outbox.insert(job_key(id), enc(&j))?;
            i.outbox_dest.insert(dest_key(&j.target, id), &[])?;
            i.outbox_due
                .insert(due_key(j.target.channel(), now_ms, id), &[])?;
            created += 1;
        }
        Ok(created)
    }
}

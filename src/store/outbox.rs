//! The outbox: one job per (event, target), claimed by the channel's worker, finished as sent, retried
//! or dead.
//!
//! Trees: `outbox` (job id -> Job), `outbox_due` (channel tag, due ms, job id -> ()) so a worker finds
//! its next due job with one range scan, `idem` (idempotency key -> job id) so a re-dispatch never
//! creates a second job, `attempts` (job id, attempt -> Attempt) for history, `dead` (job id -> DeadJob),
//! `sent` (job id -> SentJob) so the delivery log shows what went out, until the event retention.
//!
//! `outbox_dest` (hash of the target, job id -> ()) keeps delivery FIFO per destination: a job is
//! claimed only when no older job for the same target is still pending, so a retry holds back the
//! messages queued after it instead of being overtaken.
//!
//! A claim moves the job's due time forward by a lease. If the process dies while sending, the job is
//! due again after the lease; at startup [`Store::release_claims`] makes claimed jobs due at once,
//! since sled's lock means no other process can hold a claim.

use serde::{Deserialize, Serialize};

use super::keys::{
    attempt_key, attempt_prefix, decode_dest_key, decode_due_key, decode_job_key, decode_seq,
    dest_key, dest_prefix, due_key, due_prefix, job_key, seq_key,
};
use super::{EventRecord, EventStatus, Store, StoreError, json_err};
use crate::routing::{Channel, DeliveryOptions, Target};

/// A rendered message, ready for its channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    Telegram {
        html: String,
    },
    Email {
        subject: String,
        text: String,
        html: String,
    },
    Webhook {
        json: String,
    },
    Log {
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: u64,
    /// Stable per (event, target); sent as `webhook-id` and kept in history.
    pub idempotency_key: String,
    pub event_seq: u64,
    pub event: String,
    pub app_id: String,
    pub account_id: String,
    pub route_name: String,
    pub meeting_uuid: Option<String>,
    pub target: Target,
    pub message: Message,
    #[serde(default)]
    pub options: DeliveryOptions,
    /// One-click unsubscribe link, for a member's personal email subscription.
    #[serde(default)]
    pub unsubscribe_url: Option<String>,
    /// When Zoom's event reached us; latency is measured from here.
    pub received_at_ms: i64,
    pub created_at_ms: i64,
    pub attempts: u32,
    pub due_at_ms: i64,
    /// Set while a worker holds the job.
    #[serde(default)]
    pub claimed_until_ms: Option<i64>,
}

/// A job the dispatcher wants created.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub idempotency_key: String,
    pub event: String,
    pub app_id: String,
    pub account_id: String,
    pub route_name: String,
    pub meeting_uuid: Option<String>,
    pub target: Target,
    pub message: Message,
    pub options: DeliveryOptions,
    pub unsubscribe_url: Option<String>,
    pub received_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    Sent,
    Retry,
    Dead,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub job_id: u64,
    pub attempt: u32,
    pub at_ms: i64,
    pub outcome: AttemptOutcome,
    pub status: Option<u16>,
    /// Response snippet or error, at most 2 KB.
    pub detail: String,
    pub latency_ms: u64,
}

/// A job that was delivered, kept for the delivery log (an organizer checking that a message went
/// out) until the event retention removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentJob {
    pub job: Job,
    pub sent_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadJob {
    pub job: Job,
    pub reason: String,
    pub dead_at_ms: i64,
}

/// Caps a response snippet at 2 KB on a character boundary.
pub fn snippet(s: &str) -> String {
    if s.len() <= 2048 {
        return s.to_string();
    }
    let mut end = 2048;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn enc<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store records serialize")
}

impl Store {
    /// The oldest event waiting in the inbox.
    pub fn next_inbox_event(&self) -> Result<Option<EventRecord>, StoreError> {
        let Some((k, _)) = self.inner.inbox.first()? else {
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

    /// The oldest inbox event that `deferred` does not hold back, looking at most `scan` entries
    /// deep; when every one is held back, the oldest anyway (holding back only makes sense while
    /// someone else is waiting). Fairness across tenants in dispatch uses this.
    pub fn next_inbox_event_fair(
        &self,
        deferred: &(dyn for<'r> Fn(&'r EventRecord) -> bool + Send + Sync),
        scan: usize,
    ) -> Result<Option<EventRecord>, StoreError> {
        let mut oldest = None;
        for k in self.inner.inbox.iter().keys().take(scan) {
            let k = k?;
            let seq = decode_seq(&k).ok_or_else(|| StoreError::Io("bad inbox key".into()))?;
            let rec = self
                .get_event(seq)?
                .ok_or_else(|| StoreError::Io(format!("inbox entry {seq} has no event")))?;
            if !deferred(&rec) {
                return Ok(Some(rec));
            }
            if oldest.is_none() {
                oldest = Some(rec);
            }
        }
        Ok(oldest)
    }

    /// Whether an event of another tenant than (`app`, `account`) waits in the first `scan`
    /// inbox entries.
    pub fn inbox_has_other_tenant(
        &self,
        app: &str,
        account: &str,
        scan: usize,
    ) -> Result<bool, StoreError> {
        for k in self.inner.inbox.iter().keys().take(scan) {
            let k = k?;
            let Some(seq) = decode_seq(&k) else { continue };
            if let Some(rec) = self.get_event(seq)?
                && (rec.event.app_id != app || rec.event.account_id.as_deref() != Some(account))
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

    pub fn outbox_len(&self, channel: Option<Channel>) -> usize {
        match channel {
            None => self.inner.outbox.len(),
            Some(c) => self.inner.outbox_due.scan_prefix(due_prefix(c)).count(),
        }
    }

    pub fn get_job(&self, id: u64) -> Result<Option<Job>, StoreError> {
        self.inner
            .outbox
            .get(job_key(id))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
    }

    /// All pending jobs, oldest first.
    pub fn list_jobs(&self) -> Result<Vec<Job>, StoreError> {
        self.inner
            .outbox
            .iter()
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }

    /// Claims the next due job of `channel` for `lease_ms`. Returns it with its claim recorded, or the
    /// time the next job becomes due. Index entries that no longer match their job (left by a crash
    /// between two writes) are removed on the way.
    pub fn claim_due(
        &self,
        channel: Channel,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError> {
        let i = &self.inner;
        for item in i.outbox_due.scan_prefix(due_prefix(channel)) {
            let (k, _) = item?;
            let Some((due, id)) = decode_due_key(&k) else {
                i.outbox_due.remove(&k)?;
                continue;
            };
            if due > now_ms {
                return Ok(Claim::NotBefore(due));
            }
            let Some(old) = i.outbox.get(job_key(id))? else {
                i.outbox_due.remove(&k)?;
                continue;
            };
            let mut job: Job = serde_json::from_slice(&old).map_err(json_err)?;
            if job.due_at_ms != due {
                i.outbox_due.remove(&k)?;
                continue;
            }
            if !self.is_head_of_destination(&job)? {
                continue; // an older job for this target goes first
            }
            let until = now_ms + lease_ms;
            job.claimed_until_ms = Some(until);
            job.due_at_ms = until;
            let new_key = due_key(channel, until, id);
            i.outbox_due.insert(new_key, &[])?;
            if let Err(lost) = i
                .outbox
                .compare_and_swap(job_key(id), Some(old), Some(enc(&job)))?
            {
                // Changed under us: another worker claimed it, or it was finished. A worker that
                // claimed it at the same moment with the same lease wrote this very due entry, and
                // removing it would strand the job (never due again once the lease ends).
                let theirs = lost
                    .current
                    .and_then(|v| serde_json::from_slice::<Job>(&v).ok())
                    .map(|j| j.due_at_ms);
                if theirs != Some(until) {
                    i.outbox_due.remove(new_key)?;
                }
                continue; // look again
            }
            i.outbox_due.remove(&k)?;
            return Ok(Claim::Job(Box::new(job)));
        }
        Ok(Claim::Empty)
    }

    /// Whether `job` is the oldest pending job for its target. Index entries whose job is gone (left
    /// by a crash between two writes) are dropped on the way.
    fn is_head_of_destination(&self, job: &Job) -> Result<bool, StoreError> {
        let i = &self.inner;
        for item in i.outbox_dest.scan_prefix(dest_prefix(&job.target)) {
            let (k, _) = item?;
            let id = decode_dest_key(&k)
                .ok_or_else(|| StoreError::Io("bad destination index key".into()))?;
            if id == job.id {
                return Ok(true);
            }
            if i.outbox.contains_key(job_key(id))? {
                return Ok(false);
            }
            i.outbox_dest.remove(&k)?;
        }
        // Not indexed (a job from before the index existed): nothing to wait for.
        Ok(true)
    }

    /// Records the attempt, then finishes a claimed job: removes it when sent or dead, reschedules it
    /// for a retry. The attempt goes first, so a crash never loses the record of a send.
    pub fn finish_job(&self, job: &Job, attempt: &Attempt, next: Finish) -> Result<(), StoreError> {
        let i = &self.inner;
        // A tenant purge removed the job while it was being sent: write nothing back for it.
        if !i.outbox.contains_key(job_key(job.id))? {
            return Ok(());
        }
        let channel = job.target.channel();
        let old_due = due_key(channel, job.due_at_ms, job.id);
        i.attempts
            .insert(attempt_key(job.id, attempt.attempt), enc(attempt))?;
        match next {
            Finish::Done => {
                let mut j = job.clone();
                j.attempts = attempt.attempt;
                j.claimed_until_ms = None;
                i.sent.insert(
                    job_key(job.id),
                    enc(&SentJob {
                        job: j,
                        sent_at_ms: attempt.at_ms,
                    }),
                )?;
                i.outbox.remove(job_key(job.id))?;
                i.outbox_dest.remove(dest_key(&job.target, job.id))?;
            }
            Finish::RetryAt(at) => {
                let mut j = job.clone();
                j.attempts = attempt.attempt;
                j.due_at_ms = at;
                j.claimed_until_ms = None;
                i.outbox_due.insert(due_key(channel, at, j.id), &[])?;
                i.outbox.insert(job_key(j.id), enc(&j))?;
            }
            Finish::Dead(reason) => {
                let mut j = job.clone();
                j.attempts = attempt.attempt;
                j.claimed_until_ms = None;
                i.dead.insert(
                    job_key(job.id),
                    enc(&DeadJob {
                        job: j,
                        reason,
                        dead_at_ms: attempt.at_ms,
                    }),
                )?;
                i.outbox.remove(job_key(job.id))?;
                i.outbox_dest.remove(dest_key(&job.target, job.id))?;
            }
        }
        i.outbox_due.remove(old_due)?;
        Ok(())
    }

    /// Makes a claimed job due at `at_ms` without recording an attempt: waiting for a pacer is not
    /// a failure and must not use up the retry schedule.
    pub fn defer_job(&self, job: &Job, at_ms: i64) -> Result<(), StoreError> {
        let i = &self.inner;
        if !i.outbox.contains_key(job_key(job.id))? {
            return Ok(());
        }
        let channel = job.target.channel();
        let mut j = job.clone();
        j.due_at_ms = at_ms;
        j.claimed_until_ms = None;
        i.outbox_due.insert(due_key(channel, at_ms, j.id), &[])?;
        i.outbox.insert(job_key(j.id), enc(&j))?;
        if job.due_at_ms != at_ms {
            i.outbox_due
                .remove(due_key(channel, job.due_at_ms, job.id))?;
        }
        Ok(())
    }

    /// Makes every claimed job due now. Run at startup: a claim held by a dead process is void.
    pub fn release_claims(&self, now_ms: i64) -> Result<usize, StoreError> {
        let i = &self.inner;
        let mut released = 0;
        for job in self.list_jobs()? {
            if job.claimed_until_ms.is_none() {
                continue;
            }
            let channel = job.target.channel();
            let mut j = job.clone();
            j.claimed_until_ms = None;
            j.due_at_ms = now_ms;
            i.outbox_due.insert(due_key(channel, now_ms, j.id), &[])?;
            i.outbox.insert(job_key(j.id), enc(&j))?;
            if job.due_at_ms != now_ms {
                i.outbox_due
                    .remove(due_key(channel, job.due_at_ms, job.id))?;
            }
            released += 1;
        }
        Ok(released)
    }

    pub fn attempts_of(&self, job_id: u64) -> Result<Vec<Attempt>, StoreError> {
        self.inner
            .attempts
            .scan_prefix(attempt_prefix(job_id))
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }

    /// Moves a dead letter back into the outbox, due now, with its attempt count kept (so history
    /// numbering continues). Returns false when there is no such dead letter.
    pub fn retry_dead(&self, id: u64, now_ms: i64) -> Result<bool, StoreError> {
        let i = &self.inner;
        let Some(v) = i.dead.get(job_key(id))? else {
            return Ok(false);
        };
        let dead: DeadJob = serde_json::from_slice(&v).map_err(json_err)?;
        let mut j = dead.job;
        j.due_at_ms = now_ms;
        j.claimed_until_ms = None;
        // Job first, due entry last (see `create_jobs`).
        i.outbox.insert(job_key(j.id), enc(&j))?;
        i.outbox_dest.insert(dest_key(&j.target, j.id), &[])?;
        i.outbox_due
            .insert(due_key(j.target.channel(), now_ms, j.id), &[])?;
        i.dead.remove(job_key(id))?;
        Ok(true)
    }

    /// Sent jobs, oldest first.
    pub fn list_sent(&self) -> Result<Vec<SentJob>, StoreError> {
        self.inner
            .sent
            .iter()
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }

    pub fn get_sent(&self, id: u64) -> Result<Option<SentJob>, StoreError> {
        self.inner
            .sent
            .get(job_key(id))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
    }

    pub fn get_dead(&self, id: u64) -> Result<Option<DeadJob>, StoreError> {
        self.inner
            .dead
            .get(job_key(id))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
    }

    /// Drops sent-job records older than `cutoff_ms`; returns how many (run with the event retention).
    pub fn expire_sent(&self, cutoff_ms: i64) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self.inner.sent.iter() {
            let (k, v) = item?;
            let old = serde_json::from_slice::<SentJob>(&v)
                .map(|s| s.sent_at_ms < cutoff_ms)
                .unwrap_or(true);
            if old {
                self.inner.sent.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// A tenant's sent-job records, for the uninstall purge.
    pub(super) fn purge_sent_tenant(&self, app: &str, account: &str) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self.inner.sent.iter() {
            let (k, v) = item?;
            let owned = serde_json::from_slice::<SentJob>(&v)
                .map(|s| s.job.app_id == app && s.job.account_id == account)
                .unwrap_or(true);
            if owned {
                self.inner.sent.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    pub fn list_dead(&self) -> Result<Vec<DeadJob>, StoreError> {
        self.inner
            .dead
            .iter()
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }
}

/// What a claim scan found.
#[derive(Debug)]
pub enum Claim {
    Job(Box<Job>),
    /// Nothing due yet; the earliest job is due at this time (ms).
    NotBefore(i64),
    Empty,
}

/// How a claimed job ends.
#[derive(Debug, Clone)]
pub enum Finish {
    Done,
    RetryAt(i64),
    Dead(String),
}

impl Store {
    /// Re-creates the due and destination index entries of every pending job. A backup taken while
    /// the relay runs copies one tree after another, so a job can arrive without the index entry a
    /// worker finds it by; entries that point nowhere are already dropped by [`Store::claim_due`].
    /// Returns the number of entries added.
    pub fn reindex_outbox(&self) -> Result<usize, StoreError> {
        let i = &self.inner;
        let mut added = 0;
        for job in self.list_jobs()? {
            let due = due_key(job.target.channel(), job.due_at_ms, job.id);
            if !i.outbox_due.contains_key(due)? {
                i.outbox_due.insert(due, &[])?;
                added += 1;
            }
            let dest = dest_key(&job.target, job.id);
            if !i.outbox_dest.contains_key(dest)? {
                i.outbox_dest.insert(dest, &[])?;
                added += 1;
            }
        }
        Ok(added)
    }
}

/// A job as written for the first time: due now, never attempted, unclaimed. Queued jobs and jobs
/// that are dead from the start (a render over its budget) are built the same way.
fn new_job(id: u64, event_seq: u64, job: NewJob, now_ms: i64) -> Job {
    Job {
        id,
        idempotency_key: job.idempotency_key,
        event_seq,
        event: job.event,
        app_id: job.app_id,
        account_id: job.account_id,
        route_name: job.route_name,
        meeting_uuid: job.meeting_uuid,
        target: job.target,
        message: job.message,
        options: job.options,
        unsubscribe_url: job.unsubscribe_url,
        received_at_ms: job.received_at_ms,
        created_at_ms: now_ms,
        attempts: 0,
        due_at_ms: now_ms,
        claimed_until_ms: None,
    }
}

//! The outbox: one job per (event, target), claimed by the channel's worker, finished as sent, retried
//! or dead.
//!
//! Trees: `outbox` (job id -> Job), `outbox_due` (channel tag, due ms, job id -> ()) so a worker finds
//! its next due job with one range scan, `idem` (idempotency key -> job id) so a re-dispatch never
//! creates a second job, `attempts` (job id, attempt -> Attempt) for history, `dead` (job id -> DeadJob).
//!
//! A claim moves the job's due time forward by a lease. If the process dies while sending, the job is
//! due again after the lease; at startup [`Store::release_claims`] makes claimed jobs due at once,
//! since sled's lock means no other process can hold a claim.

use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::events::{decode_seq, seq_key};
use super::{EventRecord, EventStatus, Store, StoreError, json_err};
use crate::routing::{Channel, Target};

/// A rendered message, ready for its channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadJob {
    pub job: Job,
    pub reason: String,
    pub dead_at_ms: i64,
}

fn due_key(channel: Channel, due_ms: i64, id: u64) -> [u8; 17] {
    let mut k = [0u8; 17];
    k[0] = channel.tag();
    // Offset so negative times still sort (they never occur, but the key must not panic).
    k[1..9].copy_from_slice(&((due_ms as u64) ^ (1 << 63)).to_be_bytes());
    k[9..].copy_from_slice(&id.to_be_bytes());
    k
}

fn decode_due_key(k: &[u8]) -> Option<(i64, u64)> {
    if k.len() != 17 {
        return None;
    }
    let due = (u64::from_be_bytes(k[1..9].try_into().ok()?) ^ (1 << 63)) as i64;
    Some((due, u64::from_be_bytes(k[9..].try_into().ok()?)))
}

fn attempt_key(job_id: u64, attempt: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&job_id.to_be_bytes());
    k[8..].copy_from_slice(&attempt.to_be_bytes());
    k
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

type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

fn enc<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store records serialize")
}

fn abort(e: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(e)
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

    /// In one transaction: take event `seq` out of the inbox, record its status, and create its jobs.
    /// A job whose idempotency key exists already is skipped, so dispatching twice is harmless.
    /// Returns the number of jobs created.
    pub fn commit_dispatch(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
    ) -> Result<u32, StoreError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let ids = jobs
            .iter()
            .map(|_| self.inner.db.generate_id().map(|i| i + 1))
            .collect::<Result<Vec<u64>, _>>()?;
        let mut updated = record.clone();
        updated.status = status;
        let event_bytes = updated.encode();
        let key = seq_key(record.seq);
        let i = &self.inner;
        let res: Result<u32, TransactionError<StoreError>> =
            (&i.inbox, &i.events, &i.outbox, &i.outbox_due, &i.idem).transaction(
                |(inbox, events, outbox, due, idem)| -> TxResult<u32> {
                    inbox.remove(&key)?;
                    events.insert(&key, event_bytes.as_slice())?;
                    let mut created = 0;
                    for (job, id) in jobs.iter().zip(&ids) {
                        if idem.get(job.idempotency_key.as_bytes())?.is_some() {
                            continue;
                        }
                        let j = Job {
                            id: *id,
                            idempotency_key: job.idempotency_key.clone(),
                            event_seq: record.seq,
                            event: job.event.clone(),
                            app_id: job.app_id.clone(),
                            account_id: job.account_id.clone(),
                            route_name: job.route_name.clone(),
                            meeting_uuid: job.meeting_uuid.clone(),
                            target: job.target.clone(),
                            message: job.message.clone(),
                            received_at_ms: job.received_at_ms,
                            created_at_ms: now_ms,
                            attempts: 0,
                            due_at_ms: now_ms,
                            claimed_until_ms: None,
                        };
                        outbox.insert(&id.to_be_bytes(), enc(&j))?;
                        due.insert(&due_key(j.target.channel(), now_ms, *id), &[])?;
                        idem.insert(job.idempotency_key.as_bytes(), &id.to_be_bytes())?;
                        created += 1;
                    }
                    Ok(created)
                },
            );
        res.map_err(StoreError::from)
    }

    pub fn outbox_len(&self, channel: Option<Channel>) -> usize {
        match channel {
            None => self.inner.outbox.len(),
            Some(c) => self.inner.outbox_due.scan_prefix([c.tag()]).count(),
        }
    }

    pub fn get_job(&self, id: u64) -> Result<Option<Job>, StoreError> {
        self.inner
            .outbox
            .get(id.to_be_bytes())?
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
    /// time the next job becomes due.
    pub fn claim_due(
        &self,
        channel: Channel,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError> {
        for item in self.inner.outbox_due.scan_prefix([channel.tag()]) {
            let (k, _) = item?;
            let Some((due, id)) = decode_due_key(&k) else {
                continue;
            };
            if due > now_ms {
                return Ok(Claim::NotBefore(due));
            }
            let i = &self.inner;
            let until = now_ms + lease_ms;
            let res: Result<Option<Job>, TransactionError<StoreError>> = (&i.outbox, &i.outbox_due)
                .transaction(|(outbox, dues)| -> TxResult<Option<Job>> {
                    let Some(v) = outbox.get(id.to_be_bytes())? else {
                        dues.remove(&k)?; // orphan index entry
                        return Ok(None);
                    };
                    let mut job: Job =
                        serde_json::from_slice(&v).map_err(|e| abort(json_err(e)))?;
                    if dues.remove(&k)?.is_none() {
                        return Ok(None); // claimed concurrently
                    }
                    job.claimed_until_ms = Some(until);
                    job.due_at_ms = until;
                    dues.insert(&due_key(channel, until, id), &[])?;
                    outbox.insert(&id.to_be_bytes(), enc(&job))?;
                    Ok(Some(job))
                });
            if let Some(job) = res.map_err(StoreError::from)? {
                return Ok(Claim::Job(Box::new(job)));
            }
        }
        Ok(Claim::Empty)
    }

    /// Records the attempt and finishes a claimed job: removes it when sent or dead, reschedules it
    /// for a retry.
    pub fn finish_job(&self, job: &Job, attempt: &Attempt, next: Finish) -> Result<(), StoreError> {
        let i = &self.inner;
        let channel = job.target.channel();
        let old_due = due_key(channel, job.due_at_ms, job.id);
        let res: Result<(), TransactionError<StoreError>> =
            (&i.outbox, &i.outbox_due, &i.attempts, &i.dead).transaction(
                |(outbox, dues, attempts, dead)| -> TxResult<()> {
                    dues.remove(&old_due)?;
                    attempts.insert(&attempt_key(job.id, attempt.attempt), enc(attempt))?;
                    match &next {
                        Finish::Done => {
                            outbox.remove(&job.id.to_be_bytes())?;
                        }
                        Finish::RetryAt(at) => {
                            let mut j = job.clone();
                            j.attempts = attempt.attempt;
                            j.due_at_ms = *at;
                            j.claimed_until_ms = None;
                            outbox.insert(&j.id.to_be_bytes(), enc(&j))?;
                            dues.insert(&due_key(channel, *at, j.id), &[])?;
                        }
                        Finish::Dead(reason) => {
                            outbox.remove(&job.id.to_be_bytes())?;
                            let mut j = job.clone();
                            j.attempts = attempt.attempt;
                            j.claimed_until_ms = None;
                            dead.insert(
                                &job.id.to_be_bytes(),
                                enc(&DeadJob {
                                    job: j,
                                    reason: reason.clone(),
                                    dead_at_ms: attempt.at_ms,
                                }),
                            )?;
                        }
                    }
                    Ok(())
                },
            );
        res.map_err(StoreError::from)
    }

    /// Makes every claimed job due now. Run at startup: a claim held by a dead process is void.
    pub fn release_claims(&self, now_ms: i64) -> Result<usize, StoreError> {
        let mut released = 0;
        for job in self.list_jobs()? {
            if job.claimed_until_ms.is_none() {
                continue;
            }
            let i = &self.inner;
            let channel = job.target.channel();
            let res: Result<(), TransactionError<StoreError>> = (&i.outbox, &i.outbox_due)
                .transaction(|(outbox, dues)| -> TxResult<()> {
                    dues.remove(&due_key(channel, job.due_at_ms, job.id))?;
                    let mut j = job.clone();
                    j.claimed_until_ms = None;
                    j.due_at_ms = now_ms;
                    dues.insert(&due_key(channel, now_ms, j.id), &[])?;
                    outbox.insert(&j.id.to_be_bytes(), enc(&j))?;
                    Ok(())
                });
            res.map_err(StoreError::from)?;
            released += 1;
        }
        Ok(released)
    }

    pub fn attempts_of(&self, job_id: u64) -> Result<Vec<Attempt>, StoreError> {
        self.inner
            .attempts
            .scan_prefix(job_id.to_be_bytes())
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
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

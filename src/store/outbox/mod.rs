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

use crate::routing::{DeliveryOptions, Target};

mod claim;
mod dispatch;
pub use dispatch::Dispatched;
mod history;

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

pub use crate::text::snippet;

fn enc<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("store records serialize")
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

/// A job as written for the first time: due now, never attempted, unclaimed. Queued jobs and jobs
/// that are dead from the start (a render over its budget) are built the same way.
pub(super) fn new_job(id: u64, event_seq: u64, job: NewJob, now_ms: i64) -> Job {
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

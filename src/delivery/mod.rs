//! Delivery: one worker per channel around a `step()` that claims the next due job, sends it, and
//! records the outcome. Tests call `step()` directly; the loop around it only waits.
//!
//! Every job ends as sent, as a retry at a scheduled time, or as a dead letter with its reason.

pub use crate::net::addresses;
pub mod email;
pub mod log;
pub mod pacing;
pub mod quota;
pub mod telegram;
pub mod webhook;

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use tokio_util::sync::CancellationToken;

use crate::config::DeliveryConfig;
use crate::dispatch::Signals;
use crate::metrics::Metrics;
use crate::routing::{Channel, Target};
use crate::store::OfTenant;
use crate::store::{Attempt, AttemptOutcome, Backend, Claim, Db, Finish, Job, StoreError};
use crate::text::snippet;
use quota::{QuotaKind, Quotas};

/// What one send attempt came to, as classified by the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    Sent {
        status: Option<u16>,
        detail: String,
    },
    /// Worth retrying; `after` overrides the schedule (e.g. Telegram's `retry_after`).
    Retry {
        status: Option<u16>,
        detail: String,
        after: Option<Duration>,
    },
    /// Retrying cannot help.
    Dead {
        status: Option<u16>,
        detail: String,
    },
    /// Not sent yet, and not a failure (a pacer's wait, the next part of a long message): the job
    /// is due again at `until_ms` with no attempt recorded, so the retry schedule is untouched.
    Defer {
        until_ms: i64,
        detail: String,
    },
}

impl SendResult {
    pub fn dead(status: Option<u16>, detail: &str) -> SendResult {
        SendResult::Dead {
            status,
            detail: detail.to_string(),
        }
    }
}

/// A permanent refusal by the destination itself (410 Gone, a bot removed from a chat): stop
/// dispatching to the target and leave the organizers a notice saying what to fix. Failures are
/// logged, not returned: the job's outcome stands either way.
pub async fn disable_with_notice(
    db: &dyn Backend,
    job: &Job,
    key: &str,
    reason: &str,
    kind: &str,
    message: &str,
) {
    let res = match db.disable_target(&job.tenant_id(), key, reason).await {
        Ok(()) => {
            db.add_notice(
                &job.tenant_id(),
                kind,
                message,
                Some(&job.route_name),
                Some(key),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match res {
        Ok(_) => {
            tracing::warn!(job = job.id, route = %job.route_name, target = %key, kind, "destination disabled")
        }
        Err(e) => {
            tracing::error!(job = job.id, target = %key, kind, error = %e, "could not disable a destination")
        }
    }
}

/// One channel: knows how to send a job's message to its target.
pub trait Sender: Send + Sync + 'static {
    fn channel(&self) -> Channel;
    fn send(&self, job: &Job) -> impl std::future::Future<Output = SendResult> + Send;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    Sent {
        job_id: u64,
    },
    Retry {
        job_id: u64,
        at_ms: i64,
    },
    Dead {
        job_id: u64,
        reason: String,
    },
    Deferred {
        job_id: u64,
        at_ms: i64,
    },
    /// Nothing due; the next job (if any) is due at this time.
    Idle {
        next_due_ms: Option<i64>,
    },
}

/// Outcomes are made durable at most this long after they are recorded. One fsync per finished
/// job capped a fast channel (log, a quick webhook receiver) at about 1,000 jobs/s on the benchmark
/// machine, and a burst then queued up faster than it drained; one fsync per window lets a backlog
/// drain at the speed of the sends. The price: after a crash, jobs finished in the last window can
/// be sent again (at-least-once already allows it; webhook receivers dedupe by `webhook-id`). The
/// worker also flushes whenever it goes idle, so a quiet relay is never behind.
const FLUSH_WINDOW: Duration = Duration::from_millis(20);

pub struct Worker<S: Sender> {
    db: Db,
    sender: S,
    delivery: DeliveryConfig,
    metrics: Arc<Metrics>,
    /// When the oldest outcome not yet flushed was recorded.
    unflushed_since: std::sync::Mutex<Option<Instant>>,
    /// Per-tenant hourly limits; none in tests that build a bare worker.
    quotas: Option<Arc<Quotas>>,
}

impl<S: Sender> Worker<S> {
    pub fn new(db: Db, sender: S, delivery: DeliveryConfig, metrics: Arc<Metrics>) -> Self {
        Worker {
            db,
            sender,
            delivery,
            metrics,
            unflushed_since: std::sync::Mutex::new(None),
            quotas: None,
        }
    }

    /// Counts every tenant job's send against the tenant's hourly quota.
    pub fn with_quotas(mut self, quotas: Arc<Quotas>) -> Self {
        self.quotas = Some(quotas);
        self
    }

    /// Flushes outcomes recorded since the last flush, if any.
    pub async fn flush_pending(&self) -> Result<(), StoreError> {
        let pending = self.unflushed_since.lock().expect("flush state").take();
        if pending.is_some() {
            self.db.flush().await?;
        }
        Ok(())
    }

    /// Records that an outcome was written, and flushes once the oldest unflushed one is
    /// [`FLUSH_WINDOW`] old.
    async fn outcome_written(&self) -> Result<(), StoreError> {
        let due = {
            let mut since = self.unflushed_since.lock().expect("flush state");
            since.get_or_insert_with(Instant::now).elapsed() >= FLUSH_WINDOW
        };
        if due {
            self.flush_pending().await?;
        }
        Ok(())
    }

    pub async fn step(&self) -> Result<StepOutcome, StoreError> {
        let channel = self.sender.channel();
        let now = chrono::Utc::now().timestamp_millis();
        let job = match self
            .db
            .claim_due(
                channel,
                now,
                (self.delivery.claim_lease_secs as i64).saturating_mul(1000),
            )
            .await?
        {
            Claim::Job(j) => *j,
            Claim::NotBefore(t) => {
                return Ok(StepOutcome::Idle {
                    next_due_ms: Some(t),
                });
            }
            Claim::Empty => return Ok(StepOutcome::Idle { next_due_ms: None }),
        };
        let attempt_no = job.attempts + 1;

        let refusal = match self.stale_reason(&job, now).await? {
            Some(r) => Some((r, "stale")),
            None => self.refusal(&job, channel, now).await?,
        };
        if let Some((reason, why)) = refusal {
            let attempt = Attempt {
                job_id: job.id,
                attempt: attempt_no,
                at_ms: now,
                outcome: AttemptOutcome::Dead,
                status: None,
                detail: reason.clone(),
                latency_ms: 0,
            };
            self.db
                .finish_job(&job, &attempt, Finish::Dead(reason.clone()))
                .await?;
            self.count(channel, "dead", why);
            tracing::info!(job = job.id, route = %job.route_name, %reason, "dead letter before sending");
            return Ok(StepOutcome::Dead {
                job_id: job.id,
                reason,
            });
        }

        let started = Instant::now();
        let result = self.sender.send(&job).await;
        let latency_ms = started.elapsed().as_millis() as u64;
        if channel == Channel::Telegram
            && matches!(
                result,
                SendResult::Retry {
                    status: Some(429),
                    ..
                }
            )
        {
            // Our pacer should prevent these; a rising count means another client shares the bot
            // token, or Telegram's limits for this bot are lower than the published ones.
            self.metrics.inc("telegram_rate_limited_total", &[]);
        }
        let at_ms = chrono::Utc::now().timestamp_millis();
        let (outcome, status, detail, finish) = match &result {
            SendResult::Sent { status, detail } => {
                (AttemptOutcome::Sent, *status, detail.clone(), Finish::Done)
            }
            SendResult::Retry {
                status,
                detail,
                after,
            } => match self.retry_delay(attempt_no, *after) {
                Some(d) => (
                    AttemptOutcome::Retry,
                    *status,
                    detail.clone(),
                    Finish::RetryAt(at_ms + d.as_millis() as i64),
                ),
                None => (
                    AttemptOutcome::Dead,
                    *status,
                    detail.clone(),
                    Finish::Dead(format!(
                        "gave up after {attempt_no} attempts; last: {}",
                        snippet(detail)
                    )),
                ),
            },
            SendResult::Dead { status, detail } => (
                AttemptOutcome::Dead,
                *status,
                detail.clone(),
                Finish::Dead(snippet(detail)),
            ),
            SendResult::Defer { until_ms, detail } => {
                // Nothing went out: the use counted before the send is returned.
                if let (Some(q), Some(kind)) = (&self.quotas, QuotaKind::of(channel))
                    && !job.app_id.is_empty()
                {
                    q.give_back(&job.app_id, &job.account_id, kind);
                }
                self.db.defer_job(&job, *until_ms).await?;
                self.metrics
                    .inc("delivery_deferrals_total", &[("channel", channel.as_str())]);
                tracing::debug!(job = job.id, until_ms, %detail, "delivery deferred");
                return Ok(StepOutcome::Deferred {
                    job_id: job.id,
                    at_ms: *until_ms,
                });
            }
        };
        let attempt = Attempt {
            job_id: job.id,
            attempt: attempt_no,
            at_ms,
            outcome,
            status,
            detail: snippet(&detail),
            latency_ms,
        };
        self.db.finish_job(&job, &attempt, finish.clone()).await?;
        // Durable within FLUSH_WINDOW (and at once when the worker goes idle): after a crash only
        // the jobs of that window can be sent again, not everything since sled's last background
        // flush. Concurrent workers share fsyncs through the group commit.
        self.outcome_written().await?;
        Ok(match finish {
            Finish::Done => {
                self.count(channel, "sent", "");
                self.metrics.observe(
                    "delivery_latency_seconds",
                    &[("channel", channel.as_str())],
                    (at_ms - job.received_at_ms).max(0) as f64 / 1000.0,
                );
                StepOutcome::Sent { job_id: job.id }
            }
            Finish::RetryAt(at) => {
                self.count(channel, "retry", status_reason(status));
                StepOutcome::Retry {
                    job_id: job.id,
                    at_ms: at,
                }
            }
            Finish::Dead(reason) => {
                self.count(channel, "dead", status_reason(status));
                tracing::warn!(job = job.id, route = %job.route_name, target = %job.target.describe(), %reason, "delivery failed permanently");
                StepOutcome::Dead {
                    job_id: job.id,
                    reason,
                }
            }
        })
    }

    /// Why a tenant's job must not be sent at all, checked just before the send:
    /// - a Telegram group linked to another community (defence in depth: routes are checked when
    ///   written, see `service::chats`, but an old store or an operator's slip must not let one
    ///   tenant post into another's group);
    /// - the tenant's hourly quota for the channel is used up. The job becomes a dead letter at
    ///   once instead of waiting, so it never holds up another tenant's jobs; the organizers get
    ///   one `hourly_limit` notice per hour.
    ///
    /// Tenant-less jobs (the bot's own replies and notices) are not checked.
    async fn refusal(
        &self,
        job: &Job,
        channel: Channel,
        now_ms: i64,
    ) -> Result<Option<(String, &'static str)>, StoreError> {
        if job.app_id.is_empty() {
            return Ok(None);
        }
        if let Target::Telegram { chat_id, .. } = &job.target
            // Groups, supergroups and channels have negative ids; a private chat is nobody's group.
            && *chat_id < 0
            && self
                .db
                .chat_link(*chat_id)
                .await?
                .is_some_and(|l| !l.is_tenant(&job.app_id, &job.account_id))
        {
            return Ok(Some((
                "this group belongs to another community".into(),
                "foreign_chat",
            )));
        }
        let (Some(q), Some(kind)) = (&self.quotas, QuotaKind::of(channel)) else {
            return Ok(None);
        };
        if q.take(&job.app_id, &job.account_id, kind, now_ms).is_ok() {
            return Ok(None);
        }
        self.metrics
            .inc("quota_exceeded_total", &[("channel", channel.as_str())]);
        if q.should_notify(&job.app_id, &job.account_id, now_ms) {
            let msg = format!(
                "Your community reached its hourly limit of {} messages, so some alerts were not \
                 sent. They are in the delivery log as dead letters. The limit resets within the \
                 hour; if your community needs more, ask the relay's operator.",
                kind.as_str()
            );
            self.db
                .add_notice(
                    &job.tenant_id(),
                    "hourly_limit",
                    &msg,
                    Some(&job.route_name),
                    None,
                )
                .await?;
        }
        Ok(Some((
            "hourly limit reached for this community".into(),
            "quota",
        )))
    }

    /// A "started" alert is worthless once the meeting has ended or after `stale_after_secs`.
    async fn stale_reason(&self, job: &Job, now_ms: i64) -> Result<Option<String>, StoreError> {
        if job.event != "meeting.started" {
            return Ok(None);
        }
        if let Some(uuid) = &job.meeting_uuid
            && self
                .db
                .instance_ended(&job.tenant_id(), uuid)
                .await?
                .is_some()
        {
            return Ok(Some(
                "stale: the meeting ended before the started alert was sent".into(),
            ));
        }
        let age_ms = now_ms - job.received_at_ms;
        if age_ms > (self.delivery.stale_after_secs as i64).saturating_mul(1000) {
            return Ok(Some(format!(
                "stale: not sent within stale_after_secs ({} s)",
                self.delivery.stale_after_secs
            )));
        }
        Ok(None)
    }

    /// The wait before attempt `attempt_no + 1`, or None when the schedule is exhausted. A server's
    /// own hint (`after`) is honoured exactly; the schedule gets ±jitter so retries spread out.
    fn retry_delay(&self, attempt_no: u32, after: Option<Duration>) -> Option<Duration> {
        let schedule = &self.delivery.retry_schedule_secs;
        let base = *schedule.get(attempt_no as usize - 1)?;
        if let Some(a) = after {
            return Some(a);
        }
        let j = self.delivery.jitter;
        let factor = if j > 0.0 {
            rand::thread_rng().gen_range(1.0 - j..=1.0 + j)
        } else {
            1.0
        };
        Some(Duration::from_secs_f64((base * factor).max(0.0)))
    }

    fn count(&self, channel: Channel, outcome: &str, reason: &str) {
        self.metrics.inc(
            "deliveries_total",
            &[
                ("channel", channel.as_str()),
                ("outcome", outcome),
                ("reason", reason),
            ],
        );
    }

    /// Steps until idle, then sleeps until the next due job, a signal (from the dispatcher, or from
    /// another replica's commit), or the fallback poll.
    pub async fn run(self, signals: Arc<Signals>, token: CancellationToken) {
        let channel = self.sender.channel();
        loop {
            let step = self.step().await;
            if !matches!(
                step,
                Ok(StepOutcome::Sent { .. } | StepOutcome::Retry { .. } | StepOutcome::Dead { .. })
            ) && let Err(e) = self.flush_pending().await
            {
                tracing::error!(channel = channel.as_str(), error = %e, "flushing delivery outcomes failed");
            }
            // Never longer than the fallback poll: another replica may queue a job or move one's
            // due time without this worker hearing of it (a lost wake-up).
            let poll = Duration::from_secs(self.delivery.poll_interval_secs.max(1));
            let wait = match step {
                Ok(StepOutcome::Idle { next_due_ms }) => next_due_ms
                    .map(|t| {
                        Duration::from_millis(
                            (t - chrono::Utc::now().timestamp_millis()).max(1) as u64
                        )
                        .min(poll)
                    })
                    .unwrap_or(poll),
                Ok(_) => Duration::ZERO,
                Err(e) => {
                    tracing::error!(channel = channel.as_str(), error = %e, "delivery step failed");
                    Duration::from_secs(1)
                }
            };
            if token.is_cancelled() {
                return;
            }
            if wait.is_zero() {
                continue;
            }
            tokio::select! {
                _ = token.cancelled() => return,
                _ = signals.channel(channel).notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}

fn status_reason(status: Option<u16>) -> &'static str {
    match status {
        None => "network",
        Some(429) => "rate_limited",
        Some(s) if s >= 500 => "server_error",
        Some(s) if s >= 400 => "client_error",
        Some(_) => "other",
    }
}

//! Deliveries: what is queued, what failed and why, and putting failures back in the queue.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::events::parse_since;
use crate::store::{Attempt, DisabledTarget, Job, Message, Notice, Store, StoreError};

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeliveriesQuery {
    /// Only dead letters.
    #[serde(default)]
    pub failed: bool,
    pub route: Option<String>,
    #[serde(default)]
    pub app: Option<String>,
    pub account: Option<String>,
    /// Also list delivered jobs (kept as long as events are).
    #[serde(default)]
    pub sent: bool,
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct DeliveryView {
    pub id: u64,
    /// `pending` (queued or waiting to retry), `dead`, or `sent`.
    pub state: String,
    pub event: String,
    pub event_seq: u64,
    #[serde(default)]
    pub app_id: String,
    pub account_id: String,
    pub route: String,
    pub target: String,
    pub attempts: u32,
    /// When the next attempt is due (pending), when it died (dead) or was delivered (sent).
    pub at: String,
    /// The last attempt's detail, or the reason it died.
    pub detail: Option<String>,
}

fn ts(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn view(
    store: &Store,
    job: &Job,
    state: &str,
    at_ms: i64,
    reason: Option<String>,
) -> Result<DeliveryView, StoreError> {
    let detail = match reason {
        Some(r) => Some(r),
        None => store.attempts_of(job.id)?.last().map(|a| a.detail.clone()),
    };
    Ok(DeliveryView {
        id: job.id,
        state: state.to_string(),
        event: job.event.clone(),
        event_seq: job.event_seq,
        app_id: job.app_id.clone(),
        account_id: job.account_id.clone(),
        route: job.route_name.clone(),
        target: job.target.describe(),
        attempts: job.attempts,
        at: ts(at_ms),
        detail,
    })
}

pub fn list(store: &Store, q: &DeliveriesQuery) -> Result<Vec<DeliveryView>, StoreError> {
    let keep = |j: &Job| {
        q.route.as_deref().is_none_or(|r| r == j.route_name)
            && q.app.as_deref().is_none_or(|a| a == j.app_id)
            && q.account.as_deref().is_none_or(|a| a == j.account_id)
    };
    let mut out = Vec::new();
    for d in store.list_dead()?.iter().rev() {
        if keep(&d.job) {
            out.push(view(
                store,
                &d.job,
                "dead",
                d.dead_at_ms,
                Some(d.reason.clone()),
            )?);
        }
    }
    if !q.failed {
        for j in store.list_jobs()?.iter().rev() {
            if keep(j) {
                out.push(view(store, j, "pending", j.due_at_ms, None)?);
            }
        }
        if q.sent {
            for s in store.list_sent()?.iter().rev() {
                if keep(&s.job) {
                    out.push(view(store, &s.job, "sent", s.sent_at_ms, None)?);
                }
            }
        }
    }
    out.truncate(q.limit.unwrap_or(200).min(10_000));
    Ok(out)
}

/// One delivery with its whole attempt history and the message it carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: DeliveryView,
    pub message: Message,
    pub attempts: Vec<AttemptView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct AttemptView {
    pub attempt: u32,
    pub at: String,
    /// `sent`, `retry` or `dead`.
    pub outcome: String,
    /// The HTTP or SMTP status, when there was one.
    pub status: Option<u16>,
    pub detail: String,
    pub latency_ms: u64,
}

impl From<&Attempt> for AttemptView {
    fn from(a: &Attempt) -> Self {
        AttemptView {
            attempt: a.attempt,
            at: ts(a.at_ms),
            outcome: serde_json::to_value(a.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            status: a.status,
            detail: a.detail.clone(),
            latency_ms: a.latency_ms,
        }
    }
}

/// Delivery `id` (pending, dead or sent) with its attempts; None when there is no such job.
/// Callers check the tenant (`app_id`, `account_id`) before showing it.
pub fn get(store: &Store, id: u64) -> Result<Option<DeliveryDetail>, StoreError> {
    let (view, message) = if let Some(d) = store.get_dead(id)? {
        (
            view(store, &d.job, "dead", d.dead_at_ms, Some(d.reason.clone()))?,
            d.job.message,
        )
    } else if let Some(j) = store.get_job(id)? {
        (view(store, &j, "pending", j.due_at_ms, None)?, j.message)
    } else if let Some(s) = store.get_sent(id)? {
        (
            view(store, &s.job, "sent", s.sent_at_ms, None)?,
            s.job.message,
        )
    } else {
        return Ok(None);
    };
    let attempts = store
        .attempts_of(id)?
        .iter()
        .map(AttemptView::from)
        .collect();
    Ok(Some(DeliveryDetail {
        delivery: view,
        message,
        attempts,
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("no dead letter with id {0}")]
    NotFound(u64),
    #[error("`since`: {0}")]
    BadSince(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Puts one dead letter back in the queue.
pub fn retry(store: &Store, id: u64) -> Result<(), RetryError> {
    if store.retry_dead(id, Utc::now().timestamp_millis())? {
        Ok(())
    } else {
        Err(RetryError::NotFound(id))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReplayRequest {
    /// RFC 3339 or an age such as `2h`.
    pub since: String,
    pub route: Option<String>,
    /// Only this tenant's dead letters (a tenant-scoped caller always sets both).
    #[serde(default)]
    pub app: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ReplayReport {
    pub requeued: usize,
}

/// Puts back every dead letter that died at or after `since` (optionally of one route).
pub fn replay(store: &Store, r: &ReplayRequest) -> Result<ReplayReport, RetryError> {
    let now = Utc::now();
    let since = parse_since(&r.since, now)
        .map_err(RetryError::BadSince)?
        .timestamp_millis();
    let mut report = ReplayReport::default();
    for d in store.list_dead()? {
        if d.dead_at_ms >= since
            && r.route.as_deref().is_none_or(|x| x == d.job.route_name)
            && r.app.as_deref().is_none_or(|x| x == d.job.app_id)
            && r.account.as_deref().is_none_or(|x| x == d.job.account_id)
            && store.retry_dead(d.job.id, now.timestamp_millis())?
        {
            report.requeued += 1;
        }
    }
    Ok(report)
}

pub fn notices(
    store: &Store,
    app: Option<&str>,
    account: Option<&str>,
) -> Result<Vec<Notice>, StoreError> {
    let list = match (app, account) {
        (Some(app), Some(acc)) => store.list_notices(Some((app, acc)))?,
        (None, Some(acc)) => store
            .list_notices(None)?
            .into_iter()
            .filter(|n| n.account_id == acc)
            .collect(),
        _ => store.list_notices(None)?,
    };
    Ok(list)
}

/// Destinations disabled after a permanent failure (410, a kicked bot).
pub fn disabled(
    store: &Store,
    app: Option<&str>,
    account: Option<&str>,
) -> Result<Vec<DisabledTarget>, StoreError> {
    Ok(store
        .list_disabled(None)?
        .into_iter()
        .filter(|d| app.is_none_or(|a| a == d.app_id))
        .filter(|d| account.is_none_or(|a| a == d.account_id))
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EnableRequest {
    #[serde(default = "default_app")]
    pub app: String,
    pub account: String,
    /// The destination as `deliveries list` and `destinations disabled` show it, e.g.
    /// `telegram:-1001234567890:7` or `webhook:https://example.org/hook`.
    pub target: String,
}

fn default_app() -> String {
    "default".into()
}

/// Sends to a disabled destination again. Returns false when it was not disabled.
pub fn enable(store: &Store, r: &EnableRequest) -> Result<bool, StoreError> {
    store.enable_target(&r.app, &r.account, &r.target)
}

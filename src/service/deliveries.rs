//! Deliveries: what is queued, what failed and why, and putting failures back in the queue.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::events::parse_since;
use super::{Ctx, ServiceError, in_scope, of_tenant};
use crate::store::TenantId;
use crate::store::{Attempt, Backend, DisabledTarget, Job, Message, Notice};

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
    /// Only one state: `pending`, `dead` or `sent` (overrides `failed` and `sent`).
    #[serde(default)]
    pub state: Option<String>,
    /// Only the deliveries of one event kind, e.g. `meeting.started`.
    #[serde(default)]
    pub event: Option<String>,
    pub limit: Option<usize>,
}

/// The states a delivery is listed in, as [`DeliveryView::state`] names them.
pub const DELIVERY_STATES: [&str; 3] = ["pending", "dead", "sent"];

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
    /// A message of "Send test", not of a real meeting.
    #[serde(default)]
    pub test: bool,
}

fn ts(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn view(
    db: &dyn Backend,
    job: &Job,
    state: &str,
    at_ms: i64,
    reason: Option<String>,
) -> Result<DeliveryView, ServiceError> {
    let detail = match reason {
        Some(r) => Some(r),
        None => db
            .attempts_of(job.id)
            .await?
            .last()
            .map(|a| a.detail.clone()),
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
        test: job.idempotency_key.starts_with("test_"),
    })
}

pub async fn list(ctx: &Ctx, q: &DeliveriesQuery) -> Result<Vec<DeliveryView>, ServiceError> {
    let db = &*ctx.db;
    let keep = |j: &Job| {
        q.route.as_deref().is_none_or(|r| r == j.route_name)
            && in_scope(j, q.app.as_deref(), q.account.as_deref())
            && q.event.as_deref().is_none_or(|e| e == j.event)
    };
    let (dead, pending, sent) = match q.state.as_deref() {
        None => (true, !q.failed, !q.failed && q.sent),
        Some("dead") => (true, false, false),
        Some("pending") => (false, true, false),
        Some("sent") => (false, false, true),
        Some(other) => {
            return Err(ServiceError::invalid(
                "state",
                format!(
                    "`{other}` is not a state; use {}",
                    DELIVERY_STATES.join(", ")
                ),
            ));
        }
    };
    let mut out = Vec::new();
    if dead {
        for d in db.list_dead().await?.iter().rev() {
            if keep(&d.job) {
                out.push(view(db, &d.job, "dead", d.dead_at_ms, Some(d.reason.clone())).await?);
            }
        }
    }
    if pending {
        for j in db.list_jobs().await?.iter().rev() {
            if keep(j) {
                out.push(view(db, j, "pending", j.due_at_ms, None).await?);
            }
        }
    }
    if sent {
        for s in db.list_sent().await?.iter().rev() {
            if keep(&s.job) {
                out.push(view(db, &s.job, "sent", s.sent_at_ms, None).await?);
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
pub async fn get(ctx: &Ctx, id: u64) -> Result<Option<DeliveryDetail>, ServiceError> {
    let db = &*ctx.db;
    // A job moves between the three places while we look (pending -> dead or sent, dead ->
    // pending on a retry), each move one atomic step, but the three reads are not one snapshot:
    // a job can leave the place just before we read it and arrive in one we already read. So a
    // miss is looked at again; a delivery that exists is found within a few rounds, and only one
    // that is absent every time is reported missing.
    let mut found = None;
    for _ in 0..3 {
        found = if let Some(j) = db.get_job(id).await? {
            Some((view(db, &j, "pending", j.due_at_ms, None).await?, j.message))
        } else if let Some(d) = db.get_dead(id).await? {
            Some((
                view(db, &d.job, "dead", d.dead_at_ms, Some(d.reason.clone())).await?,
                d.job.message,
            ))
        } else if let Some(s) = db.get_sent(id).await? {
            Some((
                view(db, &s.job, "sent", s.sent_at_ms, None).await?,
                s.job.message,
            ))
        } else {
            None
        };
        if found.is_some() {
            break;
        }
    }
    let Some((view, message)) = found else {
        return Ok(None);
    };
    let attempts = db
        .attempts_of(id)
        .await?
        .iter()
        .map(AttemptView::from)
        .collect();
    Ok(Some(DeliveryDetail {
        delivery: view,
        message,
        attempts,
    }))
}

/// Puts one dead letter back in the queue; it is durable and the workers awake when this returns.
pub async fn retry(ctx: &Ctx, id: u64) -> Result<(), ServiceError> {
    if ctx.db.retry_dead(id, Utc::now().timestamp_millis()).await? {
        ctx.queued().await
    } else {
        Err(ServiceError::NotFound(format!(
            "no dead letter with id {id}"
        )))
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
pub async fn replay(ctx: &Ctx, r: &ReplayRequest) -> Result<ReplayReport, ServiceError> {
    let now = Utc::now();
    let since = parse_since(&r.since, now)
        .map_err(|m| ServiceError::invalid("since", m))?
        .timestamp_millis();
    let mut report = ReplayReport::default();
    for d in ctx.db.list_dead().await? {
        if d.dead_at_ms >= since
            && r.route.as_deref().is_none_or(|x| x == d.job.route_name)
            && r.app.as_deref().is_none_or(|x| x == d.job.app_id)
            && r.account.as_deref().is_none_or(|x| x == d.job.account_id)
            && ctx.db.retry_dead(d.job.id, now.timestamp_millis()).await?
        {
            report.requeued += 1;
        }
    }
    if report.requeued > 0 {
        ctx.queued().await?;
    }
    Ok(report)
}

/// The notices of the tenants the filters name (see [`super::of_tenant`]).
pub async fn notices(
    ctx: &Ctx,
    app: Option<&str>,
    account: Option<&str>,
) -> Result<Vec<Notice>, ServiceError> {
    Ok(match (app, account) {
        (Some(app), Some(acc)) => ctx.db.list_notices(Some(&TenantId::new(app, acc))).await?,
        _ => of_tenant(ctx.db.list_notices(None).await?, app, account),
    })
}

/// Destinations disabled after a permanent failure (410, a kicked bot).
pub async fn disabled(
    ctx: &Ctx,
    app: Option<&str>,
    account: Option<&str>,
) -> Result<Vec<DisabledTarget>, ServiceError> {
    Ok(of_tenant(ctx.db.list_disabled(None).await?, app, account))
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
pub async fn enable(ctx: &Ctx, r: &EnableRequest) -> Result<bool, ServiceError> {
    let enabled = ctx
        .db
        .enable_target(&TenantId::new(&r.app, &r.account), &r.target)
        .await?;
    ctx.durable().await?;
    Ok(enabled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::test_ctx;

    #[tokio::test]
    async fn notices_filtered_by_app_alone_are_that_apps_only() {
        let (_dir, ctx) = test_ctx();
        for (app, account) in [("a1", "acc"), ("a2", "acc"), ("a1", "other")] {
            ctx.db
                .add_notice(&TenantId::new(app, account), "test", "m", None, None)
                .await
                .unwrap();
        }
        let tenants = |list: Vec<Notice>| -> Vec<(String, String)> {
            let mut t: Vec<_> = list.into_iter().map(|n| (n.app_id, n.account_id)).collect();
            t.sort();
            t
        };
        let of = |app: &str, account: &str| (app.to_owned(), account.to_owned());
        let by_app = tenants(notices(&ctx, Some("a1"), None).await.unwrap());
        assert_eq!(by_app, vec![of("a1", "acc"), of("a1", "other")]);
        let by_account = tenants(notices(&ctx, None, Some("acc")).await.unwrap());
        assert_eq!(by_account, vec![of("a1", "acc"), of("a2", "acc")]);
        let one = tenants(notices(&ctx, Some("a2"), Some("acc")).await.unwrap());
        assert_eq!(one, vec![of("a2", "acc")]);
        assert_eq!(notices(&ctx, None, None).await.unwrap().len(), 3);
    }
}

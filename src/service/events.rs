//! What arrived: the received-events log.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::{Ctx, ServiceError};
use crate::store::{EventFilter, EventRecord, EventStatus};

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventsQuery {
    /// RFC 3339 time or a relative age such as `2h`, `30m`, `7d`.
    pub since: Option<String>,
    pub app: Option<String>,
    pub account: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct EventView {
    pub seq: u64,
    pub received_at: String,
    pub app_id: String,
    pub account_id: Option<String>,
    pub event: String,
    pub status: String,
    pub detail: Option<String>,
    pub zm_request_id: Option<String>,
    pub zm_tracking_id: Option<String>,
}

impl From<&EventRecord> for EventView {
    fn from(r: &EventRecord) -> Self {
        let detail = match &r.status {
            EventStatus::Pending => r.event.parse_error.clone(),
            EventStatus::Dispatched { routes, jobs } => {
                Some(format!("{routes} route(s) matched, {jobs} job(s)"))
            }
            EventStatus::Unroutable { reason } => Some(reason.clone()),
            EventStatus::NoTenant => Some(format!(
                "account has not installed app `{}`; install it at /zoom/install/{}",
                r.event.app_id, r.event.app_id
            )),
        };
        EventView {
            seq: r.seq,
            received_at: DateTime::<Utc>::from_timestamp_millis(r.received_at_ms)
                .unwrap_or_default()
                .to_rfc3339_opts(SecondsFormat::Millis, true),
            app_id: r.event.app_id.clone(),
            account_id: r.event.account_id.clone(),
            event: r.event.event.clone(),
            status: r.status.label().to_string(),
            detail,
            zm_request_id: r.event.zm_request_id.clone(),
            zm_tracking_id: r.event.zm_tracking_id.clone(),
        }
    }
}

/// Parses `since` as RFC 3339 or as an age (`90s`, `15m`, `2h`, `7d`) before `now`.
pub fn parse_since(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("`{s}` is neither RFC 3339 nor an age like 2h"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return Err(format!("`{s}`: use a unit of s, m, h or d")),
    };
    Ok(now - chrono::Duration::seconds(secs))
}

pub async fn list(ctx: &Ctx, q: &EventsQuery) -> Result<Vec<EventView>, ServiceError> {
    let since_ms = q
        .since
        .as_deref()
        .map(|s| parse_since(s, Utc::now()).map(|t| t.timestamp_millis()))
        .transpose()
        .map_err(|m| ServiceError::invalid("since", m))?;
    let records = ctx
        .db
        .list_events(&EventFilter {
            since_ms,
            app_id: q.app.clone(),
            account_id: q.account.clone(),
            limit: q.limit.unwrap_or(100).min(10_000),
        })
        .await?;
    Ok(records.iter().map(EventView::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_ages_and_rfc3339() {
        let now = DateTime::parse_from_rfc3339("2026-01-02T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_since("1d", now).unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(
            parse_since("2026-01-01T12:00:00Z", now)
                .unwrap()
                .timestamp(),
            1767268800
        );
        assert!(parse_since("yesterday", now).is_err());
        assert!(parse_since("5w", now).is_err());
    }
}

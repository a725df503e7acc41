//! The event log, the inbox and the dedup index.

use serde::{Deserialize, Serialize};

use super::keys::{decode_dedup_value, decode_seq, seq_key};
use super::{Store, StoreError};

/// What intake hands to the store. The raw body is kept byte-exact for audit and replay.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewEvent {
    pub app_id: String,
    pub account_id: Option<String>,
    pub event: String,
    pub event_ts: Option<i64>,
    /// Zoom's `x-zm-request-id` header.
    pub zm_request_id: Option<String>,
    /// Zoom's `x-zm-trackingid` header.
    pub zm_tracking_id: Option<String>,
    /// Why the body did not fit the typed event, if it did not.
    pub parse_error: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EventStatus {
    /// In the inbox, waiting for the dispatcher.
    Pending,
    /// Matched and turned into `jobs` outbox jobs (possibly zero: no route matched).
    Dispatched { routes: u32, jobs: u32 },
    /// Could not be routed (malformed, unknown event type, ...); kept for audit.
    Unroutable { reason: String },
    /// The app uses OAuth and this account has not installed it (or uninstalled it): not routed.
    NoTenant,
}

impl EventStatus {
    pub fn label(&self) -> &'static str {
        match self {
            EventStatus::Pending => "pending",
            EventStatus::Dispatched { .. } => "dispatched",
            EventStatus::Unroutable { .. } => "unroutable",
            EventStatus::NoTenant => "no_tenant",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventRecord {
    pub seq: u64,
    pub received_at_ms: i64,
    #[serde(flatten)]
    pub event: NewEvent,
    pub status: EventStatus,
}

/// The record layout: a format byte, the length of a JSON header (u32, big-endian), the header (every
/// field but the body), then the raw body bytes. Keeping the body out of the JSON avoids escaping a
/// JSON document inside another on the intake path, and keeps the bytes exactly as Zoom sent them.
#[derive(Serialize)]
struct HeaderRef<'a> {
    received_at_ms: i64,
    app_id: &'a str,
    account_id: &'a Option<String>,
    event: &'a str,
    event_ts: Option<i64>,
    zm_request_id: &'a Option<String>,
    zm_tracking_id: &'a Option<String>,
    parse_error: &'a Option<String>,
    status: &'a EventStatus,
}

#[derive(Deserialize)]
struct Header {
    received_at_ms: i64,
    app_id: String,
    account_id: Option<String>,
    event: String,
    event_ts: Option<i64>,
    zm_request_id: Option<String>,
    zm_tracking_id: Option<String>,
    parse_error: Option<String>,
    status: EventStatus,
}

/// Format tag of event records, so the layout can evolve.
const RECORD_V1: u8 = 1;

impl NewEvent {
    pub(super) fn encode(&self, received_at_ms: i64) -> Vec<u8> {
        encode_record(received_at_ms, self, &EventStatus::Pending)
    }
}

fn encode_record(received_at_ms: i64, e: &NewEvent, status: &EventStatus) -> Vec<u8> {
    let header = serde_json::to_vec(&HeaderRef {
        received_at_ms,
        app_id: &e.app_id,
        account_id: &e.account_id,
        event: &e.event,
        event_ts: e.event_ts,
        zm_request_id: &e.zm_request_id,
        zm_tracking_id: &e.zm_tracking_id,
        parse_error: &e.parse_error,
        status,
    })
    .expect("event headers serialize");
    let mut out = Vec::with_capacity(5 + header.len() + e.body.len());
    out.push(RECORD_V1);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(e.body.as_bytes());
    out
}

impl EventRecord {
    pub(super) fn decode(seq: u64, bytes: &[u8]) -> Result<EventRecord, String> {
        match bytes.split_first() {
            Some((&RECORD_V1, rest)) => {
                if rest.len() < 4 {
                    return Err("truncated record".into());
                }
                let len = u32::from_be_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
                let rest = &rest[4..];
                if rest.len() < len {
                    return Err("truncated record header".into());
                }
                let h: Header = serde_json::from_slice(&rest[..len]).map_err(|e| e.to_string())?;
                let body = std::str::from_utf8(&rest[len..])
                    .map_err(|_| "body is not UTF-8".to_string())?
                    .to_string();
                Ok(EventRecord {
                    seq,
                    received_at_ms: h.received_at_ms,
                    event: NewEvent {
                        app_id: h.app_id,
                        account_id: h.account_id,
                        event: h.event,
                        event_ts: h.event_ts,
                        zm_request_id: h.zm_request_id,
                        zm_tracking_id: h.zm_tracking_id,
                        parse_error: h.parse_error,
                        body,
                    },
                    status: h.status,
                })
            }
            Some((v, _)) => Err(format!("unknown record format {v}")),
            None => Err("empty record".into()),
        }
    }

    pub(super) fn encode(&self) -> Vec<u8> {
        encode_record(self.received_at_ms, &self.event, &self.status)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendOutcome {
    /// Stored and flushed under this sequence number.
    Accepted { seq: u64 },
    /// A retry of an event already stored (as `seq`); nothing was written.
    Duplicate { seq: u64 },
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only events received at or after this time (ms).
    pub since_ms: Option<i64>,
    pub app_id: Option<String>,
    pub account_id: Option<String>,
    pub limit: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub dedup_removed: usize,
    pub events_removed: usize,
}

impl Store {
    /// Appends a verified event unless `dedup_key` was seen (in sled or still only in the journal),
    /// and returns once it is on disk in the intake journal.
    pub async fn append_event(
        &self,
        dedup_key: [u8; 16],
        event: NewEvent,
    ) -> Result<AppendOutcome, StoreError> {
        let received_at_ms = chrono::Utc::now().timestamp_millis();
        let record = event.encode(received_at_ms);
        self.inner
            .journal
            .append(dedup_key, record, received_at_ms)
            .await
    }

    pub fn get_event(&self, seq: u64) -> Result<Option<EventRecord>, StoreError> {
        if !self.applied_through(seq) {
            self.settle_blocking();
        }
        match self.inner.events.get(seq_key(seq))? {
            Some(v) => EventRecord::decode(seq, &v)
                .map(Some)
                .map_err(|e| StoreError::Io(format!("event {seq}: {e}"))),
            None => Ok(None),
        }
    }

    /// Newest first.
    pub fn list_events(&self, filter: &EventFilter) -> Result<Vec<EventRecord>, StoreError> {
        self.settle_blocking();
        let limit = if filter.limit == 0 { 100 } else { filter.limit };
        let mut out = Vec::new();
        for item in self.inner.events.iter().rev() {
            let (k, v) = item?;
            let Some(seq) = decode_seq(&k) else { continue };
            let rec = EventRecord::decode(seq, &v).map_err(StoreError::Io)?;
            if let Some(since) = filter.since_ms
                && rec.received_at_ms < since
            {
                break;
            }
            if filter
                .app_id
                .as_deref()
                .is_some_and(|a| a != rec.event.app_id)
            {
                continue;
            }
            if filter
                .account_id
                .as_deref()
                .is_some_and(|a| Some(a) != rec.event.account_id.as_deref())
            {
                continue;
            }
            out.push(rec);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    pub fn inbox_len(&self) -> usize {
        self.settle_blocking();
        self.inner.inbox.len()
    }

    pub fn event_count(&self) -> usize {
        self.settle_blocking();
        self.inner.events.len()
    }

    /// Removes dedup keys and dispatched events past their retention. Pending events are kept
    /// whatever their age: an acknowledged event is never dropped before it is dispatched.
    pub fn expire(
        &self,
        now_ms: i64,
        dedup_retention_ms: i64,
        event_retention_ms: i64,
    ) -> Result<RetentionReport, StoreError> {
        let mut report = RetentionReport::default();
        let dedup_cutoff = now_ms.saturating_sub(dedup_retention_ms);
        for item in self.inner.dedup.iter() {
            let (k, v) = item?;
            if decode_dedup_value(&v).is_none_or(|(at, _)| at < dedup_cutoff) {
                // compare_and_swap so a concurrent re-insert of the same key is not lost.
                if self
                    .inner
                    .dedup
                    .compare_and_swap(&k, Some(v), None as Option<&[u8]>)?
                    .is_ok()
                {
                    report.dedup_removed += 1;
                }
            }
        }
        let event_cutoff = now_ms.saturating_sub(event_retention_ms);
        for item in self.inner.events.iter() {
            let (k, v) = item?;
            let Some(seq) = decode_seq(&k) else { continue };
            let Ok(rec) = EventRecord::decode(seq, &v) else {
                continue;
            };
            if rec.received_at_ms >= event_cutoff {
                break; // keys follow arrival order
            }
            if self.inner.inbox.contains_key(&k)? {
                continue;
            }
            self.inner.events.remove(&k)?;
            report.events_removed += 1;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips_with_exact_body() {
        let ev = NewEvent {
            app_id: "a".into(),
            account_id: Some("acc".into()),
            event: "meeting.started".into(),
            event_ts: Some(5),
            zm_request_id: None,
            zm_tracking_id: Some("t".into()),
            parse_error: None,
            body: r#"{"topic":"\uD83D\uDE92 ’"}"#.into(),
        };
        let rec = EventRecord::decode(7, &ev.encode(42)).unwrap();
        assert_eq!(rec.seq, 7);
        assert_eq!(rec.received_at_ms, 42);
        assert_eq!(rec.event.body, ev.body);
        assert_eq!(rec.status, EventStatus::Pending);
    }
}

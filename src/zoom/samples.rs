//! Sample events in Zoom's real shapes (string ids in started/ended, numeric elsewhere, no join_url in
//! started). `simulate` sends them and template validation renders against them.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::EventKind;

#[derive(Debug, Clone)]
pub struct SampleParams {
    pub account_id: String,
    pub topic: String,
    pub meeting_id: u64,
    pub host_id: String,
    /// Meeting instance; defaults to one derived from the meeting id and time.
    pub uuid: Option<String>,
    pub now: DateTime<Utc>,
}

impl Default for SampleParams {
    fn default() -> Self {
        SampleParams {
            account_id: "demo-account".into(),
            topic: "Community call".into(),
            meeting_id: 85393847045,
            host_id: "z8yCxjabcdEFGHfp8uQ".into(),
            uuid: None,
            now: Utc::now(),
        }
    }
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The event names `simulate` accepts.
pub const SIMULATED: [&str; 6] = [
    "meeting.created",
    "meeting.started",
    "meeting.ended",
    "meeting.updated",
    "meeting.deleted",
    "app_deauthorized",
];

/// A sample body for `kind`, or `None` for kinds we have no sample of.
pub fn sample(kind: &EventKind, p: &SampleParams) -> Option<Value> {
    let ts = p.now.timestamp_millis();
    let uuid = p
        .uuid
        .clone()
        .unwrap_or_else(|| format!("{}-{}==", p.meeting_id, ts));
    let start = p.now;
    let body = match kind {
        EventKind::MeetingCreated => json!({
            "event": "meeting.created",
            "payload": {
                "account_id": p.account_id,
                "operator": "organizer@example.org",
                "operator_id": p.host_id,
                "operation": "single",
                "object": {
                    "uuid": uuid, "id": p.meeting_id, "host_id": p.host_id, "topic": p.topic,
                    "type": 2, "start_time": iso(start + Duration::days(1)), "duration": 60,
                    "timezone": "America/New_York",
                    "join_url": format!("https://zoom.us/j/{}?pwd=demoPwd", p.meeting_id),
                    "password": "123456"
                }
            },
            "event_ts": ts
        }),
        EventKind::MeetingStarted => json!({
            "event": "meeting.started",
            "payload": {
                "account_id": p.account_id,
                "object": {
                    "id": p.meeting_id.to_string(), "uuid": uuid, "host_id": p.host_id,
                    "topic": p.topic, "type": 2, "start_time": iso(start),
                    "timezone": "America/New_York", "duration": 60
                }
            },
            "event_ts": ts
        }),
        EventKind::MeetingEnded => json!({
            "event": "meeting.ended",
            "payload": {
                "account_id": p.account_id,
                "object": {
                    "id": p.meeting_id.to_string(), "uuid": uuid, "host_id": p.host_id,
                    "topic": p.topic, "type": 2, "start_time": iso(start - Duration::minutes(47)),
                    "end_time": iso(start), "timezone": "America/New_York", "duration": 60
                }
            },
            "event_ts": ts
        }),
        EventKind::MeetingUpdated => json!({
            "event": "meeting.updated",
            "payload": {
                "account_id": p.account_id,
                "operator": "organizer@example.org",
                "operator_id": p.host_id,
                "scope": "single",
                "time_stamp": ts - 1000,
                "object": { "id": p.meeting_id, "topic": p.topic, "start_time": iso(start + Duration::days(2)) },
                "old_object": { "id": p.meeting_id, "topic": format!("{} (old)", p.topic), "start_time": iso(start + Duration::days(1)) }
            },
            "event_ts": ts
        }),
        EventKind::MeetingDeleted => json!({
            "event": "meeting.deleted",
            "payload": {
                "account_id": p.account_id,
                "operator": "organizer@example.org",
                "operator_id": p.host_id,
                "operation": "single",
                "object": {
                    "uuid": uuid, "id": p.meeting_id, "host_id": p.host_id, "topic": p.topic,
                    "type": 2, "start_time": iso(start + Duration::days(1)), "duration": 60,
                    "timezone": "America/New_York"
                }
            },
            "event_ts": ts
        }),
        EventKind::AppDeauthorized => json!({
            "event": "app_deauthorized",
            "payload": {
                "account_id": p.account_id,
                "user_id": p.host_id,
                "signature": format!("deauth-{ts}"),
                "deauthorization_time": iso(start),
                "client_id": "demo-client-id"
            },
            "event_ts": ts
        }),
        _ => return None,
    };
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoom::event::{ParsedEvent, parse};

    #[test]
    fn every_sample_parses_as_its_kind() {
        for name in SIMULATED {
            let kind = EventKind::parse(name);
            let body =
                serde_json::to_vec(&sample(&kind, &SampleParams::default()).unwrap()).unwrap();
            match parse(&body).unwrap() {
                ParsedEvent::Ok(e) => assert_eq!(e.kind, kind),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}

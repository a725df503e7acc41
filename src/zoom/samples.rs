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
    let payload = match kind {
        EventKind::MeetingCreated => {
            let mut object = scheduled(p, &uuid);
            object["join_url"] = json!(format!("https://zoom.us/j/{}?pwd=demoPwd", p.meeting_id));
            object["password"] = json!("123456");
            by_organizer(p, json!({"operation": "single", "object": object}))
        }
        EventKind::MeetingStarted => json!({
            "account_id": p.account_id,
            "object": running(p, &uuid, start, None)
        }),
        EventKind::MeetingEnded => json!({
            "account_id": p.account_id,
            "object": running(p, &uuid, start - Duration::minutes(47), Some(start))
        }),
        EventKind::MeetingUpdated => by_organizer(
            p,
            json!({
                "scope": "single",
                "time_stamp": ts - 1000,
                "object": { "id": p.meeting_id, "topic": p.topic, "start_time": iso(start + Duration::days(2)) },
                "old_object": { "id": p.meeting_id, "topic": format!("{} (old)", p.topic), "start_time": iso(start + Duration::days(1)) }
            }),
        ),
        EventKind::MeetingDeleted => by_organizer(
            p,
            json!({"operation": "single", "object": scheduled(p, &uuid)}),
        ),
        EventKind::AppDeauthorized => json!({
            "account_id": p.account_id,
            "user_id": p.host_id,
            "signature": format!("deauth-{ts}"),
            "deauthorization_time": iso(start),
            "client_id": "demo-client-id"
        }),
        _ => return None,
    };
    Some(json!({
        "event": kind.as_str(),
        "payload": payload,
        "event_ts": ts
    }))
}

/// The payload of a change an organizer made (created, updated, deleted): who, then `rest`.
fn by_organizer(p: &SampleParams, rest: Value) -> Value {
    let mut payload = json!({
        "account_id": p.account_id,
        "operator": "organizer@example.org",
        "operator_id": p.host_id
    });
    if let (Some(m), Value::Object(rest)) = (payload.as_object_mut(), rest) {
        m.extend(rest);
    }
    payload
}

/// A meeting scheduled for tomorrow, as created and deleted send it (numeric id).
fn scheduled(p: &SampleParams, uuid: &str) -> Value {
    json!({
        "uuid": uuid, "id": p.meeting_id, "host_id": p.host_id, "topic": p.topic,
        "type": 2, "start_time": iso(p.now + Duration::days(1)), "duration": 60,
        "timezone": "America/New_York"
    })
}

/// A meeting as started and ended send it: the id as a string, no join link; `end` for ended.
fn running(
    p: &SampleParams,
    uuid: &str,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
) -> Value {
    let mut object = json!({
        "id": p.meeting_id.to_string(), "uuid": uuid, "host_id": p.host_id,
        "topic": p.topic, "type": 2, "start_time": iso(start)
    });
    if let Some(end) = end {
        object["end_time"] = json!(iso(end));
    }
    object["timezone"] = json!("America/New_York");
    object["duration"] = json!(60);
    object
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

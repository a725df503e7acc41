//! The template context (DESIGN section 7). Every documented key is always present, `null` when
//! Zoom did not send it, so strict mode flags only genuine typos and never a field Zoom omitted.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::zoom::event::EventBody;
use crate::zoom::{Meeting, ZoomEvent};

/// What the dispatcher knows about one (event, route) pair.
#[derive(Debug, Clone, Copy)]
pub struct ContextInput<'a> {
    pub event: &'a ZoomEvent,
    pub app_id: &'a str,
    pub route_name: &'a str,
    /// IANA zone for the time helpers; empty means UTC.
    pub timezone: &'a str,
    pub locale: Option<&'a str>,
    /// Privacy first: `join_url` and `password` reach the context only when the route says so.
    pub include_join_link: bool,
    /// From meeting memory, for events that carry no link themselves (meeting.started has none).
    pub join_url: Option<&'a str>,
    pub password: Option<&'a str>,
    pub public_url: &'a str,
    pub unsubscribe_url: Option<&'a str>,
}

/// The keys of `meeting` (and `old`), in documentation order.
pub const MEETING_KEYS: [&str; 11] = [
    "id",
    "uuid",
    "topic",
    "host_id",
    "type",
    "start_time",
    "end_time",
    "timezone",
    "duration",
    "join_url",
    "password",
];

/// A join link or passcode, only where the route allows it: the event's own, else memory's.
fn allowed<'a>(allow: bool, own: Option<&'a str>, remembered: Option<&'a str>) -> Option<&'a str> {
    allow.then(|| own.or(remembered)).flatten()
}

pub fn build_context(input: &ContextInput) -> Value {
    let ev = input.event;
    let (meeting, old, operator) = match &ev.body {
        EventBody::Meeting {
            meeting,
            old,
            operator,
            ..
        } => (Some(meeting), old.as_ref(), operator.as_deref()),
        _ => (None, None, None),
    };
    let allow = input.include_join_link;
    // The event's own link is the freshest; memory fills in for events that have none.
    let join_url = allowed(
        allow,
        meeting.and_then(|m| m.join_url.as_deref()),
        input.join_url,
    );
    let password = allowed(
        allow,
        meeting.and_then(|m| m.password.as_deref()),
        input.password,
    );
    let timezone = match input.timezone.trim() {
        "" => "UTC",
        tz => tz,
    };
    json!({
        "event": ev.kind.as_str(),
        "event_time": ev.event_ts.and_then(DateTime::<Utc>::from_timestamp_millis).map(rfc3339),
        "account_id": ev.account_id,
        "app_id": input.app_id,
        "operator": operator,
        "meeting": meeting_json(meeting, join_url, password),
        // Only the fields meeting.updated says changed; all null otherwise. Old links obey the
        // same privacy rule, without a fallback from memory.
        "old": meeting_json(
            old,
            allow.then(|| old.and_then(|m| m.join_url.as_deref())).flatten(),
            allow.then(|| old.and_then(|m| m.password.as_deref())).flatten(),
        ),
        "route": {
            "name": input.route_name,
            "timezone": timezone,
            "locale": input.locale,
        },
        "relay": { "public_url": input.public_url },
        "unsubscribe_url": input.unsubscribe_url,
    })
}

fn meeting_json(m: Option<&Meeting>, join_url: Option<&str>, password: Option<&str>) -> Value {
    let d = Meeting::default();
    let m = m.unwrap_or(&d);
    let mut o = Map::new();
    o.insert("id".into(), json!(m.id));
    o.insert("uuid".into(), json!(m.uuid));
    o.insert("topic".into(), json!(m.topic));
    o.insert("host_id".into(), json!(m.host_id));
    o.insert("type".into(), json!(m.kind));
    o.insert("start_time".into(), json!(m.start_time));
    o.insert("end_time".into(), json!(m.end_time));
    o.insert("timezone".into(), json!(m.timezone));
    o.insert("duration".into(), json!(m.duration));
    o.insert("join_url".into(), json!(join_url));
    o.insert("password".into(), json!(password));
    debug_assert_eq!(o.len(), MEETING_KEYS.len());
    Value::Object(o)
}

pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoom::event::{ParsedEvent, parse};

    fn event(body: &str) -> ZoomEvent {
        match parse(body.as_bytes()).unwrap() {
            ParsedEvent::Ok(e) => e,
            other => panic!("{other:?}"),
        }
    }

    fn input(ev: &ZoomEvent, allow: bool) -> ContextInput<'_> {
        ContextInput {
            event: ev,
            app_id: "default",
            route_name: "r",
            timezone: "",
            locale: None,
            include_join_link: allow,
            join_url: Some("https://zoom.us/j/1?pwd=mem"),
            password: Some("mem"),
            public_url: "https://relay.example.org",
            unsubscribe_url: None,
        }
    }

    #[test]
    fn every_documented_key_is_present_even_when_zoom_omits_it() {
        let ev = event(r#"{"event":"meeting.deleted","payload":{"object":{"id":5}}}"#);
        let ctx = build_context(&input(&ev, false));
        for k in [
            "event",
            "event_time",
            "account_id",
            "app_id",
            "operator",
            "meeting",
            "old",
            "route",
            "relay",
            "unsubscribe_url",
        ] {
            assert!(ctx.get(k).is_some(), "missing {k}");
        }
        for k in MEETING_KEYS {
            assert!(ctx["meeting"].get(k).is_some(), "missing meeting.{k}");
            assert!(ctx["old"].get(k).is_some(), "missing old.{k}");
        }
        assert_eq!(ctx["route"]["timezone"], "UTC");
        assert_eq!(ctx["route"]["locale"], Value::Null);
        assert_eq!(ctx["meeting"]["id"], 5);
    }

    #[test]
    fn join_link_only_when_allowed_and_event_link_preferred_over_memory() {
        let started = event(r#"{"event":"meeting.started","payload":{"object":{"id":"5"}}}"#);
        assert_eq!(
            build_context(&input(&started, false))["meeting"]["join_url"],
            Value::Null
        );
        assert_eq!(
            build_context(&input(&started, false))["meeting"]["password"],
            Value::Null
        );
        let ctx = build_context(&input(&started, true));
        assert_eq!(ctx["meeting"]["join_url"], "https://zoom.us/j/1?pwd=mem");
        assert_eq!(ctx["meeting"]["password"], "mem");

        let created = event(
            r#"{"event":"meeting.created","payload":{"object":{"id":5,"join_url":"https://zoom.us/j/5","password":"own"}}}"#,
        );
        let ctx = build_context(&input(&created, true));
        assert_eq!(ctx["meeting"]["join_url"], "https://zoom.us/j/5");
        assert_eq!(ctx["meeting"]["password"], "own");
        assert_eq!(
            build_context(&input(&created, false))["meeting"]["join_url"],
            Value::Null
        );
    }

    #[test]
    fn updated_carries_old_values() {
        let ev = event(
            r#"{"event":"meeting.updated","event_ts":1617628462392,"payload":{"operator":"o@example.org","object":{"id":5,"topic":"New"},"old_object":{"id":5,"topic":"Old"}}}"#,
        );
        let ctx = build_context(&input(&ev, false));
        assert_eq!(ctx["old"]["topic"], "Old");
        assert_eq!(ctx["meeting"]["topic"], "New");
        assert_eq!(ctx["operator"], "o@example.org");
        assert_eq!(ctx["event_time"], "2021-04-05T13:14:22.392Z");
    }
}

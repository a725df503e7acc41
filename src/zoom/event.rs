//! Typed Zoom events, tolerant of Zoom's quirks (reference/zoom.md section 4):
//! `object.id` is a number in created/updated/deleted but a string in started/ended, `event_ts` is an
//! int or (in app_deauthorized docs) a string inside `payload`, optional fields are often absent, and
//! unknown fields appear without notice.
//!
//! Parsing never drops a verified event: a body that is JSON with an `event` name but does not fit the
//! typed shape becomes [`ParsedEvent::Malformed`], which is stored and acknowledged like any other.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    MeetingCreated,
    MeetingStarted,
    MeetingEnded,
    MeetingUpdated,
    MeetingDeleted,
    AppDeauthorized,
    UrlValidation,
    Other(String),
}

impl EventKind {
    pub const MEETING_KINDS: [EventKind; 5] = [
        EventKind::MeetingCreated,
        EventKind::MeetingStarted,
        EventKind::MeetingEnded,
        EventKind::MeetingUpdated,
        EventKind::MeetingDeleted,
    ];

    /// The event in plain words, for people ("Meeting started"), where a template cannot be used.
    pub fn plain(&self) -> &str {
        match self {
            EventKind::MeetingCreated => "Meeting scheduled",
            EventKind::MeetingStarted => "Meeting started",
            EventKind::MeetingEnded => "Meeting ended",
            EventKind::MeetingUpdated => "Meeting changed",
            EventKind::MeetingDeleted => "Meeting cancelled",
            EventKind::AppDeauthorized => "App removed",
            EventKind::UrlValidation => "Address check",
            EventKind::Other(name) => name,
        }
    }

    pub fn parse(name: &str) -> EventKind {
        match name {
            "meeting.created" => EventKind::MeetingCreated,
            "meeting.started" => EventKind::MeetingStarted,
            "meeting.ended" => EventKind::MeetingEnded,
            "meeting.updated" => EventKind::MeetingUpdated,
            "meeting.deleted" => EventKind::MeetingDeleted,
            "app_deauthorized" => EventKind::AppDeauthorized,
            "endpoint.url_validation" => EventKind::UrlValidation,
            other => EventKind::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            EventKind::MeetingCreated => "meeting.created",
            EventKind::MeetingStarted => "meeting.started",
            EventKind::MeetingEnded => "meeting.ended",
            EventKind::MeetingUpdated => "meeting.updated",
            EventKind::MeetingDeleted => "meeting.deleted",
            EventKind::AppDeauthorized => "app_deauthorized",
            EventKind::UrlValidation => "endpoint.url_validation",
            EventKind::Other(s) => s,
        }
    }

    pub fn is_meeting(&self) -> bool {
        Self::MEETING_KINDS.contains(self)
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A meeting as Zoom describes it in an event. Every field but `id` may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// The meeting number; repeats across instances of recurring meetings and PMI.
    #[serde(default, deserialize_with = "flex_u64_opt")]
    pub id: Option<u64>,
    /// The meeting instance.
    pub uuid: Option<String>,
    pub host_id: Option<String>,
    pub topic: Option<String>,
    /// 1 instant, 2 scheduled, 3 recurring without fixed time, 4 PMI, 8 recurring with fixed time.
    #[serde(default, rename = "type", deserialize_with = "flex_i64_opt")]
    pub kind: Option<i64>,
    /// ISO-8601 UTC, e.g. `2021-07-13T21:44:51Z`.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    /// IANA zone name of the meeting.
    pub timezone: Option<String>,
    /// Scheduled minutes, also in meeting.ended (not the actual length).
    #[serde(default, deserialize_with = "flex_i64_opt")]
    pub duration: Option<i64>,
    pub join_url: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
// One value per request, never stored in bulk: boxing would only add allocations.
#[allow(clippy::large_enum_variant)]
pub enum EventBody {
    Meeting {
        meeting: Meeting,
        operator: Option<String>,
        operator_id: Option<String>,
        /// meeting.updated: previous values of the changed fields.
        old: Option<Meeting>,
        /// meeting.updated: when the change happened (ms).
        time_stamp: Option<i64>,
    },
    Deauthorized {
        user_id: Option<String>,
        /// "a unique ID for each instance of app deauthorization"; a dedup key, not a request signature.
        signature: Option<String>,
        client_id: Option<String>,
    },
    UrlValidation {
        plain_token: String,
    },
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoomEvent {
    pub kind: EventKind,
    /// When the event happened, ms since the epoch.
    pub event_ts: Option<i64>,
    pub account_id: Option<String>,
    pub body: EventBody,
}

impl ZoomEvent {
    pub fn meeting(&self) -> Option<&Meeting> {
        match &self.body {
            EventBody::Meeting { meeting, .. } => Some(meeting),
            _ => None,
        }
    }
}

/// The result of parsing a JSON body that names an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum ParsedEvent {
    Ok(ZoomEvent),
    /// JSON with an `event` name, but fields of the wrong shape. Stored and acknowledged, never routed.
    Malformed {
        kind: EventKind,
        account_id: Option<String>,
        error: String,
    },
}

impl ParsedEvent {
    pub fn kind(&self) -> &EventKind {
        match self {
            ParsedEvent::Ok(e) => &e.kind,
            ParsedEvent::Malformed { kind, .. } => kind,
        }
    }

    pub fn account_id(&self) -> Option<&str> {
        match self {
            ParsedEvent::Ok(e) => e.account_id.as_deref(),
            ParsedEvent::Malformed { account_id, .. } => account_id.as_deref(),
        }
    }

    /// The key under which Zoom's retries of this delivery are recognised (reference/zoom.md 7.4):
    /// started/ended by meeting instance, created/updated/deleted by meeting number and time,
    /// app_deauthorized by `payload.signature`. Where a field is missing, a hash of the body stands in,
    /// which still catches byte-identical retries. Returned as 16 bytes of SHA-256 so that the dedup
    /// index holds no account ids in clear.
    pub fn dedup_key(&self, app_id: &str, body: &[u8]) -> [u8; 16] {
        let body_hash = || hex::encode(&Sha256::digest(body)[..16]);
        let natural = match self {
            ParsedEvent::Ok(e) => {
                let account = e.account_id.as_deref().unwrap_or("");
                match (&e.kind, &e.body) {
                    (
                        EventKind::MeetingStarted | EventKind::MeetingEnded,
                        EventBody::Meeting { meeting, .. },
                    ) => meeting
                        .uuid
                        .as_ref()
                        .map(|u| format!("{app_id}|{account}|{}|uuid:{u}", e.kind)),
                    (
                        EventKind::MeetingCreated
                        | EventKind::MeetingUpdated
                        | EventKind::MeetingDeleted,
                        EventBody::Meeting {
                            meeting,
                            time_stamp,
                            ..
                        },
                    ) => match (meeting.id, e.event_ts) {
                        (Some(id), Some(ts)) => Some(format!(
                            "{app_id}|{account}|{}|id:{id}|ts:{ts}|t:{}",
                            e.kind,
                            time_stamp.unwrap_or(0)
                        )),
                        _ => None,
                    },
                    (
                        EventKind::AppDeauthorized,
                        EventBody::Deauthorized {
                            signature: Some(sig),
                            ..
                        },
                    ) => Some(format!("{app_id}|app_deauthorized|sig:{sig}")),
                    _ => None,
                }
            }
            ParsedEvent::Malformed { .. } => None,
        };
        let key =
            natural.unwrap_or_else(|| format!("{app_id}|{}|body:{}", self.kind(), body_hash()));
        let mut out = [0u8; 16];
        out.copy_from_slice(&Sha256::digest(key.as_bytes())[..16]);
        out
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("body is not JSON: {0}")]
    NotJson(String),
    #[error("JSON has no string field `event`")]
    NoEventName,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    event: Option<String>,
    #[serde(default, deserialize_with = "flex_i64_lenient")]
    event_ts: Option<i64>,
    #[serde(borrow, default)]
    payload: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct AccountOnly {
    account_id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct MeetingPayload {
    account_id: Option<String>,
    operator: Option<String>,
    operator_id: Option<String>,
    #[serde(default, deserialize_with = "flex_i64_opt")]
    time_stamp: Option<i64>,
    object: Meeting,
    old_object: Option<Meeting>,
}

#[derive(Deserialize)]
struct DeauthPayload {
    account_id: Option<String>,
    user_id: Option<String>,
    signature: Option<String>,
    client_id: Option<String>,
    #[serde(default, deserialize_with = "flex_i64_opt")]
    event_ts: Option<i64>,
}

#[derive(Deserialize)]
struct CrcPayload {
    #[serde(rename = "plainToken")]
    plain_token: String,
}

/// Parses a verified body. Only a body that is not JSON, or JSON without an event name, is an error.
pub fn parse(body: &[u8]) -> Result<ParsedEvent, ParseError> {
    let env: Envelope<'_> =
        serde_json::from_slice(body).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let kind = EventKind::parse(env.event.as_deref().ok_or(ParseError::NoEventName)?);
    let payload = env.payload.map(RawValue::get).unwrap_or("null");
    let typed: Result<ZoomEvent, serde_json::Error> = match &kind {
        k if k.is_meeting() => serde_json::from_str::<MeetingPayload>(payload).map(|p| ZoomEvent {
            kind: kind.clone(),
            event_ts: env.event_ts,
            account_id: p.account_id,
            body: EventBody::Meeting {
                meeting: p.object,
                operator: p.operator,
                operator_id: p.operator_id,
                old: p.old_object,
                time_stamp: p.time_stamp,
            },
        }),
        EventKind::AppDeauthorized => {
            serde_json::from_str::<DeauthPayload>(payload).map(|p| ZoomEvent {
                kind: kind.clone(),
                event_ts: env.event_ts.or(p.event_ts),
                account_id: p.account_id,
                body: EventBody::Deauthorized {
                    user_id: p.user_id,
                    signature: p.signature,
                    client_id: p.client_id,
                },
            })
        }
        EventKind::UrlValidation => {
            serde_json::from_str::<CrcPayload>(payload).map(|p| ZoomEvent {
                kind: kind.clone(),
                event_ts: env.event_ts,
                account_id: None,
                body: EventBody::UrlValidation {
                    plain_token: p.plain_token,
                },
            })
        }
        _ => Ok(ZoomEvent {
            kind: kind.clone(),
            event_ts: env.event_ts,
            account_id: account_of(payload),
            body: EventBody::Other,
        }),
    };
    Ok(match typed {
        Ok(e) => ParsedEvent::Ok(e),
        Err(err) => ParsedEvent::Malformed {
            account_id: account_of(payload),
            kind,
            error: err.to_string(),
        },
    })
}

fn account_of(payload: &str) -> Option<String> {
    serde_json::from_str::<AccountOnly>(payload)
        .ok()
        .and_then(|a| match a.account_id {
            Some(serde_json::Value::String(s)) => Some(s),
            _ => None,
        })
}

// ---------------------------------------------------------------------------------------------
// Number-or-string fields.

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    U(u64),
    I(i64),
    F(f64),
    S(String),
}

fn flex_u64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<NumOrStr>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrStr::U(u)) => Ok(Some(u)),
        Some(NumOrStr::I(i)) => u64::try_from(i)
            .map(Some)
            .map_err(|_| de::Error::custom("meeting id is negative")),
        Some(NumOrStr::F(_)) => Err(de::Error::custom("meeting id is not an integer")),
        Some(NumOrStr::S(s)) => from_text(&s, "meeting id "),
    }
}

fn flex_i64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<NumOrStr>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrStr::U(u)) => i64::try_from(u)
            .map(Some)
            .map_err(|_| de::Error::custom("number out of range")),
        Some(NumOrStr::I(i)) => Ok(Some(i)),
        Some(NumOrStr::F(f)) => Ok(Some(f as i64)),
        Some(NumOrStr::S(s)) => from_text(&s, ""),
    }
}

/// A number Zoom sent as text: blank is absent; the error names the value, after `what`.
fn from_text<T: std::str::FromStr, E: de::Error>(s: &str, what: &str) -> Result<Option<T>, E> {
    match s.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| E::custom(format!("{what}{s:?} is not a number"))),
    }
}

/// `event_ts` at the top level: a wrong shape there must not turn a verified event into a 400.
fn flex_i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(flex_i64_opt(d).unwrap_or(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/zoom/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn created_has_numeric_id_and_join_url() {
        let ParsedEvent::Ok(e) = parse(&fixture("meeting.created.json")).unwrap() else {
            panic!()
        };
        assert_eq!(e.kind, EventKind::MeetingCreated);
        let m = e.meeting().unwrap();
        assert_eq!(m.id, Some(1234567890));
        assert!(
            m.join_url
                .as_deref()
                .unwrap()
                .starts_with("https://zoom.us/j/")
        );
        assert_eq!(m.password.as_deref(), Some("PaSsWoRd"));
        assert_eq!(e.event_ts, Some(1617628462392));
    }

    #[test]
    fn started_has_string_id_and_no_join_url() {
        let ParsedEvent::Ok(e) = parse(&fixture("meeting.started.zoom-docs.json")).unwrap() else {
            panic!()
        };
        let m = e.meeting().unwrap();
        assert_eq!(m.id, Some(1234567890));
        assert_eq!(m.join_url, None);
        assert_eq!(e.account_id.as_deref(), Some("Wk9PTV9BQ0NPVU5UX0lE"));
    }

    #[test]
    fn updated_and_deleted_parse() {
        let ParsedEvent::Ok(u) = parse(&fixture("meeting.updated.json")).unwrap() else {
            panic!()
        };
        match &u.body {
            EventBody::Meeting {
                old, time_stamp, ..
            } => {
                assert_eq!(
                    old.as_ref().unwrap().topic.as_deref(),
                    Some("ZoomNet Unit Testing: scheduled meeting")
                );
                assert_eq!(*time_stamp, Some(1617628463664));
            }
            _ => panic!(),
        }
        let ParsedEvent::Ok(d) = parse(&fixture("meeting.deleted.json")).unwrap() else {
            panic!()
        };
        assert_eq!(d.meeting().unwrap().start_time, None);
    }

    #[test]
    fn deauthorized_with_event_ts_string_in_payload() {
        let body = br#"{"event":"app_deauthorized","payload":{"account_id":"A1","user_id":"U1","signature":"sig-1","deauthorization_time":"2019-06-17T13:52:28.632Z","client_id":"c","event_ts":"1560779548632"}}"#;
        let ParsedEvent::Ok(e) = parse(body).unwrap() else {
            panic!()
        };
        assert_eq!(e.event_ts, Some(1560779548632));
        assert_eq!(e.account_id.as_deref(), Some("A1"));
    }

    #[test]
    fn unknown_event_and_wrong_shapes_are_kept_not_rejected() {
        let ParsedEvent::Ok(e) = parse(
            br#"{"event":"recording.completed","payload":{"account_id":"A","object":{"x":[1]}}}"#,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(e.kind, EventKind::Other("recording.completed".into()));
        assert_eq!(e.account_id.as_deref(), Some("A"));
        let m = parse(br#"{"event":"meeting.started","payload":{"account_id":"A","object":{"id":{"nested":1}}}}"#).unwrap();
        assert!(
            matches!(m, ParsedEvent::Malformed { ref account_id, .. } if account_id.as_deref() == Some("A"))
        );
    }

    #[test]
    fn not_json_and_no_event_name_are_errors() {
        assert!(matches!(parse(b"hello"), Err(ParseError::NotJson(_))));
        assert_eq!(parse(br#"{"payload":{}}"#), Err(ParseError::NoEventName));
    }

    #[test]
    fn dedup_key_is_per_instance_for_started_and_per_time_for_created() {
        let s1 = br#"{"event":"meeting.started","event_ts":1,"payload":{"account_id":"A","object":{"id":"5","uuid":"u1"}}}"#;
        let s1_retry = br#"{"event":"meeting.started","event_ts":2,"payload":{"account_id":"A","object":{"id":"5","uuid":"u1"}}}"#;
        let s2 = br#"{"event":"meeting.started","event_ts":1,"payload":{"account_id":"A","object":{"id":"5","uuid":"u2"}}}"#;
        let k = |b: &[u8], app: &str| parse(b).unwrap().dedup_key(app, b);
        assert_eq!(k(s1, "a"), k(s1_retry, "a"));
        assert_ne!(k(s1, "a"), k(s2, "a"));
        assert_ne!(k(s1, "a"), k(s1, "b"));
        let c1 = br#"{"event":"meeting.created","event_ts":1,"payload":{"account_id":"A","object":{"id":5}}}"#;
        let c2 = br#"{"event":"meeting.created","event_ts":2,"payload":{"account_id":"A","object":{"id":5}}}"#;
        assert_ne!(k(c1, "a"), k(c2, "a"));
    }
}

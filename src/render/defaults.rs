//! The default templates, embedded so the binary works from any directory, and the default webhook
//! body, which is built in code so its shape is stable whatever the templates say.

use serde::Serialize;
use serde_json::Value;

/// The events that ship default templates.
pub const EVENTS: [&str; 5] = [
    "meeting.created",
    "meeting.started",
    "meeting.ended",
    "meeting.updated",
    "meeting.deleted",
];

/// Keys with a default template file (`webhook.json` has none: see [`webhook_body`]).
pub const FILE_KEYS: [&str; 5] = [
    "telegram.html",
    "email.subject",
    "email.txt",
    "email.html",
    "log.txt",
];

macro_rules! event_templates {
    ($event:literal) => {
        [
            include_str!(concat!("../../templates/", $event, "/telegram.html.hbs")),
            include_str!(concat!("../../templates/", $event, "/email.subject.hbs")),
            include_str!(concat!("../../templates/", $event, "/email.txt.hbs")),
            include_str!(concat!("../../templates/", $event, "/email.html.hbs")),
            include_str!(concat!("../../templates/", $event, "/log.txt.hbs")),
        ]
    };
}

/// Indexed like [`EVENTS`] then [`FILE_KEYS`].
const SOURCES: [[&str; 5]; 5] = [
    event_templates!("meeting.created"),
    event_templates!("meeting.started"),
    event_templates!("meeting.ended"),
    event_templates!("meeting.updated"),
    event_templates!("meeting.deleted"),
];

/// The shipped source of `key` for `event`, for `templates show` and for editing a copy.
pub fn default_template(event: &str, key: &str) -> Option<&'static str> {
    let e = EVENTS.iter().position(|e| *e == event)?;
    let k = FILE_KEYS.iter().position(|k| *k == key)?;
    Some(SOURCES[e][k])
}

/// Every default as (event, key, source).
pub fn all() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    EVENTS.iter().enumerate().flat_map(|(e, event)| {
        FILE_KEYS
            .iter()
            .enumerate()
            .map(move |(k, key)| (*event, *key, SOURCES[e][k]))
    })
}

/// Standard Webhooks' recommended envelope: `{type, timestamp, data}`.
#[derive(Serialize)]
struct Envelope<'a> {
    r#type: &'a Value,
    timestamp: &'a Value,
    data: Data<'a>,
}

#[derive(Serialize)]
struct Data<'a> {
    event: &'a Value,
    app_id: &'a Value,
    account_id: &'a Value,
    meeting: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    old: Option<&'a Value>,
    route: Route<'a>,
}

#[derive(Serialize)]
struct Route<'a> {
    name: &'a Value,
}

/// The default webhook body, from the template context: so it holds a join link exactly when the
/// route allows one. `old` appears only for meeting.updated.
pub fn webhook_body(ctx: &Value) -> String {
    let get = |k: &str| ctx.get(k).unwrap_or(&Value::Null);
    let event = get("event");
    let body = Envelope {
        r#type: event,
        timestamp: get("event_time"),
        data: Data {
            event,
            app_id: get("app_id"),
            account_id: get("account_id"),
            meeting: get("meeting"),
            old: (event.as_str() == Some("meeting.updated")).then(|| get("old")),
            route: Route {
                name: ctx.pointer("/route/name").unwrap_or(&Value::Null),
            },
        },
    };
    serde_json::to_string(&body).expect("JSON values always serialize")
}

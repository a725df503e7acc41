//! The route model: what organizers write (TOML for `routes import`, JSON for the API).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Target;
use crate::zoom::EventKind;

/// A route as organizers write it (TOML for `routes import`, JSON for the API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub name: String,
    #[serde(default = "default_app")]
    pub app_id: String,
    pub account_id: String,
    /// A sentence or two about the group for the join page ("Tuesday evening meetup in Leeds").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub events: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_contains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_regex: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meeting_ids: Vec<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_ids: Vec<String>,
    #[serde(default = "default_tz")]
    pub timezone: String,
    /// The language of this route's alerts and member pages (BCP 47, such as `es` or `pt-BR`);
    /// unset means the relay's `[defaults] locale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Privacy first: join links and passcodes only where the organizer says so.
    #[serde(default)]
    pub include_join_link: bool,
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Telegram: show a preview of the first link (off by default: alerts stay compact).
    #[serde(default, skip_serializing_if = "is_false")]
    pub link_preview: bool,
    /// Telegram: deliver without a notification sound.
    #[serde(default, skip_serializing_if = "is_false")]
    pub silent: bool,
    /// Telegram: what to do with a message over 4096 characters.
    #[serde(default, skip_serializing_if = "Overflow::is_default")]
    pub overflow: Overflow,
    #[serde(default)]
    pub destinations: Vec<Destination>,
    /// Per-route template overrides: `"telegram.html"` for every event of the route, or
    /// `"meeting.started/telegram.html"` for one event.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Telegram's 4096-character limit: split into several valid messages, or cut with "…".
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Overflow {
    #[default]
    Split,
    Truncate,
}

impl Overflow {
    fn is_default(&self) -> bool {
        *self == Overflow::Split
    }
}

/// How a job is delivered, taken from its route at dispatch.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct DeliveryOptions {
    #[serde(default)]
    pub link_preview: bool,
    #[serde(default)]
    pub silent: bool,
    #[serde(default)]
    pub overflow: Overflow,
}

impl Route {
    /// A new route of tenant (`app_id`, `account_id`) as an editor starts one: started meetings,
    /// UTC, enabled, no filters and no destinations yet.
    pub fn new(app_id: &str, account_id: &str, name: &str) -> Route {
        Route {
            name: name.into(),
            app_id: app_id.into(),
            account_id: account_id.into(),
            events: vec!["meeting.started".into()],
            topic_contains: None,
            topic_regex: None,
            meeting_ids: vec![],
            host_ids: vec![],
            timezone: "UTC".into(),
            locale: None,
            description: None,
            include_join_link: false,
            enabled: true,
            link_preview: false,
            silent: false,
            overflow: Overflow::Split,
            destinations: vec![],
            templates: BTreeMap::new(),
        }
    }

    pub fn delivery_options(&self) -> DeliveryOptions {
        DeliveryOptions {
            link_preview: self.link_preview,
            silent: self.silent,
            overflow: self.overflow,
        }
    }
}

fn default_app() -> String {
    "default".into()
}
fn default_tz() -> String {
    "UTC".into()
}
fn default_true() -> bool {
    true
}

/// Read by [`Destination`]'s own `Deserialize` (below), which accepts what this derive writes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Destination {
    Telegram {
        chat_id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        thread_id: Option<i64>,
        /// A member's personal subscription made through the bot (`/start CODE`): the member may
        /// remove it (`/unsubscribe`) and pause it (`/mute`); organizer destinations are not muted.
        #[serde(default, skip_serializing_if = "is_false")]
        member: bool,
        /// The community's own bot this chat was linked or subscribed through (its Telegram id,
        /// the number before the ':' of its token); none for the relay's shared bot. A chat only
        /// hears from bots it has started or added, so this stays with the destination until the
        /// member or group moves to another bot.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bot: Option<i64>,
    },
    Email {
        to: Vec<String>,
        /// A member's personal subscription rather than an organizer's list: its messages carry
        /// one-click unsubscribe headers (RFC 8058) that remove the address from this route.
        #[serde(default, skip_serializing_if = "is_false")]
        member: bool,
    },
    Webhook {
        url: String,
        /// Standard Webhooks secret, `whsec_` + base64.
        secret: String,
    },
    Log,
}

/// Every key a destination may have, and its kinds.
const DESTINATION_KEYS: &[&str] = &[
    "kind",
    "chat_id",
    "thread_id",
    "member",
    "bot",
    "to",
    "url",
    "secret",
];
const DESTINATION_KINDS: &[&str] = &["telegram", "email", "webhook", "log"];

/// Written by hand rather than derived: serde's internally tagged enums buffer the whole table
/// before reading it, so an error such as a webhook without `secret` lost its place, and `toml`
/// pointed at the route's first destination. Reading the keys in a visitor keeps every error
/// inside the destination's own table, whose line `toml` then reports. Accepts exactly what the
/// derive accepted: the same keys per kind, unknown and duplicate keys refused.
impl<'de> Deserialize<'de> for Destination {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(DestinationVisitor)
    }
}

struct DestinationVisitor;

/// A key the destination's kind requires.
fn need<T, E: serde::de::Error>(v: Option<T>, key: &'static str) -> Result<T, E> {
    v.ok_or_else(|| E::missing_field(key))
}

impl<'de> serde::de::Visitor<'de> for DestinationVisitor {
    type Value = Destination;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a destination table with a `kind` (telegram, email, webhook or log)")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Destination, A::Error> {
        use serde::de::Error;
        let mut kind: Option<String> = None;
        let mut chat_id: Option<i64> = None;
        let mut thread_id: Option<i64> = None;
        let mut member: Option<bool> = None;
        let mut bot: Option<i64> = None;
        let mut to: Option<Vec<String>> = None;
        let mut url: Option<String> = None;
        let mut secret: Option<String> = None;
        let mut seen: Vec<&'static str> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let Some(&key) = DESTINATION_KEYS.iter().find(|k| **k == key) else {
                return Err(A::Error::unknown_field(&key, DESTINATION_KEYS));
            };
            if seen.contains(&key) {
                return Err(A::Error::duplicate_field(key));
            }
            seen.push(key);
            match key {
                "kind" => kind = Some(map.next_value()?),
                "chat_id" => chat_id = Some(map.next_value()?),
                "thread_id" => thread_id = map.next_value()?,
                "member" => member = Some(map.next_value()?),
                "bot" => bot = map.next_value()?,
                "to" => to = Some(map.next_value()?),
                "url" => url = Some(map.next_value()?),
                _ => secret = Some(map.next_value()?),
            }
        }
        let kind = kind.ok_or_else(|| A::Error::missing_field("kind"))?;
        let keys: &'static [&'static str] = match kind.as_str() {
            "telegram" => &["kind", "chat_id", "thread_id", "member", "bot"],
            "email" => &["kind", "to", "member"],
            "webhook" => &["kind", "url", "secret"],
            "log" => &["kind"],
            other => return Err(A::Error::unknown_variant(other, DESTINATION_KINDS)),
        };
        if let Some(extra) = seen.iter().find(|k| !keys.contains(k)) {
            return Err(A::Error::unknown_field(extra, keys));
        }
        Ok(match kind.as_str() {
            "telegram" => Destination::Telegram {
                chat_id: need(chat_id, "chat_id")?,
                thread_id,
                member: member.unwrap_or(false),
                bot,
            },
            "email" => Destination::Email {
                to: need(to, "to")?,
                member: member.unwrap_or(false),
            },
            "webhook" => Destination::Webhook {
                url: need(url, "url")?,
                secret: need(secret, "secret")?,
            },
            _ => Destination::Log,
        })
    }
}

impl Destination {
    pub fn targets(&self) -> Vec<Target> {
        match self {
            Destination::Telegram {
                chat_id,
                thread_id,
                bot,
                ..
            } => vec![Target::Telegram {
                chat_id: *chat_id,
                thread_id: *thread_id,
                bot: *bot,
            }],
            Destination::Email { to, .. } => to
                .iter()
                .map(|t| Target::Email {
                    to: t.trim().to_string(),
                })
                .collect(),
            Destination::Webhook { url, secret } => vec![Target::Webhook {
                url: url.clone(),
                secret: secret.clone(),
            }],
            Destination::Log => vec![Target::Log],
        }
    }
}

impl Route {
    pub fn event_kinds(&self) -> Vec<EventKind> {
        self.events.iter().map(|e| EventKind::parse(e)).collect()
    }
}

/// The route document: `[[routes]]` entries, as in `routes import FILE.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteDocument {
    #[serde(default)]
    pub routes: Vec<Route>,
}

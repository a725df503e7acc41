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

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
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

impl Destination {
    pub fn targets(&self) -> Vec<Target> {
        match self {
            Destination::Telegram {
                chat_id, thread_id, ..
            } => vec![Target::Telegram {
                chat_id: *chat_id,
                thread_id: *thread_id,
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

//! Routes: which meetings organizers want to hear about, and where. Pure data and pure functions.
//!
//! A route belongs to a tenant, `(app_id, account_id)`, and is unique by name within it. Every
//! enabled route whose filters match fires (no first-match-wins: organizers of different groups
//! share an account and must not shadow each other). A destination reached by several routes gets one
//! message per event, rendered by the first of those routes in name order.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::zoom::{EventKind, ZoomEvent};

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

/// One concrete place a message goes: an email destination fans out to one target per recipient,
/// so recipients never see each other's addresses and overlapping routes dedupe per address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    Telegram {
        chat_id: i64,
        thread_id: Option<i64>,
    },
    Email {
        to: String,
    },
    Webhook {
        url: String,
        /// Sealed when a job is stored (store/sealing.rs), plaintext in memory.
        #[serde(with = "crate::store::sealing::target_secret")]
        #[schemars(with = "String")]
        secret: String,
    },
    Log,
}

impl Target {
    /// Identity for dedup and per-destination ordering. Secrets are not part of it.
    pub fn key(&self) -> String {
        match self {
            Target::Telegram { chat_id, thread_id } => match thread_id {
                Some(t) => format!("telegram:{chat_id}:{t}"),
                None => format!("telegram:{chat_id}"),
            },
            Target::Email { to } => format!("email:{}", to.to_lowercase()),
            Target::Webhook { url, .. } => format!("webhook:{url}"),
            Target::Log => "log".into(),
        }
    }

    pub fn channel(&self) -> Channel {
        match self {
            Target::Telegram { .. } => Channel::Telegram,
            Target::Email { .. } => Channel::Email,
            Target::Webhook { .. } => Channel::Webhook,
            Target::Log => Channel::Log,
        }
    }

    /// A description safe to show and log (no webhook secret).
    pub fn describe(&self) -> String {
        self.key()
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Telegram,
    Email,
    Webhook,
    Log,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Telegram,
        Channel::Email,
        Channel::Webhook,
        Channel::Log,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Telegram => "telegram",
            Channel::Email => "email",
            Channel::Webhook => "webhook",
            Channel::Log => "log",
        }
    }

    pub fn tag(self) -> u8 {
        match self {
            Channel::Telegram => 1,
            Channel::Email => 2,
            Channel::Webhook => 3,
            Channel::Log => 4,
        }
    }
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

// ---------------------------------------------------------------------------------------------
// Validation.

/// What a route is checked against.
pub struct ValidationContext<'a> {
    pub app_ids: Vec<&'a str>,
    pub telegram_enabled: bool,
    pub email_enabled: bool,
    /// Validates one template override; returns a message on error.
    pub check_template: &'a dyn Fn(&str, &str) -> Result<(), String>,
    /// The SSRF settings: webhook URLs are refused at creation when they name a private address
    /// or a private host name, not only when the first send fails.
    pub webhooks: &'a crate::config::WebhooksConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub const MEETING_EVENTS: [&str; 5] = [
    "meeting.created",
    "meeting.started",
    "meeting.ended",
    "meeting.updated",
    "meeting.deleted",
];

impl Route {
    /// Every problem with this route, each naming its field.
    pub fn validate(&self, ctx: &ValidationContext<'_>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut err = |field: &str, message: String| {
            errs.push(FieldError {
                field: field.to_string(),
                message,
            })
        };
        let name = self.name.trim();
        if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
            err(
                "name",
                "must be 1-200 characters without control characters".into(),
            );
        }
        if !ctx.app_ids.contains(&self.app_id.as_str()) {
            err(
                "app_id",
                format!(
                    "no Zoom app `{}` is configured (have: {})",
                    self.app_id,
                    ctx.app_ids.join(", ")
                ),
            );
        }
        if self.account_id.trim().is_empty() {
            err(
                "account_id",
                "is required: the Zoom account this route belongs to".into(),
            );
        }
        if self.events.is_empty() {
            err(
                "events",
                format!("list at least one of {}", MEETING_EVENTS.join(", ")),
            );
        }
        for e in &self.events {
            if !MEETING_EVENTS.contains(&e.as_str()) {
                err(
                    "events",
                    format!("`{e}` is not one of {}", MEETING_EVENTS.join(", ")),
                );
            }
        }
        if let Some(re) = &self.topic_regex
            && let Err(e) = regex::RegexBuilder::new(re)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
        {
            err(
                "topic_regex",
                format!("is not a valid regular expression: {e}"),
            );
        }
        if self.timezone.parse::<chrono_tz::Tz>().is_err() {
            err(
                "timezone",
                format!(
                    "`{}` is not an IANA time zone such as Europe/Berlin or America/New_York",
                    self.timezone
                ),
            );
        }
        if self.destinations.is_empty() {
            err("destinations", "add at least one destination".into());
        }
        for (i, d) in self.destinations.iter().enumerate() {
            let f = format!("destinations[{i}]");
            match d {
                Destination::Telegram {
                    chat_id, thread_id, ..
                } => {
                    if !ctx.telegram_enabled {
                        err(
                            &f,
                            "telegram is not configured: add a [telegram] section with bot_token"
                                .into(),
                        );
                    }
                    if *chat_id == 0 {
                        err(
                            &format!("{f}.chat_id"),
                            "must be a Telegram chat id (groups are negative)".into(),
                        );
                    }
                    if thread_id.is_some_and(|t| t <= 0) {
                        err(
                            &format!("{f}.thread_id"),
                            "must be a positive forum topic id".into(),
                        );
                    }
                }
                Destination::Email { to, .. } => {
                    if !ctx.email_enabled {
                        err(&f, "email is not configured: add an [email] section with smtp_url and from".into());
                    }
                    if to.is_empty() {
                        err(&format!("{f}.to"), "list at least one address".into());
                    }
                    for a in to {
                        if !is_plausible_email(a) {
                            err(&format!("{f}.to"), format!("`{a}` is not an email address"));
                        }
                    }
                }
                Destination::Webhook { url, secret } => {
                    match reqwest::Url::parse(url) {
                        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                            if let Some(problem) =
                                private_webhook_host(u.host_str().unwrap_or(""), ctx.webhooks)
                            {
                                err(&format!("{f}.url"), format!("`{url}` {problem}"));
                            }
                        }
                        _ => err(
                            &format!("{f}.url"),
                            format!("`{url}` is not an http(s) URL"),
                        ),
                    }
                    if !is_webhook_secret(secret) {
                        err(
                            &format!("{f}.secret"),
                            "must be `whsec_` followed by base64 of 24 to 64 random bytes (Standard Webhooks)"
                                .into(),
                        );
                    }
                }
                Destination::Log => {}
            }
        }
        for (key, source) in &self.templates {
            if let Err(m) = (ctx.check_template)(key, source) {
                err(&format!("templates.{key}"), m);
            }
        }
        errs
    }

    pub fn event_kinds(&self) -> Vec<EventKind> {
        self.events.iter().map(|e| EventKind::parse(e)).collect()
    }
}

/// Why a webhook host may not be a destination, or None. IP literals are judged by the same guard
/// as sending (the IANA special-purpose registries, [`crate::delivery::addresses`]); names by the
/// conventions for local names. Names are checked again after resolution at send time.
fn private_webhook_host(host: &str, cfg: &crate::config::WebhooksConfig) -> Option<String> {
    use crate::delivery::webhook::AddressGuard;
    if cfg.allow_private_networks {
        return None;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        let guard = AddressGuard::new(false, cfg.allow_cidrs.clone());
        return guard.check(ip).err().map(|b| {
            format!(
                "points at {}, which webhooks may not reach; use a public https receiver (the relay operator can allow private blocks with webhooks.allow_cidrs)",
                b.kind
            )
        });
    }
    if !cfg.allow_cidrs.is_empty() {
        // The operator opened some private blocks; where a name resolves is judged at send time.
        return None;
    }
    crate::delivery::addresses::private_host_name(bare).map(|kind| {
        format!(
            "names {kind}, which webhooks may not reach; use the public name of the receiver (the relay operator can allow private networks with webhooks.allow_private_networks)"
        )
    })
}

fn is_plausible_email(a: &str) -> bool {
    let a = a.trim();
    let Some((local, domain)) = a.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
}

fn is_webhook_secret(s: &str) -> bool {
    use base64::Engine;
    s.strip_prefix("whsec_")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .is_some_and(|k| (24..=64).contains(&k.len()))
}

// ---------------------------------------------------------------------------------------------
// Matching.

/// What matching looks at. `topic` may come from meeting memory when the event lacks it
/// (meeting.updated carries only changed fields).
#[derive(Debug, Clone)]
pub struct MatchInput<'a> {
    pub app_id: &'a str,
    pub account_id: &'a str,
    pub kind: &'a EventKind,
    pub meeting_id: Option<u64>,
    pub host_id: Option<&'a str>,
    pub topic: Option<&'a str>,
}

impl<'a> MatchInput<'a> {
    pub fn from_event(
        app_id: &'a str,
        event: &'a ZoomEvent,
        memory_topic: Option<&'a str>,
    ) -> Self {
        let m = event.meeting();
        MatchInput {
            app_id,
            account_id: event.account_id.as_deref().unwrap_or(""),
            kind: &event.kind,
            meeting_id: m.and_then(|m| m.id),
            host_id: m.and_then(|m| m.host_id.as_deref()),
            topic: m.and_then(|m| m.topic.as_deref()).or(memory_topic),
        }
    }
}

/// Whether `route` fires for `input`. Filters combine with AND; an empty list filter matches all.
pub fn matches(route: &Route, input: &MatchInput<'_>) -> bool {
    if !route.enabled || route.app_id != input.app_id || route.account_id != input.account_id {
        return false;
    }
    if !route.events.iter().any(|e| e == input.kind.as_str()) {
        return false;
    }
    if !route.meeting_ids.is_empty()
        && !input
            .meeting_id
            .is_some_and(|id| route.meeting_ids.contains(&id))
    {
        return false;
    }
    if !route.host_ids.is_empty()
        && !input
            .host_id
            .is_some_and(|h| route.host_ids.iter().any(|x| x == h))
    {
        return false;
    }
    if let Some(needle) = &route.topic_contains {
        let Some(topic) = input.topic else {
            return false;
        };
        if !topic.to_lowercase().contains(&needle.to_lowercase()) {
            return false;
        }
    }
    if let Some(re) = &route.topic_regex {
        let Some(topic) = input.topic else {
            return false;
        };
        let Ok(re) = regex::RegexBuilder::new(re)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
        else {
            return false;
        };
        if !re.is_match(topic) {
            return false;
        }
    }
    true
}

/// One message to produce: the route that renders it and the target it goes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned<'r> {
    pub route: &'r Route,
    pub target: Target,
    /// The target came from a member's personal subscription (email or Telegram).
    pub member: bool,
}

/// Every matching route fires; each target appears once, owned by the first matching route in name
/// order. Returns the plan and the routes that matched, in name order.
pub fn plan<'r>(routes: &'r [Route], input: &MatchInput<'_>) -> (Vec<Planned<'r>>, Vec<&'r Route>) {
    let mut sorted: Vec<&Route> = routes.iter().filter(|r| matches(r, input)).collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for route in sorted.iter().copied() {
        for d in &route.destinations {
            let member = matches!(
                d,
                Destination::Email { member: true, .. }
                    | Destination::Telegram { member: true, .. }
            );
            for target in d.targets() {
                if seen.insert(target.key()) {
                    out.push(Planned {
                        route,
                        target,
                        member,
                    });
                }
            }
        }
    }
    (out, sorted)
}

/// The route document: `[[routes]]` entries, as in `routes import FILE.toml`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteDocument {
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(name: &str) -> Route {
        Route {
            name: name.into(),
            app_id: "default".into(),
            account_id: "A".into(),
            events: vec!["meeting.started".into()],
            topic_contains: None,
            topic_regex: None,
            meeting_ids: vec![],
            host_ids: vec![],
            timezone: "UTC".into(),
            locale: None,
            include_join_link: false,
            enabled: true,
            link_preview: false,
            silent: false,
            overflow: Overflow::Split,
            destinations: vec![Destination::Log],
            templates: BTreeMap::new(),
        }
    }

    fn input<'a>(kind: &'a EventKind, topic: Option<&'a str>) -> MatchInput<'a> {
        MatchInput {
            app_id: "default",
            account_id: "A",
            kind,
            meeting_id: Some(42),
            host_id: Some("H"),
            topic,
        }
    }

    #[test]
    fn matching_table() {
        let started = EventKind::MeetingStarted;
        let ended = EventKind::MeetingEnded;
        type Case = (
            &'static str,
            fn(&mut Route),
            &'static EventKind,
            Option<&'static str>,
            bool,
        );
        static STARTED: EventKind = EventKind::MeetingStarted;
        static ENDED: EventKind = EventKind::MeetingEnded;
        let _ = (&started, &ended);
        let cases: Vec<Case> = vec![
            ("plain match", |_| {}, &STARTED, Some("x"), true),
            ("other event", |_| {}, &ENDED, Some("x"), false),
            (
                "disabled",
                |r| r.enabled = false,
                &STARTED,
                Some("x"),
                false,
            ),
            (
                "other account",
                |r| r.account_id = "B".into(),
                &STARTED,
                None,
                false,
            ),
            (
                "other app",
                |r| r.app_id = "other".into(),
                &STARTED,
                None,
                false,
            ),
            (
                "topic contains, case-insensitive",
                |r| r.topic_contains = Some("tuesDAY".into()),
                &STARTED,
                Some("The Tuesday group"),
                true,
            ),
            (
                "topic contains, miss",
                |r| r.topic_contains = Some("Wednesday".into()),
                &STARTED,
                Some("The Tuesday group"),
                false,
            ),
            (
                "topic filter without topic",
                |r| r.topic_contains = Some("x".into()),
                &STARTED,
                None,
                false,
            ),
            (
                "regex, case-insensitive",
                |r| r.topic_regex = Some("^the (tue|wed)".into()),
                &STARTED,
                Some("THE TUESDAY group"),
                true,
            ),
            (
                "regex miss",
                |r| r.topic_regex = Some("^wed".into()),
                &STARTED,
                Some("Tuesday"),
                false,
            ),
            (
                "meeting id hit",
                |r| r.meeting_ids = vec![1, 42],
                &STARTED,
                None,
                true,
            ),
            (
                "meeting id miss",
                |r| r.meeting_ids = vec![1],
                &STARTED,
                None,
                false,
            ),
            (
                "host id hit",
                |r| r.host_ids = vec!["H".into()],
                &STARTED,
                None,
                true,
            ),
            (
                "host id miss",
                |r| r.host_ids = vec!["Z".into()],
                &STARTED,
                None,
                false,
            ),
            (
                "both topic filters must hold",
                |r| {
                    r.topic_contains = Some("group".into());
                    r.topic_regex = Some("^wed".into());
                },
                &STARTED,
                Some("Tuesday group"),
                false,
            ),
        ];
        for (name, tweak, kind, topic, want) in cases {
            let mut r = route("r");
            tweak(&mut r);
            assert_eq!(matches(&r, &input(kind, topic)), want, "{name}");
        }
    }

    #[test]
    fn every_matching_route_fires_and_shared_targets_get_one_message() {
        let mut a = route("b-second");
        a.destinations = vec![
            Destination::Telegram {
                chat_id: -1,
                thread_id: None,
                member: false,
            },
            Destination::Email {
                to: vec!["x@example.org".into(), "Y@example.org".into()],
                member: false,
            },
        ];
        let mut b = route("a-first");
        b.destinations = vec![
            Destination::Telegram {
                chat_id: -1,
                thread_id: None,
                member: false,
            },
            Destination::Email {
                to: vec!["y@example.org".into()],
                member: false,
            },
            Destination::Telegram {
                chat_id: -1,
                thread_id: Some(7),
                member: false,
            },
        ];
        let routes = vec![a, b];
        let kind = EventKind::MeetingStarted;
        let (planned, matched) = plan(&routes, &input(&kind, None));
        assert_eq!(matched.len(), 2);
        let keys: Vec<(String, String)> = planned
            .iter()
            .map(|p| (p.route.name.clone(), p.target.key()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("a-first".into(), "telegram:-1".into()),
                ("a-first".into(), "email:y@example.org".into()),
                ("a-first".into(), "telegram:-1:7".into()),
                ("b-second".into(), "email:x@example.org".into()),
            ]
        );
    }

    #[test]
    fn validation_names_each_bad_field() {
        let mut r = route("");
        r.events = vec!["meeting.begun".into()];
        r.timezone = "Mars/Olympus".into();
        r.topic_regex = Some("(".into());
        r.destinations = vec![
            Destination::Webhook {
                url: "ftp://x".into(),
                secret: "nope".into(),
            },
            Destination::Email {
                to: vec!["not-an-address".into()],
                member: false,
            },
        ];
        let ok = |_: &str, _: &str| Ok(());
        let webhooks = crate::config::WebhooksConfig {
            timeout_secs: 15,
            allow_private_networks: false,
            allow_cidrs: vec![],
        };
        let ctx = ValidationContext {
            app_ids: vec!["default"],
            telegram_enabled: false,
            email_enabled: true,
            check_template: &ok,
            webhooks: &webhooks,
        };
        let fields: Vec<String> = r.validate(&ctx).into_iter().map(|e| e.field).collect();
        for f in [
            "name",
            "events",
            "timezone",
            "topic_regex",
            "destinations[0].url",
            "destinations[0].secret",
            "destinations[1].to",
        ] {
            assert!(fields.iter().any(|x| x == f), "missing {f} in {fields:?}");
        }
    }

    #[test]
    fn design_route_document_parses() {
        let doc: RouteDocument = toml::from_str(
            r#"
[[routes]]
name = "Tuesday group: started"
app_id = "default"
account_id = "AbCdEfGhIj"
events = ["meeting.started"]
topic_contains = "Tuesday"
meeting_ids = [85393847045]
host_ids = []
timezone = "America/New_York"
include_join_link = false
enabled = true

  [[routes.destinations]]
  kind = "telegram"
  chat_id = -1001234567890
  thread_id = 7

  [[routes.destinations]]
  kind = "email"
  to = ["group@example.org"]

  [[routes.destinations]]
  kind = "webhook"
  url = "https://example.org/hooks/zoom"
  secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

  [[routes.destinations]]
  kind = "log"

  [routes.templates]
  "telegram.html" = "<b>{{meeting.topic}}</b> has started"
"#,
        )
        .unwrap();
        assert_eq!(doc.routes[0].destinations.len(), 4);
        assert_eq!(doc.routes[0].templates.len(), 1);
    }
}

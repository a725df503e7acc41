//! Route validation: every problem with a route, each naming its field, so the API, the console and
//! `routes import` can point at what to fix.

use serde::{Deserialize, Serialize};

use super::{Destination, Route};

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

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
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
        let mut err = |field: &str, message: String| errs.push(FieldError::new(field, message));
        let name = self.name.trim();
        if name.is_empty() || name.len() > 200 || name.chars().any(char::is_control) {
            err(
                "name",
                "must be 1-200 characters without control characters".into(),
            );
        }
        if let Some(d) = &self.description
            && (d.chars().count() > 500 || d.chars().any(|c| c.is_control() && c != '\n'))
        {
            err(
                "description",
                "must be at most 500 characters; line breaks are the only control characters allowed"
                    .into(),
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
            // The regex crate's message draws the pattern with a caret over several lines; its
            // last line says what is wrong ("unclosed group"), which is what a person can act on.
            let text = e.to_string();
            let why = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim()
                .trim_start_matches("error: ");
            err(
                "topic_regex",
                format!("is not a pattern the relay understands ({why})"),
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
        if let Some(tag) = self.locale.as_deref().filter(|t| !t.trim().is_empty())
            && crate::i18n::Lang::from_tag(tag).is_none()
        {
            let known: Vec<String> = crate::i18n::Lang::all()
                .into_iter()
                .map(|l| format!("{} ({})", l.code(), l.name()))
                .collect();
            err(
                "locale",
                format!(
                    "the relay has no messages in `{tag}`; use one of {}",
                    known.join(", ")
                ),
            );
        }
        // No destination is allowed: a route waits for its group to be linked (save it, then an
        // admin sends the link code in the group), and a route whose members all left keeps its
        // join link. It sends nothing meanwhile, and the console's routes list says so.
        for (i, d) in self.destinations.iter().enumerate() {
            let f = format!("destinations[{i}]");
            match d {
                Destination::Telegram {
                    chat_id,
                    thread_id,
                    bot,
                    ..
                } => {
                    // A destination made through a community's own bot needs no shared bot.
                    if !ctx.telegram_enabled && bot.is_none() {
                        err(
                            &f,
                            "telegram is not configured: add a [telegram] section with bot_token, \
                             or link the chat through the community's own bot"
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
}

/// Why a webhook host may not be a destination, or None. IP literals are judged by the same guard
/// as sending (the IANA special-purpose registries, [`crate::net::addresses`]); names by the
/// conventions for local names. Names are checked again after resolution at send time.
fn private_webhook_host(host: &str, cfg: &crate::config::WebhooksConfig) -> Option<String> {
    use crate::net::AddressGuard;
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
    crate::net::private_host_name(bare).map(|kind| {
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

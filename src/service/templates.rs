//! Templates and renders: a tenant's template overrides, previews of every channel, and test sends
//! of a route to its real destinations.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{Ctx, ServiceError};
use crate::dispatch;
use crate::render::{ContextInput, MESSAGES, Overrides, TEMPLATE_KEYS, build_context};
use crate::routing::{Channel, FieldError, MEETING_EVENTS, Route, Target};
use crate::store::TenantId;
use crate::store::{Message, NewJob};
use crate::zoom::EventKind;
use crate::zoom::samples::{self, SampleParams};

impl Ctx {
    /// Every (event, key) with where its source comes from for this tenant.
    pub async fn templates(
        &self,
        app: &str,
        account: &str,
    ) -> Result<Vec<TemplateInfo>, ServiceError> {
        let overrides = self
            .db
            .tenant_templates(&TenantId::new(app, account))
            .await?;
        let mut out = Vec::new();
        for event in MEETING_EVENTS {
            for key in TEMPLATE_KEYS {
                let name = format!("{event}/{key}");
                out.push(TemplateInfo {
                    event: event.to_string(),
                    key: key.to_string(),
                    source: if overrides.contains_key(&name) {
                        "account".into()
                    } else {
                        "default".into()
                    },
                });
            }
        }
        Ok(out)
    }

    pub async fn template_source(
        &self,
        app: &str,
        account: Option<&str>,
        event: &str,
        key: &str,
    ) -> Result<String, ServiceError> {
        check_event_key(event, key)?;
        if let Some(acc) = account
            && let Some(s) = self
                .db
                .tenant_templates(&TenantId::new(app, acc))
                .await?
                .remove(&format!("{event}/{key}"))
        {
            return Ok(s);
        }
        if event == MESSAGES {
            // No wording of its own yet: the shipped catalogue, to copy lines from.
            return crate::i18n::catalogue_source(key)
                .map(str::to_string)
                .ok_or_else(|| ServiceError::NotFound(format!("no language {key}")));
        }
        crate::render::default_template(event, key)
            .map(str::to_string)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "no default template {event}/{key}; the built-in default is used"
                ))
            })
    }

    /// The account's own wording of catalogue messages in language `code` (Fluent source), ""
    /// when it has none.
    pub async fn wording(
        &self,
        app: &str,
        account: &str,
        code: &str,
    ) -> Result<String, ServiceError> {
        Ok(self
            .db
            .tenant_templates(&TenantId::new(app, account))
            .await?
            .remove(&crate::render::messages_key(code))
            .unwrap_or_default())
    }

    pub async fn set_template(
        &self,
        app: &str,
        account: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> Result<(), ServiceError> {
        check_event_key(event, key)?;
        self.renderer
            .validate(&format!("{event}/{key}"), source)
            .map_err(|e| ServiceError::invalid(format!("{event}/{key}"), e.detail()))?;
        self.db
            .set_template(&TenantId::new(app, account), event, key, source)
            .await?;
        self.durable().await
    }

    /// Saves a page of drafts for `event` (key to source): only keys whose text differs from what
    /// applies now become overrides, so saving does not freeze every default into the account; an
    /// empty draft means "no override" and is skipped (removing one is [`Ctx::remove_template`]).
    /// All are validated before any is written. Returns how many were written.
    pub async fn set_templates(
        &self,
        app: &str,
        account: &str,
        event: &str,
        drafts: &BTreeMap<String, String>,
    ) -> Result<usize, ServiceError> {
        let mut changed = Vec::new();
        let mut errs = Vec::new();
        for (key, source) in drafts {
            check_event_key(event, key)?;
            let current = match self.template_source(app, Some(account), event, key).await {
                Ok(s) => s,
                Err(ServiceError::NotFound(_)) => String::new(),
                Err(e) => return Err(e),
            };
            if source.trim().is_empty() || current.trim_end() == source.trim_end() {
                continue;
            }
            if let Err(e) = self.renderer.validate(key, source) {
                errs.push(FieldError::new(format!("{event}/{key}"), e.detail()));
            }
            changed.push((key, source));
        }
        ServiceError::check(errs)?;
        for (key, source) in &changed {
            self.db
                .set_template(&TenantId::new(app, account), event, key, source)
                .await?;
        }
        self.durable().await?;
        Ok(changed.len())
    }

    /// Saves `drafts` (key -> source) of `event` as route `name`'s own templates. A draft equal to
    /// what the route shows now changes nothing; one equal to the account's template (what the
    /// route would inherit) drops the route's own; anything else becomes the route's template for
    /// this event (`event/key`). Validated like every route change (`replace`). Returns how many
    /// keys changed.
    pub async fn set_route_templates(
        &self,
        app: &str,
        account: &str,
        name: &str,
        event: &str,
        drafts: &BTreeMap<String, String>,
    ) -> Result<usize, ServiceError> {
        let mut route = self.get(app, account, name).await?;
        let mut changed = 0;
        for (key, source) in drafts {
            check_event_key(event, key)?;
            let specific = format!("{event}/{key}");
            let inherited = match self.template_source(app, Some(account), event, key).await {
                Ok(s) => s,
                Err(ServiceError::NotFound(_)) => String::new(),
                Err(e) => return Err(e),
            };
            let shown = route
                .templates
                .get(&specific)
                .or_else(|| route.templates.get(key.as_str()))
                .cloned()
                .unwrap_or_else(|| inherited.clone());
            if source.trim().is_empty() || shown.trim_end() == source.trim_end() {
                continue;
            }
            if inherited.trim_end() == source.trim_end() && !route.templates.contains_key(key) {
                route.templates.remove(&specific);
            } else {
                route.templates.insert(specific, source.clone());
            }
            changed += 1;
        }
        if changed > 0 {
            self.replace(app, account, name, route).await?;
        }
        Ok(changed)
    }

    /// Drops route `name`'s own template for `key` (for `event`, and the one for every event), so
    /// it follows the account's again.
    pub async fn reset_route_template(
        &self,
        app: &str,
        account: &str,
        name: &str,
        event: &str,
        key: &str,
    ) -> Result<(), ServiceError> {
        check_event_key(event, key)?;
        let mut route = self.get(app, account, name).await?;
        let a = route.templates.remove(&format!("{event}/{key}")).is_some();
        let b = route.templates.remove(key).is_some();
        if a || b {
            self.replace(app, account, name, route).await?;
        }
        Ok(())
    }

    pub async fn remove_template(
        &self,
        app: &str,
        account: &str,
        event: &str,
        key: &str,
    ) -> Result<(), ServiceError> {
        check_event_key(event, key)?;
        if self
            .db
            .remove_template(&TenantId::new(app, account), event, key)
            .await?
        {
            self.durable().await
        } else {
            Err(ServiceError::NotFound(format!(
                "account {account} has no override for {event}/{key}"
            )))
        }
    }

    /// Renders a sample `event` for every channel, with a route's overrides when `route` is given.
    pub async fn preview(&self, req: &PreviewRequest) -> Result<Vec<PreviewItem>, ServiceError> {
        let kind = EventKind::parse(&req.event);
        if !kind.is_meeting() {
            return Err(ServiceError::invalid(
                "event",
                format!("use one of {}", MEETING_EVENTS.join(", ")),
            ));
        }
        let route = match (&req.route, &req.account) {
            (Some(name), Some(acc)) => Some(self.get(&req.app, acc, name).await?),
            (Some(_), None) => {
                return Err(ServiceError::invalid(
                    "account",
                    "a route is named within an account; pass --account",
                ));
            }
            _ => None,
        };
        let tenant = match &req.account {
            Some(acc) => {
                self.db
                    .tenant_templates(&TenantId::new(&req.app, acc))
                    .await?
            }
            None => BTreeMap::new(),
        };
        let account = req.account.clone().unwrap_or_else(|| "demo-account".into());
        let (_, mut ctx) = self.sample(
            &kind,
            &req.app,
            &account,
            route.as_ref(),
            req.topic.as_deref(),
        );
        if let Some(tag) = req.locale.as_deref().filter(|t| !t.trim().is_empty()) {
            if crate::i18n::Lang::from_tag(tag).is_none() {
                return Err(ServiceError::invalid(
                    "locale",
                    format!("the relay has no messages in `{tag}`"),
                ));
            }
            ctx["route"]["locale"] = serde_json::Value::String(tag.to_string());
        }
        // A draft is checked as saving would check it (syntax, names, escaping), so the preview
        // never shows what could not be saved.
        let mut errs = Vec::new();
        for (key, source) in &req.templates {
            if let Err(e) = self.renderer.validate(key, source) {
                errs.push(FieldError::new(format!("templates.{key}"), e.detail()));
            }
        }
        ServiceError::check(errs)?;
        let empty = BTreeMap::new();
        let route_templates = route.as_ref().map(|r| &r.templates).unwrap_or(&empty);
        // Unsaved drafts (the console's live preview) come first, then the route, then the tenant.
        let layers = Overrides {
            layers: vec![&req.templates, route_templates, &tenant],
        };
        let mut out = Vec::new();
        for kind_out in [
            Channel::Telegram,
            Channel::Email,
            Channel::Webhook,
            Channel::Log,
        ] {
            let item = match self.renderer.render(kind_out, &kind, &ctx, &layers) {
                Ok(r) => PreviewItem {
                    channel: kind_out.as_str().into(),
                    message: Some(r),
                    error: None,
                },
                Err(e) => PreviewItem {
                    channel: kind_out.as_str().into(),
                    message: None,
                    error: Some(e.to_string()),
                },
            };
            out.push(item);
        }
        Ok(out)
    }

    /// A sample event of `kind` for the tenant and the render context a route (or the defaults)
    /// gives it: what previews and test sends render.
    fn sample(
        &self,
        kind: &EventKind,
        app: &str,
        account: &str,
        route: Option<&Route>,
        topic: Option<&str>,
    ) -> (crate::zoom::ZoomEvent, serde_json::Value) {
        let mut params = SampleParams {
            account_id: account.to_string(),
            ..SampleParams::default()
        };
        if let Some(t) = topic {
            params.topic = t.to_string();
        }
        let body = samples::sample(kind, &params).expect("meeting events have samples");
        let Ok(crate::zoom::ParsedEvent::Ok(ev)) =
            crate::zoom::event::parse(body.to_string().as_bytes())
        else {
            unreachable!("samples parse")
        };
        let ctx = build_context(&ContextInput {
            event: &ev,
            app_id: app,
            route_name: route.map(|r| r.name.as_str()).unwrap_or("preview"),
            timezone: route.map(|r| r.timezone.as_str()).unwrap_or("UTC"),
            locale: Some(crate::i18n::alert_locale(
                route.and_then(|r| r.locale.as_deref()),
                &self.config.default_locale,
            )),
            include_join_link: route.map(|r| r.include_join_link).unwrap_or(true),
            join_url: Some("https://zoom.us/j/85393847045?pwd=demoPwd"),
            password: Some("123456"),
            public_url: &self.config.server.public_url,
            unsubscribe_url: None,
        });
        (ev, ctx)
    }

    /// Sends a sample of the route's first event, rendered with its templates, to every destination
    /// of the route through the outbox: real deliveries, with retries and the delivery log, so an
    /// organizer sees exactly what members will get. Disabled routes and disabled destinations are
    /// sent to as well (a test is how an organizer checks a destination before enabling it). The
    /// messages are durable and the channel workers awake when this returns.
    pub async fn send_test(
        &self,
        app: &str,
        account: &str,
        name: &str,
    ) -> Result<Vec<TestSent>, ServiceError> {
        let route = self.get(app, account, name).await?;
        let kind = route
            .event_kinds()
            .into_iter()
            .find(EventKind::is_meeting)
            .unwrap_or(EventKind::MeetingStarted);
        let tenant = self
            .db
            .tenant_templates(&TenantId::new(app, account))
            .await?;
        let topic = format!("Test from the relay: {}", route.name);
        let (ev, ctx) = self.sample(&kind, app, account, Some(&route), Some(&topic));
        let layers = Overrides {
            layers: vec![&route.templates, &tenant],
        };
        let run = crate::zoom::oauth::random_token();
        let now = chrono::Utc::now().timestamp_millis();
        let mut seen = HashSet::new();
        let mut jobs = Vec::new();
        let mut out = Vec::new();
        for d in &route.destinations {
            for target in d.targets() {
                if !seen.insert(target.key()) {
                    continue;
                }
                // A test goes where alerts go: email only to addresses that confirmed.
                let mut links = None;
                let mut footer_lang = None;
                if let Target::Email { to } = &target {
                    let consent = self
                        .db
                        .consent(&TenantId::new(app, account), &route.name, to)
                        .await?;
                    let Some(c) = consent.filter(|c| c.may_send(now)) else {
                        continue;
                    };
                    footer_lang = Some(super::join::consent_lang(self, Some(&c), &route));
                    let u = dispatch::unsubscribe::Unsubscribe {
                        app: app.to_string(),
                        account: account.to_string(),
                        route: route.name.clone(),
                        address: to.trim().to_lowercase(),
                    };
                    let (public, key) = (
                        &self.config.server.public_url,
                        self.config.security.data_key.bytes(),
                    );
                    links = Some((
                        dispatch::unsubscribe::unsubscribe_url(public, key, &u),
                        dispatch::unsubscribe::manage_url(public, key, &u),
                    ));
                }
                let dk = match target {
                    Target::Telegram { .. } => Channel::Telegram,
                    Target::Email { .. } => Channel::Email,
                    Target::Webhook { .. } => Channel::Webhook,
                    Target::Log => Channel::Log,
                };
                let message = self
                    .renderer
                    .render(dk, &kind, &ctx, &layers)
                    .map(|m| match (&links, footer_lang) {
                        (Some((_, manage)), Some(lang)) => {
                            dispatch::with_manage_footer(m, manage, lang)
                        }
                        _ => m,
                    })
                    .map_err(|e| ServiceError::invalid("templates", e.to_string()))?;
                let key = format!(
                    "test_{run}_{}",
                    dispatch::idempotency_key(0, &target).trim_start_matches("msg_0_")
                );
                out.push(TestSent {
                    target: target.describe(),
                    channel: target.channel().as_str().to_string(),
                    idempotency_key: key.clone(),
                });
                jobs.push(NewJob {
                    idempotency_key: key,
                    event: kind.to_string(),
                    app_id: app.to_string(),
                    account_id: account.to_string(),
                    route_name: route.name.clone(),
                    meeting_uuid: ev.meeting().and_then(|m| m.uuid.clone()),
                    target,
                    message,
                    options: route.delivery_options(),
                    unsubscribe_url: links.map(|l| l.0),
                    received_at_ms: now,
                });
            }
        }
        self.db.enqueue_jobs(jobs).await?;
        self.queued().await?;
        Ok(out)
    }
}

/// One message queued by [`Ctx::send_test`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TestSent {
    pub target: String,
    /// `telegram`, `email`, `webhook` or `log`: the worker to wake.
    pub channel: String,
    /// The job's idempotency key (`test_...`), as the delivery log shows it.
    pub idempotency_key: String,
}

fn check_event_key(event: &str, key: &str) -> Result<(), ServiceError> {
    if event == MESSAGES {
        // An account's wording: `key` is the language.
        if crate::i18n::Lang::all().iter().any(|l| l.code() == key) {
            return Ok(());
        }
        let known: Vec<&str> = crate::i18n::Lang::all()
            .into_iter()
            .map(|l| l.code())
            .collect();
        return Err(ServiceError::invalid(
            "lang",
            format!("use one of {}", known.join(", ")),
        ));
    }
    let mut errs = Vec::new();
    if !MEETING_EVENTS.contains(&event) {
        errs.push(FieldError::new(
            "event",
            format!("use one of {}", MEETING_EVENTS.join(", ")),
        ));
    }
    if !TEMPLATE_KEYS.contains(&key) {
        errs.push(FieldError::new(
            "key",
            format!("use one of {}", TEMPLATE_KEYS.join(", ")),
        ));
    }
    ServiceError::check(errs)
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TemplateInfo {
    pub event: String,
    pub key: String,
    /// `default` or `account`.
    pub source: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreviewRequest {
    pub event: String,
    #[serde(default = "default_app")]
    pub app: String,
    pub account: Option<String>,
    pub route: Option<String>,
    pub topic: Option<String>,
    /// Unsaved template sources (`telegram.html` or `meeting.started/telegram.html`) that win over
    /// the route's and the tenant's: the console's live preview renders drafts with these.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, String>,
    /// Render in this language instead of the route's (the console previews an account's wording
    /// of one language with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

fn default_app() -> String {
    "default".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PreviewItem {
    pub channel: String,
    pub message: Option<Message>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a wake-up is waiting for the worker (a stored `notify_one` permit completes
    /// `notified()` on its first poll).
    async fn woken(n: &tokio::sync::Notify) -> bool {
        tokio::select! {
            biased;
            _ = n.notified() => true,
            _ = std::future::ready(()) => false,
        }
    }

    #[tokio::test]
    async fn a_test_send_is_queued_and_wakes_the_workers_before_it_returns() {
        let (_dir, ctx) = crate::service::test_ctx();
        ctx.db
            .put_route(&crate::store::test_route("r"))
            .await
            .unwrap();
        assert!(!woken(&ctx.signals.log).await);
        let sent = ctx.send_test("default", "acc", "r").await.unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].channel, "log");
        let jobs = ctx.db.list_jobs().await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].idempotency_key, sent[0].idempotency_key);
        assert!(woken(&ctx.signals.log).await, "the log worker was woken");
    }

    #[tokio::test]
    async fn a_test_send_of_a_missing_route_is_not_found_and_queues_nothing() {
        let (_dir, ctx) = crate::service::test_ctx();
        assert!(matches!(
            ctx.send_test("default", "acc", "gone").await,
            Err(ServiceError::NotFound(_))
        ));
        assert!(ctx.db.list_jobs().await.unwrap().is_empty());
        assert!(!woken(&ctx.signals.log).await);
    }
}

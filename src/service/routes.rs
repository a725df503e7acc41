//! Routes and templates: list, show, add, replace, remove, import, dry-run tests and previews.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::chats::{self, Caller};
use crate::dispatch::{self, Dispatcher};
use crate::render::{ContextInput, DestinationKind, Overrides, TEMPLATE_KEYS, build_context};
use crate::routing::{
    Destination, FieldError, MEETING_EVENTS, Route, RouteDocument, Target, ValidationContext,
};
use crate::store::{ImportReport, Message, NewJob, StoreError, update_route};
use crate::zoom::EventKind;
use crate::zoom::samples::{self, SampleParams};

/// `route` as an organizer wrote it, with the members' own Telegram subscriptions taken from
/// `stored`. Those belong to the members (`/subscribe`, `/unsubscribe`): an organizer's edit
/// neither adds nor drops one, so an edit built from an older read cannot undo a subscription or
/// an unsubscription made since. Ones in `route` that are still stored keep their place; ones
/// stored but missing from `route` are appended. An organizer removes a subscription through the
/// subscriptions endpoint. Member email lists are the organizer's to edit and stay as written.
pub fn keep_member_subscriptions(mut route: Route, stored: &Route) -> Route {
    let is_sub = |d: &Destination| matches!(d, Destination::Telegram { member: true, .. });
    route
        .destinations
        .retain(|d| !is_sub(d) || stored.destinations.contains(d));
    for d in stored.destinations.iter().filter(|d| is_sub(d)) {
        if !route.destinations.contains(d) {
            route.destinations.push(d.clone());
        }
    }
    route
}

pub use super::{Ctx, ServiceError};

impl Ctx {
    fn validate(&self, route: &Route) -> Vec<FieldError> {
        let check = |key: &str, source: &str| -> Result<(), String> {
            let bare = key.rsplit_once('/').map(|(event, k)| {
                if MEETING_EVENTS.contains(&event) {
                    Ok(k)
                } else {
                    Err(format!("`{event}` is not a meeting event"))
                }
            });
            let k = match bare {
                Some(Ok(k)) => k,
                Some(Err(m)) => return Err(m),
                None => key,
            };
            if !TEMPLATE_KEYS.contains(&k) {
                return Err(format!(
                    "unknown template key `{k}`; use one of {}",
                    TEMPLATE_KEYS.join(", ")
                ));
            }
            self.renderer.validate(k, source).map_err(|e| e.to_string())
        };
        let apps: Vec<&str> = self
            .config
            .zoom
            .apps
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        route.validate(&ValidationContext {
            app_ids: apps,
            telegram_enabled: self.config.telegram.is_some(),
            email_enabled: self.config.email.is_some(),
            check_template: &check,
            webhooks: &self.config.webhooks,
        })
    }

    pub async fn list(
        &self,
        app: Option<&str>,
        account: Option<&str>,
    ) -> Result<Vec<Route>, ServiceError> {
        let routes = match (app, account) {
            (Some(app), Some(acc)) => self.db.list_routes(Some((app, acc))).await?,
            _ => self
                .db
                .list_routes(None)
                .await?
                .into_iter()
                .filter(|r| app.is_none_or(|a| a == r.app_id))
                .filter(|r| account.is_none_or(|a| a == r.account_id))
                .collect(),
        };
        Ok(routes)
    }

    pub async fn get(&self, app: &str, account: &str, name: &str) -> Result<Route, ServiceError> {
        self.db.get_route(app, account, name).await?.ok_or_else(|| {
            ServiceError::NotFound(format!(
                "no route `{name}` for account {account} (app {app})"
            ))
        })
    }

    /// Validation plus the destination proof for this caller.
    async fn check(
        &self,
        route: &Route,
        existing: Option<&Route>,
    ) -> Result<Vec<FieldError>, ServiceError> {
        let mut errs = self.validate(route);
        errs.extend(chats::check_route(&*self.db, &self.caller, route, existing).await?);
        Ok(errs)
    }

    pub async fn add(&self, route: Route) -> Result<Route, ServiceError> {
        let errs = self.check(&route, None).await?;
        if !errs.is_empty() {
            return Err(ServiceError::Invalid(errs));
        }
        // Only if the name is free at the moment of writing, not just when checked.
        if !self.db.create_route(&route).await? {
            return Err(ServiceError::Conflict(format!(
                "a route named `{}` exists already for this account; use `routes edit` or `routes import`",
                route.name
            )));
        }
        self.durable().await?;
        Ok(route)
    }

    /// Replaces route `name` of the tenant; the new route may rename it but not move it to another
    /// tenant.
    pub async fn replace(
        &self,
        app: &str,
        account: &str,
        name: &str,
        route: Route,
    ) -> Result<Route, ServiceError> {
        let old = self.get(app, account, name).await?;
        let mut errs = self.check(&route, Some(&old)).await?;
        if route.app_id != app || route.account_id != account {
            errs.push(FieldError {
                field: "account_id".into(),
                message:
                    "a route cannot move to another app or account; remove it and add it there"
                        .into(),
            });
        }
        if !errs.is_empty() {
            return Err(ServiceError::Invalid(errs));
        }
        if route.name == name {
            // Compare-and-swap onto the route as stored now, not as read above: a member who
            // subscribed since then keeps the subscription.
            let saved = update_route(&*self.db, app, account, name, |fresh| {
                *fresh = keep_member_subscriptions(route.clone(), fresh);
                Ok::<_, ServiceError>(fresh.clone())
            })
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "no route `{name}` for account {account} (app {app})"
                ))
            })?;
            self.durable().await?;
            return Ok(saved);
        }
        // A rename: create the new name (only if free), then take the old route away in one step
        // and carry over the subscriptions it had at that moment.
        let renamed = keep_member_subscriptions(route, &old);
        if !self.db.create_route(&renamed).await? {
            return Err(ServiceError::Conflict(format!(
                "a route named `{}` exists already",
                renamed.name
            )));
        }
        let last = self.db.take_route(app, account, name).await?.unwrap_or(old);
        let saved = update_route(&*self.db, app, account, &renamed.name, |fresh| {
            *fresh = keep_member_subscriptions(fresh.clone(), &last);
            Ok::<_, ServiceError>(fresh.clone())
        })
        .await?
        .unwrap_or(renamed);
        self.durable().await?;
        Ok(saved)
    }

    /// Pauses (`enabled = false`) or resumes route `name` of the tenant. A compare-and-swap on the
    /// route as stored at that moment, so a subscription or another edit made meanwhile is kept.
    /// A tenant caller reaches only its own routes; another tenant's route reads as not found.
    /// Returns whether the route changed (false: it was already in that state).
    pub async fn set_enabled(
        &self,
        app: &str,
        account: &str,
        name: &str,
        enabled: bool,
    ) -> Result<bool, ServiceError> {
        let not_found = || {
            ServiceError::NotFound(format!(
                "no route `{name}` for account {account} (app {app})"
            ))
        };
        if let Caller::Tenant(t) = &self.caller
            && (t.app_id != app || t.account_id != account)
        {
            return Err(not_found());
        }
        let changed = update_route(&*self.db, app, account, name, |fresh| {
            let changed = fresh.enabled != enabled;
            fresh.enabled = enabled;
            Ok::<_, ServiceError>(changed)
        })
        .await?
        .ok_or_else(not_found)?;
        self.durable().await?;
        Ok(changed)
    }

    pub async fn remove(&self, app: &str, account: &str, name: &str) -> Result<(), ServiceError> {
        if self.db.remove_route(app, account, name).await? {
            self.durable().await
        } else {
            Err(ServiceError::NotFound(format!(
                "no route `{name}` for account {account} (app {app})"
            )))
        }
    }

    /// Validates every route first; writes nothing unless all are valid. Upserts by (tenant, name).
    pub async fn import(&self, doc: &RouteDocument) -> Result<ImportReport, ServiceError> {
        let mut errs = Vec::new();
        let mut seen = HashSet::new();
        for (i, r) in doc.routes.iter().enumerate() {
            let old = self.db.get_route(&r.app_id, &r.account_id, &r.name).await?;
            for e in self.check(r, old.as_ref()).await? {
                errs.push(FieldError {
                    field: format!("routes[{i}] ({}).{}", r.name, e.field),
                    message: e.message,
                });
            }
            if !seen.insert((r.app_id.clone(), r.account_id.clone(), r.name.clone())) {
                errs.push(FieldError {
                    field: format!("routes[{i}].name"),
                    message: format!("`{}` appears twice for the same account", r.name),
                });
            }
        }
        if doc.routes.is_empty() {
            errs.push(FieldError {
                field: "routes".into(),
                message: "the document has no [[routes]] entries".into(),
            });
        }
        if !errs.is_empty() {
            return Err(ServiceError::Invalid(errs));
        }
        // Like `replace` for a route that exists: a compare-and-swap that keeps the members'
        // own subscriptions as stored now.
        let mut report = ImportReport::default();
        for r in &doc.routes {
            loop {
                if self.db.create_route(r).await? {
                    report.created += 1;
                    break;
                }
                let updated = update_route(&*self.db, &r.app_id, &r.account_id, &r.name, |fresh| {
                    *fresh = keep_member_subscriptions(r.clone(), fresh);
                    Ok::<_, StoreError>(())
                })
                .await?;
                if updated.is_some() {
                    report.updated += 1;
                    break;
                }
                // Removed between the two steps: create it again.
            }
        }
        self.durable().await?;
        Ok(report)
    }

    /// Which routes an event would fire and what each target would get, as `dispatcher` (the
    /// caller's, on the same storage) would plan and render it. Writes nothing.
    pub async fn test(
        &self,
        dispatcher: &Dispatcher,
        app: &str,
        body: &[u8],
    ) -> Result<TestReport, ServiceError> {
        dispatcher.preview(app, body).map_err(|e| match e {
            dispatch::PreviewError::Store(s) => ServiceError::from(s),
            dispatch::PreviewError::Invalid(m) => ServiceError::Invalid(vec![FieldError {
                field: "event".into(),
                message: m,
            }]),
        })
    }

    // --- templates -------------------------------------------------------------------------

    /// Every (event, key) with where its source comes from for this tenant.
    pub async fn templates(
        &self,
        app: &str,
        account: &str,
    ) -> Result<Vec<TemplateInfo>, ServiceError> {
        let overrides = self.db.tenant_templates(app, account).await?;
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
                .tenant_templates(app, acc)
                .await?
                .remove(&format!("{event}/{key}"))
        {
            return Ok(s);
        }
        crate::render::default_template(event, key)
            .map(str::to_string)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "no default template {event}/{key}; the built-in default is used"
                ))
            })
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
        self.renderer.validate(key, source).map_err(|e| {
            ServiceError::Invalid(vec![FieldError {
                field: format!("{event}/{key}"),
                message: e.to_string(),
            }])
        })?;
        self.db
            .set_template(app, account, event, key, source)
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
                errs.push(FieldError {
                    field: format!("{event}/{key}"),
                    message: e.to_string(),
                });
            }
            changed.push((key, source));
        }
        if !errs.is_empty() {
            return Err(ServiceError::Invalid(errs));
        }
        for (key, source) in &changed {
            self.db
                .set_template(app, account, event, key, source)
                .await?;
        }
        self.durable().await?;
        Ok(changed.len())
    }

    pub async fn remove_template(
        &self,
        app: &str,
        account: &str,
        event: &str,
        key: &str,
    ) -> Result<(), ServiceError> {
        check_event_key(event, key)?;
        if self.db.remove_template(app, account, event, key).await? {
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
            return Err(ServiceError::Invalid(vec![FieldError {
                field: "event".into(),
                message: format!("use one of {}", MEETING_EVENTS.join(", ")),
            }]));
        }
        let route = match (&req.route, &req.account) {
            (Some(name), Some(acc)) => Some(self.get(&req.app, acc, name).await?),
            (Some(_), None) => {
                return Err(ServiceError::Invalid(vec![FieldError {
                    field: "account".into(),
                    message: "a route is named within an account; pass --account".into(),
                }]));
            }
            _ => None,
        };
        let tenant = match &req.account {
            Some(acc) => self.db.tenant_templates(&req.app, acc).await?,
            None => BTreeMap::new(),
        };
        let account = req.account.clone().unwrap_or_else(|| "demo-account".into());
        let (_, ctx) = self.sample(
            &kind,
            &req.app,
            &account,
            route.as_ref(),
            req.topic.as_deref(),
        );
        // A draft is checked as saving would check it (syntax, names, escaping), so the preview
        // never shows what could not be saved.
        let mut errs = Vec::new();
        for (key, source) in &req.templates {
            if let Err(e) = self.renderer.validate(key, source) {
                errs.push(FieldError {
                    field: format!("templates.{key}"),
                    message: e.to_string(),
                });
            }
        }
        if !errs.is_empty() {
            return Err(ServiceError::Invalid(errs));
        }
        let empty = BTreeMap::new();
        let route_templates = route.as_ref().map(|r| &r.templates).unwrap_or(&empty);
        // Unsaved drafts (the console's live preview) come first, then the route, then the tenant.
        let layers = Overrides {
            layers: vec![&req.templates, route_templates, &tenant],
        };
        let mut out = Vec::new();
        for kind_out in [
            DestinationKind::Telegram,
            DestinationKind::Email,
            DestinationKind::Webhook,
            DestinationKind::Log,
        ] {
            let item = match self.renderer.render(kind_out, &kind, &ctx, &layers) {
                Ok(r) => PreviewItem {
                    channel: channel_name(kind_out).into(),
                    message: Some(dispatch::to_message(r)),
                    error: None,
                },
                Err(e) => PreviewItem {
                    channel: channel_name(kind_out).into(),
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
            locale: route.and_then(|r| r.locale.as_deref()),
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
        let tenant = self.db.tenant_templates(app, account).await?;
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
                let dk = match target {
                    Target::Telegram { .. } => DestinationKind::Telegram,
                    Target::Email { .. } => DestinationKind::Email,
                    Target::Webhook { .. } => DestinationKind::Webhook,
                    Target::Log => DestinationKind::Log,
                };
                let message = self
                    .renderer
                    .render(dk, &kind, &ctx, &layers)
                    .map(dispatch::to_message)
                    .map_err(|e| {
                        ServiceError::Invalid(vec![FieldError {
                            field: "templates".into(),
                            message: e.to_string(),
                        }])
                    })?;
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
                    unsubscribe_url: None,
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

fn channel_name(k: DestinationKind) -> &'static str {
    match k {
        DestinationKind::Telegram => "telegram",
        DestinationKind::Email => "email",
        DestinationKind::Webhook => "webhook",
        DestinationKind::Log => "log",
    }
}

fn check_event_key(event: &str, key: &str) -> Result<(), ServiceError> {
    let mut errs = Vec::new();
    if !MEETING_EVENTS.contains(&event) {
        errs.push(FieldError {
            field: "event".into(),
            message: format!("use one of {}", MEETING_EVENTS.join(", ")),
        });
    }
    if !TEMPLATE_KEYS.contains(&key) {
        errs.push(FieldError {
            field: "key".into(),
            message: format!("use one of {}", TEMPLATE_KEYS.join(", ")),
        });
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(errs))
    }
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

pub use crate::dispatch::{TestDelivery, TestReport};

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::{ConfigSource, EXAMPLE_CONFIG, from_toml_str};
    use crate::render::Renderer;
    use crate::service::chats::TenantId;
    use crate::store::Db;

    #[tokio::test]
    async fn set_enabled_reaches_only_the_callers_own_routes() {
        let (_dir, store) = crate::store::temp_store();
        let db: Db = Arc::new(store);
        let config = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
        db.put_route(&crate::store::test_route("r")).await.unwrap();
        let base = Ctx {
            db: db.clone(),
            config: Arc::new(config),
            renderer: Arc::new(Renderer::new().unwrap()),
            caller: Caller::Operator,
            signals: Arc::default(),
        };
        let enabled = async || {
            db.get_route("default", "acc", "r")
                .await
                .unwrap()
                .unwrap()
                .enabled
        };
        let other = base.as_caller(Caller::Tenant(TenantId::new("default", "other")));
        assert!(matches!(
            other.set_enabled("default", "acc", "r", false).await,
            Err(ServiceError::NotFound(_))
        ));
        assert!(enabled().await);
        let own = base.as_caller(Caller::Tenant(TenantId::new("default", "acc")));
        assert!(own.set_enabled("default", "acc", "r", false).await.unwrap());
        assert!(!own.set_enabled("default", "acc", "r", false).await.unwrap());
        assert!(!enabled().await);
        assert!(own.set_enabled("default", "acc", "r", true).await.unwrap());
        assert!(enabled().await);
        assert!(matches!(
            own.set_enabled("default", "acc", "gone", true).await,
            Err(ServiceError::NotFound(_))
        ));
    }
}

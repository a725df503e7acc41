//! Routes and templates: list, show, add, replace, remove, import, dry-run tests and previews.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::chats::{self, Caller};
use crate::config::Config;
use crate::dispatch::{self, Dispatcher};
use crate::render::{
    ContextInput, DestinationKind, Overrides, Renderer, TEMPLATE_KEYS, build_context,
};
use crate::routing::{
    Destination, FieldError, MEETING_EVENTS, Route, RouteDocument, Target, ValidationContext,
};
use crate::store::{ImportReport, Message, NewJob, Store, StoreError};
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

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("invalid: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the service needs besides the store.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub renderer: &'a Renderer,
    /// Who asks: an organizer may name only chats proven to be theirs (see [`super::chats`]).
    pub caller: Caller,
}

impl Ctx<'_> {
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

    pub fn list(
        &self,
        app: Option<&str>,
        account: Option<&str>,
    ) -> Result<Vec<Route>, ServiceError> {
        let routes = match (app, account) {
            (Some(app), Some(acc)) => self.store.list_routes(Some((app, acc)))?,
            _ => self
                .store
                .list_routes(None)?
                .into_iter()
                .filter(|r| app.is_none_or(|a| a == r.app_id))
                .filter(|r| account.is_none_or(|a| a == r.account_id))
                .collect(),
        };
        Ok(routes)
    }

    pub fn get(&self, app: &str, account: &str, name: &str) -> Result<Route, ServiceError> {
        self.store.get_route(app, account, name)?.ok_or_else(|| {
            ServiceError::NotFound(format!(
                "no route `{name}` for account {account} (app {app})"
            ))
        })
    }

    /// Validation plus the destination proof for this caller.
    fn check(
        &self,
        route: &Route,
        existing: Option<&Route>,
    ) -> Result<Vec<FieldError>, ServiceError> {
        let mut errs = self.validate(route);
        errs.extend(chats::check_route(
            self.store,
            &self.caller,
            route,
            existing,
        )?);
        Ok(errs)
    }

    pub fn add(&self, route: Route) -> Result<Route, ServiceError> {
        let errs = self.check(&route, None)?;
        if !errs.is_empty() {
            return Err(ServiceError::Invalid(errs));
        }
        // Only if the name is free at the moment of writing, not just when checked.
        if !self.store.create_route(&route)? {
            return Err(ServiceError::Conflict(format!(
                "a route named `{}` exists already for this account; use `routes edit` or `routes import`",
                route.name
            )));
        }
        Ok(route)
    }

    /// Replaces route `name` of the tenant; the new route may rename it but not move it to another
    /// tenant.
    pub fn replace(
        &self,
        app: &str,
        account: &str,
        name: &str,
        route: Route,
    ) -> Result<Route, ServiceError> {
        let old = self.get(app, account, name)?;
        let mut errs = self.check(&route, Some(&old))?;
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
            return self
                .store
                .update_route(app, account, name, |fresh| {
                    *fresh = keep_member_subscriptions(route.clone(), fresh);
                    Ok::<_, ServiceError>(fresh.clone())
                })?
                .ok_or_else(|| {
                    ServiceError::NotFound(format!(
                        "no route `{name}` for account {account} (app {app})"
                    ))
                });
        }
        // A rename: create the new name (only if free), then take the old route away in one step
        // and carry over the subscriptions it had at that moment.
        let renamed = keep_member_subscriptions(route, &old);
        if !self.store.create_route(&renamed)? {
            return Err(ServiceError::Conflict(format!(
                "a route named `{}` exists already",
                renamed.name
            )));
        }
        let last = self.store.take_route(app, account, name)?.unwrap_or(old);
        Ok(self
            .store
            .update_route(app, account, &renamed.name, |fresh| {
                *fresh = keep_member_subscriptions(fresh.clone(), &last);
                Ok::<_, ServiceError>(fresh.clone())
            })?
            .unwrap_or(renamed))
    }

    /// Pauses (`enabled = false`) or resumes route `name` of the tenant. A compare-and-swap on the
    /// route as stored at that moment, so a subscription or another edit made meanwhile is kept.
    /// A tenant caller reaches only its own routes; another tenant's route reads as not found.
    /// Returns whether the route changed (false: it was already in that state).
    pub fn set_enabled(
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
        self.store
            .update_route(app, account, name, |fresh| {
                let changed = fresh.enabled != enabled;
                fresh.enabled = enabled;
                Ok::<_, ServiceError>(changed)
            })?
            .ok_or_else(not_found)
    }

    pub fn remove(&self, app: &str, account: &str, name: &str) -> Result<(), ServiceError> {
        if self.store.remove_route(app, account, name)? {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!(
                "no route `{name}` for account {account} (app {app})"
            )))
        }
    }

    /// Validates every route first; writes nothing unless all are valid. Upserts by (tenant, name).
    pub fn import(&self, doc: &RouteDocument) -> Result<ImportReport, ServiceError> {
        let mut errs = Vec::new();
        let mut seen = HashSet::new();
        for (i, r) in doc.routes.iter().enumerate() {
            let old = self.store.get_route(&r.app_id, &r.account_id, &r.name)?;
            for e in self.check(r, old.as_ref())? {
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
                if self.store.create_route(r)? {
                    report.created += 1;
                    break;
                }
                let updated =
                    self.store
                        .update_route(&r.app_id, &r.account_id, &r.name, |fresh| {
                            *fresh = keep_member_subscriptions(r.clone(), fresh);
                            Ok::<_, StoreError>(())
                        })?;
                if updated.is_some() {
                    report.updated += 1;
                    break;
                }
                // Removed between the two steps: create it again.
            }
        }
        Ok(report)
    }

    /// Which routes an event would fire and what each target would get. Writes nothing.
    pub fn test(&self, app: &str, body: &[u8]) -> Result<TestReport, ServiceError> {
        let d = Dispatcher::new(
            std::sync::Arc::new(self.store.clone()),
            std::sync::Arc::new(self.renderer.clone()),
            std::sync::Arc::new(self.config.clone()),
        );
        wait_for(d.preview(app, body)).map_err(|e| match e {
            dispatch::PreviewError::Store(s) => ServiceError::Store(s),
            dispatch::PreviewError::Invalid(m) => ServiceError::Invalid(vec![FieldError {
                field: "event".into(),
                message: m,
            }]),
        })
    }

    // --- templates -------------------------------------------------------------------------

    /// Every (event, key) with where its source comes from for this tenant.
    pub fn templates(&self, app: &str, account: &str) -> Result<Vec<TemplateInfo>, ServiceError> {
        let overrides = self.store.tenant_templates(app, account)?;
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

    pub fn template_source(
        &self,
        app: &str,
        account: Option<&str>,
        event: &str,
        key: &str,
    ) -> Result<String, ServiceError> {
        check_event_key(event, key)?;
        if let Some(acc) = account
            && let Some(s) = self
                .store
                .tenant_templates(app, acc)?
                .get(&format!("{event}/{key}"))
        {
            return Ok(s.clone());
        }
        crate::render::default_template(event, key)
            .map(str::to_string)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "no default template {event}/{key}; the built-in default is used"
                ))
            })
    }

    pub fn set_template(
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
        self.store.set_template(app, account, event, key, source)?;
        Ok(())
    }

    pub fn remove_template(
        &self,
        app: &str,
        account: &str,
        event: &str,
        key: &str,
    ) -> Result<(), ServiceError> {
        check_event_key(event, key)?;
        if self.store.remove_template(app, account, event, key)? {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!(
                "account {account} has no override for {event}/{key}"
            )))
        }
    }

    /// Renders a sample `event` for every channel, with a route's overrides when `route` is given.
    pub fn preview(&self, req: &PreviewRequest) -> Result<Vec<PreviewItem>, ServiceError> {
        let kind = EventKind::parse(&req.event);
        if !kind.is_meeting() {
            return Err(ServiceError::Invalid(vec![FieldError {
                field: "event".into(),
                message: format!("use one of {}", MEETING_EVENTS.join(", ")),
            }]));
        }
        let route = match (&req.route, &req.account) {
            (Some(name), Some(acc)) => Some(self.get(&req.app, acc, name)?),
            (Some(_), None) => {
                return Err(ServiceError::Invalid(vec![FieldError {
                    field: "account".into(),
                    message: "a route is named within an account; pass --account".into(),
                }]));
            }
            _ => None,
        };
        let tenant = match &req.account {
            Some(acc) => self.store.tenant_templates(&req.app, acc)?,
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
    /// caller wakes the channel workers (`Signals::channel`) afterwards.
    pub fn send_test(
        &self,
        app: &str,
        account: &str,
        name: &str,
    ) -> Result<Vec<TestSent>, ServiceError> {
        let route = self.get(app, account, name)?;
        let kind = route
            .event_kinds()
            .into_iter()
            .find(EventKind::is_meeting)
            .unwrap_or(EventKind::MeetingStarted);
        let tenant = self.store.tenant_templates(app, account)?;
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
        self.store.enqueue_jobs(jobs)?;
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

/// Runs an async dispatcher call to the end from this synchronous service code (the dry run reads
/// routes through the storage seam). Goes once the service layer itself is async.
fn wait_for<F: std::future::Future>(f: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark()
        }
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigSource, EXAMPLE_CONFIG, from_toml_str};
    use crate::service::chats::TenantId;

    #[test]
    fn set_enabled_reaches_only_the_callers_own_routes() {
        let dir = tempfile::tempdir().unwrap();
        let config = from_toml_str(EXAMPLE_CONFIG, ConfigSource::EmbeddedExample, &[]).unwrap();
        let store = Store::open(dir.path(), &config.store).unwrap();
        let renderer = Renderer::new().unwrap();
        let route: Route = serde_json::from_value(serde_json::json!({
            "name": "r", "account_id": "acc", "events": ["meeting.started"],
            "destinations": [{"kind": "log"}]
        }))
        .unwrap();
        store.put_route(&route).unwrap();
        let ctx = |caller| Ctx {
            store: &store,
            config: &config,
            renderer: &renderer,
            caller,
        };
        let enabled = || {
            store
                .get_route("default", "acc", "r")
                .unwrap()
                .unwrap()
                .enabled
        };
        let other = ctx(Caller::Tenant(TenantId::new("default", "other")));
        assert!(matches!(
            other.set_enabled("default", "acc", "r", false),
            Err(ServiceError::NotFound(_))
        ));
        assert!(enabled());
        let own = ctx(Caller::Tenant(TenantId::new("default", "acc")));
        assert!(own.set_enabled("default", "acc", "r", false).unwrap());
        assert!(!own.set_enabled("default", "acc", "r", false).unwrap());
        assert!(!enabled());
        assert!(own.set_enabled("default", "acc", "r", true).unwrap());
        assert!(enabled());
        assert!(matches!(
            own.set_enabled("default", "acc", "gone", true),
            Err(ServiceError::NotFound(_))
        ));
    }
}

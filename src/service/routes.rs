//! Routes: list, show, add, replace, pause, remove, import and dry-run tests. Templates, previews
//! and test sends are in [`super::templates`].

use std::collections::HashSet;

use super::chats::{self, Caller};
use super::of_tenant;
use crate::config::Config;
use crate::dispatch::{self, Dispatcher};
use crate::render::{Renderer, TEMPLATE_KEYS};
use crate::routing::{
    Destination, FieldError, MEETING_EVENTS, Route, RouteDocument, ValidationContext,
};
use crate::store::{ImportReport, OfTenant, TenantId, update_route};

/// A route that is not there, or is another tenant's (which reads the same).
fn no_route(app: &str, account: &str, name: &str) -> ServiceError {
    ServiceError::NotFound(format!(
        "no route `{name}` for account {account} (app {app})"
    ))
}

/// `route` as an organizer wrote it, with the members' own Telegram subscriptions taken from
/// `stored`. Those belong to the members (`/subscribe`, `/unsubscribe`): an organizer's edit
/// neither adds nor drops one, so an edit built from an older read cannot undo a subscription or
/// an unsubscription made since. Ones in `route` that are still stored keep their place; ones
/// stored but missing from `route` are appended. An organizer removes a subscription through the
/// subscriptions endpoint. Member email lists are the organizer's to edit and stay as written.
pub fn keep_member_subscriptions(mut route: Route, stored: &Route) -> Route {
    let is_sub = |d: &Destination| {
        matches!(
            d,
            Destination::Telegram { member: true, .. } | Destination::Email { member: true, .. }
        )
    };
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

/// A route's own problems, each naming its field: what needs neither the store nor the caller.
pub fn validate_route(config: &Config, renderer: &Renderer, route: &Route) -> Vec<FieldError> {
    validate_route_for(config, renderer, route, &[])
}

/// [`validate_route`], with the ids of the apps added at run time (`stored_apps`) also known.
pub fn validate_route_for(
    config: &Config,
    renderer: &Renderer,
    route: &Route,
    stored_apps: &[String],
) -> Vec<FieldError> {
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
        renderer.validate(k, source).map_err(|e| e.to_string())
    };
    let apps: Vec<&str> = config
        .zoom
        .apps
        .iter()
        .map(|a| a.id.as_str())
        .chain(stored_apps.iter().map(String::as_str))
        .collect();
    route.validate(&ValidationContext {
        app_ids: apps,
        telegram_enabled: config.telegram.is_some(),
        email_enabled: config.email.is_some(),
        check_template: &check,
        webhooks: &config.webhooks,
    })
}

/// The problems of a route document that show without a store, as `import` names them: each
/// route's own, a name used twice for one account, no routes at all. `check-config` and `serve`
/// run this on `seed_routes` before anything starts; `import` also checks destinations against
/// the store.
pub fn check_document(
    config: &Config,
    renderer: &Renderer,
    doc: &RouteDocument,
) -> Vec<FieldError> {
    let each = doc
        .routes
        .iter()
        .map(|r| validate_route(config, renderer, r))
        .collect();
    document_errors(doc, each)
}

/// A document's problems from each route's own (`each`, in document order): every one named by
/// its place in the document, then a name used twice for one account, then an empty document.
fn document_errors(doc: &RouteDocument, each: Vec<Vec<FieldError>>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen = HashSet::new();
    for (i, (r, own)) in doc.routes.iter().zip(each).enumerate() {
        for e in own {
            errs.push(FieldError::new(
                format!("routes[{i}] ({}).{}", r.name, e.field),
                e.message,
            ));
        }
        if !seen.insert((&r.app_id, &r.account_id, &r.name)) {
            errs.push(FieldError::new(
                format!("routes[{i}].name"),
                format!("`{}` appears twice for the same account", r.name),
            ));
        }
    }
    if doc.routes.is_empty() {
        errs.push(FieldError::new(
            "routes",
            "the document has no [[routes]] entries",
        ));
    }
    errs
}

impl Ctx {
    /// Route validation, knowing the apps added at run time as well as the config's.
    async fn validate(&self, route: &Route) -> Result<Vec<FieldError>, ServiceError> {
        let stored: Vec<String> = if self.config.zoom.app(&route.app_id).is_some() {
            Vec::new()
        } else {
            self.db
                .get_app(&route.app_id)
                .await?
                .map(|a| a.id)
                .into_iter()
                .collect()
        };
        Ok(validate_route_for(
            &self.config,
            &self.renderer,
            route,
            &stored,
        ))
    }

    pub async fn list(
        &self,
        app: Option<&str>,
        account: Option<&str>,
    ) -> Result<Vec<Route>, ServiceError> {
        let routes = match (app, account) {
            (Some(app), Some(acc)) => self.db.list_routes(Some(&TenantId::new(app, acc))).await?,
            _ => of_tenant(self.db.list_routes(None).await?, app, account),
        };
        Ok(routes)
    }

    pub async fn get(&self, app: &str, account: &str, name: &str) -> Result<Route, ServiceError> {
        let route = self
            .db
            .get_route(&TenantId::new(app, account), name)
            .await?;
        route.ok_or_else(|| no_route(app, account, name))
    }

    /// What follows every write of a route: invitations to its new email addresses, then the
    /// flush that makes the write acknowledged.
    async fn saved(&self, route: Route) -> Result<Route, ServiceError> {
        super::join::invite_new_addresses(self, &route).await?;
        self.durable().await?;
        Ok(route)
    }

    /// Validation plus the destination proof for this caller.
    async fn check(
        &self,
        route: &Route,
        existing: Option<&Route>,
    ) -> Result<Vec<FieldError>, ServiceError> {
        let mut errs = self.validate(route).await?;
        errs.extend(chats::check_route(&*self.db, &self.caller, route, existing).await?);
        Ok(errs)
    }

    pub async fn add(&self, route: Route) -> Result<Route, ServiceError> {
        let errs = self.check(&route, None).await?;
        ServiceError::check(errs)?;
        // Only if the name is free at the moment of writing, not just when checked.
        if !self.db.create_route(&route).await? {
            return Err(ServiceError::Conflict(format!(
                "a route named `{}` exists already for this account; use `routes edit` or `routes import`",
                route.name
            )));
        }
        self.saved(route).await
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
        let tenant = TenantId::new(app, account);
        let old = self.get(app, account, name).await?;
        let mut errs = self.check(&route, Some(&old)).await?;
        if route.app_id != app || route.account_id != account {
            errs.push(FieldError::new(
                "account_id",
                "a route cannot move to another app or account; remove it and add it there",
            ));
        }
        ServiceError::check(errs)?;
        if route.name == name {
            // Compare-and-swap onto the route as stored now, not as read above: a member who
            // subscribed since then keeps the subscription.
            let saved = update_route(&*self.db, &tenant, name, |fresh| {
                *fresh = keep_member_subscriptions(route.clone(), fresh);
                Ok::<_, ServiceError>(fresh.clone())
            })
            .await?
            .ok_or_else(|| no_route(app, account, name))?;
            return self.saved(saved).await;
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
        let last = self.db.take_route(&tenant, name).await?.unwrap_or(old);
        // Confirmations follow the route: its members need not confirm again.
        self.db
            .rename_consents(&tenant, name, &renamed.name)
            .await?;
        let saved = update_route(&*self.db, &tenant, &renamed.name, |fresh| {
            *fresh = keep_member_subscriptions(fresh.clone(), &last);
            Ok::<_, ServiceError>(fresh.clone())
        })
        .await?
        .unwrap_or(renamed);
        self.saved(saved).await
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
        let not_found = || no_route(app, account, name);
        if let Caller::Tenant(t) = &self.caller
            && !t.is(app, account)
        {
            return Err(not_found());
        }
        let changed = update_route(&*self.db, &TenantId::new(app, account), name, |fresh| {
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
        if self
            .db
            .remove_route(&TenantId::new(app, account), name)
            .await?
        {
            self.durable().await
        } else {
            Err(no_route(app, account, name))
        }
    }

    /// Validates every route first; writes nothing unless all are valid. Upserts by (tenant, name).
    pub async fn import(&self, doc: &RouteDocument) -> Result<ImportReport, ServiceError> {
        let mut each = Vec::with_capacity(doc.routes.len());
        for r in &doc.routes {
            let old = self.db.get_route(&r.tenant_id(), &r.name).await?;
            each.push(self.check(r, old.as_ref()).await?);
        }
        let errs = document_errors(doc, each);
        ServiceError::check(errs)?;
        // Like `replace` for a route that exists: a compare-and-swap that keeps the members'
        // own subscriptions as stored now.
        let mut report = ImportReport::default();
        for r in &doc.routes {
            loop {
                if self.db.create_route(r).await? {
                    report.created += 1;
                    break;
                }
                let updated = update_route(&*self.db, &r.tenant_id(), &r.name, |fresh| {
                    *fresh = keep_member_subscriptions(r.clone(), fresh);
                    Ok::<_, ServiceError>(())
                })
                .await?;
                if updated.is_some() {
                    report.updated += 1;
                    break;
                }
                // Removed between the two steps: create it again.
            }
            super::join::invite_new_addresses(self, r).await?;
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
        dispatcher.preview(app, body).await.map_err(|e| match e {
            dispatch::PreviewError::Store(s) => ServiceError::from(s),
            dispatch::PreviewError::Invalid(m) => ServiceError::invalid("event", m),
        })
    }
}

pub use super::templates::{PreviewItem, PreviewRequest, TemplateInfo, TestSent};
pub use crate::dispatch::{TestDelivery, TestReport};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::chats::TenantId;

    #[tokio::test]
    async fn set_enabled_reaches_only_the_callers_own_routes() {
        let (_dir, base) = crate::service::test_ctx();
        let db = base.db.clone();
        db.put_route(&crate::store::test_route("r")).await.unwrap();
        let enabled = async || {
            db.get_route(&TenantId::new("default", "acc"), "r")
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

    #[tokio::test]
    async fn a_taken_name_is_a_conflict_and_nothing_is_overwritten() {
        let (_dir, ctx) = crate::service::test_ctx();
        let mut route = crate::store::test_route("r");
        ctx.add(route.clone()).await.unwrap();
        route.topic_contains = Some("other".into());
        assert!(matches!(
            ctx.add(route).await,
            Err(ServiceError::Conflict(_))
        ));
        let stored = ctx.get("default", "acc", "r").await.unwrap();
        assert_eq!(stored.topic_contains, None);
    }
}

//! Every management verb, written once against [`Manage`]: what a verb may ask of the relay, with
//! its two implementations side by side in one method. [`Manage::Local`] calls the service layer
//! in-process on a store this CLI opened; [`Manage::Remote`] asks the running relay's admin API the
//! same question (see `access.rs` for which one a verb gets). Writing both arms in one method, not
//! a trait with two impls, keeps each verb's signature in one place and makes a verb that one side
//! lacks a compile error. The verbs themselves only parse arguments and print.

use std::path::Path;
use std::sync::Arc;

use crate::http::api::ops as api;
use serde_json::json;

use super::access::{Access, Remote, body, query, runtime, tenant_query};
use super::{CliError, load_config};
use crate::config::Config;
use crate::render::Renderer;
use crate::routing::{Route, RouteDocument};
use crate::service::codes::{self, CreateCode, CreatedCode};
use crate::service::deliveries::{
    self, DeliveriesQuery, DeliveryView, EnableRequest, ReplayReport, ReplayRequest,
};
use crate::service::events::{self, EventView, EventsQuery};
use crate::service::own_bots::{self, OwnBotView};
use crate::service::routes::{PreviewItem, PreviewRequest, TemplateInfo, TestReport, TestSent};
use crate::service::subscriptions::{self, Subscription};
use crate::service::tenants::{self, RemoveReport, TenantDetail, TenantView};
use crate::service::tokens::{self, CreatedToken};
use crate::service::{Ctx, ServiceError, organizers};
use crate::store::auth::ApiToken;
use crate::store::bot::{CodeRecord, OrganizerLink};
use crate::store::{AuditEntry, Db, DisabledTarget, ImportReport, Notice};

type R<T> = Result<T, CliError>;

/// What a management verb may ask of the relay, and of whom. `false` from a removal means there
/// was nothing to remove (the remote API answers that with an error of its own).
pub enum Manage {
    /// The service layer in-process, on a store this CLI opened. The CLI on the relay's own store
    /// is the operator. No worker runs here: what a verb queues goes out at the relay's next start.
    Local(Ctx),
    /// The running relay's admin API (`/api/v1`), as the operator.
    Remote(Remote),
}

/// Runs one verb: opens the store (or finds the relay holding it), hands `f` the matching
/// [`Manage`], and closes the store afterwards.
pub fn with_manager<T>(config: &Config, f: impl AsyncFnOnce(&Manage) -> R<T>) -> R<T> {
    runtime()?.block_on(async {
        let access = Access::open(config).await?;
        let manager = match &access {
            Access::Local(store) => Manage::Local(local_ctx(store.clone(), config)?),
            Access::Remote(remote) => Manage::Remote(remote.clone()),
        };
        let res = f(&manager).await;
        access.close().await?;
        res
    })
}

/// A management verb from its start: loads the config (or says what to fix), starts the CLI's
/// logging, then runs `f` with the config as [`with_manager`] does.
pub fn manage<T>(
    config_path: Option<&Path>,
    f: impl AsyncFnOnce(&Manage, &Config) -> R<T>,
) -> R<T> {
    let config = load_config(config_path)?;
    crate::telemetry::init_cli();
    with_manager(&config, async |m| f(m, &config).await)
}

impl From<ServiceError> for CliError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(errs) => CliError::Usage(format!(
                "invalid:\n{}",
                errs.iter()
                    .map(|e| format!("  - {e}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )),
            other => CliError::Failed(other.to_string()),
        }
    }
}

fn local_ctx(db: Db, config: &Config) -> R<Ctx> {
    let renderer = Renderer::new().map_err(|e| CliError::Failed(e.to_string()))?;
    Ok(Ctx::operator(
        db,
        Arc::new(config.clone()),
        Arc::new(renderer),
    ))
}

impl Manage {
    pub async fn routes(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<Route>> {
        match self {
            Manage::Local(ctx) => Ok(ctx.list(app, account).await?),
            Manage::Remote(r) => r.get_filtered(&api::LIST_ROUTES, app, account).await,
        }
    }

    pub async fn route(&self, app: &str, account: &str, name: &str) -> R<Route> {
        match self {
            Manage::Local(ctx) => Ok(ctx.get(app, account, name).await?),
            Manage::Remote(r) => {
                r.send(&api::GET_ROUTE, &[app, account, name], &[], None)
                    .await
            }
        }
    }

    pub async fn add_route(&self, route: &Route) -> R<Route> {
        match self {
            Manage::Local(ctx) => Ok(ctx.add(route.clone()).await?),
            Manage::Remote(r) => r.send(&api::ADD_ROUTE, &[], &[], body(route)?).await,
        }
    }

    pub async fn replace_route(
        &self,
        app: &str,
        account: &str,
        name: &str,
        route: &Route,
    ) -> R<Route> {
        match self {
            Manage::Local(ctx) => Ok(ctx.replace(app, account, name, route.clone()).await?),
            Manage::Remote(r) => {
                r.send(
                    &api::REPLACE_ROUTE,
                    &[app, account, name],
                    &[],
                    body(route)?,
                )
                .await
            }
        }
    }

    pub async fn remove_route(&self, app: &str, account: &str, name: &str) -> R<()> {
        match self {
            Manage::Local(ctx) => Ok(ctx.remove(app, account, name).await?),
            Manage::Remote(r) => {
                r.call(&api::REMOVE_ROUTE, &[app, account, name], &[], None)
                    .await
            }
        }
    }

    pub async fn import_routes(&self, doc: &RouteDocument) -> R<ImportReport> {
        match self {
            Manage::Local(ctx) => Ok(ctx.import(doc).await?),
            Manage::Remote(r) => r.send(&api::IMPORT_ROUTES, &[], &[], body(doc)?).await,
        }
    }

    pub async fn send_test(&self, app: &str, account: &str, name: &str) -> R<Vec<TestSent>> {
        match self {
            Manage::Local(ctx) => Ok(ctx.send_test(app, account, name).await?),
            Manage::Remote(r) => {
                r.send(&api::SEND_TEST, &[app, account, name], &[], None)
                    .await
            }
        }
    }

    /// The dry run of a Zoom event body (JSON as Zoom posts it).
    pub async fn test_event(&self, app: &str, body: &serde_json::Value) -> R<TestReport> {
        match self {
            Manage::Local(ctx) => {
                let dispatcher = crate::dispatch::Dispatcher::new(
                    ctx.db.clone(),
                    ctx.renderer.clone(),
                    ctx.config.clone(),
                );
                let body = serde_json::to_vec(body).map_err(|e| CliError::Failed(e.to_string()))?;
                Ok(ctx.test(&dispatcher, app, &body).await?)
            }
            Manage::Remote(r) => {
                let q = [("app", app.to_string())];
                r.send(&api::TEST_ROUTES, &[], &q, Some(body.clone())).await
            }
        }
    }

    pub async fn templates(&self, app: &str, account: &str) -> R<Vec<TemplateInfo>> {
        match self {
            Manage::Local(ctx) => Ok(ctx.templates(app, account).await?),
            Manage::Remote(r) => r.get_tenant(&api::LIST_TEMPLATES, app, account).await,
        }
    }

    pub async fn template_source(
        &self,
        app: &str,
        account: Option<&str>,
        event: &str,
        key: &str,
    ) -> R<String> {
        match self {
            Manage::Local(ctx) => Ok(ctx.template_source(app, account, event, key).await?),
            Manage::Remote(r) => {
                let q = query(&[
                    ("app", Some(app)),
                    ("event", Some(event)),
                    ("key", Some(key)),
                    ("account", account),
                ]);
                let v: serde_json::Value = r.get(&api::TEMPLATE_SOURCE, &q).await?;
                Ok(v["source"].as_str().unwrap_or_default().to_string())
            }
        }
    }

    pub async fn set_template(
        &self,
        app: &str,
        account: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> R<()> {
        match self {
            Manage::Local(ctx) => Ok(ctx.set_template(app, account, event, key, source).await?),
            Manage::Remote(r) => {
                let body = Some(json!({ "source": source }));
                r.call(&api::SET_TEMPLATE, &[app, account, event, key], &[], body)
                    .await
            }
        }
    }

    pub async fn remove_template(&self, app: &str, account: &str, event: &str, key: &str) -> R<()> {
        match self {
            Manage::Local(ctx) => Ok(ctx.remove_template(app, account, event, key).await?),
            Manage::Remote(r) => {
                r.call(
                    &api::REMOVE_TEMPLATE,
                    &[app, account, event, key],
                    &[],
                    None,
                )
                .await
            }
        }
    }

    pub async fn preview(&self, req: &PreviewRequest) -> R<Vec<PreviewItem>> {
        match self {
            Manage::Local(ctx) => Ok(ctx.preview(req).await?),
            Manage::Remote(r) => r.send(&api::PREVIEW_TEMPLATES, &[], &[], body(req)?).await,
        }
    }

    pub async fn deliveries(&self, q: &DeliveriesQuery) -> R<Vec<DeliveryView>> {
        match self {
            Manage::Local(ctx) => Ok(deliveries::list(ctx, q).await?),
            Manage::Remote(r) => {
                let mut params = vec![
                    ("failed", q.failed.to_string()),
                    ("sent", q.sent.to_string()),
                ];
                params.extend(query(&[
                    ("route", q.route.as_deref()),
                    ("app", q.app.as_deref()),
                    ("account", q.account.as_deref()),
                    ("state", q.state.as_deref()),
                    ("event", q.event.as_deref()),
                ]));
                if let Some(limit) = q.limit {
                    params.push(("limit", limit.to_string()));
                }
                r.get(&api::LIST_DELIVERIES, &params).await
            }
        }
    }

    pub async fn retry(&self, id: u64) -> R<()> {
        match self {
            Manage::Local(ctx) => Ok(deliveries::retry(ctx, id).await?),
            Manage::Remote(r) => {
                r.call(&api::RETRY_DELIVERY, &[&id.to_string()], &[], None)
                    .await
            }
        }
    }

    pub async fn replay(&self, req: &ReplayRequest) -> R<ReplayReport> {
        match self {
            Manage::Local(ctx) => Ok(deliveries::replay(ctx, req).await?),
            Manage::Remote(r) => r.send(&api::REPLAY_DELIVERIES, &[], &[], body(req)?).await,
        }
    }

    pub async fn notices(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<Notice>> {
        match self {
            Manage::Local(ctx) => Ok(deliveries::notices(ctx, app, account).await?),
            Manage::Remote(r) => r.get_filtered(&api::LIST_NOTICES, app, account).await,
        }
    }

    pub async fn disabled(
        &self,
        app: Option<&str>,
        account: Option<&str>,
    ) -> R<Vec<DisabledTarget>> {
        match self {
            Manage::Local(ctx) => Ok(deliveries::disabled(ctx, app, account).await?),
            Manage::Remote(r) => r.get_filtered(&api::LIST_DISABLED, app, account).await,
        }
    }

    pub async fn enable(&self, req: &EnableRequest) -> R<bool> {
        match self {
            Manage::Local(ctx) => Ok(deliveries::enable(ctx, req).await?),
            Manage::Remote(r) => r
                .call(&api::ENABLE_DESTINATION, &[], &[], body(req)?)
                .await
                .map(|()| true),
        }
    }

    pub async fn events(&self, q: &EventsQuery) -> R<Vec<EventView>> {
        match self {
            Manage::Local(ctx) => Ok(events::list(ctx, q).await?),
            Manage::Remote(r) => {
                let mut params = query(&[
                    ("since", q.since.as_deref()),
                    ("app", q.app.as_deref()),
                    ("account", q.account.as_deref()),
                ]);
                if let Some(limit) = q.limit {
                    params.push(("limit", limit.to_string()));
                }
                r.get(&api::LIST_EVENTS, &params).await
            }
        }
    }

    pub async fn create_code(&self, req: &CreateCode) -> R<CreatedCode> {
        match self {
            Manage::Local(ctx) => Ok(codes::create(ctx, req).await?),
            Manage::Remote(r) => r.send(&api::CREATE_CODE, &[], &[], body(req)?).await,
        }
    }

    pub async fn codes(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<CodeRecord>> {
        match self {
            Manage::Local(ctx) => Ok(codes::list(ctx, app, account).await?),
            Manage::Remote(r) => r.get_filtered(&api::LIST_CODES, app, account).await,
        }
    }

    pub async fn revoke_code(
        &self,
        id: &str,
        app: Option<&str>,
        account: Option<&str>,
    ) -> R<CodeRecord> {
        match self {
            Manage::Local(ctx) => Ok(codes::revoke(ctx, id, app, account).await?),
            Manage::Remote(r) => {
                let q = query(&[("app", app), ("account", account)]);
                r.send(&api::REVOKE_CODE, &[id], &q, None).await
            }
        }
    }

    pub async fn organizers(
        &self,
        app: Option<&str>,
        account: Option<&str>,
    ) -> R<Vec<OrganizerLink>> {
        match self {
            Manage::Local(ctx) => Ok(organizers::list(ctx, app, account).await?),
            Manage::Remote(r) => r.get_filtered(&api::LIST_ORGANIZERS, app, account).await,
        }
    }

    pub async fn remove_organizer(&self, app: &str, account: &str, user_id: i64) -> R<bool> {
        match self {
            Manage::Local(ctx) => Ok(organizers::remove(ctx, app, account, user_id).await?),
            Manage::Remote(r) => {
                let user = user_id.to_string();
                r.call(&api::REMOVE_ORGANIZER, &[app, account, &user], &[], None)
                    .await
                    .map(|()| true)
            }
        }
    }

    pub async fn subscriptions(&self, app: &str, account: &str) -> R<Vec<Subscription>> {
        match self {
            Manage::Local(ctx) => Ok(subscriptions::list(ctx, app, account).await?),
            Manage::Remote(r) => r.get_tenant(&api::LIST_SUBSCRIPTIONS, app, account).await,
        }
    }

    pub async fn remove_subscription(
        &self,
        app: &str,
        account: &str,
        route: &str,
        target: &str,
    ) -> R<bool> {
        match self {
            Manage::Local(ctx) => {
                Ok(subscriptions::remove(ctx, app, account, route, target).await?)
            }
            Manage::Remote(r) => {
                let at = [app, account, route, target];
                r.call(&api::REMOVE_SUBSCRIPTION, &at, &[], None)
                    .await
                    .map(|()| true)
            }
        }
    }

    pub async fn tenants(&self, app: Option<&str>) -> R<Vec<TenantView>> {
        match self {
            Manage::Local(ctx) => Ok(tenants::list(ctx, app).await?),
            Manage::Remote(r) => r.get(&api::LIST_TENANTS, &query(&[("app", app)])).await,
        }
    }

    pub async fn tenant(&self, app: &str, account: &str) -> R<TenantDetail> {
        match self {
            Manage::Local(ctx) => Ok(tenants::show(ctx, app, account).await?),
            Manage::Remote(r) => r.send(&api::GET_TENANT, &[app, account], &[], None).await,
        }
    }

    pub async fn remove_tenant(&self, app: &str, account: &str) -> R<RemoveReport> {
        match self {
            Manage::Local(ctx) => {
                // No relay runs, so this process revokes the tenant's Zoom token itself.
                let revoker = crate::tenants::Tenants::new(ctx.db.clone(), ctx.config.clone())?;
                Ok(tenants::remove(ctx, &revoker, app, account).await?)
            }
            Manage::Remote(r) => {
                r.send(&api::REMOVE_TENANT, &[app, account], &[], None)
                    .await
            }
        }
    }

    pub async fn audit(&self) -> R<Vec<AuditEntry>> {
        match self {
            Manage::Local(ctx) => Ok(tenants::audit(ctx).await?),
            Manage::Remote(r) => r.get(&api::TENANT_AUDIT, &[]).await,
        }
    }

    pub async fn create_token(&self, app: &str, account: &str, name: &str) -> R<CreatedToken> {
        match self {
            Manage::Local(ctx) => Ok(tokens::create(ctx, app, account, name).await?),
            Manage::Remote(r) => {
                let body = Some(json!({"app": app, "account": account, "name": name}));
                r.send(&api::CREATE_TOKEN, &[], &[], body).await
            }
        }
    }

    pub async fn tokens(&self) -> R<Vec<ApiToken>> {
        match self {
            Manage::Local(ctx) => Ok(tokens::list(ctx, None).await?),
            Manage::Remote(r) => r.get(&api::LIST_TOKENS, &[]).await,
        }
    }

    pub async fn revoke_token(&self, id: &str) -> R<()> {
        match self {
            Manage::Local(ctx) => Ok(tokens::revoke(ctx, id, None).await?),
            Manage::Remote(r) => r.call(&api::REVOKE_TOKEN, &[id], &[], None).await,
        }
    }

    pub async fn own_bot(&self, app: &str, account: &str) -> R<OwnBotView> {
        match self {
            Manage::Local(ctx) => Ok(own_bots::show(ctx, app, account).await?),
            Manage::Remote(r) => r.get_tenant(&api::GET_OWN_BOT, app, account).await,
        }
    }

    /// Checks `token` with Telegram and connects the bot (the relay checks it when it is asked).
    pub async fn set_own_bot(&self, app: &str, account: &str, token: &str) -> R<OwnBotView> {
        match self {
            Manage::Local(ctx) => {
                let token = secrecy::SecretString::from(token.to_string());
                let checked = crate::bot::own::check_token(&ctx.config, &token).await;
                Ok(own_bots::connect(ctx, app, account, &token, checked).await?)
            }
            Manage::Remote(r) => {
                let body = Some(json!({ "token": token }));
                let q = tenant_query(app, account);
                r.send(&api::CONNECT_OWN_BOT, &[], &q, body).await
            }
        }
    }

    pub async fn remove_own_bot(&self, app: &str, account: &str) -> R<()> {
        match self {
            Manage::Local(ctx) => {
                own_bots::remove(ctx, app, account).await?;
                Ok(())
            }
            Manage::Remote(r) => {
                let q = tenant_query(app, account);
                r.call(&api::REMOVE_OWN_BOT, &[], &q, None).await
            }
        }
    }
}

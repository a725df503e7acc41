//! Every management verb, written once against [`Manage`]: what a verb may ask of the relay, with
//! two implementations. [`Local`] opens the store and calls the service layer in-process; the
//! running relay's admin API answers the same questions for [`Remote`] (see `access.rs` for which
//! one a verb gets). The verbs themselves only parse arguments and print.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use serde_json::json;

use super::access::{Access, Remote, body, query, runtime, tenant_query};
use super::manage_apps::ManageApps;
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

/// What a management verb may ask of the relay. `false` from a removal means there was nothing
/// to remove (the remote API answers that with an error of its own).
#[async_trait]
pub trait Manage: ManageApps + Send + Sync {
    async fn routes(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<Route>>;
    async fn route(&self, app: &str, account: &str, name: &str) -> R<Route>;
    async fn add_route(&self, route: &Route) -> R<Route>;
    async fn replace_route(&self, app: &str, account: &str, name: &str, route: &Route) -> R<Route>;
    async fn remove_route(&self, app: &str, account: &str, name: &str) -> R<()>;
    async fn import_routes(&self, doc: &RouteDocument) -> R<ImportReport>;
    async fn send_test(&self, app: &str, account: &str, name: &str) -> R<Vec<TestSent>>;
    /// The dry run of a Zoom event body (JSON as Zoom posts it).
    async fn test_event(&self, app: &str, body: &serde_json::Value) -> R<TestReport>;

    async fn templates(&self, app: &str, account: &str) -> R<Vec<TemplateInfo>>;
    async fn template_source(
        &self,
        app: &str,
        account: Option<&str>,
        event: &str,
        key: &str,
    ) -> R<String>;
    async fn set_template(
        &self,
        app: &str,
        account: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> R<()>;
    async fn remove_template(&self, app: &str, account: &str, event: &str, key: &str) -> R<()>;
    async fn preview(&self, req: &PreviewRequest) -> R<Vec<PreviewItem>>;

    async fn deliveries(&self, q: &DeliveriesQuery) -> R<Vec<DeliveryView>>;
    async fn retry(&self, id: u64) -> R<()>;
    async fn replay(&self, req: &ReplayRequest) -> R<ReplayReport>;
    async fn notices(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<Notice>>;
    async fn disabled(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<DisabledTarget>>;
    async fn enable(&self, req: &EnableRequest) -> R<bool>;

    async fn events(&self, q: &EventsQuery) -> R<Vec<EventView>>;

    async fn create_code(&self, req: &CreateCode) -> R<CreatedCode>;
    async fn codes(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<CodeRecord>>;
    async fn revoke_code(
        &self,
        id: &str,
        app: Option<&str>,
        account: Option<&str>,
    ) -> R<CodeRecord>;

    async fn organizers(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<OrganizerLink>>;
    async fn remove_organizer(&self, app: &str, account: &str, user_id: i64) -> R<bool>;

    async fn subscriptions(&self, app: &str, account: &str) -> R<Vec<Subscription>>;
    async fn remove_subscription(
        &self,
        app: &str,
        account: &str,
        route: &str,
        target: &str,
    ) -> R<bool>;

    async fn tenants(&self, app: Option<&str>) -> R<Vec<TenantView>>;
    async fn tenant(&self, app: &str, account: &str) -> R<TenantDetail>;
    async fn remove_tenant(&self, app: &str, account: &str) -> R<RemoveReport>;
    async fn audit(&self) -> R<Vec<AuditEntry>>;

    async fn create_token(&self, app: &str, account: &str, name: &str) -> R<CreatedToken>;
    async fn tokens(&self) -> R<Vec<ApiToken>>;
    async fn revoke_token(&self, id: &str) -> R<()>;

    async fn own_bot(&self, app: &str, account: &str) -> R<OwnBotView>;
    /// Checks `token` with Telegram and connects the bot (the relay checks it when it is asked).
    async fn set_own_bot(&self, app: &str, account: &str, token: &str) -> R<OwnBotView>;
    async fn remove_own_bot(&self, app: &str, account: &str) -> R<()>;
}

/// Runs one verb: opens the store (or finds the relay holding it), hands `f` the matching
/// [`Manage`], and closes the store afterwards.
pub fn with_manager<T>(config: &Config, f: impl AsyncFnOnce(&dyn Manage) -> R<T>) -> R<T> {
    runtime()?.block_on(async {
        let access = Access::open(config).await?;
        let res = match &access {
            Access::Local(store) => {
                let local = Local::new(store.clone(), config)?;
                f(&local).await
            }
            Access::Remote(remote) => f(remote).await,
        };
        access.close().await?;
        res
    })
}

/// A management verb from its start: loads the config (or says what to fix), starts the CLI's
/// logging, then runs `f` with the config as [`with_manager`] does.
pub fn manage<T>(
    config_path: Option<&Path>,
    f: impl AsyncFnOnce(&dyn Manage, &Config) -> R<T>,
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

/// The service layer in-process, on a store this CLI opened. The CLI on the relay's own store is
/// the operator. No worker runs here: what a verb queues goes out at the relay's next start.
pub struct Local {
    ctx: Ctx,
}

impl Local {
    pub(super) fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    fn new(db: Db, config: &Config) -> R<Local> {
        let renderer = Renderer::new().map_err(|e| CliError::Failed(e.to_string()))?;
        let ctx = Ctx::operator(db, Arc::new(config.clone()), Arc::new(renderer));
        Ok(Local { ctx })
    }
}

#[async_trait]
impl Manage for Local {
    async fn routes(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<Route>> {
        Ok(self.ctx.list(app, account).await?)
    }
    async fn route(&self, app: &str, account: &str, name: &str) -> R<Route> {
        Ok(self.ctx.get(app, account, name).await?)
    }
    async fn add_route(&self, route: &Route) -> R<Route> {
        Ok(self.ctx.add(route.clone()).await?)
    }
    async fn replace_route(&self, app: &str, account: &str, name: &str, route: &Route) -> R<Route> {
        Ok(self.ctx.replace(app, account, name, route.clone()).await?)
    }
    async fn remove_route(&self, app: &str, account: &str, name: &str) -> R<()> {
        Ok(self.ctx.remove(app, account, name).await?)
    }
    async fn import_routes(&self, doc: &RouteDocument) -> R<ImportReport> {
        Ok(self.ctx.import(doc).await?)
    }
    async fn send_test(&self, app: &str, account: &str, name: &str) -> R<Vec<TestSent>> {
        Ok(self.ctx.send_test(app, account, name).await?)
    }
    async fn test_event(&self, app: &str, body: &serde_json::Value) -> R<TestReport> {
        let dispatcher = crate::dispatch::Dispatcher::new(
            self.ctx.db.clone(),
            self.ctx.renderer.clone(),
            self.ctx.config.clone(),
        );
        let body = serde_json::to_vec(body).map_err(|e| CliError::Failed(e.to_string()))?;
        Ok(self.ctx.test(&dispatcher, app, &body).await?)
    }

    async fn templates(&self, app: &str, account: &str) -> R<Vec<TemplateInfo>> {
        Ok(self.ctx.templates(app, account).await?)
    }
    async fn template_source(
        &self,
        app: &str,
        account: Option<&str>,
        event: &str,
        key: &str,
    ) -> R<String> {
        Ok(self.ctx.template_source(app, account, event, key).await?)
    }
    async fn set_template(
        &self,
        app: &str,
        account: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> R<()> {
        Ok(self
            .ctx
            .set_template(app, account, event, key, source)
            .await?)
    }
    async fn remove_template(&self, app: &str, account: &str, event: &str, key: &str) -> R<()> {
        Ok(self.ctx.remove_template(app, account, event, key).await?)
    }
    async fn preview(&self, req: &PreviewRequest) -> R<Vec<PreviewItem>> {
        Ok(self.ctx.preview(req).await?)
    }

    async fn deliveries(&self, q: &DeliveriesQuery) -> R<Vec<DeliveryView>> {
        Ok(deliveries::list(&self.ctx, q).await?)
    }
    async fn retry(&self, id: u64) -> R<()> {
        Ok(deliveries::retry(&self.ctx, id).await?)
    }
    async fn replay(&self, req: &ReplayRequest) -> R<ReplayReport> {
        Ok(deliveries::replay(&self.ctx, req).await?)
    }
    async fn notices(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<Notice>> {
        Ok(deliveries::notices(&self.ctx, app, account).await?)
    }
    async fn disabled(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<DisabledTarget>> {
        Ok(deliveries::disabled(&self.ctx, app, account).await?)
    }
    async fn enable(&self, req: &EnableRequest) -> R<bool> {
        Ok(deliveries::enable(&self.ctx, req).await?)
    }

    async fn events(&self, q: &EventsQuery) -> R<Vec<EventView>> {
        Ok(events::list(&self.ctx, q).await?)
    }

    async fn create_code(&self, req: &CreateCode) -> R<CreatedCode> {
        Ok(codes::create(&self.ctx, req).await?)
    }
    async fn codes(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<CodeRecord>> {
        Ok(codes::list(&self.ctx, app, account).await?)
    }
    async fn revoke_code(
        &self,
        id: &str,
        app: Option<&str>,
        account: Option<&str>,
    ) -> R<CodeRecord> {
        Ok(codes::revoke(&self.ctx, id, app, account).await?)
    }

    async fn organizers(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<OrganizerLink>> {
        Ok(organizers::list(&self.ctx, app, account).await?)
    }
    async fn remove_organizer(&self, app: &str, account: &str, user_id: i64) -> R<bool> {
        Ok(organizers::remove(&self.ctx, app, account, user_id).await?)
    }

    async fn subscriptions(&self, app: &str, account: &str) -> R<Vec<Subscription>> {
        Ok(subscriptions::list(&self.ctx, app, account).await?)
    }
    async fn remove_subscription(
        &self,
        app: &str,
        account: &str,
        route: &str,
        target: &str,
    ) -> R<bool> {
        Ok(subscriptions::remove(&self.ctx, app, account, route, target).await?)
    }

    async fn tenants(&self, app: Option<&str>) -> R<Vec<TenantView>> {
        Ok(tenants::list(&self.ctx, app).await?)
    }
    async fn tenant(&self, app: &str, account: &str) -> R<TenantDetail> {
        Ok(tenants::show(&self.ctx, app, account).await?)
    }
    async fn remove_tenant(&self, app: &str, account: &str) -> R<RemoveReport> {
        // No relay runs, so this process revokes the tenant's Zoom token itself.
        let revoker = crate::tenants::Tenants::new(self.ctx.db.clone(), self.ctx.config.clone())?;
        Ok(tenants::remove(&self.ctx, &revoker, app, account).await?)
    }
    async fn audit(&self) -> R<Vec<AuditEntry>> {
        Ok(tenants::audit(&self.ctx).await?)
    }

    async fn create_token(&self, app: &str, account: &str, name: &str) -> R<CreatedToken> {
        Ok(tokens::create(&self.ctx, app, account, name).await?)
    }
    async fn tokens(&self) -> R<Vec<ApiToken>> {
        Ok(tokens::list(&self.ctx, None).await?)
    }
    async fn revoke_token(&self, id: &str) -> R<()> {
        Ok(tokens::revoke(&self.ctx, id, None).await?)
    }

    async fn own_bot(&self, app: &str, account: &str) -> R<OwnBotView> {
        Ok(own_bots::show(&self.ctx, app, account).await?)
    }
    async fn set_own_bot(&self, app: &str, account: &str, token: &str) -> R<OwnBotView> {
        let token = secrecy::SecretString::from(token.to_string());
        let checked = crate::bot::own::check_token(&self.ctx.config, &token).await;
        Ok(own_bots::connect(&self.ctx, app, account, &token, checked).await?)
    }
    async fn remove_own_bot(&self, app: &str, account: &str) -> R<()> {
        own_bots::remove(&self.ctx, app, account).await?;
        Ok(())
    }
}

/// The running relay's admin API (`/api/v1`), as the operator.
#[async_trait]
impl Manage for Remote {
    async fn routes(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<Route>> {
        self.get("/routes", &query(&[("app", app), ("account", account)]))
            .await
    }
    async fn route(&self, app: &str, account: &str, name: &str) -> R<Route> {
        self.send(Method::GET, &["routes", app, account, name], &[], None)
            .await
    }
    async fn add_route(&self, route: &Route) -> R<Route> {
        self.send(Method::POST, &["routes"], &[], body(route)?)
            .await
    }
    async fn replace_route(&self, app: &str, account: &str, name: &str, route: &Route) -> R<Route> {
        self.send(
            Method::PUT,
            &["routes", app, account, name],
            &[],
            body(route)?,
        )
        .await
    }
    async fn remove_route(&self, app: &str, account: &str, name: &str) -> R<()> {
        self.delete(&["routes", app, account, name]).await
    }
    async fn import_routes(&self, doc: &RouteDocument) -> R<ImportReport> {
        self.send(Method::POST, &["routes/import"], &[], body(doc)?)
            .await
    }
    async fn send_test(&self, app: &str, account: &str, name: &str) -> R<Vec<TestSent>> {
        self.send(
            Method::POST,
            &["routes", app, account, name, "send-test"],
            &[],
            None,
        )
        .await
    }
    async fn test_event(&self, app: &str, event: &serde_json::Value) -> R<TestReport> {
        self.send(
            Method::POST,
            &["routes/test"],
            &[("app", app.to_string())],
            Some(event.clone()),
        )
        .await
    }

    async fn templates(&self, app: &str, account: &str) -> R<Vec<TemplateInfo>> {
        self.get_tenant("/templates", app, account).await
    }
    async fn template_source(
        &self,
        app: &str,
        account: Option<&str>,
        event: &str,
        key: &str,
    ) -> R<String> {
        let q = query(&[
            ("app", Some(app)),
            ("event", Some(event)),
            ("key", Some(key)),
            ("account", account),
        ]);
        let v: serde_json::Value = self.get("/templates/source", &q).await?;
        Ok(v["source"].as_str().unwrap_or_default().to_string())
    }
    async fn set_template(
        &self,
        app: &str,
        account: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> R<()> {
        self.call(
            Method::PUT,
            &["templates", app, account, event, key],
            &[],
            Some(json!({ "source": source })),
        )
        .await
    }
    async fn remove_template(&self, app: &str, account: &str, event: &str, key: &str) -> R<()> {
        self.delete(&["templates", app, account, event, key]).await
    }
    async fn preview(&self, req: &PreviewRequest) -> R<Vec<PreviewItem>> {
        self.send(Method::POST, &["templates/preview"], &[], body(req)?)
            .await
    }

    async fn deliveries(&self, q: &DeliveriesQuery) -> R<Vec<DeliveryView>> {
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
        self.get("/deliveries", &params).await
    }
    async fn retry(&self, id: u64) -> R<()> {
        self.call(
            Method::POST,
            &["deliveries", &id.to_string(), "retry"],
            &[],
            None,
        )
        .await
    }
    async fn replay(&self, req: &ReplayRequest) -> R<ReplayReport> {
        self.send(Method::POST, &["deliveries/replay"], &[], body(req)?)
            .await
    }
    async fn notices(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<Notice>> {
        self.get("/notices", &query(&[("app", app), ("account", account)]))
            .await
    }
    async fn disabled(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<DisabledTarget>> {
        self.get(
            "/destinations/disabled",
            &query(&[("app", app), ("account", account)]),
        )
        .await
    }
    async fn enable(&self, req: &EnableRequest) -> R<bool> {
        self.call(Method::POST, &["destinations/enable"], &[], body(req)?)
            .await
            .map(|()| true)
    }

    async fn events(&self, q: &EventsQuery) -> R<Vec<EventView>> {
        let mut params = query(&[
            ("since", q.since.as_deref()),
            ("app", q.app.as_deref()),
            ("account", q.account.as_deref()),
        ]);
        if let Some(limit) = q.limit {
            params.push(("limit", limit.to_string()));
        }
        self.get("/events", &params).await
    }

    async fn create_code(&self, req: &CreateCode) -> R<CreatedCode> {
        self.send(Method::POST, &["codes"], &[], body(req)?).await
    }
    async fn codes(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<CodeRecord>> {
        self.get("/codes", &query(&[("app", app), ("account", account)]))
            .await
    }
    async fn revoke_code(
        &self,
        id: &str,
        app: Option<&str>,
        account: Option<&str>,
    ) -> R<CodeRecord> {
        self.send(
            Method::DELETE,
            &["codes", id],
            &query(&[("app", app), ("account", account)]),
            None,
        )
        .await
    }

    async fn organizers(&self, app: Option<&str>, account: Option<&str>) -> R<Vec<OrganizerLink>> {
        self.get("/organizers", &query(&[("app", app), ("account", account)]))
            .await
    }
    async fn remove_organizer(&self, app: &str, account: &str, user_id: i64) -> R<bool> {
        self.delete(&["organizers", app, account, &user_id.to_string()])
            .await
            .map(|()| true)
    }

    async fn subscriptions(&self, app: &str, account: &str) -> R<Vec<Subscription>> {
        self.get_tenant("/subscriptions", app, account).await
    }
    async fn remove_subscription(
        &self,
        app: &str,
        account: &str,
        route: &str,
        target: &str,
    ) -> R<bool> {
        self.delete(&["subscriptions", app, account, route, target])
            .await
            .map(|()| true)
    }

    async fn tenants(&self, app: Option<&str>) -> R<Vec<TenantView>> {
        self.get("/tenants", &query(&[("app", app)])).await
    }
    async fn tenant(&self, app: &str, account: &str) -> R<TenantDetail> {
        self.send(Method::GET, &["tenants", app, account], &[], None)
            .await
    }
    async fn remove_tenant(&self, app: &str, account: &str) -> R<RemoveReport> {
        self.send(Method::DELETE, &["tenants", app, account], &[], None)
            .await
    }
    async fn audit(&self) -> R<Vec<AuditEntry>> {
        self.get("/tenants/audit", &[]).await
    }

    async fn create_token(&self, app: &str, account: &str, name: &str) -> R<CreatedToken> {
        self.send(
            Method::POST,
            &["tokens"],
            &[],
            Some(json!({"app": app, "account": account, "name": name})),
        )
        .await
    }
    async fn tokens(&self) -> R<Vec<ApiToken>> {
        self.get("/tokens", &[]).await
    }
    async fn revoke_token(&self, id: &str) -> R<()> {
        self.delete(&["tokens", id]).await
    }

    async fn own_bot(&self, app: &str, account: &str) -> R<OwnBotView> {
        self.get_tenant("/telegram/bot", app, account).await
    }
    async fn set_own_bot(&self, app: &str, account: &str, token: &str) -> R<OwnBotView> {
        let body = Some(json!({ "token": token }));
        let q = tenant_query(app, account);
        self.send(Method::PUT, &["telegram/bot"], &q, body).await
    }
    async fn remove_own_bot(&self, app: &str, account: &str) -> R<()> {
        let q = tenant_query(app, account);
        self.call(Method::DELETE, &["telegram/bot"], &q, None).await
    }
}

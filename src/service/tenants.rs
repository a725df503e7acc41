//! Tenants for the operator: list, show and remove. What is shown never includes tokens; removal
//! revokes the token (best effort) and purges exactly as an uninstall from Zoom does.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::{Ctx, ServiceError};
use crate::store::{AuditEntry, Backend, Notice, PurgeReport, Tenant};
use crate::store::{OfTenant, TenantId};
use crate::tenants::{Tenants, purge};

fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A tenant as the operator sees it: no token material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TenantView {
    pub app_id: String,
    pub account_id: String,
    pub status: String,
    pub installer_user_id: String,
    pub installer_email: Option<String>,
    pub installer_role: Option<String>,
    pub scopes: Vec<String>,
    pub api_url: String,
    pub installed_at: String,
    pub updated_at: String,
    pub token_expires_at: String,
    pub routes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TenantDetail {
    #[serde(flatten)]
    pub tenant: TenantView,
    pub route_names: Vec<String>,
    pub notices: Vec<Notice>,
}

async fn view(db: &dyn Backend, t: &Tenant) -> Result<TenantView, ServiceError> {
    Ok(TenantView {
        app_id: t.app_id.clone(),
        account_id: t.account_id.clone(),
        status: t.status.label().to_string(),
        installer_user_id: t.installer.user_id.clone(),
        installer_email: t.installer.email.clone(),
        installer_role: t.installer.role.clone(),
        scopes: t.scopes.clone(),
        api_url: t.api_url.clone(),
        installed_at: rfc3339(t.installed_at_ms),
        updated_at: rfc3339(t.updated_at_ms),
        token_expires_at: rfc3339(t.expires_at_ms),
        routes: db.list_routes(Some(&t.tenant_id())).await?.len(),
    })
}

pub async fn list(ctx: &Ctx, app: Option<&str>) -> Result<Vec<TenantView>, ServiceError> {
    let mut out = Vec::new();
    for t in ctx.db.list_tenants(app).await? {
        out.push(view(&*ctx.db, &t).await?);
    }
    Ok(out)
}

pub async fn show(ctx: &Ctx, app: &str, account: &str) -> Result<TenantDetail, ServiceError> {
    let Some(t) = ctx
        .db
        .list_tenants(Some(app))
        .await?
        .into_iter()
        .find(|t| t.account_id == account)
    else {
        return Err(ServiceError::NotFound(format!(
            "no tenant {account} for app `{app}`"
        )));
    };
    Ok(TenantDetail {
        tenant: view(&*ctx.db, &t).await?,
        route_names: ctx
            .db
            .list_routes(Some(&TenantId::new(app, account)))
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect(),
        notices: ctx
            .db
            .list_notices(Some(&TenantId::new(app, account)))
            .await?,
    })
}

/// What `tenants remove` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RemoveReport {
    pub app_id: String,
    pub account_id: String,
    #[serde(flatten)]
    pub purge: PurgeReport,
}

/// Revokes the tenant's token at Zoom through `tenants` (best effort), then purges its data and
/// records the audit entry, as an uninstall does. Works for an account with routes but no install
/// too (webhook-only apps): everything of that account goes.
pub async fn remove(
    ctx: &Ctx,
    tenants: &Tenants,
    app: &str,
    account: &str,
) -> Result<RemoveReport, ServiceError> {
    tenants.revoke(app, account, None).await;
    let purge = purge(&*ctx.db, app, account, "remove", None).await?;
    ctx.durable().await?;
    Ok(RemoveReport {
        app_id: app.to_string(),
        account_id: account.to_string(),
        purge,
    })
}

pub async fn audit(ctx: &Ctx) -> Result<Vec<AuditEntry>, ServiceError> {
    Ok(ctx.db.list_audit().await?)
}

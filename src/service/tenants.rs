//! Tenants for the operator: list, show and remove. What is shown never includes tokens; removal
//! revokes the token (best effort) and purges exactly as an uninstall from Zoom does.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::store::{AuditEntry, Notice, PurgeReport, Store, StoreError, Tenant};
use crate::tenants::Tenants;

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

fn view(store: &Store, t: &Tenant) -> Result<TenantView, StoreError> {
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
        routes: store.list_routes(Some((&t.app_id, &t.account_id)))?.len(),
    })
}

pub fn list(store: &Store, app: Option<&str>) -> Result<Vec<TenantView>, StoreError> {
    store
        .list_tenants(app)?
        .iter()
        .map(|t| view(store, t))
        .collect()
}

pub fn show(store: &Store, app: &str, account: &str) -> Result<Option<TenantDetail>, StoreError> {
    let Some(t) = store.get_tenant(app, account)? else {
        return Ok(None);
    };
    Ok(Some(TenantDetail {
        tenant: view(store, &t)?,
        route_names: store
            .list_routes(Some((app, account)))?
            .into_iter()
            .map(|r| r.name)
            .collect(),
        notices: store.list_notices(Some((app, account)))?,
    }))
}

/// What `tenants remove` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RemoveReport {
    pub app_id: String,
    pub account_id: String,
    #[serde(flatten)]
    pub purge: PurgeReport,
}

/// Revokes the tenant's token at Zoom (best effort), then purges its data and records the audit
/// entry, as an uninstall does. Works for an account with routes but no install too (webhook-only
/// apps): everything of that account goes.
pub async fn remove(
    store: &Store,
    config: &Arc<Config>,
    tenants: Option<&Arc<Tenants>>,
    app: &str,
    account: &str,
) -> anyhow::Result<RemoveReport> {
    match tenants {
        Some(t) => t.revoke(app, account, None).await,
        None => {
            Tenants::new(Arc::new(store.clone()), config.clone())?
                .revoke(app, account, None)
                .await
        }
    }
    let purge = crate::tenants::purge(store, app, account, "remove", None).await?;
    store.flush().await?;
    Ok(RemoveReport {
        app_id: app.to_string(),
        account_id: account.to_string(),
        purge,
    })
}

pub fn audit(store: &Store) -> Result<Vec<AuditEntry>, StoreError> {
    store.list_audit()
}

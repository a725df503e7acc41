//! `/api/v1/tenants`: list, show and remove installs, and the audit trail of removals. The operator
//! sees all; a tenant may read only its own install. The same service the CLI uses when it opens
//! the store itself.

use crate::http::extract::Json;
use crate::http::extract::{Path, Query};
use axum::extract::State;
use serde::Deserialize;

use super::blocking;
use crate::http::auth::Principal;
use crate::http::{ApiError, AppState};
use crate::service::tenants::{self, RemoveReport, TenantDetail, TenantView};
use crate::store::AuditEntry;

#[derive(Deserialize)]
pub(super) struct AppQuery {
    app: Option<String>,
}

pub(super) async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<AppQuery>,
) -> Result<Json<Vec<TenantView>>, ApiError> {
    p.require_operator()?;
    blocking(&st, move |s| tenants::list(s, q.app.as_deref()))
        .await
        .map(Json)
}

pub(super) async fn show(
    State(st): State<AppState>,
    p: Principal,
    Path((app, account)): Path<(String, String)>,
) -> Result<Json<TenantDetail>, ApiError> {
    p.require(&app, &account)?;
    let (a, acc) = (app.clone(), account.clone());
    blocking(&st, move |s| tenants::show(s, &a, &acc))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("no tenant {account} for app `{app}`")))
}

pub(super) async fn remove(
    State(st): State<AppState>,
    p: Principal,
    Path((app, account)): Path<(String, String)>,
) -> Result<Json<RemoveReport>, ApiError> {
    p.require_operator()?;
    tenants::remove(&st.store, &st.config, Some(&st.tenants), &app, &account)
        .await
        .map(Json)
        .map_err(ApiError::Internal)
}

pub(super) async fn audit(
    State(st): State<AppState>,
    p: Principal,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    p.require_operator()?;
    blocking(&st, tenants::audit).await.map(Json)
}

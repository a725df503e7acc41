//! `/api/v1/tenants`: list, show and remove installs, and the audit trail of removals. The operator
//! sees all; a tenant may read only its own install. The same service the CLI uses when it opens
//! the store itself.

use crate::http::extract::Json;
use crate::http::extract::{Path, Query};
use axum::extract::State;
use serde::Deserialize;

use super::Operator;
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::{ApiError, AppState};
use crate::service::tenants::{self, RemoveReport, TenantDetail, TenantView};
use crate::store::AuditEntry;

#[derive(Deserialize)]
pub(super) struct AppQuery {
    app: Option<String>,
}

pub(super) async fn list(
    op: Operator,
    Query(q): Query<AppQuery>,
) -> Result<Json<Vec<TenantView>>, ApiError> {
    Ok(Json(tenants::list(&op.ctx, q.app.as_deref()).await?))
}

pub(super) async fn show(
    State(st): State<AppState>,
    p: Principal,
    Path((app, account)): Path<(String, String)>,
) -> Result<Json<TenantDetail>, ApiError> {
    p.require(&app, &account)?;
    Ok(Json(
        tenants::show(&call::operator(&st), &app, &account).await?,
    ))
}

pub(super) async fn remove(
    op: Operator,
    Path((app, account)): Path<(String, String)>,
) -> Result<Json<RemoveReport>, ApiError> {
    let report = tenants::remove(&op.ctx, &op.st.tenants, &app, &account).await?;
    Ok(Json(report))
}

pub(super) async fn audit(op: Operator) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(tenants::audit(&op.ctx).await?))
}

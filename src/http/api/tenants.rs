//! `/api/v1/tenants`: list, show and remove installs, and the audit trail of removals. The operator
//! sees all; a tenant may read only its own install. The same service the CLI uses when it opens
//! the store itself.

use crate::http::extract::Json;
use crate::http::extract::{Path, Query};
use serde::Deserialize;

use super::{Operator, Visible, Whole};
use crate::http::ApiError;
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

pub(super) async fn show(v: Visible<Whole>) -> Result<Json<TenantDetail>, ApiError> {
    Ok(Json(tenants::show(&v.ctx, &v.app, &v.account).await?))
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

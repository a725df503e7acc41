//! `/api/v1/codes`: bot codes, the same service the CLI uses when it opens the store itself. A
//! tenant's codes are always for its own routes.

use crate::http::extract::Json;
use crate::http::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;

use super::TenantQuery;
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::{ApiError, AppState};
use crate::service::codes::{self, CreateCode, CreatedCode};
use crate::store::bot::CodeRecord;

pub(super) async fn create(
    State(st): State<AppState>,
    p: Principal,
    Json(mut req): Json<CreateCode>,
) -> Result<(StatusCode, Json<CreatedCode>), ApiError> {
    let (app, account) = p.filter(req.app.as_deref(), req.account.as_deref())?;
    let (app, account) = (app.map(str::to_string), account.map(str::to_string));
    req.app = app;
    req.account = account;
    let created = codes::create(&call::operator(&st), &req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<CodeRecord>>, ApiError> {
    let (app, account) = q.scoped(&p)?;
    let list = codes::list(&call::operator(&st), app.as_deref(), account.as_deref()).await?;
    Ok(Json(list))
}

pub(super) async fn revoke(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(q): Query<TenantQuery>,
) -> Result<Json<CodeRecord>, ApiError> {
    let (app, account) = q.scoped(&p)?;
    let revoked = codes::revoke(
        &call::operator(&st),
        &id,
        app.as_deref(),
        account.as_deref(),
    )
    .await?;
    Ok(Json(revoked))
}

//! `/api/v1/codes`: bot codes, the same service the CLI uses when it opens the store itself. A
//! tenant's codes are always for its own routes.

use crate::http::extract::Json;
use crate::http::extract::{Path, Query};
use axum::extract::State;
use axum::http::StatusCode;

use super::{TenantQuery, service};
use crate::http::auth::Principal;
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
    let created = service(&st, move |c| codes::create(c.store, c.config, &req)).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<CodeRecord>>, ApiError> {
    let (app, account) = q.scoped(&p)?;
    service(&st, move |c| {
        codes::list(c.store, app.as_deref(), account.as_deref())
    })
    .await
    .map(Json)
}

pub(super) async fn revoke(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(q): Query<TenantQuery>,
) -> Result<Json<CodeRecord>, ApiError> {
    let (app, account) = q.scoped(&p)?;
    service(&st, move |c| {
        codes::revoke(c.store, &id, app.as_deref(), account.as_deref())
    })
    .await
    .map(Json)
}

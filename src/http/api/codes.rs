//! `/api/v1/codes`: bot codes, the same service the CLI uses when it opens the store itself.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};

use super::{TenantQuery, service};
use crate::http::{ApiError, AppState};
use crate::service::codes::{self, CreateCode, CreatedCode};
use crate::store::bot::CodeRecord;

pub(super) async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<CreateCode>,
) -> Result<(StatusCode, Json<CreatedCode>), ApiError> {
    let created = service(&st, &headers, move |c| {
        codes::create(c.store, c.config.bot.is_some(), &req)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<CodeRecord>>, ApiError> {
    service(&st, &headers, move |c| {
        codes::list(c.store, q.app.as_deref(), q.account.as_deref())
    })
    .await
    .map(Json)
}

pub(super) async fn revoke(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<TenantQuery>,
) -> Result<Json<CodeRecord>, ApiError> {
    service(&st, &headers, move |c| {
        codes::revoke(c.store, &id, q.app.as_deref(), q.account.as_deref())
    })
    .await
    .map(Json)
}

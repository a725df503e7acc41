//! `/api/v1/codes`: bot codes, the same service the CLI uses when it opens the store itself. A
//! tenant's codes are always for its own routes.

use crate::http::extract::Json;
use crate::http::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;

use super::Scope;
use super::scope::narrow;
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
    narrow(&p, &mut req.app, &mut req.account)?;
    let created = codes::create(&call::operator(&st), &req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn list(s: Scope) -> Result<Json<Vec<CodeRecord>>, ApiError> {
    Ok(Json(codes::list(&s.ctx, s.app(), s.account()).await?))
}

pub(super) async fn revoke(s: Scope, Path(id): Path<String>) -> Result<Json<CodeRecord>, ApiError> {
    Ok(Json(
        codes::revoke(&s.ctx, &id, s.app(), s.account()).await?,
    ))
}

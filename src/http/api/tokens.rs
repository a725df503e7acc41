//! `/api/v1/tokens`: tenant API tokens (stored hashed; the secret is shown once, at creation).

use axum::extract::State;
use axum::http::StatusCode;

use super::{Scope, TenantQuery};
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::extract::{Json, Path};
use crate::http::{ApiError, AppState};
use crate::service::tokens::{self, CreateToken, CreatedToken};
use crate::store::auth::ApiToken;

pub(super) async fn list_tokens(s: Scope) -> Result<Json<Vec<ApiToken>>, ApiError> {
    let all = tokens::list(&s.ctx, None).await?;
    Ok(Json(
        all.into_iter()
            .filter(|t| s.app().is_none_or(|a| a == t.app_id))
            .filter(|t| s.account().is_none_or(|a| a == t.account_id))
            .collect(),
    ))
}

pub(super) async fn create_token(
    State(st): State<AppState>,
    p: Principal,
    Json(req): Json<CreateToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let (app, account) = TenantQuery {
        app: req.app.clone(),
        account: req.account.clone(),
    }
    .exact(&p)?;
    let created = tokens::create(&call::operator(&st), &app, &account, &req.name).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn revoke_token(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let tenant = p.tenant().map(|(a, acc)| (a.to_string(), acc.to_string()));
    tokens::revoke(
        &call::operator(&st),
        &id,
        tenant.as_ref().map(|(a, acc)| (a.as_str(), acc.as_str())),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

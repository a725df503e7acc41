//! `/api/v1/tokens`: tenant API tokens (stored hashed; the secret is shown once, at creation).

use axum::extract::State;
use axum::http::StatusCode;

use super::{TenantQuery, blocking};
use crate::http::auth::Principal;
use crate::http::extract::{Json, Path, Query};
use crate::http::{ApiError, AppState};
use crate::service::tokens::{self, CreateToken, CreatedToken};
use crate::store::auth::ApiToken;

pub(super) async fn list_tokens(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    let (app, account) = q.scoped(&p)?;
    blocking(&st, move |s| {
        let all = tokens::list(s, None)?;
        Ok::<_, crate::store::StoreError>(
            all.into_iter()
                .filter(|t| app.as_deref().is_none_or(|a| a == t.app_id))
                .filter(|t| account.as_deref().is_none_or(|a| a == t.account_id))
                .collect(),
        )
    })
    .await
    .map(Json)
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
    let created = blocking(&st, move |s| tokens::create(s, &app, &account, &req.name))
        .await?
        .map_err(|m| {
            let (field, msg) = m.split_once(": ").unwrap_or(("name", &m));
            ApiError::bad_field(field, msg)
        })?;
    st.store.flush().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub(super) async fn revoke_token(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let tenant = p.tenant().map(|(a, acc)| (a.to_string(), acc.to_string()));
    let removed = blocking(&st, move |s| {
        tokens::revoke(
            s,
            &id,
            tenant.as_ref().map(|(a, acc)| (a.as_str(), acc.as_str())),
        )
    })
    .await?;
    if removed {
        st.store.flush().await?;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("no such token".into()))
    }
}

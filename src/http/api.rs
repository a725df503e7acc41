//! Admin REST API at `/api/v1`, authenticated by the operator's bearer `admin_token`.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::{ApiError, AppState};
use crate::service::events::{self, EventView, EventsQuery, QueryError};

pub fn router() -> Router<AppState> {
    Router::new().route("/events", get(list_events))
}

/// Constant-time check of `Authorization: Bearer <admin_token>`.
pub fn require_admin(st: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &st.config.security.admin_token else {
        return Err(ApiError::Unauthorized(
            "the admin API is disabled: security.admin_token is not set".into(),
        ));
    };
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if bool::from(given.as_bytes().ct_eq(expected.expose_secret().as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized("missing or wrong bearer token".into()))
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::BadSince(m) => ApiError::bad_field("since", m),
            QueryError::Store(s) => s.into(),
        }
    }
}

async fn list_events(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    require_admin(&st, &headers)?;
    let store = st.store.clone();
    let rows = tokio::task::spawn_blocking(move || events::list(&store, &q))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    Ok(Json(rows))
}

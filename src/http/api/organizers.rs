//! `/api/v1/organizers`: the Telegram users linked as organizers of a tenant.

use axum::extract::State;
use axum::http::StatusCode;

use super::{TenantQuery, blocking};
use crate::http::auth::Principal;
use crate::http::extract::{Json, Path, Query};
use crate::http::{ApiError, AppState};

pub(super) async fn list_organizers(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<TenantQuery>,
) -> Result<Json<Vec<crate::store::bot::OrganizerLink>>, ApiError> {
    let (app, account) = q.scoped(&p)?;
    blocking(&st, move |s| {
        crate::service::organizers::list(s, app.as_deref(), account.as_deref())
    })
    .await
    .map(Json)
}

pub(super) async fn remove_organizer(
    State(st): State<AppState>,
    p: Principal,
    Path((app, account, user_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    p.require(&app, &account)?;
    let user_id: i64 = user_id
        .parse()
        .map_err(|_| ApiError::bad_field("user_id", "a Telegram user id (a number)"))?;
    let removed = blocking(&st, move |s| {
        crate::service::organizers::remove(s, &app, &account, user_id)
    })
    .await?;
    if removed {
        st.store.flush().await?;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("no such organizer".into()))
    }
}

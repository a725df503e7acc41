//! `/api/v1/organizers`: the Telegram users linked as organizers of a tenant.

use axum::extract::State;
use axum::http::StatusCode;

use super::Scope;
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::extract::{Json, Path};
use crate::http::{ApiError, AppState};
use crate::service::organizers;

pub(super) async fn list_organizers(
    s: Scope,
) -> Result<Json<Vec<crate::store::bot::OrganizerLink>>, ApiError> {
    Ok(Json(organizers::list(&s.ctx, s.app(), s.account()).await?))
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
    let removed = organizers::remove(&call::operator(&st), &app, &account, user_id).await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("no such organizer".into()))
    }
}

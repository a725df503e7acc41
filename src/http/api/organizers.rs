//! `/api/v1/organizers`: the Telegram users linked as organizers of a tenant.

use axum::http::StatusCode;
use serde::Deserialize;

use super::{Scope, Visible};
use crate::http::ApiError;
use crate::http::extract::Json;
use crate::service::organizers;

pub(super) async fn list_organizers(
    s: Scope,
) -> Result<Json<Vec<crate::store::bot::OrganizerLink>>, ApiError> {
    Ok(Json(organizers::list(&s.ctx, s.app(), s.account()).await?))
}

/// The rest of an organizer's path: the Telegram user.
#[derive(Deserialize)]
pub(super) struct OrganizerKey {
    user_id: String,
}

pub(super) async fn remove_organizer(v: Visible<OrganizerKey>) -> Result<StatusCode, ApiError> {
    let user_id: i64 = v
        .rest
        .user_id
        .parse()
        .map_err(|_| ApiError::bad_field("user_id", "a Telegram user id (a number)"))?;
    let removed = organizers::remove(&v.ctx, &v.app, &v.account, user_id).await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("no such organizer".into()))
    }
}

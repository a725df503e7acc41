//! `/api/v1/subscriptions`: who receives a route's messages, and unsubscribing them.

use axum::extract::State;
use axum::http::StatusCode;

use super::Tenant;
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::extract::{Json, Path};
use crate::http::{ApiError, AppState};
use crate::service::subscriptions::{self, Subscription};

pub(super) async fn list_subscriptions(t: Tenant) -> Result<Json<Vec<Subscription>>, ApiError> {
    Ok(Json(subscriptions::list(&t.ctx, &t.app, &t.account).await?))
}

pub(super) async fn remove_subscription(
    State(st): State<AppState>,
    p: Principal,
    Path((app, account, route, target)): Path<(String, String, String, String)>,
) -> Result<StatusCode, ApiError> {
    p.require(&app, &account)?;
    let removed =
        subscriptions::remove(&call::operator(&st), &app, &account, &route, &target).await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("no such subscription".into()))
    }
}

//! `/api/v1/subscriptions`: who receives a route's messages, and unsubscribing them.

use axum::http::StatusCode;
use serde::Deserialize;

use super::{Tenant, Visible};
use crate::http::ApiError;
use crate::http::extract::Json;
use crate::service::subscriptions::{self, Subscription};

pub(super) async fn list_subscriptions(t: Tenant) -> Result<Json<Vec<Subscription>>, ApiError> {
    Ok(Json(subscriptions::list(&t.ctx, &t.app, &t.account).await?))
}

/// The rest of a subscription's path: the route, and who receives its messages.
#[derive(Deserialize)]
pub(super) struct SubscriptionKey {
    route: String,
    target: String,
}

pub(super) async fn remove_subscription(
    v: Visible<SubscriptionKey>,
) -> Result<StatusCode, ApiError> {
    let SubscriptionKey { route, target } = &v.rest;
    let removed = subscriptions::remove(&v.ctx, &v.app, &v.account, route, target).await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("no such subscription".into()))
    }
}

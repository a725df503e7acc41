//! `/api/v1/deliveries`, `/api/v1/notices` and `/api/v1/disabled`: deliveries, retries and replays,
//! notices to organizers, and destinations the relay stopped sending to.

use axum::extract::State;

use super::Scope;
use super::scope::narrow;
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::extract::{Json, Path, Query};
use crate::http::{ApiError, AppState};
use crate::service::deliveries::{
    self, DeliveriesQuery, DeliveryDetail, DeliveryView, EnableRequest, ReplayReport, ReplayRequest,
};
use crate::store::{DisabledTarget, Notice};

pub(super) async fn list_deliveries(
    State(st): State<AppState>,
    p: Principal,
    Query(mut q): Query<DeliveriesQuery>,
) -> Result<Json<Vec<DeliveryView>>, ApiError> {
    narrow(&p, &mut q.app, &mut q.account)?;
    Ok(Json(deliveries::list(&call::operator(&st), &q).await?))
}

/// A delivery the principal may see, or 404.
pub(super) async fn visible_delivery(
    st: &AppState,
    p: &Principal,
    id: u64,
) -> Result<DeliveryDetail, ApiError> {
    let d = deliveries::get(&call::operator(st), id).await?;
    match d {
        Some(d) if p.can_see(&d.delivery.app_id, &d.delivery.account_id) => Ok(d),
        _ => Err(ApiError::NotFound(format!("no delivery with id {id}"))),
    }
}

pub(super) async fn get_delivery(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<u64>,
) -> Result<Json<DeliveryDetail>, ApiError> {
    visible_delivery(&st, &p, id).await.map(Json)
}

pub(super) async fn retry_delivery(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<u64>,
) -> Result<Json<ReplayReport>, ApiError> {
    visible_delivery(&st, &p, id).await?;
    deliveries::retry(&call::operator(&st), id).await?;
    Ok(Json(ReplayReport { requeued: 1 }))
}

pub(super) async fn replay_deliveries(
    State(st): State<AppState>,
    p: Principal,
    Json(mut req): Json<ReplayRequest>,
) -> Result<Json<ReplayReport>, ApiError> {
    narrow(&p, &mut req.app, &mut req.account)?;
    let report = deliveries::replay(&call::operator(&st), &req).await?;
    Ok(Json(report))
}

pub(super) async fn list_notices(s: Scope) -> Result<Json<Vec<Notice>>, ApiError> {
    Ok(Json(
        deliveries::notices(&s.ctx, s.app(), s.account()).await?,
    ))
}

pub(super) async fn list_disabled(s: Scope) -> Result<Json<Vec<DisabledTarget>>, ApiError> {
    Ok(Json(
        deliveries::disabled(&s.ctx, s.app(), s.account()).await?,
    ))
}

pub(super) async fn enable_destination(
    State(st): State<AppState>,
    p: Principal,
    Json(req): Json<EnableRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    p.require(&req.app, &req.account)?;
    let target = req.target.clone();
    let enabled = deliveries::enable(&call::operator(&st), &req).await?;
    if enabled {
        Ok(Json(serde_json::json!({ "enabled": target })))
    } else {
        Err(ApiError::NotFound(format!(
            "`{target}` is not disabled for that account"
        )))
    }
}

//! `/api/v1/events`: the Zoom events the relay received.

use axum::extract::State;

use super::scope::narrow;
use crate::http::auth::Principal;
use crate::http::call;
use crate::http::extract::{Json, Query};
use crate::http::{ApiError, AppState};
use crate::service::events::{self, EventView, EventsQuery};

pub(super) async fn list_events(
    State(st): State<AppState>,
    p: Principal,
    Query(mut q): Query<EventsQuery>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    narrow(&p, &mut q.app, &mut q.account)?;
    Ok(Json(events::list(&call::operator(&st), &q).await?))
}

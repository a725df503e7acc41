//! `/api/v1/events`: the Zoom events the relay received.

use axum::extract::State;

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
    let (app, account) = p.filter(q.app.as_deref(), q.account.as_deref())?;
    let (app, account) = (app.map(str::to_string), account.map(str::to_string));
    q.app = app;
    q.account = account;
    Ok(Json(events::list(&call::operator(&st), &q).await?))
}

//! `/api/v1/telegram/bot`: a community's own Telegram bot. `PUT` checks the token with Telegram
//! and connects the bot; `GET` shows it (never the token) with what still uses the shared bot;
//! `DELETE` disconnects it; `POST .../moved` tells members still on the shared bot where to go.

use axum::extract::State;
use axum::http::StatusCode;
use secrecy::SecretString;

use super::Tenant;
use crate::http::extract::Json;
use crate::http::{ApiError, AppState};
use crate::service::own_bots::{self, ConnectBot, MovedReport, OwnBotView};

pub(super) async fn show(t: Tenant) -> Result<Json<OwnBotView>, ApiError> {
    Ok(Json(own_bots::show(&t.ctx, &t.app, &t.account).await?))
}

pub(super) async fn connect(
    State(st): State<AppState>,
    t: Tenant,
    Json(req): Json<ConnectBot>,
) -> Result<Json<OwnBotView>, ApiError> {
    let token = SecretString::from(req.token);
    let checked = crate::bot::own::check_token(&st.config, &token).await;
    let view = own_bots::connect(&t.ctx, &t.app, &t.account, &token, checked).await?;
    st.nudge_own_bots();
    Ok(Json(view))
}

pub(super) async fn remove(State(st): State<AppState>, t: Tenant) -> Result<StatusCode, ApiError> {
    own_bots::remove(&t.ctx, &t.app, &t.account).await?;
    st.nudge_own_bots();
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn moved(t: Tenant) -> Result<Json<MovedReport>, ApiError> {
    Ok(Json(
        own_bots::send_moved(&t.ctx, &t.app, &t.account).await?,
    ))
}

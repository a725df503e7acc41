//! `POST /telegram/webhook`: hands Telegram's pushed updates to the bot (`bot::webhook`). A request
//! with the wrong secret token is refused with 401 after the wrong-credential penalty for its
//! address, so the secret cannot be guessed quickly; a store failure answers 503 so Telegram sends
//! the update again.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{AppState, ClientAddr};
use crate::bot::webhook::WebhookOutcome;

pub async fn receive(
    State(st): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(bot) = st.bot.get() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    handle(&st, client, bot, &headers, &body).await
}

/// `POST /telegram/webhook/{bot_id}`: a community's own bot, with its own secret.
pub async fn receive_own(
    State(st): State<AppState>,
    client: ClientAddr,
    axum::extract::Path(bot_id): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let bot = bot_id
        .parse::<i64>()
        .ok()
        .and_then(|id| st.own_bots.get()?.get(id));
    let Some(bot) = bot else {
        return StatusCode::NOT_FOUND.into_response();
    };
    handle(&st, client, &bot, &headers, &body).await
}

async fn handle(
    st: &AppState,
    client: ClientAddr,
    bot: &crate::bot::Bot,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let secret = headers
        .get("x-telegram-bot-api-secret-token")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    match bot.receive_webhook(secret, body).await {
        WebhookOutcome::NotExpected => StatusCode::NOT_FOUND.into_response(),
        WebhookOutcome::WrongSecret => {
            super::auth::penalize_failure(st, client.0).await;
            StatusCode::UNAUTHORIZED.into_response()
        }
        WebhookOutcome::Malformed => StatusCode::BAD_REQUEST.into_response(),
        WebhookOutcome::Handled => Json(serde_json::json!({})).into_response(),
        WebhookOutcome::Unavailable => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

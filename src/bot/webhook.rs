//! `POST /telegram/webhook`: updates pushed by Telegram when `telegram.mode = "webhook"`.
//!
//! Telegram sends the `secret_token` given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`
//! (core.telegram.org/bots/api#setwebhook); a request without the right one is refused with 401,
//! after the wrong-credential penalty for its address (so the secret cannot be guessed quickly). The
//! update is handled before the answer, so a 200 means it is durably applied; on a store error the
//! answer is 503 and Telegram delivers the update again.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::http::AppState;

pub async fn receive(
    State(st): State<AppState>,
    client: crate::http::ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(bot) = st.bot.get() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(secret) = bot.webhook_secret() else {
        // Polling mode: nothing is expected here.
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get("x-telegram-bot-api-secret-token")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !bool::from(given.ct_eq(secret.as_bytes())) {
        crate::http::auth::penalize_failure(&st, client.0).await;
        tracing::info!("refused a Telegram webhook request: wrong secret token");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(update) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match bot.handle_update(&update).await {
        Ok(_) => Json(serde_json::json!({})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a Telegram webhook update could not be stored");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

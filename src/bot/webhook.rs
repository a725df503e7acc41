//! Updates pushed by Telegram when `telegram.mode = "webhook"`. The HTTP route
//! (`POST /telegram/webhook`) lives with the other routes in `http`; it hands the request's secret
//! header and body here and turns the answer into a status code, so the bot knows nothing of HTTP.
//!
//! Telegram sends the `secret_token` given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`
//! (core.telegram.org/bots/api#setwebhook). The update is handled before the answer, so a success
//! means it is durably applied; on a store error Telegram is told to deliver it again.

use subtle::ConstantTimeEq;

use super::Bot;

/// What became of one webhook request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// The bot polls: no update is expected here.
    NotExpected,
    /// The secret token is missing or wrong; nothing was read.
    WrongSecret,
    /// The body is not JSON.
    Malformed,
    /// Applied, or recognised as a repeat.
    Handled,
    /// The store failed; the update was not recorded and Telegram should send it again.
    Unavailable,
}

impl Bot {
    /// Checks the secret (in constant time, so it cannot be found byte by byte) and handles the
    /// update. `given_secret` is the header's value, empty when there was none.
    pub async fn receive_webhook(&self, given_secret: &[u8], body: &[u8]) -> WebhookOutcome {
        let Some(secret) = self.webhook_secret() else {
            return WebhookOutcome::NotExpected;
        };
        if !bool::from(given_secret.ct_eq(secret.as_bytes())) {
            tracing::info!("refused a Telegram webhook request: wrong secret token");
            return WebhookOutcome::WrongSecret;
        }
        let Ok(update) = serde_json::from_slice::<serde_json::Value>(body) else {
            return WebhookOutcome::Malformed;
        };
        match self.handle_update(&update).await {
            Ok(_) => WebhookOutcome::Handled,
            Err(e) => {
                tracing::error!(error = %e, "a Telegram webhook update could not be stored");
                WebhookOutcome::Unavailable
            }
        }
    }
}

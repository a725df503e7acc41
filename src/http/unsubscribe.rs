//! One-click unsubscribe for personal email subscriptions (RFC 8058). The link in each message is a
//! signed token naming (app, account, route, address); GET shows a confirmation button (so a link
//! scanner that follows links unsubscribes nobody), POST removes the address. A bad or forged token
//! gets 404.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::AppState;
use super::page::{escape, page};
use crate::service::subscriptions::{self, PURPOSE, Unsubscribe};

fn decode(st: &AppState, token: &str) -> Option<Unsubscribe> {
    crate::crypto::verify(st.config.security.data_key.bytes(), PURPOSE, token)
}

fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Link not valid",
        "<p>This unsubscribe link is not valid. Use the link from a recent alert.</p>",
    )
}

pub async fn show(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(u) = decode(&st, &token) else {
        return not_found();
    };
    page(
        StatusCode::OK,
        "Unsubscribe",
        &format!(
            "<p>Stop sending alerts of <b>{}</b> to <b>{}</b>?</p>\
             <form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>",
            escape(&u.route),
            escape(&u.address)
        ),
    )
}

/// Accepts the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`) and the confirmation form.
pub async fn confirm(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(u) = decode(&st, &token) else {
        return not_found();
    };
    // The member acts on their own address, which the signed link proves; the operator's context
    // is the one that may edit any route.
    match subscriptions::unsubscribe(&super::call::operator(&st), &u).await {
        Ok(removed) => {
            if removed {
                tracing::info!(route = %u.route, account = %u.account, "a member unsubscribed");
            }
            page(
                StatusCode::OK,
                "Unsubscribed",
                &format!(
                    "<p><b>{}</b> gets no more alerts of <b>{}</b>.</p>",
                    escape(&u.address),
                    escape(&u.route)
                ),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "an unsubscribe could not be saved");
            page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "<p>The relay could not save this right now. Please try again in a minute.</p>",
            )
        }
    }
}

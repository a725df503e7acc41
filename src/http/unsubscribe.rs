//! One-click unsubscribe for personal email subscriptions (RFC 8058). The link in each message is a
//! signed token naming (app, account, route, address); GET shows a confirmation button (so a link
//! scanner that follows links unsubscribes nobody), POST removes the address. A bad or forged token
//! gets 404. The pages speak the member's language, chosen as on the member pages
//! (`http::join`), and their links are opened as the member pages open theirs.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::AppState;
use super::join::{Page, Visit, open, question, say};
use super::page::{message, page_in};
use crate::i18n::Lang;
use crate::service::Ctx;
use crate::service::subscriptions::{self, PURPOSE, Unsubscribe};

fn read(ctx: &Ctx, token: &str) -> Option<Unsubscribe> {
    crate::crypto::verify(ctx.config.security.data_key.bytes(), PURPOSE, token)
}

fn try_again(lang: Lang) -> Response {
    say(
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        "page-try-again-title",
        "page-save-failed",
    )
}

fn args(u: &Unsubscribe) -> [(&'static str, fluent_bundle::FluentValue<'_>); 2] {
    [
        ("route", u.route.as_str().into()),
        ("address", u.address.as_str().into()),
    ]
}

pub async fn show(State(st): State<AppState>, v: Visit) -> Page {
    let o = open(&st, &v, "page-unsubscribe-bad", read).await?;
    let lang = o.lang();
    Ok(question(
        lang,
        "page-unsubscribe-title",
        &lang.t("page-unsubscribe-question", &args(&o.link)),
        None,
        "page-unsubscribe-button",
    ))
}

/// Accepts the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`) and the confirmation form.
pub async fn confirm(State(st): State<AppState>, v: Visit) -> Page {
    let o = open(&st, &v, "page-unsubscribe-bad", read).await?;
    // Read before acting: the language is the member's, and leaving keeps the record.
    let lang = o.known_lang().map_err(try_again)?;
    let u = &o.link;
    Ok(match subscriptions::unsubscribe(&o.ctx, u).await {
        Ok(removed) => {
            if removed {
                tracing::info!(route = %u.route, account = %u.account, "a member unsubscribed");
            }
            let body = html! { p { (message(&lang.t("page-unsubscribed", &args(u)))) } };
            page_in(
                lang,
                StatusCode::OK,
                &lang.tr("page-unsubscribed-title"),
                body,
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "an unsubscribe could not be saved");
            try_again(lang)
        }
    })
}

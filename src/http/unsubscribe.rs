//! One-click unsubscribe for personal email subscriptions (RFC 8058). The link in each message is a
//! signed token naming (app, account, route, address); GET shows a confirmation button (so a link
//! scanner that follows links unsubscribes nobody), POST removes the address. A bad or forged token
//! gets 404. The pages speak the member's language, chosen as on the member pages
//! (`http::join`), and their links are opened as the member pages open theirs.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::AppState;
use super::join::{LangQuery, Opened, open, query_lang, say};
use super::page::{escape, page_in};
use crate::i18n::Lang;
use crate::render::message_html;
use crate::service::subscriptions::{self, PURPOSE, Unsubscribe};

/// The unsubscribe link, read; a bad or forged one gets a 404 that says what to do.
async fn opened(
    st: &AppState,
    token: &str,
    q: &Result<Query<LangQuery>, QueryRejection>,
    headers: &HeaderMap,
) -> Result<Opened<Unsubscribe>, Response> {
    open(st, query_lang(q), headers, "page-unsubscribe-bad", |ctx| {
        crate::crypto::verify(ctx.config.security.data_key.bytes(), PURPOSE, token)
    })
    .await
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

pub async fn show(
    State(st): State<AppState>,
    Path(token): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let o = match opened(&st, &token, &q, &headers).await {
        Ok(o) => o,
        Err(bad) => return bad,
    };
    let (lang, u) = (o.lang(), &o.link);
    page_in(
        lang,
        StatusCode::OK,
        &lang.tr("page-unsubscribe-title"),
        &format!(
            "<p>{}</p><form method=\"post\"><button type=\"submit\">{}</button></form>",
            message_html(&lang.t("page-unsubscribe-question", &args(u))),
            escape(&lang.tr("page-unsubscribe-button")),
        ),
    )
}

/// Accepts the RFC 8058 one-click POST (`List-Unsubscribe=One-Click`) and the confirmation form.
pub async fn confirm(
    State(st): State<AppState>,
    Path(token): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let o = match opened(&st, &token, &q, &headers).await {
        Ok(o) => o,
        Err(bad) => return bad,
    };
    // Read before acting: the language is the member's, and leaving keeps the record.
    let lang = match &o.member {
        Ok(m) => m.page.lang,
        Err(lang) => return try_again(*lang),
    };
    let u = &o.link;
    match subscriptions::unsubscribe(&o.ctx, u).await {
        Ok(removed) => {
            if removed {
                tracing::info!(route = %u.route, account = %u.account, "a member unsubscribed");
            }
            page_in(
                lang,
                StatusCode::OK,
                &lang.tr("page-unsubscribed-title"),
                &format!(
                    "<p>{}</p>",
                    message_html(&lang.t("page-unsubscribed", &args(u)))
                ),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "an unsubscribe could not be saved");
            try_again(lang)
        }
    }
}

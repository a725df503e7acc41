//! One-click unsubscribe for personal email subscriptions (RFC 8058). The link in each message is a
//! signed token naming (app, account, route, address); GET shows a confirmation button (so a link
//! scanner that follows links unsubscribes nobody), POST removes the address. A bad or forged token
//! gets 404. The pages speak the member's language, chosen as on the member pages
//! (`http::join::choose_lang`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::AppState;
use super::join::{LangQuery, choose_lang, link_not_valid, member_page_lang, query_lang};
use super::page::{escape, page_in};
use crate::i18n::Lang;
use crate::render::message_html;
use crate::service::subscriptions::{self, PURPOSE, Unsubscribe};

fn decode(st: &AppState, token: &str) -> Option<Unsubscribe> {
    crate::crypto::verify(st.config.security.data_key.bytes(), PURPOSE, token)
}

fn not_found(lang: Lang) -> Response {
    link_not_valid(lang, "page-unsubscribe-bad")
}

fn try_again(lang: Lang) -> Response {
    page_in(
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        &lang.tr("page-try-again-title"),
        &format!("<p>{}</p>", escape(&lang.tr("page-save-failed"))),
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
    let chosen = query_lang(&q);
    let Some(u) = decode(&st, &token) else {
        return not_found(choose_lang(chosen, None, &headers, Lang::english()).lang);
    };
    let ctx = super::call::operator(&st);
    let lang = match member_page_lang(&ctx, &u, chosen, &headers).await {
        Ok((pl, _, _)) => pl.lang,
        Err(lang) => lang,
    };
    page_in(
        lang,
        StatusCode::OK,
        &lang.tr("page-unsubscribe-title"),
        &format!(
            "<p>{}</p><form method=\"post\"><button type=\"submit\">{}</button></form>",
            message_html(&lang.t("page-unsubscribe-question", &args(&u))),
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
    let chosen = query_lang(&q);
    let Some(u) = decode(&st, &token) else {
        return not_found(choose_lang(chosen, None, &headers, Lang::english()).lang);
    };
    // The member acts on their own address, which the signed link proves; the operator's context
    // is the one that may edit any route.
    let ctx = super::call::operator(&st);
    // Read before acting: the language is the member's, and leaving keeps the record.
    let lang = match member_page_lang(&ctx, &u, chosen, &headers).await {
        Ok((pl, _, _)) => pl.lang,
        Err(lang) => return try_again(lang),
    };
    match subscriptions::unsubscribe(&ctx, &u).await {
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
                    message_html(&lang.t("page-unsubscribed", &args(&u)))
                ),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "an unsubscribe could not be saved");
            try_again(lang)
        }
    }
}

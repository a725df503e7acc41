//! The email confirmation (`/join/confirm/{token}`): the link in the confirmation email shows a
//! button, and only its POST confirms, so a link scanner confirms nobody.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::lang::{LangQuery, query_lang};
use super::link::{Opened, open, say, unavailable};
use crate::http::AppState;
use crate::http::page::{escape, page_in};
use crate::render::message_html;
use crate::service::join::{self, ConfirmToken, Confirmed};

/// The confirmation link, read; a bad or expired one gets a 404 that says what to do.
async fn opened(
    st: &AppState,
    token: &str,
    q: &Result<Query<LangQuery>, QueryRejection>,
    headers: &HeaderMap,
) -> Result<Opened<ConfirmToken>, Response> {
    open(st, query_lang(q), headers, "page-confirm-bad", |ctx| {
        join::read_confirm(ctx, token)
    })
    .await
}

/// `GET /join/confirm/{token}`: a button, so a link scanner confirms nobody.
pub async fn confirm_page(
    State(st): State<AppState>,
    Path(token): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let o = match opened(&st, &token, &q, &headers).await {
        Ok(o) => o,
        Err(bad) => return bad,
    };
    let (lang, t) = (o.lang(), &o.link);
    let args = [
        ("route", t.route.as_str().into()),
        ("address", t.address.as_str().into()),
    ];
    page_in(
        lang,
        StatusCode::OK,
        &lang.tr("page-confirm-title"),
        &format!(
            "<p>{}</p>\
             <form method=\"post\"><button type=\"submit\" style=\"padding:.6rem 1rem;font-size:1rem\">{}</button></form>",
            message_html(&lang.t("page-confirm-question", &args)),
            escape(&lang.tr("page-confirm-button")),
        ),
    )
}

/// `POST /join/confirm/{token}`. Doing it twice is harmless.
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
    let lang = match &o.member {
        Ok(m) => m.page.lang,
        Err(lang) => return unavailable(*lang),
    };
    let t = &o.link;
    match join::confirm(&o.ctx, t).await {
        Ok(Confirmed::Yes(u)) => {
            let manage = join::manage_url(
                &st.config.server.public_url,
                st.config.security.data_key.bytes(),
                &u,
            );
            let args = [
                ("address", t.address.as_str().into()),
                ("route", t.route.as_str().into()),
            ];
            page_in(
                lang,
                StatusCode::OK,
                &lang.tr("page-confirmed-title"),
                &format!(
                    "<p>{}</p><p>{} <a href=\"{}\">{}</a></p>",
                    message_html(&lang.t("page-confirmed", &args)),
                    escape(&lang.tr("page-confirmed-manage")),
                    escape(&manage),
                    escape(&lang.tr("page-confirmed-manage-link")),
                ),
            )
        }
        Ok(Confirmed::RouteGone) => say(
            lang,
            StatusCode::NOT_FOUND,
            "page-route-gone-title",
            "page-route-gone",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "a confirmation could not be saved");
            unavailable(lang)
        }
    }
}

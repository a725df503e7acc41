//! The email confirmation (`/join/confirm/{token}`): the link in the confirmation email shows a
//! button, and only its POST confirms, so a link scanner confirms nobody.

use axum::extract::State;
use axum::http::StatusCode;
use maud::html;

use super::lang::Visit;
use super::link::{Page, open, question, say, unavailable};
use crate::http::AppState;
use crate::http::page::{message, page_in};
use crate::service::join::{self, Confirmed};

/// `GET /join/confirm/{token}`: a button, so a link scanner confirms nobody.
pub async fn confirm_page(State(st): State<AppState>, v: Visit) -> Page {
    let o = open(&st, &v, "page-confirm-bad", join::read_confirm).await?;
    let (lang, t) = (o.lang(), &o.link);
    let args = [
        ("route", t.route.as_str().into()),
        ("address", t.address.as_str().into()),
    ];
    Ok(question(
        lang,
        "page-confirm-title",
        &lang.t("page-confirm-question", &args),
        Some("padding:.6rem 1rem;font-size:1rem"),
        "page-confirm-button",
    ))
}

/// `POST /join/confirm/{token}`. Doing it twice is harmless.
pub async fn confirm(State(st): State<AppState>, v: Visit) -> Page {
    let o = open(&st, &v, "page-confirm-bad", join::read_confirm).await?;
    let lang = o.known_lang().map_err(unavailable)?;
    let t = &o.link;
    Ok(match join::confirm(&o.ctx, t).await {
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
            let body = html! {
                p { (message(&lang.t("page-confirmed", &args))) }
                p { (lang.tr("page-confirmed-manage")) " " a href=(manage) { (lang.tr("page-confirmed-manage-link")) } }
            };
            page_in(lang, StatusCode::OK, &lang.tr("page-confirmed-title"), body)
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
    })
}

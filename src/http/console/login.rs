//! Sign-in and sign-out. Organizers sign in with Zoom (`/console/login/zoom/{app}`, in
//! [`crate::http::oauth`]); the operator signs in with `security.admin_token`, which is also the
//! path the browser test takes.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use secrecy::ExposeSecret;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::html::{page, seg};
use super::{Fail, check_csrf, signed_in};
use crate::http::AppState;
use crate::http::auth::{SESSION_COOKIE, cookie, session_cookie, start_session};
use crate::store::auth::Grant;

pub async fn show(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if signed_in(&st, &headers).await.is_ok() {
        return Redirect::to("/console").into_response();
    }
    login_page(&st, StatusCode::OK, None)
}

fn login_page(st: &AppState, status: StatusCode, error: Option<&str>) -> Response {
    let apps: Vec<_> = st
        .apps
        .all()
        .into_iter()
        .filter(|a| a.has_oauth())
        .collect();
    let body = html! {
        @if let Some(m) = error {
            div class="error-summary" role="alert" { p { (m) } }
        }
        section aria-labelledby="zoom-h" {
            h2 id="zoom-h" { "Organizers" }
            @if apps.is_empty() {
                p {
                    "This relay has no Zoom app with OAuth credentials, so there is no Zoom \
                     sign-in. Ask the operator for access."
                }
            } @else {
                p {
                    "Sign in with Zoom as an Owner or Admin of the Zoom account that installed the \
                     app. Other members of the account cannot manage its alerts."
                }
                ul class="plain" {
                    @for a in &apps {
                        li {
                            a class="button" href={ "/console/login/zoom/" (seg(&a.id)) } {
                                "Sign in with Zoom"
                                @if a.id != "default" { " (" (a.id) ")" }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="op-h" {
            h2 id="op-h" { "Operator" }
            form method="post" action="/console/login" {
                label for="token" { "Operator token" }
                input id="token" name="token" type="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
        }
    };
    page(status, "Sign in", None, None, body)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    token: String,
}

/// Operator sign-in: constant-time comparison with `security.admin_token`.
pub async fn submit(
    State(st): State<AppState>,
    client: crate::http::ClientAddr,
    Form(f): Form<LoginForm>,
) -> Response {
    let Some(expected) = &st.config.security.admin_token else {
        return login_page(
            &st,
            StatusCode::UNAUTHORIZED,
            Some("Operator sign-in is off: security.admin_token is not set."),
        );
    };
    let ok = !f.token.is_empty()
        && bool::from(
            f.token
                .as_bytes()
                .ct_eq(expected.expose_secret().as_bytes()),
        );
    if !ok {
        crate::http::auth::penalize_failure(&st, client.0).await;
        tracing::info!("console operator sign-in refused: wrong token");
        return login_page(
            &st,
            StatusCode::UNAUTHORIZED,
            Some("That operator token is not right. Check it and try again."),
        );
    }
    match start_session(&st, Grant::Operator, "operator").await {
        Ok(set_cookie) => (
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, set_cookie),
                (header::LOCATION, "/console".to_string()),
            ],
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Ends the session (CSRF-checked, so another site cannot sign the organizer out).
pub async fn logout(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, Fail> {
    let p = signed_in(&st, &headers).await?;
    check_csrf(&p, &form)?;
    if let Some(id) = cookie(&headers, SESSION_COOKIE).map(str::to_string) {
        st.db.remove_session(&id).await?;
        st.db.flush().await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, session_cookie(&st, "", 0)),
            (header::LOCATION, "/console/login".to_string()),
        ],
    )
        .into_response())
}

//! The Zoom OAuth install flow (DESIGN section 4, reference/zoom.md section 5).
//!
//! `GET /zoom/install/{app_id}` creates a single-use `state` (random, 10 minutes, stored hashed
//! with the app and the sealed PKCE verifier), mirrors it in an HttpOnly SameSite=Lax cookie, and
//! redirects to Zoom's authorize page with PKCE S256. `GET /zoom/oauth/callback` checks the state
//! against the store and the cookie, exchanges the code, asks `/v2/users/me` who installed, and
//! stores the tenant. Installs started from the Zoom Marketplace carry no state of ours; they are
//! accepted when the app allows it, and then the code exchange itself is the proof.
//!
//! Every failure answers a page that says what happened and stores nothing.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::AppState;
use super::page::{escape, page};
use crate::config::ZoomApp;
use crate::store::OAuthState;
use crate::zoom::oauth;

/// How long an install may take between our redirect and Zoom's callback.
pub const STATE_TTL_MS: i64 = 10 * 60 * 1000;
const COOKIE: &str = "zr_oauth_state";

/// The redirect URI of installs started here; register it in the Zoom app (Redirect URL for OAuth
/// and the OAuth allow list).
pub fn redirect_uri(public_url: &str) -> String {
    format!("{}/zoom/oauth/callback", public_url.trim_end_matches('/'))
}

/// The per-app redirect URI, for Marketplace installs when one relay serves several OAuth apps.
pub fn app_redirect_uri(public_url: &str, app_id: &str) -> String {
    format!("{}/{app_id}", redirect_uri(public_url))
}

/// The redirect URI a callback arrived on, which the code exchange must repeat exactly.
fn callback_uri(public_url: &str, path_app: Option<&str>) -> String {
    match path_app {
        Some(a) => app_redirect_uri(public_url, a),
        None => redirect_uri(public_url),
    }
}

fn secure(st: &AppState) -> bool {
    st.config.server.public_url.starts_with("https://")
}

fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    page(status, title, &format!("<p>{}</p>", escape(message)))
}

pub async fn install(State(st): State<AppState>, Path(app_id): Path<String>) -> Response {
    start(st, app_id, PURPOSE_INSTALL).await
}

/// "Sign in with Zoom" for the console: the same authorize flow; the callback then gives the
/// installer, or an owner or admin of the account, a session for that tenant.
pub async fn signin(State(st): State<AppState>, Path(app_id): Path<String>) -> Response {
    start(st, app_id, PURPOSE_SIGNIN).await
}

pub const PURPOSE_INSTALL: &str = "install";
pub const PURPOSE_SIGNIN: &str = "signin";

async fn start(st: AppState, app_id: String, purpose: &str) -> Response {
    let Some(app) = st.config.zoom.apps.iter().find(|a| a.id == app_id) else {
        return error_page(
            StatusCode::NOT_FOUND,
            "Unknown app",
            "This relay has no Zoom app with that id. Check the install link.",
        );
    };
    if !app.has_oauth() {
        return error_page(
            StatusCode::CONFLICT,
            "This app cannot be installed",
            &format!(
                "The Zoom app `{}` is configured webhook-only (no client_id and client_secret), so \
                 there is nothing to install: its events route by account id. The operator can add \
                 the app's OAuth credentials to [[zoom.apps]] to enable installs.",
                app.id
            ),
        );
    }
    let state = oauth::random_token();
    let verifier = oauth::random_token();
    let pending = OAuthState {
        app_id: app.id.clone(),
        sealed_verifier: st.tenants.seal_verifier(&app.id, &verifier),
        created_at_ms: chrono::Utc::now().timestamp_millis(),
        purpose: purpose.into(),
    };
    let saved = match st.store.put_oauth_state(&state, &pending) {
        Ok(()) => st.store.flush().await,
        Err(e) => Err(e),
    };
    if let Err(e) = saved {
        tracing::error!(error = %e, "cannot store an install state");
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The relay could not start the install right now. Please try again in a minute.",
        );
    }
    let location = oauth::authorize_url(
        app,
        &redirect_uri(&st.config.server.public_url),
        &state,
        &verifier,
    );
    let cookie = format!(
        "{COOKIE}={state}; Path=/zoom/oauth; Max-Age={}; HttpOnly; SameSite=Lax{}",
        STATE_TTL_MS / 1000,
        if secure(&st) { "; Secure" } else { "" }
    );
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            (header::SET_COOKIE, cookie),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    finish(st, headers, q, None).await
}

pub async fn callback_for_app(
    State(st): State<AppState>,
    Path(app_id): Path<String>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    finish(st, headers, q, Some(app_id)).await
}

/// Clears the state cookie whatever the outcome: it is single use.
fn with_cleared_cookie(st: &AppState, mut resp: Response) -> Response {
    let clear = format!(
        "{COOKIE}=; Path=/zoom/oauth; Max-Age=0; HttpOnly; SameSite=Lax{}",
        if secure(st) { "; Secure" } else { "" }
    );
    if let Ok(v) = clear.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

async fn finish(
    st: AppState,
    headers: HeaderMap,
    q: CallbackQuery,
    path_app: Option<String>,
) -> Response {
    let resp = finish_inner(&st, &headers, q, path_app).await;
    with_cleared_cookie(&st, resp)
}

/// Which app, which redirect URI and which PKCE verifier a callback belongs to, or the page that
/// explains why it cannot go on.
struct Verified<'a> {
    app: &'a ZoomApp,
    redirect_uri: String,
    verifier: Option<String>,
    purpose: String,
}

// The refusal is the page itself; it is built once per failed callback, so its size is no concern.
#[allow(clippy::result_large_err)]
fn check_state<'a>(
    st: &'a AppState,
    headers: &HeaderMap,
    state: Option<&str>,
    path_app: Option<&str>,
) -> Result<Verified<'a>, Response> {
    let restart = |app: Option<&str>| match app {
        Some(a) => format!(
            " Start the install again at {}/zoom/install/{}.",
            st.config.server.public_url.trim_end_matches('/'),
            a
        ),
        None => " Start the install again from the install link.".to_string(),
    };
    let find = |id: &str| st.config.zoom.apps.iter().find(|a| a.id == id);
    let public_url = &st.config.server.public_url;
    match state {
        Some(state) => {
            // Taken (deleted) before any check: a state works once, even when this attempt fails.
            let pending = match st.store.take_oauth_state(state) {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read install states");
                    return Err(error_page(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Try again",
                        "The relay could not check this install right now. Please try again in a minute.",
                    ));
                }
            };
            let Some(pending) = pending else {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Install link used or unknown",
                    &format!(
                        "This install was already completed, or it did not start at this relay.{}",
                        restart(path_app)
                    ),
                ));
            };
            let cookie_ok = super::auth::cookie(headers, COOKIE)
                .is_some_and(|c| bool::from(c.as_bytes().ct_eq(state.as_bytes())));
            if !cookie_ok {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Install not started in this browser",
                    &format!(
                        "The install must finish in the browser that started it (its cookie does not match).{}",
                        restart(Some(&pending.app_id))
                    ),
                ));
            }
            let age = chrono::Utc::now().timestamp_millis() - pending.created_at_ms;
            if !(0..=STATE_TTL_MS).contains(&age) {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Install link expired",
                    &format!(
                        "More than 10 minutes passed since the install started.{}",
                        restart(Some(&pending.app_id))
                    ),
                ));
            }
            let app = match (find(&pending.app_id), path_app) {
                (Some(app), None) => app,
                (Some(app), Some(p)) if p == app.id => app,
                _ => {
                    return Err(error_page(
                        StatusCode::BAD_REQUEST,
                        "Install does not match this app",
                        &format!(
                            "This callback is for a different app than the install started.{}",
                            restart(Some(&pending.app_id))
                        ),
                    ));
                }
            };
            let verifier = st
                .tenants
                .open_verifier(&app.id, &pending.sealed_verifier)
                .map_err(|_| {
                    error_page(
                        StatusCode::BAD_REQUEST,
                        "Install cannot be completed",
                        &format!(
                            "The install state does not open with this relay's data_key.{}",
                            restart(Some(&app.id))
                        ),
                    )
                })?;
            Ok(Verified {
                app,
                redirect_uri: callback_uri(public_url, path_app),
                verifier: Some(verifier),
                purpose: pending.purpose,
            })
        }
        None => {
            // Started from the Zoom Marketplace or the Zoom client: no state of ours.
            let app = match path_app {
                Some(a) => find(a),
                None => {
                    let mut oauth_apps = st.config.zoom.apps.iter().filter(|a| a.has_oauth());
                    match (oauth_apps.next(), oauth_apps.next()) {
                        (Some(a), None) => Some(a),
                        (Some(_), Some(_)) => {
                            return Err(error_page(
                                StatusCode::BAD_REQUEST,
                                "Which app?",
                                &format!(
                                    "This relay serves several Zoom apps, and an install from the Zoom \
                                     Marketplace does not say which one. The operator must set each app's \
                                     Redirect URL to {}/zoom/oauth/callback/<app id>.",
                                    public_url.trim_end_matches('/')
                                ),
                            ));
                        }
                        (None, _) => None,
                    }
                }
            };
            let Some(app) = app.filter(|a| a.has_oauth()) else {
                return Err(error_page(
                    StatusCode::NOT_FOUND,
                    "Unknown app",
                    "This relay has no Zoom app that can be installed here.",
                ));
            };
            if !app.allow_marketplace_installs {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Install not started here",
                    &format!(
                        "This relay accepts installs only from its own install link.{}",
                        restart(Some(&app.id))
                    ),
                ));
            }
            Ok(Verified {
                app,
                redirect_uri: callback_uri(public_url, path_app),
                verifier: None,
                purpose: PURPOSE_INSTALL.into(),
            })
        }
    }
}

async fn finish_inner(
    st: &AppState,
    headers: &HeaderMap,
    q: CallbackQuery,
    path_app: Option<String>,
) -> Response {
    if let Some(err) = &q.error {
        // The user declined, or Zoom refused; consume our state so it cannot be replayed.
        if let Some(s) = &q.state {
            let _ = st.store.take_oauth_state(s);
        }
        return error_page(
            StatusCode::BAD_REQUEST,
            "Zoom did not authorize the app",
            &format!(
                "Zoom answered: {}{}. Nothing was installed.",
                err,
                q.error_description
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
        );
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Missing authorization code",
            "Zoom's redirect carries no code. Start the install again from the install link.",
        );
    };
    let v = match check_state(st, headers, q.state.as_deref(), path_app.as_deref()) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let authorized = match st
        .tenants
        .authorize(v.app, code, &v.redirect_uri, v.verifier.as_deref())
        .await
    {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(app = %v.app.id, error = %e, "authorization failed");
            return error_page(
                StatusCode::BAD_GATEWAY,
                if v.purpose == PURPOSE_SIGNIN {
                    "Sign-in failed"
                } else {
                    "Install failed"
                },
                &format!("{e}. Nothing was stored. Please try again."),
            );
        }
    };
    if v.purpose == PURPOSE_SIGNIN {
        return sign_in(st, v.app, authorized).await;
    }
    match st.tenants.store_install(v.app, authorized).await {
        Ok(t) => installed_page(st, &t),
        Err(e) => {
            tracing::warn!(app = %v.app.id, error = %e, "install failed");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Install failed",
                &format!("{e}. Start the install again."),
            )
        }
    }
}

/// The callback of "Sign in with Zoom": the installer, or an owner or admin of the account, gets a
/// console session for the tenant. Signing in to an account that has no install yet installs it
/// (Zoom has just authorized the app for it). The installer's sign-in also refreshes the stored
/// tokens; anyone else's tokens are not kept.
async fn sign_in(st: &AppState, app: &ZoomApp, a: crate::tenants::Authorized) -> Response {
    let account = a.me.account_id.clone();
    let user = a.me.email.clone().unwrap_or_else(|| a.me.id.clone());
    let existing = match st.store.get_tenant(&app.id, &account) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot read tenants");
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "The relay could not check the sign-in right now.",
            );
        }
    };
    let is_installer = existing
        .as_ref()
        .is_some_and(|t| t.installer.user_id == a.me.id);
    if existing.is_some() && !is_installer && !a.is_account_admin() {
        return error_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Only the person who installed the app, or an owner or admin of the Zoom account, can \
             manage this community's alerts. Ask one of them for access.",
        );
    }
    if (existing.is_none() || is_installer)
        && let Err(e) = st.tenants.store_install(app, a).await
    {
        tracing::warn!(app = %app.id, error = %e, "sign-in could not store the install");
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The relay could not save the sign-in right now.",
        );
    }
    let grant = crate::store::auth::Grant::Tenant {
        app_id: app.id.clone(),
        account_id: account,
    };
    match super::auth::start_session(st, grant, &user).await {
        Ok(cookie) => (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, "/console".to_string()),
                (header::SET_COOKIE, cookie),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

fn installed_page(st: &AppState, t: &crate::store::Tenant) -> Response {
    let public = st.config.server.public_url.trim_end_matches('/');
    page(
        StatusCode::OK,
        "zoom-relay is installed",
        &format!(
            "<p>The Zoom app <b>{app}</b> is installed for account <code>{account}</code> by {who}. \
             Meeting events of this account now reach the relay.</p>\
             <p><a href=\"{public}/console/login/zoom/{app}\">Open the console</a> (sign in with \
             Zoom) to set up alerts.</p>\
             <h2>What to do next</h2><ol>\
             <li>In the console, create a route that says which meetings alert where, and preview \
             its messages (or use <code>zoom-relay routes add</code>, or ask your relay operator).</li>\
             <li>Check it with <code>zoom-relay simulate meeting.started --app {app} --account {account}</code>.</li>\
             <li>Members subscribe themselves through the Telegram bot with a code from an organizer.</li>\
             </ol><p>To remove the relay, uninstall the app in the Zoom App Marketplace; the relay then \
             deletes this account's data. Relay: <code>{public}</code></p>",
            app = escape(&t.app_id),
            account = escape(&t.account_id),
            who = escape(t.installer.email.as_deref().unwrap_or(&t.installer.user_id)),
            public = escape(public),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            "a=1; zr_oauth_state=abc; b=2".parse().unwrap(),
        );
        assert_eq!(super::super::auth::cookie(&h, COOKIE), Some("abc"));
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "zr_oauth_state_x=zzz".parse().unwrap());
        assert_eq!(super::super::auth::cookie(&h, COOKIE), None);
    }
}

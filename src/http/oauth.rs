//! The Zoom OAuth install flow (DESIGN section 4, reference/zoom.md section 5).
//!
//! `GET /zoom/install/{app_id}` creates a `state` and a PKCE verifier (random) and hands them to
//! the browser in a sealed cookie (`zr_oauth_state`: state, verifier, app, purpose and a 10-minute
//! expiry, sealed with XChaCha20-Poly1305 under `security.data_key`), then redirects to Zoom's
//! authorize page with PKCE S256. Starting an install stores nothing: anyone on the internet can
//! open that URL, so it must cost no durable write. `GET /zoom/oauth/callback` opens the cookie,
//! checks the `state` parameter against it in constant time, exchanges the code, asks
//! `/v2/users/me` who installed, and stores the tenant. Installs started from the Zoom Marketplace
//! carry no state of ours; they are accepted when the app allows it, and then the code exchange
//! itself is the proof.
//!
//! Console rights come only from the account's Owner or Admin role
//! ([`crate::tenants::is_owner_or_admin`]); an install by anyone else is recorded but grants no
//! session. Every failure answers a page that says what happened and stores nothing.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::AppState;
use super::page::{page, seg, sentence_page};
use std::sync::Arc;

use crate::apps::{App, Origin};
use crate::config::ZoomApp;
use crate::i18n::Lang;
use crate::tenants::is_owner_or_admin;
use crate::zoom::oauth;

mod cookie;

pub use cookie::{FlowCookie, open_flow_cookie, seal_flow_cookie};

/// How long an install may take between our redirect and Zoom's callback.
pub const STATE_TTL_MS: i64 = 10 * 60 * 1000;
/// The cookie that carries an OAuth flow in progress.
pub const COOKIE: &str = "zr_oauth_state";
/// The cookie is sent only to the callbacks (`/zoom/oauth/callback` and `.../{app}`).
const COOKIE_PATH: &str = "/zoom/oauth/callback";

/// The redirect URI of installs started here; register it in the Zoom app (Redirect URL for OAuth
/// and the OAuth allow list).
pub fn redirect_uri(public_url: &str) -> String {
    format!("{}/zoom/oauth/callback", public_url.trim_end_matches('/'))
}

/// The per-app redirect URI, for Marketplace installs when one relay serves several OAuth apps.
pub fn app_redirect_uri(public_url: &str, app_id: &str) -> String {
    format!("{}/{app_id}", redirect_uri(public_url))
}

/// The redirect URI an install of `app` starts with: the shared one for a config app (as
/// before apps could be added at run time), the app's own for an app added at run time, whose
/// guide names that one so that Marketplace installs say which app they are for.
pub fn install_redirect_uri(public_url: &str, app: &App) -> String {
    match app.origin {
        Origin::Config => redirect_uri(public_url),
        Origin::Stored => app_redirect_uri(public_url, &app.zoom.id),
    }
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
    sentence_page(Lang::english(), status, title, message)
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
    let Some(app) = st.apps.find(&app_id).await else {
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
    // Nothing is stored: the flow travels sealed in the browser's cookie.
    let flow = FlowCookie {
        state: oauth::random_token(),
        verifier: oauth::random_token(),
        app: app.id.clone(),
        purpose: purpose.into(),
        expires_at_ms: chrono::Utc::now().timestamp_millis() + STATE_TTL_MS,
    };
    let location = oauth::authorize_url(
        &app,
        &install_redirect_uri(&st.config.server.public_url, &app),
        &flow.state,
        &flow.verifier,
    );
    let cookie = format!(
        "{COOKIE}={}; Path={COOKIE_PATH}; Max-Age={}; HttpOnly; SameSite=Lax{}",
        seal_flow_cookie(st.config.security.data_key.bytes(), &flow),
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
        "{COOKIE}=; Path={COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax{}",
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
    if let Some(a) = &path_app {
        // An app added on another replica moments ago: let a miss re-read the apps (bounded).
        st.apps.find(a).await;
    }
    let resp = finish_inner(&st, &headers, q, path_app).await;
    with_cleared_cookie(&st, resp)
}

/// Which app, which redirect URI and which PKCE verifier a callback belongs to, or the page that
/// explains why it cannot go on.
struct Verified {
    app: Arc<App>,
    redirect_uri: String,
    verifier: Option<String>,
    purpose: String,
}

// The refusal is the page itself; it is built once per failed callback, so its size is no concern.
#[allow(clippy::result_large_err)]
fn check_state(
    st: &AppState,
    headers: &HeaderMap,
    state: Option<&str>,
    path_app: Option<&str>,
) -> Result<Verified, Response> {
    let restart = |app: Option<&str>| match app {
        Some(a) => format!(
            " Start the install again at {}/zoom/install/{}.",
            st.config.server.public_url.trim_end_matches('/'),
            a
        ),
        None => " Start the install again from the install link.".to_string(),
    };
    // A refused callback: 400, why, and where to start the install again.
    let refuse = |title: &str, why: &str, app: Option<&str>| {
        error_page(
            StatusCode::BAD_REQUEST,
            title,
            &format!("{why}{}", restart(app)),
        )
    };
    let find = |id: &str| st.apps.get(id);
    let public_url = &st.config.server.public_url;
    match state {
        Some(state) => {
            let Some(raw) = super::auth::cookie(headers, COOKIE).filter(|c| !c.is_empty()) else {
                return Err(refuse(
                    "Install not started in this browser",
                    "The install must finish in the browser that started it, within 10 \
                     minutes (its cookie is missing).",
                    path_app,
                ));
            };
            let Some(flow) = open_flow_cookie(st.config.security.data_key.bytes(), raw) else {
                return Err(refuse(
                    "Install cannot be completed",
                    "This browser's install cookie was altered or was not made by this relay \
                     (or the relay's data_key changed). Nothing was installed.",
                    path_app,
                ));
            };
            if !bool::from(flow.state.as_bytes().ct_eq(state.as_bytes())) {
                return Err(refuse(
                    "Install not started in this browser",
                    "The install must finish in the browser that started it (its cookie does \
                     not match this callback).",
                    Some(&flow.app),
                ));
            }
            if chrono::Utc::now().timestamp_millis() > flow.expires_at_ms {
                return Err(refuse(
                    "Install link expired",
                    "More than 10 minutes passed since the install started.",
                    Some(&flow.app),
                ));
            }
            if !st
                .tenants
                .consume_flow_state(&flow.state, flow.expires_at_ms)
            {
                return Err(refuse(
                    "Install link used",
                    "This install was already completed in this browser.",
                    Some(&flow.app),
                ));
            }
            let app = match (find(&flow.app), path_app) {
                (Some(app), None) => app,
                (Some(app), Some(p)) if p == app.zoom.id => app,
                _ => {
                    return Err(refuse(
                        "Install does not match this app",
                        "This callback is for a different app than the install started.",
                        Some(&flow.app),
                    ));
                }
            };
            Ok(Verified {
                app,
                redirect_uri: callback_uri(public_url, path_app),
                verifier: Some(flow.verifier),
                purpose: flow.purpose,
            })
        }
        None => {
            // Started from the Zoom Marketplace or the Zoom client: no state of ours.
            let app = match path_app {
                Some(a) => find(a),
                None => {
                    // Only config apps: an app added at run time is told its own redirect URL
                    // (`/zoom/oauth/callback/{app_id}`), so its callbacks name it.
                    let mut oauth_apps = st.config.zoom.apps.iter().filter(|a| a.has_oauth());
                    match (oauth_apps.next(), oauth_apps.next()) {
                        (Some(a), None) => find(&a.id),
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
                return Err(refuse(
                    "Install not started here",
                    "This relay accepts installs only from its own install link.",
                    Some(&app.id),
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
        // The user declined, or Zoom refused. The flow cookie is cleared on the way out.
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
        .authorize(&v.app, code, &v.redirect_uri, v.verifier.as_deref())
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
        return sign_in(st, &v.app, authorized).await;
    }
    // The install is recorded whoever authorized (Zoom has authorized the app for the account),
    // but only an Owner or Admin is told to open the console: a plain Member gets no rights.
    let may_manage = is_owner_or_admin(&authorized.me);
    match st.tenants.store_install(&v.app, authorized).await {
        Ok(t) => installed_page(st, &t, may_manage),
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

/// The callback of "Sign in with Zoom": an Owner or Admin of the account (by Zoom role id) gets a
/// console session for the tenant; nobody else does, whoever installed the app. Signing in to an
/// account that has no install yet installs it (Zoom has just authorized the app for it), as does
/// any sign-in to a user-managed app (Zoom counts it as that user's install); a user's sign-in
/// also refreshes their own stored tokens. Anyone else's tokens are not kept.
async fn sign_in(st: &AppState, app: &ZoomApp, a: crate::tenants::Authorized) -> Response {
    let account = a.me.account_id.clone();
    let user = a.me.email.clone().unwrap_or_else(|| a.me.id.clone());
    let may_manage = is_owner_or_admin(&a.me);
    let existing = match st
        .db
        .get_tenant(&crate::store::TenantId::new(&app.id, &account))
        .await
    {
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
    let keep_tokens =
        app.user_managed || existing.as_ref().is_none_or(|t| t.has_install_of(&a.me.id));
    if keep_tokens && let Err(e) = st.tenants.store_install(app, a).await {
        tracing::warn!(app = %app.id, error = %e, "sign-in could not store the install");
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The relay could not save the sign-in right now.",
        );
    }
    if !may_manage {
        tracing::info!(app = %app.id, "console sign-in refused: not an Owner or Admin of the account");
        let why = if existing.is_none() {
            "The app is now installed for your Zoom account, but you are not an Owner or Admin \
             of it, so you cannot manage its alerts."
        } else {
            "Only an Owner or Admin of the Zoom account can manage this community's alerts, and \
             your Zoom role is neither."
        };
        let body = html! {
            p { (why) }
            p { (NOT_MANAGER_NEXT) }
        };
        return page(StatusCode::FORBIDDEN, "Not allowed", body);
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

/// What a Zoom user who is not an Owner or Admin can do. Organizer codes make Telegram organizers,
/// not console users, so the console has no other way in.
const NOT_MANAGER_NEXT: &str = "An Owner or Admin of the Zoom account must sign in to the \
     console to manage it. Ask one of them to sign in with Zoom, or ask the relay's operator.";

/// What an Owner or Admin does after installing: open the console, make a route, check it.
fn next_steps(public: &str, t: &crate::store::Tenant) -> Markup {
    let app = &t.app_id;
    html! {
        p {
            a href={ (public) "/console/login/zoom/" (seg(app)) } { "Open the console" }
            " (sign in with Zoom) to set up alerts."
        }
        h2 { "What to do next" }
        ol {
            li {
                "In the console, create a route that says which meetings alert where, and preview \
                 its messages (or use " code { "zoom-relay routes add" } ", or ask your relay \
                 operator)."
            }
            li {
                "Check it with "
                code { "zoom-relay simulate meeting.started --app " (app) " --account " (t.account_id) }
                "."
            }
            li { "Members subscribe themselves through the Telegram bot with a code from an organizer." }
        }
    }
}

fn installed_page(st: &AppState, t: &crate::store::Tenant, may_manage: bool) -> Response {
    let public = st.config.server.public_url.trim_end_matches('/');
    let body = html! {
        p {
            "The Zoom app " b { (t.app_id) } " is installed for account " code { (t.account_id) }
            ". Meeting events of this account now reach the relay."
        }
        @if may_manage {
            (next_steps(public, t))
        } @else {
            h2 { "Who manages it" }
            p {
                "You are not an Owner or Admin of this Zoom account, so installing the app does \
                 not let you manage its alerts. " (NOT_MANAGER_NEXT)
            }
        }
        p {
            "To remove the relay, uninstall the app in the Zoom App Marketplace; the relay then \
             deletes this account's data. Relay: " code { (public) }
        }
    };
    page(StatusCode::OK, "zoom-relay is installed", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_cookies_open_only_unchanged_with_their_key_and_purpose() {
        let key = [9u8; 32];
        let f = FlowCookie {
            state: "st".into(),
            verifier: "the-verifier".into(),
            app: "default".into(),
            purpose: PURPOSE_INSTALL.into(),
            expires_at_ms: 1,
        };
        let v = seal_flow_cookie(&key, &f);
        assert!(v.starts_with("install."));
        assert!(!v.contains("verifier"), "sealed, not only signed");
        assert_eq!(open_flow_cookie(&key, &v), Some(f));
        assert_eq!(open_flow_cookie(&[8u8; 32], &v), None);
        assert_eq!(
            open_flow_cookie(&key, &v.replacen("install.", "signin.", 1)),
            None
        );
        assert_eq!(
            open_flow_cookie(&key, &v.replacen("install.", "other.", 1)),
            None
        );
        let mut damaged = v.clone();
        damaged.pop();
        assert_eq!(open_flow_cookie(&key, &damaged), None);
        assert_eq!(open_flow_cookie(&key, "install"), None);
    }

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

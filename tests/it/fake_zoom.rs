//! FakeZoom: Zoom's OAuth and REST endpoints on loopback, shaped like reference/zoom.md section 5.
//!
//! - `GET /oauth/authorize` plays the consenting user: it remembers the PKCE challenge and answers
//!   302 to `redirect_uri?code=..&state=..`;
//! - `POST /oauth/token` checks Basic auth, the redirect URI and PKCE S256 for codes (single use),
//!   and rotates refresh tokens (an old one gets Zoom's `Invalid Token!`); a revoked grant gets
//!   `invalid_grant`;
//! - `GET /v2/users/me`, `GET /v2/meetings/{id}` with bearer tokens; `users/me` carries Zoom's
//!   `role_id` ("0" Owner, "1" Admin, "2" Member, another id for a custom role);
//! - `POST /oauth/revoke` records what was revoked;
//! - `POST /oauth/token` with `grant_type=client_credentials` answers an app-level token for the
//!   right client id and secret (how a relay checks an app's credentials).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "fake-client-id";
pub const CLIENT_SECRET: &str = "fake-client-secret";

/// The user who consents at the fake authorize page.
#[derive(Debug, Clone)]
pub struct ZoomUser {
    pub user_id: String,
    pub account_id: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone)]
struct PendingCode {
    user: ZoomUser,
    redirect_uri: String,
    challenge: Option<String>,
    client_id: String,
}

#[derive(Debug, Clone)]
struct Grant {
    user: ZoomUser,
    access: String,
    refresh: String,
    revoked: bool,
}

#[derive(Default)]
struct FakeState {
    base: String,
    next: u64,
    /// Who consents at the next authorize; None makes authorize fail.
    user: Option<ZoomUser>,
    codes: HashMap<String, PendingCode>,
    grants: Vec<Grant>,
    /// Every access and refresh token ever issued, to look for them on disk.
    issued: Vec<String>,
    refreshes: u32,
    exchanges: u32,
    pkce_checked: u32,
    revoked: Vec<String>,
    /// Role ids set by a test, by user id (else derived from the role name, see [`role_id_of`]).
    role_ids: HashMap<String, String>,
    token_delay: Duration,
    /// Make the next code exchanges fail with 500.
    fail_exchange: bool,
    fail_users_me: bool,
    fail_meetings: bool,
    /// Lifetime of issued access tokens.
    expires_in: i64,
    meetings: HashMap<u64, serde_json::Value>,
    meeting_lookups: u32,
    /// Client-credentials grants answered (an app's credentials checked).
    client_credentials: u32,
    /// Whose token each meeting lookup carried (user ids).
    meeting_lookup_users: Vec<String>,
}

pub struct FakeZoom {
    pub addr: SocketAddr,
    state: Arc<Mutex<FakeState>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeZoom {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeZoom {
    pub async fn start() -> FakeZoom {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(FakeState {
            base: format!("http://{addr}"),
            expires_in: 3599,
            ..FakeState::default()
        }));
        let router = axum::Router::new()
            .route("/oauth/authorize", get(authorize))
            .route("/oauth/token", post(token))
            .route("/oauth/revoke", post(revoke))
            .route("/v2/users/me", get(users_me))
            .route("/v2/meetings/{id}", get(meeting))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("fake zoom serves");
        });
        FakeZoom { addr, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with<T>(&self, f: impl FnOnce(&mut FakeState) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    pub fn consent_as(&self, user: ZoomUser) {
        self.with(|s| s.user = Some(user));
    }

    /// Gives `user_id` this Zoom role id, whatever its role name says.
    pub fn set_role_id(&self, user_id: &str, role_id: &str) {
        self.with(|s| s.role_ids.insert(user_id.to_string(), role_id.to_string()));
    }

    pub fn set_expires_in(&self, secs: i64) {
        self.with(|s| s.expires_in = secs);
    }

    pub fn set_token_delay(&self, d: Duration) {
        self.with(|s| s.token_delay = d);
    }

    pub fn fail_exchange(&self, on: bool) {
        self.with(|s| s.fail_exchange = on);
    }

    pub fn fail_users_me(&self, on: bool) {
        self.with(|s| s.fail_users_me = on);
    }

    pub fn fail_meetings(&self, on: bool) {
        self.with(|s| s.fail_meetings = on);
    }

    /// Makes every grant of `account` invalid, as when an admin removed the app in Zoom.
    pub fn revoke_grants_of(&self, account: &str) {
        self.with(|s| {
            for g in s.grants.iter_mut().filter(|g| g.user.account_id == account) {
                g.revoked = true;
            }
        });
    }

    pub fn add_meeting(&self, id: u64, topic: &str, join_url: &str, password: &str) {
        self.with(|s| {
            s.meetings.insert(
                id,
                json!({"id": id, "topic": topic, "join_url": join_url, "password": password,
                       "type": 2, "start_time": "2026-11-29T10:00:00Z"}),
            )
        });
    }

    pub fn refreshes(&self) -> u32 {
        self.with(|s| s.refreshes)
    }

    pub fn exchanges(&self) -> u32 {
        self.with(|s| s.exchanges)
    }

    pub fn pkce_checked(&self) -> u32 {
        self.with(|s| s.pkce_checked)
    }

    pub fn client_credentials_checks(&self) -> u32 {
        self.with(|s| s.client_credentials)
    }

    pub fn meeting_lookups(&self) -> u32 {
        self.with(|s| s.meeting_lookups)
    }

    pub fn meeting_lookup_users(&self) -> Vec<String> {
        self.with(|s| s.meeting_lookup_users.clone())
    }

    pub fn revoked(&self) -> Vec<String> {
        self.with(|s| s.revoked.clone())
    }

    pub fn issued_tokens(&self) -> Vec<String> {
        self.with(|s| s.issued.clone())
    }

    /// The current access token of `account`'s newest grant.
    pub fn access_token_of(&self, account: &str) -> Option<String> {
        self.with(|s| {
            s.grants
                .iter()
                .rev()
                .find(|g| g.user.account_id == account)
                .map(|g| g.access.clone())
        })
    }
}

fn oauth_error(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

async fn authorize(
    State(st): State<Arc<Mutex<FakeState>>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut s = st.lock().unwrap();
    let Some(user) = s.user.clone() else {
        return (StatusCode::FORBIDDEN, "no user consents").into_response();
    };
    if q.get("response_type").map(String::as_str) != Some("code") {
        return (StatusCode::BAD_REQUEST, "response_type must be code").into_response();
    }
    let method = q.get("code_challenge_method").cloned();
    let challenge = q.get("code_challenge").cloned();
    if challenge.is_some() && method.as_deref() != Some("S256") {
        return (StatusCode::BAD_REQUEST, "expected S256").into_response();
    }
    let redirect_uri = q.get("redirect_uri").cloned().unwrap_or_default();
    s.next += 1;
    let code = format!("code-{}", s.next);
    s.codes.insert(
        code.clone(),
        PendingCode {
            user,
            redirect_uri: redirect_uri.clone(),
            challenge,
            client_id: q.get("client_id").cloned().unwrap_or_default(),
        },
    );
    let mut location = format!("{redirect_uri}?code={code}");
    if let Some(state) = q.get("state") {
        location.push_str(&format!("&state={state}"));
    }
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn basic_ok(headers: &HeaderMap) -> bool {
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(expected.as_str())
}

fn issue(s: &mut FakeState, user: ZoomUser) -> serde_json::Value {
    s.next += 1;
    let n = s.next;
    let access = format!(
        "fake-access-{n}-{}",
        URL_SAFE_NO_PAD.encode(n.to_be_bytes())
    );
    let refresh = format!(
        "fake-refresh-{n}-{}",
        URL_SAFE_NO_PAD.encode(n.to_le_bytes())
    );
    s.issued.push(access.clone());
    s.issued.push(refresh.clone());
    s.grants.push(Grant {
        user,
        access: access.clone(),
        refresh: refresh.clone(),
        revoked: false,
    });
    json!({
        "access_token": access,
        "token_type": "bearer",
        "refresh_token": refresh,
        "expires_in": s.expires_in,
        "scope": "meeting:read:meeting user:read:user",
        "api_url": s.base,
    })
}

async fn token(
    State(st): State<Arc<Mutex<FakeState>>>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let delay = st.lock().unwrap().token_delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if !basic_ok(&headers) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"}),
        );
    }
    let mut s = st.lock().unwrap();
    match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            s.exchanges += 1;
            if s.fail_exchange {
                return oauth_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"reason": "Internal Error"}),
                );
            }
            let code = f.get("code").cloned().unwrap_or_default();
            let Some(pending) = s.codes.remove(&code) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    json!({"reason": "Invalid authorization code", "error": "invalid_grant"}),
                );
            };
            if pending.client_id != CLIENT_ID {
                return oauth_error(StatusCode::BAD_REQUEST, json!({"error": "invalid_client"}));
            }
            if f.get("redirect_uri") != Some(&pending.redirect_uri) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    json!({"reason": "Redirect URI mismatch.", "error": "invalid_request"}),
                );
            }
            if let Some(challenge) = &pending.challenge {
                let verifier = f.get("code_verifier").cloned().unwrap_or_default();
                let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                if &computed != challenge {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        json!({"reason": "Invalid code_verifier", "error": "invalid_grant"}),
                    );
                }
                s.pkce_checked += 1;
            }
            let body = issue(&mut s, pending.user);
            Json(body).into_response()
        }
        Some("refresh_token") => {
            s.refreshes += 1;
            let rt = f.get("refresh_token").cloned().unwrap_or_default();
            let Some(idx) = s.grants.iter().position(|g| g.refresh == rt) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    json!({"reason": "Invalid Token!", "error": "invalid_request"}),
                );
            };
            if s.grants[idx].revoked {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "invalid_grant", "error_description": "grant revoked"}),
                );
            }
            // Rotation: the old pair dies.
            let old = s.grants.remove(idx);
            let body = issue(&mut s, old.user);
            Json(body).into_response()
        }
        Some("client_credentials") => {
            // An app-level token, no refresh token, no user (Zoom's client credentials grant).
            s.client_credentials += 1;
            s.next += 1;
            let n = s.next;
            Json(json!({
                "access_token": format!("fake-app-token-{n}"),
                "token_type": "bearer",
                "expires_in": 3599,
                "scope": "marketplace:read:list_event_subscriptions",
                "api_url": s.base,
            }))
            .into_response()
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            json!({"error": "unsupported_grant_type"}),
        ),
    }
}

async fn revoke(
    State(st): State<Arc<Mutex<FakeState>>>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if !basic_ok(&headers) {
        return oauth_error(StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}));
    }
    let mut s = st.lock().unwrap();
    let t = f.get("token").cloned().unwrap_or_default();
    s.revoked.push(t.clone());
    for g in s.grants.iter_mut().filter(|g| g.access == t) {
        g.revoked = true;
    }
    Json(json!({"status": "success"})).into_response()
}

fn bearer_user(s: &FakeState, headers: &HeaderMap) -> Option<ZoomUser> {
    let t = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    s.grants
        .iter()
        .find(|g| g.access == t && !g.revoked)
        .map(|g| g.user.clone())
}

async fn users_me(State(st): State<Arc<Mutex<FakeState>>>, headers: HeaderMap) -> Response {
    let s = st.lock().unwrap();
    if s.fail_users_me {
        return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response();
    }
    let Some(u) = bearer_user(&s, &headers) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            json!({"code": 124, "message": "Invalid access token."}),
        );
    };
    let role_id = s
        .role_ids
        .get(&u.user_id)
        .cloned()
        .unwrap_or_else(|| role_id_of(&u.role));
    Json(json!({
        "id": u.user_id, "account_id": u.account_id, "email": u.email, "role_name": u.role,
        "role_id": role_id,
        "type": 1, "first_name": "Test", "last_name": "User"
    }))
    .into_response()
}

async fn meeting(
    State(st): State<Arc<Mutex<FakeState>>>,
    Path(id): Path<u64>,
    headers: HeaderMap,
) -> Response {
    let mut s = st.lock().unwrap();
    s.meeting_lookups += 1;
    if s.fail_meetings {
        return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response();
    }
    let Some(u) = bearer_user(&s, &headers) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            json!({"code": 124, "message": "Invalid access token."}),
        );
    };
    s.meeting_lookup_users.push(u.user_id);
    match s.meetings.get(&id) {
        Some(m) => Json(m.clone()).into_response(),
        None => oauth_error(
            StatusCode::NOT_FOUND,
            json!({"code": 3001, "message": "Meeting does not exist."}),
        ),
    }
}

/// Zoom's role ids: the built-in Owner, Admin and Member roles have fixed ids; a custom role has
/// its own, whatever its name.
pub fn role_id_of(role_name: &str) -> String {
    match role_name {
        "Owner" => "0".into(),
        "Admin" => "1".into(),
        "Member" => "2".into(),
        _ => format!("custom-{}", role_name.len()),
    }
}

//! Zoom's OAuth 2.0 wire protocol (reference/zoom.md section 5): the authorize URL with PKCE S256,
//! the code exchange, the rotating refresh, revocation, and the two API calls the relay makes with a
//! tenant's token (`/v2/users/me`, `/v2/meetings/{id}`). No state lives here; [`crate::tenants`]
//! decides when to call what and keeps the tokens.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use secrecy::ExposeSecret;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::ZoomApp;

/// A fresh unguessable value (32 random bytes, base64url): install states and PKCE verifiers.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// The S256 code challenge of a PKCE verifier (RFC 7636 section 4.2).
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn encode(s: &str) -> String {
    // application/x-www-form-urlencoded, as a query string expects.
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `{oauth_url}/oauth/authorize?...` for an install. Zoom takes no `scope` parameter: scopes are
/// set on the app in the Marketplace.
pub fn authorize_url(app: &ZoomApp, redirect_uri: &str, state: &str, verifier: &str) -> String {
    format!(
        "{}/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge={}&code_challenge_method=S256",
        app.oauth_url.trim_end_matches('/'),
        encode(app.client_id.as_deref().unwrap_or_default()),
        encode(redirect_uri),
        encode(state),
        encode(&code_challenge(verifier)),
    )
}

/// Zoom's token response. `api_url` is the host to call for this account, when Zoom sends one.
#[derive(Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub scope: Option<String>,
    pub api_url: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[REDACTED]")
            .field("refresh_token", &"[REDACTED]")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("api_url", &self.api_url)
            .finish()
    }
}

/// `/v2/users/me`, the fields the relay uses.
#[derive(Debug, Clone, Deserialize)]
pub struct UserMe {
    pub id: String,
    pub account_id: String,
    pub email: Option<String>,
    /// Informational only: a custom role can be named anything ("Badminton Club Members").
    pub role_name: Option<String>,
    /// The account role's id: "0" is the Owner role and "1" the Admin role (Zoom's built-in roles,
    /// whose ids do not change); custom roles get other ids. Zoom sends a string; a number is
    /// accepted too.
    #[serde(default, deserialize_with = "string_or_number")]
    pub role_id: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// `/v2/meetings/{id}`, the fields a started alert can use.
#[derive(Debug, Clone, Deserialize)]
pub struct MeetingDetails {
    pub topic: Option<String>,
    pub join_url: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum OAuthError {
    /// The grant (code or refresh token) is no longer valid: the install must be redone.
    #[error("Zoom refused the grant ({0}); the app must be installed again")]
    InvalidGrant(String),
    /// Zoom answered with an error status.
    #[error("Zoom answered {status} at {endpoint}: {detail}")]
    Refused {
        endpoint: &'static str,
        status: u16,
        detail: String,
    },
    /// No answer: DNS, connection, TLS or timeout.
    #[error("cannot reach Zoom at {endpoint}: {detail}")]
    Unreachable {
        endpoint: &'static str,
        detail: String,
    },
    #[error("Zoom's answer from {endpoint} is not what was expected: {detail}")]
    BadResponse {
        endpoint: &'static str,
        detail: String,
    },
    #[error("app `{0}` has no OAuth credentials (client_id and client_secret)")]
    NoCredentials(String),
}

/// The HTTP side of the OAuth flow. Redirects are not followed: an OAuth endpoint that redirects
/// is misconfigured, and following it would send credentials elsewhere.
#[derive(Clone)]
pub struct OAuthClient {
    http: reqwest::Client,
}

impl OAuthClient {
    pub fn new() -> anyhow::Result<OAuthClient> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("zoom-relay/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(OAuthClient { http })
    }

    fn basic(app: &ZoomApp) -> Result<String, OAuthError> {
        match (&app.client_id, &app.client_secret) {
            (Some(id), Some(secret)) => Ok(format!(
                "Basic {}",
                STANDARD.encode(format!("{id}:{}", secret.expose_secret()))
            )),
            _ => Err(OAuthError::NoCredentials(app.id.clone())),
        }
    }

    /// POSTs `form` to the app's OAuth endpoint `ep` with its Basic credentials: the status and
    /// the body.
    async fn oauth_post(
        &self,
        app: &ZoomApp,
        ep: &'static str,
        form: &[(&str, &str)],
        timeout: Option<Duration>,
    ) -> Result<(u16, String), OAuthError> {
        let url = format!("{}{ep}", app.oauth_url.trim_end_matches('/'));
        let mut req = self
            .http
            .post(url)
            .header(reqwest::header::AUTHORIZATION, Self::basic(app)?)
            .form(form);
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        let resp = req.send().await.map_err(|e| unreachable(ep, e))?;
        let status = resp.status().as_u16();
        let body = resp.text().await.map_err(|e| unreachable(ep, e))?;
        Ok((status, body))
    }

    async fn token_request(
        &self,
        app: &ZoomApp,
        form: &[(&str, &str)],
    ) -> Result<TokenResponse, OAuthError> {
        const EP: &str = "/oauth/token";
        match self.oauth_post(app, EP, form, None).await? {
            (200..=299, body) => decode(EP, &body),
            (status, body) => Err(classify_token_error(status, &body)),
        }
    }

    /// Exchanges an authorization code (with its PKCE verifier when the install started here).
    pub async fn exchange_code(
        &self,
        app: &ZoomApp,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier", v));
        }
        self.token_request(app, &form).await
    }

    /// Trades the latest refresh token for a new pair. Zoom rotates refresh tokens: the old one is
    /// dead once this succeeds, so the caller must persist the answer before anything else.
    pub async fn refresh(
        &self,
        app: &ZoomApp,
        refresh_token: &str,
    ) -> Result<TokenResponse, OAuthError> {
        self.token_request(
            app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }

    /// Proves an app's Client ID and Client Secret with the `client_credentials` grant, which
    /// needs no install: Zoom answers an app-level token for a pair it knows and 401
    /// `invalid_client` otherwise (reference/zoom.md section 5.6). The token is not kept.
    pub async fn check_client_credentials(&self, app: &ZoomApp) -> Result<(), OAuthError> {
        let form = [("grant_type", "client_credentials")];
        match self.oauth_post(app, "/oauth/token", &form, None).await? {
            (200..=299, _) => Ok(()),
            (status, body) => Err(classify_token_error(status, &body)),
        }
    }

    /// Revokes a token. Callers treat failure as non-fatal: on uninstall it is often dead already.
    pub async fn revoke(&self, app: &ZoomApp, token: &str) -> Result<(), OAuthError> {
        const EP: &str = "/oauth/revoke";
        let form = [("token", token)];
        match self
            .oauth_post(app, EP, &form, Some(Duration::from_secs(5)))
            .await?
        {
            (200..=299, _) => Ok(()),
            (status, body) => Err(refused(EP, status, &body)),
        }
    }

    async fn api_get<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: &'static str,
        url: String,
        access_token: &str,
        timeout: Duration,
    ) -> Result<T, OAuthError> {
        let resp = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| unreachable(endpoint, e))?;
        let status = resp.status();
        let body = resp.text().await.map_err(|e| unreachable(endpoint, e))?;
        if !status.is_success() {
            return Err(refused(endpoint, status.as_u16(), &body));
        }
        decode(endpoint, &body)
    }

    /// Who installed: `GET {api_url}/v2/users/me`.
    pub async fn users_me(&self, api_url: &str, access_token: &str) -> Result<UserMe, OAuthError> {
        self.api_get(
            "/v2/users/me",
            format!("{}/v2/users/me", api_url.trim_end_matches('/')),
            access_token,
            Duration::from_secs(10),
        )
        .await
    }

    /// A meeting's details, for its join link: `GET {api_url}/v2/meetings/{id}`.
    pub async fn meeting(
        &self,
        api_url: &str,
        access_token: &str,
        meeting_id: u64,
        timeout: Duration,
    ) -> Result<MeetingDetails, OAuthError> {
        self.api_get(
            "/v2/meetings/{id}",
            format!("{}/v2/meetings/{meeting_id}", api_url.trim_end_matches('/')),
            access_token,
            timeout,
        )
        .await
    }
}

/// Zoom answered `endpoint` with an error status (its body, capped, says why).
fn refused(endpoint: &'static str, status: u16, body: &str) -> OAuthError {
    OAuthError::Refused {
        endpoint,
        status,
        detail: crate::text::snippet(body),
    }
}

/// A success answer of `endpoint` as `T`.
fn decode<T: serde::de::DeserializeOwned>(
    endpoint: &'static str,
    body: &str,
) -> Result<T, OAuthError> {
    serde_json::from_str(body).map_err(|e| OAuthError::BadResponse {
        endpoint,
        detail: e.to_string(),
    })
}

fn unreachable(endpoint: &'static str, e: reqwest::Error) -> OAuthError {
    // reqwest's Display includes the URL, which holds no secret here (tokens travel in headers and
    // form bodies only).
    OAuthError::Unreachable {
        endpoint,
        detail: e.to_string(),
    }
}

/// Zoom answers a dead code or refresh token with 400/401 and either the standard
/// `{"error":"invalid_grant"}` or its own `{"reason":"Invalid Token!","error":"invalid_request"}`.
fn classify_token_error(status: u16, body: &str) -> OAuthError {
    #[derive(Deserialize, Default)]
    struct Err {
        error: Option<String>,
        error_description: Option<String>,
        reason: Option<String>,
    }
    let e: Err = serde_json::from_str(body).unwrap_or_default();
    let text = [&e.error, &e.error_description, &e.reason]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(": ");
    let invalid_token = e
        .reason
        .as_deref()
        .or(e.error_description.as_deref())
        .is_some_and(|r| r.to_ascii_lowercase().contains("invalid token"));
    if (status == 400 || status == 401)
        && (e.error.as_deref() == Some("invalid_grant") || invalid_token)
    {
        return OAuthError::InvalidGrant(text);
    }
    OAuthError::Refused {
        endpoint: "/oauth/token",
        status,
        detail: if text.is_empty() {
            crate::text::snippet(body)
        } else {
            text
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_matches_rfc7636_appendix_b() {
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }

    #[test]
    fn token_errors_are_classified() {
        assert!(matches!(
            classify_token_error(400, r#"{"error":"invalid_grant"}"#),
            OAuthError::InvalidGrant(_)
        ));
        assert!(matches!(
            classify_token_error(
                400,
                r#"{"reason":"Invalid Token!","error":"invalid_request"}"#
            ),
            OAuthError::InvalidGrant(_)
        ));
        assert!(matches!(
            classify_token_error(401, r#"{"error":"invalid_client"}"#),
            OAuthError::Refused { status: 401, .. }
        ));
        assert!(matches!(
            classify_token_error(500, "oops"),
            OAuthError::Refused { status: 500, .. }
        ));
    }

    #[test]
    fn authorize_url_carries_pkce_and_encoded_redirect() {
        let app = ZoomApp {
            id: "default".into(),
            client_id: Some("cid".into()),
            client_secret: Some("s".to_string().into()),
            secret_token: "t".to_string().into(),
            oauth_url: "https://zoom.us/".into(),
            api_url: "https://api.zoom.us".into(),
            timestamp_tolerance_secs: 1,
            timestamp_future_tolerance_secs: 1,
            allow_marketplace_installs: true,
            user_managed: false,
        };
        let u = authorize_url(&app, "https://r.example/zoom/oauth/callback", "st", "v");
        assert!(u.starts_with("https://zoom.us/oauth/authorize?response_type=code&client_id=cid&redirect_uri=https%3A%2F%2Fr.example%2Fzoom%2Foauth%2Fcallback&state=st&code_challenge="));
        assert!(u.ends_with("&code_challenge_method=S256"));
        assert!(u.contains(&code_challenge("v")));
    }
}

//! `[zoom]`: the Zoom apps whose webhooks the relay accepts, each with defaults from
//! `[zoom.app_defaults]`.

use std::collections::HashSet;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::secret::Secrets;
use super::{Errors, is_http_url, limits};

#[derive(Debug, Clone)]
pub struct ZoomConfig {
    pub apps: Vec<ZoomApp>,
    /// What an app added at run time (`/api/v1/apps`) inherits for the keys it does not set.
    pub app_defaults: AppDefaults,
    /// How often a relay re-reads the apps added at run time, so that an app added on another
    /// replica (PostgreSQL) is served here within this interval.
    pub apps_refresh_ms: u64,
    /// How long the previous secret token keeps verifying after a rotation, when the rotation
    /// does not say: Zoom retries an event for up to 85 minutes, signed as first sent.
    pub secret_overlap_secs: u64,
    /// How long an app invitation code stays valid when its issuer does not say.
    pub invitation_ttl_secs: u64,
}

/// `[zoom.app_defaults]`, typed.
#[derive(Debug, Clone)]
pub struct AppDefaults {
    pub oauth_url: String,
    pub api_url: String,
    pub timestamp_tolerance_secs: u64,
    pub timestamp_future_tolerance_secs: u64,
    pub allow_marketplace_installs: bool,
    pub user_managed: bool,
}

impl ZoomConfig {
    pub fn app(&self, id: &str) -> Option<&ZoomApp> {
        self.apps.iter().find(|a| a.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct ZoomApp {
    pub id: String,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub secret_token: SecretString,
    pub oauth_url: String,
    pub api_url: String,
    /// How far in the past `x-zm-request-timestamp` may be. Zoom's last retry comes at +85 min.
    pub timestamp_tolerance_secs: u64,
    /// How far in the future it may be (clock skew).
    pub timestamp_future_tolerance_secs: u64,
    pub allow_marketplace_installs: bool,
    /// A user-managed Zoom app: each user of an account installs it separately, so a tenant keeps
    /// every installer's grant and one user's uninstall removes only that user's tokens.
    pub user_managed: bool,
}

impl ZoomApp {
    /// Webhook-only apps have no OAuth credentials: routes name the account directly.
    pub fn has_oauth(&self) -> bool {
        self.client_id.is_some() && self.client_secret.is_some()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawZoom {
    #[serde(default)]
    apps: Vec<RawApp>,
    /// Defaults applied to every app that does not set the key.
    app_defaults: RawAppDefaults,
    apps_refresh_ms: u64,
    secret_overlap_secs: u64,
    invitation_ttl_secs: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAppDefaults {
    oauth_url: String,
    api_url: String,
    timestamp_tolerance_secs: u64,
    timestamp_future_tolerance_secs: u64,
    allow_marketplace_installs: bool,
    user_managed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApp {
    id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_secret_file: Option<PathBuf>,
    secret_token: Option<String>,
    secret_token_file: Option<PathBuf>,
    oauth_url: Option<String>,
    api_url: Option<String>,
    timestamp_tolerance_secs: Option<u64>,
    timestamp_future_tolerance_secs: Option<u64>,
    allow_marketplace_installs: Option<bool>,
    user_managed: Option<bool>,
}

/// App ids appear in URLs (`/zoom/webhook/{app_id}`), so they are kept URL-safe.
pub fn is_valid_app_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Validates every `[[zoom.apps]]` entry; an app without a usable secret token is left out (its
/// error is recorded).
pub(super) fn validate(raw: RawZoom, secrets: &Secrets<'_>, e: &mut Errors) -> ZoomConfig {
    let d = &raw.app_defaults;
    let mut apps = Vec::new();
    let mut seen = HashSet::new();
    // No [[zoom.apps]] at all is allowed: apps can be added at run time (`zoom-relay apps add`,
    // invitations), and `serve` warns when it starts with none.
    for (i, app) in raw.apps.into_iter().enumerate() {
        let k = |f: &str| format!("zoom.apps[{i}].{f}");
        let id = app.id.unwrap_or_else(|| "default".to_string());
        if !is_valid_app_id(&id) {
            e.push(
                k("id"),
                format!("`{id}` is not a valid app id"),
                "use 1-64 letters, digits, '-' or '_' (it becomes part of the webhook URL)",
            );
        }
        if !seen.insert(id.clone()) {
            e.push(
                k("id"),
                format!("app id `{id}` is used twice"),
                "give every [[zoom.apps]] entry its own id",
            );
        }
        let secret_token = secrets.resolve(
            e,
            &k("secret_token"),
            app.secret_token,
            app.secret_token_file,
        );
        if let Some(st) = &secret_token
            && let Some(problem) = limits::weakness(st.expose_secret())
        {
            e.push(
                k("secret_token"),
                problem,
                "copy the Secret Token from your Zoom app's Features > Access page",
            );
        }
        if secret_token.is_none() && !e.0.iter().any(|x| x.key.starts_with(&k("secret_token"))) {
            e.push(
                k("secret_token"),
                "is missing; without it no webhook can be verified",
                "copy the Secret Token from your Zoom app's Features > Access page",
            );
        }
        let client_secret = secrets.resolve(
            e,
            &k("client_secret"),
            app.client_secret,
            app.client_secret_file,
        );
        if app.client_id.is_some() != client_secret.is_some() {
            e.push(
                k("client_id"),
                "client_id and client_secret must be set together",
                "set both for an OAuth app, or neither for a webhook-only app",
            );
        }
        let oauth_url = app
            .oauth_url
            .unwrap_or_else(|| d.oauth_url.clone())
            .trim_end_matches('/')
            .to_string();
        let api_url = app
            .api_url
            .unwrap_or_else(|| d.api_url.clone())
            .trim_end_matches('/')
            .to_string();
        for (key, url) in [("oauth_url", &oauth_url), ("api_url", &api_url)] {
            if !is_http_url(url) {
                e.push(
                    k(key),
                    format!("`{url}` is not an http(s) URL"),
                    "leave it unset for Zoom's production URL",
                );
            }
        }
        // A value set on the app is named there; otherwise the default it inherited is.
        let (tol, tol_key) = match app.timestamp_tolerance_secs {
            Some(v) => (v, k("timestamp_tolerance_secs")),
            None => (
                d.timestamp_tolerance_secs,
                "zoom.app_defaults.timestamp_tolerance_secs".to_string(),
            ),
        };
        let (fut, fut_key) = match app.timestamp_future_tolerance_secs {
            Some(v) => (v, k("timestamp_future_tolerance_secs")),
            None => (
                d.timestamp_future_tolerance_secs,
                "zoom.app_defaults.timestamp_future_tolerance_secs".to_string(),
            ),
        };
        if let Some(problem) = limits::TIMESTAMP_TOLERANCE.check(tol) {
            e.push(
                tol_key,
                problem,
                "use 7200 (Zoom's last retry comes at +85 min); larger values only for replaying captures",
            );
        }
        if let Some(problem) = limits::FUTURE_TOLERANCE.check(fut) {
            e.push(fut_key, problem, "use 300; it only has to cover clock skew");
        }
        if let Some(st) = secret_token {
            apps.push(ZoomApp {
                id,
                client_id: app.client_id,
                client_secret,
                secret_token: st,
                oauth_url,
                api_url,
                timestamp_tolerance_secs: app
                    .timestamp_tolerance_secs
                    .unwrap_or(d.timestamp_tolerance_secs),
                timestamp_future_tolerance_secs: app
                    .timestamp_future_tolerance_secs
                    .unwrap_or(d.timestamp_future_tolerance_secs),
                allow_marketplace_installs: app
                    .allow_marketplace_installs
                    .unwrap_or(d.allow_marketplace_installs),
                user_managed: app.user_managed.unwrap_or(d.user_managed),
            });
        }
    }
    if !(100..=600_000).contains(&raw.apps_refresh_ms) {
        e.push(
            "zoom.apps_refresh_ms",
            format!("{} is out of range", raw.apps_refresh_ms),
            "use 100-600000; 2000 picks an app added on another replica up within 2 seconds",
        );
    }
    if raw.secret_overlap_secs > 30 * 86_400 {
        e.push(
            "zoom.secret_overlap_secs",
            "is longer than 30 days",
            "use 86400; Zoom's last retry of an event comes 85 minutes after it was first sent",
        );
    }
    if !(60..=90 * 86_400).contains(&raw.invitation_ttl_secs) {
        e.push(
            "zoom.invitation_ttl_secs",
            format!("{} is out of range", raw.invitation_ttl_secs),
            "use 60-7776000 (a week is 604800)",
        );
    }
    let app_defaults = AppDefaults {
        oauth_url: d.oauth_url.trim_end_matches('/').to_string(),
        api_url: d.api_url.trim_end_matches('/').to_string(),
        timestamp_tolerance_secs: d.timestamp_tolerance_secs,
        timestamp_future_tolerance_secs: d.timestamp_future_tolerance_secs,
        allow_marketplace_installs: d.allow_marketplace_installs,
        user_managed: d.user_managed,
    };
    ZoomConfig {
        apps,
        app_defaults,
        apps_refresh_ms: raw.apps_refresh_ms,
        secret_overlap_secs: raw.secret_overlap_secs,
        invitation_ttl_secs: raw.invitation_ttl_secs,
    }
}

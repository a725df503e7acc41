//! Zoom apps as data, for the operator: list, show, add, change (and rotate the secret token),
//! remove. Apps of the config file are listed read-only. Secrets are sealed before they are
//! stored (`apps::seal_secret`) and never shown: a view says only whether each is set.
//!
//! The front end that called reloads its app registry afterwards (`apps::Apps::reload`), so the
//! app serves webhooks and installs at once; other replicas pick it up on their refresh.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::tenants::RemoveReport;
use super::{Ctx, ServiceError};
use crate::apps::seal_secret;
use crate::apps::sealed::{CLIENT_SECRET, SECRET_TOKEN, with_defaults};
use crate::config::{ZoomApp, is_http_url, is_valid_app_id, limits};
use crate::routing::FieldError;
use crate::store::apps::StoredApp;
use crate::tenants::{Tenants, purge};

pub(super) fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// The longest overlap a rotation may ask for.
pub const MAX_OVERLAP_SECS: u64 = 30 * 86_400;

/// An app as the operator sees it: where Zoom must send things, and whether each secret is set,
/// never the secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppView {
    pub id: String,
    pub name: Option<String>,
    /// `config` (relay.toml, read-only), `api` (added by the operator) or `invitation`.
    pub source: String,
    pub read_only: bool,
    pub client_id: Option<String>,
    pub client_secret_set: bool,
    pub secret_token_set: bool,
    /// During a rotation: until when the previous secret token still verifies.
    pub previous_secret_token_until: Option<String>,
    /// Whether accounts install it (it has OAuth credentials).
    pub oauth: bool,
    pub user_managed: bool,
    pub oauth_url: String,
    pub api_url: String,
    /// Zoom's Event notification endpoint URL for this app.
    pub webhook_url: String,
    /// Where an account installs it (OAuth apps).
    pub install_url: Option<String>,
    /// The Redirect URL for OAuth to register in the Zoom app.
    pub redirect_url: String,
    /// When Zoom's endpoint validation (CRC) first reached a stored app.
    pub crc_seen_at: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    /// Installed accounts.
    pub tenants: usize,
}

/// A new app. Secrets arrive here in clear, once, and are sealed before they are stored.
#[derive(Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddApp {
    /// 1-64 letters, digits, '-' or '_'; part of the webhook URL.
    pub id: String,
    pub name: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// The Event Subscription Secret Token (Features > Access in the Zoom app).
    pub secret_token: String,
    pub oauth_url: Option<String>,
    pub api_url: Option<String>,
    pub user_managed: Option<bool>,
}

impl std::fmt::Debug for AddApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddApp")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A change to a stored app; what is left out stays. A new `secret_token` is a rotation: the
/// current one keeps verifying for `overlap_secs` (default `zoom.secret_overlap_secs`; 0 drops it
/// at once).
#[derive(Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateApp {
    pub name: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub secret_token: Option<String>,
    pub overlap_secs: Option<u64>,
    pub oauth_url: Option<String>,
    pub api_url: Option<String>,
    pub user_managed: Option<bool>,
}

impl std::fmt::Debug for UpdateApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateApp")
            .field("secret_token_set", &self.secret_token.is_some())
            .field("overlap_secs", &self.overlap_secs)
            .finish_non_exhaustive()
    }
}

/// What removing an app did: each account's purge, as an uninstall would have done it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppRemoveReport {
    pub app_id: String,
    pub purged: Vec<RemoveReport>,
}

fn base(ctx: &Ctx) -> &str {
    ctx.config.server.public_url.trim_end_matches('/')
}

/// The webhook URL Zoom must call for app `id`.
pub fn webhook_url(public_url: &str, id: &str) -> String {
    format!("{}/zoom/webhook/{id}", public_url.trim_end_matches('/'))
}

fn view(ctx: &Ctx, app: &ZoomApp, rec: Option<&StoredApp>, tenants: usize) -> AppView {
    let now = now_ms();
    let b = base(ctx);
    // A config app keeps the shared redirect URL; an added app has its own (see http::oauth).
    let redirect_url = match rec {
        None => format!("{b}/zoom/oauth/callback"),
        Some(_) => format!("{b}/zoom/oauth/callback/{}", app.id),
    };
    AppView {
        id: app.id.clone(),
        name: rec.and_then(|r| r.name.clone()),
        source: rec.map_or("config".to_string(), |r| r.added_by.clone()),
        read_only: rec.is_none(),
        client_id: app.client_id.clone(),
        client_secret_set: app.client_secret.is_some(),
        secret_token_set: true,
        previous_secret_token_until: rec
            .and_then(|r| r.previous_until_ms)
            .filter(|u| *u > now)
            .map(rfc3339),
        oauth: app.has_oauth(),
        user_managed: app.user_managed,
        oauth_url: app.oauth_url.clone(),
        api_url: app.api_url.clone(),
        webhook_url: webhook_url(b, &app.id),
        install_url: app
            .has_oauth()
            .then(|| format!("{b}/zoom/install/{}", app.id)),
        redirect_url,
        crc_seen_at: rec.and_then(|r| r.crc_seen_at_ms).map(rfc3339),
        created_at: rec.map(|r| rfc3339(r.created_at_ms)),
        updated_at: rec.map(|r| rfc3339(r.updated_at_ms)),
        tenants,
    }
}

/// The stored record as the app it describes (secrets are not opened: a view needs only whether
/// they are set).
fn described(ctx: &Ctx, r: &StoredApp) -> ZoomApp {
    let sealed = || "sealed".to_string().into();
    with_defaults(
        r,
        &ctx.config.zoom.app_defaults,
        r.client_secret.as_ref().map(|_| sealed()),
        sealed(),
    )
}

async fn stored_view(ctx: &Ctx, r: &StoredApp) -> Result<AppView, ServiceError> {
    let n = ctx.db.list_tenants(Some(&r.id)).await?.len();
    Ok(view(ctx, &described(ctx, r), Some(r), n))
}

/// Every app: the config's first, then the stored ones, each by id.
pub async fn list(ctx: &Ctx) -> Result<Vec<AppView>, ServiceError> {
    let mut out = Vec::new();
    let mut config_apps: Vec<&ZoomApp> = ctx.config.zoom.apps.iter().collect();
    config_apps.sort_by(|a, b| a.id.cmp(&b.id));
    for a in config_apps {
        let n = ctx.db.list_tenants(Some(&a.id)).await?.len();
        out.push(view(ctx, a, None, n));
    }
    for r in ctx.db.list_apps().await? {
        if ctx.config.zoom.app(&r.id).is_none() {
            out.push(stored_view(ctx, &r).await?);
        }
    }
    Ok(out)
}

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no Zoom app `{id}`"))
}

pub async fn show(ctx: &Ctx, id: &str) -> Result<AppView, ServiceError> {
    if let Some(a) = ctx.config.zoom.app(id) {
        let n = ctx.db.list_tenants(Some(id)).await?.len();
        return Ok(view(ctx, a, None, n));
    }
    let r = ctx.db.get_app(id).await?.ok_or_else(|| not_found(id))?;
    stored_view(ctx, &r).await
}

fn read_only(id: &str) -> ServiceError {
    ServiceError::Conflict(format!(
        "app `{id}` is defined in the config file ([[zoom.apps]]); change it there"
    ))
}

fn check_token(errs: &mut Vec<FieldError>, field: &str, token: &str) {
    if let Some(problem) = limits::weakness(token) {
        errs.push(FieldError::new(
            field,
            format!("{problem}; copy the Secret Token from the Zoom app's Features > Access page"),
        ));
    }
}

/// The checks of the keys adding and updating an app share, after the caller's own in `errs`: the
/// request is invalid when any of them failed.
fn check_common(
    mut errs: Vec<FieldError>,
    name: &Option<String>,
    client_id: &Option<String>,
    oauth_url: &Option<String>,
    api_url: &Option<String>,
) -> Result<(), ServiceError> {
    if name
        .as_deref()
        .is_some_and(|n| n.chars().count() > 100 || n.chars().any(char::is_control))
    {
        errs.push(FieldError::new(
            "name",
            "use at most 100 characters, on one line",
        ));
    }
    if client_id
        .as_deref()
        .is_some_and(|c| c.trim().is_empty() || c.len() > 200)
    {
        errs.push(FieldError::new(
            "client_id",
            "copy the Client ID from the Zoom app's App Credentials page",
        ));
    }
    for (field, url) in [("oauth_url", oauth_url), ("api_url", api_url)] {
        if let Some(u) = url.as_deref()
            && !is_http_url(u)
        {
            errs.push(FieldError::new(
                field,
                format!("`{u}` is not an http(s) URL; leave it out for Zoom's own"),
            ));
        }
    }
    ServiceError::check(errs)
}

fn seal(ctx: &Ctx, id: &str, field: &str, plain: &str) -> String {
    seal_secret(ctx.config.security.data_key.bytes(), id, field, plain)
}

/// Adds an app (`added_by`: `api` or `invitation`).
pub async fn add(ctx: &Ctx, req: AddApp, added_by: &str) -> Result<AppView, ServiceError> {
    let mut errs = Vec::new();
    if !is_valid_app_id(&req.id) {
        errs.push(FieldError::new(
            "id",
            "use 1-64 letters, digits, '-' or '_' (it becomes part of the webhook URL)",
        ));
    }
    check_token(&mut errs, "secret_token", &req.secret_token);
    if req.client_id.is_some() != req.client_secret.is_some() {
        errs.push(FieldError::new(
            "client_id",
            "client_id and client_secret must be set together (or neither, for a \
                      webhook-only app)",
        ));
    }
    check_common(
        errs,
        &req.name,
        &req.client_id,
        &req.oauth_url,
        &req.api_url,
    )?;
    if ctx.config.zoom.app(&req.id).is_some() {
        return Err(ServiceError::Conflict(format!(
            "app `{}` is defined in the config file already",
            req.id
        )));
    }
    let now = now_ms();
    let token = seal(ctx, &req.id, SECRET_TOKEN, &req.secret_token);
    let rec = StoredApp {
        name: req.name,
        client_id: req.client_id,
        client_secret: req
            .client_secret
            .map(|s| seal(ctx, &req.id, CLIENT_SECRET, &s)),
        oauth_url: req.oauth_url.map(|u| u.trim_end_matches('/').to_string()),
        api_url: req.api_url.map(|u| u.trim_end_matches('/').to_string()),
        user_managed: req.user_managed,
        ..StoredApp::new(&req.id, token, added_by, now)
    };
    if !ctx.db.insert_app(&rec).await? {
        return Err(ServiceError::Conflict(format!(
            "an app `{}` exists already",
            rec.id
        )));
    }
    ctx.durable().await?;
    tracing::info!(app = %rec.id, added_by, "added a Zoom app");
    stored_view(ctx, &rec).await
}

/// Applies `req` to the stored app `id`, with a compare-and-swap on its revision (retried when
/// another writer, such as a replica noting a CRC, won). A new secret token keeps the current one
/// as the previous token for the overlap; an expired previous token is dropped by any write.
pub async fn update(ctx: &Ctx, id: &str, req: UpdateApp) -> Result<AppView, ServiceError> {
    if ctx.config.zoom.app(id).is_some() {
        return Err(read_only(id));
    }
    let mut errs = Vec::new();
    if let Some(t) = &req.secret_token {
        check_token(&mut errs, "secret_token", t);
    }
    let overlap = req
        .overlap_secs
        .unwrap_or(ctx.config.zoom.secret_overlap_secs);
    if overlap > MAX_OVERLAP_SECS {
        errs.push(FieldError::new(
            "overlap_secs",
            format!("at most {MAX_OVERLAP_SECS} (30 days)"),
        ));
    }
    check_common(
        errs,
        &req.name,
        &req.client_id,
        &req.oauth_url,
        &req.api_url,
    )?;
    for _ in 0..16 {
        let old = ctx.db.get_app(id).await?.ok_or_else(|| not_found(id))?;
        let now = now_ms();
        let mut rec = old.clone();
        rec.revision += 1;
        rec.updated_at_ms = now;
        if rec.previous_until_ms.is_some_and(|u| u <= now) {
            rec.previous_secret_token = None;
            rec.previous_until_ms = None;
        }
        if let Some(n) = &req.name {
            rec.name = Some(n.clone()).filter(|n| !n.is_empty());
        }
        if let Some(c) = &req.client_id {
            rec.client_id = Some(c.clone());
        }
        if let Some(s) = &req.client_secret {
            rec.client_secret = Some(seal(ctx, id, CLIENT_SECRET, s));
        }
        if rec.client_id.is_some() != rec.client_secret.is_some() {
            return Err(ServiceError::invalid(
                "client_secret",
                "client_id and client_secret must be set together",
            ));
        }
        if let Some(u) = &req.oauth_url {
            rec.oauth_url = Some(u.trim_end_matches('/').to_string());
        }
        if let Some(u) = &req.api_url {
            rec.api_url = Some(u.trim_end_matches('/').to_string());
        }
        if let Some(m) = req.user_managed {
            rec.user_managed = Some(m);
        }
        if let Some(t) = &req.secret_token {
            if overlap > 0 {
                rec.previous_secret_token = Some(old.secret_token.clone());
                rec.previous_until_ms = Some(now + (overlap as i64) * 1000);
            } else {
                rec.previous_secret_token = None;
                rec.previous_until_ms = None;
            }
            rec.secret_token = seal(ctx, id, SECRET_TOKEN, t);
        }
        if ctx.db.swap_app(old.revision, &rec).await? {
            ctx.durable().await?;
            tracing::info!(app = %id, rotated = req.secret_token.is_some(), "changed a Zoom app");
            return stored_view(ctx, &rec).await;
        }
    }
    Err(ServiceError::Conflict(format!(
        "app `{id}` kept changing under other writers; try again"
    )))
}

/// Removes a stored app after the caller typed its id (`confirm`): first every account of the
/// app is purged exactly as an uninstall or `tenants remove` purges it (tokens revoked at Zoom
/// on a best-effort basis, data deleted, the audit entry written, action `app_remove`), then the
/// app record goes. Purging first means a failure half-way can simply be repeated.
pub async fn remove(
    ctx: &Ctx,
    tenants: &Tenants,
    id: &str,
    confirm: &str,
) -> Result<AppRemoveReport, ServiceError> {
    if ctx.config.zoom.app(id).is_some() {
        return Err(read_only(id));
    }
    if confirm != id {
        return Err(ServiceError::invalid(
            "confirm",
            format!("type the app id (`{id}`) to confirm: removing it purges all its accounts"),
        ));
    }
    if ctx.db.get_app(id).await?.is_none() {
        return Err(not_found(id));
    }
    // Installed accounts, and accounts with routes but no install (a webhook-only app).
    let mut accounts: Vec<String> = ctx
        .db
        .list_tenants(Some(id))
        .await?
        .into_iter()
        .map(|t| t.account_id)
        .collect();
    for r in ctx.db.list_routes(None).await? {
        if r.app_id == id {
            accounts.push(r.account_id);
        }
    }
    accounts.sort();
    accounts.dedup();
    let mut purged = Vec::new();
    for account in accounts {
        tenants.revoke(id, &account, None).await;
        let report = purge(&*ctx.db, id, &account, "app_remove", None).await?;
        purged.push(RemoveReport {
            app_id: id.to_string(),
            account_id: account,
            purge: report,
        });
    }
    ctx.db.delete_app(id).await?;
    ctx.durable().await?;
    tracing::info!(app = %id, accounts = purged.len(), "removed a Zoom app and purged its accounts");
    Ok(AppRemoveReport {
        app_id: id.to_string(),
        purged,
    })
}

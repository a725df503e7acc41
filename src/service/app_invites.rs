//! App invitations: the operator issues a code (single use, expiring, stored as its SHA-256
//! only), and whoever holds it connects their own Zoom app on the guided page
//! (`GET /apps/new/{code}`) without the operator editing anything. The app id is fixed when the
//! code is issued, so the page can show the exact URLs to paste before anything is stored.
//!
//! Redeeming checks the Client ID and Client Secret with Zoom first (the `client_credentials`
//! grant), so a typo is caught while the volunteer is still on the page and the code is not used
//! up by it; only then is the code consumed (compare-and-swap: once) and the app added.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::apps::{AddApp, AppView, now_ms, rfc3339, webhook_url};
use super::{Ctx, ServiceError};
use crate::config::{ZoomApp, is_valid_app_id};
use crate::store::apps::{AppInvite, InviteUse, invite_hash};
use crate::zoom::oauth::{OAuthClient, OAuthError, random_token};

/// An invitation request: which app id the community's app will get, whose it is, how long the
/// code is valid (default `zoom.invitation_ttl_secs`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub app_id: Option<String>,
    pub name: Option<String>,
    pub ttl_secs: Option<u64>,
}

/// A new invitation: the code is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CreatedInvite {
    pub code: String,
    /// The guided page to hand to the community.
    pub url: String,
    pub id: String,
    pub app_id: String,
    pub expires_at: String,
}

/// What the guided page finds for a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteState {
    Open(AppInvite),
    Used(AppInvite),
    Expired(AppInvite),
    Unknown,
}

/// What a community types into the guided page.
#[derive(Clone, Default, Deserialize)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
    pub secret_token: String,
}

/// A short random app id for an invitation that names none.
fn fresh_app_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let tail: String = (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("app-{tail}")
}

pub fn invite_url(public_url: &str, code: &str) -> String {
    format!("{}/apps/new/{code}", public_url.trim_end_matches('/'))
}

pub async fn invite(ctx: &Ctx, req: InviteRequest) -> Result<CreatedInvite, ServiceError> {
    let app_id = req.app_id.unwrap_or_else(fresh_app_id);
    if !is_valid_app_id(&app_id) {
        return Err(ServiceError::invalid(
            "app_id",
            "use 1-64 letters, digits, '-' or '_' (it becomes part of the webhook URL)",
        ));
    }
    let ttl = req.ttl_secs.unwrap_or(ctx.config.zoom.invitation_ttl_secs);
    if !(60..=90 * 86_400).contains(&ttl) {
        return Err(ServiceError::invalid(
            "ttl_secs",
            "use 60-7776000 seconds (a week is 604800)",
        ));
    }
    if req
        .name
        .as_deref()
        .is_some_and(|n| n.chars().count() > 100 || n.chars().any(char::is_control))
    {
        return Err(ServiceError::invalid(
            "name",
            "use at most 100 characters, on one line",
        ));
    }
    if ctx.config.zoom.app(&app_id).is_some() || ctx.db.get_app(&app_id).await?.is_some() {
        return Err(ServiceError::Conflict(format!(
            "an app `{app_id}` exists already; invite with another app id"
        )));
    }
    let code = random_token();
    let hash = invite_hash(&code);
    let now = now_ms();
    let rec = AppInvite {
        id: hex::encode(&hash[..6]),
        app_id,
        name: req.name,
        created_at_ms: now,
        expires_at_ms: now + (ttl as i64) * 1000,
        used_at_ms: None,
    };
    if !ctx.db.put_app_invite(&hash, &rec).await? {
        return Err(ServiceError::Conflict("try again".into()));
    }
    ctx.durable().await?;
    tracing::info!(invitation = %rec.id, app = %rec.app_id, "issued an app invitation");
    Ok(CreatedInvite {
        url: invite_url(&ctx.config.server.public_url, &code),
        code,
        id: rec.id,
        app_id: rec.app_id,
        expires_at: rfc3339(rec.expires_at_ms),
    })
}

/// Every invitation, oldest first (codes are not kept, so none is shown).
pub async fn list(ctx: &Ctx) -> Result<Vec<AppInvite>, ServiceError> {
    Ok(ctx.db.list_app_invites().await?)
}

/// Withdraws the open invitations whose id (as `list` shows it) starts with `id`, at least 6 hex
/// digits: their links answer "expired" from now on. A used invitation stays as it is.
pub async fn revoke(ctx: &Ctx, id: &str) -> Result<Vec<AppInvite>, ServiceError> {
    if id.len() < 6 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ServiceError::invalid(
            "id",
            "give at least the first 6 hex digits of the invitation id (as `apps invitations` shows it)",
        ));
    }
    let gone = ctx
        .db
        .expire_app_invites(&id.to_ascii_lowercase(), now_ms())
        .await?;
    if gone.is_empty() {
        return Err(ServiceError::NotFound(format!(
            "no open invitation with id {id}"
        )));
    }
    ctx.durable().await?;
    Ok(gone)
}

/// What a code is now; reads only.
pub async fn state(ctx: &Ctx, code: &str) -> Result<InviteState, ServiceError> {
    let Some(rec) = ctx.db.app_invite(&invite_hash(code)).await? else {
        return Ok(InviteState::Unknown);
    };
    Ok(if rec.used_at_ms.is_some() {
        InviteState::Used(rec)
    } else if rec.expires_at_ms <= now_ms() {
        InviteState::Expired(rec)
    } else {
        InviteState::Open(rec)
    })
}

/// The URLs a community pastes into its Zoom app, for the app an invitation adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetupUrls {
    pub webhook_url: String,
    pub redirect_url: String,
    pub install_url: String,
}

pub fn setup_urls(public_url: &str, app_id: &str) -> SetupUrls {
    let b = public_url.trim_end_matches('/');
    SetupUrls {
        webhook_url: webhook_url(b, app_id),
        redirect_url: format!("{b}/zoom/oauth/callback/{app_id}"),
        install_url: format!("{b}/zoom/install/{app_id}"),
    }
}

/// Checks the credentials with Zoom, uses the code and adds the app. Every refusal leaves the code
/// as it was, except a success.
pub async fn redeem(
    ctx: &Ctx,
    client: &OAuthClient,
    code: &str,
    creds: Credentials,
) -> Result<AppView, ServiceError> {
    let rec = match state(ctx, code).await? {
        InviteState::Open(rec) => rec,
        InviteState::Used(_) => {
            return Err(ServiceError::Conflict(
                "this invitation has been used already".into(),
            ));
        }
        InviteState::Expired(_) => {
            return Err(ServiceError::Conflict("this invitation has expired".into()));
        }
        InviteState::Unknown => {
            return Err(ServiceError::NotFound("no such invitation".into()));
        }
    };
    let (client_id, client_secret, secret_token) = (
        creds.client_id.trim().to_string(),
        creds.client_secret.trim().to_string(),
        creds.secret_token.trim().to_string(),
    );
    let mut errs = Vec::new();
    if client_id.is_empty() {
        errs.push(("client_id", "paste the Client ID from App Credentials"));
    }
    if client_secret.is_empty() {
        errs.push((
            "client_secret",
            "paste the Client Secret from App Credentials",
        ));
    }
    if secret_token.is_empty() {
        errs.push((
            "secret_token",
            "paste the Secret Token from Features > Access",
        ));
    }
    let weak = crate::config::limits::weakness(&secret_token);
    if !secret_token.is_empty() && weak.is_some() {
        errs.push((
            "secret_token",
            "this does not look like a Zoom Secret Token; copy it again from Features > Access",
        ));
    }
    if !errs.is_empty() {
        return Err(ServiceError::Invalid(
            errs.into_iter()
                .map(|(f, m)| crate::routing::FieldError::new(f, m))
                .collect(),
        ));
    }
    let d = &ctx.config.zoom.app_defaults;
    let probe = ZoomApp {
        id: rec.app_id.clone(),
        client_id: Some(client_id.clone()),
        client_secret: Some(client_secret.clone().into()),
        secret_token: secret_token.clone().into(),
        oauth_url: d.oauth_url.clone(),
        api_url: d.api_url.clone(),
        timestamp_tolerance_secs: d.timestamp_tolerance_secs,
        timestamp_future_tolerance_secs: d.timestamp_future_tolerance_secs,
        allow_marketplace_installs: d.allow_marketplace_installs,
        user_managed: d.user_managed,
    };
    match client.check_client_credentials(&probe).await {
        Ok(()) => {}
        Err(e) if is_refusal(&e) => {
            return Err(ServiceError::invalid(
                "client_secret",
                "Zoom did not accept this Client ID and Client Secret. Copy both again from \
                 the App Credentials page of your Zoom app (no spaces before or after).",
            ));
        }
        Err(e) => {
            tracing::warn!(app = %rec.app_id, "could not check an invited app's credentials: {e}");
            return Err(ServiceError::Conflict(
                "Zoom could not be reached to check the credentials; try again in a minute".into(),
            ));
        }
    }
    match ctx.db.use_app_invite(&invite_hash(code), now_ms()).await? {
        InviteUse::Used(_) => {}
        _ => {
            return Err(ServiceError::Conflict(
                "this invitation has been used already".into(),
            ));
        }
    }
    let req = AddApp {
        id: rec.app_id,
        name: rec.name,
        client_id: Some(client_id),
        client_secret: Some(client_secret),
        secret_token,
        ..AddApp::default()
    };
    super::apps::add(ctx, req, "invitation").await
}

/// Zoom's answer for a client id and secret it does not know (401 `invalid_client`), or any
/// other refusal of the grant, as opposed to Zoom being unreachable.
fn is_refusal(e: &OAuthError) -> bool {
    matches!(
        e,
        OAuthError::InvalidGrant(_)
            | OAuthError::Refused {
                status: 400..=403,
                ..
            }
    )
}

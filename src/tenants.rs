//! Installations: each Zoom account that completes an app's OAuth flow becomes a tenant, keyed by
//! (app_id, account_id). This module finishes installs, keeps their tokens usable (refresh on use,
//! at most one refresh per tenant at a time), fetches join links for started alerts, and purges a
//! tenant when it uninstalls.
//!
//! Tokens are sealed with XChaCha20-Poly1305 under `security.data_key` before they reach the store,
//! bound to their tenant by associated data. Zoom rotates refresh tokens, so a refresh is persisted
//! and flushed before the new access token is used, and runs in its own task: a caller that stops
//! waiting (a timeout) cannot cancel it halfway and strand the install.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::config::{Config, ZoomApp};
use crate::crypto;
use crate::routing::{self, MatchInput};
use crate::store::{
    AuditEntry, EventRecord, Installer, MeetingMemory, PurgeReport, Store, StoreError, Tenant,
    TenantStatus, UserInstall,
};
use crate::zoom::event::{self, ParsedEvent};
use crate::zoom::oauth::{OAuthClient, OAuthError, TokenResponse};
use crate::zoom::{EventKind, ZoomEvent};

/// Refresh when this little of the access token's life is left (Rivet uses the same margin).
const REFRESH_MARGIN_MS: i64 = 60_000;
/// At most this many used OAuth states are remembered (32 bytes and an expiry each).
const USED_STATES_MAX: usize = 10_000;
/// How long a started alert may wait for its join link before it goes without one.
pub const ENRICH_TIMEOUT: Duration = Duration::from_secs(3);
/// After a failed lookup, a tenant's alerts skip the lookup this long, so an outage at Zoom does
/// not add the timeout to every alert.
const ENRICH_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Serialize, Deserialize)]
struct TokenPair {
    access_token: String,
    refresh_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("no tenant for account {account} of app `{app}`")]
    NotFound { app: String, account: String },
    #[error("unknown app `{0}`")]
    UnknownApp(String),
    #[error(
        "the install of app `{app}` for account {account} needs to be authorized again (Zoom refused its refresh token)"
    )]
    ReauthorizationNeeded { app: String, account: String },
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Crypto(#[from] crypto::OpenError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

/// A completed authorization: Zoom's tokens and who granted them. Not stored yet.
pub struct Authorized {
    pub tr: TokenResponse,
    pub api_url: String,
    pub me: crate::zoom::oauth::UserMe,
}

/// Zoom's role id of the account Owner role.
pub const ROLE_ID_OWNER: &str = "0";
/// Zoom's role id of the account Admin role.
pub const ROLE_ID_ADMIN: &str = "1";

/// Whether a Zoom user may manage their account's tenant in the console: only the account's
/// Owner and Admin roles, recognised by role id. Never by role name: an account can name a custom
/// role anything ("Badminton Club Admins", "Owners' friends"), and any user with Zoom's
/// role-management right can create one. Installing the app grants nothing by itself.
pub fn is_owner_or_admin(user: &crate::zoom::oauth::UserMe) -> bool {
    matches!(
        user.role_id.as_deref().map(str::trim),
        Some(ROLE_ID_OWNER | ROLE_ID_ADMIN)
    )
}

/// What an `app_deauthorized` did (see [`uninstall`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// The account's last install is gone: its data was purged.
    AccountPurged(PurgeReport),
    /// One user of a user-managed app uninstalled; the account keeps the other users' installs.
    UserRemoved { remaining: usize },
    /// The user had no install in this tenant: nothing changed.
    Nothing,
}

/// Why an install did not complete. Nothing was stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("Zoom did not accept the authorization code: {0}")]
    Exchange(OAuthError),
    #[error("Zoom did not tell who installed the app (GET /v2/users/me failed): {0}")]
    UsersMe(OAuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// (app_id, account_id).
type TenantKey = (String, String);

pub struct Tenants {
    store: Store,
    config: Arc<Config>,
    client: OAuthClient,
    /// One async lock per tenant: a refresh runs alone, and concurrent users wait for its result.
    locks: Mutex<HashMap<TenantKey, Arc<tokio::sync::Mutex<()>>>>,
    /// Hashes of OAuth flow states already used, with their expiry (see `consume_flow_state`).
    used_states: Mutex<HashMap<[u8; 32], i64>>,
    /// Tenants whose last join-link lookup failed, and when.
    enrich_failed: Mutex<HashMap<TenantKey, Instant>>,
}

impl Tenants {
    pub fn new(store: Store, config: Arc<Config>) -> anyhow::Result<Arc<Tenants>> {
        Ok(Arc::new(Tenants {
            store,
            config,
            client: OAuthClient::new()?,
            locks: Mutex::default(),
            used_states: Mutex::default(),
            enrich_failed: Mutex::default(),
        }))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn client(&self) -> &OAuthClient {
        &self.client
    }

    pub fn app(&self, id: &str) -> Option<&ZoomApp> {
        self.config.zoom.apps.iter().find(|a| a.id == id)
    }

    fn key(&self) -> &[u8; 32] {
        self.config.security.data_key.bytes()
    }

    fn seal(&self, app: &str, account: &str, pair: &TokenPair) -> Vec<u8> {
        let json = serde_json::to_vec(pair).expect("token pairs serialize");
        crypto::seal(self.key(), &Tenant::token_aad(app, account), &json)
    }

    fn open(&self, t: &Tenant) -> Result<TokenPair, TenantError> {
        // (`tokens_open` is the same check without decoding, for `doctor`.)
        let json = crypto::open(
            self.key(),
            &Tenant::token_aad(&t.app_id, &t.account_id),
            &t.sealed_tokens,
        )?;
        serde_json::from_slice(&json).map_err(|e| TenantError::Internal(e.to_string()))
    }

    /// Marks an OAuth flow's state as used, in memory only, and says whether it was fresh. A
    /// callback replayed from the same browser is refused without asking Zoom; nothing is written
    /// to disk (after a restart Zoom's single-use codes still refuse a replay). Bounded: expired
    /// entries go first, and when full the oldest entry makes room.
    pub fn consume_flow_state(&self, state: &str, expires_at_ms: i64) -> bool {
        use sha2::Digest;
        let key: [u8; 32] = sha2::Sha256::digest(state.as_bytes()).into();
        let now = now_ms();
        let mut used = self.used_states.lock().expect("used states");
        if used.contains_key(&key) {
            return false;
        }
        if used.len() >= USED_STATES_MAX {
            used.retain(|_, exp| *exp > now);
            if used.len() >= USED_STATES_MAX
                && let Some(oldest) = used.iter().min_by_key(|(_, e)| **e).map(|(k, _)| *k)
            {
                used.remove(&oldest);
            }
        }
        used.insert(key, expires_at_ms);
        true
    }

    /// The API host for a tenant: the one Zoom returned with the token when it is https (or is the
    /// configured one), else the app's configured `api_url`. A token response cannot point the relay
    /// at an arbitrary plain-http host.
    fn api_url_for(app: &ZoomApp, returned: Option<&str>) -> String {
        match returned {
            Some(u)
                if u.starts_with("https://")
                    || u.trim_end_matches('/') == app.api_url.trim_end_matches('/') =>
            {
                u.trim_end_matches('/').to_string()
            }
            _ => app.api_url.trim_end_matches('/').to_string(),
        }
    }

    /// Exchanges an authorization code and asks Zoom who authorized. Stores nothing.
    pub async fn authorize(
        &self,
        app: &ZoomApp,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<Authorized, InstallError> {
        let tr = self
            .client
            .exchange_code(app, code, redirect_uri, verifier)
            .await
            .map_err(InstallError::Exchange)?;
        let api_url = Self::api_url_for(app, tr.api_url.as_deref());
        let me = self
            .client
            .users_me(&api_url, &tr.access_token)
            .await
            .map_err(InstallError::UsersMe)?;
        Ok(Authorized { tr, api_url, me })
    }

    /// Stores (or updates) the tenant of an authorization with its tokens sealed, and flushes. A
    /// re-install keeps the install date. For a user-managed app (`zoom.apps.user_managed`) each
    /// user's install is kept beside the others; otherwise the account has one install, and the
    /// latest one replaces it. Recording an install grants no console rights.
    pub async fn store_install(
        &self,
        app: &ZoomApp,
        a: Authorized,
    ) -> Result<Tenant, InstallError> {
        let Authorized { tr, api_url, me } = a;
        let now = now_ms();
        let existing = self.store.get_tenant(&app.id, &me.account_id)?;
        let grant = UserInstall {
            installer: Installer {
                user_id: me.id,
                email: me.email,
                role: me.role_name,
                role_id: me.role_id,
            },
            scopes: scopes(&tr),
            api_url,
            installed_at_ms: now,
            updated_at_ms: now,
            expires_at_ms: now + tr.expires_in.max(0) * 1000,
            sealed_tokens: self.seal(
                &app.id,
                &me.account_id,
                &TokenPair {
                    access_token: tr.access_token,
                    refresh_token: tr.refresh_token,
                },
            ),
        };
        let tenant = match existing.clone() {
            None => tenant_of(&app.id, &me.account_id, grant, Vec::new()),
            Some(mut t) if app.user_managed && t.installer.user_id != grant.installer.user_id => {
                match t
                    .other_installs
                    .iter_mut()
                    .find(|i| i.installer.user_id == grant.installer.user_id)
                {
                    Some(i) => {
                        *i = UserInstall {
                            installed_at_ms: i.installed_at_ms,
                            ..grant
                        }
                    }
                    None => t.other_installs.push(grant),
                }
                t
            }
            Some(t) => {
                let first = t.installed_at_ms;
                let mut n = tenant_of(&app.id, &me.account_id, grant, t.other_installs);
                n.installed_at_ms = first;
                n
            }
        };
        self.store.put_tenant(&tenant)?;
        self.store.flush().await?;
        tracing::info!(
            app = %app.id,
            reinstall = existing.is_some(),
            "Zoom app installed for an account"
        );
        Ok(tenant)
    }

    /// Finishes an install: [`Tenants::authorize`], then [`Tenants::store_install`].
    pub async fn complete_install(
        &self,
        app: &ZoomApp,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<Tenant, InstallError> {
        let a = self.authorize(app, code, redirect_uri, verifier).await?;
        self.store_install(app, a).await
    }

    fn lock_for(&self, app: &str, account: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.locks
            .lock()
            .expect("tenant locks")
            .entry((app.to_string(), account.to_string()))
            .or_default()
            .clone()
    }

    /// A valid access token and the API host for a tenant, refreshing first when 60 s or less
    /// remain. The refresh runs in its own task, so it completes and is persisted even when the
    /// caller gives up waiting.
    pub async fn access_token(
        self: &Arc<Self>,
        app: &str,
        account: &str,
    ) -> Result<(String, String), TenantError> {
        self.access_token_for(app, account, None).await
    }

    /// [`Tenants::access_token`] of one user's install when `user` has one in this tenant (a
    /// user-managed app, where each user's token sees only that user's meetings), else of the
    /// tenant's first install.
    pub async fn access_token_for(
        self: &Arc<Self>,
        app: &str,
        account: &str,
        user: Option<&str>,
    ) -> Result<(String, String), TenantError> {
        let me = self.clone();
        let (app, account) = (app.to_string(), account.to_string());
        let user = user.map(str::to_string);
        tokio::spawn(async move { me.access_token_inner(&app, &account, user.as_deref()).await })
            .await
            .map_err(|e| TenantError::Internal(format!("token task: {e}")))?
    }

    async fn access_token_inner(
        &self,
        app_id: &str,
        account: &str,
        user: Option<&str>,
    ) -> Result<(String, String), TenantError> {
        let lock = self.lock_for(app_id, account);
        let _one_at_a_time = lock.lock().await;
        let app = self
            .app(app_id)
            .ok_or_else(|| TenantError::UnknownApp(app_id.to_string()))?;
        let t = self
            .store
            .get_tenant(app_id, account)?
            .ok_or_else(|| TenantError::NotFound {
                app: app_id.to_string(),
                account: account.to_string(),
            })?;
        if let Some(i) = user.and_then(|u| {
            t.other_installs
                .iter()
                .position(|g| g.installer.user_id == u)
        }) {
            return self.other_install_token(app, t, i).await;
        }
        if t.status == TenantStatus::ReauthorizationNeeded {
            return Err(TenantError::ReauthorizationNeeded {
                app: app_id.to_string(),
                account: account.to_string(),
            });
        }
        let pair = self.open(&t)?;
        if t.expires_at_ms - now_ms() > REFRESH_MARGIN_MS {
            return Ok((pair.access_token, t.api_url));
        }
        match self.client.refresh(app, &pair.refresh_token).await {
            Ok(tr) => {
                let now = now_ms();
                let updated = Tenant {
                    api_url: Self::api_url_for(app, tr.api_url.as_deref().or(Some(&t.api_url))),
                    scopes: if tr.scope.is_some() {
                        scopes(&tr)
                    } else {
                        t.scopes.clone()
                    },
                    updated_at_ms: now,
                    expires_at_ms: now + tr.expires_in.max(0) * 1000,
                    sealed_tokens: self.seal(
                        app_id,
                        account,
                        &TokenPair {
                            access_token: tr.access_token.clone(),
                            refresh_token: tr.refresh_token,
                        },
                    ),
                    ..t
                };
                // Persisted before use: the old refresh token is already dead at Zoom.
                self.store.put_tenant(&updated)?;
                self.store.flush().await?;
                tracing::debug!(app = %app_id, "refreshed a tenant's Zoom token");
                Ok((tr.access_token, updated.api_url))
            }
            Err(OAuthError::InvalidGrant(detail)) => {
                let updated = Tenant {
                    status: TenantStatus::ReauthorizationNeeded,
                    updated_at_ms: now_ms(),
                    ..t
                };
                self.store.put_tenant(&updated)?;
                self.store.add_notice(
                    app_id,
                    account,
                    "zoom_reauthorization_needed",
                    &format!(
                        "Zoom refused the stored refresh token ({detail}). Alerts still arrive, but \
                         join links cannot be looked up until someone installs the app again at {}/zoom/install/{app_id}.",
                        self.config.server.public_url
                    ),
                    None,
                    None,
                )?;
                self.store.flush().await?;
                tracing::warn!(app = %app_id, "a tenant needs to authorize the Zoom app again");
                Err(TenantError::ReauthorizationNeeded {
                    app: app_id.to_string(),
                    account: account.to_string(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The access token of `t.other_installs[i]`, refreshed and persisted like the first
    /// install's. A refused refresh concerns that user only: the tenant's status stays, and the
    /// lookup goes without a join link.
    async fn other_install_token(
        &self,
        app: &ZoomApp,
        mut t: Tenant,
        i: usize,
    ) -> Result<(String, String), TenantError> {
        let aad = Tenant::token_aad(&t.app_id, &t.account_id);
        let g = &t.other_installs[i];
        let json = crypto::open(self.key(), &aad, &g.sealed_tokens)?;
        let pair: TokenPair =
            serde_json::from_slice(&json).map_err(|e| TenantError::Internal(e.to_string()))?;
        if g.expires_at_ms - now_ms() > REFRESH_MARGIN_MS {
            return Ok((pair.access_token, g.api_url.clone()));
        }
        match self.client.refresh(app, &pair.refresh_token).await {
            Ok(tr) => {
                let now = now_ms();
                let sealed = self.seal(
                    &t.app_id,
                    &t.account_id,
                    &TokenPair {
                        access_token: tr.access_token.clone(),
                        refresh_token: tr.refresh_token.clone(),
                    },
                );
                let g = &mut t.other_installs[i];
                g.api_url = Self::api_url_for(app, tr.api_url.as_deref().or(Some(&g.api_url)));
                if tr.scope.is_some() {
                    g.scopes = scopes(&tr);
                }
                g.updated_at_ms = now;
                g.expires_at_ms = now + tr.expires_in.max(0) * 1000;
                g.sealed_tokens = sealed;
                let api_url = g.api_url.clone();
                // Persisted before use: the old refresh token is already dead at Zoom.
                self.store.put_tenant(&t)?;
                self.store.flush().await?;
                Ok((tr.access_token, api_url))
            }
            Err(OAuthError::InvalidGrant(_)) => {
                tracing::warn!(app = %app.id, "Zoom refused one user's refresh token; that user must install again");
                Err(TenantError::ReauthorizationNeeded {
                    app: t.app_id,
                    account: t.account_id,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Revokes tokens at Zoom, best effort: on uninstall they are often dead already. For a
    /// user-managed app with `user_id`, only that user's (nothing when that user has no install
    /// here); otherwise every install's, since the whole account goes.
    pub async fn revoke(&self, app_id: &str, account: &str, user_id: Option<&str>) {
        let Some(app) = self.app(app_id).filter(|a| a.has_oauth()) else {
            return;
        };
        let Ok(Some(t)) = self.store.get_tenant(app_id, account) else {
            return;
        };
        let only = if app.user_managed { user_id } else { None };
        let mut blobs: Vec<&[u8]> = Vec::new();
        if only.is_none_or(|u| u == t.installer.user_id) {
            blobs.push(&t.sealed_tokens);
        }
        for i in &t.other_installs {
            if only.is_none_or(|u| u == i.installer.user_id) {
                blobs.push(&i.sealed_tokens);
            }
        }
        for blob in blobs {
            let pair = crypto::open(self.key(), &Tenant::token_aad(app_id, account), blob)
                .ok()
                .and_then(|json| serde_json::from_slice::<TokenPair>(&json).ok());
            let Some(pair) = pair else {
                tracing::warn!(app = %app_id, "cannot open a tenant's tokens to revoke them");
                continue;
            };
            match self.client.revoke(app, &pair.access_token).await {
                Ok(()) => tracing::info!(app = %app_id, "revoked an uninstalled install's token"),
                Err(e) => {
                    tracing::info!(app = %app_id, error = %e, "token revocation failed (ignored)")
                }
            }
        }
    }

    /// Whether [`Tenants::before_dispatch`] has anything to do for this event: a `meeting.started`
    /// or `app_deauthorized` of an OAuth app. Decided from the stored header alone, so other
    /// events cost no parse and no extra hop.
    pub fn wants_prep(&self, rec: &EventRecord) -> bool {
        rec.event.parse_error.is_none()
            && matches!(
                rec.event.event.as_str(),
                "meeting.started" | "app_deauthorized"
            )
            && self.app(&rec.event.app_id).is_some_and(|a| a.has_oauth())
    }

    /// Async work the dispatcher does before it handles the next inbox event: revoke the token of
    /// an uninstalling tenant (the purge itself is synchronous and happens in the step), and look
    /// up the join link of a started meeting when a route wants it and meeting memory has none.
    /// Never fails: whatever goes wrong, the event is still dispatched.
    pub async fn before_dispatch(self: &Arc<Self>, rec: &EventRecord) {
        if rec.event.parse_error.is_some() {
            return;
        }
        let Ok(ParsedEvent::Ok(ev)) = event::parse(rec.event.body.as_bytes()) else {
            return;
        };
        let Some(account) = ev.account_id.clone() else {
            return;
        };
        let app = rec.event.app_id.as_str();
        match ev.kind {
            EventKind::AppDeauthorized => {
                let user = match &ev.body {
                    crate::zoom::event::EventBody::Deauthorized { user_id, .. } => {
                        user_id.as_deref()
                    }
                    _ => None,
                };
                self.revoke(app, &account, user).await
            }
            EventKind::MeetingStarted => {
                if let Err(e) = self.enrich(app, &account, &ev).await {
                    tracing::info!(app, error = %e, "join link lookup failed; the alert goes without it");
                    self.enrich_failed
                        .lock()
                        .expect("enrich backoff")
                        .insert((app.to_string(), account), Instant::now());
                }
            }
            _ => {}
        }
    }

    async fn enrich(
        self: &Arc<Self>,
        app_id: &str,
        account: &str,
        ev: &ZoomEvent,
    ) -> Result<(), TenantError> {
        if !self.app(app_id).is_some_and(|a| a.has_oauth()) {
            return Ok(());
        }
        let Some(meeting_id) = ev.meeting().and_then(|m| m.id) else {
            return Ok(());
        };
        let known = self.store.meeting_memory(app_id, account, meeting_id)?;
        if known.as_ref().is_some_and(|m| m.join_url.is_some()) {
            return Ok(());
        }
        let wanted = {
            let routes = self.store.list_routes(Some((app_id, account)))?;
            let input =
                MatchInput::from_event(app_id, ev, known.as_ref().and_then(|m| m.topic.as_deref()));
            let (_, matched) = routing::plan(&routes, &input);
            matched.iter().any(|r| r.include_join_link)
        };
        if !wanted {
            return Ok(());
        }
        match self.store.get_tenant(app_id, account)? {
            Some(t) if t.status == TenantStatus::Active => {}
            _ => return Ok(()),
        }
        let key = (app_id.to_string(), account.to_string());
        if let Some(at) = self.enrich_failed.lock().expect("enrich backoff").get(&key)
            && at.elapsed() < ENRICH_BACKOFF
        {
            return Ok(());
        }
        let lookup = async {
            // A user-managed app: the host's own install sees the meeting, another user's may not.
            let host = self
                .app(app_id)
                .filter(|a| a.user_managed)
                .and_then(|_| ev.meeting())
                .and_then(|m| m.host_id.as_deref());
            let (token, api_url) = self.access_token_for(app_id, account, host).await?;
            Ok::<_, TenantError>(
                self.client
                    .meeting(&api_url, &token, meeting_id, ENRICH_TIMEOUT)
                    .await?,
            )
        };
        let details = tokio::time::timeout(ENRICH_TIMEOUT, lookup)
            .await
            .map_err(|_| TenantError::Internal("join link lookup timed out".into()))??;
        self.enrich_failed
            .lock()
            .expect("enrich backoff")
            .remove(&key);
        let mut m: MeetingMemory = known.unwrap_or_default();
        if m.topic.is_none() {
            m.topic = details.topic;
        }
        m.join_url = details.join_url;
        if details.password.is_some() {
            m.password = details.password;
        }
        m.updated_at_ms = now_ms();
        self.store
            .remember_meeting(app_id, account, meeting_id, &m)?;
        Ok(())
    }
}

/// Whether a tenant's stored tokens open with `key`: false means `security.data_key` changed since
/// the install (or the record is damaged), and the account must install the app again.
pub fn tokens_open(key: &[u8; 32], t: &Tenant) -> bool {
    crypto::open(
        key,
        &Tenant::token_aad(&t.app_id, &t.account_id),
        &t.sealed_tokens,
    )
    .is_ok()
}

/// A tenant whose first install is `g`.
fn tenant_of(app_id: &str, account_id: &str, g: UserInstall, others: Vec<UserInstall>) -> Tenant {
    Tenant {
        app_id: app_id.to_string(),
        account_id: account_id.to_string(),
        installer: g.installer,
        scopes: g.scopes,
        api_url: g.api_url,
        status: TenantStatus::Active,
        installed_at_ms: g.installed_at_ms,
        updated_at_ms: g.updated_at_ms,
        expires_at_ms: g.expires_at_ms,
        sealed_tokens: g.sealed_tokens,
        other_installs: others,
    }
}

fn scopes(tr: &TokenResponse) -> Vec<String> {
    tr.scope
        .as_deref()
        .unwrap_or_default()
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Deletes a tenant's data and records the audit entry. Synchronous store work; the caller flushes.
/// `action` is `uninstall` or `remove`. `event_last` is the app_deauthorized event being handled,
/// deleted last (see [`Store::purge_tenant`]).
pub fn purge(
    store: &Store,
    app_id: &str,
    account_id: &str,
    action: &str,
    event_last: Option<u64>,
) -> Result<PurgeReport, StoreError> {
    let report = store.purge_tenant(app_id, account_id, event_last)?;
    store.add_audit(&AuditEntry {
        at_ms: now_ms(),
        action: action.to_string(),
        app_id: app_id.to_string(),
        account_hash: crate::store::account_hash(account_id),
        tenant_existed: report.tenant_existed,
        deleted: report.deleted.clone(),
    })?;
    tracing::info!(
        app = %app_id,
        action,
        tenant_existed = report.tenant_existed,
        deleted = report.total(),
        "purged a tenant's data"
    );
    Ok(report)
}

/// Handles an uninstall (`app_deauthorized`) of `user_id` for an account. For an admin-managed
/// app, or when Zoom names no user, the account's data is purged (as [`purge`]). For a
/// user-managed app only that user's tokens are removed (audit action `user_uninstall`), and the
/// account is purged only when it was the last install left. Synchronous store work; the caller
/// flushes. `event_last` is the app_deauthorized event, deleted last when the account is purged.
pub fn uninstall(
    store: &Store,
    app_id: &str,
    account_id: &str,
    user_id: Option<&str>,
    user_managed: bool,
    event_last: Option<u64>,
) -> Result<Uninstalled, StoreError> {
    let purge_all = |store: &Store| {
        purge(store, app_id, account_id, "uninstall", event_last).map(Uninstalled::AccountPurged)
    };
    let (true, Some(user)) = (user_managed, user_id) else {
        return purge_all(store);
    };
    let Some(mut t) = store.get_tenant(app_id, account_id)? else {
        // Nothing installed: remove whatever may be left, as an admin-managed uninstall would.
        return purge_all(store);
    };
    if !t.has_install_of(user) {
        tracing::info!(app = %app_id, "an uninstall by a user without an install here; nothing to do");
        return Ok(Uninstalled::Nothing);
    }
    if t.other_installs.is_empty() {
        return purge_all(store);
    }
    if t.installer.user_id == user {
        // The first install goes: the next user's install takes its place.
        let next = t.other_installs.remove(0);
        let (installed, status, rest) = (t.installed_at_ms, t.status, t.other_installs);
        t = tenant_of(app_id, account_id, next, rest);
        t.installed_at_ms = installed;
        if status == TenantStatus::ReauthorizationNeeded {
            // That status was about the removed user's refresh token; the next one is untried.
            t.status = TenantStatus::Active;
        }
    } else {
        t.other_installs.retain(|i| i.installer.user_id != user);
    }
    t.updated_at_ms = now_ms();
    store.put_tenant(&t)?;
    store.add_audit(&AuditEntry {
        at_ms: now_ms(),
        action: "user_uninstall".to_string(),
        app_id: app_id.to_string(),
        account_hash: crate::store::account_hash(account_id),
        tenant_existed: true,
        deleted: [("user_tokens".to_string(), 1)].into_iter().collect(),
    })?;
    let remaining = 1 + t.other_installs.len();
    tracing::info!(app = %app_id, remaining, "one user uninstalled; the account stays installed");
    Ok(Uninstalled::UserRemoved { remaining })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zoom::oauth::UserMe;

    fn me(json: serde_json::Value) -> UserMe {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn only_the_owner_and_admin_role_ids_may_manage() {
        let with = |role_id: serde_json::Value, name: &str| {
            is_owner_or_admin(&me(serde_json::json!({
                "id": "u", "account_id": "a", "role_id": role_id, "role_name": name
            })))
        };
        assert!(with("0".into(), "Owner"));
        assert!(with("1".into(), "Admin"));
        assert!(with(1.into(), "Club helpers"), "a number is accepted");
        assert!(!with("2".into(), "Member"));
        assert!(!with("7".into(), "Badminton Club Members"));
        assert!(!with("RoleXyz".into(), "Admin"), "the name is never read");
        assert!(!with("10".into(), "Owner"));
        assert!(
            !is_owner_or_admin(&me(serde_json::json!({
                "id": "u", "account_id": "a", "role_name": "Owner"
            }))),
            "no role id: no rights"
        );
    }
}

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

use crate::apps::{App, Apps};
use crate::config::{Config, ZoomApp};
use crate::crypto;
use crate::store::{Db, Installer, PurgeReport, StoreError, Tenant, TenantStatus, UserInstall};
use crate::zoom::oauth::{OAuthClient, OAuthError, TokenResponse};

mod enrich;
mod purge;
mod tokens;

use crate::store::TenantId;
pub use purge::{purge, uninstall};

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
    db: Db,
    config: Arc<Config>,
    /// The apps served, config and stored: installs of an app added at run time work at once.
    apps: Arc<Apps>,
    client: OAuthClient,
    /// One async lock per tenant: a refresh runs alone, and concurrent users wait for its result.
    locks: Mutex<HashMap<TenantKey, Arc<tokio::sync::Mutex<()>>>>,
    /// Hashes of OAuth flow states already used, with their expiry (see `consume_flow_state`).
    used_states: Mutex<HashMap<[u8; 32], i64>>,
    /// Tenants whose last join-link lookup failed, and when.
    enrich_failed: Mutex<HashMap<TenantKey, Instant>>,
}

impl Tenants {
    pub fn new(db: Db, config: Arc<Config>) -> anyhow::Result<Arc<Tenants>> {
        Ok(Arc::new(Tenants {
            apps: Apps::new(config.clone(), db.clone()),
            db,
            config,
            client: OAuthClient::new()?,
            locks: Mutex::default(),
            used_states: Mutex::default(),
            enrich_failed: Mutex::default(),
        }))
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn client(&self) -> &OAuthClient {
        &self.client
    }

    /// The app registry these tenants' apps come from (see [`Apps`]).
    pub fn apps(&self) -> &Arc<Apps> {
        &self.apps
    }

    /// App `id` as last loaded (config or stored).
    pub fn app(&self, id: &str) -> Option<Arc<App>> {
        self.apps.get(id)
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
        let existing = self
            .db
            .get_tenant(&TenantId::new(&app.id, &me.account_id))
            .await?;
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
        self.db.put_tenant(&tenant).await?;
        self.db.flush().await?;
        tracing::info!(
            app = %app.id,
            reinstall = existing.is_some(),
            "Zoom app installed for an account"
        );
        Ok(tenant)
    }

    /// Revokes tokens at Zoom, best effort: on uninstall they are often dead already. For a
    /// user-managed app with `user_id`, only that user's (nothing when that user has no install
    /// here); otherwise every install's, since the whole account goes.
    pub async fn revoke(&self, app_id: &str, account: &str, user_id: Option<&str>) {
        let Some(app) = self.app(app_id).filter(|a| a.has_oauth()) else {
            return;
        };
        let Ok(Some(t)) = self.db.get_tenant(&TenantId::new(app_id, account)).await else {
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
            match self.client.revoke(&app, &pair.access_token).await {
                Ok(()) => tracing::info!(app = %app_id, "revoked an uninstalled install's token"),
                Err(e) => {
                    tracing::info!(app = %app_id, error = %e, "token revocation failed (ignored)")
                }
            }
        }
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

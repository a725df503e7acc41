//! Console sessions and tenant API tokens. Both are bearer secrets, so the store keeps only their
//! SHA-256: a copy of the data directory (or a backup) lets nobody in.
//!
//! Trees:
//! - `sessions`: SHA-256(session id) -> [`Session`];
//! - `api_tokens`: SHA-256(token) -> [`ApiToken`]. A token is named by the first 12 hex digits of its
//!   hash, which is what `tokens list` shows and `tokens revoke` takes.

use serde::{Deserialize, Serialize};

use super::TenantId;
use super::{Store, StoreError, decode, decode_all, decode_opt, encode};

/// Who a session or token acts for: the operator (every tenant) or one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Grant {
    Operator,
    Tenant { app_id: String, account_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub grant: Grant,
    /// Who signed in: a Zoom user id and email, or "operator".
    pub user: String,
    /// The CSRF token every state-changing console request must carry.
    pub csrf: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiToken {
    /// First 12 hex digits of the token's SHA-256.
    pub id: String,
    pub name: String,
    pub app_id: String,
    pub account_id: String,
    pub created_at_ms: i64,
}

pub use super::keys::secret_hash;

/// The public id of a token: the first 12 hex digits of its hash.
pub fn token_id(token: &str) -> String {
    hex::encode(&secret_hash(token)[..6])
}

/// The records of a tree keyed by a secret's hash (so in no useful order) that belong to `tenant`
/// (all for None), oldest first; `of` reads a record's tenant and creation time.
pub(super) fn oldest_first<T: serde::de::DeserializeOwned>(
    tree: &sled::Tree,
    tenant: Option<&TenantId>,
    of: impl Fn(&T) -> (&str, &str, i64),
) -> Result<Vec<T>, StoreError> {
    let mut out: Vec<T> = decode_all(tree.iter())?;
    out.retain(|r| {
        let (app, account, _) = of(r);
        tenant.is_none_or(|t| t.is(app, account))
    });
    out.sort_by_key(|r| of(r).2);
    Ok(out)
}

impl Store {
    pub fn put_session(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        self.inner.sessions.insert(secret_hash(id), encode(s)?)?;
        Ok(())
    }

    /// The session, if it exists and has not expired (an expired one is removed).
    pub fn get_session(&self, id: &str, now_ms: i64) -> Result<Option<Session>, StoreError> {
        let key = secret_hash(id);
        let Some(v) = self.inner.sessions.get(key)? else {
            return Ok(None);
        };
        let s: Session = decode(&v)?;
        if s.expires_at_ms <= now_ms {
            self.inner.sessions.remove(key)?;
            return Ok(None);
        }
        Ok(Some(s))
    }

    pub fn remove_session(&self, id: &str) -> Result<(), StoreError> {
        self.inner.sessions.remove(secret_hash(id))?;
        Ok(())
    }

    /// Drops expired sessions; returns how many.
    pub fn expire_sessions(&self, now_ms: i64) -> Result<usize, StoreError> {
        let mut n = 0;
        for item in self.inner.sessions.iter() {
            let (k, v) = item?;
            let expired = serde_json::from_slice::<Session>(&v)
                .map(|s| s.expires_at_ms <= now_ms)
                .unwrap_or(true);
            if expired {
                self.inner.sessions.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    pub fn put_api_token(&self, token: &str, t: &ApiToken) -> Result<(), StoreError> {
        self.inner
            .api_tokens
            .insert(secret_hash(token), encode(t)?)?;
        Ok(())
    }

    pub fn api_token(&self, token: &str) -> Result<Option<ApiToken>, StoreError> {
        decode_opt(self.inner.api_tokens.get(secret_hash(token))?)
    }

    /// Every token, or one tenant's.
    pub fn list_api_tokens(&self, tenant: Option<&TenantId>) -> Result<Vec<ApiToken>, StoreError> {
        oldest_first(&self.inner.api_tokens, tenant, |t: &ApiToken| {
            (&t.app_id, &t.account_id, t.created_at_ms)
        })
    }

    /// Removes the token with public id `id` if it belongs to `tenant` (any tenant for None).
    /// Returns whether one was removed.
    pub fn revoke_api_token(
        &self,
        id: &str,
        tenant: Option<&TenantId>,
    ) -> Result<bool, StoreError> {
        for item in self.inner.api_tokens.iter() {
            let (k, v) = item?;
            let t: ApiToken = decode(&v)?;
            if t.id == id && tenant.is_none_or(|tenant| tenant.is(&t.app_id, &t.account_id)) {
                self.inner.api_tokens.remove(k)?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A tenant's tokens and sessions, for the uninstall purge.
    pub(super) fn purge_auth_tenant(&self, tenant: &TenantId) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self.inner.api_tokens.iter() {
            let (k, v) = item?;
            let owned = serde_json::from_slice::<ApiToken>(&v)
                .map(|t| tenant.is(&t.app_id, &t.account_id))
                .unwrap_or(false);
            if owned {
                self.inner.api_tokens.remove(k)?;
                n += 1;
            }
        }
        let mine = Grant::Tenant {
            app_id: tenant.app_id.clone(),
            account_id: tenant.account_id.clone(),
        };
        for item in self.inner.sessions.iter() {
            let (k, v) = item?;
            let owned = serde_json::from_slice::<Session>(&v)
                .map(|s| s.grant == mine)
                .unwrap_or(false);
            if owned {
                self.inner.sessions.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }
}

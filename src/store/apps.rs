//! Zoom apps added at run time (apps as data) and the operator's invitations to add one.
//!
//! Trees:
//! - `apps`: app id -> [`StoredApp`]. Secrets are sealed by the caller before they get here
//!   (`crypto::seal`, bound to the app id), so the store only ever holds ciphertext. Every write is
//!   a compare-and-swap on [`StoredApp::revision`], so a rotation on one replica and a CRC note on
//!   another cannot undo each other.
//! - `app_invites`: SHA-256(code) -> [`AppInvite`]. Only the hash is kept, like bot codes; the code
//!   is shown once. Using one is a compare-and-swap, so it works once.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, decode, decode_all, decode_opt, encode};

/// A Zoom app the operator (or an invited community) added at run time. Config-file apps are never
/// stored here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredApp {
    pub id: String,
    /// Bumped by every write; the compare-and-swap compares it.
    pub revision: u64,
    /// Whose app it is, in words (a community's name).
    pub name: Option<String>,
    pub client_id: Option<String>,
    /// Sealed, base64.
    pub client_secret: Option<String>,
    /// Sealed, base64.
    pub secret_token: String,
    /// The token being rotated out (sealed, base64), still accepted until `previous_until_ms`.
    pub previous_secret_token: Option<String>,
    pub previous_until_ms: Option<i64>,
    /// Overrides of `[zoom.app_defaults]`; None takes the default.
    pub oauth_url: Option<String>,
    pub api_url: Option<String>,
    pub user_managed: Option<bool>,
    /// `api` (the operator) or `invitation` (a community with an invitation code).
    pub added_by: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// When Zoom's endpoint validation (CRC) first arrived for this app.
    pub crc_seen_at_ms: Option<i64>,
}

impl StoredApp {
    /// A first revision with only the required fields: the id, the sealed secret token, who added
    /// it and when; every override and OAuth field unset.
    pub fn new(id: &str, secret_token: String, added_by: &str, at_ms: i64) -> StoredApp {
        StoredApp {
            id: id.into(),
            revision: 1,
            name: None,
            client_id: None,
            client_secret: None,
            secret_token,
            previous_secret_token: None,
            previous_until_ms: None,
            oauth_url: None,
            api_url: None,
            user_managed: None,
            added_by: added_by.into(),
            created_at_ms: at_ms,
            updated_at_ms: at_ms,
            crc_seen_at_ms: None,
        }
    }
}

/// An operator's invitation to add one app: the app id is fixed when it is issued, so the guided
/// page can show the exact webhook URL before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppInvite {
    /// The first 12 hex digits of SHA-256(code), to name it in listings.
    pub id: String,
    pub app_id: String,
    pub name: Option<String>,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub used_at_ms: Option<i64>,
}

/// What using an invitation found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteUse {
    /// Marked used now; the caller may add the app.
    Used(AppInvite),
    Unknown,
    AlreadyUsed(AppInvite),
    Expired(AppInvite),
}

/// The key of an invitation code.
pub fn invite_hash(code: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(code.as_bytes()).into()
}

/// The decision of a use, shared by the backends: the record as it is now, and `now_ms`.
pub(super) fn decide_use(mut rec: AppInvite, now_ms: i64) -> Result<AppInvite, InviteUse> {
    if rec.used_at_ms.is_some() {
        return Err(InviteUse::AlreadyUsed(rec));
    }
    if rec.expires_at_ms <= now_ms {
        return Err(InviteUse::Expired(rec));
    }
    rec.used_at_ms = Some(now_ms);
    Ok(rec)
}

/// The record of an open invitation matching `id_prefix`, withdrawn (expiring at `now_ms`); None
/// for one that does not match or is used or expired already. Shared by the backends.
pub(super) fn withdraw(mut rec: AppInvite, id_prefix: &str, now_ms: i64) -> Option<AppInvite> {
    if !rec.id.starts_with(id_prefix) || rec.used_at_ms.is_some() || rec.expires_at_ms <= now_ms {
        return None;
    }
    rec.expires_at_ms = now_ms;
    Some(rec)
}

/// The trees, opened with the store.
pub(super) struct AppTrees {
    apps: sled::Tree,
    invites: sled::Tree,
}

impl AppTrees {
    pub(super) fn open(db: &sled::Db) -> Result<AppTrees, sled::Error> {
        Ok(AppTrees {
            apps: db.open_tree("apps")?,
            invites: db.open_tree("app_invites")?,
        })
    }
}

impl Store {
    fn app_trees(&self) -> &AppTrees {
        &self.inner.apps
    }

    /// Every stored app, by id.
    pub fn list_apps(&self) -> Result<Vec<StoredApp>, StoreError> {
        decode_all(self.app_trees().apps.iter())
    }

    pub fn get_app(&self, id: &str) -> Result<Option<StoredApp>, StoreError> {
        decode_opt(self.app_trees().apps.get(id.as_bytes())?)
    }

    /// Adds `app` unless its id is taken (false, nothing written).
    pub fn insert_app(&self, app: &StoredApp) -> Result<bool, StoreError> {
        let res = self.app_trees().apps.compare_and_swap(
            app.id.as_bytes(),
            None as Option<&[u8]>,
            Some(encode(app)?),
        )?;
        Ok(res.is_ok())
    }

    /// Replaces the app if it is still at revision `expected` (false, nothing written, when it
    /// changed or is gone).
    pub fn swap_app(&self, expected: u64, app: &StoredApp) -> Result<bool, StoreError> {
        let tree = &self.app_trees().apps;
        let Some(old) = tree.get(app.id.as_bytes())? else {
            return Ok(false);
        };
        let rec: StoredApp = decode(&old)?;
        if rec.revision != expected {
            return Ok(false);
        }
        let res = tree.compare_and_swap(app.id.as_bytes(), Some(old), Some(encode(app)?))?;
        Ok(res.is_ok())
    }

    /// Removes the app record; false when there was none.
    pub fn delete_app(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.app_trees().apps.remove(id.as_bytes())?.is_some())
    }

    /// Stores a new invitation under the hash of its code; false (nothing written) on a collision.
    pub fn put_app_invite(&self, hash: &[u8; 32], rec: &AppInvite) -> Result<bool, StoreError> {
        let res = self.app_trees().invites.compare_and_swap(
            hash,
            None as Option<&[u8]>,
            Some(encode(rec)?),
        )?;
        Ok(res.is_ok())
    }

    /// The invitation of a code hash; nothing is consumed.
    pub fn app_invite(&self, hash: &[u8; 32]) -> Result<Option<AppInvite>, StoreError> {
        decode_opt(self.app_trees().invites.get(hash)?)
    }

    /// Every invitation, oldest first.
    pub fn list_app_invites(&self) -> Result<Vec<AppInvite>, StoreError> {
        let mut out: Vec<AppInvite> = decode_all(self.app_trees().invites.iter())?;
        out.sort_by_key(|i| i.created_at_ms);
        Ok(out)
    }

    /// Withdraws the open invitations whose id starts with `id_prefix`: each expires at `now_ms`
    /// (compare-and-swap, so one used meanwhile stays used). Returns the withdrawn ones.
    pub fn expire_app_invites(
        &self,
        id_prefix: &str,
        now_ms: i64,
    ) -> Result<Vec<AppInvite>, StoreError> {
        let tree = &self.app_trees().invites;
        let mut out = Vec::new();
        for item in tree.iter() {
            let (k, v) = item?;
            let Some(rec) = withdraw(decode(&v)?, id_prefix, now_ms) else {
                continue;
            };
            if tree
                .compare_and_swap(&k, Some(v), Some(encode(&rec)?))?
                .is_ok()
            {
                out.push(rec);
            }
        }
        out.sort_by_key(|i| i.created_at_ms);
        Ok(out)
    }

    /// Deletes the invitations that expired before `before_ms`, used or not (the janitor, so they
    /// do not pile up). Returns how many went.
    pub fn prune_app_invites(&self, before_ms: i64) -> Result<usize, StoreError> {
        let tree = &self.app_trees().invites;
        let mut n = 0;
        for item in tree.iter() {
            let (k, v) = item?;
            let rec: AppInvite = decode(&v)?;
            if rec.expires_at_ms < before_ms
                && tree
                    .compare_and_swap(&k, Some(v), None as Option<&[u8]>)?
                    .is_ok()
            {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Uses an invitation once: a compare-and-swap marks it used, so of two people submitting the
    /// same code at once only one succeeds.
    pub fn use_app_invite(&self, hash: &[u8; 32], now_ms: i64) -> Result<InviteUse, StoreError> {
        let tree = &self.app_trees().invites;
        loop {
            let Some(old) = tree.get(hash)? else {
                return Ok(InviteUse::Unknown);
            };
            let rec = match decide_use(decode(&old)?, now_ms) {
                Ok(rec) => rec,
                Err(refused) => return Ok(refused),
            };
            if tree
                .compare_and_swap(hash, Some(old), Some(encode(&rec)?))?
                .is_ok()
            {
                return Ok(InviteUse::Used(rec));
            }
        }
    }
}

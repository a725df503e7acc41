//! Tenants (one per installing Zoom account and app), the uninstall purge and its audit trail.
//!
//! Trees:
//! - `tenants`: `tenant_prefix(app, account)` -> [`Tenant`]. The OAuth tokens inside are sealed
//!   (XChaCha20-Poly1305 under `security.data_key`, see [`crate::crypto`]) by the caller; this module
//!   only stores the opaque blob, so plaintext tokens never reach sled;
//! - (`oauth_states`, which held pending installs, is gone: an install in progress travels in a
//!   sealed cookie so that starting one costs no durable write; the tree is dropped on open.)
//! - `audit`: big-endian time + counter -> [`AuditEntry`], what an uninstall deleted. It names the
//!   account only by a hash, so the audit trail is not itself tenant data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::TenantId;
use super::keys::{
    self, app_prefix, attempt_prefix, decode_dest_key, decode_due_key, decode_seq, job_key,
    meeting_prefixes, seq_key, tenant_prefix,
};
use super::{EventRecord, Store, StoreError, decode_all, decode_opt, encode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    /// The refresh token was refused (`invalid_grant`): someone must install the app again. Events
    /// still route; only calls to Zoom's API (join links) stop.
    ReauthorizationNeeded,
}

impl TenantStatus {
    pub fn label(self) -> &'static str {
        match self {
            TenantStatus::Active => "active",
            TenantStatus::ReauthorizationNeeded => "reauthorization_needed",
        }
    }
}

/// Who completed an install, from `/v2/users/me`. Informational: being the installer grants no
/// console rights (those come from the account's Owner or Admin role at sign-in).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installer {
    pub user_id: String,
    pub email: Option<String>,
    /// Zoom's `role_name` (Owner, Admin, Member, ...), when the scope allows reading it. A label.
    pub role: Option<String>,
    /// Zoom's `role_id` ("0" Owner, "1" Admin, others Member or custom), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
}

/// One more user's install of a user-managed app (see `zoom.apps.user_managed`). The tenant's own
/// fields hold the first install; each further user who installs has one of these, so one user's
/// uninstall removes only that user's grant. Tokens are sealed like the tenant's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInstall {
    pub installer: Installer,
    pub scopes: Vec<String>,
    pub api_url: String,
    pub installed_at_ms: i64,
    pub updated_at_ms: i64,
    pub expires_at_ms: i64,
    #[serde(with = "b64")]
    pub sealed_tokens: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub app_id: String,
    pub account_id: String,
    pub installer: Installer,
    pub scopes: Vec<String>,
    /// The API host Zoom returned with the token (`api_url`), else the app's configured one.
    pub api_url: String,
    pub status: TenantStatus,
    pub installed_at_ms: i64,
    pub updated_at_ms: i64,
    /// When the access token expires.
    pub expires_at_ms: i64,
    /// The sealed access and refresh tokens; opaque here.
    #[serde(with = "b64")]
    pub sealed_tokens: Vec<u8>,
    /// The installs of other users of the account (user-managed apps only), keyed by their user id
    /// inside. Empty for admin-managed apps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_installs: Vec<UserInstall>,
}

#[cfg(test)]
impl Tenant {
    /// An active install of account `account` of the default app for the tests, made, updated
    /// and expiring at `at_ms`, with `sealed_tokens` as its (opaque) tokens.
    pub(crate) fn fixture(account: &str, at_ms: i64, sealed_tokens: Vec<u8>) -> Self {
        Tenant {
            app_id: "default".into(),
            account_id: account.into(),
            installer: Installer::default(),
            scopes: vec![],
            api_url: "https://api.zoom.us".into(),
            status: TenantStatus::Active,
            installed_at_ms: at_ms,
            updated_at_ms: at_ms,
            expires_at_ms: at_ms,
            sealed_tokens,
            other_installs: vec![],
        }
    }
}

impl Tenant {
    /// The Zoom user ids whose grants this tenant holds, the first install's first.
    pub fn install_user_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.installer.user_id.as_str()).chain(
            self.other_installs
                .iter()
                .map(|i| i.installer.user_id.as_str()),
        )
    }

    /// Whether `user_id` has an install in this tenant.
    pub fn has_install_of(&self, user_id: &str) -> bool {
        self.install_user_ids().any(|u| u == user_id)
    }

    /// The associated data that binds sealed tokens to this tenant's record.
    pub fn token_aad(app_id: &str, account_id: &str) -> Vec<u8> {
        let mut aad = b"oauth-tokens\0".to_vec();
        aad.extend_from_slice(&tenant_prefix(app_id, account_id));
        aad
    }
}

mod b64 {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        STANDARD.decode(s).map_err(serde::de::Error::custom)
    }
}

/// What an uninstall or `tenants remove` deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    pub at_ms: i64,
    /// `uninstall` (Zoom's app_deauthorized) or `remove` (the operator).
    pub action: String,
    pub app_id: String,
    /// Hex SHA-256 of the account id: enough to answer "was account X purged?", not to list them.
    pub account_hash: String,
    pub tenant_existed: bool,
    /// Records deleted, per kind.
    pub deleted: BTreeMap<String, u64>,
}

/// Counts of what a purge removed, per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PurgeReport {
    pub tenant_existed: bool,
    pub deleted: BTreeMap<String, u64>,
}

impl PurgeReport {
    fn add(&mut self, kind: &str, n: u64) {
        if n > 0 {
            *self.deleted.entry(kind.to_string()).or_default() += n;
        }
    }

    pub fn total(&self) -> u64 {
        self.deleted.values().sum()
    }
}

pub fn account_hash(account_id: &str) -> String {
    hex::encode(Sha256::digest(account_id.as_bytes()))
}

/// Removes every key of `tree` under `prefix`; returns how many.
fn remove_prefix(tree: &sled::Tree, prefix: &[u8]) -> Result<u64, StoreError> {
    let mut n = 0;
    for k in tree.scan_prefix(prefix).keys() {
        tree.remove(k?)?;
        n += 1;
    }
    Ok(n)
}

impl Store {
    pub fn get_tenant(&self, tenant: &TenantId) -> Result<Option<Tenant>, StoreError> {
        decode_opt(
            self.inner
                .tenants
                .get(tenant_prefix(&tenant.app_id, &tenant.account_id))?,
        )
    }

    /// Inserts or replaces the tenant record. One key, so tokens and their expiry change together.
    pub fn put_tenant(&self, t: &Tenant) -> Result<(), StoreError> {
        self.inner
            .tenants
            .insert(tenant_prefix(&t.app_id, &t.account_id), encode(t)?)?;
        Ok(())
    }

    /// All tenants, or one app's, in key order.
    pub fn list_tenants(&self, app_id: Option<&str>) -> Result<Vec<Tenant>, StoreError> {
        let iter = match app_id {
            Some(app) => self.inner.tenants.scan_prefix(app_prefix(app)),
            None => self.inner.tenants.iter(),
        };
        decode_all(iter)
    }

    pub fn add_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        let k = keys::audit_key(e.at_ms, self.inner.db.generate_id()?);
        self.inner.audit.insert(k, encode(e)?)?;
        Ok(())
    }

    /// The audit trail, oldest first.
    pub fn list_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        decode_all(self.inner.audit.iter())
    }

    /// Deletes everything the store holds for a tenant: its record and tokens, routes, template
    /// overrides, meeting memory, notices, disabled targets, pending and dead jobs with their
    /// attempts, stored raw events, and the bot's subscriptions and codes. Safe to repeat: every
    /// step deletes what is still there, in an order that leaves no dangling index if a crash
    /// interrupts it. `event_last` (the app_deauthorized event being handled) is removed at the very
    /// end, so a crash mid-purge leaves it in the inbox and the purge runs again.
    pub fn purge_tenant(
        &self,
        tenant: &TenantId,
        event_last: Option<u64>,
    ) -> Result<PurgeReport, StoreError> {
        let i = &self.inner;
        let prefix = tenant_prefix(&tenant.app_id, &tenant.account_id);
        let mut report = PurgeReport {
            tenant_existed: i.tenants.contains_key(&prefix)?,
            ..PurgeReport::default()
        };
        // The tenant (and its tokens) first: from here on nothing can call Zoom for it.
        report.add("tenant", remove_prefix(&i.tenants, &prefix)?);
        report.add("routes", remove_prefix(&i.routes, &prefix)?);
        report.add("templates", remove_prefix(&i.templates, &prefix)?);
        report.add("notices", remove_prefix(&i.notices, &prefix)?);
        report.add("disabled_targets", remove_prefix(&i.disabled, &prefix)?);
        report.add("email_consents", remove_prefix(&i.consents, &prefix)?);
        report.add("own_bots", remove_prefix(&i.own_bots, &prefix)?);
        report.add("member_names", remove_prefix(&i.member_names, &prefix)?);
        let mut meetings = 0;
        for p in meeting_prefixes(&tenant.app_id, &tenant.account_id) {
            meetings += remove_prefix(&i.meetings, &p)?;
        }
        report.add("meeting_memory", meetings);

        // Jobs: pending, then dead, each with its indexes and attempt history.
        let owned = |a: &str, acc: &str| tenant.is(a, acc);
        let mut jobs = 0;
        for job in self.list_jobs()? {
            if owned(&job.app_id, &job.account_id) {
                self.remove_job_everywhere(&job)?;
                jobs += 1;
            }
        }
        report.add("jobs", jobs);
        let mut dead = 0;
        for d in self.list_dead()? {
            if owned(&d.job.app_id, &d.job.account_id) {
                self.remove_job_everywhere(&d.job)?;
                i.dead.remove(job_key(d.job.id))?;
                dead += 1;
            }
        }
        report.add("dead_letters", dead);
        report.add("sent", self.purge_sent_tenant(tenant)?);

        // Stored events, with the attempt history of jobs already sent for them.
        let mut events = 0;
        let mut attempts = 0;
        for item in i.events.iter() {
            let (k, v) = item?;
            let Some(seq) = decode_seq(&k) else { continue };
            if Some(seq) == event_last {
                continue;
            }
            let Ok(rec) = EventRecord::decode(seq, &v) else {
                continue;
            };
            if !event_belongs(&rec, tenant) {
                continue;
            }
            attempts += self.remove_history_of_event(seq)?;
            i.inbox.remove(&k)?;
            i.events.remove(&k)?;
            events += 1;
        }
        report.add("attempts", attempts);
        report.add("events", events);

        report.add("bot_records", self.purge_bot_tenant(tenant)?);
        report.add("sessions_and_tokens", self.purge_auth_tenant(tenant)?);

        if let Some(seq) = event_last {
            let k = seq_key(seq);
            i.inbox.remove(k)?;
            if i.events.remove(k)?.is_some() {
                report.add("events", 1);
            }
        }
        Ok(report)
    }

    /// Removes a job's due entry, destination index, attempts, part progress and the job itself.
    fn remove_job_everywhere(&self, job: &super::Job) -> Result<(), StoreError> {
        let i = &self.inner;
        for k in i.outbox_due.iter().keys() {
            let k = k?;
            if decode_due_key(&k).is_some_and(|(_, id)| id == job.id) {
                i.outbox_due.remove(k)?;
            }
        }
        for k in i.outbox_dest.iter().keys() {
            let k = k?;
            if decode_dest_key(&k) == Some(job.id) {
                i.outbox_dest.remove(k)?;
            }
        }
        remove_prefix(&i.attempts, &attempt_prefix(job.id))?;
        self.clear_part_progress(job.id)?;
        i.idem.remove(job.idempotency_key.as_bytes())?;
        i.outbox.remove(job_key(job.id))?;
        Ok(())
    }

    /// Attempt records and idempotency keys of the jobs an event produced (found through the
    /// idempotency keys, which start with [`keys::event_idempotency_prefix`]). Returns the attempts
    /// removed.
    fn remove_history_of_event(&self, seq: u64) -> Result<u64, StoreError> {
        let i = &self.inner;
        let mut n = 0;
        let prefix = keys::event_idempotency_prefix(seq);
        for item in i.idem.scan_prefix(prefix.as_bytes()) {
            let (k, v) = item?;
            if let Some(id) = keys::decode_job_key(&v) {
                n += remove_prefix(&i.attempts, &attempt_prefix(id))?;
                self.clear_part_progress(id)?;
            }
            i.idem.remove(k)?;
        }
        Ok(n)
    }
}

/// An event belongs to the tenant when its header says so, or, for a malformed event whose
/// account could not be parsed, when the raw body names the account.
fn event_belongs(rec: &EventRecord, tenant: &TenantId) -> bool {
    if rec.event.app_id != tenant.app_id {
        return false;
    }
    match &rec.event.account_id {
        Some(a) => *a == tenant.account_id,
        None => rec.event.body.contains(tenant.account_id.as_str()),
    }
}

//! Tenants (one per installing Zoom account and app), pending OAuth states, the uninstall purge and
//! its audit trail.
//!
//! Trees:
//! - `tenants`: `tenant_prefix(app, account)` -> [`Tenant`]. The OAuth tokens inside are sealed
//!   (XChaCha20-Poly1305 under `security.data_key`, see [`crate::crypto`]) by the caller; this module
//!   only stores the opaque blob, so plaintext tokens never reach sled;
//! - `oauth_states`: SHA-256 of an install `state` -> [`OAuthState`], single use, 10 minutes;
//! - `audit`: big-endian time + counter -> [`AuditEntry`], what an uninstall deleted. It names the
//!   account only by a hash, so the audit trail is not itself tenant data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::events::decode_seq;
use super::{EventRecord, Store, StoreError, json_err, tenant_prefix};

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

/// Who completed the install, from `/v2/users/me`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installer {
    pub user_id: String,
    pub email: Option<String>,
    /// Zoom's `role_name` (Owner, Admin, Member, ...), when the scope allows reading it.
    pub role: Option<String>,
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
}

impl Tenant {
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

/// A pending install: what the callback needs to finish it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthState {
    pub app_id: String,
    /// The PKCE verifier, sealed like tokens (it is a secret until the code is exchanged).
    #[serde(with = "b64")]
    pub sealed_verifier: Vec<u8>,
    pub created_at_ms: i64,
    /// What the flow is for: `install` now; console sign-in later.
    pub purpose: String,
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

fn state_key(state: &str) -> [u8; 32] {
    Sha256::digest(state.as_bytes()).into()
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
    pub fn get_tenant(&self, app_id: &str, account_id: &str) -> Result<Option<Tenant>, StoreError> {
        self.inner
            .tenants
            .get(tenant_prefix(app_id, account_id))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
    }

    /// Inserts or replaces the tenant record. One key, so tokens and their expiry change together.
    pub fn put_tenant(&self, t: &Tenant) -> Result<(), StoreError> {
        self.inner.tenants.insert(
            tenant_prefix(&t.app_id, &t.account_id),
            serde_json::to_vec(t).map_err(json_err)?,
        )?;
        Ok(())
    }

    /// All tenants, or one app's, in key order.
    pub fn list_tenants(&self, app_id: Option<&str>) -> Result<Vec<Tenant>, StoreError> {
        let iter = match app_id {
            Some(app) => {
                let mut p = app.as_bytes().to_vec();
                p.push(0);
                self.inner.tenants.scan_prefix(p)
            }
            None => self.inner.tenants.iter(),
        };
        iter.values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }

    pub fn put_oauth_state(&self, state: &str, s: &OAuthState) -> Result<(), StoreError> {
        self.inner
            .oauth_states
            .insert(state_key(state), serde_json::to_vec(s).map_err(json_err)?)?;
        Ok(())
    }

    /// Removes and returns the pending state: a state works once, even when the callback fails.
    pub fn take_oauth_state(&self, state: &str) -> Result<Option<OAuthState>, StoreError> {
        self.inner
            .oauth_states
            .remove(state_key(state))?
            .map(|v| serde_json::from_slice(&v).map_err(json_err))
            .transpose()
    }

    /// Drops states older than `max_age_ms` (abandoned installs). Returns how many.
    pub fn expire_oauth_states(&self, now_ms: i64, max_age_ms: i64) -> Result<usize, StoreError> {
        let mut n = 0;
        for item in self.inner.oauth_states.iter() {
            let (k, v) = item?;
            let stale = serde_json::from_slice::<OAuthState>(&v)
                .map(|s| now_ms - s.created_at_ms > max_age_ms)
                .unwrap_or(true);
            if stale {
                self.inner.oauth_states.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    pub fn add_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        let mut k = (e.at_ms as u64).to_be_bytes().to_vec();
        k.extend_from_slice(&self.inner.db.generate_id()?.to_be_bytes());
        self.inner
            .audit
            .insert(k, serde_json::to_vec(e).map_err(json_err)?)?;
        Ok(())
    }

    /// The audit trail, oldest first.
    pub fn list_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner
            .audit
            .iter()
            .values()
            .map(|v| serde_json::from_slice(&v?).map_err(json_err))
            .collect()
    }

    /// Deletes everything the store holds for a tenant: its record and tokens, routes, template
    /// overrides, meeting memory, notices, disabled targets, pending and dead jobs with their
    /// attempts, stored raw events, and the bot's subscriptions and codes. Safe to repeat: every
    /// step deletes what is still there, in an order that leaves no dangling index if a crash
    /// interrupts it. `event_last` (the app_deauthorized event being handled) is removed at the very
    /// end, so a crash mid-purge leaves it in the inbox and the purge runs again.
    pub fn purge_tenant(
        &self,
        app_id: &str,
        account_id: &str,
        event_last: Option<u64>,
    ) -> Result<PurgeReport, StoreError> {
        let i = &self.inner;
        let prefix = tenant_prefix(app_id, account_id);
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
        let mut meetings = 0;
        for tag in [b'm', b'e'] {
            let mut p = vec![tag];
            p.extend_from_slice(&prefix);
            meetings += remove_prefix(&i.meetings, &p)?;
        }
        report.add("meeting_memory", meetings);

        // Jobs: pending, then dead, each with its indexes and attempt history.
        let owned = |a: &str, acc: &str| a == app_id && acc == account_id;
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
                i.dead.remove(d.job.id.to_be_bytes())?;
                dead += 1;
            }
        }
        report.add("dead_letters", dead);
        report.add("sent", self.purge_sent_tenant(app_id, account_id)?);

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
            if !event_belongs(&rec, app_id, account_id) {
                continue;
            }
            attempts += self.remove_history_of_event(seq)?;
            i.inbox.remove(&k)?;
            i.events.remove(&k)?;
            events += 1;
        }
        report.add("attempts", attempts);
        report.add("events", events);

        report.add("bot_records", self.purge_bot_tenant(app_id, account_id)?);
        report.add(
            "sessions_and_tokens",
            self.purge_auth_tenant(app_id, account_id)?,
        );

        if let Some(seq) = event_last {
            let k = super::events::seq_key(seq);
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
            if k.len() == 17 && k[9..] == job.id.to_be_bytes() {
                i.outbox_due.remove(k)?;
            }
        }
        for k in i.outbox_dest.iter().keys() {
            let k = k?;
            if k.len() == 16 && k[8..] == job.id.to_be_bytes() {
                i.outbox_dest.remove(k)?;
            }
        }
        remove_prefix(&i.attempts, &job.id.to_be_bytes())?;
        self.clear_part_progress(job.id)?;
        i.idem.remove(job.idempotency_key.as_bytes())?;
        i.outbox.remove(job.id.to_be_bytes())?;
        Ok(())
    }

    /// Attempt records and idempotency keys of the jobs an event produced (found through the
    /// idempotency keys, which start with `msg_{seq}_`). Returns the attempts removed.
    fn remove_history_of_event(&self, seq: u64) -> Result<u64, StoreError> {
        let i = &self.inner;
        let mut n = 0;
        let prefix = format!("msg_{seq}_");
        for item in i.idem.scan_prefix(prefix.as_bytes()) {
            let (k, v) = item?;
            if let Ok(id) = <[u8; 8]>::try_from(v.as_ref()) {
                n += remove_prefix(&i.attempts, &id)?;
                self.clear_part_progress(u64::from_be_bytes(id))?;
            }
            i.idem.remove(k)?;
        }
        Ok(n)
    }
}

/// An event belongs to the tenant when its header says so, or, for a malformed event whose
/// account could not be parsed, when the raw body names the account.
fn event_belongs(rec: &EventRecord, app_id: &str, account_id: &str) -> bool {
    if rec.event.app_id != app_id {
        return false;
    }
    match &rec.event.account_id {
        Some(a) => a == account_id,
        None => rec.event.body.contains(account_id),
    }
}

//! Notices for a tenant's organizers (a kicked bot, a webhook that answered 410, ...), and targets
//! that were disabled because retrying them cannot help.

use serde::{Deserialize, Serialize};

use super::TenantId;
use super::keys::{disabled_key, notice_key};
use super::{Store, StoreError, decode_all, encode, tenant_scan};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Notice {
    pub id: u64,
    pub app_id: String,
    pub account_id: String,
    pub at_ms: i64,
    /// A short machine-readable kind, e.g. `webhook_gone`, `telegram_forbidden`.
    pub kind: String,
    /// What happened and what to do, for people.
    pub message: String,
    /// The route and target concerned, if any.
    pub route: Option<String>,
    pub target: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DisabledTarget {
    pub app_id: String,
    pub account_id: String,
    /// `Target::key()` of the disabled target.
    pub target: String,
    pub reason: String,
    pub at_ms: i64,
}

impl Notice {
    /// Notice `id`, raised now; [`super::seam::NoticeStore::add_notice`] builds every notice here.
    pub(super) fn now(
        id: u64,
        (app_id, account_id): (&str, &str),
        kind: &str,
        message: &str,
        route: Option<&str>,
        target: Option<&str>,
    ) -> Self {
        Notice {
            id,
            app_id: app_id.to_string(),
            account_id: account_id.to_string(),
            at_ms: chrono::Utc::now().timestamp_millis(),
            kind: kind.to_string(),
            message: message.to_string(),
            route: route.map(str::to_string),
            target: target.map(str::to_string),
        }
    }
}

impl DisabledTarget {
    /// A target disabled now, for `reason`.
    pub(super) fn now(app_id: &str, account_id: &str, target: &str, reason: &str) -> Self {
        DisabledTarget {
            app_id: app_id.to_string(),
            account_id: account_id.to_string(),
            target: target.to_string(),
            reason: reason.to_string(),
            at_ms: chrono::Utc::now().timestamp_millis(),
        }
    }
}

impl Store {
    pub fn next_notice_id(&self) -> Result<u64, StoreError> {
        Ok(self.inner.db.generate_id()? + 1)
    }

    pub fn put_notice(&self, n: &Notice) -> Result<(), StoreError> {
        let key = notice_key(&n.app_id, &n.account_id, n.id);
        self.inner.notices.insert(key, encode(n)?)?;
        Ok(())
    }

    /// Notices, newest first; one tenant's or everyone's.
    pub fn list_notices(&self, tenant: Option<&TenantId>) -> Result<Vec<Notice>, StoreError> {
        let mut out: Vec<Notice> = decode_all(tenant_scan(&self.inner.notices, tenant))?;
        out.sort_by_key(|n| std::cmp::Reverse(n.id));
        Ok(out)
    }

    pub fn put_disabled(&self, d: &DisabledTarget) -> Result<(), StoreError> {
        let key = disabled_key(&d.app_id, &d.account_id, &d.target);
        self.inner.disabled.insert(key, encode(d)?)?;
        Ok(())
    }

    pub fn enable_target(&self, tenant: &TenantId, target: &str) -> Result<bool, StoreError> {
        Ok(self
            .inner
            .disabled
            .remove(disabled_key(&tenant.app_id, &tenant.account_id, target))?
            .is_some())
    }

    pub fn is_target_disabled(&self, tenant: &TenantId, target: &str) -> Result<bool, StoreError> {
        Ok(self.inner.disabled.contains_key(disabled_key(
            &tenant.app_id,
            &tenant.account_id,
            target,
        ))?)
    }

    pub fn list_disabled(
        &self,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<DisabledTarget>, StoreError> {
        decode_all(tenant_scan(&self.inner.disabled, tenant))
    }
}

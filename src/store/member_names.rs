//! The names Telegram gave the members who subscribed to a tenant's routes through the bot, so the
//! console says "Ana Pérez" where it would otherwise say "Telegram member 5550001".
//!
//! Tree `member_names`: [`member_key`] (tenant prefix, Telegram user id) -> the name as UTF-8.
//! Scoped per tenant, not per person: a member's name is told to the community they subscribed to,
//! so another community that never had them cannot read it, and the uninstall purge removes it with
//! the rest of the tenant.

use std::collections::BTreeMap;

use super::TenantId;
use super::keys::{decode_member_key, member_key, tenant_prefix};
use super::{Store, StoreError};

impl Store {
    /// The stored names of the tenant's members, by Telegram user id.
    pub fn member_names(&self, tenant: &TenantId) -> Result<BTreeMap<i64, String>, StoreError> {
        let mut out = BTreeMap::new();
        for kv in self
            .inner
            .member_names
            .scan_prefix(tenant_prefix(&tenant.app_id, &tenant.account_id))
        {
            let (k, v) = kv?;
            if let Some((_, _, id)) = decode_member_key(&k) {
                out.insert(id, String::from_utf8_lossy(&v).into_owned());
            }
        }
        Ok(out)
    }

    /// Remembers `name` for member `user_id` of the tenant, replacing an older one; None forgets it.
    pub fn set_member_name(
        &self,
        tenant: &TenantId,
        user_id: i64,
        name: Option<&str>,
    ) -> Result<(), StoreError> {
        let key = member_key(&tenant.app_id, &tenant.account_id, user_id);
        let tree = &self.inner.member_names;
        match name {
            Some(n) => tree.insert(key, n.as_bytes())?,
            None => tree.remove(key)?,
        };
        Ok(())
    }
}

//! The names of the members who subscribed to a tenant's routes through the bot.

use super::*;

#[async_trait]
pub trait MemberNameStore: Send + Sync {
    /// The tenant's members' names by Telegram user id (only those the bot was told).
    async fn member_names(&self, tenant: &TenantId) -> Result<BTreeMap<i64, String>, StoreError>;

    /// Remembers `name` for `user_id` in the tenant, replacing an older one; None forgets it. The
    /// uninstall purge removes every name of the tenant.
    async fn set_member_name(
        &self,
        tenant: &TenantId,
        user_id: i64,
        name: Option<&str>,
    ) -> Result<(), StoreError>;
}

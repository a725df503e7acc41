//! Notices for operators and organizers, and disabled targets.

use super::*;

#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// A fresh notice id, larger than every earlier one (so newest first is by id).
    async fn next_notice_id(&self) -> Result<u64, StoreError>;

    /// Stores `n` under its tenant and id.
    async fn put_notice(&self, n: &Notice) -> Result<(), StoreError>;

    /// Records a notice for the tenant's organizers and returns it.
    async fn add_notice(
        &self,
        tenant: &TenantId,
        kind: &str,
        message: &str,
        route: Option<&str>,
        target: Option<&str>,
    ) -> Result<Notice, StoreError> {
        let id = self.next_notice_id().await?;
        let n = Notice::now(
            id,
            (&tenant.app_id, &tenant.account_id),
            kind,
            message,
            route,
            target,
        );
        self.put_notice(&n).await?;
        Ok(n)
    }

    /// Notices, newest first; one tenant's or everyone's.
    async fn list_notices(&self, tenant: Option<&TenantId>) -> Result<Vec<Notice>, StoreError>;

    /// Stores `d`, replacing an earlier record for the same tenant and target.
    async fn put_disabled(&self, d: &DisabledTarget) -> Result<(), StoreError>;

    /// Stops dispatching to `target` for this tenant until it is enabled again.
    async fn disable_target(
        &self,
        tenant: &TenantId,
        target: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.put_disabled(&DisabledTarget::now(
            &tenant.app_id,
            &tenant.account_id,
            target,
            reason,
        ))
        .await
    }

    async fn enable_target(&self, tenant: &TenantId, target: &str) -> Result<bool, StoreError>;

    async fn is_target_disabled(&self, tenant: &TenantId, target: &str)
    -> Result<bool, StoreError>;

    async fn list_disabled(
        &self,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<DisabledTarget>, StoreError>;
}

//! Notices for operators and organizers, and disabled targets.

use super::*;

#[async_trait]
pub trait NoticeStore: Send + Sync {
    async fn add_notice(
        &self,
        app_id: &str,
        account_id: &str,
        kind: &str,
        message: &str,
        route: Option<&str>,
        target: Option<&str>,
    ) -> Result<Notice, StoreError>;

    /// Notices, newest first; one tenant's or everyone's.
    async fn list_notices(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Notice>, StoreError>;

    /// Stops dispatching to `target` for this tenant until it is enabled again.
    async fn disable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
        reason: &str,
    ) -> Result<(), StoreError>;

    async fn enable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError>;

    async fn is_target_disabled(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError>;

    async fn list_disabled(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<DisabledTarget>, StoreError>;
}

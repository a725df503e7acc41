//! What is remembered about meetings.

use super::*;

#[async_trait]
pub trait MeetingStore: Send + Sync {
    /// What is known about a meeting (topic, join link), from earlier events or a lookup.
    async fn meeting_memory(
        &self,
        tenant: &TenantId,
        meeting_id: u64,
    ) -> Result<Option<MeetingMemory>, StoreError>;

    async fn remember_meeting(
        &self,
        tenant: &TenantId,
        meeting_id: u64,
        memory: &MeetingMemory,
    ) -> Result<(), StoreError>;

    async fn forget_meeting(&self, tenant: &TenantId, meeting_id: u64) -> Result<(), StoreError>;

    async fn mark_instance_ended(
        &self,
        tenant: &TenantId,
        uuid: &str,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// When the instance ended, if it has.
    async fn instance_ended(
        &self,
        tenant: &TenantId,
        uuid: &str,
    ) -> Result<Option<i64>, StoreError>;

    /// Drops memory entries and ended markers older than the retention.
    async fn expire_meetings(&self, now_ms: i64, retention_ms: i64) -> Result<usize, StoreError>;
}

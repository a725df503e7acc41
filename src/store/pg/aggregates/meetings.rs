//! Meeting memory and ended instances.

use super::*;

#[async_trait]
impl MeetingStore for PgStore {
    async fn meeting_memory(
        &self,
        tenant: &TenantId,
        meeting_id: u64,
    ) -> Result<Option<MeetingMemory>, StoreError> {
        self.record(
            "SELECT record FROM meetings WHERE app_id = $1 AND account_id = $2 AND meeting_id = $3",
            &[&tenant.app_id, &tenant.account_id, &(meeting_id as i64)],
        )
        .await
    }

    async fn remember_meeting(
        &self,
        tenant: &TenantId,
        meeting_id: u64,
        memory: &MeetingMemory,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO meetings (app_id, account_id, meeting_id, updated_at_ms, record)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (app_id, account_id, meeting_id)
             DO UPDATE SET updated_at_ms = EXCLUDED.updated_at_ms, record = EXCLUDED.record",
            &[
                &tenant.app_id,
                &tenant.account_id,
                &(meeting_id as i64),
                &memory.updated_at_ms,
                &enc(memory),
            ],
        )
        .await
    }

    async fn forget_meeting(&self, tenant: &TenantId, meeting_id: u64) -> Result<(), StoreError> {
        self.run(
            "DELETE FROM meetings WHERE app_id = $1 AND account_id = $2 AND meeting_id = $3",
            &[&tenant.app_id, &tenant.account_id, &(meeting_id as i64)],
        )
        .await
    }

    async fn mark_instance_ended(
        &self,
        tenant: &TenantId,
        uuid: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO meeting_ended (app_id, account_id, uuid, at_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, uuid) DO UPDATE SET at_ms = EXCLUDED.at_ms",
            &[&tenant.app_id, &tenant.account_id, &uuid, &at_ms],
        )
        .await
    }

    async fn instance_ended(
        &self,
        tenant: &TenantId,
        uuid: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self
            .query_opt(
                "SELECT at_ms FROM meeting_ended
                 WHERE app_id = $1 AND account_id = $2 AND uuid = $3",
                &[&tenant.app_id, &tenant.account_id, &uuid],
            )
            .await?
            .map(|r| r.get(0)))
    }

    async fn expire_meetings(&self, now_ms: i64, retention_ms: i64) -> Result<usize, StoreError> {
        let cutoff = now_ms.saturating_sub(retention_ms);
        let a = self
            .execute("DELETE FROM meetings WHERE updated_at_ms < $1", &[&cutoff])
            .await?;
        let b = self
            .execute("DELETE FROM meeting_ended WHERE at_ms < $1", &[&cutoff])
            .await?;
        Ok((a + b) as usize)
    }
}

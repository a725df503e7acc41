//! Notices and disabled targets.

use super::*;

#[async_trait]
impl NoticeStore for PgStore {
    async fn next_notice_id(&self) -> Result<u64, StoreError> {
        let id: i64 = self
            .query_opt("SELECT nextval('notice_id')", &[])
            .await?
            .ok_or_else(|| StoreError::Io("nextval returned nothing".into()))?
            .get(0);
        Ok(id as u64)
    }

    async fn put_notice(&self, n: &Notice) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO notices (id, app_id, account_id, record) VALUES ($1, $2, $3, $4)",
            &[&(n.id as i64), &n.app_id, &n.account_id, &enc(n)],
        )
        .await
    }

    async fn list_notices(&self, tenant: Option<&TenantId>) -> Result<Vec<Notice>, StoreError> {
        self.tenant_records("notices", "id DESC", tenant).await
    }

    async fn put_disabled(&self, d: &DisabledTarget) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO disabled_targets (app_id, account_id, target, record)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, target) DO UPDATE SET record = EXCLUDED.record",
            &[&d.app_id, &d.account_id, &d.target, &enc(d)],
        )
        .await
    }

    async fn enable_target(&self, tenant: &TenantId, target: &str) -> Result<bool, StoreError> {
        self.changed_one(
            "DELETE FROM disabled_targets
             WHERE app_id = $1 AND account_id = $2 AND target = $3",
            &[&tenant.app_id, &tenant.account_id, &target],
        )
        .await
    }

    async fn is_target_disabled(
        &self,
        tenant: &TenantId,
        target: &str,
    ) -> Result<bool, StoreError> {
        self.exists(
            "SELECT 1 FROM disabled_targets
             WHERE app_id = $1 AND account_id = $2 AND target = $3",
            &[&tenant.app_id, &tenant.account_id, &target],
        )
        .await
    }

    async fn list_disabled(
        &self,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<DisabledTarget>, StoreError> {
        self.tenant_records("disabled_targets", "app_id, account_id, target", tenant)
            .await
    }
}

//! Notices and disabled targets.

use super::*;

#[async_trait]
impl NoticeStore for PgStore {
    async fn add_notice(
        &self,
        app_id: &str,
        account_id: &str,
        kind: &str,
        message: &str,
        route: Option<&str>,
        target: Option<&str>,
    ) -> Result<Notice, StoreError> {
        let id: i64 = self
            .query_opt("SELECT nextval('notice_id')", &[])
            .await?
            .ok_or_else(|| StoreError::Io("nextval returned nothing".into()))?
            .get(0);
        let n = Notice::now(
            id as u64,
            (app_id, account_id),
            kind,
            message,
            route,
            target,
        );
        self.execute(
            "INSERT INTO notices (id, app_id, account_id, record) VALUES ($1, $2, $3, $4)",
            &[&id, &app_id, &account_id, &enc(&n)],
        )
        .await?;
        Ok(n)
    }

    async fn list_notices(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Notice>, StoreError> {
        self.tenant_records("notices", "id DESC", tenant).await
    }

    async fn disable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let d = DisabledTarget::now(app_id, account_id, target, reason);
        self.execute(
            "INSERT INTO disabled_targets (app_id, account_id, target, record)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, target) DO UPDATE SET record = EXCLUDED.record",
            &[&app_id, &account_id, &target, &enc(&d)],
        )
        .await?;
        Ok(())
    }

    async fn enable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .execute(
                "DELETE FROM disabled_targets
                 WHERE app_id = $1 AND account_id = $2 AND target = $3",
                &[&app_id, &account_id, &target],
            )
            .await?
            == 1)
    }

    async fn is_target_disabled(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .query_opt(
                "SELECT 1 FROM disabled_targets
                 WHERE app_id = $1 AND account_id = $2 AND target = $3",
                &[&app_id, &account_id, &target],
            )
            .await?
            .is_some())
    }

    async fn list_disabled(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<DisabledTarget>, StoreError> {
        self.tenant_records("disabled_targets", "app_id, account_id, target", tenant)
            .await
    }
}

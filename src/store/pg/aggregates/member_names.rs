//! The names of the members who subscribed to a tenant's routes: one row per tenant and user.

use std::collections::BTreeMap;

use super::*;

#[async_trait]
impl MemberNameStore for PgStore {
    async fn member_names(&self, tenant: &TenantId) -> Result<BTreeMap<i64, String>, StoreError> {
        self.map(
            "SELECT user_id, name FROM member_names WHERE app_id = $1 AND account_id = $2",
            &[&tenant.app_id, &tenant.account_id],
        )
        .await
    }

    async fn set_member_name(
        &self,
        tenant: &TenantId,
        user_id: i64,
        name: Option<&str>,
    ) -> Result<(), StoreError> {
        match name {
            Some(n) => {
                self.execute(
                    "INSERT INTO member_names (app_id, account_id, user_id, name)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (app_id, account_id, user_id) DO UPDATE SET name = EXCLUDED.name",
                    &[&tenant.app_id, &tenant.account_id, &user_id, &n],
                )
                .await?
            }
            None => {
                self.execute(
                    "DELETE FROM member_names
                     WHERE app_id = $1 AND account_id = $2 AND user_id = $3",
                    &[&tenant.app_id, &tenant.account_id, &user_id],
                )
                .await?
            }
        };
        Ok(())
    }
}

//! Console sessions and API tokens, both stored under the hash of their secret.

use super::*;

impl PgStore {
    /// Writes an API token or a bot code: keyed by its secret's hash, with its id, its tenant and
    /// when it was issued in columns (the listings filter and order by them). Returns whether
    /// `sql` wrote the row.
    pub(super) async fn put_issued<T: serde::Serialize + Sync>(
        &self,
        sql: &str,
        hash: [u8; 32],
        (id, app, account, created_ms): (&str, &str, &str, i64),
        record: &T,
    ) -> Result<bool, StoreError> {
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 6] = [
            &hash.as_slice(),
            &id,
            &app,
            &account,
            &created_ms,
            &enc(record),
        ];
        self.changed_one(sql, &params).await
    }

    /// Stores a session (the console's sign-in); sessions of a tenant go with its purge.
    async fn put_session_row(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        let (app, account) = match &s.grant {
            Grant::Tenant { app_id, account_id } => (Some(app_id), Some(account_id)),
            Grant::Operator => (None, None),
        };
        self.run(
            "INSERT INTO sessions (key, app_id, account_id, expires_at_ms, record)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key) DO UPDATE SET app_id = EXCLUDED.app_id,
                 account_id = EXCLUDED.account_id, expires_at_ms = EXCLUDED.expires_at_ms,
                 record = EXCLUDED.record",
            &[
                &secret_hash(id).as_slice(),
                &app,
                &account,
                &s.expires_at_ms,
                &enc(s),
            ],
        )
        .await
    }
}

#[async_trait]
impl AuthStore for PgStore {
    async fn put_session(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        self.put_session_row(id, s).await
    }

    async fn get_session(&self, id: &str, now_ms: i64) -> Result<Option<Session>, StoreError> {
        let key = secret_hash(id);
        let Some(row) = self
            .query_opt(
                "SELECT record FROM sessions WHERE key = $1",
                &[&key.as_slice()],
            )
            .await?
        else {
            return Ok(None);
        };
        let s: Session = dec_row(&row)?;
        if s.expires_at_ms <= now_ms {
            self.remove_session(id).await?;
            return Ok(None);
        }
        Ok(Some(s))
    }

    async fn remove_session(&self, id: &str) -> Result<(), StoreError> {
        self.run(
            "DELETE FROM sessions WHERE key = $1",
            &[&secret_hash(id).as_slice()],
        )
        .await
    }

    async fn expire_sessions(&self, now_ms: i64) -> Result<usize, StoreError> {
        Ok(self
            .execute("DELETE FROM sessions WHERE expires_at_ms <= $1", &[&now_ms])
            .await? as usize)
    }

    async fn put_api_token(&self, token: &str, t: &ApiToken) -> Result<(), StoreError> {
        let issued = (
            t.id.as_str(),
            t.app_id.as_str(),
            t.account_id.as_str(),
            t.created_at_ms,
        );
        self.put_issued(
            "INSERT INTO api_tokens (key, id, app_id, account_id, created_at_ms, record)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (key) DO UPDATE SET id = EXCLUDED.id, app_id = EXCLUDED.app_id,
                 account_id = EXCLUDED.account_id, created_at_ms = EXCLUDED.created_at_ms,
                 record = EXCLUDED.record",
            secret_hash(token),
            issued,
            t,
        )
        .await
        .map(drop)
    }

    async fn api_token(&self, token: &str) -> Result<Option<ApiToken>, StoreError> {
        self.record(
            "SELECT record FROM api_tokens WHERE key = $1",
            &[&secret_hash(token).as_slice()],
        )
        .await
    }

    async fn list_api_tokens(
        &self,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<ApiToken>, StoreError> {
        self.tenant_records("api_tokens", "created_at_ms, key", tenant)
            .await
    }

    async fn revoke_api_token(
        &self,
        id: &str,
        tenant: Option<&TenantId>,
    ) -> Result<bool, StoreError> {
        let (app, account) = tenant_params(tenant);
        self.changed_one(
            "DELETE FROM api_tokens WHERE key = (
                 SELECT key FROM api_tokens
                 WHERE id = $1 AND ($2::text IS NULL OR (app_id = $2 AND account_id = $3))
                 ORDER BY key LIMIT 1)",
            &[&id, &app, &account],
        )
        .await
    }
}

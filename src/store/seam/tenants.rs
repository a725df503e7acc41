//! Tenants with their audit trail, and console sign-in (sessions, API tokens).

use super::*;

#[async_trait]
pub trait TenantStore: Send + Sync {
    /// The tenant of (`app_id`, `account_id`), if that account installed the app.
    async fn get_tenant(&self, tenant: &TenantId) -> Result<Option<Tenant>, StoreError>;

    /// Inserts or replaces the tenant record. One key, so tokens and their expiry change together.
    async fn put_tenant(&self, t: &Tenant) -> Result<(), StoreError>;

    /// All tenants, or one app's, in key order.
    async fn list_tenants(&self, app_id: Option<&str>) -> Result<Vec<Tenant>, StoreError>;

    async fn add_audit(&self, e: &AuditEntry) -> Result<(), StoreError>;

    /// The audit trail, oldest first.
    async fn list_audit(&self) -> Result<Vec<AuditEntry>, StoreError>;

    /// Deletes everything the store holds for a tenant: its record and tokens, routes, template
    /// overrides, meeting memory, notices, disabled targets, pending and dead jobs with their
    /// attempts, stored raw events, and the bot's subscriptions and codes. Safe to repeat: every
    /// step deletes what is still there, in an order that leaves no dangling index if a crash
    /// interrupts it. `event_last` (the app_deauthorized event being handled) is removed at the very
    /// end, so a crash mid-purge leaves it in the inbox and the purge runs again.
    async fn purge_tenant(
        &self,
        tenant: &TenantId,
        event_last: Option<u64>,
    ) -> Result<PurgeReport, StoreError>;
}

#[async_trait]
pub trait AuthStore: Send + Sync {
    /// Stores a console session under the hash of `id` (the cookie value never reaches storage).
    async fn put_session(&self, id: &str, s: &Session) -> Result<(), StoreError>;

    /// The session, if it exists and has not expired (an expired one is removed).
    async fn get_session(&self, id: &str, now_ms: i64) -> Result<Option<Session>, StoreError>;

    async fn remove_session(&self, id: &str) -> Result<(), StoreError>;

    /// Drops expired sessions; returns how many.
    async fn expire_sessions(&self, now_ms: i64) -> Result<usize, StoreError>;

    async fn put_api_token(&self, token: &str, t: &ApiToken) -> Result<(), StoreError>;

    async fn api_token(&self, token: &str) -> Result<Option<ApiToken>, StoreError>;

    /// Every token, or one tenant's.
    async fn list_api_tokens(&self, tenant: Option<&TenantId>)
    -> Result<Vec<ApiToken>, StoreError>;

    /// Removes the token with public id `id` if it belongs to `tenant` (any tenant for None).
    /// Returns whether one was removed.
    async fn revoke_api_token(
        &self,
        id: &str,
        tenant: Option<&TenantId>,
    ) -> Result<bool, StoreError>;
}

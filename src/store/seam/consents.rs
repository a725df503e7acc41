//! Email consent (double opt-in) per route and address.

use super::*;
use crate::store::consents::Consent;

#[async_trait]
pub trait ConsentStore: Send + Sync {
    /// The consent of `address` (any case) for the tenant's route.
    async fn consent(
        &self,
        tenant: &TenantId,
        route: &str,
        address: &str,
    ) -> Result<Option<Consent>, StoreError>;

    /// Writes the record under its (tenant, route, address), replacing what is there.
    async fn put_consent(&self, c: &Consent) -> Result<(), StoreError>;

    /// Claims the one confirmation email `fresh`'s address may get within `window_ms`: when none
    /// went out in that window, records it as sent now (see [`Consent::invited`] for the state it
    /// gets) and returns the stored record; else writes nothing and returns None. One atomic step,
    /// so two requests racing (on any replica) claim one email between them.
    async fn claim_invite(
        &self,
        fresh: &Consent,
        now_ms: i64,
        window_ms: i64,
    ) -> Result<Option<Consent>, StoreError>;

    /// One tenant's consents, or one route's, ordered by route then address.
    async fn list_consents(
        &self,
        tenant: &TenantId,
        route: Option<&str>,
    ) -> Result<Vec<Consent>, StoreError>;

    /// Moves a route's consents to its new name. Safe to repeat. Returns how many moved.
    async fn rename_consents(
        &self,
        tenant: &TenantId,
        from: &str,
        to: &str,
    ) -> Result<u64, StoreError>;

    /// Whether the one-time migration (addresses already in routes count as confirmed) ran.
    async fn consents_migrated(&self) -> Result<bool, StoreError>;

    async fn set_consents_migrated(&self) -> Result<(), StoreError>;
}

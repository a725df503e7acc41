//! Routes and template overrides.

use super::*;

#[async_trait]
pub trait RouteStore: Send + Sync {
    /// A route with the version a later [`RouteStore::swap_route`] compares against. Use
    /// [`update_route`] rather than these two directly.
    async fn get_route_versioned(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<(Route, RouteVersion)>, StoreError>;
    /// Replaces the route (same tenant and name as `route`) only if it is still at `version`.
    /// False, writing nothing, when another writer got there first or the route is gone.
    async fn swap_route(&self, version: &RouteVersion, route: &Route) -> Result<bool, StoreError>;

    /// Writes `route` under its (tenant, name) only if no route of that name exists. Returns false,
    /// writing nothing, when one does.
    async fn create_route(&self, route: &Route) -> Result<bool, StoreError>;

    async fn routes_is_empty(&self) -> bool;

    async fn route_count(&self) -> usize;

    /// All routes, or one tenant's, in key order (tenant, then name).
    async fn list_routes(&self, tenant: Option<&TenantId>) -> Result<Vec<Route>, StoreError>;

    async fn get_route(&self, tenant: &TenantId, name: &str) -> Result<Option<Route>, StoreError>;

    /// Inserts or replaces blindly, whatever is stored. Returns true when the route is new. Only
    /// for writes that own the whole route (seeding an empty store, tests); a change to a stored
    /// route goes through [`Store::update_route`] so that a concurrent change is not lost.
    async fn put_route(&self, route: &Route) -> Result<bool, StoreError>;

    /// Removes route `name` and returns it as it was at the moment of removal (one atomic step),
    /// so a caller moving it elsewhere carries over every change made until then.
    async fn take_route(&self, tenant: &TenantId, name: &str) -> Result<Option<Route>, StoreError>;

    async fn remove_route(&self, tenant: &TenantId, name: &str) -> Result<bool, StoreError>;

    /// Upserts routes by (tenant, name). Callers validate everything first, so a write can only fail
    /// on I/O.
    async fn import_routes(&self, routes: &[Route]) -> Result<ImportReport, StoreError>;

    /// A tenant's template overrides, keyed `event/key` (e.g. `meeting.started/telegram.html`).
    async fn tenant_templates(
        &self,
        tenant: &TenantId,
    ) -> Result<BTreeMap<String, String>, StoreError>;

    async fn set_template(
        &self,
        tenant: &TenantId,
        event: &str,
        key: &str,
        source: &str,
    ) -> Result<(), StoreError>;

    async fn remove_template(
        &self,
        tenant: &TenantId,
        event: &str,
        key: &str,
    ) -> Result<bool, StoreError>;
}

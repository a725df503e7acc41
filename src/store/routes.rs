//! Routes and tenant-level template overrides.

use std::collections::BTreeMap;

use super::TenantId;
use super::keys::{route_key, template_key, tenant_prefix};
use super::seam::{ROUTE_CAS_TRIES, edit_route};
use super::{Store, StoreError, encode, json_err, tenant_scan};
use crate::routing::Route;

#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

impl Store {
    /// Decodes a stored route value, opening its sealed secrets.
    fn decode_route(&self, v: &[u8]) -> Result<Route, StoreError> {
        serde_json::from_slice(v)
            .map(|r| super::sealing::open_route(self.inner.data_key.as_ref(), r))
            .map_err(json_err)
    }

    /// Encodes a route for storage, sealing its webhook secrets (sealing.rs).
    fn encode_route(&self, route: &Route) -> Result<Vec<u8>, StoreError> {
        let sealed = super::sealing::seal_route(self.inner.data_key.as_ref(), route);
        encode(&sealed)
    }

    /// The one read-modify-write of a route: reads route `name`, lets `edit` change it, and writes
    /// it back with a compare-and-swap on the bytes it read. When another writer changed the route
    /// in between (a member's `/subscribe`, an organizer's edit), the swap fails and the whole step
    /// runs again on the fresh route, so neither write is lost. `edit` may therefore run more than
    /// once and must only change the route (no side effects); it may not change the route's app,
    /// account or name. Nothing is written when `edit` fails or leaves the route as it was.
    ///
    /// Single-key compare-and-swap rather than a sled transaction: transactions deadlock against
    /// a concurrent flush in sled 0.34.
    ///
    /// Returns `Ok(None)` when there is no such route, else what `edit` returned.
    pub fn update_route<T, E: From<StoreError>>(
        &self,
        tenant: &TenantId,
        name: &str,
        mut edit: impl FnMut(&mut Route) -> Result<T, E>,
    ) -> Result<Option<T>, E> {
        let key = route_key(&tenant.app_id, &tenant.account_id, name);
        for _ in 0..ROUTE_CAS_TRIES {
            let Some(old) = self.inner.routes.get(&key).map_err(StoreError::from)? else {
                return Ok(None);
            };
            let before = self.decode_route(&old)?;
            let (out, changed) = edit_route(&before, &mut edit)?;
            let Some(route) = changed else {
                return Ok(Some(out));
            };
            let new = self.encode_route(&route)?;
            if self
                .inner
                .routes
                .compare_and_swap(&key, Some(old), Some(new))
                .map_err(StoreError::from)?
                .is_ok()
            {
                return Ok(Some(out));
            }
        }
        Err(StoreError::Contended(format!("route `{name}`")).into())
    }

    /// A route with the stored bytes as its version (the seam's compare-and-swap primitive).
    pub fn get_route_versioned(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<(Route, super::seam::RouteVersion)>, StoreError> {
        match self
            .inner
            .routes
            .get(route_key(&tenant.app_id, &tenant.account_id, name))?
        {
            None => Ok(None),
            Some(v) => Ok(Some((
                self.decode_route(&v)?,
                super::seam::RouteVersion(v.to_vec()),
            ))),
        }
    }

    /// Replaces the route only if its stored bytes are still `version`: a byte compare, since
    /// sealing makes two encodings of one route differ.
    pub fn swap_route(
        &self,
        version: &super::seam::RouteVersion,
        route: &Route,
    ) -> Result<bool, StoreError> {
        self.put_route_if(route, Some(version.0.as_slice()))
    }

    /// Writes `route` under its (tenant, name) only if no route of that name exists. Returns false,
    /// writing nothing, when one does.
    pub fn create_route(&self, route: &Route) -> Result<bool, StoreError> {
        self.put_route_if(route, None)
    }

    /// Writes `route` only if its key still holds `expected` (None: nothing); whether it did.
    fn put_route_if(&self, route: &Route, expected: Option<&[u8]>) -> Result<bool, StoreError> {
        let new = self.encode_route(route)?;
        let key = route_key(&route.app_id, &route.account_id, &route.name);
        Ok(self
            .inner
            .routes
            .compare_and_swap(key, expected, Some(new))?
            .is_ok())
    }

    pub fn routes_is_empty(&self) -> bool {
        self.inner.routes.is_empty()
    }

    pub fn route_count(&self) -> usize {
        self.inner.routes.len()
    }

    /// All routes, or one tenant's, in key order (tenant, then name).
    pub fn list_routes(&self, tenant: Option<&TenantId>) -> Result<Vec<Route>, StoreError> {
        tenant_scan(&self.inner.routes, tenant)
            .values()
            .map(|v| self.decode_route(&v?))
            .collect()
    }

    pub fn get_route(&self, tenant: &TenantId, name: &str) -> Result<Option<Route>, StoreError> {
        let v = self
            .inner
            .routes
            .get(route_key(&tenant.app_id, &tenant.account_id, name))?;
        v.map(|v| self.decode_route(&v)).transpose()
    }

    /// Inserts or replaces blindly, whatever is stored. Returns true when the route is new. Only
    /// for writes that own the whole route (seeding an empty store, tests); a change to a stored
    /// route goes through [`Store::update_route`] so that a concurrent change is not lost.
    pub fn put_route(&self, route: &Route) -> Result<bool, StoreError> {
        let v = self.encode_route(route)?;
        let old = self
            .inner
            .routes
            .insert(route_key(&route.app_id, &route.account_id, &route.name), v)?;
        Ok(old.is_none())
    }

    /// Removes route `name` and returns it as it was at the moment of removal (one atomic step),
    /// so a caller moving it elsewhere carries over every change made until then.
    pub fn take_route(&self, tenant: &TenantId, name: &str) -> Result<Option<Route>, StoreError> {
        let v = self
            .inner
            .routes
            .remove(route_key(&tenant.app_id, &tenant.account_id, name))?;
        v.map(|v| self.decode_route(&v)).transpose()
    }

    pub fn remove_route(&self, tenant: &TenantId, name: &str) -> Result<bool, StoreError> {
        Ok(self
            .inner
            .routes
            .remove(route_key(&tenant.app_id, &tenant.account_id, name))?
            .is_some())
    }

    /// Upserts routes by (tenant, name). Callers validate everything first, so a write can only fail
    /// on I/O.
    pub fn import_routes(&self, routes: &[Route]) -> Result<ImportReport, StoreError> {
        let mut rep = ImportReport::default();
        for r in routes {
            if self.put_route(r)? {
                rep.created += 1;
            } else {
                rep.updated += 1;
            }
        }
        Ok(rep)
    }

    /// A tenant's template overrides, keyed `event/key` (e.g. `meeting.started/telegram.html`).
    pub fn tenant_templates(
        &self,
        tenant: &TenantId,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let prefix = tenant_prefix(&tenant.app_id, &tenant.account_id);
        let mut out = BTreeMap::new();
        for item in self.inner.templates.scan_prefix(&prefix) {
            let (k, v) = item?;
            out.insert(
                String::from_utf8_lossy(&k[prefix.len()..]).into_owned(),
                String::from_utf8_lossy(&v).into_owned(),
            );
        }
        Ok(out)
    }

    pub fn set_template(
        &self,
        tenant: &TenantId,
        event: &str,
        key: &str,
        source: &str,
    ) -> Result<(), StoreError> {
        self.inner.templates.insert(
            template_key(&tenant.app_id, &tenant.account_id, event, key),
            source.as_bytes(),
        )?;
        Ok(())
    }

    pub fn remove_template(
        &self,
        tenant: &TenantId,
        event: &str,
        key: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .inner
            .templates
            .remove(template_key(&tenant.app_id, &tenant.account_id, event, key))?
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Destination;

    fn store() -> (tempfile::TempDir, Store) {
        crate::store::temp_store()
    }

    fn route(name: &str) -> Route {
        crate::store::test_route(name)
    }

    #[test]
    fn concurrent_updates_of_one_route_all_land() {
        let (_d, s) = store();
        s.put_route(&route("r")).unwrap();
        std::thread::scope(|scope| {
            for t in 0..8i64 {
                let s = &s;
                scope.spawn(move || {
                    for i in 0..25 {
                        s.update_route(&TenantId::new("default", "acc"), "r", |r| {
                            r.destinations.push(Destination::Telegram {
                                chat_id: t * 1000 + i,
                                thread_id: None,
                                member: true,
                                bot: None,
                            });
                            Ok::<_, StoreError>(())
                        })
                        .unwrap()
                        .expect("route exists");
                    }
                });
            }
        });
        let r = s
            .get_route(&TenantId::new("default", "acc"), "r")
            .unwrap()
            .unwrap();
        assert_eq!(r.destinations.len(), 1 + 8 * 25, "no update was lost");
    }

    #[test]
    fn update_of_a_missing_route_writes_nothing_and_create_refuses_a_taken_name() {
        let (_d, s) = store();
        let out = s
            .update_route(&TenantId::new("default", "acc"), "nope", |_| {
                Ok::<_, StoreError>(1)
            })
            .unwrap();
        assert_eq!(out, None);
        assert!(
            s.get_route(&TenantId::new("default", "acc"), "nope")
                .unwrap()
                .is_none()
        );
        assert!(s.create_route(&route("r")).unwrap());
        let mut other = route("r");
        other.enabled = false;
        assert!(!s.create_route(&other).unwrap(), "the name is taken");
        assert!(
            s.get_route(&TenantId::new("default", "acc"), "r")
                .unwrap()
                .unwrap()
                .enabled
        );
        let renamed = s.update_route(&TenantId::new("default", "acc"), "r", |r| {
            r.name = "other".into();
            Ok::<_, StoreError>(())
        });
        assert!(renamed.is_err(), "an update cannot rename");
    }
}

//! Routes and tenant-level template overrides.

use std::collections::BTreeMap;

use super::{Store, StoreError, json_err, tenant_prefix};
use crate::routing::Route;

#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

fn route_key(app_id: &str, account_id: &str, name: &str) -> Vec<u8> {
    let mut k = tenant_prefix(app_id, account_id);
    k.extend_from_slice(name.as_bytes());
    k
}

fn template_key(app_id: &str, account_id: &str, event: &str, key: &str) -> Vec<u8> {
    let mut k = tenant_prefix(app_id, account_id);
    k.extend_from_slice(event.as_bytes());
    k.push(b'/');
    k.extend_from_slice(key.as_bytes());
    k
}

impl Store {
    pub fn routes_is_empty(&self) -> bool {
        self.inner.routes.is_empty()
    }

    pub fn route_count(&self) -> usize {
        self.inner.routes.len()
    }

    /// All routes, or one tenant's, in key order (tenant, then name).
    pub fn list_routes(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Route>, StoreError> {
        let iter = match tenant {
            Some((app, account)) => self.inner.routes.scan_prefix(tenant_prefix(app, account)),
            None => self.inner.routes.iter(),
        };
        let key = self.inner.data_key.as_ref();
        iter.values()
            .map(|v| {
                serde_json::from_slice(&v?)
                    .map(|r| super::sealing::open_route(key, r))
                    .map_err(json_err)
            })
            .collect()
    }

    pub fn get_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Route>, StoreError> {
        self.inner
            .routes
            .get(route_key(app_id, account_id, name))?
            .map(|v| {
                serde_json::from_slice(&v)
                    .map(|r| super::sealing::open_route(self.inner.data_key.as_ref(), r))
                    .map_err(json_err)
            })
            .transpose()
    }

    /// Inserts or replaces. Returns true when the route is new.
    pub fn put_route(&self, route: &Route) -> Result<bool, StoreError> {
        // Webhook secrets are sealed at rest (sealing.rs).
        let sealed = super::sealing::seal_route(self.inner.data_key.as_ref(), route);
        let v = serde_json::to_vec(&sealed).map_err(json_err)?;
        let old = self
            .inner
            .routes
            .insert(route_key(&route.app_id, &route.account_id, &route.name), v)?;
        Ok(old.is_none())
    }

    pub fn remove_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .inner
            .routes
            .remove(route_key(app_id, account_id, name))?
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
        app_id: &str,
        account_id: &str,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let prefix = tenant_prefix(app_id, account_id);
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
        app_id: &str,
        account_id: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> Result<(), StoreError> {
        self.inner.templates.insert(
            template_key(app_id, account_id, event, key),
            source.as_bytes(),
        )?;
        Ok(())
    }

    pub fn remove_template(
        &self,
        app_id: &str,
        account_id: &str,
        event: &str,
        key: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .inner
            .templates
            .remove(template_key(app_id, account_id, event, key))?
            .is_some())
    }
}

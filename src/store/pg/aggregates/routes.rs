//! Routes and template overrides: one row per route with a version for the compare-and-swap.

use super::*;

impl PgStore {
    fn encode_route(&self, route: &Route) -> Vec<u8> {
        enc(&seal_route(self.shared.data_key.as_ref(), route))
    }

    fn decode_route(&self, v: &[u8]) -> Result<Route, StoreError> {
        dec::<Route>(v).map(|r| open_route(self.shared.data_key.as_ref(), r))
    }
}

async fn put_route_tx(tx: &Tx<'_>, store: &PgStore, route: &Route) -> Result<bool, StoreError> {
    let row = tx
        .query_opt(
            "INSERT INTO routes (app_id, account_id, name, version, record) VALUES ($1, $2, $3, 1, $4)
             ON CONFLICT (app_id, account_id, name)
             DO UPDATE SET record = EXCLUDED.record, version = routes.version + 1
             RETURNING (xmax = 0)",
            &[
                &route.app_id,
                &route.account_id,
                &route.name,
                &store.encode_route(route),
            ],
        )
        .await?;
    Ok(row.is_some_and(|r| r.get::<_, bool>(0)))
}

#[async_trait]
impl RouteStore for PgStore {
    async fn get_route_versioned(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<(Route, RouteVersion)>, StoreError> {
        match self
            .query_opt(
                "SELECT record, version FROM routes
                 WHERE app_id = $1 AND account_id = $2 AND name = $3",
                &[&tenant.app_id, &tenant.account_id, &name],
            )
            .await?
        {
            None => Ok(None),
            Some(r) => Ok(Some((
                self.decode_route(r.get::<_, &[u8]>(0))?,
                RouteVersion(r.get::<_, i64>(1).to_be_bytes().to_vec()),
            ))),
        }
    }

    async fn swap_route(&self, version: &RouteVersion, route: &Route) -> Result<bool, StoreError> {
        let Ok(v) = <[u8; 8]>::try_from(version.0.as_slice()) else {
            return Ok(false); // not a version this backend handed out
        };
        self.changed_one(
            "UPDATE routes SET record = $5, version = version + 1
             WHERE app_id = $1 AND account_id = $2 AND name = $3 AND version = $4",
            &[
                &route.app_id,
                &route.account_id,
                &route.name,
                &i64::from_be_bytes(v),
                &self.encode_route(route),
            ],
        )
        .await
    }

    async fn create_route(&self, route: &Route) -> Result<bool, StoreError> {
        self.changed_one(
            "INSERT INTO routes (app_id, account_id, name, version, record)
             VALUES ($1, $2, $3, 1, $4) ON CONFLICT DO NOTHING",
            &[
                &route.app_id,
                &route.account_id,
                &route.name,
                &self.encode_route(route),
            ],
        )
        .await
    }

    async fn routes_is_empty(&self) -> bool {
        self.route_count().await == 0
    }

    async fn route_count(&self) -> usize {
        self.count("SELECT count(*) FROM routes", &[]).await
    }

    async fn list_routes(&self, tenant: Option<&TenantId>) -> Result<Vec<Route>, StoreError> {
        let key = self.shared.data_key.as_ref();
        let routes: Vec<Route> = self
            .tenant_records("routes", "app_id, account_id, name", tenant)
            .await?;
        Ok(routes.into_iter().map(|r| open_route(key, r)).collect())
    }

    async fn get_route(&self, tenant: &TenantId, name: &str) -> Result<Option<Route>, StoreError> {
        Ok(self
            .get_route_versioned(tenant, name)
            .await?
            .map(|(r, _)| r))
    }

    async fn put_route(&self, route: &Route) -> Result<bool, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let new = put_route_tx(&tx, self, route).await?;
        tx.commit().await?;
        Ok(new)
    }

    async fn take_route(&self, tenant: &TenantId, name: &str) -> Result<Option<Route>, StoreError> {
        self.query_opt(
            "DELETE FROM routes WHERE app_id = $1 AND account_id = $2 AND name = $3
             RETURNING record",
            &[&tenant.app_id, &tenant.account_id, &name],
        )
        .await?
        .map(|r| self.decode_route(r.get::<_, &[u8]>(0)))
        .transpose()
    }

    async fn remove_route(&self, tenant: &TenantId, name: &str) -> Result<bool, StoreError> {
        self.changed_one(
            "DELETE FROM routes WHERE app_id = $1 AND account_id = $2 AND name = $3",
            &[&tenant.app_id, &tenant.account_id, &name],
        )
        .await
    }

    async fn import_routes(&self, routes: &[Route]) -> Result<ImportReport, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let mut rep = ImportReport::default();
        for r in routes {
            if put_route_tx(&tx, self, r).await? {
                rep.created += 1;
            } else {
                rep.updated += 1;
            }
        }
        tx.commit().await?;
        Ok(rep)
    }

    async fn tenant_templates(
        &self,
        tenant: &TenantId,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        self.map(
            "SELECT name, source FROM templates WHERE app_id = $1 AND account_id = $2",
            &[&tenant.app_id, &tenant.account_id],
        )
        .await
    }

    async fn set_template(
        &self,
        tenant: &TenantId,
        event: &str,
        key: &str,
        source: &str,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO templates (app_id, account_id, name, source) VALUES ($1, $2, $3, $4)
             ON CONFLICT (app_id, account_id, name) DO UPDATE SET source = EXCLUDED.source",
            &[
                &tenant.app_id,
                &tenant.account_id,
                &format!("{event}/{key}"),
                &source,
            ],
        )
        .await
    }

    async fn remove_template(
        &self,
        tenant: &TenantId,
        event: &str,
        key: &str,
    ) -> Result<bool, StoreError> {
        self.changed_one(
            "DELETE FROM templates WHERE app_id = $1 AND account_id = $2 AND name = $3",
            &[
                &tenant.app_id,
                &tenant.account_id,
                &format!("{event}/{key}"),
            ],
        )
        .await
    }
}

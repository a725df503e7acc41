//! Email consent: one row per (tenant, route, address), the record as the sled backend stores it.

use super::*;
use crate::store::consents::Consent;

const CONSENTS_MIGRATED: &str = "email_consents_migrated";

async fn put_consent_tx(tx: &Tx<'_>, c: &Consent) -> Result<(), StoreError> {
    tx.run(
        "INSERT INTO email_consents (app_id, account_id, route, address, record)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (app_id, account_id, route, address) DO UPDATE SET record = EXCLUDED.record",
        &[&c.app_id, &c.account_id, &c.route, &c.address, &enc(c)],
    )
    .await
}

#[async_trait]
impl ConsentStore for PgStore {
    async fn consent(
        &self,
        tenant: &TenantId,
        route: &str,
        address: &str,
    ) -> Result<Option<Consent>, StoreError> {
        self.record(
            "SELECT record FROM email_consents
             WHERE app_id = $1 AND account_id = $2 AND route = $3 AND address = $4",
            &[
                &tenant.app_id,
                &tenant.account_id,
                &route,
                &address.trim().to_lowercase(),
            ],
        )
        .await
    }

    async fn put_consent(&self, c: &Consent) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = Tx::begin(self, &mut client).await?;
        put_consent_tx(&tx, c).await?;
        tx.commit().await
    }

    async fn claim_invite(
        &self,
        fresh: &Consent,
        now_ms: i64,
        window_ms: i64,
    ) -> Result<Option<Consent>, StoreError> {
        // The row is locked while the decision is taken; a row inserted by another replica between
        // the read and the insert makes the insert a no-op, and the loop decides again.
        for _ in 0..8 {
            let mut client = self.client().await?;
            let tx = Tx::begin(self, &mut client).await?;
            let old: Option<Consent> = tx
                .record(
                    "SELECT record FROM email_consents
                     WHERE app_id = $1 AND account_id = $2 AND route = $3 AND address = $4
                     FOR UPDATE",
                    &[
                        &fresh.app_id,
                        &fresh.account_id,
                        &fresh.route,
                        &fresh.address,
                    ],
                )
                .await?;
            let Some(next) = Consent::invited(old.as_ref(), fresh.clone(), now_ms, window_ms)
            else {
                tx.commit().await?;
                return Ok(None);
            };
            if old.is_some() {
                put_consent_tx(&tx, &next).await?;
            } else {
                let inserted = tx
                    .execute(
                        "INSERT INTO email_consents (app_id, account_id, route, address, record)
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                        &[
                            &next.app_id,
                            &next.account_id,
                            &next.route,
                            &next.address,
                            &enc(&next),
                        ],
                    )
                    .await?;
                if inserted == 0 {
                    continue;
                }
            }
            tx.commit().await?;
            return Ok(Some(next));
        }
        Err(StoreError::Contended(format!(
            "email confirmation of route {}",
            fresh.route
        )))
    }

    async fn list_consents(
        &self,
        tenant: &TenantId,
        route: Option<&str>,
    ) -> Result<Vec<Consent>, StoreError> {
        self.records(
            "SELECT record FROM email_consents
             WHERE app_id = $1 AND account_id = $2 AND ($3::text IS NULL OR route = $3)
             ORDER BY route, address",
            &[&tenant.app_id, &tenant.account_id, &route],
        )
        .await
    }

    async fn rename_consents(
        &self,
        tenant: &TenantId,
        from: &str,
        to: &str,
    ) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = Tx::begin(self, &mut client).await?;
        let rows = tx
            .query(
                "DELETE FROM email_consents
                 WHERE app_id = $1 AND account_id = $2 AND route = $3 RETURNING record",
                &[&tenant.app_id, &tenant.account_id, &from],
            )
            .await?;
        for r in &rows {
            let c: Consent = dec_row(r)?;
            put_consent_tx(
                &tx,
                &Consent {
                    route: to.to_string(),
                    ..c
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    async fn consents_migrated(&self) -> Result<bool, StoreError> {
        Ok(self.state(CONSENTS_MIGRATED).await?.is_some())
    }

    async fn set_consents_migrated(&self) -> Result<(), StoreError> {
        self.set_state(CONSENTS_MIGRATED, "1").await
    }
}

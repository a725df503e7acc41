//! Stored Zoom apps and app invitations. The compare-and-swaps of the sled trees become
//! conditional statements: an insert that does nothing on conflict, an update that names the
//! revision (or, for an invitation, the record) it read.

use super::*;
use crate::store::apps::{AppInvite, InviteUse, StoredApp, decide_use, withdraw};

#[async_trait]
impl AppStore for PgStore {
    async fn list_apps(&self) -> Result<Vec<StoredApp>, StoreError> {
        self.records("SELECT record FROM apps ORDER BY id", &[])
            .await
    }

    async fn get_app(&self, id: &str) -> Result<Option<StoredApp>, StoreError> {
        self.record("SELECT record FROM apps WHERE id = $1", &[&id])
            .await
    }

    async fn insert_app(&self, app: &StoredApp) -> Result<bool, StoreError> {
        self.changed_one(
            "INSERT INTO apps (id, revision, record) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO NOTHING",
            &[&app.id, &(app.revision as i64), &enc(app)],
        )
        .await
    }

    async fn swap_app(&self, expected: u64, app: &StoredApp) -> Result<bool, StoreError> {
        self.changed_one(
            "UPDATE apps SET revision = $3, record = $4 WHERE id = $1 AND revision = $2",
            &[
                &app.id,
                &(expected as i64),
                &(app.revision as i64),
                &enc(app),
            ],
        )
        .await
    }

    async fn delete_app(&self, id: &str) -> Result<bool, StoreError> {
        self.changed_one("DELETE FROM apps WHERE id = $1", &[&id])
            .await
    }

    async fn put_app_invite(&self, hash: &[u8; 32], rec: &AppInvite) -> Result<bool, StoreError> {
        self.changed_one(
            "INSERT INTO app_invites (hash, record) VALUES ($1, $2)
             ON CONFLICT (hash) DO NOTHING",
            &[&hash.as_slice(), &enc(rec)],
        )
        .await
    }

    async fn app_invite(&self, hash: &[u8; 32]) -> Result<Option<AppInvite>, StoreError> {
        self.record(
            "SELECT record FROM app_invites WHERE hash = $1",
            &[&hash.as_slice()],
        )
        .await
    }

    async fn list_app_invites(&self) -> Result<Vec<AppInvite>, StoreError> {
        let mut out: Vec<AppInvite> = self.records("SELECT record FROM app_invites", &[]).await?;
        out.sort_by_key(|i| i.created_at_ms);
        Ok(out)
    }

    async fn expire_app_invites(
        &self,
        id_prefix: &str,
        now_ms: i64,
    ) -> Result<Vec<AppInvite>, StoreError> {
        let mut out = Vec::new();
        for row in self
            .query("SELECT hash, record FROM app_invites", &[])
            .await?
        {
            let (hash, old): (&[u8], &[u8]) = (row.get(0), row.get(1));
            let Some(rec) = withdraw(dec(old)?, id_prefix, now_ms) else {
                continue;
            };
            let swapped = self
                .changed_one(
                    "UPDATE app_invites SET record = $3 WHERE hash = $1 AND record = $2",
                    &[&hash, &old, &enc(&rec)],
                )
                .await?;
            if swapped {
                out.push(rec);
            }
        }
        out.sort_by_key(|i| i.created_at_ms);
        Ok(out)
    }

    async fn prune_app_invites(&self, before_ms: i64) -> Result<usize, StoreError> {
        let mut n = 0;
        for row in self
            .query("SELECT hash, record FROM app_invites", &[])
            .await?
        {
            let (hash, rec): (&[u8], &[u8]) = (row.get(0), row.get(1));
            let inv: AppInvite = dec(rec)?;
            if inv.expires_at_ms < before_ms {
                n += self
                    .execute(
                        "DELETE FROM app_invites WHERE hash = $1 AND record = $2",
                        &[&hash, &rec],
                    )
                    .await? as usize;
            }
        }
        Ok(n)
    }

    async fn use_app_invite(&self, hash: &[u8; 32], now_ms: i64) -> Result<InviteUse, StoreError> {
        loop {
            let Some(row) = self
                .query_opt(
                    "SELECT record FROM app_invites WHERE hash = $1",
                    &[&hash.as_slice()],
                )
                .await?
            else {
                return Ok(InviteUse::Unknown);
            };
            let old: &[u8] = row.get(0);
            let rec = match decide_use(dec(old)?, now_ms) {
                Ok(rec) => rec,
                Err(refused) => return Ok(refused),
            };
            let swapped = self
                .changed_one(
                    "UPDATE app_invites SET record = $3 WHERE hash = $1 AND record = $2",
                    &[&hash.as_slice(), &old, &enc(&rec)],
                )
                .await?;
            if swapped {
                return Ok(InviteUse::Used(rec));
            }
        }
    }
}

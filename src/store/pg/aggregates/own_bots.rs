//! Communities' own bots: one row per tenant, `bot_id` unique so one bot serves one community.

use super::*;
use crate::store::own_bots::{OwnBot, offset_key, watermark_key};

impl PgStore {
    /// Rewrites the record of bot `bot_id` under a row lock; false when no tenant has it.
    async fn update_own_bot(
        &self,
        bot_id: i64,
        f: impl Fn(&mut OwnBot) + Send,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = Tx::begin(self, &mut client).await?;
        let Some(mut bot) = tx
            .query_opt(
                "SELECT record FROM own_bots WHERE bot_id = $1 FOR UPDATE",
                &[&bot_id],
            )
            .await?
            .map(|r| dec::<OwnBot>(r.get::<_, &[u8]>(0)))
            .transpose()?
        else {
            tx.commit().await?;
            return Ok(false);
        };
        f(&mut bot);
        tx.execute(
            "UPDATE own_bots SET record = $2 WHERE bot_id = $1",
            &[&bot_id, &enc(&bot)],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[async_trait]
impl OwnBotStore for PgStore {
    async fn own_bot(&self, tenant: &TenantId) -> Result<Option<OwnBot>, StoreError> {
        self.record(
            "SELECT record FROM own_bots WHERE app_id = $1 AND account_id = $2",
            &[&tenant.app_id, &tenant.account_id],
        )
        .await
    }

    async fn own_bot_by_id(&self, bot_id: i64) -> Result<Option<OwnBot>, StoreError> {
        self.record("SELECT record FROM own_bots WHERE bot_id = $1", &[&bot_id])
            .await
    }

    async fn all_own_bots(&self) -> Result<Vec<OwnBot>, StoreError> {
        self.records(
            "SELECT record FROM own_bots ORDER BY app_id, account_id",
            &[],
        )
        .await
    }

    async fn put_own_bot(&self, bot: &OwnBot) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = Tx::begin(self, &mut client).await?;
        // The tenant's previous bot goes first, so reconnecting the same bot is an update.
        tx.execute(
            "DELETE FROM own_bots WHERE app_id = $1 AND account_id = $2",
            &[&bot.app_id, &bot.account_id],
        )
        .await?;
        let inserted = tx
            .changed_one(
                "INSERT INTO own_bots (app_id, account_id, bot_id, record) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (bot_id) DO NOTHING",
                &[&bot.app_id, &bot.account_id, &bot.bot_id, &enc(bot)],
            )
            .await?;
        if !inserted {
            // Another tenant has this bot: dropping the transaction undoes the delete.
            drop(tx);
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn remove_own_bot(&self, tenant: &TenantId) -> Result<Option<OwnBot>, StoreError> {
        self.record(
            "DELETE FROM own_bots WHERE app_id = $1 AND account_id = $2 RETURNING record",
            &[&tenant.app_id, &tenant.account_id],
        )
        .await
    }

    async fn set_own_bot_disabled(
        &self,
        bot_id: i64,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        let reason = reason.map(str::to_string);
        self.update_own_bot(bot_id, move |b| b.disabled = reason.clone())
            .await
    }

    async fn set_own_bot_username(&self, bot_id: i64, username: &str) -> Result<bool, StoreError> {
        let username = username.to_string();
        self.update_own_bot(bot_id, move |b| b.username = username.clone())
            .await
    }

    async fn set_own_bot_moved_notice(&self, bot_id: i64, at_ms: i64) -> Result<bool, StoreError> {
        self.update_own_bot(bot_id, move |b| b.moved_notice_ms = Some(at_ms))
            .await
    }

    async fn own_bot_last_update(&self, bot_id: i64) -> Result<Option<i64>, StoreError> {
        self.state_num(&offset_key(bot_id)).await
    }

    async fn set_own_bot_last_update(&self, bot_id: i64, update_id: i64) -> Result<(), StoreError> {
        self.set_state(&offset_key(bot_id), &update_id.to_string())
            .await
    }

    async fn own_bot_notice_watermark(&self, bot_id: i64) -> Result<Option<u64>, StoreError> {
        self.state_num(&watermark_key(bot_id)).await
    }

    async fn set_own_bot_notice_watermark(&self, bot_id: i64, id: u64) -> Result<(), StoreError> {
        self.set_state(&watermark_key(bot_id), &id.to_string())
            .await
    }
}

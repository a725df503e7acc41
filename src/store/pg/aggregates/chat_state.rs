//! Telegram pacing, multi-part progress and chat migrations.

use super::*;
use crate::store::pacing;
use crate::store::telegram::{move_chat, posts_to_chat};

/// How many recorded chat migrations are followed at most (a loop in them must not hang a send).
const MAX_MIGRATION_HOPS: usize = 8;

#[async_trait]
impl ChatStateStore for PgStore {
    /// One transaction: the bot's row, then the chat's, both `FOR UPDATE`, the decision on the
    /// clock read after the locks are held, and the updated rows.
    async fn take_telegram_slot(
        &self,
        bot_id: i64,
        chat_id: i64,
        limits: &Limits,
        clock: &Clock,
    ) -> Result<Slot, StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let (mut bot, mut chat) = lock_pace(&tx, bot_id, chat_id).await?;
        let slot = pacing::take(limits, &mut bot, chat_id, &mut chat, clock());
        if let Slot::Granted { .. } = slot {
            tx.execute(
                "UPDATE telegram_pace_bots SET record = $2 WHERE bot_id = $1",
                &[&bot_id, &enc(&bot)],
            )
            .await?;
            put_chat_pace(&tx, bot_id, chat_id, &chat).await?;
        }
        tx.commit().await?;
        Ok(slot)
    }

    /// Takes the bot's row first like a slot does, so the two never deadlock and a slot being
    /// decided cannot overwrite the block.
    async fn block_telegram_chat(
        &self,
        bot_id: i64,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = Tx::begin(self, &mut c).await?;
        let (_, mut chat) = lock_pace(&tx, bot_id, chat_id).await?;
        pacing::block(&mut chat, until_ms);
        put_chat_pace(&tx, bot_id, chat_id, &chat).await?;
        tx.commit().await
    }

    async fn telegram_send_at(
        &self,
        bot_id: i64,
        chat_id: i64,
        limits: &Limits,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let bot: BotPace = match self
            .query_opt(
                "SELECT record FROM telegram_pace_bots WHERE bot_id = $1",
                &[&bot_id],
            )
            .await?
        {
            Some(r) => dec_row(&r)?,
            None => BotPace::default(),
        };
        let chat: ChatPace = match self
            .query_opt(
                "SELECT record FROM telegram_pace_chats WHERE bot_id = $1 AND chat_id = $2",
                &[&bot_id, &chat_id],
            )
            .await?
        {
            Some(r) => dec_row(&r)?,
            None => ChatPace::default(),
        };
        Ok(pacing::earliest(limits, &bot, chat_id, &chat, now_ms))
    }

    async fn part_progress(&self, job_id: u64) -> Result<PartProgress, StoreError> {
        Ok(self
            .record(
                "SELECT record FROM telegram_parts WHERE job_id = $1",
                &[&(job_id as i64)],
            )
            .await?
            .unwrap_or_default())
    }

    async fn set_part_progress(&self, job_id: u64, p: &PartProgress) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO telegram_parts (job_id, record) VALUES ($1, $2)
             ON CONFLICT (job_id) DO UPDATE SET record = EXCLUDED.record",
            &[&(job_id as i64), &enc(p)],
        )
        .await
    }

    async fn clear_part_progress(&self, job_id: u64) -> Result<(), StoreError> {
        self.run(
            "DELETE FROM telegram_parts WHERE job_id = $1",
            &[&(job_id as i64)],
        )
        .await
    }

    async fn resolve_telegram_chat(&self, chat_id: i64) -> Result<i64, StoreError> {
        let mut chat = chat_id;
        for _ in 0..MAX_MIGRATION_HOPS {
            let next: Option<i64> = self
                .query_opt(
                    "SELECT new_chat FROM telegram_migrations WHERE old_chat = $1",
                    &[&chat],
                )
                .await?
                .map(|r| r.get(0));
            match next {
                Some(n) if n != chat => chat = n,
                _ => break,
            }
        }
        Ok(chat)
    }

    /// The migration record first, then the chat link, then each route through the versioned
    /// read-modify-write, so a concurrent route edit is not lost.
    async fn migrate_telegram_chat(&self, old: i64, new: i64) -> Result<Vec<Route>, StoreError> {
        self.execute(
            "INSERT INTO telegram_migrations (old_chat, new_chat) VALUES ($1, $2)
             ON CONFLICT (old_chat) DO UPDATE SET new_chat = EXCLUDED.new_chat",
            &[&old, &new],
        )
        .await?;
        self.move_chat_link(old, new).await?;
        let mut changed = Vec::new();
        for route in self.list_routes(None).await? {
            if !posts_to_chat(&route, old) {
                continue;
            }
            let updated = update_route(
                self,
                &route.tenant_id(),
                &route.name,
                |r| -> Result<Route, StoreError> {
                    move_chat(r, old, new);
                    Ok(r.clone())
                },
            )
            .await?;
            changed.extend(updated);
        }
        Ok(changed)
    }
}

/// Locks the bot's pacing row (created empty on its first use) and then the chat's, and returns
/// both records. The bot's row serializes every decision of that bot across replicas: the overall
/// window is in it, so two replicas can never both see room for the 30th send.
async fn lock_pace(
    tx: &Tx<'_>,
    bot_id: i64,
    chat_id: i64,
) -> Result<(BotPace, ChatPace), StoreError> {
    const LOCK_BOT: &str = "SELECT record FROM telegram_pace_bots WHERE bot_id = $1 FOR UPDATE";
    let row = match tx.query_opt(LOCK_BOT, &[&bot_id]).await? {
        Some(r) => r,
        None => {
            tx.execute(
                "INSERT INTO telegram_pace_bots (bot_id, record) VALUES ($1, $2)
                 ON CONFLICT (bot_id) DO NOTHING",
                &[&bot_id, &enc(&BotPace::default())],
            )
            .await?;
            tx.query_opt(LOCK_BOT, &[&bot_id])
                .await?
                .ok_or_else(|| StoreError::Io("the bot's pacing row vanished".into()))?
        }
    };
    let bot: BotPace = dec_row(&row)?;
    let chat = match tx
        .query_opt(
            "SELECT record FROM telegram_pace_chats WHERE bot_id = $1 AND chat_id = $2
             FOR UPDATE",
            &[&bot_id, &chat_id],
        )
        .await?
    {
        Some(r) => dec_row(&r)?,
        None => ChatPace::default(),
    };
    Ok((bot, chat))
}

async fn put_chat_pace(
    tx: &Tx<'_>,
    bot_id: i64,
    chat_id: i64,
    chat: &ChatPace,
) -> Result<(), StoreError> {
    tx.run(
        "INSERT INTO telegram_pace_chats (bot_id, chat_id, record) VALUES ($1, $2, $3)
         ON CONFLICT (bot_id, chat_id) DO UPDATE SET record = EXCLUDED.record",
        &[&bot_id, &chat_id, &enc(chat)],
    )
    .await
}

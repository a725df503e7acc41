//! Telegram pacing, multi-part progress and chat migrations.

use super::*;
use crate::store::telegram::{move_chat, posts_to_chat};

/// How many recorded chat migrations are followed at most (a loop in them must not hang a send).
const MAX_MIGRATION_HOPS: usize = 8;

#[async_trait]
impl ChatStateStore for PgStore {
    async fn telegram_paces(&self) -> Result<Vec<(i64, ChatPace)>, StoreError> {
        self.query(
            &format!("SELECT chat_id, record FROM telegram_pacing ORDER BY {CHAT_ORDER}"),
            &[],
        )
        .await?
        .iter()
        .map(|r| Ok((r.get(0), dec(r.get::<_, &[u8]>(1))?)))
        .collect()
    }

    async fn put_telegram_pace(&self, chat_id: i64, pace: &ChatPace) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO telegram_pacing (chat_id, record) VALUES ($1, $2)
             ON CONFLICT (chat_id) DO UPDATE SET record = EXCLUDED.record",
            &[&chat_id, &enc(pace)],
        )
        .await?;
        Ok(())
    }

    async fn part_progress(&self, job_id: u64) -> Result<PartProgress, StoreError> {
        Ok(self
            .query_opt(
                "SELECT record FROM telegram_parts WHERE job_id = $1",
                &[&(job_id as i64)],
            )
            .await?
            .map(|r| dec(r.get::<_, &[u8]>(0)))
            .transpose()?
            .unwrap_or_default())
    }

    async fn set_part_progress(&self, job_id: u64, p: &PartProgress) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO telegram_parts (job_id, record) VALUES ($1, $2)
             ON CONFLICT (job_id) DO UPDATE SET record = EXCLUDED.record",
            &[&(job_id as i64), &enc(p)],
        )
        .await?;
        Ok(())
    }

    async fn clear_part_progress(&self, job_id: u64) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM telegram_parts WHERE job_id = $1",
            &[&(job_id as i64)],
        )
        .await?;
        Ok(())
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
                &route.app_id,
                &route.account_id,
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

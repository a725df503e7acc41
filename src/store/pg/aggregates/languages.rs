//! The bot language each Telegram user chose: one row per user, no tenant columns.

use super::*;

#[async_trait]
impl BotLanguageStore for PgStore {
    async fn bot_language(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .query_opt(
                "SELECT lang FROM bot_languages WHERE user_id = $1",
                &[&user_id],
            )
            .await?
            .map(|r| r.get(0)))
    }

    async fn set_bot_language(&self, user_id: i64, lang: Option<&str>) -> Result<(), StoreError> {
        match lang {
            Some(l) => {
                self.execute(
                    "INSERT INTO bot_languages (user_id, lang) VALUES ($1, $2)
                     ON CONFLICT (user_id) DO UPDATE SET lang = EXCLUDED.lang",
                    &[&user_id, &l],
                )
                .await?
            }
            None => {
                self.execute("DELETE FROM bot_languages WHERE user_id = $1", &[&user_id])
                    .await?
            }
        };
        Ok(())
    }
}

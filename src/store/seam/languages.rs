//! The bot language each Telegram user chose (`/language`); it names no tenant.

use super::*;

#[async_trait]
pub trait BotLanguageStore: Send + Sync {
    /// The catalogue tag (`es`) Telegram user `user_id` chose with `/language`, if any.
    async fn bot_language(&self, user_id: i64) -> Result<Option<String>, StoreError>;

    /// Remembers `lang` for `user_id`, replacing an earlier choice; None forgets it, so Telegram's
    /// `language_code` decides again.
    async fn set_bot_language(&self, user_id: i64, lang: Option<&str>) -> Result<(), StoreError>;
}

//! The language each Telegram user chose for the bot with `/language` (issue 19). Without a
//! choice the bot follows the `language_code` Telegram sends with each update, which needs no
//! storage; a choice must outlive that, since Telegram sends the app's language on every update.
//!
//! Tree `bot_languages`: Telegram user id (i64, big-endian) -> the catalogue's tag (`es`) as UTF-8.
//! It names no tenant: a person's language is theirs in every community and with every bot, so the
//! uninstall purge leaves it, and backups carry it like any other tree.

use super::{Store, StoreError};

impl Store {
    /// The tag Telegram user `user_id` chose, if any.
    pub fn bot_language(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .inner
            .bot_languages
            .get(user_id.to_be_bytes())?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// Remembers `lang` for `user_id`, or forgets the choice with None (back to Telegram's).
    pub fn set_bot_language(&self, user_id: i64, lang: Option<&str>) -> Result<(), StoreError> {
        let tree = &self.inner.bot_languages;
        match lang {
            Some(l) => tree.insert(user_id.to_be_bytes(), l.as_bytes())?,
            None => tree.remove(user_id.to_be_bytes())?,
        };
        Ok(())
    }
}

//! The bot's own progress (`bot_state`): nothing here names a tenant.

use super::{LAST_UPDATE, NOTICE_WATERMARK, STATE, USERNAME, i64_of};
use crate::store::{Store, StoreError};

impl Store {
    /// A number kept in `bot_state` under `key` (big-endian).
    pub(crate) fn bot_state_i64(&self, key: &[u8]) -> Result<Option<i64>, StoreError> {
        Ok(self.bot_tree(STATE)?.get(key)?.and_then(|v| i64_of(&v)))
    }

    pub(crate) fn set_bot_state_i64(&self, key: &[u8], v: i64) -> Result<(), StoreError> {
        self.bot_tree(STATE)?.insert(key, &v.to_be_bytes())?;
        Ok(())
    }

    /// The highest `update_id` handled so far. Telegram's ids grow, so anything at or below it was
    /// seen before and is skipped.
    pub fn bot_last_update(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .bot_tree(STATE)?
            .get(LAST_UPDATE)?
            .and_then(|v| i64_of(&v)))
    }

    /// Records `update_id` as handled. Callers flush afterwards for durability.
    pub fn set_bot_last_update(&self, update_id: i64) -> Result<(), StoreError> {
        self.bot_tree(STATE)?
            .insert(LAST_UPDATE, &update_id.to_be_bytes())?;
        Ok(())
    }

    /// The highest notice id already pushed to organizers.
    pub fn bot_notice_watermark(&self) -> Result<Option<u64>, StoreError> {
        Ok(self
            .bot_tree(STATE)?
            .get(NOTICE_WATERMARK)?
            .and_then(|v| Some(u64::from_be_bytes(v.as_ref().try_into().ok()?))))
    }

    pub fn set_bot_notice_watermark(&self, id: u64) -> Result<(), StoreError> {
        self.bot_tree(STATE)?
            .insert(NOTICE_WATERMARK, &id.to_be_bytes())?;
        Ok(())
    }

    /// The bot's @username as getMe last reported it, for deep links.
    pub fn bot_username(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .bot_tree(STATE)?
            .get(USERNAME)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn set_bot_username(&self, username: &str) -> Result<(), StoreError> {
        self.bot_tree(STATE)?
            .insert(USERNAME, username.as_bytes())?;
        Ok(())
    }
}

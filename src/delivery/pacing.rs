//! Our own Telegram pacer, durable and shared by every process on the store (DESIGN section 9).
//!
//! teloxide's Throttle keeps its queue and timers in memory, so a restart forgets recent sends and
//! can burst straight into 429s, two replicas each spend the whole budget, and it freezes every
//! chat when one chat gets a 429. This pacer keeps no state of its own: every decision is the
//! store's (`ChatStateStore::take_telegram_slot`), which on PostgreSQL is one transaction over rows
//! every replica shares and on sled an in-memory book written through to disk. A 429 blocks only
//! the chat Telegram named, on every replica. The limits themselves are `store::pacing`.

use crate::store::pacing::Slot;
use crate::store::{Db, StoreError};

pub use crate::store::pacing::Limits;

/// The pacing key of a bot: the number before the ':' of its token, which Telegram uses as the
/// bot's id. The token itself is a secret and never stored. A token without one (it would not work
/// with Telegram anyway) paces as bot 0.
pub fn bot_id(token: &str) -> i64 {
    token
        .split_once(':')
        .and_then(|(id, _)| id.parse().ok())
        .unwrap_or(0)
}

fn system_clock() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The pacer the Telegram sender asks before every request.
pub struct Pacer {
    db: Db,
    bot_id: i64,
    limits: Limits,
}

impl Pacer {
    pub fn new(db: Db, bot_id: i64, limits: Limits) -> Pacer {
        Pacer { db, bot_id, limits }
    }

    /// The earliest time `chat_id` may receive a message, never before `now_ms`.
    pub async fn earliest(&self, chat_id: i64, now_ms: i64) -> Result<i64, StoreError> {
        self.db
            .telegram_send_at(self.bot_id, chat_id, &self.limits, now_ms)
            .await
    }

    /// Takes a send slot for `chat_id` now, or says when one frees up. The slot is counted before
    /// the request goes out: Telegram counts a request whatever its outcome.
    pub async fn try_acquire(&self, chat_id: i64) -> Result<Result<(), i64>, StoreError> {
        let slot = self
            .db
            .take_telegram_slot(self.bot_id, chat_id, &self.limits, &system_clock)
            .await?;
        Ok(match slot {
            Slot::Granted { .. } => Ok(()),
            Slot::NotBefore(at) => Err(at),
        })
    }

    /// Records a 429's `retry_after` for this chat only (and for every process on the store).
    pub async fn block(&self, chat_id: i64, until_ms: i64) -> Result<(), StoreError> {
        self.db
            .block_telegram_chat(self.bot_id, chat_id, until_ms)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bot_id_is_the_number_before_the_colon() {
        assert_eq!(bot_id("123456:ABC-def"), 123456);
        assert_eq!(bot_id("123:TEST"), 123);
        assert_eq!(bot_id("no-colon"), 0);
        assert_eq!(bot_id("abc:def"), 0);
    }
}

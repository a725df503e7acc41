//! Communities' own Telegram bots: one per tenant, its token sealed.

use super::*;
use crate::store::own_bots::OwnBot;

#[async_trait]
pub trait OwnBotStore: Send + Sync {
    /// The tenant's own bot, if it connected one.
    async fn own_bot(&self, tenant: &TenantId) -> Result<Option<OwnBot>, StoreError>;

    /// The bot with Telegram id `bot_id`, of whichever tenant connected it.
    async fn own_bot_by_id(&self, bot_id: i64) -> Result<Option<OwnBot>, StoreError>;

    /// Every own bot, of every tenant.
    async fn all_own_bots(&self) -> Result<Vec<OwnBot>, StoreError>;

    /// Connects the tenant's bot, replacing the one it had. Returns false, writing nothing, when
    /// another tenant has connected this bot id: one bot serves one community.
    async fn put_own_bot(&self, bot: &OwnBot) -> Result<bool, StoreError>;

    /// Disconnects the tenant's bot; returns what was removed. Its update offset stays (it names
    /// no tenant, and keeps a reconnect of the same bot from replaying updates).
    async fn remove_own_bot(&self, tenant: &TenantId) -> Result<Option<OwnBot>, StoreError>;

    /// Disables the bot with a reason (Telegram refused its token), or enables it again with
    /// None. Returns false when no tenant has that bot.
    async fn set_own_bot_disabled(
        &self,
        bot_id: i64,
        reason: Option<&str>,
    ) -> Result<bool, StoreError>;

    /// Records the @username getMe reports now (an organizer may rename the bot in @BotFather).
    async fn set_own_bot_username(&self, bot_id: i64, username: &str) -> Result<bool, StoreError>;

    /// Records when the one-time "we moved" message was queued.
    async fn set_own_bot_moved_notice(&self, bot_id: i64, at_ms: i64) -> Result<bool, StoreError>;

    /// The highest `update_id` this bot handled (see `BotStore::bot_last_update`).
    async fn own_bot_last_update(&self, bot_id: i64) -> Result<Option<i64>, StoreError>;

    async fn set_own_bot_last_update(&self, bot_id: i64, update_id: i64) -> Result<(), StoreError>;

    /// The highest notice id this bot pushed to its community's organizers (on a relay without a
    /// shared bot, own bots push their community's notices).
    async fn own_bot_notice_watermark(&self, bot_id: i64) -> Result<Option<u64>, StoreError>;

    async fn set_own_bot_notice_watermark(&self, bot_id: i64, id: u64) -> Result<(), StoreError>;
}

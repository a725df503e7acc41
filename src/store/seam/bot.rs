//! The Telegram bot's records and the per-chat delivery state.

use super::*;

#[async_trait]
pub trait BotStore: Send + Sync {
    /// The tenant `chat_id` is linked to, if any.
    async fn chat_link(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError>;

    /// Links a chat to `link`'s tenant unless it is linked already. Returns the link that holds
    /// afterwards: `link` itself, or the existing one (which may name another tenant, in which case
    /// nothing was written). A compare-and-swap, so of two tenants racing only one wins.
    async fn link_chat(&self, link: &ChatLink) -> Result<ChatLink, StoreError>;

    /// Frees a chat (`/unlink` by a group admin once no route posts there, or an uninstall).
    /// Returns the link that was removed.
    async fn unlink_chat(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError>;

    /// A group became a supergroup and got a new id: its link moves along, unless the new id is
    /// linked already.
    async fn move_chat_link(&self, old: i64, new: i64) -> Result<(), StoreError>;

    /// Every chat link, of every tenant.
    async fn all_chat_links(&self) -> Result<Vec<ChatLink>, StoreError>;

    /// Whether the one-time chat-link migration already ran on this store.
    async fn chat_links_migrated(&self) -> Result<bool, StoreError>;

    async fn set_chat_links_migrated(&self) -> Result<(), StoreError>;

    /// Stores a new code (by hash). Returns false if that hash exists already (a collision or a
    /// repeated call), in which case nothing is written.
    async fn put_code(&self, code: &str, rec: &CodeRecord) -> Result<bool, StoreError>;

    /// The record of `code`, if it exists; nothing is consumed.
    async fn code_record(&self, code: &str) -> Result<Option<CodeRecord>, StoreError>;

    /// Codes, oldest first; one tenant's or everyone's.
    async fn list_codes(&self, tenant: Option<&TenantId>) -> Result<Vec<CodeRecord>, StoreError>;

    /// Marks every code whose id starts with `id` (at least 6 hex digits) revoked; with `tenant`,
    /// only that tenant's. Returns the revoked records.
    async fn revoke_code(
        &self,
        id: &str,
        tenant: Option<&TenantId>,
    ) -> Result<Vec<CodeRecord>, StoreError>;

    /// Redeems `code` if it is of one of the `accepted` kinds. A single-use code is consumed with a
    /// compare-and-swap, so two people sending it at once cannot both succeed.
    async fn redeem_code(
        &self,
        code: &str,
        accepted: &[CodeKind],
        now_ms: i64,
    ) -> Result<Redeem, StoreError>;

    async fn add_organizer(&self, link: &OrganizerLink) -> Result<(), StoreError>;

    /// The tenants Telegram user `user_id` organizes.
    async fn organizer_links(&self, user_id: i64) -> Result<Vec<OrganizerLink>, StoreError>;

    /// Removes every organizer link of Telegram user `user_id` (`/leave`); returns how many.
    async fn remove_organizer_links(&self, user_id: i64) -> Result<usize, StoreError>;

    /// Removes one organizer link; returns whether there was one.
    async fn remove_organizer(&self, tenant: &TenantId, user_id: i64) -> Result<bool, StoreError>;

    /// Every organizer link, of every tenant.
    async fn all_organizers(&self) -> Result<Vec<OrganizerLink>, StoreError>;

    /// A tenant's organizers, for pushing its notices.
    async fn tenant_organizers(&self, tenant: &TenantId) -> Result<Vec<OrganizerLink>, StoreError>;

    async fn set_mute(
        &self,
        tenant: &TenantId,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError>;

    /// Every mute of `chat_id`, in any tenant (expired ones included).
    async fn mutes_of(&self, chat_id: i64) -> Result<Vec<Mute>, StoreError>;

    /// Removes every mute of `chat_id`; returns how many there were.
    async fn clear_mutes(&self, chat_id: i64) -> Result<usize, StoreError>;

    /// Whether a member's chat asked for silence in this tenant until after `now_ms`. The dispatcher
    /// asks this for member-owned Telegram destinations only.
    async fn is_member_muted(
        &self,
        tenant: &TenantId,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError>;

    /// The highest `update_id` handled so far. Telegram's ids grow, so anything at or below it was
    /// seen before and is skipped.
    async fn bot_last_update(&self) -> Result<Option<i64>, StoreError>;

    /// Records `update_id` as handled. Callers flush afterwards for durability.
    async fn set_bot_last_update(&self, update_id: i64) -> Result<(), StoreError>;

    /// The highest notice id already pushed to organizers.
    async fn bot_notice_watermark(&self) -> Result<Option<u64>, StoreError>;

    async fn set_bot_notice_watermark(&self, id: u64) -> Result<(), StoreError>;

    /// The bot's @username as getMe last reported it, for deep links.
    async fn bot_username(&self) -> Result<Option<String>, StoreError>;

    async fn set_bot_username(&self, username: &str) -> Result<(), StoreError>;

    /// Deletes every bot record of the tenant: its codes, chat links, organizer links and member
    /// mutes.
    /// Returns how many records were removed. Route destinations (member subscriptions, linked
    /// groups) live in the routes and go with them.
    async fn purge_bot_tenant(&self, tenant: &TenantId) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait ChatStateStore: Send + Sync {
    /// Takes a send slot for `chat_id` of bot `bot_id` if Telegram's limits allow one now, and
    /// counts the send; else says when one frees up. The whole decision is one atomic step over
    /// state every process on this store shares (PostgreSQL: one transaction holding the bot's
    /// and the chat's rows), so replicas together never exceed `limits`. `clock` is read once,
    /// after that state is held. The slot is taken before the request goes out: Telegram counts
    /// a request whatever its outcome.
    async fn take_telegram_slot(
        &self,
        bot_id: i64,
        chat_id: i64,
        limits: &Limits,
        clock: &Clock,
    ) -> Result<Slot, StoreError>;

    /// Telegram answered 429 for this chat: no process sends there before `until_ms`. A later
    /// block already recorded stands.
    async fn block_telegram_chat(
        &self,
        bot_id: i64,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError>;

    /// The earliest time `chat_id` may receive a message, never before `now_ms`; a read, nothing
    /// is taken (for deferring a job to when its next part can go).
    async fn telegram_send_at(
        &self,
        bot_id: i64,
        chat_id: i64,
        limits: &Limits,
        now_ms: i64,
    ) -> Result<i64, StoreError>;

    async fn part_progress(&self, job_id: u64) -> Result<PartProgress, StoreError>;

    async fn set_part_progress(&self, job_id: u64, p: &PartProgress) -> Result<(), StoreError>;

    async fn clear_part_progress(&self, job_id: u64) -> Result<(), StoreError>;

    /// The chat a message for `chat_id` must go to now, following recorded migrations.
    async fn resolve_telegram_chat(&self, chat_id: i64) -> Result<i64, StoreError>;

    /// Records that chat `old` is now `new` and points every route destination (of any tenant) at
    /// the new chat. Returns the routes that changed. The migration record goes first, so jobs
    /// already queued for the old chat follow it even if a crash cuts the route updates short.
    async fn migrate_telegram_chat(&self, old: i64, new: i64) -> Result<Vec<Route>, StoreError>;
}

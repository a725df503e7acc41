//! The sled backend's side of the bot, Telegram chat state, meeting memory, notices and stored
//! apps.

use super::blocking;
use crate::routing::Route;
use crate::store::apps::{AppInvite, InviteUse, StoredApp};
use crate::store::bot::{ChatLink, CodeKind, CodeRecord, Mute, OrganizerLink, Redeem};
use crate::store::consents::Consent;
use crate::store::own_bots::OwnBot;
use crate::store::pacing::{Clock, Limits, Slot};
use crate::store::seam::{
    AppStore, BotLanguageStore, BotStore, ChatStateStore, ConsentStore, MeetingStore,
    MemberNameStore, NoticeStore, OwnBotStore,
};
use crate::store::telegram::PartProgress;
use crate::store::{DisabledTarget, MeetingMemory, Notice, Store, StoreError, TenantId};

sled_impl! {
    BotStore {
        fn chat_link(chat_id: i64) -> Result<Option<ChatLink>, StoreError>;
        fn link_chat(link: &ChatLink) -> Result<ChatLink, StoreError>;
        fn unlink_chat(chat_id: i64) -> Result<Option<ChatLink>, StoreError>;
        fn move_chat_link(old: i64, new: i64) -> Result<(), StoreError>;
        fn all_chat_links() -> Result<Vec<ChatLink>, StoreError>;
        fn chat_links_migrated() -> Result<bool, StoreError>;
        fn set_chat_links_migrated() -> Result<(), StoreError>;
        fn put_code(code: &str, rec: &CodeRecord) -> Result<bool, StoreError>;
        fn code_record(code: &str) -> Result<Option<CodeRecord>, StoreError>;
        fn list_codes(tenant: Option<&TenantId>) -> Result<Vec<CodeRecord>, StoreError>;
        fn revoke_code(id: &str, tenant: Option<&TenantId>) -> Result<Vec<CodeRecord>, StoreError>;
        fn redeem_code(code: &str, accepted: &[CodeKind], now_ms: i64) -> Result<Redeem, StoreError>;
        fn add_organizer(link: &OrganizerLink) -> Result<(), StoreError>;
        fn organizer_links(user_id: i64) -> Result<Vec<OrganizerLink>, StoreError>;
        fn remove_organizer_links(user_id: i64) -> Result<usize, StoreError>;
        fn remove_organizer(tenant: &TenantId, user_id: i64) -> Result<bool, StoreError>;
        fn all_organizers() -> Result<Vec<OrganizerLink>, StoreError>;
        fn tenant_organizers(tenant: &TenantId) -> Result<Vec<OrganizerLink>, StoreError>;
        fn set_mute(tenant: &TenantId, chat_id: i64, until_ms: i64) -> Result<(), StoreError>;
        fn mutes_of(chat_id: i64) -> Result<Vec<Mute>, StoreError>;
        fn clear_mutes(chat_id: i64) -> Result<usize, StoreError>;
        fn is_member_muted(tenant: &TenantId, chat_id: i64, now_ms: i64) -> Result<bool, StoreError>;
        fn bot_last_update() -> Result<Option<i64>, StoreError>;
        fn set_bot_last_update(update_id: i64) -> Result<(), StoreError>;
        fn bot_notice_watermark() -> Result<Option<u64>, StoreError>;
        fn set_bot_notice_watermark(id: u64) -> Result<(), StoreError>;
        fn bot_username() -> Result<Option<String>, StoreError>;
        fn set_bot_username(username: &str) -> Result<(), StoreError>;
    }
    async fn purge_bot_tenant(&self, tenant: &TenantId) -> Result<u64, StoreError> {
        let (s, tenant) = (self.clone(), tenant.clone());
        blocking(move || Store::purge_bot_tenant(&s, &tenant)).await
    }
}

sled_impl! {
    BotLanguageStore {
        fn bot_language(user_id: i64) -> Result<Option<String>, StoreError>;
        fn set_bot_language(user_id: i64, lang: Option<&str>) -> Result<(), StoreError>;
    }
}

sled_impl! {
    MemberNameStore {
        fn member_names(tenant: &TenantId) -> Result<std::collections::BTreeMap<i64, String>, StoreError>;
        fn set_member_name(tenant: &TenantId, user_id: i64, name: Option<&str>) -> Result<(), StoreError>;
    }
}

sled_impl! {
    ChatStateStore {
        fn take_telegram_slot(bot_id: i64, chat_id: i64, limits: &Limits, clock: &Clock) -> Result<Slot, StoreError>;
        fn block_telegram_chat(bot_id: i64, chat_id: i64, until_ms: i64) -> Result<(), StoreError>;
        fn telegram_send_at(bot_id: i64, chat_id: i64, limits: &Limits, now_ms: i64) -> Result<i64, StoreError>;
        fn part_progress(job_id: u64) -> Result<PartProgress, StoreError>;
        fn set_part_progress(job_id: u64, p: &PartProgress) -> Result<(), StoreError>;
        fn clear_part_progress(job_id: u64) -> Result<(), StoreError>;
        fn resolve_telegram_chat(chat_id: i64) -> Result<i64, StoreError>;
        fn migrate_telegram_chat(old: i64, new: i64) -> Result<Vec<Route>, StoreError>;
    }
}

sled_impl! {
    MeetingStore {
        fn meeting_memory(tenant: &TenantId, meeting_id: u64) -> Result<Option<MeetingMemory>, StoreError>;
        fn remember_meeting(tenant: &TenantId, meeting_id: u64, memory: &MeetingMemory) -> Result<(), StoreError>;
        fn forget_meeting(tenant: &TenantId, meeting_id: u64) -> Result<(), StoreError>;
        fn mark_instance_ended(tenant: &TenantId, uuid: &str, at_ms: i64) -> Result<(), StoreError>;
        fn instance_ended(tenant: &TenantId, uuid: &str) -> Result<Option<i64>, StoreError>;
    }
    blocking {
        fn expire_meetings(now_ms: i64, retention_ms: i64) -> Result<usize, StoreError>;
    }
}

sled_impl! {
    NoticeStore {
        fn next_notice_id() -> Result<u64, StoreError>;
        fn put_notice(n: &Notice) -> Result<(), StoreError>;
        fn list_notices(tenant: Option<&TenantId>) -> Result<Vec<Notice>, StoreError>;
        fn put_disabled(d: &DisabledTarget) -> Result<(), StoreError>;
        fn enable_target(tenant: &TenantId, target: &str) -> Result<bool, StoreError>;
        fn is_target_disabled(tenant: &TenantId, target: &str) -> Result<bool, StoreError>;
        fn list_disabled(tenant: Option<&TenantId>) -> Result<Vec<DisabledTarget>, StoreError>;
    }
}

sled_impl! {
    ConsentStore {
        fn consent(tenant: &TenantId, route: &str, address: &str) -> Result<Option<Consent>, StoreError>;
        fn put_consent(c: &Consent) -> Result<(), StoreError>;
        fn claim_invite(fresh: &Consent, now_ms: i64, window_ms: i64) -> Result<Option<Consent>, StoreError>;
        fn list_consents(tenant: &TenantId, route: Option<&str>) -> Result<Vec<Consent>, StoreError>;
        fn rename_consents(tenant: &TenantId, from: &str, to: &str) -> Result<u64, StoreError>;
        fn consents_migrated() -> Result<bool, StoreError>;
        fn set_consents_migrated() -> Result<(), StoreError>;
    }
}

sled_impl! {
    AppStore {
        fn list_apps() -> Result<Vec<StoredApp>, StoreError>;
        fn get_app(id: &str) -> Result<Option<StoredApp>, StoreError>;
        fn insert_app(app: &StoredApp) -> Result<bool, StoreError>;
        fn swap_app(expected: u64, app: &StoredApp) -> Result<bool, StoreError>;
        fn delete_app(id: &str) -> Result<bool, StoreError>;
        fn put_app_invite(hash: &[u8; 32], rec: &AppInvite) -> Result<bool, StoreError>;
        fn app_invite(hash: &[u8; 32]) -> Result<Option<AppInvite>, StoreError>;
        fn list_app_invites() -> Result<Vec<AppInvite>, StoreError>;
        fn use_app_invite(hash: &[u8; 32], now_ms: i64) -> Result<InviteUse, StoreError>;
        fn expire_app_invites(id_prefix: &str, now_ms: i64) -> Result<Vec<AppInvite>, StoreError>;
        fn prune_app_invites(before_ms: i64) -> Result<usize, StoreError>;
    }
}

sled_impl! {
    OwnBotStore {
        fn own_bot(tenant: &TenantId) -> Result<Option<OwnBot>, StoreError>;
        fn own_bot_by_id(bot_id: i64) -> Result<Option<OwnBot>, StoreError>;
        fn all_own_bots() -> Result<Vec<OwnBot>, StoreError>;
        fn put_own_bot(bot: &OwnBot) -> Result<bool, StoreError>;
        fn remove_own_bot(tenant: &TenantId) -> Result<Option<OwnBot>, StoreError>;
        fn set_own_bot_disabled(bot_id: i64, reason: Option<&str>) -> Result<bool, StoreError>;
        fn set_own_bot_username(bot_id: i64, username: &str) -> Result<bool, StoreError>;
        fn set_own_bot_moved_notice(bot_id: i64, at_ms: i64) -> Result<bool, StoreError>;
        fn own_bot_last_update(bot_id: i64) -> Result<Option<i64>, StoreError>;
        fn set_own_bot_last_update(bot_id: i64, update_id: i64) -> Result<(), StoreError>;
        fn own_bot_notice_watermark(bot_id: i64) -> Result<Option<u64>, StoreError>;
        fn set_own_bot_notice_watermark(bot_id: i64, id: u64) -> Result<(), StoreError>;
    }
}

//! The sled backend's side of the bot, Telegram chat state, meeting memory and notices.

use async_trait::async_trait;

use super::blocking;
use crate::routing::Route;
use crate::store::bot::{ChatLink, CodeKind, CodeRecord, Mute, OrganizerLink, Redeem};
use crate::store::seam::{BotStore, ChatStateStore, MeetingStore, NoticeStore};
use crate::store::telegram::{ChatPace, PartProgress};
use crate::store::{DisabledTarget, MeetingMemory, Notice, Store, StoreError};

#[async_trait]
impl BotStore for Store {
    async fn chat_link(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        Store::chat_link(self, chat_id)
    }
    async fn link_chat(&self, link: &ChatLink) -> Result<ChatLink, StoreError> {
        Store::link_chat(self, link)
    }
    async fn unlink_chat(&self, chat_id: i64) -> Result<Option<ChatLink>, StoreError> {
        Store::unlink_chat(self, chat_id)
    }
    async fn move_chat_link(&self, old: i64, new: i64) -> Result<(), StoreError> {
        Store::move_chat_link(self, old, new)
    }
    async fn all_chat_links(&self) -> Result<Vec<ChatLink>, StoreError> {
        Store::all_chat_links(self)
    }
    async fn chat_links_migrated(&self) -> Result<bool, StoreError> {
        Store::chat_links_migrated(self)
    }
    async fn set_chat_links_migrated(&self) -> Result<(), StoreError> {
        Store::set_chat_links_migrated(self)
    }
    async fn put_code(&self, code: &str, rec: &CodeRecord) -> Result<bool, StoreError> {
        Store::put_code(self, code, rec)
    }
    async fn code_record(&self, code: &str) -> Result<Option<CodeRecord>, StoreError> {
        Store::code_record(self, code)
    }
    async fn list_codes(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        Store::list_codes(self, tenant)
    }
    async fn revoke_code(
        &self,
        id: &str,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        Store::revoke_code(self, id, tenant)
    }
    async fn redeem_code(
        &self,
        code: &str,
        accepted: &[CodeKind],
        now_ms: i64,
    ) -> Result<Redeem, StoreError> {
        Store::redeem_code(self, code, accepted, now_ms)
    }
    async fn add_organizer(&self, link: &OrganizerLink) -> Result<(), StoreError> {
        Store::add_organizer(self, link)
    }
    async fn organizer_links(&self, user_id: i64) -> Result<Vec<OrganizerLink>, StoreError> {
        Store::organizer_links(self, user_id)
    }
    async fn remove_organizer_links(&self, user_id: i64) -> Result<usize, StoreError> {
        Store::remove_organizer_links(self, user_id)
    }
    async fn remove_organizer(
        &self,
        app_id: &str,
        account_id: &str,
        user_id: i64,
    ) -> Result<bool, StoreError> {
        Store::remove_organizer(self, app_id, account_id, user_id)
    }
    async fn all_organizers(&self) -> Result<Vec<OrganizerLink>, StoreError> {
        Store::all_organizers(self)
    }
    async fn tenant_organizers(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<Vec<OrganizerLink>, StoreError> {
        Store::tenant_organizers(self, app_id, account_id)
    }
    async fn set_mute(
        &self,
        app_id: &str,
        account_id: &str,
        chat_id: i64,
        until_ms: i64,
    ) -> Result<(), StoreError> {
        Store::set_mute(self, app_id, account_id, chat_id, until_ms)
    }
    async fn mutes_of(&self, chat_id: i64) -> Result<Vec<Mute>, StoreError> {
        Store::mutes_of(self, chat_id)
    }
    async fn clear_mutes(&self, chat_id: i64) -> Result<usize, StoreError> {
        Store::clear_mutes(self, chat_id)
    }
    async fn is_member_muted(
        &self,
        app_id: &str,
        account_id: &str,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        Store::is_member_muted(self, app_id, account_id, chat_id, now_ms)
    }
    async fn bot_last_update(&self) -> Result<Option<i64>, StoreError> {
        Store::bot_last_update(self)
    }
    async fn set_bot_last_update(&self, update_id: i64) -> Result<(), StoreError> {
        Store::set_bot_last_update(self, update_id)
    }
    async fn bot_notice_watermark(&self) -> Result<Option<u64>, StoreError> {
        Store::bot_notice_watermark(self)
    }
    async fn set_bot_notice_watermark(&self, id: u64) -> Result<(), StoreError> {
        Store::set_bot_notice_watermark(self, id)
    }
    async fn bot_username(&self) -> Result<Option<String>, StoreError> {
        Store::bot_username(self)
    }
    async fn set_bot_username(&self, username: &str) -> Result<(), StoreError> {
        Store::set_bot_username(self, username)
    }
    async fn purge_bot_tenant(&self, app_id: &str, account_id: &str) -> Result<u64, StoreError> {
        let (s, app, account) = (self.clone(), app_id.to_owned(), account_id.to_owned());
        blocking(move || Store::purge_bot_tenant(&s, &app, &account)).await
    }
}

#[async_trait]
impl ChatStateStore for Store {
    async fn telegram_paces(&self) -> Result<Vec<(i64, ChatPace)>, StoreError> {
        Store::telegram_paces(self)
    }
    async fn put_telegram_pace(&self, chat_id: i64, pace: &ChatPace) -> Result<(), StoreError> {
        Store::put_telegram_pace(self, chat_id, pace)
    }
    async fn part_progress(&self, job_id: u64) -> Result<PartProgress, StoreError> {
        Store::part_progress(self, job_id)
    }
    async fn set_part_progress(&self, job_id: u64, p: &PartProgress) -> Result<(), StoreError> {
        Store::set_part_progress(self, job_id, p)
    }
    async fn clear_part_progress(&self, job_id: u64) -> Result<(), StoreError> {
        Store::clear_part_progress(self, job_id)
    }
    async fn resolve_telegram_chat(&self, chat_id: i64) -> Result<i64, StoreError> {
        Store::resolve_telegram_chat(self, chat_id)
    }
    async fn migrate_telegram_chat(&self, old: i64, new: i64) -> Result<Vec<Route>, StoreError> {
        Store::migrate_telegram_chat(self, old, new)
    }
}

#[async_trait]
impl MeetingStore for Store {
    async fn meeting_memory(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
    ) -> Result<Option<MeetingMemory>, StoreError> {
        Store::meeting_memory(self, app_id, account_id, meeting_id)
    }
    async fn remember_meeting(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
        memory: &MeetingMemory,
    ) -> Result<(), StoreError> {
        Store::remember_meeting(self, app_id, account_id, meeting_id, memory)
    }
    async fn forget_meeting(
        &self,
        app_id: &str,
        account_id: &str,
        meeting_id: u64,
    ) -> Result<(), StoreError> {
        Store::forget_meeting(self, app_id, account_id, meeting_id)
    }
    async fn mark_instance_ended(
        &self,
        app_id: &str,
        account_id: &str,
        uuid: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        Store::mark_instance_ended(self, app_id, account_id, uuid, at_ms)
    }
    async fn instance_ended(
        &self,
        app_id: &str,
        account_id: &str,
        uuid: &str,
    ) -> Result<Option<i64>, StoreError> {
        Store::instance_ended(self, app_id, account_id, uuid)
    }
    async fn expire_meetings(&self, now_ms: i64, retention_ms: i64) -> Result<usize, StoreError> {
        let s = self.clone();
        blocking(move || Store::expire_meetings(&s, now_ms, retention_ms)).await
    }
}

#[async_trait]
impl NoticeStore for Store {
    async fn add_notice(
        &self,
        app_id: &str,
        account_id: &str,
        kind: &str,
        message: &str,
        route: Option<&str>,
        target: Option<&str>,
    ) -> Result<Notice, StoreError> {
        Store::add_notice(self, app_id, account_id, kind, message, route, target)
    }
    async fn list_notices(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Notice>, StoreError> {
        Store::list_notices(self, tenant)
    }
    async fn disable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        Store::disable_target(self, app_id, account_id, target, reason)
    }
    async fn enable_target(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError> {
        Store::enable_target(self, app_id, account_id, target)
    }
    async fn is_target_disabled(
        &self,
        app_id: &str,
        account_id: &str,
        target: &str,
    ) -> Result<bool, StoreError> {
        Store::is_target_disabled(self, app_id, account_id, target)
    }
    async fn list_disabled(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<DisabledTarget>, StoreError> {
        Store::list_disabled(self, tenant)
    }
}

//! The sled backend behind the storage seam ([`super::seam`]).
//!
//! Point reads and writes run inline on the async worker: sled serves them from its page cache in
//! microseconds and never fsyncs on them (durability comes from the group-commit barrier,
//! [`Maintenance::flush`], which is async). Whole-tree scans (listings, retention, claim release)
//! and backups run on the blocking pool so that a large store cannot stall the runtime.

use std::collections::BTreeMap;
use std::path::Path;

use async_trait::async_trait;

use super::auth::{ApiToken, Session};
use super::bot::{ChatLink, CodeKind, CodeRecord, Mute, OrganizerLink, Redeem};
use super::seam::*;
use super::telegram::{ChatPace, PartProgress};
use super::{
    AppendOutcome, Attempt, AuditEntry, BackupError, BackupInfo, Claim, DeadJob, DisabledTarget,
    EventFilter, EventRecord, EventStatus, Fault, Finish, FlushSnapshot, ImportReport, Job,
    MeetingMemory, NewEvent, NewJob, Notice, PurgeReport, RetentionReport, SentJob, Store,
    StoreError, Tenant,
};
use crate::routing::{Channel, Route};

/// Runs a sled scan on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::backend("a store task failed", e))?
}

#[async_trait]
impl Maintenance for Store {
    fn location(&self) -> String {
        self.path().display().to_string()
    }
    fn is_healthy(&self) -> bool {
        Store::is_healthy(self)
    }
    fn inject_fault(&self, fault: Fault, times: u32) {
        Store::inject_fault(self, fault, times)
    }
    fn flush_stats(&self) -> FlushSnapshot {
        Store::flush_stats(self)
    }
    async fn flush(&self) -> Result<(), StoreError> {
        Store::flush(self).await
    }
    async fn close(&self) -> Result<(), StoreError> {
        Store::close(self).await
    }
    async fn trees_containing(&self, needle: &[u8]) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let (s, needle) = (self.clone(), needle.to_vec());
        blocking(move || Store::trees_containing(&s, &needle)).await
    }
    async fn key_counts(&self) -> Result<BTreeMap<String, usize>, StoreError> {
        let s = self.clone();
        blocking(move || Store::key_counts(&s)).await
    }
    async fn backup_to_file(&self, path: &Path) -> Result<BackupInfo, BackupError> {
        let (s, path) = (self.clone(), path.to_path_buf());
        tokio::task::spawn_blocking(move || Store::backup_to_file(&s, &path))
            .await
            .map_err(|e| BackupError::from(StoreError::backend("the backup task failed", e)))?
    }
    async fn write_backup(
        &self,
        w: Box<dyn std::io::Write + Send>,
    ) -> Result<BackupInfo, BackupError> {
        let s = self.clone();
        tokio::task::spawn_blocking(move || Store::write_backup(&s, w))
            .await
            .map_err(|e| BackupError::from(StoreError::backend("the backup task failed", e)))?
    }
}

#[async_trait]
impl EventLog for Store {
    async fn append_event(
        &self,
        dedup_key: [u8; 16],
        event: NewEvent,
    ) -> Result<AppendOutcome, StoreError> {
        Store::append_event(self, dedup_key, event).await
    }
    async fn get_event(&self, seq: u64) -> Result<Option<EventRecord>, StoreError> {
        Store::get_event(self, seq)
    }
    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<EventRecord>, StoreError> {
        Store::list_events(self, filter)
    }
    async fn inbox_len(&self) -> usize {
        Store::inbox_len(self)
    }
    async fn event_count(&self) -> usize {
        Store::event_count(self)
    }
    async fn expire(
        &self,
        now_ms: i64,
        dedup_retention_ms: i64,
        event_retention_ms: i64,
    ) -> Result<RetentionReport, StoreError> {
        let s = self.clone();
        blocking(move || Store::expire(&s, now_ms, dedup_retention_ms, event_retention_ms)).await
    }
}

#[async_trait]
impl Queue for Store {
    async fn next_inbox_event_fair(
        &self,
        deferred: &(dyn for<'r> Fn(&'r EventRecord) -> bool + Send + Sync),
        scan: usize,
    ) -> Result<Option<EventRecord>, StoreError> {
        Store::next_inbox_event_fair(self, deferred, scan)
    }
    async fn next_inbox_event(&self) -> Result<Option<EventRecord>, StoreError> {
        Store::next_inbox_event(self)
    }
    async fn commit_dispatch(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
    ) -> Result<u32, StoreError> {
        Store::commit_dispatch(self, record, status, jobs)
    }
    async fn commit_dispatch_with_dead(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
        dead: Vec<(NewJob, String)>,
    ) -> Result<u32, StoreError> {
        Store::commit_dispatch_with_dead(self, record, status, jobs, dead)
    }
    async fn enqueue_jobs(&self, jobs: Vec<NewJob>) -> Result<u32, StoreError> {
        Store::enqueue_jobs(self, jobs)
    }
    async fn inbox_has_other_tenant(
        &self,
        app: &str,
        account: &str,
        scan: usize,
    ) -> Result<bool, StoreError> {
        Store::inbox_has_other_tenant(self, app, account, scan)
    }
    async fn outbox_len(&self, channel: Option<Channel>) -> usize {
        Store::outbox_len(self, channel)
    }
    async fn get_job(&self, id: u64) -> Result<Option<Job>, StoreError> {
        Store::get_job(self, id)
    }
    async fn list_jobs(&self) -> Result<Vec<Job>, StoreError> {
        let s = self.clone();
        blocking(move || Store::list_jobs(&s)).await
    }
    async fn claim_due(
        &self,
        channel: Channel,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError> {
        Store::claim_due(self, channel, now_ms, lease_ms)
    }
    async fn finish_job(
        &self,
        job: &Job,
        attempt: &Attempt,
        next: Finish,
    ) -> Result<(), StoreError> {
        Store::finish_job(self, job, attempt, next)
    }
    async fn defer_job(&self, job: &Job, at_ms: i64) -> Result<(), StoreError> {
        Store::defer_job(self, job, at_ms)
    }
    async fn release_claims(&self, now_ms: i64) -> Result<usize, StoreError> {
        let s = self.clone();
        blocking(move || Store::release_claims(&s, now_ms)).await
    }
    async fn attempts_of(&self, job_id: u64) -> Result<Vec<Attempt>, StoreError> {
        Store::attempts_of(self, job_id)
    }
    async fn retry_dead(&self, id: u64, now_ms: i64) -> Result<bool, StoreError> {
        Store::retry_dead(self, id, now_ms)
    }
    async fn list_sent(&self) -> Result<Vec<SentJob>, StoreError> {
        let s = self.clone();
        blocking(move || Store::list_sent(&s)).await
    }
    async fn get_sent(&self, id: u64) -> Result<Option<SentJob>, StoreError> {
        Store::get_sent(self, id)
    }
    async fn get_dead(&self, id: u64) -> Result<Option<DeadJob>, StoreError> {
        Store::get_dead(self, id)
    }
    async fn expire_sent(&self, cutoff_ms: i64) -> Result<u64, StoreError> {
        let s = self.clone();
        blocking(move || Store::expire_sent(&s, cutoff_ms)).await
    }
    async fn list_dead(&self) -> Result<Vec<DeadJob>, StoreError> {
        let s = self.clone();
        blocking(move || Store::list_dead(&s)).await
    }
    async fn reindex_outbox(&self) -> Result<usize, StoreError> {
        let s = self.clone();
        blocking(move || Store::reindex_outbox(&s)).await
    }
}

#[async_trait]
impl RouteStore for Store {
    async fn get_route_versioned(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<(Route, RouteVersion)>, StoreError> {
        Store::get_route_versioned(self, app_id, account_id, name)
    }
    async fn swap_route(&self, version: &RouteVersion, route: &Route) -> Result<bool, StoreError> {
        Store::swap_route(self, version, route)
    }
    async fn create_route(&self, route: &Route) -> Result<bool, StoreError> {
        Store::create_route(self, route)
    }
    async fn routes_is_empty(&self) -> bool {
        Store::routes_is_empty(self)
    }
    async fn route_count(&self) -> usize {
        Store::route_count(self)
    }
    async fn list_routes(&self, tenant: Option<(&str, &str)>) -> Result<Vec<Route>, StoreError> {
        Store::list_routes(self, tenant)
    }
    async fn get_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Route>, StoreError> {
        Store::get_route(self, app_id, account_id, name)
    }
    async fn put_route(&self, route: &Route) -> Result<bool, StoreError> {
        Store::put_route(self, route)
    }
    async fn take_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<Option<Route>, StoreError> {
        Store::take_route(self, app_id, account_id, name)
    }
    async fn remove_route(
        &self,
        app_id: &str,
        account_id: &str,
        name: &str,
    ) -> Result<bool, StoreError> {
        Store::remove_route(self, app_id, account_id, name)
    }
    async fn import_routes(&self, routes: &[Route]) -> Result<ImportReport, StoreError> {
        Store::import_routes(self, routes)
    }
    async fn tenant_templates(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        Store::tenant_templates(self, app_id, account_id)
    }
    async fn set_template(
        &self,
        app_id: &str,
        account_id: &str,
        event: &str,
        key: &str,
        source: &str,
    ) -> Result<(), StoreError> {
        Store::set_template(self, app_id, account_id, event, key, source)
    }
    async fn remove_template(
        &self,
        app_id: &str,
        account_id: &str,
        event: &str,
        key: &str,
    ) -> Result<bool, StoreError> {
        Store::remove_template(self, app_id, account_id, event, key)
    }
}

#[async_trait]
impl TenantStore for Store {
    async fn get_tenant(
        &self,
        app_id: &str,
        account_id: &str,
    ) -> Result<Option<Tenant>, StoreError> {
        Store::get_tenant(self, app_id, account_id)
    }
    async fn put_tenant(&self, t: &Tenant) -> Result<(), StoreError> {
        Store::put_tenant(self, t)
    }
    async fn list_tenants(&self, app_id: Option<&str>) -> Result<Vec<Tenant>, StoreError> {
        Store::list_tenants(self, app_id)
    }
    async fn add_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        Store::add_audit(self, e)
    }
    async fn list_audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let s = self.clone();
        blocking(move || Store::list_audit(&s)).await
    }
    async fn purge_tenant(
        &self,
        app_id: &str,
        account_id: &str,
        event_last: Option<u64>,
    ) -> Result<PurgeReport, StoreError> {
        Store::purge_tenant(self, app_id, account_id, event_last)
    }
}

#[async_trait]
impl AuthStore for Store {
    async fn put_session(&self, id: &str, s: &Session) -> Result<(), StoreError> {
        Store::put_session(self, id, s)
    }
    async fn get_session(&self, id: &str, now_ms: i64) -> Result<Option<Session>, StoreError> {
        Store::get_session(self, id, now_ms)
    }
    async fn remove_session(&self, id: &str) -> Result<(), StoreError> {
        Store::remove_session(self, id)
    }
    async fn expire_sessions(&self, now_ms: i64) -> Result<usize, StoreError> {
        let s = self.clone();
        blocking(move || Store::expire_sessions(&s, now_ms)).await
    }
    async fn put_api_token(&self, token: &str, t: &ApiToken) -> Result<(), StoreError> {
        Store::put_api_token(self, token, t)
    }
    async fn api_token(&self, token: &str) -> Result<Option<ApiToken>, StoreError> {
        Store::api_token(self, token)
    }
    async fn list_api_tokens(
        &self,
        tenant: Option<(&str, &str)>,
    ) -> Result<Vec<ApiToken>, StoreError> {
        Store::list_api_tokens(self, tenant)
    }
    async fn revoke_api_token(
        &self,
        id: &str,
        tenant: Option<(&str, &str)>,
    ) -> Result<bool, StoreError> {
        Store::revoke_api_token(self, id, tenant)
    }
}

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
        Store::purge_bot_tenant(self, app_id, account_id)
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

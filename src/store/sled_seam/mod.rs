//! The sled backend behind the storage seam ([`super::seam`]).
//!
//! Point reads and writes run inline on the async worker: sled serves them from its page cache in
//! microseconds and never fsyncs on them (durability comes from the group-commit barrier,
//! [`Maintenance::flush`], which is async). Whole-tree scans (listings, retention, claim release, tenant purges)
//! and backups run on the blocking pool so that a large store cannot stall the runtime.

use std::collections::BTreeMap;
use std::path::Path;

use async_trait::async_trait;

use super::auth::{ApiToken, Session};
use super::seam::*;
use super::{
    AppendOutcome, Attempt, AuditEntry, BackupError, BackupInfo, Claim, DeadJob, EventFilter,
    EventRecord, EventStatus, Fault, Finish, FlushSnapshot, ImportReport, Job, NewEvent, NewJob,
    PurgeReport, RetentionReport, SentJob, Store, StoreError, Tenant,
};
use crate::routing::{Channel, Route};

mod community;

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
        let (s, app, account) = (self.clone(), app_id.to_owned(), account_id.to_owned());
        blocking(move || Store::purge_tenant(&s, &app, &account, event_last)).await
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

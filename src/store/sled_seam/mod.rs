//! The sled backend behind the storage seam ([`super::seam`]).
//!
//! Point reads and writes run inline on the async worker: sled serves them from its page cache in
//! microseconds and never fsyncs on them (durability comes from the group-commit barrier,
//! [`Maintenance::flush`], which is async). Whole-tree scans (listings, retention, claim release,
//! tenant purges) and backups run on the blocking pool so that a large store cannot stall the
//! runtime.
//!
//! Most trait methods only forward to the sled `Store`'s inherent method of the same name and
//! arguments; [`sled_impl!`] writes those from a one-line list, so each signature is spelt out in
//! full once, on the trait, with its documentation.

use std::collections::BTreeMap;
use std::path::Path;

use async_trait::async_trait;

use super::auth::{ApiToken, Session};
use super::seam::*;
use super::{
    AppendOutcome, Attempt, AuditEntry, BackupError, BackupInfo, Claim, DeadJob, Dispatched,
    EventFilter, EventRecord, EventStatus, Fault, Finish, FlushSnapshot, ImportReport, Job,
    NewEvent, NewJob, PurgeReport, RetentionReport, SentJob, Store, StoreError, Tenant, TenantId,
};
use crate::routing::{Channel, Route};

/// Implements a seam trait for the sled [`Store`]: every `fn name(args) -> ret;` in the braces
/// becomes an async method that calls the inherent `Store::name` inline; every one in the
/// `blocking { }` braces that follow (whole-tree scans, with arguments that are `Copy`) one that
/// calls it on the blocking pool; methods written out after that (awaits, sync methods, scans that
/// first wait for the applier) are kept as they are.
macro_rules! sled_impl {
    (
        $trait:ident { $(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)* }
        blocking { $(fn $bname:ident($($barg:ident: $bty:ty),*) -> $bret:ty;)* }
        $($rest:tt)*
    ) => {
        #[async_trait::async_trait]
        impl $trait for crate::store::Store {
            $(async fn $name(&self $(, $arg: $ty)*) -> $ret {
                crate::store::Store::$name(self $(, $arg)*)
            })*
            $(async fn $bname(&self $(, $barg: $bty)*) -> $bret {
                let s = self.clone();
                blocking(move || crate::store::Store::$bname(&s $(, $barg)*)).await
            })*
            $($rest)*
        }
    };
    ($trait:ident { $($inline:tt)* } $($rest:tt)*) => {
        sled_impl! { $trait { $($inline)* } blocking {} $($rest)* }
    };
}

mod cluster;
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
        self.settle().await;
        let (s, needle) = (self.clone(), needle.to_vec());
        blocking(move || Store::trees_containing(&s, &needle)).await
    }
    async fn key_counts(&self) -> Result<BTreeMap<String, usize>, StoreError> {
        self.settle().await;
        let s = self.clone();
        blocking(move || Store::key_counts(&s)).await
    }
    async fn backup_to_file(&self, path: &Path) -> Result<BackupInfo, BackupError> {
        self.settle().await;
        let (s, path) = (self.clone(), path.to_path_buf());
        tokio::task::spawn_blocking(move || Store::backup_to_file(&s, &path))
            .await
            .map_err(|e| BackupError::from(StoreError::backend("the backup task failed", e)))?
    }
    async fn write_backup(
        &self,
        w: Box<dyn std::io::Write + Send>,
    ) -> Result<BackupInfo, BackupError> {
        self.settle().await;
        let s = self.clone();
        tokio::task::spawn_blocking(move || Store::write_backup(&s, w))
            .await
            .map_err(|e| BackupError::from(StoreError::backend("the backup task failed", e)))?
    }
}

sled_impl! {
    EventLog {}
    blocking {
        fn expire(now_ms: i64, dedup_retention_ms: i64, event_retention_ms: i64) -> Result<RetentionReport, StoreError>;
    }
    // Each read first waits (async) for the applier to write every acknowledged event into sled,
    // so the synchronous method it calls finds nothing to wait for (journal/mod.rs).
    async fn get_event(&self, seq: u64) -> Result<Option<EventRecord>, StoreError> {
        if !self.applied_through(seq) {
            self.settle().await;
        }
        Store::get_event(self, seq)
    }
    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<EventRecord>, StoreError> {
        self.settle().await;
        Store::list_events(self, filter)
    }
    async fn inbox_len(&self) -> usize {
        self.settle().await;
        Store::inbox_len(self)
    }
    async fn event_count(&self) -> usize {
        self.settle().await;
        Store::event_count(self)
    }
    async fn append_event(
        &self,
        dedup_key: [u8; 16],
        event: NewEvent,
    ) -> Result<AppendOutcome, StoreError> {
        Store::append_event(self, dedup_key, event).await
    }
}

sled_impl! {
    Queue {
        fn commit_dispatch_with_dead(record: &EventRecord, status: EventStatus, jobs: Vec<NewJob>, dead: Vec<(NewJob, String)>) -> Result<u32, StoreError>;
        fn commit_dispatches(batch: Vec<Dispatched>) -> Result<Vec<u32>, StoreError>;
        fn release_inbox(seqs: &[u64]) -> Result<(), StoreError>;
        fn enqueue_jobs(jobs: Vec<NewJob>) -> Result<u32, StoreError>;
        fn outbox_len(channel: Option<Channel>) -> usize;
        fn get_job(id: u64) -> Result<Option<Job>, StoreError>;
        fn claim_due(channel: Channel, now_ms: i64, lease_ms: i64) -> Result<Claim, StoreError>;
        fn finish_job(job: &Job, attempt: &Attempt, next: Finish) -> Result<(), StoreError>;
        fn defer_job(job: &Job, at_ms: i64) -> Result<(), StoreError>;
        fn attempts_of(job_id: u64) -> Result<Vec<Attempt>, StoreError>;
        fn retry_dead(id: u64, now_ms: i64) -> Result<bool, StoreError>;
        fn get_sent(id: u64) -> Result<Option<SentJob>, StoreError>;
        fn get_dead(id: u64) -> Result<Option<DeadJob>, StoreError>;
    }
    blocking {
        fn list_jobs() -> Result<Vec<Job>, StoreError>;
        fn release_claims(now_ms: i64) -> Result<usize, StoreError>;
        fn list_sent() -> Result<Vec<SentJob>, StoreError>;
        fn expire_sent(cutoff_ms: i64) -> Result<u64, StoreError>;
        fn list_dead() -> Result<Vec<DeadJob>, StoreError>;
        fn reindex_outbox() -> Result<usize, StoreError>;
    }
    async fn next_inbox_event(&self) -> Result<Option<EventRecord>, StoreError> {
        self.settle_if_inbox_empty().await;
        Store::next_inbox_event(self)
    }
    async fn claim_inbox(
        &self,
        deferred: &Deferred,
        claim: InboxClaim,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let InboxClaim { scan, max, now_ms, lease_ms } = claim;
        // Only waits for the applier when what sled holds has nothing better to offer.
        let held_back = |recs: &[EventRecord]| {
            recs.first()
                .is_none_or(|r| deferred(&r.event.app_id, r.event.account_id.as_deref()))
        };
        let mut found = Store::inbox_batch_applied(self, deferred, scan, max, now_ms)?;
        if held_back(&found) && !self.is_settled() {
            self.settle().await;
            found = Store::inbox_batch_applied(self, deferred, scan, max, now_ms)?;
        }
        Ok(self.claim_inbox_events(found, now_ms, lease_ms))
    }
    async fn inbox_has_other_tenant(
        &self,
        tenant: &TenantId,
        scan: usize,
    ) -> Result<bool, StoreError> {
        if Store::inbox_has_other_tenant_applied(self, tenant, scan)? {
            return Ok(true);
        }
        self.settle().await;
        Store::inbox_has_other_tenant_applied(self, tenant, scan)
    }
}

sled_impl! {
    RouteStore {
        fn get_route_versioned(tenant: &TenantId, name: &str) -> Result<Option<(Route, RouteVersion)>, StoreError>;
        fn swap_route(version: &RouteVersion, route: &Route) -> Result<bool, StoreError>;
        fn create_route(route: &Route) -> Result<bool, StoreError>;
        fn routes_is_empty() -> bool;
        fn route_count() -> usize;
        fn list_routes(tenant: Option<&TenantId>) -> Result<Vec<Route>, StoreError>;
        fn get_route(tenant: &TenantId, name: &str) -> Result<Option<Route>, StoreError>;
        fn put_route(route: &Route) -> Result<bool, StoreError>;
        fn take_route(tenant: &TenantId, name: &str) -> Result<Option<Route>, StoreError>;
        fn remove_route(tenant: &TenantId, name: &str) -> Result<bool, StoreError>;
        fn import_routes(routes: &[Route]) -> Result<ImportReport, StoreError>;
        fn tenant_templates(tenant: &TenantId) -> Result<BTreeMap<String, String>, StoreError>;
        fn set_template(tenant: &TenantId, event: &str, key: &str, source: &str) -> Result<(), StoreError>;
        fn remove_template(tenant: &TenantId, event: &str, key: &str) -> Result<bool, StoreError>;
    }
}

sled_impl! {
    TenantStore {
        fn get_tenant(tenant: &TenantId) -> Result<Option<Tenant>, StoreError>;
        fn put_tenant(t: &Tenant) -> Result<(), StoreError>;
        fn list_tenants(app_id: Option<&str>) -> Result<Vec<Tenant>, StoreError>;
        fn add_audit(e: &AuditEntry) -> Result<(), StoreError>;
    }
    blocking {
        fn list_audit() -> Result<Vec<AuditEntry>, StoreError>;
    }
    async fn purge_tenant(
        &self,
        tenant: &TenantId,
        event_last: Option<u64>,
    ) -> Result<PurgeReport, StoreError> {
        self.settle().await;
        let (s, tenant) = (self.clone(), tenant.clone());
        blocking(move || Store::purge_tenant(&s, &tenant, event_last)).await
    }
}

sled_impl! {
    AuthStore {
        fn put_session(id: &str, s: &Session) -> Result<(), StoreError>;
        fn get_session(id: &str, now_ms: i64) -> Result<Option<Session>, StoreError>;
        fn remove_session(id: &str) -> Result<(), StoreError>;
        fn put_api_token(token: &str, t: &ApiToken) -> Result<(), StoreError>;
        fn api_token(token: &str) -> Result<Option<ApiToken>, StoreError>;
        fn list_api_tokens(tenant: Option<&TenantId>) -> Result<Vec<ApiToken>, StoreError>;
        fn revoke_api_token(id: &str, tenant: Option<&TenantId>) -> Result<bool, StoreError>;
    }
    blocking {
        fn expire_sessions(now_ms: i64) -> Result<usize, StoreError>;
    }
}

//! What happened to jobs: attempts, the sent log, dead letters and their retry.

use super::{Attempt, DeadJob, SentJob, enc};
use crate::store::keys::{attempt_prefix, dest_key, due_key, job_key};
use crate::store::{Store, StoreError, TenantId, decode, decode_all, decode_opt};

impl Store {
    pub fn attempts_of(&self, job_id: u64) -> Result<Vec<Attempt>, StoreError> {
        decode_all(self.inner.attempts.scan_prefix(attempt_prefix(job_id)))
    }

    /// Moves a dead letter back into the outbox, due now, with its attempt count kept (so history
    /// numbering continues). Returns false when there is no such dead letter.
    pub fn retry_dead(&self, id: u64, now_ms: i64) -> Result<bool, StoreError> {
        let i = &self.inner;
        let Some(v) = i.dead.get(job_key(id))? else {
            return Ok(false);
        };
        let dead: DeadJob = decode(&v)?;
        let mut j = dead.job;
        j.due_at_ms = now_ms;
        j.claimed_until_ms = None;
        // Job first, due entry last (see `create_jobs`).
        i.outbox.insert(job_key(j.id), enc(&j))?;
        i.outbox_dest.insert(dest_key(&j.target, j.id), &[])?;
        i.outbox_due
            .insert(due_key(j.target.channel(), now_ms, j.id), &[])?;
        i.dead.remove(job_key(id))?;
        Ok(true)
    }

    /// Sent jobs, oldest first.
    pub fn list_sent(&self) -> Result<Vec<SentJob>, StoreError> {
        decode_all(self.inner.sent.iter())
    }

    pub fn get_sent(&self, id: u64) -> Result<Option<SentJob>, StoreError> {
        decode_opt(self.inner.sent.get(job_key(id))?)
    }

    pub fn get_dead(&self, id: u64) -> Result<Option<DeadJob>, StoreError> {
        decode_opt(self.inner.dead.get(job_key(id))?)
    }

    /// Drops sent-job records older than `cutoff_ms`; returns how many (run with the event retention).
    pub fn expire_sent(&self, cutoff_ms: i64) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self.inner.sent.iter() {
            let (k, v) = item?;
            let old = serde_json::from_slice::<SentJob>(&v)
                .map(|s| s.sent_at_ms < cutoff_ms)
                .unwrap_or(true);
            if old {
                self.inner.sent.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// A tenant's sent-job records, for the uninstall purge.
    pub(in crate::store) fn purge_sent_tenant(&self, tenant: &TenantId) -> Result<u64, StoreError> {
        let mut n = 0;
        for item in self.inner.sent.iter() {
            let (k, v) = item?;
            let owned = serde_json::from_slice::<SentJob>(&v)
                .map(|s| tenant.is(&s.job.app_id, &s.job.account_id))
                .unwrap_or(true);
            if owned {
                self.inner.sent.remove(k)?;
                n += 1;
            }
        }
        Ok(n)
    }

    pub fn list_dead(&self) -> Result<Vec<DeadJob>, StoreError> {
        decode_all(self.inner.dead.iter())
    }
}

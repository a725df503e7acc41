//! Workers' side of the outbox: claiming the next due job under a lease, per-destination order,
//! and finishing, deferring or releasing a claim.

use super::{Attempt, Claim, DeadJob, Finish, Job, SentJob, enc};
use crate::routing::Channel;
use crate::store::keys::{
    attempt_key, decode_dest_key, decode_due_key, dest_key, dest_prefix, due_key, due_prefix,
    job_key,
};
use crate::store::{Store, StoreError, decode, decode_all, decode_opt};

impl Store {
    pub fn outbox_len(&self, channel: Option<Channel>) -> usize {
        match channel {
            None => self.inner.outbox.len(),
            Some(c) => self.inner.outbox_due.scan_prefix(due_prefix(c)).count(),
        }
    }

    pub fn get_job(&self, id: u64) -> Result<Option<Job>, StoreError> {
        decode_opt(self.inner.outbox.get(job_key(id))?)
    }

    /// All pending jobs, oldest first.
    pub fn list_jobs(&self) -> Result<Vec<Job>, StoreError> {
        decode_all(self.inner.outbox.iter())
    }

    /// Claims the next due job of `channel` for `lease_ms`. Returns it with its claim recorded, or the
    /// time the next job becomes due. Index entries that no longer match their job (left by a crash
    /// between two writes) are removed on the way.
    pub fn claim_due(
        &self,
        channel: Channel,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError> {
        let i = &self.inner;
        for item in i.outbox_due.scan_prefix(due_prefix(channel)) {
            let (k, _) = item?;
            let Some((due, id)) = decode_due_key(&k) else {
                i.outbox_due.remove(&k)?;
                continue;
            };
            if due > now_ms {
                return Ok(Claim::NotBefore(due));
            }
            let Some(old) = i.outbox.get(job_key(id))? else {
                i.outbox_due.remove(&k)?;
                continue;
            };
            let mut job: Job = decode(&old)?;
            if job.due_at_ms != due {
                i.outbox_due.remove(&k)?;
                continue;
            }
            if !self.is_head_of_destination(&job)? {
                continue; // an older job for this target goes first
            }
            let until = now_ms + lease_ms;
            job.claimed_until_ms = Some(until);
            job.due_at_ms = until;
            let new_key = due_key(channel, until, id);
            i.outbox_due.insert(new_key, &[])?;
            if let Err(lost) = i
                .outbox
                .compare_and_swap(job_key(id), Some(old), Some(enc(&job)))?
            {
                // Changed under us: another worker claimed it, or it was finished. A worker that
                // claimed it at the same moment with the same lease wrote this very due entry, and
                // removing it would strand the job (never due again once the lease ends).
                let theirs = lost
                    .current
                    .and_then(|v| serde_json::from_slice::<Job>(&v).ok())
                    .map(|j| j.due_at_ms);
                if theirs != Some(until) {
                    i.outbox_due.remove(new_key)?;
                }
                continue; // look again
            }
            i.outbox_due.remove(&k)?;
            return Ok(Claim::Job(Box::new(job)));
        }
        Ok(Claim::Empty)
    }

    /// Whether `job` is the oldest pending job for its target. Index entries whose job is gone (left
    /// by a crash between two writes) are dropped on the way.
    fn is_head_of_destination(&self, job: &Job) -> Result<bool, StoreError> {
        let i = &self.inner;
        for item in i.outbox_dest.scan_prefix(dest_prefix(&job.target)) {
            let (k, _) = item?;
            let id = decode_dest_key(&k)
                .ok_or_else(|| StoreError::Io("bad destination index key".into()))?;
            if id == job.id {
                return Ok(true);
            }
            if i.outbox.contains_key(job_key(id))? {
                return Ok(false);
            }
            i.outbox_dest.remove(&k)?;
        }
        // Not indexed (a job from before the index existed): nothing to wait for.
        Ok(true)
    }

    /// Records the attempt, then finishes a claimed job: removes it when sent or dead, reschedules it
    /// for a retry. The attempt goes first, so a crash never loses the record of a send.
    pub fn finish_job(&self, job: &Job, attempt: &Attempt, next: Finish) -> Result<(), StoreError> {
        let i = &self.inner;
        // A tenant purge removed the job while it was being sent: write nothing back for it.
        if !i.outbox.contains_key(job_key(job.id))? {
            return Ok(());
        }
        let channel = job.target.channel();
        let old_due = due_key(channel, job.due_at_ms, job.id);
        i.attempts
            .insert(attempt_key(job.id, attempt.attempt), enc(attempt))?;
        let mut j = job.clone();
        j.attempts = attempt.attempt;
        j.claimed_until_ms = None;
        // Sent and dead jobs are copied to their history tree before they leave the outbox and
        // the destination index.
        let history = match next {
            Finish::Done => Some((
                &i.sent,
                enc(&SentJob {
                    job: j,
                    sent_at_ms: attempt.at_ms,
                }),
            )),
            Finish::RetryAt(at) => {
                j.due_at_ms = at;
                i.outbox_due.insert(due_key(channel, at, j.id), &[])?;
                i.outbox.insert(job_key(j.id), enc(&j))?;
                None
            }
            Finish::Dead(reason) => Some((
                &i.dead,
                enc(&DeadJob {
                    job: j,
                    reason,
                    dead_at_ms: attempt.at_ms,
                }),
            )),
        };
        if let Some((tree, record)) = history {
            tree.insert(job_key(job.id), record)?;
            i.outbox.remove(job_key(job.id))?;
            i.outbox_dest.remove(dest_key(&job.target, job.id))?;
        }
        i.outbox_due.remove(old_due)?;
        Ok(())
    }

    /// Makes a claimed job due at `at_ms` without recording an attempt: waiting for a pacer is not
    /// a failure and must not use up the retry schedule.
    pub fn defer_job(&self, job: &Job, at_ms: i64) -> Result<(), StoreError> {
        let i = &self.inner;
        if !i.outbox.contains_key(job_key(job.id))? {
            return Ok(());
        }
        self.unclaim(job, at_ms)
    }

    /// Writes `job` back unclaimed and due at `at_ms`, moving its due-index entry: the one way a
    /// job goes back to waiting without an attempt (a deferral, a released claim). The new entry
    /// is written before the old one is removed, so a crash in between never hides the job.
    fn unclaim(&self, job: &Job, at_ms: i64) -> Result<(), StoreError> {
        let i = &self.inner;
        let channel = job.target.channel();
        let mut j = job.clone();
        j.due_at_ms = at_ms;
        j.claimed_until_ms = None;
        i.outbox_due.insert(due_key(channel, at_ms, j.id), &[])?;
        i.outbox.insert(job_key(j.id), enc(&j))?;
        if job.due_at_ms != at_ms {
            i.outbox_due
                .remove(due_key(channel, job.due_at_ms, job.id))?;
        }
        Ok(())
    }

    /// Makes every claimed job due now. Run at startup: a claim held by a dead process is void.
    pub fn release_claims(&self, now_ms: i64) -> Result<usize, StoreError> {
        let mut released = 0;
        for job in self.list_jobs()? {
            if job.claimed_until_ms.is_none() {
                continue;
            }
            self.unclaim(&job, now_ms)?;
            released += 1;
        }
        Ok(released)
    }

    /// Re-creates the due and destination index entries of every pending job. A backup taken while
    /// the relay runs copies one tree after another, so a job can arrive without the index entry a
    /// worker finds it by; entries that point nowhere are already dropped by [`Store::claim_due`].
    /// Returns the number of entries added.
    pub fn reindex_outbox(&self) -> Result<usize, StoreError> {
        let i = &self.inner;
        let mut added = 0;
        for job in self.list_jobs()? {
            let due = due_key(job.target.channel(), job.due_at_ms, job.id);
            if !i.outbox_due.contains_key(due)? {
                i.outbox_due.insert(due, &[])?;
                added += 1;
            }
            let dest = dest_key(&job.target, job.id);
            if !i.outbox_dest.contains_key(dest)? {
                i.outbox_dest.insert(dest, &[])?;
                added += 1;
            }
        }
        Ok(added)
    }
}

//! The event log (intake) and the outbox queue (dispatch and delivery).

use super::*;

#[async_trait]
pub trait EventLog: Send + Sync {
    async fn append_event(
        &self,
        dedup_key: [u8; 16],
        event: NewEvent,
    ) -> Result<AppendOutcome, StoreError>;

    async fn get_event(&self, seq: u64) -> Result<Option<EventRecord>, StoreError>;

    /// Newest first.
    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<EventRecord>, StoreError>;

    async fn inbox_len(&self) -> usize;

    async fn event_count(&self) -> usize;

    /// Removes dedup keys and dispatched events past their retention. Pending events are kept
    /// whatever their age: an acknowledged event is never dropped before it is dispatched.
    async fn expire(
        &self,
        now_ms: i64,
        dedup_retention_ms: i64,
        event_retention_ms: i64,
    ) -> Result<RetentionReport, StoreError>;
}

/// Whether the dispatcher holds back a tenant's (app, account) events for now: its render time is
/// used up (see `dispatch::Fairness`).
pub type Deferred = dyn for<'r> Fn(&'r str, Option<&'r str>) -> bool + Send + Sync;

/// Which inbox events a dispatcher asks for (see [`Queue::claim_inbox`]).
#[derive(Debug, Clone, Copy)]
pub struct InboxClaim {
    /// How many unclaimed events, oldest first, are looked at.
    pub scan: usize,
    /// How many are taken at most.
    pub max: usize,
    pub now_ms: i64,
    /// How long a claim holds before another replica may take the event.
    pub lease_ms: i64,
}

#[async_trait]
pub trait Queue: Send + Sync {
    /// Up to `max` inbox events for this replica's dispatcher, oldest first: of the first `scan`
    /// events that no other dispatcher holds, those whose tenant (app, account) `deferred` does not
    /// hold back; when it holds back all of them, the oldest one (a tenant over its render budget
    /// waits, but never blocks the queue).
    ///
    /// Where several replicas dispatch (PostgreSQL), each event returned is claimed until
    /// `claim.now_ms + claim.lease_ms`, so that the other replicas' dispatchers pass it by and no two render the
    /// same event; a dispatcher that dies leaves its claims to expire. Committing an event ends
    /// its claim, and [`Queue::release_inbox`] gives one back. On sled the claims are kept in
    /// memory (one process; a restart ends them).
    async fn claim_inbox(
        &self,
        deferred: &Deferred,
        claim: InboxClaim,
    ) -> Result<Vec<EventRecord>, StoreError>;

    /// Gives back claimed inbox events that were not dispatched (deferred), so that any
    /// dispatcher may take them again at once.
    async fn release_inbox(&self, seqs: &[u64]) -> Result<(), StoreError>;

    async fn next_inbox_event(&self) -> Result<Option<EventRecord>, StoreError>;

    /// Takes event `seq` out of the inbox, records its status and creates its jobs. Safe to repeat
    /// after a crash at any point: each job's idempotency key is written first and names the job id,
    /// then the due entry, then the job; a repeat recreates only jobs that never reached the store and
    /// were never attempted. The inbox entry goes last. Returns the number of jobs created.
    async fn commit_dispatch(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
    ) -> Result<u32, StoreError> {
        self.commit_dispatch_with_dead(record, status, jobs, vec![])
            .await
    }

    /// Like [`Queue::commit_dispatch`], plus jobs that are dead on arrival: a message whose
    /// template went over its render budget is recorded as a dead letter with `reason` and never
    /// sent, while the event's other jobs go out as usual. Idempotent like the live jobs.
    async fn commit_dispatch_with_dead(
        &self,
        record: &EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
        dead: Vec<(NewJob, String)>,
    ) -> Result<u32, StoreError> {
        let created = self
            .commit_dispatches(vec![Dispatched {
                record: record.clone(),
                status,
                jobs,
                dead,
            }])
            .await?;
        Ok(created.first().copied().unwrap_or(0))
    }

    /// Commits several dispatched events at once, in order, each as
    /// [`Queue::commit_dispatch_with_dead`] would: on PostgreSQL in one transaction, so that a
    /// dispatcher's batch waits for one WAL flush rather than one per event. Returns the jobs
    /// created for each.
    async fn commit_dispatches(&self, batch: Vec<Dispatched>) -> Result<Vec<u32>, StoreError>;

    /// Queues jobs that no Zoom event caused (the bot's replies), with event seq 0. The same
    /// idempotency rule holds: a key seen before creates nothing, so handling a Telegram update
    /// twice cannot send its replies twice. Returns the number of jobs created.
    async fn enqueue_jobs(&self, jobs: Vec<NewJob>) -> Result<u32, StoreError>;

    /// Whether an event of another tenant than (`app`, `account`) waits in the first `scan`
    /// inbox entries.
    async fn inbox_has_other_tenant(
        &self,
        tenant: &TenantId,
        scan: usize,
    ) -> Result<bool, StoreError>;

    async fn outbox_len(&self, channel: Option<Channel>) -> usize;

    async fn get_job(&self, id: u64) -> Result<Option<Job>, StoreError>;

    /// All pending jobs, oldest first.
    async fn list_jobs(&self) -> Result<Vec<Job>, StoreError>;

    /// Claims the next due job of `channel` for `lease_ms`. Returns it with its claim recorded, or the
    /// time the next job becomes due. Index entries that no longer match their job (left by a crash
    /// between two writes) are removed on the way.
    async fn claim_due(
        &self,
        channel: Channel,
        now_ms: i64,
        lease_ms: i64,
    ) -> Result<Claim, StoreError>;

    /// Records the attempt, then finishes a claimed job: removes it when sent or dead, reschedules it
    /// for a retry. The attempt goes first, so a crash never loses the record of a send.
    async fn finish_job(
        &self,
        job: &Job,
        attempt: &Attempt,
        next: Finish,
    ) -> Result<(), StoreError>;

    /// Makes a claimed job due at `at_ms` without recording an attempt: waiting for a pacer is not
    /// a failure and must not use up the retry schedule.
    async fn defer_job(&self, job: &Job, at_ms: i64) -> Result<(), StoreError>;

    /// Makes every claimed job due now. Run at startup: a claim held by a dead process is void.
    async fn release_claims(&self, now_ms: i64) -> Result<usize, StoreError>;

    async fn attempts_of(&self, job_id: u64) -> Result<Vec<Attempt>, StoreError>;

    /// Moves a dead letter back into the outbox, due now, with its attempt count kept (so history
    /// numbering continues). Returns false when there is no such dead letter.
    async fn retry_dead(&self, id: u64, now_ms: i64) -> Result<bool, StoreError>;

    /// Sent jobs, oldest first.
    async fn list_sent(&self) -> Result<Vec<SentJob>, StoreError>;

    async fn get_sent(&self, id: u64) -> Result<Option<SentJob>, StoreError>;

    async fn get_dead(&self, id: u64) -> Result<Option<DeadJob>, StoreError>;

    /// Drops sent-job records older than `cutoff_ms`; returns how many (run with the event retention).
    async fn expire_sent(&self, cutoff_ms: i64) -> Result<u64, StoreError>;

    async fn list_dead(&self) -> Result<Vec<DeadJob>, StoreError>;

    /// the relay runs copies one tree after another, so a job can arrive without the index entry a
    /// worker finds it by; entries that point nowhere are already dropped by [`Store::claim_due`].
    /// Returns the number of entries added.
    async fn reindex_outbox(&self) -> Result<usize, StoreError>;
}

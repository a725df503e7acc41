//! The batch loop of the dispatcher: claim inbox events, decide each (see `Dispatcher::dispatch_into`),
//! commit their outcomes together and give back what was not dispatched; and `run`, the loop
//! around it.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{BATCH, CLAIM_LEASE_MS, DispatchOutcome, Dispatcher, FAIR_SCAN, Signals};
use crate::routing::Channel;
use crate::store::{Db, Dispatched, EventRecord, EventStatus, InboxClaim, NewJob, StoreError};

impl Dispatcher {
    /// Up to `max` inbox events, claimed for this dispatcher: tenants with render time left
    /// first (see [`Fairness`]).
    async fn claim(&self, max: usize) -> Result<Vec<EventRecord>, StoreError> {
        let fairness = self.fairness.clone();
        self.db
            .claim_inbox(
                &move |app: &str, account: Option<&str>| {
                    account.is_some_and(|acc| !fairness.has_tokens(app, acc))
                },
                InboxClaim {
                    scan: FAIR_SCAN,
                    max,
                    now_ms: chrono::Utc::now().timestamp_millis(),
                    lease_ms: CLAIM_LEASE_MS,
                },
            )
            .await
    }

    /// Dispatches the oldest inbox event (see [`Dispatcher::step_batch`]).
    pub async fn step(&self) -> Result<DispatchOutcome, StoreError> {
        Ok(self
            .step_batch(1)
            .await?
            .pop()
            .unwrap_or(DispatchOutcome::Idle))
    }

    /// Claims up to `max` inbox events and dispatches them in order, committing their outcomes
    /// together (one transaction on PostgreSQL). An event that needs async work first (a join-link
    /// lookup, a token revocation; see [`Tenants::wants_prep`]) gets it before it is dispatched.
    /// An uninstall's purge runs only after the events before it are committed, so no job of the
    /// purged tenant is created behind it. Returns one outcome per event, none when the inbox is
    /// empty.
    pub async fn step_batch(&self, max: usize) -> Result<Vec<DispatchOutcome>, StoreError> {
        let claimed = self.claim(max).await?;
        let mut batch = Batch::default();
        let mut left = claimed.into_iter();
        while let Some(rec) = left.next() {
            let seq = rec.seq;
            if let Err(e) = self.dispatch_into(rec, &mut batch).await {
                // What was decided before stands; the rest goes back to the inbox at once.
                let mut back: Vec<u64> = left.map(|r| r.seq).collect();
                back.push(seq);
                back.append(&mut batch.released);
                if let Err(c) = batch.commit(&self.db).await {
                    tracing::error!(error = %c, "committing a dispatch batch failed");
                }
                let _ = self.db.release_inbox(&back).await;
                return Err(e);
            }
        }
        batch.commit(&self.db).await?;
        self.db.release_inbox(&batch.released).await?;
        Ok(batch.outcomes)
    }

    /// Dispatches one inbox event at once (see [`Dispatcher::step_batch`]).
    pub async fn dispatch(&self, rec: EventRecord) -> Result<DispatchOutcome, StoreError> {
        let mut batch = Batch::default();
        self.dispatch_into(rec, &mut batch).await?;
        batch.commit(&self.db).await?;
        self.db.release_inbox(&batch.released).await?;
        Ok(batch.outcomes.pop().unwrap_or(DispatchOutcome::Idle))
    }
}

/// The outcomes of a dispatcher's batch, and what is still to be committed. An outcome that
/// depends on the commit (how many jobs it created) is finished when the commit returns.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) outcomes: Vec<DispatchOutcome>,
    pending: Vec<(Dispatched, usize, Finisher)>,
    /// Claimed events given back undispatched.
    pub(super) released: Vec<u64>,
    /// Each tenant's routes as read for this batch (see `RouteMemo`).
    pub(super) routes: super::RouteMemo,
}

type Finisher = Box<dyn FnOnce(u32) -> DispatchOutcome + Send>;

impl Batch {
    pub(super) fn add(
        &mut self,
        record: EventRecord,
        status: EventStatus,
        jobs: Vec<NewJob>,
        dead: Vec<(NewJob, String)>,
        finish: impl FnOnce(u32) -> DispatchOutcome + Send + 'static,
    ) {
        // A placeholder until the commit says how many jobs were created.
        self.outcomes.push(DispatchOutcome::Idle);
        let at = self.outcomes.len() - 1;
        let d = Dispatched {
            record,
            status,
            jobs,
            dead,
        };
        self.pending.push((d, at, Box::new(finish)));
    }

    /// Commits what is pending, in order, and finishes its outcomes.
    pub(super) async fn commit(&mut self, db: &Db) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let (batch, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(d, at, f)| (d, (at, f)))
            .unzip();
        let created = db.commit_dispatches(batch).await?;
        for ((at, finish), n) in rest.into_iter().zip(created) {
            self.outcomes[at] = finish(n);
        }
        Ok(())
    }
}

/// Runs `step()` until the inbox is empty, then waits for intake's signal (local, or from another
/// replica's commit) or the fallback poll (`delivery.poll_interval_secs`, for a lost wake-up) until
/// the token is cancelled.
pub async fn run(d: Dispatcher, signals: Arc<Signals>, token: CancellationToken) {
    let poll = Duration::from_secs(d.config.delivery.poll_interval_secs.max(1));
    loop {
        loop {
            if token.is_cancelled() {
                return;
            }
            match d.step_batch(BATCH).await {
                Ok(outcomes) if outcomes.is_empty() => break,
                Ok(outcomes) => {
                    let jobs = outcomes.iter().any(
                        |o| matches!(o, DispatchOutcome::Dispatched { jobs, .. } if *jobs > 0),
                    );
                    if jobs {
                        for c in Channel::ALL {
                            signals.channel(c).notify_one();
                        }
                    }
                    let purged = outcomes
                        .iter()
                        .any(|o| matches!(o, DispatchOutcome::Purged { .. }));
                    if purged && let Err(e) = d.db.flush().await {
                        tracing::error!(error = %e, "flushing after a tenant purge failed");
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "dispatch failed; retrying shortly");
                    break;
                }
            }
        }
        tokio::select! {
            _ = token.cancelled() => return,
            _ = signals.inbox.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

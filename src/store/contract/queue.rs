//! The outbox: claims, leases, per-destination order, dead letters, racing claimers.

use std::sync::Arc;

use super::{job, now_ms, telegram};
use crate::routing::{Channel, Target};
use crate::store::{Attempt, AttemptOutcome, Claim, Db, Finish, Job};

fn claimed(c: Claim) -> Job {
    match c {
        Claim::Job(j) => *j,
        other => panic!("expected a claimed job, got {other:?}"),
    }
}

fn attempt(job: &Job, at_ms: i64, outcome: AttemptOutcome) -> Attempt {
    crate::store::test_attempt(job.id, job.attempts + 1, at_ms, outcome)
}

/// Ends the claimed `job`'s attempt made at `at_ms` as `next` says, with the matching outcome.
async fn finish(db: &Db, job: &Job, at_ms: i64, next: Finish) {
    let outcome = match next {
        Finish::Done => AttemptOutcome::Sent,
        Finish::RetryAt(_) => AttemptOutcome::Retry,
        Finish::Dead(_) => AttemptOutcome::Dead,
    };
    db.finish_job(job, &attempt(job, at_ms, outcome), next)
        .await
        .unwrap();
}

/// A claimed job is nobody else's until its lease ends; then it is due again. A retry makes it
/// due at the retry time; done, it leaves the outbox for the sent log with its attempt.
pub(super) async fn claim_finish_and_lease_expiry(db: Db) {
    assert_eq!(
        db.enqueue_jobs(vec![job("A", "j", Target::Log)])
            .await
            .unwrap(),
        1
    );
    let now = now_ms();
    let lease = 10_000;
    let j = claimed(db.claim_due(Channel::Log, now, lease).await.unwrap());
    assert_eq!(j.claimed_until_ms, Some(now + lease));
    assert_eq!(
        db.get_job(j.id).await.unwrap().unwrap().claimed_until_ms,
        Some(now + lease)
    );
    assert!(
        matches!(db.claim_due(Channel::Log, now, lease).await.unwrap(), Claim::NotBefore(t) if t == now + lease),
        "claimed: not claimable again before the lease ends"
    );
    assert!(!matches!(
        db.claim_due(Channel::Log, now + lease - 1, lease)
            .await
            .unwrap(),
        Claim::Job(_)
    ));
    assert!(
        matches!(
            db.claim_due(Channel::Email, now, lease).await.unwrap(),
            Claim::Empty
        ),
        "another channel's claim does not see it"
    );
    // The worker died holding it: the lease runs out and the job is due again.
    let again = claimed(
        db.claim_due(Channel::Log, now + lease, lease)
            .await
            .unwrap(),
    );
    assert_eq!(again.id, j.id);

    let t = now + lease;
    let retry_at = t + 5_000;
    finish(&db, &again, t, Finish::RetryAt(retry_at)).await;
    assert!(
        matches!(db.claim_due(Channel::Log, retry_at - 1, lease).await.unwrap(), Claim::NotBefore(x) if x == retry_at),
        "a retry waits for its time"
    );
    let retried = claimed(db.claim_due(Channel::Log, retry_at, lease).await.unwrap());
    assert_eq!(retried.attempts, 1, "the retry counts as an attempt");
    finish(&db, &retried, retry_at, Finish::Done).await;
    assert!(
        db.get_job(j.id).await.unwrap().is_none(),
        "a sent job leaves the outbox"
    );
    assert_eq!(db.outbox_len(None).await, 0);
    let sent = db.get_sent(j.id).await.unwrap().expect("in the sent log");
    assert_eq!(sent.job.attempts, 2);
    assert_eq!(db.list_sent().await.unwrap().len(), 1);
    assert_eq!(db.attempts_of(j.id).await.unwrap().len(), 2);
    assert!(matches!(
        db.claim_due(Channel::Log, retry_at + 2 * lease, lease)
            .await
            .unwrap(),
        Claim::Empty
    ));
}

/// Claims held by a process that is gone are void at startup: every claimed job is due again at
/// once, not at the end of its lease.
pub(super) async fn release_claims_voids_leases(db: Db) {
    db.enqueue_jobs(vec![job("A", "a", Target::Log), job("A", "b", telegram(1))])
        .await
        .unwrap();
    let now = now_ms();
    let lease = 60_000;
    let a = claimed(db.claim_due(Channel::Log, now, lease).await.unwrap());
    let b = claimed(db.claim_due(Channel::Telegram, now, lease).await.unwrap());
    assert!(!matches!(
        db.claim_due(Channel::Log, now + 1, lease).await.unwrap(),
        Claim::Job(_)
    ));
    assert_eq!(db.release_claims(now + 1).await.unwrap(), 2);
    assert_eq!(
        db.get_job(a.id).await.unwrap().unwrap().claimed_until_ms,
        None
    );
    assert_eq!(
        claimed(db.claim_due(Channel::Log, now + 1, lease).await.unwrap()).id,
        a.id
    );
    assert_eq!(
        claimed(
            db.claim_due(Channel::Telegram, now + 1, lease)
                .await
                .unwrap()
        )
        .id,
        b.id
    );
    assert_eq!(
        db.release_claims(now + 2).await.unwrap(),
        2,
        "claimed again, released again"
    );
}

/// A second job for the same destination waits behind the first, even while the first waits for
/// a retry; other destinations are not held up.
pub(super) async fn fifo_per_destination(db: Db) {
    db.enqueue_jobs(vec![
        job("A", "first", telegram(1)),
        job("A", "second", telegram(1)),
        job("A", "elsewhere", telegram(2)),
    ])
    .await
    .unwrap();
    let now = now_ms();
    let lease = 10_000;
    let first = claimed(db.claim_due(Channel::Telegram, now, lease).await.unwrap());
    assert_eq!(first.idempotency_key, "first");
    let other = claimed(db.claim_due(Channel::Telegram, now, lease).await.unwrap());
    assert_eq!(
        other.idempotency_key, "elsewhere",
        "another destination is not held up"
    );
    assert!(
        !matches!(
            db.claim_due(Channel::Telegram, now, lease).await.unwrap(),
            Claim::Job(_)
        ),
        "the second job for chat 1 waits while the first is out"
    );
    let retry_at = now + 1_000;
    finish(&db, &first, now, Finish::RetryAt(retry_at)).await;
    assert!(
        !matches!(
            db.claim_due(Channel::Telegram, now + 1, lease)
                .await
                .unwrap(),
            Claim::Job(_)
        ),
        "a retry holds back what was queued after it"
    );
    let first = claimed(
        db.claim_due(Channel::Telegram, retry_at, lease)
            .await
            .unwrap(),
    );
    assert_eq!(
        first.idempotency_key, "first",
        "the retry goes before the second job"
    );
    finish(&db, &first, retry_at, Finish::Done).await;
    let second = claimed(
        db.claim_due(Channel::Telegram, retry_at, lease)
            .await
            .unwrap(),
    );
    assert_eq!(second.idempotency_key, "second");
}

/// A job that gave up is a dead letter: out of the queue, listed with its reason, and back in the
/// queue (due now, its attempt count kept) when retried. Jobs dead on arrival never queue.
pub(super) async fn dead_letters_and_retry_dead(db: Db) {
    db.enqueue_jobs(vec![job("A", "doomed", Target::Log)])
        .await
        .unwrap();
    let now = now_ms();
    let lease = 10_000;
    let j = claimed(db.claim_due(Channel::Log, now, lease).await.unwrap());
    finish(&db, &j, now, Finish::Dead("gone".into())).await;
    assert!(db.get_job(j.id).await.unwrap().is_none());
    assert_eq!(db.outbox_len(None).await, 0);
    let dead = db.get_dead(j.id).await.unwrap().expect("a dead letter");
    assert_eq!(dead.reason, "gone");
    assert_eq!(dead.job.attempts, 1);
    assert_eq!(db.list_dead().await.unwrap().len(), 1);
    assert!(matches!(
        db.claim_due(Channel::Log, now + 2 * lease, lease)
            .await
            .unwrap(),
        Claim::Empty
    ));

    let later = now + 3 * lease;
    assert!(db.retry_dead(j.id, later).await.unwrap());
    assert!(!db.retry_dead(j.id, later).await.unwrap(), "only once");
    assert!(
        !db.retry_dead(j.id + 1_000, later).await.unwrap(),
        "no such dead letter"
    );
    assert!(db.get_dead(j.id).await.unwrap().is_none());
    let back = claimed(db.claim_due(Channel::Log, later, lease).await.unwrap());
    assert_eq!(back.id, j.id);
    assert_eq!(back.attempts, 1, "history numbering continues");

    let seq = match db
        .append_event([9; 16], super::event("A", "{}"))
        .await
        .unwrap()
    {
        crate::store::AppendOutcome::Accepted { seq } => seq,
        other => panic!("{other:?}"),
    };
    let rec = db.get_event(seq).await.unwrap().unwrap();
    let status = crate::store::EventStatus::Dispatched { routes: 1, jobs: 1 };
    let created = db
        .commit_dispatch_with_dead(
            &rec,
            status,
            vec![job("A", "live", telegram(3))],
            vec![(job("A", "too big", telegram(4)), "over budget".into())],
        )
        .await
        .unwrap();
    assert_eq!(created, 1, "only the live job is queued");
    let dead = db.list_dead().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].job.idempotency_key, "too big");
    assert_eq!(dead[0].reason, "over budget");
    let live = claimed(db.claim_due(Channel::Telegram, later, lease).await.unwrap());
    assert_eq!(live.idempotency_key, "live");
    assert!(!matches!(
        db.claim_due(Channel::Telegram, later, lease).await.unwrap(),
        Claim::Job(_)
    ));
}

/// Many workers claiming the same due job at the same moment: exactly one gets it, and the lease
/// it took still runs out (a losing claimer must not undo the winner's claim).
pub(super) async fn concurrent_claimers_one_winner(db: Db) {
    const CLAIMERS: usize = 8;
    let lease = 10_000;
    for round in 0..1024 {
        db.enqueue_jobs(vec![job("A", &format!("race {round}"), Target::Log)])
            .await
            .unwrap();
        let now = now_ms();
        let start = Arc::new(tokio::sync::Barrier::new(CLAIMERS));
        let tasks: Vec<_> = (0..CLAIMERS)
            .map(|_| {
                let (db, start) = (db.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    db.claim_due(Channel::Log, now, lease).await.unwrap()
                })
            })
            .collect();
        let mut winners = vec![];
        for t in tasks {
            if let Claim::Job(j) = t.await.unwrap() {
                winners.push(*j);
            }
        }
        assert_eq!(
            winners.len(),
            1,
            "round {round}: one claimer wins, got {winners:?}"
        );
        let won = &winners[0];
        assert!(!matches!(
            db.claim_due(Channel::Log, now, lease).await.unwrap(),
            Claim::Job(_)
        ));
        let again = claimed(
            db.claim_due(Channel::Log, now + lease, lease)
                .await
                .unwrap(),
        );
        assert_eq!(
            again.id, won.id,
            "round {round}: the winner's lease runs out"
        );
        finish(&db, &again, now + lease, Finish::Done).await;
    }
}

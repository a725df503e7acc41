//! The event log and the inbox.

use super::{APP, event, job};
use crate::routing::Target;
use crate::store::TenantId;
use crate::store::{AppendOutcome, Db, EventStatus, InboxClaim};

fn accepted(o: AppendOutcome) -> u64 {
    match o {
        AppendOutcome::Accepted { seq } => seq,
        other => panic!("expected a new event, got {other:?}"),
    }
}

/// The same dedup key twice is one event: the second append reports the first one's seq and
/// writes nothing; another key is a new, later event.
pub(super) async fn append_dedup(db: Db) {
    let first = accepted(db.append_event([1; 16], event("A", "first")).await.unwrap());
    assert_eq!(
        db.append_event([1; 16], event("A", "a retry"))
            .await
            .unwrap(),
        AppendOutcome::Duplicate { seq: first },
        "a repeated key is a duplicate of the first event"
    );
    let second = accepted(
        db.append_event([2; 16], event("A", "second"))
            .await
            .unwrap(),
    );
    assert!(second > first, "seqs grow: {first} then {second}");
    assert_eq!(db.event_count().await, 2, "the duplicate wrote no event");
    assert_eq!(db.inbox_len().await, 2);
    let stored = db.get_event(first).await.unwrap().expect("first event");
    assert_eq!(
        stored.event.body, "first",
        "the duplicate did not overwrite it"
    );
    assert_eq!(stored.status, EventStatus::Pending);
    assert!(db.get_event(second + 1).await.unwrap().is_none());
}

/// The inbox hands out events oldest first; committing a dispatch takes the event out of the
/// inbox, records its status and creates its jobs, and a repeat creates nothing twice.
pub(super) async fn inbox_order_and_commit_dispatch(db: Db) {
    let mut seqs = vec![];
    for (i, account) in ["A", "A", "B"].into_iter().enumerate() {
        let key = [i as u8 + 1; 16];
        seqs.push(accepted(
            db.append_event(key, event(account, &format!("e{i}")))
                .await
                .unwrap(),
        ));
    }
    let head = db.next_inbox_event().await.unwrap().expect("an event");
    assert_eq!(head.seq, seqs[0], "oldest first");

    let now = chrono::Utc::now().timestamp_millis();
    let seqs_of =
        |recs: Vec<crate::store::EventRecord>| recs.iter().map(|r| r.seq).collect::<Vec<_>>();
    let defer_a = |_: &str, acc: Option<&str>| acc == Some("A");
    let fair = db
        .claim_inbox(&defer_a, claim(10, 5, now, 60_000))
        .await
        .unwrap();
    assert_eq!(
        seqs_of(fair),
        vec![seqs[2]],
        "a deferred tenant's events are passed over"
    );
    db.release_inbox(&[seqs[2]]).await.unwrap();
    let defer_all = |_: &str, _: Option<&str>| true;
    let fair = db
        .claim_inbox(&defer_all, claim(10, 5, now, 60_000))
        .await
        .unwrap();
    assert_eq!(
        seqs_of(fair),
        vec![seqs[0]],
        "all deferred: the oldest anyway"
    );
    db.release_inbox(&[seqs[0]]).await.unwrap();
    assert!(
        db.inbox_has_other_tenant(&TenantId::new(APP, "A"), 10)
            .await
            .unwrap()
    );
    assert!(
        !db.inbox_has_other_tenant(&TenantId::new(APP, "A"), 2)
            .await
            .unwrap()
    );

    let status = EventStatus::Dispatched { routes: 1, jobs: 2 };
    let jobs = || {
        vec![
            job("A", "msg_a_1", Target::Log),
            job("A", "msg_a_2", super::telegram(5)),
        ]
    };
    assert_eq!(
        db.commit_dispatch(&head, status.clone(), jobs())
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        db.inbox_len().await,
        2,
        "the dispatched event left the inbox"
    );
    assert_eq!(db.event_count().await, 3, "but stays in the log");
    let next = db.next_inbox_event().await.unwrap().expect("an event");
    assert_eq!(next.seq, seqs[1]);
    let stored = db.get_event(seqs[0]).await.unwrap().unwrap();
    assert_eq!(stored.status, status);
    assert_eq!(db.outbox_len(None).await, 2);
    assert_eq!(db.outbox_len(Some(crate::routing::Channel::Log)).await, 1);

    // A crash after the jobs but before the inbox entry went makes the dispatcher repeat it.
    assert_eq!(
        db.commit_dispatch(&head, status, jobs()).await.unwrap(),
        0,
        "a repeated dispatch creates no job twice"
    );
    assert_eq!(db.list_jobs().await.unwrap().len(), 2);
}

/// Claimed inbox events are one dispatcher's: another claim passes them by until they are
/// committed, given back, or their lease ends (a dispatcher that died).
pub(super) async fn inbox_claims_split_the_work(db: Db) {
    let mut seqs = vec![];
    for i in 0..5u8 {
        seqs.push(accepted(
            db.append_event([i + 1; 16], event("A", &format!("e{i}")))
                .await
                .unwrap(),
        ));
    }
    // (Waits, on sled, until every acknowledged event is in the inbox: a claim takes only what is
    // there already unless it finds nothing.)
    assert_eq!(db.inbox_len().await, 5);
    let now = chrono::Utc::now().timestamp_millis();
    let none = |_: &str, _: Option<&str>| false;
    let ids = |recs: &[crate::store::EventRecord]| recs.iter().map(|r| r.seq).collect::<Vec<_>>();
    let first = db
        .claim_inbox(&none, claim(256, 2, now, 60_000))
        .await
        .unwrap();
    assert_eq!(ids(&first), seqs[..2], "oldest first, at most max");
    let second = db
        .claim_inbox(&none, claim(256, 2, now, 60_000))
        .await
        .unwrap();
    assert_eq!(ids(&second), seqs[2..4], "claimed events are passed by");

    // The first dispatcher commits one and gives one back; the second one dies.
    db.commit_dispatch(&first[0], EventStatus::NoTenant, vec![])
        .await
        .unwrap();
    db.release_inbox(&[first[1].seq]).await.unwrap();
    let third = db
        .claim_inbox(&none, claim(256, 5, now, 60_000))
        .await
        .unwrap();
    assert_eq!(
        ids(&third),
        vec![seqs[1], seqs[4]],
        "given back, and never claimed"
    );
    let later = now + 60_001;
    let after_lease = db
        .claim_inbox(&none, claim(256, 5, later, 60_000))
        .await
        .unwrap();
    assert_eq!(
        ids(&after_lease),
        vec![seqs[1], seqs[2], seqs[3], seqs[4]],
        "every lease has ended; the committed event is gone"
    );

    // A batch commit takes them all out of the inbox in order.
    let created = db
        .commit_dispatches(
            after_lease
                .into_iter()
                .map(|record| crate::store::Dispatched {
                    record,
                    status: EventStatus::NoTenant,
                    jobs: vec![],
                    dead: vec![],
                })
                .collect(),
        )
        .await
        .unwrap();
    assert_eq!(created, vec![0, 0, 0, 0]);
    assert_eq!(db.inbox_len().await, 0);
    assert!(
        db.claim_inbox(&none, claim(256, 5, later, 60_000))
            .await
            .unwrap()
            .is_empty()
    );
}

/// A claim of at most `max` of the first `scan` events at `now_ms`, held for `lease_ms`.
fn claim(scan: usize, max: usize, now_ms: i64, lease_ms: i64) -> InboxClaim {
    InboxClaim {
        scan,
        max,
        now_ms,
        lease_ms,
    }
}

//! The event log and the inbox.

use super::{APP, event, job};
use crate::routing::Target;
use crate::store::{AppendOutcome, Db, EventStatus};

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

    let skip_first = |r: &crate::store::EventRecord| r.seq == seqs[0];
    let fair = db.next_inbox_event_fair(&skip_first, 10).await.unwrap();
    assert_eq!(
        fair.map(|r| r.seq),
        Some(seqs[1]),
        "a deferred event is passed over"
    );
    let defer_all = |_: &crate::store::EventRecord| true;
    let fair = db.next_inbox_event_fair(&defer_all, 10).await.unwrap();
    assert_eq!(
        fair.map(|r| r.seq),
        Some(seqs[0]),
        "all deferred: the oldest anyway"
    );
    assert!(db.inbox_has_other_tenant(APP, "A", 10).await.unwrap());
    assert!(!db.inbox_has_other_tenant(APP, "A", 2).await.unwrap());

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

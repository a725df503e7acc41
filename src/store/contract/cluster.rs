//! Coordination between replicas that share the store: one holder per singleton role, and
//! wake-ups for committed work.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::timeout;

use super::{event, job, telegram};
use crate::routing::{Channel, Target};
use crate::store::seam::{Role, Wake};
use crate::store::{Db, EventStatus};

/// Bound on every wait; generous, since passing cases finish long before it.
const DEADLINE: Duration = Duration::from_secs(30);

/// A role is held by one campaign at a time: a second candidate waits while the first holds it
/// and takes it over once the first stops; another role is independent.
pub(super) async fn one_leader_per_role(db: Db) {
    let mut first = db.campaign(Role::Janitor);
    assert!(
        timeout(DEADLINE, first.acquired()).await.expect("in time"),
        "the only candidate takes the role"
    );
    let mut second = db.campaign(Role::Janitor);
    let mut other = db.campaign(Role::BotPoller);
    assert!(
        timeout(DEADLINE, other.acquired()).await.expect("in time"),
        "another role is taken while the first is held"
    );
    // Long enough for several of the second candidate's retries.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(
        !second.is_leader(),
        "a second candidate must not hold a held role"
    );
    assert!(first.is_leader(), "the holder keeps the role");
    drop(first);
    assert!(
        timeout(DEADLINE, second.acquired()).await.expect("in time"),
        "the role moves to the waiting candidate once the holder stops"
    );
    assert!(other.is_leader());
}

/// Waits for `want`, skipping other wake-ups (a commit may be heard with others around it).
async fn heard(wakes: &mut mpsc::Receiver<Wake>, want: Wake) {
    timeout(DEADLINE, async {
        loop {
            match wakes.recv().await {
                Some(w) if w == want => return,
                Some(_) => {}
                None => panic!("the wake-up stream ended while waiting for {want:?}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {want:?} wake-up"));
}

/// A backend shared by several processes tells listeners about committed work: an appended
/// event wakes dispatchers; queued jobs wake their channel's workers. A backend that serves one
/// process (sled) has no such stream: the local signals already say everything.
pub(super) async fn commits_wake_listeners(db: Db) {
    let Some(mut wakes) = db.wakeups() else {
        return;
    };
    heard(&mut wakes, Wake::All).await;

    db.append_event([1; 16], event("A", "wakes the dispatchers"))
        .await
        .unwrap();
    heard(&mut wakes, Wake::Inbox).await;

    let rec = db.next_inbox_event().await.unwrap().expect("the event");
    db.commit_dispatch(
        &rec,
        EventStatus::Dispatched { routes: 1, jobs: 1 },
        vec![job("A", "k-telegram", telegram(-100))],
    )
    .await
    .unwrap();
    heard(&mut wakes, Wake::Channel(Channel::Telegram)).await;

    db.enqueue_jobs(vec![job("A", "k-log", Target::Log)])
        .await
        .unwrap();
    heard(&mut wakes, Wake::Channel(Channel::Log)).await;
}

//! Wake-ups and roles on PostgreSQL under failures: a role's connection killed, the listening
//! connection killed, and another replica's commit heard.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::timeout;

use super::*;

const DEADLINE: Duration = Duration::from_secs(30);

async fn heard(wakes: &mut mpsc::Receiver<Wake>, want: Wake) {
    timeout(DEADLINE, async {
        while let Some(w) = wakes.recv().await {
            if w == want {
                return;
            }
        }
        panic!("the wake-up stream ended while waiting for {want:?}");
    })
    .await
    .unwrap_or_else(|_| panic!("no {want:?} wake-up"));
}

/// Terminates the sessions of database `db` that `filter` (a SQL condition on pg_stat_activity
/// `a` and pg_locks `l`) selects; returns how many.
async fn terminate(db: &str, filter: &str) -> usize {
    admin_client()
        .await
        .query(
            &format!(
                "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a
                 WHERE a.datname = $1 AND a.pid <> pg_backend_pid() AND ({filter})"
            ),
            &[&db],
        )
        .await
        .expect("terminate")
        .len()
}

const HOLDS_ADVISORY_LOCK: &str = "EXISTS (SELECT 1 FROM pg_locks l
     WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)";

#[tokio::test]
async fn a_role_is_lost_at_once_when_its_connection_drops_and_taken_again() {
    let (db, s) = store_or_skip!();
    let mut lead = s.campaign(Role::BotPoller);
    assert!(timeout(DEADLINE, lead.acquired()).await.expect("in time"));
    assert_eq!(terminate(&db.name, HOLDS_ADVISORY_LOCK).await, 1);
    timeout(DEADLINE, lead.lost())
        .await
        .expect("the role is given up when its connection drops");
    assert!(
        timeout(DEADLINE, lead.acquired()).await.expect("in time"),
        "the campaign reconnects and takes the free role again"
    );
}

#[tokio::test]
async fn a_replica_hears_another_ones_commits_and_listens_again_after_a_drop() {
    let (db, a) = store_or_skip!();
    let b = PgStore::connect(&with_db(&admin_url(), &db.name), None)
        .await
        .expect("a second replica");
    let mut wakes = b.wakeups().expect("PostgreSQL has wake-ups");
    heard(&mut wakes, Wake::All).await;
    a.append_event(key(1), event("acc", 1)).await.unwrap();
    heard(&mut wakes, Wake::Inbox).await;

    assert_eq!(
        terminate(&db.name, "a.query LIKE 'LISTEN%'").await,
        1,
        "one listening session"
    );
    // Listening again; what was sent meanwhile is lost, so the listener hears "anything".
    heard(&mut wakes, Wake::All).await;
    a.enqueue_jobs(vec![job("k1", "acc", -5)]).await.unwrap();
    heard(&mut wakes, Wake::Channel(Channel::Telegram)).await;
}

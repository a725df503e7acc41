//! Intake on PostgreSQL: the group commit, outages, and migrations under concurrent starts.

use super::*;

#[tokio::test]
async fn append_commits_and_dedups() {
    let (_db, s) = store_or_skip!();
    let a = s.append_event(key(1), event("acc", 1)).await.unwrap();
    let AppendOutcome::Accepted { seq } = a else {
        panic!("first append accepted, got {a:?}")
    };
    assert_eq!(
        s.append_event(key(1), event("acc", 1)).await.unwrap(),
        AppendOutcome::Duplicate { seq }
    );
    let rec = s.get_event(seq).await.unwrap().expect("stored");
    assert_eq!(rec.event.body, r#"{"n":1}"#);
    assert_eq!(rec.status, EventStatus::Pending);
    assert_eq!(s.inbox_len().await, 1);
    assert_eq!(s.event_count().await, 1);
    assert!(s.is_healthy());
    assert!(s.flush_stats().count >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_of_50_keys_make_50_events_in_few_transactions() {
    let (_db, s) = store_or_skip!();
    let mut tasks = Vec::new();
    for i in 0..200u32 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.append_event(key(i % 50), event("acc", i % 50)).await
        }));
    }
    let mut seq_of = std::collections::HashMap::new();
    let mut accepted = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        let (seq, fresh) = match t.await.unwrap().unwrap() {
            AppendOutcome::Accepted { seq } => (seq, true),
            AppendOutcome::Duplicate { seq } => (seq, false),
        };
        accepted += fresh as u32;
        let k = i as u32 % 50;
        assert_eq!(*seq_of.entry(k).or_insert(seq), seq, "one seq per key");
    }
    assert_eq!(accepted, 50);
    assert_eq!(s.event_count().await, 50);
    assert_eq!(s.inbox_len().await, 50);
    let commits = s.flush_stats().count;
    assert!(
        commits < 200,
        "appends share transactions (group commit): {commits} commits for 200 appends"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_fails_appends_and_health_comes_back() {
    let (db, s) = store_or_skip!();
    assert!(matches!(
        s.append_event(key(1), event("acc", 1)).await.unwrap(),
        AppendOutcome::Accepted { .. }
    ));
    let admin = admin_client().await;
    let name = &db.name;
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false;
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .await
        .unwrap();
    let during = s.append_event(key(2), event("acc", 2)).await;
    assert!(
        during.is_err(),
        "an append during the outage fails: {during:?}"
    );
    assert!(!s.is_healthy(), "readiness goes false");
    admin
        .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await
        .unwrap();
    // The probe notices on its own; no request is needed for readiness to come back.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !s.is_healthy() {
        assert!(
            std::time::Instant::now() < deadline,
            "health never came back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(matches!(
        s.append_event(key(2), event("acc", 2)).await.unwrap(),
        AppendOutcome::Accepted { .. }
    ));
    assert_eq!(s.event_count().await, 2, "nothing acknowledged was lost");
}

/// A connection the server ends under a running statement (a failover, `pg_terminate_backend`)
/// fails it with a server error (FATAL, 57P01), not a client I/O error: readiness must still turn
/// false at once, not only at the next call that cannot connect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_killed_mid_statement_turns_readiness_false() {
    let (db, s) = store_or_skip!();
    s.set_bot_username("before").await.unwrap();
    assert!(s.is_healthy());
    let (locker, conn) =
        tokio_postgres::connect(&with_db(&admin_url(), &db.name), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(conn);
    locker
        .batch_execute("BEGIN; LOCK TABLE bot_state IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let blocked = {
        let s = s.clone();
        tokio::spawn(async move { s.set_bot_username("during").await })
    };
    // Wait (bounded) until the store's statement waits on the lock, then end its connection.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let waiting: i64 = locker
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if waiting > 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the store never blocked"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    locker
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await
        .unwrap();
    let res = blocked.await.unwrap();
    assert!(res.is_err(), "the killed statement fails: {res:?}");
    assert!(!s.is_healthy(), "readiness goes false with the connection");
    locker.batch_execute("ROLLBACK").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_append_does_not_fail_its_batch_neighbours() {
    let (db, s) = store_or_skip!();
    // A rule added behind the store's back makes the server refuse one app's events.
    let (c, conn) =
        tokio_postgres::connect(&with_db(&admin_url(), &db.name), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(conn);
    c.batch_execute("ALTER TABLE events ADD CONSTRAINT refuse CHECK (app_id <> 'refused')")
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..60u32 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut e = event("acc", i);
            if i == 30 {
                e.app_id = "refused".into();
            }
            s.append_event(key(i), e).await
        }));
    }
    for (i, t) in tasks.into_iter().enumerate() {
        let r = t.await.unwrap();
        assert_eq!(r.is_err(), i == 30, "append {i}: {r:?}");
    }
    assert_eq!(s.event_count().await, 59);
    assert!(s.is_healthy(), "a refused statement is not an outage");
    // NUL cannot go in a text column; the record keeps the exact id.
    let mut nul = event("acc", 99);
    nul.app_id = "a\0b".into();
    let AppendOutcome::Accepted { seq } = s.append_event(key(99), nul).await.unwrap() else {
        panic!("a new key is accepted")
    };
    assert_eq!(
        s.get_event(seq).await.unwrap().unwrap().event.app_id,
        "a\0b"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_starting_together_apply_each_migration_once() {
    let Some((db, first)) = test_store().await else {
        return;
    };
    drop(first);
    // A second, empty database, so that the three connects below race on a fresh schema.
    let name = format!("{}_b", db.name);
    admin_client()
        .await
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let _guard = TestDb {
        name: name.clone(),
        admin: admin_url(),
    };
    let url = with_db(&admin_url(), &name);
    let (a, b, c) = tokio::join!(
        PgStore::connect(&url, None),
        PgStore::connect(&url, None),
        PgStore::connect(&url, None)
    );
    let (a, _b, _c) = (a.unwrap(), b.unwrap(), c.unwrap());
    let rows = a
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap();
    let versions: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    let expected: Vec<i32> = (1..=super::super::migrations::MIGRATIONS.len() as i32).collect();
    assert_eq!(versions, expected);
}

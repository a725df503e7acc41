//! Tests of the PostgreSQL backend against the server on 127.0.0.1:5432, one fresh database per
//! test. They skip (saying why) when no server answers, except under `CI=true`, where a missing
//! server fails them.

use std::sync::Arc;

use super::PgStore;
use crate::routing::{Channel, DeliveryOptions, Destination, Target};
use crate::store::seam::*;
use crate::store::{
    AppendOutcome, Attempt, AttemptOutcome, Claim, EventStatus, Finish, Job, Message, NewEvent,
    NewJob, StoreError,
};

/// The server tests use: `ZOOM_RELAY_TEST_PG` (a URL to an admin database), else the local one.
fn admin_url() -> String {
    std::env::var("ZOOM_RELAY_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_db(url: &str, db: &str) -> String {
    match url.rfind('/') {
        Some(i) if url[..i].contains("://") && url[..i].ends_with(|c: char| c != '/') => {
            format!("{}/{db}", &url[..i])
        }
        _ => format!("{url}/{db}"),
    }
}

/// A throwaway database, dropped (with any connections still open to it) on drop.
pub struct TestDb {
    pub name: String,
    admin: String,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop may run inside a runtime, which cannot block on another: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok((c, conn)) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await
                {
                    tokio::spawn(conn);
                    let _ = c
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

/// A fresh, migrated database and a store on it; None (after printing why) when PostgreSQL is not
/// reachable and `CI` is not `true`.
pub async fn test_store() -> Option<(TestDb, PgStore)> {
    let admin = admin_url();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let connected = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio_postgres::connect(&admin, tokio_postgres::NoTls),
    )
    .await;
    let (client, conn) = match connected {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            assert!(!ci, "CI=true and PostgreSQL at {admin} is unreachable: {e}");
            eprintln!("skipping: PostgreSQL at {admin} is unreachable: {e}");
            return None;
        }
        Err(_) => {
            assert!(!ci, "CI=true and PostgreSQL at {admin} does not answer");
            eprintln!("skipping: PostgreSQL at {admin} does not answer");
            return None;
        }
    };
    tokio::spawn(conn);
    let name = format!("zr_test_{:016x}", rand::random::<u64>());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the test database");
    let db = TestDb {
        name: name.clone(),
        admin: admin.clone(),
    };
    let store = PgStore::connect(&with_db(&admin, &name), Some([7u8; 32]))
        .await
        .expect("connect to the test database");
    Some((db, store))
}

macro_rules! store_or_skip {
    () => {
        match test_store().await {
            Some(s) => s,
            None => return,
        }
    };
}

fn event(account: &str, n: u32) -> NewEvent {
    NewEvent {
        app_id: "default".into(),
        account_id: Some(account.into()),
        event: "meeting.started".into(),
        event_ts: Some(n as i64),
        zm_request_id: None,
        zm_tracking_id: None,
        parse_error: None,
        body: format!(r#"{{"n":{n}}}"#),
    }
}

fn key(n: u32) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..4].copy_from_slice(&n.to_be_bytes());
    k
}

fn job(idem: &str, account: &str, chat: i64) -> NewJob {
    NewJob {
        idempotency_key: idem.into(),
        event: "meeting.started".into(),
        app_id: "default".into(),
        account_id: account.into(),
        route_name: "r".into(),
        meeting_uuid: None,
        target: Target::Telegram {
            chat_id: chat,
            thread_id: None,
        },
        message: Message::Telegram { html: idem.into() },
        options: DeliveryOptions::default(),
        unsubscribe_url: None,
        received_at_ms: 0,
    }
}

fn attempt(job_id: u64, n: u32, outcome: AttemptOutcome) -> Attempt {
    Attempt {
        job_id,
        attempt: n,
        at_ms: chrono::Utc::now().timestamp_millis(),
        outcome,
        status: Some(200),
        detail: String::new(),
        latency_ms: 1,
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

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

#[tokio::test]
async fn dispatch_moves_the_event_out_and_is_idempotent() {
    let (_db, s) = store_or_skip!();
    let AppendOutcome::Accepted { seq } = s.append_event(key(1), event("acc", 1)).await.unwrap()
    else {
        panic!()
    };
    let rec = s.next_inbox_event().await.unwrap().unwrap();
    assert_eq!(rec.seq, seq);
    let status = EventStatus::Dispatched { routes: 1, jobs: 2 };
    let jobs = vec![job("msg_1_a", "acc", 1), job("msg_1_b", "acc", 2)];
    assert_eq!(
        s.commit_dispatch(&rec, status.clone(), jobs.clone())
            .await
            .unwrap(),
        2
    );
    assert!(s.next_inbox_event().await.unwrap().is_none());
    assert_eq!(s.get_event(seq).await.unwrap().unwrap().status, status);
    assert_eq!(
        s.commit_dispatch(&rec, status, jobs).await.unwrap(),
        0,
        "a repeat creates nothing"
    );
    assert_eq!(s.outbox_len(Some(Channel::Telegram)).await, 2);
    assert_eq!(s.outbox_len(Some(Channel::Email)).await, 0);
}

#[tokio::test]
async fn claim_lease_expires_and_only_one_of_two_claimers_wins() {
    let (_db, s) = store_or_skip!();
    s.enqueue_jobs(vec![job("one", "acc", 1)]).await.unwrap();
    let t = now() + 10;
    // Two claimers at once: exactly one gets the job.
    let (a, b) = tokio::join!(
        s.claim_due(Channel::Telegram, t, 60_000),
        s.claim_due(Channel::Telegram, t, 60_000)
    );
    let got: Vec<Job> = [a.unwrap(), b.unwrap()]
        .into_iter()
        .filter_map(|c| match c {
            Claim::Job(j) => Some(*j),
            _ => None,
        })
        .collect();
    assert_eq!(got.len(), 1, "one claimer wins");
    let j = &got[0];
    assert_eq!(j.claimed_until_ms, Some(t + 60_000));
    // While leased, nobody else gets it; the claim reports when it comes back.
    match s.claim_due(Channel::Telegram, t + 1, 60_000).await.unwrap() {
        Claim::NotBefore(at) => assert_eq!(at, t + 60_000),
        other => panic!("leased job claimed again: {other:?}"),
    }
    // After the lease, another worker takes it (the first one died).
    match s
        .claim_due(Channel::Telegram, t + 60_001, 1_000)
        .await
        .unwrap()
    {
        Claim::Job(again) => assert_eq!(again.id, j.id),
        other => panic!("expired lease not reclaimed: {other:?}"),
    }
    let a = attempt(j.id, 1, AttemptOutcome::Sent);
    s.finish_job(j, &a, Finish::Done).await.unwrap();
    assert!(s.get_job(j.id).await.unwrap().is_none());
    assert_eq!(s.get_sent(j.id).await.unwrap().unwrap().job.attempts, 1);
    assert_eq!(s.attempts_of(j.id).await.unwrap(), vec![a]);
    assert!(matches!(
        s.claim_due(Channel::Telegram, t + 70_000, 1_000)
            .await
            .unwrap(),
        Claim::Empty
    ));
}

#[tokio::test]
async fn delivery_is_fifo_per_destination() {
    let (_db, s) = store_or_skip!();
    // Chat 1 gets a then c; chat 2 gets b.
    s.enqueue_jobs(vec![
        job("a", "acc", 1),
        job("b", "acc", 2),
        job("c", "acc", 1),
    ])
    .await
    .unwrap();
    let t = now() + 10;
    let claim = |t| {
        let s = s.clone();
        async move {
            match s.claim_due(Channel::Telegram, t, 60_000).await.unwrap() {
                Claim::Job(j) => Some(*j),
                _ => None,
            }
        }
    };
    let a = claim(t).await.unwrap();
    let b = claim(t).await.unwrap();
    assert_eq!(a.idempotency_key, "a");
    assert_eq!(b.idempotency_key, "b");
    assert!(claim(t).await.is_none(), "c waits behind a (same chat)");
    // a fails and is retried later: c still waits, even though c is due and a is not.
    s.finish_job(
        &a,
        &attempt(a.id, 1, AttemptOutcome::Retry),
        Finish::RetryAt(t + 5_000),
    )
    .await
    .unwrap();
    assert!(claim(t + 1).await.is_none(), "c never overtakes a retry");
    let a2 = claim(t + 5_000).await.unwrap();
    assert_eq!(a2.idempotency_key, "a");
    assert_eq!(a2.attempts, 1);
    s.finish_job(
        &a2,
        &attempt(a2.id, 2, AttemptOutcome::Dead),
        Finish::Dead("gone".into()),
    )
    .await
    .unwrap();
    let c = claim(t + 5_000).await.unwrap();
    assert_eq!(c.idempotency_key, "c");
    assert_eq!(s.list_dead().await.unwrap().len(), 1);
    assert!(s.retry_dead(a.id, t).await.unwrap());
    assert!(!s.retry_dead(a.id, t).await.unwrap());
    assert_eq!(s.get_job(a.id).await.unwrap().unwrap().attempts, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn route_cas_loses_no_update_under_20_writers() {
    let (_db, s) = store_or_skip!();
    let db: Db = Arc::new(s.clone());
    assert!(
        db.create_route(&crate::store::test_route("r"))
            .await
            .unwrap()
    );
    let mut tasks = Vec::new();
    for w in 0..20i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..5 {
                update_route(&*db, "default", "acc", "r", |r| {
                    r.destinations.push(Destination::Telegram {
                        chat_id: w * 100 + i,
                        thread_id: None,
                        member: true,
                    });
                    Ok::<_, StoreError>(())
                })
                .await
                .unwrap()
                .expect("route exists");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let r = db.get_route("default", "acc", "r").await.unwrap().unwrap();
    assert_eq!(r.destinations.len(), 1 + 20 * 5, "no update was lost");
}

#[tokio::test]
async fn webhook_secrets_are_sealed_at_rest() {
    let (_db, s) = store_or_skip!();
    let mut r = crate::store::test_route("hook");
    r.destinations = vec![Destination::Webhook {
        url: "https://example.com/h".into(),
        secret: "whsec_plaintextsecretvalue".into(),
    }];
    s.put_route(&r).await.unwrap();
    assert!(
        s.trees_containing(b"whsec_plaintextsecretvalue")
            .await
            .unwrap()
            .is_empty(),
        "the secret is not stored in plaintext"
    );
    assert_eq!(
        s.get_route("default", "acc", "hook").await.unwrap(),
        Some(r)
    );
}

#[tokio::test]
async fn purge_removes_one_tenant_and_keeps_the_other() {
    let (_db, s) = store_or_skip!();
    for acc in ["gone_acct", "kept_acct"] {
        let mut r = crate::store::test_route("r");
        r.account_id = acc.into();
        s.put_route(&r).await.unwrap();
        s.set_template("default", acc, "meeting.started", "telegram.html", "x")
            .await
            .unwrap();
        s.add_notice("default", acc, "k", "m", None, None)
            .await
            .unwrap();
        s.disable_target("default", acc, "log", "why")
            .await
            .unwrap();
        s.set_mute("default", acc, 5, i64::MAX).await.unwrap();
        let AppendOutcome::Accepted { seq } = s
            .append_event(
                key(acc.len() as u32 + acc.as_bytes()[0] as u32),
                event(acc, 1),
            )
            .await
            .unwrap()
        else {
            panic!()
        };
        let rec = s.get_event(seq).await.unwrap().unwrap();
        s.commit_dispatch(
            &rec,
            EventStatus::Dispatched { routes: 1, jobs: 2 },
            vec![
                job(&format!("msg_{seq}_1"), acc, 1),
                job(&format!("msg_{seq}_2"), acc, 2),
            ],
        )
        .await
        .unwrap();
    }
    // One job of each tenant is sent (history), the other stays pending.
    for _ in 0..2 {
        let Claim::Job(j) = s
            .claim_due(Channel::Telegram, now() + 10, 60_000)
            .await
            .unwrap()
        else {
            panic!("a job is due")
        };
        s.finish_job(&j, &attempt(j.id, 1, AttemptOutcome::Sent), Finish::Done)
            .await
            .unwrap();
    }
    let before = s.key_counts().await.unwrap();
    let report = s.purge_tenant("default", "gone_acct", None).await.unwrap();
    assert!(report.total() > 0);
    assert!(
        s.trees_containing(b"gone_acct").await.unwrap().is_empty(),
        "nothing of the purged tenant is left: {:?}",
        s.trees_containing(b"gone_acct").await.unwrap()
    );
    let kept = s.trees_containing(b"kept_acct").await.unwrap();
    assert!(!kept.is_empty());
    assert_eq!(
        s.list_routes(Some(("default", "kept_acct")))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.list_notices(None).await.unwrap().len(), 1);
    assert!(
        s.is_member_muted("default", "kept_acct", 5, now())
            .await
            .unwrap()
    );
    let after = s.key_counts().await.unwrap();
    assert!(after["events"] < before["events"]);
    assert_eq!(after["events"], 1);
}

async fn admin_client() -> tokio_postgres::Client {
    let (c, conn) = tokio_postgres::connect(&admin_url(), tokio_postgres::NoTls)
        .await
        .expect("admin connection");
    tokio::spawn(conn);
    c
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

/// Every other method once, with what it must answer: the SQL of each is checked by the server
/// only when it runs.
#[tokio::test]
async fn every_aggregate_round_trips() {
    use crate::store::auth::{ApiToken, Grant, Session};
    use crate::store::bot::{ChatKind, ChatLink, CodeKind, CodeRecord, OrganizerLink, Redeem};
    use crate::store::telegram::{ChatPace, PartProgress};
    use crate::store::{AuditEntry, EventFilter, Installer, MeetingMemory, Tenant, TenantStatus};
    let (_db, s) = store_or_skip!();
    let t = now();

    // Tenants and audit.
    let tenant = Tenant {
        app_id: "default".into(),
        account_id: "acc".into(),
        installer: Installer::default(),
        scopes: vec!["a".into()],
        api_url: "https://api.zoom.us".into(),
        status: TenantStatus::Active,
        installed_at_ms: t,
        updated_at_ms: t,
        expires_at_ms: t,
        sealed_tokens: vec![1, 2, 3],
        other_installs: vec![],
    };
    s.put_tenant(&tenant).await.unwrap();
    s.put_tenant(&tenant).await.unwrap();
    assert_eq!(
        s.list_tenants(Some("default")).await.unwrap(),
        vec![tenant.clone()]
    );
    assert!(s.list_tenants(Some("other")).await.unwrap().is_empty());
    let audit = AuditEntry {
        at_ms: t,
        action: "remove".into(),
        app_id: "default".into(),
        account_hash: "h".into(),
        tenant_existed: true,
        deleted: Default::default(),
    };
    s.add_audit(&audit).await.unwrap();
    assert_eq!(s.list_audit().await.unwrap(), vec![audit]);

    // Routes and templates.
    let r = crate::store::test_route("r");
    assert!(s.routes_is_empty().await);
    assert!(s.put_route(&r).await.unwrap(), "new");
    assert!(!s.put_route(&r).await.unwrap(), "replaced");
    assert!(!s.create_route(&r).await.unwrap(), "name taken");
    assert_eq!(s.route_count().await, 1);
    let (_, v1) = s
        .get_route_versioned("default", "acc", "r")
        .await
        .unwrap()
        .unwrap();
    let mut r2 = r.clone();
    r2.enabled = false;
    assert!(s.swap_route(&v1, &r2).await.unwrap());
    assert!(!s.swap_route(&v1, &r).await.unwrap(), "stale version");
    let rep = s
        .import_routes(&[r.clone(), crate::store::test_route("s")])
        .await
        .unwrap();
    assert_eq!((rep.created, rep.updated), (1, 1));
    let names: Vec<_> = s
        .list_routes(Some(("default", "acc")))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["r", "s"]);
    assert_eq!(
        s.take_route("default", "acc", "s")
            .await
            .unwrap()
            .unwrap()
            .name,
        "s"
    );
    assert!(!s.remove_route("default", "acc", "s").await.unwrap());
    s.set_template("default", "acc", "meeting.started", "telegram.html", "x")
        .await
        .unwrap();
    assert_eq!(
        s.tenant_templates("default", "acc").await.unwrap()["meeting.started/telegram.html"],
        "x"
    );
    assert!(
        s.remove_template("default", "acc", "meeting.started", "telegram.html")
            .await
            .unwrap()
    );

    // Sessions and API tokens.
    let session = Session {
        grant: Grant::Tenant {
            app_id: "default".into(),
            account_id: "acc".into(),
        },
        user: "u".into(),
        csrf: "c".into(),
        created_at_ms: t,
        expires_at_ms: t + 1000,
    };
    s.put_session("sid", &session).await.unwrap();
    assert_eq!(
        s.get_session("sid", t).await.unwrap(),
        Some(session.clone())
    );
    assert_eq!(
        s.get_session("sid", t + 1000).await.unwrap(),
        None,
        "expired"
    );
    s.put_session("sid2", &session).await.unwrap();
    assert_eq!(s.expire_sessions(t + 1000).await.unwrap(), 1);
    s.put_session("sid3", &session).await.unwrap();
    s.remove_session("sid3").await.unwrap();
    assert_eq!(s.get_session("sid3", t).await.unwrap(), None);
    let tok = ApiToken {
        id: "abc".into(),
        name: "n".into(),
        app_id: "default".into(),
        account_id: "acc".into(),
        created_at_ms: t,
    };
    s.put_api_token("secret", &tok).await.unwrap();
    assert_eq!(s.api_token("secret").await.unwrap(), Some(tok.clone()));
    assert_eq!(
        s.list_api_tokens(Some(("default", "acc")))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        !s.revoke_api_token("abc", Some(("default", "x")))
            .await
            .unwrap()
    );
    assert!(s.revoke_api_token("abc", None).await.unwrap());
    assert!(s.list_api_tokens(None).await.unwrap().is_empty());

    // Chat links: a compare-and-swap, and a move.
    let link = |chat_id, account: &str| ChatLink {
        chat_id,
        app_id: "default".into(),
        account_id: account.into(),
        kind: ChatKind::Group,
        linked_by: None,
        linked_at_ms: t,
    };
    assert_eq!(
        s.link_chat(&link(-5, "acc")).await.unwrap(),
        link(-5, "acc")
    );
    assert_eq!(
        s.link_chat(&link(-5, "other")).await.unwrap(),
        link(-5, "acc"),
        "first wins"
    );
    s.move_chat_link(-5, -6).await.unwrap();
    assert!(s.chat_link(-5).await.unwrap().is_none());
    assert_eq!(s.chat_link(-6).await.unwrap().unwrap().account_id, "acc");
    s.link_chat(&link(7, "acc")).await.unwrap();
    let order: Vec<i64> = s
        .all_chat_links()
        .await
        .unwrap()
        .iter()
        .map(|l| l.chat_id)
        .collect();
    assert_eq!(order, [7, -6], "sled's byte order: non-negative ids first");
    assert_eq!(s.unlink_chat(7).await.unwrap().unwrap().chat_id, 7);
    assert!(!s.chat_links_migrated().await.unwrap());
    s.set_chat_links_migrated().await.unwrap();
    assert!(s.chat_links_migrated().await.unwrap());

    // Codes: single use holds under two concurrent redeemers.
    let code = CodeRecord {
        id: "c0ffee00".into(),
        kind: CodeKind::Organizer,
        app_id: "default".into(),
        account_id: "acc".into(),
        route: None,
        created_at_ms: t,
        expires_at_ms: None,
        used_at_ms: None,
        revoked: false,
        uses: 0,
    };
    assert!(s.put_code("ORG-1", &code).await.unwrap());
    assert!(!s.put_code("ORG-1", &code).await.unwrap());
    assert_eq!(s.code_record("ORG-1").await.unwrap(), Some(code.clone()));
    assert_eq!(
        s.redeem_code("ORG-1", &[CodeKind::Link], t).await.unwrap(),
        Redeem::WrongKind(CodeKind::Organizer)
    );
    let (a, b) = tokio::join!(
        s.redeem_code("ORG-1", &[CodeKind::Organizer], t),
        s.redeem_code("ORG-1", &[CodeKind::Organizer], t)
    );
    let oks = [a.unwrap(), b.unwrap()]
        .iter()
        .filter(|r| matches!(r, Redeem::Ok(_)))
        .count();
    assert_eq!(oks, 1, "a single-use code is used once");
    assert_eq!(
        s.redeem_code("nope", &[], t).await.unwrap(),
        Redeem::Unknown
    );
    assert!(
        s.put_code(
            "SUB-1",
            &CodeRecord {
                id: "c0ffee11".into(),
                kind: CodeKind::Subscribe,
                ..code.clone()
            }
        )
        .await
        .unwrap()
    );
    assert_eq!(
        s.revoke_code("c0ffee", Some(("default", "acc")))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.redeem_code("SUB-1", &[CodeKind::Subscribe], t)
            .await
            .unwrap(),
        Redeem::Revoked
    );
    assert_eq!(s.list_codes(None).await.unwrap().len(), 2);

    // Organizers and mutes.
    let org = OrganizerLink {
        app_id: "default".into(),
        account_id: "acc".into(),
        user_id: 42,
        chat_id: 42,
        linked_at_ms: t,
    };
    s.add_organizer(&org).await.unwrap();
    assert_eq!(s.organizer_links(42).await.unwrap(), vec![org.clone()]);
    assert_eq!(
        s.tenant_organizers("default", "acc").await.unwrap().len(),
        1
    );
    assert_eq!(s.all_organizers().await.unwrap().len(), 1);
    assert!(s.remove_organizer("default", "acc", 42).await.unwrap());
    s.add_organizer(&org).await.unwrap();
    assert_eq!(s.remove_organizer_links(42).await.unwrap(), 1);
    s.set_mute("default", "acc", 9, t + 100).await.unwrap();
    assert!(s.is_member_muted("default", "acc", 9, t).await.unwrap());
    assert!(
        !s.is_member_muted("default", "acc", 9, t + 100)
            .await
            .unwrap()
    );
    assert_eq!(s.mutes_of(9).await.unwrap()[0].until_ms, t + 100);
    assert_eq!(s.clear_mutes(9).await.unwrap(), 1);

    // Bot state.
    assert_eq!(s.bot_last_update().await.unwrap(), None);
    s.set_bot_last_update(-3).await.unwrap();
    assert_eq!(s.bot_last_update().await.unwrap(), Some(-3));
    s.set_bot_notice_watermark(u64::MAX).await.unwrap();
    assert_eq!(s.bot_notice_watermark().await.unwrap(), Some(u64::MAX));
    s.set_bot_username("relay_bot").await.unwrap();
    assert_eq!(
        s.bot_username().await.unwrap().as_deref(),
        Some("relay_bot")
    );

    // Chat state and a chat migration that follows into routes.
    let pace = ChatPace {
        sent_ms: vec![t],
        blocked_until_ms: Some(t),
    };
    s.put_telegram_pace(-6, &pace).await.unwrap();
    assert_eq!(s.telegram_paces().await.unwrap(), vec![(-6, pace)]);
    let p = PartProgress {
        next: 2,
        plain: true,
    };
    assert_eq!(s.part_progress(1).await.unwrap(), PartProgress::default());
    s.set_part_progress(1, &p).await.unwrap();
    assert_eq!(s.part_progress(1).await.unwrap(), p);
    s.clear_part_progress(1).await.unwrap();
    assert_eq!(s.part_progress(1).await.unwrap(), PartProgress::default());
    let mut tg = crate::store::test_route("tg");
    tg.destinations = vec![Destination::Telegram {
        chat_id: -6,
        thread_id: None,
        member: false,
    }];
    s.put_route(&tg).await.unwrap();
    let changed = s.migrate_telegram_chat(-6, -1006).await.unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(s.resolve_telegram_chat(-6).await.unwrap(), -1006);
    assert_eq!(s.chat_link(-1006).await.unwrap().unwrap().account_id, "acc");
    assert!(matches!(
        s.get_route("default", "acc", "tg")
            .await
            .unwrap()
            .unwrap()
            .destinations[0],
        Destination::Telegram { chat_id: -1006, .. }
    ));

    // Meetings.
    let m = MeetingMemory {
        topic: Some("t".into()),
        join_url: None,
        password: None,
        updated_at_ms: t,
    };
    s.remember_meeting("default", "acc", u64::MAX, &m)
        .await
        .unwrap();
    s.mark_instance_ended("default", "acc", "uuid", t)
        .await
        .unwrap();
    assert_eq!(
        s.instance_ended("default", "acc", "uuid").await.unwrap(),
        Some(t)
    );
    s.forget_meeting("default", "acc", u64::MAX).await.unwrap();
    s.remember_meeting("default", "acc", 1, &m).await.unwrap();
    assert_eq!(s.expire_meetings(t + 10, 5).await.unwrap(), 2);

    // Notices and disabled targets.
    let n1 = s
        .add_notice("default", "acc", "k", "m1", Some("r"), None)
        .await
        .unwrap();
    let n2 = s
        .add_notice("default", "acc", "k", "m2", None, Some("log"))
        .await
        .unwrap();
    assert!(n2.id > n1.id);
    assert_eq!(
        s.list_notices(Some(("default", "acc"))).await.unwrap(),
        vec![n2, n1]
    );
    s.disable_target("default", "acc", "log", "why")
        .await
        .unwrap();
    assert!(s.is_target_disabled("default", "acc", "log").await.unwrap());
    assert_eq!(s.list_disabled(None).await.unwrap().len(), 1);
    assert!(s.enable_target("default", "acc", "log").await.unwrap());
    assert!(!s.is_target_disabled("default", "acc", "log").await.unwrap());

    // Events: listing, fairness, retention; the outbox's remaining calls.
    for i in 0..3 {
        s.append_event(key(i), event(if i == 2 { "b" } else { "acc" }, i))
            .await
            .unwrap();
    }
    let listed = s
        .list_events(&EventFilter {
            account_id: Some("acc".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed[0].seq > listed[1].seq, "newest first");
    assert!(
        s.inbox_has_other_tenant("default", "acc", 10)
            .await
            .unwrap()
    );
    assert!(!s.inbox_has_other_tenant("default", "acc", 2).await.unwrap());
    let fair = s
        .next_inbox_event_fair(&|e| e.event.account_id.as_deref() == Some("acc"), 10)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fair.event.account_id.as_deref(), Some("b"));
    let oldest = s.next_inbox_event().await.unwrap().unwrap();
    s.commit_dispatch_with_dead(
        &oldest,
        EventStatus::NoTenant,
        vec![job("live", "acc", 1)],
        vec![(job("dead", "acc", 2), "budget".into())],
    )
    .await
    .unwrap();
    assert_eq!(s.list_dead().await.unwrap()[0].reason, "budget");
    assert_eq!(s.list_jobs().await.unwrap().len(), 1);
    let report = s.expire(now() + 1_000_000, 1, 1).await.unwrap();
    assert_eq!(report.dedup_removed, 3);
    assert_eq!(report.events_removed, 1, "pending events stay");
    assert_eq!(s.release_claims(t).await.unwrap(), 0);
    let Claim::Job(j) = s
        .claim_due(Channel::Telegram, now() + 10, 60_000)
        .await
        .unwrap()
    else {
        panic!("due")
    };
    assert_eq!(s.release_claims(t).await.unwrap(), 1);
    s.defer_job(&j, t + 5).await.unwrap();
    assert_eq!(s.get_job(j.id).await.unwrap().unwrap().due_at_ms, t + 5);
    s.finish_job(&j, &attempt(j.id, 1, AttemptOutcome::Sent), Finish::Done)
        .await
        .unwrap();
    assert_eq!(s.list_sent().await.unwrap().len(), 1);
    assert_eq!(s.expire_sent(now() + 1_000_000).await.unwrap(), 1);
    assert!(s.get_dead(j.id).await.unwrap().is_none());
    assert_eq!(s.reindex_outbox().await.unwrap(), 0);
    assert!(
        s.backup_to_file(std::path::Path::new("unused"))
            .await
            .is_err()
    );
    s.close().await.unwrap();
    assert!(matches!(
        s.append_event(key(50), event("acc", 50)).await,
        Err(StoreError::Closed)
    ));
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
    let expected: Vec<i32> = (1..=super::migrations::MIGRATIONS.len() as i32).collect();
    assert_eq!(versions, expected);
}

/// Two stores on one database stand for two replicas. Each runs two workers, over three chats (so
/// without FIFO per destination two workers would send to one chat at once); every job is sent
/// once, and per destination one at a time in creation order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_on_two_replicas_keep_fifo_per_destination_and_send_each_job_once() {
    let (db, s1) = store_or_skip!();
    let s2 = PgStore::connect(&with_db(&admin_url(), &db.name), Some([7u8; 32]))
        .await
        .unwrap();
    let jobs: Vec<NewJob> = (0..60)
        .map(|i| job(&format!("j{i}"), "acc", i % 3))
        .collect();
    assert_eq!(s1.enqueue_jobs(jobs).await.unwrap(), 60);
    let log = Arc::new(std::sync::Mutex::new(Vec::<(i64, u64)>::new()));
    // Chats with a job being sent right now.
    let busy = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    let mut workers = Vec::new();
    for s in [s1.clone(), s1.clone(), s2.clone(), s2.clone()] {
        let (log, busy) = (log.clone(), busy.clone());
        workers.push(tokio::spawn(async move {
            loop {
                match s
                    .claim_due(Channel::Telegram, now() + 10, 60_000)
                    .await
                    .unwrap()
                {
                    Claim::Job(j) => {
                        let Target::Telegram { chat_id, .. } = j.target else {
                            unreachable!()
                        };
                        // Recorded while the claim is held: that is the order of sending.
                        log.lock().unwrap().push((chat_id, j.id));
                        assert!(
                            busy.lock().unwrap().insert(chat_id),
                            "two jobs of chat {chat_id} held at once"
                        );
                        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                        busy.lock().unwrap().remove(&chat_id);
                        s.finish_job(&j, &attempt(j.id, 1, AttemptOutcome::Sent), Finish::Done)
                            .await
                            .unwrap();
                    }
                    // Everything left is held by another worker; look again shortly.
                    Claim::NotBefore(_) => {
                        tokio::time::sleep(std::time::Duration::from_millis(5)).await
                    }
                    Claim::Empty => return,
                }
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 60, "each job sent once");
    let mut ids: Vec<u64> = log.iter().map(|(_, id)| *id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60, "no job sent twice");
    for chat in 0..3 {
        let order: Vec<u64> = log
            .iter()
            .filter(|(c, _)| *c == chat)
            .map(|(_, id)| *id)
            .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "chat {chat} got its jobs out of order: {order:?}"
        );
    }
    assert_eq!(s2.list_sent().await.unwrap().len(), 60);
}

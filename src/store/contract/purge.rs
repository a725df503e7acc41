//! The uninstall purge: everything of one tenant goes, nothing of another.

use super::{APP, event, job, route, telegram};
use crate::store::TenantId;
use crate::store::auth::{ApiToken, Grant, Session};
use crate::store::bot::{CodeKind, CodeRecord, OrganizerLink, code_id};
use crate::store::consents::{Consent, ConsentBy, ConsentState};
use crate::store::{AppendOutcome, Db, EventStatus, MeetingMemory, Tenant};

/// Gives tenant `account` one of every kind of record; returns the seq of its event.
async fn populate(db: &Db, account: &str, n: u8) -> u64 {
    let tenant = Tenant {
        app_id: APP.into(),
        ..Tenant::fixture(account, 1, vec![n])
    };
    db.put_tenant(&tenant).await.unwrap();
    assert!(db.create_route(&route(account, "r")).await.unwrap());
    db.set_template(
        &TenantId::new(APP, account),
        "meeting.started",
        "telegram.html",
        "hi",
    )
    .await
    .unwrap();
    let seq = match db
        .append_event([n; 16], event(account, "{}"))
        .await
        .unwrap()
    {
        AppendOutcome::Accepted { seq } => seq,
        other => panic!("{other:?}"),
    };
    let rec = db.get_event(seq).await.unwrap().unwrap();
    let status = EventStatus::Dispatched { routes: 1, jobs: 1 };
    let key = |k: &str| format!("msg_{seq}_{k}");
    db.commit_dispatch_with_dead(
        &rec,
        status,
        vec![job(account, &key("live"), telegram(i64::from(n)))],
        vec![(
            job(account, &key("dead"), telegram(100 + i64::from(n))),
            "big".into(),
        )],
    )
    .await
    .unwrap();
    let code = format!("code-{account}");
    let rec = CodeRecord {
        app_id: APP.into(),
        route: Some("r".into()),
        ..CodeRecord::fixture(&code_id(&code), CodeKind::Subscribe, account, 1)
    };
    assert!(db.put_code(&code, &rec).await.unwrap());
    db.add_organizer(&OrganizerLink {
        app_id: APP.into(),
        account_id: account.into(),
        user_id: 7,
        chat_id: 7,
        linked_at_ms: 1,
    })
    .await
    .unwrap();
    db.set_mute(&TenantId::new(APP, account), 42, i64::MAX)
        .await
        .unwrap();
    db.set_member_name(&TenantId::new(APP, account), 42, Some("Member"))
        .await
        .unwrap();
    assert!(
        db.put_own_bot(&crate::store::own_bots::OwnBot {
            app_id: APP.into(),
            account_id: account.into(),
            bot_id: 9000 + i64::from(n),
            username: format!("{account}_bot"),
            sealed_token: vec![n],
            connected_ms: 1,
            disabled: None,
            moved_notice_ms: None,
        })
        .await
        .unwrap()
    );
    db.put_consent(&Consent::new(
        APP,
        account,
        "r",
        &format!("m@{account}.example"),
        ConsentState::Confirmed,
        ConsentBy::Member,
        1,
    ))
    .await
    .unwrap();
    db.add_notice(&TenantId::new(APP, account), "test", "a notice", None, None)
        .await
        .unwrap();
    db.disable_target(&TenantId::new(APP, account), "log", "testing")
        .await
        .unwrap();
    db.remember_meeting(&TenantId::new(APP, account), 5, &MeetingMemory::default())
        .await
        .unwrap();
    db.put_api_token(
        &format!("token-{account}"),
        &ApiToken {
            id: format!("t{account}"),
            name: "ci".into(),
            app_id: APP.into(),
            account_id: account.into(),
            created_at_ms: 1,
        },
    )
    .await
    .unwrap();
    db.put_session(
        &format!("session-{account}"),
        &Session {
            grant: Grant::Tenant {
                app_id: APP.into(),
                account_id: account.into(),
            },
            user: "u".into(),
            csrf: "c".into(),
            created_at_ms: 1,
            expires_at_ms: i64::MAX,
        },
    )
    .await
    .unwrap();
    seq
}

/// What tenant `account` holds, one count or flag per kind, in a fixed order.
async fn holdings(db: &Db, account: &str, seq: u64) -> Vec<(&'static str, usize)> {
    let tenant = TenantId::new(APP, account);
    let t = Some(&tenant);
    let jobs = db.list_jobs().await.unwrap();
    let dead = db.list_dead().await.unwrap();
    vec![
        (
            "tenant",
            db.get_tenant(&tenant).await.unwrap().iter().count(),
        ),
        ("routes", db.list_routes(t).await.unwrap().len()),
        (
            "templates",
            db.tenant_templates(&tenant).await.unwrap().len(),
        ),
        ("event", db.get_event(seq).await.unwrap().iter().count()),
        (
            "jobs",
            jobs.iter().filter(|j| j.account_id == account).count(),
        ),
        (
            "dead",
            dead.iter().filter(|d| d.job.account_id == account).count(),
        ),
        ("codes", db.list_codes(t).await.unwrap().len()),
        (
            "organizers",
            db.tenant_organizers(&tenant).await.unwrap().len(),
        ),
        (
            "mutes",
            usize::from(db.is_member_muted(&tenant, 42, 0).await.unwrap()),
        ),
        ("notices", db.list_notices(t).await.unwrap().len()),
        (
            "consents",
            db.list_consents(&tenant, None).await.unwrap().len(),
        ),
        ("disabled", db.list_disabled(t).await.unwrap().len()),
        (
            "member_names",
            db.member_names(&tenant).await.unwrap().len(),
        ),
        ("own_bot", db.own_bot(&tenant).await.unwrap().iter().count()),
        (
            "meetings",
            db.meeting_memory(&tenant, 5).await.unwrap().iter().count(),
        ),
        ("tokens", db.list_api_tokens(t).await.unwrap().len()),
        (
            "sessions",
            db.get_session(&format!("session-{account}"), 0)
                .await
                .unwrap()
                .iter()
                .count(),
        ),
    ]
}

/// Purging tenant A removes every kind of record it had and leaves tenant B's untouched.
pub(super) async fn purge_leaves_other_tenant_intact(db: Db) {
    let seq_a = populate(&db, "A", 1).await;
    let seq_b = populate(&db, "B", 2).await;
    let full: Vec<_> = holdings(&db, "B", seq_b).await;
    assert!(
        full.iter().all(|(_, n)| *n == 1),
        "every kind was written: {full:?}"
    );
    assert_eq!(holdings(&db, "A", seq_a).await, full);

    let report = db
        .purge_tenant(&TenantId::new(APP, "A"), None)
        .await
        .unwrap();
    assert!(report.tenant_existed);
    let left: Vec<_> = holdings(&db, "A", seq_a)
        .await
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
    assert!(left.is_empty(), "tenant A still holds {left:?}");
    assert_eq!(holdings(&db, "B", seq_b).await, full, "tenant B is intact");
    assert_eq!(db.organizer_links(7).await.unwrap().len(), 1);
    assert!(db.api_token("token-B").await.unwrap().is_some());
    assert!(db.api_token("token-A").await.unwrap().is_none());

    let again = db
        .purge_tenant(&TenantId::new(APP, "A"), None)
        .await
        .unwrap();
    assert!(!again.tenant_existed);
    assert_eq!(again.total(), 0, "a repeat finds nothing left");
}

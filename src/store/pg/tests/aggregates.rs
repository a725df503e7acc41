//! Routes, tenants and the other aggregates on PostgreSQL, and the tenant purge.

use super::*;
use crate::store::pluck;
use crate::store::{InboxClaim, TenantId};

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
                update_route(&*db, &acc(), "r", |r| {
                    r.destinations.push(Destination::Telegram {
                        chat_id: w * 100 + i,
                        thread_id: None,
                        member: true,
                        bot: None,
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
    let r = db.get_route(&acc(), "r").await.unwrap().unwrap();
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
    assert_eq!(s.get_route(&acc(), "hook").await.unwrap(), Some(r));
}

#[tokio::test]
async fn purge_removes_one_tenant_and_keeps_the_other() {
    let (_db, s) = store_or_skip!();
    for acc in ["gone_acct", "kept_acct"] {
        let mut r = crate::store::test_route("r");
        r.account_id = acc.into();
        s.put_route(&r).await.unwrap();
        s.set_template(
            &TenantId::new("default", acc),
            "meeting.started",
            "telegram.html",
            "x",
        )
        .await
        .unwrap();
        s.add_notice(&TenantId::new("default", acc), "k", "m", None, None)
            .await
            .unwrap();
        s.disable_target(&TenantId::new("default", acc), "log", "why")
            .await
            .unwrap();
        s.set_mute(&TenantId::new("default", acc), 5, i64::MAX)
            .await
            .unwrap();
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
    let report = s
        .purge_tenant(&TenantId::new("default", "gone_acct"), None)
        .await
        .unwrap();
    assert!(report.total() > 0);
    assert!(
        s.trees_containing(b"gone_acct").await.unwrap().is_empty(),
        "nothing of the purged tenant is left: {:?}",
        s.trees_containing(b"gone_acct").await.unwrap()
    );
    let kept = s.trees_containing(b"kept_acct").await.unwrap();
    assert!(!kept.is_empty());
    assert_eq!(
        s.list_routes(Some(&TenantId::new("default", "kept_acct")))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(s.list_notices(None).await.unwrap().len(), 1);
    assert!(
        s.is_member_muted(&TenantId::new("default", "kept_acct"), 5, now())
            .await
            .unwrap()
    );
    let after = s.key_counts().await.unwrap();
    assert!(after["events"] < before["events"]);
    assert_eq!(after["events"], 1);
}

/// Every other method once, with what it must answer: the SQL of each is checked by the server
/// only when it runs.
#[tokio::test]
async fn every_aggregate_round_trips() {
    use crate::store::auth::{ApiToken, Grant, Session};
    use crate::store::bot::{ChatKind, ChatLink, CodeKind, CodeRecord, OrganizerLink, Redeem};
    use crate::store::pacing::{Limits, Slot};
    use crate::store::telegram::PartProgress;
    use crate::store::{AuditEntry, EventFilter, MeetingMemory, Tenant};
    let (_db, s) = store_or_skip!();
    let t = now();

    // Tenants and audit.
    let tenant = Tenant {
        scopes: vec!["a".into()],
        ..Tenant::fixture("acc", t, vec![1, 2, 3])
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
    let (_, v1) = s.get_route_versioned(&acc(), "r").await.unwrap().unwrap();
    let mut r2 = r.clone();
    r2.enabled = false;
    assert!(s.swap_route(&v1, &r2).await.unwrap());
    assert!(!s.swap_route(&v1, &r).await.unwrap(), "stale version");
    let rep = s
        .import_routes(&[r.clone(), crate::store::test_route("s")])
        .await
        .unwrap();
    assert_eq!((rep.created, rep.updated), (1, 1));
    let names: Vec<_> = pluck(s.list_routes(Some(&acc())).await, |r| r.name);
    assert_eq!(names, ["r", "s"]);
    assert_eq!(s.take_route(&acc(), "s").await.unwrap().unwrap().name, "s");
    assert!(!s.remove_route(&acc(), "s").await.unwrap());
    s.set_template(&acc(), "meeting.started", "telegram.html", "x")
        .await
        .unwrap();
    assert_eq!(
        s.tenant_templates(&acc()).await.unwrap()["meeting.started/telegram.html"],
        "x"
    );
    assert!(
        s.remove_template(&acc(), "meeting.started", "telegram.html")
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
    assert_eq!(s.list_api_tokens(Some(&acc())).await.unwrap().len(), 1);
    assert!(
        !s.revoke_api_token("abc", Some(&TenantId::new("default", "x")))
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
        title: None,
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
    let order: Vec<i64> = pluck(s.all_chat_links().await, |l| l.chat_id);
    assert_eq!(order, [7, -6], "sled's byte order: non-negative ids first");
    assert_eq!(s.unlink_chat(7).await.unwrap().unwrap().chat_id, 7);
    assert!(!s.chat_links_migrated().await.unwrap());
    s.set_chat_links_migrated().await.unwrap();
    assert!(s.chat_links_migrated().await.unwrap());

    // Codes: single use holds under two concurrent redeemers.
    let code = CodeRecord::fixture("c0ffee00", CodeKind::Organizer, "acc", t);
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
        s.revoke_code("c0ffee", Some(&acc())).await.unwrap().len(),
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
    assert_eq!(s.tenant_organizers(&acc()).await.unwrap().len(), 1);
    assert_eq!(s.all_organizers().await.unwrap().len(), 1);
    assert!(s.remove_organizer(&acc(), 42).await.unwrap());
    s.add_organizer(&org).await.unwrap();
    assert_eq!(s.remove_organizer_links(42).await.unwrap(), 1);
    s.set_mute(&acc(), 9, t + 100).await.unwrap();
    assert!(s.is_member_muted(&acc(), 9, t).await.unwrap());
    assert!(!s.is_member_muted(&acc(), 9, t + 100).await.unwrap());
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
    let l = Limits::default();
    assert_eq!(
        s.take_telegram_slot(9, -6, &l, &move || t).await.unwrap(),
        Slot::Granted { at_ms: t }
    );
    assert_eq!(
        s.take_telegram_slot(9, -6, &l, &move || t + 1)
            .await
            .unwrap(),
        Slot::NotBefore(t + 1000)
    );
    s.block_telegram_chat(9, -6, t + 5000).await.unwrap();
    assert_eq!(s.telegram_send_at(9, -6, &l, t).await.unwrap(), t + 5000);
    assert_eq!(
        s.telegram_send_at(10, -6, &l, t).await.unwrap(),
        t,
        "another bot"
    );
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
        bot: None,
    }];
    s.put_route(&tg).await.unwrap();
    let changed = s.migrate_telegram_chat(-6, -1006).await.unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(s.resolve_telegram_chat(-6).await.unwrap(), -1006);
    assert_eq!(s.chat_link(-1006).await.unwrap().unwrap().account_id, "acc");
    assert!(matches!(
        s.get_route(&acc(), "tg")
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
    s.remember_meeting(&acc(), u64::MAX, &m).await.unwrap();
    s.mark_instance_ended(&acc(), "uuid", t).await.unwrap();
    assert_eq!(s.instance_ended(&acc(), "uuid").await.unwrap(), Some(t));
    s.forget_meeting(&acc(), u64::MAX).await.unwrap();
    s.remember_meeting(&acc(), 1, &m).await.unwrap();
    assert_eq!(s.expire_meetings(t + 10, 5).await.unwrap(), 2);

    // Notices and disabled targets.
    let n1 = s
        .add_notice(&acc(), "k", "m1", Some("r"), None)
        .await
        .unwrap();
    let n2 = s
        .add_notice(&acc(), "k", "m2", None, Some("log"))
        .await
        .unwrap();
    assert!(n2.id > n1.id);
    assert_eq!(s.list_notices(Some(&acc())).await.unwrap(), vec![n2, n1]);
    s.disable_target(&acc(), "log", "why").await.unwrap();
    assert!(s.is_target_disabled(&acc(), "log").await.unwrap());
    assert_eq!(s.list_disabled(None).await.unwrap().len(), 1);
    assert!(s.enable_target(&acc(), "log").await.unwrap());
    assert!(!s.is_target_disabled(&acc(), "log").await.unwrap());

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
    assert!(s.inbox_has_other_tenant(&acc(), 10).await.unwrap());
    assert!(!s.inbox_has_other_tenant(&acc(), 2).await.unwrap());
    let fair = s
        .claim_inbox(
            &|_, acc| acc == Some("acc"),
            InboxClaim {
                scan: 10,
                max: 1,
                now_ms: now(),
                lease_ms: 60_000,
            },
        )
        .await
        .unwrap();
    assert_eq!(fair[0].event.account_id.as_deref(), Some("b"));
    s.release_inbox(&[fair[0].seq]).await.unwrap();
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
    s.close().await.unwrap();
    assert!(matches!(
        s.append_event(key(50), event("acc", 50)).await,
        Err(StoreError::Closed)
    ));
}

/// The tenant most of these records belong to.
fn acc() -> TenantId {
    TenantId::new("default", "acc")
}

//! The records a cross-backend round trip writes and compares: [`fill`] writes every kind through
//! the seam, [`snapshot`] reads every kind back, [`behaves_as_restored`] checks a restored store.

use crate::config::{DataKey, StoreConfig};
use crate::routing::{Destination, Target};
use crate::store::TenantId;
use crate::store::auth::{ApiToken, Grant, Session};
use crate::store::bot::{ChatKind, ChatLink, CodeKind, CodeRecord, OrganizerLink};
use crate::store::pacing::Limits;
use crate::store::telegram::PartProgress;
use crate::store::{
    AppendOutcome, Attempt, AttemptOutcome, AuditEntry, Claim, Db, EventFilter, EventStatus,
    Finish, MeetingMemory, Message, NewEvent, NewJob, Tenant, pluck, test_attempt, test_event,
    test_job,
};

pub(super) const KEY: [u8; 32] = [9; 32];
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

pub(super) fn cfg() -> StoreConfig {
    StoreConfig {
        data_key: Some(DataKey::for_tests(KEY)),
        ..crate::store::test_config()
    }
}

pub(super) fn event(account: &str, n: u8) -> NewEvent {
    test_event(account, n.into(), format!(r#"{{"n":{n}}}"#))
}

pub(super) fn job(key: &str, target: Target) -> NewJob {
    let message = Message::Log { text: key.into() };
    NewJob {
        meeting_uuid: Some("u1".into()),
        ..test_job("acc", key, target, message)
    }
}

fn attempt(job_id: u64, outcome: AttemptOutcome, at: i64) -> Attempt {
    Attempt {
        status: Some(500),
        detail: "d".into(),
        latency_ms: 3,
        ..test_attempt(job_id, 1, at, outcome)
    }
}

/// Every kind of record, written the way the relay writes it.
pub(super) async fn fill(s: &Db) {
    let t = chrono::Utc::now().timestamp_millis();
    let mut seqs = Vec::new();
    for n in 0..4u8 {
        match s.append_event([n; 16], event("acc", n)).await.unwrap() {
            AppendOutcome::Accepted { seq } => seqs.push(seq),
            other => panic!("{other:?}"),
        }
    }
    // Two events dispatched (jobs, a dead letter), two left waiting in the inbox.
    let first = s.get_event(seqs[0]).await.unwrap().unwrap();
    let hook = Target::Webhook {
        url: "https://example.com/h".into(),
        secret: SECRET.into(),
    };
    let jobs = vec![
        job("msg_a", Target::Log),
        job("msg_b", hook.clone()),
        job(
            "msg_c",
            Target::Telegram {
                chat_id: -100,
                thread_id: None,
                bot: None,
            },
        ),
    ];
    let dead = vec![(job("msg_d", Target::Log), "over budget".to_string())];
    s.commit_dispatch_with_dead(
        &first,
        EventStatus::Dispatched { routes: 1, jobs: 3 },
        jobs,
        dead,
    )
    .await
    .unwrap();
    let second = s.get_event(seqs[1]).await.unwrap().unwrap();
    s.commit_dispatch_with_dead(
        &second,
        EventStatus::Dispatched { routes: 0, jobs: 0 },
        vec![],
        vec![],
    )
    .await
    .unwrap();
    s.enqueue_jobs(vec![job("bot_reply", Target::Log)])
        .await
        .unwrap();
    // One job sent, one retrying, one claimed (under a lease), one untouched.
    let now = t + 1_000;
    let claim = |c| async move {
        match s.claim_due(c, now, 60_000).await.unwrap() {
            Claim::Job(j) => *j,
            other => panic!("{other:?}"),
        }
    };
    let sent = claim(crate::routing::Channel::Log).await;
    s.finish_job(
        &sent,
        &attempt(sent.id, AttemptOutcome::Sent, now),
        Finish::Done,
    )
    .await
    .unwrap();
    let retry = claim(crate::routing::Channel::Webhook).await;
    s.finish_job(
        &retry,
        &attempt(retry.id, AttemptOutcome::Retry, now),
        Finish::RetryAt(now + 5_000),
    )
    .await
    .unwrap();
    let held = claim(crate::routing::Channel::Telegram).await;
    s.set_part_progress(
        held.id,
        &PartProgress {
            next: 1,
            plain: false,
        },
    )
    .await
    .unwrap();

    let mut r = crate::store::test_route("r");
    r.destinations.push(Destination::Webhook {
        url: "https://example.com/h".into(),
        secret: SECRET.into(),
    });
    s.put_route(&r).await.unwrap();
    s.put_route(&crate::store::test_route("s")).await.unwrap();
    s.set_template(&acc(), "meeting.started", "telegram.html", "<b>x</b>")
        .await
        .unwrap();
    let tenant = Tenant {
        scopes: vec!["meeting:read".into()],
        ..Tenant::fixture("acc", t, vec![1, 2, 3])
    };
    s.put_tenant(&tenant).await.unwrap();
    for action in ["remove", "uninstall"] {
        s.add_audit(&AuditEntry {
            at_ms: t,
            action: action.into(),
            app_id: "default".into(),
            account_hash: "h".into(),
            tenant_existed: true,
            deleted: Default::default(),
        })
        .await
        .unwrap();
    }
    let session = |grant| Session {
        grant,
        user: "u".into(),
        csrf: "c".into(),
        created_at_ms: t,
        expires_at_ms: t + 3_600_000,
    };
    s.put_session("sid-op", &session(Grant::Operator))
        .await
        .unwrap();
    let tenant_grant = Grant::Tenant {
        app_id: "default".into(),
        account_id: "acc".into(),
    };
    s.put_session("sid-t", &session(tenant_grant))
        .await
        .unwrap();
    s.put_api_token(
        "tok-secret",
        &ApiToken {
            id: "abc".into(),
            name: "n".into(),
            app_id: "default".into(),
            account_id: "acc".into(),
            created_at_ms: t,
        },
    )
    .await
    .unwrap();
    s.put_code(
        "ORG-1",
        &CodeRecord::fixture("c0ffee00", CodeKind::Organizer, "acc", t),
    )
    .await
    .unwrap();
    for chat_id in [-5, 7] {
        s.link_chat(&ChatLink {
            chat_id,
            app_id: "default".into(),
            account_id: "acc".into(),
            kind: ChatKind::Group,
            linked_by: Some(42),
            linked_at_ms: t,
            title: Some("Tuesday Readers".into()),
        })
        .await
        .unwrap();
    }
    s.set_chat_links_migrated().await.unwrap();
    s.add_organizer(&OrganizerLink {
        app_id: "default".into(),
        account_id: "acc".into(),
        user_id: -42,
        chat_id: 42,
        linked_at_ms: t,
    })
    .await
    .unwrap();
    s.set_mute(&acc(), 9, t + 100).await.unwrap();
    let mut consent = crate::store::consents::Consent::new(
        "default",
        "acc",
        "r",
        "Ann@Example.org",
        crate::store::consents::ConsentState::Confirmed,
        crate::store::consents::ConsentBy::Member,
        t,
    );
    consent.paused_until_ms = Some(t + 5);
    consent.lang = Some("es".into());
    s.put_consent(&consent).await.unwrap();
    s.set_consents_migrated().await.unwrap();
    assert!(
        s.put_own_bot(&crate::store::own_bots::OwnBot {
            app_id: "default".into(),
            account_id: "acc".into(),
            bot_id: 555,
            username: "acc_bot".into(),
            sealed_token: vec![1, 2, 0, 255],
            connected_ms: t,
            disabled: Some("revoked".into()),
            moved_notice_ms: Some(t + 1),
        })
        .await
        .unwrap()
    );
    s.set_own_bot_last_update(555, 77).await.unwrap();
    s.set_bot_language(-42, Some("pt")).await.unwrap();
    s.set_bot_language(i64::MAX, Some("ar")).await.unwrap();
    s.set_member_name(&acc(), 5550001, Some("Ana Pérez 🎉"))
        .await
        .unwrap();
    s.set_member_name(&acc(), -7, Some("Bo")).await.unwrap();
    s.set_own_bot_notice_watermark(555, u64::MAX - 3)
        .await
        .unwrap();
    s.set_bot_last_update(-3).await.unwrap();
    s.set_bot_notice_watermark(u64::MAX - 1).await.unwrap();
    s.set_bot_username("relay_bot").await.unwrap();
    // A send slot (the bot's and the chat's pacing records) and a 429 block on another chat.
    let clock = move || t;
    s.take_telegram_slot(7, -5, &Limits::default(), &clock)
        .await
        .unwrap();
    s.block_telegram_chat(7, -6, t + 9_000).await.unwrap();
    s.migrate_telegram_chat(-100, -1001).await.unwrap();
    let memory = MeetingMemory {
        topic: Some("Standup".into()),
        join_url: Some("https://zoom.us/j/1".into()),
        password: None,
        updated_at_ms: t,
    };
    s.remember_meeting(&acc(), 77, &memory).await.unwrap();
    s.mark_instance_ended(&acc(), "u1", t).await.unwrap();
    s.add_notice(&acc(), "disabled", "gone", Some("r"), Some("log"))
        .await
        .unwrap();
    s.disable_target(&acc(), "webhook:https://example.com/x", "410")
        .await
        .unwrap();
    let app = crate::store::apps::StoredApp {
        revision: 3,
        name: Some("Community".into()),
        client_id: Some("cid".into()),
        client_secret: Some("c2VhbGVk".into()),
        previous_secret_token: Some("b2xk".into()),
        previous_until_ms: Some(t + 60_000),
        user_managed: Some(true),
        crc_seen_at_ms: Some(t),
        ..crate::store::apps::StoredApp::new("added", "dG9rZW4=".into(), "invitation", t)
    };
    assert!(s.insert_app(&app).await.unwrap());
    let invite = crate::store::apps::AppInvite {
        id: "abcdef012345".into(),
        app_id: "added".into(),
        name: None,
        created_at_ms: t,
        expires_at_ms: t + 60_000,
        used_at_ms: Some(t),
    };
    let hash = crate::store::apps::invite_hash("INVITE-1");
    assert!(s.put_app_invite(&hash, &invite).await.unwrap());
    s.flush().await.unwrap();
}

/// Every kind of record as the seam reads it, one line each.
pub(super) async fn snapshot(s: &Db) -> Vec<String> {
    let t = chrono::Utc::now().timestamp_millis();
    let filter = EventFilter {
        limit: 1000,
        ..EventFilter::default()
    };
    let jobs = s.list_jobs().await.unwrap();
    let dead = s.list_dead().await.unwrap();
    let sent = s.list_sent().await.unwrap();
    let mut attempts = Vec::new();
    for id in jobs.iter().chain(dead.iter().map(|d| &d.job)).map(|j| j.id) {
        attempts.push(s.attempts_of(id).await.unwrap());
    }
    for j in &sent {
        attempts.push(s.attempts_of(j.job.id).await.unwrap());
    }
    let parts: Vec<_> = {
        let mut v = Vec::new();
        for j in &jobs {
            v.push(s.part_progress(j.id).await.unwrap());
        }
        v
    };
    vec![
        format!("events {:?}", s.list_events(&filter).await.unwrap()),
        format!("counts {} {}", s.event_count().await, s.inbox_len().await),
        format!("next inbox {:?}", s.next_inbox_event().await.unwrap()),
        format!("jobs {jobs:?}"),
        format!("dead {dead:?}"),
        format!("sent {sent:?}"),
        format!("attempts {attempts:?}"),
        format!("routes {:?}", s.list_routes(None).await.unwrap()),
        format!("templates {:?}", s.tenant_templates(&acc()).await.unwrap()),
        format!("tenants {:?}", s.list_tenants(None).await.unwrap()),
        format!("audit {:?}", s.list_audit().await.unwrap()),
        format!("session op {:?}", s.get_session("sid-op", t).await.unwrap()),
        format!("session t {:?}", s.get_session("sid-t", t).await.unwrap()),
        format!("token {:?}", s.api_token("tok-secret").await.unwrap()),
        format!("tokens {:?}", s.list_api_tokens(None).await.unwrap()),
        format!("code {:?}", s.code_record("ORG-1").await.unwrap()),
        format!("chats {:?}", s.all_chat_links().await.unwrap()),
        format!("migrated {:?}", s.chat_links_migrated().await.unwrap()),
        format!("organizers {:?}", s.all_organizers().await.unwrap()),
        format!("mutes {:?}", s.mutes_of(9).await.unwrap()),
        format!("last update {:?}", s.bot_last_update().await.unwrap()),
        format!("watermark {:?}", s.bot_notice_watermark().await.unwrap()),
        format!("username {:?}", s.bot_username().await.unwrap()),
        // Asked as of time 0, so the answer is the stored records' and not the clock's: a backup
        // and restore that take over a second on a loaded machine would otherwise differ.
        format!(
            "paces {:?} {:?}",
            s.telegram_send_at(7, -5, &Limits::default(), 0)
                .await
                .unwrap(),
            s.telegram_send_at(7, -6, &Limits::default(), 0)
                .await
                .unwrap()
        ),
        format!("parts {parts:?}"),
        format!("resolve {:?}", s.resolve_telegram_chat(-100).await.unwrap()),
        format!("memory {:?}", s.meeting_memory(&acc(), 77).await.unwrap()),
        format!("ended {:?}", s.instance_ended(&acc(), "u1").await.unwrap()),
        format!("notices {:?}", s.list_notices(None).await.unwrap()),
        format!("disabled {:?}", s.list_disabled(None).await.unwrap()),
        format!(
            "consents {:?} {:?}",
            s.list_consents(&acc(), None).await.unwrap(),
            s.consents_migrated().await.unwrap()
        ),
        format!("apps {:?}", s.list_apps().await.unwrap()),
        format!(
            "invite {:?}",
            s.app_invite(&crate::store::apps::invite_hash("INVITE-1"))
                .await
                .unwrap()
        ),
        format!(
            "own bots {:?} {:?} {:?}",
            s.all_own_bots().await.unwrap(),
            s.own_bot_last_update(555).await.unwrap(),
            s.own_bot_notice_watermark(555).await.unwrap()
        ),
        format!(
            "bot languages {:?} {:?}",
            s.bot_language(-42).await.unwrap(),
            s.bot_language(i64::MAX).await.unwrap()
        ),
        format!("member names {:?}", s.member_names(&acc()).await.unwrap()),
    ]
}

/// What must hold after a restore besides equal records: Zoom's retry of a stored event is still
/// a duplicate, and new ids are above every restored one.
pub(super) async fn behaves_as_restored(s: &Db, before: &[String]) {
    assert_eq!(snapshot(s).await, before, "every kind of record survives");
    assert!(matches!(
        s.append_event([0; 16], event("acc", 0)).await.unwrap(),
        AppendOutcome::Duplicate { .. }
    ));
    let max_seq = s.list_events(&EventFilter::default()).await.unwrap()[0].seq;
    match s.append_event([99; 16], event("acc", 9)).await.unwrap() {
        AppendOutcome::Accepted { seq } => assert!(seq > max_seq, "{seq} > {max_seq}"),
        other => panic!("{other:?}"),
    }
    let old_ids: Vec<u64> = pluck(s.list_notices(None).await, |n| n.id);
    let n = s.add_notice(&acc(), "k", "m", None, None).await.unwrap();
    assert!(
        old_ids.iter().all(|id| n.id > *id),
        "{} above {old_ids:?}",
        n.id
    );
    let created = s.enqueue_jobs(vec![job("new", Target::Log)]).await.unwrap();
    assert_eq!(created, 1);
    let mut ids: Vec<u64> = s.list_jobs().await.unwrap().iter().map(|j| j.id).collect();
    ids.extend(s.list_dead().await.unwrap().iter().map(|d| d.job.id));
    ids.extend(s.list_sent().await.unwrap().iter().map(|d| d.job.id));
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "no job id handed out twice: {ids:?}"
    );
}

/// The tenant most of these records belong to.
fn acc() -> TenantId {
    TenantId::new("default", "acc")
}

//! Finding 3 of issue 12: one tenant must not post into another tenant's Telegram group through
//! the shared bot, nor spam through send-test. Real relay, FakeTelegram and an SMTP peer on
//! loopback.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use zoom_relay::routing::Destination;
use zoom_relay::service::codes::{self, CreateCode};
use zoom_relay::store::bot::{ChatKind, CodeKind};

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use zoom_relay::store::TenantId;

const T: &str = "acct-tee";
const B: &str = "acct-bee";
/// Tenant B's group, linked by B's admin.
const B_GROUP: i64 = -1_009_000_000_001;
const B_ADMIN: i64 = 7001;
const NOT_LINKED: &str = "This Telegram group is not linked to your community";

async fn relay(tg: &FakeTelegram, extra: &str) -> TestApp {
    let api = tg.url();
    let extra = extra.to_string();
    spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\n{extra}\n"
        ));
    })
    .await
}

async fn token(app: &TestApp, account: &str) -> String {
    zoom_relay::service::tokens::create(&app.service(), "default", account, "it")
        .await
        .unwrap()
        .token
}

async fn call(
    app: &TestApp,
    bearer: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, Option<String>) {
    let mut req = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(bearer);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let text = resp.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        retry,
    )
}

fn tg_route(account: &str, name: &str, chat: i64) -> Value {
    json!({
        "name": name, "app_id": "default", "account_id": account,
        "events": ["meeting.started"],
        "destinations": [{"kind": "telegram", "chat_id": chat}]
    })
}

async fn link_code(app: &TestApp, account: &str, route: &str) -> String {
    codes::create(
        &app.service(),
        &CreateCode {
            kind: CodeKind::Link,
            route: Some(route.into()),
            app: None,
            account: Some(account.into()),
            ttl: None,
        },
    )
    .await
    .expect("code created")
    .code
}

/// B links its group the proper way: a route, a link code, `/link CODE` by the group's admin.
async fn b_links_its_group(app: &TestApp, tg: &FakeTelegram) {
    app.db()
        .put_route(
            &serde_json::from_value(json!({
                "name": "b-route", "app_id": "default", "account_id": B,
                "events": ["meeting.started"], "destinations": [{"kind": "log"}]
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    tg.set_member_status(B_GROUP, B_ADMIN, "administrator");
    let code = link_code(app, B, "b-route").await;
    tg.push_update(FakeTelegram::group_message(
        B_GROUP,
        B_ADMIN,
        &format!("/link {code}"),
        None,
    ));
    tg.wait_text(B_GROUP, "Linked").await;
    let link = app.db().chat_link(B_GROUP).await.unwrap().expect("linked");
    assert_eq!(link.account_id, B);
    assert_eq!(link.linked_by, Some(B_ADMIN));
    // The group's title is kept, so organizers see its name rather than its id.
    assert_eq!(link.title.as_deref(), Some("Fake supergroup"));
}

#[tokio::test]
async fn a_tenant_cannot_route_into_another_tenants_group_but_the_operator_can() {
    let tg = FakeTelegram::start().await;
    let app = relay(&tg, "").await;
    b_links_its_group(&app, &tg).await;
    let before = tg.delivered_to(B_GROUP).len();
    let t = token(&app, T).await;

    // Create: refused with the plain message, nothing stored.
    let (s, b, _) = call(
        &app,
        &t,
        Method::POST,
        "/routes",
        Some(tg_route(T, "spam", B_GROUP)),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains(NOT_LINKED),
        "{b}"
    );
    assert!(
        app.db()
            .get_route(&TenantId::new("default", T), "spam")
            .await
            .unwrap()
            .is_none()
    );

    // Nor a private chat the organizer typed, nor through an update or an import.
    let (s, b, _) = call(
        &app,
        &t,
        Method::POST,
        "/routes",
        Some(tg_route(T, "dm", 4242)),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b, _) = call(
        &app,
        &t,
        Method::POST,
        "/routes",
        Some(json!({"name": "ok", "app_id": "default", "account_id": T,
            "events": ["meeting.started"], "destinations": [{"kind": "log"}]})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b, _) = call(
        &app,
        &t,
        Method::PUT,
        &format!("/routes/default/{T}/ok"),
        Some(tg_route(T, "ok", B_GROUP)),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    let (s, b, _) = call(
        &app,
        &t,
        Method::POST,
        "/routes/import",
        Some(json!({"routes": [tg_route(T, "ok", B_GROUP)]})),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains(NOT_LINKED),
        "{b}"
    );

    // send-test of T's routes and a meeting of T post nothing in B's group.
    let (s, _, _) = call(
        &app,
        &t,
        Method::POST,
        &format!("/routes/default/{T}/ok/send-test"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        tg.delivered_to(B_GROUP).len(),
        before,
        "nothing posted in B's group"
    );

    // The operator stays trusted: the admin token may name any chat.
    let (s, b, _) = call(
        &app,
        DEMO_ADMIN_TOKEN,
        Method::POST,
        "/routes",
        Some(tg_route(T, "by-operator", -1_009_000_000_777)),
    )
    .await;
    assert_eq!(s, 201, "{b}");
}

#[tokio::test]
async fn link_in_another_tenants_group_is_refused_until_its_admin_unlinks() {
    let tg = FakeTelegram::start().await;
    let app = relay(&tg, "").await;
    b_links_its_group(&app, &tg).await;
    app.db()
        .put_route(
            &serde_json::from_value(json!({
                "name": "t-route", "app_id": "default", "account_id": T,
                "events": ["meeting.started"], "destinations": [{"kind": "log"}]
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    let code = link_code(&app, T, "t-route").await;
    tg.push_update(FakeTelegram::group_message(
        B_GROUP,
        B_ADMIN,
        &format!("/link {code}"),
        None,
    ));
    tg.wait_text(B_GROUP, "linked to another community").await;
    let rec = app.db().code_record(&code).await.unwrap().unwrap();
    assert_eq!(rec.used_at_ms, None, "a refused link does not use the code");
    let t_route = app
        .db()
        .get_route(&TenantId::new("default", T), "t-route")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t_route.destinations, vec![Destination::Log]);
    assert_eq!(
        app.db()
            .chat_link(B_GROUP)
            .await
            .unwrap()
            .unwrap()
            .account_id,
        B
    );

    // B's admin unlinks: the group is free, and T's code now works there.
    tg.push_update(FakeTelegram::group_message(
        B_GROUP, B_ADMIN, "/unlink", None,
    ));
    tg.wait_text(B_GROUP, "Unlinked").await;
    assert!(app.db().chat_link(B_GROUP).await.unwrap().is_none());
    tg.push_update(FakeTelegram::group_message(
        B_GROUP,
        B_ADMIN,
        &format!("/link {code}"),
        None,
    ));
    tg.wait_text(B_GROUP, "Linked: <b>t-route</b>").await;
    assert_eq!(
        app.db()
            .chat_link(B_GROUP)
            .await
            .unwrap()
            .unwrap()
            .account_id,
        T
    );
}

fn started(account: &str, topic: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "meeting.started", "event_ts": chrono::Utc::now().timestamp_millis(),
        "payload": {"account_id": account, "object": {"id": "123", "uuid": unique_uuid(account),
            "host_id": "h", "topic": topic, "type": 2,
            "start_time": "2026-11-29T10:00:00Z", "timezone": "UTC", "duration": 30}}
    }))
    .unwrap()
}

#[tokio::test]
async fn send_test_beyond_the_quota_gets_429_and_sends_no_more_mail() {
    let Some(python) = crate::smtp_peer::aiosmtpd_python() else {
        return;
    };
    let peer = crate::smtp_peer::SmtpPeer::start(&python, free_port()).await;
    let port = peer.port;
    let app = spawn_app(move |doc| {
        set_key(doc, "send_tests_per_hour", "2");
        doc.push_str(&format!(
            "\n[email]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\nfrom = \"relay@example.org\"\n"
        ));
    })
    .await;
    let t = token(&app, T).await;
    let to: Vec<String> = (0..3).map(|i| format!("r{i}@example.org")).collect();
    // The operator adds the addresses (confirmed at once); an organizer's would first get an
    // invitation and nothing else until confirmed (tests/it/join.rs).
    let (s, b, _) = call(
        &app,
        DEMO_ADMIN_TOKEN,
        Method::POST,
        "/routes",
        Some(json!({"name": "mail", "app_id": "default", "account_id": T,
            "events": ["meeting.started"], "destinations": [{"kind": "email", "to": to}]})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let path = format!("/routes/default/{T}/mail/send-test");
    for _ in 0..2 {
        let (s, b, _) = call(&app, &t, Method::POST, &path, None).await;
        assert_eq!(s, 200, "{b}");
    }
    peer.wait_for(6).await;
    let (s, b, retry) = call(&app, &t, Method::POST, &path, None).await;
    assert_eq!(s, 429, "{b}");
    assert_eq!(b["error"]["code"], "rate_limited");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("test sends for this hour"),
        "{b}"
    );
    let secs: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=3600).contains(&secs), "{secs}");
    // The operator is not limited; another tenant has its own count.
    let (s, b, _) = call(&app, DEMO_ADMIN_TOKEN, Method::POST, &path, None).await;
    assert_eq!(s, 200, "{b}");
    peer.wait_for(9).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(peer.count(), 9, "the refused send-test sent nothing");
    assert!(
        app.metric("quota_exceeded_total{channel=\"send_test\"}")
            .await
            >= Some(1.0)
    );
}

#[tokio::test]
async fn one_tenant_over_its_hourly_limit_does_not_affect_another() {
    let tg = FakeTelegram::start().await;
    let api = tg.url();
    let app = spawn_app(move |doc| {
        set_key(doc, "telegram_per_hour", "1");
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\n"
        ));
    })
    .await;
    let (a_group, b_group) = (-1_009_000_000_101, -1_009_000_000_202);
    for (acc, chat) in [(T, a_group), (B, b_group)] {
        app.db()
            .put_route(&serde_json::from_value(tg_route(acc, &format!("r-{acc}"), chat)).unwrap())
            .await
            .unwrap();
    }
    for topic in ["First of T", "Second of T"] {
        let r = app.send_signed(None, &started(T, topic)).await;
        assert_eq!(r.status(), 200);
    }
    tg.wait_text(a_group, "of T").await;
    eventually_async("T's second alert is a dead letter", async || {
        app.db()
            .list_dead()
            .await
            .unwrap()
            .iter()
            .any(|d| d.reason.contains("hourly limit reached for this community"))
    })
    .await;
    let r = app.send_signed(None, &started(B, "Alert of B")).await;
    assert_eq!(r.status(), 200);
    tg.wait_text(b_group, "Alert of B").await;
    assert_eq!(tg.delivered_to(a_group).len(), 1);
    let notices = app
        .db()
        .list_notices(Some(&TenantId::new("default", T)))
        .await
        .unwrap();
    assert_eq!(
        notices.iter().filter(|n| n.kind == "hourly_limit").count(),
        1,
        "{notices:?}"
    );
    assert!(
        app.db()
            .list_notices(Some(&TenantId::new("default", B)))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.metric("quota_exceeded_total{channel=\"telegram\"}")
            .await,
        Some(1.0)
    );
}

#[tokio::test]
async fn a_job_into_a_group_linked_to_another_tenant_is_a_dead_letter() {
    let tg = FakeTelegram::start().await;
    let app = relay(&tg, "").await;
    b_links_its_group(&app, &tg).await;
    let before = tg.delivered_to(B_GROUP).len();
    // Written behind the service's back, as an old store or an operator's slip could.
    app.db()
        .put_route(&serde_json::from_value(tg_route(T, "sneaky", B_GROUP)).unwrap())
        .await
        .unwrap();
    let r = app.send_signed(None, &started(T, "Spam from T")).await;
    assert_eq!(r.status(), 200);
    eventually_async("the job is refused", async || {
        app.db()
            .list_dead()
            .await
            .unwrap()
            .iter()
            .any(|d| d.reason == "this group belongs to another community")
    })
    .await;
    assert_eq!(tg.delivered_to(B_GROUP).len(), before);
}

#[tokio::test]
async fn migration_links_single_use_groups_and_strips_shared_ones_with_notices() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (own, shared) = (-1_009_000_000_303, -1_009_000_000_404);
    {
        // The store as an older relay left it, on whichever backend the suite runs on.
        let mut doc = test_config_text("127.0.0.1:1".parse().unwrap());
        set_key(&mut doc, "data_dir", &format!("\"{}\"", data.display()));
        let _db = crate::pgdb::place(&mut doc).await;
        let config = parse_config(&write_config(dir.path(), &doc));
        let store = zoom_relay::store::open(&config).await.unwrap();
        let routes = [
            json!({"name": "t-own", "app_id": "default", "account_id": T,
                "events": ["meeting.started"],
                "destinations": [{"kind": "telegram", "chat_id": own},
                                 {"kind": "telegram", "chat_id": shared}, {"kind": "log"}]}),
            json!({"name": "b-shared", "app_id": "default", "account_id": B,
                "events": ["meeting.started"],
                "destinations": [{"kind": "telegram", "chat_id": shared},
                                 {"kind": "telegram", "chat_id": 4242, "member": true}]}),
        ];
        for r in routes {
            store
                .put_route(&serde_json::from_value(r).unwrap())
                .await
                .unwrap();
        }
        store.close().await.unwrap();
    }
    let api = tg.url();
    let d = data.clone();
    let app = spawn_app(move |doc| {
        set_key(doc, "data_dir", &format!("\"{}\"", d.display()));
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\n"
        ));
    })
    .await;
    let s = app.db();
    let link = s.chat_link(own).await.unwrap().expect("own group linked");
    assert_eq!(
        (link.account_id.as_str(), link.kind),
        (T, ChatKind::Unknown)
    );
    assert!(
        s.chat_link(shared).await.unwrap().is_none(),
        "a shared group is nobody's"
    );
    let t_route = s
        .get_route(&TenantId::new("default", T), "t-own")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        t_route.destinations,
        vec![
            Destination::Telegram {
                chat_id: own,
                thread_id: None,
                member: false,
                bot: None,
            },
            Destination::Log
        ]
    );
    let b_route = s
        .get_route(&TenantId::new("default", B), "b-shared")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        b_route.destinations,
        vec![Destination::Telegram {
            chat_id: 4242,
            thread_id: None,
            member: true,
            bot: None,
        }],
        "a member's own subscription stays"
    );
    let kinds = async |acc: &str| -> Vec<String> {
        let mut k: Vec<String> = s
            .list_notices(Some(&TenantId::new("default", acc)))
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.kind)
            .collect();
        k.sort();
        k
    };
    assert_eq!(kinds(T).await, vec!["chat_linked", "chat_unlinked"]);
    assert_eq!(kinds(B).await, vec!["chat_unlinked"]);
    assert!(
        s.list_notices(Some(&TenantId::new("default", B)))
            .await
            .unwrap()[0]
            .message
            .contains("/link <code>")
    );
}

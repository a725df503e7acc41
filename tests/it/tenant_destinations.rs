//! Finding 3 of issue 12: one tenant must not post into another tenant's Telegram group through
//! the shared bot, nor spam through send-test. Real relay, FakeTelegram and an SMTP peer on
//! loopback.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use zoom_relay::routing::Destination;
use zoom_relay::service::codes::{self, CreateCode};
use zoom_relay::store::bot::{ChatKind, ChatLink, CodeKind};

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;

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

fn token(app: &TestApp, account: &str) -> String {
    zoom_relay::service::tokens::create(app.store(), "default", account, "it")
        .unwrap()
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

fn link_code(app: &TestApp, account: &str, route: &str) -> String {
    codes::create(
        app.store(),
        true,
        &CreateCode {
            kind: CodeKind::Link,
            route: Some(route.into()),
            app: None,
            account: Some(account.into()),
            ttl: None,
        },
    )
    .expect("code created")
    .code
}

/// B links its group the proper way: a route, a link code, `/link CODE` by the group's admin.
async fn b_links_its_group(app: &TestApp, tg: &FakeTelegram) {
    app.store()
        .put_route(
            &serde_json::from_value(json!({
                "name": "b-route", "app_id": "default", "account_id": B,
                "events": ["meeting.started"], "destinations": [{"kind": "log"}]
            }))
            .unwrap(),
        )
        .unwrap();
    tg.set_member_status(B_GROUP, B_ADMIN, "administrator");
    let code = link_code(app, B, "b-route");
    tg.push_update(FakeTelegram::group_message(
        B_GROUP,
        B_ADMIN,
        &format!("/link {code}"),
        None,
    ));
    tg.wait_text(B_GROUP, "Linked").await;
    let link = app.store().chat_link(B_GROUP).unwrap().expect("linked");
    assert_eq!(link.account_id, B);
    assert_eq!(link.linked_by, Some(B_ADMIN));
}

#[tokio::test]
async fn a_tenant_cannot_route_into_another_tenants_group_but_the_operator_can() {
    let tg = FakeTelegram::start().await;
    let app = relay(&tg, "").await;
    b_links_its_group(&app, &tg).await;
    let before = tg.delivered_to(B_GROUP).len();
    let t = token(&app, T);

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
        app.store()
            .get_route("default", T, "spam")
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
    app.store()
        .put_route(
            &serde_json::from_value(json!({
                "name": "t-route", "app_id": "default", "account_id": T,
                "events": ["meeting.started"], "destinations": [{"kind": "log"}]
            }))
            .unwrap(),
        )
        .unwrap();
    let code = link_code(&app, T, "t-route");
    tg.push_update(FakeTelegram::group_message(
        B_GROUP,
        B_ADMIN,
        &format!("/link {code}"),
        None,
    ));
    tg.wait_text(B_GROUP, "linked to another community").await;
    let rec = app.store().code_record(&code).unwrap().unwrap();
    assert_eq!(rec.used_at_ms, None, "a refused link does not use the code");
    let t_route = app
        .store()
        .get_route("default", T, "t-route")
        .unwrap()
        .unwrap();
    assert_eq!(t_route.destinations, vec![Destination::Log]);
    assert_eq!(
        app.store().chat_link(B_GROUP).unwrap().unwrap().account_id,
        B
    );

    // B's admin unlinks: the group is free, and T's code now works there.
    tg.push_update(FakeTelegram::group_message(
        B_GROUP, B_ADMIN, "/unlink", None,
    ));
    tg.wait_text(B_GROUP, "Unlinked").await;
    assert!(app.store().chat_link(B_GROUP).unwrap().is_none());
    tg.push_update(FakeTelegram::group_message(
        B_GROUP,
        B_ADMIN,
        &format!("/link {code}"),
        None,
    ));
    tg.wait_text(B_GROUP, "Linked: <b>t-route</b>").await;
    assert_eq!(
        app.store().chat_link(B_GROUP).unwrap().unwrap().account_id,
        T
    );
    let _ = ChatLink {
        chat_id: 0,
        app_id: String::new(),
        account_id: String::new(),
        kind: ChatKind::Unknown,
        linked_by: None,
        linked_at_ms: 0,
    };
}

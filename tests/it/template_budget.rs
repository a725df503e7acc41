//! Template bombs (issue 12, finding 1): organizer templates are untrusted input. A template that
//! would blow the render budget is refused when previewed or saved, with a reason in plain words;
//! one that only blows up on real data fails that message alone (a dead letter) while another
//! tenant's alert goes out; and handlebars never writes context values to the log.

use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::{Value, json};
use zoom_relay::routing::Route;

use crate::helpers::*;
use zoom_relay::store::TenantId;

/// `{{#each}}` six deep over the meeting: billions of repeats without a budget.
fn six_deep_bomb() -> String {
    "{{#each meeting}}".to_owned()
        + &"{{#each @root.meeting}}".repeat(5)
        + "{{@root.meeting.topic}}"
        + &"{{/each}}".repeat(6)
}

/// Passes every static limit and the sample renders (a short sample topic), but writes the topic
/// `keys³` times: with a long real topic it goes over the output cap.
fn data_dependent_bomb() -> String {
    "{{#each meeting}}{{#each @root.meeting}}{{#each @root.meeting}}{{@root.meeting.topic}}{{/each}}{{/each}}{{/each}}".to_owned()
}

fn admin(app: &TestApp) -> String {
    app.config
        .security
        .admin_token
        .as_ref()
        .expect("the test config has an admin token")
        .expose_secret()
        .to_string()
}

async fn preview(app: &TestApp, key: &str, source: &str) -> (u16, Value) {
    let resp = app
        .client
        .post(app.url("/api/v1/templates/preview"))
        .bearer_auth(admin(app))
        .json(&json!({"event": "meeting.started", "templates": {key: source}}))
        .send()
        .await
        .expect("preview request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn a_nested_each_bomb_is_refused_at_preview_with_a_plain_reason() {
    let app = spawn_app(|_| {}).await;
    // Before the budget this preview took 16 s of CPU; the client's deadline bounds the test.
    let (status, body) = preview(&app, "telegram.html", &six_deep_bomb()).await;
    assert!(matches!(status, 400 | 422), "{status} {body}");
    let text = body.to_string();
    assert!(text.contains("repeats too much"), "{text}");
    assert!(text.contains("Remove a nested {{#each}}"), "{text}");

    // Saving it as a tenant override is refused the same way, and nothing is stored.
    let resp = app
        .client
        .put(app.url("/api/v1/templates/default/acct-it/meeting.started/telegram.html"))
        .bearer_auth(admin(&app))
        .json(&json!({"source": six_deep_bomb()}))
        .send()
        .await
        .expect("save request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    assert!(matches!(status, 400 | 422), "{status} {text}");
    assert!(text.contains("repeats too much"), "{text}");
    assert!(
        app.db()
            .tenant_templates(&TenantId::new("default", "acct-it"))
            .await
            .expect("templates")
            .is_empty()
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_big_output_template_is_refused_at_preview() {
    let app = spawn_app(|_| {}).await;
    // A few KB of source that writes hundreds of KB: refused by the trial render's output cap.
    let source = "{{#each meeting}}{{#each @root.meeting}}{{#each @root.meeting}}".to_owned()
        + &"{{@root.meeting.topic}} ".repeat(30)
        + "{{/each}}{{/each}}{{/each}}";
    let (status, body) = preview(&app, "email.txt", &source).await;
    let text: String = body.to_string().chars().take(2000).collect();
    assert!(matches!(status, 400 | 422), "{status} {text}");
    assert!(text.contains("output is too big"), "{text}");
    app.shutdown().await;
}

fn route(account: &str, name: &str, templates: &[(&str, String)]) -> Route {
    let templates: serde_json::Map<String, Value> = templates
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
        .collect();
    serde_json::from_value(json!({
        "name": name, "app_id": "default", "account_id": account,
        "events": ["meeting.started"],
        "destinations": [{"kind": "log"}],
        "templates": templates,
    }))
    .expect("route from JSON")
}

fn started(account: &str, uuid: &str, topic: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "meeting.started",
        "event_ts": chrono::Utc::now().timestamp_millis(),
        "payload": {"account_id": account, "object": {
            "id": "85393847045", "uuid": uuid, "host_id": "h", "topic": topic, "type": 2,
            "start_time": "2026-01-13T18:00:00Z", "timezone": "UTC", "duration": 60
        }}
    }))
    .expect("json")
}

#[tokio::test]
async fn a_bomb_that_blows_at_dispatch_is_a_dead_letter_and_other_tenants_alerts_go_out() {
    const A: &str = "acct-bomb-a";
    const B: &str = "acct-calm-b";
    let app = spawn_app(|doc| {
        *doc = doc.replace("seed_routes = \"routes.example.toml\"", "");
    })
    .await;
    // Written on the operator's path, around the save checks, as an older store might hold it.
    app.db()
        .put_route(&route(A, "bomb", &[("log.txt", data_dependent_bomb())]))
        .await
        .expect("route A");
    app.db()
        .put_route(&route(B, "calm", &[]))
        .await
        .expect("route B");

    // Zoom allows 200-character topics; cubed meeting keys times 200 bytes is far over 16 KB.
    let long_topic = "x".repeat(200);
    let resp = app
        .send_signed(None, &started(A, &unique_uuid("bomb"), &long_topic))
        .await;
    assert_eq!(resp.status(), 200);
    let resp = app
        .send_signed(None, &started(B, &unique_uuid("calm"), "Calm call"))
        .await;
    assert_eq!(resp.status(), 200);

    let deadline = tokio::time::Instant::now() + DEADLINE;
    let (sent_b, dead_a) = loop {
        let sent = app.db().list_sent().await.expect("sent");
        let dead = app.db().list_dead().await.expect("dead");
        let sent_b = sent.iter().any(|s| s.job.account_id == B);
        let dead_a = dead.into_iter().find(|d| d.job.account_id == A);
        if sent_b && dead_a.is_some() {
            break (sent_b, dead_a);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "B sent: {sent_b}, A dead: {dead_a:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(sent_b);
    let dead_a = dead_a.expect("A's dead letter");
    assert!(
        dead_a.reason.starts_with("template over limit: output"),
        "{}",
        dead_a.reason
    );
    assert_eq!(dead_a.job.attempts, 0, "never sent");
    assert!(
        !app.db()
            .list_sent()
            .await
            .expect("sent")
            .iter()
            .any(|s| s.job.account_id == A)
    );
    let notices = app
        .db()
        .list_notices(Some(&TenantId::new("default", A)))
        .await
        .expect("notices");
    assert_eq!(
        notices
            .iter()
            .filter(|n| n.kind == "template_over_limit")
            .count(),
        1
    );
    assert!(
        app.metric("renders_over_limit_total{limit=\"output\"}")
            .await
            .unwrap_or(0.0)
            >= 1.0
    );

    // The same bomb again: remembered, dead-lettered without rendering, and no second notice.
    let resp = app
        .send_signed(None, &started(A, &unique_uuid("bomb2"), &long_topic))
        .await;
    assert_eq!(resp.status(), 200);
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while app
        .db()
        .list_dead()
        .await
        .expect("dead")
        .iter()
        .filter(|d| d.job.account_id == A)
        .count()
        < 2
    {
        assert!(tokio::time::Instant::now() < deadline, "second dead letter");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let notices = app
        .db()
        .list_notices(Some(&TenantId::new("default", A)))
        .await
        .expect("notices");
    assert_eq!(
        notices
            .iter()
            .filter(|n| n.kind == "template_over_limit")
            .count(),
        1,
        "one notice an hour"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn at_debug_level_no_context_value_reaches_the_log() {
    const PWD: &str = "pwdLeakCheck7731";
    let mut relay = RelayProcess::start_logging(|_| {}, "debug,handlebars=trace").await;
    let route = json!({
        "name": "links", "app_id": "default", "account_id": "acct-it",
        "events": ["meeting.started"], "include_join_link": true,
        "destinations": [{"kind": "log"}],
        // Helpers and blocks on the join link: handlebars logged their parameters at debug level.
        // The output itself never holds the link (the log destination writes the output).
        "templates": {"log.txt": "{{#if meeting.join_url}}{{#with meeting}}link: {{#if join_url}}yes{{/if}}{{/with}}{{/if}} {{truncate meeting.topic 5}}"},
    });
    let resp = relay
        .client
        .post(relay.url("/api/v1/routes"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&route)
        .send()
        .await
        .expect("create route");
    assert_eq!(
        resp.status(),
        201,
        "{}",
        resp.text().await.unwrap_or_default()
    );

    let ts = chrono::Utc::now().timestamp_millis();
    let body = serde_json::to_vec(&json!({
        "event": "meeting.started", "event_ts": ts,
        "payload": {"account_id": "acct-it", "object": {
            "id": 85393847045u64, "uuid": unique_uuid("pwd"), "host_id": "h",
            "topic": "Link check", "type": 2, "start_time": "2026-01-13T18:00:00Z",
            "timezone": "UTC", "duration": 60,
            "join_url": format!("https://zoom.us/j/85393847045?pwd={PWD}"),
            "password": "123456"
        }}
    }))
    .expect("json");
    let resp = relay.send_signed(body).await.expect("webhook");
    assert_eq!(resp.status(), 200);

    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !relay.stderr().contains("link: yes") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the log message never went out:\n{}",
            relay.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = relay.stderr();
    assert!(!log.contains(PWD), "a join-link password reached the log");
    assert!(!log.contains("Rendering helper"), "handlebars logged");
    let _ = relay.child.kill().await;
}

//! The REST API (issue 7): the OpenAPI document against the real routes, tenant tokens, and tenant
//! isolation — every resource type of tenant B requested with tenant A's token or console session
//! answers 404 and changes nothing.

use reqwest::Method;
use serde_json::{Value, json};
use zoom_relay::store::auth::{Grant, Session};

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use crate::webhook::WebhookReceiver;
use zoom_relay::store::TenantId;

const ADMIN: &str = crate::helpers::DEMO_ADMIN_TOKEN;
const A: &str = "acc-tenant-A";
const B: &str = "acc-tenant-B";

#[derive(Clone)]
enum Auth {
    Bearer(String),
    Session {
        cookie: String,
        csrf: String,
    },
    SessionNoCsrf {
        cookie: String,
    },
    /// No credentials at all.
    Anonymous,
}

async fn call(
    app: &TestApp,
    auth: &Auth,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")));
    match auth {
        Auth::Bearer(t) => req = req.bearer_auth(t),
        Auth::Session { cookie, csrf } => {
            req = req.header("cookie", cookie).header("x-csrf-token", csrf)
        }
        Auth::SessionNoCsrf { cookie } => req = req.header("cookie", cookie),
        Auth::Anonymous => {}
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn route_doc(account: &str, name: &str, hook: &str) -> Value {
    json!({
        "name": name, "app_id": "default", "account_id": account,
        "events": ["meeting.started"],
        "destinations": [
            {"kind": "log"},
            {"kind": "webhook", "url": hook, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
            {"kind": "email", "to": [format!("member@{account}.example")], "member": true},
            {"kind": "telegram", "chat_id": 5150, "member": true}
        ]
    })
}

fn started(account: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "meeting.started", "event_ts": chrono::Utc::now().timestamp_millis(),
        "payload": {"account_id": account, "object": {"id": "123", "uuid": unique_uuid(account),
            "host_id": "h", "topic": format!("Topic of {account}"), "type": 2,
            "start_time": "2026-11-29T10:00:00Z", "timezone": "UTC", "duration": 30}}
    }))
    .unwrap()
}

/// The API as documented, typed out by hand from docs/api.md (the resources table) and the design's
/// HTTP surface (`GET /api/v1/openapi.json`), relative to `/api/v1`. Written independently of the
/// router's table on purpose: the served document is generated from that table, so comparing the
/// two would pass by construction. A new endpoint means a new line here and in docs/api.md.
const DOCUMENTED: &[(&str, &str)] = &[
    ("GET", "/openapi.json"),
    // tenants (operator)
    ("GET", "/tenants"),
    ("GET", "/tenants/{app}/{account}"),
    ("DELETE", "/tenants/{app}/{account}"),
    ("GET", "/tenants/audit"),
    // routes
    ("GET", "/routes"),
    ("POST", "/routes"),
    ("GET", "/routes/{app}/{account}/{name}"),
    ("PUT", "/routes/{app}/{account}/{name}"),
    ("DELETE", "/routes/{app}/{account}/{name}"),
    ("POST", "/routes/import"),
    ("POST", "/routes/test"),
    ("POST", "/routes/{app}/{account}/{name}/send-test"),
    // templates
    ("GET", "/templates"),
    ("GET", "/templates/source"),
    ("PUT", "/templates/{app}/{account}/{event}/{key}"),
    ("DELETE", "/templates/{app}/{account}/{event}/{key}"),
    ("POST", "/templates/preview"),
    // deliveries
    ("GET", "/deliveries"),
    ("GET", "/deliveries/{id}"),
    ("POST", "/deliveries/{id}/retry"),
    ("POST", "/deliveries/replay"),
    // notices, destinations
    ("GET", "/notices"),
    ("GET", "/destinations/disabled"),
    ("POST", "/destinations/enable"),
    // subscriptions
    ("GET", "/subscriptions"),
    ("DELETE", "/subscriptions/{app}/{account}/{route}/{target}"),
    // codes
    ("GET", "/codes"),
    ("POST", "/codes"),
    ("DELETE", "/codes/{id}"),
    // organizers
    ("GET", "/organizers"),
    ("DELETE", "/organizers/{app}/{account}/{user_id}"),
    // a community's own Telegram bot
    ("GET", "/telegram/bot"),
    ("PUT", "/telegram/bot"),
    ("DELETE", "/telegram/bot"),
    ("POST", "/telegram/bot/moved"),
    // tokens
    ("GET", "/tokens"),
    ("POST", "/tokens"),
    ("DELETE", "/tokens/{id}"),
    // events
    ("GET", "/events"),
    // backup (operator)
    ("GET", "/backup"),
    // apps as data (operator)
    ("GET", "/apps"),
    ("POST", "/apps"),
    ("GET", "/apps/{app_id}"),
    ("PUT", "/apps/{app_id}"),
    ("DELETE", "/apps/{app_id}"),
    ("POST", "/app-invitations"),
    ("GET", "/app-invitations"),
    ("DELETE", "/app-invitations/{id}"),
];

/// Asks the relay, without credentials, for `method path` (path parameters filled in). The auth
/// check runs in the handlers, after routing, so a routed operation answers 401 while a path the
/// router does not know answers 404 and a method it does not know there 405.
async fn probe(app: &TestApp, method: &str, path: &str) -> (u16, Value) {
    let concrete = path
        .replace("{id}", "999999")
        .replace('{', "x")
        .replace('}', "");
    let m = Method::from_bytes(method.as_bytes()).unwrap();
    let body = matches!(method, "POST" | "PUT").then(|| json!({}));
    call(app, &Auth::Anonymous, m, &concrete, body).await
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_documented_routes() {
    let app = spawn_app(|_| {}).await;
    let resp = app.get("/api/v1/openapi.json").await;
    assert_eq!(resp.status(), 200, "served without credentials");
    let doc: Value = resp.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("Route"), "{:?}", schemas.keys());
    // Every $ref resolves.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling $ref to {name}");
    }
    // The served operations are exactly the documented ones.
    let mut served = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} has no responses"
            );
            served.insert((method.to_uppercase(), path.clone()));
        }
    }
    let documented: std::collections::BTreeSet<_> = DOCUMENTED
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented.len(), DOCUMENTED.len(), "a pair is listed twice");
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let missing: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && missing.is_empty(),
        "served but not in docs/api.md: {undocumented:?}; documented but not served: {missing:?}"
    );

    // The probe tells routed from unrouted: controls for an unknown path and an unknown method.
    let (s, b) = probe(&app, "GET", "/nothing-here").await;
    assert_eq!((s, &b["error"]["code"]), (404, &json!("not_found")), "{b}");
    let (s, b) = probe(&app, "PATCH", "/tokens").await;
    assert_eq!(s, 405, "{b}");
    // Every documented operation is routed on the running relay: without credentials it is refused
    // for authentication, not as an unknown path or method. Only the document itself is public.
    for (method, path) in DOCUMENTED {
        let (s, b) = probe(&app, method, path).await;
        let want = if *path == "/openapi.json" { 200 } else { 401 };
        assert_eq!(
            s, want,
            "{method} {path} without credentials answered {s}: {b}"
        );
    }
}

/// A relay with tenants A and B, each with a route (log, a webhook that refuses with 400 so a dead
/// letter appears, a member email and a member Telegram subscription), an event, a delivery, a
/// template override, a notice, a disabled target, a bot code and an API token.
struct World {
    app: TestApp,
    _tg: FakeTelegram,
    _hook: WebhookReceiver,
    token_a: String,
    token_b: String,
    token_b_id: String,
    code_b_id: String,
    dead_b: u64,
    dead_a: u64,
}

async fn world() -> World {
    let tg = FakeTelegram::start().await;
    let hook = WebhookReceiver::start().await;
    hook.set_status(400);
    let tg_url = tg.url();
    let dead_smtp = free_port();
    let app = spawn_app(|doc| {
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"1:T\"\napi_url = \"{tg_url}\"\nbot_commands = true\n\
             \n[email]\nsmtp_url = \"smtp://127.0.0.1:{dead_smtp}\"\nfrom = \"a@example.org\"\n"
        ))
    })
    .await;
    let admin = Auth::Bearer(ADMIN.into());
    for acc in [A, B] {
        let (s, b) = call(
            &app,
            &admin,
            Method::POST,
            "/routes",
            Some(route_doc(acc, &format!("r-{acc}"), &hook.url("/h"))),
        )
        .await;
        assert_eq!(s, 201, "{b}");
        let (s, b) = call(
            &app,
            &admin,
            Method::PUT,
            &format!("/templates/default/{acc}/meeting.started/log.txt"),
            Some(json!({"source": format!("log for {acc}: {{{{meeting.topic}}}}")})),
        )
        .await;
        assert_eq!(s, 204, "{b}");
        app.db()
            .add_notice(
                &TenantId::new("default", acc),
                "test",
                "a notice",
                None,
                None,
            )
            .await
            .unwrap();
        app.db()
            .add_organizer(&zoom_relay::store::bot::OrganizerLink {
                app_id: "default".into(),
                account_id: acc.into(),
                user_id: if acc == A { 66 } else { 77 },
                chat_id: 1,
                linked_at_ms: 1,
            })
            .await
            .unwrap();
        app.db()
            .disable_target(
                &TenantId::new("default", acc),
                "webhook:https://gone.example/x",
                "410",
            )
            .await
            .unwrap();
        assert_eq!(app.send_signed(None, &started(acc)).await.status(), 200);
    }
    let mk_token = |acc: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let (s, b) = call(
                app,
                &admin,
                Method::POST,
                "/tokens",
                Some(json!({"account": acc, "name": "test"})),
            )
            .await;
            assert_eq!(s, 201, "{b}");
            assert!(b["token"].as_str().unwrap().starts_with("zrt_"));
            (
                b["token"].as_str().unwrap().to_string(),
                b["id"].as_str().unwrap().to_string(),
            )
        }
    };
    let (token_a, _) = mk_token(A).await;
    let (token_b, token_b_id) = mk_token(B).await;
    let (s, b) = call(
        &app,
        &admin,
        Method::POST,
        "/codes",
        Some(json!({"kind": "subscribe", "route": format!("r-{B}"), "account": B})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let code_b_id = b["record"]["id"].as_str().unwrap().to_string();
    // Wait for both dead letters (the webhook answers 400).
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let (dead_a, dead_b) = loop {
        let (_, list) = call(&app, &admin, Method::GET, "/deliveries?failed=true", None).await;
        let find = |acc: &str| {
            list.as_array()
                .unwrap()
                .iter()
                .find(|d| d["account_id"] == acc)
                .and_then(|d| d["id"].as_u64())
        };
        if let (Some(a), Some(b)) = (find(A), find(B)) {
            break (a, b);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "dead letters: {list}"
        );
        tokio::time::sleep(STEP).await;
    };
    World {
        app,
        _tg: tg,
        _hook: hook,
        token_a,
        token_b,
        token_b_id,
        code_b_id,
        dead_b,
        dead_a,
    }
}

async fn session_for(app: &TestApp, account: &str) -> (String, String) {
    let id = format!("sess-{account}-{}", unique_uuid("s"));
    let csrf = format!("csrf-{account}");
    let now = chrono::Utc::now().timestamp_millis();
    app.db()
        .put_session(
            &id,
            &Session {
                grant: Grant::Tenant {
                    app_id: "default".into(),
                    account_id: account.into(),
                },
                user: "organizer@example.org".into(),
                csrf: csrf.clone(),
                created_at_ms: now,
                expires_at_ms: now + 3_600_000,
            },
        )
        .await
        .unwrap();
    (format!("zr_session={id}"), csrf)
}

/// Every request tenant A may make against tenant B's resources; each must answer 404.
fn attacks(w: &World) -> Vec<(Method, String, Option<Value>)> {
    let r = format!("/routes/default/{B}/r-{B}");
    let t = format!("/templates/default/{B}/meeting.started/log.txt");
    vec![
        (Method::GET, r.clone(), None),
        (
            Method::PUT,
            r.clone(),
            Some(route_doc(B, &format!("r-{B}"), "http://127.0.0.1:9/x")),
        ),
        (Method::DELETE, r.clone(), None),
        (Method::POST, format!("{r}/send-test"), None),
        (Method::GET, format!("/routes?account={B}"), None),
        (
            Method::POST,
            "/routes".into(),
            Some(route_doc(B, "intruder", "http://127.0.0.1:9/x")),
        ),
        (
            Method::POST,
            "/routes/import".into(),
            Some(json!({"routes": [route_doc(B, "intruder", "http://127.0.0.1:9/x")]})),
        ),
        (Method::GET, format!("/templates?account={B}"), None),
        (
            Method::GET,
            format!("/templates/source?account={B}&event=meeting.started&key=log.txt"),
            None,
        ),
        (Method::PUT, t.clone(), Some(json!({"source": "pwned"}))),
        (Method::DELETE, t, None),
        (
            Method::POST,
            "/templates/preview".into(),
            Some(json!({"event": "meeting.started", "account": B})),
        ),
        (Method::GET, format!("/deliveries?account={B}"), None),
        (Method::GET, format!("/deliveries/{}", w.dead_b), None),
        (
            Method::POST,
            format!("/deliveries/{}/retry", w.dead_b),
            None,
        ),
        (
            Method::POST,
            "/deliveries/replay".into(),
            Some(json!({"since": "1d", "account": B})),
        ),
        (Method::GET, format!("/notices?account={B}"), None),
        (
            Method::GET,
            format!("/destinations/disabled?account={B}"),
            None,
        ),
        (
            Method::POST,
            "/destinations/enable".into(),
            Some(json!({"account": B, "target": "webhook:https://gone.example/x"})),
        ),
        (Method::GET, format!("/subscriptions?account={B}"), None),
        (
            Method::DELETE,
            format!("/subscriptions/default/{B}/r-{B}/email:member@{B}.example"),
            None,
        ),
        (Method::GET, format!("/codes?account={B}"), None),
        (
            Method::POST,
            "/codes".into(),
            Some(json!({"kind": "subscribe", "route": format!("r-{B}"), "account": B})),
        ),
        (Method::DELETE, format!("/codes/{}", w.code_b_id), None),
        (Method::GET, format!("/organizers?account={B}"), None),
        (Method::DELETE, format!("/organizers/default/{B}/77"), None),
        (Method::GET, format!("/tokens?account={B}"), None),
        (
            Method::POST,
            "/tokens".into(),
            Some(json!({"account": B, "name": "steal"})),
        ),
        (Method::DELETE, format!("/tokens/{}", w.token_b_id), None),
        (Method::GET, format!("/events?account={B}"), None),
        (Method::GET, "/tenants".into(), None),
        (Method::GET, format!("/tenants/default/{B}"), None),
        (Method::DELETE, format!("/tenants/default/{B}"), None),
        (Method::GET, "/tenants/audit".into(), None),
        (Method::GET, "/backup".into(), None),
    ]
}

/// Lists without a filter show only the caller's own tenant.
async fn lists_show_only_own(app: &TestApp, auth: &Auth) {
    for path in [
        "/routes",
        "/deliveries?sent=true",
        "/notices",
        "/destinations/disabled",
        "/codes",
        "/tokens",
        "/events",
        "/subscriptions",
        "/templates",
        "/organizers",
    ] {
        let (s, body) = call(app, auth, Method::GET, path, None).await;
        assert_eq!(s, 200, "{path}: {body}");
        let text = body.to_string();
        assert!(!text.contains(B), "{path} leaks tenant B: {text}");
        if path != "/templates" && path != "/codes" {
            assert!(
                text.contains(A)
                    || path == "/subscriptions"
                    || path == "/tokens" && text.contains("test"),
                "{path} shows tenant A's own data: {text}"
            );
        }
    }
    let (s, body) = call(
        app,
        auth,
        Method::POST,
        "/deliveries/replay",
        Some(json!({"since": "1d"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
}

async fn b_is_untouched(w: &World) {
    let admin = Auth::Bearer(ADMIN.into());
    let app = &w.app;
    assert_eq!(
        app.db()
            .tenant_organizers(&TenantId::new("default", B))
            .await
            .unwrap()
            .len(),
        1,
        "B's organizer is still there"
    );
    let (s, r) = call(
        app,
        &admin,
        Method::GET,
        &format!("/routes/default/{B}/r-{B}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(r["destinations"].as_array().unwrap().len(), 4, "{r}");
    let (_, src) = call(
        app,
        &admin,
        Method::GET,
        &format!("/templates/source?account={B}&event=meeting.started&key=log.txt"),
        None,
    )
    .await;
    assert!(
        src["source"].as_str().unwrap().starts_with("log for"),
        "{src}"
    );
    let (_, d) = call(
        app,
        &admin,
        Method::GET,
        &format!("/deliveries/{}", w.dead_b),
        None,
    )
    .await;
    assert_eq!(d["state"], "dead", "{d}");
    let (_, codes) = call(
        app,
        &admin,
        Method::GET,
        &format!("/codes?account={B}"),
        None,
    )
    .await;
    assert!(codes.to_string().contains(&w.code_b_id));
    assert!(!codes.to_string().contains("\"revoked\":true"), "{codes}");
    let (s, _) = call(
        app,
        &Auth::Bearer(w.token_b.clone()),
        Method::GET,
        "/routes",
        None,
    )
    .await;
    assert_eq!(s, 200, "B's token still works");
    let (_, dis) = call(
        app,
        &admin,
        Method::GET,
        &format!("/destinations/disabled?account={B}"),
        None,
    )
    .await;
    assert_eq!(dis.as_array().unwrap().len(), 1);
    let routes = app
        .db()
        .list_routes(Some(&TenantId::new("default", B)))
        .await
        .unwrap();
    assert_eq!(routes.len(), 1, "no route was added to B");
    // B has no install record (a webhook-only account), so "B still exists" means the forged
    // DELETE /tenants/default/B purged nothing: every purge, with or without an install record,
    // leaves an audit entry for the account.
    let purges: Vec<_> = app
        .db()
        .list_audit()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.account_hash == zoom_relay::store::account_hash(B))
        .collect();
    assert!(purges.is_empty(), "B was purged: {purges:?}");
}

#[tokio::test]
async fn a_tenant_token_gets_404_for_every_resource_of_another_tenant() {
    let w = world().await;
    let me = Auth::Bearer(w.token_a.clone());
    for (m, path, body) in attacks(&w) {
        let (s, answer) = call(&w.app, &me, m.clone(), &path, body).await;
        assert_eq!(s, 404, "{m} {path} with A's token answered {s}: {answer}");
    }
    lists_show_only_own(&w.app, &me).await;
    // Positive controls: A's own resources work with A's token.
    let (s, _) = call(
        &w.app,
        &me,
        Method::GET,
        &format!("/routes/default/{A}/r-{A}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let (s, d) = call(
        &w.app,
        &me,
        Method::GET,
        &format!("/deliveries/{}", w.dead_a),
        None,
    )
    .await;
    assert_eq!(s, 200, "{d}");
    let (s, _) = call(
        &w.app,
        &me,
        Method::GET,
        &format!("/tenants/default/{A}"),
        None,
    )
    .await;
    assert_eq!(
        s, 404,
        "A is a webhook-only account without an install record"
    );
    let (s, b) = call(
        &w.app,
        &me,
        Method::POST,
        "/tokens",
        Some(json!({"name": "own"})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["account_id"], A, "a tenant's new token is for itself");
    b_is_untouched(&w).await;
}

#[tokio::test]
async fn a_tenant_session_gets_404_too_and_needs_its_csrf_token_to_change_anything() {
    let w = world().await;
    let (cookie, csrf) = session_for(&w.app, A).await;
    let me = Auth::Session {
        cookie: cookie.clone(),
        csrf,
    };
    for (m, path, body) in attacks(&w) {
        let (s, answer) = call(&w.app, &me, m.clone(), &path, body).await;
        assert_eq!(s, 404, "{m} {path} with A's session answered {s}: {answer}");
    }
    lists_show_only_own(&w.app, &me).await;
    // Without the CSRF token, a change is refused even on A's own route; reading works.
    let no_csrf = Auth::SessionNoCsrf { cookie };
    let (s, _) = call(
        &w.app,
        &no_csrf,
        Method::DELETE,
        &format!("/routes/default/{A}/r-{A}"),
        None,
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = call(
        &w.app,
        &no_csrf,
        Method::GET,
        &format!("/routes/default/{A}/r-{A}"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    // An unknown or expired session is 401.
    let (s, _) = call(
        &w.app,
        &Auth::SessionNoCsrf {
            cookie: "zr_session=nope".into(),
        },
        Method::GET,
        "/routes",
        None,
    )
    .await;
    assert_eq!(s, 401);
    b_is_untouched(&w).await;
}

#[tokio::test]
async fn tokens_are_shown_once_stored_hashed_and_revocable() {
    let app = spawn_app(|_| {}).await;
    let admin = Auth::Bearer(ADMIN.into());
    let (s, created) = call(
        &app,
        &admin,
        Method::POST,
        "/tokens",
        Some(json!({"account": A, "name": "ci"})),
    )
    .await;
    assert_eq!(s, 201);
    let token = created["token"].as_str().unwrap().to_string();
    let id = created["id"].as_str().unwrap().to_string();
    let (_, list) = call(&app, &admin, Method::GET, "/tokens", None).await;
    assert!(list.to_string().contains(&id));
    assert!(
        !list.to_string().contains(&token),
        "the list never shows the token"
    );
    assert!(
        app.db()
            .trees_containing(token.as_bytes())
            .await
            .unwrap()
            .is_empty(),
        "stored hashed"
    );
    let me = Auth::Bearer(token.clone());
    assert_eq!(call(&app, &me, Method::GET, "/routes", None).await.0, 200);
    let (s, b) = call(
        &app,
        &admin,
        Method::POST,
        "/tokens",
        Some(json!({"account": A, "name": ""})),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(b["error"]["field"], "name");
    assert_eq!(
        call(&app, &me, Method::DELETE, &format!("/tokens/{id}"), None)
            .await
            .0,
        204
    );
    assert_eq!(
        call(&app, &me, Method::GET, "/routes", None).await.0,
        401,
        "revoked"
    );
    assert_eq!(
        call(
            &app,
            &Auth::Bearer("zrt_forged".into()),
            Method::GET,
            "/routes",
            None
        )
        .await
        .0,
        401
    );
}

#[tokio::test]
async fn the_cli_manages_tokens_and_sends_route_tests_through_the_running_relay() {
    let hook = WebhookReceiver::start().await;
    let app = spawn_app(|_| {}).await;
    let admin = Auth::Bearer(ADMIN.into());
    let (s, b) = call(&app, &admin, Method::POST, "/routes", Some(json!({
        "name": "hooked", "app_id": "default", "account_id": A, "events": ["meeting.started"],
        "destinations": [{"kind": "webhook", "url": hook.url("/t"), "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]
    }))).await;
    assert_eq!(s, 201, "{b}");
    let cfg = app.config_path.to_str().unwrap().to_string();

    let out = run_cli(&[
        "--config",
        &cfg,
        "tokens",
        "create",
        "--account",
        A,
        "--name",
        "deploy",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("zrt_"), "{token}");
    let me = Auth::Bearer(token.clone());
    let (s, routes) = call(&app, &me, Method::GET, "/routes", None).await;
    assert_eq!(s, 200);
    assert_eq!(routes.as_array().unwrap().len(), 1);

    let out = run_cli(&["--config", &cfg, "tokens", "list"]).await;
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains("deploy") && !listing.contains(&token),
        "{listing}"
    );
    let id = listing.split_whitespace().next().unwrap().to_string();

    let out = run_cli(&[
        "--config",
        &cfg,
        "routes",
        "send-test",
        "hooked",
        "--account",
        A,
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = hook.wait_for(1).await;
    assert!(!got[0].body.is_empty(), "the test message was delivered");

    let out = run_cli(&["--config", &cfg, "tokens", "revoke", &id]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(call(&app, &me, Method::GET, "/routes", None).await.0, 401);
}

#[tokio::test]
async fn the_cli_lists_and_removes_member_subscriptions() {
    let w = world().await;
    let cfg = w.app.config_path.to_str().unwrap().to_string();
    let out = run_cli(&["--config", &cfg, "subscriptions", "list", "--account", A]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8(out.stdout).unwrap();
    let email = format!("email:member@{}.example", A.to_lowercase());
    assert!(
        listing.contains(&email) && listing.contains("telegram:5150"),
        "{listing}"
    );
    assert!(!listing.contains(B));
    let route = format!("r-{A}");
    let out = run_cli(&[
        "--config",
        &cfg,
        "subscriptions",
        "remove",
        "--account",
        A,
        "--route",
        &route,
        &email,
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, subs) = call(
        &w.app,
        &Auth::Bearer(w.token_a.clone()),
        Method::GET,
        "/subscriptions",
        None,
    )
    .await;
    assert!(!subs.to_string().contains(&email), "{subs}");
    assert!(subs.to_string().contains("telegram:5150"), "{subs}");

    // Organizers: listed per account, and removable.
    let out = run_cli(&["--config", &cfg, "organizers", "list", "--account", A]).await;
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains("66") && !listing.contains("77"),
        "{listing}"
    );
    let out = run_cli(&[
        "--config",
        &cfg,
        "organizers",
        "remove",
        "--account",
        A,
        "66",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        w.app
            .db()
            .tenant_organizers(&TenantId::new("default", A))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        w.app
            .db()
            .tenant_organizers(&TenantId::new("default", B))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn wrong_credentials_are_throttled_one_at_a_time() {
    let app = spawn_app(|_| {}).await;
    let started = std::time::Instant::now();
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..5 {
        let req = app
            .client
            .get(app.url("/api/v1/routes"))
            .bearer_auth(format!("zrt_guess{n}"));
        guesses.spawn(async move { req.send().await.unwrap().status().as_u16() });
    }
    let statuses = guesses.join_all().await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    // A lower bound only: parallel guesses wait their turn (5 x 250 ms), however fast the machine.
    let waited = started.elapsed();
    assert!(
        waited >= zoom_relay::http::auth::FAILURE_PENALTY * 5,
        "5 parallel wrong tokens answered within {waited:?}"
    );
}

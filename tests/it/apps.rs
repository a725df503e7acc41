//! Apps as data (issue 21): Zoom apps added, rotated and removed at run time through the operator
//! API and the CLI, served at once without a restart; invitations that let a community add its
//! own app on a guided page; and an app added on one PostgreSQL replica served by another.

use std::time::Duration;

use reqwest::Method;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::fake_zoom::{CLIENT_ID, CLIENT_SECRET, FakeZoom, ZoomUser};
use crate::helpers::*;
use crate::pgdb::FreshDb;
use crate::webhook::WebhookReceiver;
use zoom_relay::store::TenantId;

pub(crate) const ADMIN: &str = DEMO_ADMIN_TOKEN;
pub(crate) const ACCOUNT: &str = "acc-Community7";
pub(crate) const TOKEN_OLD: &str = "community-token-Ax7Qp2Lm9";
pub(crate) const TOKEN_NEW: &str = "community-token-Zr4Tn8Kw3";
const HOOK_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

pub(crate) async fn api(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(ADMIN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("the relay answers");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Posts `body` to `/zoom/webhook/{app}` signed with `secret` now.
pub(crate) async fn post_signed(
    app: &TestApp,
    id: &str,
    secret: &str,
    body: &[u8],
) -> reqwest::Response {
    let ts = now_secs().to_string();
    let sig = zoom_signature(secret, &ts, body);
    app.post_webhook(Some(id), body, Some(&ts), Some(&sig))
        .await
}

pub(crate) fn crc_body(plain: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "payload": {"plainToken": plain},
        "event_ts": chrono::Utc::now().timestamp_millis(),
        "event": "endpoint.url_validation"
    }))
    .unwrap()
}

pub(crate) fn started(account: &str, uuid: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "meeting.started",
        "payload": {"account_id": account, "object": {
            "id": "85393847045", "uuid": uuid, "host_id": "host-1", "topic": "Community circle",
            "type": 2, "start_time": "2026-11-29T18:00:00Z", "timezone": "UTC", "duration": 60}},
        "event_ts": chrono::Utc::now().timestamp_millis()
    }))
    .unwrap()
}

/// A route of `app` for `ACCOUNT` to the receiver, added through the API.
async fn add_route(app: &TestApp, app_id: &str, hooks: &WebhookReceiver) {
    let (s, b) = api(
        app,
        Method::POST,
        "/routes",
        Some(json!({
            "name": "community alerts", "app_id": app_id, "account_id": ACCOUNT,
            "events": ["meeting.started"],
            "destinations": [{"kind": "webhook", "url": hooks.url("/hook"), "secret": HOOK_SECRET}]
        })),
    )
    .await;
    assert_eq!(s, 201, "{b}");
}

pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(DEADLINE)
        .build()
        .unwrap()
}

/// Installs app `id` for `ACCOUNT` through the OAuth flow against FakeZoom; returns the
/// `redirect_uri` the relay sent to Zoom.
async fn install(app: &TestApp, zoom: &FakeZoom, id: &str) -> String {
    zoom.consent_as(ZoomUser {
        user_id: "owner-1".into(),
        account_id: ACCOUNT.into(),
        email: "owner@community.example".into(),
        role: "Owner".into(),
    });
    let b = browser();
    let resp = b
        .get(app.url(&format!("/zoom/install/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302, "the install starts");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let authorize = resp.headers()["location"].to_str().unwrap().to_string();
    let redirect_uri = reqwest::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let resp = b.get(&authorize).send().await.unwrap();
    assert_eq!(resp.status(), 302, "the fake Zoom consents");
    let callback = resp.headers()["location"].to_str().unwrap().to_string();
    let resp = b
        .get(&callback)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let page = resp.text().await.unwrap();
    assert_eq!(status, 200, "install page: {page}");
    redirect_uri
}

#[tokio::test]
async fn an_app_added_through_the_api_serves_crc_events_installs_and_alerts_at_once() {
    let zoom = FakeZoom::start().await;
    let hooks = WebhookReceiver::start().await;
    let app = spawn_app(|_| {}).await;
    const ID: &str = "community";

    // Before: unknown, as any app the relay does not serve.
    let before = post_signed(&app, ID, TOKEN_OLD, &crc_body("p0")).await;
    assert_eq!(before.status(), 404);

    let (s, view) = api(
        &app,
        Method::POST,
        "/apps",
        Some(json!({
            "id": ID, "name": "Community circle", "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "secret_token": TOKEN_OLD,
            "oauth_url": zoom.url(), "api_url": zoom.url()
        })),
    )
    .await;
    assert_eq!(s, 201, "{view}");
    assert_eq!(view["client_secret_set"], true);
    assert_eq!(view["read_only"], false);
    assert_eq!(
        view["webhook_url"],
        format!("http://{}/zoom/webhook/{ID}", app.addr)
    );
    // Secrets are never returned.
    let (s, list) = api(&app, Method::GET, "/apps", None).await;
    assert_eq!(s, 200);
    let text = list.to_string();
    assert!(
        !text.contains(TOKEN_OLD) && !text.contains(CLIENT_SECRET),
        "{text}"
    );
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["default", ID], "the config's app is listed too");
    assert_eq!(list[0]["read_only"], true);
    assert_eq!(list[0]["source"], "config");
    // Sealed at rest: neither secret is anywhere in the store.
    for secret in [TOKEN_OLD, CLIENT_SECRET] {
        let found = app.db().trees_containing(secret.as_bytes()).await.unwrap();
        assert!(found.is_empty(), "{secret} found in {found:?}");
    }

    // The CRC handshake works on the first try, and the page-visible status records it.
    let plain = "qgg8vlvZRS6UYooatFL8Aw";
    let resp = post_signed(&app, ID, TOKEN_OLD, &crc_body(plain)).await;
    assert_eq!(resp.status(), 200);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["plainToken"], plain);
    assert_eq!(answer["encryptedToken"], crc_token(TOKEN_OLD, plain));
    eventually_async("the CRC is recorded", async || {
        api(&app, Method::GET, &format!("/apps/{ID}"), None).await.1["crc_seen_at"].is_string()
    })
    .await;
    // Another app's token does not verify for it.
    let forged = post_signed(&app, ID, DEMO_SECRET, &started(ACCOUNT, &unique_uuid("f"))).await;
    assert_eq!(forged.status(), 401);

    // An install, with the app's own redirect URL.
    let redirect_uri = install(&app, &zoom, ID).await;
    assert_eq!(
        redirect_uri,
        format!("http://{}/zoom/oauth/callback/{ID}", app.addr)
    );
    assert!(
        app.db()
            .get_tenant(&TenantId::new(ID, ACCOUNT))
            .await
            .unwrap()
            .is_some()
    );

    // A route, then a signed event becomes an alert.
    add_route(&app, ID, &hooks).await;
    let resp = post_signed(&app, ID, TOKEN_OLD, &started(ACCOUNT, &unique_uuid("s"))).await;
    assert_eq!(resp.status(), 200);
    let got = hooks.wait_for(1).await;
    assert!(
        String::from_utf8_lossy(&got[0].body).contains("Community circle"),
        "{got:?}"
    );

    // Apps of the config file stay read-only.
    let (s, _) = api(
        &app,
        Method::PUT,
        "/apps/default",
        Some(json!({"secret_token": TOKEN_NEW})),
    )
    .await;
    assert_eq!(s, 409);
    let (s, _) = api(&app, Method::DELETE, "/apps/default?confirm=default", None).await;
    assert_eq!(s, 409);
    // An id is added once.
    let (s, _) = api(
        &app,
        Method::POST,
        "/apps",
        Some(json!({"id": ID, "secret_token": TOKEN_NEW})),
    )
    .await;
    assert_eq!(s, 409);
}

#[tokio::test]
async fn a_rotated_secret_token_verifies_beside_the_old_one_only_during_the_overlap() {
    let app = spawn_app(|_| {}).await;
    const ID: &str = "rotating";
    let (s, b) = api(
        &app,
        Method::POST,
        "/apps",
        Some(json!({"id": ID, "secret_token": TOKEN_OLD})),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, view) = api(
        &app,
        Method::PUT,
        &format!("/apps/{ID}"),
        Some(json!({"secret_token": TOKEN_NEW, "overlap_secs": 3})),
    )
    .await;
    assert_eq!(s, 200, "{view}");
    assert!(view["previous_secret_token_until"].is_string(), "{view}");
    let rotated_at = std::time::Instant::now();

    // During the overlap both verify, and a CRC is answered with the token that signed it.
    for token in [TOKEN_OLD, TOKEN_NEW] {
        let resp = post_signed(&app, ID, token, &started(ACCOUNT, &unique_uuid("r"))).await;
        assert_eq!(resp.status(), 200, "signed with {token}");
        let resp = post_signed(&app, ID, token, &crc_body("plain")).await;
        let answer: Value = resp.json().await.unwrap();
        assert_eq!(answer["encryptedToken"], crc_token(token, "plain"));
    }
    assert!(
        rotated_at.elapsed() < Duration::from_secs(3),
        "the checks above ran inside the overlap"
    );

    // After it only the new one does.
    eventually_async("the old token is refused", async || {
        post_signed(&app, ID, TOKEN_OLD, &started(ACCOUNT, &unique_uuid("o")))
            .await
            .status()
            == 401
    })
    .await;
    // Not before the overlap was (nearly) over: the deadline is 3 s after the rotation, rounded
    // up to Zoom's whole-second timestamps.
    assert!(
        rotated_at.elapsed() >= Duration::from_secs(2),
        "{:?}",
        rotated_at.elapsed()
    );
    let resp = post_signed(&app, ID, TOKEN_NEW, &started(ACCOUNT, &unique_uuid("n"))).await;
    assert_eq!(resp.status(), 200);
    let (_, view) = api(&app, Method::GET, &format!("/apps/{ID}"), None).await;
    assert!(view["previous_secret_token_until"].is_null(), "{view}");
    // And the old token does not stay at rest: the refresh drops it from the record.
    eventually_async(
        "the rotated-out token is dropped from the store",
        async || {
            let rec = app.db().get_app(ID).await.unwrap().unwrap();
            rec.previous_secret_token.is_none() && rec.previous_until_ms.is_none()
        },
    )
    .await;

    // overlap_secs = 0 drops the old token at once.
    let (s, _) = api(
        &app,
        Method::PUT,
        &format!("/apps/{ID}"),
        Some(json!({"secret_token": TOKEN_OLD, "overlap_secs": 0})),
    )
    .await;
    assert_eq!(s, 200);
    let body = started(ACCOUNT, &unique_uuid("z"));
    assert_eq!(post_signed(&app, ID, TOKEN_NEW, &body).await.status(), 401);
    assert_eq!(post_signed(&app, ID, TOKEN_OLD, &body).await.status(), 200);
}

#[tokio::test]
async fn removing_an_app_needs_its_id_typed_and_purges_its_accounts_like_an_uninstall() {
    let hooks = WebhookReceiver::start().await;
    let app = spawn_app(|_| {}).await;
    const ID: &str = "leaving";
    let (s, _) = api(
        &app,
        Method::POST,
        "/apps",
        Some(json!({"id": ID, "secret_token": TOKEN_OLD})),
    )
    .await;
    assert_eq!(s, 201);
    add_route(&app, ID, &hooks).await;
    let resp = post_signed(&app, ID, TOKEN_OLD, &started(ACCOUNT, &unique_uuid("p"))).await;
    assert_eq!(resp.status(), 200);
    hooks.wait_for(1).await;

    for q in ["", "?confirm=", "?confirm=default"] {
        let (s, b) = api(&app, Method::DELETE, &format!("/apps/{ID}{q}"), None).await;
        assert_eq!(s, 400, "{q}: {b}");
    }
    assert_eq!(
        app.db()
            .list_routes(Some(&TenantId::new(ID, ACCOUNT)))
            .await
            .unwrap()
            .len(),
        1
    );

    let (s, report) = api(
        &app,
        Method::DELETE,
        &format!("/apps/{ID}?confirm={ID}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["purged"][0]["account_id"], ACCOUNT);
    assert_eq!(report["purged"][0]["deleted"]["routes"], 1, "{report}");
    assert!(
        app.db()
            .list_routes(Some(&TenantId::new(ID, ACCOUNT)))
            .await
            .unwrap()
            .is_empty()
    );
    let filter = zoom_relay::store::EventFilter {
        app_id: Some(ID.into()),
        limit: 100,
        ..Default::default()
    };
    let events = app.db().list_events(&filter).await.unwrap();
    assert!(events.is_empty(), "its events are purged");
    // The uninstall's audit entry, naming the account only by hash.
    let (_, audit) = api(&app, Method::GET, "/tenants/audit", None).await;
    let entry = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["app_id"] == ID)
        .expect("an audit entry");
    assert_eq!(entry["action"], "app_remove");
    assert!(!audit.to_string().contains(ACCOUNT));
    // Gone at once.
    let resp = post_signed(&app, ID, TOKEN_OLD, &started(ACCOUNT, &unique_uuid("g"))).await;
    assert_eq!(resp.status(), 404);
    let (s, _) = api(&app, Method::GET, &format!("/apps/{ID}"), None).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn the_cli_adds_rotates_shows_and_removes_apps_through_a_running_relay() {
    let app = spawn_app(|_| {}).await;
    let cfg = app.config_path.to_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    std::fs::write(&old, format!("{TOKEN_OLD}\n")).unwrap();
    std::fs::write(&new, TOKEN_NEW).unwrap();
    let json_of = |out: &std::process::Output| -> Value {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("one JSON document")
    };

    let out = run_cli(&[
        "--config",
        &cfg,
        "apps",
        "add",
        "--id",
        "cli-app",
        "--secret-token-file",
        old.to_str().unwrap(),
        "--json",
    ])
    .await;
    assert_eq!(json_of(&out)["id"], "cli-app");
    assert_eq!(
        post_signed(&app, "cli-app", TOKEN_OLD, &crc_body("x"))
            .await
            .status(),
        200
    );

    // Never a secret on the command line (shell history, the process list); the environment works.
    let out = run_cli(&[
        "--config",
        &cfg,
        "apps",
        "add",
        "--id",
        "argv-app",
        "--secret-token",
        TOKEN_OLD,
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    let out = tokio::time::timeout(
        DEADLINE,
        cli_command(&["--config", &cfg, "apps", "add", "--id", "env-app", "--json"])
            .env("ZOOM_SECRET_TOKEN", TOKEN_NEW)
            .output(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(json_of(&out)["id"], "env-app");
    eventually_async("the env-app serves", async || {
        let body = started(ACCOUNT, &unique_uuid("v"));
        post_signed(&app, "env-app", TOKEN_NEW, &body)
            .await
            .status()
            == 200
    })
    .await;

    let out = run_cli(&["--config", &cfg, "apps", "list", "--json"]).await;
    let list = json_of(&out);
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(!list.to_string().contains(TOKEN_OLD));

    let out = run_cli(&[
        "--config",
        &cfg,
        "apps",
        "rotate-secret",
        "cli-app",
        "--secret-token-file",
        new.to_str().unwrap(),
        "--overlap-secs",
        "0",
        "--json",
    ])
    .await;
    assert!(json_of(&out)["previous_secret_token_until"].is_null());
    // Through the relay's API (sled) the relay reloads at once; on PostgreSQL the CLI writes the
    // shared database itself and the relay follows on its refresh.
    eventually_async("the old token is refused", async || {
        let body = started(ACCOUNT, &unique_uuid("c"));
        post_signed(&app, "cli-app", TOKEN_OLD, &body)
            .await
            .status()
            == 401
    })
    .await;
    let body = started(ACCOUNT, &unique_uuid("c"));
    assert_eq!(
        post_signed(&app, "cli-app", TOKEN_NEW, &body)
            .await
            .status(),
        200
    );

    let out = run_cli(&["--config", &cfg, "apps", "show", "cli-app", "--json"]).await;
    assert_eq!(json_of(&out)["source"], "api");

    // `simulate` signs for an added app with its token from a file (the relay keeps it sealed).
    let out = run_cli(&[
        "--config",
        &cfg,
        "simulate",
        "meeting.started",
        "--app",
        "cli-app",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "no token for an added app in the config"
    );
    let out = run_cli(&[
        "--config",
        &cfg,
        "simulate",
        "meeting.started",
        "--app",
        "cli-app",
        "--secret-token-file",
        new.to_str().unwrap(),
        "--no-wait",
    ])
    .await;
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success() && said.contains("200"), "{said}");

    // Removal without the typed confirmation is a usage error and changes nothing.
    let out = run_cli(&["--config", &cfg, "apps", "remove", "cli-app"]).await;
    assert_eq!(out.status.code(), Some(2));
    let out = run_cli(&[
        "--config",
        &cfg,
        "apps",
        "remove",
        "cli-app",
        "--confirm",
        "cli-app",
        "--json",
    ])
    .await;
    assert_eq!(json_of(&out)["app_id"], "cli-app");
    eventually_async("the removed app is not served", async || {
        post_signed(&app, "cli-app", TOKEN_NEW, &body)
            .await
            .status()
            == 404
    })
    .await;
    let out = run_cli(&["--config", &cfg, "apps", "show", "cli-app", "--json"]).await;
    assert_eq!(out.status.code(), Some(1));

    let out = run_cli(&["--config", &cfg, "apps", "invite", "--json"]).await;
    let inv = json_of(&out);
    assert!(inv["url"].as_str().unwrap().contains("/apps/new/"));
    let out = run_cli(&["--config", &cfg, "apps", "invitations", "--json"]).await;
    assert_eq!(json_of(&out)[0]["id"], inv["id"]);
    let id = inv["id"].as_str().unwrap();
    let out = run_cli(&["--config", &cfg, "apps", "revoke-invitation", id, "--json"]).await;
    assert_eq!(json_of(&out)[0]["app_id"], inv["app_id"]);
}

#[tokio::test]
async fn doctor_reports_added_apps_whose_secrets_the_data_key_cannot_open() {
    let app = spawn_app(|_| {}).await;
    let (s, _) = api(
        &app,
        Method::POST,
        "/apps",
        Some(json!({"id": "sealed-app", "secret_token": TOKEN_OLD})),
    )
    .await;
    assert_eq!(s, 201);
    let dir = app.shutdown().await;
    let cfg = dir.path().join("relay.toml");
    let out = run_cli(&["--config", cfg.to_str().unwrap(), "doctor"]).await;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("every secret opens"), "{text}");
    let mut doc = std::fs::read_to_string(&cfg).unwrap();
    set_key(
        &mut doc,
        "data_key",
        "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"",
    );
    std::fs::write(&cfg, doc).unwrap();
    let out = run_cli(&["--config", cfg.to_str().unwrap(), "doctor"]).await;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("not served") && text.contains("sealed-app"),
        "{text}"
    );
}

#[tokio::test]
async fn an_app_added_on_one_postgres_replica_serves_webhooks_on_another() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let refresh = |doc: &mut String| doc.push_str("\n[zoom]\napps_refresh_ms = 300\n");
    let (ta, tb) = (db.tweak(), db.tweak());
    let a = spawn_app(move |doc| {
        ta(doc);
        refresh(doc);
    })
    .await;
    let b = spawn_app(move |doc| {
        tb(doc);
        refresh(doc);
    })
    .await;
    const ID: &str = "replicated";
    // B has looked the app up before it exists (so its miss budget is spent on a miss).
    let body = started(ACCOUNT, &unique_uuid("b"));
    assert_eq!(post_signed(&b, ID, TOKEN_OLD, &body).await.status(), 404);

    let (s, view) = api(
        &a,
        Method::POST,
        "/apps",
        Some(json!({"id": ID, "secret_token": TOKEN_OLD})),
    )
    .await;
    assert_eq!(s, 201, "{view}");
    let t0 = std::time::Instant::now();
    eventually_async("replica B serves the new app", async || {
        post_signed(&b, ID, TOKEN_OLD, &body).await.status() == 200
    })
    .await;
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());

    // A rotation on A reaches B through its refresh too.
    let (s, _) = api(
        &a,
        Method::PUT,
        &format!("/apps/{ID}"),
        Some(json!({"secret_token": TOKEN_NEW, "overlap_secs": 0})),
    )
    .await;
    assert_eq!(s, 200);
    eventually_async("replica B refuses the old token", async || {
        let body = started(ACCOUNT, &unique_uuid("r"));
        post_signed(&b, ID, TOKEN_OLD, &body).await.status() == 401
    })
    .await;
    let body = started(ACCOUNT, &unique_uuid("n"));
    assert_eq!(post_signed(&b, ID, TOKEN_NEW, &body).await.status(), 200);
}

#[tokio::test]
async fn a_relay_without_config_apps_starts_and_serves_an_app_added_at_run_time() {
    let app = spawn_app(|doc| {
        let entry = "[[zoom.apps]]\nid = \"default\"\n";
        assert!(doc.contains(entry));
        *doc = doc.replacen(entry, "", 1);
        let token = doc
            .lines()
            .find(|l| l.starts_with("secret_token = "))
            .unwrap()
            .to_string();
        *doc = doc.replacen(&format!("{token}\n"), "", 1);
        // The example's seed routes are for the app `default`, which this relay does not have.
        let seed = doc
            .lines()
            .find(|l| l.starts_with("seed_routes = "))
            .unwrap()
            .to_string();
        *doc = doc.replacen(&format!("{seed}\n"), "", 1);
    })
    .await;
    assert!(app.config.zoom.apps.is_empty());
    let (_, list) = api(&app, Method::GET, "/apps", None).await;
    assert_eq!(list, json!([]));
    let body = started(ACCOUNT, &unique_uuid("e"));
    assert_eq!(
        post_signed(&app, "default", TOKEN_OLD, &body)
            .await
            .status(),
        404
    );
    let (s, _) = api(
        &app,
        Method::POST,
        "/apps",
        Some(json!({"id": "default", "secret_token": TOKEN_OLD})),
    )
    .await;
    assert_eq!(s, 201);
    // `POST /zoom/webhook` is the app `default`, whichever way it was added.
    let ts = now_secs().to_string();
    let sig = zoom_signature(TOKEN_OLD, &ts, &body);
    let resp = app.post_webhook(None, &body, Some(&ts), Some(&sig)).await;
    assert_eq!(resp.status(), 200);
}

//! The relay on PostgreSQL (`[store] backend = "postgres"`): real relays on a fresh database each,
//! signed Zoom webhooks in, a real webhook receiver out. Proves intake, dedup of Zoom's retries,
//! routes that outlive a restart, a second relay process on the same database seeing the first
//! one's routes and events, the CLI beside a running relay, and intake through a database outage.
//!
//! They need the PostgreSQL on 127.0.0.1:5432 (or `ZOOM_RELAY_TEST_PG`, a URL to an admin
//! database). They skip, saying why, when it does not answer, except under `CI=true`, where that
//! fails them.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::pgdb::FreshDb;
use crate::webhook::WebhookReceiver;

const ACCOUNT: &str = "acct-it";

fn route(name: &str, hook: &str) -> Value {
    json!({
        "name": name, "app_id": "default", "account_id": ACCOUNT,
        "events": ["meeting.started"],
        "destinations": [
            {"kind": "webhook", "url": hook, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
        ]
    })
}

/// `method path` on a relay's admin API with the operator token: (status, JSON body).
async fn api(
    client: &reqwest::Client,
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = client
        .request(method, format!("{base}/api/v1{path}"))
        .bearer_auth(DEMO_ADMIN_TOKEN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("the API answers");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn route_names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list of routes: {list}"))
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_string))
        .collect()
}

/// The meeting uuid of a delivered webhook body.
fn delivered_uuid(body: &[u8]) -> String {
    let v: Value = serde_json::from_slice(body).expect("JSON body");
    v["data"]["meeting"]["uuid"]
        .as_str()
        .or(v["payload"]["object"]["uuid"].as_str())
        .unwrap_or_else(|| panic!("no meeting uuid in {v}"))
        .to_string()
}

#[tokio::test]
async fn delivers_end_to_end_and_deduplicates_zoom_retries_on_postgres() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let receiver = WebhookReceiver::start().await;
    let app = spawn_app(db.tweak()).await;
    assert!(app.db().location().starts_with("postgres://"));
    assert_eq!(app.get("/readyz").await.status(), 200);
    let (status, body) = api(
        &app.client,
        &app.url(""),
        reqwest::Method::POST,
        "/routes",
        Some(route("pg-hooks", &receiver.url("/pg"))),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    let first = unique_uuid("pg-first");
    let body = started_body(&first, "On PostgreSQL");
    assert_eq!(app.send_signed(None, &body).await.status(), 200);
    // Zoom's retry: the same delivery again, signed anew.
    assert_eq!(app.send_signed(None, &body).await.status(), 200);
    app.wait_metric("dedup_hits_total", 1.0).await;

    // A later event goes through the same queue: once it is delivered, a second copy of the first
    // would have been too, had the retry queued one.
    let second = unique_uuid("pg-second");
    let resp = app
        .send_signed(None, &started_body(&second, "After the retry"))
        .await;
    assert_eq!(resp.status(), 200);
    let got = receiver.wait_for(2).await;
    let uuids: Vec<String> = got.iter().map(|r| delivered_uuid(&r.body)).collect();
    assert_eq!(uuids, [first, second], "each event once, in order");
    assert_eq!(app.db().event_count().await, 2, "the retry stored nothing");
    app.shutdown().await;
}

#[tokio::test]
async fn routes_survive_a_relay_restart_on_the_same_database() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let receiver = WebhookReceiver::start().await;
    let app = spawn_app(db.tweak()).await;
    let (status, body) = api(
        &app.client,
        &app.url(""),
        reqwest::Method::POST,
        "/routes",
        Some(route("kept", &receiver.url("/kept"))),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // A fresh data directory too: nothing of the first run can come from local files.
    app.shutdown().await;

    let app = spawn_app(db.tweak()).await;
    let (status, list) = api(
        &app.client,
        &app.url(""),
        reqwest::Method::GET,
        "/routes",
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert!(route_names(&list).contains(&"kept".to_string()), "{list}");
    let uuid = unique_uuid("pg-restart");
    let resp = app
        .send_signed(None, &started_body(&uuid, "After a restart"))
        .await;
    assert_eq!(resp.status(), 200);
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].path, "/kept");
    assert_eq!(delivered_uuid(&got[0].body), uuid);
    app.shutdown().await;
}

#[tokio::test]
async fn a_second_relay_process_shares_routes_and_events() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let receiver = WebhookReceiver::start().await;
    let first = spawn_app(db.tweak()).await;
    let replica = RelayProcess::start(db.tweak()).await;
    let replica_base = replica.url("");

    // A route made through the first relay is the replica's too.
    let (status, body) = api(
        &first.client,
        &first.url(""),
        reqwest::Method::POST,
        "/routes",
        Some(route("shared", &receiver.url("/shared"))),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, list) = api(
        &replica.client,
        &replica_base,
        reqwest::Method::GET,
        "/routes",
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert!(route_names(&list).contains(&"shared".to_string()), "{list}");

    // An event taken in by the replica is delivered (by whichever relay claims it) and is in the
    // first relay's event log.
    let via_replica = unique_uuid("pg-replica");
    let resp = replica
        .send_signed(started_body(&via_replica, "Through the replica"))
        .await
        .expect("the replica answers");
    assert_eq!(resp.status(), 200);
    let got = receiver.wait_for(1).await;
    assert_eq!(delivered_uuid(&got[0].body), via_replica);
    assert_eq!(first.db().event_count().await, 1);

    // And the other way round: the first relay's event is in the replica's log.
    let via_first = unique_uuid("pg-first-relay");
    let resp = first
        .send_signed(None, &started_body(&via_first, "Through the first"))
        .await;
    assert_eq!(resp.status(), 200);
    let got = receiver.wait_for(2).await;
    let uuids: Vec<String> = got.iter().map(|r| delivered_uuid(&r.body)).collect();
    assert_eq!(
        uuids,
        [via_replica, via_first.clone()],
        "each event once, in order"
    );
    let (status, events) = api(
        &replica.client,
        &replica_base,
        reqwest::Method::GET,
        "/events",
        None,
    )
    .await;
    assert_eq!(status, 200, "{events}");
    assert_eq!(
        events.as_array().map(Vec::len),
        Some(2),
        "the replica sees both events: {events}"
    );
    // A Zoom retry that lands on the other relay is still a duplicate.
    let resp = replica
        .send_signed(started_body(&via_first, "Through the first"))
        .await
        .expect("the replica answers");
    assert_eq!(resp.status(), 200);
    assert_eq!(first.db().event_count().await, 2);
    first.shutdown().await;
}

#[tokio::test]
async fn the_cli_opens_the_database_beside_a_running_relay_and_never_prints_the_url() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let app = spawn_app(db.tweak()).await;
    let uuid = unique_uuid("pg-cli");
    let resp = app
        .send_signed(None, &started_body(&uuid, "Seen by the CLI"))
        .await;
    assert_eq!(resp.status(), 200);
    // PostgreSQL takes more than one client, so the CLI opens the database itself even while the
    // relay runs (sled's lock would send it to the relay's API instead).
    let cfg = app.config_path.to_str().expect("utf-8 path").to_string();
    let out = run_cli(&["doctor", "--config", &cfg]).await;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let line = text
        .lines()
        .find(|l| l.contains("store"))
        .unwrap_or_else(|| panic!("no store line:\n{text}\n{err}"));
    let location = format!("postgres://127.0.0.1:5432/{}", db.name);
    if db.url.starts_with("postgres://postgres@127.0.0.1:5432/") {
        assert!(line.starts_with("ok"), "{line}");
        assert!(line.contains(&location), "{line}");
        assert!(line.contains("1 events"), "{line}");
    }
    // A backup reads the database beside the running relay; a restore refuses while it runs.
    let file = app.config_path.with_file_name("pg.backup");
    let file = file.to_str().expect("utf-8 path");
    let backup = run_cli(&["backup", file, "--config", &cfg]).await;
    let backup_err = String::from_utf8_lossy(&backup.stderr).to_string();
    assert!(backup.status.success(), "{backup_err}");
    let restore = run_cli(&["restore", file, "--config", &cfg]).await;
    let restore_err = String::from_utf8_lossy(&restore.stderr).to_string();
    assert!(!restore.status.success(), "{restore_err}");
    assert!(
        restore_err.contains("stop every relay that uses it"),
        "{restore_err}"
    );
    // The URL is a secret: its user (and any password) never reaches the output.
    let user_part = db.url.split('@').next().unwrap_or_default();
    for shown in [&text, &err, &backup_err, &restore_err] {
        assert!(!shown.contains(user_part), "{shown}");
    }
    app.shutdown().await;
}

#[tokio::test]
async fn intake_answers_503_while_the_database_is_unreachable_and_recovers_on_its_own() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let app = spawn_app(db.tweak()).await;
    let before = unique_uuid("pg-before");
    let resp = app
        .send_signed(None, &started_body(&before, "Before"))
        .await;
    assert_eq!(resp.status(), 200);

    db.set_reachable(false).await;
    let during = unique_uuid("pg-during");
    let resp = app
        .send_signed(None, &started_body(&during, "During"))
        .await;
    assert_eq!(resp.status(), 503, "Zoom must retry what was not committed");
    // The first failure may be a connection the server terminated (an error of the statement, to
    // the driver); readiness goes false once the store finds it cannot connect, at the latest on
    // the next intake.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while app.get("/readyz").await.status() != 503 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still ready while the database refuses connections"
        );
        let resp = app
            .send_signed(None, &started_body(&during, "During"))
            .await;
        assert_eq!(resp.status(), 503, "Zoom must retry what was not committed");
        tokio::time::sleep(STEP).await;
    }

    db.set_reachable(true).await;
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while app.get("/readyz").await.status() != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still not ready after the database came back"
        );
        tokio::time::sleep(STEP).await;
    }
    // Zoom's retry of the refused event now goes in, and nothing acknowledged was lost.
    let resp = app
        .send_signed(None, &started_body(&during, "During"))
        .await;
    assert_eq!(resp.status(), 200);
    let stored: Vec<String> = app
        .events()
        .await
        .into_iter()
        .map(|e| e.event.body)
        .collect();
    for uuid in [&before, &during] {
        assert_eq!(
            stored.iter().filter(|b| b.contains(uuid.as_str())).count(),
            1,
            "{uuid} stored once"
        );
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_relay_process_seals_webhook_secrets_in_queued_and_dead_jobs() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    // A process of its own: in this one, a sled store opened by another test registers the data
    // key for job secrets, which would hide a PostgreSQL store that never does.
    let relay = RelayProcess::start(db.tweak()).await;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    // Nothing listens on port 9: the job retries and ends as a dead letter.
    let (status, body) = api(
        &relay.client,
        &relay.url(""),
        reqwest::Method::POST,
        "/routes",
        Some(route("sealed", "http://127.0.0.1:9/z")),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let resp = relay
        .send_signed(started_body(&unique_uuid("pg-sealed"), "Sealed"))
        .await
        .expect("the relay answers");
    assert_eq!(resp.status(), 200);
    let store = relay.open_store().await;
    eventually_async("a dead letter", async || {
        !store.list_dead().await.unwrap().is_empty()
    })
    .await;
    let found = store.trees_containing(secret.as_bytes()).await.unwrap();
    assert!(found.is_empty(), "the secret in the clear in {found:?}");
}

/// A group commit that fails (injected at the store: before anything is sent, at the commit, or
/// with a full disk's error) answers 503, stores nothing of the refused event, and the relay
/// recovers on its own: Zoom's retry of it goes in, and nothing acknowledged is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_injected_commit_failure_answers_503_stores_nothing_and_recovers() {
    use zoom_relay::store::Fault;
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let app = spawn_app(db.tweak()).await;
    for fault in [Fault::Write, Fault::Flush, Fault::NoSpace] {
        let before = unique_uuid("fault-before");
        let resp = app
            .send_signed(None, &started_body(&before, "Before"))
            .await;
        assert_eq!(resp.status(), 200, "{fault:?}: healthy before");

        app.db().inject_fault(fault, 1);
        let failed = unique_uuid("fault-failed");
        let resp = app
            .send_signed(None, &started_body(&failed, "Failed"))
            .await;
        assert_eq!(
            resp.status(),
            503,
            "{fault:?}: Zoom must retry what was not committed"
        );
        let count = |events: Vec<zoom_relay::store::EventRecord>, uuid: &str| {
            events
                .iter()
                .filter(|e| e.event.body.contains(uuid))
                .count()
        };
        assert_eq!(
            count(app.events().await, &failed),
            0,
            "{fault:?}: rolled back"
        );

        // The health probe finds the database answering; Zoom's retry then goes in.
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let resp = app
                .send_signed(None, &started_body(&failed, "Failed"))
                .await;
            if resp.status() == 200 {
                break;
            }
            assert_eq!(resp.status(), 503, "{fault:?}");
            assert!(
                tokio::time::Instant::now() < deadline,
                "{fault:?}: intake did not recover"
            );
            tokio::time::sleep(STEP).await;
        }
        assert_eq!(
            app.get("/readyz").await.status(),
            200,
            "{fault:?}: ready again"
        );
        let events = app.events().await;
        assert_eq!(
            count(events.clone(), &before),
            1,
            "{fault:?}: acknowledged and kept"
        );
        assert_eq!(
            count(events, &failed),
            1,
            "{fault:?}: the retry is stored once"
        );
    }
}

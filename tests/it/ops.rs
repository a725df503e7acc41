//! Operations as an operator runs them with the real binary: `backup` (directly and through a running
//! relay), `restore` (and what it refuses), `doctor` against fake peers on loopback, `healthcheck`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::fake_telegram::FakeTelegram;
use crate::helpers::{
    DEADLINE, DEMO_ADMIN_TOKEN, RelayProcess, STEP, add_app, eventually_async, free_port,
    parse_config, run_cli, spawn_app, started_body, test_config_text, unique_uuid, write_config,
};
use crate::smtp_peer::{SmtpPeer, aiosmtpd_python};
use zoom_relay::store::{Store, backup};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

type Trees = BTreeMap<Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>>;

/// Every tree of the sled database in `dir`, read raw (the store must be closed). The test reads
/// sled itself so that the comparison does not go through the code under test.
fn raw_trees(dir: &Path) -> Trees {
    // A relay stopped in this process may release sled's lock a moment after its last handle.
    let deadline = std::time::Instant::now() + DEADLINE;
    let db = loop {
        match sled::Config::new().path(dir).open() {
            Ok(db) => break db,
            Err(e) if std::time::Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(STEP);
            }
            Err(e) => panic!("sled opens {}: {e}", dir.display()),
        }
    };
    let trees = db
        .tree_names()
        .into_iter()
        .map(|n| {
            let t = db.open_tree(&n).unwrap();
            let kv = t
                .iter()
                .map(|r| {
                    let (k, v) = r.unwrap();
                    (k.to_vec(), v.to_vec())
                })
                .collect();
            (n.to_vec(), kv)
        })
        .collect();
    drop(db);
    trees
}

/// A route for `acct-it` (the account of [`started_body`]) to the log and to a webhook on a dead
/// port, so events leave attempts and dead letters behind.
async fn import_routes(client: &reqwest::Client, base: &str) {
    let dead = free_port();
    let doc = json!({"routes": [{
        "name": "ops: started to the log and a dead hook",
        "app_id": "default",
        "account_id": "acct-it",
        "events": ["meeting.started"],
        "destinations": [
            {"kind": "log"},
            {"kind": "webhook", "url": format!("http://127.0.0.1:{dead}/hook"),
             "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
        ]
    }]});
    let r = client
        .post(format!("{base}/api/v1/routes/import"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&doc)
        .send()
        .await
        .expect("import reaches the relay");
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
}

/// Opens the store, retrying while sled's lock from a handle just dropped in this process lingers.
fn open_store(config: &zoom_relay::config::Config) -> Store {
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        match Store::open(&config.server.data_dir, &config.store) {
            Ok(s) => return s,
            Err(zoom_relay::store::StoreError::Locked { .. })
                if std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(STEP)
            }
            Err(e) => panic!("the restored store opens: {e}"),
        }
    }
}

#[tokio::test]
async fn a_backup_through_the_running_relay_restores_every_tree_byte_for_byte() {
    if crate::pgdb::skip_on_postgres(
        "compares sled's trees byte for byte, and backups are not there yet on PostgreSQL",
    ) {
        return;
    }
    let app = spawn_app(|_| {}).await;
    import_routes(&app.client, &app.url("")).await;
    for i in 0..3 {
        let body = started_body(&unique_uuid("ops"), &format!("Ops meeting {i}"));
        assert_eq!(app.send_signed(None, &body).await.status(), 200);
    }
    // Quiet: every event dispatched, every job finished (the webhook ones dead).
    let store = app.db().clone();
    eventually_async("all jobs finish", async || {
        store.inbox_len().await == 0
            && store.outbox_len(None).await == 0
            && store.list_dead().await.unwrap().len() == 3
    })
    .await;
    drop(store);

    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("relay.backup");
    let cfg = app.config_path.to_str().unwrap().to_string();
    let out = run_cli(&["backup", file.to_str().unwrap(), "--config", &cfg]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("from the running relay"),
        "went through the API: {}",
        stdout(&out)
    );
    let info = backup::verify(&file).expect("the backup verifies");
    assert!(info.entries > 10, "{info:?}");

    let data_dir = app.config.server.data_dir.clone();
    let _dir = app.shutdown().await;
    let want = raw_trees(&data_dir);

    // Restore into a fresh data directory with a copy of the same config.
    let fresh = tempfile::tempdir().unwrap();
    let doc = std::fs::read_to_string(&cfg).unwrap();
    let fresh_cfg = write_config(fresh.path(), &doc);
    let out = run_cli(&[
        "restore",
        file.to_str().unwrap(),
        "--config",
        fresh_cfg.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let restored_dir = parse_config(&fresh_cfg).server.data_dir;
    assert_eq!(raw_trees(&restored_dir), want, "every tree, byte for byte");

    // The restored store passes the startup integrity check and holds what the relay had.
    let config = parse_config(&fresh_cfg);
    let store = open_store(&config);
    assert_eq!(store.event_count(), 3);
    assert_eq!(store.list_dead().unwrap().len(), 3);
    assert!(!store.list_routes(None).unwrap().is_empty());
    store.close().await.unwrap();
}

#[tokio::test]
async fn restore_refuses_a_held_store_and_a_damaged_file_and_changes_nothing() {
    if crate::pgdb::skip_on_postgres(
        "a store held by sled's lock, and backups are not there yet on PostgreSQL",
    ) {
        return;
    }
    let relay = RelayProcess::start(|_| {}).await;
    let cfg = relay.config_path.to_str().unwrap().to_string();
    let r = relay
        .send_signed(started_body(&unique_uuid("ops-held"), "Held"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The admin endpoint wants the operator token.
    let r = relay
        .client
        .get(relay.url("/api/v1/backup"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("held.backup");
    let out = run_cli(&["backup", file.to_str().unwrap(), "--config", &cfg]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let out = run_cli(&[
        "restore",
        file.to_str().unwrap(),
        "--force",
        "--config",
        &cfg,
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("held by a running zoom-relay"),
        "{}",
        stderr(&out)
    );
    assert!(relay.url("/readyz").contains("127.0.0.1"));
    let r = relay.client.get(relay.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200, "the running relay is untouched");

    // A damaged copy is refused before anything else is looked at.
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let damaged = work.path().join("damaged.backup");
    std::fs::write(&damaged, &bytes).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let mut doc = test_config_text(([127, 0, 0, 1], free_port()).into());
    doc = doc.replace("data_dir = \"data\"", "data_dir = \"restored\"");
    let other_cfg = write_config(empty.path(), &doc);
    let out = run_cli(&[
        "restore",
        damaged.to_str().unwrap(),
        "--config",
        other_cfg.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("damaged or truncated"),
        "{}",
        stderr(&out)
    );
    assert!(!empty.path().join("restored").exists(), "nothing created");

    // A truncated one too.
    std::fs::write(&damaged, &bytes[..bytes.len() - 100]).unwrap();
    let out = run_cli(&[
        "restore",
        damaged.to_str().unwrap(),
        "--config",
        other_cfg.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("damaged or truncated"),
        "{}",
        stderr(&out)
    );

    // The intact backup restores into the other directory and opens.
    let out = run_cli(&[
        "restore",
        file.to_str().unwrap(),
        "--config",
        other_cfg.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = parse_config(&other_cfg);
    let store = open_store(&config);
    assert_eq!(store.event_count(), 1);
    store.close().await.unwrap();
}

/// Zoom's OAuth host stand-in: `/oauth/token` answers 405 to a GET, as any HTTP answer will do.
async fn fake_oauth() -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let router = axum::Router::new().route("/oauth/token", axum::routing::post(|| async { "{}" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (addr, task)
}

const BOT_TOKEN: &str = "123456:DOCTOR-secret-token";

fn doctor_doc(telegram: &str, smtp_port: Option<u16>, oauth: &str) -> String {
    let mut doc = test_config_text(([127, 0, 0, 1], free_port()).into());
    add_app(
        &mut doc,
        "oauthapp",
        "oauth-app-secret-token",
        &format!(
            "client_id = \"doctor-client\"\nclient_secret = \"doctor-client-secret\"\noauth_url = \"{oauth}\""
        ),
    );
    doc.push_str(&format!(
        "\n[telegram]\nbot_token = \"{BOT_TOKEN}\"\napi_url = \"{telegram}\"\nbot_commands = false\n"
    ));
    if let Some(port) = smtp_port {
        doc.push_str(&format!(
            "\n[email]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\nfrom = \"Alerts <alerts@example.org>\"\n"
        ));
    }
    doc
}

#[tokio::test]
async fn doctor_reports_ok_for_reachable_peers() {
    let telegram = FakeTelegram::start().await;
    let (oauth, _task) = fake_oauth().await;
    let python = aiosmtpd_python();
    let smtp = match &python {
        Some(py) => Some(SmtpPeer::start(py, free_port()).await),
        None => None,
    };
    let dir = tempfile::tempdir().unwrap();
    let doc = doctor_doc(
        &telegram.url(),
        smtp.as_ref().map(|s| s.port),
        &format!("http://{oauth}"),
    );
    let cfg = write_config(dir.path(), &doc);
    let out = run_cli(&["doctor", "--config", cfg.to_str().unwrap()]).await;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert!(text.contains("ok    config"), "{text}");
    assert!(text.contains("ok    store"), "{text}");
    assert!(text.contains("the bot is @fake_bot"), "{text}");
    assert!(text.contains("/oauth/token reachable (HTTP 405)"), "{text}");
    assert!(
        text.contains("skip  zoom app default"),
        "webhook-only: {text}"
    );
    if smtp.is_some() {
        assert!(text.contains("ok    email"), "{text}");
        assert!(text.contains("NOOP"), "{text}");
    }
    assert!(!text.contains("FAIL"), "{text}");
    assert!(!text.contains(BOT_TOKEN), "the token is never printed");
    // Doctor creates no store where there was none.
    assert!(!dir.path().join("data").exists());
}

#[tokio::test]
async fn doctor_fails_with_hints_and_exit_1_when_peers_are_down() {
    let dead = format!("http://127.0.0.1:{}", free_port());
    let dir = tempfile::tempdir().unwrap();
    let doc = doctor_doc(&dead, Some(free_port()), &dead);
    let cfg = write_config(dir.path(), &doc);
    let started = std::time::Instant::now();
    let out = run_cli(&["doctor", "--config", cfg.to_str().unwrap()]).await;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}\n{}", stderr(&out));
    assert!(text.contains("FAIL  telegram"), "{text}");
    assert!(text.contains("FAIL  email"), "{text}");
    assert!(text.contains("FAIL  zoom app oauthapp"), "{text}");
    assert!(text.contains("hint:"), "{text}");
    assert!(stderr(&out).contains("3 checks failed"), "{}", stderr(&out));
    let all = format!("{text}{}", stderr(&out));
    assert!(
        !all.contains(BOT_TOKEN),
        "the token is never printed: {all}"
    );
    assert!(!all.contains("doctor-client-secret"), "{all}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn doctor_sees_a_store_held_by_a_running_relay_and_healthcheck_passes() {
    let relay = RelayProcess::start(|_| {}).await;
    let cfg = relay.config_path.to_str().unwrap().to_string();
    let out = run_cli(&["doctor", "--config", &cfg]).await;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    if crate::pgdb::suite_on_postgres() {
        // A database takes more than one client: doctor opens it beside the running relay.
        assert!(text.contains("opens cleanly"), "{text}");
    } else {
        assert!(text.contains("held by the running relay"), "{text}");
        assert!(text.contains("/readyz answers 200"), "{text}");
    }

    let out = run_cli(&["healthcheck", "--config", &cfg]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dead = format!("http://127.0.0.1:{}/healthz", free_port());
    let out = run_cli(&["healthcheck", "--url", &dead]).await;
    assert_eq!(out.status.code(), Some(1));
}

//! Moving an install between backends with the real binary: `store copy` from a sled relay's data
//! directory into PostgreSQL (and what it refuses), and `backup` and `restore` on PostgreSQL, each
//! checked by a relay that then runs on the copy. Needs the PostgreSQL on 127.0.0.1:5432 (see
//! `pgdb.rs`); skips, saying why, when it does not answer, except under `CI=true`.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::pgdb::FreshDb;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The CLI with `env` set, to completion (bounded).
async fn cli_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = cli_command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(DEADLINE, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("zoom-relay {args:?} did not finish within {DEADLINE:?}"))
        .expect("zoom-relay runs")
}

async fn api_get(relay: &RelayProcess, path: &str) -> Value {
    let r = relay
        .client
        .get(relay.url(&format!("/api/v1{path}")))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .send()
        .await
        .expect("the API answers");
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.expect("JSON")
}

/// A relay with one route (to a dead webhook port, so dead letters pile up) and three events.
async fn busy_relay(tweak: impl FnOnce(&mut String)) -> RelayProcess {
    let relay = RelayProcess::start(tweak).await;
    let dead = free_port();
    let r = relay
        .client
        .post(relay.url("/api/v1/routes"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&json!({
            "name": "moving", "app_id": "default", "account_id": "acct-it",
            "events": ["meeting.started"],
            "destinations": [{"kind": "log"},
                {"kind": "webhook", "url": format!("http://127.0.0.1:{dead}/h"),
                 "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    for i in 0..3 {
        let body = started_body(&unique_uuid("move"), &format!("Moving {i}"));
        let resp = relay.send_signed(body).await.expect("the relay answers");
        assert_eq!(resp.status(), 200);
    }
    relay
}

/// What a relay on the copy must show: the route and the three events.
async fn holds_the_install(relay: &RelayProcess) {
    let routes = api_get(relay, "/routes").await;
    assert!(routes.to_string().contains("\"moving\""), "{routes}");
    let events = api_get(relay, "/events").await;
    let n = events
        .as_array()
        .or_else(|| events["events"].as_array())
        .map(Vec::len);
    assert_eq!(n, Some(3), "{events}");
}

#[tokio::test]
async fn store_copy_moves_a_sled_install_into_postgres_and_refuses_what_it_must() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let mut relay = busy_relay(|_| {}).await;
    let cfg = relay.config_path.to_str().unwrap().to_string();
    relay.child.kill().await.unwrap();
    relay.child.wait().await.unwrap();

    // A bad target names the fix and never repeats what was given.
    let out = run_cli(&[
        "store",
        "copy",
        "--config",
        &cfg,
        "--to",
        "postgres:pw-hunter2",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("postgres://USER"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
    let out = run_cli(&[
        "store",
        "copy",
        "--config",
        &cfg,
        "--to",
        "postgres:${ZR_IT_NOT_SET}",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ZR_IT_NOT_SET is not set"),
        "{}",
        stderr(&out)
    );

    // The copy, the URL read from the environment; counts in plain words.
    let env = [("ZR_IT_PG_URL", db.url.as_str())];
    let copy = [
        "store",
        "copy",
        "--config",
        &cfg,
        "--to",
        "postgres:${ZR_IT_PG_URL}",
    ];
    let out = cli_env(&copy, &env).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("       3 events\n"), "{text}");
    assert!(text.contains(" routes\n"), "{text}");
    assert!(
        text.contains("the target holds as many of every kind as the source"),
        "{text}"
    );
    assert!(!text.contains(&db.url), "the URL is not printed: {text}");

    // A relay on the database serves the install.
    let pg_relay = RelayProcess::start(db.tweak()).await;
    holds_the_install(&pg_relay).await;

    // A database in use is refused, even with --force; an idle full one needs --force.
    let forced = [&copy[..], &["--force"]].concat();
    let out = cli_env(&forced, &env).await;
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("stop every relay that uses it"),
        "{}",
        stderr(&out)
    );
    drop(pg_relay);
    let mut out = cli_env(&copy, &env).await;
    let deadline = std::time::Instant::now() + DEADLINE;
    while stderr(&out).contains("in use") && std::time::Instant::now() < deadline {
        tokio::time::sleep(STEP).await; // the killed relay's connections close on the server
        out = cli_env(&copy, &env).await;
    }
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("is not empty; pass --force"),
        "{}",
        stderr(&out)
    );
    let out = cli_env(&forced, &env).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("replaced"), "{}", stdout(&out));
}

#[tokio::test]
async fn backup_and_restore_work_on_postgres_and_across_backends() {
    let Some(src) = FreshDb::create().await else {
        return;
    };
    let Some(dst) = FreshDb::create().await else {
        return;
    };
    let relay = busy_relay(src.tweak()).await;
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("pg.backup");
    let file_s = file.to_str().unwrap();
    // Taken while the relay runs: one snapshot of the database.
    let cfg = relay.config_path.to_str().unwrap().to_string();
    let out = run_cli(&["backup", file_s, "--config", &cfg]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("from the store at postgres at"),
        "{}",
        stdout(&out)
    );
    drop(relay);

    // Into another database through its config.
    let dst_dir = tempfile::tempdir().unwrap();
    let mut doc = test_config_text("127.0.0.1:1".parse().unwrap());
    dst.tweak()(&mut doc);
    let dst_cfg = write_config(dst_dir.path(), &doc);
    let dst_cfg = dst_cfg.to_str().unwrap();
    let out = run_cli(&["restore", file_s, "--config", dst_cfg]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("into postgres at"),
        "{}",
        stdout(&out)
    );
    let pg_relay = RelayProcess::start(dst.tweak()).await;
    holds_the_install(&pg_relay).await;
    drop(pg_relay);

    // And the same file into a sled relay's data directory.
    let sled_dir = tempfile::tempdir().unwrap();
    let sled_cfg = write_config(
        sled_dir.path(),
        &test_config_text("127.0.0.1:1".parse().unwrap()),
    );
    let out = run_cli(&["restore", file_s, "--config", sled_cfg.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = parse_config(&sled_cfg);
    let store = tokio::task::spawn_blocking(move || {
        zoom_relay::store::Store::open(&config.server.data_dir, &config.store)
    })
    .await
    .unwrap()
    .expect("the restored sled store opens");
    assert_eq!(store.event_count(), 3);
    let routes = store.list_routes(None).unwrap();
    assert!(routes.iter().any(|r| r.name == "moving"), "{routes:?}");
    store.close().await.unwrap();
}

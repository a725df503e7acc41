//! Secrets and files at rest (issue 12, finding 8): the data dir is 0700, its files 0600, backups
//! 0600, and webhook signing secrets are sealed under the data key.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::helpers::{
    DEMO_ADMIN_TOKEN, eventually_async, parse_config, spawn_app, started_body, test_config_text,
    unique_uuid, write_config,
};
use zoom_relay::store::Store;
use zoom_relay::store::TenantId;

/// The key part of the secret must not appear either (base64 as typed, and its decoded bytes).
const KEY_B64: &str = "C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

fn secret() -> String {
    format!("whsec_{KEY_B64}")
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            assert_eq!(mode(&p), 0o700, "{}", p.display());
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn assert_no_plaintext(file: &Path) {
    use base64::Engine;
    let bytes = std::fs::read(file).unwrap();
    let raw_key = base64::engine::general_purpose::STANDARD
        .decode(KEY_B64)
        .unwrap();
    assert!(
        !contains(&bytes, KEY_B64.as_bytes()),
        "secret in {}",
        file.display()
    );
    assert!(!contains(&bytes, &raw_key), "raw key in {}", file.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_dir_files_and_backups_are_private_and_webhook_secrets_sealed() {
    let app = spawn_app(|_| {}).await;
    let data = app.config.server.data_dir.clone();
    let resp = app
        .client
        .post(app.url("/api/v1/routes"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&json!({
            "name": "hook",
            "app_id": "default",
            "account_id": "acct-it",
            "events": ["meeting.started"],
            "timezone": "UTC",
            // Nothing listens on port 9: the job retries and ends as a dead letter, so the secret
            // passes through the outbox and the dead-letter history too.
            "destinations": [{"kind": "webhook", "url": "http://127.0.0.1:9/z", "secret": secret()}],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    let body = started_body(&unique_uuid("rest"), "At rest");
    assert_eq!(app.send_signed(None, &body).await.status(), 200);
    eventually_async("a dead letter", async || {
        !app.db().list_dead().await.unwrap().is_empty()
    })
    .await;
    // Read back transparently.
    let route = app
        .db()
        .get_route(&TenantId::new("default", "acct-it"), "hook")
        .await
        .unwrap()
        .unwrap();
    assert!(format!("{route:?}").contains(&secret()));
    if crate::pgdb::suite_on_postgres() {
        // PostgreSQL's rows instead of sled's files (their modes and backups are sled's): no row
        // of any table holds the secret in the clear.
        for needle in [secret().into_bytes(), KEY_B64.as_bytes().to_vec()] {
            let found = app.db().trees_containing(&needle).await.unwrap();
            assert!(found.is_empty(), "in the clear in {found:?}");
        }
        app.shutdown().await;
        return;
    }
    let backup = app.config_path.parent().unwrap().join("store.zrb");
    app.db().backup_to_file(&backup).await.unwrap();
    let _dir = app.shutdown().await;

    assert_eq!(mode(&data), 0o700, "data dir");
    let mut files = Vec::new();
    files_under(&data, &mut files);
    assert!(!files.is_empty());
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
        assert_no_plaintext(f);
    }
    assert_eq!(mode(&backup), 0o600, "backup");
    assert_no_plaintext(&backup);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loose_old_store_is_tightened_and_its_plaintext_secrets_sealed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let config = parse_config(&write_config(
        dir.path(),
        &test_config_text("127.0.0.1:1".parse().unwrap())
            .replace("seed_routes = ", "# seed_routes = "),
    ));
    let data = config.server.data_dir.clone();
    let route: zoom_relay::routing::Route = serde_json::from_value(json!({
        "name": "old",
        "app_id": "default",
        "account_id": "acct-it",
        "events": ["meeting.started"],
        "destinations": [{"kind": "webhook", "url": "https://hooks.example.org/z", "secret": secret()}],
    }))
    .unwrap();
    // As an older version left it: no sealing, world-readable.
    let mut old_cfg = config.store.clone();
    old_cfg.data_key = None;
    let store = Store::open(&data, &old_cfg).unwrap();
    store.put_route(&route).unwrap();
    store.close().await.unwrap();
    drop(store);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut files = Vec::new();
    files_under_loose(&data, &mut files);
    for f in &files {
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    let store = Store::open(&data, &config.store).unwrap();
    assert_eq!(mode(&data), 0o700);
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    let got = store
        .get_route(&TenantId::new("default", "acct-it"), "old")
        .unwrap()
        .unwrap();
    assert_eq!(got, route, "read back transparently");
    let backup = dir.path().join("after.zrb");
    store.backup_to_file(&backup).unwrap();
    assert_no_plaintext(&backup);
    store.close().await.unwrap();
}

fn files_under_loose(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            files_under_loose(&e.path(), out);
        } else {
            out.push(e.path());
        }
    }
}

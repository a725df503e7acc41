//! The `zoom-relay` binary as an operator uses it: config errors that say what to fix, `keygen`,
//! `simulate` against a running relay and `events list` while that relay holds the store.

use serde_json::Value;

use crate::helpers::{
    DEMO_ADMIN_TOKEN, run_cli, set_key, spawn_app, test_config_text, write_config,
};
use zoom_relay::config::{self, ConfigSource, DEMO_DATA_KEY};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes `doc` to a fresh directory and returns it with the config path.
fn config_file(doc: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), doc);
    (dir, path.to_str().unwrap().to_string())
}

fn example_doc() -> String {
    test_config_text(([127, 0, 0, 1], 8080).into())
}

#[tokio::test]
async fn check_config_accepts_the_example_config() {
    let (_dir, path) = config_file(&example_doc());
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("config OK"), "{text}");
    assert!(text.contains("/zoom/webhook/default"), "{text}");
}

#[tokio::test]
async fn check_config_names_an_unknown_key_and_how_to_fix_it() {
    let mut doc = example_doc();
    doc = doc.replace("max_body_bytes =", "max_body_byte =");
    let (_dir, path) = config_file(&doc);
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(2), "usage/config errors exit 2");
    let err = stderr(&out);
    assert!(err.contains("max_body_byte"), "names the key: {err}");
    assert!(err.contains("Fix:"), "says how to fix it: {err}");
    assert!(
        err.contains("max_body_bytes"),
        "lists the keys the section accepts: {err}"
    );
    assert!(stdout(&out).is_empty(), "errors go to stderr");
}

#[tokio::test]
async fn check_config_points_a_bad_data_key_to_keygen() {
    let mut doc = example_doc();
    set_key(&mut doc, "data_key", "\"c2hvcnQ=\"");
    let (_dir, path) = config_file(&doc);
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("security.data_key"), "{err}");
    assert!(err.contains("zoom-relay keygen"), "{err}");
}

#[tokio::test]
async fn check_config_reports_every_bad_key_at_once() {
    let mut doc = example_doc();
    set_key(&mut doc, "listen", "\"not an address\"");
    set_key(&mut doc, "jitter", "3.0");
    set_key(
        &mut doc,
        "secret_token",
        "\"${ZOOM_SECRET_THAT_IS_NOT_SET}\"",
    );
    let (_dir, path) = config_file(&doc);
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for key in [
        "server.listen",
        "delivery.jitter",
        "zoom.apps[0].secret_token",
        "ZOOM_SECRET_THAT_IS_NOT_SET",
    ] {
        assert!(err.contains(key), "{key} missing from:\n{err}");
    }
}

#[tokio::test]
async fn check_config_on_a_missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let out = run_cli(&["check-config", "--config", path.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.toml"), "{}", stderr(&out));
}

/// The value of `key = "..."` in keygen output.
fn keygen_value<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no {key} line in keygen output:\n{text}"))
}

#[tokio::test]
async fn keygen_output_pastes_into_a_valid_config() {
    let out = run_cli(&["keygen"]).await;
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let data_key = keygen_value(&text, "data_key");
    let admin_token = keygen_value(&text, "admin_token");
    assert_ne!(data_key, DEMO_DATA_KEY);

    let mut doc = example_doc();
    set_key(&mut doc, "data_key", &format!("\"{data_key}\""));
    set_key(&mut doc, "admin_token", &format!("\"{admin_token}\""));
    let (dir, path) = config_file(&doc);
    let parsed =
        config::from_toml_str(&doc, ConfigSource::File(dir.path().join("relay.toml")), &[])
            .unwrap_or_else(|e| panic!("keygen output does not validate:\n{e}"));
    assert!(
        parsed.warnings().iter().all(|w| !w.contains("demo key")),
        "{:?}",
        parsed.warnings()
    );
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));

    // Two runs never print the same secrets.
    let again = stdout(&run_cli(&["keygen"]).await);
    assert_ne!(keygen_value(&again, "data_key"), data_key);
    assert_ne!(keygen_value(&again, "admin_token"), admin_token);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_then_events_list_through_the_running_relays_api() {
    let app = spawn_app(|_| {}).await;
    assert!(
        app.config.security.admin_token.is_some(),
        "the CLI needs the admin token to reach a running relay"
    );
    let config = app.config_path.to_str().unwrap().to_string();
    let url = app.url("/zoom/webhook/default");

    let out = run_cli(&[
        "simulate",
        "meeting.started",
        "--config",
        &config,
        "--url",
        &url,
        "--account",
        "acct-cli",
        "--topic",
        "Tuesday group",
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("200"), "{text}");
    assert!(text.contains("accepted"), "{text}");
    assert_eq!(app.db().event_count().await, 1);

    // The relay holds sled's lock, so this goes through its admin API with the same config.
    let out = run_cli(&["events", "list", "--config", &config]).await;
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let table = stdout(&out);
    assert!(table.contains("meeting.started"), "{table}");
    assert!(table.contains("acct-cli"), "{table}");

    let out = run_cli(&["events", "list", "--json", "--config", &config]).await;
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["event"], "meeting.started");
    assert_eq!(rows[0]["app_id"], "default");
    assert_eq!(rows[0]["account_id"], "acct-cli");
    let _dir = app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_list_reads_the_store_directly_once_the_relay_stopped() {
    let app = spawn_app(|_| {}).await;
    let config = app.config_path.to_str().unwrap().to_string();
    let url = app.url("/zoom/webhook");
    let out = run_cli(&[
        "simulate",
        "meeting.ended",
        "--config",
        &config,
        "--url",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let _dir = app.shutdown().await;
    // Nothing listens at `server.listen` any more: only a direct read of the store can answer.
    let out = run_cli(&["events", "list", "--json", "--config", &config]).await;
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["event"], "meeting.ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_list_with_a_wrong_admin_token_fails_and_says_so() {
    if crate::pgdb::skip_on_postgres(
        "the CLI goes through the relay's API only while sled's lock holds the store; on PostgreSQL it reads the database itself",
    ) {
        return;
    }
    let app = spawn_app(|doc| set_key(doc, "admin_token", "\"relay-side-admin-token-0001\"")).await;
    // The CLI's config differs from the relay's only in the token.
    let mut doc = std::fs::read_to_string(&app.config_path).unwrap();
    set_key(&mut doc, "admin_token", &format!("\"{DEMO_ADMIN_TOKEN}\""));
    std::fs::write(&app.config_path, &doc).unwrap();
    let config = app.config_path.to_str().unwrap().to_string();
    let out = run_cli(&["events", "list", "--config", &config]).await;
    assert_eq!(out.status.code(), Some(1), "stdout:\n{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("token"),
        "names the token as the problem: {err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Demo mode and weak config (issue 12, findings 4 and 10).

/// Runs the CLI in `dir` (so no ./relay.toml is found there) with extra environment.
async fn run_cli_in(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = crate::helpers::cli_command(args);
    cmd.current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(crate::helpers::DEADLINE, cmd.output())
        .await
        .expect("finishes in time")
        .expect("zoom-relay runs")
}

#[tokio::test]
async fn demo_mode_refuses_a_public_listen_address() {
    let dir = tempfile::tempdir().unwrap();
    let listen = format!("0.0.0.0:{}", crate::helpers::free_port());
    for verb in ["serve", "check-config"] {
        let out = run_cli_in(dir.path(), &[verb], &[("RELAY_SERVER__LISTEN", &listen)]).await;
        assert_eq!(out.status.code(), Some(2), "{verb}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("server.listen"), "{err}");
        assert!(err.contains("loopback"), "{err}");
        assert!(
            err.contains("relay.example.toml"),
            "says how to make a real config: {err}"
        );
        assert!(err.contains("keygen"), "{err}");
    }
    // Loopback stays fine for a local try-out.
    let out = run_cli_in(dir.path(), &["check-config"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("demo mode"), "{}", stdout(&out));
}

#[tokio::test]
async fn the_published_demo_secrets_are_refused_outside_demo_mode() {
    // relay.example.toml copied as is into a real config file.
    let mut doc = config::EXAMPLE_CONFIG.to_string();
    set_key(&mut doc, "data_dir", "\"data\"");
    let (dir, path) = config_file(&doc);
    for verb in ["check-config", "serve"] {
        let out = run_cli_in(dir.path(), &[verb, "--config", &path], &[]).await;
        assert_eq!(out.status.code(), Some(2), "{verb}: {}", stderr(&out));
        let err = stderr(&out);
        for key in [
            "security.data_key",
            "security.admin_token",
            "zoom.apps[0].secret_token",
        ] {
            assert!(err.contains(key), "{verb} names {key}: {err}");
        }
        assert!(err.contains("public demo"), "{err}");
        assert!(err.contains("keygen"), "{err}");
    }
}

#[tokio::test]
async fn weak_secrets_are_refused_naming_the_key() {
    for (key, value, named) in [
        ("secret_token", "\"a\"", "zoom.apps[0].secret_token"),
        (
            "admin_token",
            "\"                \"",
            "security.admin_token",
        ),
        (
            "admin_token",
            "\"abababababababab\"",
            "security.admin_token",
        ),
        (
            "data_key",
            "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"",
            "security.data_key",
        ),
    ] {
        let mut doc = example_doc();
        set_key(&mut doc, key, value);
        let (_dir, path) = config_file(&doc);
        let out = run_cli(&["check-config", "--config", &path]).await;
        assert_eq!(out.status.code(), Some(2), "{key} = {value}");
        let err = stderr(&out);
        assert!(err.contains(named), "{err}");
        assert!(err.contains("Fix:"), "{err}");
    }
    // A one-character Telegram webhook secret.
    let mut doc = example_doc();
    doc.push_str(
        "\n[telegram]\nbot_token = \"123:abc\"\nmode = \"webhook\"\nwebhook_secret = \"x\"\n",
    );
    let (_dir, path) = config_file(&doc);
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("telegram.webhook_secret"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn an_overflowing_tolerance_is_refused_and_a_capture_window_is_not() {
    let mut doc = example_doc();
    crate::helpers::add_app(
        &mut doc,
        "huge",
        "huge-app-secret-token-0001",
        "timestamp_tolerance_secs = 9223372036854775807",
    );
    let (_dir, path) = config_file(&doc);
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("zoom.apps[1].timestamp_tolerance_secs"),
        "{err}"
    );
    assert!(err.contains("Fix:"), "{err}");

    let mut doc = example_doc();
    crate::helpers::add_app(
        &mut doc,
        "replay",
        "replay-app-secret-token-01",
        "timestamp_tolerance_secs = 3153600000",
    );
    let (_dir, path) = config_file(&doc);
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[tokio::test]
async fn a_plain_http_public_url_is_a_warning_not_an_error() {
    let mut doc = example_doc();
    set_key(&mut doc, "public_url", "\"http://relay.example.org\"");
    let (_dir, path) = config_file(&doc);
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("warning") && text.contains("plain http"),
        "{text}"
    );
    // Loopback http (a local try-out) does not warn.
    let (_dir, path) = config_file(&example_doc());
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert!(!stdout(&out).contains("plain http"), "{}", stdout(&out));
}

// ---------------------------------------------------------------------------------------------
// The first hour (issue 20): errors that say where and what, the alert in the terminal, and
// `--json` with the documented exit codes on every verb.

#[tokio::test]
async fn a_broken_seed_routes_file_is_a_config_error_naming_its_line() {
    let (dir, path) = config_file(&example_doc());
    let broken = format!(
        "{}\n  [[routes.destinations]]\n  kind = \"webhook\"\n  url = \"https://example.org/hook\"\n",
        config::EXAMPLE_ROUTES
    );
    let webhook_line = broken
        .lines()
        .position(|l| l.contains("kind = \"webhook\""))
        .unwrap();
    std::fs::write(dir.path().join("routes.example.toml"), &broken).unwrap();
    for verb in ["check-config", "serve"] {
        let out = run_cli(&[verb, "--config", &path]).await;
        assert_eq!(out.status.code(), Some(2), "{verb}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("routes.example.toml"), "{verb}: {err}");
        assert!(err.contains("missing field `secret`"), "{verb}: {err}");
        // The webhook's own table (its header is the line above `kind`), not the first destination.
        assert!(
            err.contains(&format!("line {webhook_line}")),
            "{verb} names line {webhook_line}: {err}"
        );
        assert!(!stdout(&out).contains("config OK"), "{verb}");
    }

    // Parsed but not importable: an unknown app.
    let unknown_app = config::EXAMPLE_ROUTES.replace("app_id = \"default\"", "app_id = \"nope\"");
    std::fs::write(dir.path().join("routes.example.toml"), unknown_app).unwrap();
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("app_id"), "{}", stderr(&out));
}

#[tokio::test]
async fn a_config_typo_names_the_file_the_line_and_the_key_meant() {
    let doc = example_doc().replacen("listen =", "listn =", 1);
    let line = doc
        .lines()
        .position(|l| l.starts_with("listn"))
        .map(|i| i + 1)
        .unwrap();
    let (_dir, path) = config_file(&doc);
    let out = run_cli(&["check-config", "--config", &path]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("server.listn"), "{err}");
    assert!(err.contains(&format!("relay.toml, line {line}")), "{err}");
    assert!(err.contains("did you mean `listen`"), "{err}");
    assert!(!err.contains("TOML source string"), "{err}");
    assert_eq!(
        err.matches("public_url").count(),
        1,
        "the accepted keys are listed once: {err}"
    );
}

#[tokio::test]
async fn in_demo_mode_a_port_in_use_names_the_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = taken.local_addr().unwrap().to_string();
    let out = run_cli_in(dir.path(), &["serve"], &[("RELAY_SERVER__LISTEN", &listen)]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("in use"), "{err}");
    assert!(err.contains("RELAY_SERVER__LISTEN="), "{err}");
    drop(taken);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_prints_the_alert_and_deliveries_list_shows_it_sent() {
    let app = spawn_app(|_| {}).await;
    let config = app.config_path.to_str().unwrap().to_string();
    let url = app.url("/zoom/webhook/default");
    // The seeded demo route sends every meeting of demo-account to the log.
    let out = run_cli(&[
        "simulate",
        "meeting.started",
        "--config",
        &config,
        "--url",
        &url,
        "--topic",
        "Tuesday group",
        "--wait",
        "20",
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr:\n{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Meeting started"), "{text}");
    assert!(text.contains("demo: every meeting to the log"), "{text}");
    // Sent within the wait, or (on a machine loaded by the rest of the suite) reported as still
    // queued, which is what simulate must say then; either way it is sent in the end.
    assert!(
        text.contains("): sent") || text.contains("still queued after 20 s"),
        "{text}"
    );
    assert!(text.contains("Tuesday group"), "the alert itself: {text}");

    let sent = async || {
        let out = run_cli(&[
            "deliveries",
            "list",
            "--sent",
            "--event",
            "meeting.started",
            "--json",
            "--config",
            &config,
        ])
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<Vec<Value>>(&out.stdout).expect("one JSON document")
    };
    let deadline = tokio::time::Instant::now() + 3 * crate::helpers::DEADLINE;
    let mut rows = sent().await;
    while rows.iter().all(|r| r["state"] != "sent") && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        rows = sent().await;
    }
    assert_eq!(rows.len(), 1, "{rows:?}");

    let out = run_cli(&["deliveries", "list", "--config", &config]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("--sent"), "{}", stdout(&out));
    assert_eq!(rows[0]["state"], "sent");
    assert_eq!(rows[0]["event"], "meeting.started");
    for (filter, want) in [("meeting.started", 1), ("meeting.ended", 0)] {
        let out = run_cli(&[
            "deliveries",
            "list",
            "--state",
            "sent",
            "--event",
            filter,
            "--json",
            "--config",
            &config,
        ])
        .await;
        let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("one JSON document");
        assert_eq!(rows.len(), want, "{filter}: {rows:?}");
    }
    let _dir = app.shutdown().await;
}

/// Writes `text` into a fresh file of `dir` and returns its path.
fn file_in(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_verb_prints_one_json_document_and_fails_with_the_documented_code() {
    let app = spawn_app(|_| {}).await;
    let config = app.config_path.to_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let route = file_in(
        dir.path(),
        "route.toml",
        "[[routes]]\nname = \"cli json\"\naccount_id = \"acct-json\"\nevents = [\"meeting.started\"]\n\n  [[routes.destinations]]\n  kind = \"log\"\n",
    );
    let bad_route = file_in(
        dir.path(),
        "bad.toml",
        "[[routes]]\nname = \"bad\"\naccount_id = \"acct-json\"\nevents = [\"meeting.started\"]\n\n  [[routes.destinations]]\n  kind = \"fax\"\n",
    );
    let event = file_in(
        dir.path(),
        "event.json",
        &serde_json::to_string(
            &zoom_relay::zoom::samples::sample(
                &zoom_relay::zoom::EventKind::MeetingStarted,
                &zoom_relay::zoom::samples::SampleParams {
                    account_id: "acct-json".into(),
                    ..Default::default()
                },
            )
            .unwrap(),
        )
        .unwrap(),
    );

    // (arguments, what the one JSON document must be, a string it must contain)
    let ok: Vec<(Vec<&str>, &str, &str)> = vec![
        (vec!["routes", "add", &route], "object", "cli json"),
        (vec!["routes", "list"], "array", "cli json"),
        // No --account: the name is unique.
        (vec!["routes", "show", "cli json"], "object", "acct-json"),
        (vec!["routes", "import", &route], "object", "updated"),
        (vec!["routes", "test", &event], "object", "cli json"),
        (
            vec!["templates", "list", "--account", "acct-json"],
            "array",
            "telegram.html",
        ),
        (
            vec![
                "templates",
                "show",
                "--event",
                "meeting.started",
                "--key",
                "log.txt",
            ],
            "object",
            "source",
        ),
        (
            vec!["templates", "preview", "--event", "meeting.ended"],
            "array",
            "channel",
        ),
        (vec!["deliveries", "list"], "array", ""),
        (vec!["destinations", "disabled"], "array", ""),
        (vec!["notices", "list"], "array", ""),
        (vec!["events", "list"], "array", ""),
        (vec!["codes", "list"], "array", ""),
        (vec!["organizers", "list"], "array", ""),
        (
            vec!["subscriptions", "list", "--account", "acct-json"],
            "array",
            "",
        ),
        (vec!["tenants", "list"], "array", ""),
        (vec!["tenants", "audit"], "array", ""),
        (
            vec!["tokens", "create", "--account", "acct-json", "--name", "ci"],
            "object",
            "zrt_",
        ),
        (vec!["tokens", "list"], "array", "acct-json"),
    ];
    for (args, shape, needle) in ok {
        let mut full = args.clone();
        full.extend(["--json", "--config", &config]);
        let out = run_cli(&full).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let doc: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{}", stdout(&out)));
        match shape {
            "array" => assert!(doc.is_array(), "{args:?}: {doc}"),
            _ => assert!(doc.is_object(), "{args:?}: {doc}"),
        }
        assert!(doc.to_string().contains(needle), "{args:?}: {doc}");
    }

    // 1: the operation failed (nothing of that name, a conflict); 2: usage or input to fix.
    let failing: Vec<(Vec<&str>, i32)> = vec![
        (vec!["routes", "add", &route], 1),
        (vec!["routes", "add", &bad_route], 2),
        (vec!["routes", "import", &bad_route], 2),
        (vec!["routes", "show", "no such route"], 1),
        (vec!["routes", "remove", "no such route"], 1),
        (vec!["routes", "send-test", "no such route"], 1),
        (vec!["routes", "test", "/nonexistent/event.json"], 2),
        (
            vec![
                "templates",
                "show",
                "--event",
                "meeting.begun",
                "--key",
                "log.txt",
            ],
            2,
        ),
        (vec!["deliveries", "list", "--state", "lost"], 2),
        (vec!["deliveries", "retry", "987654321"], 1),
        (vec!["events", "list", "--since", "last tuesday"], 2),
        (
            vec![
                "codes",
                "create",
                "--kind",
                "organizer",
                "--account",
                "acct-json",
            ],
            2,
        ),
        (vec!["codes", "revoke", "0123456789ab"], 1),
        (vec!["tokens", "revoke", "nope"], 1),
        (
            vec!["tenants", "show", "--app", "default", "--account", "nobody"],
            1,
        ),
        (
            vec![
                "tenants",
                "remove",
                "--app",
                "default",
                "--account",
                "nobody",
            ],
            2,
        ),
        (
            vec!["organizers", "remove", "--account", "acct-json", "42"],
            1,
        ),
        (
            vec![
                "subscriptions",
                "remove",
                "--account",
                "acct-json",
                "--route",
                "cli json",
                "telegram:1",
            ],
            1,
        ),
        (
            vec![
                "destinations",
                "enable",
                "telegram:1",
                "--account",
                "acct-json",
            ],
            1,
        ),
        (vec!["simulate", "meeting.begun"], 2),
        (vec!["no-such-verb"], 2),
    ];
    for (args, code) in failing {
        let mut full = args.clone();
        full.extend(["--config", &config]);
        let out = run_cli(&full).await;
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}\nstdout:\n{}\nstderr:\n{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(!stderr(&out).is_empty(), "{args:?} says why on stderr");
    }
    let _dir = app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_says_what_the_relay_is_and_where_to_go() {
    let app = spawn_app(|_| {}).await;
    let resp = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp
        .headers()
        .get("content-security-policy")
        .expect("a CSP")
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "no script may run: {csp}"
    );
    let html = resp.text().await.unwrap();
    assert!(html.contains("href=\"/console\""), "{html}");
    assert!(html.contains("href=\"/readyz\""), "{html}");
    assert!(!html.contains("<script"), "{html}");
    // A config file is not demo mode: no demo instructions, no token.
    assert!(!html.contains("simulate"), "{html}");
    assert!(!html.contains(DEMO_ADMIN_TOKEN), "{html}");
    let _dir = app.shutdown().await;
}

#[tokio::test]
async fn completions_and_the_man_page_come_from_the_command_definitions() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef zoom-relay"),
        ("fish", "complete -c zoom-relay"),
    ] {
        let out = run_cli(&["completions", shell]).await;
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("check-config"), "{shell} knows the verbs");
    }
    let out = run_cli(&["completions", "tcsh"]).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );

    let out = run_cli(&["man"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH"),
        "roff: {page}"
    );
    assert!(
        page.contains("zoom\\-relay") || page.contains("zoom-relay"),
        "{page}"
    );
    assert!(
        page.contains("check\\-config") || page.contains("check-config"),
        "{page}"
    );
}

/// The README's quick start as a newcomer runs it: `serve` in demo mode, the page at `/`, then
/// `simulate` in a second terminal prints the alert.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_quick_start_shows_the_page_and_the_alert() {
    if crate::pgdb::skip_on_postgres("demo mode runs on its own sled data directory") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let listen = format!("127.0.0.1:{}", crate::helpers::free_port());
    let mut serve = crate::helpers::cli_command(&["serve"]);
    serve
        .current_dir(dir.path())
        .env("RELAY_SERVER__LISTEN", &listen)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = serve.spawn().expect("serve starts");
    let client = reqwest::Client::new();
    let page = tokio::time::timeout(crate::helpers::DEADLINE, async {
        loop {
            if let Ok(r) = client.get(format!("http://{listen}/")).send().await
                && r.status() == 200
            {
                break r.text().await.unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the demo relay answers / in time");
    assert!(page.contains("simulate meeting.started"), "{page}");
    assert!(page.contains("demo-admin-token-change-me"), "{page}");

    let out = run_cli_in(
        dir.path(),
        &["simulate", "meeting.started", "--wait", "20"],
        &[("RELAY_SERVER__LISTEN", &listen)],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Meeting started"), "{text}");
    assert!(text.contains("- log (route"), "{text}");
    assert!(text.contains("): sent"), "{text}");
    child.kill().await.expect("stop the demo relay");
}

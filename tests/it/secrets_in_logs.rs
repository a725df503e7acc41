//! No configured secret and no token ever reaches the logs (issue 8, item 2). The real binary runs a
//! full scenario at debug level, JSON logs: an OAuth install with a token refresh, events to Telegram,
//! a signed webhook and a failing SMTP server, a bad signature, the admin API through the CLI, apps
//! added, rotated and redeemed from an invitation, and an uninstall with token revocation. Then
//! every log line is searched for every secret.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::redirect::Policy;

use crate::fake_telegram::FakeTelegram;
use crate::fake_zoom::{CLIENT_ID, CLIENT_SECRET, FakeZoom, ZoomUser};
use crate::helpers::*;
use crate::webhook::WebhookReceiver;

const ACCOUNT: &str = "acc-LogCheck9";
const CHAT: i64 = 777;
const ADMIN_TOKEN: &str = "admintok-SECRET-1-x9";
const SECRET_TOKEN: &str = "zsecret-SECRET-2-x9";
const BOT_TOKEN: &str = "987654:SECRET-TG-3-x9";
const OWN_BOT_TOKEN: &str = "987655:SECRET-OWN-BOT-7-x9-abcdefghij";
const REFUSED_BOT_TOKEN: &str = "987656:SECRET-OWN-BOT-8-x9-abcdefghij";
const SMTP_PASSWORD: &str = "smtp-SECRET-4-x9";
const WEBHOOK_KEY: &[u8] = b"webhook-key-SECRET-5-x9-padding-32";
const DATA_KEY: &[u8; 32] = b"data-key-SECRET-6-0123456789abcd";
const ADDED_TOKEN: &str = "added-SECRET-7-x9-token";
const ROTATED_TOKEN: &str = "rotated-SECRET-8-x9-token";
const INVITED_TOKEN: &str = "invited-SECRET-9-x9-token";

fn event(kind: &str, meeting_id: u64, uuid: &str, join_url: Option<&str>) -> Vec<u8> {
    let mut object = serde_json::json!({
        "id": meeting_id.to_string(), "uuid": uuid, "host_id": "h", "topic": "Log check",
        "type": 2, "start_time": "2026-11-29T18:00:00Z", "timezone": "UTC", "duration": 30
    });
    if let Some(u) = join_url {
        object["join_url"] = u.into();
        object["password"] = "pw-not-a-config-secret".into();
        object["id"] = meeting_id.into();
    }
    serde_json::to_vec(&serde_json::json!({
        "event": kind, "event_ts": chrono::Utc::now().timestamp_millis(),
        "payload": {"account_id": ACCOUNT, "object": object}
    }))
    .unwrap()
}

#[tokio::test]
async fn a_full_scenario_logs_no_secret_and_no_token() {
    let zoom = FakeZoom::start().await;
    zoom.set_expires_in(30); // every use refreshes: rotated tokens are in flight too
    zoom.consent_as(ZoomUser {
        user_id: "u-log".into(),
        account_id: ACCOUNT.into(),
        email: "owner@log.example".into(),
        role: "Owner".into(),
    });
    zoom.add_meeting(
        222_333_444,
        "Looked up",
        "https://zoom.us/j/222333444",
        "123",
    );
    let tg = FakeTelegram::start().await;
    let receiver = WebhookReceiver::start().await;
    let dead_smtp = free_port();
    let webhook_secret = format!("whsec_{}", STANDARD.encode(WEBHOOK_KEY));
    let routes_dir = tempfile::tempdir().unwrap();
    let routes_path = routes_dir.path().join("routes.toml");
    std::fs::write(
        &routes_path,
        format!(
            "[[routes]]\nname = \"all\"\naccount_id = \"{ACCOUNT}\"\nevents = [\"meeting.created\", \"meeting.started\"]\ninclude_join_link = true\n\
             [[routes.destinations]]\nkind = \"telegram\"\nchat_id = {CHAT}\n\
             [[routes.destinations]]\nkind = \"webhook\"\nurl = \"{}\"\nsecret = \"{webhook_secret}\"\n\
             [[routes.destinations]]\nkind = \"email\"\nto = [\"member@example.org\"]\n",
            receiver.url("/hook")
        ),
    )
    .unwrap();

    let relay = RelayProcess::start_logging(
        |doc| {
            set_key(
                doc,
                "seed_routes",
                &format!("\"{}\"", routes_path.to_str().unwrap()),
            );
            set_key(doc, "secret_token", &format!("\"{SECRET_TOKEN}\""));
            set_key(doc, "admin_token", &format!("\"{ADMIN_TOKEN}\""));
            set_key(doc, "data_key", &format!("\"{}\"", STANDARD.encode(DATA_KEY)));
            set_key(doc, "format", "\"json\"");
            *doc = doc.replacen(
                "id = \"default\"\n",
                &format!(
                    "id = \"default\"\nclient_id = \"{CLIENT_ID}\"\nclient_secret = \"{CLIENT_SECRET}\"\n\
                     oauth_url = \"{0}\"\napi_url = \"{0}\"\n",
                    zoom.url()
                ),
                1,
            );
            doc.push_str(&format!(
                "\n[telegram]\nbot_token = \"{BOT_TOKEN}\"\napi_url = \"{}\"\nbot_commands = false\npoll_timeout_secs = 1\n\
                 \n[email]\nsmtp_url = \"smtp://relay-user:{SMTP_PASSWORD}@127.0.0.1:{dead_smtp}\"\n\
                 from = \"Alerts <alerts@example.org>\"\n\
                 \n[zoom.app_defaults]\noauth_url = \"{}\"\napi_url = \"{}\"\n",
                tg.url(),
                zoom.url(),
                zoom.url()
            ));
        },
        "debug",
    )
    .await;

    // The install, as a browser does it.
    let browser = reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(DEADLINE)
        .build()
        .unwrap();
    let resp = browser
        .get(relay.url("/zoom/install/default"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let to_zoom = resp.headers()["location"].to_str().unwrap().to_string();
    let resp = browser.get(to_zoom).send().await.unwrap();
    let back = resp.headers()["location"].to_str().unwrap().to_string();
    let resp = browser
        .get(back)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());

    // Events: one with a join link, one whose link is looked up with a refreshed token.
    let created = event(
        "meeting.created",
        111,
        &unique_uuid("log-c"),
        Some("https://zoom.us/j/111"),
    );
    assert_eq!(relay.send_signed(created).await.unwrap().status(), 200);
    let started = event("meeting.started", 222_333_444, &unique_uuid("log-s"), None);
    assert_eq!(relay.send_signed(started).await.unwrap().status(), 200);
    tg.wait_delivered(CHAT, 2, Duration::ZERO).await;
    receiver.wait_for(2).await;
    // The lookup refreshed the token (whether or not it beat its 3 s budget on a loaded machine).
    eventually("a token refresh", || zoom.refreshes() > 0).await;

    // A forged request, and the admin API through the CLI.
    let resp = relay
        .client
        .post(relay.url("/zoom/webhook"))
        .header("x-zm-request-timestamp", now_secs().to_string())
        .header("x-zm-signature", "v0=00")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let cfg = relay.config_path.to_str().unwrap().to_string();
    let out = run_cli(&["--config", &cfg, "tenants", "list"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resp = relay
        .client
        .get(relay.url("/api/v1/routes"))
        .bearer_auth("wrong-token")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // Apps as data: added through the CLI (the relay's API), rotated, and one added by a
    // community on the invitation page; their secrets and the invitation code stay out too.
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, ADDED_TOKEN).unwrap();
    let out = run_cli(&[
        "--config",
        &cfg,
        "apps",
        "add",
        "--id",
        "added",
        "--secret-token-file",
        token_file.to_str().unwrap(),
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let admin = |m: reqwest::Method, path: &str| {
        relay
            .client
            .request(m, relay.url(&format!("/api/v1{path}")))
            .bearer_auth(ADMIN_TOKEN)
    };
    let resp = admin(reqwest::Method::PUT, "/apps/added")
        .json(&serde_json::json!({"secret_token": ROTATED_TOKEN}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let inv: serde_json::Value = admin(reqwest::Method::POST, "/app-invitations")
        .json(&serde_json::json!({"app_id": "invited"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = inv["code"].as_str().unwrap().to_string();
    let resp = browser
        .post(inv["url"].as_str().unwrap())
        .form(&[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("secret_token", INVITED_TOKEN),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // A community's own bot: connected through the API, polled, then revoked by Telegram (401s
    // from getUpdates); and a token Telegram refuses outright.
    for (token, want) in [(OWN_BOT_TOKEN, 200), (REFUSED_BOT_TOKEN, 400)] {
        if want != 200 {
            tg.revoke(token);
        }
        let resp = relay
            .client
            .put(relay.url("/api/v1/telegram/bot"))
            .query(&[("account", "acc-OwnBotLog")])
            .bearer_auth(ADMIN_TOKEN)
            .json(&serde_json::json!({ "token": token }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), want);
    }
    eventually("the own bot polls", || {
        !tg.api_calls_for(OWN_BOT_TOKEN, "getUpdates").is_empty()
    })
    .await;
    tg.revoke(OWN_BOT_TOKEN);
    eventually_async("the own bot is turned off", async || {
        let shown: serde_json::Value = relay
            .client
            .get(relay.url("/api/v1/telegram/bot"))
            .query(&[("account", "acc-OwnBotLog")])
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        shown["health"] == "off"
    })
    .await;

    // Uninstall: the token is revoked.
    let deauth = serde_json::to_vec(&serde_json::json!({
        "event": "app_deauthorized", "event_ts": chrono::Utc::now().timestamp_millis(),
        "payload": {"account_id": ACCOUNT, "user_id": "u-log", "signature": "log-deauth",
                    "deauthorization_time": "2026-11-29T13:52:28.632Z", "client_id": CLIENT_ID}
    }))
    .unwrap();
    assert_eq!(relay.send_signed(deauth).await.unwrap().status(), 200);
    eventually("the token revoked", || !zoom.revoked().is_empty()).await;

    // Stop gracefully, so shutdown logs are included.
    let mut relay = relay;
    let pid = relay.child.id().expect("running").to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    tokio::time::timeout(DEADLINE, relay.child.wait())
        .await
        .expect("the relay stops on SIGTERM")
        .unwrap();
    let logs = relay.stderr();

    assert!(
        logs.lines().count() > 20 && logs.contains("\"level\":\"DEBUG\""),
        "debug logging was on: {} lines",
        logs.lines().count()
    );
    assert!(
        logs.contains("SMTP") || logs.contains("smtp") || logs.contains("email"),
        "the failing SMTP server was logged about"
    );
    let mut secrets: Vec<(String, String)> = vec![
        ("admin_token".into(), ADMIN_TOKEN.into()),
        ("secret_token".into(), SECRET_TOKEN.into()),
        ("client_secret".into(), CLIENT_SECRET.into()),
        ("bot_token".into(), BOT_TOKEN.into()),
        ("bot token secret part".into(), "SECRET-TG-3".into()),
        ("an own bot's token".into(), "SECRET-OWN-BOT-7".into()),
        ("a refused own bot token".into(), "SECRET-OWN-BOT-8".into()),
        ("smtp password".into(), SMTP_PASSWORD.into()),
        ("webhook secret".into(), webhook_secret.clone()),
        ("webhook key".into(), STANDARD.encode(WEBHOOK_KEY)),
        ("data_key".into(), STANDARD.encode(DATA_KEY)),
        (
            "client credentials".into(),
            STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")),
        ),
    ];
    secrets.push(("an added app's secret token".into(), ADDED_TOKEN.into()));
    secrets.push(("a rotated secret token".into(), ROTATED_TOKEN.into()));
    secrets.push(("an invited app's secret token".into(), INVITED_TOKEN.into()));
    secrets.push(("an app invitation code".into(), code));
    for t in zoom.issued_tokens() {
        secrets.push(("an OAuth token".into(), t));
    }
    assert!(secrets.len() >= 14, "tokens were issued");
    for (what, secret) in &secrets {
        if let Some(line) = logs.lines().find(|l| l.contains(secret.as_str())) {
            panic!("{what} appears in the logs:\n{line}");
        }
    }
}

//! The Telegram bot against FakeTelegram: real update JSON in through getUpdates (or the webhook),
//! replies out through the paced outbox. Members subscribe, mute and unsubscribe, group admins link
//! a forum topic, organizers pause and test routes and get notices; alerts follow those choices; a
//! restart never replays an update; codes and roles are enforced.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tempfile::TempDir;
use zoom_relay::routing::Destination;
use zoom_relay::service::codes::{self, CreateCode};
use zoom_relay::store::EventStatus;
use zoom_relay::store::bot::{CodeKind, CodeRecord, code_id};

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use zoom_relay::store::TenantId;

const ACCOUNT: &str = "acct-it";
const ROUTE: &str = "Tuesday group";
const MEMBER: i64 = 501;
const GROUP: i64 = -1_001_234_567_890;
const TOPIC: i64 = 7;
const ADMIN: i64 = 602;
const NOT_ADMIN: i64 = 601;

/// A route that only logs, so Telegram destinations come from the bot alone.
fn write_routes(dir: &Path) -> PathBuf {
    let path = dir.join("bot-routes.toml");
    std::fs::write(
        &path,
        format!(
            "[[routes]]\nname = \"{ROUTE}\"\napp_id = \"default\"\naccount_id = \"{ACCOUNT}\"\n\
             events = [\"meeting.started\"]\n  [[routes.destinations]]\n  kind = \"log\"\n"
        ),
    )
    .unwrap();
    path
}

/// A relay with the bot on, polling `tg`; data under `data` so a second relay can reopen it.
async fn relay_with(tg: &FakeTelegram, data: &Path, extra: &str) -> TestApp {
    let routes = write_routes(data.parent().unwrap());
    let extra = extra.to_string();
    let api = tg.url();
    let data = data.to_path_buf();
    spawn_app(move |doc| {
        set_key(doc, "data_dir", &format!("\"{}\"", data.display()));
        set_key(doc, "seed_routes", &format!("\"{}\"", routes.display()));
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\n{extra}\n"
        ));
    })
    .await
}

async fn relay(tg: &FakeTelegram) -> (TestApp, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = relay_with(tg, &dir.path().join("data"), "").await;
    (app, dir)
}

async fn code(app: &TestApp, kind: CodeKind, route: Option<&str>) -> String {
    codes::create(
        &app.service(),
        &CreateCode {
            kind,
            route: route.map(str::to_string),
            app: None,
            account: Some(ACCOUNT.into()),
            ttl: None,
        },
    )
    .await
    .expect("code created")
    .code
}

/// Sends a meeting.started with `topic` and waits until the dispatcher turned it into jobs.
async fn start_meeting(app: &TestApp, topic: &str) {
    let uuid = unique_uuid("bot");
    let resp = app.send_signed(None, &started_body(&uuid, topic)).await;
    assert_eq!(resp.status(), 200);
    eventually_async("the event is dispatched", async || {
        app.events().await.iter().any(|e| {
            e.event.body.contains(&uuid) && matches!(e.status, EventStatus::Dispatched { .. })
        })
    })
    .await;
}

async fn member_destination(app: &TestApp) -> bool {
    app.db()
        .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
        .await
        .unwrap()
        .unwrap()
        .destinations
        .contains(&Destination::Telegram {
            chat_id: MEMBER,
            thread_id: None,
            member: true,
            bot: None,
        })
}

/// Sends `text` from the member's private chat and waits for the reply containing `expect`.
async fn say(tg: &FakeTelegram, text: &str, expect: &str) -> String {
    say_in(tg, "en", text, expect).await
}

/// Like [`say`], from a member whose Telegram app is set to `lang` (the update's
/// `from.language_code`).
async fn say_in(tg: &FakeTelegram, lang: &str, text: &str, expect: &str) -> String {
    let before = tg.delivered_to(MEMBER).len();
    let mut update = FakeTelegram::private_message(MEMBER, text);
    update["message"]["from"]["language_code"] = json!(lang);
    tg.push_update(update);
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let got = tg.delivered_to(MEMBER);
        if let Some(c) = got[before.min(got.len())..]
            .iter()
            .find(|c| c.text.contains(expect))
        {
            return c.text.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reply containing {expect:?} to {text:?}; replies: {:#?}",
            got[before.min(got.len())..]
                .iter()
                .map(|c| &c.text)
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(STEP).await;
    }
}

#[tokio::test]
async fn member_subscribes_mutes_and_unsubscribes_and_alerts_follow() {
    let tg = FakeTelegram::start().await;
    let (app, _dir) = relay(&tg).await;
    let code = code(&app, CodeKind::Subscribe, Some(ROUTE)).await;

    // The default menu and one per catalogue language (7), for both scopes.
    eventually(
        "commands are registered for private chats and groups",
        || tg.api_calls("setMyCommands").len() == 16,
    )
    .await;
    let scopes: Vec<Value> = tg
        .api_calls("setMyCommands")
        .iter()
        .map(|b| b["scope"]["type"].clone())
        .collect();
    assert!(scopes.contains(&json!("all_private_chats")), "{scopes:?}");

    say(&tg, "/start", "/subscribe CODE").await;
    say(&tg, &format!("/start {code}"), "Subscribed to").await;
    assert!(
        member_destination(&app).await,
        "the route has the member's chat"
    );
    let names = app
        .db()
        .member_names(&TenantId::new("default", ACCOUNT))
        .await
        .unwrap();
    assert_eq!(
        names.get(&MEMBER).map(String::as_str),
        Some("Member"),
        "the community keeps the name Telegram gave"
    );

    start_meeting(&app, "Tuesday standup").await;
    let alert = tg.wait_text(MEMBER, "Tuesday standup").await;
    assert_eq!(alert.parse_mode.as_deref(), Some("HTML"));

    say(&tg, "/mute 2h", "Muted for 2 h").await;
    assert!(
        app.db()
            .is_member_muted(
                &TenantId::new("default", ACCOUNT),
                MEMBER,
                chrono::Utc::now().timestamp_millis()
            )
            .await
            .unwrap()
    );
    start_meeting(&app, "Muted meeting").await;
    say(&tg, "/list", "Muted until").await;
    assert!(
        !tg.delivered_to(MEMBER)
            .iter()
            .any(|c| c.text.contains("Muted meeting")),
        "no alert while muted"
    );

    say(&tg, "/mute off", "back on").await;
    start_meeting(&app, "Unmuted meeting").await;
    tg.wait_text(MEMBER, "Unmuted meeting").await;

    say(&tg, "/unsubscribe", "Unsubscribed from").await;
    assert!(!member_destination(&app).await);
    assert!(
        app.db()
            .member_names(&TenantId::new("default", ACCOUNT))
            .await
            .unwrap()
            .is_empty(),
        "a member who left is no longer named"
    );
    start_meeting(&app, "After leaving").await;
    say(&tg, "/list", "no subscriptions").await;
    assert!(
        !tg.delivered_to(MEMBER)
            .iter()
            .any(|c| c.text.contains("After leaving")),
        "no alert after unsubscribe"
    );
    // The reusable code still works for a comeback.
    say(&tg, &format!("/subscribe {code}"), "Subscribed to").await;
    assert_eq!(app.db().list_codes(None).await.unwrap()[0].uses, 2);
    app.shutdown().await;
}

#[tokio::test]
async fn group_admin_links_a_forum_topic_and_others_are_refused() {
    let tg = FakeTelegram::start().await;
    let (app, _dir) = relay(&tg).await;
    tg.set_member_status(GROUP, ADMIN, "administrator");
    let code = code(&app, CodeKind::Link, Some(ROUTE)).await;

    tg.push_update(FakeTelegram::group_message(
        GROUP,
        NOT_ADMIN,
        &format!("/link {code}"),
        Some(TOPIC),
    ));
    let refusal = tg.wait_text(GROUP, "Only an administrator").await;
    assert_eq!(
        refusal.message_thread_id,
        Some(TOPIC),
        "answered in the topic"
    );
    let rec = app.db().code_record(&code).await.unwrap().unwrap();
    assert_eq!(rec.used_at_ms, None, "a refused link does not use the code");
    assert!(
        tg.api_calls("getChatMember")
            .iter()
            .any(|b| b["user_id"] == json!(NOT_ADMIN) && b["chat_id"] == json!(GROUP))
    );

    tg.push_update(FakeTelegram::group_message(
        GROUP,
        ADMIN,
        &format!("/link@fake_bot {code}"),
        Some(TOPIC),
    ));
    tg.wait_text(GROUP, "Linked").await;
    let route = app
        .db()
        .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
        .await
        .unwrap()
        .unwrap();
    assert!(route.destinations.contains(&Destination::Telegram {
        chat_id: GROUP,
        thread_id: Some(TOPIC),
        member: false,
        bot: None,
    }));

    start_meeting(&app, "Forum meeting").await;
    let alert = tg.wait_text(GROUP, "Forum meeting").await;
    assert_eq!(alert.message_thread_id, Some(TOPIC));

    // The code was single-use; /status for anyone; commands for other bots are not ours.
    tg.push_update(FakeTelegram::group_message(
        GROUP,
        ADMIN,
        &format!("/link {code}"),
        None,
    ));
    tg.wait_text(GROUP, "already used").await;
    tg.push_update(FakeTelegram::group_message(
        GROUP,
        NOT_ADMIN,
        "/status",
        Some(TOPIC),
    ));
    tg.wait_text(GROUP, "Routes posting in this topic").await;
    let n = tg.delivered_to(GROUP).len();
    tg.push_update(FakeTelegram::group_message(
        GROUP,
        ADMIN,
        "/help@other_bot",
        None,
    ));
    tg.push_update(FakeTelegram::group_message(
        GROUP, NOT_ADMIN, "/unlink", None,
    ));
    tg.wait_text(GROUP, "Only an administrator of this group")
        .await;
    tg.push_update(FakeTelegram::group_message(
        GROUP,
        ADMIN,
        "/unlink",
        Some(TOPIC),
    ));
    tg.wait_text(GROUP, "Unlinked").await;
    assert_eq!(
        tg.delivered_to(GROUP)[n..]
            .iter()
            .filter(|c| c.text.contains("Commands in a group"))
            .count(),
        0,
        "a command for another bot is ignored"
    );
    let route = app
        .db()
        .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(route.destinations, vec![Destination::Log]);
    app.shutdown().await;
}

#[tokio::test]
async fn a_restart_does_not_handle_an_update_twice() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = relay_with(&tg, &data, "").await;
    let code = code(&app, CodeKind::Subscribe, Some(ROUTE)).await;
    say(&tg, &format!("/start {code}"), "Subscribed to").await;
    say(&tg, "/mute 1h", "Muted for").await;
    let last = app
        .db()
        .bot_last_update()
        .await
        .unwrap()
        .expect("offset stored");
    app.shutdown().await;

    let app = relay_with(&tg, &data, "").await;
    say(&tg, "/list", "Your subscriptions").await;
    let texts: Vec<String> = tg
        .delivered_to(MEMBER)
        .into_iter()
        .map(|c| c.text)
        .collect();
    assert_eq!(
        texts.iter().filter(|t| t.contains("Subscribed to")).count(),
        1,
        "{texts:#?}"
    );
    assert_eq!(
        texts.iter().filter(|t| t.contains("Muted for")).count(),
        1,
        "{texts:#?}"
    );
    assert_eq!(app.db().list_codes(None).await.unwrap()[0].uses, 1);
    let offsets: Vec<i64> = tg
        .api_calls("getUpdates")
        .iter()
        .filter_map(|b| b["offset"].as_i64())
        .collect();
    assert!(
        offsets.contains(&(last + 1)),
        "the restarted bot asked from the stored offset: {offsets:?}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn bad_codes_and_wrong_roles_get_friendly_replies_and_change_nothing() {
    let tg = FakeTelegram::start().await;
    let (app, _dir) = relay(&tg).await;

    say(&tg, "/start nosuchcode", "don't recognise that code").await;
    let expired = "expiredcode123";
    app.db()
        .put_code(
            expired,
            &CodeRecord {
                id: code_id(expired),
                kind: CodeKind::Subscribe,
                app_id: "default".into(),
                account_id: ACCOUNT.into(),
                route: Some(ROUTE.into()),
                created_at_ms: 1,
                expires_at_ms: Some(2),
                used_at_ms: None,
                revoked: false,
                uses: 0,
                sealed_code: None,
            },
        )
        .await
        .unwrap();
    say(&tg, &format!("/subscribe {expired}"), "has expired").await;

    let revoked = code(&app, CodeKind::Subscribe, Some(ROUTE)).await;
    let out = run_cli(&[
        "codes",
        "revoke",
        &code_id(&revoked),
        "--config",
        app.config_path.to_str().unwrap(),
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    say(&tg, &format!("/start {revoked}"), "withdrawn").await;
    let link = code(&app, CodeKind::Link, Some(ROUTE)).await;
    say(&tg, &format!("/start {link}"), "group link code").await;
    assert!(
        !member_destination(&app).await,
        "no bad code subscribed anyone"
    );
    assert_eq!(
        app.db()
            .code_record(&link)
            .await
            .unwrap()
            .unwrap()
            .used_at_ms,
        None
    );

    say(&tg, "/pause Tuesday group", "for organizers").await;
    say(&tg, "/frobnicate", "I don't know /frobnicate").await;
    say(&tg, "/link abc", "That works in a group").await;
    say(&tg, "hello?", "/subscribe CODE").await;
    say(&tg, "/mute forever", "can't read").await;
    assert!(
        app.db()
            .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
            .await
            .unwrap()
            .unwrap()
            .enabled
    );
    tg.push_update(FakeTelegram::group_message(GROUP, MEMBER, "/mute 1h", None));
    tg.wait_text(GROUP, "private chat").await;
    app.shutdown().await;
}

#[tokio::test]
async fn an_organizer_code_from_the_cli_lets_a_user_pause_test_and_hear_notices() {
    let tg = FakeTelegram::start().await;
    let (app, _dir) = relay(&tg).await;
    eventually_async("getMe taught the relay its username", async || {
        app.db().bot_username().await.unwrap().is_some()
    })
    .await;
    // The relay holds the store, so the CLI goes through its admin API.
    let out = run_cli(&[
        "codes",
        "create",
        "--kind",
        "organizer",
        "--route",
        ROUTE,
        "--config",
        app.config_path.to_str().unwrap(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("link"))
        .map(str::trim)
        .expect("a deep link")
        .to_string();
    let code = link
        .strip_prefix("https://t.me/fake_bot?start=")
        .unwrap_or_else(|| panic!("deep link: {link}"))
        .to_string();
    let listed = run_cli(&[
        "codes",
        "list",
        "--config",
        app.config_path.to_str().unwrap(),
    ])
    .await;
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(listed.contains(&code_id(&code)), "{listed}");
    assert!(!listed.contains(&code), "the code itself is never listed");

    say(&tg, &format!("/start {code}"), "You are now an organizer").await;
    say(&tg, "/routes", ROUTE).await;
    say(&tg, "/pause tuesday group", "paused").await;
    assert!(
        !app.db()
            .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
            .await
            .unwrap()
            .unwrap()
            .enabled
    );
    say(&tg, "/resume Tuesday group", "running again").await;
    assert!(
        app.db()
            .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
            .await
            .unwrap()
            .unwrap()
            .enabled
    );
    say(&tg, "/test Tuesday group", "started").await;

    app.db()
        .add_notice(
            &TenantId::new("default", ACCOUNT),
            "telegram_forbidden",
            "the bot was removed from chat -42",
            Some(ROUTE),
            None,
        )
        .await
        .unwrap();
    tg.wait_text(MEMBER, "removed from chat -42").await;
    say(&tg, "/notices", "telegram_forbidden").await;
    say(&tg, &format!("/start {code}"), "already used").await;
    // Leaving ends the role: organizer commands are refused afterwards.
    say(&tg, "/leave", "no longer an organizer").await;
    say(&tg, "/routes", "for organizers").await;
    assert!(
        app.db()
            .tenant_organizers(&TenantId::new("default", ACCOUNT))
            .await
            .unwrap()
            .is_empty()
    );
    app.shutdown().await;
}

#[tokio::test]
async fn webhook_mode_checks_the_secret_and_ignores_repeats() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = relay_with(
        &tg,
        &dir.path().join("data"),
        "mode = \"webhook\"\nwebhook_secret = \"s3cret_token-1-long\"",
    )
    .await;
    eventually("setWebhook was called", || {
        !tg.api_calls("setWebhook").is_empty()
    })
    .await;
    let set = &tg.api_calls("setWebhook")[0];
    assert_eq!(set["secret_token"], json!("s3cret_token-1-long"));
    assert_eq!(set["url"], json!(app.url("/telegram/webhook")));
    assert!(tg.api_calls("getUpdates").is_empty(), "no polling");

    let mut update = FakeTelegram::private_message(MEMBER, "/help");
    update["update_id"] = json!(77);
    let post = |secret: Option<&str>| {
        let mut req = app.client.post(app.url("/telegram/webhook")).json(&update);
        if let Some(s) = secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        req.send()
    };
    assert_eq!(post(None).await.unwrap().status(), 401);
    assert_eq!(post(Some("wrong")).await.unwrap().status(), 401);
    assert_eq!(
        post(Some("s3cret_token-1-long")).await.unwrap().status(),
        200
    );
    assert_eq!(
        post(Some("s3cret_token-1-long")).await.unwrap().status(),
        200
    );
    tg.wait_text(MEMBER, "Commands").await;
    assert_eq!(app.db().bot_last_update().await.unwrap(), Some(77));
    // Let the worker pass the queue, then make sure the repeat queued nothing.
    eventually_async("the reply job is done", async || {
        app.db().outbox_len(None).await == 0
    })
    .await;
    assert_eq!(tg.delivered_to(MEMBER).len(), 1);
    app.shutdown().await;
}

#[tokio::test]
async fn codes_cli_opens_the_store_when_no_relay_runs() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = relay_with(&tg, &dir.path().join("data"), "").await;
    eventually_async("getMe taught the relay its username", async || {
        app.db().bot_username().await.unwrap().is_some()
    })
    .await;
    let config = app.config_path.clone();
    let _config_dir = app.shutdown().await;
    let cfg = config.to_str().unwrap();

    let out = run_cli(&[
        "codes", "create", "--kind", "link", "--route", ROUTE, "--config", cfg,
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("https://t.me/fake_bot?startgroup="),
        "{stdout}"
    );
    let id = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("ID"))
        .and_then(|l| l.split_whitespace().next())
        .expect("an ID line")
        .to_string();
    let out = run_cli(&["codes", "revoke", &id, "--config", cfg]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = run_cli(&["codes", "list", "--config", cfg]).await;
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&id) && l.contains("revoked")),
        "{listed}"
    );

    let out = run_cli(&["codes", "create", "--kind", "subscribe", "--config", cfg]).await;
    assert_eq!(out.status.code(), Some(2), "a subscribe code needs --route");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--route"));
}

/// The catalogue language: Telegram's `language_code` picks the replies until the member chooses
/// one with /language, which is remembered over later updates that still say "es"; /language auto
/// goes back to Telegram's. The command menus are registered per language.
#[tokio::test]
async fn member_is_answered_in_their_language_and_can_choose_another() {
    let tg = FakeTelegram::start().await;
    let (app, _dir) = relay(&tg).await;
    let code = code(&app, CodeKind::Subscribe, Some(ROUTE)).await;

    eventually("the menus are registered in every language", || {
        tg.api_calls("setMyCommands").len() == 16
    })
    .await;
    let menus = tg.api_calls("setMyCommands");
    let spanish = menus
        .iter()
        .find(|b| b["language_code"] == "es" && b["scope"]["type"] == "all_private_chats")
        .expect("a Spanish menu for private chats");
    let describe = |menu: &Value, name: &str| {
        menu["commands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["command"] == name)
            .map(|c| c["description"].as_str().unwrap().to_string())
    };
    assert_eq!(
        describe(spanish, "list").as_deref(),
        Some("Tus suscripciones")
    );
    assert_eq!(
        describe(spanish, "language").as_deref(),
        Some("Elegir mi idioma: /language es")
    );
    let default = menus
        .iter()
        .find(|b| b.get("language_code").is_none() && b["scope"]["type"] == "all_private_chats")
        .expect("a default menu");
    assert_eq!(
        describe(default, "list").as_deref(),
        Some("Your subscriptions")
    );
    assert!(
        menus
            .iter()
            .any(|b| b["language_code"] == "de" && b["scope"]["type"] == "all_group_chats"),
        "group menus per language too"
    );

    let reply = say_in(&tg, "es", &format!("/start {code}"), "Te suscribiste a").await;
    assert!(reply.contains(ROUTE), "{reply}");
    assert!(!reply.contains("Subscribed to"), "{reply}");
    assert!(
        member_destination(&app).await,
        "the Spanish reply is a real subscription"
    );

    let reply = say_in(&tg, "es", "/language de", "Ab jetzt spreche ich Deutsch").await;
    assert!(reply.contains("/language auto"), "{reply}");
    assert_eq!(
        app.db().bot_language(MEMBER).await.unwrap().as_deref(),
        Some("de")
    );
    // Telegram still says "es"; the choice wins.
    let help = say_in(&tg, "es", "/help", "<b>Befehle</b>").await;
    assert!(!help.contains("Comandos"), "{help}");
    say_in(&tg, "es", "/mute 2h", "Stumm für 2 Std.").await;
    let list = say_in(&tg, "es", "/language", "<b>Sprachen</b>").await;
    for line in [
        "Español – <code>es</code>",
        "Deutsch – <code>de</code> ✓",
        "Русский",
    ] {
        assert!(list.contains(line), "{line:?} in {list}");
    }
    assert!(list.contains("wie du es gewählt hast"), "{list}");
    say_in(
        &tg,
        "es",
        "/language xx",
        "<code>xx</code> spreche ich nicht",
    )
    .await;
    assert_eq!(
        app.db().bot_language(MEMBER).await.unwrap().as_deref(),
        Some("de"),
        "an unknown language changes nothing"
    );

    say_in(&tg, "es", "/language auto", "Vuelvo a usar el idioma").await;
    assert_eq!(app.db().bot_language(MEMBER).await.unwrap(), None);
    say_in(&tg, "es", "/help", "<b>Comandos</b>").await;
    // A Telegram language without a catalogue gets the relay's default, English.
    say_in(&tg, "nl", "/help", "<b>Commands</b>").await;

    // In a group, the answer follows whoever sent the command.
    let mut update = FakeTelegram::group_message(GROUP, NOT_ADMIN, "/status", None);
    update["message"]["from"]["language_code"] = json!("fr");
    tg.push_update(update);
    tg.wait_text(GROUP, "Aucune route ne publie dans ce chat")
        .await;
    app.shutdown().await;
}

/// Members who subscribed before names were kept get theirs from Telegram (getChat) when the bot
/// starts; one who blocked the bot keeps a number, and a known name is not asked again.
#[tokio::test]
async fn members_subscribed_before_names_were_kept_are_named_at_start() {
    const BLOCKED: i64 = 503;
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = relay_with(&tg, &data, "").await;
    let db = app.db();
    let mut route = db
        .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
        .await
        .unwrap()
        .expect("the seeded route");
    for chat_id in [MEMBER, BLOCKED] {
        route.destinations.push(Destination::Telegram {
            chat_id,
            thread_id: None,
            member: true,
            bot: None,
        });
    }
    db.put_route(&route).await.unwrap();
    // What a relay from before names were kept left behind: subscriptions without names.
    for chat_id in [MEMBER, BLOCKED] {
        db.set_member_name(&TenantId::new("default", ACCOUNT), chat_id, None)
            .await
            .unwrap();
    }
    tg.kick(BLOCKED);
    app.shutdown().await;

    let asked = |id: i64| {
        tg.api_calls("getChat")
            .iter()
            .filter(|b| b["chat_id"] == json!(id))
            .count()
    };
    let blocked_before = asked(BLOCKED);
    let app = relay_with(&tg, &data, "").await;
    eventually_async("the member is named", async || {
        app.db()
            .member_names(&TenantId::new("default", ACCOUNT))
            .await
            .unwrap()
            .get(&MEMBER)
            .is_some_and(|n| n == "Fake")
    })
    .await;
    eventually("the blocked member was asked", || {
        asked(BLOCKED) > blocked_before
    })
    .await;
    let names = app
        .db()
        .member_names(&TenantId::new("default", ACCOUNT))
        .await
        .unwrap();
    assert!(!names.contains_key(&BLOCKED), "{names:?}");
    app.shutdown().await;

    // Known names are not asked for again.
    let (member_before, blocked_before) = (asked(MEMBER), asked(BLOCKED));
    let app = relay_with(&tg, &data, "").await;
    eventually("the blocked member is asked again", || {
        asked(BLOCKED) > blocked_before
    })
    .await;
    assert_eq!(
        asked(MEMBER),
        member_before,
        "a known name is not asked again"
    );
    app.shutdown().await;
}

//! Own bots from the operator's side: a relay with no shared bot serving a community that brought
//! its own, the `bots` CLI verbs, and one poller per bot across replicas on PostgreSQL.

use std::time::Duration;

use serde_json::Value;

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use crate::own_bots::{add_route, alert, connect, got_via, say, subscribe_code, token};
use crate::pgdb::FreshDb;
use zoom_relay::store::TenantId;

#[tokio::test]
async fn a_relay_without_a_shared_bot_serves_communities_that_bring_their_own() {
    let tg = FakeTelegram::start().await;
    let api = tg.url();
    // `[telegram]` without bot_token: no shared bot, but the API address and mode for own bots.
    let app = spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[telegram]\napi_url = \"{api}\"\npoll_timeout_secs = 1\n"
        ));
    })
    .await;
    assert!(app.config.telegram.is_none());
    let acc = "noshared-a";
    add_route(&app, acc).await;
    connect(&app, &tg, acc, 740_001, "noshared_bot").await;
    let member = 75_001;
    let code = subscribe_code(&app, acc).await;
    say(
        &tg,
        &token(740_001),
        member,
        &format!("/start {code}"),
        "Subscribed",
    )
    .await;
    alert(&app, acc, "No shared bot here").await;
    got_via(&tg, &token(740_001), member, "No shared bot here").await;

    // With no shared bot, the community's bot pushes its notices to its organizers.
    let organizer = 75_002;
    let code = zoom_relay::service::codes::create(
        &app.service(),
        &zoom_relay::service::codes::CreateCode {
            kind: zoom_relay::store::bot::CodeKind::Organizer,
            route: None,
            app: None,
            account: Some(acc.into()),
            ttl: None,
        },
    )
    .await
    .expect("an organizer code without a shared bot")
    .code;
    say(
        &tg,
        &token(740_001),
        organizer,
        &format!("/start {code}"),
        "organizer",
    )
    .await;
    app.db()
        .add_notice(
            &TenantId::new("default", acc),
            "test",
            "A notice for the organizers",
            None,
            None,
        )
        .await
        .unwrap();
    got_via(
        &tg,
        &token(740_001),
        organizer,
        "A notice for the organizers",
    )
    .await;
    assert_eq!(
        tg.pollers().len(),
        tg.pollers_of(&token(740_001)).len(),
        "only the community's bot polls"
    );
}

#[tokio::test]
async fn the_bots_verbs_set_show_and_remove_a_bot() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = crate::own_bots::relay_at(&tg, &dir.path().join("data")).await;
    let acc = "cli-a";
    add_route(&app, acc).await;
    let cfg = app.config_path.display().to_string();
    let file = dir.path().join("token.txt");
    std::fs::write(&file, format!("{}\n", token(750_001))).unwrap();
    tg.name_bot(&token(750_001), "cli_a_bot");
    let f = file.display().to_string();

    let out = run_cli(&[
        "--config",
        &cfg,
        "bots",
        "set",
        "--account",
        acc,
        "--token-file",
        &f,
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("@cli_a_bot"), "{stdout}");
    assert!(!stdout.contains(&token(750_001)));

    let out = run_cli(&["--config", &cfg, "bots", "show", "--account", acc, "--json"]).await;
    assert_eq!(out.status.code(), Some(0));
    let shown: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(shown["username"], "cli_a_bot");
    assert_eq!(shown["health"], "ok");

    // A token Telegram refuses is wrong input (2, like any invalid field), and nothing changed.
    tg.revoke(&token(750_002));
    std::fs::write(&file, token(750_002)).unwrap();
    let out = run_cli(&[
        "--config",
        &cfg,
        "bots",
        "set",
        "--account",
        acc,
        "--token-file",
        &f,
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not accept this token"));
    let out = run_cli(&["--config", &cfg, "bots", "show", "--account", acc, "--json"]).await;
    let shown: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(shown["username"], "cli_a_bot", "the connected bot stays");
    // Usage: no account (2).
    let out = run_cli(&["--config", &cfg, "bots", "show"]).await;
    assert_eq!(out.status.code(), Some(2));

    let out = run_cli(&["--config", &cfg, "bots", "remove", "--account", acc]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_cli(&["--config", &cfg, "bots", "show", "--account", acc, "--json"]).await;
    assert_eq!(out.status.code(), Some(1));
}

/// A replica on `db` whose Bot API calls reach `tg` tagged `tag`.
async fn replica(db: &FreshDb, tg: &FakeTelegram, tag: &str) -> TestApp {
    let (pg, api) = (db.tweak(), tg.url_for(tag));
    spawn_app(move |doc| {
        pg(doc);
        doc.push_str(&format!(
            "\n[telegram]\napi_url = \"{api}\"\npoll_timeout_secs = 1\n"
        ));
    })
    .await
}

#[tokio::test]
async fn one_replica_polls_each_own_bot() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let tg = FakeTelegram::start().await;
    let a = replica(&db, &tg, "a").await;
    let b = replica(&db, &tg, "b").await;
    let acc = "cluster-a";
    add_route(&a, acc).await;
    connect(&a, &tg, acc, 760_001, "cluster_a_bot").await;
    let own = token(760_001);
    let member = 76_001;
    let code = subscribe_code(&a, acc).await;
    say(&tg, &own, member, &format!("/start {code}"), "Subscribed").await;
    // Time for the other replica to pick the bot up (it re-reads the set every 2 s) and, if it
    // wrongly would, to poll too.
    tokio::time::sleep(Duration::from_secs(5)).await;
    say(&tg, &own, member, "/list", "weekly").await;
    let pollers = tg.pollers_of(&own);
    assert!(pollers.len() >= 2, "{pollers:?}");
    assert!(
        pollers.iter().all(|t| *t == pollers[0]),
        "one replica polls the bot: {pollers:?}"
    );
    // Both replicas set the bot up (commands are per bot, set by whoever starts it).
    eventually("both replicas ran the bot's setup", || {
        tg.api_calls_for(&own, "setMyCommands").len() >= 4
    })
    .await;
    drop((a, b));
}

#[tokio::test]
async fn an_organizer_connects_and_disconnects_the_bot_in_the_console() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = crate::own_bots::relay_at(&tg, &dir.path().join("data")).await;
    let acc = "console-a";
    add_route(&app, acc).await;
    let mut v = crate::console::Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;
    let page = format!("/console/t/default/{acc}/bot");
    let html = v.get(&page).await.text().await.unwrap();
    assert!(
        html.contains("@BotFather") && html.contains("name=\"token\""),
        "{html}"
    );

    tg.name_bot(&token(770_001), "console_a_bot");
    let res = v
        .post(&page, &[("csrf", &csrf), ("token", &token(770_001))])
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let html = v.get(&page).await.text().await.unwrap();
    assert!(html.contains("@console_a_bot") && html.contains("Telegram accepts its token"));
    assert!(!html.contains(&token(770_001)), "the token is never shown");

    // A wrong token is refused with the reason, and the connected bot stays.
    tg.revoke(&token(770_002));
    let res = v
        .post(&page, &[("csrf", &csrf), ("token", &token(770_002))])
        .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("did not accept this token")
    );

    let res = v.post(&format!("{page}/remove"), &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 303);
    let html = v.get(&page).await.text().await.unwrap();
    assert!(html.contains("shared bot") && !html.contains("@console_a_bot"));
}

#[tokio::test]
async fn in_webhook_mode_each_own_bot_has_its_path_and_secret() {
    let tg = FakeTelegram::start().await;
    let api = tg.url();
    let app = spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\nmode = \"webhook\"\n\
             webhook_secret = \"s3cret_token-1-long\"\n"
        ));
    })
    .await;
    let acc = "hook-a";
    add_route(&app, acc).await;
    connect(&app, &tg, acc, 780_001, "hook_a_bot").await;
    let own = token(780_001);
    eventually("the bot registered its webhook", || {
        !tg.api_calls_for(&own, "setWebhook").is_empty()
    })
    .await;
    let set = &tg.api_calls_for(&own, "setWebhook")[0];
    assert_eq!(set["url"], app.url("/telegram/webhook/780001"));
    let secret = set["secret_token"].as_str().unwrap().to_string();
    assert_ne!(
        secret, "s3cret_token-1-long",
        "its own secret, not the shared bot's"
    );
    assert!(
        tg.api_calls_for(&own, "getUpdates").is_empty(),
        "no polling"
    );

    let user = 78_001;
    let mut update = FakeTelegram::private_message(user, "/help");
    update["update_id"] = serde_json::json!(5);
    let post = |path: &str, secret: &str| {
        app.client
            .post(app.url(path))
            .header("X-Telegram-Bot-Api-Secret-Token", secret)
            .json(&update)
            .send()
    };
    // The shared bot's secret does not open the own bot's path, nor the other way round.
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        status(
            post("/telegram/webhook/780001", "s3cret_token-1-long")
                .await
                .unwrap()
        ),
        401
    );
    assert_eq!(
        status(post("/telegram/webhook", &secret).await.unwrap()),
        401
    );
    assert_eq!(
        status(post("/telegram/webhook/999", &secret).await.unwrap()),
        404
    );
    assert_eq!(
        status(post("/telegram/webhook/780001", &secret).await.unwrap()),
        200
    );
    tg.wait_text(user, "Commands").await;
    assert_eq!(
        tg.delivered_via(&own, user).len(),
        1,
        "answered by the own bot"
    );
    assert_eq!(
        app.db().own_bot_last_update(780_001).await.unwrap(),
        Some(5)
    );
}

//! Communities' own bots against FakeTelegram, which keeps everything per bot token: each alert
//! goes out through its community's bot (or the shared one), a revoked token turns off that bot
//! alone, members move to a new bot one by one, every bot polls for itself and a restart replays
//! no update.

use std::path::Path;

use serde_json::{Value, json};
use zoom_relay::routing::{Destination, Route};
use zoom_relay::service::codes::{self, CreateCode};
use zoom_relay::store::EventStatus;
use zoom_relay::store::bot::CodeKind;

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use zoom_relay::store::TenantId;

pub(crate) const SHARED: &str = "123:BOT";
const ROUTE: &str = "weekly";

/// A BotFather-shaped token for bot `id`.
pub(crate) fn token(id: i64) -> String {
    format!("{id}:own-bot-token-{id}-abcdefghijkl")
}

/// A relay with the shared bot polling `tg`, its data in `data` so a second relay can reopen it.
pub(crate) async fn relay_at(tg: &FakeTelegram, data: &Path) -> TestApp {
    let api = tg.url();
    let data = data.to_path_buf();
    spawn_app(move |doc| {
        set_key(doc, "data_dir", &format!("\"{}\"", data.display()));
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"{SHARED}\"\napi_url = \"{api}\"\npoll_timeout_secs = 1\n"
        ));
    })
    .await
}

/// `account`'s route, logging only, so Telegram destinations come from the bots alone.
pub(crate) async fn add_route(app: &TestApp, account: &str) {
    let route: Route = serde_json::from_value(json!({
        "name": ROUTE, "app_id": "default", "account_id": account,
        "events": ["meeting.started"], "destinations": [{"kind": "log"}],
    }))
    .unwrap();
    app.service().add(route).await.expect("route added");
}

pub(crate) async fn subscribe_code(app: &TestApp, account: &str) -> String {
    codes::create(
        &app.service(),
        &CreateCode {
            kind: CodeKind::Subscribe,
            route: Some(ROUTE.into()),
            app: None,
            account: Some(account.into()),
            ttl: None,
        },
    )
    .await
    .expect("code created")
    .code
}

pub(crate) async fn api(
    app: &TestApp,
    method: reqwest::Method,
    account: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .client
        .request(method, app.url("/api/v1/telegram/bot"))
        .query(&[("account", account)])
        .bearer_auth(DEMO_ADMIN_TOKEN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Connects `account`'s bot `id` (named `@{name}` by the fake) and checks the answer.
pub(crate) async fn connect(app: &TestApp, tg: &FakeTelegram, account: &str, id: i64, name: &str) {
    tg.name_bot(&token(id), name);
    let (status, body) = api(
        app,
        reqwest::Method::PUT,
        account,
        Some(json!({"token": token(id)})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["username"], name);
    assert_eq!(body["health"], "ok");
    assert!(
        !body.to_string().contains(&token(id)),
        "the token is never returned: {body}"
    );
}

/// `user` sends `text` to the bot with `via` and gets a reply containing `expect` from that bot.
pub(crate) async fn say(tg: &FakeTelegram, via: &str, user: i64, text: &str, expect: &str) {
    let before = tg.delivered_via(via, user).len();
    tg.push_update_to(via, FakeTelegram::private_message(user, text));
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let got = tg.delivered_via(via, user);
        if got[before.min(got.len())..]
            .iter()
            .any(|c| c.text.contains(expect))
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reply containing {expect:?} to {text:?} from {via}; got: {:#?}",
            tg.delivered_to(user)
                .iter()
                .map(|c| (&c.token, &c.text))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(STEP).await;
    }
}

/// Sends a meeting.started of `account` and waits until it is dispatched.
pub(crate) async fn alert(app: &TestApp, account: &str, topic: &str) {
    let uuid = unique_uuid("own-bots");
    let mut body: Value = serde_json::from_slice(&started_body(&uuid, topic)).unwrap();
    body["payload"]["account_id"] = json!(account);
    let resp = app
        .send_signed(None, &serde_json::to_vec(&body).unwrap())
        .await;
    assert_eq!(resp.status(), 200);
    eventually_async("the event is dispatched", async || {
        app.events().await.iter().any(|e| {
            e.event.body.contains(&uuid) && matches!(e.status, EventStatus::Dispatched { .. })
        })
    })
    .await;
}

/// The alert with `topic` reached `chat` through the bot with `via`, and through no other bot.
pub(crate) async fn got_via(tg: &FakeTelegram, via: &str, chat: i64, topic: &str) {
    tg.wait_text(chat, topic).await;
    let senders: Vec<String> = tg
        .delivered_to(chat)
        .into_iter()
        .filter(|c| c.text.contains(topic))
        .map(|c| c.token)
        .collect();
    assert_eq!(senders, vec![via.to_string()], "{topic} to {chat}");
}

#[tokio::test]
async fn each_alert_goes_out_through_its_communitys_bot() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = relay_at(&tg, &dir.path().join("data")).await;
    let (a, b, c) = ("own-a", "own-b", "own-shared");
    for acc in [a, b, c] {
        add_route(&app, acc).await;
    }
    connect(&app, &tg, a, 700_001, "a_alerts_bot").await;
    connect(&app, &tg, b, 700_002, "b_alerts_bot").await;
    // The bot's getMe and commands come through its own token.
    eventually("both bots set their commands", || {
        !tg.api_calls_for(&token(700_001), "setMyCommands")
            .is_empty()
            && !tg
                .api_calls_for(&token(700_002), "setMyCommands")
                .is_empty()
    })
    .await;
    eventually("a community's bot registers its menus per language", || {
        tg.api_calls_for(&token(700_001), "setMyCommands")
            .iter()
            .any(|b| {
                b["language_code"] == "es"
                    && b["commands"][0]["description"]
                        == "Suscribirte con un código, o ver qué hago"
            })
    })
    .await;

    let (ma, mb, mc) = (71_001, 71_002, 71_003);
    let code_a = subscribe_code(&app, a).await;
    // A community with its own bot: its code does nothing through the shared bot.
    say(
        &tg,
        SHARED,
        ma,
        &format!("/start {code_a}"),
        "own bot, @a_alerts_bot",
    )
    .await;
    say(
        &tg,
        &token(700_001),
        ma,
        &format!("/start {code_a}"),
        "Subscribed",
    )
    .await;
    let code_b = subscribe_code(&app, b).await;
    // ... nor through another community's bot.
    say(
        &tg,
        &token(700_001),
        mb,
        &format!("/start {code_b}"),
        "another community",
    )
    .await;
    say(
        &tg,
        &token(700_002),
        mb,
        &format!("/start {code_b}"),
        "Subscribed",
    )
    .await;
    let code_c = subscribe_code(&app, c).await;
    say(&tg, SHARED, mc, &format!("/start {code_c}"), "Subscribed").await;
    // A community's bot speaks for its community only: another community's subscription of the
    // same person does not show through it.
    say(
        &tg,
        &token(700_001),
        mc,
        "/list",
        "You have no subscriptions",
    )
    .await;
    say(&tg, SHARED, mc, "/list", "weekly").await;

    let created = codes::create(
        &app.service(),
        &CreateCode {
            kind: CodeKind::Subscribe,
            route: Some(ROUTE.into()),
            app: None,
            account: Some(a.into()),
            ttl: None,
        },
    )
    .await
    .unwrap();
    assert!(
        created
            .deep_link
            .as_deref()
            .is_some_and(|l| l.starts_with("https://t.me/a_alerts_bot?start=")),
        "{:?}",
        created.deep_link
    );

    alert(&app, a, "A weekly call").await;
    alert(&app, b, "B weekly call").await;
    alert(&app, c, "C weekly call").await;
    got_via(&tg, &token(700_001), ma, "A weekly call").await;
    got_via(&tg, &token(700_002), mb, "B weekly call").await;
    got_via(&tg, SHARED, mc, "C weekly call").await;
    assert_eq!(tg.count_429(), 0);

    let (status, shown) = api(&app, reqwest::Method::GET, a, None).await;
    assert_eq!(status, 200);
    assert_eq!(shown["link"], "https://t.me/a_alerts_bot");
    assert_eq!(shown["still_on_shared_bot"], json!([]));
    // Another community cannot take a bot that is connected.
    let (status, _) = api(
        &app,
        reqwest::Method::PUT,
        c,
        Some(json!({"token": token(700_001)})),
    )
    .await;
    assert_eq!(status, 409);
    // A token Telegram refuses is not stored.
    tg.revoke(&token(700_009));
    let (status, body) = api(
        &app,
        reqwest::Method::PUT,
        c,
        Some(json!({"token": token(700_009)})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(api(&app, reqwest::Method::GET, c, None).await.0, 404);
}

#[tokio::test]
async fn a_revoked_token_turns_off_only_that_bot() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = relay_at(&tg, &dir.path().join("data")).await;
    let (a, b) = ("rev-a", "rev-b");
    add_route(&app, a).await;
    add_route(&app, b).await;
    connect(&app, &tg, a, 710_001, "rev_a_bot").await;
    connect(&app, &tg, b, 710_002, "rev_b_bot").await;
    let (ma, mb) = (72_001, 72_002);
    let code = subscribe_code(&app, a).await;
    say(
        &tg,
        &token(710_001),
        ma,
        &format!("/start {code}"),
        "Subscribed",
    )
    .await;
    let code = subscribe_code(&app, b).await;
    say(
        &tg,
        &token(710_002),
        mb,
        &format!("/start {code}"),
        "Subscribed",
    )
    .await;

    tg.revoke(&token(710_001));
    alert(&app, a, "A after revoke").await;
    alert(&app, b, "B after revoke").await;
    got_via(&tg, &token(710_002), mb, "B after revoke").await;
    eventually_async("the organizer is told", async || {
        app.db()
            .list_notices(Some(&TenantId::new("default", a)))
            .await
            .unwrap()
            .iter()
            .any(|n| n.kind == "telegram_bot_revoked" && n.message.contains("@rev_a_bot"))
    })
    .await;
    let (_, shown) = api(&app, reqwest::Method::GET, a, None).await;
    assert_eq!(shown["health"], "off", "{shown}");
    assert!(
        tg.delivered_to(ma)
            .iter()
            .all(|c| !c.text.contains("A after revoke"))
    );
    assert!(
        app.db()
            .list_notices(Some(&TenantId::new("default", b)))
            .await
            .unwrap()
            .is_empty(),
        "the other community is not touched"
    );
    let (_, other) = api(&app, reqwest::Method::GET, b, None).await;
    assert_eq!(other["health"], "ok");

    // Connecting the bot again with a fresh token turns it back on for the same subscribers.
    let fresh = "710001:own-bot-token-fresh-abcdefghijkl".to_string();
    tg.name_bot(&fresh, "rev_a_bot");
    let (status, body) = api(&app, reqwest::Method::PUT, a, Some(json!({"token": fresh}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["health"], "ok");
    alert(&app, a, "A with a new token").await;
    got_via(&tg, &fresh, ma, "A with a new token").await;
}

#[tokio::test]
async fn members_stay_on_the_shared_bot_until_they_start_the_new_one() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = relay_at(&tg, &dir.path().join("data")).await;
    let acc = "move-a";
    add_route(&app, acc).await;
    let (m1, m2) = (73_001, 73_002);
    let code = subscribe_code(&app, acc).await;
    say(&tg, SHARED, m1, &format!("/start {code}"), "Subscribed").await;
    say(&tg, SHARED, m2, &format!("/start {code}"), "Subscribed").await;

    connect(&app, &tg, acc, 720_001, "move_a_bot").await;
    let (_, shown) = api(&app, reqwest::Method::GET, acc, None).await;
    assert_eq!(
        shown["still_on_shared_bot"].as_array().unwrap().len(),
        2,
        "{shown}"
    );
    alert(&app, acc, "Still shared").await;
    got_via(&tg, SHARED, m1, "Still shared").await;
    got_via(&tg, SHARED, m2, "Still shared").await;

    // The one-time message, through the shared bot; asking twice sends nobody a second copy.
    let moved = app
        .client
        .post(app.url("/api/v1/telegram/bot/moved"))
        .query(&[("account", acc)])
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);
    assert_eq!(moved.json::<Value>().await.unwrap()["queued"], 2);
    got_via(&tg, SHARED, m1, "t.me/move_a_bot").await;
    got_via(&tg, SHARED, m2, "t.me/move_a_bot").await;
    let again = app
        .client
        .post(app.url("/api/v1/telegram/bot/moved"))
        .query(&[("account", acc)])
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(again.json::<Value>().await.unwrap()["queued"], 0);

    // m1 starts the new bot; m2 does not.
    say(
        &tg,
        &token(720_001),
        m1,
        &format!("/start {code}"),
        "Subscribed",
    )
    .await;
    let route = app
        .db()
        .get_route(&TenantId::new("default", acc), ROUTE)
        .await
        .unwrap()
        .unwrap();
    let tg_dests: Vec<&Destination> = route
        .destinations
        .iter()
        .filter(|d| matches!(d, Destination::Telegram { .. }))
        .collect();
    assert_eq!(
        tg_dests,
        vec![
            &Destination::Telegram {
                chat_id: m2,
                thread_id: None,
                member: true,
                bot: None
            },
            &Destination::Telegram {
                chat_id: m1,
                thread_id: None,
                member: true,
                bot: Some(720_001)
            },
        ]
    );
    alert(&app, acc, "After the move").await;
    got_via(&tg, &token(720_001), m1, "After the move").await;
    got_via(&tg, SHARED, m2, "After the move").await;

    // Removing the bot falls back to the shared bot, with a notice.
    assert_eq!(api(&app, reqwest::Method::DELETE, acc, None).await.0, 204);
    assert!(
        app.db()
            .list_notices(Some(&TenantId::new("default", acc)))
            .await
            .unwrap()
            .iter()
            .any(|n| n.kind == "telegram_bot_removed")
    );
    alert(&app, acc, "After removal").await;
    got_via(&tg, SHARED, m1, "After removal").await;
}

#[tokio::test]
async fn an_own_bot_polls_for_itself_and_a_restart_replays_nothing() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = relay_at(&tg, &data).await;
    let acc = "poll-a";
    let own = token(730_001);
    add_route(&app, acc).await;
    connect(&app, &tg, acc, 730_001, "poll_a_bot").await;
    let user = 74_001;
    say(&tg, &own, user, "/help", "/subscribe CODE").await;
    let code = subscribe_code(&app, acc).await;
    say(&tg, &own, user, &format!("/start {code}"), "Subscribed").await;
    let handled = tg.delivered_via(&own, user).len();
    assert!(
        tg.pollers_of(&own).len() >= 2,
        "the bot polls with its own token"
    );
    let _ = app.shutdown().await;
    // Renamed in @BotFather meanwhile: the relay learns the new name when it starts the bot.
    tg.name_bot(&own, "poll_a_renamed_bot");

    let polls_before = tg.api_calls_for(&own, "getUpdates").len();
    let app = relay_at(&tg, &data).await;
    eventually_async("the new name is stored", async || {
        api(&app, reqwest::Method::GET, acc, None).await.1["username"] == "poll_a_renamed_bot"
    })
    .await;
    eventually("the restarted relay polls the bot again", || {
        tg.api_calls_for(&own, "getUpdates").len() > polls_before + 1
    })
    .await;
    // Both updates were recorded as handled: the first poll after the restart asks past them,
    // and nobody got a second answer.
    let first = &tg.api_calls_for(&own, "getUpdates")[polls_before];
    let last_id = tg.push_update_to(&own, FakeTelegram::private_message(user, "/help")) - 1;
    assert!(
        first["offset"].as_i64().is_some_and(|o| o > last_id),
        "the restart asked from {first} while {last_id} was handled"
    );
    tg.wait_delivered(user, handled + 1, std::time::Duration::ZERO)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(tg.delivered_via(&own, user).len(), handled + 1);
    drop(app);
}

/// `text` by `user` in group `chat`, sent to the bot with `via`; waits for the bot's answer there.
async fn say_in_group(
    tg: &FakeTelegram,
    via: &str,
    chat: i64,
    user: i64,
    text: &str,
    expect: &str,
) {
    let before = tg.delivered_via(via, chat).len();
    tg.push_update_to(via, FakeTelegram::group_message(chat, user, text, None));
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !tg.delivered_via(via, chat)[before..]
        .iter()
        .any(|c| c.text.contains(expect))
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no answer containing {expect:?} to {text:?} in {chat}: {:#?}",
            tg.delivered_to(chat)
                .iter()
                .map(|c| (&c.token, &c.text))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(STEP).await;
    }
}

#[tokio::test]
async fn a_group_moves_when_linked_through_the_new_bot_and_a_kick_disables_only_it() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let app = relay_at(&tg, &dir.path().join("data")).await;
    let acc = "group-a";
    let (group, admin) = (-1_009_000_000_001, 79_001);
    add_route(&app, acc).await;
    tg.set_member_status(group, admin, "administrator");
    let link_code = async || {
        codes::create(
            &app.service(),
            &CreateCode {
                kind: CodeKind::Link,
                route: Some(ROUTE.into()),
                app: None,
                account: Some(acc.into()),
                ttl: None,
            },
        )
        .await
        .unwrap()
        .code
    };
    let code = link_code().await;
    say_in_group(
        &tg,
        SHARED,
        group,
        admin,
        &format!("/link {code}"),
        "Linked",
    )
    .await;

    connect(&app, &tg, acc, 790_001, "group_a_bot").await;
    let (_, shown) = api(&app, reqwest::Method::GET, acc, None).await;
    assert_eq!(
        shown["still_on_shared_bot"],
        json!([{"route": ROUTE, "chat_id": group, "member": false}]),
        "the group still uses the shared bot"
    );
    alert(&app, acc, "Before the group moved").await;
    got_via(&tg, SHARED, group, "Before the group moved").await;

    // The new bot is added to the group and an administrator links the route through it.
    let code = link_code().await;
    say_in_group(
        &tg,
        &token(790_001),
        group,
        admin,
        &format!("/link {code}"),
        "Linked",
    )
    .await;
    let (_, shown) = api(&app, reqwest::Method::GET, acc, None).await;
    assert_eq!(shown["still_on_shared_bot"], json!([]));
    alert(&app, acc, "After the group moved").await;
    got_via(&tg, &token(790_001), group, "After the group moved").await;

    // The bot is removed from the group: that destination alone is disabled, with a notice.
    tg.kick(group);
    alert(&app, acc, "After the kick").await;
    let key = format!("telegram:{group}@bot790001");
    eventually_async("the destination is disabled", async || {
        app.db()
            .list_disabled(Some(&TenantId::new("default", acc)))
            .await
            .unwrap()
            .iter()
            .any(|d| d.target == key)
    })
    .await;
    let (_, shown) = api(&app, reqwest::Method::GET, acc, None).await;
    assert_eq!(shown["health"], "ok", "the bot itself is fine");
}

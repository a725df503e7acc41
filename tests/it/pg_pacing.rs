//! Telegram's limits held across replicas: two relays on one PostgreSQL database fan out to many
//! chats through the rate-limiting FakeTelegram, and together they stay within 30/s overall and
//! 1/s per chat, so Telegram answers no 429. Each relay deciding alone (a pacer of its own) would
//! spend the whole budget twice.
//!
//! Needs the PostgreSQL on 127.0.0.1:5432 (see `pgdb.rs`); skips when it does not answer, except
//! under `CI=true`.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use crate::pgdb::FreshDb;

const ACCOUNT: &str = crate::rig::RIG_ACCOUNT;
const TOKEN: &str = "123:TEST";
/// Chats the route posts to: private chats and, every third, a group (whose 20/min is not reached
/// by two messages).
const CHATS: i64 = 60;
const SENT: &str = "deliveries_total{channel=\"telegram\",outcome=\"sent\",reason=\"\"}";

fn chat(i: i64) -> i64 {
    if i % 3 == 0 { -3000 - i } else { 3000 + i }
}

fn fan_out_routes() -> String {
    let mut doc = format!(
        "[[routes]]\nname = \"fan\"\napp_id = \"default\"\naccount_id = \"{ACCOUNT}\"\nevents = [\"meeting.started\"]\n"
    );
    for i in 0..CHATS {
        doc.push_str(&format!(
            "  [[routes.destinations]]\n  kind = \"telegram\"\n  chat_id = {}\n",
            chat(i)
        ));
    }
    doc
}

/// A relay on `db` whose Telegram channel talks to `fake`; the first one started seeds the route.
async fn relay(db: &FreshDb, fake: &FakeTelegram, routes: &Path) -> TestApp {
    let on_db = db.tweak();
    let (api, routes) = (fake.url(), routes.to_str().expect("utf-8 path").to_string());
    spawn_app(move |doc| {
        on_db(doc);
        set_key(doc, "seed_routes", &format!("\"{routes}\""));
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"{TOKEN}\"\napi_url = \"{api}\"\nbot_commands = false\n"
        ));
    })
    .await
}

#[tokio::test]
async fn two_relays_on_one_database_fan_out_without_a_single_429() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let routes = dir.path().join("routes.toml");
    std::fs::write(&routes, fan_out_routes()).expect("write routes");
    let a = relay(&db, &fake, &routes).await;
    let b = relay(&db, &fake, &routes).await;

    // One meeting through each relay. Until workers wake on notifications from the database, a
    // relay's Telegram worker wakes when its own dispatcher queues jobs, and either dispatcher may
    // take either event from the shared inbox; so the second event goes in once A's worker is
    // sending (and has 59 more to go), and B's dispatcher queues it and wakes B's worker.
    let resp = a
        .send_signed(None, &started_body(&unique_uuid("pace-a"), "Through A"))
        .await;
    assert_eq!(resp.status(), 200);
    eventually("the first message through A", || {
        fake.calls().iter().any(|c| c.status == 200)
    })
    .await;
    let resp = b
        .send_signed(None, &started_body(&unique_uuid("pace-b"), "Through B"))
        .await;
    assert_eq!(resp.status(), 200);

    // 120 messages at 30 per 1.04 s take about 4 s; the deadline allows for a loaded machine.
    for i in 0..CHATS {
        fake.wait_delivered(chat(i), 2, Duration::from_secs(10))
            .await;
    }
    let calls = fake.calls();
    let throttled: Vec<_> = calls.iter().filter(|c| c.status == 429).collect();
    assert!(
        throttled.is_empty(),
        "Telegram answered 429: {throttled:#?}"
    );
    assert_eq!(calls.len(), 2 * CHATS as usize, "{calls:#?}");
    // Both relays really sent: the limits held for the two together, not for one alone.
    let (by_a, by_b) = (
        a.metric(SENT).await.unwrap_or(0.0),
        b.metric(SENT).await.unwrap_or(0.0),
    );
    assert_eq!(by_a + by_b, (2 * CHATS) as f64);
    assert!(by_a >= 10.0 && by_b >= 10.0, "A sent {by_a}, B sent {by_b}");
    // The time one relay alone would need: the budget was shared, not doubled.
    let first = calls.iter().map(|c| c.at).min().expect("calls");
    let last = calls.iter().map(|c| c.at).max().expect("calls");
    assert!(
        last.duration_since(first) >= Duration::from_millis(3_000),
        "120 messages within {:?}",
        last.duration_since(first)
    );
    a.shutdown().await;
    b.shutdown().await;
}

/// The fake really is the rate limiter the test above relies on: a burst past 30/s or a second
/// message to a chat within a second gets Telegram's 429 with `retry_after`.
#[tokio::test]
async fn the_fake_telegram_answers_429_past_30_per_second_and_1_per_second_per_chat() {
    let fake = FakeTelegram::start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/bot{TOKEN}/sendMessage", fake.url());
    let send = |chat: i64| {
        client
            .post(&url)
            .json(&json!({"chat_id": chat, "text": "hi"}))
            .send()
    };
    let first = send(1).await.expect("the fake answers");
    assert_eq!(first.status(), 200);
    let again = send(1).await.expect("the fake answers");
    assert_eq!(again.status(), 429);
    let body: serde_json::Value = again.json().await.expect("JSON");
    assert_eq!(body["error_code"], 429);
    assert!(body["parameters"]["retry_after"].as_u64().unwrap_or(0) >= 1);
    // 29 more chats fill the second; the 31st send within it is refused.
    for c in 2..=30 {
        assert_eq!(send(c).await.expect("the fake answers").status(), 200);
    }
    assert_eq!(send(31).await.expect("the fake answers").status(), 429);
}

//! Replicas on one PostgreSQL database: one Telegram poller across the cluster that moves when its
//! holder is killed, and another replica's commit waking this one at once (LISTEN/NOTIFY) rather
//! than at its next poll.
//!
//! They need the PostgreSQL on 127.0.0.1:5432 (see `pgdb`); they skip when it does not answer,
//! except under `CI=true`.

use std::time::Duration;

use serde_json::json;

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use crate::pgdb::FreshDb;

const ACCOUNT: &str = "acct-it";
const USER: i64 = 7001;
const POLLER: &str = "relay_leader{role=\"bot_poller\"}";
/// How soon a role must move to a live replica after its holder died (the bound).
const TAKEOVER: Duration = Duration::from_secs(10);

/// A `zoom-relay serve` process on `db` with the bot in polling mode, talking to `tg` through
/// `tag` so the fake can tell the replicas' calls apart.
async fn bot_replica(db: &FreshDb, tg: &FakeTelegram, tag: &str) -> RelayProcess {
    let (pg, api) = (db.tweak(), tg.url_for(tag));
    RelayProcess::start(move |doc| {
        pg(doc);
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\nbot_commands = true\n\
             poll_timeout_secs = 1\n"
        ));
    })
    .await
}

/// One series of a replica's `/metrics`; None when it does not answer.
async fn metric_of(p: &RelayProcess, series: &str) -> Option<f64> {
    let resp = p.client.get(p.url("/metrics")).send().await.ok()?;
    metric_value(&resp.text().await.ok()?, series)
}

/// `relay_leader{role="bot_poller"}` on a replica.
async fn poller_gauge(p: &RelayProcess) -> Option<f64> {
    metric_of(p, POLLER).await
}

/// Sends a private `/help` and waits for the bot's answer (from whichever replica polls).
async fn bot_answers(tg: &FakeTelegram) {
    let before = tg.delivered_to(USER).len();
    tg.push_update(FakeTelegram::private_message(USER, "/help"));
    tg.wait_delivered(USER, before + 1, Duration::ZERO).await;
}

#[tokio::test]
async fn one_replica_polls_telegram_and_another_takes_over_when_it_is_killed() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let tg = FakeTelegram::start().await;
    let mut replicas = vec![
        ("a", bot_replica(&db, &tg, "a").await),
        ("b", bot_replica(&db, &tg, "b").await),
    ];

    // Exactly one holds the role, and says so.
    let mut holder = None;
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while holder.is_none() {
        let a = poller_gauge(&replicas[0].1).await;
        let b = poller_gauge(&replicas[1].1).await;
        holder = match (a, b) {
            (Some(1.0), Some(0.0)) => Some(0),
            (Some(0.0), Some(1.0)) => Some(1),
            (Some(1.0), Some(1.0)) => panic!("both replicas claim the poller role"),
            _ => None,
        };
        assert!(
            tokio::time::Instant::now() < deadline,
            "no replica took the poller role: a={a:?} b={b:?}"
        );
        tokio::time::sleep(STEP).await;
    }
    let holder = holder.unwrap();
    let (held_tag, mut held) = replicas.remove(holder);
    let (live_tag, live) = replicas.remove(0);

    bot_answers(&tg).await;
    // Give the other replica time to poll if it wrongly would: several of its retries.
    tokio::time::sleep(Duration::from_secs(5)).await;
    bot_answers(&tg).await;
    let before = tg.pollers();
    assert!(!before.is_empty());
    assert!(
        before.iter().all(|t| t == held_tag),
        "only the holder ({held_tag}) polled getUpdates: {before:?}"
    );
    assert_eq!(poller_gauge(&live).await, Some(0.0));

    // Killed with nothing in flight: a reply sent but not yet recorded would hold the next reply
    // to the same chat behind its lease (FIFO per destination), which is not what this tests.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while metric_of(&held, "outbox_depth{channel=\"telegram\"}").await != Some(0.0) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the outbox did not drain"
        );
        tokio::time::sleep(STEP).await;
    }
    held.child.kill().await.expect("SIGKILL");
    let died = tokio::time::Instant::now();
    while poller_gauge(&live).await != Some(1.0) {
        assert!(
            died.elapsed() < TAKEOVER,
            "replica {live_tag} did not take the poller role within {TAKEOVER:?} of the holder's death"
        );
        tokio::time::sleep(STEP).await;
    }
    bot_answers(&tg).await;

    let pollers = tg.pollers();
    let first_live = pollers
        .iter()
        .position(|t| t == live_tag)
        .unwrap_or_else(|| panic!("{live_tag} never polled after the takeover: {pollers:?}"));
    assert!(
        pollers[..first_live].iter().all(|t| t == held_tag)
            && pollers[first_live..].iter().all(|t| t == live_tag),
        "one poller at a time, {held_tag} then {live_tag}: {pollers:?}"
    );
    drop(live);
}

/// Both relays only wake up for work by a signal: their fallback poll is far longer than the test.
fn slow_poll(doc: &mut String) {
    set_key(doc, "poll_interval_secs", "3600");
}

#[tokio::test]
async fn a_replica_without_telegram_takes_an_event_and_another_one_sends_it_at_once() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let tg = FakeTelegram::start().await;
    let chat = 4242;
    // The sender has the Telegram channel; the intake replica has none, so it cannot send.
    let api = tg.url();
    let pg = db.tweak();
    let sender = spawn_app(move |doc| {
        pg(doc);
        slow_poll(doc);
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\nbot_commands = false\n"
        ));
    })
    .await;
    let pg = db.tweak();
    let intake = spawn_app(move |doc| {
        pg(doc);
        slow_poll(doc);
    })
    .await;
    let resp = sender
        .client
        .post(sender.url("/api/v1/routes"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&json!({
            "name": "to-telegram", "app_id": "default", "account_id": ACCOUNT,
            "events": ["meeting.started"],
            "destinations": [{"kind": "telegram", "chat_id": chat}]
        }))
        .send()
        .await
        .expect("the API answers");
    assert_eq!(
        resp.status(),
        201,
        "{}",
        resp.text().await.unwrap_or_default()
    );

    let uuid = unique_uuid("pg-wake");
    let resp = intake
        .send_signed(None, &started_body(&uuid, "Heard across replicas"))
        .await;
    assert_eq!(resp.status(), 200);
    // Within DEADLINE, far inside the hour-long poll: only a wake-up from the intake replica's
    // commit (the event, or the jobs its dispatcher queued) explains it.
    let got = tg.wait_delivered(chat, 1, Duration::ZERO).await;
    assert!(got[0].text.contains("Heard across replicas"), "{got:#?}");
    // Counted just after the send: wait for it.
    sender
        .wait_metric(
            "deliveries_total{channel=\"telegram\",outcome=\"sent\",reason=\"\"}",
            1.0,
        )
        .await;
    intake.shutdown().await;
    sender.shutdown().await;
}

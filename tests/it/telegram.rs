//! Telegram delivery against FakeTelegram: HTML parse mode and topics, our own durable pacer (per
//! chat, across restarts, 429 for one chat only), kicked bots, migrated groups, the plain-text
//! fallback and long messages in parts.

use std::path::PathBuf;
use std::time::Duration;

use tempfile::TempDir;
use zoom_relay::config::Config;
use zoom_relay::delivery::telegram::{TelegramSender, split_html};
use zoom_relay::delivery::{StepOutcome, Worker};
use zoom_relay::render::telegram::{MAX_LEN, check, to_plain_text};
use zoom_relay::routing::{DeliveryOptions, Destination, Overflow, Target};
use zoom_relay::store::{AttemptOutcome, Db, EventStatus, Message, NewJob};

use crate::fake_telegram::{Call, FakeTelegram, telegram_len};
use crate::helpers::*;
use zoom_relay::store::TenantId;

/// The rig's account, which its events come from.
const ACCOUNT: &str = crate::rig::RIG_ACCOUNT;
const TOKEN: &str = "123:TEST";
const ROUTE: &str = "tg";
/// Forgiven delivery jitter when checking one-second spacing at the fake.
const SLACK_MS: u128 = 50;

fn route_doc(chats: &[(i64, Option<i64>)]) -> String {
    let mut doc = format!(
        "[[routes]]\nname = \"{ROUTE}\"\napp_id = \"default\"\naccount_id = \"{ACCOUNT}\"\nevents = [\"meeting.started\"]\n"
    );
    for (chat, thread) in chats {
        doc.push_str(&format!(
            "  [[routes.destinations]]\n  kind = \"telegram\"\n  chat_id = {chat}\n"
        ));
        if let Some(t) = thread {
            doc.push_str(&format!("  thread_id = {t}\n"));
        }
    }
    doc
}

fn telegram_section(api_url: &str) -> String {
    format!(
        "\n[telegram]\nbot_token = \"{TOKEN}\"\napi_url = \"{api_url}\"\nbot_commands = false\n"
    )
}

/// A relay whose Telegram channel talks to `api_url`, seeded with a route to `chats`.
async fn relay(api_url: &str, chats: &[(i64, Option<i64>)]) -> (TestApp, TempDir) {
    let routes_dir = tempfile::tempdir().expect("tempdir");
    let routes_path: PathBuf = routes_dir.path().join("routes.toml");
    std::fs::write(&routes_path, route_doc(chats)).unwrap();
    let app = spawn_app(|doc| {
        set_key(
            doc,
            "seed_routes",
            &format!("\"{}\"", routes_path.to_str().unwrap()),
        );
        doc.push_str(&telegram_section(api_url));
    })
    .await;
    (app, routes_dir)
}

async fn start_meeting(app: &TestApp, topic: &str) {
    let resp = app
        .send_signed(None, &started_body(&unique_uuid("tg"), topic))
        .await;
    assert_eq!(resp.status(), 200);
}

fn gaps_ms(calls: &[Call]) -> Vec<u128> {
    calls
        .windows(2)
        .map(|w| w[1].at.duration_since(w[0].at).as_millis())
        .collect()
}

/// Visible text of Telegram HTML, independent of the code under test's tokenizer.
fn visible_text(html: &str) -> String {
    let mut stripped = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => stripped.push(c),
            _ => {}
        }
    }
    to_plain_text(&stripped)
}

// ---------------------------------------------------------------------------------------------
// A store, a route and a Telegram worker driven by `step()`.

type Rig = crate::rig::Rig<TelegramSender>;

async fn sender(store: &Db, config: &Config) -> TelegramSender {
    TelegramSender::new(config, store.clone())
        .await
        .expect("sender builds")
}

/// A second worker on the rig's store, as after a restart.
async fn worker(store: &Db, config: &Config) -> Worker<TelegramSender> {
    crate::rig::worker(store, config, sender(store, config).await)
}

async fn rig(api_url: &str) -> Rig {
    Rig::new(
        |doc| doc.push_str(&telegram_section(api_url)),
        None,
        async |config, store| sender(store, config).await,
    )
    .await
}

impl crate::rig::Rig<TelegramSender> {
    /// Queues a Telegram job carrying `html` for `chat` (as the dispatcher would, through a stored
    /// event) and returns its id.
    async fn enqueue(&self, chat: i64, html: &str) -> u64 {
        self.enqueue_with(chat, html, DeliveryOptions::default())
            .await
    }

    /// [`Rig::enqueue`] with the route's delivery options.
    async fn enqueue_with(&self, chat: i64, html: &str, options: DeliveryOptions) -> u64 {
        self.store_started(Some("meeting.created"), "Rig").await;
        let record = self
            .store
            .next_inbox_event()
            .await
            .unwrap()
            .expect("in the inbox");
        let key = format!("it-{}", record.seq);
        let job = NewJob {
            idempotency_key: key.clone(),
            event: "meeting.created".into(),
            app_id: "default".into(),
            account_id: ACCOUNT.into(),
            route_name: ROUTE.into(),
            meeting_uuid: None,
            target: Target::Telegram {
                chat_id: chat,
                thread_id: None,
                bot: None,
            },
            message: Message::Telegram { html: html.into() },
            options,
            unsubscribe_url: None,
            received_at_ms: chrono::Utc::now().timestamp_millis(),
        };
        let status = EventStatus::Dispatched { routes: 1, jobs: 1 };
        assert_eq!(
            self.store
                .commit_dispatch(&record, status, vec![job])
                .await
                .unwrap(),
            1
        );
        self.store
            .list_jobs()
            .await
            .unwrap()
            .into_iter()
            .find(|j| j.idempotency_key == key)
            .expect("job queued")
            .id
    }

    /// Steps until a job is sent or dead; returns every outcome on the way.
    async fn run_to_end(&self) -> Vec<StepOutcome> {
        self.run_until(30, |out| {
            matches!(out, StepOutcome::Sent { .. } | StepOutcome::Dead { .. })
        })
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn started_meeting_arrives_as_html_in_its_topic_through_a_running_relay() {
    let fake = FakeTelegram::start().await;
    let chat = -1001234567890;
    let (app, _routes) = relay(&fake.url(), &[(chat, Some(7))]).await;
    start_meeting(&app, "Weekly <sync> & review").await;

    let got = fake.wait_delivered(chat, 1, Duration::ZERO).await;
    assert_eq!(got.len(), 1);
    let c = &got[0];
    assert_eq!(c.token, TOKEN);
    assert_eq!(c.method, "sendmessage");
    assert_eq!(c.parse_mode.as_deref(), Some("HTML"));
    assert_eq!(c.message_thread_id, Some(7));
    assert_eq!(c.link_preview_disabled, Some(true));
    assert!(
        c.text.contains("Weekly &lt;sync&gt; &amp; review"),
        "{}",
        c.text
    );
    check(&c.text).unwrap();

    let series = "deliveries_total{channel=\"telegram\",outcome=\"sent\",reason=\"\"}";
    app.wait_metric(series, 1.0).await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_burst_to_one_chat_is_paced_to_one_per_second_without_429s() {
    let fake = FakeTelegram::start().await;
    let chat = 4242;
    let (app, _routes) = relay(&fake.url(), &[(chat, None)]).await;
    for i in 0..4 {
        start_meeting(&app, &format!("Burst {i}")).await;
    }
    let got = fake.wait_delivered(chat, 4, Duration::from_secs(4)).await;
    assert_eq!(got.len(), 4);
    for g in gaps_ms(&got) {
        assert!(g + SLACK_MS >= 1000, "messages {g} ms apart: {got:#?}");
    }
    assert_eq!(fake.count_429(), 0, "{:#?}", fake.calls());
    // Waiting for the pacer is a deferral, not a failed attempt.
    assert_eq!(
        app.metric(
            "deliveries_total{channel=\"telegram\",outcome=\"retry\",reason=\"rate_limited\"}"
        )
        .await,
        None
    );
    assert!(
        app.metric("delivery_deferrals_total{channel=\"telegram\"}")
            .await
            .is_some_and(|n| n >= 1.0)
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_429_holds_only_that_chat_for_retry_after_while_others_go_on() {
    let fake = FakeTelegram::start().await;
    let (a, b) = (-1001, -1002);
    fake.throttle_once(a, 2);
    let (app, _routes) = relay(&fake.url(), &[(a, None), (b, None)]).await;
    start_meeting(&app, "First").await;
    fake.wait_delivered(b, 1, Duration::ZERO).await;
    start_meeting(&app, "Second").await;
    let to_a = fake.wait_delivered(a, 2, Duration::from_secs(3)).await;
    let calls_a = fake.calls_to(a);
    assert_eq!(calls_a[0].status, 429, "{calls_a:#?}");
    assert_eq!(calls_a[1].status, 200, "nothing in between: {calls_a:#?}");
    let (limited, resumed) = (calls_a[0].at, to_a[0].at);
    let waited = resumed.duration_since(limited).as_millis();
    assert!(waited + SLACK_MS >= 2000, "chat A waited only {waited} ms");
    assert!(waited < 3500, "chat A waited {waited} ms, not retry_after");
    let b_during = fake
        .delivered_to(b)
        .iter()
        .filter(|c| c.at > limited && c.at < resumed)
        .count();
    assert!(b_during >= 1, "chat B was held too: {:#?}", fake.calls());
    assert_eq!(fake.count_429(), 1, "{:#?}", fake.calls());
    assert_eq!(app.metric("telegram_rate_limited_total").await, Some(1.0));
    app.shutdown().await;
}

#[tokio::test]
async fn a_kicked_bot_disables_the_destination_and_tells_the_organizer() {
    let fake = FakeTelegram::start().await;
    let chat = -2001;
    fake.kick(chat);
    let (app, _routes) = relay(&fake.url(), &[(chat, None)]).await;
    let key = format!("telegram:{chat}");
    start_meeting(&app, "Kicked").await;
    eventually_async("target disabled", async || {
        app.db()
            .is_target_disabled(&TenantId::new("default", ACCOUNT), &key)
            .await
            .unwrap()
    })
    .await;
    eventually_async("job dead", async || {
        app.db().list_dead().await.unwrap().len() == 1
    })
    .await;
    let dead = app.db().list_dead().await.unwrap();
    assert!(dead[0].reason.contains("kicked"), "{}", dead[0].reason);
    let notices = app
        .db()
        .list_notices(Some(&TenantId::new("default", ACCOUNT)))
        .await
        .unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].kind, "telegram_forbidden");
    assert!(
        notices[0].message.starts_with(&format!(
            "the bot was removed from chat {chat} or blocked; re-add it and re-enable"
        )),
        "{}",
        notices[0].message
    );
    assert_eq!(notices[0].target.as_deref(), Some(key.as_str()));

    // The next event creates no job for the disabled chat, so Telegram hears nothing more.
    start_meeting(&app, "Kicked again").await;
    eventually_async("second event dispatched", async || {
        app.events()
            .await
            .iter()
            .filter(|e| matches!(e.status, EventStatus::Dispatched { .. }))
            .count()
            == 2
    })
    .await;
    assert_eq!(fake.calls_to(chat).len(), 1);
    app.shutdown().await;
}

#[tokio::test]
async fn a_migrated_group_gets_its_route_updated_and_the_message() {
    let fake = FakeTelegram::start().await;
    let (old, new) = (-3001, -1003001000000);
    fake.migrate(old, new);
    let (app, _routes) = relay(&fake.url(), &[(old, Some(5))]).await;
    start_meeting(&app, "Upgraded").await;
    let got = fake.wait_delivered(new, 1, Duration::ZERO).await;
    assert!(got[0].text.contains("Upgraded"));
    assert_eq!(got[0].message_thread_id, Some(5));
    let to_old = fake.calls_to(old);
    assert_eq!(to_old.len(), 1);
    assert_eq!(to_old[0].status, 400);

    let route = app
        .db()
        .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
        .await
        .unwrap()
        .expect("route");
    assert_eq!(
        route.destinations,
        vec![Destination::Telegram {
            chat_id: new,
            thread_id: Some(5),
            member: false,
            bot: None,
        }]
    );
    let notices = app
        .db()
        .list_notices(Some(&TenantId::new("default", ACCOUNT)))
        .await
        .unwrap();
    assert!(
        notices.iter().any(|n| n.kind == "telegram_migrated"),
        "{notices:?}"
    );

    // Later events go straight to the new chat.
    start_meeting(&app, "Upgraded again").await;
    fake.wait_delivered(new, 2, Duration::from_secs(1)).await;
    assert_eq!(fake.calls_to(old).len(), 1);
    app.shutdown().await;
}

#[tokio::test]
async fn refused_html_is_resent_once_as_plain_text() {
    let fake = FakeTelegram::start().await;
    let chat = 5001;
    fake.refuse_html(chat);
    let (app, _routes) = relay(&fake.url(), &[(chat, None)]).await;
    start_meeting(&app, "Plain <please>").await;
    let got = fake.wait_delivered(chat, 1, Duration::from_secs(1)).await;
    let calls = fake.calls_to(chat);
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert_eq!(calls[0].status, 400);
    assert_eq!(calls[0].parse_mode.as_deref(), Some("HTML"));
    assert_eq!(got[0].parse_mode, None, "the resend has no parse_mode");
    assert_eq!(got[0].text, to_plain_text(&calls[0].text));
    assert!(got[0].text.contains("Plain <please>"), "{}", got[0].text);
    app.shutdown().await;
}

#[tokio::test]
async fn a_long_message_arrives_in_valid_parts_in_order_without_repeats() {
    let fake = FakeTelegram::start().await;
    let chat = 6001;
    let rig = rig(&fake.url()).await;
    let line = "<b>Agenda item</b> &amp; notes <i>with 😀 emoji</i>\n";
    let html = format!("<blockquote>{}</blockquote>", line.repeat(250));
    let expected = split_html(&html, MAX_LEN);
    assert_eq!(expected.len(), 3, "the message needs three parts");
    let job = rig.enqueue(chat, &html).await;

    // First part, then a 429 on the second: the retry must not resend the first.
    let out = rig.next_outcome().await;
    assert!(matches!(out, StepOutcome::Deferred { .. }), "{out:?}");
    assert_eq!(fake.delivered_to(chat).len(), 1);
    fake.throttle_once(chat, 1);
    let outcomes = rig.run_to_end().await;
    assert!(
        matches!(outcomes.last(), Some(StepOutcome::Sent { .. })),
        "{outcomes:?}"
    );
    let got = fake.delivered_to(chat);
    let texts: Vec<&str> = got.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, expected, "each part once, in order");
    for c in &got {
        assert!(telegram_len(&c.text, true) <= MAX_LEN);
        check(&c.text).unwrap_or_else(|e| panic!("part is not valid HTML: {e}"));
        assert_eq!(c.parse_mode.as_deref(), Some("HTML"));
    }
    let joined: String = got.iter().map(|c| visible_text(&c.text)).collect();
    assert_eq!(joined, visible_text(&html));
    for g in gaps_ms(&got) {
        assert!(g + SLACK_MS >= 1000, "parts {g} ms apart");
    }
    let attempts = rig.store.attempts_of(job).await.unwrap();
    let summary: Vec<_> = attempts.iter().map(|a| (a.outcome, a.status)).collect();
    assert_eq!(
        summary,
        vec![
            (AttemptOutcome::Retry, Some(429)),
            (AttemptOutcome::Sent, Some(200))
        ],
        "parts and pacing waits are not attempts"
    );
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn pacing_holds_across_a_restart_and_a_wait_is_not_an_attempt() {
    let fake = FakeTelegram::start().await;
    let chat = 7001;
    let rig = rig(&fake.url()).await;
    rig.enqueue(chat, "<b>one</b>").await;
    assert!(matches!(rig.next_outcome().await, StepOutcome::Sent { .. }));

    // A new sender on the same store, as after a restart.
    let restarted = worker(&rig.store, &rig.config).await;
    let job = rig.enqueue(chat, "<b>two</b>").await;
    let out = restarted.step().await.unwrap();
    let StepOutcome::Deferred { job_id, at_ms } = out else {
        panic!("the restarted pacer let a burst through: {out:?}")
    };
    assert_eq!(job_id, job);
    let queued = rig.store.get_job(job).await.unwrap().expect("still queued");
    assert_eq!(queued.attempts, 0);
    assert!(rig.store.attempts_of(job).await.unwrap().is_empty());
    assert_eq!(
        restarted.step().await.unwrap(),
        StepOutcome::Idle {
            next_due_ms: Some(at_ms)
        }
    );
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        match restarted.step().await.unwrap() {
            StepOutcome::Sent { .. } => break,
            StepOutcome::Idle { .. } | StepOutcome::Deferred { .. } => {}
            other => panic!("{other:?}"),
        }
        assert!(tokio::time::Instant::now() < deadline, "never sent");
        tokio::time::sleep(STEP).await;
    }
    let got = fake.delivered_to(chat);
    assert_eq!(got.len(), 2);
    assert!(gaps_ms(&got)[0] + SLACK_MS >= 1000);
    assert_eq!(fake.count_429(), 0);
    let _ = &rig.dir;
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn network_errors_are_retried_and_never_record_the_token() {
    // A port that was free a moment ago: nothing answers there.
    let port = free_port();
    let rig = rig(&format!("http://127.0.0.1:{port}")).await;
    let job = rig.enqueue(8001, "<b>unreachable</b>").await;
    let out = rig.next_outcome().await;
    assert!(matches!(out, StepOutcome::Retry { .. }), "{out:?}");
    let attempts = rig.store.attempts_of(job).await.unwrap();
    assert_eq!(attempts.len(), 1);
    let detail = &attempts[0].detail;
    assert!(!detail.is_empty());
    assert!(!detail.contains(TOKEN), "token leaked: {detail}");
    assert!(!detail.contains("TEST"), "token leaked: {detail}");
    assert!(detail.contains("Connection refused"), "{detail}");
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn route_options_truncate_a_long_message_and_send_silently_with_a_preview() {
    let fake = FakeTelegram::start().await;
    let chat = 6101;
    let rig = rig(&fake.url()).await;
    let line = "<b>Agenda item</b> &amp; notes\n";
    let html = format!("<i>{}</i>", line.repeat(400));
    assert!(
        split_html(&html, MAX_LEN).len() > 1,
        "long enough to need parts"
    );
    let options = DeliveryOptions {
        link_preview: true,
        silent: true,
        overflow: Overflow::Truncate,
    };
    rig.enqueue_with(chat, &html, options).await;
    let outcomes = rig.run_to_end().await;
    assert!(
        matches!(outcomes.last(), Some(StepOutcome::Sent { .. })),
        "{outcomes:?}"
    );
    let got = fake.delivered_to(chat);
    assert_eq!(got.len(), 1, "truncate sends one message");
    let c = &got[0];
    assert!(telegram_len(&c.text, true) <= MAX_LEN);
    check(&c.text).unwrap_or_else(|e| panic!("not valid HTML: {e}"));
    assert!(
        visible_text(&c.text).ends_with('…'),
        "ends with an ellipsis"
    );
    assert_eq!(c.disable_notification, Some(true));
    assert_ne!(c.link_preview_disabled, Some(true), "previews stay on");
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn telegram_down_then_back_delivers_the_queued_alert() {
    // Telegram is unreachable at first: the job is retried on the schedule, not lost.
    let port = free_port();
    let rig = rig(&format!("http://127.0.0.1:{port}")).await;
    let chat = 6201;
    let job = rig.enqueue(chat, "<b>Back</b> online").await;
    let first = rig.next_outcome().await;
    assert!(matches!(first, StepOutcome::Retry { .. }), "{first:?}");
    // Telegram comes back on the same address; the next due attempt delivers.
    let fake = FakeTelegram::start_on(port).await;
    let outcomes = rig.run_to_end().await;
    assert!(
        matches!(outcomes.last(), Some(StepOutcome::Sent { .. })),
        "{outcomes:?}"
    );
    let got = fake.delivered_to(chat);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].text, "<b>Back</b> online");
    let attempts = rig.store.attempts_of(job).await.unwrap();
    assert_eq!(
        attempts.first().map(|a| a.outcome),
        Some(AttemptOutcome::Retry)
    );
    assert_eq!(
        attempts.last().map(|a| a.outcome),
        Some(AttemptOutcome::Sent)
    );
    rig.store.close().await.unwrap();
}

/// Finding 11 of the tenant-safety review: a meeting topic is the host's input and reaches every
/// member's chat. Bidi overrides and zero-width characters in it could reorder or hide what the
/// reader sees ("Weekly sync" displayed over a different text), so they are dropped from values;
/// the joiners that emoji sequences need stay.
#[tokio::test]
async fn hidden_controls_in_a_topic_never_reach_the_chat() {
    let fake = FakeTelegram::start().await;
    let chat = -1001234567891;
    let (app, _routes) = relay(&fake.url(), &[(chat, None)]).await;
    start_meeting(
        &app,
        "Weekly\u{202E}cnys\u{202C} \u{200B}team\u{2066}\u{FEFF} 👩\u{200D}💻",
    )
    .await;

    let got = fake.wait_delivered(chat, 1, Duration::ZERO).await;
    let text = &got[0].text;
    for c in ['\u{202E}', '\u{202C}', '\u{200B}', '\u{2066}', '\u{FEFF}'] {
        assert!(
            !text.contains(c),
            "U+{:04X} reached the chat: {text:?}",
            c as u32
        );
    }
    assert!(text.contains("Weeklycnys team"), "{text:?}");
    assert!(
        text.contains("👩\u{200D}💻"),
        "the emoji sequence was broken: {text:?}"
    );
    app.shutdown().await;
}

/// Finding 11: a message that opens with an emoji line and one long paragraph was cut right after
/// the emoji, so the first notification members saw was a lone "🟢".
#[tokio::test]
async fn the_first_part_of_a_split_message_carries_content() {
    let fake = FakeTelegram::start().await;
    let chat = 6002;
    let rig = rig(&fake.url()).await;
    let html = format!("🟢\n<b>Meeting started</b> {}", "agenda notes ".repeat(600));
    rig.enqueue(chat, &html).await;
    let outcomes = rig.run_to_end().await;
    assert!(
        matches!(outcomes.last(), Some(StepOutcome::Sent { .. })),
        "{outcomes:?}"
    );
    let got = fake.delivered_to(chat);
    assert!(got.len() >= 2, "the message needs several parts");
    let first = visible_text(&got[0].text);
    assert!(
        first.contains("Meeting started") && first.chars().count() > MAX_LEN / 2,
        "the first part holds only {:?}",
        first.chars().take(40).collect::<String>()
    );
    let joined: String = got.iter().map(|c| visible_text(&c.text)).collect();
    assert_eq!(joined, visible_text(&html));
    rig.store.close().await.unwrap();
}

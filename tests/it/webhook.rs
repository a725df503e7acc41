//! Outgoing webhooks: signed per Standard Webhooks, retried through outages, disabled on 410, kept
//! away from private networks, and paced by `Retry-After`.
//!
//! Signatures are checked with the `standardwebhooks` crate, an independent implementation, so a
//! signing bug cannot hide behind a matching bug in the test.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use zoom_relay::delivery::StepOutcome;
use zoom_relay::delivery::webhook::WebhookSender;
use zoom_relay::dispatch::{DispatchOutcome, idempotency_key};
use zoom_relay::routing::Target;
use zoom_relay::store::AttemptOutcome;

use crate::helpers::*;
use zoom_relay::store::TenantId;

/// The rig's account, which its events come from.
const ACCOUNT: &str = crate::rig::RIG_ACCOUNT;
const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

// ---------------------------------------------------------------------------------------------
// The fake receiver.

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// When it arrived (before any delay of the answer).
    pub at: tokio::time::Instant,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no `{name}` header in {:?}", self.headers))
    }
}

/// What the receiver answers: a status and extra headers (`retry-after`, `location`).
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    /// A slow receiver: wait this long before answering.
    delay: Option<std::time::Duration>,
}

struct ReceiverState {
    /// Answered first, in order; then `default`.
    script: VecDeque<Reply>,
    default: Reply,
    requests: Vec<Received>,
}

/// A real HTTP server on loopback that records every request and answers as told.
pub struct WebhookReceiver {
    pub addr: SocketAddr,
    state: Arc<Mutex<ReceiverState>>,
    task: tokio::task::JoinHandle<()>,
}

impl WebhookReceiver {
    pub async fn start() -> WebhookReceiver {
        let state = Arc::new(Mutex::new(ReceiverState {
            script: VecDeque::new(),
            default: reply(200),
            requests: Vec::new(),
        }));
        let router = axum::Router::new()
            .fallback(receive)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        WebhookReceiver { addr, state, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The status answered once the script is used up.
    pub fn set_status(&self, status: u16) {
        self.state.lock().unwrap().default = reply(status);
    }

    /// Waits `delay` before every answer once the script is used up: a slow receiver, so that
    /// deliveries are in flight when a relay is killed.
    pub fn set_delay(&self, delay: std::time::Duration) {
        self.state.lock().unwrap().default.delay = Some(delay);
    }

    /// Answers the next requests with these replies, in order.
    fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.lock().unwrap().script.extend(replies);
    }

    pub fn requests(&self) -> Vec<Received> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Polls until at least `n` requests arrived, within [`DEADLINE`].
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let got = self.requests();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "receiver got {} of {n} requests within {DEADLINE:?}",
                got.len()
            );
            tokio::time::sleep(STEP).await;
        }
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn reply(status: u16) -> Reply {
    Reply {
        status,
        headers: vec![],
        delay: None,
    }
}

async fn receive(
    State(state): State<Arc<Mutex<ReceiverState>>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = tokio::time::Instant::now();
    let r = {
        let mut s = state.lock().unwrap();
        s.requests.push(Received {
            path: uri.path().to_string(),
            headers,
            body,
            at,
        });
        s.script.pop_front().unwrap_or_else(|| s.default.clone())
    };
    if let Some(d) = r.delay {
        tokio::time::sleep(d).await;
    }
    let status = StatusCode::from_u16(r.status).expect("valid status");
    let mut resp = (status, format!("receiver answered {}", r.status)).into_response();
    for (k, v) in r.headers {
        resp.headers_mut()
            .insert(k, v.parse().expect("header value"));
    }
    resp
}

// ---------------------------------------------------------------------------------------------
// A store, routes and a webhook worker driven by `step()`.

/// A route document: one route named `name` that sends every `meeting.started` of `account` to a
/// webhook at each of `urls`, signed with `secret`.
pub fn webhook_routes(name: &str, account: &str, urls: &[String], secret: &str) -> String {
    let mut doc = format!(
        "[[routes]]\nname = \"{name}\"\napp_id = \"default\"\naccount_id = \"{account}\"\nevents = [\"meeting.started\"]\n"
    );
    for url in urls {
        doc.push_str(&format!(
            "  [[routes.destinations]]\n  kind = \"webhook\"\n  url = \"{url}\"\n  secret = \"{secret}\"\n"
        ));
    }
    doc
}

fn route_doc(urls: &[String]) -> String {
    webhook_routes("hooks", ACCOUNT, urls, SECRET)
}

type Rig = crate::rig::Rig<WebhookSender>;

/// A store with a route to `urls`, and a worker built from the test config as `tweak` leaves it.
async fn rig(urls: &[String], tweak: impl FnOnce(&mut String)) -> Rig {
    Rig::new(tweak, Some(&route_doc(urls)), async |config, store| {
        WebhookSender::new(&config.webhooks, store.clone()).expect("client builds")
    })
    .await
}

/// Steps until the job is sent or dead; returns every outcome on the way.
async fn run_to_end(rig: &Rig) -> Vec<StepOutcome> {
    rig.run_until(20, |out| !matches!(out, StepOutcome::Retry { .. }))
        .await
}

fn verify(r: &Received) {
    standardwebhooks::Webhook::new(SECRET)
        .expect("secret")
        .verify(&r.body, &r.headers)
        .unwrap_or_else(|e| panic!("signature does not verify ({e:?}): {:?}", r.headers));
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn started_meeting_reaches_the_receiver_signed_through_a_running_relay() {
    let receiver = WebhookReceiver::start().await;
    let url = receiver.url("/hooks/zoom");
    let routes_dir = tempfile::tempdir().expect("tempdir");
    let routes_path = routes_dir.path().join("routes.toml");
    std::fs::write(&routes_path, route_doc(std::slice::from_ref(&url))).unwrap();
    let app = spawn_app(|doc| {
        set_key(
            doc,
            "seed_routes",
            &format!("\"{}\"", routes_path.to_str().unwrap()),
        )
    })
    .await;
    let uuid = unique_uuid("relay");
    let resp = app
        .send_signed(None, &started_body(&uuid, "Weekly sync"))
        .await;
    assert_eq!(resp.status(), 200);

    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1, "one event, one delivery");
    let r = &got[0];
    assert_eq!(r.path, "/hooks/zoom");
    verify(r);
    let mut tampered = r.clone();
    tampered.body = Bytes::from(r.body.iter().rev().copied().collect::<Vec<u8>>());
    assert!(
        standardwebhooks::Webhook::new(SECRET)
            .unwrap()
            .verify(&tampered.body, &tampered.headers)
            .is_err(),
        "the verifier must reject a changed body"
    );
    let ts: i64 = r.header("webhook-timestamp").parse().expect("unix seconds");
    assert!((ts - now_secs()).abs() < 60, "timestamp {ts} is now");
    assert_eq!(r.header("content-type"), "application/json");
    assert!(
        r.header("user-agent").starts_with("zoom-relay/"),
        "{}",
        r.header("user-agent")
    );

    // webhook-id is the job's idempotency key for (event, target).
    let event = app
        .events()
        .await
        .into_iter()
        .find(|e| e.event.body.contains(&uuid))
        .expect("stored event");
    let target = Target::Webhook {
        url: url.clone(),
        secret: SECRET.into(),
    };
    assert_eq!(r.header("webhook-id"), idempotency_key(event.seq, &target));

    let body: Value = serde_json::from_slice(&r.body).expect("JSON body");
    assert_eq!(body["type"], "meeting.started");
    assert_eq!(body["data"]["meeting"]["topic"], "Weekly sync");

    // The worker records the delivery as sent.
    let series = "deliveries_total{channel=\"webhook\",outcome=\"sent\",reason=\"\"}";
    app.wait_metric(series, 1.0).await;
    app.shutdown().await;
}

#[tokio::test]
async fn outage_then_recovery_retries_with_the_same_webhook_id() {
    let receiver = WebhookReceiver::start().await;
    receiver.script([reply(500), reply(503)]);
    let rig = rig(&[receiver.url("/hook")], |_| {}).await;
    let jobs = rig.started("Outage").await;
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];

    let outcomes = run_to_end(&rig).await;
    assert!(
        matches!(
            outcomes.as_slice(),
            [
                StepOutcome::Retry { .. },
                StepOutcome::Retry { .. },
                StepOutcome::Sent { .. }
            ]
        ),
        "{outcomes:?}"
    );
    let attempts = rig.store.attempts_of(job.id).await.unwrap();
    let summary: Vec<(AttemptOutcome, Option<u16>)> =
        attempts.iter().map(|a| (a.outcome, a.status)).collect();
    assert_eq!(
        summary,
        vec![
            (AttemptOutcome::Retry, Some(500)),
            (AttemptOutcome::Retry, Some(503)),
            (AttemptOutcome::Sent, Some(200)),
        ]
    );
    assert!(attempts[2].detail.contains("receiver answered 200"));
    let got = receiver.requests();
    assert_eq!(got.len(), 3);
    for r in &got {
        assert_eq!(r.header("webhook-id"), job.idempotency_key);
        verify(r);
    }
    assert!(
        rig.store.get_job(job.id).await.unwrap().is_none(),
        "job is done"
    );
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn an_endless_outage_ends_dead_when_the_schedule_is_exhausted() {
    let receiver = WebhookReceiver::start().await;
    receiver.set_status(502);
    let rig = rig(&[receiver.url("/hook")], |_| {}).await;
    rig.started("Down").await;
    let outcomes = run_to_end(&rig).await;
    // The test schedule has three waits: four attempts in all.
    assert_eq!(outcomes.len(), 4, "{outcomes:?}");
    let StepOutcome::Dead { reason, .. } = outcomes.last().unwrap() else {
        panic!("{outcomes:?}")
    };
    assert!(reason.contains("gave up after 4 attempts"), "{reason}");
    assert!(reason.contains("502"), "{reason}");
    assert_eq!(receiver.requests().len(), 4);
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn gone_receiver_is_disabled_with_a_notice_and_gets_no_more_jobs() {
    let receiver = WebhookReceiver::start().await;
    receiver.set_status(410);
    let url = receiver.url("/gone");
    let rig = rig(std::slice::from_ref(&url), |_| {}).await;
    let jobs = rig.started("Gone").await;
    assert_eq!(jobs.len(), 1);
    let key = jobs[0].target.key();

    let out = rig.next_outcome().await;
    let StepOutcome::Dead { reason, .. } = &out else {
        panic!("{out:?}")
    };
    assert!(reason.contains("410"), "{reason}");
    let dead = rig.store.list_dead().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(&dead[0].reason, reason);
    assert!(
        rig.store
            .is_target_disabled(&TenantId::new("default", ACCOUNT), &key)
            .await
            .unwrap()
    );
    let notices = rig
        .store
        .list_notices(Some(&TenantId::new("default", ACCOUNT)))
        .await
        .unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let n = &notices[0];
    assert_eq!(n.kind, "webhook_gone");
    assert_eq!(
        n.message,
        format!(
            "{url} answered 410 Gone; the destination is disabled. Fix the receiver and re-enable it."
        )
    );
    assert_eq!(n.route.as_deref(), Some("hooks"));
    assert_eq!(n.target.as_deref(), Some(key.as_str()));

    let again = rig.started("Gone again").await;
    assert!(
        again.iter().all(|j| j.target.key() != key),
        "a disabled target gets no job: {again:?}"
    );
    assert_eq!(receiver.requests().len(), 1);
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn private_destinations_are_blocked_without_being_contacted() {
    let receiver = WebhookReceiver::start().await;
    let port = receiver.addr.port();
    // An IP literal (checked before sending) and a name (checked in the resolver).
    let urls = [
        receiver.url("/literal"),
        format!("http://localhost:{port}/named"),
    ];
    let rig = rig(&urls, |doc| set_key(doc, "allow_private_networks", "false")).await;
    assert_eq!(rig.started("Sneaky").await.len(), 2);
    for _ in 0..2 {
        let out = rig.next_outcome().await;
        let StepOutcome::Dead { reason, .. } = &out else {
            panic!("{out:?}")
        };
        assert!(reason.starts_with("blocked: "), "{reason}");
        assert!(reason.contains("private or reserved network"), "{reason}");
        assert!(
            !reason.contains("127.0.0.1") && !reason.contains("::1"),
            "the resolved address is not shown to tenants: {reason}"
        );
    }
    assert_eq!(rig.store.list_dead().await.unwrap().len(), 2);
    assert!(
        receiver.requests().is_empty(),
        "nothing may reach the receiver"
    );
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn allow_cidrs_lets_one_private_block_through() {
    let receiver = WebhookReceiver::start().await;
    let rig = rig(&[receiver.url("/allowed")], |doc| {
        set_key(doc, "allow_private_networks", "false");
        set_key(doc, "allow_cidrs", "[\"127.0.0.0/8\"]");
    })
    .await;
    rig.started("Internal").await;
    let out = rig.next_outcome().await;
    assert!(matches!(out, StepOutcome::Sent { .. }), "{out:?}");
    verify(&receiver.wait_for(1).await[0]);
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn redirects_are_failures_and_are_not_followed() {
    let receiver = WebhookReceiver::start().await;
    receiver.script([Reply {
        headers: vec![("location", receiver.url("/elsewhere"))],
        ..reply(302)
    }]);
    let rig = rig(&[receiver.url("/moved")], |_| {}).await;
    rig.started("Moved").await;
    let out = rig.next_outcome().await;
    let StepOutcome::Dead { reason, .. } = &out else {
        panic!("{out:?}")
    };
    assert!(reason.contains("HTTP 302"), "{reason}");
    let got = receiver.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/moved");
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn rate_limited_delivery_waits_as_told_by_retry_after() {
    let receiver = WebhookReceiver::start().await;
    receiver.script([Reply {
        headers: vec![("retry-after", "1".into())],
        ..reply(429)
    }]);
    let rig = rig(&[receiver.url("/busy")], |_| {}).await;
    let jobs = rig.started("Busy").await;
    let job_id = jobs[0].id;

    let out = rig.next_outcome().await;
    let StepOutcome::Retry { at_ms, .. } = out else {
        panic!("{out:?}")
    };
    let attempts = rig.store.attempts_of(job_id).await.unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].outcome, AttemptOutcome::Retry);
    assert_eq!(attempts[0].status, Some(429));
    // The schedule alone would wait 10 ms; the server asked for a second.
    assert!(
        at_ms - attempts[0].at_ms >= 1000,
        "next try {} ms after the attempt",
        at_ms - attempts[0].at_ms
    );
    assert!(
        at_ms - attempts[0].at_ms < 2000,
        "Retry-After honoured, not exceeded"
    );
    assert_eq!(
        rig.worker.step().await.unwrap(),
        StepOutcome::Idle {
            next_due_ms: Some(at_ms)
        }
    );
    let out = rig.next_outcome().await;
    assert!(matches!(out, StepOutcome::Sent { .. }), "{out:?}");
    let got = receiver.requests();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    rig.store.close().await.unwrap();
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_retried() {
    let receiver = WebhookReceiver::start().await;
    receiver.script([Reply {
        delay: Some(std::time::Duration::from_secs(3)),
        ..reply(200)
    }]);
    // A port that was free a moment ago: nothing listens, so the connection is refused.
    let closed = format!("http://127.0.0.1:{}/closed", free_port());
    let rig = rig(&[receiver.url("/slow"), closed.clone()], |doc| {
        set_key(doc, "timeout_secs", "1")
    })
    .await;
    let jobs = rig.started("Flaky").await;
    assert_eq!(jobs.len(), 2);
    for _ in 0..2 {
        assert!(matches!(
            rig.next_outcome().await,
            StepOutcome::Retry { .. }
        ));
    }
    for job in &jobs {
        let attempts = rig.store.attempts_of(job.id).await.unwrap();
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].outcome, AttemptOutcome::Retry);
        assert_eq!(attempts[0].status, None);
        let Target::Webhook { url, .. } = &job.target else {
            panic!("webhook target expected")
        };
        if *url == closed {
            assert!(
                attempts[0].detail.to_lowercase().contains("refused"),
                "{}",
                attempts[0].detail
            );
        } else {
            assert_eq!(attempts[0].detail, "timed out after 1 s");
        }
    }
    rig.store.close().await.unwrap();
}

#[test]
fn invalid_allow_cidrs_name_the_key_and_the_fix() {
    let mut doc = test_config_text("127.0.0.1:1".parse().unwrap());
    set_key(
        &mut doc,
        "allow_cidrs",
        "[\"10.0.0.0/8\", \"10.0.0.5/8\", \"nope\"]",
    );
    let err = zoom_relay::config::from_toml_str(
        &doc,
        zoom_relay::config::ConfigSource::EmbeddedExample,
        &[],
    )
    .unwrap_err();
    let keys: Vec<&str> = err.key_errors().iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, ["webhooks.allow_cidrs[1]", "webhooks.allow_cidrs[2]"]);
    assert!(err.key_errors()[0].problem.contains("10.0.0.0/8"), "{err}");
    assert!(err.to_string().contains("Fix:"), "{err}");
}

/// A dispatcher reads each tenant's routes once per claimed batch. An uninstall in the middle of a
/// batch purges the tenant's routes, so an event after it in the same batch must not be planned
/// against the routes read before the purge.
#[tokio::test]
async fn an_event_after_an_uninstall_in_the_same_batch_gets_no_jobs() {
    let rig = rig(&["http://127.0.0.1:9/hook".to_string()], |_| {}).await;
    rig.store_started(None, "before the uninstall").await;
    let body = format!(
        r#"{{"event":"app_deauthorized","payload":{{"account_id":"{ACCOUNT}","user_id":"u1","signature":"deauth-batch","deauthorization_time":"2025-06-08T06:55:26.209Z","client_id":"c","user_data_retention":null}},"event_ts":1749365726209}}"#
    )
    .into_bytes();
    rig.store_body(None, body).await;
    rig.store_started(None, "after the uninstall").await;
    // All three must be in one claimed batch: on sled an acknowledged event reaches the inbox when
    // the applier writes it, and `inbox_len` waits for that.
    assert_eq!(rig.store.inbox_len().await, 3);

    let outcomes = rig.dispatcher.step_batch(32).await.expect("dispatch");
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    assert!(
        matches!(outcomes[0], DispatchOutcome::Dispatched { jobs: 1, .. }),
        "{outcomes:?}"
    );
    assert!(
        matches!(outcomes[1], DispatchOutcome::Purged { .. }),
        "{outcomes:?}"
    );
    assert!(
        matches!(
            outcomes[2],
            DispatchOutcome::Dispatched {
                routes: 0,
                jobs: 0,
                ..
            }
        ),
        "the event after the purge was planned against the purged routes: {outcomes:?}"
    );
    assert!(
        rig.store.list_routes(None).await.unwrap().is_empty(),
        "the purge removed the route"
    );
}

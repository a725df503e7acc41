//! The console guides a volunteer organizer (issue 16): a verdict and a first-run checklist on the
//! dashboard, broken destinations flagged where organizers look, no useless Retry, deleting only
//! after a confirmation, and plain words instead of the relay's internals.

use reqwest::StatusCode;
use serde_json::json;

use crate::console::Visitor;
use crate::helpers::*;
use crate::webhook::WebhookReceiver;
use zoom_relay::store::TenantId;

const ACCOUNT: &str = "demo-account";

async fn page(v: &Visitor, path: &str) -> String {
    v.get(&format!("/console/t/default/{ACCOUNT}{path}"))
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_gone_receiver_is_flagged_on_the_dashboard_and_routes_and_retry_waits_for_enable() {
    let hook = WebhookReceiver::start().await;
    hook.set_status(410);
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;

    // Before: one route to the log, no test sent yet.
    let dash = page(&v, "").await;
    assert!(dash.contains("Getting started: "), "{dash}");
    assert!(dash.contains("All good"), "{dash}");

    let url = hook.url("/gone");
    let resp = app
        .client
        .post(app.url("/api/v1/routes"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(
            &json!({"name": "to-hook", "app_id": "default", "account_id": ACCOUNT,
            "events": ["meeting.started"],
            "destinations": [{"kind": "webhook", "url": url,
                "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let sent = v
        .post(
            &format!("/console/t/default/{ACCOUNT}/routes/to-hook/test"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::OK);
    let target = format!("webhook:{url}");
    eventually_async("the 410 to turn the destination off", async || {
        app.db()
            .is_target_disabled(&TenantId::new("default", ACCOUNT), &target)
            .await
            .unwrap()
    })
    .await;

    let dash = page(&v, "").await;
    assert!(dash.contains("1 problem needs your attention"), "{dash}");
    assert!(dash.contains("Webhook to 127.0.0.1"), "{dash}");
    assert_eq!(
        dash.matches("Enable again").count(),
        1,
        "listed once: {dash}"
    );
    let routes = page(&v, "/routes").await;
    assert!(routes.contains("⚠ turned off"), "{routes}");
    assert!(routes.contains("Meeting started"), "{routes}");
    assert!(!routes.contains("meeting.started"), "{routes}");
    let log = page(&v, "/deliveries?failed=1").await;
    assert!(
        log.contains("Failed") && log.contains("Test message"),
        "{log}"
    );
    assert!(log.contains("enable it first"), "{log}");
    // The event at a glance: what happened and each destination's outcome, with the reason.
    let glance = log
        .split("Latest events")
        .nth(1)
        .and_then(|r| r.split("Every delivery").next())
        .unwrap_or_default();
    assert!(
        glance.contains("Test message")
            && glance.contains("Webhook to 127.0.0.1")
            && glance.contains("✗</span> (HTTP 410"),
        "{glance}"
    );
    assert!(
        !log.contains(">Retry<"),
        "no Retry for a turned-off destination: {log}"
    );

    // Enabled again: Retry comes back, and the dashboard is all good.
    let enabled = v
        .post(
            &format!("/console/t/default/{ACCOUNT}/destinations/enable"),
            &[("csrf", &csrf), ("target", &target)],
        )
        .await;
    assert_eq!(enabled.status(), StatusCode::SEE_OTHER);
    let log = page(&v, "/deliveries?failed=1").await;
    assert!(log.contains(">Retry<"), "{log}");
    let dash = page(&v, "").await;
    assert!(
        dash.contains("1 problem needs your attention")
            && dash.contains("failed in the last 24 hours"),
        "the failure itself still counts: {dash}"
    );
}

#[tokio::test]
async fn deleting_a_route_asks_first_and_the_checklist_ticks_itself_off() {
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;
    let route = format!(
        "/console/t/default/{ACCOUNT}/routes/{}",
        zoom_relay::http::console::seg("demo: every meeting to the log")
    );

    // The old one-click form post no longer deletes: it leads to the question.
    let direct = v.post(&format!("{route}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(direct.status(), StatusCode::SEE_OTHER);
    assert!(
        app.db()
            .get_route(
                &TenantId::new("default", ACCOUNT),
                "demo: every meeting to the log"
            )
            .await
            .unwrap()
            .is_some()
    );
    let ask = v
        .get(&format!("{route}/delete"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        ask.contains("cannot be undone") && ask.contains("No, keep it"),
        "{ask}"
    );

    // The checklist: a route exists; no test yet.
    let dash = page(&v, "").await;
    assert!(
        dash.contains("<strong>Make a route</strong> (done)"),
        "{dash}"
    );
    assert!(
        !dash.contains("<strong>Send a test</strong> (done)"),
        "{dash}"
    );
    let sent = v.post(&format!("{route}/test"), &[("csrf", &csrf)]).await;
    assert_eq!(sent.status(), StatusCode::OK);
    eventually_async("the test delivered", async || {
        !app.db().list_sent().await.unwrap().is_empty()
    })
    .await;
    let dash = page(&v, "").await;
    assert!(
        dash.contains("<strong>Send a test</strong> (done)"),
        "{dash}"
    );

    let gone = v
        .post(
            &format!("{route}/delete"),
            &[
                ("csrf", &csrf),
                ("confirm", "demo: every meeting to the log"),
            ],
        )
        .await;
    assert_eq!(gone.status(), StatusCode::SEE_OTHER);
    assert!(
        app.db()
            .get_route(
                &TenantId::new("default", ACCOUNT),
                "demo: every meeting to the log"
            )
            .await
            .unwrap()
            .is_none()
    );
}

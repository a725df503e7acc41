//! SSRF outside the send path (issue 12, finding 9): webhook URLs that name private or reserved
//! addresses are refused when a route is created, and a delivery blocked at send time never shows
//! the resolved address to the organizer.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{
    DEMO_ADMIN_TOKEN, eventually_async, set_key, spawn_app, started_body, unique_uuid,
};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

fn webhook_route(name: &str, url: &str) -> Value {
    json!({
        "name": name,
        "app_id": "default",
        "account_id": "acct-it",
        "events": ["meeting.started"],
        "timezone": "UTC",
        "destinations": [{"kind": "webhook", "url": url, "secret": SECRET}],
    })
}

#[tokio::test]
async fn route_creation_refuses_private_and_reserved_webhook_urls() {
    let app = spawn_app(|doc| set_key(doc, "allow_private_networks", "false")).await;
    for (i, url) in [
        "http://127.0.0.1/",
        "http://[::127.0.0.1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[64:ff9b:1::a00:1]/",
        "http://[2002:7f00:1::1]/",
        "http://198.18.0.1/",
        "http://192.0.0.170/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0:8080/",
        "http://metadata.internal/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://localhost:9000/",
        "http://api.localhost/",
        "http://printer.local/",
    ]
    .into_iter()
    .enumerate()
    {
        let resp = app
            .client
            .post(app.url("/api/v1/routes"))
            .bearer_auth(DEMO_ADMIN_TOKEN)
            .json(&webhook_route(&format!("r{i}"), url))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let body = resp.text().await.unwrap();
        assert!(status.is_client_error(), "{url}: {status} {body}");
        assert!(body.contains("destinations[0].url"), "{url}: {body}");
    }
    // A public receiver is fine.
    let resp = app
        .client
        .post(app.url("/api/v1/routes"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&webhook_route("public", "https://hooks.example.org/zoom"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    assert!(
        app.db().list_routes(None).await.unwrap().len() <= 2,
        "only the public route (and a seeded one)"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn the_operator_can_still_allow_private_receivers() {
    let app = spawn_app(|_| {}).await; // the test config sets allow_private_networks = true
    let resp = app
        .client
        .post(app.url("/api/v1/routes"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&webhook_route("internal", "http://127.0.0.1:9/hook"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_resolving_to_loopback_is_blocked_at_send_and_the_address_is_not_shown() {
    // A receiver that would count any connection.
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = receiver.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let h = hits.clone();
    tokio::spawn(async move {
        while receiver.accept().await.is_ok() {
            h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let app = spawn_app(|doc| set_key(doc, "allow_private_networks", "false")).await;
    // Stored as a route created before creation-time checks existed would be: `localhost` is
    // refused at creation now, but names that resolve to private addresses are only found at send.
    let route: zoom_relay::routing::Route = serde_json::from_value(webhook_route(
        "old",
        &format!("http://localhost:{port}/hook"),
    ))
    .unwrap();
    app.db().put_route(&route).await.unwrap();

    let body = started_body(&unique_uuid("ssrf"), "Internal probe");
    assert_eq!(app.send_signed(None, &body).await.status(), 200);

    eventually_async("a dead letter", async || {
        !app.db().list_dead().await.unwrap().is_empty()
    })
    .await;
    let dead = app.db().list_dead().await.unwrap();
    let reason = &dead[0].reason;
    assert!(reason.starts_with("blocked: "), "{reason}");
    // What the organizer sees, through the API.
    let listed = app
        .client
        .get(app.url("/api/v1/deliveries?failed=true"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listed.contains("blocked"), "{listed}");
    for shown in [reason.as_str(), listed.as_str()] {
        for ip in ["127.0.0.1", "::1", "127.0.1.1"] {
            assert!(
                !shown.contains(ip),
                "the resolved address {ip} leaks: {shown}"
            );
        }
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing reached the receiver"
    );
    app.shutdown().await;
}

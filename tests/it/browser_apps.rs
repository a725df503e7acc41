//! A community's volunteer connects its own Zoom app in a real browser (issue 21): the invitation
//! page shows the values to paste with working copy buttons, the form checks the credentials with
//! (Fake)Zoom and adds the app, and the page updates by itself when Zoom's validation (CRC)
//! arrives. Screenshots go to `target/test-artifacts/browser/` (`apps-*`). Skipped like the
//! organizer journey when chromedriver is missing (outside CI).

use fantoccini::{Client, Locator};
use reqwest::Method;
use serde_json::json;

use crate::browser::{
    Step, chromedriver_available, finish, open_browser, shot, start_chromedriver, until,
};
use crate::fake_zoom::{CLIENT_ID, CLIENT_SECRET, FakeZoom};
use crate::helpers::*;

const TOKEN: &str = "volunteer-token-Qm3Xr8Tz";

#[tokio::test]
async fn a_volunteer_connects_a_zoom_app_from_an_invitation_in_a_real_browser() {
    if !chromedriver_available() {
        return;
    }
    let zoom = FakeZoom::start().await;
    let zoom_url = zoom.url();
    let app = spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[zoom.app_defaults]\noauth_url = \"{zoom_url}\"\napi_url = \"{zoom_url}\"\n"
        ))
    })
    .await;
    let resp = app
        .client
        .request(Method::POST, app.url("/api/v1/app-invitations"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&json!({"app_id": "choir", "name": "Thursday choir"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let inv: serde_json::Value = resp.json().await.unwrap();
    let url = inv["url"].as_str().unwrap().to_string();

    let (_driver, port) = start_chromedriver().await;
    let c = open_browser(port).await;
    let result = journey(&c, &app, &url).await;
    finish(c, result, "apps-99-failure", "invitation journey").await;
    assert_eq!(zoom.client_credentials_checks(), 1);
}

async fn journey(c: &Client, app: &TestApp, url: &str) -> Step<()> {
    c.goto(url).await?;
    shot(c, "apps-01-guide").await?;
    let webhook = c
        .find(Locator::Css("#webhook"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert_eq!(webhook, format!("http://{}/zoom/webhook/choir", app.addr));
    // A copy button answers (clipboard, or the selection fallback).
    c.find(Locator::Css("button[data-copy=webhook]"))
        .await?
        .click()
        .await?;
    until("the copy button confirms", || async {
        let t = c
            .find(Locator::Css("button[data-copy=webhook]"))
            .await?
            .text()
            .await?;
        Ok((t == "Copied").then_some(()))
    })
    .await?;

    c.find(Locator::Css("#client_id"))
        .await?
        .send_keys(CLIENT_ID)
        .await?;
    c.find(Locator::Css("#client_secret"))
        .await?
        .send_keys(CLIENT_SECRET)
        .await?;
    c.find(Locator::Css("#secret_token"))
        .await?
        .send_keys(TOKEN)
        .await?;
    shot(c, "apps-02-filled").await?;
    c.find(Locator::Css("form button[type=submit]"))
        .await?
        .click()
        .await?;
    until("the connected page", || async {
        let h1 = c.find(Locator::Css("h1")).await?.text().await?;
        Ok((h1 == "Your app is connected").then_some(()))
    })
    .await?;
    let status = c.find(Locator::Css("#crc")).await?.text().await?;
    assert!(status.contains("Waiting"), "{status}");
    shot(c, "apps-03-waiting").await?;

    // Zoom's Validate button: a signed CRC to the new app's endpoint.
    let body = serde_json::to_vec(&json!({
        "payload": {"plainToken": "browser-plain"},
        "event_ts": chrono::Utc::now().timestamp_millis(),
        "event": "endpoint.url_validation"
    }))?;
    let ts = now_secs().to_string();
    let sig = zoom_signature(TOKEN, &ts, &body);
    let resp = app
        .post_webhook(Some("choir"), &body, Some(&ts), Some(&sig))
        .await;
    assert_eq!(resp.status(), 200);
    until("the page shows Zoom's check", || async {
        let t = c.find(Locator::Css("#crc")).await?.text().await?;
        Ok(t.contains("arrived").then_some(()))
    })
    .await?;
    shot(c, "apps-04-validated").await?;
    let install = c
        .find(Locator::Css("#install"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    assert_eq!(install, format!("http://{}/zoom/install/choir", app.addr));
    Ok(())
}

//! Zoom intake, row by row of the intake table in DESIGN section 4, over real HTTP on loopback.

use std::collections::HashSet;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{
    DEADLINE, DEMO_SECRET, RelayProcess, add_app, crc_token, eventually_async, now_secs, set_key,
    spawn_app, started_body, unique_uuid, zoom_signature,
};

// ---------------------------------------------------------------------------------------------
// Published vectors (reference/zoom.md section 6.1).

/// TV1: a real Zoom CRC request captured by ZoomNet (`WebhookSignatureValidationTests.cs`), 110 bytes.
const TV1_SECRET: &str = "4fv1RkqGQUq5sWbEz6hA5A";
const TV1_TS: &str = "1720705455";
const TV1_BODY: &[u8] = br#"{"payload":{"plainToken":"xys8n8PGS7mAU0m5-YJjRA"},"event_ts":1720705455858,"event":"endpoint.url_validation"}"#;
const TV1_SIGNATURE: &str = "v0=93a1a675965ceb9c5a50c5dfb31f20e50f763be37a54ef74cd2d16a1a8e5c0d6";
const TV1_PLAIN_TOKEN: &str = "xys8n8PGS7mAU0m5-YJjRA";
const TV1_ENCRYPTED_TOKEN: &str =
    "2fffc6a967dde4f68024025a5bd991c5ae1e5313b4e6365be4883e3e81d479b3";

/// A real Zoom meeting.started delivery from the same source and app: the topic holds emoji as
/// uppercase UTF-16 surrogate escapes and `’`, `–` as literal UTF-8, exactly as Zoom serialized it.
const REAL_STARTED_TS: &str = "1720707175";
const REAL_STARTED_BODY: &str = r#"{"event":"meeting.started","payload":{"account_id":"VjZoEArIT5y-HlWxkV-tVA","object":{"duration":60,"start_time":"2024-07-11T14:12:55Z","timezone":"America/New_York","topic":"Test \uD83D\uDE92\uD83D\uDE92 ? - ’ - – \uD83D\uDE97 HOLA","id":"85393847045","type":2,"uuid":"jUh5o3dKQIytvcsfTtKBlg==","host_id":"8lzIwvZTSOqjndWPbPqzuA"}},"event_ts":1720707175904}"#;
const REAL_STARTED_SIGNATURE: &str =
    "v0=1a14e79349318fa1bead50ebbd3c185ae078e182d3bbd30ab8010fcb7f4357c7";

/// TV3: ZoomNet's EndpointUrlValidation parser test.
const TV3_SECRET: &str = "UB_rdTwhTruoYCMr6x6-MQ";
const TV3_PLAIN_TOKEN: &str = "qgg8vlvZRS6UYooatFL8Aw";
const TV3_ENCRYPTED_TOKEN: &str =
    "439d1ed256e8d5513d2acd195e0adc64bbbfeb6b795b9d1880534610b58c674c";

/// An app whose window admits the 2024 captures: a very large tolerance is allowed for replaying
/// captured deliveries (DESIGN section 5).
fn with_capture_app(doc: &mut String) {
    add_app(
        doc,
        "zoomnet",
        TV1_SECRET,
        "timestamp_tolerance_secs = 3153600000",
    );
}

async fn json_of(resp: reqwest::Response) -> Value {
    resp.json().await.expect("JSON answer")
}

#[test]
fn published_vectors_match_the_test_signer() {
    // Guards the helpers: if these fail, every signed request below is signed wrongly.
    assert_eq!(TV1_BODY.len(), 110);
    assert_eq!(zoom_signature(TV1_SECRET, TV1_TS, TV1_BODY), TV1_SIGNATURE);
    assert_eq!(
        zoom_signature(TV1_SECRET, REAL_STARTED_TS, REAL_STARTED_BODY.as_bytes()),
        REAL_STARTED_SIGNATURE
    );
    assert_eq!(crc_token(TV1_SECRET, TV1_PLAIN_TOKEN), TV1_ENCRYPTED_TOKEN);
    assert_eq!(crc_token(TV3_SECRET, TV3_PLAIN_TOKEN), TV3_ENCRYPTED_TOKEN);
}

#[test]
fn verifier_matches_the_published_vectors() {
    let v = zoom_relay::zoom::Verifier::new(TV1_SECRET.as_bytes(), u64::MAX, 300);
    assert_eq!(
        v.verify(
            Some(TV1_TS.as_bytes()),
            Some(TV1_SIGNATURE.as_bytes()),
            TV1_BODY,
            1720705455
        ),
        Ok(())
    );
    assert_eq!(v.sign(TV1_TS, TV1_BODY), TV1_SIGNATURE);
    assert_eq!(v.crc_token(TV1_PLAIN_TOKEN), TV1_ENCRYPTED_TOKEN);
    let v3 = zoom_relay::zoom::Verifier::new(TV3_SECRET.as_bytes(), 0, 0);
    assert_eq!(v3.crc_token(TV3_PLAIN_TOKEN), TV3_ENCRYPTED_TOKEN);
}

#[tokio::test]
async fn captured_crc_request_is_answered_with_the_published_encrypted_token() {
    let app = spawn_app(with_capture_app).await;
    let resp = app
        .post_webhook(Some("zoomnet"), TV1_BODY, Some(TV1_TS), Some(TV1_SIGNATURE))
        .await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        json_of(resp).await,
        json!({"plainToken": TV1_PLAIN_TOKEN, "encryptedToken": TV1_ENCRYPTED_TOKEN})
    );
    assert_eq!(
        app.db().event_count().await,
        0,
        "a CRC is answered, not stored"
    );
}

#[tokio::test]
async fn crc_for_the_docs_token_yields_the_published_encrypted_token() {
    let app = spawn_app(|doc| add_app(doc, "tv3", TV3_SECRET, "")).await;
    let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let resp = app.send_signed(Some("tv3"), body).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        json_of(resp).await,
        json!({"plainToken": TV3_PLAIN_TOKEN, "encryptedToken": TV3_ENCRYPTED_TOKEN})
    );
}

#[tokio::test]
async fn crc_with_a_bad_signature_is_refused() {
    let app = spawn_app(with_capture_app).await;
    let tampered = String::from_utf8(TV1_BODY.to_vec())
        .unwrap()
        .replace(TV1_PLAIN_TOKEN, "attacker-chosen-token0");
    let resp = app
        .post_webhook(
            Some("zoomnet"),
            tampered.as_bytes(),
            Some(TV1_TS),
            Some(TV1_SIGNATURE),
        )
        .await;
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn captured_crc_replayed_under_the_default_window_is_stale() {
    // Same real request, but the app keeps the default window (7200 s): a 2024 timestamp is too old.
    let app = spawn_app(|doc| add_app(doc, "zoomnet", TV1_SECRET, "")).await;
    let resp = app
        .post_webhook(Some("zoomnet"), TV1_BODY, Some(TV1_TS), Some(TV1_SIGNATURE))
        .await;
    assert_eq!(resp.status(), 401);
}

// ---------------------------------------------------------------------------------------------
// Raw bytes, not re-serialized JSON.

#[tokio::test]
async fn captured_event_with_emoji_escapes_verifies_over_its_raw_bytes_and_is_stored_verbatim() {
    let app = spawn_app(with_capture_app).await;
    let resp = app
        .post_webhook(
            Some("zoomnet"),
            REAL_STARTED_BODY.as_bytes(),
            Some(REAL_STARTED_TS),
            Some(REAL_STARTED_SIGNATURE),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(resp).await["status"], "accepted");
    let events = app.events().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.app_id, "zoomnet");
    assert_eq!(events[0].event.event, "meeting.started");
    assert_eq!(
        events[0].event.account_id.as_deref(),
        Some("VjZoEArIT5y-HlWxkV-tVA")
    );
    assert_eq!(
        events[0].event.body, REAL_STARTED_BODY,
        "the body is kept byte-exact"
    );
}

#[tokio::test]
async fn captured_event_re_serialized_with_serde_json_fails_verification() {
    let app = spawn_app(with_capture_app).await;
    let value: Value = serde_json::from_str(REAL_STARTED_BODY).unwrap();
    let reserialized = serde_json::to_vec(&value).unwrap();
    assert_ne!(reserialized, REAL_STARTED_BODY.as_bytes());
    let resp = app
        .post_webhook(
            Some("zoomnet"),
            &reserialized,
            Some(REAL_STARTED_TS),
            Some(REAL_STARTED_SIGNATURE),
        )
        .await;
    assert_eq!(resp.status(), 401);
    assert_eq!(app.db().event_count().await, 0);
}

#[tokio::test]
async fn body_with_surrogate_escapes_verifies_raw_and_fails_once_re_serialized() {
    let app = spawn_app(|_| {}).await;
    let uuid = unique_uuid("emoji");
    // Zoom's serializer: astral characters as uppercase surrogate escapes, BMP ones as literal UTF-8.
    let raw = format!(
        r#"{{"event":"meeting.started","payload":{{"account_id":"acct-it","object":{{"id":"85393847045","uuid":"{uuid}","host_id":"h","topic":"Fire drill \uD83D\uDE92 – Dave’s call","type":2,"start_time":"2026-01-13T18:00:00Z","duration":60}}}},"event_ts":{}}}"#,
        chrono::Utc::now().timestamp_millis()
    );
    assert!(raw.contains(r"\uD83D\uDE92") && raw.contains('’'));
    let (ts, sig) = app.signed(raw.as_bytes());

    let reserialized = serde_json::to_vec(&serde_json::from_str::<Value>(&raw).unwrap()).unwrap();
    assert_ne!(reserialized, raw.as_bytes());
    let resp = app
        .post_webhook(None, &reserialized, Some(&ts), Some(&sig))
        .await;
    assert_eq!(resp.status(), 401, "a signature covers the bytes Zoom sent");

    let resp = app
        .post_webhook(None, raw.as_bytes(), Some(&ts), Some(&sig))
        .await;
    assert_eq!(resp.status(), 200);
    let events = app.events().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.body, raw);
}

// ---------------------------------------------------------------------------------------------
// Verified events.

#[tokio::test]
async fn verified_event_is_persisted_then_acknowledged() {
    let app = spawn_app(|_| {}).await;
    let uuid = unique_uuid("ok");
    let body = started_body(&uuid, "Tuesday group");
    let resp = app.send_signed(Some("default"), &body).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(resp).await, json!({"status": "accepted"}));
    let events = app.events().await;
    assert_eq!(events.len(), 1);
    let rec = &events[0];
    assert_eq!(rec.event.app_id, "default");
    assert_eq!(rec.event.event, "meeting.started");
    assert_eq!(rec.event.account_id.as_deref(), Some("acct-it"));
    assert_eq!(rec.event.body.as_bytes(), body.as_slice());
    assert_eq!(rec.event.parse_error, None);
    assert_eq!(
        app.db()
            .get_event(rec.seq)
            .await
            .unwrap()
            .unwrap()
            .event
            .body,
        rec.event.body
    );
}

#[tokio::test]
async fn zoom_delivery_ids_are_recorded_with_the_event() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("ids"), "ids");
    let (ts, sig) = app.signed(&body);
    let resp = app
        .client
        .post(app.url("/zoom/webhook"))
        .header("x-zm-request-timestamp", ts)
        .header("x-zm-signature", sig)
        .header("x-zm-request-id", "6009d653_d487_445d_8406_42b654974899")
        .header("x-zm-trackingid", "v=2.0;clid=aw1;rid=WEB_1")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let rec = &app.events().await[0];
    assert_eq!(
        rec.event.zm_request_id.as_deref(),
        Some("6009d653_d487_445d_8406_42b654974899")
    );
    assert_eq!(
        rec.event.zm_tracking_id.as_deref(),
        Some("v=2.0;clid=aw1;rid=WEB_1")
    );
}

#[tokio::test]
async fn webhook_path_without_app_id_is_the_default_app() {
    let app = spawn_app(|doc| add_app(doc, "other", "other-secret-token", "")).await;
    assert_eq!(app.secret("default"), DEMO_SECRET);
    let body = started_body(&unique_uuid("default-path"), "default path");
    let resp = app.send_signed(None, &body).await;
    assert_eq!(resp.status(), 200);
    let events = app.events().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.app_id, "default");
}

#[tokio::test]
async fn webhook_path_without_app_id_is_404_when_no_app_is_named_default() {
    // The example's seed routes name the app `default`, so they go too.
    let app = spawn_app(|doc| {
        set_key(doc, "id", "\"main\"");
        *doc = doc.replace("seed_routes = \"routes.example.toml\"", "");
    })
    .await;
    let body = started_body(&unique_uuid("no-default"), "x");
    let ts = now_secs().to_string();
    let sig = zoom_signature(app.secret("main"), &ts, &body);
    let resp = app.post_webhook(None, &body, Some(&ts), Some(&sig)).await;
    assert_eq!(resp.status(), 404);
    let resp = app
        .post_webhook(Some("main"), &body, Some(&ts), Some(&sig))
        .await;
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn duplicate_delivery_is_acknowledged_stored_once_and_counted() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("dup"), "dup");
    let first = app.send_signed(None, &body).await;
    assert_eq!(first.status(), 200);
    assert_eq!(json_of(first).await["status"], "accepted");
    // Zoom's retry: same event, signed again with a later timestamp.
    let ts = (now_secs() + 5).to_string();
    let sig = zoom_signature(app.secret("default"), &ts, &body);
    let retry = app.post_webhook(None, &body, Some(&ts), Some(&sig)).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(json_of(retry).await["status"], "accepted");

    assert_eq!(app.db().event_count().await, 1);
    assert_eq!(app.metric("dedup_hits_total").await, Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_copies_of_one_delivery_are_stored_once() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("race"), "race");
    let (ts, sig) = app.signed(&body);
    let copies = 20u32;
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..copies {
        let req = app
            .client
            .post(app.url("/zoom/webhook"))
            .header("x-zm-request-timestamp", &ts)
            .header("x-zm-signature", &sig)
            .body(body.clone());
        sends.spawn(req.send());
    }
    while let Some(answer) = sends.join_next().await {
        assert_eq!(answer.unwrap().unwrap().status(), 200);
    }
    assert_eq!(app.db().event_count().await, 1);
    assert_eq!(
        app.metric("dedup_hits_total").await,
        Some(f64::from(copies - 1))
    );
}

#[tokio::test]
async fn retry_with_a_new_event_ts_is_still_the_same_meeting_instance() {
    // meeting.started/ended are deduplicated on the meeting instance (uuid), not on the bytes.
    let app = spawn_app(|_| {}).await;
    let uuid = unique_uuid("retry");
    let a = started_body(&uuid, "same instance");
    let mut v: Value = serde_json::from_slice(&a).unwrap();
    v["event_ts"] = json!(v["event_ts"].as_i64().unwrap() + 300_000);
    let b = serde_json::to_vec(&v).unwrap();
    assert_eq!(app.send_signed(None, &a).await.status(), 200);
    assert_eq!(app.send_signed(None, &b).await.status(), 200);
    assert_eq!(app.db().event_count().await, 1);
    // A different instance of the same meeting number is a new event.
    let c = started_body(&unique_uuid("retry"), "next instance");
    assert_eq!(app.send_signed(None, &c).await.status(), 200);
    assert_eq!(app.db().event_count().await, 2);
}

#[tokio::test]
async fn unknown_event_type_is_stored_and_acknowledged() {
    let app = spawn_app(|_| {}).await;
    let body = format!(
        r#"{{"event":"recording.completed","event_ts":{},"payload":{{"account_id":"acct-rec","object":{{"uuid":"{}","recording_files":[]}}}}}}"#,
        chrono::Utc::now().timestamp_millis(),
        unique_uuid("rec")
    );
    let resp = app.send_signed(None, body.as_bytes()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(resp).await["status"], "accepted");
    let events = app.events().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.event, "recording.completed");
    assert_eq!(events[0].event.account_id.as_deref(), Some("acct-rec"));
    assert_eq!(events[0].event.body, body);
}

#[tokio::test]
async fn malformed_meeting_event_is_stored_with_its_parse_error() {
    let app = spawn_app(|_| {}).await;
    let body = br#"{"event":"meeting.started","payload":{"account_id":"acct-bad","object":{"id":{"nested":1},"uuid":["not","a","string"]}},"event_ts":1}"#;
    let resp = app.send_signed(None, body).await;
    assert_eq!(resp.status(), 200);
    let events = app.events().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.event, "meeting.started");
    assert_eq!(events[0].event.account_id.as_deref(), Some("acct-bad"));
    assert!(
        events[0].event.parse_error.is_some(),
        "the stored record says why it did not parse"
    );
    assert_eq!(events[0].event.body.as_bytes(), body);
}

#[tokio::test]
async fn app_deauthorized_is_acknowledged_deduplicated_and_then_purged() {
    let app = spawn_app(|_| {}).await;
    let body = br#"{"event":"app_deauthorized","payload":{"account_id":"acct-gone","user_id":"u1","signature":"deauth-it-1","deauthorization_time":"2025-06-08T06:55:26.209Z","client_id":"c","user_data_retention":null},"event_ts":1749365726209}"#;
    assert_eq!(app.send_signed(None, body).await.status(), 200);
    assert_eq!(app.send_signed(None, body).await.status(), 200);
    assert_eq!(
        app.metric("dedup_hits_total").await,
        Some(1.0),
        "payload.signature deduplicates deauthorizations"
    );
    // Once handled, the uninstall leaves an audit line and not even its own event behind.
    eventually_async("the purge ran", async || {
        !app.db().list_audit().await.unwrap().is_empty()
    })
    .await;
    assert_eq!(app.db().list_audit().await.unwrap().len(), 1);
    assert!(app.events().await.is_empty(), "{:?}", app.events().await);
}

// ---------------------------------------------------------------------------------------------
// Refusals. None of them stores anything.

#[tokio::test]
async fn unknown_app_is_404() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("unknown-app"), "x");
    let (ts, sig) = app.signed(&body);
    let resp = app
        .post_webhook(Some("no-such-app"), &body, Some(&ts), Some(&sig))
        .await;
    assert_eq!(resp.status(), 404);
    assert_eq!(app.db().event_count().await, 0);
}

#[tokio::test]
async fn missing_signature_headers_are_401() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("headers"), "x");
    let (ts, sig) = app.signed(&body);
    for (ts, sig, case) in [
        (None, None, "no headers"),
        (Some(ts.as_str()), None, "no x-zm-signature"),
        (None, Some(sig.as_str()), "no x-zm-request-timestamp"),
    ] {
        let resp = app.post_webhook(None, &body, ts, sig).await;
        assert_eq!(resp.status(), 401, "{case}");
    }
    assert_eq!(app.db().event_count().await, 0);
}

#[tokio::test]
async fn malformed_signature_header_is_401() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("malformed-sig"), "x");
    let (ts, sig) = app.signed(&body);
    let hex = &sig[3..];
    for bad in [
        format!("v1={hex}"),
        hex.to_string(),
        format!("v0={}", &hex[..63]),
        format!("v0={}zz", &hex[..62]),
        String::new(),
    ] {
        let resp = app.post_webhook(None, &body, Some(&ts), Some(&bad)).await;
        assert_eq!(resp.status(), 401, "signature {bad:?}");
    }
    assert_eq!(app.db().event_count().await, 0);
}

#[tokio::test]
async fn signature_made_with_another_secret_is_401() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("wrong-secret"), "x");
    let ts = now_secs().to_string();
    let sig = zoom_signature("not-the-secret-token", &ts, &body);
    let resp = app.post_webhook(None, &body, Some(&ts), Some(&sig)).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(app.db().event_count().await, 0);
}

#[tokio::test]
async fn signature_over_a_different_timestamp_is_401() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("ts-mismatch"), "x");
    let ts = now_secs();
    let sig = zoom_signature(app.secret("default"), &ts.to_string(), &body);
    let off_by_one = (ts + 1).to_string();
    let resp = app
        .post_webhook(None, &body, Some(&off_by_one), Some(&sig))
        .await;
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn stale_timestamp_is_401_and_one_inside_the_window_is_accepted() {
    // relay.example.toml keeps the default window: 7200 s back (Zoom's last retry is at +85 min).
    let app = spawn_app(|_| {}).await;
    let secret = app.secret("default").to_string();
    let send_at = |offset: i64, tag: &'static str| {
        let body = started_body(&unique_uuid(tag), tag);
        let ts = (now_secs() + offset).to_string();
        let sig = zoom_signature(&secret, &ts, &body);
        let app = &app;
        async move { app.post_webhook(None, &body, Some(&ts), Some(&sig)).await }
    };
    assert_eq!(send_at(-7300, "stale").await.status(), 401);
    assert_eq!(app.db().event_count().await, 0);
    assert_eq!(send_at(-7000, "late-retry").await.status(), 200);
    assert_eq!(app.db().event_count().await, 1);
}

#[tokio::test]
async fn future_timestamp_is_401_and_small_clock_skew_is_accepted() {
    // Default future tolerance: 300 s.
    let app = spawn_app(|_| {}).await;
    let secret = app.secret("default").to_string();
    let send_at = |offset: i64, tag: &'static str| {
        let body = started_body(&unique_uuid(tag), tag);
        let ts = (now_secs() + offset).to_string();
        let sig = zoom_signature(&secret, &ts, &body);
        let app = &app;
        async move { app.post_webhook(None, &body, Some(&ts), Some(&sig)).await }
    };
    assert_eq!(send_at(400, "future").await.status(), 401);
    assert_eq!(app.db().event_count().await, 0);
    assert_eq!(send_at(200, "skewed").await.status(), 200);
    assert_eq!(app.db().event_count().await, 1);
}

#[tokio::test]
async fn non_numeric_timestamp_is_401() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("ts-text"), "x");
    let ts = "yesterday";
    let sig = zoom_signature(app.secret("default"), ts, &body);
    let resp = app.post_webhook(None, &body, Some(ts), Some(&sig)).await;
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn signed_body_that_is_not_json_is_400() {
    let app = spawn_app(|_| {}).await;
    for body in [
        &b"this is not json"[..],
        &b"{\"event\":\"meeting.started\""[..],
        &b""[..],
    ] {
        let resp = app.send_signed(None, body).await;
        assert_eq!(
            resp.status(),
            400,
            "body {:?}",
            String::from_utf8_lossy(body)
        );
    }
    assert_eq!(app.db().event_count().await, 0);
}

#[tokio::test]
async fn signed_json_without_an_event_name_is_400() {
    let app = spawn_app(|_| {}).await;
    let resp = app
        .send_signed(None, br#"{"payload":{"account_id":"a"}}"#)
        .await;
    assert_eq!(resp.status(), 400);
    assert_eq!(app.db().event_count().await, 0);
}

#[tokio::test]
async fn unsigned_garbage_is_401_not_400() {
    // The signature is checked before the body is parsed, so an attacker learns nothing from it.
    let app = spawn_app(|_| {}).await;
    let resp = app
        .post_webhook(None, b"not json", Some(&now_secs().to_string()), None)
        .await;
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn body_signed_for_one_app_is_401_at_another_apps_path() {
    let app = spawn_app(|doc| add_app(doc, "second", "second-app-secret-token", "")).await;
    assert_ne!(app.secret("default"), app.secret("second"));
    let body = started_body(&unique_uuid("cross-app"), "x");
    let (ts, sig) = app.signed_for("default", &body);
    let resp = app
        .post_webhook(Some("second"), &body, Some(&ts), Some(&sig))
        .await;
    assert_eq!(resp.status(), 401);
    assert_eq!(app.db().event_count().await, 0);

    let (ts, sig) = app.signed_for("second", &body);
    let resp = app
        .post_webhook(Some("second"), &body, Some(&ts), Some(&sig))
        .await;
    assert_eq!(resp.status(), 200);
    let events = app.events().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.app_id, "second");
}

/// A signed meeting.started body padded (inside the topic) to exactly `len` bytes.
fn padded_body(len: usize) -> Vec<u8> {
    let base = started_body(&unique_uuid("size"), "");
    let pad = len
        .checked_sub(base.len())
        .expect("len is above the base size");
    let text = String::from_utf8(base).unwrap().replacen(
        "\"topic\":\"\"",
        &format!("\"topic\":\"{}\"", "x".repeat(pad)),
        1,
    );
    assert_eq!(text.len(), len);
    text.into_bytes()
}

#[tokio::test]
async fn body_at_the_size_limit_is_accepted_and_one_byte_more_is_413() {
    let app = spawn_app(|_| {}).await;
    let limit = app.config.server.max_body_bytes;
    assert_eq!(limit, 256 * 1024, "the documented default");

    let at_limit = padded_body(limit);
    assert_eq!(app.send_signed(None, &at_limit).await.status(), 200);

    let over = padded_body(limit + 1);
    let resp = app.send_signed(None, &over).await;
    assert_eq!(resp.status(), 413);
    assert_eq!(app.db().event_count().await, 1);
}

#[tokio::test]
async fn oversized_body_is_413_before_any_signature_check() {
    let app = spawn_app(|_| {}).await;
    let body = vec![b'x'; 2 * 1024 * 1024];
    let resp = app.post_webhook(None, &body, None, None).await;
    assert_eq!(resp.status(), 413);
}

/// Sends a chunked request (no Content-Length) by hand and returns the response status.
async fn post_chunked(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut wire = head.into_bytes();
    for chunk in body.chunks(512) {
        wire.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        wire.extend_from_slice(chunk);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"0\r\n\r\n");
    // The relay may answer and close before reading everything; a failed write is expected then.
    let (mut rd, mut wr) = stream.split();
    let write = async {
        let _ = wr.write_all(&wire).await;
    };
    let read = async {
        let mut buf = Vec::new();
        let mut tmp = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match rd.read(&mut tmp).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&tmp[..n]),
            }
        }
        buf
    };
    let (_, response) = tokio::time::timeout(DEADLINE, async { tokio::join!(write, read) })
        .await
        .expect("the relay answers a chunked request");
    let text = String::from_utf8_lossy(&response);
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .unwrap_or_else(|| panic!("no HTTP status line in {text:?}"));
    status.parse().unwrap()
}

#[tokio::test]
async fn oversized_chunked_body_without_content_length_is_413() {
    // The smallest allowed limit keeps the whole request inside socket buffers.
    let app = spawn_app(|doc| set_key(doc, "max_body_bytes", "1024")).await;
    let small = padded_body(1000);
    let (ts, sig) = app.signed(&small);
    let headers = [
        ("x-zm-request-timestamp", ts.as_str()),
        ("x-zm-signature", sig.as_str()),
    ];
    assert_eq!(
        post_chunked(app.addr, "/zoom/webhook", &headers, &small).await,
        200,
        "a chunked body under the limit is read and accepted"
    );

    let big = padded_body(1025);
    let (ts, sig) = app.signed(&big);
    let headers = [
        ("x-zm-request-timestamp", ts.as_str()),
        ("x-zm-signature", sig.as_str()),
    ];
    assert_eq!(
        post_chunked(app.addr, "/zoom/webhook", &headers, &big).await,
        413
    );
    assert_eq!(app.db().event_count().await, 1);
}

#[tokio::test]
async fn intake_answers_503_when_the_store_cannot_persist() {
    // Zoom retries 5xx, never 4xx: a verified event that could not be stored must not get a 4xx or a 200.
    let app = spawn_app(|_| {}).await;
    app.db().close().await.expect("close the store");
    let body = started_body(&unique_uuid("store-down"), "x");
    let resp = app.send_signed(None, &body).await;
    assert_eq!(resp.status(), 503);
    let resp = app.get("/readyz").await;
    assert_eq!(resp.status(), 503, "readiness reports the stopped store");
}

// ---------------------------------------------------------------------------------------------
// Health.

#[tokio::test]
async fn healthz_and_readyz_answer_200() {
    let app = spawn_app(|_| {}).await;
    let resp = app.get("/healthz").await;
    assert_eq!(resp.status(), 200);
    let resp = app.get("/readyz").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(resp).await["status"], "ready");
    app.shutdown().await;
}

#[tokio::test]
async fn metrics_count_intake_results_per_app() {
    let app = spawn_app(|_| {}).await;
    let body = started_body(&unique_uuid("metrics"), "x");
    assert_eq!(app.send_signed(None, &body).await.status(), 200);
    assert_eq!(
        app.post_webhook(None, &body, None, None).await.status(),
        401
    );
    assert_eq!(
        app.metric(
            r#"webhooks_received_total{app="default",event="meeting.started",result="accepted"}"#
        )
        .await,
        Some(1.0)
    );
    assert_eq!(
        app.metric(r#"webhooks_received_total{app="default",event="",result="unauthorized"}"#)
            .await,
        Some(1.0)
    );
    // Unknown app ids are chosen by whoever sends the request: they must not become label values.
    let probe = "attacker-chosen-app-id";
    assert_eq!(
        app.post_webhook(Some(probe), &body, None, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.metric(r#"webhooks_received_total{app="",event="",result="unknown_app"}"#)
            .await,
        Some(1.0)
    );
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(!text.contains(probe), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Durability: every acknowledged event survives the process dying.

/// How many events each durability test sends at once.
const FLOOD: usize = 200;

/// Prepares `FLOOD` unique signed events for `relay`: (meeting uuid, request).
fn flood_requests(
    relay: &RelayProcess,
) -> Vec<(
    String,
    impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
)> {
    (0..FLOOD)
        .map(|i| {
            let uuid = unique_uuid(&format!("flood{i}"));
            let send = relay.send_signed(started_body(&uuid, "durability"));
            (uuid, send)
        })
        .collect()
}

/// Sends the requests concurrently and runs `interrupt` once `interrupt_after` of them have been
/// acknowledged (or when all are done). Returns the uuids that got a 200.
async fn flood(
    requests: Vec<(
        String,
        impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
    )>,
    interrupt_after: usize,
    interrupt: impl AsyncFnOnce(),
) -> Vec<String> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut tasks = tokio::task::JoinSet::new();
    for (uuid, send) in requests {
        let tx = tx.clone();
        tasks.spawn(async move {
            if let Ok(resp) = send.await
                && resp.status() == 200
            {
                let _ = tx.send(uuid);
            }
        });
    }
    drop(tx);
    let mut acked = Vec::new();
    let mut interrupt = Some(interrupt);
    let deadline = tokio::time::Instant::now() + DEADLINE * 3;
    loop {
        if acked.len() >= interrupt_after
            && let Some(f) = interrupt.take()
        {
            f().await;
        }
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(uuid)) => acked.push(uuid),
            Ok(None) => break,
            Err(_) => panic!("the flood did not finish within {:?}", DEADLINE * 3),
        }
    }
    if let Some(f) = interrupt.take() {
        f().await;
    }
    while tasks.join_next().await.is_some() {}
    acked
}

/// Opens the store the relay process left behind and checks every acknowledged event is in it.
async fn assert_all_stored(relay: &RelayProcess, acked: &[String]) {
    let store = relay.open_store().await;
    let stored = store
        .list_events(&zoom_relay::store::EventFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), store.event_count().await);
    assert!(
        stored.len() >= acked.len() && stored.len() <= FLOOD,
        "{} stored, {} acknowledged",
        stored.len(),
        acked.len()
    );
    let stored_uuids: HashSet<String> = stored
        .iter()
        .filter_map(|r| {
            let v: Value = serde_json::from_str(&r.event.body).ok()?;
            Some(v["payload"]["object"]["uuid"].as_str()?.to_string())
        })
        .collect();
    let missing: Vec<&String> = acked
        .iter()
        .filter(|u| !stored_uuids.contains(*u))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged events are missing after the relay stopped, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    store.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_events_survive_sigkill_mid_flood() {
    let mut relay = RelayProcess::start(|_| {}).await;
    let requests = flood_requests(&relay);
    let child = &mut relay.child;
    // `start_kill` sends SIGKILL on unix: no shutdown code runs, nothing is flushed on the way out.
    let acked = flood(requests, FLOOD / 4, async || {
        child.start_kill().expect("SIGKILL the relay");
    })
    .await;
    assert!(
        acked.len() >= FLOOD / 4,
        "only {} acknowledged before the kill",
        acked.len()
    );
    let status = tokio::time::timeout(DEADLINE, relay.child.wait())
        .await
        .expect("the killed relay is reaped")
        .unwrap();
    assert!(
        !status.success(),
        "the relay was killed, not stopped: {status}"
    );
    assert_all_stored(&relay, &acked).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_stops_gracefully_with_exit_0_and_keeps_every_acknowledged_event() {
    let mut relay = RelayProcess::start(|_| {}).await;
    let pid = relay.child.id().expect("pid").to_string();
    let requests = flood_requests(&relay);
    let acked = flood(requests, FLOOD / 4, async || {
        let status = tokio::process::Command::new("kill")
            .arg("-TERM")
            .arg(&pid)
            .status()
            .await
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid}");
    })
    .await;
    assert!(acked.len() >= FLOOD / 4);
    let status = tokio::time::timeout(DEADLINE, relay.child.wait())
        .await
        .expect("the relay exits within the deadline after SIGTERM")
        .unwrap();
    assert_eq!(status.code(), Some(0), "stderr:\n{}", relay.stderr());
    assert_all_stored(&relay, &acked).await;
}

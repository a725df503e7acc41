//! Languages end to end: routes of one account in different languages, each alert in its route's
//! language with that language's day names in the route's zone; an account's own wording, checked
//! when saved and used by the dispatcher; routes and config that name a language the relay does not
//! speak are refused with the list of those it does.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;

const ACCOUNT: &str = crate::rig::RIG_ACCOUNT;
const SPANISH: i64 = -1_001_000_000_001;
const ENGLISH: i64 = -1_001_000_000_002;

/// A Spanish group (Madrid time) and an English group (no language: the relay's default) in one
/// account, both announcing new meetings.
fn routes_doc() -> String {
    format!(
        "[[routes]]\nname = \"Grupo de los martes\"\napp_id = \"default\"\naccount_id = \"{ACCOUNT}\"\n\
         events = [\"meeting.created\"]\ntimezone = \"Europe/Madrid\"\nlocale = \"es\"\n\
         [[routes.destinations]]\nkind = \"telegram\"\nchat_id = {SPANISH}\n\n\
         [[routes]]\nname = \"Tuesday group\"\napp_id = \"default\"\naccount_id = \"{ACCOUNT}\"\n\
         events = [\"meeting.created\"]\ntimezone = \"America/New_York\"\n\
         [[routes.destinations]]\nkind = \"telegram\"\nchat_id = {ENGLISH}\n"
    )
}

async fn relay(fake: &FakeTelegram, extra: &str) -> (TestApp, TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let routes: PathBuf = dir.path().join("routes.toml");
    std::fs::write(&routes, routes_doc()).unwrap();
    let extra = extra.to_owned();
    let api = fake.url();
    let app = spawn_app(move |doc| {
        set_key(doc, "seed_routes", &format!("\"{}\"", routes.display()));
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:TEST\"\napi_url = \"{api}\"\nbot_commands = false\n"
        ));
        doc.push_str(&extra);
    })
    .await;
    (app, dir)
}

/// meeting.created for a meeting on Tuesday 2026-01-13 at 18:00 UTC.
fn created_body(uuid: &str, topic: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "meeting.created",
        "payload": {
            "account_id": ACCOUNT,
            "operator": "organizer@example.org",
            "object": {
                "id": 85393847045u64,
                "uuid": uuid,
                "host_id": "host-it",
                "topic": topic,
                "type": 2,
                "start_time": "2026-01-13T18:00:00Z",
                "timezone": "Europe/Madrid",
                "duration": 90
            }
        },
        "event_ts": chrono::Utc::now().timestamp_millis()
    }))
    .unwrap()
}

async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(DEMO_ADMIN_TOKEN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("api");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn a_spanish_group_and_an_english_group_in_one_account_each_read_their_language() {
    let fake = FakeTelegram::start().await;
    let (app, _dir) = relay(&fake, "").await;
    let resp = app
        .send_signed(
            None,
            &created_body(&unique_uuid("lang"), "Círculo de lectura"),
        )
        .await;
    assert_eq!(resp.status(), 200);

    let es = fake.wait_delivered(SPANISH, 1, Duration::ZERO).await;
    let text = &es[0].text;
    assert!(
        text.contains("Nueva reunión: <b>Círculo de lectura</b>"),
        "{text}"
    );
    // 18:00 UTC is 19:00 in Madrid, on a Tuesday: "martes", with a 24-hour clock.
    assert!(text.contains("martes, 13 de enero, 19:00 CET"), "{text}");
    assert!(text.contains("1 h 30 min"), "{text}");

    let en = fake.wait_delivered(ENGLISH, 1, Duration::ZERO).await;
    let text = &en[0].text;
    assert!(
        text.contains("New meeting: <b>Círculo de lectura</b>"),
        "{text}"
    );
    assert!(
        text.contains("Tuesday, January 13 at 1:00 PM EST"),
        "{text}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn the_relays_default_language_applies_to_routes_without_one() {
    let fake = FakeTelegram::start().await;
    let (app, _dir) = relay(&fake, "\n[defaults]\nlocale = \"de\"\n").await;
    let resp = app
        .send_signed(None, &created_body(&unique_uuid("lang-de"), "Lesekreis"))
        .await;
    assert_eq!(resp.status(), 200);
    let de = fake.wait_delivered(ENGLISH, 1, Duration::ZERO).await;
    assert!(
        de[0].text.contains("Neues Meeting: <b>Lesekreis</b>"),
        "{}",
        de[0].text
    );
    assert!(
        de[0].text.contains("Dienstag, 13. Januar um 13:00 EST"),
        "{}",
        de[0].text
    );
    // The route that names Spanish stays Spanish.
    let es = fake.wait_delivered(SPANISH, 1, Duration::ZERO).await;
    assert!(es[0].text.contains("Nueva reunión"), "{}", es[0].text);
    app.shutdown().await;
}

#[tokio::test]
async fn an_accounts_wording_is_checked_when_saved_and_used_in_its_language_only() {
    let fake = FakeTelegram::start().await;
    let (app, _dir) = relay(&fake, "").await;
    let path = format!("/templates/default/{ACCOUNT}/messages/es");

    // A variable the message is not given is refused, naming what it can use.
    let (status, body) = api(
        &app,
        reqwest::Method::PUT,
        &path,
        Some(json!({"source": "alert-created-subject = Nueva: { $titulo }\n"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let msg = body.to_string();
    assert!(
        msg.contains("{ $titulo }") && msg.contains("{ $topic }"),
        "{msg}"
    );
    assert!(
        !msg.contains("messages/es: messages/es"),
        "the wording is named once: {msg}"
    );
    // So is a message that does not exist.
    let (status, body) = api(
        &app,
        reqwest::Method::PUT,
        &path,
        Some(json!({"source": "alert-nueva = hola\n"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("alert-nueva"), "{body}");
    // And a language the relay does not speak.
    let (status, _) = api(
        &app,
        reqwest::Method::PUT,
        &format!("/templates/default/{ACCOUNT}/messages/xx"),
        Some(json!({"source": "alert-join = x\n"})),
    )
    .await;
    assert_eq!(status, 400);

    let (status, body) = api(
        &app,
        reqwest::Method::PUT,
        &path,
        Some(json!({"source": "alert-created-headline = ¡Tenemos reunión!\n"})),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (status, body) = api(
        &app,
        reqwest::Method::GET,
        &format!("/templates/source?app=default&account={ACCOUNT}&event=messages&key=es"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["source"],
        "alert-created-headline = ¡Tenemos reunión!\n"
    );

    let resp = app
        .send_signed(None, &created_body(&unique_uuid("lang-w"), "Círculo"))
        .await;
    assert_eq!(resp.status(), 200);
    let es = fake.wait_delivered(SPANISH, 1, Duration::ZERO).await;
    assert!(
        es[0].text.contains("¡Tenemos reunión! <b>Círculo</b>"),
        "{}",
        es[0].text
    );
    // Sentences not reworded keep the catalogue's wording.
    assert!(es[0].text.contains("martes"), "{}", es[0].text);
    let en = fake.wait_delivered(ENGLISH, 1, Duration::ZERO).await;
    assert!(en[0].text.contains("New meeting:"), "{}", en[0].text);
    app.shutdown().await;
}

#[tokio::test]
async fn a_language_the_relay_does_not_speak_is_refused_with_the_ones_it_does() {
    let fake = FakeTelegram::start().await;
    let (app, _dir) = relay(&fake, "").await;
    let (status, body) = api(
        &app,
        reqwest::Method::POST,
        "/routes",
        Some(json!({
            "name": "Klingon night",
            "app_id": "default",
            "account_id": ACCOUNT,
            "events": ["meeting.started"],
            "locale": "tlh",
            "destinations": [{"kind": "log"}]
        })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let msg = body.to_string();
    assert!(
        msg.contains("locale") && msg.contains("es (Español)"),
        "{msg}"
    );
    app.shutdown().await;

    // The relay's own default is checked when the config loads.
    let out = tempfile::tempdir().unwrap();
    let mut doc = test_config_text("127.0.0.1:0".parse().unwrap());
    doc.push_str("\n[defaults]\nlocale = \"tlh\"\n");
    let path = write_config(out.path(), &doc);
    let err =
        zoom_relay::config::from_toml_str(&doc, zoom_relay::config::ConfigSource::File(path), &[])
            .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("defaults.locale") && text.contains("es"),
        "{text}"
    );
}

//! Concurrent read-modify-writes of one route: members subscribe through the bot while an
//! organizer edits the same route through the API. Every write is a compare-and-swap onto the
//! fresh route, and an organizer's edit keeps the members' own subscriptions, so nothing is lost.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use zoom_relay::routing::Destination;
use zoom_relay::service::codes::{self, CreateCode};
use zoom_relay::store::bot::CodeKind;

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use zoom_relay::store::TenantId;

const ACCOUNT: &str = "acct-race";
const ROUTE: &str = "race";
const MEMBERS: i64 = 50;
const EDITS: usize = 50;
/// Private chat ids of the members: 7001..=7050.
const FIRST_MEMBER: i64 = 7001;

#[tokio::test]
async fn members_subscribing_while_an_organizer_edits_lose_nothing() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let routes = dir.path().join("race-routes.toml");
    std::fs::write(
        &routes,
        format!(
            "[[routes]]\nname = \"{ROUTE}\"\napp_id = \"default\"\naccount_id = \"{ACCOUNT}\"\n\
             events = [\"meeting.started\"]\n  [[routes.destinations]]\n  kind = \"log\"\n"
        ),
    )
    .unwrap();
    let api = tg.url();
    let data = dir.path().join("data");
    let app = spawn_app(move |doc| {
        set_key(doc, "data_dir", &format!("\"{}\"", data.display()));
        set_key(doc, "seed_routes", &format!("\"{}\"", routes.display()));
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\n"
        ));
    })
    .await;
    let code = codes::create(
        &app.service(),
        &CreateCode {
            kind: CodeKind::Subscribe,
            route: Some(ROUTE.into()),
            app: None,
            account: Some(ACCOUNT.into()),
            ttl: None,
        },
    )
    .await
    .expect("code created")
    .code;

    let url = app.url(&format!("/api/v1/routes/default/{ACCOUNT}/{ROUTE}"));
    let client = app.client.clone();
    // The organizer's usual edit: read the route, change a field, write it back.
    let organizer = tokio::spawn(async move {
        for i in 1..=EDITS {
            let resp = client
                .get(&url)
                .bearer_auth(DEMO_ADMIN_TOKEN)
                .send()
                .await
                .expect("GET route");
            assert_eq!(resp.status(), 200, "GET route");
            let mut route: Value = resp.json().await.unwrap();
            route["topic_contains"] = json!(format!("edit {i}"));
            tokio::task::yield_now().await;
            let resp = client
                .put(&url)
                .bearer_auth(DEMO_ADMIN_TOKEN)
                .json(&route)
                .send()
                .await
                .expect("PUT route");
            let status = resp.status();
            assert_eq!(status, 200, "edit {i}: {}", resp.text().await.unwrap());
        }
    });
    // Members subscribe in waves while the edits run.
    for m in 0..MEMBERS {
        tg.push_update(FakeTelegram::private_message(
            FIRST_MEMBER + m,
            &format!("/subscribe {code}"),
        ));
        if m % 5 == 4 {
            tokio::time::sleep(STEP).await;
        }
    }
    for m in 0..MEMBERS {
        tg.wait_text(FIRST_MEMBER + m, "Subscribed to").await;
    }
    tokio::time::timeout(DEADLINE * 3, organizer)
        .await
        .expect("the organizer's edits finish")
        .expect("every edit succeeded");

    let route = app
        .db()
        .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
        .await
        .unwrap()
        .expect("route");
    assert_eq!(
        route.topic_contains.as_deref(),
        Some(format!("edit {EDITS}").as_str()),
        "the last edit survives"
    );
    let subscribed: BTreeSet<i64> = route
        .destinations
        .iter()
        .filter_map(|d| match d {
            Destination::Telegram {
                chat_id,
                member: true,
                ..
            } => Some(*chat_id),
            _ => None,
        })
        .collect();
    let missing: Vec<i64> = (FIRST_MEMBER..FIRST_MEMBER + MEMBERS)
        .filter(|c| !subscribed.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {MEMBERS} subscriptions lost: {missing:?}",
        missing.len()
    );
    assert!(route.destinations.contains(&Destination::Log));
}

fn sub(chat_id: i64) -> Destination {
    Destination::Telegram {
        chat_id,
        thread_id: None,
        member: true,
        bot: None,
    }
}

/// An edit built from an older read neither undoes an unsubscription nor drops a subscription made
/// since; a rename carries the subscriptions to the new name.
#[tokio::test]
async fn an_edit_from_a_stale_read_keeps_members_choices_and_a_rename_carries_them() {
    let tg = FakeTelegram::start().await;
    let api = tg.url();
    let app = spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api}\"\n"
        ));
    })
    .await;
    let s = app.db();
    let mut r: zoom_relay::routing::Route = serde_json::from_value(json!({
        "name": ROUTE, "account_id": ACCOUNT, "events": ["meeting.started"],
        "destinations": [{"kind": "log"}]
    }))
    .unwrap();
    r.destinations.extend([sub(7001), sub(7002)]);
    s.put_route(&r).await.unwrap();
    let url = app.url(&format!("/api/v1/routes/default/{ACCOUNT}/{ROUTE}"));
    let mut body: Value = app
        .client
        .get(&url)
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Between the organizer's read and write: one member leaves, another joins.
    assert!(
        zoom_relay::service::subscriptions::remove(
            &app.service(),
            "default",
            ACCOUNT,
            ROUTE,
            "telegram:7001"
        )
        .await
        .unwrap()
    );
    zoom_relay::store::update_route(&**s, &TenantId::new("default", ACCOUNT), ROUTE, |r| {
        r.destinations.push(sub(7003));
        Ok::<_, zoom_relay::store::StoreError>(())
    })
    .await
    .unwrap()
    .unwrap();
    body["topic_contains"] = json!("stale edit");
    let resp = app
        .client
        .put(&url)
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let now = s
        .get_route(&TenantId::new("default", ACCOUNT), ROUTE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.topic_contains.as_deref(), Some("stale edit"));
    assert_eq!(
        now.destinations,
        vec![Destination::Log, sub(7002), sub(7003)],
        "the unsubscription and the new subscription both survive the edit"
    );

    body["name"] = json!("renamed");
    let resp = app
        .client
        .put(&url)
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        s.get_route(&TenantId::new("default", ACCOUNT), ROUTE)
            .await
            .unwrap()
            .is_none()
    );
    let renamed = s
        .get_route(&TenantId::new("default", ACCOUNT), "renamed")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        renamed.destinations,
        vec![Destination::Log, sub(7002), sub(7003)]
    );
}

//! App invitations and the console (issue 21): a community adds its own app on the guided page
//! with a single-use, expiring code, the operator lists and withdraws invitations, and the
//! operator manages apps in the console (a tenant cannot). Helpers are `apps.rs`'s.

use reqwest::Method;
use serde_json::{Value, json};

use crate::apps::{ACCOUNT, TOKEN_NEW, TOKEN_OLD, api, browser, crc_body, post_signed, started};
use crate::fake_zoom::{CLIENT_ID, CLIENT_SECRET, FakeZoom};
use crate::helpers::*;

#[tokio::test]
async fn an_invitation_adds_one_app_on_the_guided_page_and_then_only_says_it_was_used() {
    let zoom = FakeZoom::start().await;
    let zoom_url = zoom.url();
    // Invited apps take Zoom's hosts from [zoom.app_defaults]: here, the fake.
    let app = spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[zoom.app_defaults]\noauth_url = \"{zoom_url}\"\napi_url = \"{zoom_url}\"\n"
        ))
    })
    .await;
    let b = browser();

    // Nobody can add an app without a code.
    let resp = b.get(app.url("/apps/new/not-a-code")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let resp = b
        .post(app.url("/apps/new/not-a-code"))
        .form(&[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("secret_token", TOKEN_OLD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);

    let (s, inv) = api(
        &app,
        Method::POST,
        "/app-invitations",
        Some(json!({"app_id": "invited", "name": "Tuesday group", "ttl_secs": 600})),
    )
    .await;
    assert_eq!(s, 201, "{inv}");
    let url = inv["url"].as_str().unwrap().to_string();
    let code = inv["code"].as_str().unwrap().to_string();
    assert_eq!(url, format!("http://{}/apps/new/{code}", app.addr));
    // Stored hashed: the code itself is nowhere in the store.
    assert!(
        app.db()
            .trees_containing(code.as_bytes())
            .await
            .unwrap()
            .is_empty()
    );

    let page = b.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    for want in [
        format!("http://{}/zoom/webhook/invited", app.addr),
        format!("http://{}/zoom/oauth/callback/invited", app.addr),
        "meeting.started".to_string(),
        "app_deauthorized".to_string(),
        "data-copy".to_string(),
    ] {
        assert!(page.contains(&want), "the page shows {want}");
    }

    // A wrong client secret is caught before the code is used.
    let form = |secret: &'static str| {
        [
            ("client_id", CLIENT_ID),
            ("client_secret", secret),
            ("secret_token", TOKEN_OLD),
        ]
    };
    let resp = b
        .post(&url)
        .form(&form("wrong-secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("did not accept"));
    assert_eq!(
        b.get(&url).send().await.unwrap().status(),
        200,
        "still open"
    );

    let resp = b
        .post(&url)
        .form(&form(CLIENT_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let done = resp.text().await.unwrap();
    assert!(
        done.contains(&format!("http://{}/zoom/install/invited", app.addr)),
        "{done}"
    );
    assert_eq!(
        zoom.client_credentials_checks(),
        1,
        "the credentials were checked with Zoom"
    );

    // Served at once: the CRC works, and the status the page polls shows it.
    let status_url = format!("{url}/status");
    let st: Value = b
        .get(&status_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(st["crc_seen"], false);
    let resp = post_signed(&app, "invited", TOKEN_OLD, &crc_body("abc")).await;
    assert_eq!(resp.status(), 200);
    eventually_async("the status shows the CRC", async || {
        let st: Value = b
            .get(&status_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        st["crc_seen"] == true
    })
    .await;
    let (_, view) = api(&app, Method::GET, "/apps/invited", None).await;
    assert_eq!(view["source"], "invitation");
    assert_eq!(view["name"], "Tuesday group");

    // Used: a clear page, and a second submission adds nothing.
    let again = b.get(&url).send().await.unwrap();
    assert_eq!(again.status(), 410);
    assert!(again.text().await.unwrap().contains("used"));
    let resp = b
        .post(&url)
        .form(&form(CLIENT_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 410);

    // The operator lists invitations (never the codes) and can withdraw an open one.
    let (s, list) = api(&app, Method::GET, "/app-invitations", None).await;
    assert_eq!(s, 200);
    assert_eq!(list[0]["app_id"], "invited");
    assert!(list[0]["used_at_ms"].is_i64());
    assert!(!list.to_string().contains(&code));
    let (_, open) = api(
        &app,
        Method::POST,
        "/app-invitations",
        Some(json!({"app_id": "withdrawn"})),
    )
    .await;
    let open_url = open["url"].as_str().unwrap().to_string();
    assert_eq!(b.get(&open_url).send().await.unwrap().status(), 200);
    let (s, _) = api(&app, Method::DELETE, "/app-invitations/abc", None).await;
    assert_eq!(s, 400, "an id needs 6 hex digits");
    let id = open["id"].as_str().unwrap();
    let (s, gone) = api(
        &app,
        Method::DELETE,
        &format!("/app-invitations/{id}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{gone}");
    assert_eq!(gone[0]["app_id"], "withdrawn");
    assert_eq!(b.get(&open_url).send().await.unwrap().status(), 410);
    let (s, _) = api(
        &app,
        Method::DELETE,
        &format!("/app-invitations/{id}"),
        None,
    )
    .await;
    assert_eq!(s, 404, "nothing open is left to withdraw");

    // Expired: a clear page too.
    let (s, inv) = api(
        &app,
        Method::POST,
        "/app-invitations",
        Some(json!({"ttl_secs": 60})),
    )
    .await;
    assert_eq!(s, 201);
    assert!(inv["app_id"].as_str().unwrap().starts_with("app-"));
    let hash = zoom_relay::store::apps::invite_hash(inv["code"].as_str().unwrap());
    let mut rec = app.db().app_invite(&hash).await.unwrap().unwrap();
    rec.expires_at_ms = 1;
    // A record in the past, as it will be after its time: put beside, under another code.
    let old_code = "expired-invitation-code";
    assert!(
        app.db()
            .put_app_invite(&zoom_relay::store::apps::invite_hash(old_code), &rec)
            .await
            .unwrap()
    );
    let resp = b
        .get(app.url(&format!("/apps/new/{old_code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 410);
    assert!(resp.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn the_operator_manages_apps_in_the_console_and_a_tenant_cannot() {
    use crate::console::{Visitor, meta_csrf};
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let page = v.get("/console/apps").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Defined in the config file"),
        "the config app is read-only"
    );
    let csrf = meta_csrf(&html).expect("csrf");

    // Without the CSRF token nothing happens.
    let res = v
        .post(
            "/console/apps/add",
            &[("id", "console-app"), ("secret_token", TOKEN_OLD)],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = v
        .post(
            "/console/apps/add",
            &[
                ("csrf", &csrf),
                ("id", "console-app"),
                ("secret_token", TOKEN_OLD),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Added console-app"), "{html}");
    assert!(!html.contains(TOKEN_OLD), "the secret is not shown");
    let body = started(ACCOUNT, &unique_uuid("k"));
    assert_eq!(
        post_signed(&app, "console-app", TOKEN_OLD, &body)
            .await
            .status(),
        200
    );

    let res = v
        .post(
            "/console/apps/console-app/rotate",
            &[
                ("csrf", &csrf),
                ("secret_token", TOKEN_NEW),
                ("overlap_secs", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = started(ACCOUNT, &unique_uuid("k"));
    assert_eq!(
        post_signed(&app, "console-app", TOKEN_OLD, &body)
            .await
            .status(),
        401
    );
    assert_eq!(
        post_signed(&app, "console-app", TOKEN_NEW, &body)
            .await
            .status(),
        200
    );

    let res = v
        .post(
            "/console/apps/invite",
            &[("csrf", &csrf), ("name", "Choir")],
        )
        .await;
    let html = res.text().await.unwrap();
    let link = html
        .split(&format!("http://{}/apps/new/", app.addr))
        .nth(1)
        .expect("the invitation link is shown");
    let code: String = link
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let guided = v.get(&format!("/apps/new/{code}")).await;
    assert_eq!(guided.status(), 200);

    // A tenant's session sees no apps page.
    let now = chrono::Utc::now().timestamp_millis();
    app.db()
        .put_session(
            "tenant-session",
            &zoom_relay::store::auth::Session {
                grant: zoom_relay::store::auth::Grant::Tenant {
                    app_id: "default".into(),
                    account_id: ACCOUNT.into(),
                },
                user: "owner@example.org".into(),
                csrf: "tenant-csrf".into(),
                created_at_ms: now,
                expires_at_ms: now + 3_600_000,
            },
        )
        .await
        .unwrap();
    let mut t = Visitor::new(&app);
    t.cookie = Some("tenant-session".into());
    assert_eq!(t.get("/console/apps").await.status(), 404);
    let res = t
        .post(
            "/console/apps/console-app/remove",
            &[("csrf", "tenant-csrf"), ("confirm", "console-app")],
        )
        .await;
    assert_eq!(res.status(), 404);

    // The operator removes it after typing the id.
    let res = v
        .post(
            "/console/apps/console-app/remove",
            &[("csrf", &csrf), ("confirm", "console")],
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = v
        .post(
            "/console/apps/console-app/remove",
            &[("csrf", &csrf), ("confirm", "console-app")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        post_signed(&app, "console-app", TOKEN_NEW, &body)
            .await
            .status(),
        404
    );
}

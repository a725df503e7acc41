//! Installs (issue 5): the OAuth flow against FakeZoom, tenants, token refresh, join-link
//! enrichment, uninstall purge, several apps.

use std::time::Duration;

use reqwest::redirect::Policy;
use tempfile::TempDir;
use zoom_relay::store::{EventFilter, EventStatus, TenantStatus};

use crate::fake_telegram::FakeTelegram;
use crate::fake_zoom::{CLIENT_ID, CLIENT_SECRET, FakeZoom, ZoomUser};
use crate::helpers::*;
use zoom_relay::store::TenantId;

const APP: &str = "zapp";
const APP_SECRET: &str = "zapp-secret-token";
const ACCOUNT: &str = "acc-Zq8mN3xR";
const CHAT: i64 = 4242;
const MEETING_ID: u64 = 85393847045;

fn user(account: &str) -> ZoomUser {
    ZoomUser {
        user_id: format!("user-of-{account}"),
        account_id: account.to_string(),
        email: format!("owner@{account}.example"),
        role: "Owner".into(),
    }
}

fn oauth_app_lines(zoom: &FakeZoom) -> String {
    format!(
        "client_id = \"{CLIENT_ID}\"\nclient_secret = \"{CLIENT_SECRET}\"\noauth_url = \"{0}\"\napi_url = \"{0}\"\n",
        zoom.url()
    )
}

struct Setup {
    app: TestApp,
    zoom: FakeZoom,
    tg: FakeTelegram,
    _routes: TempDir,
}

/// A relay with one OAuth app (`zapp`) served by FakeZoom, a route for `ACCOUNT` to a FakeTelegram
/// chat with join links allowed, and `extra` appended to the config.
async fn setup_with(extra: &str) -> Setup {
    setup_full("", extra).await
}

/// [`setup_with`], with `app_extra` added to the app's own table.
async fn setup_full(app_extra: &str, extra: &str) -> Setup {
    let zoom = FakeZoom::start().await;
    let tg = FakeTelegram::start().await;
    let routes = tempfile::tempdir().unwrap();
    let routes_path = routes.path().join("routes.toml");
    std::fs::write(
        &routes_path,
        format!(
            "[[routes]]\nname = \"alerts\"\napp_id = \"{APP}\"\naccount_id = \"{ACCOUNT}\"\n\
             events = [\"meeting.started\", \"meeting.created\"]\ninclude_join_link = true\n\
             [[routes.destinations]]\nkind = \"telegram\"\nchat_id = {CHAT}\n"
        ),
    )
    .unwrap();
    let lines = oauth_app_lines(&zoom) + app_extra;
    let tg_url = tg.url();
    let app = spawn_app(|doc| {
        set_key(
            doc,
            "seed_routes",
            &format!("\"{}\"", routes_path.to_str().unwrap()),
        );
        add_app(doc, APP, APP_SECRET, &lines);
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"1:T\"\napi_url = \"{tg_url}\"\nbot_commands = false\n"
        ));
        doc.push_str(extra);
    })
    .await;
    Setup {
        app,
        zoom,
        tg,
        _routes: routes,
    }
}

async fn setup() -> Setup {
    setup_with("").await
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(DEADLINE)
        .build()
        .unwrap()
}

/// What the browser holds between "Install" and Zoom's redirect back.
struct Started {
    cookie: String,
    /// The relay's callback URL as Zoom redirects to it (with code and state).
    callback: String,
    authorize: reqwest::Url,
}

async fn start_install(s: &Setup, app_id: &str) -> Started {
    start_flow(s, &format!("/zoom/install/{app_id}")).await
}

/// Opens `path` (an install or a sign-in), follows the redirect to the fake Zoom, which consents,
/// and returns what the browser holds before it comes back.
async fn start_flow(s: &Setup, path: &str) -> Started {
    let b = browser();
    let resp = b.get(s.app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 302, "{path} redirects to Zoom");
    let cookie_header = resp
        .headers()
        .get("set-cookie")
        .expect("state cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie_header.contains("HttpOnly"), "{cookie_header}");
    assert!(cookie_header.contains("SameSite=Lax"), "{cookie_header}");
    assert!(
        !cookie_header.contains("Secure"),
        "no Secure flag on plain http"
    );
    assert!(
        cookie_header.contains("Path=/zoom/oauth/callback;"),
        "sent only to the callback: {cookie_header}"
    );
    let cookie = cookie_header.split(';').next().unwrap().to_string();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let authorize = reqwest::Url::parse(&location).unwrap();
    // Zoom (the fake) plays the consenting user and redirects back.
    let resp = b.get(location).send().await.unwrap();
    assert_eq!(resp.status(), 302, "fake authorize redirects back");
    let callback = resp.headers()["location"].to_str().unwrap().to_string();
    Started {
        cookie,
        callback,
        authorize,
    }
}

async fn finish_install(started: &Started, cookie: Option<&str>) -> (u16, String) {
    let mut req = browser().get(&started.callback);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn install(s: &Setup, account: &str) {
    s.zoom.consent_as(user(account));
    let started = start_install(s, APP).await;
    let (status, page) = finish_install(&started, Some(&started.cookie)).await;
    assert_eq!(status, 200, "install page: {page}");
    assert!(page.contains("installed"), "{page}");
}

fn event_body(kind: &str, account: &str, uuid: &str, join_url: Option<&str>) -> Vec<u8> {
    let mut object = serde_json::json!({
        "id": MEETING_ID.to_string(), "uuid": uuid, "host_id": "host-1", "topic": "Neighbourhood circle",
        "type": 2, "start_time": "2026-11-29T18:00:00Z", "timezone": "Europe/Berlin", "duration": 60
    });
    if let Some(u) = join_url {
        object["join_url"] = u.into();
        object["id"] = MEETING_ID.into();
    }
    serde_json::to_vec(&serde_json::json!({
        "event": kind,
        "payload": {"account_id": account, "operator": "o@example.org", "object": object},
        "event_ts": chrono::Utc::now().timestamp_millis()
    }))
    .unwrap()
}

fn deauth_body(account: &str, signature: &str) -> Vec<u8> {
    deauth_body_of(account, &format!("user-of-{account}"), signature)
}

fn deauth_body_of(account: &str, user_id: &str, signature: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "event": "app_deauthorized",
        "payload": {
            "account_id": account, "user_id": user_id, "signature": signature,
            "deauthorization_time": "2026-11-29T13:52:28.632Z", "client_id": CLIENT_ID
        },
        "event_ts": chrono::Utc::now().timestamp_millis()
    }))
    .unwrap()
}

fn all() -> EventFilter {
    EventFilter {
        limit: 10_000,
        ..EventFilter::default()
    }
}

#[tokio::test]
async fn a_full_install_with_pkce_creates_a_tenant_whose_events_route() {
    let s = setup().await;
    s.zoom.consent_as(user(ACCOUNT));
    let started = start_install(&s, APP).await;
    let q: std::collections::HashMap<_, _> = started.authorize.query_pairs().into_owned().collect();
    assert_eq!(started.authorize.path(), "/oauth/authorize");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(
        q["redirect_uri"],
        format!("http://{}/zoom/oauth/callback", s.app.addr)
    );
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert!(q["state"].len() >= 32);

    let (status, page) = finish_install(&started, Some(&started.cookie)).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(ACCOUNT), "the page names the account: {page}");
    assert_eq!(
        s.zoom.pkce_checked(),
        1,
        "the fake verified the PKCE verifier"
    );

    let t = s
        .app
        .db()
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .expect("tenant");
    assert_eq!(t.status, TenantStatus::Active);
    assert_eq!(t.installer.user_id, format!("user-of-{ACCOUNT}"));
    assert_eq!(t.installer.role.as_deref(), Some("Owner"));
    assert_eq!(t.scopes, vec!["meeting:read:meeting", "user:read:user"]);
    assert!(t.expires_at_ms > chrono::Utc::now().timestamp_millis() + 3_000_000);

    // Its events route: meeting.created reaches the route's chat.
    let body = event_body(
        "meeting.created",
        ACCOUNT,
        &unique_uuid("c"),
        Some("https://zoom.us/j/1"),
    );
    assert_eq!(s.app.send_signed(Some(APP), &body).await.status(), 200);
    let calls = s.tg.wait_delivered(CHAT, 1, Duration::ZERO).await;
    assert!(calls[0].text.contains("Neighbourhood circle"));

    // A re-install updates the tenant and keeps the install date.
    s.zoom.consent_as(ZoomUser {
        email: "admin@new.example".into(),
        ..user(ACCOUNT)
    });
    let again = start_install(&s, APP).await;
    assert_eq!(finish_install(&again, Some(&again.cookie)).await.0, 200);
    let t2 = s
        .app
        .db()
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t2.installed_at_ms, t.installed_at_ms);
    assert_eq!(t2.installer.email.as_deref(), Some("admin@new.example"));
    assert_ne!(t2.sealed_tokens, t.sealed_tokens);
}

/// The value part of a `name=value` cookie.
fn cookie_value(cookie: &str) -> &str {
    cookie.split_once('=').unwrap().1
}

#[tokio::test]
async fn callbacks_without_their_valid_flow_cookie_are_refused_and_store_nothing() {
    use zoom_relay::http::oauth::{COOKIE, open_flow_cookie, seal_flow_cookie};
    let s = setup().await;
    s.zoom.consent_as(user(ACCOUNT));
    let started = start_install(&s, APP).await;
    assert!(
        !started.cookie.contains(
            &started
                .authorize
                .query_pairs()
                .find(|(k, _)| k == "state")
                .unwrap()
                .1
                .into_owned()
        ),
        "the state is sealed, not readable, in the cookie"
    );

    // No cookie.
    let (status, page) = finish_install(&started, None).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("browser that started it"), "{page}");
    // Another browser's (genuine) cookie.
    let other = start_install(&s, APP).await;
    let (status, page) = finish_install(&started, Some(&other.cookie)).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("does not match"), "{page}");
    // Tampered: one character of the sealed part changed, or the purpose relabelled.
    let v = cookie_value(&started.cookie);
    let last = v.chars().last().unwrap();
    let flipped = format!(
        "{COOKIE}={}{}",
        &v[..v.len() - 1],
        if last == 'A' { 'B' } else { 'A' }
    );
    let relabelled = started.cookie.replacen("=install.", "=signin.", 1);
    assert_ne!(relabelled, started.cookie);
    for bad in [&flipped, &relabelled, &format!("{COOKIE}=garbage")] {
        let (status, page) = finish_install(&started, Some(bad)).await;
        assert_eq!(status, 400, "{page}");
        assert!(page.contains("altered"), "{page}");
    }
    // Expired: the relay's own cookie for a flow that ended a minute ago.
    let key = s.app.config.security.data_key.bytes();
    let mut flow = open_flow_cookie(key, v).expect("the relay's cookie opens");
    assert_eq!(flow.app, APP);
    assert_eq!(flow.purpose, "install");
    flow.expires_at_ms = chrono::Utc::now().timestamp_millis() - 60_000;
    let expired = format!("{COOKIE}={}", seal_flow_cookie(key, &flow));
    let (status, page) = finish_install(&started, Some(&expired)).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("expired"), "{page}");
    assert_eq!(s.zoom.exchanges(), 0, "no code was exchanged");
    assert!(s.app.db().list_tenants(None).await.unwrap().is_empty());

    // The genuine cookie works once; the callback clears it; a replay is refused without Zoom.
    let resp = browser()
        .get(&started.callback)
        .header("cookie", &started.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let cleared = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with(&format!("{COOKIE}=;")) && c.contains("Max-Age=0"));
    assert!(cleared, "the callback clears the flow cookie");
    let (status, page) = finish_install(&started, Some(&started.cookie)).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("already"), "{page}");
    assert_eq!(s.zoom.exchanges(), 1);
}

#[tokio::test]
async fn a_thousand_install_starts_write_nothing_durable() {
    let s = setup().await;
    let before = s.app.db().key_counts().await.unwrap();
    let b = browser();
    for i in 0..1000 {
        let path = if i % 10 == 0 {
            format!("/console/login/zoom/{APP}")
        } else {
            format!("/zoom/install/{APP}")
        };
        let resp = b.get(s.app.url(&path)).send().await.unwrap();
        assert_eq!(resp.status(), 302);
    }
    s.app.db().flush().await.unwrap();
    let after = s.app.db().key_counts().await.unwrap();
    assert_eq!(
        before, after,
        "starting an install or sign-in stores nothing"
    );
    assert!(
        !after.contains_key("oauth_states"),
        "the old state tree is gone: {after:?}"
    );
}

#[tokio::test]
async fn a_failed_exchange_or_users_me_stores_nothing() {
    let s = setup().await;
    s.zoom.consent_as(user(ACCOUNT));
    s.zoom.fail_exchange(true);
    let started = start_install(&s, APP).await;
    let (status, page) = finish_install(&started, Some(&started.cookie)).await;
    assert_eq!(status, 502, "{page}");
    assert!(page.contains("Nothing was stored"), "{page}");
    assert!(s.app.db().list_tenants(None).await.unwrap().is_empty());

    s.zoom.fail_exchange(false);
    s.zoom.fail_users_me(true);
    let started = start_install(&s, APP).await;
    let (status, page) = finish_install(&started, Some(&started.cookie)).await;
    assert_eq!(status, 502, "{page}");
    assert!(page.contains("users/me"), "{page}");
    assert!(s.app.db().list_tenants(None).await.unwrap().is_empty());
    let found = s
        .app
        .db()
        .trees_containing(ACCOUNT.as_bytes())
        .await
        .unwrap();
    assert!(
        found.iter().all(|(tree, _)| tree == "routes"),
        "nothing about the account was stored beyond the seeded route: {found:?}"
    );

    // Zoom says the user declined.
    let resp = browser()
        .get(s.app.url("/zoom/oauth/callback?error=access_denied"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn marketplace_installs_without_our_state_are_accepted_only_when_allowed() {
    let s = setup().await;
    s.zoom.consent_as(user(ACCOUNT));
    // A Marketplace install: Zoom redirects with a code and no state.
    let resp = browser()
        .get(format!(
            "{}/oauth/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri=http://{}/zoom/oauth/callback",
            s.zoom.url(),
            s.app.addr
        ))
        .send()
        .await
        .unwrap();
    let callback = resp.headers()["location"].to_str().unwrap().to_string();
    let resp = browser().get(&callback).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert!(
        s.app
            .db()
            .get_tenant(&TenantId::new(APP, ACCOUNT))
            .await
            .unwrap()
            .is_some()
    );

    // With allow_marketplace_installs = false, the same kind of callback is refused.
    let strict = {
        let zoom = FakeZoom::start().await;
        let lines = oauth_app_lines(&zoom) + "allow_marketplace_installs = false\n";
        let app = spawn_app(|doc| add_app(doc, APP, APP_SECRET, &lines)).await;
        (app, zoom)
    };
    strict.1.consent_as(user(ACCOUNT));
    let resp = browser()
        .get(format!(
            "{}/oauth/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri=http://{}/zoom/oauth/callback",
            strict.1.url(),
            strict.0.addr
        ))
        .send()
        .await
        .unwrap();
    let callback = resp.headers()["location"].to_str().unwrap().to_string();
    let resp = browser().get(&callback).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(strict.1.exchanges(), 0);
    assert!(strict.0.db().list_tenants(None).await.unwrap().is_empty());
}

/// Makes the stored access token of the tenant due for a refresh.
async fn expire_now(s: &Setup) {
    let mut t = s
        .app
        .db()
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .unwrap();
    t.expires_at_ms = chrono::Utc::now().timestamp_millis();
    s.app.db().put_tenant(&t).await.unwrap();
}

#[tokio::test]
async fn concurrent_uses_share_one_refresh_and_rotation_is_persisted() {
    let s = setup().await;
    s.zoom.set_expires_in(30); // inside the 60 s margin: the first use wants a refresh
    install(&s, ACCOUNT).await;
    s.zoom.set_expires_in(3599);
    s.zoom.set_token_delay(Duration::from_millis(300));
    let t = s.app.tenants();
    let (a, b) = tokio::join!(t.access_token(APP, ACCOUNT), t.access_token(APP, ACCOUNT));
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(s.zoom.refreshes(), 1, "one refresh for two concurrent uses");
    assert_eq!(a.0, b.0, "both got the refreshed token");
    assert_eq!(Some(a.0.clone()), s.zoom.access_token_of(ACCOUNT));

    // A fresh token is used as is.
    s.zoom.set_token_delay(Duration::ZERO);
    assert_eq!(t.access_token(APP, ACCOUNT).await.unwrap().0, a.0);
    assert_eq!(s.zoom.refreshes(), 1);

    // The rotated refresh token was persisted: the next refresh uses it and succeeds; the fake
    // refuses any older one.
    expire_now(&s).await;
    let c = t.access_token(APP, ACCOUNT).await.expect("third");
    assert_eq!(s.zoom.refreshes(), 2);
    assert_ne!(c.0, a.0);

    // Zoom revokes the grant: the tenant needs reauthorization, and organizers get a notice.
    s.zoom.revoke_grants_of(ACCOUNT);
    expire_now(&s).await;
    let err = t.access_token(APP, ACCOUNT).await.unwrap_err();
    assert!(err.to_string().contains("authorized again"), "{err}");
    let tenant = s
        .app
        .db()
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.status, TenantStatus::ReauthorizationNeeded);
    let notices = s
        .app
        .db()
        .list_notices(Some(&TenantId::new(APP, ACCOUNT)))
        .await
        .unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n.kind == "zoom_reauthorization_needed"),
        "{notices:?}"
    );
    // And no further refresh is attempted with a dead grant.
    assert!(t.access_token(APP, ACCOUNT).await.is_err());
    assert_eq!(s.zoom.refreshes(), 3);
}

#[tokio::test]
async fn started_alerts_get_the_join_link_from_zoom_or_go_without_it() {
    let s = setup().await;
    install(&s, ACCOUNT).await;
    s.zoom.add_meeting(
        MEETING_ID,
        "Neighbourhood circle",
        "https://zoom.us/j/85393847045?pwd=abc",
        "123456",
    );
    let body = event_body("meeting.started", ACCOUNT, &unique_uuid("s1"), None);
    assert_eq!(s.app.send_signed(Some(APP), &body).await.status(), 200);
    let calls = s.tg.wait_delivered(CHAT, 1, Duration::ZERO).await;
    assert!(
        calls[0]
            .text
            .contains("https://zoom.us/j/85393847045?pwd=abc"),
        "the alert carries the looked-up link: {}",
        calls[0].text
    );
    assert_eq!(s.zoom.meeting_lookups(), 1);

    // Meeting memory now has the link: the next instance needs no lookup.
    let body = event_body("meeting.started", ACCOUNT, &unique_uuid("s2"), None);
    assert_eq!(s.app.send_signed(Some(APP), &body).await.status(), 200);
    let calls = s.tg.wait_delivered(CHAT, 2, Duration::ZERO).await;
    assert!(calls[1].text.contains("zoom.us/j/85393847045"));
    assert_eq!(s.zoom.meeting_lookups(), 1);
}

#[tokio::test]
async fn a_failed_join_link_lookup_still_sends_the_alert() {
    let s = setup().await;
    install(&s, ACCOUNT).await;
    s.zoom.fail_meetings(true);
    let body = event_body("meeting.started", ACCOUNT, &unique_uuid("f"), None);
    assert_eq!(s.app.send_signed(Some(APP), &body).await.status(), 200);
    let calls = s.tg.wait_delivered(CHAT, 1, Duration::ZERO).await;
    assert!(calls[0].text.contains("Neighbourhood circle"));
    assert!(
        !calls[0].text.contains("Join the meeting"),
        "{}",
        calls[0].text
    );
    assert_eq!(s.zoom.meeting_lookups(), 1);
}

#[tokio::test]
async fn events_of_accounts_without_an_install_are_stored_not_routed() {
    let s = setup().await;
    let body = event_body("meeting.started", ACCOUNT, &unique_uuid("n"), None);
    assert_eq!(s.app.send_signed(Some(APP), &body).await.status(), 200);
    let store = s.app.db().clone();
    eventually_async("the event to be handled", async || {
        store
            .list_events(&all())
            .await
            .unwrap()
            .iter()
            .any(|e| e.status == EventStatus::NoTenant)
    })
    .await;
    assert_eq!(
        s.app
            .metric(&format!("events_no_tenant_total{{app=\"{APP}\"}}"))
            .await,
        Some(1.0)
    );
    assert!(s.tg.calls_to(CHAT).is_empty());
}

#[tokio::test]
async fn uninstall_purges_everything_but_the_audit_line_and_a_repeat_is_harmless() {
    let s = setup().await;
    install(&s, ACCOUNT).await;
    // Data of the tenant in many trees: meeting memory, events, sent jobs and their history, a
    // template override, a notice.
    let created = event_body(
        "meeting.created",
        ACCOUNT,
        &unique_uuid("p1"),
        Some("https://zoom.us/j/1"),
    );
    assert_eq!(s.app.send_signed(Some(APP), &created).await.status(), 200);
    s.tg.wait_delivered(CHAT, 1, Duration::ZERO).await;
    s.app
        .db()
        .set_template(
            &TenantId::new(APP, ACCOUNT),
            "meeting.started",
            "telegram",
            "hi",
        )
        .await
        .unwrap();
    s.app
        .db()
        .add_notice(&TenantId::new(APP, ACCOUNT), "test", "a notice", None, None)
        .await
        .unwrap();
    // Bot records, an API token and a console session of the tenant.
    let store = s.app.db();
    // This relay's bot is off, so the service would refuse: issue the code as a relay with the
    // bot on would have (a record left from then is what the purge must still find).
    let mut with_bot = s.app.config.clone();
    with_bot.bot = Some(zoom_relay::config::BotConfig {
        mode: zoom_relay::config::BotMode::Polling,
        poll_timeout_secs: 1,
    });
    zoom_relay::service::codes::create(
        &s.app.service_with(with_bot),
        &zoom_relay::service::codes::CreateCode {
            kind: zoom_relay::store::bot::CodeKind::Subscribe,
            route: Some("alerts".into()),
            app: Some(APP.into()),
            account: Some(ACCOUNT.into()),
            ttl: None,
        },
    )
    .await
    .expect("a subscribe code");
    store
        .add_organizer(&zoom_relay::store::bot::OrganizerLink {
            app_id: APP.into(),
            account_id: ACCOUNT.into(),
            user_id: 99,
            chat_id: 99,
            linked_at_ms: 1,
        })
        .await
        .unwrap();
    store
        .set_mute(&TenantId::new(APP, ACCOUNT), 99, i64::MAX)
        .await
        .unwrap();
    zoom_relay::service::tokens::create(&s.app.service(), APP, ACCOUNT, "ci")
        .await
        .unwrap();
    store
        .put_session(
            "a-session-id",
            &zoom_relay::store::auth::Session {
                grant: zoom_relay::store::auth::Grant::Tenant {
                    app_id: APP.into(),
                    account_id: ACCOUNT.into(),
                },
                user: "u".into(),
                csrf: "c".into(),
                created_at_ms: 0,
                expires_at_ms: i64::MAX,
            },
        )
        .await
        .unwrap();
    // Another tenant's data must survive.
    s.app
        .db()
        .add_notice(
            &TenantId::new(APP, "acc-other"),
            "test",
            "keep me",
            None,
            None,
        )
        .await
        .unwrap();
    assert!(
        !s.app
            .db()
            .trees_containing(ACCOUNT.as_bytes())
            .await
            .unwrap()
            .is_empty()
    );
    let access = s.zoom.access_token_of(ACCOUNT).unwrap();

    let deauth = deauth_body(ACCOUNT, "sig-1");
    assert_eq!(s.app.send_signed(Some(APP), &deauth).await.status(), 200);
    let store = s.app.db().clone();
    eventually_async("the purge", async || {
        store
            .get_tenant(&TenantId::new(APP, ACCOUNT))
            .await
            .unwrap()
            .is_none()
            && !store.list_audit().await.unwrap().is_empty()
    })
    .await;
    eventually_async("the deauthorization event itself to go", async || {
        store
            .trees_containing(ACCOUNT.as_bytes())
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    let left = store.trees_containing(ACCOUNT.as_bytes()).await.unwrap();
    assert!(
        left.is_empty(),
        "no tree mentions the account any more: {left:?}"
    );
    assert_eq!(s.zoom.revoked(), vec![access], "the token was revoked");
    let audit = store.list_audit().await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "uninstall");
    assert_eq!(audit[0].app_id, APP);
    assert!(audit[0].tenant_existed);
    assert_eq!(
        audit[0].account_hash,
        zoom_relay::store::account_hash(ACCOUNT)
    );
    assert!(audit[0].deleted["routes"] >= 1, "{:?}", audit[0].deleted);
    assert!(audit[0].deleted["events"] >= 2, "{:?}", audit[0].deleted);
    assert_eq!(audit[0].deleted["templates"], 1);
    assert_eq!(
        audit[0].deleted["sessions_and_tokens"], 2,
        "{:?}",
        audit[0].deleted
    );
    assert!(
        audit[0].deleted["bot_records"] >= 3,
        "{:?}",
        audit[0].deleted
    );
    assert!(
        store
            .get_session("a-session-id", 0)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !store
            .list_notices(Some(&TenantId::new(APP, "acc-other")))
            .await
            .unwrap()
            .is_empty(),
        "another tenant's data is untouched"
    );

    // Zoom retries the same notification: a duplicate. A second, different deauthorization:
    // nothing left to delete, nothing breaks.
    assert_eq!(s.app.send_signed(Some(APP), &deauth).await.status(), 200);
    let deauth2 = deauth_body(ACCOUNT, "sig-2");
    assert_eq!(s.app.send_signed(Some(APP), &deauth2).await.status(), 200);
    eventually_async("the second deauthorization", async || {
        store.list_audit().await.unwrap().len() == 2
    })
    .await;
    let audit = store.list_audit().await.unwrap();
    assert!(!audit[1].tenant_existed);
    assert!(
        store
            .trees_containing(ACCOUNT.as_bytes())
            .await
            .unwrap()
            .is_empty()
    );
    // Events after the uninstall are not routed.
    let body = event_body("meeting.started", ACCOUNT, &unique_uuid("after"), None);
    assert_eq!(s.app.send_signed(Some(APP), &body).await.status(), 200);
    eventually_async("the late event", async || {
        store
            .list_events(&all())
            .await
            .unwrap()
            .iter()
            .any(|e| e.status == EventStatus::NoTenant)
    })
    .await;
    assert_eq!(s.tg.delivered_to(CHAT).len(), 1);
}

#[tokio::test]
async fn no_token_bytes_are_readable_anywhere_in_the_data_directory() {
    let s = setup().await;
    s.zoom.set_expires_in(30);
    install(&s, ACCOUNT).await;
    // A refresh, so rotated tokens were written too.
    s.app.tenants().access_token(APP, ACCOUNT).await.unwrap();
    let issued = s.zoom.issued_tokens();
    assert_eq!(issued.len(), 4, "two pairs issued");
    let Setup { app, .. } = s;
    if crate::pgdb::suite_on_postgres() {
        // PostgreSQL's rows instead of the data directory's files.
        for t in &issued {
            let found = app.db().trees_containing(t.as_bytes()).await.unwrap();
            assert!(found.is_empty(), "token found in plaintext in {found:?}");
        }
        app.shutdown().await;
        return;
    }
    let dir = app.shutdown().await;
    let mut files = 0;
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        for entry in std::fs::read_dir(&p).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            files += 1;
            for t in &issued {
                assert!(
                    !bytes.windows(t.len()).any(|w| w == t.as_bytes()),
                    "token found in plaintext in {}",
                    path.display()
                );
            }
        }
    }
    assert!(files > 3, "the data directory was searched ({files} files)");
}

#[tokio::test]
async fn two_apps_keep_their_own_secrets_installs_and_tenants() {
    let zoom2 = FakeZoom::start().await;
    let lines2 = oauth_app_lines(&zoom2);
    let s = setup_with(&{
        let mut extra = String::new();
        add_app(&mut extra, "second", "second-secret-token", &lines2);
        extra
    })
    .await;
    install(&s, ACCOUNT).await;

    // Each app's endpoint takes only its own signatures.
    let body = event_body("meeting.started", ACCOUNT, &unique_uuid("2a"), None);
    let (ts, sig) = s.app.signed_for(APP, &body);
    let resp = s
        .app
        .post_webhook(Some("second"), &body, Some(&ts), Some(&sig))
        .await;
    assert_eq!(resp.status(), 401, "app A's signature is refused by app B");
    assert_eq!(s.app.send_signed(Some("second"), &body).await.status(), 200);

    // The same account has installed app A only: B's event is not routed.
    let store = s.app.db().clone();
    eventually_async("B's event", async || {
        store
            .list_events(&all())
            .await
            .unwrap()
            .iter()
            .any(|e| e.event.app_id == "second" && e.status == EventStatus::NoTenant)
    })
    .await;

    // Installing app B creates a second tenant for the same account, with B's credentials.
    zoom2.consent_as(user(ACCOUNT));
    let started = start_install(&s, "second").await;
    assert!(started.authorize.as_str().starts_with(&zoom2.url()));
    assert_eq!(finish_install(&started, Some(&started.cookie)).await.0, 200);
    let tenants = store.list_tenants(None).await.unwrap();
    assert_eq!(tenants.len(), 2);
    assert!(
        store
            .get_tenant(&TenantId::new("second", ACCOUNT))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(zoom2.exchanges(), 1);
    assert_eq!(s.zoom.exchanges(), 1);

    // Uninstalling B leaves A's tenant alone.
    let deauth = deauth_body(ACCOUNT, "sig-b");
    assert_eq!(
        s.app.send_signed(Some("second"), &deauth).await.status(),
        200
    );
    eventually_async("B's purge", async || {
        store
            .get_tenant(&TenantId::new("second", ACCOUNT))
            .await
            .unwrap()
            .is_none()
    })
    .await;
    assert!(
        store
            .get_tenant(&TenantId::new(APP, ACCOUNT))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        !store
            .list_routes(Some(&TenantId::new(APP, ACCOUNT)))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn webhook_only_apps_cannot_be_installed() {
    let s = setup().await;
    let resp = browser()
        .get(s.app.url("/zoom/install/default"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    assert!(resp.text().await.unwrap().contains("webhook-only"));
    let resp = browser()
        .get(s.app.url("/zoom/install/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn the_cli_lists_shows_and_removes_tenants_through_a_running_relay_or_the_store() {
    let s = setup().await;
    install(&s, ACCOUNT).await;
    let cfg = s.app.config_path.to_str().unwrap().to_string();

    let out = run_cli(&["--config", &cfg, "tenants", "list", "--json"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: serde_json::Value = serde_json::from_str(&text).expect("one JSON document");
    let row = &rows[0];
    assert_eq!(row["account_id"], ACCOUNT);
    assert_eq!(row["status"], "active");
    assert_eq!(row["routes"], 1);
    for t in s.zoom.issued_tokens() {
        assert!(!text.contains(&t), "no token in the listing");
    }

    let out = run_cli(&[
        "--config",
        &cfg,
        "tenants",
        "show",
        "--app",
        APP,
        "--account",
        ACCOUNT,
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"alerts\""));

    let out = run_cli(&[
        "--config",
        &cfg,
        "tenants",
        "remove",
        "--app",
        APP,
        "--account",
        ACCOUNT,
    ])
    .await;
    assert_eq!(out.status.code(), Some(2), "removal needs --yes");
    assert!(
        s.app
            .db()
            .get_tenant(&TenantId::new(APP, ACCOUNT))
            .await
            .unwrap()
            .is_some()
    );

    let access = s.zoom.access_token_of(ACCOUNT).unwrap();
    let out = run_cli(&[
        "--config",
        &cfg,
        "tenants",
        "remove",
        "--app",
        APP,
        "--account",
        ACCOUNT,
        "--yes",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("routes=1"));
    assert_eq!(s.zoom.revoked(), vec![access]);
    let left = s
        .app
        .db()
        .trees_containing(ACCOUNT.as_bytes())
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let audit = s.app.db().list_audit().await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "remove");

    // With the relay stopped, the CLI opens the store itself.
    let Setup {
        app, zoom: _zoom, ..
    } = s;
    let dir = app.shutdown().await;
    let cfg = dir.path().join("relay.toml");
    let out = run_cli(&[
        "--config",
        cfg.to_str().unwrap(),
        "tenants",
        "audit",
        "--json",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let audit: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(audit[0]["action"], "remove", "{audit}");
    let out = run_cli(&["--config", cfg.to_str().unwrap(), "tenants", "list"]).await;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no tenants"));
}

/// "Sign in with Zoom" through the OAuth flow with purpose sign-in; returns the answer's status and
/// the session cookie, if one was set.
async fn sign_in(s: &Setup, who: ZoomUser) -> (u16, Option<String>) {
    s.zoom.consent_as(who);
    let started = start_flow(s, &format!("/console/login/zoom/{APP}")).await;
    let resp = browser()
        .get(&started.callback)
        .header("cookie", &started.cookie)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let session = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("zr_session="))
        .map(|c| c.split(';').next().unwrap().to_string());
    if status == 303 {
        assert_eq!(resp.headers()["location"], "/console");
    }
    (status, session)
}

#[tokio::test]
async fn sign_in_with_zoom_gives_the_installer_and_account_admins_a_session_for_their_tenant() {
    let s = setup().await;
    install(&s, ACCOUNT).await;
    let tokens_before = s
        .app
        .db()
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .unwrap()
        .sealed_tokens;

    // The installer.
    let (status, session) = sign_in(&s, user(ACCOUNT)).await;
    assert_eq!(status, 303);
    let session = session.expect("session cookie");
    let routes: serde_json::Value = s
        .app
        .client
        .get(s.app.url("/api/v1/routes"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(routes.as_array().unwrap().len(), 1, "{routes}");
    assert_eq!(routes[0]["account_id"], ACCOUNT);
    let other = s
        .app
        .client
        .get(
            s.app
                .url(&format!("/api/v1/routes?account=someone-else&app={APP}")),
        )
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);

    // A plain member of the account: refused, nothing stored.
    let member = ZoomUser {
        user_id: "member-1".into(),
        role: "Member".into(),
        ..user(ACCOUNT)
    };
    let sessions_before = s.app.db().trees_containing(b"member-1").await.unwrap();
    let (status, session) = sign_in(&s, member).await;
    assert_eq!(status, 403);
    assert!(session.is_none());
    assert_eq!(
        s.app.db().trees_containing(b"member-1").await.unwrap(),
        sessions_before
    );

    // An admin of the account who did not install: a session, and the install's tokens untouched.
    let tokens_now = s
        .app
        .db()
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .unwrap()
        .sealed_tokens;
    let admin = ZoomUser {
        user_id: "admin-2".into(),
        role: "Admin".into(),
        ..user(ACCOUNT)
    };
    let (status, session) = sign_in(&s, admin).await;
    assert_eq!(status, 303);
    assert!(session.is_some());
    let t = s
        .app
        .db()
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        t.sealed_tokens, tokens_now,
        "another user's tokens are not kept"
    );
    assert_eq!(t.installer.user_id, format!("user-of-{ACCOUNT}"));
    assert_ne!(
        tokens_before, tokens_now,
        "the installer's own sign-in refreshed them"
    );
}

#[tokio::test]
async fn doctor_reports_installs_whose_tokens_the_data_key_cannot_open() {
    let s = setup().await;
    install(&s, ACCOUNT).await;
    let Setup {
        app,
        zoom,
        tg,
        _routes,
    } = s;
    let dir = app.shutdown().await;
    let cfg = dir.path().join("relay.toml");
    let out = run_cli(&["--config", cfg.to_str().unwrap(), "doctor"]).await;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("every token opens"), "{text}");

    // Another data_key: the install's tokens no longer open.
    let mut doc = std::fs::read_to_string(&cfg).unwrap();
    set_key(
        &mut doc,
        "data_key",
        "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"",
    );
    std::fs::write(&cfg, doc).unwrap();
    let out = run_cli(&["--config", cfg.to_str().unwrap(), "doctor"]).await;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("cannot open"), "{text}");
    assert!(text.contains(&format!("{APP}/{ACCOUNT}")), "{text}");
    drop((zoom, tg));
}

fn member(account: &str, id: &str) -> ZoomUser {
    ZoomUser {
        user_id: id.into(),
        email: format!("{id}@{account}.example"),
        role: "Member".into(),
        ..user(account)
    }
}

/// Whether a session cookie reaches the console (and not the sign-in page).
async fn console_opens(s: &Setup, session: Option<&str>) -> bool {
    let mut req = browser().get(s.app.url("/console"));
    if let Some(c) = session {
        req = req.header("cookie", c);
    }
    let resp = req.send().await.unwrap();
    match resp.status().as_u16() {
        200 => true,
        // A tenant's console home is its own tenant page.
        303 => resp.headers()["location"] != "/console/login",
        _ => false,
    }
}

#[tokio::test]
async fn a_member_who_installs_gets_the_install_recorded_but_no_console() {
    let s = setup().await;
    s.zoom.consent_as(member(ACCOUNT, "member-1"));
    let started = start_install(&s, APP).await;
    let resp = browser()
        .get(&started.callback)
        .header("cookie", &started.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let no_session = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .all(|c| !c.starts_with("zr_session="));
    assert!(no_session, "an install grants no session");
    let page = resp.text().await.unwrap();
    assert!(page.contains("installed"), "{page}");
    assert!(
        page.contains("An Owner or Admin of the Zoom account must sign in"),
        "the page says who manages it: {page}"
    );
    assert!(!page.contains("Open the console"), "{page}");
    let t = s
        .app
        .db()
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .expect("tenant");
    assert_eq!(t.installer.user_id, "member-1");
    assert_eq!(t.installer.role_id.as_deref(), Some("2"));

    // The member's "Sign in with Zoom" afterwards: refused, no session, no console.
    let (status, session) = sign_in(&s, member(ACCOUNT, "member-1")).await;
    assert_eq!(status, 403);
    assert!(session.is_none());
    assert!(!console_opens(&s, None).await);

    // A member's sign-in to an account with no install yet installs it, and still grants nothing.
    let (status, session) = sign_in(&s, member("acc-new", "member-9")).await;
    assert_eq!(status, 403);
    assert!(session.is_none());
    assert!(
        s.app
            .db()
            .get_tenant(&TenantId::new(APP, "acc-new"))
            .await
            .unwrap()
            .is_some()
    );

    // A Marketplace install (no state of ours) by a member: recorded, no console.
    s.zoom.consent_as(member("acc-mkt", "member-3"));
    let resp = browser()
        .get(format!(
            "{}/oauth/authorize?response_type=code&client_id={CLIENT_ID}&redirect_uri=http://{}/zoom/oauth/callback",
            s.zoom.url(),
            s.app.addr
        ))
        .send()
        .await
        .unwrap();
    let callback = resp.headers()["location"].to_str().unwrap().to_string();
    let resp = browser().get(&callback).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    assert!(page.contains("must sign in"), "{page}");
    assert!(
        s.app
            .db()
            .get_tenant(&TenantId::new(APP, "acc-mkt"))
            .await
            .unwrap()
            .is_some()
    );

    // The account's Owner signs in and manages it.
    let (status, session) = sign_in(&s, user(ACCOUNT)).await;
    assert_eq!(status, 303);
    assert!(console_opens(&s, session.as_deref()).await);
}

#[tokio::test]
async fn console_rights_come_from_the_role_id_never_the_role_name() {
    let s = setup().await;
    install(&s, ACCOUNT).await;
    // A custom role whose name contains "admin": refused.
    let badminton = ZoomUser {
        role: "Badminton Club Members".into(),
        ..member(ACCOUNT, "player-1")
    };
    let (status, session) = sign_in(&s, badminton).await;
    assert_eq!(status, 403);
    assert!(session.is_none());
    // A custom role named exactly "Admin" (a custom role id): refused.
    s.zoom.set_role_id("fake-admin", "5");
    let named_admin = ZoomUser {
        role: "Admin".into(),
        ..member(ACCOUNT, "fake-admin")
    };
    assert_eq!(sign_in(&s, named_admin).await.0, 403);
    // The Admin role by id, whatever its display name: a session.
    s.zoom.set_role_id("real-admin", "1");
    let admin = ZoomUser {
        role: "Club helpers".into(),
        ..member(ACCOUNT, "real-admin")
    };
    let (status, session) = sign_in(&s, admin).await;
    assert_eq!(status, 303);
    assert!(console_opens(&s, session.as_deref()).await);
    // The Owner role by id.
    s.zoom.set_role_id("real-owner", "0");
    let owner = ZoomUser {
        role: "Chair".into(),
        ..member(ACCOUNT, "real-owner")
    };
    assert_eq!(sign_in(&s, owner).await.0, 303);
}

#[tokio::test]
async fn user_managed_installs_keep_each_users_grant_until_the_last_uninstall() {
    let s = setup_full("user_managed = true\n", "").await;
    let store = s.app.db().clone();
    for who in ["user-a", "user-b"] {
        s.zoom.consent_as(member(ACCOUNT, who));
        let started = start_install(&s, APP).await;
        assert_eq!(finish_install(&started, Some(&started.cookie)).await.0, 200);
    }
    let t = store
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        t.install_user_ids().collect::<Vec<_>>(),
        vec!["user-a", "user-b"]
    );
    let tokens_b = t.other_installs[0].sealed_tokens.clone();
    let issued = s.zoom.issued_tokens();
    let (access_a, access_b) = (issued[0].clone(), issued[2].clone());

    // A meeting of user-b starts: its join link is looked up with user-b's own token, which is
    // the one that can see user-b's meetings.
    s.zoom.add_meeting(
        MEETING_ID,
        "Neighbourhood circle",
        "https://zoom.us/j/85393847045?pwd=b",
        "1",
    );
    let mut started: serde_json::Value = serde_json::from_slice(&event_body(
        "meeting.started",
        ACCOUNT,
        &unique_uuid("ub"),
        None,
    ))
    .unwrap();
    started["payload"]["object"]["host_id"] = "user-b".into();
    let started = serde_json::to_vec(&started).unwrap();
    assert_eq!(s.app.send_signed(Some(APP), &started).await.status(), 200);
    let calls = s.tg.wait_delivered(CHAT, 1, Duration::ZERO).await;
    assert!(calls[0].text.contains("pwd=b"), "{}", calls[0].text);
    assert_eq!(s.zoom.meeting_lookup_users(), vec!["user-b"]);

    // user-a uninstalls: only their grant goes; the tenant, user-b's tokens and the route stay.
    let deauth = deauth_body_of(ACCOUNT, "user-a", "sig-a");
    assert_eq!(s.app.send_signed(Some(APP), &deauth).await.status(), 200);
    eventually_async("user-a's uninstall", async || {
        store
            .list_audit()
            .await
            .unwrap()
            .iter()
            .any(|a| a.action == "user_uninstall")
    })
    .await;
    let t = store
        .get_tenant(&TenantId::new(APP, ACCOUNT))
        .await
        .unwrap()
        .expect("tenant kept");
    assert_eq!(t.install_user_ids().collect::<Vec<_>>(), vec!["user-b"]);
    assert_eq!(t.sealed_tokens, tokens_b, "user-b's tokens are kept");
    assert!(t.other_installs.is_empty());
    assert_eq!(
        store
            .list_routes(Some(&TenantId::new(APP, ACCOUNT)))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.zoom.revoked(),
        vec![access_a.clone()],
        "only user-a's token revoked"
    );
    // Events still route for the account.
    let body = event_body(
        "meeting.created",
        ACCOUNT,
        &unique_uuid("um"),
        Some("https://zoom.us/j/1"),
    );
    assert_eq!(s.app.send_signed(Some(APP), &body).await.status(), 200);
    s.tg.wait_delivered(CHAT, 2, Duration::ZERO).await;

    // An uninstall by a user who never installed changes nothing.
    let stranger = deauth_body_of(ACCOUNT, "user-z", "sig-z");
    assert_eq!(s.app.send_signed(Some(APP), &stranger).await.status(), 200);
    // user-b, the last install, uninstalls: the account is purged.
    let deauth = deauth_body_of(ACCOUNT, "user-b", "sig-b");
    assert_eq!(s.app.send_signed(Some(APP), &deauth).await.status(), 200);
    // The audit entry is written after the purge has finished: wait for it, not for the tenant
    // (which goes first).
    eventually_async("the purge", async || {
        store
            .list_audit()
            .await
            .unwrap()
            .iter()
            .any(|a| a.action == "uninstall")
    })
    .await;
    assert!(
        store
            .get_tenant(&TenantId::new(APP, ACCOUNT))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .list_routes(Some(&TenantId::new(APP, ACCOUNT)))
            .await
            .unwrap()
            .is_empty()
    );
    let actions: Vec<_> = store
        .list_audit()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(actions, vec!["user_uninstall", "uninstall"]);
    assert_eq!(s.zoom.revoked(), vec![access_a, access_b]);
}

//! The organizer console (issue 7): sign-in, sessions and CSRF, tenant isolation of every page,
//! security headers and escaping, over plain HTTP. The browser journey is in `browser.rs`.

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use zoom_relay::routing::{Destination, Route};
use zoom_relay::store::auth::{Grant, Session};
use zoom_relay::store::{Message, NewJob};

use crate::helpers::*;
use zoom_relay::store::TenantId;

/// A cookie-keeping client that does not follow redirects, so tests see each 303.
pub struct Visitor {
    pub client: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
}

impl Visitor {
    pub fn new(app: &TestApp) -> Visitor {
        Visitor {
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .timeout(DEADLINE)
                .build()
                .unwrap(),
            base: app.url(""),
            cookie: None,
        }
    }

    fn with_cookie(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.cookie {
            Some(c) => rb.header("cookie", format!("zr_session={c}")),
            None => rb,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.client.get(format!("{}{path}", self.base)))
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.with_cookie(self.client.post(format!("{}{path}", self.base)))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs in with the operator token and keeps the session cookie.
    pub async fn sign_in_operator(&mut self) {
        let res = self
            .post("/console/login", &[("token", DEMO_ADMIN_TOKEN)])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        self.cookie = Some(session_of(&res).expect("a session cookie"));
    }

    /// The CSRF token of the session, from a page's `<meta name="csrf-token">`.
    pub async fn csrf(&self) -> String {
        let html = self
            .get("/console/t/default/demo-account")
            .await
            .text()
            .await
            .unwrap();
        meta_csrf(&html).expect("the page carries the CSRF token")
    }
}

pub fn meta_csrf(html: &str) -> Option<String> {
    let needle = "<meta name=\"csrf-token\" content=\"";
    let start = html.find(needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

fn session_of(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("zr_session="))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn route(account: &str, name: &str) -> Route {
    serde_json::from_value(serde_json::json!({
        "name": name,
        "app_id": "default",
        "account_id": account,
        "events": ["meeting.started"],
        "destinations": [{"kind": "log"}],
    }))
    .unwrap()
}

/// The console page of the seeded demo route, followed by `rest`.
fn demo_route_path(rest: &str) -> String {
    format!(
        "/console/t/default/demo-account/routes/{}{rest}",
        zoom_relay::http::console::seg("demo: every meeting to the log")
    )
}

/// A console session for one tenant, put straight into the store (what "Sign in with Zoom" ends
/// with).
async fn tenant_session(app: &TestApp, account: &str) -> (String, String) {
    let id = format!("test-session-{account}");
    let csrf = format!("csrf-of-{account}");
    let now = chrono::Utc::now().timestamp_millis();
    app.db()
        .put_session(
            &id,
            &Session {
                grant: Grant::Tenant {
                    app_id: "default".into(),
                    account_id: account.into(),
                },
                user: format!("owner@{account}"),
                csrf: csrf.clone(),
                created_at_ms: now,
                expires_at_ms: now + 3_600_000,
            },
        )
        .await
        .unwrap();
    (id, csrf)
}

#[tokio::test]
async fn console_pages_send_a_visitor_without_a_session_to_sign_in() {
    let app = spawn_app(|_| {}).await;
    let v = Visitor::new(&app);
    for path in [
        "/console",
        "/console/t/default/demo-account",
        "/console/t/default/demo-account/routes",
        "/console/t/default/demo-account/deliveries",
    ] {
        let res = v.get(path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&res), "/console/login", "{path}");
    }
    let login = v.get("/console/login").await;
    assert_eq!(login.status(), StatusCode::OK);
    let html = login.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<label for=\"token\">Operator token</label>"));
}

#[tokio::test]
async fn operator_sign_in_refuses_a_wrong_token_and_accepts_the_right_one() {
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    let wrong = v
        .post("/console/login", &[("token", "not-the-token")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(session_of(&wrong).is_none());
    assert!(wrong.text().await.unwrap().contains("role=\"alert\""));

    let right = v
        .post("/console/login", &[("token", DEMO_ADMIN_TOKEN)])
        .await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&right), "/console");
    let set = right
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    v.cookie = session_of(&right);

    let home = v.get("/console").await;
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(
        html.contains("/console/t/default/demo-account"),
        "the operator sees the seeded account"
    );
    assert!(meta_csrf(&html).is_some());
}

#[tokio::test]
async fn a_console_form_without_the_csrf_token_is_refused_and_with_it_accepted() {
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let form = |csrf: Option<&str>| {
        let mut f = vec![
            ("name", "weekly"),
            ("events", "meeting.started"),
            ("events", "meeting.ended"),
            ("timezone", "Europe/Berlin"),
            ("enabled", "on"),
            ("new.kind", "log"),
        ];
        if let Some(c) = csrf {
            f.push(("csrf", c));
        }
        f.into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    let as_refs = |f: &[(String, String)]| {
        f.iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<(String, String)>>()
    };
    let path = "/console/t/default/demo-account/new-route";
    let no_token = v
        .with_cookie(v.client.post(format!("{}{path}", v.base)))
        .form(&as_refs(&form(None)))
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    let wrong = v
        .with_cookie(v.client.post(format!("{}{path}", v.base)))
        .form(&as_refs(&form(Some("wrong"))))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert!(
        app.db()
            .get_route(&TenantId::new("default", "demo-account"), "weekly")
            .await
            .unwrap()
            .is_none()
    );

    let csrf = v.csrf().await;
    let ok = v
        .with_cookie(v.client.post(format!("{}{path}", v.base)))
        .form(&as_refs(&form(Some(&csrf))))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&ok),
        "/console/t/default/demo-account/routes/weekly?saved=1"
    );
    let r = app
        .db()
        .get_route(&TenantId::new("default", "demo-account"), "weekly")
        .await
        .unwrap()
        .expect("the route was created");
    assert_eq!(r.events, ["meeting.started", "meeting.ended"]);
    assert_eq!(r.timezone, "Europe/Berlin");
    assert_eq!(r.destinations, [Destination::Log]);
}

#[tokio::test]
async fn route_editor_shows_validation_errors_next_to_the_field() {
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;
    let res = v
        .post(
            "/console/t/default/demo-account/new-route",
            &[
                ("csrf", &csrf),
                ("name", "bad"),
                ("events", "meeting.started"),
                ("timezone", "Mars/Olympus"),
                ("new.kind", "webhook"),
                ("new.url", "not a url"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"timezone-err\""), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("not an IANA time zone"));
    assert!(html.contains("is not an http(s) URL"));
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;
    let refused = v.post("/console/logout", &[]).await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "logout is CSRF-checked"
    );
    let out = v.post("/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/console/login");
    let cleared = out.headers().get("set-cookie").unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after = v.get("/console").await;
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
    assert_eq!(location(&after), "/console/login");
}

#[tokio::test]
async fn a_tenant_sees_its_own_pages_and_gets_404_for_every_page_of_another() {
    let app = spawn_app(|_| {}).await;
    let store = app.db();
    store.put_route(&route("acc-a", "mine")).await.unwrap();
    store.put_route(&route("acc-b", "theirs")).await.unwrap();
    let job = |account: &str, key: &str| NewJob {
        idempotency_key: key.into(),
        event: "meeting.started".into(),
        app_id: "default".into(),
        account_id: account.into(),
        route_name: "x".into(),
        meeting_uuid: None,
        // A webhook to a closed port keeps the job pending (retrying) for the whole test.
        target: zoom_relay::routing::Target::Webhook {
            url: "http://127.0.0.1:9/hook".into(),
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
        },
        message: Message::Webhook { json: "{}".into() },
        options: Default::default(),
        unsubscribe_url: None,
        received_at_ms: 0,
    };
    store
        .enqueue_jobs(vec![job("acc-b", "iso-b")])
        .await
        .unwrap();
    let their_job = store
        .list_jobs()
        .await
        .unwrap()
        .into_iter()
        .chain(store.list_dead().await.unwrap().into_iter().map(|d| d.job))
        .find(|j| j.account_id == "acc-b")
        .expect("acc-b's job")
        .id;

    let (id, csrf) = tenant_session(&app, "acc-a").await;
    let mut v = Visitor::new(&app);
    v.cookie = Some(id);

    let home = v.get("/console").await;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/console/t/default/acc-a");

    let own = "/console/t/default/acc-a";
    for p in [
        "",
        "/routes",
        "/routes/mine",
        "/new-route",
        "/templates",
        "/deliveries",
        "/subscriptions",
    ] {
        let res = v.get(&format!("{own}{p}")).await;
        assert_eq!(res.status(), StatusCode::OK, "own page {p}");
    }
    let body = v.get(&format!("{own}/routes")).await.text().await.unwrap();
    assert!(body.contains("mine") && !body.contains("theirs"));

    let other = "/console/t/default/acc-b";
    for p in [
        "",
        "/routes",
        "/routes/theirs",
        "/new-route",
        "/templates",
        "/deliveries",
        &format!("/deliveries/{their_job}"),
        "/subscriptions",
    ] {
        let res = v.get(&format!("{other}{p}")).await;
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "other tenant's page {p}"
        );
    }
    // Their route and delivery under my own path: not found either.
    for p in ["/routes/theirs", &format!("/deliveries/{their_job}")] {
        let res = v.get(&format!("{own}{p}")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{p} under my path");
    }
    // State-changing forms, with a valid CSRF token: 404 as well, and nothing changes.
    for (p, form) in [
        (
            format!("{other}/routes/theirs/delete"),
            vec![("csrf", csrf.as_str())],
        ),
        (
            format!("{other}/routes/theirs/test"),
            vec![("csrf", csrf.as_str())],
        ),
        (
            format!("{other}/routes/theirs"),
            vec![
                ("csrf", csrf.as_str()),
                ("name", "theirs"),
                ("events", "meeting.started"),
                ("new.kind", "log"),
            ],
        ),
        (
            format!("{other}/deliveries/{their_job}/retry"),
            vec![("csrf", csrf.as_str())],
        ),
        (
            format!("{own}/deliveries/{their_job}/retry"),
            vec![("csrf", csrf.as_str())],
        ),
        (
            format!("{own}/routes/theirs/delete"),
            vec![("csrf", csrf.as_str())],
        ),
        (
            format!("{other}/templates"),
            vec![
                ("csrf", csrf.as_str()),
                ("event", "meeting.started"),
                ("src.telegram.html", "pwned"),
            ],
        ),
        (
            format!("{other}/deliveries/replay"),
            vec![("csrf", csrf.as_str()), ("since", "1d")],
        ),
        (
            format!("{other}/subscriptions/remove"),
            vec![
                ("csrf", csrf.as_str()),
                ("route", "theirs"),
                ("target", "log"),
            ],
        ),
    ] {
        let res = v.post(&p, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "POST {p}");
    }
    assert!(
        store
            .get_route(&TenantId::new("default", "acc-b"), "theirs")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .tenant_templates(&TenantId::new("default", "acc-b"))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn console_responses_carry_the_security_headers() {
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    let login = v.get("/console/login").await;
    v.sign_in_operator().await;
    let page = v.get("/console/t/default/demo-account/templates").await;
    let js = v.get("/console/assets/console.js").await;
    for res in [&login, &page, &js] {
        let h = res.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{csp}");
        assert!(
            csp.contains("script-src 'self';"),
            "no inline scripts: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
        assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
        assert_eq!(h.get("cache-control").unwrap(), "no-store");
    }
    assert!(
        js.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script in pages");
    assert!(html.contains("<script src=\"/console/assets/console.js\" defer></script>"));
}

#[tokio::test]
async fn a_hostile_route_name_and_topic_are_escaped_everywhere() {
    let app = spawn_app(|_| {}).await;
    let name = "<script>alert(1)</script>\"'&";
    let mut r = route("demo-account", name);
    r.topic_contains = Some("\"><img src=x onerror=alert(2)>".into());
    app.db().put_route(&r).await.unwrap();
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let list = v.get("/console/t/default/demo-account/routes").await;
    assert_eq!(list.status(), StatusCode::OK);
    let list = list.text().await.unwrap();
    let edit_path = format!(
        "/console/t/default/demo-account/routes/{}",
        zoom_relay::http::console::seg(name)
    );
    assert!(
        list.contains(&edit_path),
        "the link percent-encodes the name"
    );
    let edit = v.get(&edit_path).await;
    assert_eq!(
        edit.status(),
        StatusCode::OK,
        "the name round-trips through the URL"
    );
    let edit = edit.text().await.unwrap();
    for html in [&list, &edit] {
        assert!(
            !html.contains("<script>alert"),
            "raw script tag in the page"
        );
        assert!(!html.contains("<img src=x"), "raw img tag in the page");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    }
    assert!(edit.contains("value=\"&quot;&gt;&lt;img src=x onerror=alert(2)&gt;\""));
}

#[tokio::test]
async fn send_test_delivers_through_the_outbox_and_the_log_shows_it() {
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;
    let path = demo_route_path("/test");
    let res = v.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Test queued for 1 destination.")
    );
    eventually_async("the test message sent", async || {
        !app.db().list_sent().await.unwrap().is_empty()
    })
    .await;
    let sent = app.db().list_sent().await.unwrap();
    assert_eq!(sent[0].job.route_name, "demo: every meeting to the log");
    assert!(sent[0].job.idempotency_key.starts_with("test_"));
    let log = v
        .get("/console/t/default/demo-account/deliveries")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        log.contains("<span class=\"badge ok\">Delivered</span>") && log.contains("Test message"),
        "{log}"
    );
}

#[tokio::test]
async fn a_disabled_destination_can_be_enabled_again_from_the_dashboard() {
    let app = spawn_app(|_| {}).await;
    let target = "webhook:https://gone.example/hook";
    app.db()
        .disable_target(&TenantId::new("default", "acc-dash"), target, "410 Gone")
        .await
        .unwrap();
    let (id, csrf) = tenant_session(&app, "acc-dash").await;
    let mut v = Visitor::new(&app);
    v.cookie = Some(id);
    let page = v
        .get("/console/t/default/acc-dash")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Enable again"), "{page}");
    let path = "/console/t/default/acc-dash/destinations/enable";
    let refused = v.post(path, &[("target", target)]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "no CSRF token");
    assert!(
        app.db()
            .is_target_disabled(&TenantId::new("default", "acc-dash"), target)
            .await
            .unwrap()
    );
    let done = v.post(path, &[("target", target), ("csrf", &csrf)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert!(
        !app.db()
            .is_target_disabled(&TenantId::new("default", "acc-dash"), target)
            .await
            .unwrap()
    );
    // Another tenant's page answers 404, and its destination stays disabled.
    app.db()
        .disable_target(&TenantId::new("default", "acc-other"), target, "410 Gone")
        .await
        .unwrap();
    let other = v
        .post(
            "/console/t/default/acc-other/destinations/enable",
            &[("target", target), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    assert!(
        app.db()
            .is_target_disabled(&TenantId::new("default", "acc-other"), target)
            .await
            .unwrap()
    );
}

/// Codes are redeemed only by the bot's commands: with Telegram configured for delivery but
/// `bot_commands = false`, the console must refuse to issue one (as the API and the CLI do), in
/// plain words, and store nothing an organizer could hand out in vain.
#[tokio::test]
async fn the_console_issues_no_bot_code_when_bot_commands_are_off() {
    let app = spawn_app(|doc| {
        doc.push_str(
            "\n[telegram]\nbot_token = \"1:T\"\napi_url = \"http://127.0.0.1:9\"\nbot_commands = false\n",
        );
    })
    .await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;
    let editor = v.get(&demo_route_path("")).await.text().await.unwrap();
    assert!(
        !editor.contains("Create a subscribe code"),
        "the route page offers no code the bot would not redeem"
    );
    let path = demo_route_path("/codes");
    for kind in ["subscribe", "link"] {
        let res = v.post(&path, &[("csrf", &csrf), ("kind", kind)]).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{kind} code");
        let body = res.text().await.unwrap();
        assert!(body.contains("bot_commands = true"), "{body}");
    }
    assert!(app.db().list_codes(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_wording_page_checks_saves_and_previews_an_accounts_sentences() {
    let app = spawn_app(|_| {}).await;
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;
    let page = "/console/t/default/demo-account/wording";

    // Arabic is edited and shown right to left, with every sentence and how it reads now.
    let html = v
        .get(&format!("{page}?lang=ar"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("lang=\"ar\" dir=\"rtl\""), "{html}");
    assert!(html.contains("alert-started-headline"), "{html}");
    assert!(html.contains("بدأ الاجتماع"), "{html}");

    // A variable the sentence is not given is refused next to the box; nothing is saved.
    let res = v
        .post(
            page,
            &[
                ("csrf", &csrf),
                ("lang", "es"),
                ("source", "alert-started-subject = Ya: { $titulo }"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"wording-err\""), "{html}");
    assert!(html.contains("{ $titulo }"), "{html}");
    assert!(
        !app.db()
            .tenant_templates(&TenantId::new("default", "demo-account"))
            .await
            .unwrap()
            .contains_key("messages/es")
    );

    // A good one is saved, marked as the account's, and the preview speaks it.
    let res = v
        .post(
            page,
            &[
                ("csrf", &csrf),
                ("lang", "es"),
                ("source", "alert-started-headline = ¡Ya empezamos!"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = v
        .get(&format!("{page}?lang=es"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("¡Ya empezamos!"), "{html}");
    assert!(
        html.contains("<span class=\"badge\">yours</span>"),
        "{html}"
    );
    assert!(
        html.contains("id=\"preview-telegram\"") && html.contains("¡Ya empezamos! &lt;b&gt;"),
        "the server-rendered preview uses the wording: {html}"
    );

    // Going back to the shipped wording removes it.
    let res = v
        .post(page, &[("csrf", &csrf), ("lang", "es"), ("reset", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        !app.db()
            .tenant_templates(&TenantId::new("default", "demo-account"))
            .await
            .unwrap()
            .contains_key("messages/es")
    );
}

#[tokio::test]
async fn a_linked_group_is_named_by_its_title_not_its_chat_id() {
    use zoom_relay::store::bot::{ChatKind, ChatLink};
    let app = spawn_app(|_| {}).await;
    let chat = -1_001_555_000_111i64;
    app.db()
        .link_chat(&ChatLink {
            chat_id: chat,
            app_id: "default".into(),
            account_id: "demo-account".into(),
            kind: ChatKind::Supergroup,
            linked_by: Some(7),
            linked_at_ms: 1,
            title: Some("Tuesday Readers".into()),
        })
        .await
        .unwrap();
    app.db()
        .put_route(
            &serde_json::from_value(serde_json::json!({
                "name": "readers", "app_id": "default", "account_id": "demo-account",
                "events": ["meeting.started"],
                "destinations": [{"kind": "telegram", "chat_id": chat}]
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    let mut v = Visitor::new(&app);
    v.sign_in_operator().await;
    let html = v
        .get("/console/t/default/demo-account/routes")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Telegram group “Tuesday Readers”"), "{html}");
    assert!(
        !html.contains(&chat.to_string()),
        "no chat id on the page: {html}"
    );
}

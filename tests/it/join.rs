//! Members join by email with double opt-in (issue 17): the join page, the confirmation email, the
//! confirm button, the manage page and one-click unsubscribe, against a real relay and aiosmtpd on
//! loopback. Every "nothing arrived" is checked against a positive control that did arrive.

use reqwest::Method;
use serde_json::{Value, json};
use zoom_relay::service::codes::{self, CreateCode};
use zoom_relay::store::bot::CodeKind;

use crate::helpers::*;
use crate::smtp_peer::{Mail, SmtpPeer, aiosmtpd_python};
use zoom_relay::store::TenantId;

const ACCOUNT: &str = "acct-it";
/// The operator's address on the route: confirmed at once, the positive control of every check
/// that someone else received nothing.
const LIST: &str = "list@example.org";

/// aiosmtpd and a relay mailing through it; None (the test skips) without aiosmtpd.
async fn mail_relay() -> Option<(SmtpPeer, TestApp)> {
    let python = aiosmtpd_python()?;
    let peer = SmtpPeer::start(&python, free_port()).await;
    let app = relay(&peer).await;
    Some((peer, app))
}

async fn relay(peer: &SmtpPeer) -> TestApp {
    let port = peer.port;
    spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[email]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\nfrom = \"relay@example.org\"\n"
        ));
    })
    .await
}

async fn api(app: &TestApp, bearer: &str, method: Method, path: &str, body: Value) -> (u16, Value) {
    let resp = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(bearer)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The route "Tuesday group" with the operator's list address, and its subscribe code.
async fn route_and_code(app: &TestApp) -> String {
    let (s, b) = api(
        app,
        DEMO_ADMIN_TOKEN,
        Method::POST,
        "/routes",
        json!({"name": "Tuesday group", "app_id": "default", "account_id": ACCOUNT,
            "description": "Our Tuesday evening circle.",
            "events": ["meeting.started"],
            "destinations": [{"kind": "email", "to": [LIST]}]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    codes::create(
        &app.service(),
        &CreateCode {
            kind: CodeKind::Subscribe,
            route: Some("Tuesday group".into()),
            app: None,
            account: Some(ACCOUNT.into()),
            ttl: None,
        },
    )
    .await
    .expect("a subscribe code without a bot, since email is configured")
    .code
}

async fn post_join(app: &TestApp, code: &str, email: &str) -> (u16, String) {
    let resp = app
        .client
        .post(app.url(&format!("/join/{code}")))
        .form(&[("email", email)])
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn to(m: &Mail) -> String {
    m.one("To").to_lowercase()
}

/// Waits for the `n`-th mail to `address` and returns all mails to it.
async fn mails_to(peer: &SmtpPeer, address: &str, n: usize) -> Vec<Mail> {
    let mut found = Vec::new();
    eventually_async(&format!("{n} mail(s) to {address}"), async || {
        found = peer
            .messages()
            .await
            .into_iter()
            .filter(|m| to(m) == address)
            .collect();
        found.len() >= n
    })
    .await;
    found
}

fn count_to(mails: &[Mail], address: &str) -> usize {
    mails.iter().filter(|m| to(m) == address).count()
}

/// The first link in `text` that contains `part`.
fn link(text: &str, part: &str) -> String {
    let re = regex::Regex::new(r#"https?://[^\s<>"&]+"#).unwrap();
    re.find_iter(text)
        .map(|m| m.as_str().to_string())
        .find(|l| l.contains(part))
        .unwrap_or_else(|| panic!("no link with {part} in:\n{text}"))
}

/// A started alert for a fresh meeting instance; returns once the list address has it, so the
/// event has been dispatched and delivered to whoever gets it.
async fn alert(app: &TestApp, peer: &SmtpPeer, list_has: usize) {
    let resp = app
        .send_signed(None, &started_body(&unique_uuid("join"), "Tuesday circle"))
        .await;
    assert_eq!(resp.status(), 200);
    mails_to(peer, LIST, list_has).await;
}

/// The organizer (a community's API token) saves the route with the list and `address`.
async fn organizer_adds(app: &TestApp, token: &str, address: &str) {
    let (s, b) = api(
        app,
        token,
        Method::PUT,
        &format!("/routes/default/{ACCOUNT}/Tuesday%20group"),
        json!({"name": "Tuesday group", "app_id": "default", "account_id": ACCOUNT,
            "events": ["meeting.started"],
            "destinations": [{"kind": "email", "to": [LIST, address]}]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

async fn member_destinations(app: &TestApp) -> String {
    let route = app
        .db()
        .get_route(&TenantId::new("default", ACCOUNT), "Tuesday group")
        .await
        .unwrap()
        .unwrap();
    serde_json::to_string(&route.destinations).unwrap()
}

#[tokio::test]
async fn a_member_joins_by_email_confirms_with_a_post_and_leaves_with_one_click() {
    let Some((peer, app)) = mail_relay().await else {
        return;
    };
    let code = route_and_code(&app).await;

    let page = app.get(&format!("/join/{code}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for want in [
        "Tuesday group",
        "Our Tuesday evening circle.",
        "Meeting started",
        "name=\"email\"",
        "method=\"post\"",
    ] {
        assert!(html.contains(want), "{want} missing from:\n{html}");
    }
    assert!(!html.contains("t.me/"), "no bot here, so no Telegram link");
    assert_eq!(app.get("/join/not-a-code").await.status(), 404);

    let member = "ann+club@example.org";
    let (s, body) = post_join(&app, &code, "Ann+Club@Example.org").await;
    assert_eq!(s, 200, "{body}");
    assert!(body.contains("Check your inbox"), "{body}");
    let confirmation = mails_to(&peer, member, 1).await.remove(0);
    assert!(confirmation.one("Subject").contains("Please confirm"));
    assert!(
        confirmation
            .content_type
            .starts_with("multipart/alternative")
    );
    let confirm = link(confirmation.part("text/plain"), "/join/confirm/");
    assert!(confirmation.part("text/html").contains("/join/confirm/"));

    // Unconfirmed: not on the route, and an alert reaches only the list.
    alert(&app, &peer, 1).await;
    assert!(!member_destinations(&app).await.contains(member));
    assert_eq!(
        count_to(&peer.messages().await, member),
        1,
        "only the confirmation"
    );

    // A scanner's GET shows a button and changes nothing.
    let page = app.client.get(&confirm).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    assert!(!member_destinations(&app).await.contains(member));
    // A forged token confirms nothing.
    let forged = app.client.post(format!("{confirm}x")).send().await.unwrap();
    assert_eq!(forged.status(), 404);

    let done = app.client.post(&confirm).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("You're in"));
    let again = app.client.post(&confirm).send().await.unwrap();
    assert_eq!(again.status(), 200, "confirming twice is harmless");
    let dests = member_destinations(&app).await;
    assert_eq!(dests.matches(member).count(), 1, "{dests}");
    assert!(dests.contains("\"member\":true"), "{dests}");

    // The next alert reaches the member, with the one-click header and the manage footer.
    alert(&app, &peer, 2).await;
    let got = mails_to(&peer, member, 2).await;
    let alert_mail = got
        .iter()
        .find(|m| !m.one("Subject").contains("Please confirm"))
        .expect("the member's alert");
    assert_eq!(
        alert_mail.one("List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    assert!(alert_mail.part("text/plain").contains("/manage/"));
    let unsubscribe = alert_mail
        .one("List-Unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    let resp = app
        .client
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(!member_destinations(&app).await.contains(member));
    alert(&app, &peer, 3).await;
    assert_eq!(
        count_to(&peer.messages().await, member),
        2,
        "nothing after leaving"
    );
}

#[tokio::test]
async fn the_join_page_tells_nobody_who_is_subscribed_and_sends_one_email_a_day() {
    let Some((peer, app)) = mail_relay().await else {
        return;
    };
    let code = route_and_code(&app).await;

    // A confirmed address, a new one, and the new one again: one answer, one email.
    let (s1, confirmed) = post_join(&app, &code, LIST).await;
    let (s2, new) = post_join(&app, &code, "bob@example.org").await;
    let (s3, repeat) = post_join(&app, &code, "bob@example.org").await;
    assert_eq!((s1, s2, s3), (200, 200, 200));
    assert_eq!(
        confirmed.replace(LIST, "X"),
        new.replace("bob@example.org", "X")
    );
    assert_eq!(new, repeat);
    // Positive control: a third address's email arrives. A confirmation is queued before the
    // join post answers, so once the outbox is empty every email there will be has been sent and
    // the counts are final.
    post_join(&app, &code, "cy@example.org").await;
    mails_to(&peer, "cy@example.org", 1).await;
    mails_to(&peer, "bob@example.org", 1).await;
    eventually_async("every queued email sent", async || {
        app.db().outbox_len(None).await == 0
    })
    .await;
    let mails = peer.messages().await;
    assert_eq!(count_to(&mails, "bob@example.org"), 1, "one email per day");
    assert_eq!(count_to(&mails, LIST), 0, "a member gets no confirmation");

    // Hostile input gets a clear error and changes nothing.
    let before = app
        .db()
        .list_consents(&TenantId::new("default", ACCOUNT), None)
        .await
        .unwrap()
        .len();
    for (input, says) in [
        (
            "eve@example.org\r\nBcc: victim@example.org",
            "no spaces or line breaks",
        ),
        (&"a".repeat(10_000), "too long"),
        ("Eve <eve@example.org>", "one plain address"),
        ("not-an-address", "no @"),
    ] {
        let (s, body) = post_join(&app, &code, input).await;
        assert_eq!(s, 400, "{input:.40}");
        assert!(body.contains(says), "{says}: {body}");
        assert!(!body.contains("victim@example.org\r\n"));
    }
    let after = app
        .db()
        .list_consents(&TenantId::new("default", ACCOUNT), None)
        .await
        .unwrap();
    assert_eq!(after.len(), before);
    // An internationalized domain and plus-addressing are addresses like any other.
    let (s, _) = post_join(&app, &code, "ana@bücher.example").await;
    assert_eq!(s, 200);
    let (s, _) = post_join(&app, &code, "dee+zoom@example.org").await;
    assert_eq!(s, 200);

    // The per-client bound: 10 posts per window from one address, all used above.
    let mut statuses = Vec::new();
    for i in 0..3 {
        statuses.push(post_join(&app, &code, &format!("x{i}@example.org")).await.0);
    }
    assert_eq!(statuses, [429, 429, 429]);
}

#[tokio::test]
async fn an_organizers_address_waits_for_confirmation_and_a_member_can_pause() {
    let Some((peer, app)) = mail_relay().await else {
        return;
    };
    route_and_code(&app).await;
    let token = zoom_relay::service::tokens::create(&app.service(), "default", ACCOUNT, "it")
        .await
        .unwrap()
        .token;

    // The organizer (a tenant token) adds an address: it gets an invitation, no alerts.
    let invited = "typed@example.org";
    organizer_adds(&app, &token, invited).await;
    let invitation = mails_to(&peer, invited, 1).await.remove(0);
    assert!(invitation.part("text/plain").contains("An organizer"));
    let state = |subs: Vec<zoom_relay::service::subscriptions::Subscription>, who: &str| {
        subs.into_iter()
            .find(|s| s.target == format!("email:{who}"))
            .and_then(|s| s.state)
    };
    let subs = zoom_relay::service::subscriptions::list(&app.service(), "default", ACCOUNT)
        .await
        .unwrap();
    assert_eq!(state(subs, invited).as_deref(), Some("waiting"));
    alert(&app, &peer, 1).await;
    assert_eq!(
        count_to(&peer.messages().await, invited),
        1,
        "only the invitation"
    );

    let confirm = link(invitation.part("text/plain"), "/join/confirm/");
    assert_eq!(
        app.client.post(&confirm).send().await.unwrap().status(),
        200
    );
    let subs = zoom_relay::service::subscriptions::list(&app.service(), "default", ACCOUNT)
        .await
        .unwrap();
    assert_eq!(state(subs, invited).as_deref(), Some("confirmed"));
    alert(&app, &peer, 2).await;
    let got = mails_to(&peer, invited, 2).await;
    let alert_mail = got
        .iter()
        .find(|m| !m.one("Subject").contains("Please confirm"))
        .expect("the alert, besides the invitation");

    // The manage page: GET shows the choices, POST pauses for a week.
    let manage = link(alert_mail.part("text/plain"), "/manage/");
    let page = app.client.get(&manage).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Pause for a week") && html.contains("Stop these alerts"));
    let paused = app
        .client
        .post(&manage)
        .form(&[("action", "pause_week")])
        .send()
        .await
        .unwrap();
    assert_eq!(paused.status(), 200);
    assert!(paused.text().await.unwrap().contains("Paused until"));
    let subs = zoom_relay::service::subscriptions::list(&app.service(), "default", ACCOUNT)
        .await
        .unwrap();
    assert_eq!(state(subs, invited).as_deref(), Some("paused"));
    alert(&app, &peer, 3).await;
    assert_eq!(count_to(&peer.messages().await, invited), 2, "paused");
    let resumed = app
        .client
        .post(&manage)
        .form(&[("action", "resume")])
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), 200);
    alert(&app, &peer, 4).await;
    mails_to(&peer, invited, 3).await;

    // Leaving through the manage page: the organizer's address stays in the route, gets nothing,
    // and saving the route again sends it no new invitation.
    let left = app
        .client
        .post(&manage)
        .form(&[("action", "unsubscribe")])
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 200);
    organizer_adds(&app, &token, invited).await;
    alert(&app, &peer, 5).await;
    assert_eq!(count_to(&peer.messages().await, invited), 3);
    let bad = app.client.get(format!("{manage}x")).send().await.unwrap();
    assert_eq!(bad.status(), 404);
}

#[tokio::test]
async fn the_console_shows_the_join_link_with_its_qr_code_and_each_addresses_state() {
    let Some((_peer, app)) = mail_relay().await else {
        return;
    };
    let mut v = crate::console::Visitor::new(&app);
    v.sign_in_operator().await;
    let csrf = v.csrf().await;
    let route = format!(
        "/console/t/default/demo-account/routes/{}",
        zoom_relay::http::console::seg("demo: every meeting to the log")
    );
    let members = v
        .get(&format!("{route}/members"))
        .await
        .text()
        .await
        .unwrap();
    assert!(members.contains("Make a join link"), "{members}");

    let made = v
        .post(
            &format!("{route}/codes"),
            &[("csrf", &csrf), ("kind", "subscribe")],
        )
        .await;
    assert_eq!(made.status(), 200);
    let made = made.text().await.unwrap();
    let join = link(&made, "/join/");
    assert!(made.contains("<svg role=\"img\""), "{made}");
    // The link stays on the route's Members page, with its QR code and share text.
    let members = v
        .get(&format!("{route}/members"))
        .await
        .text()
        .await
        .unwrap();
    assert!(members.contains(&join), "{members}");
    assert!(members.contains("<svg role=\"img\"") && members.contains("data-copy"));
    assert!(!members.contains("Make a join link"));
    assert_eq!(app.client.get(&join).send().await.unwrap().status(), 200);
    // Stopping the link from the page makes it useless.
    let id = app.db().list_codes(None).await.unwrap()[0].id.clone();
    let stopped = v
        .post(
            &format!("{route}/codes/revoke"),
            &[("csrf", &csrf), ("id", &id)],
        )
        .await;
    assert_eq!(stopped.status(), 303);
    assert_eq!(app.client.get(&join).send().await.unwrap().status(), 404);
    let members = v
        .get(&format!("{route}/members"))
        .await
        .text()
        .await
        .unwrap();
    assert!(members.contains("Make a join link"), "{members}");

    // An organizer's typed address shows as waiting; the operator's as confirmed.
    let token =
        zoom_relay::service::tokens::create(&app.service(), "default", "demo-account", "it")
            .await
            .unwrap()
            .token;
    let (s, b) = api(
        &app,
        &token,
        Method::POST,
        "/routes",
        json!({"name": "mail", "app_id": "default", "account_id": "demo-account",
            "events": ["meeting.started"],
            "destinations": [{"kind": "email", "to": ["typed@example.org"]}]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = api(
        &app,
        DEMO_ADMIN_TOKEN,
        Method::POST,
        "/routes",
        json!({"name": "ops", "app_id": "default", "account_id": "demo-account",
            "events": ["meeting.started"],
            "destinations": [{"kind": "email", "to": ["ops@example.org"]}]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let subs = v
        .get("/console/t/default/demo-account/subscriptions")
        .await
        .text()
        .await
        .unwrap();
    let row = |who: &str| {
        subs.split("<tr>")
            .find(|r| r.contains(who))
            .unwrap_or_else(|| panic!("no row for {who}:\n{subs}"))
            .to_string()
    };
    assert!(row("typed@example.org").contains("Waiting for confirmation"));
    assert!(row("ops@example.org").contains("Confirmed"));
}

#[tokio::test]
async fn with_a_bot_the_join_page_links_to_it_and_without_email_offers_telegram_only() {
    let tg = crate::fake_telegram::FakeTelegram::start().await;
    let api_url = tg.url();
    let app = spawn_app(move |doc| {
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123:BOT\"\napi_url = \"{api_url}\"\n"
        ));
    })
    .await;
    // The bot learns its name from getMe when it starts.
    eventually_async("the bot's username", async || {
        app.db().bot_username().await.unwrap().is_some()
    })
    .await;
    let name = app.db().bot_username().await.unwrap().unwrap();
    let code = codes::create(
        &app.service(),
        &CreateCode {
            kind: CodeKind::Subscribe,
            route: Some("demo: every meeting to the log".into()),
            app: None,
            account: Some("demo-account".into()),
            ttl: None,
        },
    )
    .await
    .unwrap();
    let html = app
        .get(&format!("/join/{}", code.code))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("https://t.me/{name}?start={}", code.code)),
        "{html}"
    );
    assert!(
        !html.contains("name=\"email\""),
        "no [email], no email form"
    );
    // A revoked code's page is gone.
    codes::revoke(&app.service(), &code.record.id, None, None)
        .await
        .unwrap();
    assert_eq!(app.get(&format!("/join/{}", code.code)).await.status(), 404);
}

/// GETs `path` with `Accept-Language: accept` (none when empty); the status and the page.
async fn get_in(app: &TestApp, url: &str, accept: &str) -> (u16, String) {
    let mut req = app.client.get(url);
    if !accept.is_empty() {
        req = req.header("accept-language", accept);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// The `<html ...>` tag of a page: where its language and direction are declared.
fn html_tag(page: &str) -> &str {
    let start = page.find("<html").expect("an <html> tag");
    &page[start..start + page[start..].find('>').unwrap() + 1]
}

#[tokio::test]
async fn the_join_page_speaks_the_browsers_language_and_a_chosen_one_wins() {
    let Some((_peer, app)) = mail_relay().await else {
        return;
    };
    let code = route_and_code(&app).await;
    let join = app.url(&format!("/join/{code}"));

    // No preference: the route's language (English here), and nothing to carry in the form.
    let (s, en) = get_in(&app, &join, "").await;
    assert_eq!(s, 200);
    assert_eq!(html_tag(&en), "<html lang=\"en\" dir=\"ltr\">");
    assert!(en.contains("Your email address"), "{en}");
    assert!(!en.contains("name=\"lang\""), "{en}");

    // The browser asks for Spanish (after a language no catalogue speaks).
    let (s, es) = get_in(&app, &join, "zh-CN, es-MX;q=0.8, en;q=0.5").await;
    assert_eq!(s, 200);
    assert_eq!(html_tag(&es), "<html lang=\"es\" dir=\"ltr\">");
    assert!(es.contains("<title>Unirse a Tuesday group</title>"), "{es}");
    assert!(es.contains("Tu dirección de correo electrónico"), "{es}");
    assert!(es.contains("Empieza la reunión"), "events in Spanish: {es}");
    assert!(!es.contains("Your email address"), "{es}");
    assert!(
        es.contains("<input type=\"hidden\" name=\"lang\" value=\"es\">"),
        "{es}"
    );
    // The switcher: every language by its own name, linked with ?lang=.
    for l in zoom_relay::i18n::Lang::all() {
        assert!(es.contains(l.name()), "{} missing: {es}", l.name());
    }
    assert!(es.contains("href=\"?lang=de\""), "{es}");
    assert!(
        !es.contains("href=\"?lang=es\""),
        "the current one is no link"
    );

    // A choice from the switcher wins over the browser's.
    let (s, de) = get_in(&app, &format!("{join}?lang=de"), "es").await;
    assert_eq!(s, 200);
    assert_eq!(html_tag(&de), "<html lang=\"de\" dir=\"ltr\">");
    assert!(de.contains("Deine E-Mail-Adresse"), "{de}");
    assert!(!de.contains("Tu dirección"), "{de}");

    // Arabic reads from the right.
    let (s, ar) = get_in(&app, &join, "ar").await;
    assert_eq!(s, 200);
    assert_eq!(html_tag(&ar), "<html lang=\"ar\" dir=\"rtl\">");
    assert!(ar.contains("عنوان بريدك الإلكتروني"), "{ar}");
    // The events stay isolated inside the Arabic sentence.
    assert!(ar.contains("<bdi>يبدأ الاجتماع</bdi>"), "{ar}");

    // A refused address is explained in the member's language, and the choice stays in the form.
    let resp = app
        .client
        .post(&join)
        .form(&[("email", "not-an-address"), ("lang", "fr")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let fr = resp.text().await.unwrap();
    assert_eq!(html_tag(&fr), "<html lang=\"fr\" dir=\"ltr\">");
    assert!(fr.contains("il n’y a pas de @"), "{fr}");
    assert!(fr.contains("name=\"lang\" value=\"fr\""), "{fr}");
    // An unknown code's page speaks the browser's language too.
    let (s, gone) = get_in(&app, &app.url("/join/not-a-code"), "pt-BR").await;
    assert_eq!(s, 404);
    assert!(gone.contains("Link inválido"), "{gone}");
}

#[tokio::test]
async fn a_member_who_joins_in_spanish_gets_spanish_mail_pages_and_footer() {
    let Some((peer, app)) = mail_relay().await else {
        return;
    };
    let code = route_and_code(&app).await;
    let join = app.url(&format!("/join/{code}"));
    let member = "lucia@example.org";

    // The page in Spanish (the browser's), and the form carries the choice: the post itself
    // sends no Accept-Language, as a relay behind a proxy might not see one.
    let (_, page) = get_in(&app, &join, "es").await;
    assert!(page.contains("name=\"lang\" value=\"es\""), "{page}");
    let resp = app
        .client
        .post(&join)
        .form(&[("email", member), ("lang", "es")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let answer = resp.text().await.unwrap();
    assert!(answer.contains("Revisa tu bandeja de entrada"), "{answer}");
    let stored = app
        .db()
        .consent(&TenantId::new("default", ACCOUNT), "Tuesday group", member)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.lang.as_deref(), Some("es"));

    // The confirmation email, through aiosmtpd: Spanish subject, text and HTML.
    let confirmation = mails_to(&peer, member, 1).await.remove(0);
    assert_eq!(
        confirmation.one("Subject"),
        "Confirma, por favor: avisos de Tuesday group"
    );
    let text = confirmation.part("text/plain");
    assert!(text.contains("Alguien (esperamos que tú)"), "{text}");
    assert!(!text.contains("Someone"), "{text}");
    let html = confirmation.part("text/html");
    assert!(
        html.contains("Confirmar y empezar a recibir avisos"),
        "{html}"
    );
    assert!(html.contains("lang=\"es\""), "{html}");

    // The confirm page follows the stored choice, whatever the browser says.
    let confirm = link(text, "/join/confirm/");
    let (s, page) = get_in(&app, &confirm, "en").await;
    assert_eq!(s, 200);
    assert_eq!(html_tag(&page), "<html lang=\"es\" dir=\"ltr\">");
    assert!(
        page.contains("¿Enviar los avisos de Tuesday group"),
        "{page}"
    );
    let done = app.client.post(&confirm).send().await.unwrap();
    assert_eq!(done.status(), 200);
    let done = done.text().await.unwrap();
    assert!(done.contains("¡Ya estás dentro!"), "{done}");

    // The alert's footer is the member's; the list address (no choice, English route) keeps
    // the route's: the positive control that the footer is per recipient.
    alert(&app, &peer, 1).await;
    let got = mails_to(&peer, member, 2).await;
    let alert_mail = got
        .iter()
        .find(|m| !m.one("Subject").contains("Confirma"))
        .expect("the member's alert");
    let body = alert_mail.part("text/plain");
    assert!(
        body.contains("Pausar o dejar de recibir estos avisos: http"),
        "{body}"
    );
    assert!(!body.contains("Pause or stop these alerts"), "{body}");
    assert!(
        alert_mail
            .part("text/html")
            .contains("Pausar o dejar de recibir estos avisos</a>")
    );
    let list_mail = mails_to(&peer, LIST, 1).await.remove(0);
    assert!(
        list_mail
            .part("text/plain")
            .contains("Pause or stop these alerts: http")
    );

    // The manage page in Spanish, though the browser asks for English.
    let manage = link(body, "/manage/");
    let (s, page) = get_in(&app, &manage, "en").await;
    assert_eq!(s, 200);
    assert_eq!(html_tag(&page), "<html lang=\"es\" dir=\"ltr\">");
    assert!(page.contains("Pausar una semana"), "{page}");
    assert!(!page.contains("Pause for a week"), "{page}");

    // Switching to German there stores it: later pages and the next footer speak German.
    let (s, page) = get_in(&app, &format!("{manage}?lang=de"), "es").await;
    assert_eq!(s, 200);
    assert!(page.contains("Eine Woche pausieren"), "{page}");
    let stored = app
        .db()
        .consent(&TenantId::new("default", ACCOUNT), "Tuesday group", member)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.lang.as_deref(), Some("de"));
    let (_, page) = get_in(&app, &manage, "es").await;
    assert_eq!(html_tag(&page), "<html lang=\"de\" dir=\"ltr\">");
    alert(&app, &peer, 2).await;
    // The maildir's order is not the sending order within one second: look at every mail.
    let got = mails_to(&peer, member, 3).await;
    let texts: Vec<&str> = got.iter().map(|m| m.part("text/plain")).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Diese Benachrichtigungen pausieren oder abbestellen: http")),
        "{texts:#?}"
    );

    // Pausing answers in German, with the date in German.
    let paused = app
        .client
        .post(&manage)
        .form(&[("action", "pause_week")])
        .send()
        .await
        .unwrap();
    assert_eq!(paused.status(), 200);
    let paused = paused.text().await.unwrap();
    assert!(paused.contains("Pausiert bis"), "{paused}");
    let weekdays = [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ];
    assert!(weekdays.iter().any(|d| paused.contains(d)), "{paused}");

    // The one-click unsubscribe page speaks it too.
    let unsubscribe = alert_mail
        .one("List-Unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    let (s, page) = get_in(&app, &unsubscribe, "").await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Keine Benachrichtigungen von Tuesday group mehr"),
        "{page}"
    );
    let resp = app
        .client
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let left = resp.text().await.unwrap();
    assert_eq!(html_tag(&left), "<html lang=\"de\" dir=\"ltr\">");
    assert!(left.contains("Abgemeldet"), "{left}");
}

//! The organizer's first-run journey in a real browser (issues 7 and 16): headless Chromium driven
//! through chromedriver with fantoccini. Sign in with the operator token; the dashboard's checklist
//! has steps to do; create a route by choosing the kind first; link the group with a link code
//! sent in the group (FakeTelegram); a member subscribes with a subscribe code and is named on the
//! subscriptions page; edit the account's and the route's own template and watch the live preview,
//! then see exactly the route's words arrive with a test; find the test in the delivery log, per
//! event; the checklist has ticked itself off; delete the route after saying "no" once. Every page
//! passes axe-core and the keyboard check at 1280 px and 390 px, with screenshots of each in
//! `target/test-artifacts/browser/`.
//!
//! Needs `chromedriver` and `chromium` (Debian: `chromium-driver`, `chromium`; `.ci/run` installs
//! them). Without chromedriver the test fails under CI (`CI` set) and is skipped loudly elsewhere.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::fake_telegram::FakeTelegram;
use crate::helpers::*;
use zoom_relay::store::TenantId;

const CHAT: i64 = -1009876543210;
/// The group's administrator who sends the link code.
const GROUP_ADMIN: i64 = 7001;
/// A member who subscribes in a private chat with the bot.
const MEMBER: i64 = 5550001;
const ROUTE: &str = "browser-route";
const MARKER: &str = "Preview from the browser";
const ROUTE_MARKER: &str = "This route's own words";
/// Page loads and the worker are fast on loopback, but a cold Chromium start is not.
const BROWSER_DEADLINE: Duration = Duration::from_secs(30);

pub(crate) fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts/browser");
    std::fs::create_dir_all(&dir).expect("create the screenshot directory");
    dir
}

/// Is chromedriver here? Under CI it must be; elsewhere its absence skips the test.
pub(crate) fn chromedriver_available() -> bool {
    let found = std::process::Command::new("chromedriver")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromedriver is not installed, and CI must run the browser test: install Debian's \
                 `chromium` and `chromium-driver` (.ci/run does)"
            );
        }
        eprintln!(
            "\n\n========================================================================\n\
             SKIPPED browser test: `chromedriver` is not installed.\n\
             Install it with: apt-get install -y chromium chromium-driver\n\
             ========================================================================\n"
        );
    }
    found
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// chromedriver on a free port, killed when dropped; returns once it answers `/status`.
pub(crate) async fn start_chromedriver() -> (tokio::process::Child, u16) {
    let port = free_port();
    let log = std::fs::File::create(artifacts().join("chromedriver.log")).expect("log file");
    let child = tokio::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + BROWSER_DEADLINE;
    loop {
        let ready = client
            .get(format!("http://127.0.0.1:{port}/status"))
            .send()
            .await
            .ok()
            .filter(|r| r.status().is_success());
        if ready.is_some() {
            return (child, port);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "chromedriver did not answer on port {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn open_browser(port: u16) -> Client {
    open_browser_in(port, None).await
}

/// Like [`open_browser`], with the browser set to ask for `accept_language` (`Accept-Language`),
/// as a member's phone set to that language does.
pub(crate) async fn open_browser_in(port: u16, accept_language: Option<&str>) -> Client {
    let mut args = vec![
        "--headless=new",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1400",
    ];
    if running_as_root() {
        args.push("--no-sandbox");
    }
    let accept = accept_language.map(|l| format!("--accept-lang={l}"));
    if let Some(a) = &accept {
        args.push(a);
    }
    let mut chrome = json!({ "args": args });
    if let Some(l) = accept_language {
        chrome["prefs"] = json!({ "intl.accept_languages": l });
    }
    if std::path::Path::new("/usr/bin/chromium").exists() {
        chrome["binary"] = json!("/usr/bin/chromium");
    }
    let caps = json!({ "goog:chromeOptions": chrome });
    let caps = caps.as_object().unwrap().clone().into_iter().collect();
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session with headless Chromium")
}

pub(crate) type Step<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub(crate) async fn shot(c: &Client, name: &str) -> Step<()> {
    let png = c.screenshot().await?;
    std::fs::write(artifacts().join(format!("{name}.png")), png)?;
    Ok(())
}

/// Polls `check` until it yields a value, within [`BROWSER_DEADLINE`].
///
/// An error inside `check` is retried too: while a page is still loading, an element found a
/// moment ago can go stale or not be there yet, and on a loaded machine that window is wide. Only
/// the last error is reported, once the deadline has passed.
pub(crate) async fn until<T, F, Fut>(what: &str, mut check: F) -> Step<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Step<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + BROWSER_DEADLINE;
    loop {
        let last = match check().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => String::new(),
            Err(e) => format!(" (last error: {e})"),
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(format!("timed out waiting for {what}{last}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the browser's location path satisfies `want`: a click that navigates returns
/// before the next page is there, and a lookup made in between would find the old page.
async fn until_path(c: &Client, what: &str, want: impl Fn(&str) -> bool) -> Step<()> {
    let want = &want;
    until(what, move || async move {
        Ok(want(c.current_url().await?.path()).then_some(()))
    })
    .await
}

/// axe-core, vendored (tests/assets/README.md): never loaded from a CDN.
const AXE: &str = include_str!("../assets/axe.min.js");

/// Audits the page the browser shows: axe-core finds no serious or critical accessibility
/// violation, and at a phone's 390 px the page does not scroll sideways. Saves screenshots at
/// 1280 px and 390 px as `{name}.png` and `{name}-phone.png`, and leaves the window at 1280 px.
async fn audit(c: &Client, name: &str) -> Step<()> {
    c.set_window_size(1280, 1400).await?;
    shot(c, name).await?;
    c.execute(AXE, vec![]).await?;
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, {resultTypes: ['violations']}).then(r => done(\
               r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +\
                   v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))\
             )).catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await?;
    let violations: Vec<String> = serde_json::from_value(found)?;
    if !violations.is_empty() {
        return Err(format!(
            "{name}: accessibility violations:\n{}",
            violations.join("\n")
        )
        .into());
    }
    keyboard(c, name).await?;
    c.set_window_size(390, 1200).await?;
    let wide: serde_json::Value = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    shot(c, &format!("{name}-phone")).await?;
    c.set_window_size(1280, 1400).await?;
    let (scroll, inner) = (wide[0].as_i64().unwrap_or(0), wide[1].as_i64().unwrap_or(0));
    if scroll > inner {
        return Err(
            format!("{name}: at 390 px the page is {scroll} px wide and scrolls sideways").into(),
        );
    }
    Ok(())
}

/// Marks every control a person can reach on the page (visible links, buttons, fields, summaries;
/// not those folded inside a closed `<details>`) with `data-kb`, and returns how many there are.
const MARK_CONTROLS: &str = "const els = Array.from(document.querySelectorAll(\
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex=\"-1\"])'))\
  .filter(e => !e.disabled && e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true}));\
  els.forEach((e, i) => e.setAttribute('data-kb', String(i)));\
  if (document.activeElement) document.activeElement.blur();\
  return els.length;";

/// The focused control: its `data-kb` mark (or null), whether a focus ring shows, and a name.
const FOCUSED: &str = "const e = document.activeElement;\
  if (!e || e === document.body) return [null, true, 'body'];\
  const s = getComputedStyle(e);\
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';\
  return [e.getAttribute('data-kb'), ring, e.tagName + ' ' + (e.textContent || e.name || e.id || '').trim().slice(0, 40)];";

/// Keyboard only: pressing Tab from the top of the page reaches every visible control, in one
/// pass, and each shows a focus ring when it has the focus.
async fn keyboard(c: &Client, name: &str) -> Step<()> {
    let total = c
        .execute(MARK_CONTROLS, vec![])
        .await?
        .as_u64()
        .unwrap_or(0) as usize;
    let mut reached = std::collections::BTreeSet::new();
    // Bounded: one Tab per control, and a few for the browser's own stops.
    for _ in 0..total + 5 {
        let tab = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: '\u{E004}' })
            .then(KeyAction::Up { value: '\u{E004}' });
        c.perform_actions(tab).await?;
        let f: serde_json::Value = c.execute(FOCUSED, vec![]).await?;
        let ring = f[1].as_bool().unwrap_or(false);
        let label = f[2].as_str().unwrap_or("").to_string();
        if let Some(id) = f[0].as_str() {
            if !ring {
                return Err(
                    format!("{name}: {label} has the focus but shows no focus ring").into(),
                );
            }
            if !reached.insert(id.to_string()) {
                break; // wrapped around
            }
        }
        if reached.len() == total {
            break;
        }
    }
    if reached.len() < total {
        let missed: serde_json::Value = c
            .execute(
                "const seen = new Set(arguments[0]); return Array.from(document.querySelectorAll('[data-kb]'))\
                 .filter(e => !seen.has(e.getAttribute('data-kb')))\
                 .map(e => e.tagName + ' ' + (e.textContent || e.name || e.id || '').trim().slice(0, 40));",
                vec![serde_json::json!(reached.iter().collect::<Vec<_>>())],
            )
            .await?;
        return Err(format!(
            "{name}: {} of {total} controls cannot be reached with Tab: {missed}",
            total - reached.len()
        )
        .into());
    }
    Ok(())
}

/// Ends a browser session: on failure saves `{failure_shot}.png`, then closes the browser, then
/// fails the test with `what` and the error.
pub(crate) async fn finish(c: Client, result: Step<()>, failure_shot: &str, what: &str) {
    if result.is_err() {
        let _ = shot(&c, failure_shot).await;
    }
    let _ = c.close().await;
    if let Err(e) = result {
        panic!(
            "{what} failed: {e}\n(screenshots in {})",
            artifacts().display()
        );
    }
}

async fn text_of(c: &Client, css: &str) -> Step<String> {
    Ok(c.find(Locator::Css(css)).await?.text().await?)
}

/// Presses `button` on the route's page and reads the code the next page shows once.
async fn new_code(c: &Client, button: &str) -> Step<String> {
    c.find(Locator::XPath(&format!(
        "//button[normalize-space()='{button}']"
    )))
    .await?
    .click()
    .await?;
    let code = until("the new code", move || async move {
        match c.find(Locator::Css("#code")).await {
            Ok(input) => Ok(input.prop("value").await?.filter(|v| !v.is_empty())),
            Err(_) => Ok(None),
        }
    })
    .await?;
    Ok(code)
}

#[tokio::test]
async fn organizer_journey_in_a_real_browser() {
    if !chromedriver_available() {
        return;
    }
    let tg = FakeTelegram::start().await;
    let tg_url = tg.url();
    let app = spawn_app(|doc| {
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123456:browser-test\"\napi_url = \"{tg_url}\"\n"
        ));
    })
    .await;
    let (_driver, port) = start_chromedriver().await;
    let c = open_browser(port).await;
    let result = journey(&c, &app, &tg).await;
    finish(c, result, "99-failure", "browser journey").await;
}

async fn journey(c: &Client, app: &TestApp, tg: &FakeTelegram) -> Step<()> {
    let base = app.url("");
    // 1. Sign in with the operator token, submitting with the keyboard.
    c.goto(&format!("{base}/console/login")).await?;
    audit(c, "01-sign-in").await?;
    let token = c.find(Locator::Css("#token")).await?;
    token.send_keys(DEMO_ADMIN_TOKEN).await?;
    token.send_keys("\u{E007}").await?; // Enter
    until("the accounts page", move || async move {
        Ok(c.current_url().await?.path().eq("/console").then_some(()))
    })
    .await?;
    audit(c, "02-accounts").await?;

    // 2. Open the seeded account and create a Telegram route through the navigation.
    c.find(Locator::Css("a[href=\"/console/t/default/demo-account\"]"))
        .await?
        .click()
        .await?;
    until_path(c, "the account's page", |p| {
        p.ends_with("/t/default/demo-account")
    })
    .await?;
    // The first-run checklist, open, with steps still to do (the demo account has a seeded route
    // that posts only to the log: nobody is reached or tested yet).
    let steps = checklist(c).await?;
    for step in ["Reach your group", "Send a test"] {
        assert!(
            steps
                .iter()
                .any(|s| s.contains(step) && !s.contains("(done)")),
            "“{step}” is still to do: {steps:?}"
        );
    }
    c.wait()
        .at_most(BROWSER_DEADLINE)
        .for_element(Locator::LinkText("Routes"))
        .await?
        .click()
        .await?;
    until_path(c, "the routes page", |p| p.ends_with("/routes")).await?;
    c.wait()
        .at_most(BROWSER_DEADLINE)
        .for_element(Locator::LinkText("New route"))
        .await?
        .click()
        .await?;
    until_path(c, "the new route form", |p| p.ends_with("/new-route")).await?;
    c.wait()
        .at_most(BROWSER_DEADLINE)
        .for_element(Locator::Css("#name"))
        .await?
        .send_keys(ROUTE)
        .await?;
    // The kind first; the chat number stays empty, as the form's "easy way" suggests.
    c.find(Locator::Css("#new-kind"))
        .await?
        .select_by_value("telegram")
        .await?;
    shot(c, "03-new-route").await?;
    c.find(Locator::Css("form.editor button.primary"))
        .await?
        .click()
        .await?;
    until("the saved route", move || async move {
        let url = c.current_url().await?;
        Ok(url
            .path()
            .ends_with(&format!("/routes/{ROUTE}"))
            .then_some(()))
    })
    .await?;
    let flash = text_of(c, ".flash").await?;
    assert!(
        flash.starts_with("Saved. Next: add the bot"),
        "the saved page says what comes next: {flash}"
    );
    let stored = app
        .db()
        .get_route(&TenantId::new("default", "demo-account"), ROUTE)
        .await?
        .ok_or("the route is not in the store")?;
    assert_eq!(stored.events, ["meeting.started"]);
    assert!(
        stored.destinations.is_empty(),
        "no chat number yet: {:?}",
        stored.destinations
    );
    let next = text_of(c, ".next").await?;
    assert!(
        next.contains("link code"),
        "the page says what comes next: {next}"
    );
    audit(c, "04-route-saved").await?;

    // 2b. Link the group with a code: the page shows one, an admin sends it in the group.
    let code = new_code(c, "Create a link code").await?;
    tg.set_member_status(CHAT, GROUP_ADMIN, "administrator");
    tg.push_update(FakeTelegram::group_message(
        CHAT,
        GROUP_ADMIN,
        &format!("/link {code}"),
        None,
    ));
    tg.wait_text(CHAT, "Linked").await;
    c.goto(&format!("{base}/console/t/default/demo-account/routes"))
        .await?;
    until_path(c, "the routes list", |p| p.ends_with("/routes")).await?;
    let list = text_of(c, "main").await?;
    assert!(
        list.contains("Telegram group “Fake supergroup”") && !list.contains(&CHAT.to_string()),
        "the linked group is named by its title: {list}"
    );

    // 2c. A member subscribes with a subscribe code; the console names them as Telegram does.
    c.goto(&format!(
        "{base}/console/t/default/demo-account/routes/{ROUTE}"
    ))
    .await?;
    let code = new_code(c, "Create a subscribe code").await?;
    tg.push_update(FakeTelegram::private_message(
        MEMBER,
        &format!("/start {code}"),
    ));
    tg.wait_text(MEMBER, "Subscribed to").await;
    c.goto(&format!(
        "{base}/console/t/default/demo-account/subscriptions"
    ))
    .await?;
    until_path(c, "the subscriptions page", |p| {
        p.ends_with("/subscriptions")
    })
    .await?;
    let subs = text_of(c, "main table").await?;
    assert!(
        subs.contains("Member") && !subs.contains(&MEMBER.to_string()),
        "the member is named, not numbered: {subs}"
    );

    // 3. Edit the Telegram template and watch the live preview change.
    c.find(Locator::LinkText("Templates"))
        .await?
        .click()
        .await?;
    until_path(c, "the template editor", |p| p.ends_with("/templates")).await?;
    let first = until("the first live preview", move || async move {
        let status = text_of(c, "#preview-status").await?;
        let bubble = text_of(c, "#preview-telegram").await?;
        Ok((status == "Preview updated." && bubble.contains("Meeting started")).then_some(bubble))
    })
    .await?;
    assert!(
        first.contains("Community call"),
        "the preview renders the sample: {first}"
    );
    let area = c.find(Locator::Css("#tpl-telegram-html")).await?;
    area.clear().await?;
    area.send_keys(&format!(
        "<b>{MARKER}</b>: {{{{meeting.topic}}}} <i>is live</i>"
    ))
    .await?;
    let bold = until("the preview to show the draft", move || async move {
        match c.find(Locator::Css("#preview-telegram b")).await {
            Ok(b) => {
                let t = b.text().await?;
                Ok((t == MARKER).then_some(t))
            }
            Err(_) => Ok(None),
        }
    })
    .await?;
    assert_eq!(
        bold, MARKER,
        "Telegram's <b> is shown as bold, not as markup"
    );
    let bubble = text_of(c, "#preview-telegram").await?;
    assert!(
        bubble.contains("Community call is live") && !bubble.contains("<b>"),
        "formatted as Telegram shows it: {bubble}"
    );
    let subject = text_of(c, "#preview-email-subject").await?;
    assert!(!subject.is_empty(), "the email subject is previewed too");
    shot(c, "05-live-preview").await?;
    c.find(Locator::Css("#template-form button.primary"))
        .await?
        .click()
        .await?;
    until("the saved templates", move || async move {
        Ok(c.find(Locator::Css(".flash")).await.ok().map(|_| ()))
    })
    .await?;
    let saved = app
        .db()
        .tenant_templates(&TenantId::new("default", "demo-account"))
        .await?;
    assert!(
        saved
            .get("meeting.started/telegram.html")
            .is_some_and(|s| s.contains(MARKER)),
        "the template is saved for the account: {saved:?}"
    );
    assert_eq!(saved.len(), 1, "only the edited key became an override");
    shot(c, "06-template-saved").await?;

    // 3b. The route's own message: picked in the editor, previewed, saved on the route, and
    // exactly what the route then sends (the account's message no longer applies to it).
    c.goto(&format!(
        "{base}/console/t/default/demo-account/routes/{ROUTE}"
    ))
    .await?;
    c.wait()
        .at_most(BROWSER_DEADLINE)
        .for_element(Locator::XPath("//a[contains(., 'live preview')]"))
        .await?
        .click()
        .await?;
    until("the route's templates", move || async move {
        let url = c.current_url().await?;
        Ok(
            (url.path().ends_with("/templates") && url.query().is_some_and(|q| q.contains(ROUTE)))
                .then_some(()),
        )
    })
    .await?;
    let area = c
        .wait()
        .at_most(BROWSER_DEADLINE)
        .for_element(Locator::Css("#tpl-telegram-html"))
        .await?;
    let shown = area.prop("value").await?.unwrap_or_default();
    assert!(
        shown.contains(MARKER),
        "a route without its own message shows the account's: {shown}"
    );
    area.clear().await?;
    area.send_keys(&format!("<b>{ROUTE_MARKER}</b>: {{{{meeting.topic}}}}"))
        .await?;
    until("the preview of the route's message", move || async move {
        match c.find(Locator::Css("#preview-telegram b")).await {
            Ok(b) => Ok((b.text().await? == ROUTE_MARKER).then_some(())),
            Err(_) => Ok(None),
        }
    })
    .await?;
    audit(c, "06b-route-template").await?;
    c.find(Locator::Css("#template-form button.primary"))
        .await?
        .click()
        .await?;
    until("the saved route message", move || async move {
        Ok(c.find(Locator::Css(".flash")).await.ok().map(|_| ()))
    })
    .await?;
    let stored = app
        .db()
        .get_route(&TenantId::new("default", "demo-account"), ROUTE)
        .await?
        .ok_or("the route is gone")?;
    assert!(
        stored
            .templates
            .get("meeting.started/telegram.html")
            .is_some_and(|t| t.contains(ROUTE_MARKER)),
        "saved on the route: {:?}",
        stored.templates
    );
    let account = app
        .db()
        .tenant_templates(&TenantId::new("default", "demo-account"))
        .await?;
    assert!(
        !account.values().any(|t| t.contains(ROUTE_MARKER)),
        "the account's messages are untouched"
    );

    // 4. Send a test from the route's page: it reaches the FakeTelegram.
    c.goto(&format!(
        "{base}/console/t/default/demo-account/routes/{ROUTE}"
    ))
    .await?;
    c.find(Locator::XPath("//button[normalize-space()='Send test']"))
        .await?
        .click()
        .await?;
    until_path(c, "the test's result", |p| p.ends_with("/test")).await?;
    until("the test confirmation", move || async move {
        Ok(c.find(Locator::Css(".flash")).await.ok().map(|_| ()))
    })
    .await?;
    audit(c, "07-test-sent").await?;
    let got = tg.wait_text(CHAT, ROUTE_MARKER).await;
    assert!(
        got.text.contains("Test from the relay: browser-route") && !got.text.contains(MARKER),
        "the route's own message, as previewed: {}",
        got.text
    );
    assert_eq!(got.parse_mode.as_deref(), Some("HTML"));

    // 5. Find it in the delivery log, delivered, with its attempt.
    c.find(Locator::LinkText("See it in the delivery log"))
        .await?
        .click()
        .await?;
    until_path(c, "the delivery log", |p| p.ends_with("/deliveries")).await?;
    let target = "Telegram group “Fake supergroup”";
    until("the delivery in the log", move || async move {
        let rows = c.find_all(Locator::Css("tr.state-sent")).await?;
        for r in rows {
            if r.text().await?.contains(target) {
                return Ok(Some(()));
            }
        }
        c.refresh().await?;
        Ok(None)
    })
    .await?;
    // The latest events at a glance: the test, with each destination's outcome, by name.
    let glance = text_of(c, "section[aria-labelledby=\"events-h\"]").await?;
    assert!(
        glance.contains("Test message (Meeting started), browser-route")
            && glance.contains("Telegram group “Fake supergroup” ✓")
            && glance.contains("Telegram member “Member”"),
        "the event with its outcomes: {glance}"
    );
    audit(c, "08-delivery-log").await?;
    c.find(Locator::Css("tr.state-sent td a"))
        .await?
        .click()
        .await?;
    until_path(c, "the delivery's page", |p| {
        p.contains("/deliveries/") && !p.ends_with("/deliveries/")
    })
    .await?;
    let attempts = c
        .wait()
        .at_most(BROWSER_DEADLINE)
        .for_element(Locator::Css("main table tbody"))
        .await?
        .text()
        .await?;
    assert!(attempts.contains("sent"), "the attempt history: {attempts}");
    audit(c, "09-delivery-detail").await?;

    // 6. Every other console page passes the audit too.
    let acct = format!("{base}/console/t/default/demo-account");
    for (name, path) in [
        ("11-dashboard", String::new()),
        ("12-routes", "/routes".to_string()),
        ("13-new-route", "/new-route".to_string()),
        ("14-route-editor", format!("/routes/{ROUTE}")),
        ("15-members", format!("/routes/{ROUTE}/members")),
        ("16-templates", "/templates".to_string()),
        ("17-subscriptions", "/subscriptions".to_string()),
        ("18-failed-deliveries", "/deliveries?failed=1".to_string()),
        ("19-own-bot", "/bot".to_string()),
        ("21-wording-arabic", "/wording?lang=ar".to_string()),
    ] {
        c.goto(&format!("{acct}{path}")).await?;
        let want = format!(
            "/console/t/default/demo-account{}",
            path.split('?').next().unwrap_or("")
        );
        let want = &want;
        until_path(c, name, move |p| p == want).await?;
        audit(c, name).await?;
    }

    // The operator's Zoom apps page, outside any account.
    c.goto(&format!("{base}/console/apps")).await?;
    until_path(c, "the apps page", |p| p == "/console/apps").await?;
    audit(c, "20-apps").await?;

    // 7. The route editor on a phone-sized screen.
    c.set_window_size(390, 1200).await?;
    c.goto(&format!(
        "{base}/console/t/default/demo-account/routes/{ROUTE}"
    ))
    .await?;
    let overflow: bool = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth;",
            vec![],
        )
        .await?
        .as_bool()
        .unwrap_or(true);
    shot(c, "10-phone-route-editor").await?;
    assert!(
        !overflow,
        "the route editor fits a phone's width without sideways scrolling"
    );

    // 8. The checklist has ticked itself off.
    c.goto(&format!("{base}/console/t/default/demo-account"))
        .await?;
    until_path(c, "the dashboard", |p| p.ends_with("/demo-account")).await?;
    // Every step done: the checklist says so and folds itself away.
    let summary = text_of(c, "#start-h").await?;
    assert_eq!(summary, "Getting started: 4 of 4 done");
    let open = c
        .execute(
            "return document.querySelector('ol.checklist').closest('details').open;",
            vec![],
        )
        .await?;
    assert_eq!(open, json!(false), "a finished checklist is folded away");

    // 9. Deleting the route asks first; "No, keep it" keeps it, "Yes" deletes it.
    let editor = format!("{base}/console/t/default/demo-account/routes/{ROUTE}");
    c.goto(&editor).await?;
    c.find(Locator::LinkText("Delete this route…"))
        .await?
        .click()
        .await?;
    until_path(c, "the delete question", |p| p.ends_with("/delete")).await?;
    let question = text_of(c, "main").await?;
    assert!(
        question.contains("cannot be undone") && question.contains("1 member will stop"),
        "the question says what stops: {question}"
    );
    audit(c, "24-delete-question").await?;
    c.find(Locator::LinkText("No, keep it"))
        .await?
        .click()
        .await?;
    until_path(c, "back to the route", |p| p.ends_with(ROUTE)).await?;
    assert!(
        app.db()
            .get_route(&TenantId::new("default", "demo-account"), ROUTE)
            .await?
            .is_some(),
        "“No, keep it” keeps it"
    );
    c.find(Locator::LinkText("Delete this route…"))
        .await?
        .click()
        .await?;
    until_path(c, "the delete question", |p| p.ends_with("/delete")).await?;
    c.find(Locator::XPath(
        "//button[normalize-space()='Yes, delete this route']",
    ))
    .await?
    .click()
    .await?;
    until("the route gone", move || async move {
        Ok(app
            .db()
            .get_route(&TenantId::new("default", "demo-account"), ROUTE)
            .await?
            .is_none()
            .then_some(()))
    })
    .await?;
    Ok(())
}

/// The dashboard's first-run checklist, one text per step.
async fn checklist(c: &Client) -> Step<Vec<String>> {
    let mut steps = Vec::new();
    for li in c.find_all(Locator::Css("ol.checklist li")).await? {
        steps.push(li.text().await?);
    }
    if steps.len() != 4 {
        return Err(format!("the checklist has {} steps: {steps:?}", steps.len()).into());
    }
    Ok(steps)
}

/// A member's phone set to Spanish opens the join page: the real browser's `Accept-Language`
/// picks Spanish, and the language switcher leads to the Arabic page, laid out right to left.
/// Both pass the accessibility audit and fit a phone's width.
#[tokio::test]
async fn the_join_page_in_a_real_browser_follows_its_language_and_reads_right_to_left_in_arabic() {
    if !chromedriver_available() {
        return;
    }
    let app = spawn_app(|doc| {
        doc.push_str(
            "\n[email]\nsmtp_url = \"smtp://127.0.0.1:9\"\nfrom = \"relay@example.org\"\n",
        );
    })
    .await;
    let code = zoom_relay::service::codes::create(
        &app.service(),
        &zoom_relay::service::codes::CreateCode {
            kind: zoom_relay::store::bot::CodeKind::Subscribe,
            route: Some("demo: every meeting to the log".into()),
            app: None,
            account: Some("demo-account".into()),
            ttl: None,
        },
    )
    .await
    .expect("a subscribe code, since email is configured")
    .code;
    let (_driver, port) = start_chromedriver().await;
    let c = open_browser_in(port, Some("es")).await;
    let result = member_pages(&c, &app, &code).await;
    finish(
        c,
        result,
        "39-member-failure",
        "member pages in the browser",
    )
    .await;
}

async fn member_pages(c: &Client, app: &TestApp, code: &str) -> Step<()> {
    let facts = "return [document.documentElement.lang, \
                 getComputedStyle(document.body).direction, \
                 document.querySelector('label[for=email]').textContent];";
    c.goto(&app.url(&format!("/join/{code}"))).await?;
    let es: Vec<String> = serde_json::from_value(c.execute(facts, vec![]).await?)?;
    if es != ["es", "ltr", "Tu dirección de correo electrónico"] {
        return Err(format!("the Spanish browser got {es:?}").into());
    }
    audit(c, "30-join-es").await?;

    c.find(Locator::LinkText("العربية")).await?.click().await?;
    let ar: Vec<String> = until("the Arabic page", || async {
        let got: Vec<String> = serde_json::from_value(c.execute(facts, vec![]).await?)?;
        Ok((got[0] == "ar").then_some(got))
    })
    .await?;
    if ar != ["ar", "rtl", "عنوان بريدك الإلكتروني"] {
        return Err(format!("the Arabic page is {ar:?}").into());
    }
    audit(c, "31-join-ar").await?;
    Ok(())
}

/// Issue 16: a group whose bot was removed, as an organizer meets it in a real browser. The routes
/// list names the group by its title and says it is turned off; the dashboard says why and offers
/// to enable it again; once the bot is back in the group, one press turns it on and the next
/// meeting reaches the group.
#[tokio::test]
async fn a_group_that_removed_the_bot_is_shown_turned_off_and_enabled_again() {
    use zoom_relay::store::bot::{ChatKind, ChatLink};
    if !chromedriver_available() {
        return;
    }
    const ACCOUNT: &str = crate::rig::RIG_ACCOUNT;
    const GROUP: i64 = -1_001_777_000_333;
    let tg = FakeTelegram::start().await;
    let tg_url = tg.url();
    let app = spawn_app(|doc| {
        doc.push_str(&format!(
            "\n[telegram]\nbot_token = \"123456:browser-test\"\napi_url = \"{tg_url}\"\nbot_commands = false\n"
        ));
    })
    .await;
    app.db()
        .link_chat(&ChatLink {
            chat_id: GROUP,
            app_id: "default".into(),
            account_id: ACCOUNT.into(),
            kind: ChatKind::Supergroup,
            linked_by: Some(7),
            linked_at_ms: 1,
            title: Some("Tuesday Readers".into()),
        })
        .await
        .unwrap();
    app.db()
        .put_route(
            &serde_json::from_value(json!({
                "name": "readers", "app_id": "default", "account_id": ACCOUNT,
                "events": ["meeting.started"],
                "destinations": [{"kind": "telegram", "chat_id": GROUP}]
            }))
            .unwrap(),
        )
        .await
        .unwrap();
    tg.kick(GROUP);
    let sent = app
        .send_signed(None, &started_body(&unique_uuid("kicked"), "Book club"))
        .await;
    assert_eq!(sent.status(), 200);
    let key = format!("telegram:{GROUP}");
    eventually_async("the group turned off", async || {
        app.db()
            .is_target_disabled(&TenantId::new("default", ACCOUNT), &key)
            .await
            .unwrap()
    })
    .await;

    let (_driver, port) = start_chromedriver().await;
    let c = open_browser(port).await;
    let result = turned_off_and_on(&c, &app, &tg, GROUP).await;
    finish(c, result, "98-turned-off-failure", "turned-off journey").await;
}

async fn turned_off_and_on(c: &Client, app: &TestApp, tg: &FakeTelegram, group: i64) -> Step<()> {
    let base = app.url("");
    let acct = format!("{base}/console/t/default/{}", crate::rig::RIG_ACCOUNT);
    c.goto(&format!("{base}/console/login")).await?;
    let token = c.find(Locator::Css("#token")).await?;
    token.send_keys(DEMO_ADMIN_TOKEN).await?;
    token.send_keys("\u{E007}").await?;
    until("signed in", move || async move {
        Ok(c.current_url().await?.path().eq("/console").then_some(()))
    })
    .await?;

    // The routes list: the group by its title, marked as turned off.
    c.goto(&format!("{acct}/routes")).await?;
    let list = text_of(c, "main").await?;
    if !(list.contains("Telegram group “Tuesday Readers”") && list.contains("turned off")) {
        return Err(format!("the routes list does not show the turned-off group: {list}").into());
    }
    if list.contains(&group.to_string()) {
        return Err(format!("the routes list shows a chat id: {list}").into());
    }
    audit(c, "22-routes-turned-off").await?;

    // The dashboard says so once, in words, with the way out.
    c.goto(&acct).await?;
    let dash = text_of(c, "main").await?;
    if dash.matches("Tuesday Readers").count() != 1 || !dash.contains("is turned off") {
        return Err(
            format!("the dashboard does not explain the turned-off group once: {dash}").into(),
        );
    }
    audit(c, "23-dashboard-turned-off").await?;

    if c.find(Locator::XPath("//button[normalize-space()='Enable again']"))
        .await
        .is_err()
    {
        return Err("the dashboard offers no way to enable it again".into());
    }

    // The bot is back in the group; one press on the routes list, right beside the warning,
    // turns the destination on again and comes back to the list.
    tg.unkick(group);
    c.goto(&format!("{acct}/routes")).await?;
    c.find(Locator::XPath("//button[normalize-space()='Enable again']"))
        .await?
        .click()
        .await?;
    until("the routes list without the warning", move || async move {
        let url = c.current_url().await?;
        let t = text_of(c, "main").await?;
        Ok((url.path().ends_with("/routes") && !t.contains("turned off")).then_some(()))
    })
    .await?;
    c.goto(&acct).await?;
    let dash = text_of(c, "main").await?;
    if dash.contains("is turned off") {
        return Err(format!("the dashboard still shows the problem: {dash}").into());
    }

    // The next meeting reaches the group.
    let sent = app
        .send_signed(None, &started_body(&unique_uuid("back"), "Book club again"))
        .await;
    if sent.status() != 200 {
        return Err(format!("intake answered {}", sent.status()).into());
    }
    let got = tg.wait_delivered(group, 1, std::time::Duration::ZERO).await;
    if !got.iter().any(|m| m.text.contains("Book club again")) {
        return Err("the group did not get the next alert".into());
    }
    Ok(())
}

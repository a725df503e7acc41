//! The console's start: the operator's account picker, and each account's dashboard (install health,
//! recent traffic, notices).

use std::collections::BTreeSet;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::html::{Section, button_form, e, page, seg, shown};
use super::{Fail, Posted, Scope, field, signed_in, words};
use crate::http::AppState;
use crate::http::call;
use crate::service::events::{self, EventsQuery};
use crate::service::{ServiceError, deliveries, tenants};

/// `/console`: a tenant goes straight to its dashboard; the operator picks an account.
pub async fn home(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, Fail> {
    let p = signed_in(&st, &headers).await?;
    if let Some((app, account)) = p.tenant() {
        return Ok(
            Redirect::to(&format!("/console/t/{}/{}", seg(app), seg(account))).into_response(),
        );
    }
    let ctx = call::operator(&st);
    let list = tenants::list(&ctx, None).await?;
    let route_tenants: BTreeSet<(String, String)> = ctx
        .list(None, None)
        .await?
        .into_iter()
        .map(|r| (r.app_id, r.account_id))
        .collect();
    let mut body = String::from(
        "<p>You are signed in as the operator and see every account. Pick one.</p>\
         <p><a href=\"/console/apps\">Zoom apps</a>: add, rotate, remove, or invite a community \
         to connect its own.</p>\
         <h2>Installed accounts</h2>",
    );
    if list.is_empty() {
        body.push_str("<p>No account has installed an app yet.</p>");
    } else {
        body.push_str("<ul class=\"cards\">");
        for t in &list {
            body.push_str(&format!(
                "<li><a href=\"/console/t/{}/{}\">Account {}</a> · app {} · {}{} · {} route(s)</li>",
                seg(&t.app_id),
                seg(&t.account_id),
                e(&t.account_id),
                e(&t.app_id),
                status_badge(&t.status),
                t.installer_email
                    .as_deref()
                    .map(|m| format!(" · installed by {}", e(m)))
                    .unwrap_or_default(),
                t.routes
            ));
        }
        body.push_str("</ul>");
    }
    let installed: BTreeSet<(String, String)> = list
        .iter()
        .map(|t| (t.app_id.clone(), t.account_id.clone()))
        .collect();
    let others: Vec<_> = route_tenants.difference(&installed).collect();
    if !others.is_empty() {
        body.push_str("<h2>Accounts with routes but no install</h2><ul class=\"cards\">");
        for (app, acc) in others {
            body.push_str(&format!(
                "<li><a href=\"/console/t/{}/{}\">Account {}</a> · app {}</li>",
                seg(app),
                seg(acc),
                e(acc),
                e(app)
            ));
        }
        body.push_str("</ul>");
    }
    body.push_str(
        "<h2>Open an account</h2><form method=\"get\" action=\"/console/go\">\
         <label for=\"go-app\">Zoom app</label><select id=\"go-app\" name=\"app\">",
    );
    for a in st.apps.all() {
        body.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            e(&a.id),
            e(&a.id)
        ));
    }
    body.push_str(
        "</select><label for=\"go-account\">Zoom account id</label>\
         <input id=\"go-account\" name=\"account\" required autocomplete=\"off\">\
         <button type=\"submit\">Open</button></form>",
    );
    Ok(page(StatusCode::OK, "Accounts", Some(&p), None, &body))
}

#[derive(Deserialize)]
pub struct Go {
    app: String,
    account: String,
}

/// The operator's "open an account" form.
pub async fn go(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(g): Query<Go>,
) -> Result<Response, Fail> {
    signed_in(&st, &headers).await?;
    Ok(Redirect::to(&format!(
        "/console/t/{}/{}",
        seg(&g.app),
        seg(g.account.trim())
    ))
    .into_response())
}

fn status_badge(status: &str) -> String {
    match status {
        "active" => "<span class=\"badge ok\">active</span>".into(),
        "reauthorization_needed" => {
            "<span class=\"badge bad\">reauthorization needed</span>".into()
        }
        other => format!("<span class=\"badge\">{}</span>", e(other)),
    }
}

/// An account's dashboard.
pub async fn show(State(st): State<AppState>, sc: Scope) -> Result<Response, Fail> {
    let body = dashboard_body(&st, &sc).await?;
    shown(&sc, Section::Dashboard, "Dashboard", &body)
}

async fn dashboard_body(st: &AppState, sc: &Scope) -> Result<String, Fail> {
    let (app, account) = (sc.app.clone(), sc.account.clone());
    let since = chrono::Utc::now() - chrono::Duration::hours(24);
    let ctx = call::operator(st);
    let detail = match tenants::show(&ctx, &app, &account).await {
        Ok(d) => Some(d),
        Err(ServiceError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let q = |since: Option<String>, limit| EventsQuery {
        since,
        app: Some(app.clone()),
        account: Some(account.clone()),
        limit: Some(limit),
    };
    let last = events::list(&ctx, &q(None, 1)).await?;
    let events_24h = events::list(&ctx, &q(Some("24h".into()), 10_000))
        .await?
        .len();
    let since_ms = since.timestamp_millis();
    let mine = |j: &crate::store::Job| j.app_id == app && j.account_id == account;
    // Counts only; a dashboard needs no attempt details.
    let dead_24h: Vec<String> = st
        .db
        .list_dead()
        .await?
        .iter()
        .filter(|d| mine(&d.job) && d.dead_at_ms >= since_ms)
        .map(|d| d.job.target.key())
        .collect();
    let failed_24h = dead_24h.len();
    // One read of the sent log serves both the count and the checklist's "Send a test".
    let sent: Vec<_> = st
        .db
        .list_sent()
        .await?
        .into_iter()
        .filter(|s| mine(&s.job))
        .collect();
    let sent_24h = sent.iter().filter(|s| s.sent_at_ms >= since_ms).count();
    let tested = sent
        .iter()
        .any(|s| s.job.idempotency_key.starts_with("test_"));
    let notices = deliveries::notices(&ctx, Some(&app), Some(&account)).await?;
    let disabled = deliveries::disabled(&ctx, Some(&app), Some(&account)).await?;
    let names = ctx.chat_names(&app, &account).await?;
    let routes = ctx.list(Some(&app), Some(&account)).await?;
    let oauth_app = st.apps.get(&sc.app).is_some_and(|a| a.has_oauth());

    // Problems first, each once, in words.
    let mut problems: Vec<String> = Vec::new();
    match &detail {
        Some(d) if d.tenant.status == "reauthorization_needed" => problems.push(format!(
            "Zoom refused this install's token: join links cannot be looked up until someone \
             installs the app again. <a class=\"button\" href=\"/zoom/install/{}\">Reinstall the Zoom app</a>",
            seg(&sc.app)
        )),
        None if oauth_app => problems.push(format!(
            "This account has not installed the Zoom app yet, so its meetings are not announced. \
             <a class=\"button\" href=\"/zoom/install/{}\">Install the Zoom app</a>",
            seg(&sc.app)
        )),
        _ => {}
    }
    for d in &disabled {
        problems.push(format!(
            "{} is turned off: {} {}",
            e(&words::destination_named(&d.target, &names)),
            e(&words::sentence(&d.reason)),
            button_form(
                &sc.url("/destinations/enable"),
                sc.csrf(),
                "Enable again",
                &[("target", &d.target)],
            )
        ));
    }
    // Failures to a destination listed above as turned off are explained there.
    let unexplained = dead_24h
        .iter()
        .filter(|t| !disabled.iter().any(|d| &d.target == *t))
        .count();
    if unexplained > 0 {
        problems.push(format!(
            "<a href=\"{}\">{} in the last 24 hours</a>.",
            e(&sc.url("/deliveries?failed=1")),
            e(&words::sentence(&words::count(
                unexplained,
                "delivery failed",
                "deliveries failed"
            )))
        ));
    }
    let shown: std::collections::HashSet<&str> =
        disabled.iter().map(|d| d.target.as_str()).collect();
    for n in &notices {
        // A notice about a destination listed above would say the same thing twice; one that
        // turned a destination off is settled once the destination is enabled again.
        let turned_off = matches!(n.kind.as_str(), "webhook_gone" | "telegram_forbidden");
        if n.target.as_deref().is_some_and(|t| shown.contains(t)) || turned_off {
            continue;
        }
        problems.push(e(&words::sentence(&n.message)));
    }
    let mut body = if problems.is_empty() {
        "<p class=\"verdict\" role=\"status\">All good: nothing needs your attention.</p>"
            .to_string()
    } else {
        let mut b = format!(
            "<p class=\"verdict bad\" role=\"status\">{} your attention.</p><ul class=\"cards\">",
            words::sentence(&words::count(
                problems.len(),
                "problem needs",
                "problems need"
            ))
        );
        for p in &problems {
            b.push_str(&format!("<li>{p}</li>"));
        }
        b.push_str("</ul>");
        b
    };

    // The first-run checklist, ticked off from what the account already has.
    let connected = detail.is_some() || !oauth_app;
    let has_route = !routes.is_empty();
    let reaches_people = routes.iter().any(|r| {
        r.destinations
            .iter()
            .any(|d| !matches!(d, crate::routing::Destination::Log))
    });
    let steps = [
        (
            connected,
            "Connect Zoom".to_string(),
            "Install the Zoom app for this account.".to_string(),
        ),
        (
            has_route,
            "Make a route".to_string(),
            format!(
                "Say which meetings to announce. <a href=\"{}\">New route</a>",
                e(&sc.url("/new-route"))
            ),
        ),
        (
            reaches_people,
            "Reach your group".to_string(),
            "Add the bot to your Telegram group and send it the link code from the route's page, \
             or share the route's join link with your members."
                .to_string(),
        ),
        (
            tested,
            "Send a test".to_string(),
            "Press “Send test” on the route's page and check that it arrives.".to_string(),
        ),
    ];
    let done = steps.iter().filter(|s| s.0).count();
    body.push_str(&format!(
        "<details{}><summary><h2 class=\"inline\" id=\"start-h\">Getting started: {done} of {} done</h2></summary>\
         <ol class=\"checklist\" aria-labelledby=\"start-h\">",
        if done == steps.len() { "" } else { " open" },
        steps.len()
    ));
    for (ok, title, how) in &steps {
        body.push_str(&format!(
            "<li><span class=\"{}\" aria-hidden=\"true\">{}</span> <strong>{}</strong>{}: {}</li>",
            if *ok { "done" } else { "todo" },
            if *ok { "✓" } else { "○" },
            e(title),
            if *ok { " (done)" } else { "" },
            how
        ));
    }
    body.push_str("</ol></details>");

    body.push_str("<section aria-labelledby=\"install-h\"><h2 id=\"install-h\">Zoom install</h2>");
    match &detail {
        Some(d) => {
            let t = &d.tenant;
            body.push_str(&format!(
                "<dl class=\"facts\"><dt>Status</dt><dd>{}</dd>\
                 <dt>Installed by</dt><dd>{}</dd><dt>Installed</dt><dd>{}</dd></dl>",
                status_badge(&t.status),
                e(t.installer_email.as_deref().unwrap_or(&t.installer_user_id)),
                words::time(&t.installed_at),
            ));
        }
        None if oauth_app => body.push_str("<p><span class=\"badge bad\">not installed</span></p>"),
        None => body.push_str(
            "<p>This Zoom app sends its events without an install: nothing to do here.</p>",
        ),
    }
    body.push_str(
        "</section><section aria-labelledby=\"traffic-h\"><h2 id=\"traffic-h\">Last 24 hours</h2>",
    );
    body.push_str(&format!(
        "<dl class=\"facts\"><dt>Last meeting event</dt><dd>{}</dd>\
         <dt>Meeting events</dt><dd>{events_24h}</dd>\
         <dt>Messages delivered</dt><dd>{sent_24h}</dd>\
         <dt>Failed deliveries</dt><dd>{}</dd></dl></section>",
        match last.first() {
            Some(ev) => format!(
                "{} {}, {}",
                e(&words::event(&ev.event)),
                words::time(&ev.received_at),
                e(words::event_status(&ev.status))
            ),
            None => "none yet".into(),
        },
        if failed_24h > 0 {
            format!(
                "<a href=\"{}\">{failed_24h} failed</a>",
                e(&sc.url("/deliveries?failed=1"))
            )
        } else {
            "0".into()
        }
    ));
    Ok(body)
}

/// Sends to a disabled destination again (after the organizer fixed the cause: the bot is back in
/// the group, the receiver answers again).
pub async fn enable_destination(
    State(st): State<AppState>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let req = deliveries::EnableRequest {
        app: sc.app.clone(),
        account: sc.account.clone(),
        target: field(&form, "target").unwrap_or("").to_string(),
    };
    if !deliveries::enable(&call::operator(&st), &req).await? {
        return Err(Fail::not_found());
    }
    // Back to the page it was pressed on: the routes list or the dashboard.
    let back = match field(&form, "back") {
        Some("routes") => sc.url("/routes"),
        _ => sc.url(""),
    };
    Ok(Redirect::to(&back).into_response())
}

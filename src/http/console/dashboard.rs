//! The console's start: the operator's account picker, and each account's dashboard (install health,
//! recent traffic, notices).

use std::collections::BTreeSet;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::html::{Section, button_form, options, page, seg, shown, titled_section};
use super::{Fail, Posted, Scope, field, signed_in, tenant_url, words};
use crate::http::AppState;
use crate::http::call;
use crate::service::events::{self, EventView, EventsQuery};
use crate::service::{ServiceError, deliveries, tenants};

/// `/console`: a tenant goes straight to its dashboard; the operator picks an account.
pub async fn home(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, Fail> {
    let p = signed_in(&st, &headers).await?;
    if let Some((app, account)) = p.tenant() {
        return Ok(Redirect::to(&tenant_url(app, account, "")).into_response());
    }
    let ctx = call::operator(&st);
    let list = tenants::list(&ctx, None).await?;
    let route_tenants: BTreeSet<(String, String)> = ctx
        .list(None, None)
        .await?
        .into_iter()
        .map(|r| (r.app_id, r.account_id))
        .collect();
    let installed: BTreeSet<(String, String)> = list
        .iter()
        .map(|t| (t.app_id.clone(), t.account_id.clone()))
        .collect();
    let others: Vec<_> = route_tenants.difference(&installed).collect();
    let apps: Vec<String> = st.apps.all().iter().map(|a| a.id.clone()).collect();
    let body = html! {
        p { "You are signed in as the operator and see every account. Pick one." }
        p {
            a href="/console/apps" { "Zoom apps" }
            ": add, rotate, remove, or invite a community to connect its own."
        }
        h2 { "Installed accounts" }
        @if list.is_empty() {
            p { "No account has installed an app yet." }
        } @else {
            ul class="cards" {
                @for t in &list {
                    li {
                        (account_link(&t.app_id, &t.account_id)) " · " (status_badge(&t.status))
                        @if let Some(by) = &t.installer_email {
                            " · installed by " (by)
                        }
                        " · " (t.routes) " route(s)"
                    }
                }
            }
        }
        @if !others.is_empty() {
            h2 { "Accounts with routes but no install" }
            ul class="cards" {
                @for (app, account) in others {
                    li { (account_link(app, account)) }
                }
            }
        }
        h2 { "Open an account" }
        form method="get" action="/console/go" {
            label for="go-app" { "Zoom app" }
            select id="go-app" name="app" { (options(&apps, None)) }
            label for="go-account" { "Zoom account id" }
            input id="go-account" name="account" required autocomplete="off";
            button type="submit" { "Open" }
        }
    };
    Ok(page(StatusCode::OK, "Accounts", Some(&p), None, body))
}

/// An account of the operator's list: a link to its dashboard, and its app.
fn account_link(app: &str, account: &str) -> Markup {
    html! {
        a href=(tenant_url(app, account, "")) { "Account " (account) }
        " · app " (app)
    }
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
    Ok(Redirect::to(&tenant_url(&g.app, g.account.trim(), "")).into_response())
}

fn status_badge(status: &str) -> Markup {
    match status {
        "active" => html! { span class="badge ok" { "active" } },
        "reauthorization_needed" => html! { span class="badge bad" { "reauthorization needed" } },
        other => html! { span class="badge" { (other) } },
    }
}

/// An account's dashboard.
pub async fn show(State(st): State<AppState>, sc: Scope) -> Result<Response, Fail> {
    let body = dashboard_body(&st, &sc).await?;
    shown(&sc, Section::Dashboard, "Dashboard", body)
}

async fn dashboard_body(st: &AppState, sc: &Scope) -> Result<Markup, Fail> {
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
    let mut problems: Vec<Markup> = Vec::new();
    let install_url = format!("/zoom/install/{}", seg(&sc.app));
    match &detail {
        Some(d) if d.tenant.status == "reauthorization_needed" => problems.push(html! {
            "Zoom refused this install's token: join links cannot be looked up until someone \
             installs the app again. "
            a class="button" href=(install_url) { "Reinstall the Zoom app" }
        }),
        None if oauth_app => problems.push(html! {
            "This account has not installed the Zoom app yet, so its meetings are not announced. "
            a class="button" href=(install_url) { "Install the Zoom app" }
        }),
        _ => {}
    }
    for d in &disabled {
        problems.push(html! {
            (words::destination_named(&d.target, &names)) " is turned off: "
            (words::sentence(&d.reason)) " "
            (button_form(
                &sc.url("/destinations/enable"),
                sc.csrf(),
                "Enable again",
                &[("target", &d.target)],
            ))
        });
    }
    // Failures to a destination listed above as turned off are explained there.
    let unexplained = dead_24h
        .iter()
        .filter(|t| !disabled.iter().any(|d| &d.target == *t))
        .count();
    if unexplained > 0 {
        let failed = words::count(unexplained, "delivery failed", "deliveries failed");
        problems.push(html! {
            a href=(sc.url("/deliveries?failed=1")) {
                (words::sentence(&failed)) " in the last 24 hours"
            }
            "."
        });
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
        problems.push(html! { (words::sentence(&n.message)) });
    }

    // The first-run checklist, ticked off from what the account already has.
    let reaches_people = routes.iter().any(|r| {
        r.destinations
            .iter()
            .any(|d| !matches!(d, crate::routing::Destination::Log))
    });
    let steps = [
        Step {
            done: detail.is_some() || !oauth_app,
            title: "Connect Zoom",
            how: html! { "Install the Zoom app for this account." },
        },
        Step {
            done: !routes.is_empty(),
            title: "Make a route",
            how: html! {
                "Say which meetings to announce. " a href=(sc.url("/new-route")) { "New route" }
            },
        },
        Step {
            done: reaches_people,
            title: "Reach your group",
            how: html! {
                "Add the bot to your Telegram group and send it the link code from the route's \
                 page, or share the route's join link with your members."
            },
        },
        Step {
            done: tested,
            title: "Send a test",
            how: html! { "Press “Send test” on the route's page and check that it arrives." },
        },
    ];
    let traffic = Traffic {
        last: last.first(),
        events: events_24h,
        sent: sent_24h,
        failed: failed_24h,
    };
    Ok(html! {
        (verdict(&problems))
        (checklist(&steps))
        (install_section(detail.as_ref().map(|d| &d.tenant), oauth_app))
        (traffic_section(sc, &traffic))
    })
}

/// The dashboard's first line: all good, or how many problems, listed.
fn verdict(problems: &[Markup]) -> Markup {
    html! {
        @if problems.is_empty() {
            p class="verdict" role="status" { "All good: nothing needs your attention." }
        } @else {
            p class="verdict bad" role="status" {
                (words::sentence(&words::count(problems.len(), "problem needs", "problems need")))
                " your attention."
            }
            ul class="cards" {
                @for p in problems {
                    li { (p) }
                }
            }
        }
    }
}

/// A step of the first-run checklist.
struct Step {
    done: bool,
    title: &'static str,
    how: Markup,
}

/// The first-run checklist, open until every step is done.
fn checklist(steps: &[Step]) -> Markup {
    let done = steps.iter().filter(|s| s.done).count();
    html! {
        details open[done < steps.len()] {
            summary {
                h2 class="inline" id="start-h" {
                    "Getting started: " (done) " of " (steps.len()) " done"
                }
            }
            ol class="checklist" aria-labelledby="start-h" {
                @for s in steps {
                    li {
                        @if s.done {
                            span class="done" aria-hidden="true" { "✓" }
                        } @else {
                            span class="todo" aria-hidden="true" { "○" }
                        }
                        " " strong { (s.title) }
                        @if s.done { " (done)" }
                        ": " (s.how)
                    }
                }
            }
        }
    }
}

/// The account's Zoom install: its status, who installed it and when.
fn install_section(tenant: Option<&tenants::TenantView>, oauth_app: bool) -> Markup {
    let body = html! {
        @if let Some(t) = tenant {
            dl class="facts" {
                dt { "Status" }
                dd { (status_badge(&t.status)) }
                dt { "Installed by" }
                dd { (t.installer_email.as_deref().unwrap_or(&t.installer_user_id)) }
                dt { "Installed" }
                dd { (words::time(&t.installed_at)) }
            }
        } @else if oauth_app {
            p { span class="badge bad" { "not installed" } }
        } @else {
            p { "This Zoom app sends its events without an install: nothing to do here." }
        }
    };
    titled_section("install-h", "Zoom install", body)
}

/// The account's last 24 hours in numbers.
struct Traffic<'a> {
    last: Option<&'a EventView>,
    events: usize,
    sent: usize,
    failed: usize,
}

fn traffic_section(sc: &Scope, t: &Traffic) -> Markup {
    let body = html! {
        dl class="facts" {
            dt { "Last meeting event" }
            dd {
                @if let Some(ev) = t.last {
                    (words::event(&ev.event)) " "
                        (words::time(&ev.received_at)) ", "
                    (words::event_status(&ev.status))
                } @else {
                    "none yet"
                }
            }
            dt { "Meeting events" }
            dd { (t.events) }
            dt { "Messages delivered" }
            dd { (t.sent) }
            dt { "Failed deliveries" }
            dd {
                @if t.failed > 0 {
                    a href=(sc.url("/deliveries?failed=1")) { (t.failed) " failed" }
                } @else {
                    "0"
                }
            }
        }
    };
    titled_section("traffic-h", "Last 24 hours", body)
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

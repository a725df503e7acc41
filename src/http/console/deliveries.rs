//! The delivery log: what is queued, what was delivered and what failed and why, with the attempt
//! history of each delivery, Retry for a dead letter and "Replay since" for many.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use maud::{Markup, html};

use super::fragments::{col_heads, facts, route_select, table_region};
use super::html::{Section, button_form, csrf_field, error_summary, flash, shown, tenant_page};
use super::{Fail, Posted, Scope, field, words};
use crate::http::AppState;
use crate::http::call;
use crate::routing::FieldError;
use crate::service::ServiceError;
use crate::service::deliveries::{self, DeliveriesQuery, ReplayRequest};
use crate::store::Message;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    failed: Option<String>,
    #[serde(default)]
    route: Option<String>,
    /// How many deliveries an action just queued again (a number, not text: a link cannot put
    /// words into the page).
    #[serde(default)]
    requeued: Option<usize>,
}

pub async fn list(
    State(st): State<AppState>,
    Query(f): Query<Filter>,
    sc: Scope,
) -> Result<Response, Fail> {
    let failed = f.failed.as_deref().is_some_and(|v| !v.is_empty());
    let route = f.route.clone().filter(|r| !r.is_empty());
    let query = DeliveriesQuery {
        failed,
        route: route.clone(),
        app: Some(sc.app.clone()),
        account: Some(sc.account.clone()),
        sent: true,
        limit: Some(500),
        ..DeliveriesQuery::default()
    };
    let ctx = call::operator(&st);
    let rows = deliveries::list(&ctx, &query).await?;
    let names = ctx.chat_names(&sc.app, &sc.account).await?;
    // A destination disabled after a permanent failure fails again at once: Retry is offered only
    // once it is enabled again (on the dashboard).
    let disabled: std::collections::HashSet<String> =
        deliveries::disabled(&ctx, Some(&sc.app), Some(&sc.account))
            .await?
            .into_iter()
            .map(|d| d.target)
            .collect();
    let routes = route_names(&ctx, &sc).await?;
    let requeued = f.requeued.map(|n| {
        format!(
            "{} queued again.",
            words::sentence(&words::count(n, "delivery", "deliveries"))
        )
    });
    let b = html! {
        @if let Some(n) = requeued { (flash(&n)) }
        form method="get" action=(sc.url("/deliveries")) class="row" {
            (route_select("f-route", "Route", "(all)", &routes, route.as_deref()))
            div class="check" {
                input type="checkbox" id="f-failed" name="failed" value="1" checked[failed];
                label for="f-failed" { "Only failures" }
            }
            button type="submit" { "Filter" }
        }
        @if rows.is_empty() {
            p { "No deliveries to show." }
        } @else {
            (per_event(&rows, &names))
            (table_region("Deliveries", Some("stack"), html! {
                (col_heads(&["State", "What", "Route", "To", "When", "Reason or last result"]))
                th scope="col" { span class="sr-only" { "Actions" } }
            }, html! {
                @for r in &rows { (delivery_row(&sc, r, &names, disabled.contains(&r.target))) }
            }))
        }
        (replay_form(&sc, &routes, &[]))
    };
    shown(&sc, Section::Deliveries, "Delivery log", b)
}

/// A delivery's state as a badge, in words.
fn state_badge(state: &str) -> Markup {
    let class = match state {
        "sent" => "badge ok",
        "dead" => "badge bad",
        _ => "badge",
    };
    html! { span class=(class) { (words::delivery_state(state)) } }
}

/// One row of the delivery log, with Retry for a dead letter whose destination is enabled.
fn delivery_row(
    sc: &Scope,
    r: &deliveries::DeliveryView,
    names: &std::collections::BTreeMap<i64, String>,
    target_disabled: bool,
) -> Markup {
    html! {
        tr class={ "state-" (r.state) } {
            td data-label="State" {
                a href=(sc.url(&format!("/deliveries/{}", r.id))) { (state_badge(&r.state)) }
            }
            td data-label="What" { (words::what(&r.event, r.test)) }
            td data-label="Route" { (r.route) }
            td data-label="To" { (words::destination_named(&r.target, names)) }
            td data-label="When" { (words::time(&r.at)) }
            td data-label="Reason" { (r.detail.as_deref().unwrap_or("")) }
            td {
                @if r.state == "dead" {
                    @if target_disabled {
                        a href=(sc.url("")) { "Destination turned off: enable it first" }
                    } @else {
                        (retry_button(sc, r.id))
                    }
                }
            }
        }
    }
}

fn retry_button(sc: &Scope, id: u64) -> Markup {
    let action = sc.url(&format!("/deliveries/{id}/retry"));
    button_form(&action, sc.csrf(), "Retry", &[])
}

/// The newest events at a glance, one line each: what happened, and each destination's outcome
/// ("Meeting started 3 min ago, Tuesday group: Telegram group … ✓, Email to … ✗ refused").
/// Test sends are grouped as one "event" per route and minute.
fn per_event(
    rows: &[deliveries::DeliveryView],
    names: &std::collections::BTreeMap<i64, String>,
) -> Markup {
    use std::collections::BTreeMap;
    // Newest first: rows come newest first, and the map keeps the order of first appearance.
    let mut order: Vec<(u64, String, String)> = Vec::new();
    let mut groups: BTreeMap<(u64, String, String), Vec<&deliveries::DeliveryView>> =
        BTreeMap::new();
    for r in rows {
        let minute = if r.test {
            r.at.get(..16).unwrap_or(&r.at).to_string()
        } else {
            String::new()
        };
        let key = (r.event_seq, r.route.clone(), minute);
        if !groups.contains_key(&key) {
            if order.len() >= 20 {
                continue;
            }
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(r);
    }
    html! {
        section aria-labelledby="events-h" {
            h2 id="events-h" { "Latest events" }
            ul class="cards" {
                @for key in &order {
                    @let g = &groups[key];
                    li {
                        strong { (words::what(&g[0].event, g[0].test)) } ", " (g[0].route) " · "
                        (words::time(&g[0].at)) ": "
                        @for (i, r) in g.iter().enumerate() {
                            @if i > 0 { "; " }
                            (outcome(r, names))
                        }
                    }
                }
            }
        }
        h2 { "Every delivery" }
    }
}

/// A destination and how its delivery went: ✓, ✗ with the reason, or … while it waits.
fn outcome(
    r: &deliveries::DeliveryView,
    names: &std::collections::BTreeMap<i64, String>,
) -> Markup {
    let (mark, label) = match r.state.as_str() {
        "sent" => ("✓", "delivered"),
        "dead" => ("✗", "failed"),
        _ => ("…", "waiting"),
    };
    html! {
        (words::destination_named(&r.target, names)) " "
        span aria-label=(label) { (mark) }
        @if let ("dead", Some(d)) = (r.state.as_str(), &r.detail) { " (" (d) ")" }
    }
}

fn replay_form(sc: &super::Scope, routes: &[String], errs: &[FieldError]) -> Markup {
    html! {
        section aria-labelledby="replay-h" {
            h2 id="replay-h" { "Replay failures" }
            (error_summary(errs))
            p {
                "Queue again every failed delivery that failed since a time, e.g. after fixing a \
                 destination."
            }
            form method="post" action=(sc.url("/deliveries/replay")) {
                (csrf_field(sc.csrf()))
                div class="field" {
                    label for="since" { "Since" }
                    p class="hint" id="since-hint" {
                        "An age such as 2h, 30m or 7d, or a time such as 2026-01-31T18:00:00Z."
                    }
                    input id="since" name="since" required aria-describedby="since-hint" value="24h";
                }
                (route_select("replay-route", "Route", "(all)", routes, None))
                button type="submit" { "Replay" }
            }
        }
    }
}

pub async fn replay(
    State(st): State<AppState>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let req = ReplayRequest {
        since: field(&form, "since").unwrap_or("").trim().to_string(),
        route: field(&form, "route")
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        app: Some(sc.app.clone()),
        account: Some(sc.account.clone()),
    };
    let ctx = call::operator(&st);
    match deliveries::replay(&ctx, &req).await {
        Ok(report) => Ok(Redirect::to(
            &sc.url(&format!("/deliveries?requeued={}", report.requeued)),
        )
        .into_response()),
        // A bad `since` goes back to the form, next to its field.
        Err(ServiceError::Invalid(errs)) => {
            let routes = route_names(&ctx, &sc).await?;
            Ok(tenant_page(
                &sc,
                Section::Deliveries,
                StatusCode::BAD_REQUEST,
                "Delivery log",
                replay_form(&sc, &routes, &errs),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The names of the tenant's routes, for the filter and replay forms.
async fn route_names(ctx: &crate::service::Ctx, sc: &super::Scope) -> Result<Vec<String>, Fail> {
    Ok(ctx
        .list(Some(&sc.app), Some(&sc.account))
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect())
}

/// One delivery of this tenant, or 404 (also for another tenant's).
async fn owned(
    st: &AppState,
    sc: &super::Scope,
    id: u64,
) -> Result<deliveries::DeliveryDetail, Fail> {
    let d = deliveries::get(&call::operator(st), id).await?;
    match d {
        Some(d) if d.delivery.app_id == sc.app && d.delivery.account_id == sc.account => Ok(d),
        _ => Err(Fail::not_found()),
    }
}

pub async fn show(
    State(st): State<AppState>,
    Path((_, _, id)): Path<(String, String, u64)>,
    sc: Scope,
) -> Result<Response, Fail> {
    let d = owned(&st, &sc, id).await?;
    let names = call::operator(&st).chat_names(&sc.app, &sc.account).await?;
    let v = &d.delivery;
    let text = match &d.message {
        Message::Telegram { html } => html.clone(),
        Message::Email { subject, text, .. } => format!("Subject: {subject}\n\n{text}"),
        Message::Webhook { json } => json.clone(),
        Message::Log { text } => text.clone(),
    };
    let b = html! {
        (facts(&[
            ("State", html! { (words::delivery_state(&v.state)) }),
            ("What", html! { (words::what(&v.event, v.test)) }),
            ("Route", html! { (v.route) }),
            ("To", html! { (words::destination_named(&v.target, &names)) }),
            ("Attempts", html! { (v.attempts) }),
            ("When", words::time(&v.at)),
            ("Reason or last result", html! { (v.detail.as_deref().unwrap_or("")) }),
        ]))
        @if v.state == "dead" { (retry_button(&sc, id)) }
        h2 { "Attempts" }
        @if d.attempts.is_empty() {
            p { "No attempt yet." }
        } @else {
            (table_region(
                "Attempts",
                None,
                col_heads(&["#", "When", "Outcome", "Status", "Took", "Detail"]),
                html! { @for a in &d.attempts { (attempt_row(a)) } },
            ))
        }
        h2 { "Message" }
        pre tabindex="0" { (text) }
        p { a href=(sc.url("/deliveries")) { "Back to the delivery log" } }
    };
    shown(&sc, Section::Deliveries, &format!("Delivery {id}"), b)
}

fn attempt_row(a: &deliveries::AttemptView) -> Markup {
    html! {
        tr {
            td { (a.attempt) }
            td { (words::time(&a.at)) }
            td { (a.outcome) }
            td { @if let Some(s) = a.status { (s) } }
            td { (a.latency_ms) " ms" }
            td { (a.detail) }
        }
    }
}

pub async fn retry(
    State(st): State<AppState>,
    Path((_, _, id)): Path<(String, String, u64)>,
    Posted { by: sc, .. }: Posted,
) -> Result<Response, Fail> {
    owned(&st, &sc, id).await?;
    deliveries::retry(&call::operator(&st), id).await?;
    Ok(Redirect::to(&sc.url("/deliveries?requeued=1")).into_response())
}

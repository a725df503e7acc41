//! The delivery log: what is queued, what was delivered and what failed and why, with the attempt
//! history of each delivery, Retry for a dead letter and "Replay since" for many.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::html::{
    Section, button_form, csrf_field, e, error_summary, flash, options, shown, tenant_page,
};
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
    let mut b = String::new();
    if let Some(n) = f.requeued {
        b.push_str(&flash(&format!(
            "{} queued again.",
            words::sentence(&words::count(n, "delivery", "deliveries"))
        )));
    }
    b.push_str(&format!(
        "<form method=\"get\" action=\"{}\" class=\"row\"><div class=\"field\">\
         <label for=\"f-route\">Route</label><select id=\"f-route\" name=\"route\"><option value=\"\">(all)</option>",
        e(&sc.url("/deliveries"))
    ));
    b.push_str(&options(&routes, route.as_deref()));
    b.push_str(&format!(
        "</select></div><div class=\"check\"><input type=\"checkbox\" id=\"f-failed\" name=\"failed\" value=\"1\"{}>\
         <label for=\"f-failed\">Only failures</label></div><button type=\"submit\">Filter</button></form>",
        if failed { " checked" } else { "" }
    ));
    if rows.is_empty() {
        b.push_str("<p>No deliveries to show.</p>");
    } else {
        b.push_str(&per_event(&rows, &names));
        b.push_str(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Deliveries\">\
             <table class=\"stack\"><thead><tr><th scope=\"col\">State</th>\
             <th scope=\"col\">What</th><th scope=\"col\">Route</th><th scope=\"col\">To</th>\
             <th scope=\"col\">When</th><th scope=\"col\">Reason or last result</th>\
             <th scope=\"col\"><span class=\"sr-only\">Actions</span></th></tr></thead><tbody>",
        );
        for r in &rows {
            let badge = match r.state.as_str() {
                "sent" => "ok",
                "dead" => "bad",
                _ => "",
            };
            let action = match (r.state.as_str(), disabled.contains(&r.target)) {
                ("dead", false) => button_form(
                    &sc.url(&format!("/deliveries/{}/retry", r.id)),
                    sc.csrf(),
                    "Retry",
                    &[],
                ),
                ("dead", true) => format!(
                    "<a href=\"{}\">Destination turned off: enable it first</a>",
                    e(&sc.url(""))
                ),
                _ => String::new(),
            };
            b.push_str(&format!(
                "<tr class=\"state-{}\"><td data-label=\"State\"><a href=\"{}\"><span class=\"badge {badge}\">{}</span></a></td>\
                 <td data-label=\"What\">{}</td><td data-label=\"Route\">{}</td><td data-label=\"To\">{}</td>\
                 <td data-label=\"When\">{}</td><td data-label=\"Reason\">{}</td><td>{action}</td></tr>",
                e(&r.state),
                e(&sc.url(&format!("/deliveries/{}", r.id))),
                e(words::delivery_state(&r.state)),
                e(&words::what(&r.event, r.test)),
                e(&r.route),
                e(&words::destination_named(&r.target, &names)),
                words::time(&r.at),
                e(r.detail.as_deref().unwrap_or("")),
            ));
        }
        b.push_str("</tbody></table></div>");
    }
    b.push_str(&replay_form(&sc, &routes, &[]));
    shown(&sc, Section::Deliveries, "Delivery log", &b)
}

/// The newest events at a glance, one line each: what happened, and each destination's outcome
/// ("Meeting started 3 min ago, Tuesday group: Telegram group … ✓, Email to … ✗ refused").
/// Test sends are grouped as one "event" per route and minute.
fn per_event(
    rows: &[deliveries::DeliveryView],
    names: &std::collections::BTreeMap<i64, String>,
) -> String {
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
    let mut b = String::from(
        "<section aria-labelledby=\"events-h\"><h2 id=\"events-h\">Latest events</h2><ul class=\"cards\">",
    );
    for key in &order {
        let g = &groups[key];
        let first = g[0];
        let outcomes: Vec<String> = g
            .iter()
            .map(|r| {
                let (mark, label) = match r.state.as_str() {
                    "sent" => ("✓", "delivered"),
                    "dead" => ("✗", "failed"),
                    _ => ("…", "waiting"),
                };
                let why = match (r.state.as_str(), &r.detail) {
                    ("dead", Some(d)) => format!(" ({})", e(d)),
                    _ => String::new(),
                };
                format!(
                    "{} <span aria-label=\"{label}\">{mark}</span>{why}",
                    e(&words::destination_named(&r.target, names))
                )
            })
            .collect();
        b.push_str(&format!(
            "<li><strong>{}</strong>, {} · {}: {}</li>",
            e(&words::what(&first.event, first.test)),
            e(&first.route),
            words::time(&first.at),
            outcomes.join("; ")
        ));
    }
    b.push_str("</ul></section><h2>Every delivery</h2>");
    b
}

fn replay_form(sc: &super::Scope, routes: &[String], errs: &[FieldError]) -> String {
    let mut b = format!(
        "<section aria-labelledby=\"replay-h\"><h2 id=\"replay-h\">Replay failures</h2>{}\
         <p>Queue again every failed delivery that failed since a time, e.g. after fixing a destination.</p>\
         <form method=\"post\" action=\"{}\">{}\
         <div class=\"field\"><label for=\"since\">Since</label>\
         <p class=\"hint\" id=\"since-hint\">An age such as 2h, 30m or 7d, or a time such as 2026-01-31T18:00:00Z.</p>\
         <input id=\"since\" name=\"since\" required aria-describedby=\"since-hint\" value=\"24h\"></div>\
         <div class=\"field\"><label for=\"replay-route\">Route</label><select id=\"replay-route\" name=\"route\">\
         <option value=\"\">(all)</option>",
        error_summary(errs),
        e(&sc.url("/deliveries/replay")),
        csrf_field(sc.csrf())
    );
    for r in routes {
        b.push_str(&format!("<option value=\"{}\">{}</option>", e(r), e(r)));
    }
    b.push_str("</select></div><button type=\"submit\">Replay</button></form></section>");
    b
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
                &replay_form(&sc, &routes, &errs),
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
    let mut b = format!(
        "<dl class=\"facts\"><dt>State</dt><dd>{}</dd><dt>What</dt><dd>{}</dd><dt>Route</dt><dd>{}</dd>\
         <dt>To</dt><dd>{}</dd><dt>Attempts</dt><dd>{}</dd><dt>When</dt><dd>{}</dd>\
         <dt>Reason or last result</dt><dd>{}</dd></dl>",
        e(words::delivery_state(&v.state)),
        e(&words::what(&v.event, v.test)),
        e(&v.route),
        e(&words::destination_named(&v.target, &names)),
        v.attempts,
        words::time(&v.at),
        e(v.detail.as_deref().unwrap_or("")),
    );
    if v.state == "dead" {
        b.push_str(&button_form(
            &sc.url(&format!("/deliveries/{id}/retry")),
            sc.csrf(),
            "Retry",
            &[],
        ));
    }
    b.push_str("<h2>Attempts</h2>");
    if d.attempts.is_empty() {
        b.push_str("<p>No attempt yet.</p>");
    } else {
        b.push_str(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Attempts\"><table>\
             <thead><tr><th scope=\"col\">#</th><th scope=\"col\">When</th><th scope=\"col\">Outcome</th>\
             <th scope=\"col\">Status</th><th scope=\"col\">Took</th><th scope=\"col\">Detail</th></tr></thead><tbody>",
        );
        for a in &d.attempts {
            b.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td>{}</td></tr>",
                a.attempt,
                words::time(&a.at),
                e(&a.outcome),
                a.status.map(|s| s.to_string()).unwrap_or_default(),
                a.latency_ms,
                e(&a.detail)
            ));
        }
        b.push_str("</tbody></table></div>");
    }
    b.push_str("<h2>Message</h2>");
    let text = match &d.message {
        Message::Telegram { html } => html.clone(),
        Message::Email { subject, text, .. } => format!("Subject: {subject}\n\n{text}"),
        Message::Webhook { json } => json.clone(),
        Message::Log { text } => text.clone(),
    };
    b.push_str(&format!("<pre tabindex=\"0\">{}</pre>", e(&text)));
    b.push_str(&format!(
        "<p><a href=\"{}\">Back to the delivery log</a></p>",
        e(&sc.url("/deliveries"))
    ));
    shown(&sc, Section::Deliveries, &format!("Delivery {id}"), &b)
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

//! Routes: the list, creating and saving through the editor (`route_editor.rs` draws it,
//! `route_form.rs` reads it back), send test, delete, and bot codes.
//!
//! The editor edits organizer destinations only; member subscriptions (made through the bot or
//! one-click email lists) are kept as they are and managed on the subscriptions page. Webhook
//! secrets are never put into the page: an empty secret field keeps the stored one, and a new
//! webhook without one gets a generated secret, shown once.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::html::{Section, button_form, flash, q, shown};
use super::route_editor::editor;
use super::route_form::{parse_route, secret_note};
use super::{Fail, Posted, Scope, field, words};
use crate::http::AppState;
use crate::http::call;
use crate::routing::{FieldError, Route};
use crate::service::ServiceError;
use crate::service::codes::{self, CreateCode};
use crate::store::bot::CodeKind;

pub async fn list(State(st): State<AppState>, sc: Scope) -> Result<Response, Fail> {
    let ctx = call::operator(&st);
    let routes = ctx.list(Some(&sc.app), Some(&sc.account)).await?;
    let health = Health {
        disabled: crate::service::deliveries::disabled(&ctx, Some(&sc.app), Some(&sc.account))
            .await?
            .into_iter()
            .map(|d| (d.target, d.reason))
            .collect(),
        failing: failing_targets(&st, &sc).await?,
        names: ctx.chat_names(&sc.app, &sc.account).await?,
    };
    let body = html! {
        p { a class="button" href=(sc.url("/new-route")) { "New route" } }
        @if routes.is_empty() {
            p { "No routes yet. A route says which meetings to announce, and where." }
        } @else {
            ul class="cards" {
                @for r in &routes {
                    (route_card(&sc, r, &health))
                }
            }
        }
    };
    shown(&sc, Section::Routes, "Routes", body)
}

/// What the routes list says about the tenant's destinations: the ones that need the organizer
/// (turned off after a permanent failure, or failing every time lately: three dead letters in a
/// day and nothing delivered since), with the reason, and the chats' names.
struct Health {
    disabled: std::collections::HashMap<String, String>,
    failing: std::collections::HashMap<String, String>,
    names: std::collections::BTreeMap<i64, String>,
}

/// One route of the list: its name, what it announces, and where to.
fn route_card(sc: &Scope, r: &Route, health: &Health) -> Markup {
    let filters = [
        r.topic_contains
            .as_deref()
            .map(|t| format!("whose title contains “{t}”")),
        r.topic_regex
            .as_deref()
            .map(|_| "whose title matches a pattern".to_string()),
        (!r.meeting_ids.is_empty())
            .then(|| words::count(r.meeting_ids.len(), "chosen meeting", "chosen meetings")),
        (!r.host_ids.is_empty()).then(|| {
            format!(
                "hosted by {}",
                words::count(r.host_ids.len(), "person", "people")
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let events = r
        .events
        .iter()
        .map(|ev| words::event(ev))
        .collect::<Vec<_>>()
        .join(", ");
    let targets: Vec<String> = r
        .destinations
        .iter()
        .flat_map(|d| d.targets())
        .map(|t| t.key())
        .collect();
    html! {
        li {
            h2 class="h3" {
                a href=(sc.route_url(&r.name, "")) { (&r.name) }
                @if !r.enabled {
                    " " span class="badge" { "paused" }
                }
            }
            p {
                (&events) " · "
                @if filters.is_empty() {
                    "every meeting"
                } @else {
                    "meetings " (filters.join(", "))
                }
            }
            p {
                "To: "
                @for (i, key) in targets.iter().enumerate() {
                    @if i > 0 { "; " }
                    (destination_item(sc, key, health))
                }
                @if targets.is_empty() {
                    span class="warn" {
                        "⚠ nowhere yet: link a Telegram group with a link code from the route's \
                         page, or add a destination"
                    }
                }
            }
        }
    }
}

/// A destination of a route by its name, with what is wrong with it.
fn destination_item(sc: &Scope, key: &str, health: &Health) -> Markup {
    html! {
        (words::destination_named(key, &health.names))
        @if let Some(reason) = health.disabled.get(key) {
            // The way out right where the problem shows, back to this list afterwards.
            " " span class="warn" { "⚠ turned off: " (reason) } " "
            (button_form(
                &sc.url("/destinations/enable"),
                sc.csrf(),
                "Enable again",
                &[("target", key), ("back", "routes")],
            ))
        } @else if let Some(reason) = health.failing.get(key) {
            " " span class="warn" { "⚠ failing: " (reason) }
        }
    }
}

/// The tenant's destinations that failed at least three times in the last 24 hours with nothing
/// delivered to them since their last failure, with the last reason.
pub(super) async fn failing_targets(
    st: &AppState,
    sc: &Scope,
) -> Result<std::collections::HashMap<String, String>, Fail> {
    use std::collections::HashMap;
    let since = chrono::Utc::now().timestamp_millis() - 24 * 3600 * 1000;
    let mine = |j: &crate::store::Job| j.app_id == sc.app && j.account_id == sc.account;
    let mut dead: HashMap<String, (usize, i64, String)> = HashMap::new();
    for d in st.db.list_dead().await? {
        if mine(&d.job) && d.dead_at_ms >= since {
            let e = dead
                .entry(d.job.target.key())
                .or_insert((0, 0, String::new()));
            e.0 += 1;
            if d.dead_at_ms >= e.1 {
                e.1 = d.dead_at_ms;
                e.2 = d.reason.clone();
            }
        }
    }
    let mut last_sent: HashMap<String, i64> = HashMap::new();
    for s in st.db.list_sent().await? {
        if mine(&s.job) {
            let e = last_sent.entry(s.job.target.key()).or_insert(0);
            *e = (*e).max(s.sent_at_ms);
        }
    }
    Ok(dead
        .into_iter()
        .filter(|(k, (n, at, _))| *n >= 3 && last_sent.get(k).is_none_or(|s| s < at))
        .map(|(k, (_, _, reason))| (k, reason))
        .collect())
}

pub(super) fn blank_route(sc: &Scope) -> Route {
    Route::new(&sc.app, &sc.account, "")
}

pub async fn new_form(State(st): State<AppState>, sc: Scope) -> Result<Response, Fail> {
    let r = blank_route(&sc);
    Ok(editor(&st, &sc, &r, None, &[], None, StatusCode::OK))
}

#[derive(Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn edit_form(
    State(st): State<AppState>,
    Path((_, _, name)): Path<(String, String, String)>,
    Query(s): Query<Saved>,
    sc: Scope,
) -> Result<Response, Fail> {
    let r = call::operator(&st).get(&sc.app, &sc.account, &name).await?;
    // A route saved with nowhere to send yet: say the next step where the organizer is looking.
    let note = s.saved.map(|_| {
        if r.destinations.is_empty() && st.config.bot.is_some() {
            "Saved. Next: add the bot to your Telegram group, then press “Create a link code” \
             below and send the code in the group."
                .to_string()
        } else {
            "Saved.".to_string()
        }
    });
    Ok(editor(
        &st,
        &sc,
        &r,
        Some(&r.name),
        &[],
        note.as_deref(),
        StatusCode::OK,
    ))
}

pub async fn create(
    State(st): State<AppState>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let (route, errs, generated) = parse_route(&sc, &form, None);
    let saved = if errs.is_empty() {
        Some(call::principal(&st, &sc.principal).add(route.clone()).await)
    } else {
        None
    };
    outcome(&st, &sc, &route, errs, &generated, None, saved)
}

/// What a create or save answers: a redirect to the saved route, the editor again when new webhook
/// secrets must be shown once, or the editor with the errors next to their fields.
fn outcome(
    st: &AppState,
    sc: &Scope,
    route: &Route,
    mut errs: Vec<FieldError>,
    generated: &[(String, String)],
    editing: Option<&str>,
    saved: Option<Result<Route, ServiceError>>,
) -> Result<Response, Fail> {
    match saved {
        Some(Ok(r)) if generated.is_empty() => {
            return Ok(Redirect::to(&sc.route_url(&r.name, "?saved=1")).into_response());
        }
        Some(Ok(r)) => {
            let note = secret_note(generated);
            return Ok(editor(
                st,
                sc,
                &r,
                Some(&r.name),
                &[],
                Some(&note),
                StatusCode::OK,
            ));
        }
        Some(Err(ServiceError::Invalid(v))) => errs = v,
        Some(Err(ServiceError::Conflict(m))) => errs.push(FieldError {
            field: "name".into(),
            message: m,
        }),
        Some(Err(other)) => return Err(other.into()),
        None => {}
    }
    Ok(editor(
        st,
        sc,
        route,
        editing,
        &errs,
        None,
        StatusCode::BAD_REQUEST,
    ))
}

pub async fn save(
    State(st): State<AppState>,
    Path((_, _, name)): Path<(String, String, String)>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let old = call::operator(&st).get(&sc.app, &sc.account, &name).await?;
    let (route, errs, generated) = parse_route(&sc, &form, Some(&old));
    let saved = if errs.is_empty() {
        Some(
            call::principal(&st, &sc.principal)
                .replace(&sc.app, &sc.account, &name, route.clone())
                .await,
        )
    } else {
        None
    };
    outcome(&st, &sc, &route, errs, &generated, Some(&name), saved)
}

/// The question before deleting: what goes with the route, and a button that says so.
pub async fn confirm_delete(
    State(st): State<AppState>,
    Path((_, _, name)): Path<(String, String, String)>,
    sc: Scope,
) -> Result<Response, Fail> {
    let route = call::operator(&st).get(&sc.app, &sc.account, &name).await?;
    let members = route
        .destinations
        .iter()
        .filter(|d| super::route_editor::is_member(d))
        .flat_map(|d| d.targets())
        .count();
    let body = html! {
        p {
            "Delete the route " strong { (&route.name) }
            "? Its meetings will no longer be announced"
            @if members > 0 {
                ", and " (words::count(members, "member", "members")) " will stop getting alerts"
            }
            ". This cannot be undone."
        }
        (button_form(
            &sc.route_url(&name, "/delete"),
            sc.csrf(),
            "Yes, delete this route",
            &[("confirm", &route.name)],
        ))
        p { a href=(sc.route_url(&name, "")) { "No, keep it" } }
    };
    shown(
        &sc,
        Section::Routes,
        &format!("Delete {}?", route.name),
        body,
    )
}

/// Deletes only with the confirmation page's `confirm` (the route's name); anything else is
/// sent to that page.
pub async fn delete(
    State(st): State<AppState>,
    Path((_, _, name)): Path<(String, String, String)>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    // Another tenant's route (or none) is not found, confirmed or not.
    call::operator(&st).get(&sc.app, &sc.account, &name).await?;
    if field(&form, "confirm") != Some(name.as_str()) {
        return Ok(Redirect::to(&sc.route_url(&name, "/delete")).into_response());
    }
    call::operator(&st)
        .remove(&sc.app, &sc.account, &name)
        .await?;
    Ok(Redirect::to(&sc.url("/routes")).into_response())
}

pub async fn send_test(
    State(st): State<AppState>,
    Path((_, _, name)): Path<(String, String, String)>,
    Posted { by: sc, .. }: Posted,
) -> Result<Response, Fail> {
    if sc.principal.tenant().is_some()
        && let Err(e) = crate::http::api::send_test_quota(&st, &sc.app, &sc.account)
    {
        return Err(Fail::Page(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many test sends".into(),
            e.to_string(),
        ));
    }
    let sent = call::operator(&st)
        .send_test(&sc.app, &sc.account, &name)
        .await?;
    let body = html! {
        (flash(&format!(
            "Test queued for {}.",
            words::count(sent.len(), "destination", "destinations")
        )))
        ul {
            @for s in &sent {
                li { (words::destination(&s.target)) }
            }
        }
        p {
            a href=(sc.url(&format!("/deliveries?route={}", q(&name)))) { "See it in the delivery log" }
            " · "
            a href=(sc.route_url(&name, "")) { "Back to the route" }
        }
    };
    shown(&sc, Section::Routes, "Test sent", body)
}

pub async fn create_code(
    State(st): State<AppState>,
    Path((_, _, name)): Path<(String, String, String)>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let kind = match field(&form, "kind") {
        Some("subscribe") => CodeKind::Subscribe,
        Some("link") => CodeKind::Link,
        _ => {
            return Err(Fail::Page(
                StatusCode::BAD_REQUEST,
                "Invalid request".into(),
                "Choose a subscribe or a link code.".into(),
            ));
        }
    };
    let req = CreateCode {
        kind,
        route: Some(name.clone()),
        app: Some(sc.app.clone()),
        account: Some(sc.account.clone()),
        ttl: None,
    };
    let created = codes::create(&call::operator(&st), &req).await?;
    let the_code = &created.code;
    let how = match kind {
        CodeKind::Link => html! {
            "Add the bot to the group, then send " code { "/link " (the_code) }
            " there (in the topic, for a forum topic)."
        },
        _ => html! {
            "Share the join link below: members choose Telegram or email there. In Telegram they \
             can also send " code { "/start " (the_code) } " to the bot in a private chat. The link \
             works until you revoke the code, and stays on the route's Members page."
        },
    };
    let expires = created.record.expires_at_ms.map(|exp| {
        chrono::DateTime::<chrono::Utc>::from_timestamp_millis(exp)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    let body = html! {
        p { "This is the only time the code is shown. Copy it now." }
        p class="code" {
            label for="code" { "Code" } " "
            input id="code" readonly value=(the_code);
        }
        p { (how) }
        @if let Some(join) = &created.join_url {
            (super::join::share_block(&name, join, &created.record.id))
        }
        @if let Some(link) = &created.deep_link {
            p { "Or share this link: " a href=(link) { (link) } }
        }
        @if let Some(at) = &expires {
            p { "It works once and expires at " (at) "." }
        }
        p { a href=(sc.route_url(&name, "")) { "Back to the route" } }
    };
    shown(
        &sc,
        Section::Routes,
        &format!("New {} code", kind.as_str()),
        body,
    )
}

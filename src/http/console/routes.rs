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
use serde::Deserialize;

use super::html::{Section, e, flash, q, seg, shown};
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
    // Destinations that need the organizer: turned off after a permanent failure, or failing
    // every time lately (three dead letters in a day and nothing delivered since).
    let disabled: std::collections::HashMap<String, String> =
        crate::service::deliveries::disabled(&ctx, Some(&sc.app), Some(&sc.account))
            .await?
            .into_iter()
            .map(|d| (d.target, d.reason))
            .collect();
    let failing = failing_targets(&st, &sc).await?;
    let names = ctx.chat_names(&sc.app, &sc.account).await?;
    let mut body = format!(
        "<p><a class=\"button\" href=\"{}\">New route</a></p>",
        e(&sc.url("/new-route"))
    );
    if routes.is_empty() {
        body.push_str("<p>No routes yet. A route says which meetings to announce, and where.</p>");
    } else {
        body.push_str("<ul class=\"cards\">");
        for r in &routes {
            let filters = [
                r.topic_contains
                    .as_deref()
                    .map(|t| format!("whose title contains “{}”", e(t))),
                r.topic_regex
                    .as_deref()
                    .map(|_| "whose title matches a pattern".to_string()),
                (!r.meeting_ids.is_empty()).then(|| {
                    words::count(r.meeting_ids.len(), "chosen meeting", "chosen meetings")
                }),
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
            let mut to = Vec::new();
            for t in r.destinations.iter().flat_map(|d| d.targets()) {
                let key = t.key();
                let mut item = e(&words::destination_named(&key, &names));
                if let Some(reason) = disabled.get(&key) {
                    // The way out right where the problem shows, back to this list afterwards.
                    item.push_str(&format!(
                        " <span class=\"warn\">⚠ turned off: {}</span> {}",
                        e(reason),
                        super::html::button_form(
                            &sc.url("/destinations/enable"),
                            sc.csrf(),
                            "Enable again",
                            &[("target", &key), ("back", "routes")],
                        )
                    ));
                } else if let Some(reason) = failing.get(&key) {
                    item.push_str(&format!(
                        " <span class=\"warn\">⚠ failing: {}</span>",
                        e(reason)
                    ));
                }
                to.push(item);
            }
            if to.is_empty() {
                to.push(
                    "<span class=\"warn\">⚠ nowhere yet: link a Telegram group with a link code \
                     from the route's page, or add a destination</span>"
                        .to_string(),
                );
            }
            body.push_str(&format!(
                "<li><h2 class=\"h3\"><a href=\"{}\">{}</a>{}</h2><p>{} · {}</p><p>To: {}</p></li>",
                e(&sc.url(&format!("/routes/{}", seg(&r.name)))),
                e(&r.name),
                if r.enabled {
                    ""
                } else {
                    " <span class=\"badge\">paused</span>"
                },
                e(&events),
                if filters.is_empty() {
                    "every meeting".to_string()
                } else {
                    format!("meetings {}", filters.join(", "))
                },
                if to.is_empty() {
                    "nobody yet".to_string()
                } else {
                    to.join("; ")
                }
            ));
        }
        body.push_str("</ul>");
    }
    shown(&sc, Section::Routes, "Routes", &body)
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
            return Ok(
                Redirect::to(&sc.url(&format!("/routes/{}?saved=1", seg(&r.name)))).into_response(),
            );
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
    let b = format!(
        "<p>Delete the route <strong>{}</strong>? Its meetings will no longer be announced{}. \
         This cannot be undone.</p>{}<p><a href=\"{}\">No, keep it</a></p>",
        e(&route.name),
        if members > 0 {
            format!(
                ", and {} will stop getting alerts",
                words::count(members, "member", "members")
            )
        } else {
            String::new()
        },
        super::html::button_form(
            &sc.url(&format!("/routes/{}/delete", seg(&name))),
            sc.csrf(),
            "Yes, delete this route",
            &[("confirm", &route.name)],
        ),
        e(&sc.url(&format!("/routes/{}", seg(&name))))
    );
    shown(&sc, Section::Routes, &format!("Delete {}?", route.name), &b)
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
        return Ok(
            Redirect::to(&sc.url(&format!("/routes/{}/delete", seg(&name)))).into_response(),
        );
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
    let mut b = flash(&format!(
        "Test queued for {}.",
        words::count(sent.len(), "destination", "destinations")
    ));
    b.push_str("<ul>");
    for s in &sent {
        b.push_str(&format!("<li>{}</li>", e(&words::destination(&s.target))));
    }
    b.push_str(&format!(
        "</ul><p><a href=\"{}\">See it in the delivery log</a> · <a href=\"{}\">Back to the route</a></p>",
        e(&sc.url(&format!("/deliveries?route={}", q(&name)))),
        e(&sc.url(&format!("/routes/{}", seg(&name))))
    ));
    shown(&sc, Section::Routes, "Test sent", &b)
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
    let how = match kind {
        CodeKind::Link => format!(
            "Add the bot to the group, then send <code>/link {}</code> there (in the topic, for a forum topic).",
            e(&created.code)
        ),
        _ => format!(
            "Share the join link below: members choose Telegram or email there. In Telegram they \
             can also send <code>/start {}</code> to the bot in a private chat. The link works \
             until you revoke the code, and stays on the route's Members page.",
            e(&created.code)
        ),
    };
    let mut b = format!(
        "<p>This is the only time the code is shown. Copy it now.</p>\
         <p class=\"code\"><label for=\"code\">Code</label> <input id=\"code\" readonly value=\"{}\"></p><p>{how}</p>",
        e(&created.code)
    );
    if let Some(join) = &created.join_url {
        b.push_str(&super::join::share_block(&name, join, &created.record.id));
    }
    if let Some(link) = &created.deep_link {
        b.push_str(&format!(
            "<p>Or share this link: <a href=\"{}\">{}</a></p>",
            e(link),
            e(link)
        ));
    }
    if let Some(exp) = created.record.expires_at_ms {
        b.push_str(&format!(
            "<p>It works once and expires at {}.</p>",
            e(&chrono::DateTime::<chrono::Utc>::from_timestamp_millis(exp)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        ));
    }
    b.push_str(&format!(
        "<p><a href=\"{}\">Back to the route</a></p>",
        e(&sc.url(&format!("/routes/{}", seg(&name))))
    ));
    shown(
        &sc,
        Section::Routes,
        &format!("New {} code", kind.as_str()),
        &b,
    )
}

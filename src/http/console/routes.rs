//! Routes: the list, creating and saving through the editor (`route_editor.rs` draws it,
//! `route_form.rs` reads it back), send test, delete, and bot codes.
//!
//! The editor edits organizer destinations only; member subscriptions (made through the bot or
//! one-click email lists) are kept as they are and managed on the subscriptions page. Webhook
//! secrets are never put into the page: an empty secret field keeps the stored one, and a new
//! webhook without one gets a generated secret, shown once.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::html::{Section, e, flash, q, seg, tenant_page};
use super::route_editor::editor;
use super::route_form::{parse_route, secret_note};
use super::{Fail, Scope, check_csrf, field, scope};
use crate::http::AppState;
use crate::http::call;
use crate::routing::{FieldError, Overflow, Route};
use crate::service::ServiceError;
use crate::service::codes::{self, CreateCode};
use crate::store::bot::CodeKind;

type FormPairs = Form<Vec<(String, String)>>;

pub async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account)): Path<(String, String)>,
) -> Result<Response, Fail> {
    let sc = scope(&st, &headers, app, account).await?;
    let routes = call::operator(&st)
        .list(Some(&sc.app), Some(&sc.account))
        .await?;
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
                    .map(|t| format!("topic contains “{}”", e(t))),
                r.topic_regex
                    .as_deref()
                    .map(|t| format!("topic matches <code>{}</code>", e(t))),
                (!r.meeting_ids.is_empty())
                    .then(|| format!("{} meeting id(s)", r.meeting_ids.len())),
                (!r.host_ids.is_empty()).then(|| format!("{} host(s)", r.host_ids.len())),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
            body.push_str(&format!(
                "<li><h2 class=\"h3\"><a href=\"{}\">{}</a>{}</h2><p>{} · {}</p><p>To: {}</p></li>",
                e(&sc.url(&format!("/routes/{}", seg(&r.name)))),
                e(&r.name),
                if r.enabled {
                    ""
                } else {
                    " <span class=\"badge\">disabled</span>"
                },
                e(&r.events.join(", ")),
                if filters.is_empty() {
                    "every meeting".to_string()
                } else {
                    filters.join(", ")
                },
                e(&r.destinations
                    .iter()
                    .flat_map(|d| d.targets())
                    .map(|t| t.describe())
                    .collect::<Vec<_>>()
                    .join(", "))
            ));
        }
        body.push_str("</ul>");
    }
    Ok(tenant_page(
        &sc,
        Section::Routes,
        StatusCode::OK,
        "Routes",
        &body,
    ))
}

pub(super) fn blank_route(sc: &Scope) -> Route {
    Route {
        name: String::new(),
        app_id: sc.app.clone(),
        account_id: sc.account.clone(),
        events: vec!["meeting.started".into()],
        topic_contains: None,
        topic_regex: None,
        meeting_ids: vec![],
        host_ids: vec![],
        timezone: "UTC".into(),
        locale: None,
        description: None,
        include_join_link: false,
        enabled: true,
        link_preview: false,
        silent: false,
        overflow: Overflow::Split,
        destinations: vec![],
        templates: Default::default(),
    }
}

pub async fn new_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account)): Path<(String, String)>,
) -> Result<Response, Fail> {
    let sc = scope(&st, &headers, app, account).await?;
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
    headers: HeaderMap,
    Path((app, account, name)): Path<(String, String, String)>,
    Query(s): Query<Saved>,
) -> Result<Response, Fail> {
    let sc = scope(&st, &headers, app, account).await?;
    let r = call::operator(&st).get(&sc.app, &sc.account, &name).await?;
    let note = s.saved.map(|_| "Saved.".to_string());
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
    headers: HeaderMap,
    Path((app, account)): Path<(String, String)>,
    Form(form): FormPairs,
) -> Result<Response, Fail> {
    let sc = scope(&st, &headers, app, account).await?;
    check_csrf(&sc.principal, &form)?;
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
    headers: HeaderMap,
    Path((app, account, name)): Path<(String, String, String)>,
    Form(form): FormPairs,
) -> Result<Response, Fail> {
    let sc = scope(&st, &headers, app, account).await?;
    check_csrf(&sc.principal, &form)?;
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

pub async fn delete(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account, name)): Path<(String, String, String)>,
    Form(form): FormPairs,
) -> Result<Response, Fail> {
    let sc = scope(&st, &headers, app, account).await?;
    check_csrf(&sc.principal, &form)?;
    call::operator(&st)
        .remove(&sc.app, &sc.account, &name)
        .await?;
    Ok(Redirect::to(&sc.url("/routes")).into_response())
}

pub async fn send_test(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account, name)): Path<(String, String, String)>,
    Form(form): FormPairs,
) -> Result<Response, Fail> {
    let sc = scope(&st, &headers, app, account).await?;
    check_csrf(&sc.principal, &form)?;
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
    let mut b = flash(&format!("Test queued for {} destination(s).", sent.len()));
    b.push_str("<ul>");
    for s in &sent {
        b.push_str(&format!("<li><code>{}</code></li>", e(&s.target)));
    }
    b.push_str(&format!(
        "</ul><p><a href=\"{}\">See it in the delivery log</a> · <a href=\"{}\">Back to the route</a></p>",
        e(&sc.url(&format!("/deliveries?route={}", q(&name)))),
        e(&sc.url(&format!("/routes/{}", seg(&name))))
    ));
    Ok(tenant_page(
        &sc,
        Section::Routes,
        StatusCode::OK,
        "Test sent",
        &b,
    ))
}

pub async fn create_code(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((app, account, name)): Path<(String, String, String)>,
    Form(form): FormPairs,
) -> Result<Response, Fail> {
    let sc = scope(&st, &headers, app, account).await?;
    check_csrf(&sc.principal, &form)?;
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
    Ok(tenant_page(
        &sc,
        Section::Routes,
        StatusCode::OK,
        &format!("New {} code", kind.as_str()),
        &b,
    ))
}

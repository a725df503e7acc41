//! Routes: the list, the editor (create and edit), send test, delete, and bot codes.
//!
//! The editor edits organizer destinations only; member subscriptions (made through the bot or
//! one-click email lists) are kept as they are and managed on the subscriptions page. Webhook
//! secrets are never put into the page: an empty secret field keeps the stored one, and a new
//! webhook without one gets a generated secret, shown once.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use rand::RngCore;
use serde::Deserialize;

use super::html::{
    Section, button_form, csrf_field, e, error_summary, field_errors, flash, page, q, seg,
};
use super::{Fail, Scope, check_csrf, field, scope};
use crate::http::AppState;
use crate::http::call;
use crate::routing::{Destination, FieldError, MEETING_EVENTS, Overflow, Route};
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
    Ok(page(
        StatusCode::OK,
        "Routes",
        Some(&sc.principal),
        Some((&sc, Section::Routes)),
        &body,
    ))
}

fn blank_route(sc: &Scope) -> Route {
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

fn secret_note(generated: &[(String, String)]) -> String {
    let mut s =
        String::from("Saved. New webhook secrets (shown once; give them to the receiver): ");
    s.push_str(
        &generated
            .iter()
            .map(|(url, secret)| format!("{url}: {secret}"))
            .collect::<Vec<_>>()
            .join("; "),
    );
    s
}

fn new_webhook_secret() -> String {
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ' ', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

fn opt(form: &[(String, String)], name: &str) -> Option<String> {
    field(form, name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Builds the route from the editor's form. Returns it (as far as it parses, for showing again),
/// the errors of fields that do not even parse, and the webhook secrets generated for new webhooks
/// as (url, secret).
fn parse_route(
    sc: &Scope,
    form: &[(String, String)],
    old: Option<&Route>,
) -> (Route, Vec<FieldError>, Vec<(String, String)>) {
    let mut errs = Vec::new();
    let mut generated = Vec::new();
    let on = |n: &str| field(form, n).is_some();
    let mut r = blank_route(sc);
    r.name = field(form, "name").unwrap_or("").trim().to_string();
    r.events = form
        .iter()
        .filter(|(k, _)| k == "events")
        .map(|(_, v)| v.clone())
        .collect();
    r.topic_contains = opt(form, "topic_contains");
    r.topic_regex = opt(form, "topic_regex");
    for m in split_list(field(form, "meeting_ids").unwrap_or("")) {
        match m.replace('-', "").parse::<u64>() {
            Ok(id) => r.meeting_ids.push(id),
            Err(_) => errs.push(FieldError {
                field: "meeting_ids".into(),
                message: format!("`{m}` is not a meeting id (digits only)"),
            }),
        }
    }
    r.host_ids = split_list(field(form, "host_ids").unwrap_or(""))
        .map(str::to_string)
        .collect();
    r.timezone = opt(form, "timezone").unwrap_or_else(|| "UTC".into());
    r.locale = opt(form, "locale");
    r.include_join_link = on("include_join_link");
    r.enabled = on("enabled");
    r.link_preview = on("link_preview");
    r.silent = on("silent");
    r.overflow = match field(form, "overflow") {
        Some("truncate") => Overflow::Truncate,
        _ => Overflow::Split,
    };
    // Organizer destinations: the existing rows, then the "add" row.
    let mut rows: Vec<String> = Vec::new();
    let mut i = 0;
    while field(form, &format!("d.{i}.kind")).is_some() {
        if !on(&format!("d.{i}.remove")) {
            rows.push(format!("d.{i}"));
        }
        i += 1;
    }
    if field(form, "new.kind").is_some_and(|k| !k.is_empty()) {
        rows.push("new".into());
    }
    for p in rows {
        let idx = r.destinations.len();
        let get = |f: &str| opt(form, &format!("{p}.{f}"));
        let num = |f: &str, errs: &mut Vec<FieldError>| -> Option<i64> {
            let v = get(f)?;
            match v.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errs.push(FieldError {
                        field: format!("destinations[{idx}].{f}"),
                        message: format!("`{v}` is not a number"),
                    });
                    None
                }
            }
        };
        let d = match get("kind").as_deref() {
            Some("telegram") => {
                let chat_id = num("chat_id", &mut errs).unwrap_or(0);
                let thread_id = num("thread_id", &mut errs);
                Destination::Telegram {
                    chat_id,
                    thread_id,
                    member: false,
                }
            }
            Some("email") => Destination::Email {
                to: split_list(&get("to").unwrap_or_default())
                    .map(str::to_string)
                    .collect(),
                member: false,
            },
            Some("webhook") => {
                let url = get("url").unwrap_or_default();
                let secret = match get("secret") {
                    Some(s) => s,
                    None => {
                        let kept = old.and_then(|o| {
                            o.destinations.iter().find_map(|d| match d {
                                Destination::Webhook { url: u, secret } if *u == url => {
                                    Some(secret.clone())
                                }
                                _ => None,
                            })
                        });
                        match kept {
                            Some(s) => s,
                            None => {
                                let s = new_webhook_secret();
                                generated.push((url.clone(), s.clone()));
                                s
                            }
                        }
                    }
                };
                Destination::Webhook { url, secret }
            }
            Some("log") => Destination::Log,
            other => {
                errs.push(FieldError {
                    field: format!("destinations[{idx}]"),
                    message: format!("`{}` is not a destination kind", other.unwrap_or_default()),
                });
                continue;
            }
        };
        r.destinations.push(d);
    }
    // Member subscriptions and per-route templates are not edited here: keep them.
    if let Some(o) = old {
        r.destinations
            .extend(o.destinations.iter().filter(|d| is_member(d)).cloned());
        r.templates = o.templates.clone();
    }
    (r, errs, generated)
}

fn is_member(d: &Destination) -> bool {
    matches!(
        d,
        Destination::Telegram { member: true, .. } | Destination::Email { member: true, .. }
    )
}

/// A text input with its label, hint and errors (all of which it needs, hence the arguments).
#[allow(clippy::too_many_arguments)]
fn text_input(
    id: &str,
    name: &str,
    label: &str,
    value: &str,
    hint: &str,
    errs: &[FieldError],
    path: &str,
    extra: &str,
) -> String {
    let err_id = format!("{id}-err");
    let errors = field_errors(errs, path, &err_id);
    let hint_id = format!("{id}-hint");
    let mut described = Vec::new();
    if !hint.is_empty() {
        described.push(hint_id.clone());
    }
    if !errors.is_empty() {
        described.push(err_id.clone());
    }
    format!(
        "<div class=\"field{}\"><label for=\"{id}\">{}</label>{}\
         <input id=\"{id}\" name=\"{}\" value=\"{}\"{}{}{extra}>{errors}</div>",
        if errors.is_empty() { "" } else { " invalid" },
        e(label),
        if hint.is_empty() {
            String::new()
        } else {
            format!("<p class=\"hint\" id=\"{hint_id}\">{}</p>", e(hint))
        },
        e(name),
        e(value),
        if described.is_empty() {
            String::new()
        } else {
            format!(" aria-describedby=\"{}\"", described.join(" "))
        },
        if errors.is_empty() {
            ""
        } else {
            " aria-invalid=\"true\""
        },
        id = e(id),
    )
}

fn checkbox(id: &str, name: &str, label: &str, checked: bool) -> String {
    format!(
        "<div class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"{}\" value=\"on\"{}>\
         <label for=\"{id}\">{}</label></div>",
        e(name),
        if checked { " checked" } else { "" },
        e(label),
        id = e(id)
    )
}

/// The route editor. `name` is the stored route's name when editing (None when creating).
fn editor(
    st: &AppState,
    sc: &Scope,
    r: &Route,
    name: Option<&str>,
    errs: &[FieldError],
    note: Option<&str>,
    status: StatusCode,
) -> Response {
    let action = match name {
        Some(n) => sc.url(&format!("/routes/{}", seg(n))),
        None => sc.url("/new-route"),
    };
    let mut b = String::new();
    if let Some(n) = note {
        b.push_str(&flash(n));
    }
    b.push_str(&error_summary(errs));
    b.push_str(&format!(
        "<form method=\"post\" action=\"{}\" class=\"editor\" novalidate>{}",
        e(&action),
        csrf_field(sc.csrf())
    ));
    b.push_str(&text_input(
        "name",
        "name",
        "Name",
        &r.name,
        "Unique within this account, e.g. “weekly-call”.",
        errs,
        "name",
        " required maxlength=\"200\"",
    ));
    // Events.
    let ev_err = field_errors(errs, "events", "events-err");
    b.push_str(&format!(
        "<fieldset class=\"field{}\"><legend>Events</legend>",
        if ev_err.is_empty() { "" } else { " invalid" }
    ));
    for ev in MEETING_EVENTS {
        let id = format!("ev-{}", ev.replace('.', "-"));
        b.push_str(&format!(
            "<div class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"events\" value=\"{ev}\"{}>\
             <label for=\"{id}\">{ev}</label></div>",
            if r.events.iter().any(|x| x == ev) {
                " checked"
            } else {
                ""
            }
        ));
    }
    b.push_str(&ev_err);
    b.push_str("</fieldset>");
    // Filters.
    b.push_str("<fieldset><legend>Which meetings</legend><p class=\"hint\">Leave all empty for every meeting of the account.</p>");
    b.push_str(&text_input(
        "topic_contains",
        "topic_contains",
        "Topic contains",
        r.topic_contains.as_deref().unwrap_or(""),
        "Case-insensitive.",
        errs,
        "topic_contains",
        "",
    ));
    b.push_str(&text_input(
        "topic_regex",
        "topic_regex",
        "Topic matches (regular expression)",
        r.topic_regex.as_deref().unwrap_or(""),
        "",
        errs,
        "topic_regex",
        "",
    ));
    b.push_str(&text_input(
        "meeting_ids",
        "meeting_ids",
        "Meeting ids",
        &r.meeting_ids
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        "Separated by commas.",
        errs,
        "meeting_ids",
        " inputmode=\"numeric\"",
    ));
    b.push_str(&text_input(
        "host_ids",
        "host_ids",
        "Host user ids",
        &r.host_ids.join(", "),
        "Separated by commas.",
        errs,
        "host_ids",
        "",
    ));
    b.push_str("</fieldset><fieldset><legend>Message</legend>");
    b.push_str(&text_input(
        "timezone",
        "timezone",
        "Time zone",
        &r.timezone,
        "IANA name, e.g. Europe/Berlin.",
        errs,
        "timezone",
        "",
    ));
    b.push_str(&text_input(
        "locale",
        "locale",
        "Locale",
        r.locale.as_deref().unwrap_or(""),
        "Optional, e.g. de or en-US.",
        errs,
        "locale",
        "",
    ));
    b.push_str(&checkbox(
        "include_join_link",
        "include_join_link",
        "Include the join link and passcode",
        r.include_join_link,
    ));
    b.push_str(&checkbox("enabled", "enabled", "Enabled", r.enabled));
    b.push_str("</fieldset><fieldset><legend>Telegram options</legend>");
    b.push_str(&checkbox(
        "link_preview",
        "link_preview",
        "Show a link preview",
        r.link_preview,
    ));
    b.push_str(&checkbox(
        "silent",
        "silent",
        "Send silently (no notification sound)",
        r.silent,
    ));
    b.push_str(&format!(
        "<div class=\"field\"><label for=\"overflow\">Messages over 4096 characters</label>\
         <select id=\"overflow\" name=\"overflow\"><option value=\"split\"{}>Split into several messages</option>\
         <option value=\"truncate\"{}>Cut with “…”</option></select></div></fieldset>",
        if r.overflow == Overflow::Split {
            " selected"
        } else {
            ""
        },
        if r.overflow == Overflow::Truncate {
            " selected"
        } else {
            ""
        }
    ));
    // Destinations.
    let dest_err = errs
        .iter()
        .filter(|f| f.field == "destinations")
        .map(|f| format!("<li>{}</li>", e(&f.message)))
        .collect::<String>();
    b.push_str("<h2>Destinations</h2>");
    if !dest_err.is_empty() {
        b.push_str(&format!(
            "<ul class=\"field-error\" id=\"dest-err\">{dest_err}</ul>"
        ));
    }
    let organizer: Vec<&Destination> = r.destinations.iter().filter(|d| !is_member(d)).collect();
    for (i, d) in organizer.iter().enumerate() {
        let p = format!("d.{i}");
        let path = format!("destinations[{i}]");
        let (kind, label) = match d {
            Destination::Telegram { .. } => ("telegram", "Telegram chat"),
            Destination::Email { .. } => ("email", "Email"),
            Destination::Webhook { .. } => ("webhook", "Webhook"),
            Destination::Log => ("log", "Relay log"),
        };
        b.push_str(&format!(
            "<fieldset class=\"dest\"><legend>Destination {}: {label}</legend>\
             <input type=\"hidden\" name=\"{p}.kind\" value=\"{kind}\">",
            i + 1
        ));
        b.push_str(&field_errors(
            &errs
                .iter()
                .filter(|f| f.field == path)
                .cloned()
                .collect::<Vec<_>>(),
            &path,
            &format!("d{i}-err"),
        ));
        match d {
            Destination::Telegram {
                chat_id, thread_id, ..
            } => {
                b.push_str(&text_input(
                    &format!("d{i}-chat"),
                    &format!("{p}.chat_id"),
                    "Chat id",
                    &chat_id.to_string(),
                    "Groups and channels are negative, e.g. -1001234567890.",
                    errs,
                    &format!("{path}.chat_id"),
                    " inputmode=\"numeric\"",
                ));
                b.push_str(&text_input(
                    &format!("d{i}-thread"),
                    &format!("{p}.thread_id"),
                    "Topic (thread) id",
                    &thread_id.map(|t| t.to_string()).unwrap_or_default(),
                    "Optional: a forum topic of the group.",
                    errs,
                    &format!("{path}.thread_id"),
                    " inputmode=\"numeric\"",
                ));
            }
            Destination::Email { to, .. } => b.push_str(&text_input(
                &format!("d{i}-to"),
                &format!("{p}.to"),
                "Email addresses",
                &to.join(", "),
                "Separated by commas; each recipient gets their own message.",
                errs,
                &format!("{path}.to"),
                " type=\"text\" inputmode=\"email\"",
            )),
            Destination::Webhook { url, .. } => {
                b.push_str(&text_input(
                    &format!("d{i}-url"),
                    &format!("{p}.url"),
                    "URL",
                    url,
                    "",
                    errs,
                    &format!("{path}.url"),
                    " inputmode=\"url\"",
                ));
                b.push_str(&text_input(
                    &format!("d{i}-secret"),
                    &format!("{p}.secret"),
                    "Signing secret",
                    "",
                    "Leave empty to keep the current secret.",
                    errs,
                    &format!("{path}.secret"),
                    " type=\"password\" autocomplete=\"off\"",
                ));
            }
            Destination::Log => {
                b.push_str("<p>Messages are written to the relay's log.</p>");
            }
        }
        b.push_str(&checkbox(
            &format!("d{i}-remove"),
            &format!("{p}.remove"),
            "Remove this destination",
            false,
        ));
        b.push_str("</fieldset>");
    }
    let n = organizer.len();
    let tg = st.config.telegram.is_some();
    let mail = st.config.email.is_some();
    b.push_str(&format!(
        "<fieldset class=\"dest\"><legend>Add a destination</legend>\
         <div class=\"field\"><label for=\"new-kind\">Kind</label><select id=\"new-kind\" name=\"new.kind\">\
         <option value=\"\">(none)</option>{}{}<option value=\"webhook\">Webhook</option>\
         <option value=\"log\">Relay log</option></select></div>",
        if tg {
            "<option value=\"telegram\">Telegram chat</option>"
        } else {
            ""
        },
        if mail {
            "<option value=\"email\">Email</option>"
        } else {
            ""
        },
    ));
    let np = format!("destinations[{n}]");
    if tg {
        b.push_str(&text_input(
            "new-chat",
            "new.chat_id",
            "Telegram chat id",
            "",
            "For Telegram: groups and channels are negative. Or use a link code below.",
            errs,
            &format!("{np}.chat_id"),
            " inputmode=\"numeric\"",
        ));
        b.push_str(&text_input(
            "new-thread",
            "new.thread_id",
            "Telegram topic (thread) id",
            "",
            "Optional.",
            errs,
            &format!("{np}.thread_id"),
            " inputmode=\"numeric\"",
        ));
    }
    if mail {
        b.push_str(&text_input(
            "new-to",
            "new.to",
            "Email addresses",
            "",
            "For email: separated by commas.",
            errs,
            &format!("{np}.to"),
            " inputmode=\"email\"",
        ));
    }
    b.push_str(&text_input(
        "new-url",
        "new.url",
        "Webhook URL",
        "",
        "For a webhook: an http(s) URL.",
        errs,
        &format!("{np}.url"),
        " inputmode=\"url\"",
    ));
    b.push_str(&text_input(
        "new-secret",
        "new.secret",
        "Webhook signing secret",
        "",
        "Optional: whsec_… (Standard Webhooks). Left empty, one is generated and shown once.",
        errs,
        &format!("{np}.secret"),
        " type=\"password\" autocomplete=\"off\"",
    ));
    b.push_str("</fieldset>");
    let members = r.destinations.iter().filter(|d| is_member(d)).count();
    if members > 0 {
        b.push_str(&format!(
            "<p>Plus {members} member subscription(s), managed on the <a href=\"{}\">subscriptions page</a>.</p>",
            e(&sc.url("/subscriptions"))
        ));
    }
    b.push_str(&format!(
        "<p><button type=\"submit\" class=\"primary\">{}</button></p></form>",
        if name.is_some() {
            "Save route"
        } else {
            "Create route"
        }
    ));
    if let Some(n) = name {
        let base = sc.url(&format!("/routes/{}", seg(n)));
        b.push_str("<section aria-labelledby=\"test-h\"><h2 id=\"test-h\">Try it</h2>\
                    <p>Send a sample of this route's first event to every destination now, through the real delivery queue.</p>");
        b.push_str(&button_form(
            &format!("{base}/test"),
            sc.csrf(),
            "Send test",
            &[],
        ));
        b.push_str(&format!(
            "<p><a href=\"{}\">Edit this account's templates with a live preview</a></p></section>",
            e(&sc.url(&format!("/templates?route={}", q(n))))
        ));
        // Only a bot that answers commands redeems codes (the service refuses them otherwise).
        if st.config.bot.is_some() {
            b.push_str("<section aria-labelledby=\"codes-h\"><h2 id=\"codes-h\">Telegram bot codes</h2>\
                        <p>A <strong>subscribe</strong> code lets members get this route's messages in a private chat with the bot. \
                        A <strong>link</strong> code adds a group (or a topic) as a destination when sent there.</p>");
            b.push_str(&button_form(
                &format!("{base}/codes"),
                sc.csrf(),
                "Create a subscribe code",
                &[("kind", "subscribe")],
            ));
            b.push_str(&button_form(
                &format!("{base}/codes"),
                sc.csrf(),
                "Create a link code",
                &[("kind", "link")],
            ));
            b.push_str("</section>");
        }
        b.push_str("<section aria-labelledby=\"del-h\"><h2 id=\"del-h\">Delete</h2>");
        b.push_str(&button_form(
            &format!("{base}/delete"),
            sc.csrf(),
            "Delete this route",
            &[],
        ));
        b.push_str("</section>");
    }
    let title = match name {
        Some(n) => format!("Route {n}"),
        None => "New route".to_string(),
    };
    page(
        status,
        &title,
        Some(&sc.principal),
        Some((sc, Section::Routes)),
        &b,
    )
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
    Ok(page(
        StatusCode::OK,
        "Test sent",
        Some(&sc.principal),
        Some((&sc, Section::Routes)),
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
            "Members send <code>/start {}</code> to the bot in a private chat.",
            e(&created.code)
        ),
    };
    let mut b = format!(
        "<p>This is the only time the code is shown. Copy it now.</p>\
         <p class=\"code\"><label for=\"code\">Code</label> <input id=\"code\" readonly value=\"{}\"></p><p>{how}</p>",
        e(&created.code)
    );
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
    Ok(page(
        StatusCode::OK,
        &format!("New {} code", kind.as_str()),
        Some(&sc.principal),
        Some((&sc, Section::Routes)),
        &b,
    ))
}

//! The template editor: one textarea per template key of an event, saved as the account's
//! overrides, with a live preview of every channel rendered from a sample event.
//!
//! The page works without JavaScript (save, then look at the server-rendered preview). With it,
//! `console.js` posts the unsaved drafts to `/api/v1/templates/preview` as the user types and
//! shows the Telegram message as Telegram formats it and the email's subject, text and HTML.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use maud::{Markup, html};

use super::fragments::{error_list, route_select};
use super::html::{Section, csrf_field, error_summary, flash, q, tenant_page};
use super::{Fail, Posted, Scope, field};
use crate::http::AppState;
use crate::http::call;
use crate::render::TEMPLATE_KEYS;
use crate::routing::{FieldError, MEETING_EVENTS};
use crate::service::ServiceError;
use crate::service::routes::{PreviewItem, PreviewRequest};
use crate::store::Message;

#[derive(Deserialize, Default)]
pub struct Which {
    event: Option<String>,
    route: Option<String>,
    saved: Option<String>,
}

fn pick_event(e: Option<&str>) -> String {
    e.filter(|e| MEETING_EVENTS.contains(e))
        .unwrap_or("meeting.started")
        .to_string()
}

pub async fn show(
    State(st): State<AppState>,
    Query(w): Query<Which>,
    sc: Scope,
) -> Result<Response, Fail> {
    let event = pick_event(w.event.as_deref());
    let route = w.route.filter(|r| !r.is_empty());
    let note = w.saved.map(|_| "Saved.");
    render(&st, &sc, &event, route, None, &[], note, StatusCode::OK).await
}

/// The page, with `drafts` (key -> source) in the textareas instead of the stored sources after a
/// failed save.
#[allow(clippy::too_many_arguments)]
async fn render(
    st: &AppState,
    sc: &Scope,
    event: &str,
    route: Option<String>,
    drafts: Option<&BTreeMap<String, String>>,
    errs: &[FieldError],
    note: Option<&str>,
    status: StatusCode,
) -> Result<Response, Fail> {
    let c = call::operator(st);
    let (a, acc) = (sc.app.as_str(), sc.account.as_str());
    let infos = c.templates(a, acc).await?;
    let mut sources = BTreeMap::new();
    for key in TEMPLATE_KEYS {
        let s = match c.template_source(a, Some(acc), event, key).await {
            Ok(s) => s,
            Err(ServiceError::NotFound(_)) => String::new(),
            Err(e) => return Err(e.into()),
        };
        sources.insert(key.to_string(), s);
    }
    let overridden: Vec<String> = infos
        .into_iter()
        .filter(|i| i.event == event && i.source == "account")
        .map(|i| i.key)
        .collect();
    let all_routes = c.list(Some(a), Some(acc)).await?;
    let routes: Vec<String> = all_routes.iter().map(|r| r.name.clone()).collect();
    let route = route.filter(|r| routes.contains(r));
    // With a route picked, the boxes show and edit what that route sends: its own template where
    // it has one, else the account's. The live preview sends every box as a draft, so what the
    // boxes show must be exactly what the route renders.
    let mut route_own: Vec<String> = Vec::new();
    if let Some(r) = route
        .as_ref()
        .and_then(|n| all_routes.iter().find(|r| &r.name == n))
    {
        for key in TEMPLATE_KEYS {
            if let Some(src) = r
                .templates
                .get(&format!("{event}/{key}"))
                .or_else(|| r.templates.get(key))
            {
                sources.insert(key.to_string(), src.clone());
                route_own.push(key.to_string());
            }
        }
    }
    // The server-side preview: what is saved (or the drafts after a failed save).
    let req = PreviewRequest {
        event: event.to_string(),
        app: sc.app.clone(),
        account: Some(sc.account.clone()),
        route: route.clone(),
        topic: None,
        // After a failed save the drafts do not render: the panes show the saved version.
        templates: drafts
            .filter(|_| errs.is_empty())
            .map(|d| {
                d.iter()
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(k, v)| (format!("{event}/{k}"), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        locale: None,
    };
    let preview = c.preview(&req).await;

    let route_value = route.as_deref().unwrap_or("");
    let b = html! {
        @if let Some(n) = note { (flash(n)) }
        (error_summary(errs))
        @match &route {
            Some(r) => p {
                "You are editing the messages of the route " strong { (r) } ". A box you leave as \
                 the account has it follows the account's message."
            },
            None => p {
                "These messages go out for every route of this account, unless a route has its own \
                 (pick the route below to give it its own)."
            },
        }
        p class="hint" {
            "They use " a href="https://handlebarsjs.com/guide/" { "Handlebars" }
            "; values are escaped for each channel."
        }
        (pick_form(sc, event, &routes, route.as_deref()))
        p class="jump" {
            a href="#preview" { "See the preview" } " · "
            a href="#vars-h" { "What a message can say" } " · "
            a href=(sc.url("/wording")) { "Change the wording in each language" }
        }
        div class="split" {
            form method="post" action=(sc.url("/templates")) id="template-form"
                data-app=(sc.app) data-account=(sc.account) data-event=(event)
                data-route=(route_value) {
                (csrf_field(sc.csrf()))
                input type="hidden" name="event" value=(event);
                input type="hidden" name="route" value=(route_value);
                @for key in TEMPLATE_KEYS {
                    @let is_route = route_own.iter().any(|k| k == key);
                    @let is_account = overridden.iter().any(|k| k == key);
                    @let value = drafts
                        .and_then(|d| d.get(key))
                        .or_else(|| sources.get(key))
                        .map(String::as_str)
                        .unwrap_or("");
                    (key_field(&KeyBox {
                        key,
                        value,
                        origin: if is_route {
                            "this route's own"
                        } else if is_account {
                            "the account's"
                        } else {
                            "default"
                        },
                        reset: if is_route {
                            Some("Use the account's again")
                        } else if route.is_none() && is_account {
                            Some("Use the default again")
                        } else {
                            None
                        },
                        errs: errs.iter().filter(|f| f.field.ends_with(key)).collect(),
                    }))
                }
                p { button type="submit" class="primary" { "Save messages" } }
            }
            (variables_panel())
            (preview_panel(preview))
        }
    };
    Ok(tenant_page(sc, Section::Templates, status, "Templates", b))
}

/// The form that picks which event's messages, and whose (the account's or a route's), to edit.
fn pick_form(sc: &Scope, event: &str, routes: &[String], route: Option<&str>) -> Markup {
    html! {
        form method="get" action=(sc.url("/templates")) class="row" {
            div class="field" {
                label for="pick-event" { "When" }
                select id="pick-event" name="event" {
                    @for ev in MEETING_EVENTS {
                        option value=(ev) selected[ev == event] { (super::words::event(ev)) }
                    }
                }
            }
            (route_select("pick-route", "Messages of", "every route (the account's)", routes, route))
            button type="submit" { "Show" }
        }
    }
}

/// One message part's box in the editor.
struct KeyBox<'a> {
    key: &'a str,
    /// What the box shows: the draft, the route's own, the account's or the default source.
    value: &'a str,
    /// Whose message it is, as the badge says.
    origin: &'a str,
    /// The label of the button that drops this override, when it is one.
    reset: Option<&'a str>,
    errs: Vec<&'a FieldError>,
}

fn key_field(k: &KeyBox) -> Markup {
    let id = format!("tpl-{}", k.key.replace('.', "-"));
    let err_id = format!("{id}-err");
    let invalid = !k.errs.is_empty();
    html! {
        div class={ "field" @if invalid { " invalid" } } {
            label for=(id) { (key_label(k.key)) } " " span class="badge" { (k.origin) }
            @if invalid { (error_list(&err_id, k.errs.iter().copied())) }
            textarea id=(id) name={ "src." (k.key) } data-key=(k.key)
                rows=(if k.key == "email.subject" { 2 } else { 8 }) spellcheck="false"
                aria-invalid=[invalid.then_some("true")]
                aria-describedby=[invalid.then_some(&err_id)] { (k.value) }
            @if let Some(label) = k.reset {
                button type="submit" name="reset" value=(k.key) class="secondary" {
                    (label) " (" (key_label(k.key).to_lowercase()) ")"
                }
            }
        }
    }
}

/// What a message can say, in words, each with the text that says it. With the script, a button
/// puts the text into the box that had the focus last; without it, the list is a reference.
const VARIABLES: &[(&str, &str)] = &[
    ("The meeting's title", "{{meeting.topic}}"),
    (
        "Start time with the time zone, e.g. 6:30 PM CET (in the route's language)",
        "{{time meeting.start_time \"time\"}}",
    ),
    (
        "Start day and time, e.g. Tuesday, December 3 at 6:30 PM CET",
        "{{time meeting.start_time \"datetime\"}}",
    ),
    (
        "Start day, e.g. Tuesday, December 3",
        "{{time meeting.start_time \"date\"}}",
    ),
    (
        "How soon it starts, e.g. in 10 minutes",
        "{{relative meeting.start_time}}",
    ),
    (
        "A sentence in the route's language, e.g. Join the meeting",
        "{{t \"alert-join\"}}",
    ),
    (
        "How long it is planned for",
        "{{duration meeting.duration}}",
    ),
    (
        "The join link (only if the route includes it)",
        "{{meeting.join_url}}",
    ),
    (
        "The passcode (only if the route includes it)",
        "{{meeting.password}}",
    ),
    ("The route's name", "{{route.name}}"),
    (
        "The title, or words of your own when it has none",
        "{{default meeting.topic \"our meeting\"}}",
    ),
    (
        "Only when there is a join link",
        "{{#if meeting.join_url}}…{{/if}}",
    ),
];

/// A message part as people call it.
fn key_label(key: &str) -> &'static str {
    match key {
        "telegram.html" => "Telegram message",
        "email.subject" => "Email subject",
        "email.txt" => "Email text (plain)",
        "email.html" => "Email text (formatted, HTML)",
        "webhook.json" => "Webhook body (JSON, for other systems)",
        "log.txt" => "Line in the relay's log",
        _ => "Message",
    }
}

fn variables_panel() -> Markup {
    html! {
        section class="vars" aria-labelledby="vars-h" {
            h2 id="vars-h" { "What a message can say" }
            p class="hint" { "Press one to put it where you were typing." }
            ul class="plain" {
                @for (words, text) in VARIABLES {
                    li {
                        button type="button" class="secondary" data-insert=(text) { (words) }
                        " " code { (text) }
                    }
                }
            }
        }
    }
}

/// What the preview panes show: each channel's rendering of the sample event, and the errors.
#[derive(Default)]
struct Panes {
    telegram: String,
    subject: String,
    text: String,
    html: String,
    webhook: String,
    log: String,
    error: String,
}

impl Panes {
    fn of(preview: Result<Vec<PreviewItem>, ServiceError>) -> Panes {
        let mut p = Panes::default();
        let items = match preview {
            Ok(items) => items,
            Err(e) => {
                p.error = e.to_string();
                return p;
            }
        };
        for i in items {
            if let Some(err) = &i.error {
                p.error.push_str(&format!("{}: {err}\n", i.channel));
            }
            match i.message {
                Some(Message::Telegram { html }) => p.telegram = html,
                Some(Message::Email {
                    subject,
                    text,
                    html,
                }) => {
                    p.subject = subject;
                    p.text = text;
                    p.html = html;
                }
                Some(Message::Webhook { json }) => p.webhook = json,
                Some(Message::Log { text }) => p.log = text,
                None => {}
            }
        }
        p
    }
}

/// The preview panes, filled by the server; the script re-renders them as the user types.
pub(super) fn preview_panel(preview: Result<Vec<PreviewItem>, ServiceError>) -> Markup {
    let p = Panes::of(preview);
    let failed = !p.error.is_empty();
    html! {
        section id="preview" class="preview" aria-labelledby="preview-h"
            data-preview-url="/api/v1/templates/preview" {
            h2 id="preview-h" { "Preview" }
            p id="preview-status" class="hint" role="status" aria-live="polite" {}
            div id="preview-error" class="field-error" hidden[!failed]
                role=[failed.then_some("alert")] { (p.error) }
            // Without the script the Telegram pane shows the HTML source; the script formats it.
            h3 { "Telegram" }
            div class="tg" {
                div id="preview-telegram" class="tg-bubble" data-html=(p.telegram) { (p.telegram) }
            }
            h3 { "Email" }
            dl class="facts" { dt { "Subject" } dd id="preview-email-subject" { (p.subject) } }
            h4 { "Text" }
            pre id="preview-email-text" tabindex="0" { (p.text) }
            h4 { "HTML" }
            iframe id="preview-email-html" title="Email HTML preview" sandbox="" srcdoc=(p.html) {}
            details {
                summary { "Webhook and log" }
                h4 { "Webhook JSON" }
                pre id="preview-webhook" tabindex="0" { (p.webhook) }
                h4 { "Log line" }
                pre id="preview-log" tabindex="0" { (p.log) }
            }
        }
    }
}

pub async fn save(
    State(st): State<AppState>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let event = pick_event(field(&form, "event"));
    let route = field(&form, "route")
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let back = |saved: bool| {
        let mut u = sc.url(&format!("/templates?event={}", q(&event)));
        if let Some(r) = &route {
            u.push_str(&format!("&route={}", q(r)));
        }
        if saved {
            u.push_str("&saved=1");
        }
        u
    };
    if let (Some(key), Some(name)) = (field(&form, "reset"), &route) {
        call::principal(&st, &sc.principal)
            .reset_route_template(&sc.app, &sc.account, name, &event, key)
            .await?;
        return Ok(Redirect::to(&back(true)).into_response());
    }
    if let Some(key) = field(&form, "reset") {
        match call::operator(&st)
            .remove_template(&sc.app, &sc.account, &event, key)
            .await
        {
            Ok(()) | Err(ServiceError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        return Ok(Redirect::to(&back(true)).into_response());
    }
    let drafts: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("src.")
                .filter(|k| TEMPLATE_KEYS.contains(k))
                .map(|k| (k.to_string(), v.replace("\r\n", "\n")))
        })
        .collect();
    let result = match &route {
        Some(name) => {
            call::principal(&st, &sc.principal)
                .set_route_templates(&sc.app, &sc.account, name, &event, &drafts)
                .await
        }
        None => {
            call::operator(&st)
                .set_templates(&sc.app, &sc.account, &event, &drafts)
                .await
        }
    };
    match result {
        Ok(_) => Ok(Redirect::to(&back(true)).into_response()),
        Err(ServiceError::Invalid(errs)) => {
            render(
                &st,
                &sc,
                &event,
                route,
                Some(&drafts),
                &errs,
                None,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_insertable_text_is_a_valid_template() {
        let r = crate::render::Renderer::new().unwrap();
        for (words, text) in super::VARIABLES {
            r.validate("telegram.html", text)
                .unwrap_or_else(|e| panic!("{words}: {text}: {e}"));
        }
    }
}

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

use super::html::{Section, csrf_field, e, error_summary, flash, options, page, q};
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

    let mut b = String::new();
    if let Some(n) = note {
        b.push_str(&flash(n));
    }
    b.push_str(&error_summary(errs));
    let intro = match &route {
        Some(r) => format!(
            "<p>You are editing the messages of the route <strong>{}</strong>. A box you leave as \
             the account has it follows the account's message.</p>",
            e(r)
        ),
        None => "<p>These messages go out for every route of this account, unless a route has \
                 its own (pick the route below to give it its own).</p>"
            .to_string(),
    };
    b.push_str(&format!(
        "{intro}<p class=\"hint\">They use <a href=\"https://handlebarsjs.com/guide/\">Handlebars</a>; \
         values are escaped for each channel.</p>\
         <form method=\"get\" action=\"{}\" class=\"row\">\
         <div class=\"field\"><label for=\"pick-event\">When</label><select id=\"pick-event\" name=\"event\">",
        e(&sc.url("/templates"))
    ));
    for ev in MEETING_EVENTS {
        b.push_str(&format!(
            "<option value=\"{ev}\"{}>{}</option>",
            if ev == event { " selected" } else { "" },
            e(&super::words::event(ev))
        ));
    }
    b.push_str(
        "</select></div><div class=\"field\"><label for=\"pick-route\">Messages of</label>\
         <select id=\"pick-route\" name=\"route\"><option value=\"\">every route (the account's)</option>",
    );
    b.push_str(&options(&routes, route.as_deref()));
    b.push_str(
        "</select></div><button type=\"submit\">Show</button></form>\
         <p class=\"jump\"><a href=\"#preview\">See the preview</a> · <a href=\"#vars-h\">What a message can say</a>",
    );
    b.push_str(&format!(
        " · <a href=\"{}\">Change the wording in each language</a></p>",
        e(&sc.url("/wording"))
    ));

    b.push_str(&format!(
        "<div class=\"split\"><form method=\"post\" action=\"{}\" id=\"template-form\" \
         data-app=\"{}\" data-account=\"{}\" data-event=\"{}\" data-route=\"{}\">{}\
         <input type=\"hidden\" name=\"event\" value=\"{}\"><input type=\"hidden\" name=\"route\" value=\"{}\">",
        e(&sc.url("/templates")),
        e(&sc.app),
        e(&sc.account),
        e(event),
        e(route.as_deref().unwrap_or("")),
        csrf_field(sc.csrf()),
        e(event),
        e(route.as_deref().unwrap_or("")),
    ));
    for key in TEMPLATE_KEYS {
        let id = format!("tpl-{}", key.replace('.', "-"));
        let value = drafts
            .and_then(|d| d.get(key))
            .or_else(|| sources.get(key))
            .map(String::as_str)
            .unwrap_or("");
        let is_route = route_own.iter().any(|k| k == key);
        let is_override = is_route || (route.is_none() && overridden.iter().any(|k| k == key));
        let key_errs: Vec<&FieldError> = errs.iter().filter(|f| f.field.ends_with(key)).collect();
        b.push_str(&format!(
            "<div class=\"field{}\"><label for=\"{id}\">{}</label> <span class=\"badge\">{}</span>",
            if key_errs.is_empty() { "" } else { " invalid" },
            key_label(key),
            if is_route {
                "this route's own"
            } else if overridden.iter().any(|k| k == key) {
                "the account's"
            } else {
                "default"
            }
        ));
        if !key_errs.is_empty() {
            b.push_str(&format!("<ul class=\"field-error\" id=\"{id}-err\">"));
            for f in &key_errs {
                b.push_str(&format!("<li>{}</li>", e(&f.message)));
            }
            b.push_str("</ul>");
        }
        b.push_str(&format!(
            "<textarea id=\"{id}\" name=\"src.{key}\" data-key=\"{key}\" rows=\"{}\" spellcheck=\"false\"{}>{}</textarea>",
            if key == "email.subject" { 2 } else { 8 },
            if key_errs.is_empty() {
                String::new()
            } else {
                format!(" aria-invalid=\"true\" aria-describedby=\"{id}-err\"")
            },
            e(value)
        ));
        if is_override {
            b.push_str(&format!(
                "<button type=\"submit\" name=\"reset\" value=\"{key}\" class=\"secondary\">{} ({})</button>",
                if is_route {
                    "Use the account's again"
                } else {
                    "Use the default again"
                },
                key_label(key).to_lowercase()
            ));
        }
        b.push_str("</div>");
    }
    b.push_str("<p><button type=\"submit\" class=\"primary\">Save messages</button></p></form>");
    b.push_str(&variables_panel());
    b.push_str(&preview_panel(preview));
    b.push_str("</div>");
    Ok(page(
        status,
        "Templates",
        Some(&sc.principal),
        Some((sc, Section::Templates)),
        &b,
    ))
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

fn variables_panel() -> String {
    let mut b = String::from(
        "<section class=\"vars\" aria-labelledby=\"vars-h\"><h2 id=\"vars-h\">What a message can say</h2>\
         <p class=\"hint\">Press one to put it where you were typing.</p><ul class=\"plain\">",
    );
    for (words, text) in VARIABLES {
        b.push_str(&format!(
            "<li><button type=\"button\" class=\"secondary\" data-insert=\"{}\">{}</button> <code>{}</code></li>",
            e(text),
            e(words),
            e(text)
        ));
    }
    b.push_str("</ul></section>");
    b
}

/// The preview panes, filled by the server; the script re-renders them as the user types.
pub(super) fn preview_panel(preview: Result<Vec<PreviewItem>, ServiceError>) -> String {
    let mut b = String::from(
        "<section id=\"preview\" class=\"preview\" aria-labelledby=\"preview-h\" \
         data-preview-url=\"/api/v1/templates/preview\">\
         <h2 id=\"preview-h\">Preview</h2>\
         <p id=\"preview-status\" class=\"hint\" role=\"status\" aria-live=\"polite\"></p>",
    );
    let (mut tg, mut subject, mut text, mut html, mut webhook, mut log): (
        String,
        String,
        String,
        String,
        String,
        String,
    ) = Default::default();
    let mut error = String::new();
    match preview {
        Ok(items) => {
            for i in items {
                if let Some(err) = &i.error {
                    error.push_str(&format!("{}: {err}\n", i.channel));
                }
                match i.message {
                    Some(Message::Telegram { html: h }) => tg = h,
                    Some(Message::Email {
                        subject: s,
                        text: t,
                        html: h,
                    }) => {
                        subject = s;
                        text = t;
                        html = h;
                    }
                    Some(Message::Webhook { json }) => webhook = json,
                    Some(Message::Log { text: t }) => log = t,
                    None => {}
                }
            }
        }
        Err(e) => error = e.to_string(),
    }
    b.push_str(&format!(
        "<div id=\"preview-error\" class=\"field-error\"{}>{}</div>",
        if error.is_empty() {
            " hidden"
        } else {
            " role=\"alert\""
        },
        e(&error)
    ));
    // Without the script the Telegram pane shows the HTML source; the script formats it.
    b.push_str(&format!(
        "<h3>Telegram</h3><div class=\"tg\"><div id=\"preview-telegram\" class=\"tg-bubble\" data-html=\"{}\">{}</div></div>\
         <h3>Email</h3><dl class=\"facts\"><dt>Subject</dt><dd id=\"preview-email-subject\">{}</dd></dl>\
         <h4>Text</h4><pre id=\"preview-email-text\" tabindex=\"0\">{}</pre>\
         <h4>HTML</h4><iframe id=\"preview-email-html\" title=\"Email HTML preview\" sandbox=\"\" srcdoc=\"{}\"></iframe>\
         <details><summary>Webhook and log</summary><h4>Webhook JSON</h4><pre id=\"preview-webhook\" tabindex=\"0\">{}</pre>\
         <h4>Log line</h4><pre id=\"preview-log\" tabindex=\"0\">{}</pre></details></section>",
        e(&tg),
        e(&tg),
        e(&subject),
        e(&text),
        e(&html),
        e(&webhook),
        e(&log),
    ));
    b
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

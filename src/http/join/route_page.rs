//! A route's join page (`/join/{code}`): what the route announces, its Telegram link and the
//! email form; the post starts the double opt-in.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::lang::{PageLang, Visit, choose_lang};
use super::link::{link_not_valid, say, unavailable};
use crate::http::page::{language_switcher, message, page_in};
use crate::http::{AppState, ClientAddr, call};
use crate::i18n::Lang;
use crate::service::ServiceError;
use crate::service::join::{self, JoinFilter, JoinInfo};
use crate::zoom::EventKind;

fn not_found(lang: Lang) -> Response {
    link_not_valid(lang, "page-join-gone")
}

/// The events a route announces, named in `lang`.
fn event_names(lang: Lang, events: &[EventKind]) -> String {
    events
        .iter()
        .map(|k| match k {
            EventKind::MeetingCreated => lang.tr("page-event-created"),
            EventKind::MeetingStarted => lang.tr("page-event-started"),
            EventKind::MeetingEnded => lang.tr("page-event-ended"),
            EventKind::MeetingUpdated => lang.tr("page-event-updated"),
            EventKind::MeetingDeleted => lang.tr("page-event-deleted"),
            other => other.plain().to_string(),
        })
        .collect::<Vec<_>>()
        .join(&lang.tr("page-list-separator"))
}

fn join_title(lang: Lang, info: &JoinInfo) -> String {
    lang.t("page-join-title", &[("route", info.route.as_str().into())])
}

/// The route's description as its organizer wrote it, line for line.
fn description(text: &str) -> Markup {
    html! {
        p {
            @for (i, line) in text.split('\n').enumerate() {
                @if i > 0 { br; }
                (line)
            }
        }
    }
}

/// What the route announces: its events, and which meetings when it does not announce all.
fn announces(lang: Lang, info: &JoinInfo) -> Markup {
    let events = lang.t(
        "page-join-events",
        &[("events", event_names(lang, &info.events).into())],
    );
    html! {
        p { (message(&events)) }
        @match &info.filter {
            Some(JoinFilter::TopicContains(t)) => {
                p { (message(&lang.t("page-join-filter-topic", &[("text", t.as_str().into())]))) }
            }
            Some(JoinFilter::SomeMeetings) => p { (lang.tr("page-join-filter-some")) },
            None => {}
        }
    }
}

fn telegram_button(lang: Lang, link: &str) -> Markup {
    html! {
        h2 { (lang.tr("page-join-telegram")) }
        p {
            a href=(link) style="display:inline-block;padding:.6rem 1rem;background:#2481cc;color:#fff;border-radius:6px;text-decoration:none" {
                (lang.tr("page-join-telegram-button"))
            }
        }
    }
}

/// The email form, with the reason it was refused (`error`) above it and the address as typed in
/// it.
fn email_form(pl: PageLang, error: Option<&str>, typed: &str) -> Markup {
    let lang = pl.lang;
    let invalid = error.map(|_| ("email-error", "true")).unzip();
    html! {
        h2 { (lang.tr("page-join-email")) }
        @if let Some(e) = error {
            p id="email-error" role="alert" style="color:#a40000" { (e) }
        }
        form method="post" {
            // The member's language travels with the form, so the confirmation email and the
            // pages after it speak it; a page in the route's language chose nothing, and sends
            // nothing.
            @if pl.members {
                input type="hidden" name="lang" value=(lang.code());
            }
            label for="email" { (lang.tr("page-join-email-label")) }
            br;
            input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value=(typed)
                aria-describedby=[invalid.0] aria-invalid=[invalid.1] dir="ltr"
                style="width:100%;max-width:22rem;padding:.5rem;font-size:1rem";
            br;
            button type="submit" style="margin-top:.6rem;padding:.6rem 1rem;font-size:1rem" { (lang.tr("page-join-email-button")) }
        }
        p style="color:#555;font-size:.9rem" { (lang.tr("page-join-email-note")) }
    }
}

fn join_body(pl: PageLang, info: &JoinInfo, error: Option<&str>, typed: &str) -> Markup {
    let lang = pl.lang;
    html! {
        @if let Some(d) = &info.description { (description(d)) }
        (announces(lang, info))
        @if let Some(link) = &info.telegram_link { (telegram_button(lang, link)) }
        @if info.email { (email_form(pl, error, typed)) }
        @if info.telegram_link.is_none() && !info.email {
            p { (lang.tr("page-join-closed")) }
        }
        (language_switcher(lang))
    }
}

/// `GET /join/{code}`, in the language of `?lang=`, else the browser's, else the route's.
pub async fn show(State(st): State<AppState>, v: Visit) -> Response {
    let fallback = v.first_lang();
    match join::join_info(&call::operator(&st), &v.token).await {
        Ok(Some(info)) => {
            let pl = choose_lang(v.chosen(), None, &v.headers, info.lang);
            page_in(
                pl.lang,
                StatusCode::OK,
                &join_title(pl.lang, &info),
                join_body(pl, &info, None, ""),
            )
        }
        Ok(None) => not_found(fallback),
        Err(e) => {
            tracing::warn!(error = %e, "a join page could not be shown");
            unavailable(fallback)
        }
    }
}

#[derive(Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    email: String,
    /// The language the member read the page in (a hidden field), when they picked one.
    #[serde(default)]
    lang: Option<String>,
}

/// `POST /join/{code}`: starts the double opt-in. The same answer whether or not the address is
/// subscribed already, or got an email within the day.
pub async fn request(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    v: Visit,
    form: Result<Form<JoinForm>, FormRejection>,
) -> Response {
    let ctx = call::operator(&st);
    let form_lang = form.as_ref().ok().and_then(|Form(f)| f.lang.clone());
    let chosen = form_lang.as_deref().or(v.chosen());
    let (code, headers) = (&v.token, &v.headers);
    let fallback = choose_lang(chosen, None, headers, Lang::english()).lang;
    let info = match join::join_info(&ctx, code).await {
        Ok(Some(i)) => i,
        Ok(None) => return not_found(fallback),
        Err(_) => return unavailable(fallback),
    };
    let pl = choose_lang(chosen, None, headers, info.lang);
    let lang = pl.lang;
    // The join page again, the form refused with the reason `key` under it.
    let refused = |key: &str, typed: &str| {
        page_in(
            lang,
            StatusCode::BAD_REQUEST,
            &join_title(lang, &info),
            join_body(pl, &info, Some(&lang.tr(key)), typed),
        )
    };
    let Ok(Form(form)) = form else {
        return refused("page-email-missing", "");
    };
    if !st.join_posts.allow(client) {
        return say(
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "page-wait-title",
            "page-wait",
        );
    }
    // What goes back into the form: the input as typed, cut short, never the whole of a huge post.
    let typed: String = form.email.chars().take(254).collect();
    // Refused here first, so the reason is told in the member's language.
    if let Err(e) = join::check_address(&form.email) {
        return refused(e.key(), &typed);
    }
    let stored = pl.members.then_some(lang);
    match join::request(&ctx, code, &form.email, stored).await {
        Ok(()) => {
            let args = [
                ("address", typed.trim().into()),
                ("route", info.route.as_str().into()),
            ];
            let body = html! {
                p { (message(&lang.t("page-check", &args))) }
                p style="color:#555" { (lang.tr("page-check-spam")) }
            };
            page_in(lang, StatusCode::OK, &lang.tr("page-check-title"), body)
        }
        Err(ServiceError::Invalid(_)) => refused("page-email-no-mail", &typed),
        Err(ServiceError::NotFound(_)) => not_found(lang),
        Err(e) => {
            tracing::warn!(error = %e, "a join request could not be saved");
            unavailable(lang)
        }
    }
}

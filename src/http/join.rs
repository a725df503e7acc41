//! The member pages: a route's join page (`/join/{code}`), the email confirmation
//! (`/join/confirm/{token}`) and the manage page of an address (`/manage/{token}`). Public and
//! readable on a phone, no scripts. Confirming and managing take a POST, so a mail scanner that
//! follows links changes nothing. What they do lives in `service::join`.
//!
//! Every page speaks the member's language: a `?lang=` link of the page's language switcher, else
//! the choice stored with their consent, else their browser's `Accept-Language`, else the route's
//! language ([`choose_lang`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::page::{escape, language_switcher, page_in};
use super::{AppState, ClientAddr, call};
use crate::dispatch::unsubscribe::Unsubscribe;
use crate::i18n::{self, Lang, TimeStyle};
use crate::render::message_html;
use crate::service::join::{self, ConfirmToken, Confirmed, JoinFilter, JoinInfo, ManageAction};
use crate::service::{Ctx, ServiceError};
use crate::store::consents::{Consent, ConsentState};
use crate::zoom::EventKind;

/// Posts to join pages per client address and window: enough for a family behind one address,
/// too few to mail-bomb anyone (each address gets one email per route per day anyway).
const POSTS_PER_WINDOW: u32 = 10;
const WINDOW: Duration = Duration::from_secs(600);
/// Client addresses remembered at once; beyond it the oldest windows are dropped first.
const MAX_CLIENTS: usize = 10_000;

/// Counts join posts per client address in fixed windows, in a bounded map.
#[derive(Default)]
pub struct JoinThrottle {
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl JoinThrottle {
    /// Counts a post from `client`; false when it is over the limit.
    pub fn allow(&self, client: IpAddr) -> bool {
        let key = super::server::ip_key(client);
        let now = Instant::now();
        let mut w = self.windows.lock().expect("join throttle lock");
        if w.len() >= MAX_CLIENTS && !w.contains_key(&key) {
            w.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if w.len() >= MAX_CLIENTS {
                // Still full of live windows: refuse newcomers rather than grow without bound.
                return false;
            }
        }
        let e = w.entry(key).or_insert((now, 0));
        if now.duration_since(e.0) >= WINDOW {
            *e = (now, 0);
        }
        e.1 += 1;
        e.1 <= POSTS_PER_WINDOW
    }
}

/// What a member page speaks, and whether the member picked it (a `?lang=` link, the join form's
/// hidden field, the stored choice or their browser's `Accept-Language`) rather than the page
/// falling back to the route's language. Only a member's pick is worth storing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PageLang {
    pub(super) lang: Lang,
    members: bool,
}

/// The member's choice now (`?lang=`), else their stored choice, else their browser's
/// `Accept-Language`, else the route's language. Tags no catalogue speaks are skipped.
pub(super) fn choose_lang(
    chosen: Option<&str>,
    stored: Option<&str>,
    headers: &HeaderMap,
    route: Lang,
) -> PageLang {
    let browser = || {
        headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| {
                i18n::accept_language(h)
                    .iter()
                    .find_map(|t| Lang::from_tag(t))
            })
    };
    match chosen
        .and_then(Lang::from_tag)
        .or_else(|| stored.and_then(Lang::from_tag))
        .or_else(browser)
    {
        Some(lang) => PageLang {
            lang,
            members: true,
        },
        None => PageLang {
            lang: route,
            members: false,
        },
    }
}

/// `?lang=xx` on any member page: the language switcher's links.
#[derive(Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

pub(super) fn query_lang(q: &Result<Query<LangQuery>, QueryRejection>) -> Option<&str> {
    q.as_ref().ok().and_then(|Query(q)| q.lang.as_deref())
}

fn not_found(lang: Lang) -> Response {
    link_not_valid(lang, "page-join-gone")
}

pub(super) fn unavailable(lang: Lang) -> Response {
    page_in(
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        &lang.tr("page-try-again-title"),
        &format!("<p>{}</p>", escape(&lang.tr("page-try-again"))),
    )
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

fn join_body(pl: PageLang, info: &JoinInfo, error: Option<&str>, typed: &str) -> String {
    let lang = pl.lang;
    let mut b = String::new();
    if let Some(d) = &info.description {
        b.push_str(&format!("<p>{}</p>", escape(d).replace('\n', "<br>")));
    }
    b.push_str(&format!(
        "<p>{}</p>",
        message_html(&lang.t(
            "page-join-events",
            &[("events", event_names(lang, &info.events).into())]
        ))
    ));
    match &info.filter {
        Some(JoinFilter::TopicContains(t)) => b.push_str(&format!(
            "<p>{}</p>",
            message_html(&lang.t("page-join-filter-topic", &[("text", t.as_str().into())]))
        )),
        Some(JoinFilter::SomeMeetings) => b.push_str(&format!(
            "<p>{}</p>",
            escape(&lang.tr("page-join-filter-some"))
        )),
        None => {}
    }
    if let Some(link) = &info.telegram_link {
        b.push_str(&format!(
            "<h2>{}</h2><p><a href=\"{}\" style=\"display:inline-block;padding:.6rem 1rem;background:#2481cc;color:#fff;border-radius:6px;text-decoration:none\">{}</a></p>",
            escape(&lang.tr("page-join-telegram")),
            escape(link),
            escape(&lang.tr("page-join-telegram-button")),
        ));
    }
    if info.email {
        let err = error
            .map(|e| {
                format!(
                    "<p id=\"email-error\" role=\"alert\" style=\"color:#a40000\">{}</p>",
                    escape(e)
                )
            })
            .unwrap_or_default();
        let described = if error.is_some() {
            " aria-describedby=\"email-error\" aria-invalid=\"true\""
        } else {
            ""
        };
        // The member's language travels with the form, so the confirmation email and the pages
        // after it speak it; a page in the route's language chose nothing, and sends nothing.
        let hidden = if pl.members {
            format!(
                "<input type=\"hidden\" name=\"lang\" value=\"{}\">",
                lang.code()
            )
        } else {
            String::new()
        };
        b.push_str(&format!(
            "<h2>{}</h2>{err}\
             <form method=\"post\">{hidden}\
             <label for=\"email\">{}</label><br>\
             <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required maxlength=\"254\" value=\"{}\"{described} dir=\"ltr\" style=\"width:100%;max-width:22rem;padding:.5rem;font-size:1rem\"><br>\
             <button type=\"submit\" style=\"margin-top:.6rem;padding:.6rem 1rem;font-size:1rem\">{}</button></form>\
             <p style=\"color:#555;font-size:.9rem\">{}</p>",
            escape(&lang.tr("page-join-email")),
            escape(&lang.tr("page-join-email-label")),
            escape(typed),
            escape(&lang.tr("page-join-email-button")),
            escape(&lang.tr("page-join-email-note")),
        ));
    }
    if info.telegram_link.is_none() && !info.email {
        b.push_str(&format!("<p>{}</p>", escape(&lang.tr("page-join-closed"))));
    }
    b.push_str(&language_switcher(lang));
    b
}

/// `GET /join/{code}`, in the language of `?lang=`, else the browser's, else the route's.
pub async fn show(
    State(st): State<AppState>,
    Path(code): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let fallback = choose_lang(query_lang(&q), None, &headers, Lang::english()).lang;
    match join::join_info(&call::operator(&st), &code).await {
        Ok(Some(info)) => {
            let pl = choose_lang(query_lang(&q), None, &headers, info.lang);
            page_in(
                pl.lang,
                StatusCode::OK,
                &join_title(pl.lang, &info),
                &join_body(pl, &info, None, ""),
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
    Path(code): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
    form: Result<Form<JoinForm>, FormRejection>,
) -> Response {
    let ctx = call::operator(&st);
    let form_lang = form.as_ref().ok().and_then(|Form(f)| f.lang.clone());
    let chosen = form_lang.as_deref().or(query_lang(&q));
    let fallback = choose_lang(chosen, None, &headers, Lang::english()).lang;
    let info = match join::join_info(&ctx, &code).await {
        Ok(Some(i)) => i,
        Ok(None) => return not_found(fallback),
        Err(_) => return unavailable(fallback),
    };
    let pl = choose_lang(chosen, None, &headers, info.lang);
    let lang = pl.lang;
    let title = join_title(lang, &info);
    let Ok(Form(form)) = form else {
        return page_in(
            lang,
            StatusCode::BAD_REQUEST,
            &title,
            &join_body(pl, &info, Some(&lang.tr("page-email-missing")), ""),
        );
    };
    if !st.join_posts.allow(client) {
        return page_in(
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            &lang.tr("page-wait-title"),
            &format!("<p>{}</p>", escape(&lang.tr("page-wait"))),
        );
    }
    // What goes back into the form: the input as typed, cut short, never the whole of a huge post.
    let typed: String = form.email.chars().take(254).collect();
    // Refused here first, so the reason is told in the member's language.
    if let Err(e) = join::check_address(&form.email) {
        return page_in(
            lang,
            StatusCode::BAD_REQUEST,
            &title,
            &join_body(pl, &info, Some(&lang.tr(e.key())), &typed),
        );
    }
    let stored = pl.members.then_some(lang);
    match join::request(&ctx, &code, &form.email, stored).await {
        Ok(()) => {
            let args = [
                ("address", typed.trim().into()),
                ("route", info.route.as_str().into()),
            ];
            page_in(
                lang,
                StatusCode::OK,
                &lang.tr("page-check-title"),
                &format!(
                    "<p>{}</p><p style=\"color:#555\">{}</p>",
                    message_html(&lang.t("page-check", &args)),
                    escape(&lang.tr("page-check-spam")),
                ),
            )
        }
        Err(ServiceError::Invalid(_)) => page_in(
            lang,
            StatusCode::BAD_REQUEST,
            &title,
            &join_body(pl, &info, Some(&lang.tr("page-email-no-mail")), &typed),
        ),
        Err(ServiceError::NotFound(_)) => not_found(lang),
        Err(e) => {
            tracing::warn!(error = %e, "a join request could not be saved");
            unavailable(lang)
        }
    }
}

/// A 404 page for a link that does not (or no longer) work, saying what to do instead.
pub(super) fn link_not_valid(lang: Lang, what_to_do: &str) -> Response {
    page_in(
        lang,
        StatusCode::NOT_FOUND,
        &lang.tr("page-link-not-valid"),
        &format!("<p>{}</p>", escape(&lang.tr(what_to_do))),
    )
}

/// The route's time zone and language, for "paused until Thursday, December 10" and pages of a
/// member with no choice stored; UTC and the relay's default language once the route is gone.
async fn route_facts(ctx: &Ctx, app: &str, account: &str, route: &str) -> (Option<String>, Lang) {
    match ctx.db.get_route(app, account, route).await.ok().flatten() {
        Some(r) => (Some(r.timezone.clone()), join::route_lang(ctx, &r)),
        None => (
            None,
            Lang::from_tag(&ctx.config.default_locale).unwrap_or_else(Lang::english),
        ),
    }
}

/// The language of a page about one consent: `?lang=`, else the member's stored choice, else the
/// browser's, else the route's; with the route's time zone and the consent.
/// Err (with the language to apologize in) when the store cannot be read.
pub(super) async fn member_page_lang(
    ctx: &Ctx,
    u: &Unsubscribe,
    chosen: Option<&str>,
    headers: &HeaderMap,
) -> Result<(PageLang, Option<String>, Option<Consent>), Lang> {
    let (tz, route) = route_facts(ctx, &u.app, &u.account, &u.route).await;
    let consent = match join::manage_state(ctx, u).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "a member's record could not be read");
            return Err(choose_lang(chosen, None, headers, route).lang);
        }
    };
    let stored = consent.as_ref().and_then(|c| c.lang.as_deref());
    Ok((choose_lang(chosen, stored, headers, route), tz, consent))
}

fn bad_confirm(lang: Lang) -> Response {
    link_not_valid(lang, "page-confirm-bad")
}

fn read_confirm(st: &AppState, token: &str) -> Option<ConfirmToken> {
    join::read_confirm(&call::operator(st), token)
}

fn as_unsubscribe(t: &ConfirmToken) -> Unsubscribe {
    Unsubscribe {
        app: t.app.clone(),
        account: t.account.clone(),
        route: t.route.clone(),
        address: t.address.clone(),
    }
}

/// `GET /join/confirm/{token}`: a button, so a link scanner confirms nobody.
pub async fn confirm_page(
    State(st): State<AppState>,
    Path(token): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(t) = read_confirm(&st, &token) else {
        return bad_confirm(choose_lang(query_lang(&q), None, &headers, Lang::english()).lang);
    };
    let ctx = call::operator(&st);
    let lang = match member_page_lang(&ctx, &as_unsubscribe(&t), query_lang(&q), &headers).await {
        Ok((pl, _, _)) => pl.lang,
        Err(lang) => lang,
    };
    let args = [
        ("route", t.route.as_str().into()),
        ("address", t.address.as_str().into()),
    ];
    page_in(
        lang,
        StatusCode::OK,
        &lang.tr("page-confirm-title"),
        &format!(
            "<p>{}</p>\
             <form method=\"post\"><button type=\"submit\" style=\"padding:.6rem 1rem;font-size:1rem\">{}</button></form>",
            message_html(&lang.t("page-confirm-question", &args)),
            escape(&lang.tr("page-confirm-button")),
        ),
    )
}

/// `POST /join/confirm/{token}`. Doing it twice is harmless.
pub async fn confirm(
    State(st): State<AppState>,
    Path(token): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(t) = read_confirm(&st, &token) else {
        return bad_confirm(choose_lang(query_lang(&q), None, &headers, Lang::english()).lang);
    };
    let ctx = call::operator(&st);
    let lang = match member_page_lang(&ctx, &as_unsubscribe(&t), query_lang(&q), &headers).await {
        Ok((pl, _, _)) => pl.lang,
        Err(lang) => return unavailable(lang),
    };
    match join::confirm(&ctx, &t).await {
        Ok(Confirmed::Yes(u)) => {
            let manage = join::manage_url(
                &st.config.server.public_url,
                st.config.security.data_key.bytes(),
                &u,
            );
            let args = [
                ("address", t.address.as_str().into()),
                ("route", t.route.as_str().into()),
            ];
            page_in(
                lang,
                StatusCode::OK,
                &lang.tr("page-confirmed-title"),
                &format!(
                    "<p>{}</p><p>{} <a href=\"{}\">{}</a></p>",
                    message_html(&lang.t("page-confirmed", &args)),
                    escape(&lang.tr("page-confirmed-manage")),
                    escape(&manage),
                    escape(&lang.tr("page-confirmed-manage-link")),
                ),
            )
        }
        Ok(Confirmed::RouteGone) => page_in(
            lang,
            StatusCode::NOT_FOUND,
            &lang.tr("page-route-gone-title"),
            &format!("<p>{}</p>", escape(&lang.tr("page-route-gone"))),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "a confirmation could not be saved");
            unavailable(lang)
        }
    }
}

fn bad_manage(lang: Lang) -> Response {
    link_not_valid(lang, "page-manage-bad")
}

/// "Thursday, December 10" in `lang`, in the route's time zone (UTC when it has none or an
/// unknown one).
fn day_words(ms: i64, tz: Option<&str>, lang: Lang) -> String {
    let Some(at) = chrono::DateTime::from_timestamp_millis(ms) else {
        return String::new();
    };
    let tz: chrono_tz::Tz = tz.and_then(|t| t.parse().ok()).unwrap_or(chrono_tz::UTC);
    i18n::format_time(at, tz, lang, TimeStyle::Date)
}

fn manage_body(
    lang: Lang,
    u: &Unsubscribe,
    c: Option<&Consent>,
    tz: Option<&str>,
    note: Option<&str>,
) -> String {
    let now = chrono::Utc::now().timestamp_millis();
    let button = |action: &str, key: &str| {
        format!(
            "<form method=\"post\" style=\"display:inline-block;margin:.3rem .3rem 0 0\"><input type=\"hidden\" name=\"action\" value=\"{action}\"><button type=\"submit\" style=\"padding:.5rem .9rem;font-size:1rem\">{}</button></form>",
            escape(&lang.tr(key))
        )
    };
    let mut b = note
        .map(|n| {
            format!(
                "<p role=\"status\" style=\"background:#eef6ee;padding:.5rem\">{}</p>",
                message_html(n)
            )
        })
        .unwrap_or_default();
    let args = |date: Option<String>| {
        let mut a = vec![
            ("address", u.address.as_str().into()),
            ("route", u.route.as_str().into()),
        ];
        if let Some(d) = date {
            a.push(("date", d.into()));
        }
        a
    };
    let say = |key: &str, date: Option<String>| {
        format!("<p>{}</p>", message_html(&lang.t(key, &args(date))))
    };
    match c.map(|c| (c.state, c.paused_until_ms.filter(|u| *u > now))) {
        Some((ConsentState::Confirmed, None)) => {
            b.push_str(&say("page-manage-active", None));
            b.push_str(&button("pause_week", "page-pause-week"));
            b.push_str(&button("pause_month", "page-pause-month"));
            b.push_str(&button("unsubscribe", "page-stop"));
        }
        Some((ConsentState::Confirmed, Some(until))) => {
            b.push_str(&say("page-manage-paused", Some(day_words(until, tz, lang))));
            b.push_str(&button("resume", "page-resume"));
            b.push_str(&button("unsubscribe", "page-stop"));
        }
        Some((ConsentState::Pending, _)) => b.push_str(&say("page-manage-pending", None)),
        _ => b.push_str(&say("page-manage-none", None)),
    }
    b.push_str(&language_switcher(lang));
    b
}

/// A member who picked a language on their page (`?lang=`) keeps it: it is stored with their
/// consent, for later pages and the alert footer. Harmless to repeat, and a link scanner never
/// sees these links (alerts carry the manage link without one).
async fn remember_choice(
    ctx: &Ctx,
    u: &Unsubscribe,
    chosen: Option<&str>,
    consent: Option<Consent>,
) -> Option<Consent> {
    let Some(lang) = chosen.and_then(Lang::from_tag) else {
        return consent;
    };
    match join::set_language(ctx, u, lang).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "a member's language could not be saved");
            consent
        }
    }
}

/// `GET /manage/{token}`.
pub async fn manage_page(
    State(st): State<AppState>,
    Path(token): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let ctx = call::operator(&st);
    let chosen = query_lang(&q);
    let Some(u) = join::read_manage(&ctx, &token) else {
        return bad_manage(choose_lang(chosen, None, &headers, Lang::english()).lang);
    };
    let (pl, tz, consent) = match member_page_lang(&ctx, &u, chosen, &headers).await {
        Ok(found) => found,
        Err(lang) => return unavailable(lang),
    };
    let consent = remember_choice(&ctx, &u, chosen, consent).await;
    page_in(
        pl.lang,
        StatusCode::OK,
        &pl.lang.tr("page-manage-title"),
        &manage_body(pl.lang, &u, consent.as_ref(), tz.as_deref(), None),
    )
}

#[derive(Deserialize)]
pub struct ManageForm {
    #[serde(default)]
    action: String,
}

/// `POST /manage/{token}` with `action` = `pause_week`, `pause_month`, `resume` or `unsubscribe`.
pub async fn manage(
    State(st): State<AppState>,
    Path(token): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    headers: HeaderMap,
    form: Result<Form<ManageForm>, FormRejection>,
) -> Response {
    let ctx = call::operator(&st);
    let chosen = query_lang(&q);
    let Some(u) = join::read_manage(&ctx, &token) else {
        return bad_manage(choose_lang(chosen, None, &headers, Lang::english()).lang);
    };
    let (pl, tz, consent) = match member_page_lang(&ctx, &u, chosen, &headers).await {
        Ok(found) => found,
        Err(lang) => return unavailable(lang),
    };
    let lang = pl.lang;
    remember_choice(&ctx, &u, chosen, consent).await;
    let Some(action) = form.ok().and_then(|Form(f)| ManageAction::parse(&f.action)) else {
        return page_in(
            lang,
            StatusCode::BAD_REQUEST,
            &lang.tr("page-manage-title"),
            &format!("<p>{}</p>", escape(&lang.tr("page-manage-use-buttons"))),
        );
    };
    match join::manage(&ctx, &u, action).await {
        Ok(c) => {
            let note = match (action, &c) {
                (ManageAction::Unsubscribe, _) => lang.tr("page-done-stopped"),
                (ManageAction::Resume, _) => lang.tr("page-done-resumed"),
                (_, Some(c)) if c.paused_until_ms.is_some() => lang.t(
                    "page-done-paused",
                    &[(
                        "date",
                        day_words(c.paused_until_ms.unwrap_or_default(), tz.as_deref(), lang)
                            .into(),
                    )],
                ),
                _ => lang.tr("page-done-nothing"),
            };
            tracing::info!(route = %u.route, account = %u.account, action = ?action, "a member changed their alerts");
            page_in(
                lang,
                StatusCode::OK,
                &lang.tr("page-manage-title"),
                &manage_body(lang, &u, c.as_ref(), tz.as_deref(), Some(&note)),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "a member's change could not be saved");
            unavailable(lang)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_counts_per_address_in_windows() {
        let t = JoinThrottle::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..POSTS_PER_WINDOW {
            assert!(t.allow(a));
        }
        assert!(!t.allow(a));
        assert!(t.allow(b));
    }

    /// `?lang=` first, then the stored choice, then the browser's, then the route's; tags no
    /// catalogue speaks are passed over, and only the route's fallback counts as no choice.
    #[test]
    fn the_page_language_is_the_members_choice_then_the_browsers_then_the_routes() {
        let lang = |t: &str| Lang::from_tag(t).unwrap();
        let mut browser = HeaderMap::new();
        browser.insert(ACCEPT_LANGUAGE, "zh, fr;q=0.9, es;q=0.8".parse().unwrap());
        let none = HeaderMap::new();
        let route = lang("pt");
        let pick = |chosen, stored, headers| choose_lang(chosen, stored, headers, route);
        assert_eq!(pick(Some("de"), Some("ru"), &browser).lang, lang("de"));
        assert_eq!(pick(Some("xx"), Some("ru"), &browser).lang, lang("ru"));
        assert_eq!(pick(None, None, &browser).lang, lang("fr"));
        assert!(pick(None, None, &browser).members);
        let fallback = pick(None, Some("tlh"), &none);
        assert_eq!((fallback.lang, fallback.members), (route, false));
    }
}

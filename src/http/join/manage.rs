//! The member's page (`/manage/{token}`, linked from every alert they get): pause, resume, leave,
//! and the language they read it in, kept once picked.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::lang::Visit;
use super::link::{Member, Page, open, say, unavailable};
use crate::http::AppState;
use crate::http::page::{language_switcher, message, page_in};
use crate::i18n::{self, Lang, TimeStyle};
use crate::service::Ctx;
use crate::service::join::{self, ManageAction};
use crate::service::subscriptions::Unsubscribe;
use crate::store::consents::{Consent, ConsentState};

/// The member's link, read, with their record; a bad link gets a 404 that says what to do, and a
/// store that cannot be read the page that says to try again.
async fn opened(st: &AppState, v: &Visit) -> Result<(Ctx, Unsubscribe, Member), Response> {
    let o = open(st, v, "page-manage-bad", join::read_manage).await?;
    let member = o.member.map_err(unavailable)?;
    Ok((o.ctx, o.link, member))
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

/// The buttons of a member whose alerts run: pause them for a week or a month, or leave.
const RUNNING: &[(&str, &str)] = &[
    ("pause_week", "page-pause-week"),
    ("pause_month", "page-pause-month"),
    ("unsubscribe", "page-stop"),
];
/// The buttons of a member whose alerts are paused: resume them, or leave.
const PAUSED: &[(&str, &str)] = &[("resume", "page-resume"), ("unsubscribe", "page-stop")];

/// One of the page's buttons: a form of its own, whose POST carries `action`.
fn action_button(lang: Lang, action: &str, key: &str) -> Markup {
    html! {
        form method="post" style="display:inline-block;margin:.3rem .3rem 0 0" {
            input type="hidden" name="action" value=(action);
            button type="submit" style="padding:.5rem .9rem;font-size:1rem" { (lang.tr(key)) }
        }
    }
}

fn manage_body(
    lang: Lang,
    u: &Unsubscribe,
    c: Option<&Consent>,
    tz: Option<&str>,
    note: Option<&str>,
) -> Markup {
    let now = chrono::Utc::now().timestamp_millis();
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
    let (key, date, buttons) = match c.map(|c| (c.state, c.paused_until_ms.filter(|u| *u > now))) {
        Some((ConsentState::Confirmed, None)) => ("page-manage-active", None, RUNNING),
        Some((ConsentState::Confirmed, Some(until))) => (
            "page-manage-paused",
            Some(day_words(until, tz, lang)),
            PAUSED,
        ),
        Some((ConsentState::Pending, _)) => ("page-manage-pending", None, &[][..]),
        _ => ("page-manage-none", None, &[][..]),
    };
    html! {
        @if let Some(n) = note {
            p role="status" style="background:#eef6ee;padding:.5rem" { (message(n)) }
        }
        p { (message(&lang.t(key, &args(date)))) }
        @for (action, button) in buttons {
            (action_button(lang, action, button))
        }
        (language_switcher(lang))
    }
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
pub async fn manage_page(State(st): State<AppState>, v: Visit) -> Page {
    let (ctx, u, m) = opened(&st, &v).await?;
    let (lang, tz) = (m.page.lang, m.tz);
    let consent = remember_choice(&ctx, &u, v.chosen(), m.consent).await;
    Ok(page_in(
        lang,
        StatusCode::OK,
        &lang.tr("page-manage-title"),
        manage_body(lang, &u, consent.as_ref(), tz.as_deref(), None),
    ))
}

#[derive(Deserialize)]
pub struct ManageForm {
    #[serde(default)]
    action: String,
}

/// `POST /manage/{token}` with `action` = `pause_week`, `pause_month`, `resume` or `unsubscribe`.
pub async fn manage(
    State(st): State<AppState>,
    v: Visit,
    form: Result<Form<ManageForm>, FormRejection>,
) -> Page {
    let (ctx, u, m) = opened(&st, &v).await?;
    let (lang, tz) = (m.page.lang, m.tz);
    remember_choice(&ctx, &u, v.chosen(), m.consent).await;
    let Some(action) = form.ok().and_then(|Form(f)| ManageAction::parse(&f.action)) else {
        return Err(say(
            lang,
            StatusCode::BAD_REQUEST,
            "page-manage-title",
            "page-manage-use-buttons",
        ));
    };
    Ok(match join::manage(&ctx, &u, action).await {
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
                manage_body(lang, &u, c.as_ref(), tz.as_deref(), Some(&note)),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "a member's change could not be saved");
            unavailable(lang)
        }
    })
}

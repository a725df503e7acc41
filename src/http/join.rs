//! The member pages: a route's join page (`/join/{code}`), the email confirmation
//! (`/join/confirm/{token}`) and the manage page of an address (`/manage/{token}`). Public and
//! readable on a phone, no scripts. Confirming and managing take a POST, so a mail scanner that
//! follows links changes nothing. What they do lives in `service::join`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::page::{escape, page};
use super::{AppState, ClientAddr, call};
use crate::dispatch::unsubscribe::Unsubscribe;
use crate::service::ServiceError;
use crate::service::join::{self, ConfirmToken, Confirmed, JoinInfo, ManageAction};
use crate::store::consents::{Consent, ConsentState};

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

fn not_found() -> Response {
    link_not_valid(
        "This join link does not work (any more). Ask the group's organizer for the current one.",
    )
}

fn unavailable() -> Response {
    page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Try again",
        "<p>The relay could not do this right now. Please try again in a minute.</p>",
    )
}

fn join_body(info: &JoinInfo, error: Option<&str>, typed: &str) -> String {
    let mut b = String::new();
    if let Some(d) = &info.description {
        b.push_str(&format!("<p>{}</p>", escape(d).replace('\n', "<br>")));
    }
    b.push_str(&format!(
        "<p>Get a message when: <b>{}</b>.</p>",
        escape(&info.events.join(", "))
    ));
    if let Some(f) = &info.filter {
        b.push_str(&format!("<p>{}</p>", escape(f)));
    }
    if let Some(link) = &info.telegram_link {
        b.push_str(&format!(
            "<h2>On Telegram</h2><p><a href=\"{}\" style=\"display:inline-block;padding:.6rem 1rem;background:#2481cc;color:#fff;border-radius:6px;text-decoration:none\">Open Telegram and press Start</a></p>",
            escape(link)
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
        b.push_str(&format!(
            "<h2>By email</h2>{err}\
             <form method=\"post\">\
             <label for=\"email\">Your email address</label><br>\
             <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required maxlength=\"254\" value=\"{}\"{described} style=\"width:100%;max-width:22rem;padding:.5rem;font-size:1rem\"><br>\
             <button type=\"submit\" style=\"margin-top:.6rem;padding:.6rem 1rem;font-size:1rem\">Send me a confirmation email</button></form>\
             <p style=\"color:#555;font-size:.9rem\">We send you one email first. Nothing else arrives until you press Confirm in it. Every alert has a link to pause or stop them.</p>",
            escape(typed)
        ));
    }
    if info.telegram_link.is_none() && !info.email {
        b.push_str("<p>Joining is not open yet here. Ask the group's organizer.</p>");
    }
    b
}

/// `GET /join/{code}`.
pub async fn show(State(st): State<AppState>, Path(code): Path<String>) -> Response {
    match join::join_info(&call::operator(&st), &code).await {
        Ok(Some(info)) => page(
            StatusCode::OK,
            &format!("Join {}", info.route),
            &join_body(&info, None, ""),
        ),
        Ok(None) => not_found(),
        Err(e) => {
            tracing::warn!(error = %e, "a join page could not be shown");
            unavailable()
        }
    }
}

#[derive(Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    email: String,
}

/// `POST /join/{code}`: starts the double opt-in. The same answer whether or not the address is
/// subscribed already, or got an email within the day.
pub async fn request(
    State(st): State<AppState>,
    ClientAddr(client): ClientAddr,
    Path(code): Path<String>,
    form: Result<Form<JoinForm>, FormRejection>,
) -> Response {
    let ctx = call::operator(&st);
    let info = match join::join_info(&ctx, &code).await {
        Ok(Some(i)) => i,
        Ok(None) => return not_found(),
        Err(_) => return unavailable(),
    };
    let title = format!("Join {}", info.route);
    let Ok(Form(form)) = form else {
        return page(
            StatusCode::BAD_REQUEST,
            &title,
            &join_body(
                &info,
                Some("Please type your email address in the box."),
                "",
            ),
        );
    };
    if !st.join_posts.allow(client) {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            "Please wait a little",
            "<p>Many sign-ups came from your network just now. Please try again in ten minutes.</p>",
        );
    }
    // What goes back into the form: the input as typed, cut short, never the whole of a huge post.
    let typed: String = form.email.chars().take(254).collect();
    match join::request(&ctx, &code, &form.email).await {
        Ok(()) => page(
            StatusCode::OK,
            "Check your inbox",
            &format!(
                "<p>If <b>{}</b> can get alerts from <b>{}</b>, an email is on its way to it. Open it and press <b>Confirm</b> within 48 hours.</p>\
                 <p style=\"color:#555\">Nothing arrived after a few minutes? Look in the spam folder. You can ask again tomorrow.</p>",
                escape(typed.trim()),
                escape(&info.route)
            ),
        ),
        Err(ServiceError::Invalid(errs)) => {
            let msg = errs.first().map(|e| e.message.clone()).unwrap_or_default();
            page(
                StatusCode::BAD_REQUEST,
                &title,
                &join_body(&info, Some(&msg), &typed),
            )
        }
        Err(ServiceError::NotFound(_)) => not_found(),
        Err(e) => {
            tracing::warn!(error = %e, "a join request could not be saved");
            unavailable()
        }
    }
}

/// A 404 page for a link that does not (or no longer) work, saying what to do instead.
fn link_not_valid(what_to_do: &str) -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Link not valid",
        &format!("<p>{what_to_do}</p>"),
    )
}

fn bad_confirm() -> Response {
    link_not_valid(
        "This confirmation link does not work. Links work for 48 hours: ask again from the group's join page.",
    )
}

fn read_confirm(st: &AppState, token: &str) -> Option<ConfirmToken> {
    join::read_confirm(&call::operator(st), token)
}

/// `GET /join/confirm/{token}`: a button, so a link scanner confirms nobody.
pub async fn confirm_page(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(t) = read_confirm(&st, &token) else {
        return bad_confirm();
    };
    page(
        StatusCode::OK,
        "Confirm your alerts",
        &format!(
            "<p>Send alerts from <b>{}</b> to <b>{}</b>?</p>\
             <form method=\"post\"><button type=\"submit\" style=\"padding:.6rem 1rem;font-size:1rem\">Confirm</button></form>",
            escape(&t.route),
            escape(&t.address)
        ),
    )
}

/// `POST /join/confirm/{token}`. Doing it twice is harmless.
pub async fn confirm(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(t) = read_confirm(&st, &token) else {
        return bad_confirm();
    };
    let ctx = call::operator(&st);
    match join::confirm(&ctx, &t).await {
        Ok(Confirmed::Yes(u)) => {
            let manage = join::manage_url(
                &st.config.server.public_url,
                st.config.security.data_key.bytes(),
                &u,
            );
            page(
                StatusCode::OK,
                "You're in",
                &format!(
                    "<p><b>{}</b> now gets alerts from <b>{}</b>.</p>\
                     <p>Every alert has a link to pause or stop them, or use <a href=\"{}\">this page</a>.</p>",
                    escape(&t.address),
                    escape(&t.route),
                    escape(&manage)
                ),
            )
        }
        Ok(Confirmed::RouteGone) => page(
            StatusCode::NOT_FOUND,
            "Group not found",
            "<p>This group's alerts were removed by its organizer, so there is nothing to confirm.</p>",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "a confirmation could not be saved");
            unavailable()
        }
    }
}

fn bad_manage() -> Response {
    link_not_valid("This link does not work. Use the link at the bottom of a recent alert.")
}

/// "Thursday 10 December" in the route's time zone (UTC when it has none or an unknown one).
fn day_words(ms: i64, tz: Option<&str>) -> String {
    let Some(at) = chrono::DateTime::from_timestamp_millis(ms) else {
        return String::new();
    };
    let tz: chrono_tz::Tz = tz.and_then(|t| t.parse().ok()).unwrap_or(chrono_tz::UTC);
    at.with_timezone(&tz).format("%A %-d %B").to_string()
}

fn manage_body(
    u_route: &str,
    address: &str,
    c: Option<&Consent>,
    tz: Option<&str>,
    note: Option<&str>,
) -> String {
    let now = chrono::Utc::now().timestamp_millis();
    let button = |action: &str, label: &str| {
        format!(
            "<form method=\"post\" style=\"display:inline-block;margin:.3rem .3rem 0 0\"><input type=\"hidden\" name=\"action\" value=\"{action}\"><button type=\"submit\" style=\"padding:.5rem .9rem;font-size:1rem\">{label}</button></form>"
        )
    };
    let mut b = note
        .map(|n| {
            format!(
                "<p role=\"status\" style=\"background:#eef6ee;padding:.5rem\">{}</p>",
                escape(n)
            )
        })
        .unwrap_or_default();
    let (who, route) = (escape(address), escape(u_route));
    match c.map(|c| (c.state, c.paused_until_ms.filter(|u| *u > now))) {
        Some((ConsentState::Confirmed, None)) => {
            b.push_str(&format!("<p><b>{who}</b> gets alerts from <b>{route}</b>.</p>"));
            b.push_str(&button("pause_week", "Pause for a week"));
            b.push_str(&button("pause_month", "Pause for a month"));
            b.push_str(&button("unsubscribe", "Stop these alerts"));
        }
        Some((ConsentState::Confirmed, Some(until))) => {
            b.push_str(&format!(
                "<p>Alerts from <b>{route}</b> to <b>{who}</b> are paused until {}.</p>",
                escape(&day_words(until, tz))
            ));
            b.push_str(&button("resume", "Resume now"));
            b.push_str(&button("unsubscribe", "Stop these alerts"));
        }
        Some((ConsentState::Pending, _)) => {
            b.push_str(&format!(
                "<p><b>{who}</b> is not confirmed for <b>{route}</b> yet: press Confirm in the email we sent.</p>"
            ));
        }
        _ => b.push_str(&format!(
            "<p><b>{who}</b> gets no alerts from <b>{route}</b>. To join again, use the group's join page.</p>"
        )),
    }
    b
}

/// The route's time zone, for "paused until Thursday 10 December"; None if the route is gone
/// (the page then says the date in UTC).
async fn route_timezone(ctx: &crate::service::Ctx, u: &Unsubscribe) -> Option<String> {
    ctx.db
        .get_route(&u.app, &u.account, &u.route)
        .await
        .ok()
        .flatten()
        .map(|r| r.timezone)
}

/// `GET /manage/{token}`.
pub async fn manage_page(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    let ctx = call::operator(&st);
    let Some(u) = join::read_manage(&ctx, &token) else {
        return bad_manage();
    };
    let state = join::manage_state(&ctx, &u).await;
    let tz = route_timezone(&ctx, &u).await;
    match state {
        Ok(c) => page(
            StatusCode::OK,
            "Your alerts",
            &manage_body(&u.route, &u.address, c.as_ref(), tz.as_deref(), None),
        ),
        Err(_) => unavailable(),
    }
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
    form: Result<Form<ManageForm>, FormRejection>,
) -> Response {
    let ctx = call::operator(&st);
    let Some(u) = join::read_manage(&ctx, &token) else {
        return bad_manage();
    };
    let Some(action) = form.ok().and_then(|Form(f)| ManageAction::parse(&f.action)) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Your alerts",
            "<p>Please use one of the buttons on the page.</p>",
        );
    };
    let tz = route_timezone(&ctx, &u).await;
    match join::manage(&ctx, &u, action).await {
        Ok(c) => {
            let note = match (action, &c) {
                (ManageAction::Unsubscribe, _) => "Done: no more alerts.".to_string(),
                (ManageAction::Resume, _) => "Alerts are on again.".to_string(),
                (_, Some(c)) if c.paused_until_ms.is_some() => format!(
                    "Paused until {}.",
                    day_words(c.paused_until_ms.unwrap_or_default(), tz.as_deref())
                ),
                _ => "Nothing to change.".to_string(),
            };
            tracing::info!(route = %u.route, account = %u.account, action = ?action, "a member changed their alerts");
            page(
                StatusCode::OK,
                "Your alerts",
                &manage_body(&u.route, &u.address, c.as_ref(), tz.as_deref(), Some(&note)),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "a member's change could not be saved");
            unavailable()
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
}

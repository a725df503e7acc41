//! Member subscriptions of the account's routes (Telegram chats subscribed through the bot, member
//! email addresses), each with a Remove button.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use super::html::{Section, button_form, e, shown};
use super::{Fail, Posted, Scope, field};
use crate::http::AppState;
use crate::http::call;
use crate::service::subscriptions;

pub async fn list(State(st): State<AppState>, sc: Scope) -> Result<Response, Fail> {
    let subs = subscriptions::list(&call::operator(&st), &sc.app, &sc.account).await?;
    let mut b = String::from(
        "<p>Members subscribe themselves from a route's join link (Telegram or email), and email \
         addresses an organizer types get an invitation to confirm first: nothing is sent to an \
         address until its owner confirms. Removing a member stops their messages at once.</p>",
    );
    if subs.is_empty() {
        b.push_str("<p>No subscribers yet.</p>");
    } else {
        b.push_str(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Subscriptions\"><table class=\"stack\">\
             <thead><tr><th scope=\"col\">Route</th><th scope=\"col\">Channel</th><th scope=\"col\">Subscriber</th>\
             <th scope=\"col\">Status</th><th scope=\"col\"><span class=\"sr-only\">Actions</span></th></tr></thead><tbody>",
        );
        for s in &subs {
            let status = match (s.state.as_deref(), s.added_by.as_str()) {
                (Some("waiting"), _) => "Waiting for confirmation",
                (Some("confirmed"), "member") => "Confirmed (joined by themselves)",
                (Some("confirmed"), _) => "Confirmed",
                (Some("paused"), _) => "Paused by the member",
                (Some("unsubscribed"), _) => "Left (gets nothing)",
                _ => "Subscribed",
            };
            let action = if s.added_by == "member" {
                button_form(
                    &sc.url("/subscriptions/remove"),
                    sc.csrf(),
                    "Remove",
                    &[("route", &s.route), ("target", &s.target)],
                )
            } else {
                "<span class=\"hint\">typed into the route</span>".to_string()
            };
            // A member by the name Telegram gave, an address as typed; a number only for members
            // who subscribed before names were kept.
            let who = match (&s.name, s.target.strip_prefix("email:")) {
                (Some(name), _) => format!("<bdi>{}</bdi>", e(name)),
                (None, Some(address)) => format!("<code>{}</code>", e(address)),
                (None, None) => e(&super::words::destination(&s.target)),
            };
            b.push_str(&format!(
                "<tr><td data-label=\"Route\">{}</td><td data-label=\"Channel\">{}</td>\
                 <td data-label=\"Subscriber\">{}</td><td data-label=\"Status\">{}</td><td>{}</td></tr>",
                e(&s.route),
                e(if s.kind == "email" {
                    "Email"
                } else {
                    "Telegram"
                }),
                who,
                e(status),
                action
            ));
        }
        b.push_str("</tbody></table></div>");
    }
    shown(&sc, Section::Subscriptions, "Subscriptions", &b)
}

pub async fn remove(
    State(st): State<AppState>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let route = field(&form, "route").unwrap_or("").to_string();
    let target = field(&form, "target").unwrap_or("").to_string();
    let removed =
        subscriptions::remove(&call::operator(&st), &sc.app, &sc.account, &route, &target).await?;
    if !removed {
        return Err(Fail::not_found());
    }
    Ok(Redirect::to(&sc.url("/subscriptions")).into_response())
}

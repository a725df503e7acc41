//! Member subscriptions of the account's routes (Telegram chats subscribed through the bot, member
//! email addresses), each with a Remove button.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::html::{Section, button_form, shown};
use super::{Fail, Posted, Scope, field};
use crate::http::AppState;
use crate::http::call;
use crate::service::subscriptions::{self, Subscription};

pub async fn list(State(st): State<AppState>, sc: Scope) -> Result<Response, Fail> {
    let subs = subscriptions::list(&call::operator(&st), &sc.app, &sc.account).await?;
    let body = html! {
        p {
            "Members subscribe themselves from a route's join link (Telegram or email), and email \
             addresses an organizer types get an invitation to confirm first: nothing is sent to an \
             address until its owner confirms. Removing a member stops their messages at once."
        }
        @if subs.is_empty() {
            p { "No subscribers yet." }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label="Subscriptions" {
                table class="stack" {
                    thead {
                        tr {
                            th scope="col" { "Route" }
                            th scope="col" { "Channel" }
                            th scope="col" { "Subscriber" }
                            th scope="col" { "Status" }
                            th scope="col" { span class="sr-only" { "Actions" } }
                        }
                    }
                    tbody {
                        @for s in &subs {
                            (row(&sc, s))
                        }
                    }
                }
            }
        }
    };
    shown(&sc, Section::Subscriptions, "Subscriptions", body)
}

/// One subscription's row, with a Remove button for a member who joined by themselves.
fn row(sc: &Scope, s: &Subscription) -> Markup {
    let status = match (s.state.as_deref(), s.added_by.as_str()) {
        (Some("waiting"), _) => "Waiting for confirmation",
        (Some("confirmed"), "member") => "Confirmed (joined by themselves)",
        (Some("confirmed"), _) => "Confirmed",
        (Some("paused"), _) => "Paused by the member",
        (Some("unsubscribed"), _) => "Left (gets nothing)",
        _ => "Subscribed",
    };
    let channel = if s.kind == "email" {
        "Email"
    } else {
        "Telegram"
    };
    html! {
        tr {
            td data-label="Route" { (&s.route) }
            td data-label="Channel" { (channel) }
            td data-label="Subscriber" { (subscriber(s)) }
            td data-label="Status" { (status) }
            td {
                @if s.added_by == "member" {
                    (button_form(
                        &sc.url("/subscriptions/remove"),
                        sc.csrf(),
                        "Remove",
                        &[("route", &s.route), ("target", &s.target)],
                    ))
                } @else {
                    span class="hint" { "typed into the route" }
                }
            }
        }
    }
}

/// A member by the name Telegram gave, an address as typed; a number only for members who
/// subscribed before names were kept.
fn subscriber(s: &Subscription) -> Markup {
    html! {
        @match (&s.name, s.target.strip_prefix("email:")) {
            (Some(name), _) => { bdi { (name) } }
            (None, Some(address)) => { code { (address) } }
            (None, None) => { (super::words::destination(&s.target)) }
        }
    }
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

//! The account's own Telegram bot: connect it with the token from @BotFather, see whether Telegram
//! still accepts it and what still goes through the relay's shared bot, send members the one-time
//! "we moved" message, or disconnect it. The same service as `PUT /api/v1/telegram/bot`.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;

use maud::{Markup, html};

use super::html::{Section, button_form, csrf_field, shown};
use super::{Fail, Posted, Scope, field};
use crate::http::AppState;
use crate::http::call;
use crate::service::ServiceError;
use crate::service::own_bots;

/// How to get a token from @BotFather.
fn steps() -> Markup {
    html! {
        ol {
            li {
                "In Telegram, open " a href="https://t.me/BotFather" { "@BotFather" }
                " and send " code { "/newbot" } ". Choose a name and a username ending in "
                code { "bot" } "."
            }
            li { "BotFather answers with a token like " code { "123456789:AAF…" } ". Copy it." }
            li {
                "Paste it below and press " b { "Connect" } ". The relay checks it with Telegram \
                 and keeps it locked away; nobody can read it back, not even you."
            }
        }
    }
}

fn connect_form(sc: &super::Scope, label: &str) -> Markup {
    html! {
        form method="post" action=(sc.url("/bot")) {
            (csrf_field(sc.csrf()))
            label for="bot-token" { "Bot token from @BotFather" }
            input id="bot-token" name="token" type="password" autocomplete="off" required;
            button type="submit" { (label) }
        }
    }
}

/// The page before a bot is connected.
fn not_connected(sc: &super::Scope) -> Markup {
    html! {
        p {
            "Alerts go through the relay's shared bot. Your community can use a bot of its own \
             instead: members then see your bot's name and picture, and its sending limits are \
             yours alone."
        }
        (steps())
        (connect_form(sc, "Connect"))
    }
}

/// The page of a connected bot: its health, what still goes through the shared bot, and the forms
/// to change its token or disconnect it.
fn connected(sc: &super::Scope, v: &own_bots::OwnBotView) -> Markup {
    let members = v.still_on_shared_bot.iter().filter(|l| l.member).count();
    let groups = v.still_on_shared_bot.iter().filter(|l| !l.member);
    html! {
        p {
            "Your bot: " a href=(v.link) { "@" (v.username) } ". "
            @if v.health == "ok" {
                "Telegram accepts its token."
            } @else {
                strong { "Turned off:" } " "
                (v.problem.as_deref().unwrap_or("Telegram refused its token"))
                ". Get a new token from @BotFather (" code { "/mybots" } ", your bot, API Token) \
                 and connect it again below."
            }
        }
        @if v.still_on_shared_bot.is_empty() {
            p { "Nothing goes through the shared bot any more." }
        } @else {
            h2 { "Still on the shared bot" }
            p {
                (members) " member subscription(s) keep getting alerts from the shared bot until \
                 the member opens @" (v.username) " and presses Start with the join link."
            }
            @if members > 0 {
                p {
                    @if v.moved_message_at_ms.is_some() {
                        "They have been sent the moving message. "
                    }
                    "Send each of them one message, through the shared bot, saying where your \
                     alerts are now:"
                }
                (button_form(&sc.url("/bot/moved"), sc.csrf(), "Send the moving message", &[]))
            }
            @for g in groups {
                p {
                    "Route " b { (g.route) } " posts in chat " code { (g.chat_id) }
                    " through the shared bot: add @" (v.username) " to that group and send "
                    code { "/link CODE" } " there with a new link code."
                }
            }
        }
        h2 { "Change the token" }
        (connect_form(sc, "Connect again"))
        h2 { "Disconnect" }
        p { "Alerts go through the shared bot again." }
        (button_form(&sc.url("/bot/remove"), sc.csrf(), "Disconnect the bot", &[]))
    }
}

pub async fn show(State(st): State<AppState>, sc: Scope) -> Result<Response, Fail> {
    let ctx = call::operator(&st);
    let b = match own_bots::show(&ctx, &sc.app, &sc.account).await {
        Err(ServiceError::NotFound(_)) => not_connected(&sc),
        Err(other) => return Err(other.into()),
        Ok(v) => connected(&sc, &v),
    };
    shown(&sc, Section::Bot, "Telegram bot", b)
}

pub async fn connect(
    State(st): State<AppState>,
    Posted { by: sc, form }: Posted,
) -> Result<Response, Fail> {
    let token = SecretString::from(field(&form, "token").unwrap_or("").trim().to_string());
    let checked = crate::bot::own::check_token(&st.config, &token).await;
    own_bots::connect(&call::operator(&st), &sc.app, &sc.account, &token, checked).await?;
    st.nudge_own_bots();
    Ok(Redirect::to(&sc.url("/bot")).into_response())
}

pub async fn remove(
    State(st): State<AppState>,
    Posted { by: sc, .. }: Posted,
) -> Result<Response, Fail> {
    own_bots::remove(&call::operator(&st), &sc.app, &sc.account).await?;
    st.nudge_own_bots();
    Ok(Redirect::to(&sc.url("/bot")).into_response())
}

pub async fn moved(
    State(st): State<AppState>,
    Posted { by: sc, .. }: Posted,
) -> Result<Response, Fail> {
    own_bots::send_moved(&call::operator(&st), &sc.app, &sc.account).await?;
    Ok(Redirect::to(&sc.url("/bot")).into_response())
}

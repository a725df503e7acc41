//! The account's own Telegram bot: connect it with the token from @BotFather, see whether Telegram
//! still accepts it and what still goes through the relay's shared bot, send members the one-time
//! "we moved" message, or disconnect it. The same service as `PUT /api/v1/telegram/bot`.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;

use super::html::{Section, button_form, csrf_field, e, shown};
use super::{Fail, Posted, Scope, field};
use crate::http::AppState;
use crate::http::call;
use crate::service::ServiceError;
use crate::service::own_bots;

const STEPS: &str = "<ol><li>In Telegram, open <a href=\"https://t.me/BotFather\">@BotFather</a> \
    and send <code>/newbot</code>. Choose a name and a username ending in <code>bot</code>.</li>\
    <li>BotFather answers with a token like <code>123456789:AAF…</code>. Copy it.</li>\
    <li>Paste it below and press <b>Connect</b>. The relay checks it with Telegram and keeps it \
    locked away; nobody can read it back, not even you.</li></ol>";

fn connect_form(sc: &super::Scope, label: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\">{}<label for=\"bot-token\">Bot token from @BotFather</label>\
         <input id=\"bot-token\" name=\"token\" type=\"password\" autocomplete=\"off\" required>\
         <button type=\"submit\">{}</button></form>",
        e(&sc.url("/bot")),
        csrf_field(sc.csrf()),
        e(label)
    )
}

pub async fn show(State(st): State<AppState>, sc: Scope) -> Result<Response, Fail> {
    let ctx = call::operator(&st);
    let mut b = String::new();
    match own_bots::show(&ctx, &sc.app, &sc.account).await {
        Err(ServiceError::NotFound(_)) => {
            b.push_str(
                "<p>Alerts go through the relay's shared bot. Your community can use a bot of its \
                 own instead: members then see your bot's name and picture, and its sending limits \
                 are yours alone.</p>",
            );
            b.push_str(STEPS);
            b.push_str(&connect_form(&sc, "Connect"));
        }
        Err(other) => return Err(other.into()),
        Ok(v) => {
            b.push_str(&format!(
                "<p>Your bot: <a href=\"{}\">@{}</a>. {}</p>",
                e(&v.link),
                e(&v.username),
                if v.health == "ok" {
                    "Telegram accepts its token.".to_string()
                } else {
                    format!(
                        "<strong>Turned off:</strong> {}. Get a new token from @BotFather \
                         (<code>/mybots</code>, your bot, API Token) and connect it again below.",
                        e(v.problem.as_deref().unwrap_or("Telegram refused its token"))
                    )
                }
            ));
            let members = v.still_on_shared_bot.iter().filter(|l| l.member).count();
            let groups: Vec<_> = v.still_on_shared_bot.iter().filter(|l| !l.member).collect();
            if v.still_on_shared_bot.is_empty() {
                b.push_str("<p>Nothing goes through the shared bot any more.</p>");
            } else {
                b.push_str(&format!(
                    "<h2>Still on the shared bot</h2><p>{members} member subscription(s) keep \
                     getting alerts from the shared bot until the member opens @{} and presses \
                     Start with the join link.</p>",
                    e(&v.username)
                ));
                if members > 0 {
                    let sent = match v.moved_message_at_ms {
                        Some(_) => "They have been sent the moving message. ",
                        None => "",
                    };
                    b.push_str(&format!(
                        "<p>{sent}Send each of them one message, through the shared bot, saying \
                         where your alerts are now:</p>{}",
                        button_form(
                            &sc.url("/bot/moved"),
                            sc.csrf(),
                            "Send the moving message",
                            &[]
                        )
                    ));
                }
                for g in groups {
                    b.push_str(&format!(
                        "<p>Route <b>{}</b> posts in chat <code>{}</code> through the shared bot: \
                         add @{} to that group and send <code>/link CODE</code> there with a new \
                         link code.</p>",
                        e(&g.route),
                        g.chat_id,
                        e(&v.username)
                    ));
                }
            }
            b.push_str("<h2>Change the token</h2>");
            b.push_str(&connect_form(&sc, "Connect again"));
            b.push_str("<h2>Disconnect</h2><p>Alerts go through the shared bot again.</p>");
            b.push_str(&button_form(
                &sc.url("/bot/remove"),
                sc.csrf(),
                "Disconnect the bot",
                &[],
            ));
        }
    }
    shown(&sc, Section::Bot, "Telegram bot", &b)
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

//! The member commands, in a private chat: `/start CODE` or `/subscribe CODE` (which also takes
//! an organizer code), `/list`, `/mute`, `/unsubscribe`.

use std::collections::BTreeSet;

use super::command::{self, Command, MuteArg};
use super::handlers::{
    Origin, ROUTE_GONE, code_problem, fmt_time, help_private, now_ms, refused, welcome, wrong_bot,
};
use super::{Reply, service};
use crate::render::escape_html as esc;
use crate::routing::{Destination, Route};
use crate::service::links;
use crate::store::StoreError;
use crate::store::bot::{CodeKind, Redeem};

/// `/start CODE` or `/subscribe CODE` in a private chat: a subscribe or organizer code.
pub(super) async fn redeem(from: &Origin<'_>, code: &str) -> Result<Reply, StoreError> {
    let kinds = [CodeKind::Subscribe, CodeKind::Organizer];
    let rec = match links::check_code(from.db(), code, &kinds, now_ms()).await {
        Ok(Redeem::Ok(rec)) => rec,
        Ok(other) => return Ok(from.reply(code_problem(&other))),
        Err(e) => return Ok(from.reply(refused(e)?)),
    };
    match links::bot_check(from.db(), &rec, from.bot.own_bot_id()).await {
        Ok(links::BotCheck::Ok) => {}
        Ok(other) => return Ok(from.reply(wrong_bot(&other, "/start"))),
        Err(e) => return Ok(from.reply(refused(e)?)),
    }
    match rec.kind {
        CodeKind::Organizer => {
            let joined =
                links::join_as_organizer(from.db(), code, from.user_id, from.chat_id, now_ms())
                    .await;
            match joined {
                Ok(Redeem::Ok(_)) => {}
                Ok(other) => return Ok(from.reply(code_problem(&other))),
                Err(e) => return Ok(from.reply(refused(e)?)),
            }
            // No account id in the text: replies are tenant-less jobs that a purge does not reach.
            Ok(from.reply(
                "You are now an organizer of this Zoom account. New notices (a removed bot, a \
                 failing webhook) will come here.\n\n\
                 /routes – the account's routes\n/test ROUTE – a sample alert in this chat\n\
                 /pause ROUTE, /resume ROUTE\n/notices – recent problems\n\
                 /leave – stop being an organizer",
            ))
        }
        _ => {
            let route = match links::route_of(from.db(), &rec).await {
                Ok(Some(route)) => route,
                Ok(None) => return Ok(from.reply(ROUTE_GONE)),
                Err(e) => return Ok(from.reply(refused(e)?)),
            };
            let via = from.bot.own_bot_id();
            let already = route.destinations.iter().any(|d| {
                matches!(d, Destination::Telegram { chat_id, thread_id: None, bot, .. }
                    if *chat_id == from.chat_id && *bot == via)
            });
            if already {
                return Ok(from.reply(format!(
                    "You are already subscribed to <b>{}</b>. /list shows your subscriptions.",
                    esc(&route.name)
                )));
            }
            match from
                .db()
                .redeem_code(code, &[CodeKind::Subscribe], now_ms())
                .await?
            {
                Redeem::Ok(_) => {}
                other => return Ok(from.reply(code_problem(&other))),
            }
            // Through the service: a compare-and-swap that keeps edits made since the read above.
            if !service::subscribe(
                from,
                &route.app_id,
                &route.account_id,
                &route.name,
                from.chat_id,
                now_ms(),
            )
            .await?
            {
                return Ok(from.reply(ROUTE_GONE));
            }
            Ok(from.reply(format!(
                "Subscribed to <b>{}</b>. You'll get its alerts here.\n\n\
                 /mute 2h pauses them, /unsubscribe stops them.",
                esc(&route.name)
            )))
        }
    }
}

/// Routes where this private chat is a member-owned destination.
async fn my_routes(from: &Origin<'_>) -> Result<Vec<Route>, StoreError> {
    Ok(from
        .db()
        .list_routes(from.scope())
        .await?
        .into_iter()
        .filter(|r| r.destinations.iter().any(|d| is_mine(d, from.chat_id)))
        .collect())
}

fn is_mine(d: &Destination, chat: i64) -> bool {
    matches!(d, Destination::Telegram { chat_id, member: true, .. } if *chat_id == chat)
}

/// `/list`, `/unsubscribe`, `/mute`.
pub(super) async fn command(from: &Origin<'_>, cmd: &Command) -> Result<Reply, StoreError> {
    let db = from.db();
    match cmd {
        Command::List => {
            let routes = my_routes(from).await?;
            if routes.is_empty() {
                return Ok(from.reply(
                    "You have no subscriptions. Send <code>/subscribe CODE</code> with a code from \
                     your organizer.",
                ));
            }
            let mut out = String::from("<b>Your subscriptions</b>\n");
            for r in &routes {
                out.push_str(&format!(
                    "• {}{}\n",
                    esc(&r.name),
                    if r.enabled {
                        ""
                    } else {
                        " (paused by the organizer)"
                    }
                ));
            }
            if let Some(until) = active_mute(from).await? {
                out.push_str(&format!(
                    "\nMuted until {}. /mute off resumes alerts.",
                    fmt_time(until)
                ));
            }
            Ok(from.reply(out))
        }
        Command::Unsubscribe(which) => {
            let all = which
                .as_deref()
                .is_none_or(|w| w.eq_ignore_ascii_case("all"));
            let mut removed = Vec::new();
            for r in my_routes(from).await? {
                if !all
                    && !which
                        .as_deref()
                        .is_some_and(|w| w.eq_ignore_ascii_case(&r.name))
                {
                    continue;
                }
                // This chat's subscriptions to the route, named as the service names them
                // (normally one; a forum topic gets its own).
                let keys: BTreeSet<String> = r
                    .destinations
                    .iter()
                    .filter(|d| is_mine(d, from.chat_id))
                    .flat_map(|d| d.targets())
                    .map(|t| t.key())
                    .collect();
                let mut gone = false;
                for key in &keys {
                    gone |=
                        service::remove_subscription(from, &r.app_id, &r.account_id, &r.name, key)
                            .await?;
                }
                if gone {
                    removed.push(r.name);
                }
            }
            if removed.is_empty() {
                return Ok(from.reply(match which {
                    Some(w) if !all => format!(
                        "You are not subscribed to a route named <b>{}</b>. /list shows your \
                         subscriptions.",
                        esc(w)
                    ),
                    _ => "You have no subscriptions.".into(),
                }));
            }
            if my_routes(from).await?.is_empty() {
                db.clear_mutes(from.chat_id).await?;
            }
            Ok(from.reply(format!(
                "Unsubscribed from {}. You won't get its alerts any more.",
                removed
                    .iter()
                    .map(|n| format!("<b>{}</b>", esc(n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
        Command::Mute(arg) => match arg {
            MuteArg::Off => {
                let n = db.clear_mutes(from.chat_id).await?;
                Ok(from.reply(if n == 0 {
                    "Alerts were not muted."
                } else {
                    "Alerts are back on."
                }))
            }
            MuteArg::Missing => Ok(from.reply(
                "How long? For example <code>/mute 2h</code>, <code>/mute 30m</code> or \
                 <code>/mute 1d</code>. <code>/mute off</code> resumes alerts.",
            )),
            MuteArg::Bad(s) => Ok(from.reply(format!(
                "I can't read <code>{}</code> as a duration. Use a number with a unit, such as \
                 30m, 2h, 1h30m or 3d (at most {}).",
                esc(s),
                command::describe_duration(command::MAX_MUTE)
            ))),
            MuteArg::For(d) => {
                let tenants: BTreeSet<(String, String)> = my_routes(from)
                    .await?
                    .into_iter()
                    .map(|r| (r.app_id, r.account_id))
                    .collect();
                if tenants.is_empty() {
                    return Ok(from.reply("You have no subscriptions to mute."));
                }
                let until = now_ms() + d.as_millis() as i64;
                for (app, account) in &tenants {
                    db.set_mute(app, account, from.chat_id, until).await?;
                }
                Ok(from.reply(format!(
                    "Muted for {}, until {}. /mute off resumes alerts sooner.",
                    command::describe_duration(*d),
                    fmt_time(until)
                )))
            }
        },
        Command::Subscribe(_) => Ok(from.reply(welcome())),
        _ => Ok(from.reply(help_private())),
    }
}

async fn active_mute(from: &Origin<'_>) -> Result<Option<i64>, StoreError> {
    Ok(from
        .db()
        .mutes_of(from.chat_id)
        .await?
        .iter()
        .map(|m| m.until_ms)
        .max()
        .filter(|u| *u > now_ms()))
}

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
use crate::store::TenantId;
use crate::store::bot::{CodeKind, Redeem};

/// `/start CODE` or `/subscribe CODE` in a private chat: a subscribe or organizer code.
pub(super) async fn redeem(from: &Origin<'_>, code: &str) -> Result<Reply, StoreError> {
    let kinds = [CodeKind::Subscribe, CodeKind::Organizer];
    let rec = match links::check_code(from.db(), code, &kinds, now_ms()).await {
        Ok(Redeem::Ok(rec)) => rec,
        Ok(other) => return Ok(from.reply(code_problem(from.lang, &other))),
        Err(e) => return Ok(from.reply(refused(from.lang, e)?)),
    };
    match links::bot_check(from.db(), &rec, from.bot.own_bot_id()).await {
        Ok(links::BotCheck::Ok) => {}
        Ok(other) => return Ok(from.reply(wrong_bot(from.lang, &other, "/start"))),
        Err(e) => return Ok(from.reply(refused(from.lang, e)?)),
    }
    match rec.kind {
        CodeKind::Organizer => {
            let joined =
                links::join_as_organizer(from.db(), code, from.user_id, from.chat_id, now_ms())
                    .await;
            match joined {
                Ok(Redeem::Ok(_)) => {}
                Ok(other) => return Ok(from.reply(code_problem(from.lang, &other))),
                Err(e) => return Ok(from.reply(refused(from.lang, e)?)),
            }
            // No account id in the text: replies are tenant-less jobs that a purge does not reach.
            Ok(from.reply(from.tr("bot-organizer-welcome")))
        }
        _ => {
            let route = match links::route_of(from.db(), &rec).await {
                Ok(Some(route)) => route,
                Ok(None) => return Ok(from.reply(from.tr(ROUTE_GONE))),
                Err(e) => return Ok(from.reply(refused(from.lang, e)?)),
            };
            let via = from.bot.own_bot_id();
            let already = route.destinations.iter().any(|d| {
                matches!(d, Destination::Telegram { chat_id, thread_id: None, bot, .. }
                    if *chat_id == from.chat_id && *bot == via)
            });
            if already {
                return Ok(from.reply(from.t(
                    "bot-already-subscribed",
                    &[("route", esc(&route.name).into())],
                )));
            }
            match from
                .db()
                .redeem_code(code, &[CodeKind::Subscribe], now_ms())
                .await?
            {
                Redeem::Ok(_) => {}
                other => return Ok(from.reply(code_problem(from.lang, &other))),
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
                return Ok(from.reply(from.tr(ROUTE_GONE)));
            }
            Ok(from.reply(from.t("bot-subscribed", &[("route", esc(&route.name).into())])))
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
                return Ok(from.reply(from.tr("bot-no-subscriptions")));
            }
            let mut out = format!("{}\n", from.tr("bot-list-title"));
            for r in &routes {
                out.push_str(&format!(
                    "• {}{}\n",
                    esc(&r.name),
                    if r.enabled {
                        String::new()
                    } else {
                        format!(" {}", from.tr("bot-list-paused"))
                    }
                ));
            }
            if let Some(until) = active_mute(from).await? {
                out.push_str(&format!(
                    "\n{}",
                    from.t(
                        "bot-list-muted",
                        &[("time", fmt_time(until, from.lang).into())]
                    )
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
                    Some(w) if !all => from.t("bot-not-subscribed-to", &[("route", esc(w).into())]),
                    _ => from.tr("bot-nothing-to-unsubscribe"),
                }));
            }
            if my_routes(from).await?.is_empty() {
                db.clear_mutes(from.chat_id).await?;
            }
            let names = removed
                .iter()
                .map(|n| format!("<b>{}</b>", esc(n)))
                .collect::<Vec<_>>()
                .join(", ");
            Ok(from.reply(from.t(
                "bot-unsubscribed",
                &[("routes", names.into()), ("count", removed.len().into())],
            )))
        }
        Command::Mute(arg) => match arg {
            MuteArg::Off => {
                let n = db.clear_mutes(from.chat_id).await?;
                Ok(from.reply(from.tr(if n == 0 {
                    "bot-unmute-not-muted"
                } else {
                    "bot-unmuted"
                })))
            }
            MuteArg::Missing => Ok(from.reply(from.tr("bot-mute-how"))),
            MuteArg::Bad(s) => Ok(from.reply(from.t(
                "bot-mute-bad",
                &[
                    ("input", esc(s).into()),
                    (
                        "max",
                        command::describe_duration(command::MAX_MUTE, from.lang).into(),
                    ),
                ],
            ))),
            MuteArg::For(d) => {
                let tenants: BTreeSet<(String, String)> = my_routes(from)
                    .await?
                    .into_iter()
                    .map(|r| (r.app_id, r.account_id))
                    .collect();
                if tenants.is_empty() {
                    return Ok(from.reply(from.tr("bot-mute-nothing")));
                }
                let until = now_ms() + d.as_millis() as i64;
                for (app, account) in &tenants {
                    db.set_mute(&TenantId::new(app, account), from.chat_id, until)
                        .await?;
                }
                Ok(from.reply(from.t(
                    "bot-muted",
                    &[
                        ("duration", command::describe_duration(*d, from.lang).into()),
                        ("time", fmt_time(until, from.lang).into()),
                    ],
                )))
            }
        },
        Command::Subscribe(_) => Ok(from.reply(welcome(from.lang))),
        _ => Ok(from.reply(help_private(from.lang))),
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

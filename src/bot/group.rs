//! The group commands: a group administrator's `/link CODE` and `/unlink`, and `/status` for
//! anyone in the group. Telegram is asked whether the sender is an administrator; what linking
//! changes is `service::links`.

use fluent_bundle::FluentValue;

use super::Reply;
use super::handlers::{Origin, ROUTE_GONE, code_problem, now_ms, refused, wrong_bot};
use crate::render::escape_html as esc;
use crate::routing::Route;
use crate::service::links::{self, LinkRequest, Linked, Place};
use crate::store::StoreError;
use crate::store::bot::ChatKind;

/// getChatMember: only the group's creator and administrators may link or unlink it.
async fn is_admin(from: &Origin<'_>) -> Result<bool, String> {
    match from
        .bot
        .inner
        .api
        .chat_member_status(from.chat_id, from.user_id)
        .await
    {
        Ok(s) => Ok(matches!(s.as_str(), "creator" | "administrator")),
        Err(e) => {
            tracing::warn!(error = %e, "getChatMember failed");
            Err(from.tr("bot-admin-check-failed"))
        }
    }
}

const ADMINS_ONLY: &str = "bot-admins-only";

/// The `$place` of the group messages: `topic` in a forum topic, else `chat`.
fn here(from: &Origin<'_>) -> (&'static str, FluentValue<'static>) {
    match from.thread {
        Some(_) => ("place", "topic".into()),
        None => ("place", "chat".into()),
    }
}

/// `/link CODE` (or the `startgroup` deep link's `/start CODE`) in a group or forum topic.
pub(super) async fn link(from: &Origin<'_>, code: Option<&str>) -> Result<Reply, StoreError> {
    let Some(code) = code else {
        return Ok(from.reply(from.tr("bot-link-how")));
    };
    match is_admin(from).await {
        Ok(true) => {}
        Ok(false) => return Ok(from.reply(from.tr(ADMINS_ONLY))),
        Err(m) => return Ok(from.reply(m)),
    }
    let req = LinkRequest {
        code,
        place: place(from),
        chat_kind: ChatKind::from_telegram(from.chat_kind),
        by_user: from.user_id,
        now_ms: now_ms(),
        title: from.chat_title,
    };
    let linked = match links::link_group(from.db(), &req).await {
        Ok(linked) => linked,
        Err(e) => return Ok(from.reply(refused(from.lang, e)?)),
    };
    Ok(from.reply(match linked {
        Linked::Linked { route } => {
            from.t("bot-linked", &[("route", esc(&route).into()), here(from)])
        }
        Linked::AlreadyPosts { route } => from.t(
            "bot-already-posts",
            &[("route", esc(&route).into()), here(from)],
        ),
        Linked::OtherCommunity => from.tr("bot-other-community"),
        Linked::RouteGone => from.tr(ROUTE_GONE),
        Linked::BadCode(problem) => code_problem(from.lang, &problem),
        Linked::WrongBot(check) => wrong_bot(from.lang, &check, "/link"),
    }))
}

/// The chat, or the forum topic, the command was sent in.
fn place(from: &Origin<'_>) -> Place {
    Place {
        chat_id: from.chat_id,
        thread_id: from.thread,
        bot: from.bot.own_bot_id(),
    }
}

/// `/unlink [ROUTE]` in a group or forum topic.
pub(super) async fn unlink(from: &Origin<'_>, route: Option<&str>) -> Result<Reply, StoreError> {
    match is_admin(from).await {
        Ok(true) => {}
        Ok(false) => return Ok(from.reply(from.tr(ADMINS_ONLY))),
        Err(m) => return Ok(from.reply(m)),
    }
    let removed = match links::unlink_group(from.db(), place(from), route).await {
        Ok(removed) => removed,
        Err(e) => return Ok(from.reply(refused(from.lang, e)?)),
    };
    Ok(from.reply(if removed.is_empty() {
        from.t("bot-nothing-posts", &[here(from)])
    } else {
        let names = removed
            .iter()
            .map(|n| format!("<b>{}</b>", esc(n)))
            .collect::<Vec<_>>()
            .join(", ");
        from.t(
            "bot-unlinked",
            &[
                ("routes", names.into()),
                ("count", removed.len().into()),
                here(from),
            ],
        )
    }))
}

/// `/status`: which routes post in this chat or topic.
pub(super) async fn status(from: &Origin<'_>) -> Result<Reply, StoreError> {
    let here_place = place(from);
    let routes: Vec<Route> = from
        .db()
        .list_routes(from.scope())
        .await?
        .into_iter()
        .filter(|r| r.destinations.iter().any(|d| here_place.posts_here(d)))
        .collect();
    if routes.is_empty() {
        return Ok(from.reply(from.t("bot-status-none", &[here(from)])));
    }
    let mut out = format!("{}\n", from.t("bot-status-title", &[here(from)]));
    for r in &routes {
        out.push_str(&format!(
            "• {} – {}{}\n",
            esc(&r.name),
            esc(&r.events.join(", ")),
            if r.enabled {
                String::new()
            } else {
                format!(" {}", from.tr("bot-paused"))
            }
        ));
    }
    Ok(from.reply(out))
}

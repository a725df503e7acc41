//! The group commands: a group administrator's `/link CODE` and `/unlink`, and `/status` for
//! anyone in the group. Telegram is asked whether the sender is an administrator; what linking
//! changes is `service::links`.

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
            Err(
                "I couldn't check your admin rights with Telegram just now. Please try again in a \
                 minute."
                    .into(),
            )
        }
    }
}

const ADMINS_ONLY: &str = "Only an administrator of this group can do that.";

fn here(from: &Origin<'_>) -> String {
    match from.thread {
        Some(_) => "this topic".into(),
        None => "this chat".into(),
    }
}

/// `/link CODE` (or the `startgroup` deep link's `/start CODE`) in a group or forum topic.
pub(super) async fn link(from: &Origin<'_>, code: Option<&str>) -> Result<Reply, StoreError> {
    let Some(code) = code else {
        return Ok(from.reply(
            "Send <code>/link CODE</code> with the link code from your organizer \
             (<code>zoom-relay codes create --kind link</code>).",
        ));
    };
    match is_admin(from).await {
        Ok(true) => {}
        Ok(false) => return Ok(from.reply(ADMINS_ONLY)),
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
        Err(e) => return Ok(from.reply(refused(e)?)),
    };
    Ok(from.reply(match linked {
        Linked::Linked { route } => format!(
            "Linked: <b>{}</b> now posts its alerts in {}. /unlink stops it.",
            esc(&route),
            here(from)
        ),
        Linked::AlreadyPosts { route } => format!(
            "<b>{}</b> already posts in {}. The code was not used.",
            esc(&route),
            here(from)
        ),
        Linked::OtherCommunity => OTHER_COMMUNITY.into(),
        Linked::RouteGone => ROUTE_GONE.into(),
        Linked::BadCode(problem) => code_problem(&problem),
        Linked::WrongBot(check) => wrong_bot(&check, "/link"),
    }))
}

const OTHER_COMMUNITY: &str = "This chat is linked to another community, so I can't post this \
                               route's alerts here. An administrator of this group can send \
                               /unlink first to free it. The code was not used.";

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
        Ok(false) => return Ok(from.reply(ADMINS_ONLY)),
        Err(m) => return Ok(from.reply(m)),
    }
    let removed = match links::unlink_group(from.db(), place(from), route).await {
        Ok(removed) => removed,
        Err(e) => return Ok(from.reply(refused(e)?)),
    };
    Ok(from.reply(if removed.is_empty() {
        format!("No route posts in {}.", here(from))
    } else {
        format!(
            "Unlinked: {} no longer post{} in {}.",
            removed
                .iter()
                .map(|n| format!("<b>{}</b>", esc(n)))
                .collect::<Vec<_>>()
                .join(", "),
            if removed.len() == 1 { "s" } else { "" },
            here(from)
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
        return Ok(from.reply(format!(
            "No route posts in {}. An administrator can send <code>/link CODE</code> to add one.",
            here(from)
        )));
    }
    let mut out = format!("<b>Routes posting in {}</b>\n", here(from));
    for r in &routes {
        out.push_str(&format!(
            "• {} – {}{}\n",
            esc(&r.name),
            esc(&r.events.join(", ")),
            if r.enabled { "" } else { " (paused)" }
        ));
    }
    Ok(from.reply(out))
}

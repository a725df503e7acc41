//! What each command does, and the words the bot answers with.
//!
//! Roles: anyone may use the member commands in a private chat; group administrators (getChatMember
//! says `creator` or `administrator`) may link and unlink a group; Telegram users linked as
//! organizers by an organizer code may run the organizer commands. Everyone else gets a polite
//! refusal, and a bad, expired or used code changes nothing.

use std::collections::BTreeSet;

use super::command::{self, Command, MuteArg};
use super::{Bot, Reply, Update};
use crate::render::escape_html as esc;
use crate::routing::{Destination, Route};
use crate::service::chats::{Caller, TenantId};
use crate::service::routes::PreviewRequest;
use crate::service::subscriptions;
use crate::service::{Ctx, ServiceError};
use crate::store::bot::{ChatKind, ChatLink, CodeKind, CodeRecord, OrganizerLink, Redeem};
use crate::store::{Message, Notice, StoreError};

/// Where a command came from.
struct Origin<'a> {
    bot: &'a Bot,
    user_id: i64,
    chat_id: i64,
    /// Telegram's `chat.type`: `private`, `group`, `supergroup`.
    chat_kind: &'a str,
    /// The forum topic, when the message was posted in one.
    thread: Option<i64>,
}

impl Origin<'_> {
    fn reply(&self, html: impl Into<String>) -> Reply {
        Reply {
            chat_id: self.chat_id,
            thread_id: self.thread,
            html: html.into(),
            kind: "bot.reply",
        }
    }

    fn store(&self) -> &crate::store::Store {
        &self.bot.inner.store
    }

    fn bot_link(&self) -> String {
        match self.bot.username() {
            Some(u) => format!("@{}", esc(&u)),
            None => "me".into(),
        }
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The replies to one update. Only messages with text from a person in a private chat or a group
/// are read; channel posts and other bots are ignored.
pub(super) async fn handle(bot: &Bot, u: &Update) -> Result<Vec<Reply>, StoreError> {
    let Some(msg) = &u.message else {
        return Ok(vec![]);
    };
    let (Some(text), Some(user)) = (&msg.text, &msg.from) else {
        return Ok(vec![]);
    };
    if user.is_bot {
        return Ok(vec![]);
    }
    let private = msg.chat.kind == "private";
    if !private && !matches!(msg.chat.kind.as_str(), "group" | "supergroup") {
        return Ok(vec![]);
    }
    let from = Origin {
        bot,
        user_id: user.id,
        chat_id: msg.chat.id,
        chat_kind: msg.chat.kind.as_str(),
        thread: msg
            .is_topic_message
            .then_some(msg.message_thread_id)
            .flatten(),
    };
    let Some(parsed) = command::parse(text) else {
        // Plain text: in a private chat, say what works; in a group it is not for us.
        return Ok(if private {
            vec![from.reply(help_private())]
        } else {
            vec![]
        });
    };
    if !parsed.is_for(bot.username().as_deref()) {
        return Ok(vec![]);
    }
    let explicit = parsed.addressed_to.is_some();
    let replies = match parsed.command {
        Command::Help => vec![from.reply(if private {
            help_private()
        } else {
            help_group()
        })],
        Command::Start(None) if private => vec![from.reply(welcome())],
        Command::Start(None) => vec![from.reply(help_group())],
        Command::Start(Some(code)) | Command::Subscribe(Some(code)) if private => {
            vec![redeem_private(&from, &code).await?]
        }
        Command::Start(Some(code)) => vec![link(&from, Some(&code)).await?],
        Command::Subscribe(None) if private => vec![from.reply(
            "Send <code>/subscribe CODE</code> with the code your organizer gave you, or open \
             the link they shared.",
        )],
        Command::Subscribe(_) | Command::Unsubscribe(_) | Command::List | Command::Mute(_) => {
            if private {
                vec![member(&from, &parsed.command).await?]
            } else {
                vec![from.reply(format!(
                    "Personal alerts are managed in a private chat: open {} and send /start.",
                    from.bot_link()
                ))]
            }
        }
        Command::Link(code) if !private => vec![link(&from, code.as_deref()).await?],
        Command::Unlink(route) if !private => vec![unlink(&from, route.as_deref()).await?],
        Command::Status if !private => vec![status(&from)?],
        Command::Link(_) | Command::Unlink(_) | Command::Status => vec![from.reply(
            "That works in a group: add me to the group (or forum topic) and send it there.",
        )],
        Command::Routes
        | Command::Test(_)
        | Command::Pause(_)
        | Command::Resume(_)
        | Command::Notices
        | Command::Leave => organizer(&from, &parsed.command).await?,
        Command::Unknown(name) if private || explicit => vec![from.reply(format!(
            "I don't know /{}.\n\n{}",
            esc(&name),
            if private {
                help_private()
            } else {
                help_group()
            }
        ))],
        // A bare unknown command in a group is probably for another bot.
        Command::Unknown(_) => vec![],
    };
    Ok(replies)
}

fn welcome() -> String {
    format!(
        "Hi! I post alerts when Zoom meetings start.\n\n\
         To get them here, open the link your organizer shared, or send \
         <code>/subscribe CODE</code> with the code they gave you.\n\n{}",
        help_private()
    )
}

fn help_private() -> String {
    "<b>Commands</b>\n\
     /subscribe CODE – get a route's alerts here\n\
     /list – your subscriptions\n\
     /mute 2h – pause alerts for a while (30m, 2h, 1d, ...); /mute off – resume\n\
     /unsubscribe – stop all alerts; /unsubscribe ROUTE – stop one\n\
     /help – this list\n\n\
     Organizers: /routes, /test ROUTE, /pause ROUTE, /resume ROUTE, /notices, /leave"
        .into()
}

fn help_group() -> String {
    "<b>Commands in a group</b>\n\
     /link CODE – admins: post a route's alerts in this chat or topic\n\
     /unlink – admins: stop posting alerts here (or /unlink ROUTE)\n\
     /status – which routes post here\n\n\
     For personal alerts, message me privately."
        .into()
}

fn code_problem(r: &Redeem) -> String {
    match r {
        Redeem::Unknown => {
            "I don't recognise that code. Check it for typos, or ask your organizer \
                            for a new one. Nothing was changed."
                .into()
        }
        Redeem::Expired => "That code has expired. Ask your organizer for a new one. Nothing was \
                            changed."
            .into(),
        Redeem::Used => "That code was already used; each link or organizer code works once. Ask \
                         your organizer for a new one. Nothing was changed."
            .into(),
        Redeem::Revoked => "That code was withdrawn by the organizer. Ask them for a current one. \
                            Nothing was changed."
            .into(),
        Redeem::WrongKind(CodeKind::Link) => "That is a group link code: add me to the group (or \
                                              forum topic) and send <code>/link CODE</code> there."
            .into(),
        Redeem::WrongKind(CodeKind::Subscribe) => "That is a subscribe code: send it to me in a \
                                                   private chat to get alerts personally."
            .into(),
        Redeem::WrongKind(CodeKind::Organizer) => "That is an organizer code: send it to me in a \
                                                   private chat."
            .into(),
        Redeem::Ok(_) => String::new(),
    }
}

/// Checks a code without using it up, so a code whose route vanished is not consumed.
fn peek(from: &Origin<'_>, code: &str, accepted: &[CodeKind]) -> Result<Redeem, StoreError> {
    let Some(rec) = from.store().code_record(code)? else {
        return Ok(Redeem::Unknown);
    };
    if rec.revoked {
        return Ok(Redeem::Revoked);
    }
    if rec.kind.single_use() && rec.used_at_ms.is_some() {
        return Ok(Redeem::Used);
    }
    if rec.expires_at_ms.is_some_and(|e| e <= now_ms()) {
        return Ok(Redeem::Expired);
    }
    if !accepted.contains(&rec.kind) {
        return Ok(Redeem::WrongKind(rec.kind));
    }
    Ok(Redeem::Ok(rec))
}

fn route_of(from: &Origin<'_>, rec: &CodeRecord) -> Result<Option<Route>, StoreError> {
    match &rec.route {
        Some(name) => from.store().get_route(&rec.app_id, &rec.account_id, name),
        None => Ok(None),
    }
}

const ROUTE_GONE: &str = "The route this code belongs to no longer exists. Ask your organizer for \
                          a new code. Nothing was changed.";

/// `/start CODE` or `/subscribe CODE` in a private chat: a subscribe or organizer code.
async fn redeem_private(from: &Origin<'_>, code: &str) -> Result<Reply, StoreError> {
    let rec = match peek(from, code, &[CodeKind::Subscribe, CodeKind::Organizer])? {
        Redeem::Ok(rec) => rec,
        other => return Ok(from.reply(code_problem(&other))),
    };
    match rec.kind {
        CodeKind::Organizer => {
            match from
                .store()
                .redeem_code(code, &[CodeKind::Organizer], now_ms())?
            {
                Redeem::Ok(_) => {}
                other => return Ok(from.reply(code_problem(&other))),
            }
            from.store().add_organizer(&OrganizerLink {
                app_id: rec.app_id.clone(),
                account_id: rec.account_id.clone(),
                user_id: from.user_id,
                chat_id: from.chat_id,
                linked_at_ms: now_ms(),
            })?;
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
            let Some(route) = route_of(from, &rec)? else {
                return Ok(from.reply(ROUTE_GONE));
            };
            let already = route.destinations.iter().any(|d| {
                matches!(d, Destination::Telegram { chat_id, thread_id: None, .. } if *chat_id == from.chat_id)
            });
            if already {
                return Ok(from.reply(format!(
                    "You are already subscribed to <b>{}</b>. /list shows your subscriptions.",
                    esc(&route.name)
                )));
            }
            match from
                .store()
                .redeem_code(code, &[CodeKind::Subscribe], now_ms())?
            {
                Redeem::Ok(_) => {}
                other => return Ok(from.reply(code_problem(&other))),
            }
            // Through the service: a compare-and-swap that keeps edits made since the read above.
            if !subscriptions::subscribe(
                &service_ctx(from, Caller::Operator),
                &route.app_id,
                &route.account_id,
                &route.name,
                from.chat_id,
                now_ms(),
            )
            .await
            .map_err(store_error)?
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
fn my_routes(from: &Origin<'_>) -> Result<Vec<Route>, StoreError> {
    Ok(from
        .store()
        .list_routes(None)?
        .into_iter()
        .filter(|r| r.destinations.iter().any(|d| is_mine(d, from.chat_id)))
        .collect())
}

fn is_mine(d: &Destination, chat: i64) -> bool {
    matches!(d, Destination::Telegram { chat_id, member: true, .. } if *chat_id == chat)
}

async fn member(from: &Origin<'_>, cmd: &Command) -> Result<Reply, StoreError> {
    let store = from.store();
    match cmd {
        Command::List => {
            let routes = my_routes(from)?;
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
            if let Some(until) = active_mute(from)? {
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
            for r in my_routes(from)? {
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
                    gone |= subscriptions::remove(
                        &service_ctx(from, Caller::Operator),
                        &r.app_id,
                        &r.account_id,
                        &r.name,
                        key,
                    )
                    .await
                    .map_err(store_error)?;
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
            if my_routes(from)?.is_empty() {
                store.clear_mutes(from.chat_id)?;
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
                let n = store.clear_mutes(from.chat_id)?;
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
                let tenants: BTreeSet<(String, String)> = my_routes(from)?
                    .into_iter()
                    .map(|r| (r.app_id, r.account_id))
                    .collect();
                if tenants.is_empty() {
                    return Ok(from.reply("You have no subscriptions to mute."));
                }
                let until = now_ms() + d.as_millis() as i64;
                for (app, account) in &tenants {
                    store.set_mute(app, account, from.chat_id, until)?;
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

fn active_mute(from: &Origin<'_>) -> Result<Option<i64>, StoreError> {
    Ok(from
        .store()
        .mutes_of(from.chat_id)?
        .iter()
        .map(|m| m.until_ms)
        .max()
        .filter(|u| *u > now_ms()))
}

fn fmt_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

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
async fn link(from: &Origin<'_>, code: Option<&str>) -> Result<Reply, StoreError> {
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
    let rec = match peek(from, code, &[CodeKind::Link])? {
        Redeem::Ok(rec) => rec,
        other => return Ok(from.reply(code_problem(&other))),
    };
    let Some(route) = route_of(from, &rec)? else {
        return Ok(from.reply(ROUTE_GONE));
    };
    // One chat, one community: a group linked to another tenant stays theirs until one of its
    // admins sends /unlink. Claimed with a compare-and-swap before the code is used, so two
    // tenants' codes sent at once cannot both win.
    let claim = ChatLink {
        chat_id: from.chat_id,
        app_id: rec.app_id.clone(),
        account_id: rec.account_id.clone(),
        kind: ChatKind::from_telegram(from.chat_kind),
        linked_by: Some(from.user_id),
        linked_at_ms: now_ms(),
    };
    let existing = from.store().chat_link(from.chat_id)?;
    if existing
        .as_ref()
        .is_some_and(|l| !l.is_tenant(&rec.app_id, &rec.account_id))
    {
        return Ok(from.reply(OTHER_COMMUNITY));
    }
    let exists = route.destinations.iter().any(|d| {
        matches!(d, Destination::Telegram { chat_id, thread_id, member: false }
            if *chat_id == from.chat_id && *thread_id == from.thread)
    });
    if exists {
        return Ok(from.reply(format!(
            "<b>{}</b> already posts in {}. The code was not used.",
            esc(&route.name),
            here(from)
        )));
    }
    let held = from.store().link_chat(&claim)?;
    if !held.is_tenant(&rec.app_id, &rec.account_id) {
        return Ok(from.reply(OTHER_COMMUNITY));
    }
    match from
        .store()
        .redeem_code(code, &[CodeKind::Link], now_ms())?
    {
        Redeem::Ok(_) => {}
        other => {
            if existing.is_none() {
                // The claim was ours alone and the code failed: free the chat again.
                from.store().unlink_chat(from.chat_id)?;
            }
            return Ok(from.reply(code_problem(&other)));
        }
    }
    let here_dest = Destination::Telegram {
        chat_id: from.chat_id,
        thread_id: from.thread,
        member: false,
    };
    from.store().update_route(
        &route.app_id,
        &route.account_id,
        &route.name,
        |r| -> Result<(), StoreError> {
            if !r.destinations.contains(&here_dest) {
                r.destinations.push(here_dest.clone());
            }
            Ok(())
        },
    )?;
    let key = crate::routing::Target::Telegram {
        chat_id: from.chat_id,
        thread_id: from.thread,
    }
    .key();
    from.store()
        .enable_target(&route.app_id, &route.account_id, &key)?;
    Ok(from.reply(format!(
        "Linked: <b>{}</b> now posts its alerts in {}. /unlink stops it.",
        esc(&route.name),
        here(from)
    )))
}

const OTHER_COMMUNITY: &str = "This chat is linked to another community, so I can't post this \
                               route's alerts here. An administrator of this group can send \
                               /unlink first to free it. The code was not used.";

fn posts_here(d: &Destination, from: &Origin<'_>) -> bool {
    matches!(d, Destination::Telegram { chat_id, thread_id, member: false }
        if *chat_id == from.chat_id && *thread_id == from.thread)
}

async fn unlink(from: &Origin<'_>, route: Option<&str>) -> Result<Reply, StoreError> {
    match is_admin(from).await {
        Ok(true) => {}
        Ok(false) => return Ok(from.reply(ADMINS_ONLY)),
        Err(m) => return Ok(from.reply(m)),
    }
    let mut removed = Vec::new();
    for r in from.store().list_routes(None)? {
        if route.is_some_and(|n| !n.eq_ignore_ascii_case(&r.name))
            || !r.destinations.iter().any(|d| posts_here(d, from))
        {
            continue;
        }
        let gone = from.store().update_route(
            &r.app_id,
            &r.account_id,
            &r.name,
            |fresh| -> Result<bool, StoreError> {
                let before = fresh.destinations.len();
                fresh.destinations.retain(|d| !posts_here(d, from));
                Ok(fresh.destinations.len() != before)
            },
        )?;
        if gone == Some(true) {
            removed.push(r.name);
        }
    }
    // Once no route posts anywhere in the chat (any topic), it belongs to no community any more
    // and another one may link it.
    let still_used = from.store().list_routes(None)?.iter().any(|r| {
        r.destinations
            .iter()
            .any(|d| matches!(d, Destination::Telegram { chat_id, .. } if *chat_id == from.chat_id))
    });
    if !still_used {
        from.store().unlink_chat(from.chat_id)?;
    }
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

fn status(from: &Origin<'_>) -> Result<Reply, StoreError> {
    let routes: Vec<Route> = from
        .store()
        .list_routes(None)?
        .into_iter()
        .filter(|r| r.destinations.iter().any(|d| posts_here(d, from)))
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

/// The organizer commands; refused politely for anyone not linked by an organizer code.
async fn organizer(from: &Origin<'_>, cmd: &Command) -> Result<Vec<Reply>, StoreError> {
    let store = from.store();
    let links = store.organizer_links(from.user_id)?;
    if links.is_empty() {
        return Ok(vec![from.reply(
            "Sorry, that command is for organizers. An organizer code from the relay's operator \
             (<code>zoom-relay codes create --kind organizer</code>) makes you one.",
        )]);
    }
    let mut routes = Vec::new();
    for l in &links {
        routes.extend(store.list_routes(Some((&l.app_id, &l.account_id)))?);
    }
    let find = |name: &Option<String>| -> Result<Route, String> {
        let Some(name) = name else {
            return Err(
                "Name the route, for example <code>/pause Weekly sync</code>. /routes \
                        lists them."
                    .into(),
            );
        };
        let hits: Vec<&Route> = routes
            .iter()
            .filter(|r| r.name.eq_ignore_ascii_case(name.trim()))
            .collect();
        match hits.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(format!(
                "No route named <b>{}</b> in your accounts. /routes lists them.",
                esc(name)
            )),
            _ => Err(format!(
                "Several of your accounts have a route named <b>{}</b>; rename one with the CLI.",
                esc(name)
            )),
        }
    };
    let reply = match cmd {
        Command::Routes => {
            if routes.is_empty() {
                "Your accounts have no routes yet.".to_string()
            } else {
                let mut out = String::from("<b>Routes</b>\n");
                for r in &routes {
                    out.push_str(&format!(
                        "• {} – {} – {} destination{}{}\n",
                        esc(&r.name),
                        esc(&r.events.join(", ")),
                        r.destinations.len(),
                        if r.destinations.len() == 1 { "" } else { "s" },
                        if r.enabled { "" } else { " (paused)" }
                    ));
                }
                out
            }
        }
        Command::Pause(name) | Command::Resume(name) => match find(name) {
            Err(m) => m,
            Ok(r) => {
                let enable = matches!(cmd, Command::Resume(_));
                // The route was found among this organizer's accounts, so the edit goes through
                // the service as that tenant, not as the operator.
                let tenant = TenantId::new(r.app_id.clone(), r.account_id.clone());
                match service_ctx(from, Caller::Tenant(tenant))
                    .set_enabled(&r.app_id, &r.account_id, &r.name, enable)
                    .await
                {
                    Ok(false) => format!(
                        "<b>{}</b> is already {}.",
                        esc(&r.name),
                        if enable { "running" } else { "paused" }
                    ),
                    Ok(true) => format!(
                        "<b>{}</b> is {}.",
                        esc(&r.name),
                        if enable {
                            "running again"
                        } else {
                            "paused: no alerts until /resume"
                        }
                    ),
                    Err(ServiceError::Unavailable(e)) => return Err(e),
                    Err(_) => format!(
                        "No route named <b>{}</b> in your accounts. /routes lists them.",
                        esc(&r.name)
                    ),
                }
            }
        },
        Command::Test(name) => match find(name) {
            Err(m) => m,
            Ok(r) => return Ok(test(from, &r).await),
        },
        Command::Notices => {
            let mut notices = Vec::new();
            for l in &links {
                notices.extend(store.list_notices(Some((&l.app_id, &l.account_id)))?);
            }
            notices.sort_by_key(|n| std::cmp::Reverse(n.id));
            if notices.is_empty() {
                "No notices: nothing needs your attention.".to_string()
            } else {
                let mut out = String::from("<b>Recent notices</b>\n");
                for n in notices.iter().take(10) {
                    out.push_str(&format!(
                        "• {} <i>{}</i>: {}\n",
                        fmt_time(n.at_ms),
                        esc(&n.kind),
                        esc(&n.message)
                    ));
                }
                out
            }
        }
        Command::Leave => {
            let n = store.remove_organizer_links(from.user_id)?;
            format!(
                "You are no longer an organizer ({n} account{}): no more notices here, and the \
                 organizer commands are off. An organizer code makes you one again.",
                if n == 1 { "" } else { "s" }
            )
        }
        _ => help_private(),
    };
    Ok(vec![from.reply(reply)])
}

/// The service layer as the bot uses it, acting for `caller`.
fn service_ctx(from: &Origin<'_>, caller: Caller) -> Ctx {
    let inner = &from.bot.inner;
    Ctx {
        db: std::sync::Arc::new(inner.store.clone()),
        config: inner.config.clone(),
        renderer: inner.renderer.clone(),
        caller,
        signals: inner.signals.clone(),
    }
}

/// The bot answers a failed service call as it answers a failed store call.
fn store_error(e: ServiceError) -> StoreError {
    match e {
        ServiceError::Unavailable(e) => e,
        other => StoreError::Io(other.to_string()),
    }
}

/// `/test ROUTE`: the route's Telegram message for a sample of its first event, sent to this chat
/// (not to the route's destinations).
async fn test(from: &Origin<'_>, route: &Route) -> Vec<Reply> {
    let ctx = service_ctx(from, Caller::Operator);
    let event = if route.events.iter().any(|e| e == "meeting.started") {
        "meeting.started".to_string()
    } else {
        route
            .events
            .first()
            .cloned()
            .unwrap_or_else(|| "meeting.started".into())
    };
    let rendered = ctx
        .preview(&PreviewRequest {
            event: event.clone(),
            app: route.app_id.clone(),
            account: Some(route.account_id.clone()),
            route: Some(route.name.clone()),
            topic: None,
            ..PreviewRequest::default()
        })
        .await;
    let html = rendered.ok().and_then(|items| {
        items.into_iter().find_map(|i| match i.message {
            Some(Message::Telegram { html }) if i.channel == "telegram" => Some(html),
            _ => None,
        })
    });
    match html {
        Some(html) => vec![Reply {
            kind: "bot.test",
            ..from.reply(html)
        }],
        None => vec![from.reply(format!(
            "The sample {} message of <b>{}</b> could not be rendered; check its templates with \
             <code>zoom-relay templates preview</code>.",
            esc(&event),
            esc(&route.name)
        ))],
    }
}

/// A notice as pushed to organizers. The account id stays out: the job has no tenant, so a purge
/// would not find it.
pub(super) fn notice_html(n: &Notice) -> String {
    format!(
        "⚠️ <b>Notice</b>{}:\n{}",
        n.route
            .as_deref()
            .map(|r| format!(", route <b>{}</b>", esc(r)))
            .unwrap_or_default(),
        esc(&n.message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_replies_say_nothing_changed_or_what_to_do() {
        for r in [
            Redeem::Unknown,
            Redeem::Expired,
            Redeem::Used,
            Redeem::Revoked,
        ] {
            assert!(code_problem(&r).contains("Nothing was changed"), "{r:?}");
        }
        assert!(code_problem(&Redeem::WrongKind(CodeKind::Link)).contains("/link"));
    }
}

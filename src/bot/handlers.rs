//! What each command does, and the words the bot answers with.
//!
//! Roles: anyone may use the member commands in a private chat; group administrators (getChatMember
//! says `creator` or `administrator`) may link and unlink a group; Telegram users linked as
//! organizers by an organizer code may run the organizer commands. Everyone else gets a polite
//! refusal, and a bad, expired or used code changes nothing.
//!
//! This file reads a message and picks the command; the commands live by role: `member.rs`
//! (private chats), `group.rs` (linking groups and topics), `organizer.rs`. What a command may change
//! is decided in the service layer; these files prove who asks and word the answers.

use super::command::{self, Command};
use super::{Bot, Reply, Update, group, member, organizer};
use crate::render::escape_html as esc;
use crate::service::routes::ServiceError;
use crate::store::bot::{CodeKind, Redeem};
use crate::store::{Backend, StoreError};

/// Where a command came from.
pub(super) struct Origin<'a> {
    pub(super) bot: &'a Bot,
    pub(super) user_id: i64,
    pub(super) chat_id: i64,
    /// Telegram's `chat.type`: `private`, `group`, `supergroup`.
    pub(super) chat_kind: &'a str,
    /// The forum topic, when the message was posted in one.
    pub(super) thread: Option<i64>,
    /// The group's title, kept when the group is linked.
    pub(super) chat_title: Option<&'a str>,
}

impl Origin<'_> {
    pub(super) fn reply(&self, html: impl Into<String>) -> Reply {
        Reply {
            chat_id: self.chat_id,
            thread_id: self.thread,
            html: html.into(),
            kind: "bot.reply",
        }
    }

    pub(super) fn db(&self) -> &dyn Backend {
        &*self.bot.inner.db
    }

    /// The one community a community's own bot speaks for; None for the shared bot, which serves
    /// them all. Whoever holds an own bot's token can read what it sends, so it never shows or
    /// changes another community's routes.
    pub(super) fn scope(&self) -> Option<(&str, &str)> {
        self.bot
            .own_identity()
            .map(|o| (o.app_id.as_str(), o.account_id.as_str()))
    }

    pub(super) fn bot_link(&self) -> String {
        match self.bot.username() {
            Some(u) => format!("@{}", esc(&u)),
            None => "me".into(),
        }
    }
}

pub(super) fn now_ms() -> i64 {
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
        chat_title: msg.chat.title.as_deref(),
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
            vec![member::redeem(&from, &code).await?]
        }
        Command::Start(Some(code)) => vec![group::link(&from, Some(&code)).await?],
        Command::Subscribe(None) if private => vec![from.reply(
            "Send <code>/subscribe CODE</code> with the code your organizer gave you, or open \
             the link they shared.",
        )],
        Command::Subscribe(_) | Command::Unsubscribe(_) | Command::List | Command::Mute(_) => {
            if private {
                vec![member::command(&from, &parsed.command).await?]
            } else {
                vec![from.reply(format!(
                    "Personal alerts are managed in a private chat: open {} and send /start.",
                    from.bot_link()
                ))]
            }
        }
        Command::Link(code) if !private => vec![group::link(&from, code.as_deref()).await?],
        Command::Unlink(route) if !private => vec![group::unlink(&from, route.as_deref()).await?],
        Command::Status if !private => vec![group::status(&from).await?],
        Command::Link(_) | Command::Unlink(_) | Command::Status => vec![from.reply(
            "That works in a group: add me to the group (or forum topic) and send it there.",
        )],
        Command::Routes
        | Command::Test(_)
        | Command::Pause(_)
        | Command::Resume(_)
        | Command::Notices
        | Command::Leave => organizer::command(&from, &parsed.command).await?,
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

pub(super) fn welcome() -> String {
    format!(
        "Hi! I post alerts when Zoom meetings start.\n\n\
         To get them here, open the link your organizer shared, or send \
         <code>/subscribe CODE</code> with the code they gave you.\n\n{}",
        help_private()
    )
}

pub(super) fn help_private() -> String {
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

/// The answer to a code sent to the wrong bot; the code was not used.
pub(super) fn wrong_bot(check: &crate::service::links::BotCheck, command: &str) -> String {
    use crate::service::links::BotCheck;
    match check {
        BotCheck::UseOwnBot(name) => {
            let name = esc(name);
            format!(
                "This community now has its own bot, @{name}. Open https://t.me/{name} and send \
                 <code>{command} CODE</code> there (for a group, add @{name} to it first). The \
                 code was not used."
            )
        }
        _ => "This code belongs to another community's bot. The code was not used.".into(),
    }
}

pub(super) fn code_problem(r: &Redeem) -> String {
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

pub(super) const ROUTE_GONE: &str = "The route this code belongs to no longer exists. Ask your \
                                     organizer for a new code. Nothing was changed.";

pub(super) fn fmt_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// A failed service call as the bot answers it: a storage error goes up, so the update is not
/// recorded and is handled again later; anything else is a refusal worth telling the sender, and
/// repeating the update would only fail the same way.
pub(super) fn refused(e: ServiceError) -> Result<String, StoreError> {
    match e {
        ServiceError::Unavailable(e) => Err(e),
        other => Ok(esc(&other.to_string())),
    }
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

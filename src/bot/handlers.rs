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

use fluent_bundle::FluentValue;

use super::command::{self, Command};
use super::{Bot, Reply, Update, group, language, member, organizer};
use crate::i18n::Lang;
use crate::render::escape_html as esc;
use crate::service::routes::ServiceError;
use crate::store::bot::{CodeKind, Redeem};
use crate::store::{Backend, StoreError, TenantId};

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
    /// The language the sender reads: their `/language` choice, else their Telegram app's.
    pub(super) lang: Lang,
    /// The `language_code` Telegram sent with the update, for `/language auto`.
    pub(super) telegram_lang: Option<&'a str>,
    /// The sender's Telegram profile, for the name a subscription keeps.
    pub(super) user: &'a super::User,
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
    pub(super) fn scope(&self) -> Option<&TenantId> {
        self.bot.own_identity().map(|o| &o.tenant)
    }

    /// The message `key` in the sender's language.
    pub(super) fn tr(&self, key: &str) -> String {
        self.lang.tr(key)
    }

    /// The message `key` with `args` in the sender's language; text arguments must already be
    /// escaped for Telegram HTML.
    pub(super) fn t(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.lang.t(key, args)
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
    let parsed = command::parse(text);
    // Plain text in a group, or a command for another bot, is not for us: answered before the
    // sender's language is even looked up.
    if parsed
        .as_ref()
        .map_or(!private, |p| !p.is_for(bot.username().as_deref()))
    {
        return Ok(vec![]);
    }
    let chosen = bot.inner.db.bot_language(user.id).await?;
    let from = Origin {
        bot,
        lang: language::for_user(chosen.as_deref(), user.language_code.as_deref(), bot),
        telegram_lang: user.language_code.as_deref(),
        user_id: user.id,
        chat_id: msg.chat.id,
        chat_kind: msg.chat.kind.as_str(),
        thread: msg
            .is_topic_message
            .then_some(msg.message_thread_id)
            .flatten(),
        chat_title: msg.chat.title.as_deref(),
        user,
    };
    let Some(parsed) = parsed else {
        // Plain text in a private chat: say what works.
        return Ok(vec![from.reply(help_private(from.lang))]);
    };
    let explicit = parsed.addressed_to.is_some();
    let replies = match parsed.command {
        Command::Help => vec![from.reply(if private {
            help_private(from.lang)
        } else {
            help_group(from.lang)
        })],
        Command::Start(None) if private => vec![from.reply(welcome(from.lang))],
        Command::Start(None) => vec![from.reply(help_group(from.lang))],
        Command::Start(Some(code)) | Command::Subscribe(Some(code)) if private => {
            vec![member::redeem(&from, &code).await?]
        }
        Command::Start(Some(code)) => vec![group::link(&from, Some(&code)).await?],
        Command::Subscribe(None) if private => vec![from.reply(from.tr("bot-subscribe-how"))],
        Command::Subscribe(_) | Command::Unsubscribe(_) | Command::List | Command::Mute(_) => {
            if private {
                vec![member::command(&from, &parsed.command).await?]
            } else {
                vec![from.reply(match from.bot.username() {
                    Some(u) => from.t(
                        "bot-private-only",
                        &[("bot", format!("@{}", esc(&u)).into())],
                    ),
                    None => from.tr("bot-private-only-unnamed"),
                })]
            }
        }
        Command::Link(code) if !private => vec![group::link(&from, code.as_deref()).await?],
        Command::Unlink(route) if !private => vec![group::unlink(&from, route.as_deref()).await?],
        Command::Status if !private => vec![group::status(&from).await?],
        Command::Link(_) | Command::Unlink(_) | Command::Status => {
            vec![from.reply(from.tr("bot-group-only"))]
        }
        Command::Language(arg) => vec![language::command(&from, arg.as_deref()).await?],
        Command::Routes
        | Command::Test(_)
        | Command::Pause(_)
        | Command::Resume(_)
        | Command::Notices
        | Command::Leave => organizer::command(&from, &parsed.command).await?,
        Command::Unknown(name) if private || explicit => vec![from.reply(format!(
            "{}\n\n{}",
            from.t("bot-unknown-command", &[("command", esc(&name).into())]),
            if private {
                help_private(from.lang)
            } else {
                help_group(from.lang)
            }
        ))],
        // A bare unknown command in a group is probably for another bot.
        Command::Unknown(_) => vec![],
    };
    Ok(replies)
}

pub(super) fn welcome(lang: Lang) -> String {
    format!(
        "{}\n\n{}\n\n{}",
        lang.tr("bot-welcome-hello"),
        lang.tr("bot-welcome-how"),
        help_private(lang)
    )
}

pub(super) fn help_private(lang: Lang) -> String {
    format!(
        "{}\n\n{}",
        lang.tr("bot-help-private"),
        lang.tr("bot-help-organizers")
    )
}

fn help_group(lang: Lang) -> String {
    format!(
        "{}\n\n{}",
        lang.tr("bot-help-group"),
        lang.tr("bot-help-group-private")
    )
}

/// The answer to a code sent to the wrong bot; the code was not used.
pub(super) fn wrong_bot(
    lang: Lang,
    check: &crate::service::links::BotCheck,
    command: &str,
) -> String {
    use crate::service::links::BotCheck;
    match check {
        BotCheck::UseOwnBot(name) => lang.t(
            "bot-wrong-bot-own",
            &[("bot", esc(name).into()), ("command", esc(command).into())],
        ),
        _ => lang.tr("bot-wrong-bot-other"),
    }
}

pub(super) fn code_problem(lang: Lang, r: &Redeem) -> String {
    let key = match r {
        Redeem::Unknown => "bot-code-unknown",
        Redeem::Expired => "bot-code-expired",
        Redeem::Used => "bot-code-used",
        Redeem::Revoked => "bot-code-revoked",
        Redeem::WrongKind(CodeKind::Link) => "bot-code-is-link",
        Redeem::WrongKind(CodeKind::Subscribe) => "bot-code-is-subscribe",
        Redeem::WrongKind(CodeKind::Organizer) => "bot-code-is-organizer",
        Redeem::Ok(_) => return String::new(),
    };
    lang.tr(key)
}

pub(super) const ROUTE_GONE: &str = "bot-route-gone";

/// A moment as a date and time in UTC, in `lang`'s words (Telegram does not tell the bot a
/// member's time zone).
pub(super) fn fmt_time(ms: i64, lang: Lang) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            crate::i18n::format_time(t, chrono_tz::UTC, lang, crate::i18n::TimeStyle::DateTime)
        })
        .unwrap_or_default()
}

/// A failed service call as the bot answers it: a storage error goes up, so the update is not
/// recorded and is handled again later; anything else is a refusal worth telling the sender, and
/// repeating the update would only fail the same way.
pub(super) fn refused(lang: Lang, e: ServiceError) -> Result<String, StoreError> {
    let (key, detail) = match e {
        ServiceError::Unavailable(e) => return Err(e),
        e @ ServiceError::NotFound(_) => ("bot-refused-not-found", e.to_string()),
        e @ ServiceError::Conflict(_) => ("bot-refused-conflict", e.to_string()),
        e @ ServiceError::Invalid(_) => ("bot-refused-invalid", e.to_string()),
    };
    // The service's own explanation names fields and values and is in English; it follows a
    // sentence in the sender's language.
    Ok(lang.t(key, &[("detail", esc(&detail).into())]))
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
            let en = code_problem(Lang::english(), &r);
            assert!(en.contains("Nothing was changed"), "{r:?}");
            let es = code_problem(Lang::from_tag("es").unwrap(), &r);
            assert!(
                !es.is_empty() && es != en,
                "{r:?} has a Spanish answer: {es}"
            );
        }
        assert!(
            code_problem(Lang::english(), &Redeem::WrongKind(CodeKind::Link)).contains("/link")
        );
    }

    #[test]
    fn times_and_refusals_are_in_the_senders_language() {
        let de = Lang::from_tag("de").unwrap();
        let ms = 1_796_331_900_000; // 2026-12-03 21:05 UTC
        let when = fmt_time(ms, de);
        assert!(
            when.contains("Dezember") && when.contains("21:05"),
            "{when}"
        );
        assert!(fmt_time(ms, Lang::english()).contains("December"));
        let es = Lang::from_tag("es").unwrap();
        let r = refused(es, ServiceError::NotFound("no route <x>".into())).unwrap();
        assert!(r.starts_with("No lo encontré"), "{r}");
        assert!(
            r.contains("no route &lt;x&gt;"),
            "the detail is kept, escaped: {r}"
        );
    }

    #[test]
    fn multi_line_messages_keep_their_lines() {
        let help = help_private(Lang::english());
        assert!(
            help.starts_with("<b>Commands</b>\n/subscribe CODE"),
            "{help}"
        );
        assert!(help.contains("/help – this list\n\nOrganizers:"), "{help}");
        let welcome = Lang::english().tr("bot-organizer-welcome");
        assert!(welcome.contains("come here.\n\n/routes"), "{welcome}");
    }
}

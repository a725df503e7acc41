//! A community's own Telegram bot: connect (`PUT /api/v1/telegram/bot`, `bots set`), show,
//! remove, what still goes through the shared bot, and the one-time "we moved" message.
//!
//! The token is checked with Telegram (getMe) by the front end before it gets here
//! (`bot::own::check_token`: the service layer does not talk to Telegram), then sealed into the
//! record and never shown again. Destinations remember the bot they were made through
//! (`Destination::Telegram::bot`): members and groups stay on the shared bot until they start the
//! new bot or an administrator links the group through it, because a bot can only write to chats
//! that started it or added it.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{Ctx, ServiceError};
use crate::routing::{DeliveryOptions, Destination, Target};
use crate::store::TenantId;
use crate::store::own_bots::OwnBot;
use crate::store::{Message, NewJob};

/// Who a token belongs to, as Telegram's getMe said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedBot {
    pub bot_id: i64,
    pub username: String,
}

/// Why a token could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckFailed {
    /// Not shaped like a BotFather token (`123456:ABC...`).
    Malformed,
    /// Telegram refused it (revoked, mistyped).
    Refused,
    /// Telegram could not be asked.
    Unreachable(String),
}

/// `PUT /api/v1/telegram/bot`.
#[derive(Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectBot {
    /// The token @BotFather gave, `123456789:AA...`. Stored sealed; never shown again.
    pub token: String,
}

/// The token never reaches a log, even through a `{:?}`.
impl std::fmt::Debug for ConnectBot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectBot")
            .field("token", &"[REDACTED]")
            .finish()
    }
}

/// A community's bot as organizers see it. The token is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OwnBotView {
    pub username: String,
    pub bot_id: i64,
    /// `https://t.me/<username>`
    pub link: String,
    pub connected_at_ms: i64,
    /// `ok`, or `off` when Telegram stopped accepting the token.
    pub health: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// When the "we moved" message was sent to members still on the shared bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_message_at_ms: Option<i64>,
    /// Telegram destinations that still go through the shared bot.
    pub still_on_shared_bot: Vec<SharedLeftover>,
}

/// A Telegram destination that still goes through the shared bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SharedLeftover {
    pub route: String,
    pub chat_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<i64>,
    /// A member's own subscription (moves when they start the new bot); otherwise a group or
    /// channel, which needs the new bot added and `/link` sent through it.
    pub member: bool,
}

/// What `POST /api/v1/telegram/bot/moved` queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MovedReport {
    /// Messages queued now (members already sent it earlier are not sent it again).
    pub queued: u32,
    /// Groups and channels still on the shared bot: the new bot must be added there.
    pub groups: Vec<SharedLeftover>,
}

fn view(b: &OwnBot, leftovers: Vec<SharedLeftover>) -> OwnBotView {
    OwnBotView {
        username: b.username.clone(),
        bot_id: b.bot_id,
        link: format!("https://t.me/{}", b.username),
        connected_at_ms: b.connected_ms,
        health: if b.disabled.is_some() { "off" } else { "ok" }.into(),
        problem: b.disabled.clone(),
        moved_message_at_ms: b.moved_notice_ms,
        still_on_shared_bot: leftovers,
    }
}

/// The tenant's bot, if it connected one.
pub async fn show(ctx: &Ctx, app: &str, account: &str) -> Result<OwnBotView, ServiceError> {
    let Some(b) = ctx.db.own_bot(&TenantId::new(app, account)).await? else {
        return Err(ServiceError::NotFound(
            "no bot of your own is connected; alerts go through the relay's shared bot".into(),
        ));
    };
    Ok(view(&b, leftovers(ctx, app, account).await?))
}

/// Connects the tenant's bot once Telegram confirmed the token (`checked`). Reconnecting the same
/// bot with a new token (after revoking the old one in @BotFather) keeps its subscribers and
/// turns it back on.
pub async fn connect(
    ctx: &Ctx,
    app: &str,
    account: &str,
    token: &SecretString,
    checked: Result<CheckedBot, CheckFailed>,
) -> Result<OwnBotView, ServiceError> {
    let me = match checked {
        Ok(me) => me,
        Err(CheckFailed::Malformed) => {
            return Err(ServiceError::invalid(
                "token",
                "this is not a bot token; @BotFather shows one like 123456789:AAF...",
            ));
        }
        Err(CheckFailed::Refused) => {
            return Err(ServiceError::invalid(
                "token",
                "Telegram did not accept this token; copy it again from @BotFather (/mybots, API Token)",
            ));
        }
        // Not the caller's fault: the answer is "unavailable, try again" (503, exit 1).
        Err(CheckFailed::Unreachable(why)) => {
            return Err(ServiceError::Unavailable(crate::store::StoreError::Io(
                format!("Telegram could not be asked about this token ({why}); try again"),
            )));
        }
    };
    let token = token.expose_secret().trim();
    if crate::delivery::pacing::bot_id(token) != me.bot_id {
        return Err(ServiceError::invalid(
            "token",
            "Telegram named another bot than the token does",
        ));
    }
    if ctx
        .config
        .telegram
        .as_ref()
        .is_some_and(|t| crate::delivery::pacing::bot_id(t.bot_token.expose_secret()) == me.bot_id)
    {
        return Err(ServiceError::invalid(
            "token",
            "this is the relay's shared bot; create a bot of your own with @BotFather",
        ));
    }
    let previous = ctx.db.own_bot(&TenantId::new(app, account)).await?;
    let mut rec = OwnBot {
        app_id: app.into(),
        account_id: account.into(),
        bot_id: me.bot_id,
        username: me.username,
        sealed_token: vec![],
        connected_ms: chrono::Utc::now().timestamp_millis(),
        disabled: None,
        moved_notice_ms: previous
            .as_ref()
            .filter(|p| p.bot_id == me.bot_id)
            .and_then(|p| p.moved_notice_ms),
    };
    rec.seal_token(ctx.config.security.data_key.bytes(), token);
    if !ctx.db.put_own_bot(&rec).await? {
        return Err(ServiceError::Conflict(
            "another community has connected this bot; create a bot of your own with @BotFather"
                .into(),
        ));
    }
    ctx.durable().await?;
    tracing::info!(app, account, bot_id = rec.bot_id, username = %rec.username, "own bot connected");
    Ok(view(&rec, leftovers(ctx, app, account).await?))
}

/// Disconnects the tenant's bot. Alerts fall back to the shared bot (if the relay has one); a
/// notice tells the organizer that members who only started their bot must start the shared one.
pub async fn remove(ctx: &Ctx, app: &str, account: &str) -> Result<OwnBot, ServiceError> {
    let tenant = TenantId::new(app, account);
    let Some(gone) = ctx.db.remove_own_bot(&tenant).await? else {
        return Err(ServiceError::NotFound(
            "no bot of your own is connected".into(),
        ));
    };
    let shared = ctx.db.bot_username().await?;
    let text = match (&ctx.config.telegram, shared) {
        (Some(_), Some(s)) => format!(
            "Your bot @{} was disconnected. Alerts go through the relay's bot @{s} again; members \
             who only started @{} need to open @{s} and press Start.",
            gone.username, gone.username
        ),
        (Some(_), None) => format!(
            "Your bot @{} was disconnected. Alerts go through the relay's shared bot again; \
             members who only started @{} need to start the shared bot.",
            gone.username, gone.username
        ),
        (None, _) => format!(
            "Your bot @{} was disconnected. This relay has no shared bot, so Telegram alerts stop \
             until you connect a bot again.",
            gone.username
        ),
    };
    ctx.db
        .add_notice(&tenant, "telegram_bot_removed", &text, None, None)
        .await?;
    ctx.durable().await?;
    Ok(gone)
}

/// The tenant's Telegram destinations that still go through the shared bot.
pub async fn leftovers(
    ctx: &Ctx,
    app: &str,
    account: &str,
) -> Result<Vec<SharedLeftover>, ServiceError> {
    let mut out = Vec::new();
    for r in ctx
        .db
        .list_routes(Some(&TenantId::new(app, account)))
        .await?
    {
        for d in &r.destinations {
            if let Destination::Telegram {
                chat_id,
                thread_id,
                member,
                bot: None,
            } = d
            {
                out.push(SharedLeftover {
                    route: r.name.clone(),
                    chat_id: *chat_id,
                    thread_id: *thread_id,
                    member: *member,
                });
            }
        }
    }
    Ok(out)
}

/// Sends every member still subscribed through the shared bot one message, through the shared
/// bot, saying where the alerts are now. Queued as ordinary Telegram jobs, so it is paced like
/// any alert; the idempotency key is per bot and chat, so a repeat sends nobody a second copy.
pub async fn send_moved(ctx: &Ctx, app: &str, account: &str) -> Result<MovedReport, ServiceError> {
    let Some(b) = ctx.db.own_bot(&TenantId::new(app, account)).await? else {
        return Err(ServiceError::NotFound(
            "no bot of your own is connected".into(),
        ));
    };
    if ctx.config.telegram.is_none() {
        return Err(ServiceError::invalid(
            "bot",
            "this relay has no shared bot to send the message through",
        ));
    }
    let all = leftovers(ctx, app, account).await?;
    let now = chrono::Utc::now().timestamp_millis();
    let name = crate::render::escape_html(&b.username);
    let html = format!(
        "This community's alerts now come from its own bot, @{name}. To keep getting them, open \
         https://t.me/{name} and press <b>Start</b>. You can then block this bot."
    );
    let mut chats: Vec<&SharedLeftover> = all.iter().filter(|l| l.member).collect();
    chats.sort_by_key(|l| l.chat_id);
    chats.dedup_by_key(|l| l.chat_id);
    let jobs = chats
        .iter()
        .map(|l| NewJob {
            idempotency_key: format!("moved_{}_{}", b.bot_id, l.chat_id),
            event: "bot.moved".into(),
            app_id: app.into(),
            account_id: account.into(),
            route_name: l.route.clone(),
            meeting_uuid: None,
            target: Target::Telegram {
                chat_id: l.chat_id,
                thread_id: None,
                bot: None,
            },
            message: Message::Telegram { html: html.clone() },
            options: DeliveryOptions::default(),
            unsubscribe_url: None,
            received_at_ms: now,
        })
        .collect();
    let queued = ctx.db.enqueue_jobs(jobs).await?;
    ctx.db.set_own_bot_moved_notice(b.bot_id, now).await?;
    ctx.queued().await?;
    Ok(MovedReport {
        queued,
        groups: all.into_iter().filter(|l| !l.member).collect(),
    })
}

/// The username of the tenant's own bot while it works; None otherwise.
pub async fn active_username(
    ctx: &Ctx,
    app: &str,
    account: &str,
) -> Result<Option<String>, ServiceError> {
    Ok(ctx
        .db
        .own_bot(&TenantId::new(app, account))
        .await?
        .filter(|b| b.disabled.is_none())
        .map(|b| b.username))
}

/// The bot members of this tenant should start (deep links, the join page): its own bot while it
/// works, else the shared bot when it answers commands.
pub async fn link_username(
    ctx: &Ctx,
    app: &str,
    account: &str,
) -> Result<Option<String>, ServiceError> {
    if let Some(own) = active_username(ctx, app, account).await? {
        return Ok(Some(own));
    }
    Ok(match ctx.config.bot {
        Some(_) => ctx.db.bot_username().await?,
        None => None,
    })
}

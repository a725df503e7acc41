//! The Telegram bot: member self-service (`/start CODE`, `/mute 2h`, `/unsubscribe`) and organizer
//! linking (`/link CODE` in a group or forum topic), so nobody has to find a numeric chat id.
//!
//! Updates arrive by getUpdates long polling (default) or by Telegram's webhook at
//! `POST /telegram/webhook`. Either way [`Bot::handle_update`] takes them one at a time, skips any
//! `update_id` at or below the stored one, applies the command, queues the replies and then records
//! the id and flushes. A restart therefore never handles an update twice; a crash in the middle at
//! worst repeats the handling, and the replies keep their idempotency keys so they are not sent
//! twice.
//!
//! Replies are outbox jobs (`event = "bot.*"`, no tenant) for the ordinary Telegram worker, so they
//! go through the same durable pacer as alerts, queue FIFO behind alerts to the same chat, and are
//! retried on 429 or 5xx. Pacing them separately would need a second pacer whose book could not see
//! the first's sends. They carry no account id, so a tenant purge has nothing to find in them.

pub mod api;
pub mod command;
mod group;
mod handlers;
mod language;
mod member;
mod names;
mod organizer;
pub mod own;
mod service;
mod update;
pub mod webhook;

pub use update::{Chat, IncomingMessage, Update, User};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use tokio_util::sync::CancellationToken;

use crate::config::{BotMode, Config};
use crate::dispatch::Signals;
use crate::render::Renderer;
use crate::routing::{DeliveryOptions, Target};
use crate::store::{Db, Leadership, Message, NewJob, StoreError};
use crate::store::{OfTenant, TenantId};
use api::BotApi;

/// How often new notices are looked for, to push them to linked organizers.
const NOTICE_INTERVAL: Duration = Duration::from_secs(1);
/// The longest wait between failed getUpdates calls.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The command menu Telegram shows, per scope (setMyCommands); each description is the catalogue
/// message `bot-cmd-NAME`.
const PRIVATE_COMMANDS: &[&str] = &[
    "start",
    "subscribe",
    "list",
    "mute",
    "unsubscribe",
    "language",
    "help",
];
const GROUP_COMMANDS: &[&str] = &["link", "unlink", "status", "language", "help"];

/// What happened to one update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Applied; this many replies were queued.
    Applied { replies: u32 },
    /// Seen before (its id is at or below the stored one): nothing done.
    Duplicate,
}

/// A message the bot wants to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub chat_id: i64,
    pub thread_id: Option<i64>,
    /// Telegram HTML; values are escaped by whoever builds it.
    pub html: String,
    /// `bot.reply`, `bot.test` or `bot.notice`.
    pub kind: &'static str,
}

/// The bot runtime. Cheap to clone.
#[derive(Clone)]
pub struct Bot {
    inner: Arc<Inner>,
}

struct Inner {
    api: BotApi,
    db: Db,
    config: Arc<Config>,
    renderer: Arc<Renderer>,
    signals: Arc<Signals>,
    username: Mutex<Option<String>>,
    /// One update at a time: webhook requests may overlap, and the offset must only grow.
    gate: tokio::sync::Mutex<()>,
    /// A community's own bot; None for the relay's shared bot.
    own: Option<OwnIdentity>,
}

/// Whose own bot a [`Bot`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnIdentity {
    pub bot_id: i64,
    /// The one community the bot speaks for.
    pub tenant: TenantId,
    /// The record the bot was started from (its sealed token tells a refusal of this token from
    /// one of a token pasted since).
    pub record: crate::store::own_bots::OwnBot,
}

impl Bot {
    /// The bot, when `[telegram]` has `bot_commands = true`; None otherwise.
    pub async fn new(
        config: Arc<Config>,
        db: Db,
        renderer: Arc<Renderer>,
        signals: Arc<Signals>,
    ) -> anyhow::Result<Option<Bot>> {
        let (Some(tg), Some(_)) = (&config.telegram, &config.bot) else {
            return Ok(None);
        };
        let api = BotApi::new(&tg.api_url, tg.bot_token.clone())
            .context("building the Telegram bot client")?;
        let username = db.bot_username().await?;
        let bot = Bot::build(api, config, db, renderer, signals, username, None);
        Ok(Some(bot))
    }

    /// A community's own bot, `token` opened from its record: the same runtime as the shared bot
    /// with its own update offset, webhook path and secret, and replies sent through it.
    pub fn own(
        config: Arc<Config>,
        db: Db,
        renderer: Arc<Renderer>,
        signals: Arc<Signals>,
        record: &crate::store::own_bots::OwnBot,
        token: SecretString,
    ) -> anyhow::Result<Bot> {
        let api = BotApi::new(&config.telegram_api.api_url, token)
            .context("building a community bot's client")?;
        let own = OwnIdentity {
            bot_id: record.bot_id,
            tenant: record.tenant_id(),
            record: record.clone(),
        };
        let username = Some(record.username.clone());
        let bot = Bot::build(api, config, db, renderer, signals, username, Some(own));
        Ok(bot)
    }

    /// The runtime both kinds of bot share; `own` is None for the relay's shared bot.
    fn build(
        api: BotApi,
        config: Arc<Config>,
        db: Db,
        renderer: Arc<Renderer>,
        signals: Arc<Signals>,
        username: Option<String>,
        own: Option<OwnIdentity>,
    ) -> Bot {
        Bot {
            inner: Arc::new(Inner {
                api,
                db,
                config,
                renderer,
                signals,
                username: Mutex::new(username),
                gate: tokio::sync::Mutex::new(()),
                own,
            }),
        }
    }

    /// The Telegram id of this bot when it is a community's own; None for the shared bot.
    pub fn own_bot_id(&self) -> Option<i64> {
        self.inner.own.as_ref().map(|o| o.bot_id)
    }

    pub fn own_identity(&self) -> Option<&OwnIdentity> {
        self.inner.own.as_ref()
    }

    /// The secret Telegram must send with webhook updates; None in polling mode. An own bot's is
    /// derived from the data key and its id, so each bot has its own and nothing is stored.
    pub fn webhook_secret(&self) -> Option<String> {
        if let Some(own) = &self.inner.own {
            return self.inner.config.telegram_api.webhook.then(|| {
                crate::crypto::derive_secret(
                    self.inner.config.security.data_key.bytes(),
                    &format!("own bot webhook {}", own.bot_id),
                )
            });
        }
        match &self.inner.config.bot.as_ref()?.mode {
            BotMode::Webhook { secret } => Some(secret.expose_secret().to_string()),
            BotMode::Polling => None,
        }
    }

    /// The highest update id this bot handled: each bot has its own update stream.
    async fn last_update(&self) -> Result<Option<i64>, StoreError> {
        match &self.inner.own {
            Some(o) => self.inner.db.own_bot_last_update(o.bot_id).await,
            None => self.inner.db.bot_last_update().await,
        }
    }

    async fn set_last_update(&self, id: i64) -> Result<(), StoreError> {
        match &self.inner.own {
            Some(o) => self.inner.db.set_own_bot_last_update(o.bot_id, id).await,
            None => self.inner.db.set_bot_last_update(id).await,
        }
    }

    fn username(&self) -> Option<String> {
        self.inner
            .username
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Runs until `token` is cancelled: setup (getMe, setMyCommands, webhook registration) on every
    /// replica, then, only while this replica holds `lead` (the `bot_poller` role), the notice
    /// pusher and in polling mode the getUpdates loop: Telegram answers 409 to a second poller, and
    /// one pusher is enough. When the role is lost, polling stops at once (an update being handled
    /// is finished first), and resumes if the role comes back. An update being handled when the
    /// token fires is finished first.
    pub async fn run(self, token: CancellationToken, mut lead: Leadership) {
        let mut backoff = Duration::from_secs(1);
        loop {
            match self.setup().await {
                Ok(()) => break,
                Err(e) => {
                    if self.token_refused(&e).await {
                        return;
                    }
                    tracing::warn!(error = %e, "Telegram bot setup failed; retrying");
                    if sleep_or_cancel(&token, backoff).await {
                        return;
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        loop {
            tokio::select! {
                _ = token.cancelled() => return,
                held = lead.acquired() => if !held { return },
            }
            tracing::info!("this replica runs the bot's poller and notice pusher");
            let stop = token.child_token();
            let watch = tokio::spawn({
                let (mut lead, stop) = (lead.clone(), stop.clone());
                async move {
                    lead.lost().await;
                    stop.cancel();
                }
            });
            // Notices go out through the shared bot, which every organizer has started; on a
            // relay without one, each community's bot pushes its own community's notices.
            let pushes = self.inner.own.is_none() || self.inner.config.telegram.is_none();
            let pusher = pushes.then(|| tokio::spawn(self.clone().push_notices_loop(stop.clone())));
            tokio::spawn(names::backfill(self.clone(), stop.clone()));
            if self.webhook_secret().is_none() {
                self.poll(&stop).await;
            } else {
                stop.cancelled().await;
            }
            watch.abort();
            if let Some(pusher) = pusher {
                let _ = pusher.await;
            }
            if token.is_cancelled() {
                return;
            }
            tracing::warn!("this replica lost the bot's poller role; stopped polling");
        }
    }

    /// Whether `e` is Telegram refusing an own bot's token (401); if so the bot is turned off for
    /// its community (and the organizer told) and its loops stop. The shared bot keeps retrying:
    /// its token is the operator's to fix in the config.
    async fn token_refused(&self, e: &api::ApiError) -> bool {
        let (Some(own), api::ApiError::Telegram { code: 401, .. }) = (&self.inner.own, e) else {
            return false;
        };
        if let Err(e) = crate::store::own_bots::turn_off_refused(&*self.inner.db, &own.record).await
        {
            tracing::error!(error = %e, "could not turn off a bot whose token was refused");
        }
        true
    }

    async fn setup(&self) -> Result<(), api::ApiError> {
        let api = &self.inner.api;
        let name = api.get_me().await?;
        let stored = match &self.inner.own {
            None => self.inner.db.set_bot_username(&name).await,
            // Renamed in @BotFather since it was connected: deep links follow the new name.
            Some(o) if o.record.username != name => self
                .inner
                .db
                .set_own_bot_username(o.bot_id, &name)
                .await
                .map(|_| ()),
            Some(_) => Ok(()),
        };
        if let Err(e) = stored {
            tracing::warn!(error = %e, "could not store the bot username");
        }
        *self
            .inner
            .username
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(name.clone());
        // The default menu (in `[defaults] locale`) for users whose app language has no catalogue,
        // then one per catalogue language: Telegram shows each user the list for their app's
        // language_code when one was set (core.telegram.org/bots/api#setmycommands).
        let fallback =
            crate::i18n::Lang::from_tag(&self.inner.config.default_locale).unwrap_or_default();
        let mut menus = vec![(None, fallback)];
        menus.extend(
            crate::i18n::Lang::all()
                .into_iter()
                // Telegram takes ISO 639-1 codes only: `pt-BR` registers as `pt`.
                .map(|l| (l.code().split('-').next(), l)),
        );
        for (code, lang) in menus {
            for (names, scope) in [
                (PRIVATE_COMMANDS, "all_private_chats"),
                (GROUP_COMMANDS, "all_group_chats"),
            ] {
                let list: Vec<(&str, String)> = names
                    .iter()
                    .map(|n| (*n, lang.tr(&format!("bot-cmd-{n}"))))
                    .collect();
                api.set_my_commands(&list, scope, code).await?;
            }
        }
        match self.webhook_secret() {
            Some(secret) => {
                let path = match self.own_bot_id() {
                    Some(id) => format!("/telegram/webhook/{id}"),
                    None => "/telegram/webhook".into(),
                };
                let url = format!("{}{path}", self.inner.config.server.public_url);
                api.set_webhook(&url, &secret).await?;
                tracing::info!(bot = %name, %url, "Telegram bot ready (webhook)");
            }
            None => {
                api.delete_webhook().await?;
                tracing::info!(bot = %name, "Telegram bot ready (long polling)");
            }
        }
        Ok(())
    }

    async fn poll(&self, token: &CancellationToken) {
        let timeout = match (&self.inner.own, &self.inner.config.bot) {
            (None, Some(b)) => b.poll_timeout_secs,
            _ => self.inner.config.telegram_api.poll_timeout_secs,
        };
        let mut backoff = Duration::from_secs(1);
        loop {
            let offset = match self.last_update().await {
                Ok(last) => last.map(|id| id + 1),
                Err(e) => {
                    tracing::error!(error = %e, "reading the bot's update offset failed");
                    if sleep_or_cancel(token, backoff).await {
                        return;
                    }
                    continue;
                }
            };
            let updates = tokio::select! {
                _ = token.cancelled() => return,
                r = self.inner.api.get_updates(offset, timeout) => r,
            };
            let updates = match updates {
                Ok(u) => {
                    backoff = Duration::from_secs(1);
                    u
                }
                Err(e) => {
                    if self.token_refused(&e).await {
                        return;
                    }
                    tracing::warn!(error = %e, "getUpdates failed; retrying");
                    if sleep_or_cancel(token, backoff).await {
                        return;
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            };
            for u in &updates {
                if let Err(e) = self.handle_update(u).await {
                    // Not recorded as handled: the same update comes again with the next call.
                    tracing::error!(error = %e, "handling a Telegram update failed; will retry");
                    if sleep_or_cancel(token, backoff).await {
                        return;
                    }
                    break;
                }
            }
            if token.is_cancelled() {
                return;
            }
        }
    }

    /// Applies one update unless it was handled before, queues the replies, records its id and
    /// flushes. Store errors leave the update unrecorded, so it is handled again later.
    pub async fn handle_update(&self, raw: &serde_json::Value) -> Result<Handled, StoreError> {
        let Some(update_id) = raw["update_id"].as_i64() else {
            tracing::warn!("a Telegram update without update_id was ignored");
            return Ok(Handled::Duplicate);
        };
        let _one_at_a_time = self.inner.gate.lock().await;
        let db = &self.inner.db;
        if self
            .last_update()
            .await?
            .is_some_and(|last| update_id <= last)
        {
            return Ok(Handled::Duplicate);
        }
        let replies = match serde_json::from_value::<Update>(raw.clone()) {
            Ok(u) => handlers::handle(self, &u).await?,
            Err(e) => {
                tracing::debug!(update_id, error = %e, "an update the bot does not read");
                vec![]
            }
        };
        let n = self
            .enqueue(
                replies
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| (format!("bot_{update_id}_{i}"), r))
                    .collect(),
            )
            .await?;
        self.set_last_update(update_id).await?;
        db.flush().await?;
        if n > 0 {
            self.inner.signals.telegram.notify_one();
        }
        Ok(Handled::Applied { replies: n })
    }

    /// Queues replies as Telegram jobs without a tenant; `key` makes each one idempotent.
    async fn enqueue(&self, replies: Vec<(String, Reply)>) -> Result<u32, StoreError> {
        if replies.is_empty() {
            return Ok(0);
        }
        let now = chrono::Utc::now().timestamp_millis();
        let jobs = replies
            .into_iter()
            .map(|(key, r)| NewJob {
                idempotency_key: key,
                event: r.kind.to_string(),
                app_id: String::new(),
                account_id: String::new(),
                route_name: String::new(),
                meeting_uuid: None,
                target: Target::Telegram {
                    chat_id: r.chat_id,
                    thread_id: r.thread_id,
                    bot: self.own_bot_id(),
                },
                message: Message::Telegram { html: r.html },
                options: DeliveryOptions::default(),
                unsubscribe_url: None,
                received_at_ms: now,
            })
            .collect();
        self.inner.db.enqueue_jobs(jobs).await
    }

    async fn push_notices_loop(self, token: CancellationToken) {
        loop {
            if let Err(e) = self.push_notices().await {
                tracing::warn!(error = %e, "pushing notices to organizers failed");
            }
            if sleep_or_cancel(&token, NOTICE_INTERVAL).await {
                return;
            }
        }
    }

    /// Sends notices newer than the watermark to the tenant's linked organizers. On the first run
    /// the watermark starts at the newest notice, so history is not pushed.
    pub async fn push_notices(&self) -> Result<u32, StoreError> {
        let db = &self.inner.db;
        let own = self.inner.own.as_ref();
        let notices = db.list_notices(own.map(|o| &o.tenant)).await?;
        let newest = notices.iter().map(|n| n.id).max().unwrap_or(0);
        let mark = match own {
            Some(o) => db.own_bot_notice_watermark(o.bot_id).await?,
            None => db.bot_notice_watermark().await?,
        };
        let set_mark = async |id: u64| match own {
            Some(o) => db.set_own_bot_notice_watermark(o.bot_id, id).await,
            None => db.set_bot_notice_watermark(id).await,
        };
        let Some(mark) = mark else {
            set_mark(newest).await?;
            return Ok(0);
        };
        if newest <= mark {
            return Ok(0);
        }
        let mut replies = Vec::new();
        for n in notices.iter().filter(|n| n.id > mark) {
            for org in db.tenant_organizers(&n.tenant_id()).await? {
                // No update to read a language_code from: the organizer's /language choice, else
                // the relay's default.
                let chosen = db.bot_language(org.user_id).await?;
                let lang = language::for_user(chosen.as_deref(), None, self);
                let key = match own {
                    Some(o) => format!("notice_{}_{}_bot{}", n.id, org.chat_id, o.bot_id),
                    None => format!("notice_{}_{}", n.id, org.chat_id),
                };
                replies.push((
                    key,
                    Reply {
                        chat_id: org.chat_id,
                        thread_id: None,
                        html: organizer::notice_html(n, lang),
                        kind: "bot.notice",
                    },
                ));
            }
        }
        let sent = self.enqueue(replies).await?;
        set_mark(newest).await?;
        db.flush().await?;
        if sent > 0 {
            self.inner.signals.telegram.notify_one();
        }
        Ok(sent)
    }
}

/// Sleeps for `d`; true when the token was cancelled instead.
async fn sleep_or_cancel(token: &CancellationToken, d: Duration) -> bool {
    tokio::select! {
        _ = token.cancelled() => true,
        _ = tokio::time::sleep(d) => false,
    }
}

/// Asks Telegram for the bot's @username (for the CLI when no relay has stored it yet).
pub async fn fetch_username(config: &Config) -> Option<String> {
    let tg = config.telegram.as_ref()?;
    let api = BotApi::new(&tg.api_url, tg.bot_token.clone()).ok()?;
    tokio::time::timeout(Duration::from_secs(5), api.get_me())
        .await
        .ok()?
        .ok()
}

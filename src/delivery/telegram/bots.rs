//! Which bot sends a job: the relay's shared bot, or the community's own bot the destination was
//! made through (`Target::Telegram::bot`), each with its own token and its own pacing budget
//! (Telegram's limits are per bot).
//!
//! Own bots are read from the store when a job names one and kept while their sealed token is
//! unchanged, so a new token pasted by the organizer is used from the next job on, and a removed
//! or disabled bot stops at once. A destination whose own bot was disconnected falls back to the
//! shared bot (the organizer was told members must start it); a disabled bot (Telegram refused its
//! token) sends nothing until it is connected again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use teloxide::Bot;

use super::super::pacing::{Limits, Pacer, bot_id};
use crate::config::Config;
use crate::store::own_bots::{OwnBot, turn_off_refused};
use crate::store::{Db, Job, StoreError};

/// One bot as the sender uses it.
pub(super) struct BotClient {
    pub(super) bot: Bot,
    token: SecretString,
    pub(super) pacer: Pacer,
    /// The community that owns the bot; None for the shared bot.
    pub(super) own: Option<OwnBot>,
}

impl BotClient {
    /// Removes the token from a text: network errors quote the request URL, which holds it.
    pub(super) fn scrub(&self, text: &str) -> String {
        super::scrub_token(text, self.token.expose_secret())
    }
}

/// The bot a job goes out through, or why it cannot go out.
pub(super) enum Pick {
    Use(Arc<BotClient>),
    Refuse(String),
}

pub(super) struct Bots {
    db: Db,
    http: reqwest::Client,
    api_url: reqwest::Url,
    key: [u8; 32],
    shared: Option<Arc<BotClient>>,
    /// Own bots by id, each with the record (and so the sealed token) it was built from.
    own: Mutex<HashMap<i64, Arc<BotClient>>>,
}

impl Bots {
    pub(super) fn new(config: &Config, db: Db) -> anyhow::Result<Bots> {
        let http = teloxide::net::default_reqwest_settings()
            .build()
            .context("building the Telegram HTTP client")?;
        let api = config
            .telegram
            .as_ref()
            .map(|t| t.api_url.as_str())
            .unwrap_or(config.telegram_api.api_url.as_str());
        // teloxide appends `bot{token}/{Method}` as path segments, so the base ends with one `/`.
        let api_url = reqwest::Url::parse(&format!("{}/", api.trim_end_matches('/')))
            .context("telegram.api_url is not a URL")?;
        let mut bots = Bots {
            db,
            http,
            api_url,
            key: *config.security.data_key.bytes(),
            shared: None,
            own: Mutex::default(),
        };
        bots.shared = config
            .telegram
            .as_ref()
            .map(|t| Arc::new(bots.client(t.bot_token.clone(), None)));
        Ok(bots)
    }

    fn client(&self, token: SecretString, own: Option<OwnBot>) -> BotClient {
        let id = bot_id(token.expose_secret());
        let bot = Bot::with_client(token.expose_secret(), self.http.clone())
            .set_api_url(self.api_url.clone());
        BotClient {
            bot,
            pacer: Pacer::new(self.db.clone(), id, Limits::default()),
            token,
            own,
        }
    }

    fn shared_or(&self, why: &str) -> Pick {
        match &self.shared {
            Some(c) => Pick::Use(c.clone()),
            None => Pick::Refuse(why.into()),
        }
    }

    /// The bot `job` goes out through.
    pub(super) async fn pick(&self, job: &Job, bot: Option<i64>) -> Result<Pick, StoreError> {
        let Some(id) = bot else {
            return Ok(self.shared_or(
                "this relay has no shared bot; the community needs to connect its own bot",
            ));
        };
        let Some(own) = self.db.own_bot_by_id(id).await? else {
            self.forget(id);
            return Ok(self.shared_or(
                "the community's own bot was disconnected and this relay has no shared bot",
            ));
        };
        // Defence in depth: destinations name only their community's bot (codes are redeemed
        // through it), but no job may borrow another community's bot.
        if !job.app_id.is_empty() && (own.app_id != job.app_id || own.account_id != job.account_id)
        {
            return Ok(Pick::Refuse("this bot belongs to another community".into()));
        }
        if let Some(reason) = &own.disabled {
            return Ok(Pick::Refuse(format!(
                "skipped: the community's bot @{} is turned off ({reason}); connect it again with a new token",
                own.username
            )));
        }
        let mut cache = self.own.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.get(&id)
            && c.own.as_ref() == Some(&own)
        {
            return Ok(Pick::Use(c.clone()));
        }
        let Some(token) = own.open_token(&self.key) else {
            return Ok(Pick::Refuse(
                "the community's bot token does not open with this relay's data_key".into(),
            ));
        };
        let c = Arc::new(self.client(token, Some(own)));
        cache.insert(id, c.clone());
        Ok(Pick::Use(c))
    }

    fn forget(&self, id: i64) {
        self.own
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    /// Telegram answered 401 for an own bot: its token was revoked (or the bot deleted). The bot
    /// is turned off for its community alone and the organizer is told; other communities and the
    /// shared bot go on.
    pub(super) async fn revoked(&self, client: &BotClient) -> Result<(), StoreError> {
        let Some(own) = &client.own else {
            return Ok(());
        };
        self.forget(own.bot_id);
        turn_off_refused(&*self.db, own).await?;
        Ok(())
    }
}

//! Communities' own bots at runtime: a [`Bot`] per connected bot that Telegram still accepts, each
//! with its own getUpdates loop (or webhook), offset and commands, started and stopped as
//! organizers connect, replace and remove bots.
//!
//! Every replica runs the set (setup, and the webhook route needs the bot at hand), but a bot's
//! poller runs only on the replica holding its `OwnBotPoller(bot_id)` role, so the cluster has one
//! poller per bot (Telegram answers 409 to a second one). The set is re-read from the store every
//! [`REFRESH`] and at once when this replica changes a bot ([`OwnBots::nudge`]), so a bot connected
//! through another replica starts within that time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::Bot;
use super::api::{ApiError, BotApi};
use crate::config::Config;
use crate::dispatch::Signals;
use crate::render::Renderer;
use crate::service::own_bots::{CheckFailed, CheckedBot};
use crate::store::{Db, Role};

/// The Telegram delivery worker of a relay without a shared bot, started with the first own bot.
pub type WorkerFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// How often the set of own bots is re-read from the store.
const REFRESH: Duration = Duration::from_secs(2);

/// Asks Telegram whether `token` works (getMe) and who the bot is. The token is only used for
/// this call; nothing is stored here.
pub async fn check_token(config: &Config, token: &SecretString) -> Result<CheckedBot, CheckFailed> {
    let t = token.expose_secret().trim();
    let shaped = t
        .split_once(':')
        .is_some_and(|(id, rest)| id.parse::<i64>().is_ok_and(|n| n > 0) && rest.len() >= 20);
    if !shaped || t.chars().any(|c| c.is_whitespace() || c == '/') {
        return Err(CheckFailed::Malformed);
    }
    let api = BotApi::new(
        &config.telegram_api.api_url,
        SecretString::from(t.to_string()),
    )
    .map_err(|e| CheckFailed::Unreachable(e.to_string()))?;
    match tokio::time::timeout(Duration::from_secs(15), api.get_me_full()).await {
        Err(_) => Err(CheckFailed::Unreachable(
            "Telegram did not answer in time".into(),
        )),
        Ok(Ok((bot_id, username))) => Ok(CheckedBot { bot_id, username }),
        Ok(Err(ApiError::Telegram {
            code: 401 | 404, ..
        })) => Err(CheckFailed::Refused),
        Ok(Err(e)) => Err(CheckFailed::Unreachable(e.to_string())),
    }
}

struct Running {
    sealed: Vec<u8>,
    bot: Bot,
    stop: CancellationToken,
}

/// The own bots this replica runs.
pub struct OwnBots {
    config: Arc<Config>,
    db: Db,
    renderer: Arc<Renderer>,
    signals: Arc<Signals>,
    running: Mutex<HashMap<i64, Running>>,
    wake: Notify,
    /// See [`OwnBots::start_worker_with_first_bot`]; then its task, awaited when the set stops.
    worker: Mutex<(Option<WorkerFuture>, Option<tokio::task::JoinHandle<()>>)>,
}

impl OwnBots {
    pub fn new(
        config: Arc<Config>,
        db: Db,
        renderer: Arc<Renderer>,
        signals: Arc<Signals>,
    ) -> Arc<OwnBots> {
        Arc::new(OwnBots {
            config,
            db,
            renderer,
            signals,
            running: Mutex::default(),
            wake: Notify::new(),
            worker: Mutex::new((None, None)),
        })
    }

    /// On a relay without a shared bot, the Telegram worker (`worker`, stopped by the relay's
    /// token) is started when the first community bot is seen, and not before: a replica that has
    /// no bot at all must not claim Telegram jobs it cannot send.
    pub fn start_worker_with_first_bot(&self, worker: WorkerFuture) {
        self.worker.lock().unwrap_or_else(|e| e.into_inner()).0 = Some(worker);
    }

    /// The running bot with this id, for its webhook route.
    pub fn get(&self, bot_id: i64) -> Option<Bot> {
        self.lock().get(&bot_id).map(|r| r.bot.clone())
    }

    /// Re-reads the set now (after a connect or remove through this replica).
    pub fn nudge(&self) {
        self.wake.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Running>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps the running set equal to the usable bots in the store until `token` is cancelled.
    pub async fn run(self: Arc<Self>, token: CancellationToken) {
        loop {
            if let Err(e) = self.sync(&token).await {
                tracing::warn!(error = %e, "reading communities' bots failed; retrying");
            }
            tokio::select! {
                _ = token.cancelled() => break,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(REFRESH) => {}
            }
        }
        for (_, r) in self.lock().drain() {
            r.stop.cancel();
        }
        let task = self
            .worker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    async fn sync(&self, token: &CancellationToken) -> Result<(), crate::store::StoreError> {
        let key = self.config.security.data_key.bytes();
        let mut wanted = HashMap::new();
        for b in self.db.all_own_bots().await? {
            if b.disabled.is_some() {
                continue;
            }
            match b.open_token(key) {
                Some(t) => {
                    wanted.insert(b.bot_id, (b, t));
                }
                None => tracing::warn!(
                    bot_id = b.bot_id,
                    "a community bot's token does not open with this data_key; not started"
                ),
            }
        }
        if !wanted.is_empty() {
            let mut w = self.worker.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(fut) = w.0.take() {
                tracing::info!("a community bot is connected: the Telegram worker starts");
                w.1 = Some(tokio::spawn(fut));
            }
        }
        let mut running = self.lock();
        running.retain(|id, r| {
            let keep = wanted
                .get(id)
                .is_some_and(|(b, _)| b.sealed_token == r.sealed);
            if !keep {
                r.stop.cancel();
            }
            keep
        });
        for (id, (record, secret)) in wanted {
            if running.contains_key(&id) {
                continue;
            }
            let bot = match Bot::own(
                self.config.clone(),
                self.db.clone(),
                self.renderer.clone(),
                self.signals.clone(),
                &record,
                secret,
            ) {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(bot_id = id, error = %e, "could not start a community bot");
                    continue;
                }
            };
            let stop = token.child_token();
            let lead = self.db.campaign(Role::OwnBotPoller(id));
            tokio::spawn(bot.clone().run(stop.clone(), lead));
            tracing::info!(bot_id = id, username = %record.username, "community bot started");
            running.insert(
                id,
                Running {
                    sealed: record.sealed_token,
                    bot,
                    stop,
                },
            );
        }
        Ok(())
    }
}

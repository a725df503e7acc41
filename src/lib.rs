//! zoom-relay: verifies Zoom meeting webhooks, stores them durably, and relays them to the people
//! who asked for them. `run(config, listener)` starts everything and returns an [`App`] handle, so
//! tests bind `127.0.0.1:0` and read the real port.

pub mod apps;
pub mod bot;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod delivery;
pub mod dispatch;
pub mod http;
pub mod i18n;
pub mod intake;
pub mod metrics;
pub mod net;
pub mod render;
pub mod routing;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod tenants;
pub mod text;
pub mod zoom;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, EXAMPLE_ROUTES, SeedRoutes, StoreBackend};
use crate::delivery::Worker;
use crate::delivery::email::EmailSender;
use crate::delivery::log::LogSender;
use crate::delivery::telegram::TelegramSender;
use crate::delivery::webhook::WebhookSender;
use crate::dispatch::{Dispatcher, Signals};
use crate::http::AppState;
use crate::metrics::Metrics;
use crate::render::Renderer;
use crate::routing::RouteDocument;
use crate::store::{Db, Leadership, Role, Wake};

/// A running relay.
pub struct App {
    addr: SocketAddr,
    token: CancellationToken,
    server: JoinHandle<std::io::Result<()>>,
    workers: Vec<JoinHandle<()>>,
    state: AppState,
}

/// Opens the store that the config names (`store::open`), starts the background workers and serves
/// HTTP on `listener`.
pub async fn run(config: Config, listener: TcpListener) -> anyhow::Result<App> {
    let db: Db = store::open(&config)
        .await
        .with_context(|| format!("opening the store ({})", config.store_backend.describe()))?;
    let config = Arc::new(config);
    let renderer = Arc::new(Renderer::new().context("loading the default templates")?);
    // A store with no routes yet has nothing to migrate that anyone would need to hear about.
    let had_routes = !db.routes_is_empty().await;
    // Once per store, before seeding: addresses already in routes keep getting email, recorded as
    // confirmed (service::join). Seeded routes are the operator's and are confirmed as imported.
    service::join::record_existing_addresses(&db)
        .await
        .context("recording the email addresses already in routes as confirmed")?;
    seed_routes(&db, &config, &renderer).await?;
    // Once per store: existing routes' groups are recorded as linked (service::chats).
    let migrated = service::chats::migrate_links(&*db, had_routes)
        .await
        .context("linking existing chats")?;
    if migrated != service::chats::MigrationReport::default() {
        db.flush().await?;
        tracing::info!(
            linked = migrated.linked,
            stripped = migrated.stripped,
            "recorded Telegram group links of existing routes"
        );
    }
    // A crash between writing a job and its indexes leaves it unclaimable; put the indexes back.
    let repaired = db.reindex_outbox().await?;
    if repaired > 0 {
        tracing::warn!(repaired, "repaired outbox index entries left by a crash");
    }
    // Claims left by this process's previous run end at once on sled, where nothing else can hold
    // one. On a shared database they may be another replica's live claims, and leases end on
    // their own, so they are left alone.
    let released = match config.store_backend {
        StoreBackend::Sled => {
            db.release_claims(chrono::Utc::now().timestamp_millis())
                .await?
        }
        StoreBackend::Postgres { .. } => 0,
    };
    if released > 0 {
        tracing::info!(
            released,
            "released delivery claims left by the previous run"
        );
    }
    let metrics = Arc::new(Metrics::default());
    let signals = Arc::new(Signals::default());
    let tenants = tenants::Tenants::new(db.clone(), config.clone())
        .context("building the Zoom OAuth client")?;
    tenants
        .apps()
        .reload()
        .await
        .context("reading the Zoom apps added at run time")?;
    if tenants.apps().all().is_empty() {
        tracing::warn!(
            "no Zoom apps: the relay accepts no webhooks until one is added ([[zoom.apps]] in the \
             config, `zoom-relay apps add`, or an invitation from `zoom-relay apps invite`)"
        );
    }
    let state = AppState::new(
        config.clone(),
        db.clone(),
        metrics.clone(),
        renderer.clone(),
        signals.clone(),
        tenants.clone(),
    );
    let token = CancellationToken::new();

    // Built before any task starts, so a failure leaves nothing running.
    let webhook_sender =
        WebhookSender::new(&config.webhooks, db.clone()).context("building the webhook client")?;
    let email_sender = config
        .email
        .as_ref()
        .map(EmailSender::new)
        .transpose()
        .context("building the email transport")?;
    // Always built: communities may bring their own bots to a relay without a shared one.
    let telegram_sender = TelegramSender::new(&config, db.clone())
        .await
        .context("building the Telegram sender")?;
    let bot = bot::Bot::new(
        config.clone(),
        state.db.clone(),
        renderer.clone(),
        signals.clone(),
    )
    .await?;
    let apps = tenants.apps().clone();
    let dispatcher = Dispatcher::new(db.clone(), renderer.clone(), config.clone())
        .with_tenants(tenants)
        .with_metrics(metrics.clone());
    let janitor_lead = db.campaign(Role::Janitor);
    let mut workers = vec![
        // Apps added or changed on another replica (or by the CLI on a shared database).
        tokio::spawn(apps.refresh_loop(token.clone())),
        tokio::spawn(leader_gauge(
            janitor_lead.clone(),
            Role::Janitor,
            metrics.clone(),
            token.clone(),
        )),
        tokio::spawn(janitor(
            db.clone(),
            config.clone(),
            token.clone(),
            janitor_lead,
        )),
        tokio::spawn(dispatch::run(dispatcher, signals.clone(), token.clone())),
        tokio::spawn(spawn_worker(
            &db,
            LogSender,
            &config,
            &metrics,
            &signals,
            &token,
            &state.quotas,
        )),
        tokio::spawn(spawn_worker(
            &db,
            webhook_sender,
            &config,
            &metrics,
            &signals,
            &token,
            &state.quotas,
        )),
    ];
    if let Some(sender) = email_sender {
        workers.push(tokio::spawn(spawn_worker(
            &db,
            sender,
            &config,
            &metrics,
            &signals,
            &token,
            &state.quotas,
        )));
    }
    let telegram_worker = spawn_worker(
        &db,
        telegram_sender,
        &config,
        &metrics,
        &signals,
        &token,
        &state.quotas,
    );
    // Without a shared bot, the Telegram worker starts with the first community bot (see
    // `bot::own`): a replica that never sends Telegram must not claim the shared bot's jobs of
    // replicas that do.
    let telegram_worker = match config.telegram {
        Some(_) => {
            workers.push(tokio::spawn(telegram_worker));
            None
        }
        None => Some(Box::pin(telegram_worker) as bot::own::WorkerFuture),
    };
    let own_bots = bot::own::OwnBots::new(
        config.clone(),
        state.db.clone(),
        renderer.clone(),
        signals.clone(),
    );
    if let Some(w) = telegram_worker {
        own_bots.start_worker_with_first_bot(w);
    }
    let _ = state.own_bots.set(own_bots.clone());
    workers.push(tokio::spawn(own_bots.run(token.clone())));
    if let Some(bot) = bot {
        let _ = state.bot.set(bot.clone());
        let lead = db.campaign(Role::BotPoller);
        workers.push(tokio::spawn(leader_gauge(
            lead.clone(),
            Role::BotPoller,
            metrics.clone(),
            token.clone(),
        )));
        workers.push(tokio::spawn(bot.run(token.clone(), lead)));
    }
    // Other replicas' commits wake this one's dispatcher and workers (PostgreSQL); the fallback
    // poll covers a wake-up lost while the listening connection reconnects.
    if let Some(wakes) = db.wakeups() {
        workers.push(tokio::spawn(forward_wakeups(
            wakes,
            signals.clone(),
            token.clone(),
        )));
    }
    state.workers_running.store(true, Ordering::SeqCst);

    let addr = listener.local_addr()?;
    let router = http::router(state.clone());
    let t = token.clone();
    let (server_cfg, server_metrics) = (config.clone(), metrics.clone());
    let server = tokio::spawn(async move {
        let res = http::server::serve(
            listener,
            router,
            &server_cfg.server,
            server_metrics,
            t.clone(),
        )
        .await;
        // If the server stops on its own (an accept error), stop everything else too.
        t.cancel();
        res
    });
    tracing::info!(%addr, data_dir = %config.server.data_dir.display(), store = %config.store_backend.describe(), apps = state.apps.all().len(), "zoom-relay listening");
    Ok(App {
        addr,
        token,
        server,
        workers,
        state,
    })
}

impl App {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The storage behind the seam, as every part of the running relay sees it.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn metrics(&self) -> &Metrics {
        &self.state.metrics
    }

    /// Installs and their tokens (tests drive token refreshes through it).
    pub fn tenants(&self) -> &Arc<tenants::Tenants> {
        &self.state.tenants
    }

    /// Cancelling this token stops the relay gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.token.clone()
    }

    /// Waits until the relay stops (its token is cancelled): in-flight requests finish, workers finish
    /// their current step, and the store is flushed and closed.
    pub async fn wait(self) -> anyhow::Result<()> {
        let server_res = self.server.await;
        self.token.cancel();
        self.state.workers_running.store(false, Ordering::SeqCst);
        for w in self.workers {
            let _ = w.await;
        }
        self.state.db.close().await.context("flushing the store")?;
        server_res.context("server task")?.context("HTTP server")?;
        tracing::info!("zoom-relay stopped");
        Ok(())
    }

    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.token.cancel();
        self.wait().await
    }
}

/// The loop of one channel's delivery worker, ready to spawn.
fn spawn_worker<S: delivery::Sender>(
    db: &Db,
    sender: S,
    config: &Config,
    metrics: &Arc<Metrics>,
    signals: &Arc<Signals>,
    token: &CancellationToken,
    quotas: &Arc<delivery::quota::Quotas>,
) -> impl std::future::Future<Output = ()> + use<S> {
    Worker::new(db.clone(), sender, config.delivery.clone(), metrics.clone())
        .with_quotas(quotas.clone())
        .run(signals.clone(), token.clone())
}

/// The `seed_routes` document and the name to give it in messages; None without `seed_routes`.
/// A file that cannot be read or parsed is an error that names it (with line and column).
pub fn read_seed_routes(config: &Config) -> anyhow::Result<Option<(RouteDocument, String)>> {
    let Some(seed) = &config.seed_routes else {
        return Ok(None);
    };
    let (text, name) = match seed {
        SeedRoutes::Embedded => (
            EXAMPLE_ROUTES.to_string(),
            "routes.example.toml (embedded)".to_string(),
        ),
        SeedRoutes::File(p) => (
            std::fs::read_to_string(p)
                .with_context(|| format!("seed_routes: cannot read {}", p.display()))?,
            p.display().to_string(),
        ),
    };
    let doc: RouteDocument = toml::from_str(&text)
        .with_context(|| format!("seed_routes: {name} is not a valid route document"))?;
    Ok(Some((doc, name)))
}

/// Every problem with `seed_routes` that shows before the store opens: an unreadable file, bad
/// TOML, or routes that would not import. `check-config` and `serve` report these as
/// configuration errors, so a broken seed file never passes as "config OK".
pub fn check_seed_routes(config: &Config) -> Result<(), String> {
    let (doc, name) = match read_seed_routes(config) {
        Ok(Some(found)) => found,
        Ok(None) => return Ok(()),
        Err(e) => return Err(format!("{e:#}")),
    };
    let renderer = Renderer::new().map_err(|e| format!("loading the default templates: {e}"))?;
    let errs = service::routes::check_document(config, &renderer, &doc);
    if errs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "seed_routes: {name} has routes that cannot be imported:\n{}\nFix the file or remove the seed_routes key",
        errs.iter()
            .map(|e| format!("  - {e}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

/// Imports `seed_routes` once, when the route table is empty; from then on routes live in the store.
async fn seed_routes(
    db: &store::Db,
    config: &Arc<Config>,
    renderer: &Arc<Renderer>,
) -> anyhow::Result<()> {
    if config.seed_routes.is_none() || !db.routes_is_empty().await {
        return Ok(());
    }
    let Some((doc, name)) = read_seed_routes(config)? else {
        return Ok(());
    };
    let ctx = service::Ctx::operator(db.clone(), config.clone(), renderer.clone());
    let report = ctx.import(&doc).await.map_err(|e| {
        anyhow::anyhow!("seed_routes: {name}: {e}. Fix the file or remove the seed_routes key")
    })?;
    tracing::info!(created = report.created, file = %name, "seeded routes into the empty store");
    Ok(())
}

/// Pokes the local dispatcher and workers for every wake-up the store hears of, until `token`
/// is cancelled.
async fn forward_wakeups(
    mut wakes: tokio::sync::mpsc::Receiver<Wake>,
    signals: Arc<Signals>,
    token: CancellationToken,
) {
    loop {
        tokio::select! {
            _ = token.cancelled() => return,
            w = wakes.recv() => match w {
                Some(w) => signals.wake(w),
                None => return,
            },
        }
    }
}

/// Mirrors whether this replica holds `role` into the `relay_leader{role=..}` gauge, so operators
/// and tests can see who holds it.
async fn leader_gauge(
    mut lead: Leadership,
    role: Role,
    metrics: Arc<Metrics>,
    token: CancellationToken,
) {
    loop {
        let held = if lead.is_leader() { 1.0 } else { 0.0 };
        metrics.set_gauge("relay_leader", &[("role", role.as_str())], held);
        tokio::select! {
            _ = token.cancelled() => break,
            more = lead.changed() => if !more { break },
        }
    }
    metrics.set_gauge("relay_leader", &[("role", role.as_str())], 0.0);
}

/// Expires dedup keys, old events, meeting memory and sent-job records on an interval, only while
/// this replica holds the janitor role: one replica does the work instead of all of them repeating
/// it. (Running it twice at a handover is harmless: every step deletes what is past a cutoff.) The
/// backend runs its scans off the async workers (the sled backend on the blocking pool).
async fn janitor(db: Db, config: Arc<Config>, token: CancellationToken, mut lead: Leadership) {
    let every = Duration::from_secs(config.store.janitor_interval_secs);
    let c = &config.store;
    loop {
        tokio::select! {
            _ = token.cancelled() => return,
            held = lead.acquired() => if !held { return },
        }
        tokio::select! {
            _ = token.cancelled() => return,
            _ = lead.lost() => continue,
            _ = tokio::time::sleep(every) => {}
        }
        let now = chrono::Utc::now().timestamp_millis();
        let event_retention_ms = (c.event_retention_secs as i64).saturating_mul(1000);
        let res = async {
            let r = db
                .expire(
                    now,
                    (c.dedup_retention_secs as i64).saturating_mul(1000),
                    event_retention_ms,
                )
                .await?;
            db.expire_meetings(now, (c.meeting_retention_secs as i64).saturating_mul(1000))
                .await?;
            // Sent-job records for the delivery log live as long as events do.
            db.expire_sent(now.saturating_sub(event_retention_ms))
                .await?;
            // App invitations are kept as long as events after they expired, then go.
            db.prune_app_invites(now.saturating_sub(event_retention_ms))
                .await?;
            Ok::<_, store::StoreError>(r)
        }
        .await;
        match res {
            Ok(r) if r.dedup_removed + r.events_removed > 0 => {
                tracing::info!(
                    dedup_removed = r.dedup_removed,
                    events_removed = r.events_removed,
                    "janitor expired old entries"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "janitor failed"),
        }
    }
}

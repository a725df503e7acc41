//! The HTTP surface (DESIGN section 4): Zoom intake, health, metrics and the admin API.

pub mod api;
mod app_setup;
pub mod auth;
mod call;
pub mod console;
pub mod error;
pub mod extract;
pub mod health;
mod home;
pub mod join;
pub mod oauth;
pub mod page;
pub mod server;
pub mod telegram;
pub mod unsubscribe;
pub mod webhook;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use axum::Router;
use axum::routing::{get, post};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::dispatch::Signals;
use crate::metrics::Metrics;
use crate::render::Renderer;
use crate::store::Db;
use crate::tenants::Tenants;

pub use error::ApiError;
pub use server::ClientAddr;

/// Shared by every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<StateInner>);

pub struct StateInner {
    pub config: Arc<Config>,
    /// The storage behind the seam (`store::seam`), whichever backend the config chose.
    pub db: Db,
    /// The Zoom apps served, config and stored (the same registry as `tenants`).
    pub apps: Arc<crate::apps::Apps>,
    pub metrics: Arc<Metrics>,
    pub renderer: Arc<Renderer>,
    /// Intake wakes the dispatcher through these.
    pub signals: Arc<Signals>,
    /// Set once the background workers run; `/readyz` needs it.
    pub workers_running: AtomicBool,
    /// The Telegram bot, set by `run` when it is enabled; `/telegram/webhook` hands updates to it.
    pub bot: std::sync::OnceLock<crate::bot::Bot>,
    /// Communities' own bots, set by `run`; `/telegram/webhook/{bot_id}` hands updates to them and
    /// the API wakes them when a bot is connected or removed.
    pub own_bots: std::sync::OnceLock<Arc<crate::bot::own::OwnBots>>,
    /// Installs and their tokens.
    pub tenants: Arc<Tenants>,
    /// The penalty for wrong credentials, per client address (see [`auth::penalize_failure`]).
    pub auth_failures: auth::Penalties,
    /// Per-tenant hourly quotas, shared with the delivery workers.
    pub quotas: Arc<crate::delivery::quota::Quotas>,
    /// Posts to member join pages, per client address.
    pub join_posts: join::JoinThrottle,
}

impl std::ops::Deref for AppState {
    type Target = StateInner;
    fn deref(&self) -> &StateInner {
        &self.0
    }
}

impl AppState {
    pub fn new(
        config: Arc<Config>,
        db: Db,
        metrics: Arc<Metrics>,
        renderer: Arc<Renderer>,
        signals: Arc<Signals>,
        tenants: Arc<Tenants>,
    ) -> AppState {
        let apps = tenants.apps().clone();
        let quotas = Arc::new(crate::delivery::quota::Quotas::new(config.quotas.clone()));
        AppState(Arc::new(StateInner {
            quotas,
            config,
            db,
            apps,
            metrics,
            renderer,
            signals,
            workers_running: AtomicBool::new(false),
            tenants,
            bot: std::sync::OnceLock::new(),
            own_bots: std::sync::OnceLock::new(),
            auth_failures: auth::Penalties::default(),
            join_posts: join::JoinThrottle::default(),
        }))
    }

    /// After an app is added, changed or removed: this relay's webhook and install routes serve the
    /// change with the next request (other replicas follow on their refresh).
    pub(crate) async fn reload_apps(&self) {
        if let Err(e) = self.apps.reload().await {
            tracing::warn!("could not re-read the stored apps after a change: {e}");
        }
    }

    /// After an own bot is connected or removed: the running set of own bots picks the change up
    /// now rather than at its next look.
    pub(crate) fn nudge_own_bots(&self) {
        if let Some(bots) = self.own_bots.get() {
            bots.nudge();
        }
    }
}

/// Request ids as `{random process prefix}-{counter}`: unique enough to correlate logs, without a
/// `getrandom` syscall per request (a UUID per request cost a measurable share of intake throughput).
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        use rand::Rng;
        RequestIds {
            prefix: format!("{:08x}", rand::thread_rng().r#gen::<u32>()).into(),
            next: Arc::new(std::sync::atomic::AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// A request path as the logs may show it: an app invitation code in the path is a credential
/// (whoever holds it can add an app), so it is left out.
fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix("/apps/new/") {
        Some(rest) => {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            format!("/apps/new/<code>{tail}").into()
        }
        None => path.into(),
    }
}

pub fn router(state: AppState) -> Router {
    let x_request_id = axum::http::HeaderName::from_static("x-request-id");
    Router::new()
        .route("/", get(home::home))
        .route("/zoom/webhook", post(webhook::receive_default))
        .route("/zoom/webhook/{app_id}", post(webhook::receive))
        .route("/zoom/install/{app_id}", get(oauth::install))
        .route("/console/login/zoom/{app_id}", get(oauth::signin))
        .route("/zoom/oauth/callback", get(oauth::callback))
        .route("/zoom/oauth/callback/{app_id}", get(oauth::callback_for_app))
        .route("/join/{code}", get(join::show).post(join::request))
        .route(
            "/join/confirm/{token}",
            get(join::confirm_page).post(join::confirm),
        )
        .route("/manage/{token}", get(join::manage_page).post(join::manage))
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe::show).post(unsubscribe::confirm),
        )
        .route(
            "/apps/new/{code}",
            get(app_setup::show).post(app_setup::submit),
        )
        .route("/apps/new/{code}/status", get(app_setup::status))
        .route("/telegram/webhook", post(telegram::receive))
        .route("/telegram/webhook/{bot_id}", post(telegram::receive_own))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .nest("/api/v1", api::router())
        .nest("/console", console::router())
        .layer(TraceLayer::new_for_http().make_span_with(
            |req: &axum::http::Request<axum::body::Body>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::debug_span!("request", method = %req.method(), path = %loggable_path(req.uri().path()), request_id = %id)
            },
        ))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, RequestIds::new()))
        .with_state(state)
}

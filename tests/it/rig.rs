//! The step()-driven delivery rig the channel tests share: a store with its routes, a dispatcher
//! and one channel's worker, all stepped by the test instead of running in the background, so a
//! test sees every outcome (sent, retry, deferred, dead) one at a time.

use std::sync::Arc;

use tempfile::TempDir;
use zoom_relay::config::Config;
use zoom_relay::delivery::{Sender, StepOutcome, Worker};
use zoom_relay::dispatch::{DispatchOutcome, Dispatcher};
use zoom_relay::metrics::Metrics;
use zoom_relay::render::Renderer;
use zoom_relay::routing::RouteDocument;
use zoom_relay::service::Ctx;
use zoom_relay::store::{Db, Job, NewEvent};
use zoom_relay::zoom::event::parse;

use crate::helpers::*;
use crate::pgdb::{self, FreshDb};

/// The account the rig's events come from.
pub const RIG_ACCOUNT: &str = "acct-it";

pub struct Rig<S: Sender> {
    /// Holds the data dir for the rig's lifetime.
    pub dir: TempDir,
    pub config: Config,
    pub store: Db,
    pub dispatcher: Dispatcher,
    pub worker: Worker<S>,
    /// The rig's database when the suite runs on PostgreSQL.
    _db: Option<Arc<FreshDb>>,
}

/// A worker for `sender` on `store`, with the config's delivery settings (also for a "restarted"
/// worker on the same store).
pub fn worker<S: Sender>(store: &Db, config: &Config, sender: S) -> Worker<S> {
    Worker::new(
        store.clone(),
        sender,
        config.delivery.clone(),
        Arc::new(Metrics::default()),
    )
}

impl<S: Sender> Rig<S> {
    /// A rig on the test config without seed routes, as `tweak` leaves it. `routes` (a route
    /// document in TOML) is imported validated with private targets allowed and then stored, so a
    /// test that turns the SSRF guard on exercises the send-time check. `sender` builds the
    /// channel's sender from the final config.
    pub async fn new(
        tweak: impl FnOnce(&mut String),
        routes: Option<&str>,
        sender: impl AsyncFnOnce(&Config, &Db) -> S,
    ) -> Self {
        init_tracing();
        let dir = tempfile::tempdir().expect("tempdir");
        let mut doc = test_config_text("127.0.0.1:1".parse().unwrap());
        doc = doc.replace("seed_routes = \"routes.example.toml\"", "");
        tweak(&mut doc);
        let db = pgdb::place(&mut doc).await;
        let config = parse_config(&write_config(dir.path(), &doc));
        let store = zoom_relay::store::open(&config).await.expect("store opens");
        let renderer = Renderer::new().expect("renderer");
        if let Some(routes) = routes {
            let routes: RouteDocument = toml::from_str(routes).expect("route document");
            let mut lenient = config.clone();
            lenient.webhooks.allow_private_networks = true;
            Ctx::operator(store.clone(), Arc::new(lenient), Arc::new(renderer.clone()))
                .import(&routes)
                .await
                .expect("routes import");
        }
        let dispatcher =
            Dispatcher::new(store.clone(), Arc::new(renderer), Arc::new(config.clone()));
        let worker = worker(&store, &config, sender(&config, &store).await);
        Rig {
            dir,
            config,
            store,
            dispatcher,
            worker,
            _db: db,
        }
    }

    /// Stores a meeting.started event with `topic` from [`RIG_ACCOUNT`], stored as event `kind`.
    pub async fn store_started(&self, kind: Option<&str>, topic: &str) {
        self.store_body(kind, started_body(&unique_uuid("rig"), topic))
            .await;
    }

    /// Stores `body` from [`RIG_ACCOUNT`] as event `kind` (by default the kind it names).
    pub async fn store_body(&self, kind: Option<&str>, body: Vec<u8>) {
        let parsed = parse(&body).expect("parses");
        let kind = kind.map_or_else(|| parsed.kind().to_string(), str::to_string);
        self.store
            .append_event(
                parsed.dedup_key("default", &body),
                NewEvent {
                    app_id: "default".into(),
                    account_id: Some(RIG_ACCOUNT.into()),
                    event: kind,
                    event_ts: None,
                    zm_request_id: None,
                    zm_tracking_id: None,
                    parse_error: None,
                    body: String::from_utf8(body).unwrap(),
                },
            )
            .await
            .expect("append");
    }

    /// Stores a meeting.started event with `topic` and dispatches it; returns the jobs it created.
    pub async fn started(&self, topic: &str) -> Vec<Job> {
        self.store_started(None, topic).await;
        let before: Vec<u64> = self
            .store
            .list_jobs()
            .await
            .unwrap()
            .iter()
            .map(|j| j.id)
            .collect();
        let mut rounds = 0;
        while self.dispatcher.step().await.expect("dispatch") != DispatchOutcome::Idle {
            rounds += 1;
            assert!(rounds < 100, "the dispatcher does not settle");
        }
        self.store
            .list_jobs()
            .await
            .unwrap()
            .into_iter()
            .filter(|j| !before.contains(&j.id))
            .collect()
    }

    /// Steps the worker until it does something (not Idle), polling within [`DEADLINE`].
    pub async fn next_outcome(&self) -> StepOutcome {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let out = self.worker.step().await.expect("step");
            if !matches!(out, StepOutcome::Idle { .. }) {
                return out;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "worker stayed idle for {DEADLINE:?}"
            );
            tokio::time::sleep(STEP).await;
        }
    }

    /// Steps until `done` holds for an outcome (at most `max` outcomes); returns all of them.
    pub async fn run_until(
        &self,
        max: usize,
        done: impl Fn(&StepOutcome) -> bool,
    ) -> Vec<StepOutcome> {
        let mut outcomes = Vec::new();
        for _ in 0..max {
            let out = self.next_outcome().await;
            let stop = done(&out);
            outcomes.push(out);
            if stop {
                return outcomes;
            }
        }
        panic!("no final outcome after {max} steps: {outcomes:?}")
    }
}

//! Test harness: a relay on `127.0.0.1:0` with a temporary data dir, a client that signs like Zoom,
//! and a handle on the real `zoom-relay` binary for tests that need a process boundary.
//!
//! Signatures are computed here with `hmac` directly (Zoom's algorithm, reference/zoom.md section 1.2),
//! not with the relay's own `Verifier`, so a bug there cannot hide behind a matching bug in the tests.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Once;
use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use tempfile::TempDir;
use zoom_relay::App;
use zoom_relay::config::{self, Config, ConfigSource};
use zoom_relay::store::{Db, EventFilter, EventRecord};

use crate::pgdb::{self, FreshDb};

/// The Secret Token of the `default` app in test configs. Not relay.example.toml's: its published
/// demo secrets are refused outside demo mode, so [`test_config_text`] swaps in these.
pub const DEMO_SECRET: &str = "it-zoom-secret-token-1f3a9c";
/// The operator token in test configs (see [`DEMO_SECRET`]).
pub const DEMO_ADMIN_TOKEN: &str = "it-admin-token-7Qe2xV9pL4";
/// The data key in test configs: base64 of 32 bytes (see [`DEMO_SECRET`]).
pub const TEST_DATA_KEY: &str = "aXQtb25seS1kYXRhLWtleS0wMTIzNDU2Nzg5YWJjZGU=";

/// How long any wait in these tests may take before it counts as a failure.
pub const DEADLINE: Duration = Duration::from_secs(30);
/// The polling step inside [`DEADLINE`].
pub const STEP: Duration = Duration::from_millis(20);

/// Polls `cond` every [`STEP`] until it holds; fails the test naming `what` once [`DEADLINE`]
/// passed. The one wait loop for conditions a test can check synchronously.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {DEADLINE:?} waiting for: {what}"
        );
        tokio::time::sleep(STEP).await;
    }
}

/// [`eventually`] for conditions that await (the store behind the seam).
pub async fn eventually_async(what: &str, mut cond: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !cond().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {DEADLINE:?} waiting for: {what}"
        );
        tokio::time::sleep(STEP).await;
    }
}

static TRACING: Once = Once::new();

/// Logs go nowhere unless `TEST_LOG` is set (to a filter such as `debug` or `zoom_relay=trace`).
pub fn init_tracing() {
    TRACING.call_once(|| {
        match std::env::var("TEST_LOG") {
            Ok(filter) => {
                let filter = tracing_subscriber::EnvFilter::try_new(&filter)
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("debug"));
                let _ = tracing_subscriber::fmt()
                    .with_env_filter(filter)
                    .with_test_writer()
                    .try_init();
            }
            Err(_) => {
                let _ = tracing_subscriber::fmt()
                    .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
                    .with_writer(std::io::sink)
                    .try_init();
            }
        };
    });
}

// ---------------------------------------------------------------------------------------------
// Signing, independent of the code under test.

/// `v0=` + lowercase hex HMAC-SHA256(secret, "v0:{ts}:{body}").
pub fn zoom_signature(secret: &str, ts: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"v0:");
    mac.update(ts.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// The CRC answer Zoom expects: lowercase hex HMAC-SHA256(secret, plainToken).
pub fn crc_token(secret: &str, plain_token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(plain_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A meeting.started body in the key order of real captures (`event, payload, event_ts`) for one
/// meeting instance `uuid`.
pub fn started_body(uuid: &str, topic: &str) -> Vec<u8> {
    let ts = chrono::Utc::now().timestamp_millis();
    serde_json::to_vec(&serde_json::json!({
        "event": "meeting.started",
        "payload": {
            "account_id": "acct-it",
            "object": {
                "id": "85393847045",
                "uuid": uuid,
                "host_id": "host-it",
                "topic": topic,
                "type": 2,
                "start_time": "2026-01-13T18:00:00Z",
                "timezone": "America/New_York",
                "duration": 60
            }
        },
        "event_ts": ts
    }))
    .expect("json")
}

/// A fresh meeting instance id, so tests never collide in the dedup index.
pub fn unique_uuid(tag: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{tag}-{}-{}==",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

// ---------------------------------------------------------------------------------------------
// Config documents.

/// Sets the first uncommented `key = ...` line of a TOML document to `key = value` (value in TOML
/// syntax). Panics when the key is absent, so a changed example config fails loudly here.
pub fn set_key(doc: &mut String, key: &str, value: &str) {
    let mut done = false;
    let out: Vec<String> = doc
        .lines()
        .map(|line| {
            let t = line.trim_start();
            let is_key = t
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='));
            if !done && is_key {
                done = true;
                format!("{key} = {value}")
            } else {
                line.to_string()
            }
        })
        .collect();
    assert!(done, "no `{key} = ...` line in the config document");
    *doc = out.join("\n") + "\n";
}

/// Appends a `[[zoom.apps]]` entry; `extra` holds more `key = value` lines for it.
pub fn add_app(doc: &mut String, id: &str, secret: &str, extra: &str) {
    doc.push_str(&format!(
        "\n[[zoom.apps]]\nid = \"{id}\"\nsecret_token = \"{secret}\"\n{extra}\n"
    ));
}

/// relay.example.toml for a test: listening on `addr`, data under `data/` next to the file, retries
/// shrunk to milliseconds, private webhook targets allowed (every test peer is on loopback), and
/// test secrets instead of the published demo ones.
pub fn test_config_text(addr: SocketAddr) -> String {
    let mut doc = config::EXAMPLE_CONFIG.to_string();
    set_key(&mut doc, "listen", &format!("\"{addr}\""));
    set_key(&mut doc, "public_url", &format!("\"http://{addr}\""));
    set_key(&mut doc, "data_dir", "\"data\"");
    set_key(&mut doc, "retry_schedule_secs", "[0.01, 0.02, 0.05]");
    set_key(&mut doc, "jitter", "0.0");
    set_key(&mut doc, "allow_private_networks", "true");
    set_key(&mut doc, "data_key", &format!("\"{TEST_DATA_KEY}\""));
    set_key(&mut doc, "admin_token", &format!("\"{DEMO_ADMIN_TOKEN}\""));
    set_key(&mut doc, "secret_token", &format!("\"{DEMO_SECRET}\""));
    doc
}

/// Writes `doc` as `relay.toml` in `dir`, next to the example routes its `seed_routes` names.
pub fn write_config(dir: &Path, doc: &str) -> PathBuf {
    std::fs::write(dir.join("routes.example.toml"), config::EXAMPLE_ROUTES).expect("write routes");
    let path = dir.join("relay.toml");
    std::fs::write(&path, doc).expect("write config");
    path
}

pub fn parse_config(path: &Path) -> Config {
    let text = std::fs::read_to_string(path).expect("read config");
    config::from_toml_str(&text, ConfigSource::File(path.to_path_buf()), &[])
        .unwrap_or_else(|e| panic!("test config does not validate:\n{e}"))
}

fn secrets_of(config: &Config) -> HashMap<String, String> {
    config
        .zoom
        .apps
        .iter()
        .map(|a| (a.id.clone(), a.secret_token.expose_secret().to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// An in-process relay.

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    /// The config file this relay was built from; its `listen` is the real address, so the CLI can
    /// reach the relay's admin API with it.
    pub config_path: PathBuf,
    pub config: Config,
    secrets: HashMap<String, String>,
    app: App,
    dir: TempDir,
    /// The relay's database when the suite runs on PostgreSQL (see [`pgdb::place`]); after `app`,
    /// so the relay stops before its database goes.
    _db: Option<std::sync::Arc<FreshDb>>,
}

/// Starts a relay on `127.0.0.1:0` with a temporary data dir. `tweak` edits the config document
/// (relay.example.toml, see [`test_config_text`]) before it is parsed.
pub async fn spawn_app(tweak: impl FnOnce(&mut String)) -> TestApp {
    init_tracing();
    let dir = tempfile::tempdir().expect("tempdir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let mut doc = test_config_text(addr);
    tweak(&mut doc);
    let db = pgdb::place(&mut doc).await;
    let config_path = write_config(dir.path(), &doc);
    let config = parse_config(&config_path);
    let secrets = secrets_of(&config);
    let app = zoom_relay::run(config.clone(), listener)
        .await
        .expect("relay starts");
    TestApp {
        addr,
        client: reqwest::Client::builder()
            .timeout(DEADLINE)
            .build()
            .expect("client"),
        config_path,
        config,
        secrets,
        app,
        dir,
        _db: db,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn webhook_path(app: Option<&str>) -> String {
        match app {
            Some(id) => format!("/zoom/webhook/{id}"),
            None => "/zoom/webhook".to_string(),
        }
    }

    /// The Secret Token of app `id` as configured.
    pub fn secret(&self, id: &str) -> &str {
        self.secrets
            .get(id)
            .unwrap_or_else(|| panic!("no app `{id}` in the test config"))
    }

    /// Signs `body` now with the `default` app's secret: `(x-zm-request-timestamp, x-zm-signature)`.
    pub fn signed(&self, body: &[u8]) -> (String, String) {
        self.signed_for("default", body)
    }

    pub fn signed_for(&self, app: &str, body: &[u8]) -> (String, String) {
        let ts = now_secs().to_string();
        let sig = zoom_signature(self.secret(app), &ts, body);
        (ts, sig)
    }

    /// POSTs `body` to `/zoom/webhook[/{app}]` with Zoom's headers; a `None` header is left out.
    pub async fn post_webhook(
        &self,
        app: Option<&str>,
        body: &[u8],
        ts: Option<&str>,
        sig: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(self.url(&Self::webhook_path(app)))
            .header("content-type", "application/json; charset=utf-8")
            .header("user-agent", "Zoom Marketplace/1.0a")
            .body(body.to_vec());
        if let Some(ts) = ts {
            req = req.header("x-zm-request-timestamp", ts);
        }
        if let Some(sig) = sig {
            req = req.header("x-zm-signature", sig);
        }
        req.send().await.expect("request reaches the relay")
    }

    /// POSTs `body` signed now with the secret of `app` (`None`: the `default` app).
    pub async fn send_signed(&self, app: Option<&str>, body: &[u8]) -> reqwest::Response {
        let (ts, sig) = self.signed_for(app.unwrap_or("default"), body);
        self.post_webhook(app, body, Some(&ts), Some(&sig)).await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request reaches the relay")
    }

    /// The value of one series on `/metrics`, e.g. `dedup_hits_total` or
    /// `webhooks_received_total{app="default",event="",result="unauthorized"}`.
    pub async fn metric(&self, series: &str) -> Option<f64> {
        let resp = self.get("/metrics").await;
        assert_eq!(resp.status(), 200, "/metrics answers");
        let text = resp.text().await.expect("metrics text");
        metric_value(&text, series)
    }

    /// Polls `/metrics` every [`STEP`] until `series` reads `want`; fails after [`DEADLINE`].
    pub async fn wait_metric(&self, series: &str, want: f64) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let got = self.metric(series).await;
            if got == Some(want) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{series} is {got:?}, not {want}, after {DEADLINE:?}"
            );
            tokio::time::sleep(STEP).await;
        }
    }

    /// The storage behind the seam, as every part of the running relay sees it.
    pub fn db(&self) -> &Db {
        self.app.db()
    }

    /// The service layer on this relay's store, as the operator.
    pub fn service(&self) -> zoom_relay::service::Ctx {
        self.service_with(self.config.clone())
    }

    /// [`TestApp::service`] with another config (a relay as it would be configured otherwise).
    pub fn service_with(&self, config: Config) -> zoom_relay::service::Ctx {
        zoom_relay::service::Ctx::operator(
            self.db().clone(),
            std::sync::Arc::new(config),
            std::sync::Arc::new(zoom_relay::render::Renderer::new().expect("renderer")),
        )
    }

    pub fn tenants(&self) -> &std::sync::Arc<zoom_relay::tenants::Tenants> {
        self.app.tenants()
    }

    /// Every stored event, newest first.
    pub async fn events(&self) -> Vec<EventRecord> {
        self.db()
            .list_events(&EventFilter {
                limit: 10_000,
                ..EventFilter::default()
            })
            .await
            .expect("list events")
    }

    /// Stops the relay gracefully (in-flight requests finish, the store is flushed and closed).
    /// Returns the temporary directory, so a caller can look at the files the relay left behind
    /// (and, on PostgreSQL, the CLI can read the database it left behind while that directory is
    /// there).
    pub async fn shutdown(self) -> TempDir {
        tokio::time::timeout(DEADLINE, self.app.shutdown())
            .await
            .expect("relay stops within the deadline")
            .expect("relay stops cleanly");
        if let Some(db) = self._db {
            pgdb::keep_while(&self.config.server.data_dir, db);
        }
        self.dir
    }
}

/// Finds `series` in Prometheus text and returns its value.
pub fn metric_value(text: &str, series: &str) -> Option<f64> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let (name, value) = l.rsplit_once(' ')?;
        (name == series).then(|| value.parse().ok())?
    })
}

// ---------------------------------------------------------------------------------------------
// The real binary.

/// A port that was free a moment ago (bound on :0 and released), for a child process to bind.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind loopback")
        .local_addr()
        .expect("local addr")
        .port()
}

/// `zoom-relay <args>`, with no `RELAY_*` variable inherited from the environment running the tests.
pub fn cli_command(args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_zoom-relay"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, _) in std::env::vars() {
        if k.starts_with("RELAY_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Runs the CLI to completion (bounded by [`DEADLINE`]).
pub async fn run_cli(args: &[&str]) -> std::process::Output {
    tokio::time::timeout(DEADLINE, cli_command(args).output())
        .await
        .unwrap_or_else(|_| panic!("zoom-relay {args:?} did not finish within {DEADLINE:?}"))
        .expect("zoom-relay runs")
}

/// `zoom-relay serve` in a child process, on a free loopback port, with its own data dir.
pub struct RelayProcess {
    pub child: tokio::process::Child,
    pub addr: SocketAddr,
    pub config_path: PathBuf,
    pub client: reqwest::Client,
    secret: String,
    stderr_path: PathBuf,
    _dir: TempDir,
    /// See [`TestApp`]'s; a restart on `config_path` finds the same database.
    _db: Option<std::sync::Arc<FreshDb>>,
}

impl RelayProcess {
    pub async fn start(tweak: impl FnOnce(&mut String)) -> RelayProcess {
        Self::start_logging(tweak, "warn").await
    }

    /// Like [`RelayProcess::start`], with `RELAY_LOG` set to `log_filter` (e.g. `debug`).
    pub async fn start_logging(tweak: impl FnOnce(&mut String), log_filter: &str) -> RelayProcess {
        Self::start_with(tweak, log_filter, |_| {}).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    async fn wait_ready(&mut self) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                panic!(
                    "zoom-relay serve exited with {status} before it was ready:\n{}",
                    self.stderr()
                );
            }
            if let Ok(r) = self.client.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "zoom-relay serve not ready within {DEADLINE:?}:\n{}",
                self.stderr()
            );
            tokio::time::sleep(STEP).await;
        }
    }

    /// POSTs `body` to `/zoom/webhook` signed now with the `default` app's secret.
    pub fn send_signed(
        &self,
        body: Vec<u8>,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + use<> {
        let ts = now_secs().to_string();
        let sig = zoom_signature(&self.secret, &ts, &body);
        self.client
            .post(self.url("/zoom/webhook"))
            .header("content-type", "application/json; charset=utf-8")
            .header("x-zm-request-timestamp", ts)
            .header("x-zm-signature", sig)
            .body(body)
            .send()
    }

    /// The store the process wrote, opened as its config says (the process must have exited when
    /// that is sled, whose lock allows one holder).
    pub async fn open_store(&self) -> Db {
        zoom_relay::store::open(&parse_config(&self.config_path))
            .await
            .expect("the store opens after the relay exited")
    }
}

impl RelayProcess {
    /// Like [`RelayProcess::start_logging`], with `configure` applied to the command before it is
    /// spawned (e.g. to lower a resource limit of the child).
    pub async fn start_with(
        tweak: impl FnOnce(&mut String),
        log_filter: &str,
        configure: impl FnOnce(&mut tokio::process::Command),
    ) -> RelayProcess {
        let dir = tempfile::tempdir().expect("tempdir");
        let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
        let mut doc = test_config_text(addr);
        tweak(&mut doc);
        let db = pgdb::place(&mut doc).await;
        let config_path = write_config(dir.path(), &doc);
        let secret = secrets_of(&parse_config(&config_path))["default"].clone();
        let stderr_path = dir.path().join("relay.stderr");
        let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
        let config_arg = config_path.to_str().expect("utf-8 path").to_string();
        let mut cmd = cli_command(&["serve", "--config", &config_arg]);
        cmd.env("RELAY_LOG", log_filter)
            .stdout(Stdio::null())
            .stderr(stderr);
        configure(&mut cmd);
        let child = cmd.spawn().expect("spawn zoom-relay serve");
        let mut p = RelayProcess {
            child,
            addr,
            config_path,
            client: reqwest::Client::builder()
                .timeout(DEADLINE)
                .build()
                .expect("client"),
            secret,
            stderr_path,
            _dir: dir,
            _db: db,
        };
        p.wait_ready().await;
        p
    }
}

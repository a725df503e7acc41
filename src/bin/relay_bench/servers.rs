//! The servers under test, each in its own process so the load generator never shares a tokio
//! scheduler with them. The benchmark re-executes itself (`serve-bare`, `serve-durable`); the child
//! prints `LISTENING <addr>` on stdout once it accepts connections, and stops gracefully when its
//! stdin closes (so it also stops if the benchmark dies).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use secrecy::ExposeSecret;
use secrecy::SecretString;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use zoom_relay::config::{
    Config, ConfigSource, EXAMPLE_CONFIG, SeedRoutes, TelegramConfig, ZoomApp, from_toml_str,
};
use zoom_relay::zoom::Verifier;

use crate::load::PATH;

/// Waits (at most 30 s) for a child process's `LISTENING <addr>` line, the one way every server
/// the benchmark starts (its own `serve-*` children, the Node.js samples) reports its port.
pub async fn listening_addr<R>(
    lines: &mut tokio::io::Lines<R>,
    what: &str,
) -> anyhow::Result<SocketAddr>
where
    R: tokio::io::AsyncBufRead + Unpin,
{
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .with_context(|| format!("the {what} did not start within 30 s"))??
        .with_context(|| format!("the {what} exited before listening"))?;
    line.strip_prefix("LISTENING ")
        .and_then(|a| a.parse().ok())
        .with_context(|| format!("unexpected output from the {what}: {line}"))
}

/// The relay's example configuration, adjusted for a benchmark: no seeded routes, the store in
/// `data_dir`, and only warnings logged.
pub fn bench_config(data_dir: &Path) -> anyhow::Result<Config> {
    bench_config_on(data_dir, None)
}

/// [`bench_config`], on the PostgreSQL database at `pg_url` when given (`[store] backend`).
pub fn bench_config_on(data_dir: &Path, pg_url: Option<&str>) -> anyhow::Result<Config> {
    let mut text: String = bench_example()
        .lines()
        .filter(|l| !l.trim_start().starts_with("seed_routes"))
        .map(|l| format!("{l}\n"))
        .collect();
    if let Some(url) = pg_url {
        text = text.replacen(
            "[store]\n",
            &format!("[store]\nbackend = \"postgres\"\nurl = \"{url}\"\n"),
            1,
        );
    }
    let mut config = from_toml_str(&text, ConfigSource::EmbeddedExample, &[])
        .context("the example configuration")?;
    config.server.data_dir = data_dir.to_path_buf();
    config.log.level = "warn".into();
    Ok(config)
}

/// relay.example.toml with its published demo secrets replaced by bench-only ones, since a relay
/// started on a config file refuses the published values.
pub fn bench_example() -> String {
    let mut text = EXAMPLE_CONFIG.to_string();
    for (key, value) in zoom_relay::config::limits::published_secrets() {
        let replacement = if key.ends_with("data_key") {
            // base64 of "bench-only-data-key-0123456789ab" (32 bytes).
            "YmVuY2gtb25seS1kYXRhLWtleS0wMTIzNDU2Nzg5YWI=".to_string()
        } else {
            format!("bench-{}-0123456789", key.replace(['.', '[', ']'], "-"))
        };
        text = text.replace(value.as_str(), &replacement);
    }
    // The benches push thousands of messages for one community; the per-community hourly limits
    // (`[quotas]`) would turn most of them into dead letters and measure the limit, not the relay.
    for key in ["telegram_per_hour", "email_per_hour", "webhook_per_hour"] {
        text = text
            .lines()
            .map(|line| {
                if line.trim_start().starts_with(key) {
                    format!("{key} = 0")
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
    }
    text
}

/// The app that `POST /zoom/webhook` reaches, whose secret both servers verify with.
pub fn default_app(config: &Config) -> anyhow::Result<&ZoomApp> {
    config
        .zoom
        .app("default")
        .context("the example configuration has no app `default`")
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    // The same defaults for both servers (and as `zoom-relay serve`).
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")
}

fn announce(addr: SocketAddr) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "LISTENING {addr}");
    let _ = out.flush();
}

/// Resolves when stdin reaches end of file, that is when the benchmark closes it or exits. A plain
/// thread reads it, so the server's runtime does no extra work.
fn stdin_closed() -> impl std::future::Future<Output = ()> {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        let mut stdin = std::io::stdin().lock();
        while let Ok(n) = std::io::Read::read(&mut stdin, &mut buf) {
            if n == 0 {
                break;
            }
        }
        let _ = tx.send(());
    });
    async move {
        let _ = rx.await;
    }
}

/// `relay-bench serve-bare`: verify the signature and answer 200, nothing stored.
pub fn serve_bare(port: u16) -> anyhow::Result<()> {
    let config = bench_config(Path::new("unused"))?;
    let app = default_app(&config)?;
    let verifier = Arc::new(Verifier::new(
        app.secret_token.expose_secret().as_bytes(),
        app.timestamp_tolerance_secs,
        app.timestamp_future_tolerance_secs,
    ));
    runtime()?.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let router = Router::new()
            .route(PATH, post(bare_handler))
            .with_state(verifier);
        announce(listener.local_addr()?);
        axum::serve(listener, router)
            .with_graceful_shutdown(stdin_closed())
            .await?;
        Ok(())
    })
}

async fn bare_handler(
    State(verifier): State<Arc<Verifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = chrono::Utc::now().timestamp();
    let header = |name: &str| headers.get(name).map(|v| v.as_bytes());
    match verifier.verify(
        header("x-zm-request-timestamp"),
        header("x-zm-signature"),
        &body,
        now,
    ) {
        Ok(()) => Json(serde_json::json!({"status": "accepted"})).into_response(),
        Err(e) => (StatusCode::UNAUTHORIZED, e.to_string()).into_response(),
    }
}

/// Telegram for `serve-durable`: the Bot API base URL (the benchmark's fake Telegram on loopback) and
/// a route document to seed into the empty store.
pub struct TelegramSetup {
    pub api_url: String,
    pub routes: PathBuf,
}

/// `relay-bench serve-durable`: the real relay (`zoom_relay::run`) with its store in `data_dir`;
/// with `telegram`, also a `[telegram]` section and seeded routes.
pub fn serve_durable(
    port: u16,
    data_dir: &Path,
    pg_url: Option<&str>,
    telegram: Option<TelegramSetup>,
) -> anyhow::Result<()> {
    let mut config = bench_config_on(data_dir, pg_url)?;
    config.server.listen = SocketAddr::from(([127, 0, 0, 1], port));
    if let Some(t) = telegram {
        let url = reqwest::Url::parse(&t.api_url).context("--telegram-api-url")?;
        anyhow::ensure!(
            url.host_str() == Some("127.0.0.1"),
            "--telegram-api-url must point at 127.0.0.1"
        );
        // Communities' own bots (`telegram_fanout_bots`) use the same fake.
        config.telegram_api.api_url = t.api_url.clone();
        config.telegram_api.poll_timeout_secs = 5;
        config.telegram = Some(TelegramConfig {
            bot_token: SecretString::from(crate::telegram::BOT_TOKEN.to_string()),
            api_url: t.api_url,
            bot_commands: false,
        });
        config.seed_routes = Some(SeedRoutes::File(t.routes));
    }
    zoom_relay::telemetry::init(&config.log);
    runtime()?.block_on(async move {
        let listener = TcpListener::bind(config.server.listen).await?;
        let app = zoom_relay::run(config, listener).await?;
        announce(app.local_addr());
        let token = app.shutdown_token();
        tokio::spawn(async move {
            stdin_closed().await;
            token.cancel();
        });
        app.wait().await
    })
}

/// Which server a [`ServerProcess`] runs.
pub enum Kind {
    Bare,
    Durable,
    /// The real relay on the PostgreSQL database at this URL.
    DurablePg {
        url: String,
    },
    /// The real relay with Telegram pointed at `api_url` and `routes` (a route document, TOML)
    /// seeded into its empty store; on sled, or on the PostgreSQL database at `pg_url`.
    Telegram {
        api_url: String,
        routes: String,
        pg_url: Option<String>,
    },
}

/// A server child process, started by the benchmark.
pub struct ServerProcess {
    child: tokio::process::Child,
    addr: SocketAddr,
    data_dir: Option<TempDir>,
    // Kept open so the child's stdout stays writable.
    _stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl ServerProcess {
    pub async fn start(kind: Kind) -> anyhow::Result<ServerProcess> {
        let exe = std::env::current_exe().context("locating the benchmark binary")?;
        let mut cmd = tokio::process::Command::new(exe);
        let data_dir = match kind {
            Kind::Bare => {
                cmd.args(["serve-bare", "--port", "0"]);
                None
            }
            Kind::Durable => {
                let dir = TempDir::new("durable")?;
                cmd.args(["serve-durable", "--port", "0", "--data-dir"])
                    .arg(dir.path());
                Some(dir)
            }
            Kind::DurablePg { url } => {
                let dir = TempDir::new("durable-pg")?;
                cmd.args(["serve-durable", "--port", "0", "--data-dir"])
                    .arg(dir.path())
                    .arg("--pg-url")
                    .arg(url);
                Some(dir)
            }
            Kind::Telegram {
                api_url,
                routes,
                pg_url,
            } => {
                let dir = TempDir::new("telegram")?;
                let file = dir.path().join("routes.toml");
                std::fs::write(&file, routes).context("writing the bench routes")?;
                let store = dir.path().join("store");
                cmd.args(["serve-durable", "--port", "0", "--data-dir"])
                    .arg(&store)
                    .arg("--telegram-api-url")
                    .arg(api_url)
                    .arg("--routes")
                    .arg(&file);
                if let Some(url) = pg_url {
                    cmd.arg("--pg-url").arg(url);
                }
                Some(dir)
            }
        };
        // All traffic stays on loopback: no proxy from the environment for the relay's clients.
        for v in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            cmd.env_remove(v);
        }
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = cmd.spawn().context("starting the server process")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = listening_addr(&mut lines, "server").await?;
        Ok(ServerProcess {
            child,
            addr,
            data_dir,
            _stdout: lines,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Closes the child's stdin, waits for its graceful stop (killing it after 30 s), and removes
    /// its data directory.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        drop(self.child.stdin.take());
        let status = match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(s) => s?,
            Err(_) => {
                self.child.start_kill()?;
                self.child.wait().await?;
                bail!("the server did not stop within 30 s and was killed");
            }
        };
        drop(self.data_dir.take());
        if !status.success() {
            bail!("the server exited with {status}");
        }
        Ok(())
    }
}

/// A uniquely named directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> anyhow::Result<TempDir> {
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!(
            "relay-bench-{label}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(TempDir(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

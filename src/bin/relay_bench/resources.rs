//! Scenarios on the real `zoom-relay` binary (`zoom-relay serve` with a temporary config and data
//! dir on a free loopback port), measured from outside the process:
//!
//! - `rss_idle`: VmRSS from `/proc/<pid>/status` once `/readyz` answers 200 and [`SETTLE`] passed.
//! - `rss_load`: the same process under the closed-loop intake load and while it works off what
//!   it accepted (until `/metrics` shows empty queues, at most [`DRAIN_DEADLINE`]); VmRSS sampled
//!   every [`SAMPLE_EVERY`] and VmHWM (the kernel's peak) read at the end.
//! - `ready_10k_routes`: a store seeded with 10,000 routes through the library (`Store::open` +
//!   `import_routes`), then the time from spawning the process to the first 200 from `/readyz`,
//!   over [`READY_RUNS`] starts; an empty store is timed the same way as a baseline.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::json;
use zoom_relay::routing::Route;
use zoom_relay::store::{Db, Store};

use crate::intake::{WARMUP, round, verdict};
use crate::load::{self, Mode, Plan};
use crate::servers::{self, TempDir};
use crate::{Ctx, Report, Row};

/// Targets in MB (10^6 bytes). Memory is read and reported in MiB, so the comparisons convert
/// ([`mib`]) rather than comparing MiB with MB, which would be 5 % lenient.
const RSS_IDLE_TARGET_MB: f64 = 30.0;
const RSS_LOAD_TARGET_MB: f64 = 120.0;

/// `mb` megabytes (10^6 bytes) in MiB.
fn mib(mb: f64) -> f64 {
    mb * 1e6 / 1_048_576.0
}
const READY_TARGET_MS: f64 = 300.0;
/// Routes seeded for `ready_10k_routes`.
const ROUTES: usize = 10_000;
/// Starts timed per store (the verdict is on the median).
const READY_RUNS: usize = 5;
/// Idle time between readiness and the idle reading (lets startup work and allocator churn end).
const SETTLE: Duration = Duration::from_secs(2);
const SAMPLE_EVERY: Duration = Duration::from_millis(20);
/// How often readiness is polled while timing a start (bounds the measurement's resolution).
const READY_POLL: Duration = Duration::from_millis(1);
const START_DEADLINE: Duration = Duration::from_secs(30);
/// How long `rss_load` waits for the relay to work off what it accepted.
const DRAIN_DEADLINE: Duration = Duration::from_secs(30);

/// The `zoom-relay` binary next to this benchmark. Under `cargo run` (the environment has `CARGO`)
/// it is built first with the same profile and target dir, so it is never stale; cargo does
/// nothing when it is up to date.
pub fn relay_exe(quiet: bool) -> anyhow::Result<PathBuf> {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    if let Some(p) = EXE.get() {
        return Ok(p.clone());
    }
    let me = std::env::current_exe().context("locating the benchmark binary")?;
    let dir = me.parent().context("the benchmark binary's directory")?;
    let exe = dir.join("zoom-relay");
    if let Some(cargo) = std::env::var_os("CARGO") {
        let profile = dir
            .file_name()
            .and_then(|n| n.to_str())
            .context("profile directory")?;
        let target_dir = dir.parent().context("the target directory")?;
        let mut cmd = std::process::Command::new(cargo);
        cmd.args(["build", "--bin", "zoom-relay", "--manifest-path"])
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .arg("--target-dir")
            .arg(target_dir);
        match profile {
            "debug" => {}
            "release" => {
                cmd.arg("--release");
            }
            other => {
                cmd.args(["--profile", other]);
            }
        }
        if quiet {
            cmd.arg("--quiet");
        }
        let status = cmd.status().context("running cargo build for zoom-relay")?;
        anyhow::ensure!(status.success(), "cargo build --bin zoom-relay failed");
    }
    anyhow::ensure!(
        exe.is_file(),
        "{} not found; build it with `cargo build --release --bin zoom-relay`",
        exe.display()
    );
    Ok(EXE.get_or_init(|| exe).clone())
}

/// relay.example.toml adjusted for a benchmark: listening on `addr`, the store in `data_dir`, no
/// seeded routes, warnings only.
fn config_text(addr: SocketAddr, data_dir: &Path) -> String {
    let mut out = String::new();
    let mut section = String::new();
    for line in servers::bench_example().lines() {
        let t = line.trim_start();
        if t.starts_with('[') {
            section = t.to_string();
        }
        let key = t.split('=').next().unwrap_or("").trim();
        let replaced = match (section.as_str(), key) {
            (_, "seed_routes") if !t.starts_with('#') => Some(String::new()),
            ("[server]", "listen") => Some(format!("listen = \"{addr}\"")),
            ("[server]", "public_url") => Some(format!("public_url = \"http://{addr}\"")),
            ("[server]", "data_dir") => Some(format!(
                "data_dir = {}",
                toml::Value::String(data_dir.display().to_string())
            )),
            ("[log]", "level") => Some("level = \"warn\"".to_string()),
            _ => None,
        };
        out.push_str(replaced.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// `zoom-relay serve` in a child process.
pub struct RelayChild {
    child: tokio::process::Child,
    pub addr: SocketAddr,
    pub pid: u32,
    stderr_path: PathBuf,
    /// Time from spawning to the first 200 from `/readyz`.
    pub ready_after: Duration,
}

impl RelayChild {
    /// Starts the relay with its config and stderr in `dir` and its store in `data_dir`, and waits
    /// for `/readyz`. Tries a second free port if the first was taken in between.
    pub async fn start(exe: &Path, dir: &Path, data_dir: &Path) -> anyhow::Result<RelayChild> {
        let mut last = None;
        for _ in 0..2 {
            match Self::try_start(exe, dir, data_dir).await {
                Ok(c) => return Ok(c),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("tried at least once"))
    }

    async fn try_start(exe: &Path, dir: &Path, data_dir: &Path) -> anyhow::Result<RelayChild> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let config = dir.join("relay.toml");
        std::fs::write(&config, config_text(addr, data_dir)).context("writing the config")?;
        static N: AtomicU64 = AtomicU64::new(0);
        let stderr_path = dir.join(format!(
            "relay-{}.stderr",
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let stderr = std::fs::File::create(&stderr_path)?;
        let mut cmd = tokio::process::Command::new(exe);
        cmd.arg("serve")
            .arg("--config")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .kill_on_drop(true);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy().into_owned();
            if k.starts_with("RELAY_") || k.to_ascii_lowercase().ends_with("_proxy") {
                cmd.env_remove(k);
            }
        }
        let client = client()?;
        let url = format!("http://{addr}/readyz");
        let spawned = Instant::now();
        let mut child = cmd.spawn().context("spawning zoom-relay serve")?;
        let pid = child.id().context("child pid")?;
        loop {
            if let Some(status) = child.try_wait()? {
                bail!(
                    "zoom-relay serve exited with {status} before it was ready:\n{}",
                    tail(&std::fs::read_to_string(&stderr_path).unwrap_or_default())
                );
            }
            if let Ok(r) = client.get(&url).send().await
                && r.status() == 200
            {
                break;
            }
            if spawned.elapsed() > START_DEADLINE {
                bail!("zoom-relay serve not ready within {START_DEADLINE:?}");
            }
            tokio::time::sleep(READY_POLL).await;
        }
        Ok(RelayChild {
            child,
            addr,
            pid,
            stderr_path,
            ready_after: spawned.elapsed(),
        })
    }

    /// SIGTERM, then wait for a clean exit (killed after 30 s).
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .context("sending SIGTERM")?;
        anyhow::ensure!(status.success(), "kill -TERM {} failed", self.pid);
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(s) => {
                let s = s?;
                anyhow::ensure!(
                    s.success(),
                    "zoom-relay exited with {s}:\n{}",
                    tail(&std::fs::read_to_string(&self.stderr_path).unwrap_or_default())
                );
                Ok(())
            }
            Err(_) => {
                self.child.start_kill()?;
                self.child.wait().await?;
                bail!("zoom-relay did not stop within 30 s after SIGTERM and was killed")
            }
        }
    }
}

fn client() -> anyhow::Result<reqwest::Client> {
    crate::http_client(Duration::from_secs(2))
}

fn tail(s: &str) -> &str {
    let start = s.len().saturating_sub(2000);
    let start = (start..=s.len())
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(s.len());
    &s[start..]
}

/// `VmRSS` and `VmHWM` of `pid`, in MiB.
pub fn memory_mb(pid: u32) -> anyhow::Result<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    let field = |name: &str| -> anyhow::Result<f64> {
        let line = status
            .lines()
            .find(|l| l.starts_with(name))
            .with_context(|| format!("no {name} in /proc/{pid}/status"))?;
        let kb: f64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .with_context(|| format!("parsing {line:?}"))?;
        Ok(kb / 1024.0)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// The relay process the RSS scenarios share, with the directory that holds its config and store.
pub struct Shared {
    relay: RelayChild,
    _dir: TempDir,
}

pub async fn rss_idle(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let exe = relay_exe(ctx.opts.json_only)?;
    let dir = TempDir::new("rss")?;
    let data_dir = dir.path().join("data");
    // One route that sends every benchmark event to the log destination, so under load the whole
    // path runs: intake, dispatch, the outbox and a delivery worker.
    seed(data_dir.clone(), vec![log_route()?]).await?;
    let relay = RelayChild::start(&exe, dir.path(), &data_dir).await?;
    tokio::time::sleep(SETTLE).await;
    let (rss, hwm) = memory_mb(relay.pid)?;
    let pass = rss <= mib(RSS_IDLE_TARGET_MB);
    let report = Report {
        json: json!({
            "scenario": "rss_idle",
            "value": round(rss, 1),
            "unit": "MiB",
            "target": format!("<={RSS_IDLE_TARGET_MB}MB"),
            "pass": pass,
            "flagged": false,
            "vm_hwm_mb": round(hwm, 1),
            "settle_s": SETTLE.as_secs_f64(),
            "ready_ms": round(relay.ready_after.as_secs_f64() * 1e3, 1),
            "binary": exe.display().to_string(),
            "load_avg_1m": crate::load_avg(),
        }),
        row: Row {
            scenario: "rss_idle".into(),
            rate: format!("{rss:.1} MiB (peak {hwm:.1})"),
            target: format!("<= {RSS_IDLE_TARGET_MB} MB"),
            verdict: verdict(pass, false),
            ..Row::default()
        },
    };
    ctx.relay = Some(Shared { relay, _dir: dir });
    Ok(report)
}

pub async fn rss_load(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let Some(shared) = ctx.relay.take() else {
        bail!("rss_load needs the relay started by rss_idle in the same run");
    };
    let res = rss_load_on(ctx, &shared.relay).await;
    let stopped = shared.relay.stop().await;
    let report = res?;
    stopped?;
    Ok(report)
}

async fn rss_load_on(ctx: &mut Ctx, relay: &RelayChild) -> anyhow::Result<Report> {
    let pool = ctx.pool()?;
    let pid = relay.pid;
    let (before, _) = memory_mb(pid)?;
    let peak = Arc::new(std::sync::Mutex::new(before));
    let stop = tokio_util::sync::CancellationToken::new();
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            let mut samples = 0u64;
            loop {
                if let Ok((rss, _)) = memory_mb(pid) {
                    let mut p = peak.lock().expect("peak");
                    *p = p.max(rss);
                    samples += 1;
                }
                tokio::select! {
                    _ = stop.cancelled() => return samples,
                    _ = tokio::time::sleep(SAMPLE_EVERY) => {}
                }
            }
        })
    };
    let plan = Plan {
        addr: relay.addr,
        connections: ctx.opts.connections,
        phase_warmup: WARMUP,
        phase_measure: ctx.opts.duration,
        mode: Mode::Closed,
        wrap: false,
    };
    let load_before = crate::load_avg();
    let res = load::run(&plan, &pool).await;
    let (load_end_rss, _) = memory_mb(pid)?;
    let intake_peak = peak.lock().expect("peak").max(load_end_rss);
    // The relay is still working after the last 200: the dispatcher and the log worker drain what
    // intake accepted. That is part of the load, so sampling goes on until both queues are empty.
    let drain_started = Instant::now();
    let left = wait_drained(relay.addr, DRAIN_DEADLINE).await;
    let drained = left == Some((0.0, 0.0));
    let drain_s = drain_started.elapsed().as_secs_f64();
    stop.cancel();
    let samples = sampler.await.context("sampler task")?;
    let s = res?;
    let (end_rss, hwm) = memory_mb(pid)?;
    tokio::time::sleep(SETTLE).await;
    let (after, _) = memory_mb(pid)?;
    let max_rss = peak.lock().expect("peak").max(end_rss);
    // Over the target is a miss even before the backlog is worked off (the peak can only grow);
    // under it, the result only counts once the relay is done.
    let over = max_rss.max(hwm) > mib(RSS_LOAD_TARGET_MB);
    let flagged = s.flagged() || (!drained && !over);
    let pass = !over && !flagged;
    Ok(Report {
        json: json!({
            "scenario": "rss_load",
            "value": round(max_rss, 1),
            "unit": "MiB",
            "target": format!("<={RSS_LOAD_TARGET_MB}MB"),
            "pass": pass,
            "errors": s.errors,
            "flagged": flagged,
            "vm_hwm_mb": round(hwm, 1),
            "rss_before_mb": round(before, 1),
            "rss_at_last_response_mb": round(load_end_rss, 1),
            "drain_s": round(drain_s, 2),
            "drained": drained,
            "left_after_drain_wait": left.map(|(i, o)| json!({"inbox": i, "outbox": o})),
            "intake_load_peak_mb": round(intake_peak, 1),
            "rss_after_settle_mb": round(after, 1),
            "samples": samples,
            "req_per_s": round(s.req_per_s, 0),
            "requests": s.ok,
            "window_s": round(s.window_s, 3),
            "load_avg_1m": load_before,
        }),
        row: Row {
            scenario: "rss_load".into(),
            rate: format!(
                "{max_rss:.1} MiB (intake {intake_peak:.0}{})",
                if drained { "" } else { ", not drained" }
            ),
            errors: (s.errors + s.duplicates).to_string(),
            target: format!("<= {RSS_LOAD_TARGET_MB} MB"),
            verdict: verdict(pass, flagged),
            ..Row::default()
        },
    })
}

/// Reads `/metrics` until `inbox_depth` and every `outbox_depth` are 0, at most for `deadline`.
/// Returns the last (inbox, outbox total) seen; `None` if `/metrics` never answered.
async fn wait_drained(addr: SocketAddr, deadline: Duration) -> Option<(f64, f64)> {
    let client = client().ok()?;
    let url = format!("http://{addr}/metrics");
    let started = Instant::now();
    let mut last = None;
    loop {
        if let Ok(r) = client.get(&url).send().await
            && let Ok(text) = r.text().await
        {
            let depth = |prefix: &str| -> f64 {
                text.lines()
                    .filter(|l| l.starts_with(prefix))
                    .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
                    .sum()
            };
            let now = (depth("inbox_depth"), depth("outbox_depth"));
            last = Some(now);
            if now == (0.0, 0.0) {
                return last;
            }
        }
        if started.elapsed() >= deadline {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `n` routes in a realistic spread: 100 tenants, two events each, a meeting filter, a log and a
/// webhook destination.
fn bench_routes(n: usize) -> anyhow::Result<Vec<Route>> {
    (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "name": format!("bench route {i}"),
                "app_id": "default",
                "account_id": format!("acct-{}", i % 100),
                "events": ["meeting.started", "meeting.ended"],
                "meeting_ids": [80_000_000_000u64 + i as u64],
                "timezone": "Europe/Berlin",
                "destinations": [
                    {"kind": "log"},
                    {"kind": "webhook", "url": format!("https://hooks.example.org/{i}"),
                     "secret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"},
                ],
            }))
            .context("building a bench route")
        })
        .collect()
}

/// The route of the RSS scenarios: the load's `meeting.started` events (account `demo-account` of
/// the app `default`) to the log.
fn log_route() -> anyhow::Result<Route> {
    serde_json::from_value(json!({
        "name": "bench log",
        "app_id": "default",
        "account_id": "demo-account",
        "events": ["meeting.started"],
        "destinations": [{"kind": "log"}],
    }))
    .context("building the log route")
}

/// Opens the store in `data_dir` (creating it), imports `list`, and returns the route count.
async fn seed(data_dir: PathBuf, list: Vec<Route>) -> anyhow::Result<usize> {
    let config = servers::bench_config(&data_dir)?;
    let store = tokio::task::spawn_blocking(move || Store::open(&data_dir, &config.store))
        .await
        .context("store open task")??;
    let db: Db = Arc::new(store);
    db.import_routes(&list).await?;
    let count = db.route_count().await;
    db.close().await?;
    Ok(count)
}

/// Times `READY_RUNS` starts on the store in `data_dir`; returns the times in ms, sorted.
async fn time_starts(exe: &Path, dir: &Path, data_dir: &Path) -> anyhow::Result<Vec<f64>> {
    let mut times = Vec::with_capacity(READY_RUNS);
    for _ in 0..READY_RUNS {
        let relay = RelayChild::start(exe, dir, data_dir).await?;
        times.push(relay.ready_after.as_secs_f64() * 1e3);
        relay.stop().await?;
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

pub async fn ready_10k_routes(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let exe = relay_exe(ctx.opts.json_only)?;
    let load_before = crate::load_avg();
    let dir = TempDir::new("ready")?;
    let empty_dir = dir.path().join("empty");
    let routes_dir = dir.path().join("routes");
    let seeded = Instant::now();
    let count = seed(routes_dir.clone(), bench_routes(ROUTES)?).await?;
    let seed_s = seeded.elapsed().as_secs_f64();
    anyhow::ensure!(count == ROUTES, "seeded {count} routes, expected {ROUTES}");
    // The empty store is created by the first start, like a fresh install.
    let empty = time_starts(&exe, dir.path(), &empty_dir).await?;
    let with_routes = time_starts(&exe, dir.path(), &routes_dir).await?;
    // The relay kept every route across its starts and stops.
    let after = seed(routes_dir, Vec::new()).await?;
    anyhow::ensure!(
        after == ROUTES,
        "{after} routes left after the starts, expected {ROUTES}"
    );
    let median = |v: &[f64]| v[v.len() / 2];
    let value = median(&with_routes);
    let pass = value <= READY_TARGET_MS;
    let r1 = |v: &[f64]| v.iter().map(|x| round(*x, 1)).collect::<Vec<_>>();
    Ok(Report {
        json: json!({
            "scenario": "ready_10k_routes",
            "value": round(value, 1),
            "unit": "ms (median)",
            "target": format!("<={READY_TARGET_MS}ms"),
            "pass": pass,
            "flagged": false,
            "routes": ROUTES,
            "runs_ms": r1(&with_routes),
            "max_ms": round(*with_routes.last().expect("runs"), 1),
            "empty_store_median_ms": round(median(&empty), 1),
            "empty_store_runs_ms": r1(&empty),
            "seed_s": round(seed_s, 2),
            "poll_ms": READY_POLL.as_secs_f64() * 1e3,
            "load_avg_1m": load_before,
        }),
        row: Row {
            scenario: "ready_10k_routes".into(),
            rate: format!("{value:.0} ms (empty {:.0} ms)", median(&empty)),
            p50: format!("{value:.1}"),
            p99: format!("{:.1}", with_routes.last().expect("runs")),
            target: format!("<= {READY_TARGET_MS} ms"),
            verdict: verdict(pass, false),
            ..Row::default()
        },
    })
}

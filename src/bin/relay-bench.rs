//! `relay-bench`: benchmarks for zoom-relay, judged by ratios measured side by side in one run
//! (the machine is noisy, absolute numbers drift). See BENCHMARKS.md.
//!
//! ```text
//! cargo run --release --bin relay-bench -- intake [--duration 5] [--connections 32] [--json-only]
//! cargo run --release --bin relay-bench -- all
//! ```
//!
//! Each server under test runs in its own process (the benchmark re-executes itself with
//! `serve-bare` or `serve-durable`), so the load generator never shares a scheduler with it.
//! Scenarios are listed in [`SCENARIOS`]; each belongs to groups that name the subcommands running it.

#[path = "relay_bench/intake.rs"]
mod intake;
#[path = "relay_bench/load.rs"]
mod load;
#[path = "relay_bench/node.rs"]
mod node;
#[path = "relay_bench/postgres.rs"]
mod postgres;
#[path = "relay_bench/render.rs"]
mod render;
#[path = "relay_bench/resources.rs"]
mod resources;
#[path = "relay_bench/servers.rs"]
mod servers;
#[path = "relay_bench/telegram.rs"]
mod telegram;

#[cfg(test)]
mod tests {
    #[test]
    fn json_lines_put_the_scenario_first_and_stay_valid() {
        let v = serde_json::json!({"p99_ms": 1.5, "errors": 0, "scenario": "x", "req_per_s": 10.0, "zz": "a\"b"});
        let line = super::json_line(&v);
        assert!(
            line.starts_with(r#"{"scenario":"x","req_per_s":10.0,"p99_ms":1.5,"errors":0"#),
            "{line}"
        );
        assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap(), v);
    }
}

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use secrecy::ExposeSecret;

use crate::load::{Pool, Summary};

#[derive(Parser)]
#[command(
    name = "relay-bench",
    about = "Benchmarks for zoom-relay (see BENCHMARKS.md)"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Intake: bare verify-and-200 bound, durable relay, their ratio, acknowledgement latency.
    Intake(RunArgs),
    /// Telegram: fan-out of one event to many chats against the 30/s bound, and event-to-Telegram
    /// latency at light load, through a rate-limiting fake Telegram on loopback.
    Telegram(RunArgs),
    /// Telegram: only the fan-out over four communities' own bots (`telegram_fanout_bots`).
    TelegramBots(RunArgs),
    /// Resources of the real `zoom-relay` binary: RSS idle and under intake load, and the time to
    /// ready with 10,000 routes in the store.
    Resources(RunArgs),
    /// Render fairness: another tenant's alert latency while one tenant renders template bombs.
    Render(RunArgs),
    /// PostgreSQL: durable intake against the bare bound and sled, acknowledgement latency,
    /// 1, 2 and 3 replicas on one database, and a 300-chat Telegram fan-out by three replicas
    /// (needs PostgreSQL; `RELAY_BENCH_PG` is an admin URL).
    Postgres(RunArgs),
    /// Every scenario except the PostgreSQL ones.
    All(RunArgs),
    /// Load one already running server (the bare handler, `serve-durable`, or `zoom-relay serve` with
    /// the example config) without starting any, e.g. to profile it. Prints one JSON line.
    Load {
        /// The server's loopback address, e.g. 127.0.0.1:8080.
        #[arg(long)]
        addr: std::net::SocketAddr,
        /// Paced at this many requests per second instead of a closed loop.
        #[arg(long)]
        rate: Option<f64>,
        #[command(flatten)]
        args: RunArgs,
    },
    /// Serve the bare verify-and-200 handler on 127.0.0.1 (used by the benchmark itself).
    ServeBare {
        /// 0 picks a free port; the address is printed as `LISTENING <addr>`.
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Serve the real relay with its store in DATA_DIR (used by the benchmark itself).
    ServeDurable {
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long)]
        data_dir: PathBuf,
        /// Keeps the store in this PostgreSQL database instead of sled in DATA_DIR.
        #[arg(long)]
        pg_url: Option<String>,
        /// Enables `[telegram]` with this Bot API base URL (must be on 127.0.0.1).
        #[arg(long, requires = "routes")]
        telegram_api_url: Option<String>,
        /// A route document (TOML) seeded into the empty store.
        #[arg(long, requires = "telegram_api_url")]
        routes: Option<PathBuf>,
    },
}

#[derive(Args, Clone)]
struct RunArgs {
    /// Measured seconds per load scenario (after 1 s of warm-up).
    #[arg(long, default_value_t = 5)]
    duration: u64,
    /// Keep-alive connections the load generator uses.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Print only the JSON lines (one per scenario).
    #[arg(long)]
    json_only: bool,
    /// Personal chats that `telegram_fanout` sends one event to.
    #[arg(long, default_value_t = 1000)]
    fanout: usize,
}

/// Options shared by every scenario of a run.
pub struct Opts {
    pub duration: Duration,
    pub connections: usize,
    pub json_only: bool,
    pub fanout: usize,
}

/// State shared along one run: scenarios later in the list read what earlier ones measured.
pub struct Ctx {
    pub opts: Opts,
    pub summaries: HashMap<&'static str, Summary>,
    pool: Option<Arc<Pool>>,
    /// The relay process `rss_idle` starts and `rss_load` loads.
    pub relay: Option<resources::Shared>,
}

/// Requests per second the request pool is sized for (above the bare bound on the reference
/// machine). A durable run faster than this would run out of unique requests and be flagged
/// `pool_exhausted`.
const POOL_RATE_PER_S: f64 = 160_000.0;
/// At most this many pre-signed requests (about 600 bytes each), so long runs stay within memory.
const POOL_MAX: usize = 3_000_000;

impl Ctx {
    fn new(a: &RunArgs) -> Ctx {
        Ctx {
            opts: Opts {
                duration: Duration::from_secs(a.duration),
                connections: a.connections,
                json_only: a.json_only,
                fanout: a.fanout,
            },
            summaries: HashMap::new(),
            pool: None,
            relay: None,
        }
    }

    /// The pre-signed request pool, generated on first use (before any timed window).
    pub fn pool(&mut self) -> anyhow::Result<Arc<Pool>> {
        if let Some(p) = &self.pool {
            return Ok(p.clone());
        }
        let secs = intake::measured_time(self.opts.duration).as_secs_f64();
        let n = ((POOL_RATE_PER_S * secs) as usize).min(POOL_MAX);
        let config = servers::bench_config(std::path::Path::new("unused"))?;
        let app = servers::default_app(&config)?;
        let started = Instant::now();
        let pool = Arc::new(Pool::generate(
            n,
            app.secret_token.expose_secret().as_bytes(),
        )?);
        self.progress(&format!(
            "pre-signed {} unique {}-byte meeting.started requests in {:.1} s",
            pool.len(),
            pool.body_len(),
            started.elapsed().as_secs_f64()
        ));
        self.pool = Some(pool.clone());
        Ok(pool)
    }

    pub fn progress(&self, msg: &str) {
        if !self.opts.json_only {
            eprintln!("relay-bench: {msg}");
        }
    }
}

/// One scenario's result: its JSON line and its row in the human table.
pub struct Report {
    pub json: serde_json::Value,
    pub row: Row,
}

impl Report {
    /// A report whose JSON also records the 1-minute load average from before the scenario ran
    /// (when it is known), so a slow result can be told apart from a busy machine.
    pub fn with_load(mut json: serde_json::Value, row: Row, load_before: Option<f64>) -> Report {
        if let Some(l) = load_before {
            json["load_avg_1m"] = serde_json::json!(l);
        }
        Report { json, row }
    }
}

/// The benchmark's HTTP client: never through a proxy (every peer is on loopback).
pub fn http_client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .context("HTTP client")
}

#[derive(Default)]
pub struct Row {
    pub scenario: String,
    pub rate: String,
    pub p50: String,
    pub p99: String,
    pub errors: String,
    pub target: String,
    pub verdict: String,
}

type RunFn = for<'a> fn(&'a mut Ctx) -> Pin<Box<dyn Future<Output = anyhow::Result<Report>> + 'a>>;

pub struct Scenario {
    pub name: &'static str,
    /// The subcommands that run it (`all` runs every scenario).
    pub groups: &'static [&'static str],
    pub run: RunFn,
}

/// Builds the [`SCENARIOS`] table: `"name" in [groups] => async fn(&mut Ctx)`.
macro_rules! scenarios {
    ($($name:literal in [$($group:literal),*] => $run:path,)*) => {
        &[$(Scenario {
            name: $name,
            groups: &[$($group),*],
            run: |c| Box::pin($run(c)),
        },)*]
    };
}

/// Every scenario, in run order. Later ones may use earlier results (the ratio, the paced rate).
pub const SCENARIOS: &[Scenario] = scenarios! {
    "intake_bare" in ["intake", "postgres"] => intake::bare,
    "intake_durable" in ["intake", "postgres"] => intake::durable,
    "intake_ratio" in ["intake"] => intake::ratio,
    "intake_ack_latency" in ["intake"] => intake::ack_latency,
    "intake_node" in ["intake"] => node::node,
    "pg_intake_durable" in ["postgres"] => postgres::durable,
    "pg_intake_ratio" in ["postgres"] => postgres::ratio,
    "pg_ack_latency" in ["postgres"] => postgres::ack_latency,
    "pg_replicas" in ["postgres"] => postgres::replicas,
    "pg_fanout" in ["postgres"] => postgres::fanout,
    // Before the Telegram scenarios, so the pre-signed requests (signed when the run starts) are
    // still young when `rss_load` sends them.
    "rss_idle" in ["resources"] => resources::rss_idle,
    "rss_load" in ["resources"] => resources::rss_load,
    "ready_10k_routes" in ["resources"] => resources::ready_10k_routes,
    "telegram_fanout" in ["telegram"] => telegram::fanout,
    "telegram_fanout_bots" in ["telegram", "telegram_bots"] => telegram::fanout_bots,
    "telegram_latency" in ["telegram"] => telegram::latency,
    "render_fairness" in ["render"] => render::fairness,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.cmd {
        Cmd::Intake(a) => run_group(Some("intake"), a),
        Cmd::Telegram(a) => run_group(Some("telegram"), a),
        Cmd::TelegramBots(a) => run_group(Some("telegram_bots"), a),
        Cmd::Resources(a) => run_group(Some("resources"), a),
        Cmd::Render(a) => run_group(Some("render"), a),
        Cmd::Postgres(a) => run_group(Some("postgres"), a),
        Cmd::All(a) => run_group(None, a),
        Cmd::Load { addr, rate, args } => load_only(addr, rate, args),
        Cmd::ServeBare { port } => servers::serve_bare(port).map(|_| ExitCode::SUCCESS),
        Cmd::ServeDurable {
            port,
            data_dir,
            pg_url,
            telegram_api_url,
            routes,
        } => {
            let telegram = telegram_api_url
                .zip(routes)
                .map(|(api_url, routes)| servers::TelegramSetup { api_url, routes });
            servers::serve_durable(port, &data_dir, pg_url.as_deref(), telegram)
                .map(|_| ExitCode::SUCCESS)
        }
    };
    match res {
        Ok(code) => code,
        Err(e) => {
            eprintln!("relay-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the scenarios of `group` (all when `None`), prints the table and the JSON lines. Fails
/// (exit 1) when a scenario could not run; a missed target is reported, not an error.
fn run_group(group: Option<&str>, a: RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(a.duration > 0, "--duration must be at least 1");
    anyhow::ensure!(a.connections > 0, "--connections must be at least 1");
    anyhow::ensure!(
        (1..=100_000).contains(&a.fanout),
        "--fanout must be between 1 and 100000"
    );
    let mut ctx = Ctx::new(&a);
    // The load generator's runtime: tokio defaults, like the servers'.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    let load_at_start = load_avg();
    let mut reports = Vec::new();
    let mut failed = 0;
    for s in SCENARIOS.iter().filter(|s| match group {
        Some(g) => s.groups.contains(&g),
        // `all` leaves out the scenarios that need a PostgreSQL server.
        None => s.groups.iter().any(|g| *g != "postgres"),
    }) {
        ctx.progress(&format!("running {}", s.name));
        match rt.block_on((s.run)(&mut ctx)) {
            Ok(r) => reports.push(r),
            Err(e) => {
                failed += 1;
                eprintln!("relay-bench: {} failed: {e:#}", s.name);
                let json = serde_json::json!({"scenario": s.name, "error": format!("{e:#}")});
                reports.push(Report {
                    json,
                    row: Row {
                        scenario: s.name.into(),
                        verdict: "ERROR".into(),
                        ..Row::default()
                    },
                });
            }
        }
    }
    if !ctx.opts.json_only {
        print_table(&ctx.opts, load_at_start, &reports);
    }
    for r in &reports {
        println!("{}", json_line(&r.json));
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn load_only(
    addr: std::net::SocketAddr,
    rate: Option<f64>,
    a: RunArgs,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(addr.ip().is_loopback(), "--addr must be a loopback address");
    let mut ctx = Ctx::new(&a);
    let pool = ctx.pool()?;
    let plan = load::Plan {
        addr,
        connections: a.connections,
        phase_warmup: intake::WARMUP,
        phase_measure: ctx.opts.duration,
        mode: rate.map_or(load::Mode::Closed, |r| load::Mode::Paced { rate_per_s: r }),
        wrap: false,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    let s = rt.block_on(load::run(&plan, &pool))?;
    println!(
        "{}",
        json_line(&intake::load_report("load", &s, "", None).json)
    );
    Ok(ExitCode::SUCCESS)
}

/// One JSON object on one line, with the headline keys first (serde_json's map is sorted).
fn json_line(v: &serde_json::Value) -> String {
    const FIRST: [&str; 9] = [
        "scenario",
        "req_per_s",
        "value",
        "p50_ms",
        "p99_ms",
        "target",
        "pass",
        "errors",
        "flagged",
    ];
    let Some(map) = v.as_object() else {
        return v.to_string();
    };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by_key(|k| (FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len()), *k));
    let fields: Vec<String> = keys
        .into_iter()
        .map(|k| format!("{}:{}", serde_json::Value::from(k.as_str()), map[k]))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// The 1-minute load average (Linux), to show how busy the machine was.
pub fn load_avg() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn print_table(opts: &Opts, load_at_start: Option<f64>, reports: &[Report]) {
    println!(
        "relay-bench: {} connections, {} s measured after 1 s warm-up, {} cores, load average before the run {}",
        opts.connections,
        opts.duration.as_secs(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        load_at_start.map_or("unknown".into(), |l| format!("{l:.2}"))
    );
    let header = Row {
        scenario: "scenario".into(),
        rate: "req/s (or ratio)".into(),
        p50: "p50 ms".into(),
        p99: "p99 ms".into(),
        errors: "errors".into(),
        target: "target".into(),
        verdict: "verdict".into(),
    };
    for r in std::iter::once(&header).chain(reports.iter().map(|r| &r.row)) {
        println!(
            "{:<20} {:>26} {:>8} {:>8} {:>7}  {:<18} {}",
            r.scenario, r.rate, r.p50, r.p99, r.errors, r.target, r.verdict
        );
    }
}

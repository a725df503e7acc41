//! PostgreSQL scenarios (`relay-bench postgres`): durable intake on PostgreSQL against the bare
//! bound and against sled in the same run, the acknowledgement latency at half that rate, the
//! aggregate intake of 1, 2 and 3 replicas sharing one database, and one event fanned out to 300
//! Telegram chats by three replicas that share one pacing budget.
//!
//! Each scenario runs on a database of its own, created on the server at `RELAY_BENCH_PG` (an admin
//! URL, default `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use serde_json::json;

use crate::intake::{WARMUP, load_report, paced_report, ratio_report, round, thousands, verdict};
use crate::load::{self, Mode, Plan, Summary};
use crate::servers::{Kind, ServerProcess};
use crate::{Ctx, Report, Row};

/// PostgreSQL intake should reach at least this fraction of the bare bound.
const RATIO_TARGET: f64 = 0.25;
/// Acknowledgement p99 at half the maximum rate on PostgreSQL.
const ACK_P99_TARGET_MS: f64 = 10.0;
/// Adding a replica must not lower the aggregate rate by more than this (run-to-run noise).
const REPLICA_TOLERANCE: f64 = 0.9;
/// Chats in `pg_fanout`: the cluster check of the PostgreSQL issue (bound 300/30 = 10 s).
const FANOUT_CHATS: usize = 300;
/// Relays in `pg_fanout`.
const FANOUT_REPLICAS: usize = 3;

fn admin_url() -> String {
    std::env::var("RELAY_BENCH_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database of its own for one scenario, dropped (with its connections) by [`FreshDb::drop_now`].
struct FreshDb {
    admin: String,
    name: String,
    url: String,
}

impl FreshDb {
    async fn create() -> anyhow::Result<FreshDb> {
        static N: AtomicU64 = AtomicU64::new(0);
        let admin = admin_url();
        let client = connect(&admin).await?;
        let name = format!(
            "relay_bench_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .with_context(|| format!("creating database {name}"))?;
        let url = with_db(&admin, &name);
        Ok(FreshDb { admin, name, url })
    }

    async fn drop_now(self) -> anyhow::Result<()> {
        let client = connect(&self.admin).await?;
        client
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await
            .with_context(|| format!("dropping database {}", self.name))?;
        Ok(())
    }
}

async fn connect(url: &str) -> anyhow::Result<tokio_postgres::Client> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .context("connecting to PostgreSQL (set RELAY_BENCH_PG to an admin URL)")?;
    tokio::spawn(conn);
    Ok(client)
}

/// `url` with its database replaced by `db`.
fn with_db(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let base = match base.rfind('/') {
        Some(i) if base[..i].contains("://") && !base[..i].ends_with('/') => &base[..i],
        _ => base,
    };
    match query {
        "" => format!("{base}/{db}"),
        q => format!("{base}/{db}?{q}"),
    }
}

/// `replicas` relays on one fresh database, loaded at once, each through its own slice of the
/// pool and its share of the connections; the result is their sum, and the events per second from
/// the first request until every event was dispatched when `drain` asks for it (see
/// [`drained_rate`]; 0 otherwise).
async fn run_replicas(
    ctx: &mut Ctx,
    replicas: usize,
    mode: Mode,
    drain: bool,
) -> anyhow::Result<(Summary, f64)> {
    let pool = ctx.pool()?;
    let db = FreshDb::create().await?;
    let mut servers = Vec::new();
    for _ in 0..replicas {
        servers.push(
            ServerProcess::start(Kind::DurablePg {
                url: db.url.clone(),
            })
            .await?,
        );
    }
    let load_before = crate::load_avg();
    let slices = pool.split(replicas);
    let per_conn = (ctx.opts.connections / replicas).max(1);
    let started = std::time::Instant::now();
    let mut runs = Vec::new();
    for (server, slice) in servers.iter().zip(slices) {
        let plan = Plan {
            addr: server.addr(),
            connections: per_conn,
            phase_warmup: WARMUP,
            phase_measure: ctx.opts.duration,
            mode: match mode {
                Mode::Closed => Mode::Closed,
                Mode::Paced { rate_per_s } => Mode::Paced {
                    rate_per_s: rate_per_s / replicas as f64,
                },
            },
            wrap: false,
        };
        let slice = Arc::new(slice);
        runs.push(tokio::spawn(async move { load::run(&plan, &slice).await }));
    }
    let mut parts = Vec::new();
    for r in runs {
        parts.push(r.await.context("load task")?);
    }
    let drained = match drain {
        true => drained_rate(&db.url, started).await,
        false => Ok(0.0),
    };
    let mut stopped = Ok(());
    for s in servers {
        if let Err(e) = s.stop().await {
            stopped = Err(e);
        }
    }
    db.drop_now().await?;
    stopped?;
    let parts = parts.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let mut sum = combine(&parts);
    sum.load_avg = load_before;
    Ok((sum, drained?))
}

/// Waits until no event is pending in the database and returns the events taken in per second from
/// `started` until then. A closed-loop intake benchmark counts acknowledgements, and one relay
/// acknowledges faster than its dispatcher dispatches: at the end of its load most events may still
/// be waiting. Counting until they are dispatched compares replica counts doing the same work.
async fn drained_rate(url: &str, started: std::time::Instant) -> anyhow::Result<f64> {
    let client = connect(url).await?;
    let deadline = started + std::time::Duration::from_secs(600);
    loop {
        let pending: i64 = client
            .query_one("SELECT count(*) FROM events WHERE pending", &[])
            .await?
            .get(0);
        if pending == 0 {
            break;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "{pending} events still pending 10 minutes after the load started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let events: i64 = client
        .query_one("SELECT count(*) FROM events", &[])
        .await?
        .get(0);
    Ok(events as f64 / elapsed)
}

/// Several simultaneous runs as one: rates and counts add up, latency percentiles are the worst
/// of the parts (a conservative stand-in: the parts' samples are not kept).
fn combine(parts: &[Summary]) -> Summary {
    let mut s = parts[0].clone();
    for p in &parts[1..] {
        s.ok += p.ok;
        s.req_per_s += p.req_per_s;
        s.errors += p.errors;
        s.duplicates += p.duplicates;
        s.pool_exhausted |= p.pool_exhausted;
        s.p50_ms = s.p50_ms.max(p.p50_ms);
        s.p99_ms = s.p99_ms.max(p.p99_ms);
        s.p999_ms = s.p999_ms.max(p.p999_ms);
        s.max_ms = s.max_ms.max(p.max_ms);
        s.lag_p99_ms = match (s.lag_p99_ms, p.lag_p99_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if s.first_error.is_none() {
            s.first_error = p.first_error.clone();
        }
    }
    s
}

pub async fn durable(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let (s, _) = run_replicas(ctx, 1, Mode::Closed, false).await?;
    ctx.summaries.insert("pg_intake_durable", s.clone());
    Ok(load_report("pg_intake_durable", &s, "", None))
}

pub async fn ratio(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let (Some(b), Some(sled), Some(pg)) = (
        ctx.summaries.get("intake_bare"),
        ctx.summaries.get("intake_durable"),
        ctx.summaries.get("pg_intake_durable"),
    ) else {
        anyhow::bail!("pg_intake_ratio needs intake_bare, intake_durable and pg_intake_durable");
    };
    let value = pg.req_per_s / b.req_per_s;
    let of_sled = pg.req_per_s / sled.req_per_s;
    let flagged = b.flagged() || pg.flagged() || sled.flagged();
    let rates = json!({
        "of_sled": round(of_sled, 3),
        "bare_req_per_s": round(b.req_per_s, 0),
        "sled_req_per_s": round(sled.req_per_s, 0),
        "pg_req_per_s": round(pg.req_per_s, 0),
    });
    let rate = format!("{value:.3} ({of_sled:.2} x sled)");
    Ok(ratio_report(
        "pg_intake_ratio",
        value,
        RATIO_TARGET,
        flagged,
        rate,
        rates,
    ))
}

pub async fn ack_latency(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let Some(d) = ctx.summaries.get("pg_intake_durable") else {
        anyhow::bail!("pg_ack_latency needs pg_intake_durable in the same run");
    };
    if d.flagged() {
        anyhow::bail!("pg_intake_durable is flagged, so its rate cannot set the pace");
    }
    let rate = d.req_per_s / 2.0;
    let (s, _) = run_replicas(ctx, 1, Mode::Paced { rate_per_s: rate }, false).await?;
    Ok(paced_report("pg_ack_latency", &s, rate, ACK_P99_TARGET_MS))
}

/// Aggregate intake with 1, 2 and 3 replicas on one database, the same total connections, counted
/// twice: acknowledged requests per second in the measured window, and events per second until
/// every one was dispatched. The verdict is on the second: it is the rate a cluster sustains,
/// while the first rewards a relay that leaves its dispatching for later.
pub async fn replicas(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let mut acked = Vec::new();
    let mut drained = Vec::new();
    let mut flagged = false;
    let mut worst_p99: f64 = 0.0;
    for n in 1..=3 {
        ctx.progress(&format!("pg_replicas: {n} replica(s)"));
        let (s, d) = run_replicas(ctx, n, Mode::Closed, true).await?;
        flagged |= s.flagged();
        worst_p99 = worst_p99.max(s.p99_ms);
        acked.push(s.req_per_s);
        drained.push(d);
    }
    let holds = |r: &[f64]| r.iter().all(|x| *x >= REPLICA_TOLERANCE * r[0]);
    let pass = !flagged && holds(&drained);
    Ok(Report {
        json: json!({
            "scenario": "pg_replicas",
            "req_per_s_1": round(acked[0], 0),
            "req_per_s_2": round(acked[1], 0),
            "req_per_s_3": round(acked[2], 0),
            "ratio_2_to_1": round(acked[1] / acked[0], 3),
            "ratio_3_to_1": round(acked[2] / acked[0], 3),
            "acknowledged_holds": holds(&acked),
            "dispatched_per_s_1": round(drained[0], 0),
            "dispatched_per_s_2": round(drained[1], 0),
            "dispatched_per_s_3": round(drained[2], 0),
            "worst_p99_ms": round(worst_p99, 3),
            "target": format!("until dispatched, each >= {REPLICA_TOLERANCE} x one replica"),
            "pass": pass,
            "flagged": flagged,
        }),
        row: Row {
            scenario: "pg_replicas".into(),
            rate: format!(
                "acked {} / {} / {}; until dispatched {} / {} / {}",
                thousands(acked[0]),
                thousands(acked[1]),
                thousands(acked[2]),
                thousands(drained[0]),
                thousands(drained[1]),
                thousands(drained[2])
            ),
            p99: format!("{worst_p99:.2}"),
            target: "1/2/3 replicas until dispatched: no fall".into(),
            verdict: verdict(pass, flagged),
            ..Row::default()
        },
    })
}

/// One event to [`FANOUT_CHATS`] chats, sent by [`FANOUT_REPLICAS`] relays on one database through
/// the rate-limiting fake Telegram: every replica's workers take jobs, and the 30/s budget is
/// shared through the database, so the fan-out must still take at most 1.05 x N/30 s with no 429.
pub async fn fanout(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let db = FreshDb::create().await?;
    let res = crate::telegram::fanout_on(
        ctx,
        "pg_fanout",
        FANOUT_CHATS,
        Some(&db.url),
        FANOUT_REPLICAS,
    )
    .await;
    db.drop_now().await?;
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_replaced_in_urls() {
        assert_eq!(
            with_db("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_db("postgres://u@h/postgres?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }

    #[test]
    fn combined_runs_add_rates_and_keep_the_worst_latency() {
        let part = |rate: f64, p99: f64| Summary {
            ok: rate as u64,
            window_s: 1.0,
            req_per_s: rate,
            p50_ms: 1.0,
            p99_ms: p99,
            p999_ms: p99,
            max_ms: p99,
            lag_p99_ms: None,
            errors: 0,
            duplicates: 0,
            pool_exhausted: false,
            first_error: None,
            load_avg: None,
        };
        let s = combine(&[part(100.0, 2.0), part(50.0, 7.0)]);
        assert_eq!(s.req_per_s, 150.0);
        assert_eq!(s.ok, 150);
        assert_eq!(s.p99_ms, 7.0);
    }
}

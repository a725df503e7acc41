//! Telegram scenarios: the real relay (a `serve-durable` child with `[telegram] api_url` pointed at
//! a fake Bot API on loopback, run in the benchmark's own process) against Telegram's limits.
//!
//! - `telegram_fanout`: one `meeting.started` to N personal chats (one route, N destinations). The
//!   bound is N/30 s (30 messages per second overall); the ratio is elapsed / bound, counted from
//!   the webhook's 200 to the fake accepting the last of the N messages.
//! - `telegram_latency`: signed events 200 ms apart, each routed to its own chat (so per-chat
//!   pacing never delays one), timed from sending the webhook to the fake receiving the message.
//!
//! The fake (`telegram/fake.rs`) is adapted from the integration tests' FakeTelegram: it enforces 30/s overall, 1/s per
//! chat and 20/min per group (negative ids) and answers 429 with `retry_after` when a send exceeds
//! them, forgiving 50 ms of jitter as the tests' fake does.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::body::Bytes;
use secrecy::ExposeSecret;
use serde_json::json;
use zoom_relay::zoom::samples::{SampleParams, sample};
use zoom_relay::zoom::{EventKind, Verifier};

#[path = "telegram/bots.rs"]
mod bots;
#[path = "telegram/fake.rs"]
mod fake;
#[path = "telegram/measure.rs"]
mod measure;

pub use bots::fanout_bots;

use fake::{FakeTelegram, OVERALL_PER_SEC};
use measure::{FanoutMeasure, FanoutSetup, chats_reached};

use crate::intake::{round, verdict};
use crate::load::percentile;
use crate::servers::{self, Kind, ServerProcess};
use crate::{Ctx, Report, Row};

/// The bot token the relay is configured with; the fake refuses any other.
pub const BOT_TOKEN: &str = "123456:relay-bench-token";

const FANOUT_RATIO_TARGET: f64 = 1.05;
const LATENCY_EVENTS: usize = 50;
const LATENCY_SPACING: Duration = Duration::from_millis(200);
const LATENCY_P99_TARGET_MS: f64 = 50.0;
/// How often the benchmark looks at what the fake received (arrival times are stamped by the fake
/// itself, so this only bounds how soon a wait notices).
const POLL: Duration = Duration::from_millis(5);
/// Meeting ids of the latency events: `LATENCY_MEETING + i`, `LATENCY_MEETING - 1` for the warm-up.
const LATENCY_MEETING: u64 = 81_000_000_000;
/// Chats of the latency events (`LATENCY_CHAT + i`), apart from the fan-out's 1..=N.
const LATENCY_CHAT: i64 = 5_000_000;

// ---------------------------------------------------------------------------------------------
// Events and routes.

/// A signed `meeting.started` webhook.
struct Event {
    body: Bytes,
    timestamp: String,
    signature: String,
}

struct Signer {
    verifier: Verifier,
    run_tag: u32,
}

impl Signer {
    fn new() -> anyhow::Result<Signer> {
        let config = servers::bench_config(std::path::Path::new("unused"))?;
        let app = servers::default_app(&config)?;
        let verifier = Verifier::new(app.secret_token.expose_secret().as_bytes(), 0, 0);
        let now = chrono::Utc::now();
        let run_tag = (now.timestamp_subsec_micros() ^ std::process::id()) & 0xff_ffff;
        Ok(Signer { verifier, run_tag })
    }

    /// Event `i` of meeting `meeting_id`, with its own meeting instance (24 characters).
    fn event(&self, meeting_id: u64, i: u64) -> anyhow::Result<Event> {
        self.event_for(&SampleParams::default().account_id, meeting_id, i)
    }

    /// [`Signer::event`] of another Zoom account.
    fn event_for(&self, account: &str, meeting_id: u64, i: u64) -> anyhow::Result<Event> {
        let now = chrono::Utc::now();
        let p = SampleParams {
            account_id: account.into(),
            meeting_id,
            uuid: Some(format!("tg{:06x}{i:014x}==", self.run_tag)),
            topic: "Telegram benchmark".into(),
            now,
            ..SampleParams::default()
        };
        let v = sample(&EventKind::MeetingStarted, &p).context("meeting.started sample")?;
        let body = serde_json::to_vec(&v)?;
        let timestamp = now.timestamp().to_string();
        let signature = self.verifier.sign(&timestamp, &body);
        Ok(Event {
            body: Bytes::from(body),
            timestamp,
            signature,
        })
    }
}

/// POSTs the event to the relay's `/zoom/webhook` and reads the whole answer, which must be 200
/// and not a duplicate.
async fn post(client: &reqwest::Client, addr: SocketAddr, e: &Event) -> anyhow::Result<()> {
    let resp = client
        .post(format!("http://{addr}{}", crate::load::PATH))
        .header("content-type", "application/json; charset=utf-8")
        .header("user-agent", "Zoom Marketplace/1.1a")
        .header("x-zm-request-timestamp", &e.timestamp)
        .header("x-zm-signature", &e.signature)
        .body(e.body.clone())
        .send()
        .await
        .context("sending the webhook")?;
    let status = resp.status();
    let text = resp.text().await.context("reading the webhook answer")?;
    if status != reqwest::StatusCode::OK || text.contains("duplicate") {
        bail!(
            "the relay answered {status}: {}",
            &text[..text.len().min(200)]
        );
    }
    Ok(())
}

fn client() -> anyhow::Result<reqwest::Client> {
    crate::http_client(Duration::from_secs(30))
}

fn route_header(out: &mut String, name: &str) {
    let _ = write!(
        out,
        "[[routes]]\nname = \"{name}\"\napp_id = \"default\"\naccount_id = \"{}\"\nevents = [\"meeting.started\"]\n",
        SampleParams::default().account_id
    );
}

/// One route sending every `meeting.started` to each of `chats`.
fn fanout_routes(chats: impl Iterator<Item = i64>) -> String {
    let mut out = String::new();
    route_header(&mut out, "bench: fan-out");
    for c in chats {
        let _ = write!(
            out,
            "\n  [[routes.destinations]]\n  kind = \"telegram\"\n  chat_id = {c}\n"
        );
    }
    out
}

/// One route per meeting id, each to its own chat.
fn latency_routes(pairs: impl Iterator<Item = (u64, i64)>) -> String {
    let mut out = String::new();
    for (meeting, chat) in pairs {
        route_header(&mut out, &format!("bench: latency {meeting}"));
        let _ = write!(
            out,
            "meeting_ids = [{meeting}]\n\n  [[routes.destinations]]\n  kind = \"telegram\"\n  chat_id = {chat}\n\n"
        );
    }
    out
}

/// Sums the relay's `/metrics` samples named `name` whose labels include `channel="telegram"`
/// (0 when none is there yet, None when the page cannot be read).
async fn telegram_metric(client: &reqwest::Client, addr: SocketAddr, name: &str) -> Option<f64> {
    let text = client
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let mut sum = Some(0.0);
    for line in text.lines() {
        let Some(rest) = line.strip_prefix(name) else {
            continue;
        };
        if !rest.starts_with('{') || !rest.contains("channel=\"telegram\"") {
            continue;
        }
        if let Some(v) = rest.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()) {
            *sum.get_or_insert(0.0) += v;
        }
    }
    sum
}

/// Starts the fake and a relay with `routes`, runs `body`, then stops the relay whatever happened.
async fn with_relay<T>(
    routes: String,
    body: impl AsyncFnOnce(&FakeTelegram, SocketAddr) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    with_relays(
        routes,
        None,
        1,
        async |fake: &FakeTelegram, addrs: &[SocketAddr]| body(fake, addrs[0]).await,
    )
    .await
}

/// Starts the fake and `replicas` relays with `routes` (on one PostgreSQL database at `pg_url`, or
/// one relay on sled), runs `body` with their addresses, then stops them whatever happened. The
/// first relay seeds the routes into the empty store before the others start.
async fn with_relays<T>(
    routes: String,
    pg_url: Option<&str>,
    replicas: usize,
    body: impl AsyncFnOnce(&FakeTelegram, &[SocketAddr]) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    anyhow::ensure!(
        replicas == 1 || pg_url.is_some(),
        "several replicas need PostgreSQL"
    );
    let fake = FakeTelegram::start().await?;
    let mut servers = Vec::new();
    let mut started = Ok(());
    for _ in 0..replicas {
        match ServerProcess::start(Kind::Telegram {
            api_url: fake.url(),
            routes: routes.clone(),
            pg_url: pg_url.map(str::to_string),
        })
        .await
        {
            Ok(s) => servers.push(s),
            Err(e) => {
                started = Err(e);
                break;
            }
        }
    }
    let addrs: Vec<SocketAddr> = servers.iter().map(ServerProcess::addr).collect();
    let res = match started {
        Ok(()) => body(&fake, &addrs).await,
        Err(e) => Err(e),
    };
    let mut stopped = Ok(());
    for s in servers {
        if let Err(e) = s.stop().await {
            stopped = Err(e);
        }
    }
    let out = res?;
    stopped?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// telegram_fanout

pub async fn fanout(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let n = ctx.opts.fanout;
    fanout_on(ctx, "telegram_fanout", n, None, 1).await
}

/// One `meeting.started` to `n` chats, sent by `replicas` relays (on the PostgreSQL database at
/// `pg_url`, or one relay on sled); the webhook goes to the first relay, and every relay's workers
/// take the jobs. Reported as `scenario`.
pub async fn fanout_on(
    ctx: &mut Ctx,
    scenario: &str,
    n: usize,
    pg_url: Option<&str>,
    replicas: usize,
) -> anyhow::Result<Report> {
    let load_before = crate::load_avg();
    let signer = Signer::new()?;
    let event = signer.event(SampleParams::default().meeting_id, 0)?;
    let bound = Duration::from_secs_f64(n as f64 / OVERALL_PER_SEC as f64);
    // Generous, but bounded: twice the bound plus 20 s.
    let allowance = bound * 2 + Duration::from_secs(20);
    ctx.progress(&format!(
        "{scenario}: one event to {n} chats by {replicas} relay(s), bound {:.1} s (gives up after \
         {:.0} s)",
        bound.as_secs_f64(),
        allowance.as_secs_f64()
    ));
    let routes = fanout_routes(1..=n as i64);
    let m = with_relays(
        routes,
        pg_url,
        replicas,
        async |fake: &FakeTelegram, addrs: &[SocketAddr]| {
            let client = client()?;
            post(&client, addrs[0], &event).await?;
            let acked = Instant::now();
            let complete = fake
                .wait_for(acked + allowance, |s| {
                    s.accepted.len() >= n && chats_reached(s) >= n
                })
                .await;
            // A moment for anything still in flight (a stray resend or 429) to show.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let mut deferrals = Some(0.0);
            for addr in addrs {
                deferrals = match (
                    deferrals,
                    telegram_metric(&client, *addr, "delivery_deferrals_total").await,
                ) {
                    (Some(a), Some(b)) => Some(a + b),
                    _ => None,
                };
            }
            Ok(fake.with(|s| FanoutMeasure::new(s, acked, n, complete, deferrals)))
        },
    )
    .await?;

    let mut extra = m.pacing_detail();
    extra["replicas"] = json!(replicas);
    extra["backend"] = json!(if pg_url.is_some() { "postgres" } else { "sled" });
    Ok(m.report(
        scenario,
        n,
        bound,
        FanoutSetup::default(),
        extra,
        load_before,
    ))
}

// ---------------------------------------------------------------------------------------------
// telegram_latency

pub async fn latency(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let load_before = crate::load_avg();
    let signer = Signer::new()?;
    // Event i: meeting LATENCY_MEETING + i to chat LATENCY_CHAT + i; the warm-up is i = -1.
    let warmup = signer.event(LATENCY_MEETING - 1, 0)?;
    let events = (0..LATENCY_EVENTS as u64)
        .map(|i| signer.event(LATENCY_MEETING + i, i + 1))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let routes = latency_routes(
        (-1..LATENCY_EVENTS as i64)
            .map(|i| ((LATENCY_MEETING as i64 + i) as u64, LATENCY_CHAT + i)),
    );
    ctx.progress(&format!(
        "telegram_latency: {LATENCY_EVENTS} events {} ms apart, each to its own chat",
        LATENCY_SPACING.as_millis()
    ));
    let m = with_relay(routes, async |fake: &FakeTelegram, addr| {
        let client = client()?;
        // Warm-up (not measured): the relay's first Telegram request opens its connection.
        post(&client, addr, &warmup).await?;
        let warm = LATENCY_CHAT - 1;
        if !fake
            .wait_for(Instant::now() + Duration::from_secs(30), |s| {
                s.accepted.iter().any(|(c, _)| *c == warm)
            })
            .await
        {
            bail!("the warm-up message did not reach the fake Telegram within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let start = Instant::now() + LATENCY_SPACING;
        let mut sent = Vec::with_capacity(events.len());
        let mut acks = Vec::with_capacity(events.len());
        let mut lags = Vec::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            let due = start + LATENCY_SPACING * i as u32;
            tokio::time::sleep_until(due.into()).await;
            let t = Instant::now();
            post(&client, addr, e).await?;
            acks.push(t.elapsed());
            lags.push(t.saturating_duration_since(due));
            sent.push(t);
        }
        let n = events.len();
        let complete = fake
            .wait_for(Instant::now() + Duration::from_secs(30), |s| {
                s.accepted
                    .iter()
                    .filter(|(c, _)| (LATENCY_CHAT..LATENCY_CHAT + n as i64).contains(c))
                    .count()
                    >= n
            })
            .await;
        let deferrals = telegram_metric(&client, addr, "delivery_deferrals_total").await;
        Ok(fake.with(|s| {
            let mut first: HashMap<i64, Instant> = HashMap::new();
            for (c, at) in &s.accepted {
                first.entry(*c).or_insert(*at);
            }
            let lat: Vec<Option<Duration>> = sent
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    first
                        .get(&(LATENCY_CHAT + i as i64))
                        .map(|at| at.saturating_duration_since(*t))
                })
                .collect();
            LatencyMeasure {
                complete,
                latencies: lat.iter().flatten().copied().collect(),
                missing: lat.iter().filter(|l| l.is_none()).count(),
                acks,
                lags,
                throttled: s.throttled,
                refused: s.refused,
                deferrals,
            }
        }))
    })
    .await?;

    let ns = |v: &[Duration]| {
        let mut v: Vec<u64> = v.iter().map(|d| d.as_nanos() as u64).collect();
        v.sort_unstable();
        v
    };
    let ms = |v: &[u64], q: f64| percentile(v, q) as f64 / 1e6;
    let lat = ns(&m.latencies);
    let acks = ns(&m.acks);
    let lags = ns(&m.lags);
    let (p50, p99) = (ms(&lat, 0.5), ms(&lat, 0.99));
    let flagged = !m.complete || m.missing > 0 || m.refused > 0;
    let pass = !flagged && m.throttled == 0 && p99 <= LATENCY_P99_TARGET_MS;
    let rate = 1.0 / LATENCY_SPACING.as_secs_f64();
    let j = json!({
        "scenario": "telegram_latency",
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "target": format!("p99<={LATENCY_P99_TARGET_MS}ms"),
        "pass": pass,
        "errors": m.throttled + m.refused + m.missing,
        "flagged": flagged,
        "events": LATENCY_EVENTS,
        "spacing_ms": LATENCY_SPACING.as_millis() as u64,
        "min_ms": round(ms(&lat, 0.0), 3),
        "max_ms": round(ms(&lat, 1.0), 3),
        "mean_ms": round(lat.iter().sum::<u64>() as f64 / lat.len().max(1) as f64 / 1e6, 3),
        "ack_p50_ms": round(ms(&acks, 0.5), 3),
        "ack_p99_ms": round(ms(&acks, 0.99), 3),
        "send_lag_p99_ms": round(ms(&lags, 0.99), 3),
        "missing": m.missing,
        "http_429": m.throttled,
        "refused": m.refused,
        "telegram_deferrals": m.deferrals,
    });
    let row = Row {
        scenario: "telegram_latency".into(),
        rate: format!("{rate:.0}/s paced, {LATENCY_EVENTS} events"),
        p50: format!("{p50:.2}"),
        p99: format!("{p99:.2}"),
        errors: (m.throttled + m.refused + m.missing).to_string(),
        target: format!("p99 <= {LATENCY_P99_TARGET_MS} ms"),
        verdict: verdict(pass, flagged),
    };
    Ok(Report::with_load(j, row, load_before))
}

struct LatencyMeasure {
    complete: bool,
    latencies: Vec<Duration>,
    missing: usize,
    acks: Vec<Duration>,
    lags: Vec<Duration>,
    throttled: usize,
    refused: usize,
    deferrals: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_routes_are_valid_route_documents() {
        let doc: zoom_relay::routing::RouteDocument =
            toml::from_str(&fanout_routes(1..=3)).unwrap();
        assert_eq!(doc.routes.len(), 1);
        assert_eq!(doc.routes[0].destinations.len(), 3);
        let doc: zoom_relay::routing::RouteDocument =
            toml::from_str(&latency_routes([(7, 70), (8, 80)].into_iter())).unwrap();
        assert_eq!(doc.routes.len(), 2);
        assert_eq!(doc.routes[1].meeting_ids, vec![8]);
    }
}

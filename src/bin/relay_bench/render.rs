//! `render_fairness`: another tenant's alert latency while one tenant renders template bombs.
//!
//! One store, one dispatcher (in process, driven by `step()` like the relay's dispatch loop).
//! Tenant A has five routes, each holding a bomb written around the save checks (as an old store
//! or the operator's own edits could hold it): a five-deep `{{#each}}` over the meeting, a
//! three-deep one that passes every static limit but writes a 200-character topic 1,331 times,
//! and a three-deep one that writes nothing but calls helpers 30,000 times.
//! Each round appends A's event, then tenant B's plain alert, and measures how long B's event
//! waits until it is dispatched. The baseline is the same rounds with A's routes on the default
//! templates. "Before" is the time the old code spent on A's event, measured here by rendering
//! the same bombs with handlebars' stock registry (no budget), which is what dispatch did.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use zoom_relay::dispatch::{DispatchOutcome, Dispatcher};
use zoom_relay::render::Renderer;
use zoom_relay::routing::Route;
use zoom_relay::store::{Backend, Db, NewEvent, Store};
use zoom_relay::zoom::event::{ParsedEvent, parse};

use crate::intake::{round, verdict};
use crate::{Ctx, Report, Row, servers};

const ROUNDS: usize = 20;
/// The goal: one tenant's renders delay no other tenant's alert by more than this.
const TARGET_MS: f64 = 100.0;

fn bomb(depth: usize, salt: usize) -> String {
    "{{#each meeting}}".to_owned()
        + &"{{#each @root.meeting}}".repeat(depth - 1)
        + &format!("{{{{@root.meeting.topic}}}}{salt}")
        + &"{{/each}}".repeat(depth)
}

/// Within every static limit and writing nothing, but busy: 1,331 repeats of a dozen helper calls.
fn busy(salt: usize) -> String {
    "{{#each meeting}}{{#each @root.meeting}}{{#each @root.meeting}}".to_owned()
        + &"{{#if (and (eq @root.meeting.topic \"a\") (ne @root.meeting.id 1))}}x{{/if}}".repeat(12)
        + &format!("{{{{/each}}}}{{{{/each}}}}{{{{/each}}}}{salt}")
}

/// Tenant A's five templates: static-limit breakers, output bombs and busy loops.
fn bombs(i: usize) -> String {
    match i % 3 {
        0 => bomb(5, i),
        1 => bomb(3, i),
        _ => busy(i),
    }
}

/// A route to its own webhook target (never contacted: the bench only dispatches).
fn route(account: &str, name: &str, template: Option<String>) -> anyhow::Result<Route> {
    let templates = match template {
        Some(t) => json!({"webhook.json": t}),
        None => json!({}),
    };
    Ok(serde_json::from_value(json!({
        "name": name, "app_id": "default", "account_id": account,
        "events": ["meeting.started"],
        "destinations": [{"kind": "webhook", "url": format!("http://127.0.0.1:9/{account}/{name}"),
            "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}],
        "templates": templates,
    }))?)
}

fn body(account: &str, n: usize, topic: &str) -> String {
    json!({
        "event": "meeting.started", "event_ts": chrono::Utc::now().timestamp_millis(),
        "payload": {"account_id": account, "object": {
            "id": "85393847045", "uuid": format!("bench-{account}-{n}"), "host_id": "h",
            "topic": topic, "type": 2, "start_time": "2026-01-13T18:00:00Z",
            "timezone": "UTC", "duration": 60
        }}
    })
    .to_string()
}

async fn append(db: &dyn Backend, account: &str, n: usize, topic: &str) -> anyhow::Result<u64> {
    let b = body(account, n, topic);
    let parsed = parse(b.as_bytes())?;
    let key = parsed.dedup_key("default", b.as_bytes());
    let ev = NewEvent {
        app_id: "default".into(),
        account_id: Some(account.into()),
        event: parsed.kind().to_string(),
        event_ts: None,
        zm_request_id: None,
        zm_tracking_id: None,
        parse_error: None,
        body: b,
    };
    match db.append_event(key, ev).await? {
        zoom_relay::store::AppendOutcome::Accepted { seq } => Ok(seq),
        other => anyhow::bail!("event not accepted: {other:?}"),
    }
}

/// B's wait per round, in ms, with A's routes holding bombs or not.
async fn rounds(bombs: bool) -> anyhow::Result<Vec<f64>> {
    let dir = servers::TempDir::new("render")?;
    let mut config = servers::bench_config(dir.path())?;
    // A webhook-only app routes by account id alone, so the bench needs no installs.
    for app in &mut config.zoom.apps {
        app.client_id = None;
        app.client_secret = None;
    }
    let db: Db = Arc::new(Store::open(&config.server.data_dir, &config.store)?);
    let (a, b) = ("acct-bench-a", "acct-bench-b");
    for i in 0..5 {
        let t = bombs.then(|| self::bombs(i));
        db.put_route(&route(a, &format!("a{i}"), t)?).await?;
    }
    db.put_route(&route(b, "b", None)?).await?;
    let d = Dispatcher::new(
        db.clone(),
        Arc::new(Renderer::new()?),
        Arc::new(config.clone()),
    );
    let topic = "x".repeat(200);
    let mut waits = Vec::with_capacity(ROUNDS);
    for n in 0..ROUNDS {
        append(&*db, a, n, &topic).await?;
        let b_seq = append(&*db, b, n, "Calm call").await?;
        let started = Instant::now();
        let mut b_done = None;
        loop {
            match d.step().await? {
                DispatchOutcome::Idle => break,
                DispatchOutcome::Dispatched { seq, .. } if seq == b_seq => {
                    b_done = Some(started.elapsed());
                }
                _ => {}
            }
        }
        let wait = b_done.ok_or_else(|| anyhow::anyhow!("B's event was not dispatched"))?;
        waits.push(wait.as_secs_f64() * 1000.0);
        // A short pause between rounds: A's bucket refills only partly, so later rounds show
        // both the deferral and the known-bomb memory at work.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if bombs {
        // Every round, A's two output bombs and two static-limit breakers are dead letters.
        anyhow::ensure!(
            db.list_dead().await?.len() == 4 * ROUNDS,
            "expected A's over-limit messages as dead letters"
        );
    }
    Ok(waits)
}

/// Milliseconds the old dispatch spent rendering A's five bombs: stock handlebars, no budget.
fn unbudgeted_ms() -> anyhow::Result<f64> {
    let b = body("acct-bench-a", 0, &"x".repeat(200));
    let ParsedEvent::Ok(ev) = parse(b.as_bytes())? else {
        anyhow::bail!("bench event does not parse");
    };
    let ctx = zoom_relay::render::build_context(&zoom_relay::render::ContextInput {
        event: &ev,
        app_id: "default",
        route_name: "a",
        timezone: "UTC",
        locale: None,
        include_join_link: false,
        join_url: None,
        password: None,
        public_url: "https://relay.example.org",
        unsubscribe_url: None,
    });
    let mut reg = handlebars::Handlebars::new();
    reg.set_strict_mode(true);
    let started = Instant::now();
    for i in 0..5 {
        let t = bombs(i);
        let out = reg.render_template(&t, &ctx)?;
        std::hint::black_box(out.len());
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

fn stats(v: &[f64]) -> (f64, f64) {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    (s[s.len() / 2], *s.last().unwrap_or(&0.0))
}

pub async fn fairness(ctx: &mut Ctx) -> anyhow::Result<Report> {
    ctx.progress("render_fairness: baseline rounds (no bombs)");
    let base = rounds(false).await?;
    ctx.progress("render_fairness: rounds with tenant A's bombs");
    let with = rounds(true).await?;
    ctx.progress("render_fairness: the old path (stock handlebars, no budget)");
    let before = tokio::task::spawn_blocking(unbudgeted_ms).await??;
    let (b50, bmax) = stats(&base);
    let (w50, wmax) = stats(&with);
    let added_max = wmax - b50;
    let pass = added_max <= TARGET_MS;
    Ok(Report {
        json: json!({
            "scenario": "render_fairness",
            "p50_ms": round(w50, 2),
            "max_ms": round(wmax, 2),
            "baseline_p50_ms": round(b50, 2),
            "baseline_max_ms": round(bmax, 2),
            "added_max_ms": round(added_max, 2),
            "before_ms": round(before, 1),
            "before_over_after_max": round(before / wmax.max(0.001), 1),
            "target": format!("added<={TARGET_MS}ms"),
            "pass": pass,
        }),
        row: Row {
            scenario: "render_fairness".into(),
            rate: format!("before {before:.0} ms"),
            p50: format!("{w50:.2} ms"),
            p99: format!("{wmax:.2} ms (max)"),
            errors: "0".into(),
            target: format!("+<= {TARGET_MS} ms"),
            verdict: verdict(pass, false),
        },
    })
}

//! Intake scenarios: the bare verify-and-200 bound, the durable relay, their ratio, and the
//! acknowledgement latency of the durable relay at half its measured maximum rate.

use std::time::Duration;

use serde_json::json;

use crate::load::{self, Mode, Plan, Summary};
use crate::servers::{Kind, ServerProcess};
use crate::{Ctx, Report, Row};

pub const WARMUP: Duration = Duration::from_secs(1);
/// Durable intake should reach at least this fraction of the bare bound.
const RATIO_TARGET: f64 = 0.5;
/// Acknowledgement p99 at half the maximum rate.
const ACK_P99_TARGET_MS: f64 = 5.0;

pub async fn bare(ctx: &mut Ctx) -> anyhow::Result<Report> {
    // The bare handler stores nothing, so reusing the pool if it runs out changes nothing.
    let s = run(ctx, Kind::Bare, Mode::Closed, true).await?;
    ctx.summaries.insert("intake_bare", s.clone());
    Ok(load_report("intake_bare", &s, "(the bound)", None))
}

pub async fn durable(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let s = run(ctx, Kind::Durable, Mode::Closed, false).await?;
    ctx.summaries.insert("intake_durable", s.clone());
    Ok(load_report("intake_durable", &s, "", None))
}

pub async fn ratio(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let (Some(b), Some(d)) = (
        ctx.summaries.get("intake_bare"),
        ctx.summaries.get("intake_durable"),
    ) else {
        anyhow::bail!("intake_ratio needs intake_bare and intake_durable in the same run");
    };
    let value = d.req_per_s / b.req_per_s;
    let flagged = b.flagged() || d.flagged();
    let rates = json!({
        "bare_req_per_s": round(b.req_per_s, 0),
        "durable_req_per_s": round(d.req_per_s, 0),
    });
    let rate = format!("{value:.3}");
    Ok(ratio_report(
        "intake_ratio",
        value,
        RATIO_TARGET,
        flagged,
        rate,
        rates,
    ))
}

/// A ratio of intake rates (`value`, at least `target` to pass) with the `rates` it came from.
pub fn ratio_report(
    name: &str,
    value: f64,
    target: f64,
    flagged: bool,
    rate: String,
    rates: serde_json::Value,
) -> Report {
    let pass = value >= target && !flagged;
    let mut j = json!({
        "scenario": name,
        "value": round(value, 3),
        "target": format!(">={target}"),
        "pass": pass,
        "flagged": flagged,
    });
    if let (Some(j), serde_json::Value::Object(rates)) = (j.as_object_mut(), rates) {
        j.extend(rates);
    }
    Report {
        json: j,
        row: Row {
            scenario: name.into(),
            rate,
            target: format!(">= {target} x bare"),
            verdict: verdict(pass, flagged),
            ..Row::default()
        },
    }
}

pub async fn ack_latency(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let Some(d) = ctx.summaries.get("intake_durable") else {
        anyhow::bail!(
            "intake_ack_latency needs intake_durable in the same run (its rate sets the pace)"
        );
    };
    if d.flagged() {
        anyhow::bail!("intake_durable is flagged, so its rate cannot set the pace");
    }
    let rate = d.req_per_s / 2.0;
    let s = run(ctx, Kind::Durable, Mode::Paced { rate_per_s: rate }, false).await?;
    Ok(paced_report(
        "intake_ack_latency",
        &s,
        rate,
        ACK_P99_TARGET_MS,
    ))
}

/// Acknowledgement latency paced at `rate` (half the measured maximum), judged by its p99.
pub fn paced_report(name: &str, s: &Summary, rate: f64, p99_target_ms: f64) -> Report {
    let pass = s.p99_ms <= p99_target_ms && !s.flagged();
    let mut report = load_report(name, s, &format!("p99 <= {p99_target_ms} ms"), Some(pass));
    let j = report.json.as_object_mut().expect("object");
    j.insert("target_rate_per_s".into(), json!(round(rate, 0)));
    j.insert("target".into(), json!(format!("p99<={p99_target_ms}ms")));
    j.insert("pass".into(), json!(pass));
    report.row.rate = format!("{} (paced {})", thousands(s.req_per_s), thousands(rate));
    report
}

pub async fn run(ctx: &mut Ctx, kind: Kind, mode: Mode, wrap: bool) -> anyhow::Result<Summary> {
    let pool = ctx.pool()?;
    let load_before = crate::load_avg();
    let server = ServerProcess::start(kind).await?;
    let plan = Plan {
        addr: server.addr(),
        connections: ctx.opts.connections,
        phase_warmup: WARMUP,
        phase_measure: ctx.opts.duration,
        mode,
        wrap,
    };
    let res = load::run(&plan, &pool).await;
    let stopped = server.stop().await;
    let mut s = res?;
    stopped?;
    s.load_avg = load_before;
    Ok(s)
}

/// The time a closed-loop scenario takes, for sizing the request pool.
pub fn measured_time(duration: Duration) -> Duration {
    WARMUP + duration
}

pub fn load_report(name: &str, s: &Summary, target: &str, pass: Option<bool>) -> Report {
    let mut j = json!({
        "scenario": name,
        "req_per_s": round(s.req_per_s, 0),
        "p50_ms": round(s.p50_ms, 3),
        "p99_ms": round(s.p99_ms, 3),
        "p999_ms": round(s.p999_ms, 3),
        "max_ms": round(s.max_ms, 3),
        "requests": s.ok,
        "window_s": round(s.window_s, 3),
        "errors": s.errors,
        "duplicates": s.duplicates,
        "pool_exhausted": s.pool_exhausted,
        "flagged": s.flagged(),
    });
    if let Some(l) = s.load_avg {
        j["load_avg_1m"] = json!(l);
    }
    if let Some(lag) = s.lag_p99_ms {
        j["send_lag_p99_ms"] = json!(round(lag, 3));
    }
    if let Some(e) = &s.first_error {
        j["first_error"] = json!(e);
    }
    Report {
        json: j,
        row: Row {
            scenario: name.into(),
            rate: thousands(s.req_per_s),
            p50: format!("{:.2}", s.p50_ms),
            p99: format!("{:.2}", s.p99_ms),
            errors: (s.errors + s.duplicates).to_string(),
            target: target.into(),
            verdict: match pass {
                Some(p) => verdict(p, s.flagged()),
                None if s.flagged() => "FLAGGED".into(),
                None => "-".into(),
            },
        },
    }
}

pub fn verdict(pass: bool, flagged: bool) -> String {
    match (pass, flagged) {
        (_, true) => "FLAGGED".into(),
        (true, false) => "PASS".into(),
        (false, false) => "MISS".into(),
    }
}

pub fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

pub fn thousands(v: f64) -> String {
    let s = format!("{:.0}", v.max(0.0));
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

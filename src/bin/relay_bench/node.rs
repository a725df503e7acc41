//! `intake_node`: the durable relay against the work of Zoom's Node webhook sample, when `node` is
//! installed. When Node can load `express` (installed outside the tree, found through `NODE_PATH`),
//! the sample itself runs on Express + body-parser (`bench/node-sample/express.js`); otherwise its
//! per-request work (JSON parse, logging to stdout, HMAC over the re-serialized body, compare, JSON
//! answer) runs on plain `node:http` (`bench/node-sample/server.js`). Stdout goes to /dev/null;
//! nothing is stored. It is loaded
//! closed-loop by the same generator as the other intake scenarios, and the ratio is the relay's
//! `intake_durable` req/s from the same run divided by the sample's. Without `node` on `PATH` the
//! scenario reports that it was skipped.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::intake::{WARMUP, load_report, round, verdict};
use crate::load::{self, Mode, Plan};
use crate::servers;
use crate::{Ctx, Report, Row};

const RATIO_TARGET: f64 = 5.0;
pub const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/node-sample/server.js");
pub const EXPRESS_SCRIPT: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/bench/node-sample/express.js");

/// Whether `node` can load Express and body-parser (through `NODE_PATH`).
fn has_express(node: &std::path::Path) -> bool {
    std::process::Command::new(node)
        .args([
            "-e",
            "require.resolve('express'); require.resolve('body-parser')",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn find_node() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("node"))
        .find(|p| p.is_file())
}

pub async fn node(ctx: &mut Ctx) -> anyhow::Result<Report> {
    let Some(node) = find_node() else {
        return Ok(Report {
            json: json!({
                "scenario": "intake_node",
                "skipped": "node not installed",
                "target": format!(">={RATIO_TARGET}x"),
                "pass": null,
            }),
            row: Row {
                scenario: "intake_node".into(),
                target: format!(">= {RATIO_TARGET} x node"),
                verdict: "SKIPPED (node not installed)".into(),
                ..Row::default()
            },
        });
    };
    let Some(d) = ctx.summaries.get("intake_durable").cloned() else {
        anyhow::bail!("intake_node needs intake_durable in the same run");
    };
    let version = std::process::Command::new(&node)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let pool = ctx.pool()?;
    let config = servers::bench_config(std::path::Path::new("unused"))?;
    let secret = servers::default_app(&config)?
        .secret_token
        .expose_secret()
        .to_string();

    let express = has_express(&node);
    let script = if express { EXPRESS_SCRIPT } else { SCRIPT };
    let mut child = tokio::process::Command::new(&node)
        .arg(script)
        .arg("0")
        .env("ZOOM_WEBHOOK_SECRET_TOKEN", secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {} {script}", node.display()))?;
    let mut lines = BufReader::new(child.stderr.take().context("node stderr")?).lines();
    let addr = servers::listening_addr(&mut lines, "node sample").await?;

    let load_before = crate::load_avg();
    let plan = Plan {
        addr,
        connections: ctx.opts.connections,
        phase_warmup: WARMUP,
        phase_measure: ctx.opts.duration,
        mode: Mode::Closed,
        // It stores nothing, so the pool may start over.
        wrap: true,
    };
    let res = load::run(&plan, &pool).await;
    drop(child.stdin.take());
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    let _ = child.start_kill();
    let mut s = res?;
    s.load_avg = load_before;

    let value = d.req_per_s / s.req_per_s;
    let flagged = s.flagged() || d.flagged();
    let pass = value >= RATIO_TARGET && !flagged;
    let mut report = load_report(
        "intake_node",
        &s,
        &format!(">= {RATIO_TARGET} x node"),
        None,
    );
    let j = report.json.as_object_mut().expect("object");
    j.insert("value".into(), json!(round(value, 2)));
    j.insert("target".into(), json!(format!(">={RATIO_TARGET}x")));
    j.insert("pass".into(), json!(pass));
    j.insert("durable_req_per_s".into(), json!(round(d.req_per_s, 0)));
    j.insert("node_version".into(), json!(version));
    j.insert(
        "server".into(),
        json!(if express {
            "bench/node-sample/express.js (Express + body-parser)"
        } else {
            "bench/node-sample/server.js (node:http, no Express)"
        }),
    );
    report.row.rate = format!("{:.0} (durable/node {value:.2})", s.req_per_s);
    report.row.verdict = verdict(pass, flagged);
    Ok(report)
}

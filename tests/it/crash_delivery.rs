//! Crash safety of delivery: a relay killed with SIGKILL while webhooks are in flight delivers every
//! acknowledged event at least once after a restart, always under the same `webhook-id`, and without
//! waiting out the claim lease (claims of the dead process are released at startup).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use zoom_relay::dispatch::idempotency_key;
use zoom_relay::routing::Target;
use zoom_relay::store::EventFilter;

use crate::helpers::*;
use crate::hook_receiver::{Hook, HookReceiver};
use crate::webhook::webhook_routes;

const ACCOUNT: &str = "acct-it";
const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
/// Events posted before the kill.
const EVENTS: usize = 60;
/// How long the receiver takes to answer each request: the relay's webhook worker sends one job at
/// a time, so the whole batch takes about `EVENTS * RECEIVER_DELAY` to deliver.
const RECEIVER_DELAY: Duration = Duration::from_millis(40);
/// The kill lands once the receiver has seen this many requests.
const KILL_AFTER: usize = 8;
/// Everything acknowledged must be delivered this soon after the restart; well under the 60 s claim
/// lease, so a claim left by the killed process that is not released at startup fails the test.
const RESTART_DEADLINE: Duration = Duration::from_secs(30);

/// Waits until a relay process answers `/readyz` with 200, within [`DEADLINE`].
async fn wait_ready(child: &mut tokio::process::Child, client: &reqwest::Client, url: &str) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(status) = child.try_wait().expect("child status") {
            panic!("restarted zoom-relay serve exited with {status} before it was ready");
        }
        if let Ok(r) = client.get(url).send().await
            && r.status() == 200
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "restarted zoom-relay serve not ready within {DEADLINE:?}"
        );
        tokio::time::sleep(STEP).await;
    }
}

/// Inbox depth and the number of jobs still pending or dead, as the running relay reports them.
async fn backlog(client: &reqwest::Client, base: &str) -> Option<(f64, usize)> {
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let inbox = metric_value(&metrics, "inbox_depth")?;
    let jobs: Vec<Value> = client
        .get(format!("{base}/api/v1/deliveries?limit=10000"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    Some((inbox, jobs.len()))
}

#[tokio::test]
async fn relay_sigkilled_mid_delivery_delivers_every_acknowledged_event_at_least_once() {
    let receiver = HookReceiver::start(SECRET, RECEIVER_DELAY).await;
    let hook_url = receiver.url("/hooks/crash");
    let mut relay = RelayProcess::start(|doc| {
        *doc = doc.replace("seed_routes = \"routes.example.toml\"", "");
    })
    .await;

    // The route goes in through the CLI while the relay runs (its admin API).
    let routes_path = relay.config_path.with_file_name("routes.toml");
    std::fs::write(
        &routes_path,
        webhook_routes(
            "crash hooks",
            ACCOUNT,
            std::slice::from_ref(&hook_url),
            SECRET,
        ),
    )
    .expect("write routes");
    let cfg = relay.config_path.to_str().expect("utf-8 path").to_string();
    let out = run_cli(&[
        "routes",
        "import",
        routes_path.to_str().expect("utf-8 path"),
        "--config",
        &cfg,
    ])
    .await;
    assert!(
        out.status.success(),
        "routes import failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // N unique events, posted concurrently; only a 200 counts as acknowledged.
    let pending: Vec<(String, _)> = (0..EVENTS)
        .map(|_| {
            let uuid = unique_uuid("crash-delivery");
            let body = started_body(&uuid, "Crash drill");
            (uuid, tokio::spawn(relay.send_signed(body)))
        })
        .collect();
    let mut acked = BTreeSet::new();
    for (uuid, h) in pending {
        if let Ok(Ok(r)) = h.await
            && r.status() == 200
        {
            acked.insert(uuid);
        }
    }
    assert_eq!(
        acked.len(),
        EVENTS,
        "a healthy relay acknowledges every event:\n{}",
        relay.stderr()
    );

    // Kill once some deliveries went out but while the rest are still queued or in flight.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while receiver.deliveries().len() < KILL_AFTER {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the receiver saw {} requests within {DEADLINE:?}:\n{}",
            receiver.deliveries().len(),
            relay.stderr()
        );
        tokio::time::sleep(STEP).await;
    }
    relay.child.kill().await.expect("SIGKILL");
    let seen_at_kill = receiver.uuids().len();
    assert!(
        seen_at_kill < acked.len(),
        "the kill must land mid-delivery, but all {seen_at_kill} events were already delivered"
    );

    // Restart the binary on the same config and data dir.
    let stderr_path = relay.config_path.with_file_name("relay-restart.stderr");
    let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
    let mut child = cli_command(&["serve", "--config", &cfg])
        .env("RELAY_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("restart zoom-relay serve");
    let restart_log = || std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let restarted = tokio::time::Instant::now();
    wait_ready(&mut child, &relay.client, &relay.url("/readyz")).await;

    // Every acknowledged event reaches the receiver, and the relay has nothing left to do.
    let base = relay.url("");
    let deadline = restarted + RESTART_DEADLINE + crate::pgdb::claims_of_the_killed_end_after();
    loop {
        let missing: Vec<String> = acked.difference(&receiver.uuids()).cloned().collect();
        let backlog = backlog(&relay.client, &base).await;
        if missing.is_empty() && backlog == Some((0.0, 0)) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {} acknowledged events not delivered and backlog (inbox, jobs) = {backlog:?} \
             {RESTART_DEADLINE:?} (and the lease on PostgreSQL) after the restart (on sled, claims \
             left by the killed relay must be released at startup, not after the 60 s lease); \
             missing: {missing:?}\n{}",
            missing.len(),
            acked.len(),
            restart_log()
        );
        tokio::time::sleep(STEP).await;
    }
    let drained_after = restarted.elapsed();

    // A clean stop, then look at the store the relay left behind.
    let pid = child.id().expect("restarted relay pid").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("send SIGTERM");
    assert!(status.success(), "kill -TERM {pid} failed");
    let exit = tokio::time::timeout(DEADLINE, child.wait())
        .await
        .expect("the relay stops within the deadline after SIGTERM")
        .expect("wait for the relay");
    assert!(
        exit.success(),
        "relay exited with {exit}:\n{}",
        restart_log()
    );

    let deliveries = receiver.deliveries();
    let unsigned: Vec<&Hook> = deliveries.iter().filter(|d| !d.signed).collect();
    assert!(unsigned.is_empty(), "unverifiable deliveries: {unsigned:?}");
    let mut by_uuid: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in &deliveries {
        by_uuid
            .entry(d.uuid.as_str())
            .or_default()
            .push(d.webhook_id.as_str());
    }
    let lost: Vec<&String> = acked
        .iter()
        .filter(|u| !by_uuid.contains_key(u.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged but never delivered: {lost:?}"
    );
    let unknown: Vec<&&str> = by_uuid.keys().filter(|u| !acked.contains(**u)).collect();
    assert!(
        unknown.is_empty(),
        "deliveries of unknown events: {unknown:?}"
    );
    for (uuid, ids) in &by_uuid {
        assert!(
            ids.iter().all(|id| *id == ids[0]),
            "deliveries of {uuid} carry different webhook-ids: {ids:?}"
        );
    }
    let duplicates = deliveries.len() - by_uuid.len();
    println!(
        "crash delivery: {} acknowledged, {seen_at_kill} delivered before SIGKILL, {} requests, \
         {duplicates} duplicates, drained {drained_after:?} after the restart",
        acked.len(),
        deliveries.len()
    );
    // At least once, not arbitrarily often: only jobs in flight or whose completion had not reached
    // disk when the process died can go out twice, and each of those at most once more.
    assert!(
        duplicates <= acked.len(),
        "{duplicates} duplicates for {} events",
        acked.len()
    );

    let store = relay.open_store().await;
    let jobs = store.list_jobs().await.expect("list jobs");
    assert!(jobs.is_empty(), "jobs left in the outbox: {jobs:?}");
    let dead = store.list_dead().await.expect("list dead letters");
    assert!(dead.is_empty(), "dead letters: {dead:?}");
    // webhook-id is the idempotency key of (event, target).
    let target = Target::Webhook {
        url: hook_url.clone(),
        secret: SECRET.into(),
    };
    let events = store
        .list_events(&EventFilter {
            limit: 10_000,
            ..EventFilter::default()
        })
        .await
        .expect("list events");
    for uuid in &acked {
        let seqs: Vec<u64> = events
            .iter()
            .filter(|e| e.event.body.contains(uuid.as_str()))
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs.len(), 1, "event {uuid} stored once: {seqs:?}");
        assert_eq!(
            by_uuid[uuid.as_str()][0],
            idempotency_key(seqs[0], &target),
            "webhook-id of {uuid}"
        );
    }
    store.close().await.expect("close store");
}

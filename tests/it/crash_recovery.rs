//! Crash recovery under load: the relay binary is SIGKILLed at random moments while several tasks
//! send unique signed `meeting.started` events, and restarted on the same data dir each time.
//! Afterwards every event that got a 200 has produced its notification (lost = 0), and duplicate
//! notifications (at-least-once allows them) are counted, printed, and allowed only for events whose
//! deliveries span a restart, that is events in flight at a kill.
//!
//! Intake goes through the journal (1 MB segments here, so several fill up during the test): an
//! event is acknowledged once its journal batch is synced, and applied to sled afterwards, so a
//! kill often lands while acknowledged events are only in the journal.
//!
//! Bounded: [`KILLS`] kills, each [`KILL_DELAY_MS`] after the relay was ready again, at most
//! [`MAX_EVENTS`] events, and every wait has a deadline. The kill delays come from a seed printed
//! by the test; set `CRASH_RECOVERY_SEED` to replay one.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::time::Instant;

use crate::helpers::*;
use crate::hook_receiver::HookReceiver;
use crate::webhook::webhook_routes;

const ACCOUNT: &str = "acct-it";
const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const KILLS: usize = 5;
/// Each kill lands this long (uniformly random, ms) after the relay was last ready.
const KILL_DELAY_MS: std::ops::RangeInclusive<u64> = 50..=400;
/// Concurrent sending tasks.
const SENDERS: usize = 4;
/// Upper bound on events sent over the whole test.
const MAX_EVENTS: usize = 3_000;
/// After the last restart, the senders keep going this long (or until [`MAX_EVENTS`]).
const TAIL: Duration = Duration::from_millis(300);
/// Everything acknowledged must be delivered this soon after the senders stopped.
const DRAIN_DEADLINE: Duration = Duration::from_secs(20);

/// What the senders recorded: events acknowledged with a 200, and events whose request failed or
/// got another answer (in flight at a kill, or sent while the relay was down).
#[derive(Default)]
struct Sent {
    acked: BTreeSet<String>,
    unacked: BTreeSet<String>,
}

/// Sends unique signed events to `addr` until `stop` or [`MAX_EVENTS`] in total.
async fn sender(
    addr: SocketAddr,
    sent: Arc<Mutex<Sent>>,
    total: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) {
    let client = reqwest::Client::builder()
        .timeout(DEADLINE)
        .build()
        .expect("client");
    let url = format!("http://{addr}/zoom/webhook");
    while !stop.load(Ordering::Relaxed) && total.fetch_add(1, Ordering::Relaxed) < MAX_EVENTS {
        let uuid = unique_uuid("crash-recovery");
        let body = started_body(&uuid, "Crash recovery drill");
        let ts = now_secs().to_string();
        let sig = zoom_signature(DEMO_SECRET, &ts, &body);
        let res = client
            .post(&url)
            .header("content-type", "application/json; charset=utf-8")
            .header("x-zm-request-timestamp", ts)
            .header("x-zm-signature", sig)
            .body(body)
            .send()
            .await;
        let ok = matches!(&res, Ok(r) if r.status() == 200);
        {
            let mut s = sent.lock().unwrap();
            if ok {
                s.acked.insert(uuid);
            } else {
                s.unacked.insert(uuid);
            }
        }
        if !ok {
            // The relay is down or restarting: do not spin.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Waits until the relay answers `/readyz` with 200, within [`DEADLINE`].
pub(crate) async fn wait_ready(relay: &mut RelayProcess, log: &std::path::Path) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(status) = relay.child.try_wait().expect("child status") {
            panic!(
                "zoom-relay serve exited with {status} before it was ready:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if let Ok(r) = relay.client.get(relay.url("/readyz")).send().await
            && r.status() == 200
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "zoom-relay serve not ready within {DEADLINE:?}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        tokio::time::sleep(STEP).await;
    }
}

/// Inbox depth and the number of jobs still pending or dead, as the running relay reports them.
async fn backlog(relay: &RelayProcess) -> Option<(f64, usize)> {
    let metrics = relay
        .client
        .get(relay.url("/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let inbox = metric_value(&metrics, "inbox_depth")?;
    let jobs: Vec<Value> = relay
        .client
        .get(relay.url("/api/v1/deliveries?limit=10000"))
        .bearer_auth(DEMO_ADMIN_TOKEN)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    Some((inbox, jobs.len()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_sigkilled_under_load_loses_no_acknowledged_event() {
    let seed: u64 = std::env::var("CRASH_RECOVERY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().r#gen());
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    println!("crash recovery: CRASH_RECOVERY_SEED={seed}");
    let t0 = Instant::now();

    let receiver = HookReceiver::start(SECRET, Duration::ZERO).await;
    let routes_dir = tempfile::tempdir().expect("tempdir");
    let routes = routes_dir.path().join("crash-routes.toml");
    std::fs::write(
        &routes,
        webhook_routes(
            "crash recovery",
            ACCOUNT,
            &[receiver.url("/hooks/crash")],
            SECRET,
        ),
    )
    .expect("write routes");
    let routes_value = toml::Value::String(routes.display().to_string()).to_string();
    let mut relay = RelayProcess::start(|doc| {
        set_key(doc, "seed_routes", &routes_value);
        // Thousands of events for one community in a minute: this test is about durability, not
        // about the per-community hourly limit, which would dead-letter most of them.
        set_key(doc, "webhook_per_hour", "0");
        // Small intake journal segments, so that they fill and roll between the kills.
        set_key(doc, "journal_segment_mb", "1");
    })
    .await;
    let cfg = relay.config_path.to_str().expect("utf-8 path").to_string();
    let first_log = relay.config_path.with_file_name("relay.stderr");

    let sent = Arc::new(Mutex::new(Sent::default()));
    let total = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            tokio::spawn(sender(
                relay.addr,
                sent.clone(),
                total.clone(),
                stop.clone(),
            ))
        })
        .collect();

    // Kill at random moments; restart on the same config and data dir after each kill. A
    // notification recorded before `restarts[i]` cannot come from the process started then.
    let mut restarts: Vec<Instant> = Vec::new();
    let mut acked_at_kill = Vec::new();
    let mut log = first_log;
    for k in 0..KILLS {
        let delay = Duration::from_millis(rng.gen_range(KILL_DELAY_MS));
        tokio::time::sleep(delay).await;
        relay.child.kill().await.expect("SIGKILL");
        acked_at_kill.push(sent.lock().unwrap().acked.len());
        log = relay
            .config_path
            .with_file_name(format!("relay-restart-{k}.stderr"));
        let stderr = std::fs::File::create(&log).expect("stderr file");
        restarts.push(Instant::now());
        relay.child = cli_command(&["serve", "--config", &cfg])
            .env("RELAY_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("restart zoom-relay serve");
        wait_ready(&mut relay, &log).await;
    }
    tokio::time::sleep(TAIL).await;
    stop.store(true, Ordering::Relaxed);
    for s in senders {
        tokio::time::timeout(DEADLINE, s)
            .await
            .expect("senders stop within the deadline")
            .expect("sender task");
    }
    let Sent { acked, unacked } = std::mem::take(&mut *sent.lock().unwrap());
    assert!(
        acked.len() > acked_at_kill.last().copied().unwrap_or(0),
        "the relay acknowledged nothing after the last restart:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    // Every acknowledged event is delivered, and the relay has nothing left to do.
    let drain_started = Instant::now();
    loop {
        let seen = receiver.by_uuid();
        let missing = acked.iter().filter(|u| !seen.contains_key(*u)).count();
        let backlog = backlog(&relay).await;
        if missing == 0 && backlog == Some((0.0, 0)) {
            break;
        }
        assert!(
            drain_started.elapsed()
                < DRAIN_DEADLINE + crate::pgdb::claims_of_the_killed_end_after(),
            "{missing} of {} acknowledged events not delivered and backlog (inbox, jobs) = \
             {backlog:?} {DRAIN_DEADLINE:?} (and the claim lease on PostgreSQL) after the load \
             stopped:\n{}",
            acked.len(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(STEP).await;
    }
    let drained_after = drain_started.elapsed();

    // A clean stop of the last process.
    let pid = relay.child.id().expect("relay pid").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("send SIGTERM");
    assert!(status.success(), "kill -TERM {pid} failed");
    let exit = tokio::time::timeout(DEADLINE, relay.child.wait())
        .await
        .expect("the relay stops within the deadline after SIGTERM")
        .expect("wait for the relay");
    assert!(
        exit.success(),
        "relay exited with {exit}:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    let seen = receiver.by_uuid();
    let lost: Vec<&String> = acked.iter().filter(|u| !seen.contains_key(*u)).collect();
    let unknown: Vec<&String> = seen
        .keys()
        .filter(|u| !acked.contains(*u) && !unacked.contains(*u))
        .collect();
    let delivered_unacked = unacked.iter().filter(|u| seen.contains_key(*u)).count();
    let duplicates: BTreeMap<&String, &Vec<Instant>> =
        seen.iter().filter(|(_, at)| at.len() > 1).collect();
    let extra: usize = duplicates.values().map(|at| at.len() - 1).sum();
    println!(
        "crash recovery: {KILLS} kills (acknowledged before each: {acked_at_kill:?}), {} events \
         acknowledged, {} unacknowledged ({delivered_unacked} of them delivered anyway), lost {}, \
         {} duplicated events ({extra} extra notifications), drained {drained_after:?} after the \
         load",
        acked.len(),
        unacked.len(),
        lost.len(),
        duplicates.len(),
    );
    let ms = |t: &Instant| format!("{}ms", t.duration_since(t0).as_millis());
    println!(
        "  restarts at {:?} after the start",
        restarts.iter().map(ms).collect::<Vec<_>>()
    );
    for (uuid, at) in &duplicates {
        let at: Vec<String> = at.iter().map(ms).collect();
        println!("  duplicate {uuid}: notified at {at:?}");
    }
    assert!(
        lost.is_empty(),
        "lost: acknowledged but never delivered: {lost:?}"
    );
    assert!(
        unknown.is_empty(),
        "notifications for events never sent: {unknown:?}"
    );
    // At least once, not at random: a second notification of an event must come from a later
    // process than the first, i.e. the event was in flight when a kill landed.
    for (uuid, at) in &duplicates {
        let (first, last) = (at.iter().min().unwrap(), at.iter().max().unwrap());
        assert!(
            restarts.iter().any(|r| first < r && r <= last),
            "{uuid} was notified {} times without a restart in between (first at {first:?}, last \
             at {last:?}, restarts at {restarts:?})",
            at.len()
        );
        assert!(
            at.len() <= KILLS + 1,
            "{uuid} notified {} times for {KILLS} kills",
            at.len()
        );
    }
}

/// A SIGTERM that arrives while the relay starts (its port already bound, the store still opening)
/// stops it gracefully with exit status 0. The signal handlers used to be installed only after
/// startup, so such a SIGTERM killed the process (found by the `ready_10k_routes` benchmark, which
/// stops the relay right after its first ready answer).
#[tokio::test]
async fn sigterm_during_startup_stops_the_relay_gracefully() {
    for round in 0..3 {
        let dir = tempfile::tempdir().expect("tempdir");
        let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
        let config = write_config(dir.path(), &test_config_text(addr));
        let config = config.to_str().expect("utf-8 path").to_string();
        let mut child = cli_command(&["serve", "--config", &config])
            .env("RELAY_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn zoom-relay serve");
        // The port accepts connections as soon as it is bound, before the store is open.
        let deadline = Instant::now() + DEADLINE;
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            if let Some(status) = child.try_wait().expect("child status") {
                panic!("round {round}: zoom-relay exited with {status} before binding its port");
            }
            assert!(Instant::now() < deadline, "round {round}: port never bound");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let pid = child.id().expect("pid").to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("send SIGTERM");
        assert!(sent.success(), "kill -TERM {pid} failed");
        let out = tokio::time::timeout(DEADLINE, child.wait_with_output())
            .await
            .expect("the relay stops within the deadline after SIGTERM")
            .expect("wait for the relay");
        assert!(
            out.status.success(),
            "round {round}: SIGTERM during startup ended the relay with {}:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

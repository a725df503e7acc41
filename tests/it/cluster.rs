//! Three real `zoom-relay serve` processes on one PostgreSQL database, behind no balancer: the test
//! spreads signed Zoom webhooks round-robin across them and SIGKILLs one replica in the middle of
//! the load. Afterwards every acknowledged event is delivered by the survivors, and the only
//! duplicates are jobs the killed replica was sending at the moment it died.
//!
//! Needs the PostgreSQL on 127.0.0.1:5432 (see `pgdb.rs`); skips without it unless `CI=true`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::*;
use crate::hook_receiver::HookReceiver;
use crate::pg_server::PgServer;
use crate::pgdb::FreshDb;

/// The account `started_body` names.
const ACCOUNT: &str = "acct-it";
const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const REPLICAS: usize = 3;
/// Events posted, round-robin across the replicas.
const EVENTS: usize = 150;
/// Destinations (one route each): several, so that every replica has work at the same time
/// (delivery is FIFO per destination, so one destination would be sent by one replica at a time).
const DESTINATIONS: usize = 6;
/// How long the receiver takes to answer, so that sends are in flight when the kill lands.
const RECEIVER_DELAY: Duration = Duration::from_millis(15);
/// The kill lands once the receiver has seen this many requests.
const KILL_AFTER: usize = 40;
/// The claim lease in this test: a job the killed replica held is sent by another after it.
const LEASE_SECS: u64 = 8;
/// The webhook timeout, which the lease must outlast (`delivery.claim_lease_secs`).
const WEBHOOK_TIMEOUT_SECS: u64 = 3;

/// One route per destination; every route takes every `meeting.started` of the account.
fn route_doc(receiver: SocketAddr) -> String {
    (0..DESTINATIONS)
        .map(|i| {
            format!(
                "[[routes]]\nname = \"cluster hook {i}\"\napp_id = \"default\"\naccount_id = \"{ACCOUNT}\"\nevents = [\"meeting.started\"]\n  [[routes.destinations]]\n  kind = \"webhook\"\n  url = \"http://{receiver}/hook/{i}\"\n  secret = \"{SECRET}\"\n"
            )
        })
        .collect()
}

fn body(uuid: &str) -> Vec<u8> {
    started_body(uuid, "Cluster drill")
}

/// Webhook jobs a replica sent, whatever the reason label.
fn webhooks_sent(metrics: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| {
            l.starts_with("deliveries_total{")
                && l.contains("channel=\"webhook\"")
                && l.contains("outcome=\"sent\"")
        })
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

/// The config edit for one replica on `db`.
fn replica_tweak(db: &FreshDb) -> impl FnOnce(&mut String) + use<> {
    let on_db = db.tweak();
    move |doc: &mut String| {
        on_db(doc);
        *doc = doc.replace("seed_routes = \"routes.example.toml\"", "");
        set_key(doc, "claim_lease_secs", &LEASE_SECS.to_string());
        set_key(doc, "timeout_secs", &WEBHOOK_TIMEOUT_SECS.to_string());
    }
}

#[tokio::test]
async fn three_replicas_lose_nothing_acknowledged_when_one_is_sigkilled_mid_load() {
    let Some(db) = FreshDb::create().await else {
        return;
    };
    let receiver = HookReceiver::start(SECRET, RECEIVER_DELAY).await;
    let mut replicas = Vec::new();
    for _ in 0..REPLICAS {
        replicas.push(RelayProcess::start(replica_tweak(&db)).await);
    }

    // The routes go in once, through the CLI beside the running replicas; every replica reads them.
    let routes_path = replicas[0].config_path.with_file_name("routes.toml");
    std::fs::write(&routes_path, route_doc(receiver.addr)).expect("write routes");
    let cfg = replicas[0].config_path.to_str().expect("utf-8").to_string();
    let out = run_cli(&[
        "routes",
        "import",
        routes_path.to_str().expect("utf-8"),
        "--config",
        &cfg,
    ])
    .await;
    assert!(
        out.status.success(),
        "routes import failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Signed events round-robin across the replicas, a few at a time; the kill lands in the middle.
    const VICTIM: usize = 1;
    let mut acked = BTreeSet::new();
    let mut killed = false;
    for (i, chunk) in (0..EVENTS)
        .collect::<Vec<_>>()
        .chunks(REPLICAS * 2)
        .enumerate()
    {
        let sends: Vec<(String, _)> = chunk
            .iter()
            .map(|n| {
                let uuid = unique_uuid(&format!("cluster-{i}-{n}"));
                let replica = &replicas[n % REPLICAS];
                (uuid.clone(), tokio::spawn(replica.send_signed(body(&uuid))))
            })
            .collect();
        for (uuid, h) in sends {
            if let Ok(Ok(r)) = h.await
                && r.status() == 200
            {
                acked.insert(uuid);
            }
        }
        if !killed && receiver.deliveries().len() >= KILL_AFTER {
            replicas[VICTIM].child.start_kill().expect("SIGKILL");
            let _ = replicas[VICTIM].child.wait().await;
            killed = true;
        }
    }
    if !killed {
        // Delivery was slower than intake: kill now, while the backlog is still being sent.
        replicas[VICTIM].child.start_kill().expect("SIGKILL");
        let _ = replicas[VICTIM].child.wait().await;
    }
    assert!(
        acked.len() >= EVENTS * (REPLICAS - 1) / REPLICAS,
        "the survivors acknowledged their share: only {} of {EVENTS}",
        acked.len()
    );

    // Every acknowledged event reaches every destination; the killed replica's claims run out
    // after the lease and a survivor sends them.
    let want: BTreeSet<(String, String)> = acked
        .iter()
        .flat_map(|u| (0..DESTINATIONS).map(move |i| (format!("/hook/{i}"), u.clone())))
        .collect();
    let deadline = Duration::from_secs(LEASE_SECS) + DEADLINE;
    let start = tokio::time::Instant::now();
    loop {
        let got: BTreeSet<(String, String)> = receiver
            .deliveries()
            .into_iter()
            .map(|d| (d.path, d.uuid))
            .collect();
        let missing: Vec<_> = want.difference(&got).take(5).collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            start.elapsed() < deadline,
            "{} acknowledged deliveries never arrived, e.g. {missing:?}",
            want.difference(&got).count()
        );
        tokio::time::sleep(STEP).await;
    }

    let deliveries = receiver.deliveries();
    assert!(deliveries.iter().all(|d| d.signed), "every request signed");
    // Repeats keep their webhook-id, so a receiver can drop them; and they can only be jobs the
    // killed replica was sending: one worker per channel sends one job at a time, so at most one.
    let mut per_id: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &deliveries {
        *per_id.entry(d.webhook_id.as_str()).or_default() += 1;
    }
    let mut per_target: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for d in &deliveries {
        per_target
            .entry((d.path.as_str(), d.uuid.as_str()))
            .or_default()
            .insert(d.webhook_id.as_str());
    }
    assert!(
        per_target.values().all(|ids| ids.len() == 1),
        "a repeat went out under a new webhook-id"
    );
    let repeats: usize = per_id.values().map(|n| n - 1).sum();
    assert!(
        repeats <= 1,
        "{repeats} repeats: more than the one job the killed replica could have had in flight"
    );

    // The survivors shared the work: each one sent some of it.
    for (i, r) in replicas.iter().enumerate() {
        if i == VICTIM {
            continue;
        }
        let text = r
            .client
            .get(r.url("/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text");
        let sent = webhooks_sent(&text);
        assert!(sent > 0.0, "replica {i} sent nothing:\n{text}");
    }
}

/// Creates database `name` on a server through its `postgres` database.
async fn create_database(admin_url: &str, name: &str) {
    let (client, conn) = tokio_postgres::connect(admin_url, tokio_postgres::NoTls)
        .await
        .expect("connect to the private server");
    tokio::spawn(conn);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
}

/// What the load saw: each event's uuid and the status intake answered (0: no answer).
type Answers = Arc<Mutex<Vec<(String, u16)>>>;

#[tokio::test]
async fn a_postgres_restart_mid_load_answers_503_then_recovers_losing_nothing_acknowledged() {
    let Some(server) = tokio::task::spawn_blocking(PgServer::start)
        .await
        .expect("start task")
    else {
        return;
    };
    let server = Arc::new(server);
    create_database(&server.url("postgres"), "relay").await;
    let receiver = HookReceiver::start(SECRET, RECEIVER_DELAY).await;
    let url = server.url("relay");
    let relay = RelayProcess::start(move |doc| {
        set_key(
            doc,
            "dedup_retention_secs",
            &format!("604800\nbackend = \"postgres\"\nurl = \"{url}\""),
        );
        *doc = doc.replace("seed_routes = \"routes.example.toml\"", "");
        set_key(doc, "claim_lease_secs", &LEASE_SECS.to_string());
        set_key(doc, "timeout_secs", &WEBHOOK_TIMEOUT_SECS.to_string());
    })
    .await;
    let routes_path = relay.config_path.with_file_name("routes.toml");
    std::fs::write(&routes_path, route_doc(receiver.addr)).expect("write routes");
    let cfg = relay.config_path.to_str().expect("utf-8").to_string();
    let out = run_cli(&[
        "routes",
        "import",
        routes_path.to_str().expect("utf-8"),
        "--config",
        &cfg,
    ])
    .await;
    assert!(
        out.status.success(),
        "routes import failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Steady load, four requests at a time, until told to stop (bounded in count).
    let answers: Answers = Arc::default();
    let stop = tokio_util::sync::CancellationToken::new();
    let load = {
        let (answers, stop) = (answers.clone(), stop.clone());
        let send = {
            let client = relay.client.clone();
            let addr = relay.addr;
            move |uuid: String| {
                let body = body(&uuid);
                let ts = now_secs().to_string();
                let sig = zoom_signature(DEMO_SECRET, &ts, &body);
                client
                    .post(format!("http://{addr}/zoom/webhook"))
                    .header("content-type", "application/json")
                    .header("x-zm-request-timestamp", ts)
                    .header("x-zm-signature", sig)
                    .timeout(Duration::from_secs(5))
                    .body(body)
                    .send()
            }
        };
        tokio::spawn(async move {
            for round in 0..2_000 {
                if stop.is_cancelled() {
                    return;
                }
                let batch: Vec<_> = (0..4)
                    .map(|k| {
                        let uuid = unique_uuid(&format!("pg-restart-{round}-{k}"));
                        (uuid.clone(), tokio::spawn(send(uuid)))
                    })
                    .collect();
                for (uuid, h) in batch {
                    let status = match h.await {
                        Ok(Ok(r)) => r.status().as_u16(),
                        _ => 0,
                    };
                    answers.lock().unwrap().push((uuid, status));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let count = |status: u16| {
        answers
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, s)| *s == status)
            .count()
    };
    let wait_for = async |what: &str, cond: &dyn Fn() -> bool| {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        while !cond() {
            assert!(tokio::time::Instant::now() < deadline, "{what}");
            tokio::time::sleep(STEP).await;
        }
    };
    wait_for("no event acknowledged before the restart", &|| {
        count(200) >= 20
    })
    .await;

    let s = server.clone();
    tokio::task::spawn_blocking(move || s.crash())
        .await
        .expect("stop task");
    let acked_before_outage = count(200);
    wait_for(
        "intake never answered 503 while PostgreSQL was down",
        &|| count(503) >= 3,
    )
    .await;
    let ready = relay
        .client
        .get(relay.url("/readyz"))
        .send()
        .await
        .expect("readyz answers");
    assert_eq!(ready.status(), 503, "not ready while PostgreSQL is down");

    let s = server.clone();
    tokio::task::spawn_blocking(move || s.start_again())
        .await
        .expect("start task");
    wait_for("intake did not recover after PostgreSQL came back", &|| {
        count(200) >= acked_before_outage + 20
    })
    .await;
    stop.cancel();
    load.await.expect("load task");

    // Everything acknowledged, before, around and after the outage, reaches every destination.
    let acked: BTreeSet<String> = answers
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, s)| *s == 200)
        .map(|(u, _)| u.clone())
        .collect();
    let want: BTreeSet<(String, String)> = acked
        .iter()
        .flat_map(|u| (0..DESTINATIONS).map(move |i| (format!("/hook/{i}"), u.clone())))
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(LEASE_SECS) + DEADLINE;
    loop {
        let got: BTreeSet<(String, String)> = receiver
            .deliveries()
            .into_iter()
            .map(|d| (d.path, d.uuid))
            .collect();
        let missing = want.difference(&got).count();
        if missing == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{missing} acknowledged deliveries never arrived after the restart"
        );
        tokio::time::sleep(STEP).await;
    }
    let ready = relay
        .client
        .get(relay.url("/readyz"))
        .send()
        .await
        .expect("readyz answers");
    assert_eq!(ready.status(), 200, "ready again");
    drop(server);
}

//! The intake journal across a SIGKILL of the real binary: segments that fill up and roll, and a
//! torn record at the end of the journal. The torn record is a complete, signed-looking event whose
//! checksum does not match (as a write cut short by the crash would leave it); it was never
//! acknowledged, so the restarted relay must drop it, and must still deliver every event that got a
//! 200. The random-moment kills under load are `crash_recovery.rs`, which also runs on 1 MB
//! segments.

use std::collections::BTreeSet;
use std::os::unix::fs::{FileExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::time::Instant;

use crate::crash_recovery::wait_ready;
use crate::helpers::*;
use crate::hook_receiver::HookReceiver;
use crate::webhook::webhook_routes;

/// Journal layout constants (src/store/journal/segment.rs): kept here on purpose, so a change of
/// the on-disk format has to be made in the test too.
const HEADER_LEN: u64 = 4096;
const RECORD_HEADER: usize = 40;
/// The webhook destination's signing secret.
const WEBHOOK_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// Segment files of the journal in `data`, by slot.
fn segments(data: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data.join("journal"))
        .expect("journal dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "wal"))
        .collect();
    v.sort();
    v
}

/// The segment with the highest first sequence number, where its records end, and the last seq.
fn newest_tail(data: &Path) -> (PathBuf, u64, u64) {
    let mut best: Option<(u64, PathBuf, u64, u64)> = None;
    for p in segments(data) {
        let bytes = std::fs::read(&p).expect("read segment");
        if &bytes[..8] != b"ZRJRNL01" {
            continue;
        }
        let first = u64::from_le_bytes(bytes[8..16].try_into().unwrap());
        let (mut at, mut last) = (HEADER_LEN as usize, first.saturating_sub(1));
        while at + RECORD_HEADER <= bytes.len() {
            let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let seq = u64::from_le_bytes(bytes[at + 8..at + 16].try_into().unwrap());
            if len == 0 || at + RECORD_HEADER + len > bytes.len() || seq <= last {
                break;
            }
            last = seq;
            at += RECORD_HEADER + len;
        }
        if best.as_ref().is_none_or(|b| first > b.0) {
            best = Some((first, p, at as u64, last));
        }
    }
    let (_, p, end, last) = best.expect("a written segment");
    (p, end, last)
}

/// A journal record for `body` at `seq` in the event record layout (src/store/events.rs), with
/// its checksum broken when `torn`.
fn record(seq: u64, body: &[u8], torn: bool) -> Vec<u8> {
    let header = serde_json::json!({
        "received_at_ms": 1, "app_id": "default", "account_id": "acct-it",
        "event": "meeting.started", "event_ts": 1, "zm_request_id": null,
        "zm_tracking_id": null, "parse_error": null, "status": {"state": "pending"}
    })
    .to_string();
    let mut payload = vec![1u8];
    payload.extend_from_slice(&(header.len() as u32).to_be_bytes());
    payload.extend_from_slice(header.as_bytes());
    payload.extend_from_slice(body);
    let mut r = Vec::new();
    r.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    r.extend_from_slice(&[0; 4]);
    r.extend_from_slice(&seq.to_le_bytes());
    r.extend_from_slice(&1i64.to_le_bytes());
    r.extend_from_slice(&[0xab; 16]);
    r.extend_from_slice(&payload);
    let mut h = crc32fast::Hasher::new();
    h.update(&r[..4]);
    h.update(&r[8..]);
    let mut crc = h.finalize();
    if torn {
        crc ^= 1;
    }
    r[4..8].copy_from_slice(&crc.to_le_bytes());
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_segments_and_a_torn_tail_lose_no_acknowledged_event() {
    if crate::pgdb::skip_on_postgres(
        "the intake journal is part of the sled backend; PostgreSQL commits intake itself",
    ) {
        return;
    }
    let receiver = HookReceiver::start(WEBHOOK_SECRET, std::time::Duration::ZERO).await;
    let routes_dir = tempfile::tempdir().expect("tempdir");
    let routes = routes_dir.path().join("journal-routes.toml");
    std::fs::write(
        &routes,
        webhook_routes(
            "journal",
            "acct-it",
            &[receiver.url("/hooks/journal")],
            WEBHOOK_SECRET,
        ),
    )
    .expect("write routes");
    let routes_value = toml::Value::String(routes.display().to_string()).to_string();
    let mut relay = RelayProcess::start(|doc| {
        set_key(doc, "seed_routes", &routes_value);
        set_key(doc, "webhook_per_hour", "0");
        set_key(doc, "journal_segment_mb", "1");
    })
    .await;
    let cfg = relay.config_path.to_str().expect("utf-8 path").to_string();
    let data = relay.config_path.with_file_name("data");

    // About 2.5 MB of records in 1,000 events of 2.5 KB: the 1 MB segments fill and the journal
    // rolls at least twice. Few large events keep the delivery afterwards short on a loaded machine.
    let acked: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let client = reqwest::Client::builder()
        .timeout(DEADLINE)
        .build()
        .expect("client");
    let url = relay.url("/zoom/webhook");
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (client, url, acked) = (client.clone(), url.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..125 {
                let uuid = unique_uuid("journal");
                let body = started_body(&uuid, &"Journal segment filler ".repeat(110));
                let ts = now_secs().to_string();
                let sig = zoom_signature(DEMO_SECRET, &ts, &body);
                let res = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-zm-request-timestamp", ts)
                    .header("x-zm-signature", sig)
                    .body(body)
                    .send()
                    .await
                    .expect("send");
                assert_eq!(res.status(), 200, "a healthy relay acknowledges");
                acked.lock().unwrap().insert(uuid);
            }
        }));
    }
    for t in tasks {
        t.await.expect("sender");
    }
    // Killed right after the last 200: the newest events may be only in the journal.
    relay.child.kill().await.expect("SIGKILL");
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert_eq!(acked.len(), 1000);

    let files = segments(&data);
    assert!(
        files.len() >= 3,
        "2.5 MB of events filled more than two 1 MB segments: {files:?}"
    );
    for f in &files {
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is private", f.display());
    }

    // A torn record after the last one: a whole event whose checksum fails.
    let torn_uuid = unique_uuid("torn");
    let (newest, end, last) = newest_tail(&data);
    let torn = record(
        last + 1,
        &started_body(&torn_uuid, "never acknowledged"),
        true,
    );
    std::fs::OpenOptions::new()
        .write(true)
        .open(&newest)
        .expect("open segment")
        .write_all_at(&torn, end)
        .expect("write torn record");

    let log = relay.config_path.with_file_name("relay-restart.stderr");
    let stderr = std::fs::File::create(&log).expect("stderr file");
    relay.child = cli_command(&["serve", "--config", &cfg])
        .env("RELAY_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("restart zoom-relay serve");
    wait_ready(&mut relay, &log).await;

    let started = Instant::now();
    loop {
        let seen = receiver.by_uuid();
        let missing = acked.iter().filter(|u| !seen.contains_key(*u)).count();
        if missing == 0 {
            break;
        }
        assert!(
            started.elapsed() < 3 * DEADLINE,
            "{missing} of {} acknowledged events not delivered after the restart:\n{}",
            acked.len(),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(STEP).await;
    }
    // The torn record was dropped, not applied.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !receiver.by_uuid().contains_key(&torn_uuid),
        "the torn record was delivered"
    );
    let unknown: Vec<String> = receiver
        .by_uuid()
        .into_keys()
        .filter(|u| !acked.contains(u))
        .collect();
    assert!(unknown.is_empty(), "notifications never sent: {unknown:?}");
    relay.child.kill().await.expect("stop");
}

//! The outbox under a concurrent writer and worker, through the store API directly: jobs for one
//! destination are created while a worker claims and finishes them. Every job must be delivered.
//! Before the fix, a worker scanning between a job's due entry and the job itself removed the due
//! entry as a leftover, stranding that job at the head of its destination; the destination then
//! stalled for good (seen as a log backlog that never drained in the benchmark).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use zoom_relay::routing::{Channel, DeliveryOptions, Target};
use zoom_relay::store::{Attempt, AttemptOutcome, Claim, Finish, Message, NewJob, Store};

const JOBS: usize = 3000;

fn job(n: usize) -> NewJob {
    NewJob {
        idempotency_key: format!("race_{n}"),
        event: "meeting.started".into(),
        app_id: "default".into(),
        account_id: "acct-race".into(),
        route_name: "r".into(),
        meeting_uuid: None,
        target: Target::Log,
        message: Message::Log {
            text: format!("m{n}"),
        },
        options: DeliveryOptions::default(),
        unsubscribe_url: None,
        received_at_ms: 0,
    }
}

#[test]
fn jobs_created_while_a_worker_claims_are_all_delivered_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::helpers::parse_config(&crate::helpers::write_config(
        dir.path(),
        &crate::helpers::test_config_text("127.0.0.1:9".parse().unwrap()),
    ));
    let store = Store::open(&dir.path().join("data"), &config.store).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let store = store.clone();
        let done = done.clone();
        std::thread::spawn(move || {
            for n in 0..JOBS {
                store.enqueue_jobs(vec![job(n)]).unwrap();
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut delivered: Vec<String> = Vec::with_capacity(JOBS);
    while delivered.len() < JOBS {
        assert!(
            Instant::now() < deadline,
            "only {} of {JOBS} jobs delivered; outbox holds {}",
            delivered.len(),
            store.outbox_len(None)
        );
        let now = chrono::Utc::now().timestamp_millis();
        match store.claim_due(Channel::Log, now, 60_000).unwrap() {
            Claim::Job(j) => {
                let Message::Log { text } = &j.message else {
                    unreachable!()
                };
                delivered.push(text.clone());
                let attempt = Attempt {
                    job_id: j.id,
                    attempt: 1,
                    at_ms: now,
                    outcome: AttemptOutcome::Sent,
                    status: None,
                    detail: String::new(),
                    latency_ms: 0,
                };
                store.finish_job(&j, &attempt, Finish::Done).unwrap();
            }
            _ if done.load(Ordering::SeqCst) && store.outbox_len(None) > 0 => {
                // Everything is written, jobs are left, and none is claimable: stalled.
                let now = chrono::Utc::now().timestamp_millis();
                assert!(
                    matches!(
                        store.claim_due(Channel::Log, now, 60_000).unwrap(),
                        Claim::Job(_)
                    ),
                    "stalled with {} jobs left after {} delivered",
                    store.outbox_len(None),
                    delivered.len()
                );
            }
            _ => std::thread::yield_now(),
        }
    }
    writer.join().unwrap();
    let expected: Vec<String> = (0..JOBS).map(|n| format!("m{n}")).collect();
    assert_eq!(delivered, expected, "FIFO for the destination");
    assert_eq!(store.outbox_len(None), 0);
}

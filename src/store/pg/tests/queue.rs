//! Dispatch and delivery on PostgreSQL: leases, FIFO per destination, two replicas.

use super::*;

#[tokio::test]
async fn dispatch_moves_the_event_out_and_is_idempotent() {
    let (_db, s) = store_or_skip!();
    let AppendOutcome::Accepted { seq } = s.append_event(key(1), event("acc", 1)).await.unwrap()
    else {
        panic!()
    };
    let rec = s.next_inbox_event().await.unwrap().unwrap();
    assert_eq!(rec.seq, seq);
    let status = EventStatus::Dispatched { routes: 1, jobs: 2 };
    let jobs = vec![job("msg_1_a", "acc", 1), job("msg_1_b", "acc", 2)];
    assert_eq!(
        s.commit_dispatch(&rec, status.clone(), jobs.clone())
            .await
            .unwrap(),
        2
    );
    assert!(s.next_inbox_event().await.unwrap().is_none());
    assert_eq!(s.get_event(seq).await.unwrap().unwrap().status, status);
    assert_eq!(
        s.commit_dispatch(&rec, status, jobs).await.unwrap(),
        0,
        "a repeat creates nothing"
    );
    assert_eq!(s.outbox_len(Some(Channel::Telegram)).await, 2);
    assert_eq!(s.outbox_len(Some(Channel::Email)).await, 0);
}

#[tokio::test]
async fn claim_lease_expires_and_only_one_of_two_claimers_wins() {
    let (_db, s) = store_or_skip!();
    s.enqueue_jobs(vec![job("one", "acc", 1)]).await.unwrap();
    let t = now() + 10;
    // Two claimers at once: exactly one gets the job.
    let (a, b) = tokio::join!(
        s.claim_due(Channel::Telegram, t, 60_000),
        s.claim_due(Channel::Telegram, t, 60_000)
    );
    let got: Vec<Job> = [a.unwrap(), b.unwrap()]
        .into_iter()
        .filter_map(|c| match c {
            Claim::Job(j) => Some(*j),
            _ => None,
        })
        .collect();
    assert_eq!(got.len(), 1, "one claimer wins");
    let j = &got[0];
    assert_eq!(j.claimed_until_ms, Some(t + 60_000));
    // While leased, nobody else gets it; the claim reports when it comes back.
    match s.claim_due(Channel::Telegram, t + 1, 60_000).await.unwrap() {
        Claim::NotBefore(at) => assert_eq!(at, t + 60_000),
        other => panic!("leased job claimed again: {other:?}"),
    }
    // After the lease, another worker takes it (the first one died).
    match s
        .claim_due(Channel::Telegram, t + 60_001, 1_000)
        .await
        .unwrap()
    {
        Claim::Job(again) => assert_eq!(again.id, j.id),
        other => panic!("expired lease not reclaimed: {other:?}"),
    }
    let a = attempt(j.id, 1, AttemptOutcome::Sent);
    s.finish_job(j, &a, Finish::Done).await.unwrap();
    assert!(s.get_job(j.id).await.unwrap().is_none());
    assert_eq!(s.get_sent(j.id).await.unwrap().unwrap().job.attempts, 1);
    assert_eq!(s.attempts_of(j.id).await.unwrap(), vec![a]);
    assert!(matches!(
        s.claim_due(Channel::Telegram, t + 70_000, 1_000)
            .await
            .unwrap(),
        Claim::Empty
    ));
}

#[tokio::test]
async fn delivery_is_fifo_per_destination() {
    let (_db, s) = store_or_skip!();
    // Chat 1 gets a then c; chat 2 gets b.
    s.enqueue_jobs(vec![
        job("a", "acc", 1),
        job("b", "acc", 2),
        job("c", "acc", 1),
    ])
    .await
    .unwrap();
    let t = now() + 10;
    let claim = |t| {
        let s = s.clone();
        async move {
            match s.claim_due(Channel::Telegram, t, 60_000).await.unwrap() {
                Claim::Job(j) => Some(*j),
                _ => None,
            }
        }
    };
    let a = claim(t).await.unwrap();
    let b = claim(t).await.unwrap();
    assert_eq!(a.idempotency_key, "a");
    assert_eq!(b.idempotency_key, "b");
    assert!(claim(t).await.is_none(), "c waits behind a (same chat)");
    // a fails and is retried later: c still waits, even though c is due and a is not.
    s.finish_job(
        &a,
        &attempt(a.id, 1, AttemptOutcome::Retry),
        Finish::RetryAt(t + 5_000),
    )
    .await
    .unwrap();
    assert!(claim(t + 1).await.is_none(), "c never overtakes a retry");
    let a2 = claim(t + 5_000).await.unwrap();
    assert_eq!(a2.idempotency_key, "a");
    assert_eq!(a2.attempts, 1);
    s.finish_job(
        &a2,
        &attempt(a2.id, 2, AttemptOutcome::Dead),
        Finish::Dead("gone".into()),
    )
    .await
    .unwrap();
    let c = claim(t + 5_000).await.unwrap();
    assert_eq!(c.idempotency_key, "c");
    assert_eq!(s.list_dead().await.unwrap().len(), 1);
    assert!(s.retry_dead(a.id, t).await.unwrap());
    assert!(!s.retry_dead(a.id, t).await.unwrap());
    assert_eq!(s.get_job(a.id).await.unwrap().unwrap().attempts, 2);
}

/// Two stores on one database stand for two replicas. Each runs two workers, over three chats (so
/// without FIFO per destination two workers would send to one chat at once); every job is sent
/// once, and per destination one at a time in creation order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_on_two_replicas_keep_fifo_per_destination_and_send_each_job_once() {
    let (db, s1) = store_or_skip!();
    let s2 = PgStore::connect(&with_db(&admin_url(), &db.name), Some([7u8; 32]))
        .await
        .unwrap();
    let jobs: Vec<NewJob> = (0..60)
        .map(|i| job(&format!("j{i}"), "acc", i % 3))
        .collect();
    assert_eq!(s1.enqueue_jobs(jobs).await.unwrap(), 60);
    let log = Arc::new(std::sync::Mutex::new(Vec::<(i64, u64)>::new()));
    // Chats with a job being sent right now.
    let busy = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    let mut workers = Vec::new();
    for s in [s1.clone(), s1.clone(), s2.clone(), s2.clone()] {
        let (log, busy) = (log.clone(), busy.clone());
        workers.push(tokio::spawn(async move {
            loop {
                match s
                    .claim_due(Channel::Telegram, now() + 10, 60_000)
                    .await
                    .unwrap()
                {
                    Claim::Job(j) => {
                        let Target::Telegram { chat_id, .. } = j.target else {
                            unreachable!()
                        };
                        // Recorded while the claim is held: that is the order of sending.
                        log.lock().unwrap().push((chat_id, j.id));
                        assert!(
                            busy.lock().unwrap().insert(chat_id),
                            "two jobs of chat {chat_id} held at once"
                        );
                        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                        busy.lock().unwrap().remove(&chat_id);
                        s.finish_job(&j, &attempt(j.id, 1, AttemptOutcome::Sent), Finish::Done)
                            .await
                            .unwrap();
                    }
                    // Everything left is held by another worker; look again shortly.
                    Claim::NotBefore(_) => {
                        tokio::time::sleep(std::time::Duration::from_millis(5)).await
                    }
                    Claim::Empty => return,
                }
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 60, "each job sent once");
    let mut ids: Vec<u64> = log.iter().map(|(_, id)| *id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 60, "no job sent twice");
    for chat in 0..3 {
        let order: Vec<u64> = log
            .iter()
            .filter(|(c, _)| *c == chat)
            .map(|(_, id)| *id)
            .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "chat {chat} got its jobs out of order: {order:?}"
        );
    }
    assert_eq!(s2.list_sent().await.unwrap().len(), 60);
}

//! What the Telegram channel keeps across restarts: pacing, part progress, chat migrations.

use super::route;
use crate::routing::Destination;
use crate::store::Db;
use crate::store::TenantId;
use crate::store::pacing::{Limits, Slot};
use crate::store::telegram::PartProgress;

/// Pacing decisions, part progress and chat migrations: a slot is counted, a 429 block holds, each
/// bot has its own budget; part progress reads back as written; a chat migration is followed and
/// moves route destinations along.
pub(super) async fn pacing_state_round_trip(db: Db) {
    let l = Limits::default();
    let t = 1_700_000_000_000;
    assert_eq!(db.telegram_send_at(1, 42, &l, t).await.unwrap(), t);
    assert_eq!(
        db.take_telegram_slot(1, 42, &l, &move || t).await.unwrap(),
        Slot::Granted { at_ms: t }
    );
    assert_eq!(
        db.take_telegram_slot(1, 42, &l, &move || t + 10)
            .await
            .unwrap(),
        Slot::NotBefore(t + 1000),
        "one per second per chat"
    );
    assert_eq!(
        db.telegram_send_at(1, 42, &l, t + 10).await.unwrap(),
        t + 1000
    );
    assert_eq!(
        db.take_telegram_slot(2, 42, &l, &move || t + 10)
            .await
            .unwrap(),
        Slot::Granted { at_ms: t + 10 },
        "another bot has its own budget"
    );
    db.block_telegram_chat(1, -100, t + 30_000).await.unwrap();
    db.block_telegram_chat(1, -100, t + 20_000).await.unwrap();
    assert_eq!(
        db.take_telegram_slot(1, -100, &l, &move || t + 20)
            .await
            .unwrap(),
        Slot::NotBefore(t + 30_000),
        "the later block stands"
    );
    assert_eq!(
        db.take_telegram_slot(1, -101, &l, &move || t + 20)
            .await
            .unwrap(),
        Slot::Granted { at_ms: t + 20 },
        "only the blocked chat waits"
    );

    assert_eq!(db.part_progress(9).await.unwrap(), PartProgress::default());
    let p = PartProgress {
        next: 3,
        plain: true,
    };
    db.set_part_progress(9, &p).await.unwrap();
    assert_eq!(db.part_progress(9).await.unwrap(), p);
    assert_eq!(db.part_progress(10).await.unwrap(), PartProgress::default());
    db.clear_part_progress(9).await.unwrap();
    assert_eq!(db.part_progress(9).await.unwrap(), PartProgress::default());

    let mut r = route("A", "chat");
    r.destinations = vec![Destination::Telegram {
        chat_id: 5,
        thread_id: None,
        member: false,
        bot: None,
    }];
    assert!(db.create_route(&r).await.unwrap());
    assert_eq!(db.resolve_telegram_chat(5).await.unwrap(), 5);
    let changed = db.migrate_telegram_chat(5, 6).await.unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(db.resolve_telegram_chat(5).await.unwrap(), 6);
    let stored = db
        .get_route(&TenantId::new(&r.app_id, "A"), "chat")
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        stored.destinations[..],
        [Destination::Telegram { chat_id: 6, .. }]
    ));
}

/// Two handles on one store (two replicas on PostgreSQL) taking Telegram send slots at once never
/// exceed the limits together, and a 429 block recorded through one holds for the other. The clock
/// is made up and shared: every read moves it 10 ms on, so about ten seconds pass in a few hundred
/// decisions, and each granted slot carries the time it was decided at. Small limits make every
/// one of them bind within that time.
pub(super) async fn two_pacers_never_exceed_the_limits_together(a: Db, b: Db) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    const BOT: i64 = 77;
    const T0: i64 = 1_000_000_000;
    const CALLS: usize = 300;
    const BLOCKED: i64 = 3;
    let l = Limits {
        overall_per_sec: 10,
        overall_window_ms: 1000,
        chat_interval_ms: 1000,
        group_per_min: 3,
    };
    // Twelve private chats and four groups: more demand than the overall budget.
    let chats: Vec<i64> = (1..=12).chain(-4..=-1).collect();
    let clock = Arc::new(AtomicI64::new(T0));
    // Set by the task that blocks BLOCKED: the clock just after the block was recorded.
    let blocked_at = Arc::new(AtomicI64::new(i64::MAX));
    let block_until = T0 + 5_000;
    let mut tasks = Vec::new();
    for (k, db) in [a, b].into_iter().enumerate() {
        let (clock, blocked_at, chats) = (clock.clone(), blocked_at.clone(), chats.clone());
        tasks.push(tokio::spawn(async move {
            let tick = move || clock.fetch_add(10, Ordering::SeqCst);
            let mut granted = Vec::new();
            for i in 0..CALLS {
                if k == 1 && i == CALLS / 3 {
                    db.block_telegram_chat(BOT, BLOCKED, block_until)
                        .await
                        .unwrap();
                    blocked_at.store(tick(), Ordering::SeqCst);
                }
                let chat = chats[(i * 7 + k * 3) % chats.len()];
                match db.take_telegram_slot(BOT, chat, &l, &tick).await.unwrap() {
                    Slot::Granted { at_ms } => granted.push((at_ms, chat, k)),
                    Slot::NotBefore(at) => assert!(at > T0, "a wait in the past: {at}"),
                }
            }
            granted
        }));
    }
    let mut grants = Vec::new();
    for t in tasks {
        grants.extend(t.await.expect("a pacer task"));
    }
    grants.sort_unstable();
    for k in 0..2 {
        assert!(
            grants.iter().filter(|g| g.2 == k).count() >= 5,
            "handle {k} got hardly any slot: {grants:?}"
        );
    }
    let times: Vec<i64> = grants.iter().map(|g| g.0).collect();
    for w in times.windows(l.overall_per_sec + 1) {
        assert!(
            w[l.overall_per_sec] - w[0] >= l.overall_window_ms,
            "{} sends within {} ms: {w:?}",
            l.overall_per_sec + 1,
            w[l.overall_per_sec] - w[0]
        );
    }
    for chat in &chats {
        let t: Vec<i64> = grants
            .iter()
            .filter(|g| g.1 == *chat)
            .map(|g| g.0)
            .collect();
        for w in t.windows(2) {
            assert!(w[1] - w[0] >= l.chat_interval_ms, "chat {chat}: {t:?}");
        }
        if *chat < 0 {
            for w in t.windows(l.group_per_min + 1) {
                assert!(w[l.group_per_min] - w[0] >= 60_000, "group {chat}: {t:?}");
            }
        }
    }
    let after = blocked_at.load(Ordering::SeqCst);
    assert!(after < i64::MAX, "the block was recorded");
    let early: Vec<_> = grants
        .iter()
        .filter(|g| g.1 == BLOCKED && g.0 > after && g.0 < block_until)
        .collect();
    assert!(early.is_empty(), "sent to a blocked chat: {early:?}");
    // Enough time passed for the overall limit to have been the binding one.
    assert!(
        times.len() as i64 >= (times[times.len() - 1] - T0) / 1000 * 5,
        "too few slots for the time that passed: {times:?}"
    );
}

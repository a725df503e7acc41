//! What the Telegram channel keeps across restarts: pacing, part progress, chat migrations.

use super::route;
use crate::routing::Destination;
use crate::store::Db;
use crate::store::telegram::{ChatPace, PartProgress};

/// Pacing records and part progress read back exactly as written; a chat migration is followed
/// and moves route destinations along.
pub(super) async fn pacing_state_round_trip(db: Db) {
    assert!(db.telegram_paces().await.unwrap().is_empty());
    let a = ChatPace {
        sent_ms: vec![1, 2, 3],
        blocked_until_ms: Some(99),
    };
    let b = ChatPace {
        sent_ms: vec![7],
        blocked_until_ms: None,
    };
    db.put_telegram_pace(-100, &a).await.unwrap();
    db.put_telegram_pace(42, &b).await.unwrap();
    let mut paces = db.telegram_paces().await.unwrap();
    paces.sort_by_key(|(chat, _)| *chat);
    assert_eq!(paces, vec![(-100, a.clone()), (42, b)]);
    let b2 = ChatPace {
        sent_ms: vec![7, 8],
        blocked_until_ms: Some(10),
    };
    db.put_telegram_pace(42, &b2).await.unwrap();
    let paces = db.telegram_paces().await.unwrap();
    assert_eq!(paces.len(), 2, "a chat has one pacing record");
    assert!(paces.contains(&(42, b2)) && paces.contains(&(-100, a)));

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
    }];
    assert!(db.create_route(&r).await.unwrap());
    assert_eq!(db.resolve_telegram_chat(5).await.unwrap(), 5);
    let changed = db.migrate_telegram_chat(5, 6).await.unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(db.resolve_telegram_chat(5).await.unwrap(), 6);
    let stored = db.get_route(&r.app_id, "A", "chat").await.unwrap().unwrap();
    assert!(matches!(
        stored.destinations[..],
        [Destination::Telegram { chat_id: 6, .. }]
    ));
}

//! Stored apps and app invitations: revisions guard every write, and an invitation works once,
//! even when two replicas use it at the same moment.

use crate::store::apps::{AppInvite, InviteUse, StoredApp, invite_hash};
use crate::store::{Db, pluck};

fn app(id: &str) -> StoredApp {
    StoredApp {
        name: Some("Tuesday group".into()),
        client_id: Some("cid".into()),
        client_secret: Some("c2VhbGVk".into()),
        ..StoredApp::new(id, "dG9rZW4=".into(), "api", 1)
    }
}

pub(super) async fn apps_insert_swap_and_delete(db: Db) {
    assert!(db.list_apps().await.unwrap().is_empty());
    let a = app("community-a");
    assert!(db.insert_app(&a).await.unwrap());
    let mut taken = app("community-a");
    taken.name = Some("someone else".into());
    assert!(!db.insert_app(&taken).await.unwrap(), "an id is added once");
    assert_eq!(db.get_app("community-a").await.unwrap(), Some(a.clone()));
    assert!(db.insert_app(&app("community-b")).await.unwrap());
    let ids: Vec<String> = pluck(db.list_apps().await, |a| a.id);
    assert_eq!(ids, ["community-a", "community-b"]);

    let mut rotated = a.clone();
    rotated.revision = 2;
    rotated.previous_secret_token = Some(a.secret_token.clone());
    rotated.secret_token = "bmV3".into();
    assert!(db.swap_app(1, &rotated).await.unwrap());
    // A writer that read revision 1 loses, and its write is not applied.
    let mut stale = a.clone();
    stale.revision = 2;
    stale.crc_seen_at_ms = Some(5);
    assert!(!db.swap_app(1, &stale).await.unwrap());
    assert_eq!(db.get_app("community-a").await.unwrap(), Some(rotated));
    assert!(!db.swap_app(1, &app("missing")).await.unwrap());

    assert!(db.delete_app("community-a").await.unwrap());
    assert!(!db.delete_app("community-a").await.unwrap());
    assert_eq!(db.get_app("community-a").await.unwrap(), None);
    assert_eq!(db.list_apps().await.unwrap().len(), 1);
}

fn invite(app_id: &str, expires_at_ms: i64) -> AppInvite {
    AppInvite {
        id: "0123456789ab".into(),
        app_id: app_id.into(),
        name: None,
        created_at_ms: 10,
        expires_at_ms,
        used_at_ms: None,
    }
}

pub(super) async fn app_invites_work_once_and_expire(db: Db, second: Db) {
    let (h, expired) = (invite_hash("code-one"), invite_hash("code-old"));
    assert!(db.put_app_invite(&h, &invite("a1", 1_000)).await.unwrap());
    assert!(
        !db.put_app_invite(&h, &invite("other", 1_000))
            .await
            .unwrap()
    );
    assert!(
        db.put_app_invite(&expired, &invite("a2", 100))
            .await
            .unwrap()
    );
    assert_eq!(
        db.app_invite(&h).await.unwrap().map(|i| i.app_id),
        Some("a1".to_string())
    );
    assert_eq!(db.list_app_invites().await.unwrap().len(), 2);
    assert_eq!(
        db.use_app_invite(&invite_hash("nope"), 500).await.unwrap(),
        InviteUse::Unknown
    );
    assert!(matches!(
        db.use_app_invite(&expired, 500).await.unwrap(),
        InviteUse::Expired(_)
    ));

    // Many uses at once, from two handles (two replicas on PostgreSQL): exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let db = if i % 2 == 0 {
            db.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            db.use_app_invite(&h, 500).await.unwrap()
        }));
    }
    let mut used = 0;
    for t in tasks {
        match t.await.unwrap() {
            InviteUse::Used(i) => {
                used += 1;
                assert_eq!(i.used_at_ms, Some(500));
            }
            InviteUse::AlreadyUsed(i) => assert_eq!(i.used_at_ms, Some(500)),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(used, 1);

    // Withdrawing: an open one expires now, a used one stays used, other ids are untouched.
    let (open, other) = (invite_hash("code-open"), invite_hash("code-other"));
    let mut rec = invite("a3", 1_000);
    rec.id = "fedcba987654".into();
    assert!(db.put_app_invite(&open, &rec).await.unwrap());
    let mut kept = invite("a4", 1_000);
    kept.id = "fedcff000000".into();
    assert!(db.put_app_invite(&other, &kept).await.unwrap());
    let gone = second.expire_app_invites("fedcba", 600).await.unwrap();
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].expires_at_ms, 600);
    assert!(matches!(
        db.use_app_invite(&open, 700).await.unwrap(),
        InviteUse::Expired(_)
    ));
    assert_eq!(db.app_invite(&other).await.unwrap(), Some(kept));
    // The used one matches the prefix of every id in this case ("0123...") but stays used.
    assert!(db.expire_app_invites("0123", 600).await.unwrap().is_empty());

    // Pruning removes what expired before the cutoff, used or not, and keeps the rest.
    assert_eq!(db.list_app_invites().await.unwrap().len(), 4);
    assert_eq!(second.prune_app_invites(650).await.unwrap(), 2);
    let left: Vec<i64> = pluck(db.list_app_invites().await, |i| i.expires_at_ms);
    assert_eq!(left, [1_000, 1_000]);
    assert_eq!(db.prune_app_invites(650).await.unwrap(), 0);
    assert_eq!(
        db.app_invite(&h).await.unwrap().and_then(|i| i.used_at_ms),
        Some(500)
    );
}

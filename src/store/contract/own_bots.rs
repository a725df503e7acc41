//! Communities' own bots: one per tenant, one tenant per bot, offsets per bot.

use super::APP;
use crate::store::Db;
use crate::store::TenantId;
use crate::store::own_bots::OwnBot;

fn bot(account: &str, bot_id: i64, username: &str) -> OwnBot {
    OwnBot {
        app_id: APP.into(),
        account_id: account.into(),
        bot_id,
        username: username.into(),
        sealed_token: vec![0, 1, 2, bot_id as u8],
        connected_ms: 5,
        disabled: None,
        moved_notice_ms: None,
    }
}

/// A bot round-trips by tenant and by id; another tenant cannot take it; the tenant may replace
/// it with another bot; disabling and the moved-notice mark stick; removing leaves the offset.
pub(super) async fn one_bot_per_tenant_and_one_tenant_per_bot(db: Db) {
    assert_eq!(db.own_bot(&TenantId::new(APP, "A")).await.unwrap(), None);
    let a = bot("A", 101, "a_bot");
    assert!(db.put_own_bot(&a).await.unwrap());
    assert_eq!(
        db.own_bot(&TenantId::new(APP, "A")).await.unwrap(),
        Some(a.clone())
    );
    assert_eq!(db.own_bot_by_id(101).await.unwrap(), Some(a.clone()));
    assert!(
        !db.put_own_bot(&bot("B", 101, "a_bot")).await.unwrap(),
        "another tenant cannot connect a bot that is taken"
    );
    assert_eq!(db.own_bot(&TenantId::new(APP, "B")).await.unwrap(), None);
    assert_eq!(
        db.own_bot(&TenantId::new(APP, "A")).await.unwrap(),
        Some(a.clone())
    );
    // Reconnecting the same bot (a new token after a revoke) is an update.
    let mut a2 = a.clone();
    a2.sealed_token = vec![9];
    assert!(db.put_own_bot(&a2).await.unwrap());
    assert_eq!(db.own_bot_by_id(101).await.unwrap(), Some(a2.clone()));
    // Another bot replaces the first, which is free for others again.
    let a3 = bot("A", 102, "a_new_bot");
    assert!(db.put_own_bot(&a3).await.unwrap());
    assert_eq!(db.own_bot_by_id(101).await.unwrap(), None);
    assert!(db.put_own_bot(&bot("B", 101, "a_bot")).await.unwrap());
    assert_eq!(db.all_own_bots().await.unwrap().len(), 2);

    assert!(db.set_own_bot_disabled(102, Some("revoked")).await.unwrap());
    assert!(db.set_own_bot_moved_notice(102, 77).await.unwrap());
    assert!(db.set_own_bot_username(102, "a_renamed_bot").await.unwrap());
    let got = db.own_bot(&TenantId::new(APP, "A")).await.unwrap().unwrap();
    assert_eq!(got.disabled.as_deref(), Some("revoked"));
    assert_eq!(got.moved_notice_ms, Some(77));
    assert_eq!(got.username, "a_renamed_bot");
    assert_eq!(got.sealed_token, a3.sealed_token, "only the name changed");
    assert!(db.set_own_bot_disabled(102, None).await.unwrap());
    assert_eq!(
        db.own_bot(&TenantId::new(APP, "A"))
            .await
            .unwrap()
            .unwrap()
            .disabled,
        None
    );
    assert!(!db.set_own_bot_disabled(999, Some("x")).await.unwrap());

    assert_eq!(db.own_bot_last_update(102).await.unwrap(), None);
    db.set_own_bot_last_update(102, 5000).await.unwrap();
    db.set_own_bot_last_update(101, -7).await.unwrap();
    assert_eq!(db.own_bot_last_update(102).await.unwrap(), Some(5000));
    assert_eq!(db.own_bot_last_update(101).await.unwrap(), Some(-7));
    assert_eq!(db.own_bot_notice_watermark(102).await.unwrap(), None);
    db.set_own_bot_notice_watermark(102, u64::MAX - 1)
        .await
        .unwrap();
    assert_eq!(
        db.own_bot_notice_watermark(102).await.unwrap(),
        Some(u64::MAX - 1)
    );
    assert_eq!(db.bot_notice_watermark().await.unwrap(), None);
    assert_eq!(
        db.bot_last_update().await.unwrap(),
        None,
        "the shared bot's offset is its own"
    );

    let removed = db
        .remove_own_bot(&TenantId::new(APP, "A"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(removed.bot_id, 102);
    assert_eq!(db.own_bot(&TenantId::new(APP, "A")).await.unwrap(), None);
    assert_eq!(
        db.remove_own_bot(&TenantId::new(APP, "A")).await.unwrap(),
        None
    );
    assert_eq!(db.own_bot_last_update(102).await.unwrap(), Some(5000));
}

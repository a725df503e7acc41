//! The bot language each Telegram user chose: per user, replaced by a later choice, forgotten on
//! request, and untouched by a tenant purge (it names no tenant).

use super::APP;
use crate::store::Db;
use crate::store::TenantId;

pub(super) async fn a_users_language_is_remembered_replaced_and_forgotten(db: Db) {
    assert_eq!(db.bot_language(7).await.unwrap(), None);
    db.set_bot_language(7, Some("es")).await.unwrap();
    db.set_bot_language(-8, Some("ar")).await.unwrap();
    assert_eq!(db.bot_language(7).await.unwrap().as_deref(), Some("es"));
    db.set_bot_language(7, Some("de")).await.unwrap();
    assert_eq!(
        db.bot_language(7).await.unwrap().as_deref(),
        Some("de"),
        "a later choice replaces the earlier one"
    );
    assert_eq!(
        db.bot_language(-8).await.unwrap().as_deref(),
        Some("ar"),
        "each user has their own"
    );
    db.purge_tenant(&TenantId::new(APP, "A"), None)
        .await
        .unwrap();
    assert_eq!(
        db.bot_language(7).await.unwrap().as_deref(),
        Some("de"),
        "a tenant purge leaves people's languages"
    );
    db.set_bot_language(7, None).await.unwrap();
    assert_eq!(db.bot_language(7).await.unwrap(), None);
    db.set_bot_language(7, None).await.unwrap();
    assert_eq!(db.bot_language(-8).await.unwrap().as_deref(), Some("ar"));
}
